//! Customer engagement (metrics.md §1): integer sums per group from SQL, and the exact
//! figures derived from them. Region and company figures are sums of site sums.

use super::ratio::Ratio;
use super::sums::integer_sums;

integer_sums!(
    /// The sums `customer_intervals.sql` computes, by the names of its columns.
    CustomerSums(i64) {
        n_valid, ce_n, attachment_x168, attachment_x168_squared, fully_engaged, engaged, not_engaged, actively_disengaged, top_box,
        confidence_x2, confidence_n, integrity_x2, integrity_n, pride_x2, pride_n, passion_x2, passion_n,
        nps_n, promoters, detractors, root_cause_n, root_cause_policy, root_cause_people,
        root_cause_product, root_cause_process,
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Confidence,
    Integrity,
    Pride,
    Passion,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::Confidence,
        Dimension::Integrity,
        Dimension::Pride,
        Dimension::Passion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Confidence => "confidence",
            Dimension::Integrity => "integrity",
            Dimension::Pride => "pride",
            Dimension::Passion => "passion",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootCause {
    Policy,
    People,
    Product,
    Process,
}

impl RootCause {
    pub const ALL: [RootCause; 4] = [
        RootCause::Policy,
        RootCause::People,
        RootCause::Product,
        RootCause::Process,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RootCause::Policy => "policy",
            RootCause::People => "people",
            RootCause::Product => "product",
            RootCause::Process => "process",
        }
    }
}

impl CustomerSums {
    /// 100 × (mean attachment − 1) / 4 over complete responses.
    pub fn ce_index(&self) -> Option<Ratio> {
        Ratio::index_of_mean(self.attachment_x168.into(), 168, self.ce_n.into())
    }

    pub fn dimension_index(&self, dimension: Dimension) -> Option<Ratio> {
        let (sum, n) = match dimension {
            Dimension::Confidence => (self.confidence_x2, self.confidence_n),
            Dimension::Integrity => (self.integrity_x2, self.integrity_n),
            Dimension::Pride => (self.pride_x2, self.pride_n),
            Dimension::Passion => (self.passion_x2, self.passion_n),
        };
        Ratio::index_of_mean(sum.into(), 2, n.into())
    }

    /// Share of complete responses in a class (0–1).
    pub fn share(&self, count: i64) -> Option<Ratio> {
        Ratio::new(count.into(), self.ce_n.into())
    }

    /// fully_engaged / actively_disengaged; `None` when nobody is actively disengaged.
    pub fn ce_ratio(&self) -> Option<Ratio> {
        Ratio::new(self.fully_engaged.into(), self.actively_disengaged.into())
    }

    pub fn nps(&self) -> Option<Ratio> {
        Ratio::percent((self.promoters - self.detractors).into(), self.nps_n.into())
    }

    pub fn root_cause_count(&self, cause: RootCause) -> i64 {
        match cause {
            RootCause::Policy => self.root_cause_policy,
            RootCause::People => self.root_cause_people,
            RootCause::Product => self.root_cause_product,
            RootCause::Process => self.root_cause_process,
        }
    }

    pub fn root_cause_share(&self, cause: RootCause) -> Option<Ratio> {
        Ratio::new(
            self.root_cause_count(cause).into(),
            self.root_cause_n.into(),
        )
    }

    /// The most frequent root cause (first in policy, people, product, process order on a tie).
    pub fn dominant_root_cause(&self) -> Option<RootCause> {
        RootCause::ALL
            .into_iter()
            .filter(|c| self.root_cause_count(*c) > 0)
            .max_by(|a, b| {
                self.root_cause_count(*a)
                    .cmp(&self.root_cause_count(*b))
                    .then(std::cmp::Ordering::Greater)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds the sums of one complete response by hand, the way the SQL does.
    fn one(att_items: &[i64]) -> CustomerSums {
        let k = att_items.len() as i64;
        CustomerSums {
            n_valid: 1,
            ce_n: 1,
            attachment_x168: att_items.iter().sum::<i64>() * (168 / k),
            ..Default::default()
        }
    }

    #[test]
    fn ce_index_of_hand_made_responses() {
        // Attachment 4.5 (8 items) and 3.5 (6 items): mean 4.0 → index 75.
        let group = CustomerSums::sum([&one(&[5, 4, 5, 4, 5, 4, 5, 4]), &one(&[4, 3, 4, 3, 4, 3])]);
        assert_eq!(group.ce_index().unwrap().round_text(4), "75.0000");
        // 7 answered items summing to 30: attachment 30/7 → index 25 × (30/7 − 1) = 82.142857…
        assert_eq!(
            one(&[5, 5, 4, 4, 4, 4, 4])
                .ce_index()
                .unwrap()
                .round_text(4),
            "82.1429"
        );
        assert_eq!(CustomerSums::default().ce_index(), None);
    }

    #[test]
    fn nps_and_shares() {
        let sums = CustomerSums {
            ce_n: 8,
            fully_engaged: 2,
            actively_disengaged: 0,
            nps_n: 7,
            promoters: 4,
            detractors: 1,
            ..Default::default()
        };
        // 100 × (4 − 1) / 7 = 42.857142…
        assert_eq!(sums.nps().unwrap().round_text(4), "42.8571");
        assert_eq!(
            sums.share(sums.fully_engaged).unwrap().round_text(6),
            "0.250000"
        );
        assert_eq!(sums.ce_ratio(), None);
    }

    #[test]
    fn dominant_root_cause_prefers_the_most_frequent() {
        let sums = CustomerSums {
            root_cause_n: 5,
            root_cause_policy: 3,
            root_cause_people: 2,
            ..Default::default()
        };
        assert_eq!(sums.dominant_root_cause(), Some(RootCause::Policy));
        let tie = CustomerSums {
            root_cause_n: 4,
            root_cause_policy: 2,
            root_cause_people: 2,
            ..Default::default()
        };
        assert_eq!(tie.dominant_root_cause(), Some(RootCause::Policy));
        assert_eq!(CustomerSums::default().dominant_root_cause(), None);
    }
}
