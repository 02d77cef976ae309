//! The small document markup that briefing templates emit, one block per line:
//!
//! | line                              | block                                        |
//! |-----------------------------------|----------------------------------------------|
//! | `# text`                          | document title                               |
//! | `## text` / `### text`            | heading / subheading (kept with what follows) |
//! | `- text`                          | bullet                                       |
//! | `> text`                          | note: a shaded call-out                      |
//! | `\| cell \| cell \|`              | table row; the first row is the header       |
//! | `@kpi label \| value \| change \| comparison \| trend` | KPI tile; consecutive tiles share a row; trend `up` / `down` draws the change's arrow |
//! | `@chart {json}`                   | chart, as written by the `chart()` helper    |
//! | `@pagebreak`                      | next block starts a new page                 |
//! | any other line                    | paragraph                                    |
//!
//! Blank lines separate tables and tile rows.
//!
//! Values from the data never become markup: templates escape every value they
//! interpolate (`escape`, Tera's autoescape for `briefing.tera`), so a newline in a comment
//! is a space, a `|` in a site name stays in its cell, and `#`, `>`, `-`, `@` and `\` are
//! written `\#`, `\>`, `\-`, `\@` and `\\`: a line that starts with an escape is a paragraph,
//! and the text of every block is read back without its escapes.

use super::charts::Chart;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "block", rename_all = "snake_case")]
pub enum Block {
    Title {
        text: String,
    },
    Heading {
        text: String,
    },
    Subheading {
        text: String,
    },
    Paragraph {
        text: String,
    },
    Bullet {
        text: String,
    },
    Note {
        text: String,
    },
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Kpis {
        tiles: Vec<Kpi>,
    },
    Chart {
        chart: Box<Chart>,
    },
    PageBreak,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kpi {
    pub label: String,
    pub value: String,
    pub change: String,
    pub comparison: String,
    /// `up` or `down` draws the change's arrow; anything else draws none (a change within
    /// chance, or one not tested, has no arrow).
    pub trend: String,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("line {line} of the rendered document: {message}")]
pub struct MarkupError {
    pub line: usize,
    pub message: String,
}

/// Escapes a value for the markup: the template's autoescape. Line breaks and other
/// control characters become spaces; the characters that make blocks or cells are
/// backslashed.
pub fn escape(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut buffer = [0u8; 4];
    for c in input.chars() {
        match c {
            '\\' | '|' | '#' | '>' | '-' | '@' => {
                out.write_all(b"\\")?;
                out.write_all(c.encode_utf8(&mut buffer).as_bytes())?;
            }
            '\t' => out.write_all(b" ")?,
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => out.write_all(b" ")?,
            c => out.write_all(c.encode_utf8(&mut buffer).as_bytes())?,
        }
    }
    Ok(())
}

/// The text of a block: escapes removed (`\#` is `#`).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// A row's cells, split at the `|` the template wrote (not at an escaped one).
fn cells(row: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cell.push(c);
                cell.extend(chars.next());
            }
            '|' => cells.push(unescape(std::mem::take(&mut cell).trim())),
            c => cell.push(c),
        }
    }
    if !cell.trim().is_empty() {
        cells.push(unescape(cell.trim()));
    }
    cells
}

pub fn parse(text: &str) -> Result<Vec<Block>, MarkupError> {
    let mut blocks = Vec::new();
    let mut table: Option<(Vec<String>, Vec<Vec<String>>)> = None;
    let mut tiles: Vec<Kpi> = Vec::new();
    for (index, line) in text.lines().map(str::trim).enumerate() {
        let error = |message: String| MarkupError {
            line: index + 1,
            message,
        };
        if let Some(row) = line.strip_prefix('|') {
            match &mut table {
                None => table = Some((cells(row), Vec::new())),
                Some((_, rows)) => rows.push(cells(row)),
            }
            continue;
        }
        if let Some((header, rows)) = table.take() {
            blocks.push(Block::Table { header, rows });
        }
        if let Some(tile) = line.strip_prefix("@kpi ") {
            let mut parts = cells(tile).into_iter();
            let mut next = || parts.next().unwrap_or_default();
            tiles.push(Kpi {
                label: next(),
                value: next(),
                change: next(),
                comparison: next(),
                trend: next(),
            });
            continue;
        }
        if !tiles.is_empty() {
            blocks.push(Block::Kpis {
                tiles: std::mem::take(&mut tiles),
            });
        }
        if line.is_empty() {
            continue;
        }
        let text = |s: &str| unescape(s.trim());
        blocks.push(if let Some(rest) = line.strip_prefix("# ") {
            Block::Title { text: text(rest) }
        } else if let Some(rest) = line.strip_prefix("## ") {
            Block::Heading { text: text(rest) }
        } else if let Some(rest) = line.strip_prefix("### ") {
            Block::Subheading { text: text(rest) }
        } else if let Some(rest) = line.strip_prefix("- ") {
            Block::Bullet { text: text(rest) }
        } else if let Some(rest) = line.strip_prefix("> ") {
            Block::Note { text: text(rest) }
        } else if let Some(json) = line.strip_prefix("@chart ") {
            let chart: Chart =
                serde_json::from_str(json).map_err(|e| error(format!("chart: {e}")))?;
            Block::Chart {
                chart: Box::new(chart),
            }
        } else if line == "@pagebreak" {
            Block::PageBreak
        } else if line.starts_with('@') {
            let word = line.split_whitespace().next().unwrap_or(line);
            return Err(error(format!(
                "unknown block `{word}` (expected @kpi, @chart or @pagebreak)"
            )));
        } else {
            Block::Paragraph { text: text(line) }
        });
    }
    if let Some((header, rows)) = table {
        blocks.push(Block::Table { header, rows });
    }
    if !tiles.is_empty() {
        blocks.push(Block::Kpis { tiles });
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Block {
        Block::Paragraph { text: text.into() }
    }

    #[test]
    fn parses_each_block_kind() {
        let blocks = parse(
            "# Title\n\n## Figures\n| a | b |\n| 1 | 2 |\ntext\n- item\n> careful\n\
             @kpi Index | 72.4 | +1.2 | company 70.1 | up\n@kpi NPS | 31 | | \n@pagebreak\n### Small",
        )
        .unwrap();
        assert_eq!(
            blocks,
            vec![
                Block::Title {
                    text: "Title".into()
                },
                Block::Heading {
                    text: "Figures".into()
                },
                Block::Table {
                    header: vec!["a".into(), "b".into()],
                    rows: vec![vec!["1".into(), "2".into()]]
                },
                p("text"),
                Block::Bullet {
                    text: "item".into()
                },
                Block::Note {
                    text: "careful".into()
                },
                Block::Kpis {
                    tiles: vec![
                        Kpi {
                            label: "Index".into(),
                            value: "72.4".into(),
                            change: "+1.2".into(),
                            comparison: "company 70.1".into(),
                            trend: "up".into()
                        },
                        Kpi {
                            label: "NPS".into(),
                            value: "31".into(),
                            change: "".into(),
                            comparison: "".into(),
                            trend: "".into()
                        }
                    ]
                },
                Block::PageBreak,
                Block::Subheading {
                    text: "Small".into()
                },
            ]
        );
    }

    #[test]
    fn an_unknown_directive_or_bad_chart_names_the_line() {
        assert_eq!(
            parse("fine\n@graph x").unwrap_err(),
            MarkupError {
                line: 2,
                message: "unknown block `@graph` (expected @kpi, @chart or @pagebreak)".into()
            }
        );
        let error = parse("\n\n@chart {\"kind\": \"pie\", \"title\": \"t\"}").unwrap_err();
        assert_eq!(error.line, 3);
        assert!(
            error.message.starts_with("chart: unknown variant `pie`"),
            "{}",
            error.message
        );
    }

    fn escaped(value: &str) -> String {
        let mut out = Vec::new();
        escape(value, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// What a template writes around values from the data: a paragraph, a note, a bullet,
    /// a table row and a tile.
    fn document_with(value: &str) -> Vec<Block> {
        let v = escaped(value);
        parse(&format!(
            "# Title {v}\n{v}\n> note {v}\n- “{v}”\n| a | b |\n| {v} | 2 |\n\n@kpi {v} | 1 | | {v}"
        ))
        .unwrap()
    }

    #[test]
    fn values_from_the_data_stay_text_whatever_they_hold() {
        for hostile in [
            "Bonjour\n@evil is not a block",
            "\n> URGENT from HR: your bonus is cancelled",
            "\n@kpi Payout | 0.00 EUR | -100 | HR decision",
            "\n| Forged | 99.9 |",
            "\n## Forged",
            "# Forged",
            "- forged",
            "@pagebreak",
            "a \\ back\\slash | and a pipe",
            "line\r\nbreaks\u{2028}and\u{85}controls\u{7}",
        ] {
            let blocks = document_with(hostile);
            // as a text, with its line breaks and controls as spaces
            let spaced: String = hostile
                .chars()
                .map(|c| {
                    if c.is_control() || c == '\u{2028}' {
                        ' '
                    } else {
                        c
                    }
                })
                .collect();
            let text = spaced.trim();
            assert_eq!(blocks.len(), 6, "{hostile:?}: {blocks:#?}");
            assert_eq!(
                blocks[0],
                Block::Title {
                    text: format!("Title {spaced}").trim().to_string()
                }
            );
            assert_eq!(blocks[1], p(text));
            assert_eq!(
                blocks[2],
                Block::Note {
                    text: format!("note {spaced}").trim().to_string()
                }
            );
            assert_eq!(
                blocks[4],
                Block::Table {
                    header: vec!["a".into(), "b".into()],
                    rows: vec![vec![text.to_string(), "2".into()]]
                },
                "{hostile:?}"
            );
            let Block::Kpis { tiles } = &blocks[5] else {
                panic!("{blocks:#?}")
            };
            assert_eq!(tiles.len(), 1);
            assert_eq!(
                (tiles[0].label.as_str(), tiles[0].comparison.as_str()),
                (text, text)
            );
        }
    }
}
