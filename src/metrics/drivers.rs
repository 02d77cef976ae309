//! What drives loyalty (metrics.md §11): the exact Shapley decomposition (LMG) of the R² of
//! loyalty regressed on the four dimension scores, from a group's integer moment sums.
//!
//! For a subset S of the predictors, with C the centred cross-products of S and c theirs
//! with loyalty (both × n, so they stay integers), R²(S) = cᵀC⁻¹c / SST. Through the bordered
//! matrix M = [[C, c], [cᵀ, SST]], det M = det C · (SST − cᵀC⁻¹c), so
//! R²(S) = 1 − det M / (det C · SST): two integer determinants per subset (fraction-free
//! Gaussian elimination), and rationals only for the final sums.

use super::customer::Dimension;
use super::driver_moments::DriverMoments;
use super::figures::{GroupSums, RegionFigures, SiteFigures};
use super::ratio::Ratio;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// The four predictors, in the order of [`Dimension::ALL`].
const P: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverStatus {
    Ok,
    InsufficientSample,
    NoVariance,
    Degenerate,
}

impl DriverStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DriverStatus::Ok => "ok",
            DriverStatus::InsufficientSample => "insufficient_sample",
            DriverStatus::NoVariance => "no_variance",
            DriverStatus::Degenerate => "degenerate",
        }
    }
}

/// A group's key drivers: its population, status and, when `ok`, R² and the importances.
#[derive(Debug, Clone, PartialEq)]
pub struct Drivers {
    pub n: i64,
    pub status: DriverStatus,
    pub r2: Option<BigRational>,
    /// Shapley importance of each dimension (sums to R²); empty unless `ok`.
    pub importance: Vec<BigRational>,
}

impl Drivers {
    /// Each dimension's share of R² (none when R² is 0 or the status is not `ok`).
    pub fn shares(&self) -> Option<Vec<BigRational>> {
        let r2 = self.r2.as_ref().filter(|r| !r.is_zero())?;
        // I / R² without reducing (the values are compared and printed, never reduced)
        let shares = self
            .importance
            .iter()
            .map(|i| BigRational::new_raw(i.numer() * r2.denom(), i.denom() * r2.numer()));
        Some(shares.collect())
    }

    /// The dimension with the largest importance (ties in the order of the dimensions).
    pub fn top(&self) -> Option<Dimension> {
        let mut best: Option<(usize, &BigRational)> = None;
        for (j, i) in self.importance.iter().enumerate() {
            if best.is_none_or(|(_, b)| i > b) {
                best = Some((j, i));
            }
        }
        best.map(|(j, _)| Dimension::ALL[j])
    }
}

/// The moment sums of a group, as the one pass wrote them: n, Σy, Σy², Σxⱼ, Σxⱼxₖ, Σxⱼy
/// (y = loyalty × 3, x = dimension × 2).
struct Moments {
    n: BigInt,
    y: BigInt,
    yy: BigInt,
    x: [BigInt; P],
    xx: [[BigInt; P]; P],
    xy: [BigInt; P],
}

impl Moments {
    fn of(s: &DriverMoments) -> Moments {
        let b = BigInt::from;
        Moments {
            n: b(s.n),
            y: b(s.y),
            yy: b(s.yy),
            x: s.x.map(b),
            xx: s.xx.map(|row| row.map(b)),
            xy: s.xy.map(b),
        }
    }

    /// n × the centred cross-product of predictors j and k.
    fn c(&self, j: usize, k: usize) -> BigInt {
        &self.n * &self.xx[j][k] - &self.x[j] * &self.x[k]
    }

    /// n × the centred cross-product of predictor j with loyalty.
    fn cy(&self, j: usize) -> BigInt {
        &self.n * &self.xy[j] - &self.x[j] * &self.y
    }

    fn sst(&self) -> BigInt {
        &self.n * &self.yy - &self.y * &self.y
    }
}

/// The determinant of an integer matrix by fraction-free (Bareiss) elimination: every
/// division is exact.
fn determinant(mut m: Vec<Vec<BigInt>>) -> BigInt {
    let size = m.len();
    let mut sign = BigInt::one();
    let mut previous = BigInt::one();
    for k in 0..size {
        if m[k][k].is_zero() {
            let Some(swap) = (k + 1..size).find(|&r| !m[r][k].is_zero()) else {
                return BigInt::zero();
            };
            m.swap(k, swap);
            sign = -sign;
        }
        for i in k + 1..size {
            for j in k + 1..size {
                let value = (&m[i][j] * &m[k][k] - &m[i][k] * &m[k][j]) / &previous;
                m[i][j] = value;
            }
        }
        previous = m[k][k].clone();
    }
    sign * &m[size - 1][size - 1]
}

/// 4! × the Shapley weight |S|!·(P − |S| − 1)!/P! of a subset of size |S|.
const WEIGHTS_X24: [i64; P] = [6, 2, 2, 6];

/// The key drivers of a group with these sums, computed when it has `min_n` responses.
pub fn drivers(sums: &DriverMoments, min_n: u32) -> Drivers {
    let failed = |status| Drivers {
        n: sums.n,
        status,
        r2: None,
        importance: Vec::new(),
    };
    if sums.n < i64::from(min_n.max(1)) {
        return failed(DriverStatus::InsufficientSample);
    }
    let m = Moments::of(sums);
    let sst = m.sst();
    if sst.is_zero() {
        return failed(DriverStatus::NoVariance);
    }
    let members = |mask: usize| (0..P).filter(move |j| mask & (1 << j) != 0);
    let full: Vec<Vec<BigInt>> = (0..P)
        .map(|j| (0..P).map(|k| m.c(j, k)).collect())
        .collect();
    if determinant(full).is_zero() {
        return failed(DriverStatus::Degenerate);
    }
    // For every subset S (a bit mask): det C_S and det M_S, so q_S = det M_S / det C_S
    // (q_∅ = SST) and R²(S) = 1 − q_S / SST.
    let subsets = 1usize << P;
    let (dets, bordered): (Vec<BigInt>, Vec<BigInt>) = (0..subsets)
        .map(|mask| {
            if mask == 0 {
                return (BigInt::one(), sst.clone());
            }
            let s: Vec<usize> = members(mask).collect();
            let c: Vec<Vec<BigInt>> = s
                .iter()
                .map(|&j| s.iter().map(|&k| m.c(j, k)).collect())
                .collect();
            let mut b = c.clone();
            for (row, &j) in b.iter_mut().zip(&s) {
                row.push(m.cy(j));
            }
            let mut last: Vec<BigInt> = s.iter().map(|&j| m.cy(j)).collect();
            last.push(sst.clone());
            b.push(last);
            (determinant(c), determinant(b))
        })
        .unzip();
    // Every q_S over the common denominator D = Π det C_S (products before and after S):
    // Iⱼ = Σ_S w(|S|)·(q_S − q_{S∪j}) / SST = Nⱼ / (24·SST·D), with integers only.
    let mut before = vec![BigInt::one(); subsets + 1];
    for t in 0..subsets {
        before[t + 1] = &before[t] * &dets[t];
    }
    let mut after = vec![BigInt::one(); subsets + 1];
    for t in (0..subsets).rev() {
        after[t] = &after[t + 1] * &dets[t];
    }
    let scaled: Vec<BigInt> = (0..subsets)
        .map(|t| &bordered[t] * &before[t] * &after[t + 1])
        .collect();
    let denominator = BigInt::from(24) * &sst * &before[subsets];
    let importance = (0..P)
        .map(|j| {
            let numerator = (0..subsets)
                .filter(|mask| mask & (1 << j) == 0)
                .map(|mask| {
                    let weight = BigInt::from(WEIGHTS_X24[mask.count_ones() as usize]);
                    weight * (&scaled[mask] - &scaled[mask | (1 << j)])
                })
                .fold(BigInt::zero(), |sum, term| sum + term);
            BigRational::new_raw(numerator, denominator.clone())
        })
        .collect();
    let full = subsets - 1;
    let r2 = BigRational::new_raw(&sst * &dets[full] - &bordered[full], &sst * &dets[full]);
    Drivers {
        n: sums.n,
        status: DriverStatus::Ok,
        r2: Some(r2),
        importance,
    }
}

/// Whose drivers a briefing used: the nearest group with status `ok`, or none (then the
/// lowest dimension is the focus).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverSource<'a> {
    Site,
    Region(&'a str),
    Company,
    None,
}

impl DriverSource<'_> {
    pub fn as_str(self) -> &'static str {
        match self {
            DriverSource::Site => "site",
            DriverSource::Region(_) => "region",
            DriverSource::Company => "company",
            DriverSource::None => "none",
        }
    }
}

/// The key drivers of a run: the company's, each region's and each active site's.
#[derive(Debug, Clone)]
pub struct KeyDrivers {
    pub company: Drivers,
    /// By region name, in byte order.
    pub regions: Vec<(String, Drivers)>,
    /// By site_id.
    pub sites: std::collections::HashMap<String, Drivers>,
}

impl KeyDrivers {
    /// The drivers of the company, each region and each site (the sites on all cores: a
    /// few thousand exact decompositions).
    pub fn of(
        company: &GroupSums,
        regions: &[RegionFigures],
        sites: &[SiteFigures],
        min_n: u32,
    ) -> KeyDrivers {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = sites.len().div_ceil(workers).max(1);
        let sites = std::thread::scope(|scope| {
            let parts: Vec<_> = sites
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|s| (s.info.site_id.clone(), drivers(&s.sums.drivers, min_n)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|p| p.join().expect("the drivers do not panic"))
                .collect()
        });
        KeyDrivers {
            company: drivers(&company.drivers, min_n),
            regions: regions
                .iter()
                .map(|r| (r.region.clone(), drivers(&r.sums.drivers, min_n)))
                .collect(),
            sites,
        }
    }

    /// The drivers for a site's (or its team's) priorities: the site's own when `ok`, else
    /// its region's, else the company's.
    pub fn nearest<'a>(
        &'a self,
        site: &str,
        region: &'a str,
    ) -> Option<(DriverSource<'a>, &'a Drivers)> {
        let ok = |d: &&Drivers| d.status == DriverStatus::Ok;
        if let Some(own) = self.sites.get(site).filter(ok) {
            return Some((DriverSource::Site, own));
        }
        if let Some((name, drivers)) = self
            .regions
            .iter()
            .find(|(name, d)| name == region && ok(&d))
        {
            return Some((DriverSource::Region(name), drivers));
        }
        Some(&self.company)
            .filter(ok)
            .map(|d| (DriverSource::Company, d))
    }
}

/// The focus of a site or team with these dimension indices, and the drivers it came from:
/// the priority rule on the nearest drivers, or without any, the lowest dimension (ties in
/// the order of the dimensions).
pub fn focus<'a>(
    key: &'a KeyDrivers,
    site: &str,
    region: &'a str,
    indices: [Option<Ratio>; P],
) -> Option<(Dimension, DriverSource<'a>, Option<&'a Drivers>)> {
    if let Some((source, drivers)) = key.nearest(site, region) {
        return priority(drivers, indices).map(|d| (d, source, Some(drivers)));
    }
    let mut lowest: Option<(usize, Ratio)> = None;
    for (j, index) in indices.iter().enumerate() {
        if let Some(index) = index
            && lowest.is_none_or(|(_, l)| *index < l)
        {
            lowest = Some((j, *index));
        }
    }
    lowest.map(|(j, _)| (Dimension::ALL[j], DriverSource::None, None))
}

/// The priority rule: the dimension with the largest importance × (100 − its index), ties
/// in the order of the dimensions; a dimension without an index is skipped.
pub fn priority(drivers: &Drivers, indices: [Option<Ratio>; P]) -> Option<Dimension> {
    let mut best: Option<(usize, BigRational)> = None;
    for (j, index) in indices.iter().enumerate() {
        let (Some(index), Some(importance)) = (index, drivers.importance.get(j)) else {
            continue;
        };
        let (num, den) = index.parts();
        // I × (100 − d) with d = num / den, unreduced
        let value = BigRational::new_raw(
            importance.numer() * BigInt::from(100 * den - num),
            importance.denom() * BigInt::from(den),
        );
        if best.as_ref().is_none_or(|(_, b)| &value > b) {
            best = Some((j, value));
        }
    }
    best.map(|(j, _)| Dimension::ALL[j])
}

/// A rational (its denominator positive) written with `decimals` decimals, rounded half
/// away from zero.
pub fn fixed(value: &BigRational, decimals: u32) -> String {
    let scale = BigInt::from(10).pow(decimals);
    let (num, den) = (value.numer(), value.denom());
    let two = BigInt::from(2);
    // round(|num| × scale / den) = ⌊(2·|num|·scale + den) / (2·den)⌋
    let rounded = (&two * num.abs() * &scale + den) / (&two * den);
    let negative = num.is_negative() && !rounded.is_zero();
    let whole = &rounded / &scale;
    let fraction = &rounded % &scale;
    let sign = if negative { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!(
            "{sign}{whole}.{fraction:0>width$}",
            width = decimals as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The moments of responses given as (loyalty × 3, [dimension × 2; 4]).
    fn sums(rows: &[(i64, [i64; 4])]) -> DriverMoments {
        let mut s = DriverMoments::default();
        for &(y, x) in rows {
            s.add_response(y, x, 1);
        }
        s
    }

    fn q(num: i64, den: i64) -> BigRational {
        BigRational::new(BigInt::from(num), BigInt::from(den))
    }

    #[test]
    fn with_orthogonal_predictors_each_importance_is_its_own_r2() {
        // Confidence and integrity take ±1 around 0 in a 2×2 design (orthogonal), pride and
        // passion are orthogonal to both and to each other over 8 rows; y = 2c + i + e with
        // a noise e orthogonal to all four. Then R²(c) = 4·8/SST, R²(i) = 8/SST and
        // pride, passion explain nothing: importances are exactly those R².
        let design: [(i64, i64, i64, i64, i64); 8] = [
            (1, 1, 1, 1, 1),
            (1, 1, -1, -1, -1),
            (1, -1, 1, -1, -1),
            (1, -1, -1, 1, 1),
            (-1, 1, 1, -1, 1),
            (-1, 1, -1, 1, -1),
            (-1, -1, 1, 1, -1),
            (-1, -1, -1, -1, 1),
        ];
        // the noise column e: orthogonal to c, i, p, d and to the intercept
        let rows: Vec<(i64, [i64; 4])> = design
            .iter()
            .map(|&(c, i, p, d, e)| (2 * c + i + e * (c * i * p * d), [c, i, p, d]))
            .collect();
        let drivers = drivers(&sums(&rows), 8);
        assert_eq!(drivers.status, DriverStatus::Ok);
        // SST = Σ(2c + i + e')² = 8·(4 + 1 + 1) = 48: R²(c) = 32/48, R²(i) = 8/48
        assert_eq!(drivers.importance, vec![q(2, 3), q(1, 6), q(0, 1), q(0, 1)]);
        assert_eq!(drivers.r2, Some(q(5, 6)));
        assert_eq!(drivers.shares().unwrap()[0], q(4, 5));
        assert_eq!(drivers.top(), Some(Dimension::Confidence));
    }

    #[test]
    fn identical_predictors_are_degenerate() {
        // integrity repeats confidence: no unique regression on all four
        let rows: Vec<(i64, [i64; 4])> = [
            (1, 1, 1, 1),
            (1, 1, -1, -1),
            (-1, -1, 1, -1),
            (-1, -1, -1, 1),
        ]
        .iter()
        .map(|&(c, i, p, d)| (c, [c, i, p, d]))
        .collect();
        // c and i are identical: the full C is singular
        assert_eq!(drivers(&sums(&rows), 4).status, DriverStatus::Degenerate);
    }

    #[test]
    fn statuses_without_a_fit() {
        let rows = vec![(9, [8, 8, 8, 8]); 3];
        assert_eq!(
            drivers(&sums(&rows), 4).status,
            DriverStatus::InsufficientSample
        );
        assert_eq!(drivers(&sums(&rows), 3).status, DriverStatus::NoVariance);
    }

    #[test]
    fn the_priority_weighs_importance_by_room_to_grow() {
        let drivers = Drivers {
            n: 100,
            status: DriverStatus::Ok,
            r2: Some(q(1, 2)),
            importance: vec![q(1, 10), q(2, 10), q(1, 10), q(1, 10)],
        };
        let index = |v: i128| Some(Ratio::new(v, 1).unwrap());
        // integrity matters twice as much but is at 90: 0.2 × 10 < 0.1 × 40 (confidence)
        assert_eq!(
            priority(&drivers, [index(60), index(90), index(70), index(80)]),
            Some(Dimension::Confidence)
        );
        // a tie goes to the earlier dimension; a missing index is skipped
        assert_eq!(
            priority(&drivers, [None, index(90), index(60), index(60)]),
            Some(Dimension::Pride)
        );
    }

    #[test]
    fn rationals_print_half_away_from_zero() {
        assert_eq!(fixed(&q(2, 3), 4), "0.6667");
        assert_eq!(fixed(&q(1, 8), 2), "0.13");
        assert_eq!(fixed(&q(-1, 8), 2), "-0.13");
        assert_eq!(fixed(&q(-1, 100_000), 4), "0.0000");
        assert_eq!(fixed(&q(5, 1), 4), "5.0000");
    }
}
