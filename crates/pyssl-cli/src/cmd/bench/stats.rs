//! Summaries of repeated measurements: each side's median, min and max, and the pyssl/raw
//! ratio as the median of per-pair ratios with a 95 % confidence interval.

/// The summary of one side's rounds of one case.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Median of the rounds (mean of the two middle values for an even count).
    pub median: f64,
    /// Smallest round.
    pub min: f64,
    /// Largest round.
    pub max: f64,
    /// Number of rounds summarised.
    pub rounds: usize,
}

/// Summarises `samples`; `None` when there are none or any is not finite.
pub fn summarize(samples: &[f64]) -> Option<Summary> {
    if samples.is_empty() || samples.iter().any(|s| !s.is_finite()) {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    Some(Summary {
        median,
        min: sorted[0],
        max: sorted[n - 1],
        rounds: n,
    })
}

/// The pyssl/raw comparison of one case, from its paired rounds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paired {
    /// Median of the per-pair ratios `pyssl[i] / raw[i]` (geometric mean of the middle two
    /// for an even count, so `raw/pyssl` would give exactly the reciprocal).
    pub ratio: f64,
    /// Lower end of the distribution-free ~95 % confidence interval of that median.
    pub lo: f64,
    /// Upper end of it.
    pub hi: f64,
}

/// Compares rounds measured in adjacent pairs: `pyssl[i]` and `raw[i]` ran back to back, so
/// their ratio cancels whatever the machine did on a time scale longer than a round. The
/// interval is the order statistics `x(j)`, `x(n+1-j)` of the `n` sorted per-pair ratios with
/// `j = floor((n+1)/2 - 0.98 sqrt(n))` (at least 1): the normal approximation of the binomial
/// sign-test interval. `None` without pairs, or when any figure is not finite and positive.
pub fn paired(pyssl: &[f64], raw: &[f64]) -> Option<Paired> {
    let mut x = Vec::with_capacity(pyssl.len());
    for (p, r) in pyssl.iter().zip(raw) {
        let q = p / r;
        if !(q.is_finite() && q > 0.0 && *p > 0.0) {
            return None;
        }
        x.push(q);
    }
    x.sort_by(f64::total_cmp);
    let n = x.len();
    if n == 0 {
        return None;
    }
    let j = (((n + 1) as f64 / 2.0 - 0.98 * (n as f64).sqrt()).floor() as usize).max(1);
    Some(Paired {
        ratio: (x[(n - 1) / 2] * x[n / 2]).sqrt(),
        lo: x[j - 1],
        hi: x[n - j],
    })
}

/// How many iterations make one batch last about `target` seconds, given that `probe_iters`
/// took `probe_secs`. At least 1, at most `cap`.
pub fn batch_size(probe_iters: u64, probe_secs: f64, target: f64, cap: u64) -> u64 {
    if probe_secs <= 0.0 || !probe_secs.is_finite() {
        return cap.max(1);
    }
    let per_iter = probe_secs / probe_iters.max(1) as f64;
    let n = (target / per_iter).round();
    if n.is_nan() || n < 1.0 {
        1
    } else if n >= cap as f64 {
        cap.max(1)
    } else {
        n as u64
    }
}

/// Rounds a figure for display: 3 significant digits, never scientific notation.
pub fn display(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_count_is_middle_value() {
        let s = summarize(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!(s.median, 3.0);
        assert_eq!((s.min, s.max, s.rounds), (1.0, 5.0, 3));
    }

    #[test]
    fn median_of_even_count_is_mean_of_middle_pair() {
        let s = summarize(&[4.0, 1.0, 3.0, 10.0]).unwrap();
        assert_eq!(s.median, 3.5);
        assert_eq!((s.min, s.max), (1.0, 10.0));
    }

    #[test]
    fn empty_or_non_finite_samples_have_no_summary() {
        assert_eq!(summarize(&[]), None);
        assert_eq!(summarize(&[1.0, f64::NAN]), None);
        assert_eq!(summarize(&[f64::INFINITY]), None);
    }

    #[test]
    fn paired_ratio_is_median_of_per_pair_ratios() {
        // Per-pair ratios 0.9, 1.0, 0.8, 0.95, 2.0: median 0.95 although the sides' own
        // medians (100 and 100) would say 1.0 — drift between pairs cancels, the outlier
        // pair moves nothing.
        let p = [90.0, 200.0, 40.0, 95.0, 200.0];
        let r = [100.0, 200.0, 50.0, 100.0, 100.0];
        let s = paired(&p, &r).unwrap();
        assert!((s.ratio - 0.95).abs() < 1e-12, "{s:?}");
        // n = 5: j = floor(3 - 2.19) = 0 -> 1, the interval is min..max.
        assert!((s.lo - 0.8).abs() < 1e-12 && (s.hi - 2.0).abs() < 1e-12);
        // Swapping the sides gives exactly the reciprocal, also for an even count.
        let (p4, r4) = (&p[..4], &r[..4]);
        let (a, b) = (paired(p4, r4).unwrap(), paired(r4, p4).unwrap());
        assert!((a.ratio * b.ratio - 1.0).abs() < 1e-12);
        assert!((a.ratio - (0.9_f64 * 0.95).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn paired_interval_narrows_with_more_pairs() {
        // Ratios 0.50, 0.51, …, 1.50 (101 pairs): median 1.0; j = floor(51 - 9.85) = 41.
        let p: Vec<f64> = (0..101).map(|i| 50.0 + i as f64).collect();
        let r = vec![100.0; 101];
        let s = paired(&p, &r).unwrap();
        assert!((s.ratio - 1.0).abs() < 1e-12);
        assert!(
            (s.lo - 0.90).abs() < 1e-12 && (s.hi - 1.10).abs() < 1e-12,
            "{s:?}"
        );
    }

    #[test]
    fn paired_needs_positive_finite_pairs() {
        assert_eq!(paired(&[], &[]), None);
        assert_eq!(paired(&[1.0], &[0.0]), None);
        assert_eq!(paired(&[0.0], &[1.0]), None);
        assert_eq!(paired(&[f64::NAN], &[1.0]), None);
        // Unpaired leftovers (a side that failed mid-run) are ignored by zip.
        assert_eq!(paired(&[2.0, 5.0], &[1.0]).unwrap().ratio, 2.0);
    }

    #[test]
    fn batch_size_scales_probe_to_target() {
        // 10 iterations took 0.01 s -> 1 ms each -> 200 for a 0.2 s batch.
        assert_eq!(batch_size(10, 0.01, 0.2, 1_000_000), 200);
        assert_eq!(batch_size(1, 10.0, 0.2, 100), 1);
        assert_eq!(batch_size(1, 1e-9, 0.2, 500), 500);
        assert_eq!(batch_size(1, 0.0, 0.2, 7), 7);
    }

    #[test]
    fn display_keeps_three_significant_digits() {
        assert_eq!(display(2034.4), "2034");
        assert_eq!(display(12.345), "12.3");
        assert_eq!(display(0.9712), "0.971");
        assert_eq!(display(1.5), "1.50");
    }
}
