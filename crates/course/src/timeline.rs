//! Draws a run as a terminal timeline: one row per worker or task, bars over a time axis in units.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::judge::fmt_units;
use crate::runner::Run;
use crate::spec::Case;

/// What a timeline shows, before it is drawn: rows over a time axis from 0 to `end` units.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub end: f64,
    pub rows: Vec<Row>,
}

/// One worker or task (a span from its start to its finish) or one kind of line (its marks).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    pub marks: Marks,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Marks {
    /// From `start` to `stop` units; no stop means it never finished.
    Span { start: f64, stop: Option<f64> },
    /// The times of each line of this kind.
    Points(Vec<f64>),
}

/// The rows of `run`: spans when the case names some (`overlap` or `span` rules), else a row
/// of marks per line kind.
pub fn picture(case: &Case, run: &Run) -> Picture {
    let lines: Vec<(f64, &str)> = run
        .stdout_lines()
        .map(|l| (case.units(l.at), l.text.as_str()))
        .collect();
    let end = lines
        .iter()
        .map(|l| l.0)
        .fold(case.units(run.wall), f64::max)
        .max(0.1);
    let mut rows = Vec::new();
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
            rows.push(Row {
                label: format!("{key}={k}"),
                marks: Marks::Span { start, stop },
            });
        }
    } else {
        for kind in &case.kinds {
            let points = lines
                .iter()
                .filter(|(_, text)| kind.matcher.is_match(text))
                .map(|&(t, _)| t)
                .collect();
            rows.push(Row {
                label: kind.name.clone(),
                marks: Marks::Points(points),
            });
        }
    }
    Picture { end, rows }
}

/// The picture of `run` for a terminal, `width` columns of bars. Sequential code shows as a
/// staircase, concurrent code as stacked bars.
pub fn render(case: &Case, run: &Run, width: usize) -> String {
    draw(&picture(case, run), width, None)
}

/// Draws `picture` with its axis running to `end` units (its own end when `None`), so several
/// runs can share one time scale.
pub fn draw(picture: &Picture, width: usize, end: Option<f64>) -> String {
    let width = width.max(20);
    let end = end.unwrap_or(picture.end).max(0.1);
    let col = |t: f64| (((t / end) * (width - 1) as f64).round() as usize).min(width - 1);
    let mut rows: Vec<(String, Vec<char>)> = Vec::new();
    for row in &picture.rows {
        let bar = match &row.marks {
            Marks::Span { start, stop } => {
                let mut bar = vec![' '; width];
                let last = stop.map_or(width - 1, col);
                for cell in &mut bar[col(*start)..=last.max(col(*start))] {
                    *cell = '█';
                }
                if stop.is_none() {
                    bar[width - 1] = '…';
                }
                bar
            }
            Marks::Points(points) => {
                let mut bar = vec!['·'; width];
                for &t in points {
                    bar[col(t)] = '●';
                }
                bar
            }
        };
        rows.push((row.label.clone(), bar));
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

/// The pictures as one SVG image: a titled block per picture, one row per worker, all on
/// one time axis from 0 to `end` units (`scale` seconds each), like the terminal picture.
///
/// Written as text by hand: a plotting crate (plotters, for the bench) would put its whole
/// stack under xtask's everyday commands for a few rectangles and lines.
pub fn svg(pictures: &[(String, Picture)], end: f64, scale: f64) -> String {
    const ROW: f64 = 22.0;
    const LABEL: f64 = 110.0;
    const PLOT: f64 = 600.0;
    const TITLE: f64 = 26.0;
    let end = end.max(0.1);
    let x = |t: f64| LABEL + (t / end).clamp(0.0, 1.0) * PLOT;
    let rows: usize = pictures.iter().map(|(_, p)| p.rows.len()).sum();
    let height = 40.0 + pictures.len() as f64 * (TITLE + 8.0) + rows as f64 * ROW;
    let width = LABEL + PLOT + 30.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="monospace" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let mut y = 10.0;
    for (title, picture) in pictures {
        let _ = writeln!(
            out,
            r#"<text x="4" y="{}" font-weight="bold">{}</text>"#,
            y + 16.0,
            escape(title)
        );
        y += TITLE;
        for row in &picture.rows {
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                LABEL - 6.0,
                y + 15.0,
                escape(&row.label)
            );
            match &row.marks {
                Marks::Span { start, stop } => {
                    let (x0, x1) = (x(*start), x(stop.unwrap_or(end)));
                    let colour = if stop.is_some() { "#4878d0" } else { "#d65f5f" };
                    let _ = writeln!(
                        out,
                        r##"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"><title>{} from {start:.2} to {} units</title></rect>"##,
                        y + 4.0,
                        (x1 - x0).max(1.5),
                        ROW - 8.0,
                        escape(&row.label),
                        stop.map_or_else(
                            || "the end (never finished)".to_owned(),
                            |s| format!("{s:.2}")
                        )
                    );
                }
                Marks::Points(points) => {
                    for &t in points {
                        let _ = writeln!(
                            out,
                            r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#4878d0"><title>{t:.2} units</title></circle>"##,
                            x(t),
                            y + ROW / 2.0
                        );
                    }
                }
            }
            y += ROW;
        }
        y += 8.0;
    }
    // The axis: 0, the end, and a tick per whole unit when there are few enough to read.
    let _ = writeln!(
        out,
        r##"<line x1="{LABEL}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#333"/>"##,
        LABEL + PLOT
    );
    let step = if end <= 12.0 {
        1.0
    } else {
        (end / 10.0).ceil()
    };
    let mut t = 0.0;
    while t <= end + 1e-9 {
        let _ = writeln!(
            out,
            r##"<line x1="{0:.1}" y1="{y:.1}" x2="{0:.1}" y2="{1:.1}" stroke="#333"/><text x="{0:.1}" y="{2:.1}" text-anchor="middle">{3}</text>"##,
            x(t),
            y + 4.0,
            y + 16.0,
            fmt_units(t)
        );
        t += step;
    }
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="end">time in units (1 unit = {scale} s); run ended at {} units</text>"#,
        LABEL + PLOT,
        y + 30.0,
        fmt_units(end)
    );
    out.push_str("</svg>\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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

    #[test]
    fn a_shared_end_puts_two_runs_on_one_scale() {
        let short = picture(&case(), &run(&[(0.0, "W0 s"), (2.0, "W0 f")]));
        let drawn = draw(&short, 21, Some(4.0));
        assert!(drawn.starts_with("time  0"), "{drawn}");
        assert!(drawn.contains("4.0 units"), "{drawn}");
        assert_eq!(drawn.lines().nth(1).unwrap(), "id=0 │███████████          ");
    }

    #[test]
    fn the_svg_has_a_bar_per_worker_on_the_same_axis() {
        let p = picture(
            &case(),
            &run(&[(0.0, "W0 s"), (0.0, "W1 s"), (2.0, "W0 f"), (4.0, "W1 f")]),
        );
        let svg = svg(&[("Rust <lesson>".into(), p)], 4.0, 0.1);
        assert!(svg.starts_with("<svg xmlns="), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<rect x=").count(), 2, "{svg}");
        assert!(svg.contains("Rust &lt;lesson&gt;"));
        // Worker 0 runs half of the axis, worker 1 all of it: 300 and 600 pixels wide.
        assert!(svg.contains(r#"x="110.0" y="40.0" width="300.0""#), "{svg}");
        assert!(svg.contains(r#"x="110.0" y="62.0" width="600.0""#), "{svg}");
        assert!(svg.contains(">4.0</text>"));
    }
}
