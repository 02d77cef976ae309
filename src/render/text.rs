//! The embedded fonts (DejaVu Sans regular and bold): advance widths for measuring, word
//! wrapping, and the per-document subset that gets embedded.

use printpdf::ParsedFont;
use std::collections::BTreeSet;

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

pub const PT_TO_MM: f32 = 25.4 / 72.0;

/// Codepoints below this get their advance from a flat table: Latin, Greek, punctuation,
/// arrows and the geometric shapes used for change arrows.
const FAST_RANGE: usize = 0x2600;

pub struct Face {
    pub parsed: ParsedFont,
    /// The face without its program and glyph tables: each document's copy starts here and
    /// gets only the glyphs it uses (cloning the full tables costs more than the subset).
    bare: ParsedFont,
    advances: Vec<u16>,
    units_per_em: f32,
}

impl Face {
    fn load(bytes: &[u8]) -> Face {
        let parsed =
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the bundled font parses");
        let units_per_em = f32::from(parsed.units_per_em.max(1));
        let advances = (0..FAST_RANGE as u32)
            .map(|c| Self::slow_advance(&parsed, c, units_per_em))
            .collect();
        let mut bare = parsed.clone();
        bare.original_bytes = Vec::new();
        bare.codepoint_to_glyph.clear();
        bare.glyph_widths.clear();
        Face {
            bare,
            parsed,
            advances,
            units_per_em,
        }
    }

    fn slow_advance(parsed: &ParsedFont, c: u32, units_per_em: f32) -> u16 {
        parsed
            .lookup_glyph_index(c)
            .and_then(|gid| parsed.get_glyph_width(gid))
            .unwrap_or((units_per_em / 2.0) as u16)
    }

    fn advance(&self, c: char) -> u32 {
        let c = c as usize;
        match self.advances.get(c) {
            Some(a) => u32::from(*a),
            None => u32::from(Self::slow_advance(
                &self.parsed,
                c as u32,
                self.units_per_em,
            )),
        }
    }

    /// The document's copy of this face for the characters it draws: only their outlines
    /// are kept and the glyph ids stay the same, so what was measured still holds.
    fn subset(&self, chars: &BTreeSet<char>) -> ParsedFont {
        let mut font = self.bare.clone();
        for c in chars {
            if let Some(gid) = self.parsed.codepoint_to_glyph.get(&(*c as u32)) {
                font.codepoint_to_glyph.insert(*c as u32, *gid);
                if let Some(width) = self.parsed.glyph_widths.get(gid) {
                    font.glyph_widths.insert(*gid, *width);
                }
            }
        }
        let mut ids: Vec<u16> = font.glyph_widths.keys().copied().collect();
        ids.push(0);
        font.original_bytes = self.parsed.original_bytes.clone();
        // A font the subsetter cannot read is embedded whole: bigger, still correct.
        if let Ok(bytes) = subsetter::subset(
            &self.parsed.original_bytes,
            0,
            subsetter::Profile::pdf(&ids),
        ) {
            font.original_bytes = bytes;
        }
        font
    }
}

/// Where a line may break: a space that is not a no-break one.
fn is_breaking_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}' | '\u{2060}')
}

/// The two faces, parsed once per process and shared by every document.
pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    pub fn load() -> Fonts {
        Fonts {
            regular: Face::load(REGULAR_TTF),
            bold: Face::load(BOLD_TTF),
        }
    }

    pub fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }

    /// Width of `text` in mm at `size` points.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = self.face(bold);
        let units: u32 = text.chars().map(|c| face.advance(c)).sum();
        units as f32 / face.units_per_em * size * PT_TO_MM
    }

    /// Width in mm of `units` font units at `size` points.
    fn mm(&self, units: u32, size: f32, bold: bool) -> f32 {
        units as f32 / self.face(bold).units_per_em * size * PT_TO_MM
    }

    /// Greedy wrap to `width` mm at the line-break opportunities of UAX #14: after spaces
    /// and hyphens, never at a no-break space (French `12 844`, `72 %`, ` :`), always at a
    /// line separator. A piece wider than the line is cut where it must be. Each piece is
    /// measured once, and the spaces a break falls on are dropped.
    pub fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let face = self.face(bold);
        let units = |s: &str| -> u32 { s.chars().map(|c| face.advance(c)).sum() };
        let text = text.trim_start_matches(is_breaking_space);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_units = 0u32;
        // the breaking spaces after the line's last piece: kept only if more follows
        let mut spaces = "";
        let mut from = 0;
        for (to, opportunity) in unicode_linebreak::linebreaks(text) {
            let piece = &text[from..to];
            from = to;
            let content = piece.trim_end_matches(is_breaking_space);
            let content_units = units(content);
            let joined = line_units + units(spaces) + content_units;
            if line.is_empty() || self.mm(joined, size, bold) <= width {
                if !line.is_empty() {
                    line.push_str(spaces);
                    line_units = joined;
                } else {
                    line_units = content_units;
                }
                line.push_str(content);
            } else {
                lines.push(std::mem::take(&mut line));
                line.push_str(content);
                line_units = content_units;
            }
            if self.mm(line_units, size, bold) > width {
                line_units = self.cut(&mut lines, &mut line, size, bold, width);
            }
            spaces = &piece[content.len()..];
            let at_end = to == text.len();
            if opportunity == unicode_linebreak::BreakOpportunity::Mandatory && !at_end {
                lines.push(std::mem::take(&mut line));
                line_units = 0;
                spaces = "";
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// Cuts an overlong `line` into full lines pushed onto `lines`, leaving the rest in
    /// `line`; returns the rest's width in font units.
    fn cut(
        &self,
        lines: &mut Vec<String>,
        line: &mut String,
        size: f32,
        bold: bool,
        width: f32,
    ) -> u32 {
        let face = self.face(bold);
        let mut rest = String::new();
        let mut rest_units = 0u32;
        for c in std::mem::take(line).chars() {
            let units = face.advance(c);
            if !rest.is_empty() && self.mm(rest_units + units, size, bold) > width {
                lines.push(std::mem::take(&mut rest));
                rest_units = 0;
            }
            rest.push(c);
            rest_units += units;
        }
        *line = rest;
        rest_units
    }

    /// `text` shortened with an ellipsis to fit `width` mm, measured in one pass.
    pub fn fit(&self, text: &str, size: f32, bold: bool, width: f32) -> String {
        if self.width(text, size, bold) <= width {
            return text.to_string();
        }
        let face = self.face(bold);
        let ellipsis = face.advance('…');
        let mut units = ellipsis;
        let mut end = 0;
        for (at, c) in text.char_indices() {
            units += face.advance(c);
            if self.mm(units, size, bold) > width {
                break;
            }
            end = at + c.len_utf8();
        }
        format!("{}…", text[..end].trim_end())
    }

    /// The document's subset faces (regular, bold) for the characters each draws.
    pub fn subset(
        &self,
        regular: &BTreeSet<char>,
        bold: &BTreeSet<char>,
    ) -> (ParsedFont, ParsedFont) {
        (self.regular.subset(regular), self.bold.subset(bold))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_the_width_and_cuts_words_longer_than_a_line() {
        let fonts = Fonts::load();
        let lines = fonts.wrap(
            "Περιφέρεια Αττικής and the Île-de-France",
            10.0,
            false,
            40.0,
        );
        assert!(lines.len() >= 2, "{lines:?}");
        for line in &lines {
            assert!(fonts.width(line, 10.0, false) <= 40.0, "{line}");
        }
        // only the spaces a line breaks on are dropped
        let unbroken: String = lines.concat().split(' ').collect();
        assert_eq!(
            unbroken,
            "Περιφέρεια Αττικής and the Île-de-France".replace(' ', "")
        );
        let long = fonts.wrap("Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 10.0, false, 20.0);
        assert!(long.len() > 1 && long.iter().all(|l| fonts.width(l, 10.0, false) <= 20.0));
    }

    #[test]
    fn breaks_fall_where_uax_14_allows_them() {
        let fonts = Fonts::load();
        let width = fonts.width("Saint-Germain-", 10.0, false) + 0.1;
        // after a hyphen, not inside a word
        assert_eq!(
            fonts.wrap("Saint-Germain-des-Prés", 10.0, false, width),
            ["Saint-Germain-", "des-Prés"]
        );
        // a line separator breaks; runs of spaces inside a line stay as written
        assert_eq!(
            fonts.wrap("Merci\u{2028}à  tous", 10.0, false, 100.0),
            ["Merci", "à  tous"]
        );
        // a break drops the spaces it falls on
        let narrow = fonts.width("Merci", 10.0, false) + 0.1;
        assert_eq!(
            fonts.wrap("Merci   beaucoup", 10.0, false, narrow * 2.0),
            ["Merci", "beaucoup"]
        );
    }

    #[test]
    fn no_break_spaces_hold_and_fitting_a_long_text_is_linear() {
        let fonts = Fonts::load();
        // a French count and percentage never split across lines
        let text = "Réponses complètes 12\u{202f}844, soit 72\u{a0}% des clients";
        for width in [20.0, 25.0, 30.0, 40.0] {
            for line in fonts.wrap(text, 10.0, false, width) {
                assert!(!line.ends_with("12") && !line.starts_with("844"), "{line}");
                assert!(!line.ends_with("72") && !line.starts_with('%'), "{line}");
            }
        }
        // 160,000 characters fit in one pass (re-measuring per cut took 15.9 s)
        let long = "touchpoint ".repeat(16_000);
        let started = std::time::Instant::now();
        let fitted = fonts.fit(&long, 8.0, false, 40.0);
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
        assert!(fitted.ends_with('…') && fonts.width(&fitted, 8.0, false) <= 40.0);
        assert!(
            fonts.width(&format!("{fitted}x"), 8.0, false) > 38.0,
            "{fitted}"
        );
        let wrapped = fonts.wrap(&long, 8.0, false, 160.0);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(wrapped.iter().all(|l| fonts.width(l, 8.0, false) <= 160.0));
    }

    #[test]
    fn widths_come_from_the_font() {
        let fonts = Fonts::load();
        // DejaVu Sans: 'i' is narrower than 'W'; bold is wider than regular.
        assert!(fonts.width("i", 10.0, false) < fonts.width("W", 10.0, false));
        assert!(fonts.width("Wage", 10.0, true) > fonts.width("Wage", 10.0, false));
        assert_eq!(fonts.width("", 10.0, false), 0.0);
    }
}
