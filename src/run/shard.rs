//! Sharded runs: shard I of N renders and sends only its share of the recipients, chosen by a
//! stable hash of (recipient, scope), after computing every figure itself (they are
//! deterministic, so every shard sees the same numbers). The shards of one run share its
//! identity, a group in the state store, so every briefing carries the same run id and time
//! whichever shard rendered it.

use sha2::{Digest, Sha256};

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// Kubernetes' Indexed Jobs give each pod its index, 0-based, in this variable.
pub const COMPLETION_INDEX_ENV: &str = "JOB_COMPLETION_INDEX";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("expected a shard such as 2/4 (shard 2 of 4, from 1), found `{0}`")]
    Syntax(String),
    #[error(
        "{COMPLETION_INDEX_ENV} is `{found}`: expected an index from 0 to {last} for --shards {count}"
    )]
    Index {
        found: String,
        last: u32,
        count: u32,
    },
}

impl Shard {
    /// `I/N`, 1 ≤ I ≤ N.
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let syntax = || ShardError::Syntax(text.to_string());
        let (index, count) = text.split_once('/').ok_or_else(syntax)?;
        let index: u32 = index.trim().parse().map_err(|_| syntax())?;
        let count: u32 = count.trim().parse().map_err(|_| syntax())?;
        if index == 0 || index > count {
            return Err(syntax());
        }
        Ok(Shard { index, count })
    }

    /// `--shards N` with the pod's 0-based `JOB_COMPLETION_INDEX`.
    pub fn from_completion_index(count: u32, index: Option<&str>) -> Result<Shard, ShardError> {
        let found = index.unwrap_or("").trim();
        match found.parse::<u32>() {
            Ok(i) if i < count => Ok(Shard {
                index: i + 1,
                count,
            }),
            _ => Err(ShardError::Index {
                found: found.to_string(),
                last: count.saturating_sub(1),
                count,
            }),
        }
    }

    /// Whether this shard sends `recipient`'s briefing of `scope`.
    pub fn owns(&self, recipient: &str, scope: &str) -> bool {
        let mut hash = Sha256::new();
        hash.update(recipient.to_ascii_lowercase().as_bytes());
        hash.update([0]);
        hash.update(scope.as_bytes());
        let digest = hash.finalize();
        let head = u64::from_be_bytes(digest[..8].try_into().unwrap_or([0; 8]));
        head % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A run as one shard of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardRun {
    pub shard: Shard,
    /// The group the shards share; default: one per (job, period, shard count).
    pub group: Option<String>,
}

impl ShardRun {
    /// The group's id: the one given, else derived from (job, period, count), so that shards
    /// started apart (and a restarted one) join the same run.
    pub fn group_id(&self, job: &str, period: &str) -> String {
        self.group.clone().unwrap_or_else(|| {
            let digest = Sha256::digest(format!("{job}\n{period}\n{}", self.shard.count));
            let hex = hex::encode(&digest[..16]);
            format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..32]
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_recipients_into_disjoint_shares_that_cover_all() {
        let shards: Vec<Shard> = (1..=4).map(|i| Shard { index: i, count: 4 }).collect();
        let mut sizes = [0; 4];
        for n in 0..400 {
            let recipient = format!("Manager{n}@Example.fr");
            let owners: Vec<usize> = (0..4)
                .filter(|&i| shards[i].owns(&recipient, "site:S1"))
                .collect();
            assert_eq!(owners.len(), 1, "{recipient}");
            sizes[owners[0]] += 1;
            // the case of an address does not move it
            assert!(shards[owners[0]].owns(&recipient.to_lowercase(), "site:S1"));
        }
        assert!(sizes.iter().all(|&s| (70..=130).contains(&s)), "{sizes:?}");
    }

    #[test]
    fn a_shard_is_written_from_one_and_the_completion_index_from_zero() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert!(Shard::parse("0/4").is_err() && Shard::parse("5/4").is_err());
        assert_eq!(
            Shard::from_completion_index(4, Some("3")),
            Ok(Shard { index: 4, count: 4 })
        );
        assert_eq!(
            Shard::from_completion_index(4, Some("4"))
                .unwrap_err()
                .to_string(),
            "JOB_COMPLETION_INDEX is `4`: expected an index from 0 to 3 for --shards 4"
        );
    }

    #[test]
    fn shards_of_one_period_share_a_group_unless_one_is_given() {
        let run = ShardRun {
            shard: Shard { index: 1, count: 4 },
            group: None,
        };
        let other = ShardRun {
            shard: Shard { index: 3, count: 4 },
            group: None,
        };
        assert_eq!(run.group_id("j", "2026-10"), other.group_id("j", "2026-10"));
        assert_ne!(run.group_id("j", "2026-10"), run.group_id("j", "2026-11"));
        let given = ShardRun {
            group: Some("uid-1".into()),
            ..run
        };
        assert_eq!(given.group_id("j", "2026-10"), "uid-1");
    }
}
