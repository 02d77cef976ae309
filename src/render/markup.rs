//! The small document markup that briefing templates emit, one block per line:
//! `# title`, `## heading`, `| cell | cell |` table rows (the first row of a table is its
//! header), `- bullet`, and plain lines as paragraphs. Blank lines separate blocks.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(String),
    Heading(String),
    Paragraph(String),
    Bullet(String),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut table: Option<(Vec<String>, Vec<Vec<String>>)> = None;
    for line in text.lines().map(str::trim) {
        if let Some(row) = line.strip_prefix('|') {
            let cells: Vec<String> = row
                .trim_end_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect();
            match &mut table {
                None => table = Some((cells, Vec::new())),
                Some((_, rows)) => rows.push(cells),
            }
            continue;
        }
        if let Some((header, rows)) = table.take() {
            blocks.push(Block::Table { header, rows });
        }
        if line.is_empty() {
            continue;
        }
        blocks.push(if let Some(title) = line.strip_prefix("# ") {
            Block::Title(title.to_string())
        } else if let Some(heading) = line.strip_prefix("## ") {
            Block::Heading(heading.to_string())
        } else if let Some(item) = line.strip_prefix("- ") {
            Block::Bullet(item.to_string())
        } else {
            Block::Paragraph(line.to_string())
        });
    }
    if let Some((header, rows)) = table {
        blocks.push(Block::Table { header, rows });
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_block_kind() {
        let blocks = parse("# Title\n\n## Figures\n| a | b |\n| 1 | 2 |\ntext\n- item\n");
        assert_eq!(
            blocks,
            vec![
                Block::Title("Title".into()),
                Block::Heading("Figures".into()),
                Block::Table {
                    header: vec!["a".into(), "b".into()],
                    rows: vec![vec!["1".into(), "2".into()]]
                },
                Block::Paragraph("text".into()),
                Block::Bullet("item".into()),
            ]
        );
    }
}
