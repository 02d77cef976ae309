//! Exact ratios of integer sums, so that printed digits never depend on the order in
//! which floating-point sums were taken (metrics.md: rounding half away from zero is
//! applied to the exact value being printed).

use std::cmp::Ordering;

/// `num / den` with `den > 0`, kept unreduced; compared and rounded exactly.
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    num: i128,
    den: i128,
}

impl Ratio {
    /// The numerator and (positive) denominator.
    pub fn parts(self) -> (i128, i128) {
        (self.num, self.den)
    }

    /// `None` when the denominator is zero (the figure has no data).
    pub fn new(num: i128, den: i128) -> Option<Ratio> {
        match den.cmp(&0) {
            Ordering::Equal => None,
            Ordering::Greater => Some(Ratio { num, den }),
            Ordering::Less => Some(Ratio {
                num: -num,
                den: -den,
            }),
        }
    }

    pub fn integer(value: i128) -> Ratio {
        Ratio { num: value, den: 1 }
    }

    /// The 0–100 index of a mean on a 1–5 scale: 100 × (mean − 1) / 4 = 25 × (mean − 1),
    /// where the mean is `sum_scaled / (scale × n)`.
    pub fn index_of_mean(sum_scaled: i128, scale: i128, n: i128) -> Option<Ratio> {
        Ratio::new(25 * (sum_scaled - scale * n), scale * n)
    }

    /// `100 × part / whole`.
    pub fn percent(part: i128, whole: i128) -> Option<Ratio> {
        Ratio::new(100 * part, whole)
    }

    pub fn minus(self, other: Ratio) -> Ratio {
        Ratio {
            num: self.num * other.den - other.num * self.den,
            den: self.den * other.den,
        }
    }

    /// self × factor.
    pub fn scale(self, factor: i128) -> Ratio {
        Ratio {
            num: self.num * factor,
            den: self.den,
        }
    }

    /// (self + other) / 2, exactly.
    pub fn midpoint(self, other: Ratio) -> Ratio {
        Ratio {
            num: self.num * other.den + other.num * self.den,
            den: 2 * self.den * other.den,
        }
    }

    /// floor(self / divisor), exactly.
    pub fn floor_div(self, divisor: i128) -> i128 {
        self.num.div_euclid(self.den * divisor)
    }

    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// The value rounded half away from zero to `decimals` places, as printed text
    /// (`-0` prints as `0`).
    pub fn round_text(self, decimals: u32) -> String {
        let scale = 10i128.pow(decimals);
        let scaled = self.num.abs() * scale;
        let (quotient, remainder) = (scaled / self.den, scaled % self.den);
        let rounded = if 2 * remainder >= self.den {
            quotient + 1
        } else {
            quotient
        };
        let negative = self.num < 0 && rounded != 0;
        let digits = format!("{:0width$}", rounded, width = decimals as usize + 1);
        let (int_part, frac_part) = digits.split_at(digits.len() - decimals as usize);
        let sign = if negative { "-" } else { "" };
        if decimals == 0 {
            format!("{sign}{int_part}")
        } else {
            format!("{sign}{int_part}.{frac_part}")
        }
    }

    /// The value rounded half away from zero to `decimals` places, as an exact decimal.
    pub fn round_decimal(self, decimals: u32) -> rust_decimal::Decimal {
        self.round_text(decimals)
            .parse()
            .expect("round_text prints a plain decimal number")
    }
}

impl PartialEq for Ratio {
    fn eq(&self, other: &Ratio) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ratio {}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Ratio) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Ratio) -> Ordering {
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

/// Rounds a floating-point value half away from zero, applied to the exact binary value
/// (`65.15625` → `65.1563` with 4 decimals, where `format!` rounds half to even).
pub fn round_f64_text(value: f64, decimals: u32) -> String {
    // Every finite f64 has a finite decimal expansion of at most 1074 fractional digits;
    // printing that many digits is exact, so the tie test below is exact too.
    let exact = format!("{:.1074}", value.abs());
    let (int_part, frac_part) = exact.split_once('.').expect("fixed notation has a point");
    let kept = &frac_part[..decimals as usize];
    let round_up = frac_part.as_bytes()[decimals as usize] >= b'5';
    let digits: String = format!("{int_part}{kept}");
    let mut number: Vec<u8> = digits.into_bytes();
    if round_up {
        let mut i = number.len();
        loop {
            if i == 0 {
                number.insert(0, b'1');
                break;
            }
            i -= 1;
            if number[i] == b'9' {
                number[i] = b'0';
            } else {
                number[i] += 1;
                break;
            }
        }
    }
    let text = String::from_utf8(number).expect("ascii digits");
    let (int_digits, frac_digits) = text.split_at(text.len() - decimals as usize);
    let is_zero = text.bytes().all(|b| b == b'0');
    let sign = if value < 0.0 && !is_zero { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{int_digits}")
    } else {
        format!("{sign}{int_digits}.{frac_digits}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(num: i128, den: i128) -> Ratio {
        Ratio::new(num, den).unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero() {
        // 65.15625 exactly: half away gives 65.1563 (format! would give 65.1562).
        assert_eq!(r(6515625, 100000).round_text(4), "65.1563");
        assert_eq!(r(-6515625, 100000).round_text(4), "-65.1563");
        assert_eq!(r(5, 2).round_text(0), "3");
        assert_eq!(r(-5, 2).round_text(0), "-3");
        assert_eq!(r(1, 3).round_text(6), "0.333333");
        assert_eq!(r(2, 3).round_text(6), "0.666667");
    }

    #[test]
    fn negative_zero_prints_as_zero() {
        assert_eq!(r(-1, 1_000_000).round_text(4), "0.0000");
        assert_eq!(r(-1, 3).round_text(0), "0");
    }

    #[test]
    fn index_of_mean_is_exact() {
        // An attachment mean of 3.60625 gives the index 25 × 2.60625 = 65.15625 exactly.
        let index = Ratio::new(25 * (360625 - 100000), 100000).unwrap();
        assert_eq!(index.round_text(4), "65.1563");
        // mean of 4 on 1–5 → 75; mean 1 → 0; mean 5 → 100
        assert_eq!(
            Ratio::index_of_mean(4 * 168 * 3, 168, 3)
                .unwrap()
                .round_text(4),
            "75.0000"
        );
        assert_eq!(
            Ratio::index_of_mean(168, 168, 1).unwrap().round_text(1),
            "0.0"
        );
        assert_eq!(
            Ratio::index_of_mean(5 * 2 * 7, 2, 7).unwrap().round_text(1),
            "100.0"
        );
        assert!(Ratio::index_of_mean(0, 168, 0).is_none());
    }

    #[test]
    fn compares_exactly() {
        assert_eq!(r(1, 3), r(2, 6));
        assert!(r(1, 3) < r(333_334, 1_000_000));
        assert!(r(-1, 2) < r(0, 1));
    }

    #[test]
    fn rounds_binary_values_half_away() {
        assert_eq!(round_f64_text(65.15625, 4), "65.1563");
        assert_eq!(round_f64_text(2.5, 0), "3");
        assert_eq!(round_f64_text(-2.5, 0), "-3");
        assert_eq!(round_f64_text(0.125, 2), "0.13");
        assert_eq!(round_f64_text(-0.0, 2), "0.00");
        assert_eq!(round_f64_text(-0.001, 2), "0.00");
        assert_eq!(round_f64_text(9.995, 2), "9.99"); // 9.995 is 9.99499999… in binary
        assert_eq!(round_f64_text(99.9999999, 4), "100.0000");
    }
}
