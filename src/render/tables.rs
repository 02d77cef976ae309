//! Tables: column widths from the content, wrapped cells, figures aligned right, a bold
//! header row (repeated on every page by the paginator) and light banding.

use super::draw::{Align, Canvas, INK, RULE, SHADE};
use super::layout::{Piece, line_height};
use super::text::Fonts;

const SIZE: f32 = 8.5;
const PAD: f32 = 1.6;

/// Figures (and the dash that stands for a hidden or missing one) align right.
fn is_figure(cell: &str) -> bool {
    let cell = cell.trim();
    cell == "–"
        || (cell.chars().any(|c| c.is_ascii_digit())
            && cell.chars().all(|c| {
                c.is_ascii_digit()
                    || matches!(
                        c,
                        '+' | '-' | '−' | '–' | '.' | ',' | '%' | ' ' | '\u{202f}' | '\u{a0}' | '/'
                    )
            }))
}

/// Widths that share `width` out: every column gets its natural width when they all fit
/// (the first, which names things, takes the rest); otherwise wide columns give way.
fn column_widths(fonts: &Fonts, width: f32, header: &[String], rows: &[Vec<String>]) -> Vec<f32> {
    let columns = header.len().max(1);
    let mut natural = vec![0.0f32; columns];
    for (i, cell) in header.iter().enumerate() {
        natural[i] = natural[i].max(fonts.width(cell, SIZE, true) + 2.0 * PAD);
    }
    for row in rows {
        for (i, cell) in row.iter().take(columns).enumerate() {
            natural[i] = natural[i].max(fonts.width(cell, SIZE, false) + 2.0 * PAD);
        }
    }
    let total: f32 = natural.iter().sum();
    if total <= width {
        natural[0] += width - total;
        return natural;
    }
    // Water-filling: columns narrower than an equal share keep their width.
    let mut widths = natural.clone();
    let mut fixed = vec![false; columns];
    loop {
        let free: f32 = width
            - (0..columns)
                .filter(|i| fixed[*i])
                .map(|i| widths[i])
                .sum::<f32>();
        let open: Vec<usize> = (0..columns).filter(|i| !fixed[*i]).collect();
        if open.is_empty() {
            break;
        }
        let share = free / open.len() as f32;
        let narrow: Vec<usize> = open
            .iter()
            .copied()
            .filter(|i| natural[*i] <= share)
            .collect();
        if narrow.is_empty() {
            for i in open {
                widths[i] = share;
            }
            break;
        }
        for i in narrow {
            fixed[i] = true;
        }
    }
    widths
}

fn row_piece(
    fonts: &Fonts,
    x: f32,
    widths: &[f32],
    right: &[bool],
    cells: &[String],
    bold: bool,
    banded: bool,
) -> Piece {
    let mut canvas = Canvas::new(fonts);
    let step = line_height(SIZE);
    let wrapped: Vec<Vec<String>> = widths
        .iter()
        .enumerate()
        .map(|(i, w)| {
            fonts.wrap(
                cells.get(i).map(String::as_str).unwrap_or(""),
                SIZE,
                bold,
                w - 2.0 * PAD,
            )
        })
        .collect();
    let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let height = lines as f32 * step + 1.6;
    if banded {
        canvas.rect(x, -height, widths.iter().sum(), height, SHADE);
    }
    let mut left = x;
    for (i, cell_lines) in wrapped.iter().enumerate() {
        for (j, line) in cell_lines.iter().enumerate() {
            let baseline = -0.8 - step * (j as f32 + 1.0) + step * 0.24;
            if right[i] {
                canvas.text(
                    left + widths[i] - PAD,
                    baseline,
                    line,
                    SIZE,
                    bold,
                    INK,
                    Align::Right,
                );
            } else {
                canvas.text(left + PAD, baseline, line, SIZE, bold, INK, Align::Left);
            }
        }
        left += widths[i];
    }
    if bold {
        canvas.line(
            vec![(x, -height), (x + widths.iter().sum::<f32>(), -height)],
            0.4,
            RULE,
            false,
        );
    }
    Piece {
        items: canvas.items,
        height,
    }
}

/// The header piece and one piece per row.
pub fn lay_out(
    fonts: &Fonts,
    x: f32,
    width: f32,
    header: &[String],
    rows: &[Vec<String>],
) -> (Piece, Vec<Piece>) {
    let widths = column_widths(fonts, width, header, rows);
    let right: Vec<bool> = (0..widths.len())
        .map(|i| {
            let mut cells = rows
                .iter()
                .filter_map(|r| r.get(i))
                .filter(|c| !c.trim().is_empty())
                .peekable();
            i > 0 && cells.peek().is_some() && cells.all(|c| is_figure(c))
        })
        .collect();
    let header_piece = row_piece(fonts, x, &widths, &right, header, true, false);
    let row_pieces = rows
        .iter()
        .enumerate()
        .map(|(i, row)| row_piece(fonts, x, &widths, &right, row, false, i % 2 == 1))
        .collect();
    (header_piece, row_pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_recognised_in_every_locale() {
        for figure in [
            "72.4", "72,4", "+1.2", "-0,8", "−3", "45 %", "1 234", "–", "3/5",
        ] {
            assert!(is_figure(figure), "{figure}");
        }
        for name in ["Lyon Part-Dieu", "S001", "", "policy"] {
            assert!(!is_figure(name), "{name}");
        }
    }

    #[test]
    fn columns_fit_the_width_and_names_get_the_slack() {
        let fonts = Fonts::load();
        let header: Vec<String> = ["Site", "Index"].map(String::from).to_vec();
        let rows = vec![vec!["Αθήνα Σύνταγμα".to_string(), "72.4".to_string()]];
        let widths = column_widths(&fonts, 150.0, &header, &rows);
        assert!((widths.iter().sum::<f32>() - 150.0).abs() < 1e-3);
        assert!(widths[0] > widths[1]);
        let long = vec![vec!["word ".repeat(80), "also long text ".repeat(20)]];
        let widths = column_widths(&fonts, 100.0, &header, &long);
        assert!(
            (widths.iter().sum::<f32>() - 100.0).abs() < 1e-3,
            "{widths:?}"
        );
    }
}
