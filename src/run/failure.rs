//! What kind of failure a run had: the stage it stopped at, its class (which `run`'s exit
//! code and `history --failed` tell), and the next step for the operator. Worded here once.

use super::RunError;
use crate::deliver::Delivered;

/// Where a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Data,
    Figures,
    Render,
    Send,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Data => "data",
            Stage::Figures => "figures",
            Stage::Render => "render",
            Stage::Send => "send",
        }
    }
}

/// What kind of failure: each has its exit code of `xbrief run` (README, Exit codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailureClass {
    Config,
    Data,
    Render,
    DeliveryPartial,
    DeliveryFailed,
}

impl FailureClass {
    pub const ALL: [FailureClass; 5] = [
        FailureClass::Config,
        FailureClass::Data,
        FailureClass::Render,
        FailureClass::DeliveryPartial,
        FailureClass::DeliveryFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FailureClass::Config => "config",
            FailureClass::Data => "data",
            FailureClass::Render => "render",
            FailureClass::DeliveryPartial => "delivery_partial",
            FailureClass::DeliveryFailed => "delivery_failed",
        }
    }

    pub fn parse(text: &str) -> Option<FailureClass> {
        Self::ALL.into_iter().find(|class| class.as_str() == text)
    }

    /// `xbrief run`'s exit code (1 is any other error, such as an unknown job).
    pub fn exit_code(self) -> u8 {
        match self {
            FailureClass::Config => 2,
            FailureClass::Data => 3,
            FailureClass::Render => 4,
            FailureClass::DeliveryPartial => 5,
            FailureClass::DeliveryFailed => 6,
        }
    }

    /// What an operator does next about a run of `job` for `period`.
    pub fn next_step(self, job: &str, period: &str) -> String {
        let rerun = format!("`xbrief run {job} --period {period}`");
        match self {
            FailureClass::Config => {
                format!("fix the config (`xbrief validate` names the spot), then {rerun}")
            }
            FailureClass::Data => {
                format!(
                    "fix the exports the error names (`xbrief validate` checks them), then {rerun}"
                )
            }
            FailureClass::Render => {
                format!(
                    "fix the templates or catalogs (`xbrief validate` renders them), then {rerun}"
                )
            }
            FailureClass::DeliveryPartial | FailureClass::DeliveryFailed => format!(
                "{rerun} sends what is undelivered (what went out is skipped), or `xbrief resend {job} --period {period} --to ADDRESS` for one recipient; briefings in doubt go again with `xbrief resend {job} --period {period} --in-doubt`"
            ),
        }
    }
}

impl RunError {
    pub fn stage(&self) -> Stage {
        match self {
            RunError::Data(_) => Stage::Data,
            RunError::Metrics(_) => Stage::Figures,
            RunError::Render(_) | RunError::Catalog(_) | RunError::Write { .. } => Stage::Render,
            RunError::Delivery(_)
            | RunError::Ledger(_)
            | RunError::Transport(_)
            | RunError::Recipients { .. }
            | RunError::NotRunYet { .. }
            | RunError::Scope { .. }
            | RunError::Scopes { .. } => Stage::Send,
        }
    }

    pub fn class(&self) -> FailureClass {
        match self {
            RunError::Data(_) | RunError::Metrics(_) => FailureClass::Data,
            RunError::Render(_) | RunError::Catalog(_) | RunError::Write { .. } => {
                FailureClass::Render
            }
            // the recipients come from the data, but the domains that refuse them and the
            // transport's settings are the config's
            RunError::Transport(_)
            | RunError::Recipients { .. }
            | RunError::NotRunYet { .. }
            | RunError::Scope { .. }
            | RunError::Scopes { .. } => FailureClass::Config,
            RunError::Delivery(_) | RunError::Ledger(_) => FailureClass::DeliveryFailed,
        }
    }
}

/// A run that finished but did not reach everyone: partial when some messages went out.
pub fn delivery_class(delivered: &Delivered) -> Option<FailureClass> {
    let undelivered = delivered.failed.len() + delivered.pending.len() + delivered.in_doubt;
    match (undelivered, delivered.sent + delivered.skipped) {
        (0, _) => None,
        (_, 0) => Some(FailureClass::DeliveryFailed),
        _ => Some(FailureClass::DeliveryPartial),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_class_has_its_own_exit_code_and_name() {
        let codes: std::collections::BTreeSet<u8> =
            FailureClass::ALL.iter().map(|c| c.exit_code()).collect();
        assert_eq!(codes.len(), 5);
        assert!(!codes.contains(&0) && !codes.contains(&1));
        for class in FailureClass::ALL {
            assert_eq!(FailureClass::parse(class.as_str()), Some(class));
        }
    }

    #[test]
    fn a_run_that_missed_some_recipients_is_partial_and_one_that_missed_all_failed() {
        let mut delivered = Delivered {
            sent: 3,
            ..Delivered::default()
        };
        assert_eq!(delivery_class(&delivered), None);
        delivered
            .pending
            .push(("a@example.com".into(), "451".into()));
        assert_eq!(
            delivery_class(&delivered),
            Some(FailureClass::DeliveryPartial)
        );
        delivered.sent = 0;
        assert_eq!(
            delivery_class(&delivered),
            Some(FailureClass::DeliveryFailed)
        );
    }
}
