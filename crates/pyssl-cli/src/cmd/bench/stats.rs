//! Summaries of repeated measurements: median, min and max, and the pyssl/raw ratio.

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

/// `pyssl / raw` of the medians; `None` when either is missing or raw is zero.
pub fn ratio(pyssl: Option<&Summary>, raw: Option<&Summary>) -> Option<f64> {
    let (p, r) = (pyssl?, raw?);
    (r.median != 0.0).then(|| p.median / r.median)
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
    fn ratio_is_pyssl_over_raw_median() {
        let p = summarize(&[90.0]).unwrap();
        let r = summarize(&[100.0]).unwrap();
        assert_eq!(ratio(Some(&p), Some(&r)), Some(0.9));
        assert_eq!(ratio(None, Some(&r)), None);
        let zero = summarize(&[0.0]).unwrap();
        assert_eq!(ratio(Some(&p), Some(&zero)), None);
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
