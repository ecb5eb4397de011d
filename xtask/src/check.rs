//! `cargo xtask check`: run lessons time-scaled and check each case against its expect.toml.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use course::{CaseResult, Program, Spec, Trust, check_case, explain, workspace};

use crate::ui;

#[derive(clap::Args)]
pub struct Args {
    /// Lessons or exercises to check (package, folder or number); all lessons when none.
    lessons: Vec<String>,
    /// Also check every exercise (their starting points are meant to fail until solved).
    #[arg(long)]
    exercises: bool,
}

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let packages = workspace::packages(root)?;
    let mut chosen = workspace::select(&packages, &args.lessons)?;
    if args.exercises {
        chosen.extend(packages.iter().filter(|u| !u.is_lesson()));
    }
    // Read every spec before building, so a broken spec fails fast with its file and line.
    let specs: Vec<Spec> = chosen
        .iter()
        .map(|u| Spec::load(&u.spec_path()))
        .collect::<Result<_, _>>()?;
    let packages: Vec<&str> = chosen.iter().map(|u| u.name.as_str()).collect();
    let build = workspace::build(root, &packages, None)?;
    let mut results: Vec<(String, CaseResult)> = Vec::new();
    let mut broken = Vec::new();
    for (package, spec) in chosen.iter().zip(&specs) {
        let Some(binary) = build.binaries.get(&package.name) else {
            let error = build.errors.get(&package.name).cloned().unwrap_or_default();
            println!("FAIL  {:<40} does not compile", package.name);
            broken.push((package.name.clone(), error));
            continue;
        };
        for case in &spec.cases {
            let result = check_case(&Program::binary(binary), case, Trust::Course);
            let verdict = if result.passed() { "ok  " } else { "FAIL" };
            let name = format!("{}: {}", package.name, case.name);
            println!("{verdict}  {name:<40} {}", ui::seconds(result.run.wall));
            results.push((name, result));
        }
    }
    let failed: Vec<_> = results.iter().filter(|(_, r)| !r.passed()).collect();
    for (name, result) in &failed {
        println!("\n━━ {name} failed ━━");
        print!("{}", explain::explain(result, 60));
    }
    for (package, error) in &broken {
        println!("\n━━ {package} does not compile ━━\n{error}");
    }
    let total = results.len() + broken.len();
    let bad = failed.len() + broken.len();
    println!(
        "\n{} passed, {} failed ({} cases in {})",
        total - bad,
        bad,
        total,
        ui::seconds(started.elapsed())
    );
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
