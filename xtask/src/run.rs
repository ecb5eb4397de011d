//! `cargo xtask run`: build once, then run lessons in order under a header, output live.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use course::runner::{self, RunOptions};
use course::{Spec, timeline, workspace};

use crate::{interrupt, ui};

#[derive(clap::Args)]
pub struct Args {
    /// Lessons to run (package, folder or number); all lessons when none.
    lessons: Vec<String>,
    /// Arguments for the lesson, e.g. `-- process`.
    #[arg(last = true)]
    lesson_args: Vec<String>,
    /// LESSON_TIME_SCALE for the runs: 1 is real time, 0.1 ten times faster.
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// After each lesson, draw a timeline of its workers or tasks.
    #[arg(long)]
    timeline: bool,
}

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    check_scale(args.scale)?;
    let units = workspace::units(root)?;
    let chosen = workspace::select(&units, &args.lessons)?;
    let packages: Vec<&str> = chosen.iter().map(|u| u.package.as_str()).collect();
    eprintln!("building {} package(s)…", packages.len());
    let build = workspace::build(root, &packages, None)?;
    if let Some((package, error)) = build.errors.iter().next() {
        anyhow::bail!("{package} does not compile:\n{error}");
    }
    let mut summary = Vec::new();
    for unit in &chosen {
        let binary = &build.binaries[&unit.package];
        println!("\n━━ {} ━━", ui::label(unit));
        let mut options = RunOptions::new(binary);
        options.args = args.lesson_args.iter().map(Into::into).collect();
        options.env = vec![("LESSON_TIME_SCALE".into(), args.scale.to_string().into())];
        // Real time can be long (the thread lesson alone is 5 s); the timeout is only a safety net.
        options.timeout = Duration::from_secs_f64(600.0 * args.scale.max(0.1));
        options.echo = true;
        let run = runner::run(&options);
        interrupt::checkpoint();
        if args.timeline {
            let spec = Spec::load(&unit.spec_path())?;
            let case = spec
                .cases
                .iter()
                .find(|c| c.args == args.lesson_args)
                .unwrap_or(&spec.cases[0]);
            let mut case = case.clone();
            case.scale = args.scale;
            println!("\ntimeline (1 unit = {} s):", args.scale);
            print!("{}", timeline::render(&case, &run, 60));
        }
        summary.push((unit.package.clone(), run.ending_text(), run.wall));
    }
    println!("\n━━ summary ━━");
    for (package, ending, wall) in &summary {
        println!("{package:<28} {ending:<24} {}", ui::seconds(*wall));
    }
    Ok(ExitCode::SUCCESS)
}

fn check_scale(scale: f64) -> anyhow::Result<()> {
    if scale.is_finite() && scale > 0.0 {
        Ok(())
    } else {
        anyhow::bail!("--scale {scale} is not a positive number; use e.g. --scale 0.1")
    }
}
