//! Funnel limits (Spiegelhalter) for comparing sites with an honest allowance for sample
//! size (metrics.md §3).

pub const Z95: f64 = 1.959964;
pub const Z998: f64 = 3.090232;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunnelFlag {
    AlarmLow,
    AlertLow,
    InControl,
    AlertHigh,
    AlarmHigh,
    InsufficientSample,
}

impl FunnelFlag {
    pub const ALL: [FunnelFlag; 6] = [
        FunnelFlag::AlarmLow,
        FunnelFlag::AlertLow,
        FunnelFlag::InControl,
        FunnelFlag::AlertHigh,
        FunnelFlag::AlarmHigh,
        FunnelFlag::InsufficientSample,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FunnelFlag::AlarmLow => "alarm_low",
            FunnelFlag::AlertLow => "alert_low",
            FunnelFlag::InControl => "in_control",
            FunnelFlag::AlertHigh => "alert_high",
            FunnelFlag::AlarmHigh => "alarm_high",
            FunnelFlag::InsufficientSample => "insufficient_sample",
        }
    }
}

/// Limits around a centre at sample size n: (lower 99.8, lower 95, upper 95, upper 99.8).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub low_998: f64,
    pub low_95: f64,
    pub high_95: f64,
    pub high_998: f64,
}

impl Limits {
    pub fn flag(&self, value: f64) -> FunnelFlag {
        if value < self.low_998 {
            FunnelFlag::AlarmLow
        } else if value < self.low_95 {
            FunnelFlag::AlertLow
        } else if value > self.high_998 {
            FunnelFlag::AlarmHigh
        } else if value > self.high_95 {
            FunnelFlag::AlertHigh
        } else {
            FunnelFlag::InControl
        }
    }
}

/// Limits for a proportion with centre p0 at n, clamped to [0, 1].
pub fn proportion_limits(p0: f64, n: f64) -> Limits {
    let spread = (p0 * (1.0 - p0) / n).sqrt();
    let at = |z: f64, sign: f64| (p0 + sign * z * spread).clamp(0.0, 1.0);
    Limits {
        low_998: at(Z998, -1.0),
        low_95: at(Z95, -1.0),
        high_95: at(Z95, 1.0),
        high_998: at(Z998, 1.0),
    }
}

/// Limits for a mean with the given centre and respondent standard deviation at n, widened
/// by `tau2` (0 without the overdispersion adjustment).
pub fn mean_limits(centre: f64, sd: f64, n: f64, tau2: f64) -> Limits {
    let spread = (sd * sd / n + tau2).sqrt();
    Limits {
        low_998: centre - Z998 * spread,
        low_95: centre - Z95 * spread,
        high_95: centre + Z95 * spread,
        high_998: centre + Z998 * spread,
    }
}

/// The additive random-effects variance τ² of FunnelPlotR's overdispersion adjustment
/// (Spiegelhalter 2005): z-scores `(y − target) / s` winsorised at their 10th and 90th
/// percentiles give the dispersion φ = Σz² / k; when k·φ exceeds k − 1,
/// τ² = (k·φ − (k − 1)) / (Σw − Σw² / Σw) with weights w = 1 / s², else 0.
pub fn tau_squared(points: &[(f64, f64)], target: f64) -> f64 {
    let k = points.len();
    if k < 2 {
        return 0.0;
    }
    let mut z: Vec<f64> = points.iter().map(|(y, s)| (y - target) / s).collect();
    let mut sorted = z.clone();
    sorted.sort_by(f64::total_cmp);
    let (low, high) = (quantile(&sorted, 0.1), quantile(&sorted, 0.9));
    for value in &mut z {
        *value = value.clamp(low, high);
    }
    let phi = z.iter().map(|v| v * v).sum::<f64>() / k as f64;
    let excess = k as f64 * phi - (k as f64 - 1.0);
    if excess <= 0.0 {
        return 0.0;
    }
    let w: Vec<f64> = points.iter().map(|(_, s)| 1.0 / (s * s)).collect();
    let (sum_w, sum_w2) = (w.iter().sum::<f64>(), w.iter().map(|v| v * v).sum::<f64>());
    excess / (sum_w - sum_w2 / sum_w)
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    super::distribution::quantile_cont(sorted, q)
}

/// Proportion limits widened by τ² on the arcsine-square-root scale (`compare.overdispersion`).
pub fn proportion_limits_overdispersed(p0: f64, n: f64, tau2: f64) -> Limits {
    let centre = p0.sqrt().asin();
    let spread = (1.0 / (4.0 * n) + tau2).sqrt();
    let back = |y: f64| y.clamp(0.0, std::f64::consts::FRAC_PI_2).sin().powi(2);
    Limits {
        low_998: back(centre - Z998 * spread),
        low_95: back(centre - Z95 * spread),
        high_95: back(centre + Z95 * spread),
        high_998: back(centre + Z998 * spread),
    }
}

/// τ² for shares of fully engaged customers over the eligible sites: (fully engaged, ce_n).
pub fn proportion_tau_squared(sites: &[(i64, i64)], p0: f64) -> f64 {
    let points: Vec<(f64, f64)> = sites
        .iter()
        .map(|(fe, n)| {
            (
                ((*fe as f64) / (*n as f64)).sqrt().asin(),
                1.0 / (2.0 * (*n as f64).sqrt()),
            )
        })
        .collect();
    tau_squared(&points, p0.sqrt().asin())
}

/// The flag of a site's share of fully engaged customers.
/// `tau2` is `Some` when `compare.overdispersion` widens the limits.
pub fn proportion_flag(
    fully_engaged: i64,
    ce_n: i64,
    p0: f64,
    min_n: i64,
    tau2: Option<f64>,
) -> FunnelFlag {
    if !super::compare::is_compared(ce_n, min_n) {
        return FunnelFlag::InsufficientSample;
    }
    let limits = match tau2 {
        Some(tau2) => proportion_limits_overdispersed(p0, ce_n as f64, tau2),
        None => proportion_limits(p0, ce_n as f64),
    };
    limits.flag(fully_engaged as f64 / ce_n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_at_both_limits() {
        // p0 = 0.5, n = 100: spread 0.05; 95 % limits 0.40200 / 0.59800, 99.8 % 0.34549 / 0.65451
        let p0 = 0.5;
        assert_eq!(
            proportion_flag(50, 100, p0, 30, None),
            FunnelFlag::InControl
        );
        assert_eq!(
            proportion_flag(41, 100, p0, 30, None),
            FunnelFlag::InControl
        ); // 0.41 ≥ 0.40200
        assert_eq!(proportion_flag(40, 100, p0, 30, None), FunnelFlag::AlertLow); // 0.40 < 0.40200
        assert_eq!(proportion_flag(35, 100, p0, 30, None), FunnelFlag::AlertLow); // 0.35 ≥ 0.34549
        assert_eq!(proportion_flag(34, 100, p0, 30, None), FunnelFlag::AlarmLow);
        assert_eq!(
            proportion_flag(59, 100, p0, 30, None),
            FunnelFlag::InControl
        );
        assert_eq!(
            proportion_flag(60, 100, p0, 30, None),
            FunnelFlag::AlertHigh
        );
        assert_eq!(
            proportion_flag(66, 100, p0, 30, None),
            FunnelFlag::AlarmHigh
        );
        assert_eq!(
            proportion_flag(0, 29, p0, 30, None),
            FunnelFlag::InsufficientSample
        );
    }

    #[test]
    fn limits_clamp_to_the_unit_interval() {
        let limits = proportion_limits(0.02, 30.0);
        assert_eq!(limits.low_998, 0.0);
        assert!(limits.high_998 < 1.0);
        // A share of 0 is never below a clamped lower limit of 0.
        assert_eq!(limits.flag(0.0), FunnelFlag::InControl);
    }

    #[test]
    fn overdispersion_widens_only_when_sites_vary_more_than_chance() {
        // Four sites exactly on target: no dispersion, τ² = 0, limits as without adjustment
        // but on the arcsine scale.
        let on_target = [(50, 100), (50, 100), (50, 100), (50, 100)];
        assert_eq!(proportion_tau_squared(&on_target, 0.5), 0.0);
        // z-scores ±8 (y = 0.6 ± 0.4, s = 0.05, k = 4): winsorising at the 10th/90th
        // percentiles keeps ±8, φ = 64, τ² = (4·64 − 3) / (Σw − Σw²/Σw) with w = 400:
        // 253 / (1600 − 400) = 0.2108333…
        let points = [(0.2, 0.05), (0.2, 0.05), (1.0, 0.05), (1.0, 0.05)];
        let tau2 = tau_squared(&points, 0.6);
        assert!((tau2 - 253.0 / 1200.0).abs() < 1e-12, "{tau2}");
        let wide = proportion_limits_overdispersed(0.5, 100.0, tau2);
        let plain = proportion_limits_overdispersed(0.5, 100.0, 0.0);
        assert!(wide.low_95 < plain.low_95 && wide.high_95 > plain.high_95);
        // arcsine limits at τ² = 0: sin²(π/4 − 1.959964 × 0.05)
        let expected = (std::f64::consts::FRAC_PI_4 - Z95 * 0.05).sin().powi(2);
        assert!((plain.low_95 - expected).abs() < 1e-12);
    }

    #[test]
    fn mean_limits_use_the_respondent_spread() {
        let limits = mean_limits(60.0, 20.0, 16.0, 0.0); // spread 5
        assert!((limits.low_95 - (60.0 - 1.959964 * 5.0)).abs() < 1e-12);
        assert_eq!(limits.flag(50.0), FunnelFlag::AlertLow); // 50 < 50.20018
        assert_eq!(limits.flag(44.0), FunnelFlag::AlarmLow); // 44 < 44.54884
        assert_eq!(limits.flag(70.0), FunnelFlag::AlertHigh);
    }
}
