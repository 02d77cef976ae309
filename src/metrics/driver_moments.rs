//! The moment sums of the key drivers (metrics.md §11), from the one pass's profile counts:
//! each complete response's loyalty × 3 and four dimensions × 2, coded base 16 in one
//! integer by `customer_intervals.sql`, and how many responses share it.

/// n, Σy, Σy², Σxⱼ, Σxⱼxₖ (j ≤ k) and Σxⱼy of a group, x in the order confidence,
/// integrity, pride, passion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DriverMoments {
    pub n: i64,
    pub y: i64,
    pub yy: i64,
    pub x: [i64; 4],
    pub xx: [[i64; 4]; 4],
    pub xy: [i64; 4],
}

impl DriverMoments {
    /// Adds `count` responses of one profile, as the SQL coded it:
    /// (((y·16 + c)·16 + i)·16 + p)·16 + s.
    pub fn add_profile(&mut self, code: i64, count: i64) {
        let x = [
            (code >> 12) & 15,
            (code >> 8) & 15,
            (code >> 4) & 15,
            code & 15,
        ];
        self.add_response(code >> 16, x, count);
    }

    /// Adds `count` responses with loyalty × 3 = `y` and dimensions × 2 = `x`.
    pub fn add_response(&mut self, y: i64, x: [i64; 4], count: i64) {
        self.n += count;
        self.y += count * y;
        self.yy += count * y * y;
        for j in 0..4 {
            self.x[j] += count * x[j];
            self.xy[j] += count * x[j] * y;
            for k in 0..4 {
                self.xx[j][k] += count * x[j] * x[k];
            }
        }
    }

    pub fn add(&mut self, other: &DriverMoments) {
        self.n += other.n;
        self.y += other.y;
        self.yy += other.yy;
        for j in 0..4 {
            self.x[j] += other.x[j];
            self.xy[j] += other.xy[j];
            for k in 0..4 {
                self.xx[j][k] += other.xx[j][k];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_code_reads_back_as_its_scores() {
        // y = 13, confidence 8, integrity 4, pride 10, passion 2, as the SQL codes it
        let code = (((13 * 16 + 8) * 16 + 4) * 16 + 10) * 16 + 2;
        let mut coded = DriverMoments::default();
        coded.add_profile(code, 3);
        let mut direct = DriverMoments::default();
        direct.add_response(13, [8, 4, 10, 2], 3);
        assert_eq!(coded, direct);
        assert_eq!(
            (coded.n, coded.y, coded.xy[2], coded.xx[0][1]),
            (3, 39, 390, 96)
        );
    }
}
