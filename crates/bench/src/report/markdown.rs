//! The whole report as Markdown: the machine, the claims, the goals, then one section per table.

use super::goals::goals_table;
use super::tables::{
    PLOT, PLOT_TITLE, at_thousand, cpu_at_most, cpu_spread, cpu_table, lang, largest,
    lessons_table, ratio_number, ratios, tearing_table, workers_table,
};
use crate::rows::Results;
use crate::stats::{fmt_bytes, fmt_count, fmt_ratio, fmt_secs, fmt_summary, markdown_table};
use std::fmt::Write;

/// Each claim of the notes beside the numbers that bear on it.
pub fn claims_table(results: &Results) -> String {
    let mut body: Vec<Vec<String>> = Vec::new();
    for python in [false, true] {
        let (Some(time), Some(memory)) = (
            at_thousand(&results.workers, python),
            largest(&results.workers, python),
        ) else {
            continue;
        };
        let [process, thread, task] = time;
        body.push(vec![
            format!("Threads are lighter than processes ({})", lang(python)),
            format!(
                "a process costs {} and {}, a thread {} and {}: {}× the time, {}× the memory",
                fmt_secs(process.per_worker.median),
                fmt_bytes(memory[0].bytes_per_alive()),
                fmt_secs(thread.per_worker.median),
                fmt_bytes(memory[1].bytes_per_worker()),
                ratio_number(process.per_worker.median / thread.per_worker.median),
                ratio_number(memory[0].bytes_per_alive() / memory[1].bytes_per_worker()),
            ),
        ]);
        body.push(vec![
            format!(
                "{} suits I/O-bound work (many waits at once)",
                if python { "asyncio" } else { "async (tokio)" }
            ),
            format!(
                "a task costs {} and {}, 1/{} of a thread's time; {} tasks took {} in all",
                fmt_secs(task.per_worker.median),
                fmt_bytes(memory[2].bytes_per_worker()),
                ratio_number(thread.per_worker.median / task.per_worker.median),
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
        chrono::Utc::now().format("%Y-%m-%d"),
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
        "\n## 1. The cost of a worker (a thread, process or task)\n\n\
         Each row starts N workers that each sleep {}, then joins them all, in a fresh process; \
         the wall time runs from the first spawn to the last join. \"Per worker\" is the wall \
         time beyond the sleep, divided by N: what one more worker costs. \"Growth\" compares \
         it with the kind's smallest N: 1× means the kind scales, and a large growth means \
         each worker gets dearer as more are started. \"Peak alive\" is how many workers the \
         workers themselves counted running at once: once spawning N takes longer than the \
         sleep, the first workers finish before the last start, so N concurrent is not really \
         N. Memory is the peak resident set of the whole process tree from the OS (`wait4` \
         for one process; `/proc` sampled every 5 ms and summed over the tree for \
         processes, where PSS counts shared pages once). The last two columns divide the peak \
         above the same program with N = 0 (PSS for processes) by N and by the peak alive: a joinable thread keeps \
         its stack and a tokio task its cell until it is joined, so for them ÷ N is the cost; \
         a process gives its memory back when it exits, so for it ÷ peak alive is.\n",
        fmt_secs(results.sleep)
    )
    .unwrap();
    md += &workers_table(&results.workers);
    if plotted {
        writeln!(md, "\n![{PLOT_TITLE}]({PLOT})\n").unwrap();
    }
    md += "\nThe ratios: time per worker at N nearest 1,000 for each kind, memory per worker at each \
           kind's largest N (where page-sized noise matters least):\n\n```text\n";
    md += &ratios(&results.workers);
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
           `crates/bench/py/workers.py` for Python.\n\
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
