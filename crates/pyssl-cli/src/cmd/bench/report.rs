//! Output: a human table, or the `--json` array (one object per case).

use super::runner::{Outcome, SideResult};
use super::stats::display;
use serde_json::{json, Value};

/// The JSON array: `case`, `unit`, `pyssl`, `raw` (each side's median), `ratio` (median of the
/// per-pair pyssl/raw ratios; null when a side has no figure), plus `ratio_lo`/`ratio_hi` (its
/// ~95 % confidence interval), min/max per side, `rounds` (pairs) and a `note` saying why a
/// figure is missing.
pub fn json(outcomes: &[Outcome]) -> Value {
    Value::Array(outcomes.iter().map(object).collect())
}

fn object(o: &Outcome) -> Value {
    let p = o.pyssl.as_ref().ok();
    let r = o.raw.as_ref().ok();
    let c = o.paired.as_ref();
    let mut v = json!({
        "case": o.case.name,
        "unit": o.case.unit,
        "pyssl": p.map(|s| s.median),
        "raw": r.map(|s| s.median),
        "ratio": c.map(|c| c.ratio),
        "ratio_lo": c.map(|c| c.lo),
        "ratio_hi": c.map(|c| c.hi),
        "pyssl_min": p.map(|s| s.min),
        "pyssl_max": p.map(|s| s.max),
        "raw_min": r.map(|s| s.min),
        "raw_max": r.map(|s| s.max),
        "rounds": p.or(r).map(|s| s.rounds),
    });
    let notes: Vec<String> = [("pyssl", &o.pyssl), ("raw", &o.raw)]
        .into_iter()
        .filter_map(|(side, res)| res.as_ref().err().map(|e| format!("{side}: {e}")))
        .collect();
    if !notes.is_empty() {
        v["note"] = Value::String(notes.join("; "));
    }
    v
}

/// The human table.
pub fn table(outcomes: &[Outcome], header: &str) -> String {
    let mut rows = vec![[
        "case".to_string(),
        "unit".to_string(),
        "pyssl median (min-max)".to_string(),
        "raw rustls median (min-max)".to_string(),
        "pyssl/raw (95% CI)".to_string(),
    ]];
    let mut notes = Vec::new();
    for o in outcomes {
        let ratio = o
            .paired
            .map(|c| format!("{:.3} ({:.3}-{:.3})", c.ratio, c.lo, c.hi))
            .unwrap_or_else(|| "-".into());
        rows.push([
            o.case.name.to_string(),
            o.case.unit.to_string(),
            cell(&o.pyssl),
            cell(&o.raw),
            ratio,
        ]);
        for (side, res) in [("pyssl", &o.pyssl), ("raw", &o.raw)] {
            if let Err(e) = res {
                notes.push(format!("  {} ({side}): {e}", o.case.name));
            }
        }
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = format!("{header}\n\n");
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i < 2 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    if !notes.is_empty() {
        out.push_str("\nnot measured:\n");
        for n in notes {
            out.push_str(&n);
            out.push('\n');
        }
    }
    out
}

fn cell(r: &SideResult) -> String {
    match r {
        Ok(s) => format!(
            "{} ({}-{})",
            display(s.median),
            display(s.min),
            display(s.max)
        ),
        Err(_) => "n/a".into(),
    }
}
