//! The employee × customer engagement quadrant and its linkage (metrics.md §4).

use super::ratio::Ratio;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quadrant {
    BothHigh,
    EmployeeOnly,
    CustomerOnly,
    BothLow,
}

impl Quadrant {
    pub const ALL: [Quadrant; 4] = [
        Quadrant::BothHigh,
        Quadrant::EmployeeOnly,
        Quadrant::CustomerOnly,
        Quadrant::BothLow,
    ];

    /// Where the quadrant stands in [`Quadrant::ALL`] (and in the summary's rows).
    pub fn position(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Quadrant::BothHigh => "both_high",
            Quadrant::EmployeeOnly => "employee_only",
            Quadrant::CustomerOnly => "customer_only",
            Quadrant::BothLow => "both_low",
        }
    }

    /// A value equal to the median counts as high.
    pub fn of(ee: Ratio, ce: Ratio, ee_median: Ratio, ce_median: Ratio) -> Quadrant {
        match (ee >= ee_median, ce >= ce_median) {
            (true, true) => Quadrant::BothHigh,
            (true, false) => Quadrant::EmployeeOnly,
            (false, true) => Quadrant::CustomerOnly,
            (false, false) => Quadrant::BothLow,
        }
    }
}

/// The exact median (`quantile_cont` 0.5): the middle value, or the mean of the two middle ones.
pub fn median(values: &[Ratio]) -> Option<Ratio> {
    let mut sorted = values.to_vec();
    sorted.sort();
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        return Some(sorted[n / 2]);
    }
    let (a, b) = (sorted[n / 2 - 1], sorted[n / 2]);
    Some(a.midpoint(b))
}

/// Pearson's r; `None` below 3 pairs or without variation.
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let n = pairs.len();
    if n < 3 {
        return None;
    }
    let mean_x = pairs.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let mean_y = pairs.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mean_x) * (y - mean_y);
        sxx += (x - mean_x).powi(2);
        syy += (y - mean_y).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_ties_count_as_high() {
        let values: Vec<Ratio> = [40, 50, 50, 70]
            .iter()
            .map(|v| Ratio::integer(*v))
            .collect();
        let m = median(&values).unwrap();
        assert_eq!(m, Ratio::integer(50));
        assert_eq!(
            Quadrant::of(Ratio::integer(50), Ratio::integer(50), m, m),
            Quadrant::BothHigh
        );
        assert_eq!(
            Quadrant::of(Ratio::integer(50), Ratio::integer(49), m, m),
            Quadrant::EmployeeOnly
        );
        assert_eq!(
            Quadrant::of(Ratio::integer(49), Ratio::integer(51), m, m),
            Quadrant::CustomerOnly
        );
        assert_eq!(
            median(&[Ratio::integer(1), Ratio::integer(2)]).unwrap(),
            Ratio::new(3, 2).unwrap()
        );
    }

    #[test]
    fn pearson_of_hand_made_pairs() {
        // y = 2x + 1 exactly: r = 1; y = −x: r = −1
        assert!((pearson(&[(1.0, 3.0), (2.0, 5.0), (3.0, 7.0)]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&[(1.0, -1.0), (2.0, -2.0), (4.0, -4.0)]).unwrap() + 1.0).abs() < 1e-12);
        // x = 1,2,3,4; y = 2,1,4,3: sxy = 3, sxx = syy = 5 → r = 0.6
        assert!(
            (pearson(&[(1.0, 2.0), (2.0, 1.0), (3.0, 4.0), (4.0, 3.0)]).unwrap() - 0.6).abs()
                < 1e-12
        );
        assert_eq!(pearson(&[(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)]), None);
    }
}
