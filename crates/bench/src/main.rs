//! The bench: measures the notes' performance claims on this machine (what a thread, a process
//! and a task cost, CPU-bound speedup, the lessons beside their Python originals, torn lines,
//! what a message costs between threads and between processes) and writes a Markdown report with a plot. `cargo xtask bench` builds and runs it, optimised.
//!
//! The code is split by idea:
//! - [`args`]: the command line;
//! - [`rows`]: what is measured, one row type per table, gathered in [`rows::Results`];
//! - [`measure`]: how it is measured ([`measure::Bench`], one method per table), with
//!   [`probe`] (one run and what the OS says it cost), [`workers`] (the Rust programs
//!   measured, this binary re-executed), [`python`], [`lessons`] and [`machine`];
//! - [`report`]: the tables, the goals, the Markdown and the plot;
//! - [`messages`]: one table in a file of its own (its row, its measuring and its section),
//!   the pattern for adding another.
//!
//! To add a table: a module with its row type, a `Bench` method that fills the rows and a
//! function that draws the table; then a field of [`rows::Results`], a line in [`measure_all`]
//! and a section in [`report::markdown::render`].

mod args;
mod lessons;
mod machine;
mod measure;
mod messages;
mod probe;
mod python;
mod report;
mod rows;
mod stats;
mod workers;

use anyhow::{Context, Result};
use clap::Parser;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use measure::Bench;
use rows::Results;

fn main() -> ExitCode {
    // First thing: this binary is re-executed as the workers it measures.
    if let Some(code) = workers::child_entry() {
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let args = args::BenchArgs::parse();
    let result = std::env::current_dir()
        .context("cannot read the current folder")
        .and_then(|here| course::workspace::find_root(&here))
        .and_then(|root| run(&args, &root));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs the bench and writes the report under `args.out` (relative to `workspace_root`).
fn run(args: &args::BenchArgs, workspace_root: &Path) -> Result<()> {
    let started = Instant::now();
    let out = workspace_root.join(&args.out);
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let bench = Bench::new(args, workspace_root)?;
    let mut results = measure_all(&bench)?;
    results.goals = report::goals::goals(&results);
    results.seconds = started.elapsed().as_secs_f64();
    report::write(&mut results, &out)?;
    println!(
        "\nThe ratios\n\n{}",
        report::tables::ratios(&results.workers)
    );
    println!("Goals\n\n{}", report::goals::goals_table(&results.goals));
    println!(
        "bench: done in {:.0} s; report: {}",
        results.seconds,
        out.join("report.md").display()
    );
    Ok(())
}

/// Every table's rows, each printed as soon as it is measured.
fn measure_all(bench: &Bench) -> Result<Results> {
    let workers = bench.worker_rows()?;
    bench.say(
        "1. The cost of a worker (a thread, a process or a task)",
        &report::tables::workers_table(&workers),
    );
    let cpu = bench.cpu_rows()?;
    bench.say("2. CPU-bound parallelism", &report::tables::cpu_table(&cpu));
    let gil = bench.gil()?;
    let spawn_floor = bench.spawn_floor()?;
    let lessons = bench.lesson_rows()?;
    bench.say(
        "3. The lessons beside their Python originals",
        &report::tables::lessons_table(&lessons, bench.scale, spawn_floor.as_ref()),
    );
    let tearing = bench.tearing()?;
    bench.say(
        "4. Printing from several threads",
        &report::tables::tearing_table(&tearing),
    );
    let messages = bench.message_rows()?;
    bench.say(
        "5. Sending messages: threads against processes",
        &messages::section(&messages),
    );
    bench.progress.finish_and_clear();
    Ok(Results {
        profile: measure::profile(),
        quick: bench.quick,
        runs: bench.runs,
        sleep: bench.sleep.as_secs_f64(),
        scale: bench.scale,
        tear_scale: bench.tear_scale(),
        idle_before: bench.idle_before,
        python: bench.python_found.clone(),
        notes: bench.notes.clone(),
        workers,
        cpu,
        gil,
        lessons,
        spawn_floor,
        tearing,
        messages,
        goals: Vec::new(),
        seconds: 0.0,
        machine: bench.machine.clone(),
    })
}
