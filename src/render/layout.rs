//! Pagination: blocks become pieces of drawing with a height, and pieces fill pages from the
//! top. Headings stay with what follows them, charts and tiles are never split, and a table
//! that runs over a page repeats its header row.

use super::charts;
use super::draw::{Align, BLUE, Canvas, INK, Item, MUTED, ORANGE, RULE, SHADE, VERMILLION};
use super::markup::{Block, Kpi};
use super::tables;
use super::text::{Fonts, PT_TO_MM};

/// Page size and margins in mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub margin: f32,
}

impl Page {
    pub const A4: Page = Page {
        width: 210.0,
        height: 297.0,
        margin: 16.0,
    };
    pub const LETTER: Page = Page {
        width: 215.9,
        height: 279.4,
        margin: 16.0,
    };

    pub fn body_top(&self) -> f32 {
        self.height - 24.0
    }

    pub fn body_bottom(&self) -> f32 {
        20.0
    }

    pub fn body_width(&self) -> f32 {
        self.width - 2.0 * self.margin
    }
}

/// A drawn part of a block with its top at y = 0, extending down by `height`.
pub struct Piece {
    pub items: Vec<Item>,
    pub height: f32,
}

enum Laid {
    Whole { piece: Piece, keep_with_next: bool },
    Table { header: Piece, rows: Vec<Piece> },
    PageBreak,
}

impl Laid {
    /// Height that must fit for the block to start on the current page.
    fn start_height(&self) -> f32 {
        match self {
            Laid::Whole { piece, .. } => piece.height,
            Laid::Table { header, rows } => header.height + rows.first().map_or(0.0, |r| r.height),
            Laid::PageBreak => 0.0,
        }
    }
}

pub const BODY_SIZE: f32 = 9.5;

pub fn line_height(size: f32) -> f32 {
    size * PT_TO_MM * 1.38
}

/// Wrapped lines of text from the top down; returns the height used.
#[allow(clippy::too_many_arguments)]
pub fn text_lines(
    canvas: &mut Canvas,
    x: f32,
    top: f32,
    width: f32,
    text: &str,
    size: f32,
    bold: bool,
    colour: super::draw::Colour,
) -> f32 {
    let lines = canvas.fonts.wrap(text, size, bold, width);
    let step = line_height(size);
    for (i, line) in lines.iter().enumerate() {
        let baseline = top - step * (i as f32 + 1.0) + step * 0.22;
        canvas.text(x, baseline, line, size, bold, colour, Align::Left);
    }
    step * lines.len() as f32
}

fn whole(fonts: &Fonts, keep_with_next: bool, draw: impl FnOnce(&mut Canvas) -> f32) -> Laid {
    let mut canvas = Canvas::new(fonts);
    let height = draw(&mut canvas);
    Laid::Whole {
        piece: Piece {
            items: canvas.items,
            height,
        },
        keep_with_next,
    }
}

fn kpi_row(canvas: &mut Canvas, x0: f32, top: f32, width: f32, tiles: &[Kpi]) -> f32 {
    let gap = 3.0;
    let count = tiles.len().max(3) as f32;
    let tile_width = (width - gap * (count - 1.0)) / count;
    let pad = 2.5;
    let inner = tile_width - 2.0 * pad;
    let heights: Vec<f32> = tiles
        .iter()
        .map(|t| {
            let label =
                canvas.fonts.wrap(&t.label, 7.5, false, inner).len() as f32 * line_height(7.5);
            let comparison =
                canvas.fonts.wrap(&t.comparison, 7.0, false, inner).len() as f32 * line_height(7.0);
            pad + label + 8.5 + line_height(8.0) + comparison + pad
        })
        .collect();
    let height = heights.iter().copied().fold(0.0, f32::max);
    for (i, tile) in tiles.iter().enumerate() {
        let x = x0 + i as f32 * (tile_width + gap);
        canvas.rect(x, top - height, tile_width, height, SHADE);
        canvas.rect(x, top - height, 0.8, height, BLUE);
        let mut y = top - pad;
        y -= text_lines(canvas, x + pad, y, inner, &tile.label, 7.5, false, MUTED);
        let value = canvas.fonts.fit(&tile.value, 16.0, true, inner);
        canvas.text(x + pad, y - 6.3, &value, 16.0, true, INK, Align::Left);
        y -= 8.5;
        let change = tile.change.trim();
        let baseline = y - line_height(8.0) + 1.0;
        if !change.is_empty() {
            let mut tx = x + pad;
            if let Some(up) = match tile.trend.as_str() {
                "up" => Some(true),
                "down" => Some(false),
                _ => None,
            } {
                let colour = if up { BLUE } else { VERMILLION };
                canvas.arrow(tx, baseline, 2.2, up, colour);
                tx += 3.2;
            }
            canvas.text(tx, baseline, change, 8.0, true, INK, Align::Left);
        }
        y -= line_height(8.0);
        text_lines(
            canvas,
            x + pad,
            y,
            inner,
            &tile.comparison,
            7.0,
            false,
            MUTED,
        );
    }
    height
}

fn lay_out(fonts: &Fonts, page: &Page, block: &Block) -> Laid {
    let x = page.margin;
    let width = page.body_width();
    match block {
        Block::Title { text } => whole(fonts, true, |c| {
            text_lines(c, x, 0.0, width, text, 16.0, true, INK) + 2.0
        }),
        Block::Heading { text } => whole(fonts, true, |c| {
            let h = text_lines(c, x, -4.0, width, text, 12.0, true, INK);
            c.line(vec![(x, -4.5 - h), (x + width, -4.5 - h)], 0.3, RULE, false);
            h + 6.5
        }),
        Block::Subheading { text } => whole(fonts, true, |c| {
            text_lines(c, x, -2.0, width, text, 10.0, true, INK) + 3.0
        }),
        Block::Paragraph { text } => whole(fonts, false, |c| {
            text_lines(c, x, 0.0, width, text, BODY_SIZE, false, INK) + 1.8
        }),
        Block::Bullet { text } => whole(fonts, false, |c| {
            c.text(
                x + 1.5,
                -line_height(BODY_SIZE) * 0.78,
                "•",
                BODY_SIZE,
                false,
                INK,
                Align::Left,
            );
            text_lines(c, x + 5.5, 0.0, width - 5.5, text, BODY_SIZE, false, INK) + 0.8
        }),
        Block::Note { text } => whole(fonts, false, |c| {
            let mut inner = Canvas::new(c.fonts);
            let h = text_lines(
                &mut inner,
                x + 4.0,
                -2.2,
                width - 7.0,
                text,
                9.0,
                false,
                INK,
            ) + 4.4;
            c.rect(x, -h, width, h, SHADE);
            c.rect(x, -h, 1.0, h, ORANGE);
            c.items.extend(inner.items);
            h + 2.5
        }),
        Block::Kpis { tiles } => whole(fonts, false, |c| {
            let mut top = 0.0;
            for row in tiles.chunks(4) {
                top -= kpi_row(c, x, top, width, row) + 3.0;
            }
            -top
        }),
        Block::Chart { chart } => whole(fonts, false, |c| {
            charts::draw(c, x, 0.0, width, chart) + 3.0
        }),
        Block::Table { header, rows } => {
            let (header, rows) = tables::lay_out(fonts, x, width, header, rows);
            Laid::Table { header, rows }
        }
        Block::PageBreak => Laid::PageBreak,
    }
}

/// Lays the blocks out on pages; returns each page's items.
pub fn paginate(fonts: &Fonts, page: &Page, blocks: &[Block]) -> Vec<Vec<Item>> {
    let laid: Vec<Laid> = blocks.iter().map(|b| lay_out(fonts, page, b)).collect();
    let top = page.body_top();
    let mut pages: Vec<Vec<Item>> = vec![Vec::new()];
    let mut y = top;
    let place = |pages: &mut Vec<Vec<Item>>, y: &mut f32, piece: &Piece| {
        let dy = *y;
        pages
            .last_mut()
            .expect("a page is open")
            .extend(piece.items.iter().cloned().map(|i| i.moved(dy)));
        *y -= piece.height;
    };
    for (index, block) in laid.iter().enumerate() {
        let fits = |y: f32, height: f32| y - height >= page.body_bottom() || y >= top;
        let mut needed = block.start_height();
        if let Laid::Whole {
            keep_with_next: true,
            ..
        } = block
        {
            needed += laid.get(index + 1).map_or(0.0, Laid::start_height);
        }
        if matches!(block, Laid::PageBreak) || !fits(y, needed) {
            if y < top {
                pages.push(Vec::new());
                y = top;
            }
            if matches!(block, Laid::PageBreak) {
                continue;
            }
        }
        match block {
            Laid::Whole { piece, .. } => place(&mut pages, &mut y, piece),
            Laid::Table { header, rows } => {
                place(&mut pages, &mut y, header);
                for row in rows {
                    if !fits(y, row.height) {
                        pages.push(Vec::new());
                        y = top;
                        place(&mut pages, &mut y, header);
                    }
                    place(&mut pages, &mut y, row);
                }
                y -= 3.0;
            }
            Laid::PageBreak => {}
        }
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(page: &[Item]) -> Vec<&str> {
        page.iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    fn table(rows: usize) -> Block {
        Block::Table {
            header: vec!["Site name".into(), "Index".into()],
            rows: (0..rows)
                .map(|i| vec![format!("Site {i}"), format!("{i}.5")])
                .collect(),
        }
    }

    #[test]
    fn a_long_table_repeats_its_header_on_every_page() {
        let fonts = Fonts::load();
        let pages = paginate(&fonts, &Page::A4, &[table(150)]);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let mut seen = 0;
        for page in &pages {
            let t = texts(page);
            assert_eq!(t[0], "Site name", "header first on every page");
            assert_eq!(t.iter().filter(|x| **x == "Site name").count(), 1);
            seen += t
                .iter()
                .filter(|x| x.starts_with("Site ") && **x != "Site name")
                .count();
        }
        assert_eq!(seen, 150, "every row once");
        for page in &pages {
            for item in page {
                if let Item::Text { y, .. } = item {
                    assert!(
                        *y >= Page::A4.body_bottom() - 1.0 && *y <= Page::A4.body_top(),
                        "inside the body: {y}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_heading_moves_to_the_next_page_with_what_follows() {
        let fonts = Fonts::load();
        let line = Block::Paragraph {
            text: "Filler".into(),
        };
        let line_height = match lay_out(&fonts, &Page::A4, &line) {
            Laid::Whole { piece, .. } => piece.height,
            _ => unreachable!(),
        };
        // leave 15–22 mm: room for the heading alone, not for it and the table's first row
        let body = Page::A4.body_top() - Page::A4.body_bottom();
        let count = ((body - 15.0) / line_height).floor() as usize;
        assert!(body - count as f32 * line_height < 22.0);
        let mut blocks = vec![line; count];
        blocks.push(Block::Heading {
            text: "Regions".into(),
        });
        blocks.push(table(3));
        let pages = paginate(&fonts, &Page::A4, &blocks);
        assert_eq!(pages.len(), 2);
        let second = texts(&pages[1]);
        assert_eq!(
            &second[..2],
            &["Regions", "Site name"],
            "heading kept with its table"
        );
        assert!(!texts(&pages[0]).contains(&"Regions"));
    }
}
