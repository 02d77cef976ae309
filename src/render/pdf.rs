//! The PDF writer: laid-out pages plus a header (title, period, generation time) and a
//! footer (run id, config and data hashes, page n / N) on every page, written with
//! printpdf's operators and a per-document subset of the embedded fonts.

use super::draw::{Align, Canvas, Colour, Item, MUTED, RULE, chars_used};
use super::layout::{Page, paginate};
use super::markup::Block;
use super::text::Fonts;
use printpdf::{
    Color, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};
use sha2::{Digest, Sha256};

/// What every page shows besides the body.
#[derive(Debug, Clone)]
pub struct PageFrame {
    pub title: String,
    pub period: String,
    pub generated: String,
    pub footer: String,
}

fn colour(c: Colour) -> Color {
    Color::Rgb(Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

fn point((x, y): (f32, f32)) -> LinePoint {
    LinePoint {
        p: Point::new(Mm(x), Mm(y)),
        bezier: false,
    }
}

fn frame_items<'f>(
    fonts: &'f Fonts,
    page: &Page,
    frame: &PageFrame,
    number: usize,
    total: usize,
) -> Canvas<'f> {
    let mut c = Canvas::new(fonts);
    let (left, right) = (page.margin, page.width - page.margin);
    let head = page.height - 13.0;
    let title = fonts.fit(&frame.title, 8.5, true, page.body_width() * 0.6);
    c.text(left, head, &title, 8.5, true, MUTED, Align::Left);
    c.text(
        right,
        head,
        &format!("{} · {}", frame.period, frame.generated),
        8.0,
        false,
        MUTED,
        Align::Right,
    );
    c.line(
        vec![(left, head - 2.5), (right, head - 2.5)],
        0.3,
        RULE,
        false,
    );
    c.line(vec![(left, 15.0), (right, 15.0)], 0.3, RULE, false);
    c.text(left, 10.5, &frame.footer, 6.5, false, MUTED, Align::Left);
    c.text(
        right,
        10.5,
        &format!("{number} / {total}"),
        8.0,
        false,
        MUTED,
        Align::Right,
    );
    c
}

fn ops(items: &[Item], regular: &FontId, bold: &FontId) -> Vec<Op> {
    let mut ops = Vec::with_capacity(items.len() * 4);
    for item in items {
        match item {
            Item::Text {
                x,
                y,
                text,
                size,
                bold: is_bold,
                colour: c,
            } => ops.extend([
                Op::StartTextSection,
                Op::SetFillColor { col: colour(*c) },
                Op::SetFont {
                    font: PdfFontHandle::External(if *is_bold {
                        bold.clone()
                    } else {
                        regular.clone()
                    }),
                    size: Pt(*size),
                },
                Op::SetTextCursor {
                    pos: Point::new(Mm(*x), Mm(*y)),
                },
                Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                },
                Op::EndTextSection,
            ]),
            Item::Line {
                points,
                width,
                colour: c,
                dashed,
            } => {
                let pattern = if *dashed { vec![1.6, 1.2] } else { Vec::new() };
                ops.extend([
                    Op::SetOutlineColor { col: colour(*c) },
                    Op::SetOutlineThickness {
                        pt: Mm(*width).into_pt(),
                    },
                    Op::SetLineDashPattern {
                        dash: LineDashPattern {
                            offset: 0.0,
                            pattern: pattern.into_iter().map(|v| Mm(v).into_pt().0).collect(),
                        },
                    },
                    Op::DrawLine {
                        line: Line {
                            points: points.iter().copied().map(point).collect(),
                            is_closed: false,
                        },
                    },
                ]);
            }
            Item::Rect { x, y, w, h, fill } => ops.extend([
                Op::SetFillColor { col: colour(*fill) },
                Op::DrawPolygon {
                    polygon: Polygon {
                        rings: vec![PolygonRing {
                            points: [(*x, *y), (x + w, *y), (x + w, y + h), (*x, y + h)]
                                .into_iter()
                                .map(point)
                                .collect(),
                        }],
                        mode: PaintMode::Fill,
                        winding_order: WindingOrder::NonZero,
                    },
                },
            ]),
            Item::Shape { points, fill } => ops.extend([
                Op::SetFillColor { col: colour(*fill) },
                Op::DrawPolygon {
                    polygon: Polygon {
                        rings: vec![PolygonRing {
                            points: points.iter().copied().map(point).collect(),
                        }],
                        mode: PaintMode::Fill,
                        winding_order: WindingOrder::NonZero,
                    },
                },
            ]),
        }
    }
    ops
}

/// Lays out `blocks` and returns the PDF bytes and the page count.
pub fn typeset(
    fonts: &Fonts,
    page: &Page,
    frame: &PageFrame,
    blocks: &[Block],
) -> (Vec<u8>, usize) {
    let bodies = paginate(fonts, page, blocks);
    let total = bodies.len();
    let pages: Vec<Vec<Item>> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let mut items = frame_items(fonts, page, frame, i + 1, total).items;
            items.extend(body);
            items
        })
        .collect();
    let (regular_chars, bold_chars) = chars_used(pages.iter().flatten());
    let (regular_face, bold_face) = fonts.subset(&regular_chars, &bold_chars);
    let mut doc = PdfDocument::new(&frame.title);
    let regular = add_font(&mut doc, "Regular", &regular_chars, regular_face);
    let bold = add_font(&mut doc, "Bold", &bold_chars, bold_face);
    let pdf_pages = pages
        .iter()
        .map(|items| PdfPage::new(Mm(page.width), Mm(page.height), ops(items, &regular, &bold)))
        .collect();
    let doc = doc.with_pages(pdf_pages);
    let options = PdfSaveOptions {
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut pdf = printpdf::serialize::to_lopdf_doc(doc, &options, &mut Vec::new());
    let mut content = Sha256::new();
    for object in pdf.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            compress(stream);
            content.update(&stream.content);
        }
    }
    // the file identifier of the content, not printpdf's random one: the same briefing
    // renders to the same bytes in whichever process (a shard, a rerun of a shard)
    let id = lopdf::Object::String(
        content.finalize()[..16].to_vec(),
        lopdf::StringFormat::Hexadecimal,
    );
    pdf.trailer
        .set("ID", lopdf::Object::Array(vec![id.clone(), id]));
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes).expect("writing to memory succeeds");
    (bytes, total)
}

/// A font under a name of what it holds (a subset tag of its characters, as PDF subsets are
/// named), not printpdf's per-process random one: the same briefing is the same bytes in
/// any process.
fn add_font(
    doc: &mut PdfDocument,
    style: &str,
    chars: &std::collections::BTreeSet<char>,
    face: printpdf::ParsedFont,
) -> FontId {
    let digest = Sha256::digest(chars.iter().collect::<String>().as_bytes());
    let tag: String = digest[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    let id = FontId(format!("{tag}+Xbrief{style}"));
    doc.resources
        .fonts
        .map
        .insert(id.clone(), printpdf::PdfFont::new(face));
    id
}

/// Flate at the default level: within a few percent of `best` on fonts and drawing
/// operators, at a fraction of the time (printpdf's own save uses `best`).
fn compress(stream: &mut lopdf::Stream) {
    use std::io::Write;
    if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
        return;
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    if encoder.write_all(&stream.content).is_err() {
        return;
    }
    if let Ok(compressed) = encoder.finish()
        && compressed.len() < stream.content.len()
    {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(compressed);
    }
}
