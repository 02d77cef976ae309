//! Typesetting document blocks into an A4 PDF with printpdf: an embedded Unicode font,
//! text measured from the font's advance widths, wrapping, tables, and a header and footer
//! (title, period, page n / N, run id, config and data hashes) on every page.

use super::markup::Block;
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem,
};

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const PAGE_WIDTH: f32 = 210.0;
const PAGE_HEIGHT: f32 = 297.0;
const MARGIN: f32 = 18.0;
const BODY_TOP: f32 = PAGE_HEIGHT - 28.0;
const BODY_BOTTOM: f32 = 22.0;
const PT_TO_MM: f32 = 25.4 / 72.0;

/// The fonts, parsed once per process and shared by every document.
pub struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

impl Fonts {
    pub fn load() -> Fonts {
        let parse = |bytes| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the bundled font parses")
        };
        Fonts {
            regular: parse(REGULAR_TTF),
            bold: parse(BOLD_TTF),
        }
    }

    /// Width of `text` in mm at `size` points.
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold { &self.bold } else { &self.regular };
        let units_per_em = f32::from(font.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                font.lookup_glyph_index(c as u32)
                    .and_then(|gid| font.get_glyph_width(gid))
                    .map(u32::from)
                    .unwrap_or(units_per_em as u32 / 2)
            })
            .sum();
        units as f32 / units_per_em * size * PT_TO_MM
    }

    /// Greedy word wrap to `width` mm.
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size, bold) <= width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// What every page shows besides the body.
pub struct PageFrame {
    pub title: String,
    pub period: String,
    pub generated: String,
    pub footer: String,
}

struct Writer<'a> {
    fonts: &'a Fonts,
    regular: &'a FontId,
    bold: &'a FontId,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Writer<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page is open")
    }

    fn ensure(&mut self, height: f32) {
        if self.y - height < BODY_BOTTOM {
            self.pages.push(Vec::new());
            self.y = BODY_TOP;
        }
    }

    fn text(&mut self, x: f32, y: f32, text: &str, size: f32, bold: bool, grey: bool) {
        let font_id = if bold {
            self.bold.clone()
        } else {
            self.regular.clone()
        };
        let colour = if grey { 0.35 } else { 0.05 };
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: Color::Rgb(Rgb {
                    r: colour,
                    g: colour,
                    b: colour,
                    icc_profile: None,
                }),
            },
            Op::SetFont {
                font: PdfFontHandle::External(font_id),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn rule(&mut self, y: f32) {
        self.ops().push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point::new(Mm(MARGIN), Mm(y)),
                        bezier: false,
                    },
                    LinePoint {
                        p: Point::new(Mm(PAGE_WIDTH - MARGIN), Mm(y)),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    fn lines(&mut self, lines: &[String], x: f32, size: f32, bold: bool) {
        let height = size * PT_TO_MM * 1.35;
        for line in lines {
            self.ensure(height);
            self.y -= height;
            self.text(x, self.y, line, size, bold, false);
        }
    }

    fn block(&mut self, block: &Block) {
        let width = PAGE_WIDTH - 2.0 * MARGIN;
        match block {
            Block::Title(text) => {
                let lines = self.fonts.wrap(text, 18.0, true, width);
                self.lines(&lines, MARGIN, 18.0, true);
                self.y -= 3.0;
            }
            Block::Heading(text) => {
                self.ensure(18.0);
                self.y -= 4.0;
                let lines = self.fonts.wrap(text, 13.0, true, width);
                self.lines(&lines, MARGIN, 13.0, true);
                self.y -= 1.5;
            }
            Block::Paragraph(text) => {
                let lines = self.fonts.wrap(text, 10.0, false, width);
                self.lines(&lines, MARGIN, 10.0, false);
                self.y -= 1.5;
            }
            Block::Bullet(text) => {
                let lines = self.fonts.wrap(text, 10.0, false, width - 5.0);
                self.ensure(5.0);
                self.text(
                    MARGIN + 1.0,
                    self.y - 10.0 * PT_TO_MM * 1.35,
                    "•",
                    10.0,
                    false,
                    false,
                );
                self.lines(&lines, MARGIN + 5.0, 10.0, false);
            }
            Block::Table { header, rows } => self.table(header, rows, width),
        }
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>], width: f32) {
        let columns = header.len().max(1);
        // The first column holds names: it gets twice the width of the figure columns.
        let unit = width / (columns as f32 + 1.0);
        let widths: Vec<f32> = (0..columns)
            .map(|i| if i == 0 { 2.0 * unit } else { unit })
            .collect();
        let size = 9.0;
        let line_height = size * PT_TO_MM * 1.35;
        let draw_row = |writer: &mut Writer<'_>, cells: &[String], bold: bool| {
            let wrapped: Vec<Vec<String>> = (0..columns)
                .map(|i| {
                    writer.fonts.wrap(
                        cells.get(i).map(String::as_str).unwrap_or(""),
                        size,
                        bold,
                        widths[i] - 2.0,
                    )
                })
                .collect();
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_height + 1.2;
            writer.ensure(height + line_height);
            let top = writer.y;
            let mut x = MARGIN;
            for (i, lines) in wrapped.iter().enumerate() {
                for (j, line) in lines.iter().enumerate() {
                    let y = top - (j as f32 + 1.0) * line_height;
                    // figures align right, names left
                    let tx = if i == 0 {
                        x
                    } else {
                        x + widths[i] - 1.0 - writer.fonts.width(line, size, bold)
                    };
                    writer.text(tx, y, line, size, bold, false);
                }
                x += widths[i];
            }
            writer.y = top - height;
        };
        draw_row(self, header, true);
        self.rule(self.y + 0.6);
        for row in rows {
            draw_row(self, row, false);
        }
        self.y -= 2.0;
    }
}

/// Lays out `blocks` and returns the PDF bytes.
pub fn typeset(fonts: &Fonts, frame: &PageFrame, blocks: &[Block]) -> Vec<u8> {
    let mut doc = PdfDocument::new(&frame.title);
    let regular = doc.add_font(&fonts.regular);
    let bold = doc.add_font(&fonts.bold);
    let mut writer = Writer {
        fonts,
        regular: &regular,
        bold: &bold,
        pages: vec![Vec::new()],
        y: BODY_TOP,
    };
    for block in blocks {
        writer.block(block);
    }
    let total = writer.pages.len();
    let pages: Vec<Vec<Op>> = std::mem::take(&mut writer.pages);
    let mut out = Vec::new();
    for (index, body) in pages.into_iter().enumerate() {
        let mut page = Writer {
            fonts,
            regular: &regular,
            bold: &bold,
            pages: vec![Vec::new()],
            y: 0.0,
        };
        page.text(MARGIN, PAGE_HEIGHT - 14.0, &frame.title, 9.0, true, true);
        let right = format!("{} · {}", frame.period, frame.generated);
        let right_x = PAGE_WIDTH - MARGIN - fonts.width(&right, 9.0, false);
        page.text(right_x, PAGE_HEIGHT - 14.0, &right, 9.0, false, true);
        page.rule(PAGE_HEIGHT - 17.0);
        page.rule(16.0);
        page.text(MARGIN, 11.0, &frame.footer, 7.0, false, true);
        let number = format!("{} / {}", index + 1, total);
        page.text(
            PAGE_WIDTH - MARGIN - fonts.width(&number, 9.0, false),
            11.0,
            &number,
            9.0,
            false,
            true,
        );
        let mut ops = page.pages.remove(0);
        ops.extend(body);
        out.push(PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops));
    }
    doc.with_pages(out)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}
