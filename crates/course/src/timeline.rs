//! Draws a run as a terminal timeline: one row per worker or task, bars over a time axis in units.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::judge::fmt_units;
use crate::runner::Run;
use crate::spec::Case;

/// The picture of `run`: spans when the case names some (`overlap` or `span` rules), else a row
/// of marks per line kind. Sequential code shows as a staircase, concurrent code as stacked bars.
pub fn render(case: &Case, run: &Run, width: usize) -> String {
    let width = width.max(20);
    let lines: Vec<(f64, &str)> = run
        .stdout_lines()
        .map(|l| (case.units(l.at), l.text.as_str()))
        .collect();
    let end = lines
        .iter()
        .map(|l| l.0)
        .fold(case.units(run.wall), f64::max)
        .max(0.1);
    let col = |t: f64| (((t / end) * (width - 1) as f64).round() as usize).min(width - 1);
    let mut rows: Vec<(String, Vec<char>)> = Vec::new();
    let span_rule = case.rules.iter().find_map(|r| r.rule.rule.spans());
    if let Some((from, to, key)) = span_rule {
        let (from_kind, to_kind) = (case.kind(from), case.kind(to));
        let mut spans: BTreeMap<String, (f64, Option<f64>)> = BTreeMap::new();
        for &(t, text) in &lines {
            if let Some(k) = from_kind.matcher.capture(text, key) {
                spans.entry(k).or_insert((t, None));
            }
            if let Some(k) = to_kind.matcher.capture(text, key)
                && let Some(span) = spans.get_mut(&k)
                && span.1.is_none()
            {
                span.1 = Some(t);
            }
        }
        let mut ordered: Vec<_> = spans.into_iter().collect();
        ordered.sort_by(|a, b| a.1.0.total_cmp(&b.1.0));
        for (k, (start, stop)) in ordered {
            let mut bar = vec![' '; width];
            let last = stop.map_or(width - 1, col);
            for cell in &mut bar[col(start)..=last.max(col(start))] {
                *cell = '█';
            }
            if stop.is_none() {
                bar[width - 1] = '…';
            }
            rows.push((format!("{key}={k}"), bar));
        }
    } else {
        for kind in &case.kinds {
            let mut bar = vec!['·'; width];
            for &(t, text) in &lines {
                if kind.matcher.is_match(text) {
                    bar[col(t)] = '●';
                }
            }
            rows.push((kind.name.clone(), bar));
        }
    }
    let label_width = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let mut out = String::new();
    let axis_end = format!("{} units", fmt_units(end));
    let _ = writeln!(
        out,
        "{:>label_width$}  0{}{axis_end}",
        "time",
        " ".repeat(width.saturating_sub(1 + axis_end.len()))
    );
    for (label, bar) in rows {
        let _ = writeln!(
            out,
            "{label:>label_width$} │{}",
            bar.into_iter().collect::<String>()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::{Ending, fake_run};
    use crate::spec::Spec;
    use std::path::Path;

    fn run(lines: &[(f64, &str)]) -> Run {
        fake_run(lines, Ending::Exited(0))
    }

    fn case() -> Case {
        let source = r#"
[[case]]
name = "default"
[case.lines]
start = { regex = '^W(?<id>\d) s$' }
finish = { regex = '^W(?<id>\d) f$' }
[[case.expect]]
overlap = { from = "start", to = "finish", key = "id", at_least = 2 }
"#;
        Spec::parse(Path::new("expect.toml"), source)
            .unwrap()
            .cases
            .remove(0)
    }

    #[test]
    fn concurrent_spans_stack_and_sequential_ones_make_a_staircase() {
        let together = render(
            &case(),
            &run(&[(0.0, "W0 s"), (0.0, "W1 s"), (2.0, "W0 f"), (2.0, "W1 f")]),
            20,
        );
        let rows: Vec<&str> = together.lines().skip(1).collect();
        assert_eq!(
            rows,
            ["id=0 │████████████████████", "id=1 │████████████████████"]
        );
        let stairs = render(
            &case(),
            &run(&[(0.0, "W0 s"), (2.0, "W0 f"), (2.0, "W1 s"), (4.0, "W1 f")]),
            21,
        );
        let rows: Vec<&str> = stairs.lines().skip(1).collect();
        assert_eq!(rows[0], "id=0 │███████████          ");
        assert_eq!(rows[1], "id=1 │          ███████████");
    }
}
