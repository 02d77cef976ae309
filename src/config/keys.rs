//! The shape check of a config file against its JSON Schema (`schema.rs`), before any
//! value is read: every unknown key (with "did you mean"), every missing key and every
//! value of the wrong kind, all in one pass, each where it is written. Deserializing stops
//! at the first problem; this does not, so an admin fixes a file in one round.

use serde_json::Value;
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};
use std::str::FromStr;

/// One problem of shape, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub line: u64,
    pub column: u64,
    pub message: String,
    pub help: Option<String>,
    /// A stand-in of the expected kind for a wrong scalar, so that the rest of the file can
    /// still be read and its values checked in the same pass.
    pub stand_in: Option<StandIn>,
    /// Whether the file cannot be read as a config while this stays as written (an unknown
    /// key is skipped by the reader; a missing key or a list for a value is not).
    pub stops_reading: bool,
}

/// Replace the bytes `range` of the text with `text`: a value of the expected kind, or the
/// key an unknown key probably meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandIn {
    pub range: std::ops::Range<usize>,
    pub text: String,
    /// A value made up here (not the admin's), which later checks must not judge.
    pub made_up: bool,
}

/// `text` with every stand-in put in place (problems without one, such as a mapping where
/// a value was expected, stay as written: the file may then still not be readable).
pub fn with_stand_ins(text: &str, errors: &[ShapeError]) -> String {
    let mut stand_ins: Vec<&StandIn> = errors.iter().filter_map(|e| e.stand_in.as_ref()).collect();
    // from the end, so that the ranges still to come keep their place
    stand_ins.sort_by_key(|s| std::cmp::Reverse(s.range.start));
    let mut repaired = text.to_string();
    for stand_in in stand_ins {
        repaired.replace_range(stand_in.range.clone(), &stand_in.text);
    }
    repaired
}

/// Where a spot of the text with stand-ins was written. `None` on a line holding a made-up
/// value: what is said there may be about the stand-in (a flow mapping reports at its start),
/// so it waits for the fix. A renamed key may be longer or shorter than the one written, so
/// columns after it on its line move back by the difference.
pub fn as_written(errors: &[ShapeError], line: u64, column: u64) -> Option<(u64, u64)> {
    let mut column = column as i64;
    for error in errors.iter().filter(|e| e.line == line) {
        match &error.stand_in {
            Some(s) if s.made_up => return None,
            Some(s) if column > error.column as i64 => {
                column -= s.text.len() as i64 - s.range.len() as i64;
            }
            _ => {}
        }
    }
    Some((line, column.max(1) as u64))
}

#[derive(Debug, Clone, Copy)]
struct At {
    line: u64,
    column: u64,
}

impl From<Span> for At {
    fn from(span: Span) -> Self {
        At {
            line: span.start.line() as u64,
            column: span.start.col() as u64 + 1,
        }
    }
}

enum Node {
    Map(Vec<Entry>),
    List(Vec<(Node, At)>),
    Scalar {
        text: String,
        plain: bool,
        /// Its bytes in the source, quotes included.
        bytes: Option<std::ops::Range<usize>>,
    },
    /// An alias: whatever it points to was checked where it was written.
    Alias,
}

struct Entry {
    key: String,
    key_at: At,
    key_bytes: Option<std::ops::Range<usize>>,
    value: Node,
    value_at: At,
}

/// The document's tree of nodes; `None` when the YAML does not parse (the deserializer then
/// reports the syntax error with its own location).
fn tree(text: &str) -> Option<Node> {
    let mut events = Parser::new_from_str(text).filter_map(|event| match event {
        Ok((Event::Comment(..) | Event::Anchor(..), _)) => None,
        other => Some(other.ok()),
    });
    loop {
        match events.next()?? {
            (Event::StreamStart | Event::DocumentStart(..), _) => continue,
            (Event::StreamEnd, _) => return Some(Node::Map(Vec::new())),
            first => return node(first, &mut events),
        }
    }
}

fn first_at(event: &(Event<'_>, Span)) -> At {
    event.1.into()
}

fn node<'a>(
    (event, span): (Event<'a>, Span),
    events: &mut impl Iterator<Item = Option<(Event<'a>, Span)>>,
) -> Option<Node> {
    match event {
        Event::Scalar(text, style, ..) => Some(Node::Scalar {
            text: text.into_owned(),
            plain: style == ScalarStyle::Plain,
            bytes: span
                .start
                .byte_offset()
                .zip(span.end.byte_offset())
                .map(|(start, end)| start..end),
        }),
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                let next = events.next()??;
                if matches!(next.0, Event::SequenceEnd) {
                    return Some(Node::List(items));
                }
                let at = first_at(&next);
                items.push((node(next, events)?, at));
            }
        }
        Event::MappingStart(..) => {
            let mut entries = Vec::new();
            loop {
                let key = events.next()??;
                if matches!(key.0, Event::MappingEnd) {
                    return Some(Node::Map(entries));
                }
                let key_at = first_at(&key);
                let (key, key_bytes) = match node(key, events)? {
                    Node::Scalar { text, bytes, .. } => (text, bytes),
                    _ => ("(a complex key)".to_string(), None),
                };
                let value = events.next()??;
                let value_at = first_at(&value);
                entries.push(Entry {
                    key,
                    key_at,
                    key_bytes,
                    value: node(value, events)?,
                    value_at,
                });
            }
        }
        _ => Some(Node::Alias),
    }
}

/// Checks `text` against `schema`; an empty list when its shape is right.
pub fn check(text: &str, schema: &Value) -> Vec<ShapeError> {
    let Some(root) = tree(text) else {
        return Vec::new();
    };
    let at = At { line: 1, column: 1 };
    let mut checker = Checker {
        root: schema,
        errors: Vec::new(),
    };
    checker.node(&root, at, schema, "");
    checker.errors
}

struct Checker<'s> {
    root: &'s Value,
    errors: Vec<ShapeError>,
}

fn is_null(node: &Node) -> bool {
    matches!(node, Node::Scalar { text, plain: true, .. } if ["", "~", "null", "Null", "NULL"].contains(&text.as_str()))
}

fn describe(node: &Node) -> String {
    match node {
        Node::Map(_) => "a mapping".into(),
        Node::List(_) => "a list".into(),
        Node::Scalar { text, .. } if is_null(node) => format!("`{text}` (nothing)"),
        Node::Scalar { text, .. } => format!("`{text}`"),
        Node::Alias => "an alias".into(),
    }
}

/// The subject of a message: the dotted path, or "the top level".
fn place(path: &str) -> String {
    if path.is_empty() {
        "the top level".into()
    } else {
        format!("`{path}`")
    }
}

/// Where a key sits: "in `path`", or "at the top level".
fn within(path: &str) -> String {
    if path.is_empty() {
        "at the top level".into()
    } else {
        format!("in `{path}`")
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The closest of `candidates` to `written`, when close enough to be a typo.
pub fn did_you_mean<'c>(
    written: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(written, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

impl<'s> Checker<'s> {
    fn error(&mut self, at: At, message: String, help: Option<String>) {
        self.errors.push(ShapeError {
            line: at.line,
            column: at.column,
            message,
            help,
            stand_in: None,
            stops_reading: true,
        });
    }

    /// A wrong scalar, and the value of the expected kind that stands in for it.
    fn wrong_scalar(
        &mut self,
        at: At,
        node: &Node,
        message: String,
        help: Option<String>,
        stand_in: &str,
    ) {
        // padded to the written length, so later columns on the line stay where they were
        let stand_in = match node {
            Node::Scalar {
                bytes: Some(range), ..
            } => Some(StandIn {
                range: range.clone(),
                text: format!("{stand_in:<width$}", width = range.len()),
                made_up: true,
            }),
            _ => None,
        };
        self.errors.push(ShapeError {
            line: at.line,
            column: at.column,
            message,
            help,
            stand_in,
            stops_reading: true,
        });
    }

    fn resolve(&self, schema: &'s Value) -> &'s Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.trim_start_matches('#');
                self.root.pointer(pointer).unwrap_or(&Value::Bool(true))
            }
            None => schema,
        }
    }

    /// The allowed words of an enum schema (`enum`, or alternatives of `const`).
    fn words(&self, schema: &'s Value) -> Option<Vec<&'s str>> {
        let schema = self.resolve(schema);
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return Some(values.iter().filter_map(Value::as_str).collect());
        }
        if let Some(value) = schema.get("const").and_then(Value::as_str) {
            return Some(vec![value]);
        }
        let branches = schema.get("oneOf").or_else(|| schema.get("anyOf"))?;
        let mut words = Vec::new();
        for branch in branches.as_array()? {
            words.extend(self.words(branch)?);
        }
        Some(words)
    }

    fn node(&mut self, node: &Node, at: At, schema: &'s Value, path: &str) {
        let schema = self.resolve(schema);
        if matches!(node, Node::Alias) {
            return;
        }
        if let Some(words) = self.words(schema) {
            return self.word(node, at, &words, path);
        }
        if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
            // Option<T>: null, or T
            let (nulls, others): (Vec<&Value>, Vec<&Value>) = branches
                .iter()
                .partition(|b| b.get("type").and_then(Value::as_str) == Some("null"));
            if !nulls.is_empty() && is_null(node) {
                return;
            }
            if let [only] = others.as_slice() {
                return self.node(node, at, only, path);
            }
            return;
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => return,
        };
        if types.contains(&"null") && is_null(node) {
            return;
        }
        if types.contains(&"object") {
            return self.map(node, at, schema, path);
        }
        if types.contains(&"array") {
            let Node::List(items) = node else {
                return self.error(
                    at,
                    format!("{} must be a list, found {}", place(path), describe(node)),
                    Some("write the items as `- item` lines, or `[a, b]`".into()),
                );
            };
            let item = schema.get("items").unwrap_or(&Value::Bool(true));
            for (index, (value, value_at)) in items.iter().enumerate() {
                self.node(value, *value_at, item, &format!("{path}[{index}]"));
            }
            return;
        }
        let Node::Scalar { text, plain, .. } = node else {
            let expected = match types.first() {
                Some(&"integer") => "a whole number",
                Some(&"number") => "a number",
                Some(&"boolean") => "true or false",
                _ => "a single value",
            };
            return self.error(
                at,
                format!(
                    "{} must be {expected}, found {}",
                    place(path),
                    describe(node)
                ),
                None,
            );
        };
        let text = text.trim();
        // a decimal may be written as a string, but it must hold a decimal
        let decimal = schema.get("format").and_then(Value::as_str) == Some("decimal");
        let fits = |kind: &str| match kind {
            "string" if decimal => rust_decimal::Decimal::from_str(text).is_ok(),
            "string" => !is_null(node),
            "boolean" => *plain && (text == "true" || text == "false"),
            "integer" => *plain && text.parse::<i64>().is_ok_and(|n| self.in_range(schema, n)),
            "number" => *plain && text.parse::<f64>().is_ok(),
            _ => false,
        };
        if types.iter().any(|kind| fits(kind))
            || (types.contains(&"number") && !decimal && text.parse::<f64>().is_ok())
        {
            return;
        }
        let minimum = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
        let (expected, stand_in) = if types.contains(&"integer") {
            let expected = match (schema.get("minimum"), schema.get("maximum")) {
                (Some(min), Some(max)) => format!("a whole number from {min} to {max}"),
                (Some(min), None) => format!("a whole number, at least {min}"),
                _ => "a whole number".into(),
            };
            (expected, minimum.to_string())
        } else if decimal {
            ("a decimal number such as 0.5".into(), "0".into())
        } else if types.contains(&"number") {
            ("a number".into(), "0".into())
        } else if types.contains(&"boolean") {
            ("true or false".into(), "false".into())
        } else {
            ("a text value".into(), "\"\"".into())
        };
        self.wrong_scalar(
            at,
            node,
            format!(
                "{} must be {expected}, found {}",
                place(path),
                describe(node)
            ),
            None,
            &stand_in,
        );
    }

    fn in_range(&self, schema: &Value, n: i64) -> bool {
        let min = schema.get("minimum").and_then(Value::as_i64);
        let max = schema.get("maximum").and_then(Value::as_i64);
        min.is_none_or(|min| n >= min) && max.is_none_or(|max| n <= max)
    }

    fn word(&mut self, node: &Node, at: At, words: &[&str], path: &str) {
        if let Node::Scalar { text, .. } = node
            && words.contains(&text.trim())
        {
            return;
        }
        let written = match node {
            Node::Scalar { text, .. } => text.as_str(),
            _ => "",
        };
        let meant = did_you_mean(written, words.iter().copied());
        self.wrong_scalar(
            at,
            node,
            format!(
                "{} must be one of {}, found {}",
                place(path),
                words.join(", "),
                describe(node)
            ),
            meant.map(|w| format!("did you mean `{w}`?")),
            meant.or(words.first().copied()).unwrap_or_default(),
        );
    }

    /// Reports a key that is none of `known`; returns the key it probably meant, which also
    /// stands in for it so that its value is read and checked.
    fn unknown_key<'k>(
        &mut self,
        entry: &Entry,
        path: &str,
        known: &[&'k str],
        present: &[&str],
    ) -> Option<&'k str> {
        let meant = did_you_mean(&entry.key, known.iter().copied());
        // a key written elsewhere in the same mapping cannot stand in: it would be there twice
        let stand_in_word = meant.filter(|word| !present.contains(word));
        self.errors.push(ShapeError {
            line: entry.key_at.line,
            column: entry.key_at.column,
            message: format!(
                "unknown key `{}` {}: expected one of {}",
                entry.key,
                within(path),
                known.join(", ")
            ),
            help: meant.map(|w| format!("did you mean `{w}`?")),
            stand_in: stand_in_word
                .zip(entry.key_bytes.clone())
                .map(|(word, range)| StandIn {
                    range,
                    text: word.to_string(),
                    made_up: false,
                }),
            stops_reading: false,
        });
        meant
    }

    fn map(&mut self, node: &Node, at: At, schema: &'s Value, path: &str) {
        let Node::Map(entries) = node else {
            return self.error(
                at,
                format!(
                    "{} must be a mapping of `key: value` lines, found {}",
                    place(path),
                    describe(node)
                ),
                None,
            );
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        let extra = schema.get("additionalProperties");
        let key_words = schema.get("propertyNames").and_then(|s| self.words(s));
        let present: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        let mut seen: Vec<&str> = Vec::new();
        // keys an unknown key probably meant: their absence is the same mistake
        let mut meant: Vec<&str> = Vec::new();
        for entry in entries {
            let key_path = join(path, &entry.key);
            if seen.contains(&entry.key.as_str()) {
                self.error(
                    entry.key_at,
                    format!("duplicate key `{}` {}", entry.key, within(path)),
                    Some("each key may appear once; remove one of them".into()),
                );
                continue;
            }
            seen.push(&entry.key);
            // a missing key of a section is reported at the section's key
            let value_at = match entry.value {
                Node::Map(_) => entry.key_at,
                _ => entry.value_at,
            };
            if let Some(value_schema) = properties.and_then(|p| p.get(&entry.key)) {
                self.node(&entry.value, value_at, value_schema, &key_path);
                continue;
            }
            if let Some(words) = &key_words
                && !words.contains(&entry.key.as_str())
            {
                self.unknown_key(entry, path, words, &present);
                continue;
            }
            match extra {
                Some(Value::Bool(false)) => {
                    let known: Vec<&str> = properties
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    meant.extend(self.unknown_key(entry, path, &known, &present));
                }
                Some(value_schema) if value_schema.is_object() => {
                    self.node(&entry.value, value_at, value_schema, &key_path);
                }
                _ => {}
            }
        }
        let required = schema.get("required").and_then(Value::as_array);
        for key in required.into_iter().flatten().filter_map(Value::as_str) {
            if !seen.contains(&key) && !meant.contains(&key) {
                self.error(
                    at,
                    format!("{} is missing the key `{key}`", place(path)),
                    None,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Value {
        serde_json::json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["size", "kind"],
            "properties": {
                "size": {"type": "integer", "minimum": 0},
                "kind": {"enum": ["small", "large"]},
                "ratio": {"type": ["number", "string"], "format": "decimal"}
            }
        })
    }

    #[test]
    fn wrong_values_get_padded_stand_ins_and_typos_the_key_they_meant() {
        let text = "size: five\nkind: larg\nratio: \"lots\"\nsise_x: 1\n";
        let found = check(text, &schema());
        let messages: Vec<String> = found
            .iter()
            .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
            .collect();
        assert_eq!(
            messages,
            [
                "1:7 `size` must be a whole number, at least 0, found `five`",
                "2:7 `kind` must be one of small, large, found `larg`",
                "3:8 `ratio` must be a decimal number such as 0.5, found `lots`",
                "4:1 unknown key `sise_x` at the top level: expected one of kind, ratio, size",
            ]
        );
        assert_eq!(found[1].help.as_deref(), Some("did you mean `large`?"));
        assert_eq!(
            with_stand_ins(text, &found),
            "size: 0   \nkind: large\nratio: 0     \nsise_x: 1\n"
        );
    }

    #[test]
    fn a_typo_of_a_key_stands_in_as_that_key() {
        let text = "size: 3\nknd: small\n";
        let found = check(text, &schema());
        assert_eq!(
            found.len(),
            1,
            "the missing `kind` is the typo's: {found:?}"
        );
        assert_eq!(with_stand_ins(text, &found), "size: 3\nkind: small\n");
        // a column after the renamed key is the one written, one character to the left
        assert_eq!(as_written(&found, 2, 7), Some((2, 6)));
        assert_eq!(as_written(&found, 1, 7), Some((1, 7)));
        assert!(!found[0].stops_reading);
    }

    #[test]
    fn did_you_mean_only_for_close_words() {
        assert_eq!(
            did_you_mean("shedule", ["schedule", "period"]),
            Some("schedule")
        );
        assert_eq!(did_you_mean("colour", ["dir", "exports"]), None);
    }
}
