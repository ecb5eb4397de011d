//! The report's tables and the process : thread : task ratios, each made from [`crate::rows`].

use super::plot;
use crate::rows::{CpuRow, Family, LessonRow, Results, TearRow, WorkerRow};
use crate::stats::{
    Summary, fmt_bytes, fmt_count, fmt_ratio, fmt_secs, fmt_summary, markdown_table,
};
use std::fmt::Write;

/// The plot's file name, beside report.md.
pub const PLOT: &str = "cost-per-worker.svg";
pub const PLOT_TITLE: &str = "Cost of one worker (thread, process or task) beyond its 100 ms sleep";

pub fn lang(python: bool) -> &'static str {
    if python { "Python" } else { "Rust" }
}

/// The worker-cost table, one row per kind and N.
pub fn workers_table(rows: &[WorkerRow]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut memory = fmt_bytes(row.memory.rss as f64);
            let mut pss = "";
            if let Some(bytes) = row.memory.pss.filter(|_| row.family == Family::Processes) {
                write!(memory, " (PSS {})", fmt_bytes(bytes as f64)).unwrap();
                pss = " PSS";
            }
            vec![
                format!("{} {}", lang(row.python), row.kind),
                fmt_count(row.n),
                fmt_summary(&row.wall, fmt_secs),
                fmt_summary(&row.per_worker, fmt_secs),
                row.growth.map_or("–".into(), fmt_ratio),
                fmt_summary(&row.peak_alive, |v| fmt_count(v.round() as u64)),
                memory,
                fmt_bytes(row.bytes_per_worker()) + pss,
                fmt_bytes(row.bytes_per_alive()) + pss,
            ]
        })
        .collect();
    markdown_table(
        &[
            "kind",
            "N",
            "wall: median (min–max)",
            "per worker beyond the sleep",
            "growth",
            "peak alive",
            "peak memory (tree, RSS sum)",
            "above N = 0, ÷ N",
            "÷ peak alive",
        ],
        &body,
    )
}

/// The CPU-bound table, one row per method and thread count.
pub fn cpu_table(rows: &[CpuRow]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            vec![
                row.method.clone(),
                row.k.to_string(),
                fmt_count(row.work),
                fmt_summary(&row.wall, fmt_secs),
                fmt_ratio(row.speedup),
                format!("{:.0} %", row.efficiency * 100.0),
            ]
        })
        .collect();
    markdown_table(
        &[
            "method",
            "threads or processes",
            "work (i * i summed)",
            "wall: median (min–max)",
            "speedup (best runs)",
            "efficiency",
        ],
        &body,
    )
}

/// The translations beside their originals.
pub fn lessons_table(rows: &[LessonRow], scale: f64, floor: Option<&Summary>) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let python = row.python.map(|p| fmt_summary(&p, fmt_secs));
            let python_overhead = row.python_overhead().map(|p| fmt_summary(&p, fmt_secs));
            let ratio = row
                .python_overhead()
                .map(|p| p.median / row.rust_overhead().median.max(1e-4));
            vec![
                row.package.clone(),
                fmt_secs(row.ideal),
                fmt_summary(&row.rust, fmt_secs),
                fmt_summary(&row.rust_overhead(), fmt_secs),
                python.unwrap_or_else(|| "–".into()),
                python_overhead.unwrap_or_else(|| "–".into()),
                ratio.map_or("–".into(), fmt_ratio),
            ]
        })
        .collect();
    let mut out = format!("At LESSON_TIME_SCALE={scale}, spawn to exit");
    if let Some(floor) = floor {
        write!(
            out,
            " (starting and reaping `true` alone takes {}, on both sides)",
            fmt_summary(floor, fmt_secs)
        )
        .unwrap();
    }
    out += ":\n\n";
    out += &markdown_table(
        &[
            "lesson",
            "ideal (sum of sleeps)",
            "Rust wall",
            "Rust overhead",
            "Python wall",
            "Python overhead",
            "overhead ratio",
        ],
        &body,
    );
    out
}

/// How often lines tore.
pub fn tearing_table(rows: &[TearRow]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let example = row
                .example
                .iter()
                .map(|line| match line.as_str() {
                    "" => "(an empty line)".to_string(),
                    line => format!("`{}`", line.replace('`', "'")),
                })
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                format!(
                    "{} lesson-multithreading{}",
                    lang(row.python),
                    if row.python { " (original.py)" } else { "" }
                ),
                format!("{} of {}", row.torn, row.runs),
                if example.is_empty() {
                    "–".into()
                } else {
                    example
                },
            ]
        })
        .collect();
    markdown_table(
        &[
            "program, stdout piped",
            "runs with a torn line",
            "first torn lines",
        ],
        &body,
    )
}

/// For each family (process, thread, task), the row nearest N = 1,000 on a log scale.
pub fn at_thousand(rows: &[WorkerRow], python: bool) -> Option<[&WorkerRow; 3]> {
    let pick = |family: Family| {
        rows.iter()
            .filter(|r| r.python == python && r.family == family)
            .min_by(|a, b| {
                let distance = |r: &WorkerRow| ((r.n as f64).ln() - 1000f64.ln()).abs();
                distance(a).total_cmp(&distance(b))
            })
    };
    Some([
        pick(Family::Processes)?,
        pick(Family::Threads)?,
        pick(Family::Tasks)?,
    ])
}

/// For each family (process, thread, task), the row with the largest N: the most memory
/// above the baseline, so the least page-sized noise per worker.
pub fn largest(rows: &[WorkerRow], python: bool) -> Option<[&WorkerRow; 3]> {
    let pick = |family: Family| {
        rows.iter()
            .filter(|r| r.python == python && r.family == family)
            .max_by_key(|r| r.n)
    };
    Some([
        pick(Family::Processes)?,
        pick(Family::Threads)?,
        pick(Family::Tasks)?,
    ])
}

/// `a : b : c` scaled so the smallest is 1.
pub fn ratio_line(values: [f64; 3]) -> String {
    let smallest = values.iter().copied().fold(f64::INFINITY, f64::min);
    if !smallest.is_finite() || smallest <= 0.0 {
        return "–".into();
    }
    values
        .map(|v| {
            let r = v / smallest;
            if r >= 10.0 {
                format!("{r:.0}")
            } else {
                format!("{r:.1}")
            }
        })
        .join(" : ")
}

/// The process : thread : task ratios of time and memory, for Rust and (if run) Python.
///
/// Time compares N near 1,000. Memory compares each kind's largest N, per worker that holds
/// memory at the peak: every alive process (an ended one gives its memory back), but every
/// thread or task started (each keeps its stack or cell until it is joined, in order).
pub fn ratios(rows: &[WorkerRow]) -> String {
    let mut out = String::new();
    for python in [false, true] {
        let (Some(time), Some(memory)) = (at_thousand(rows, python), largest(rows, python)) else {
            continue;
        };
        let cost = time.map(|r| r.per_worker.median);
        let bytes = [
            memory[0].bytes_per_alive(),
            memory[1].bytes_per_worker(),
            memory[2].bytes_per_worker(),
        ];
        let [p, t, k] = time.map(|r| fmt_count(r.n));
        let [mp, mt, mk] = memory.map(|r| fmt_count(r.n));
        writeln!(
            out,
            "{lang} process : thread : task\n  time per worker   {} : {} : {} = {}   (N = {p} : {t} : {k})\n  memory per worker {} : {} : {} = {}   (N = {mp} : {mt} : {mk})",
            fmt_secs(cost[0]),
            fmt_secs(cost[1]),
            fmt_secs(cost[2]),
            ratio_line(cost),
            fmt_bytes(bytes[0]),
            fmt_bytes(bytes[1]),
            fmt_bytes(bytes[2]),
            ratio_line(bytes),
            lang = lang(python),
        )
        .unwrap();
    }
    out
}

pub fn row(rows: &[WorkerRow], python: bool, family: Family, n: u64) -> Option<&WorkerRow> {
    rows.iter()
        .find(|r| r.python == python && r.family == family && r.n == n)
}

/// The last (most threads) CPU row of `method`.
pub fn cpu_at_most<'r>(results: &'r Results, method: &str) -> Option<&'r CpuRow> {
    results.cpu.iter().rfind(|r| r.method == method)
}

/// The largest relative spread (max over min, less one) of the Rust CPU-bound rows.
pub fn cpu_spread(results: &Results) -> Option<f64> {
    results
        .cpu
        .iter()
        .filter(|r| !r.python && r.wall.min > 0.0)
        .map(|r| r.wall.max / r.wall.min - 1.0)
        .max_by(f64::total_cmp)
}

/// A plain ratio for prose: `810`, `29`, `2.4`.
pub fn ratio_number(ratio: f64) -> String {
    if !ratio.is_finite() {
        "–".into()
    } else if ratio >= 10.0 {
        format!("{ratio:.0}")
    } else {
        format!("{ratio:.1}")
    }
}

/// The plot's lines: one per kind, Python dashed.
pub fn plot_lines(rows: &[WorkerRow]) -> Vec<plot::Line> {
    let mut lines: Vec<plot::Line> = Vec::new();
    for row in rows {
        let label = format!("{} {}", lang(row.python), row.kind);
        let point = (row.n as f64, row.per_worker.median);
        match lines.iter_mut().find(|l| l.label == label) {
            Some(line) => line.points.push(point),
            None => lines.push(plot::Line {
                label,
                python: row.python,
                family: row.family,
                points: vec![point],
            }),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_scaled_to_the_smallest() {
        assert_eq!(ratio_line([2e-3, 2e-5, 1e-6]), "2000 : 20 : 1.0");
        assert_eq!(ratio_line([0.0, 1.0, 2.0]), "–");
    }
}
