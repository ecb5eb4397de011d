//! `cargo xtask check`: run lessons time-scaled and check each case against its expect.toml.

use crate::cli;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use course::exercise::{Progress, Stored};
use course::{CaseResult, Package, Program, Spec, Trust, check_case, explain, workspace};

use crate::{interrupt, term, ui};

pub struct Args {
    lessons: Vec<String>,
    exercises: bool,
}

pub fn command() -> clap::Command {
    clap::Command::new("check")
        .about("Run lessons time-scaled and check each against its expect.toml")
        .arg(cli::names(
            "lessons",
            "LESSONS",
            "Lessons or exercises to check (package, folder or number); all lessons when none",
        ))
        .arg(cli::flag(
            "exercises",
            "Also check every exercise (their starting points are meant to fail until solved)",
        ))
}

impl Args {
    pub fn from(m: &clap::ArgMatches) -> Args {
        Args {
            lessons: cli::strings(m, "lessons"),
            exercises: m.get_flag("exercises"),
        }
    }
}

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let packages = workspace::packages(root)?;
    let mut chosen = workspace::select(&packages, &args.lessons)?;
    if args.exercises {
        chosen.extend(packages.iter().filter(|u| !u.is_lesson()));
    }
    // Read every spec before building. A spec that cannot be read (missing, or with a
    // mistake) is the course's fault: it is reported with its file and line, and the other
    // lessons are still checked.
    let mut unreadable = Vec::new();
    let mut runnable: Vec<(&Package, Spec)> = Vec::new();
    for package in chosen {
        match Spec::load(&package.spec_path()) {
            Ok(spec) => runnable.push((package, spec)),
            Err(error) => {
                eprintln!("error: {error}");
                unreadable.push(package.name.clone());
            }
        }
    }
    let packages: Vec<&str> = runnable.iter().map(|(u, _)| u.name.as_str()).collect();
    let build = if packages.is_empty() {
        workspace::Build::default()
    } else {
        workspace::build(root, &packages, None)?
    };
    let mut results: Vec<(String, CaseResult)> = Vec::new();
    let mut broken = Vec::new();
    let mut solved = Vec::new();
    for (package, spec) in &runnable {
        let Some(binary) = build.binaries.get(&package.name) else {
            let error = build.errors.get(&package.name).cloned().unwrap_or_default();
            println!("FAIL  {:<40} does not compile", package.name);
            broken.push((package.name.clone(), error));
            continue;
        };
        let mut all_passed = true;
        for case in &spec.cases {
            let result = check_case(&Program::binary(binary), case, Trust::Course);
            interrupt::checkpoint();
            let verdict = if result.passed() { "ok  " } else { "FAIL" };
            all_passed &= result.passed();
            let name = format!("{}: {}", package.name, case.name);
            println!(
                "{}  {name:<40} {}",
                term::paint(verdict, result.passed()),
                ui::seconds(result.run.wall)
            );
            for note in &result.notes {
                println!("      {note}");
            }
            results.push((name, result));
        }
        if all_passed && !package.is_lesson() {
            solved.push(package.name.as_str());
        }
    }
    record_solved(root, &solved);
    let (cols, rows) = term::size();
    let failed: Vec<_> = results.iter().filter(|(_, r)| !r.passed()).collect();
    for (name, result) in &failed {
        println!("\n━━ {name} failed ━━");
        print!(
            "{}",
            term::screenful(&explain::explain(result, 60), cols, rows)
        );
    }
    for (package, error) in &broken {
        println!("\n━━ {package} does not compile ━━");
        print!("{}", term::screenful(error, cols, rows));
    }
    let total = results.len() + broken.len() + unreadable.len();
    let bad = failed.len() + broken.len() + unreadable.len();
    println!(
        "\n{} passed, {} failed ({} cases in {})",
        total - bad,
        bad,
        total,
        ui::seconds(started.elapsed())
    );
    if !unreadable.is_empty() {
        eprintln!(
            "error: {} could not be checked: its spec is missing or wrong (see above)",
            unreadable.join(", ")
        );
        return Ok(ExitCode::from(2));
    }
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Marks the exercises whose every case just passed as done, as watch would: a pass is a
/// pass wherever it was checked. A progress file that cannot be read is left for the next
/// `progress` or `watch` to rebuild from the checks.
fn record_solved(root: &Path, solved: &[&str]) {
    if solved.is_empty() {
        return;
    }
    let mut progress = match Progress::read(root) {
        Stored::Read(progress) => progress,
        Stored::Missing => Progress::default(),
        Stored::Corrupt(_) => return,
    };
    for package in solved {
        progress.mark_done(package);
    }
    match progress.save(root) {
        Ok(()) => println!("marked done: {}", solved.join(", ")),
        Err(error) => eprintln!("warning: your progress could not be saved: {error:#}"),
    }
}
