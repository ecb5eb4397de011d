//! The goals the bench was written to check, each met, missed or not measured in this run.

use super::tables::{at_thousand, cpu_at_most, cpu_spread, ratio_line, row};
use crate::rows::{Family, Goal, Results};
use crate::stats::{
    Summary, fmt_bytes, fmt_count, fmt_ratio, fmt_secs, fmt_summary, markdown_table,
};
use std::fmt::Write;

/// Checks the goals against what was measured.
pub fn goals(results: &Results) -> Vec<Goal> {
    let mut goals = Vec::new();

    // 1. The translations' overhead.
    let worst = results.lessons.iter().max_by(|a, b| {
        a.rust_overhead()
            .median
            .total_cmp(&b.rust_overhead().median)
    });
    let python_overheads: Vec<f64> = results
        .lessons
        .iter()
        .filter_map(|l| l.python_overhead().map(|o| o.median))
        .collect();
    goals.push(Goal {
        goal: "Every translation's overhead beyond its sleeps is at most 5 ms".into(),
        measured: match worst {
            None => "no translation was run".into(),
            Some(worst) => {
                let mut text = format!(
                    "Rust at most {} ({}, median of {} run{})",
                    fmt_secs(worst.rust_overhead().median),
                    worst.package,
                    worst.rust.runs,
                    if worst.rust.runs == 1 { "" } else { "s" }
                );
                if let Some(floor) = &results.spawn_floor {
                    write!(
                        text,
                        ", of which {} is starting any process",
                        fmt_secs(floor.median)
                    )
                    .unwrap();
                }
                if let Some(range) = Summary::of(&python_overheads) {
                    write!(
                        text,
                        "; Python {}–{}",
                        fmt_secs(range.min),
                        fmt_secs(range.max)
                    )
                    .unwrap();
                }
                text
            }
        },
        met: worst.map(|w| w.rust_overhead().median <= 0.005),
    });

    // 2. lesson-gil's speedup, and Python threads' lack of one.
    let cores = results.machine.cores;
    let python_threads = cpu_at_most(results, "Python threads").map(|r| r.speedup);
    let python_processes = cpu_at_most(results, "Python processes").map(|r| r.speedup);
    let bench_threads = cpu_at_most(results, "Rust std threads").map(|r| r.speedup);
    let mut measured = match &results.gil {
        Some(gil) => {
            // The lesson times one thread and then two in the same run, so noise in either
            // moves its ratio both ways: the median of its runs is the fair summary.
            let mut text = format!(
                "lesson-gil threads {}",
                fmt_summary(&gil.threads, fmt_ratio)
            );
            if let Some(rayon) = &gil.rayon {
                write!(text, ", rayon {}", fmt_summary(rayon, fmt_ratio)).unwrap();
            }
            text
        }
        None => "lesson-gil was not run or printed no speedup".into(),
    };
    if let Some(s) = bench_threads {
        write!(measured, "; bench std threads {}", fmt_ratio(s)).unwrap();
    }
    if let Some(s) = python_threads {
        write!(measured, "; Python threads {}", fmt_ratio(s)).unwrap();
    }
    if let Some(s) = python_processes {
        write!(measured, ", Python processes {}", fmt_ratio(s)).unwrap();
    }
    if let Some(spread) = cpu_spread(results).filter(|&s| s > 0.2) {
        write!(
            measured,
            " (identical runs varied by up to {:.0} %)",
            spread * 100.0
        )
        .unwrap();
    }
    let met = if cores < 2 {
        measured += " (needs 2 cores)";
        None
    } else {
        results.gil.as_ref().map(|gil| {
            gil.threads.median >= 1.8 && python_threads.is_none_or(|s| (0.7..=1.25).contains(&s))
        })
    };
    goals.push(Goal {
        goal: format!(
            "lesson-gil speeds up at least 1.8× on {} cores; Python threads stay near 1.0×",
            cores.max(2)
        ),
        measured,
        met,
    });

    // 3. tokio at 100,000 and 1,000,000 tasks.
    let hundred_k = row(&results.workers, false, Family::Tasks, 100_000);
    let million = row(&results.workers, false, Family::Tasks, 1_000_000);
    goals.push(match (hundred_k, million) {
        (Some(small), Some(large)) => {
            let per_task = large.bytes_per_worker();
            Goal {
                goal: "100,000 tokio tasks in under 0.5 s, 1,000,000 in under 5 s, under 1 KiB per task".into(),
                measured: format!(
                    "{} and {}, {} per task ({} above the runtime alone, for {} tasks)",
                    fmt_secs(small.wall.median),
                    fmt_secs(large.wall.median),
                    fmt_bytes(per_task),
                    fmt_bytes(large.bytes_above_baseline()),
                    fmt_count(large.n),
                ),
                met: Some(small.wall.median < 0.5 && large.wall.median < 5.0 && per_task < 1024.0),
            }
        }
        _ => Goal {
            goal: "100,000 tokio tasks in under 0.5 s, 1,000,000 in under 5 s, under 1 KiB per task".into(),
            measured: "not measured: a --quick run stops at 10,000 tasks".into(),
            met: None,
        },
    });

    // 4. The ratios.
    let rust = at_thousand(&results.workers, false);
    goals.push(Goal {
        goal: "Each cost ratio (process : thread : task) is printed".into(),
        measured: match rust {
            Some(rows) => format!(
                "time per worker {}",
                ratio_line(rows.map(|r| r.per_worker.median))
            ),
            None => "a kind of worker is missing".into(),
        },
        met: Some(rust.is_some()),
    });
    goals
}

/// The goals as a table.
pub fn goals_table(goals: &[Goal]) -> String {
    let body: Vec<Vec<String>> = goals
        .iter()
        .map(|g| {
            vec![
                g.goal.clone(),
                match g.met {
                    Some(true) => "met".into(),
                    Some(false) => "**missed**".into(),
                    None => "not measured".into(),
                },
                g.measured.clone(),
            ]
        })
        .collect();
    markdown_table(&["goal", "result", "measured"], &body)
}
