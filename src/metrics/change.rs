//! Is a change beyond chance? (metrics.md §10): the difference of two means against the
//! standard error of the difference, decided exactly on integer sums.

use super::customer::CustomerSums;
use num_bigint::BigInt;

/// What a change test needs of one population: the count, Σx and Σx², with x on an
/// integer scale (the test does not depend on the scale).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moments {
    pub n: i128,
    pub sum: i128,
    pub squares: i128,
}

impl Moments {
    /// ce_index: x = attachment × 168 per complete response.
    pub fn ce_index(sums: &CustomerSums) -> Moments {
        Moments {
            n: sums.ce_n.into(),
            sum: sums.attachment_x168.into(),
            squares: sums.attachment_x168_squared.into(),
        }
    }

    /// share_fully_engaged: x = 1 for a fully engaged complete response, else 0.
    pub fn share_fully_engaged(sums: &CustomerSums) -> Moments {
        Moments {
            n: sums.ce_n.into(),
            sum: sums.fully_engaged.into(),
            squares: sums.fully_engaged.into(),
        }
    }

    /// nps: x = 1 for a promoter, 0 for a passive, −1 for a detractor.
    pub fn nps(sums: &CustomerSums) -> Moments {
        Moments {
            n: sums.nps_n.into(),
            sum: (sums.promoters - sums.detractors).into(),
            squares: (sums.promoters + sums.detractors).into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeFlag {
    Up,
    Down,
    WithinChance,
    InsufficientSample,
}

impl ChangeFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeFlag::Up => "up",
            ChangeFlag::Down => "down",
            ChangeFlag::WithinChance => "within_chance",
            ChangeFlag::InsufficientSample => "insufficient_sample",
        }
    }
}

/// z² for z = 1.959964, exactly: 3.841458881296.
const Z_SQUARED: (i64, i64) = (3_841_458_881_296, 1_000_000_000_000);

/// The flag of the change from `before` to `now`: `insufficient_sample` when either has
/// fewer than `min_n` (or 2) values; `up` / `down` when d² > z²·V, with d the difference
/// of the means and V = s₁²/n₁ + s₀²/n₀ (sample variances); `within_chance` otherwise.
///
/// Both sides are multiplied by n₁²·n₀²·(n₁ − 1)·(n₀ − 1) and by z²'s denominator, so
/// the comparison is of integers: D²·(n₁−1)·(n₀−1)·10¹² against
/// 3841458881296·[(n₁Q₁ − S₁²)·n₀²·(n₀−1) + (n₀Q₀ − S₀²)·n₁²·(n₁−1)], with D = S₁n₀ − S₀n₁.
pub fn flag(now: Moments, before: Moments, min_n: i64) -> ChangeFlag {
    let min_n = i128::from(min_n.max(2));
    if now.n < min_n || before.n < min_n {
        return ChangeFlag::InsufficientSample;
    }
    let big = BigInt::from;
    let (n1, s1, q1) = (big(now.n), big(now.sum), big(now.squares));
    let (n0, s0, q0) = (big(before.n), big(before.sum), big(before.squares));
    let one = BigInt::from(1);
    let d = &s1 * &n0 - &s0 * &n1;
    let lhs = &d * &d * (&n1 - &one) * (&n0 - &one) * BigInt::from(Z_SQUARED.1);
    let spread1 = &n1 * &q1 - &s1 * &s1;
    let spread0 = &n0 * &q0 - &s0 * &s0;
    let rhs = BigInt::from(Z_SQUARED.0)
        * (spread1 * &n0 * &n0 * (&n0 - &one) + spread0 * &n1 * &n1 * (&n1 - &one));
    if lhs > rhs {
        if d > BigInt::from(0) {
            ChangeFlag::Up
        } else {
            ChangeFlag::Down
        }
    } else {
        ChangeFlag::WithinChance
    }
}

/// The flags of a group's three tested figures against the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changes {
    pub ce_index: ChangeFlag,
    pub nps: ChangeFlag,
    pub share_fully_engaged: ChangeFlag,
}

impl Changes {
    pub fn of(now: &CustomerSums, before: &CustomerSums, min_n: i64) -> Changes {
        let test =
            |moments: fn(&CustomerSums) -> Moments| flag(moments(now), moments(before), min_n);
        Changes {
            ce_index: test(Moments::ce_index),
            nps: test(Moments::nps),
            share_fully_engaged: test(Moments::share_fully_engaged),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moments of a list of values.
    fn of(values: &[i128]) -> Moments {
        Moments {
            n: values.len() as i128,
            sum: values.iter().sum(),
            squares: values.iter().map(|x| x * x).sum(),
        }
    }

    #[test]
    fn a_clear_rise_and_fall_are_beyond_chance_and_noise_is_not() {
        // 30 responses each: 20 fives and 10 threes (mean 13/3, s² = 80/87) against
        // 10 fives and 20 threes (mean 11/3, s² = 80/87): d = 2/3, d² = 0.444 against
        // z²·V = 3.84 · 16/261 = 0.235
        let high = of(&[[5; 20].as_slice(), &[3; 10]].concat());
        let low = of(&[[5; 10].as_slice(), &[3; 20]].concat());
        assert_eq!(flag(high, low, 30), ChangeFlag::Up);
        assert_eq!(flag(low, high, 30), ChangeFlag::Down);
        // one response moved: d = 1/15 → d² = 0.0044 < z²·V
        let nudged = of(&[[5; 11].as_slice(), &[3; 19]].concat());
        assert_eq!(flag(nudged, low, 30), ChangeFlag::WithinChance);
        // 29 responses is too few to tell
        let few = of(&[5; 29]);
        assert_eq!(flag(few, low, 30), ChangeFlag::InsufficientSample);
    }

    #[test]
    fn without_spread_any_difference_is_beyond_chance() {
        // V = 0: every value the same in both periods
        assert_eq!(flag(of(&[4; 30]), of(&[3; 30]), 30), ChangeFlag::Up);
        assert_eq!(
            flag(of(&[3; 30]), of(&[3; 30]), 30),
            ChangeFlag::WithinChance
        );
    }

    #[test]
    fn a_difference_exactly_at_the_limit_is_within_chance() {
        // n = 31 in both, S₁ = m, S₀ = −m, Q₁ = Q₀ = q: D = 62m, n·Q − S² = 31q − m², and
        // D²·30·10¹² = z₁₂·961·2·(31q − m²) holds for m = 31·z₁₂ and
        // q = m²·(60·10¹² + z₁₂) / (31·z₁₂) = 31·z₁₂·(60·10¹² + z₁₂).
        let z = i128::from(Z_SQUARED.0);
        let m = 31 * z;
        let q = 31 * z * (60 * 1_000_000_000_000 + z);
        let at_limit = |sum: i128, squares: i128| Moments {
            n: 31,
            sum,
            squares,
        };
        assert_eq!(
            flag(at_limit(m, q), at_limit(-m, q), 30),
            ChangeFlag::WithinChance
        );
        // a hair less spread in one period and the same d is beyond chance
        assert_eq!(
            flag(at_limit(m, q - 1), at_limit(-m, q), 30),
            ChangeFlag::Up
        );
    }

    #[test]
    fn nps_and_the_share_use_their_own_scores() {
        let sums = CustomerSums {
            ce_n: 40,
            fully_engaged: 10,
            nps_n: 50,
            promoters: 20,
            detractors: 5,
            ..Default::default()
        };
        assert_eq!(
            Moments::nps(&sums),
            Moments {
                n: 50,
                sum: 15,
                squares: 25
            }
        );
        assert_eq!(
            Moments::share_fully_engaged(&sums),
            Moments {
                n: 40,
                sum: 10,
                squares: 10
            }
        );
    }
}
