//! One problem `xbrief validate` found, where it is, and how it is shown: one line per
//! problem (`file:line:column: message`) for scripts and editors, or miette's report with
//! the source line and a pointer under the spot.

use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: PathBuf,
    /// Line and column (1-based); `None` for a whole file (an export, a missing file).
    pub at: Option<(u64, u64)>,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn in_file(file: impl Into<PathBuf>, message: String) -> Problem {
        Problem {
            file: file.into(),
            at: None,
            message,
            help: None,
        }
    }

    /// `file:line:column: message (help)`.
    pub fn short(&self) -> String {
        let place = match self.at {
            Some((line, column)) => format!("{}:{line}:{column}", self.file.display()),
            None => self.file.display().to_string(),
        };
        match &self.help {
            Some(help) => format!("{place}: {} ({help})", self.message),
            None => format!("{place}: {}", self.message),
        }
    }

    /// One JSON object: file, line and column (null for a whole file), message, help.
    pub fn json(&self) -> String {
        serde_json::json!({
            "file": self.file,
            "line": self.at.map(|(line, _)| line),
            "column": self.at.map(|(_, column)| column),
            "message": self.message,
            "help": self.help,
        })
        .to_string()
    }

    /// The report with the source line, when the file can be read; else the short form.
    pub fn fancy(&self) -> String {
        let (Some((line, column)), Ok(source)) = (self.at, std::fs::read_to_string(&self.file))
        else {
            return self.short();
        };
        let Some(offset) = offset_of(&source, line, column) else {
            return self.short();
        };
        let length = token_length(&source[offset..]);
        let report = Report {
            message: self.message.clone(),
            code: NamedSource::new(self.file.display().to_string(), source),
            spot: SourceSpan::new(offset.into(), length),
            help: self.help.clone(),
        };
        let mut out = String::new();
        match GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .render_report(&mut out, &report)
        {
            Ok(()) => out,
            Err(_) => self.short(),
        }
    }
}

/// The length in bytes of the value that starts `text`: a quoted string with its quotes,
/// else up to a space or a flow separator.
fn token_length(text: &str) -> usize {
    let length = match text.chars().next() {
        Some(quote @ ('"' | '\'')) => text[1..]
            .find(quote)
            .map_or_else(|| text.lines().next().unwrap_or("").len(), |end| end + 2),
        _ => text
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
            .unwrap_or(text.len()),
    };
    length.max(1)
}

/// The byte offset of a 1-based line and column (in characters).
fn offset_of(source: &str, line: u64, column: u64) -> Option<usize> {
    let start: usize = source
        .split_inclusive('\n')
        .take(line.checked_sub(1)? as usize)
        .map(str::len)
        .sum();
    let text = source.get(start..)?.lines().next().unwrap_or("");
    let within: usize = text
        .chars()
        .take(column.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    Some(start + within)
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
struct Report {
    message: String,
    #[source_code]
    code: NamedSource<String>,
    #[label("here")]
    spot: SourceSpan,
    #[help]
    help: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_lines_and_characters() {
        let source = "a: 1\nβγ: x\n";
        assert_eq!(offset_of(source, 1, 1), Some(0));
        assert_eq!(offset_of(source, 2, 1), Some(5));
        // β and γ take two bytes each
        assert_eq!(offset_of(source, 2, 4), Some(5 + 4 + 1));
    }

    #[test]
    fn a_spot_covers_the_whole_value() {
        assert_eq!(token_length("\"0 7 * * 8\"\n"), 11);
        assert_eq!(token_length("ceo@example.org, coo@example.com]"), 15);
        assert_eq!(token_length("five\n"), 4);
    }
}
