//! Drawing primitives in page coordinates (mm, origin at the bottom left): what the layout
//! and the charts produce and the PDF writer turns into operators.

use super::text::Fonts;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colour(pub f32, pub f32, pub f32);

impl Colour {
    const fn hex(rgb: u32) -> Colour {
        Colour(
            ((rgb >> 16) & 0xff) as f32 / 255.0,
            ((rgb >> 8) & 0xff) as f32 / 255.0,
            (rgb & 0xff) as f32 / 255.0,
        )
    }
}

pub const INK: Colour = Colour::hex(0x1a1a1a);
pub const MUTED: Colour = Colour::hex(0x5a5a5a);
pub const RULE: Colour = Colour::hex(0xb0b0b0);
pub const GRID: Colour = Colour::hex(0xe3e3e3);
pub const SHADE: Colour = Colour::hex(0xf1f3f6);
/// Okabe–Ito: distinguishable with every common colour-vision deficiency.
pub const BLUE: Colour = Colour::hex(0x0072b2);
pub const ORANGE: Colour = Colour::hex(0xe69f00);
pub const SKY: Colour = Colour::hex(0x56b4e9);
pub const GREEN: Colour = Colour::hex(0x009e73);
pub const VERMILLION: Colour = Colour::hex(0xd55e00);
pub const PURPLE: Colour = Colour::hex(0xcc79a7);
pub const PALETTE: [Colour; 5] = [BLUE, ORANGE, GREEN, PURPLE, SKY];

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text {
        x: f32,
        y: f32,
        text: String,
        size: f32,
        bold: bool,
        colour: Colour,
    },
    /// An open polyline; `dashed` for limits and medians.
    Line {
        points: Vec<(f32, f32)>,
        width: f32,
        colour: Colour,
        dashed: bool,
    },
    /// A filled rectangle from its bottom-left corner.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Colour,
    },
    /// A filled closed polygon (markers, arrows).
    Shape {
        points: Vec<(f32, f32)>,
        fill: Colour,
    },
}

/// Where items are drawn; text is measured with the document's fonts.
pub struct Canvas<'f> {
    pub fonts: &'f Fonts,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Centre,
    Right,
}

impl<'f> Canvas<'f> {
    pub fn new(fonts: &'f Fonts) -> Canvas<'f> {
        Canvas {
            fonts,
            items: Vec::new(),
        }
    }

    /// One line of text with its baseline at `y`, aligned on `x`.
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        x: f32,
        y: f32,
        text: &str,
        size: f32,
        bold: bool,
        colour: Colour,
        align: Align,
    ) {
        if text.is_empty() {
            return;
        }
        let x = match align {
            Align::Left => x,
            Align::Centre => x - self.fonts.width(text, size, bold) / 2.0,
            Align::Right => x - self.fonts.width(text, size, bold),
        };
        self.items.push(Item::Text {
            x,
            y,
            text: text.to_string(),
            size,
            bold,
            colour,
        });
    }

    pub fn line(&mut self, points: Vec<(f32, f32)>, width: f32, colour: Colour, dashed: bool) {
        if points.len() >= 2 {
            self.items.push(Item::Line {
                points,
                width,
                colour,
                dashed,
            });
        }
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Colour) {
        if w > 0.0 && h > 0.0 {
            self.items.push(Item::Rect { x, y, w, h, fill });
        }
    }

    /// A round marker of radius `r` (an octagon: indistinguishable at this size).
    pub fn dot(&mut self, x: f32, y: f32, r: f32, fill: Colour) {
        let points = (0..8)
            .map(|i| {
                let a = std::f32::consts::PI / 4.0 * i as f32 + std::f32::consts::PI / 8.0;
                (x + r * a.cos(), y + r * a.sin())
            })
            .collect();
        self.items.push(Item::Shape { points, fill });
    }

    /// A small triangle pointing up or down, for changes.
    pub fn arrow(&mut self, x: f32, y: f32, size: f32, up: bool, fill: Colour) {
        let h = size * 0.85;
        let points = if up {
            vec![(x, y), (x + size, y), (x + size / 2.0, y + h)]
        } else {
            vec![(x, y + h), (x + size, y + h), (x + size / 2.0, y)]
        };
        self.items.push(Item::Shape { points, fill });
    }
}

impl Item {
    /// The item moved up by `dy` mm: blocks are drawn with their top at 0, then placed.
    pub fn moved(self, dy: f32) -> Item {
        let shift =
            |points: Vec<(f32, f32)>| points.into_iter().map(|(x, y)| (x, y + dy)).collect();
        match self {
            Item::Text {
                x,
                y,
                text,
                size,
                bold,
                colour,
            } => Item::Text {
                x,
                y: y + dy,
                text,
                size,
                bold,
                colour,
            },
            Item::Line {
                points,
                width,
                colour,
                dashed,
            } => Item::Line {
                points: shift(points),
                width,
                colour,
                dashed,
            },
            Item::Rect { x, y, w, h, fill } => Item::Rect {
                x,
                y: y + dy,
                w,
                h,
                fill,
            },
            Item::Shape { points, fill } => Item::Shape {
                points: shift(points),
                fill,
            },
        }
    }
}

/// The characters each face draws in `items`: (regular, bold).
pub fn chars_used<'a>(items: impl Iterator<Item = &'a Item>) -> (BTreeSet<char>, BTreeSet<char>) {
    let (mut regular, mut bold) = (BTreeSet::new(), BTreeSet::new());
    for item in items {
        if let Item::Text {
            text,
            bold: is_bold,
            ..
        } = item
        {
            if *is_bold { &mut bold } else { &mut regular }.extend(text.chars());
        }
    }
    (regular, bold)
}
