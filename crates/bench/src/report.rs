//! Turns measurements into the report: Markdown tables, the ratios, the goals, the plot's lines,
//! and the small parsers for what the lessons print.

use crate::stats::{
    Summary, fmt_bytes, fmt_count, fmt_ratio, fmt_secs, fmt_summary, markdown_table,
};
use crate::{CpuRow, Goal, LessonRow, Results, TearRow, UnitRow, plot};
use std::fmt::Write;

/// The plot's file name, beside report.md.
pub const PLOT: &str = "cost-per-unit.svg";
pub const PLOT_TITLE: &str = "Cost of one unit of concurrency beyond its 100 ms sleep";

fn lang(python: bool) -> &'static str {
    if python { "Python" } else { "Rust" }
}

/// The unit-cost table, one row per kind and N.
pub fn units_table(rows: &[UnitRow]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut memory = fmt_bytes(row.memory.rss as f64);
            let mut pss = "";
            if let Some(bytes) = row.memory.pss.filter(|_| row.family == 1) {
                write!(memory, " (PSS {})", fmt_bytes(bytes as f64)).unwrap();
                pss = " PSS";
            }
            vec![
                format!("{} {}", lang(row.python), row.kind),
                fmt_count(row.n),
                fmt_summary(&row.wall, fmt_secs),
                fmt_summary(&row.per_unit, fmt_secs),
                row.growth.map_or("–".into(), fmt_ratio),
                fmt_summary(&row.peak_alive, |v| fmt_count(v.round() as u64)),
                memory,
                fmt_bytes(row.bytes_per_unit()) + pss,
                fmt_bytes(row.bytes_per_alive()) + pss,
            ]
        })
        .collect();
    markdown_table(
        &[
            "kind",
            "N",
            "wall: median (min–max)",
            "per unit beyond the sleep",
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
fn at_thousand(rows: &[UnitRow], python: bool) -> Option<[&UnitRow; 3]> {
    let pick = |family: usize| {
        rows.iter()
            .filter(|r| r.python == python && r.family == family)
            .min_by(|a, b| {
                let distance = |r: &UnitRow| ((r.n as f64).ln() - 1000f64.ln()).abs();
                distance(a).total_cmp(&distance(b))
            })
    };
    Some([pick(1)?, pick(0)?, pick(2)?])
}

/// For each family (process, thread, task), the row with the largest N: the most memory
/// above the baseline, so the least page-sized noise per unit.
fn largest(rows: &[UnitRow], python: bool) -> Option<[&UnitRow; 3]> {
    let pick = |family: usize| {
        rows.iter()
            .filter(|r| r.python == python && r.family == family)
            .max_by_key(|r| r.n)
    };
    Some([pick(1)?, pick(0)?, pick(2)?])
}

/// `a : b : c` scaled so the smallest is 1.
fn ratio_line(values: [f64; 3]) -> String {
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
/// Time compares N near 1,000. Memory compares each kind's largest N, per unit that holds
/// memory at the peak: every alive process (an ended one gives its memory back), but every
/// thread or task started (each keeps its stack or cell until it is joined, in order).
pub fn ratios(rows: &[UnitRow]) -> String {
    let mut out = String::new();
    for python in [false, true] {
        let (Some(time), Some(memory)) = (at_thousand(rows, python), largest(rows, python)) else {
            continue;
        };
        let cost = time.map(|r| r.per_unit.median);
        let bytes = [
            memory[0].bytes_per_alive(),
            memory[1].bytes_per_unit(),
            memory[2].bytes_per_unit(),
        ];
        let [p, t, k] = time.map(|r| fmt_count(r.n));
        let [mp, mt, mk] = memory.map(|r| fmt_count(r.n));
        writeln!(
            out,
            "{lang} process : thread : task\n  time per unit   {} : {} : {} = {}   (N = {p} : {t} : {k})\n  memory per unit {} : {} : {} = {}   (N = {mp} : {mt} : {mk})",
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

fn row(rows: &[UnitRow], python: bool, family: usize, n: u64) -> Option<&UnitRow> {
    rows.iter()
        .find(|r| r.python == python && r.family == family && r.n == n)
}

/// Checks the issue's goals against what was measured.
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
    let hundred_k = row(&results.units, false, 2, 100_000);
    let million = row(&results.units, false, 2, 1_000_000);
    goals.push(match (hundred_k, million) {
        (Some(small), Some(large)) => {
            let per_task = large.bytes_per_unit();
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
    let rust = at_thousand(&results.units, false);
    goals.push(Goal {
        goal: "Each cost ratio (process : thread : task) is printed".into(),
        measured: match rust {
            Some(rows) => format!(
                "time per unit {}",
                ratio_line(rows.map(|r| r.per_unit.median))
            ),
            None => "a kind of unit is missing".into(),
        },
        met: Some(rust.is_some()),
    });
    goals
}

/// The last (most threads) CPU row of `method`.
fn cpu_at_most<'r>(results: &'r Results, method: &str) -> Option<&'r CpuRow> {
    results.cpu.iter().rfind(|r| r.method == method)
}

/// Each claim of the notes beside the numbers that bear on it.
pub fn claims_table(results: &Results) -> String {
    let mut body: Vec<Vec<String>> = Vec::new();
    for python in [false, true] {
        let (Some(time), Some(memory)) = (
            at_thousand(&results.units, python),
            largest(&results.units, python),
        ) else {
            continue;
        };
        let [process, thread, task] = time;
        body.push(vec![
            format!("Threads are lighter than processes ({})", lang(python)),
            format!(
                "a process costs {} and {}, a thread {} and {}: {}× the time, {}× the memory",
                fmt_secs(process.per_unit.median),
                fmt_bytes(memory[0].bytes_per_alive()),
                fmt_secs(thread.per_unit.median),
                fmt_bytes(memory[1].bytes_per_unit()),
                ratio_number(process.per_unit.median / thread.per_unit.median),
                ratio_number(memory[0].bytes_per_alive() / memory[1].bytes_per_unit()),
            ),
        ]);
        body.push(vec![
            format!(
                "{} suits I/O-bound work (many waits at once)",
                if python { "asyncio" } else { "async (tokio)" }
            ),
            format!(
                "a task costs {} and {}, 1/{} of a thread's time; {} tasks took {} in all",
                fmt_secs(task.per_unit.median),
                fmt_bytes(memory[2].bytes_per_unit()),
                ratio_number(thread.per_unit.median / task.per_unit.median),
                fmt_count(memory[2].n),
                fmt_secs(memory[2].wall.median),
            ),
        ]);
    }
    let cores = results.machine.cores;
    if let Some(threads) = cpu_at_most(results, "Python threads") {
        let mut text = format!(
            "Python threads on {} cores: speedup {}",
            threads.k,
            fmt_ratio(threads.speedup)
        );
        if let Some(rust) = cpu_at_most(results, "Rust std threads") {
            write!(
                text,
                "; Rust threads, which have no GIL: {}",
                fmt_ratio(rust.speedup)
            )
            .unwrap();
        }
        if let Some(gil) = &results.gil {
            write!(
                text,
                "; lesson-gil printed {} (median of {} runs)",
                fmt_ratio(gil.threads.median),
                gil.threads.runs
            )
            .unwrap();
        }
        body.push(vec![
            "The GIL lets one Python thread run bytecode at a time".into(),
            text,
        ]);
    }
    if let Some(processes) = cpu_at_most(results, "Python processes") {
        body.push(vec![
            "Processes give true parallelism, for CPU-bound work".into(),
            format!(
                "Python processes on {} cores: speedup {} (of {} possible)",
                processes.k,
                fmt_ratio(processes.speedup),
                cores
            ),
        ]);
    }
    body.extend(crate::messages::claim(&results.messages));
    markdown_table(&["claim", "measured here"], &body)
}

/// The largest relative spread (max over min, less one) of the Rust CPU-bound rows.
fn cpu_spread(results: &Results) -> Option<f64> {
    results
        .cpu
        .iter()
        .filter(|r| !r.python && r.wall.min > 0.0)
        .map(|r| r.wall.max / r.wall.min - 1.0)
        .max_by(f64::total_cmp)
}

/// A plain ratio for prose: `810`, `29`, `2.4`.
fn ratio_number(ratio: f64) -> String {
    if !ratio.is_finite() {
        "–".into()
    } else if ratio >= 10.0 {
        format!("{ratio:.0}")
    } else {
        format!("{ratio:.1}")
    }
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

/// The plot's lines: one per kind, Python dashed.
pub fn plot_lines(rows: &[UnitRow]) -> Vec<plot::Line> {
    let mut lines: Vec<plot::Line> = Vec::new();
    for row in rows {
        let label = format!("{} {}", lang(row.python), row.kind);
        let point = (row.n as f64, row.per_unit.median);
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

/// The speedups lesson-gil printed: `threads: 0.52 s, speedup: 1.9x` and the rayon line.
#[derive(Debug, Default, PartialEq)]
pub struct GilParsed {
    pub threads: Option<f64>,
    pub rayon: Option<f64>,
    pub cores: Option<u64>,
}

pub fn parse_gil(stdout: &str) -> GilParsed {
    let speedup = |prefix: &str| {
        stdout
            .lines()
            .find(|line| line.starts_with(prefix))
            .and_then(|line| line.split("speedup:").nth(1))
            .and_then(|rest| rest.trim().trim_end_matches(['x', '×']).parse().ok())
    };
    GilParsed {
        threads: speedup("threads:"),
        rayon: speedup("rayon:"),
        cores: stdout
            .lines()
            .find_map(|line| line.strip_prefix("cores:"))
            .and_then(|v| v.trim().parse().ok()),
    }
}

/// The lines of lesson-multithreading's output that are not whole `Worker N starting` or
/// `Worker N finished` lines (a torn line glues two together and leaves a blank one), or a
/// note when lines are missing.
pub fn torn_lines(stdout: &str, workers: usize) -> Vec<String> {
    let whole = |line: &str| {
        ["starting", "finished"].iter().any(|word| {
            line.strip_prefix("Worker ")
                .and_then(|rest| rest.strip_suffix(word))
                .and_then(|id| id.strip_suffix(' '))
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        })
    };
    let bad: Vec<String> = stdout
        .lines()
        .filter(|line| !whole(line))
        .take(4)
        .map(String::from)
        .collect();
    let count = stdout.lines().filter(|line| whole(line)).count();
    if bad.is_empty() && count != 2 * workers {
        return vec![format!("({count} whole lines of {})", 2 * workers)];
    }
    bad
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// The calendar date `days` days after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The whole report.
pub fn render(results: &Results, plotted: bool) -> String {
    let mut md = String::new();
    let m = &results.machine;
    let command = format!(
        "cargo xtask bench{}{}",
        if results.quick { " --quick" } else { "" },
        if results.python.is_some() {
            " --python"
        } else {
            ""
        }
    );
    writeln!(
        md,
        "# What a thread, a process and a task cost\n\n\
         Measured by `{command}` on {}, {} in all. Every number below comes from this one \
         run on this one machine; run the same command to see yours.\n",
        today(),
        fmt_secs(results.seconds)
    )
    .unwrap();

    md += "## The machine\n\n";
    let mut machine = vec![
        vec!["cores".into(), m.cores.to_string()],
        vec!["CPU".into(), m.cpu_model.clone()],
        vec!["memory".into(), m.memory.clone()],
        vec!["OS".into(), format!("{} ({})", m.os, m.kernel)],
        vec!["Rust".into(), m.rustc.clone()],
        vec!["build profile".into(), results.profile.clone()],
        vec![
            "CPU idle in the second before the run".into(),
            results
                .idle_before
                .map_or("unknown".into(), |idle| format!("{:.0} %", idle * 100.0)),
        ],
    ];
    if let Some(py) = &results.python {
        for c in &py.tried {
            let chosen = c.executable == py.chosen.executable && c.command == py.chosen.command;
            machine.push(vec![
                format!(
                    "Python `{}`{}",
                    c.command,
                    if chosen { " (used)" } else { "" }
                ),
                format!(
                    "{} at `{}`: `-c pass` {}, `-c \"import asyncio\"` {}",
                    c.version,
                    c.executable.display(),
                    fmt_summary(&c.startup, fmt_secs),
                    fmt_summary(&c.import_asyncio, fmt_secs)
                ),
            ]);
        }
    }
    md += &markdown_table(&["what", "this run"], &machine);
    if results.python.as_ref().is_some_and(|p| p.tried.len() > 1) {
        md += "\nEvery python3 found was timed starting up, and the fastest was used: a pyenv \
               shim or site hooks (`.pth` files) add start-up time that is not Python's own.\n";
    }

    md += "\n## The notes' claims, measured\n\n";
    md += &claims_table(results);
    md += "\n## Goals\n\n";
    md += &goals_table(&results.goals);

    writeln!(
        md,
        "\n## 1. The cost of a unit of concurrency\n\n\
         Each row starts N units that each sleep {}, then joins them all, in a fresh process; \
         the wall time runs from the first spawn to the last join. \"Per unit\" is the wall \
         time beyond the sleep, divided by N: what one more unit costs. \"Growth\" compares \
         it with the kind's smallest N: 1× means the kind scales, and a large growth means \
         each unit gets dearer as more are started. \"Peak alive\" is how many units the \
         units themselves counted running at once: once spawning N takes longer than the \
         sleep, the first units finish before the last start, so N concurrent is not really \
         N. Memory is the peak resident set of the whole process tree from the OS (`wait4` \
         for one process; `/proc` sampled every 5 ms and summed over the tree for \
         processes, where PSS counts shared pages once). The last two columns divide the peak \
         above the same program with N = 0 (PSS for processes) by N and by the peak alive: a joinable thread keeps \
         its stack and a tokio task its cell until it is joined, so for them ÷ N is the cost; \
         a process gives its memory back when it exits, so for it ÷ peak alive is.\n",
        fmt_secs(results.sleep)
    )
    .unwrap();
    md += &units_table(&results.units);
    if plotted {
        writeln!(md, "\n![{PLOT_TITLE}]({PLOT})\n").unwrap();
    }
    md += "\nThe ratios: time per unit at N nearest 1,000 for each kind, memory per unit at each \
           kind's largest N (where page-sized noise matters least):\n\n```text\n";
    md += &ratios(&results.units);
    md += "```\n";

    md += "\n## 2. CPU-bound parallelism\n\n\
           The same CPU-bound work as lesson-gil (the sum of i * i, `black_box` stopping the \
           optimiser from skipping it), cut into equal parts on 1 to all cores. Speedup is \
           one thread's best time over k threads' best time: on a shared machine noise only \
           ever adds time, and one core's time can vary by half from run to run, so the \
           fastest run is the closest to the work's own cost (as Python's `timeit` advises). \
           Efficiency is speedup over k. Python sums \
           fewer numbers (a Python loop is far slower); what compares is the speedup.\n\n";
    md += &cpu_table(&results.cpu);
    if let Some(spread) = cpu_spread(results).filter(|&s| s > 0.2) {
        writeln!(
            md,
            "\nIdentical runs varied by up to {:.0} % here (the machine's cores are shared with \
             other machines' work, and busy spells come and go), so these speedups are \
             uncertain by about as much; run the bench again to see it vary.",
            spread * 100.0
        )
        .unwrap();
    }
    if let Some(gil) = &results.gil {
        let mut line = format!(
            "\nlesson-gil itself (`LESSON_TIME_SCALE={}`) printed a speedup of {} with threads",
            gil.scale,
            fmt_summary(&gil.threads, fmt_ratio)
        );
        if let Some(rayon) = &gil.rayon {
            write!(line, " and {} with rayon", fmt_summary(rayon, fmt_ratio)).unwrap();
        }
        md += &line;
        md += ".\n";
    }

    md += "\n## 3. The lessons beside their Python originals\n\n\
           Each translation and its `original.py`, run alternately at the same \
           LESSON_TIME_SCALE, spawn to exit. The ideal is the sum of the sleeps on the \
           critical path; overhead is the wall time beyond it: start-up, imports, spawning \
           and joining. The ratio is Python's overhead over Rust's.\n\n";
    md += &lessons_table(
        &results.lessons,
        results.scale,
        results.spawn_floor.as_ref(),
    );

    write!(
        md,
        "\n## 4. Printing from several threads\n\n\
         lesson-multithreading and its original, stdout piped (as a test or a pager reads \
         it), at LESSON_TIME_SCALE={}, with PYTHONUNBUFFERED=1.",
        results.tear_scale
    )
    .unwrap();
    md += " Python's `print` writes the text and the newline as \
           two writes, so two workers' lines can glue together with a blank line after \
           them; Rust's `println!` locks stdout for the whole line.\n\n";
    md += &tearing_table(&results.tearing);
    md += &crate::messages::section(&results.messages);

    writeln!(
        md,
        "\n## Method\n\n\
         - One warm-up run, then {} timed run(s) of every measurement (rows of a million \
           Python tasks: one run; CPU-bound rows and lesson-gil: at least 7 in a full run, \
           alternating 1 ... cores); medians with min–max.\n\
         - Every measurement runs in a fresh process: the bench's own binary re-executed, or \
           `crates/bench/py/units.py` for Python.\n\
         - Memory comes from the OS, never estimated: `wait4`'s peak RSS, and for process \
           trees `/proc/PID/statm` and `smaps_rollup` summed over the tree, sampled during \
           the warm-up only, so sampling never slows a timed run.\n\
         - The lessons run at LESSON_TIME_SCALE={} (their sleeps shrink, their overhead does \
           not); Python with PYTHONUNBUFFERED=1.\n\
         - Built in the {}; the lessons in the same profile, as learners run them.",
        results.runs, results.scale, results.profile
    )
    .unwrap();
    for note in &results.notes {
        writeln!(md, "- Note: {note}").unwrap();
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lesson_gil_output() {
        let out = "cores: 2\none thread: 1.01 s\nthreads: 0.52 s, speedup: 1.9x\nrayon: 0.53 s, speedup: 1.95x\n";
        assert_eq!(
            parse_gil(out),
            GilParsed {
                threads: Some(1.9),
                rayon: Some(1.95),
                cores: Some(2)
            }
        );
        assert_eq!(parse_gil("nothing"), GilParsed::default());
    }

    #[test]
    fn finds_torn_lines() {
        let whole: String = (0..5)
            .map(|i| format!("Worker {i} starting\n"))
            .chain((0..5).map(|i| format!("Worker {i} finished\n")))
            .collect();
        assert!(torn_lines(&whole, 5).is_empty());
        let torn = whole.replacen(
            "Worker 0 starting\nWorker 1 starting\n",
            "Worker 0 startingWorker 1 starting\n\n",
            1,
        );
        assert_eq!(
            torn_lines(&torn, 5),
            vec![
                "Worker 0 startingWorker 1 starting".to_string(),
                String::new()
            ]
        );
        assert_eq!(
            torn_lines("Worker 0 starting\n", 5),
            vec!["(1 whole lines of 10)".to_string()]
        );
    }

    #[test]
    fn ratios_are_scaled_to_the_smallest() {
        assert_eq!(ratio_line([2e-3, 2e-5, 1e-6]), "2000 : 20 : 1.0");
        assert_eq!(ratio_line([0.0, 1.0, 2.0]), "–");
    }

    #[test]
    fn dates_from_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_723), "2024-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }
}
