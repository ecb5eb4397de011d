//! The grader behind `cargo xtask grade`, a binary of its own so that only grading compiles it.
//!
//! xtask builds it on demand (beside xtask, in the same target dir) and hands the command
//! over, as `cargo xtask bench` does with the bench; it can also be run as
//! `cargo run -p grader -- ARGS`. It is also the sandbox launcher of student code
//! (`grader __sandbox`, see `course::sandbox`): grading re-executes this binary for every
//! build and every run, so that must stay single-threaded and is dispatched before anything
//! else runs.

mod grade;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Grade students' copies against this checkout's specs, with Gradescope and JUnit reports.
#[derive(Parser)]
#[command(name = "cargo xtask grade", bin_name = "cargo xtask grade")]
struct Cli {
    /// The course checkout to work on (default: the one holding the current directory, found as cargo does).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(flatten)]
    args: grade::Args,
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "__sandbox") {
        std::process::exit(course::sandbox::launcher::main(&args[2..]));
    }
    if let Ok(me) = std::env::current_exe() {
        course::sandbox::set_launcher(me, vec!["__sandbox".into()]);
    }
    let cli = Cli::parse();
    if let Err(error) = course::cancel::stop_on_signals(|| {}) {
        eprintln!("warning: Ctrl-C will not stop what runs cleanly: {error}");
    }
    let result = course::workspace::course_root(cli.root).and_then(|root| {
        // Grading this checkout reads its exercises' working copies, as every xtask command does.
        let packages = course::workspace::packages(&root)?;
        course::exercise::sync_all(&root, &packages, |note| eprintln!("{note}"))?;
        grade::main(cli.args, &root)
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
