//! `cargo xtask run`: build once, then run lessons in order under a header, output live;
//! `--python` adds each lesson's Python original on the same time scale, `--svg` draws the timelines.

use crate::cli;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use course::check::Program;
use course::runner::{self, Run};
use course::timeline::{self, Picture};
use course::{Case, Package, Spec, workspace};

use crate::{interrupt, ui};

pub struct Args {
    lessons: Vec<String>,
    lesson_args: Vec<String>,
    scale: f64,
    timeline: bool,
    python: bool,
    svg: Option<PathBuf>,
}

pub fn command() -> clap::Command {
    use clap::{Arg, value_parser};
    clap::Command::new("run")
        .about("Build once, then run lessons in order with their output live")
        .arg(cli::names(
            "lessons",
            "LESSONS",
            "Lessons to run (package, folder or number); all lessons when none",
        ))
        .arg(
            cli::names(
                "lesson_args",
                "LESSON_ARGS",
                "Arguments for the lesson, e.g. `-- process`",
            )
            .last(true),
        )
        .arg(
            Arg::new("scale")
                .long("scale")
                .value_name("SCALE")
                .value_parser(value_parser!(f64))
                .default_value("1")
                .help("LESSON_TIME_SCALE for the runs: 1 is real time, 0.1 ten times faster"),
        )
        .arg(cli::flag(
            "timeline",
            "After each lesson, draw a timeline of its workers or tasks",
        ))
        .arg(cli::flag(
            "python",
            "After each lesson, run its Python original and show both timelines on one time \
             scale, each with its overhead over the lesson's critical path",
        ))
        .arg(
            Arg::new("svg")
                .long("svg")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("Write the timelines as an SVG image to FILE (one row per worker, the same time axis)"),
        )
}

impl Args {
    pub fn from(m: &clap::ArgMatches) -> Args {
        Args {
            lessons: cli::strings(m, "lessons"),
            lesson_args: cli::strings(m, "lesson_args"),
            scale: m.get_one::<f64>("scale").copied().unwrap_or(1.0),
            timeline: m.get_flag("timeline"),
            python: m.get_flag("python"),
            svg: m.get_one::<PathBuf>("svg").cloned(),
        }
    }
}

/// Width of the terminal timelines, in columns of bars.
const WIDTH: usize = 60;

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    check_scale(args.scale)?;
    anyhow::ensure!(
        !args.python || args.lesson_args.is_empty(),
        "--python runs the Python originals, which have no modes; drop `-- {}` or --python",
        args.lesson_args.join(" ")
    );
    let packages = workspace::packages(root)?;
    let chosen = workspace::select(&packages, &args.lessons)?;
    let python = if args.python { python3() } else { Ok(()) };
    if let Err(why) = &python {
        // Said before the long runs, and again where the Python timeline would be.
        eprintln!("note: {why}");
    }
    let packages: Vec<&str> = chosen.iter().map(|u| u.name.as_str()).collect();
    eprintln!("building {} package(s)…", packages.len());
    let build = workspace::build(root, &packages, None)?;
    interrupt::checkpoint();
    if let Some((package, error)) = build.errors.iter().next() {
        anyhow::bail!("{package} does not compile:\n{error}");
    }
    let mut summary = Vec::new();
    let mut pictures: Vec<(String, Picture)> = Vec::new();
    let mut svg_end: f64 = 0.0;
    for package in &chosen {
        let binary = &build.binaries[&package.name];
        println!("\n━━ {} ━━", ui::label(package));
        let case = case_for(package, &args.lesson_args, args.scale)?;
        let run = run_live(Program::binary(binary), &args.lesson_args, args.scale);
        summary.push((package.name.clone(), run.ending_text(), run.wall));
        let rust = timeline::picture(&case, &run);
        let mut shown = vec![("Rust".to_owned(), rust, case.units(run.wall))];
        if args.python {
            match (&python, python_original(package)) {
                (Err(why), _) => println!("\n(no Python run: {why})"),
                (Ok(()), None) => println!(
                    "\n({} has no Python original (original.py); only the Rust ran)",
                    package.name
                ),
                (Ok(()), Some(script)) => {
                    println!(
                        "\n━━ the Python original: {} ━━",
                        crate::progress::relative(root, &script)
                    );
                    let run = run_live(Program::python(&script), &[], args.scale);
                    summary.push((
                        format!("{} (Python)", package.name),
                        run.ending_text(),
                        run.wall,
                    ));
                    let picture = timeline::picture(&case, &run);
                    shown.push(("Python".to_owned(), picture, case.units(run.wall)));
                }
            }
        }
        if args.timeline || args.python {
            print!(
                "{}",
                side_by_side(
                    package,
                    &shown,
                    args.scale,
                    workspace::critical_path(package)?
                )
            );
        }
        for (who, picture, _) in shown {
            svg_end = svg_end.max(picture.end);
            pictures.push((format!("{} ({who})", package.name), picture));
        }
    }
    println!("\n━━ summary ━━");
    for (package, ending, wall) in &summary {
        println!("{package:<37} {ending:<24} {}", ui::seconds(*wall));
    }
    if let Some(path) = &args.svg {
        let text = timeline::svg(&pictures, svg_end, args.scale);
        course::files::write_atomically(path, text.as_bytes())?;
        println!("wrote the timeline to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `program` with its output shown as it comes, under a generous timeout.
fn run_live(program: Program, args: &[String], scale: f64) -> Run {
    let mut options = runner::RunOptions::new(&program.path);
    options.args = program.leading_args;
    options.args.extend(args.iter().map(Into::into));
    options.env = vec![("LESSON_TIME_SCALE".into(), scale.to_string().into())];
    // Real time can be long (the thread lesson alone is 5 s); the timeout is only a safety net.
    options.timeout = Duration::from_secs_f64(600.0 * scale.max(0.1));
    options.echo = true;
    let run = runner::run(&options);
    interrupt::checkpoint();
    run
}

/// The spec case whose lines and rules draw the timeline: the one with these arguments.
fn case_for(package: &Package, args: &[String], scale: f64) -> anyhow::Result<Case> {
    let spec = Spec::load(&package.spec_path())?;
    let mut case = spec
        .cases
        .iter()
        .find(|c| c.args == args)
        .unwrap_or(&spec.cases[0])
        .clone();
    case.scale = scale;
    Ok(case)
}

/// The timelines of one lesson, one above the other on one time scale, each with its wall
/// time and its overhead over the critical path.
fn side_by_side(
    package: &Package,
    shown: &[(String, Picture, f64)],
    scale: f64,
    critical: Option<f64>,
) -> String {
    let end = shown.iter().map(|(_, p, _)| p.end).fold(0.0, f64::max);
    let mut out = format!("\ntimeline (1 unit = {scale} s):\n");
    for (who, picture, took) in shown {
        let overhead = match critical {
            Some(path) => {
                let over = took - path;
                let share = if path > 0.0 {
                    format!(", {:+.0}%", 100.0 * over / path)
                } else {
                    String::new()
                };
                format!(
                    "; critical path {path:.1} units, overhead {over:+.2} units ({:+.2} s){share}",
                    over * scale
                )
            }
            None => format!("; {} gives no critical_path to compare with", package.name),
        };
        if shown.len() > 1 {
            out.push_str(&format!("{who}: {took:.2} units{overhead}\n"));
        } else if critical.is_some() {
            out.push_str(&format!("{took:.2} units{overhead}\n"));
        }
        out.push_str(&timeline::draw(picture, WIDTH, Some(end)));
    }
    out
}

/// The lesson's Python original, when it has one.
fn python_original(package: &Package) -> Option<PathBuf> {
    Some(package.dir.join("original.py")).filter(|p| p.is_file())
}

/// Whether `python3` can be run; the error says so plainly, and what to do.
fn python3() -> Result<(), String> {
    let found = Command::new("python3")
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        Ok(())
    } else {
        Err(
            "no python3 was found on PATH, so the Python originals cannot run; \
             install Python 3 to see them beside the lessons"
                .into(),
        )
    }
}

fn check_scale(scale: f64) -> anyhow::Result<()> {
    if scale.is_finite() && scale > 0.0 {
        Ok(())
    } else {
        anyhow::bail!("--scale {scale} is not a positive number; use e.g. --scale 0.1")
    }
}
