//! Where in a query file DuckDB's error points. DuckDB ends its messages with the line
//! (`LINE 13: FORM site_intervals s`, cut with `...` when long) and a row of carets under
//! the spot; the line number counts from the top of the file xbrief sent.

use super::problem::Problem;
use std::path::Path;

pub fn problem(path: &Path, detail: &str) -> Problem {
    let message = detail.lines().next().unwrap_or(detail).trim().to_string();
    Problem {
        file: path.to_path_buf(),
        at: spot(path, detail),
        message,
        help: None,
    }
}

fn spot(path: &Path, detail: &str) -> Option<(u64, u64)> {
    line_and_caret(path, detail).or_else(|| quoted_name(path, detail))
}

/// Binder errors often come without a line but name the culprit in quotes
/// (`Referenced column "manager_mail" not found`): its first use in the file.
fn quoted_name(path: &Path, detail: &str) -> Option<(u64, u64)> {
    let name = detail.split('"').nth(1).filter(|n| !n.is_empty())?;
    let source = std::fs::read_to_string(path).ok()?;
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("--"))
        .find_map(|(index, line)| {
            let at = line.find(name)?;
            Some((index as u64 + 1, line[..at].chars().count() as u64 + 1))
        })
}

fn line_and_caret(path: &Path, detail: &str) -> Option<(u64, u64)> {
    let lines: Vec<&str> = detail.lines().collect();
    let (index, shown) = lines
        .iter()
        .enumerate()
        .find(|(_, l)| l.starts_with("LINE "))?;
    let (label, text) = shown.split_once(": ")?;
    let line: u64 = label.trim_start_matches("LINE ").trim().parse().ok()?;
    let caret = lines
        .get(index + 1)
        .and_then(|l| l.find('^'))
        .map(|at| at.saturating_sub(label.len() + 2));
    let column = match (caret, std::fs::read_to_string(path)) {
        (Some(caret), Ok(source)) => {
            let source_line = source.lines().nth(line as usize - 1).unwrap_or("");
            // a long line is shown cut, after `...`: find the shown part in the file
            let (shown_text, skipped) = match text.strip_prefix("...") {
                Some(rest) => (rest.trim_end_matches("..."), 3),
                None => (text, 0),
            };
            let start = source_line
                .find(shown_text.trim_end_matches("..."))
                .unwrap_or(0);
            start + caret.saturating_sub(skipped) + 1
        }
        _ => 1,
    };
    Some((line, column as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_and_the_caret_give_the_spot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.sql");
        std::fs::write(&path, "-- a comment\nSELECT 1\nFORM t\n").unwrap();
        let detail =
            "Parser Error: syntax error at or near \"t\"\n\nLINE 3: FORM t\n             ^";
        let found = problem(&path, detail);
        assert_eq!(found.at, Some((3, 6)));
        assert_eq!(found.message, "Parser Error: syntax error at or near \"t\"");
        let binder = "Binder Error: Referenced column \"u\" not found in FROM clause!";
        std::fs::write(&path, "-- u is not here\nSELECT a,\n  u FROM t\n").unwrap();
        assert_eq!(problem(&path, binder).at, Some((3, 3)));
    }
}
