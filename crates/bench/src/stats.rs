//! Pure helpers for the bench: medians and ranges, growth, peak overlap, and how numbers are written.

use serde::Serialize;

/// The median and the range of a few repeated measurements.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
}

impl Summary {
    /// Summarises `values`; `None` when there is nothing to summarise.
    pub fn of(values: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        // An even count has two middle values: their mean is the usual median.
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Summary {
            median,
            min: sorted[0],
            max: sorted[n - 1],
            runs: n,
        })
    }

    /// The same summary with every value passed through `f` (which must keep the order).
    pub fn map(self, f: impl Fn(f64) -> f64) -> Summary {
        Summary {
            median: f(self.median),
            min: f(self.min),
            max: f(self.max),
            runs: self.runs,
        }
    }
}

/// How each cost compares with the first (smallest N) one: 1.0 means "scales perfectly".
///
/// A first cost of zero or less gives no meaningful ratio, so every entry is then `None`.
pub fn growth(costs: &[f64]) -> Vec<Option<f64>> {
    match costs.first() {
        Some(&first) if first > 0.0 => costs.iter().map(|c| Some(c / first)).collect(),
        _ => costs.iter().map(|_| None).collect(),
    }
}

/// The largest number of `(start, end)` intervals that overlap at one instant.
///
/// An interval that ends exactly when another starts does not overlap it.
pub fn peak_overlap(intervals: &[(u64, u64)]) -> usize {
    let mut events: Vec<(u64, i8)> = Vec::with_capacity(intervals.len() * 2);
    for &(start, end) in intervals {
        events.push((start, 1));
        events.push((end.max(start), -1));
    }
    // Ends sort before starts at the same instant (-1 < 1).
    events.sort_unstable();
    let (mut alive, mut peak) = (0i64, 0i64);
    for (_, delta) in events {
        alive += i64::from(delta);
        peak = peak.max(alive);
    }
    peak as usize
}

/// A duration in seconds, written in s, ms, µs or ns, whichever keeps three significant figures readable.
pub fn fmt_secs(secs: f64) -> String {
    let abs = secs.abs();
    if abs >= 1.0 {
        format!("{secs:.2} s")
    } else if abs >= 1e-3 {
        format!("{:.1} ms", secs * 1e3)
    } else if abs >= 1e-6 {
        format!("{:.1} µs", secs * 1e6)
    } else {
        format!("{:.0} ns", secs * 1e9)
    }
}

/// A median with its range, e.g. `102.3 ms (101.9–104.0)`: the range drops the suffix when it
/// is the median's.
pub fn fmt_summary(summary: &Summary, fmt: impl Fn(f64) -> String) -> String {
    let median = fmt(summary.median);
    if summary.runs < 2 || summary.min == summary.max {
        return median;
    }
    let (min, max) = (fmt(summary.min), fmt(summary.max));
    let suffix = median.rsplit_once(' ').map(|(_, suffix)| suffix);
    let strip = |value: &str| -> String {
        match (value.rsplit_once(' '), suffix) {
            (Some((number, s)), Some(suffix)) if s == suffix => number.to_string(),
            _ => value.to_string(),
        }
    };
    format!("{median} ({}–{})", strip(&min), strip(&max))
}

/// A size in bytes, with a binary prefix (KiB, MiB, GiB).
pub fn fmt_bytes(bytes: f64) -> String {
    const PREFIXED: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes.abs() < 1024.0 {
        return format!("{bytes:.0} B");
    }
    let mut value = bytes / 1024.0;
    let mut power = 0;
    while value.abs() >= 1024.0 && power < PREFIXED.len() - 1 {
        value /= 1024.0;
        power += 1;
    }
    if value.abs() >= 100.0 {
        format!("{value:.0} {}", PREFIXED[power])
    } else {
        format!("{value:.1} {}", PREFIXED[power])
    }
}

/// A count with thousands separators: 1000000 becomes `1,000,000`.
pub fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let groups: Vec<&str> = digits
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|group| std::str::from_utf8(group).expect("digits are ASCII"))
        .collect();
    groups.join(",")
}

/// A ratio such as a speedup or a growth factor: `1.93×`.
pub fn fmt_ratio(ratio: f64) -> String {
    if ratio >= 100.0 {
        format!("{ratio:.0}×")
    } else if ratio >= 10.0 {
        format!("{ratio:.1}×")
    } else {
        format!("{ratio:.2}×")
    }
}

/// A Markdown table whose columns line up in plain text too.
pub fn markdown_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..headers.len())
        .map(|col| {
            rows.iter()
                .filter_map(|row| row.get(col))
                .map(|cell| cell.chars().count())
                .chain([headers[col].chars().count(), 3])
                .max()
                .unwrap_or(3)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, &width)| format!("{cell:<width$}"))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(headers.to_vec());
    out.push_str(&line(widths.iter().map(|_| "").collect()).replace(' ', "-"));
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let odd = Summary::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((odd.median, odd.min, odd.max, odd.runs), (2.0, 1.0, 3.0, 3));
        let even = Summary::of(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!((even.median, even.min, even.max), (2.5, 1.0, 4.0));
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(Summary::of(&[f64::NAN]), None);
    }

    #[test]
    fn map_applies_to_every_value() {
        let s = Summary::of(&[1.0, 2.0, 3.0]).unwrap().map(|v| v * 10.0);
        assert_eq!((s.median, s.min, s.max, s.runs), (20.0, 10.0, 30.0, 3));
    }

    #[test]
    fn growth_is_relative_to_the_first_cost() {
        assert_eq!(
            growth(&[2.0, 4.0, 1.0]),
            vec![Some(1.0), Some(2.0), Some(0.5)]
        );
        assert_eq!(growth(&[0.0, 1.0]), vec![None, None]);
        assert!(growth(&[]).is_empty());
    }

    #[test]
    fn overlap_counts_intervals_alive_together() {
        assert_eq!(peak_overlap(&[]), 0);
        assert_eq!(peak_overlap(&[(0, 10), (5, 15), (20, 30)]), 2);
        // Touching intervals do not overlap.
        assert_eq!(peak_overlap(&[(0, 10), (10, 20)]), 1);
        assert_eq!(peak_overlap(&[(0, 100), (1, 2), (3, 4), (1, 50)]), 3);
    }

    #[test]
    fn durations_pick_a_readable_suffix() {
        assert_eq!(fmt_secs(1.5), "1.50 s");
        assert_eq!(fmt_secs(0.1023), "102.3 ms");
        assert_eq!(fmt_secs(0.0000123), "12.3 µs");
        assert_eq!(fmt_secs(0.00000085), "850 ns");
    }

    #[test]
    fn summaries_show_the_range_only_when_there_is_one() {
        let one = Summary::of(&[0.1]).unwrap();
        assert_eq!(fmt_summary(&one, fmt_secs), "100.0 ms");
        let many = Summary::of(&[0.1, 0.2, 0.3]).unwrap();
        assert_eq!(fmt_summary(&many, fmt_secs), "200.0 ms (100.0–300.0)");
        let mixed = Summary::of(&[0.9, 1.0, 1.1]).unwrap();
        assert_eq!(fmt_summary(&mixed, fmt_secs), "1.00 s (900.0 ms–1.10)");
        let counts = Summary::of(&[3.0, 4.0]).unwrap();
        assert_eq!(fmt_summary(&counts, |v| format!("{v}")), "3.5 (3–4)");
    }

    #[test]
    fn sizes_use_binary_prefixes() {
        assert_eq!(fmt_bytes(512.0), "512 B");
        assert_eq!(fmt_bytes(1536.0), "1.5 KiB");
        assert_eq!(fmt_bytes(300.0 * 1024.0 * 1024.0), "300 MiB");
        assert_eq!(fmt_bytes(2.5 * 1024.0 * 1024.0 * 1024.0), "2.5 GiB");
    }

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(fmt_count(0), "0");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(1000), "1,000");
        assert_eq!(fmt_count(1_000_000), "1,000,000");
    }

    #[test]
    fn ratios_keep_three_figures() {
        assert_eq!(fmt_ratio(1.934), "1.93×");
        assert_eq!(fmt_ratio(12.34), "12.3×");
        assert_eq!(fmt_ratio(123.4), "123×");
    }

    #[test]
    fn tables_line_up() {
        let table = markdown_table(&["a", "long header"], &[vec!["1".into(), "2".into()]]);
        assert_eq!(
            table,
            "| a   | long header |\n|-----|-------------|\n| 1   | 2           |\n"
        );
    }
}
