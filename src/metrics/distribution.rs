//! The distribution of sites (metrics.md §3): summary statistics, histogram, percentile rank.

use super::ratio::Ratio;

#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    pub count: usize,
    pub mean: f64,
    /// Sample standard deviation (n − 1); `None` below two values.
    pub sd: Option<f64>,
    pub p10: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub p90: f64,
    /// Counts per 5-point bin: [0,5), [5,10) … [95,100].
    pub histogram: [usize; 20],
}

/// Linear interpolation between order statistics, as DuckDB's `quantile_cont`.
pub fn quantile_cont(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let lower = position.floor() as usize;
    let upper = position.ceil() as usize;
    let low = sorted[lower];
    low + (position - lower as f64) * (sorted[upper] - low)
}

impl Distribution {
    pub fn of(values: &[Ratio]) -> Option<Distribution> {
        if values.is_empty() {
            return None;
        }
        let mut sorted: Vec<f64> = values.iter().map(|v| v.to_f64()).collect();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let mean = sorted.iter().sum::<f64>() / n as f64;
        let sd = (n > 1).then(|| {
            (sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        });
        let mut histogram = [0usize; 20];
        for value in values {
            // bin = floor(value / 5), exactly, with 100 in the last bin
            let bin = (value.floor_div(5)).clamp(0, 19) as usize;
            histogram[bin] += 1;
        }
        Some(Distribution {
            count: n,
            mean,
            sd,
            p10: quantile_cont(&sorted, 0.10),
            p25: quantile_cont(&sorted, 0.25),
            median: quantile_cont(&sorted, 0.50),
            p75: quantile_cont(&sorted, 0.75),
            p90: quantile_cont(&sorted, 0.90),
            histogram,
        })
    }
}

/// Share of `all` strictly below `value` plus half the share equal to it, × 100, exactly.
pub fn percentile_rank(value: Ratio, all: &[Ratio]) -> Option<Ratio> {
    let lower = all.iter().filter(|v| **v < value).count() as i128;
    let equal = all.iter().filter(|v| **v == value).count() as i128;
    Ratio::new(100 * (2 * lower + equal), 2 * all.len() as i128)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratios(values: &[i128]) -> Vec<Ratio> {
        values.iter().map(|v| Ratio::integer(*v)).collect()
    }

    #[test]
    fn quantiles_interpolate_like_duckdb() {
        let d = Distribution::of(&ratios(&[10, 20, 30, 40])).unwrap();
        // position q·(n−1): p10 → 0.3 → 13; median → 1.5 → 25; p90 → 2.7 → 37
        assert!((d.p10 - 13.0).abs() < 1e-12);
        assert!((d.median - 25.0).abs() < 1e-12);
        assert!((d.p90 - 37.0).abs() < 1e-12);
        assert!((d.mean - 25.0).abs() < 1e-12);
        assert!((d.sd.unwrap() - (500.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(d.histogram[2], 1);
        assert_eq!(d.histogram[8], 1);
    }

    #[test]
    fn histogram_puts_boundaries_in_the_upper_bin_and_100_in_the_last() {
        let d = Distribution::of(&ratios(&[0, 5, 100, 95])).unwrap();
        assert_eq!((d.histogram[0], d.histogram[1], d.histogram[19]), (1, 1, 2));
    }

    #[test]
    fn percentile_rank_counts_ties_half() {
        let all = ratios(&[50, 60, 60, 70]);
        // 1 lower, 2 equal: (1 + 1) / 4 = 50
        assert_eq!(
            percentile_rank(Ratio::integer(60), &all)
                .unwrap()
                .round_text(4),
            "50.0000"
        );
        assert_eq!(
            percentile_rank(Ratio::integer(50), &all)
                .unwrap()
                .round_text(4),
            "12.5000"
        );
        assert_eq!(
            percentile_rank(Ratio::integer(70), &all)
                .unwrap()
                .round_text(4),
            "87.5000"
        );
        // equal ratios written differently are ties: 121/2 vs 60.5
        let all = vec![
            Ratio::new(121, 2).unwrap(),
            Ratio::new(605, 10).unwrap(),
            Ratio::integer(10),
        ];
        assert_eq!(
            percentile_rank(Ratio::new(121, 2).unwrap(), &all)
                .unwrap()
                .round_text(4),
            "66.6667"
        );
    }
}
