//! The context of HR's message, which carries `scorecard.csv`: how many scorecards, and how
//! many need a look.

use super::Common;
use crate::metrics::{Figures, SiteFigures};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct HrContext<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub eligible: usize,
    pub insufficient: usize,
    pub flagged: usize,
}

impl<'a> HrContext<'a> {
    pub fn new(figures: &Figures, common: Common<'a>) -> HrContext<'a> {
        let cards: Vec<&SiteFigures> = figures
            .sites
            .iter()
            .filter(|s| s.scorecard.is_some())
            .collect();
        let count = |test: fn(&crate::metrics::scorecard::Scorecard) -> bool| {
            cards
                .iter()
                .filter(|s| s.scorecard.as_ref().is_some_and(test))
                .count()
        };
        HrContext {
            common,
            eligible: cards.len(),
            insufficient: count(|c| c.status() != "ok"),
            flagged: count(|c| !c.flags.is_empty()),
        }
    }
}
