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

/// Limits for a mean with the given centre and respondent standard deviation at n.
pub fn mean_limits(centre: f64, sd: f64, n: f64) -> Limits {
    let spread = sd / n.sqrt();
    Limits {
        low_998: centre - Z998 * spread,
        low_95: centre - Z95 * spread,
        high_95: centre + Z95 * spread,
        high_998: centre + Z998 * spread,
    }
}

/// The flag of a site's share of fully engaged customers.
pub fn proportion_flag(fully_engaged: i64, ce_n: i64, p0: f64, min_n: i64) -> FunnelFlag {
    if ce_n < min_n {
        return FunnelFlag::InsufficientSample;
    }
    proportion_limits(p0, ce_n as f64).flag(fully_engaged as f64 / ce_n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_at_both_limits() {
        // p0 = 0.5, n = 100: spread 0.05; 95 % limits 0.40200 / 0.59800, 99.8 % 0.34549 / 0.65451
        let p0 = 0.5;
        assert_eq!(proportion_flag(50, 100, p0, 30), FunnelFlag::InControl);
        assert_eq!(proportion_flag(41, 100, p0, 30), FunnelFlag::InControl); // 0.41 ≥ 0.40200
        assert_eq!(proportion_flag(40, 100, p0, 30), FunnelFlag::AlertLow); // 0.40 < 0.40200
        assert_eq!(proportion_flag(35, 100, p0, 30), FunnelFlag::AlertLow); // 0.35 ≥ 0.34549
        assert_eq!(proportion_flag(34, 100, p0, 30), FunnelFlag::AlarmLow);
        assert_eq!(proportion_flag(59, 100, p0, 30), FunnelFlag::InControl);
        assert_eq!(proportion_flag(60, 100, p0, 30), FunnelFlag::AlertHigh);
        assert_eq!(proportion_flag(66, 100, p0, 30), FunnelFlag::AlarmHigh);
        assert_eq!(
            proportion_flag(0, 29, p0, 30),
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
    fn mean_limits_use_the_respondent_spread() {
        let limits = mean_limits(60.0, 20.0, 16.0); // spread 5
        assert!((limits.low_95 - (60.0 - 1.959964 * 5.0)).abs() < 1e-12);
        assert_eq!(limits.flag(50.0), FunnelFlag::AlertLow); // 50 < 50.20018
        assert_eq!(limits.flag(44.0), FunnelFlag::AlarmLow); // 44 < 44.54884
        assert_eq!(limits.flag(70.0), FunnelFlag::AlertHigh);
    }
}
