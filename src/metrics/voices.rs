//! What customers said in the period: the newest comments (all, and from engaged
//! customers) and the employees they praised by first name, for the briefings.

/// A customer comment with its response time (UTC microseconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub at: i64,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Voices {
    /// Newest first, at most [`Voices::KEEP`].
    pub recent: Vec<Comment>,
    /// Comments of fully engaged or engaged customers, newest first.
    pub positive: Vec<Comment>,
    /// Praised first names with their counts, most praised first, then by name.
    pub praised: Vec<(String, usize)>,
}

/// One group's part, as the query returns it.
#[derive(Debug, Clone, Default)]
pub struct VoicesPart {
    pub recent: Vec<Comment>,
    pub positive: Vec<Comment>,
    pub praised: Vec<String>,
}

/// The newest distinct comments: the same words twice say nothing new.
fn newest(mut comments: Vec<Comment>) -> Vec<Comment> {
    // ties on time resolve by text so the choice never depends on the query's order
    comments.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.text.cmp(&b.text)));
    let mut seen = std::collections::HashSet::new();
    comments.retain(|c| seen.insert(c.text.clone()));
    comments.truncate(Voices::KEEP);
    comments
}

impl Voices {
    pub const KEEP: usize = 3;

    pub fn merge<'a>(parts: impl Iterator<Item = &'a VoicesPart>) -> Voices {
        let (mut recent, mut positive) = (Vec::new(), Vec::new());
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for part in parts {
            recent.extend(part.recent.iter().cloned());
            positive.extend(part.positive.iter().cloned());
            for name in &part.praised {
                *counts.entry(name.as_str()).or_default() += 1;
            }
        }
        let mut praised: Vec<(String, usize)> = counts
            .into_iter()
            .map(|(n, c)| (n.to_string(), c))
            .collect();
        praised.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Voices {
            recent: newest(recent),
            positive: newest(positive),
            praised,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(at: i64, text: &str) -> Comment {
        Comment {
            at,
            text: text.into(),
        }
    }

    #[test]
    fn keeps_the_three_newest_across_groups_and_counts_praise() {
        let a = VoicesPart {
            recent: vec![c(5, "e"), c(3, "c"), c(1, "a")],
            positive: vec![c(3, "c")],
            praised: vec!["Inès".into(), "Nikos".into()],
        };
        let b = VoicesPart {
            recent: vec![c(4, "d"), c(4, "b"), c(6, "a")],
            positive: vec![],
            praised: vec!["Nikos".into(), "Anna".into()],
        };
        let voices = Voices::merge([&a, &b].into_iter());
        assert_eq!(voices.recent, vec![c(6, "a"), c(5, "e"), c(4, "b")]);
        assert_eq!(voices.positive, vec![c(3, "c")]);
        assert_eq!(
            voices.praised,
            vec![("Nikos".into(), 2), ("Anna".into(), 1), ("Inès".into(), 1)]
        );
    }
}
