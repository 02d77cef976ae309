//! Employee engagement (metrics.md §2) and its anonymity threshold.

use super::ratio::Ratio;
use super::sums::integer_sums;

integer_sums!(
    /// The sums `employee_intervals.sql` computes, by the names of its columns.
    EmployeeSums(i128) {
        n_valid, ee_n, ee_x3960, ee_x3960_squared, engaged, actively_disengaged, not_engaged, ambassador_n,
        ambassador_x6, basic_needs_n, basic_needs_x2, support_n, support_x12, teamwork_n, teamwork_x12,
        growth_n, growth_x2,
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    BasicNeeds,
    Support,
    Teamwork,
    Growth,
}

impl Element {
    pub const ALL: [Element; 4] = [
        Element::BasicNeeds,
        Element::Support,
        Element::Teamwork,
        Element::Growth,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Element::BasicNeeds => "basic_needs",
            Element::Support => "support",
            Element::Teamwork => "teamwork",
            Element::Growth => "growth",
        }
    }
}

impl EmployeeSums {
    /// Unsuppressed ee_index; use [`Privacy`] before showing it.
    pub fn ee_index_raw(&self) -> Option<Ratio> {
        Ratio::index_of_mean(self.ee_x3960, 3960, self.ee_n)
    }

    /// Mean and sample standard deviation of the respondents' ee_mean on the 0–100 scale.
    pub fn ee_spread(&self) -> Option<(f64, f64)> {
        if self.ee_n < 2 {
            return None;
        }
        let n = self.ee_n;
        // x = ee_mean × 3960; value = 25 (x − 3960) / 3960, so var(value) = (25/3960)² var(x).
        let var_x_times = n * self.ee_x3960_squared - self.ee_x3960 * self.ee_x3960; // n(n−1) var(x)
        let var_x = var_x_times as f64 / (n * (n - 1)) as f64;
        let scale = 25.0 / 3960.0;
        Some((self.ee_index_raw()?.to_f64(), var_x.max(0.0).sqrt() * scale))
    }
}

/// The anonymity threshold (metrics.md §2, Privacy).
#[derive(Debug, Clone, Copy)]
pub struct Privacy {
    pub min_group_size: i128,
}

impl Privacy {
    /// A figure is shown only when its group and its own contributors both reach the threshold.
    pub fn allows(self, group_ee_n: i128, contributors: i128) -> bool {
        group_ee_n >= self.min_group_size && contributors >= self.min_group_size
    }

    pub fn ee_index(self, sums: &EmployeeSums) -> Option<Ratio> {
        self.allows(sums.ee_n, sums.ee_n)
            .then(|| sums.ee_index_raw())
            .flatten()
    }

    pub fn ambassador_index(self, sums: &EmployeeSums) -> Option<Ratio> {
        self.allows(sums.ee_n, sums.ambassador_n)
            .then(|| Ratio::index_of_mean(sums.ambassador_x6, 6, sums.ambassador_n))
            .flatten()
    }

    pub fn element_index(self, sums: &EmployeeSums, element: Element) -> Option<Ratio> {
        let (sum, scale, n) = match element {
            Element::BasicNeeds => (sums.basic_needs_x2, 2, sums.basic_needs_n),
            Element::Support => (sums.support_x12, 12, sums.support_n),
            Element::Teamwork => (sums.teamwork_x12, 12, sums.teamwork_n),
            Element::Growth => (sums.growth_x2, 2, sums.growth_n),
        };
        self.allows(sums.ee_n, n)
            .then(|| Ratio::index_of_mean(sum, scale, n))
            .flatten()
    }

    pub fn share(self, sums: &EmployeeSums, count: i128) -> Option<Ratio> {
        self.allows(sums.ee_n, sums.ee_n)
            .then(|| Ratio::new(count, sums.ee_n))
            .flatten()
    }

    /// Secondary suppression for a total shown with its parts: `parts` are (id, ee_n) of the
    /// named parts plus `None` for responses that belong to no part. Returns the ids of the
    /// parts to hide (primary and secondary), so no hidden part can be derived by subtraction.
    ///
    /// The rule: hide every part under the threshold; then, while the hidden parts are one
    /// alone, or together still fewer respondents than the threshold (the total minus the
    /// shown parts would give that group away), also hide the smallest part still shown
    /// (ties by id).
    pub fn suppressed_parts<'a>(self, parts: &[(Option<&'a str>, i128)]) -> Vec<Option<&'a str>> {
        let present: Vec<&(Option<&str>, i128)> = parts.iter().filter(|(_, n)| *n >= 1).collect();
        let mut hidden: Vec<(Option<&str>, i128)> = present
            .iter()
            .filter(|(_, n)| *n < self.min_group_size)
            .map(|(id, n)| (*id, *n))
            .collect();
        let derivable = |hidden: &[(Option<&str>, i128)]| {
            !hidden.is_empty()
                && (hidden.len() == 1
                    || hidden.iter().map(|(_, n)| n).sum::<i128>() < self.min_group_size)
        };
        while derivable(&hidden) {
            let smallest_shown = present
                .iter()
                .filter(|(id, _)| !hidden.iter().any(|(h, _)| h == id))
                .min_by(|a, b| {
                    a.1.cmp(&b.1).then_with(|| {
                        a.0.unwrap_or("")
                            .as_bytes()
                            .cmp(b.0.unwrap_or("").as_bytes())
                    })
                });
            match smallest_shown {
                Some((id, n)) => hidden.push((*id, *n)),
                None => break,
            }
        }
        hidden.into_iter().map(|(id, _)| id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn respondent(items: &[i128]) -> EmployeeSums {
        let k = items.len() as i128;
        let x = items.iter().sum::<i128>() * (3960 / k);
        EmployeeSums {
            n_valid: 1,
            ee_n: 1,
            ee_x3960: x,
            ee_x3960_squared: x * x,
            ..Default::default()
        }
    }

    #[test]
    fn ee_index_and_spread() {
        // ee_mean 4 (12 items) and 3 (9 items answered): mean 3.5 → index 62.5
        let group = EmployeeSums::sum([&respondent(&[4; 12]), &respondent(&[3; 9])]);
        assert_eq!(group.ee_index_raw().unwrap().round_text(4), "62.5000");
        let (mean, sd) = group.ee_spread().unwrap();
        assert!((mean - 62.5).abs() < 1e-12);
        // 0–100 values 75 and 50: sample sd = 25 / sqrt(2)
        assert!((sd - 25.0 / 2f64.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn suppression_at_four_and_five() {
        let privacy = Privacy { min_group_size: 5 };
        let four = EmployeeSums::sum(vec![&respondent(&[4; 12]); 4]);
        let five = EmployeeSums::sum(vec![&respondent(&[4; 12]); 5]);
        assert_eq!(privacy.ee_index(&four), None);
        assert_eq!(privacy.ee_index(&five).unwrap().round_text(1), "75.0");
        // An ambassador index from 4 respondents in a group of 10 is hidden.
        let ten = EmployeeSums {
            ambassador_n: 4,
            ambassador_x6: 4 * 24,
            ..EmployeeSums::sum(vec![&respondent(&[4; 12]); 10])
        };
        assert_eq!(privacy.ambassador_index(&ten), None);
    }

    #[test]
    fn secondary_suppression_hides_the_smallest_other_part() {
        let privacy = Privacy { min_group_size: 5 };
        // T1 is below the threshold; the smallest other part (T3 with 6, ties by id) goes too.
        let parts = [
            (Some("T1"), 3),
            (Some("T2"), 9),
            (Some("T3"), 6),
            (Some("T4"), 6),
            (Some("T5"), 0),
        ];
        assert_eq!(
            privacy.suppressed_parts(&parts),
            vec![Some("T1"), Some("T3")]
        );
        // The unnamed part (responses of no team) counts as a part.
        let parts = [(Some("T1"), 12), (Some("T2"), 8), (None, 2)];
        assert_eq!(privacy.suppressed_parts(&parts), vec![None, Some("T2")]);
        // Two hidden parts already protect each other.
        let parts = [(Some("T1"), 2), (Some("T2"), 3), (Some("T3"), 9)];
        assert_eq!(
            privacy.suppressed_parts(&parts),
            vec![Some("T1"), Some("T2")]
        );
        // Two hidden parts of 2 and 2 would still give a group of 4 away: a third goes too.
        let parts = [(Some("T1"), 2), (None, 2), (Some("T2"), 9), (Some("T3"), 7)];
        assert_eq!(
            privacy.suppressed_parts(&parts),
            vec![Some("T1"), None, Some("T3")]
        );
        // Nothing hidden, nothing more to hide.
        assert!(
            privacy
                .suppressed_parts(&[(Some("T1"), 5), (Some("T2"), 6)])
                .is_empty()
        );
    }
}
