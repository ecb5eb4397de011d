//! cargo xtask entry point: parses the command line and hands off to one module per subcommand.

mod bench;
mod check;
mod ci;
mod grade;
mod hint;
mod interrupt;
mod list;
mod progress;
mod reset;
mod run;
mod term;
mod test;
mod ui;
mod watch;
mod watch_screen;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The course's own tasks: list, run and check the lessons.
#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    arg_required_else_help = true
)]
struct Cli {
    /// The course checkout to work on (default: the one holding the current directory, found as cargo does).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the lessons in the notes' order (and the exercises on each).
    List(list::Args),
    /// Build once, then run lessons in order with their output live.
    Run(run::Args),
    /// Run lessons time-scaled and check each against its expect.toml.
    Check(check::Args),
    /// Grade students' copies against this checkout's specs, with Gradescope and JUnit reports.
    #[command(disable_help_flag = true)]
    Grade(grade::Args),
    /// Measure the notes' claims: the cost of a thread, a process and a task, Rust beside Python.
    Bench(bench::Args),
    /// Everything CI runs: fmt, clippy, the tests and check.
    Ci,
    /// The tests: `cargo test --workspace` once every exercise has its working copy.
    Test(test::Args),
    /// On every save, rebuild and check the exercise you are on; move on when it passes.
    Watch(watch::Args),
    /// The next hint of an exercise (the one you are on when none is named).
    Hint(hint::Args),
    /// Put an exercise's starting point back (asks before throwing your changes away).
    Reset(reset::Args),
    /// Your progress through the exercises: a bar and the list, done, current and to do.
    Progress(progress::Args),
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "__sandbox") {
        grade::sandbox(&args[1..]);
    }
    let cli = Cli::parse();
    if let Err(error) = interrupt::install() {
        eprintln!("warning: Ctrl-C will not stop what runs cleanly: {error}");
    }
    let result = match cli.command {
        // The grader finds the course itself (it may be run on its own), so it is handed
        // `--root` as given.
        Command::Grade(args) => grade::main(args, cli.root.as_deref()),
        command => course::workspace::course_root(cli.root).and_then(|root| {
            // The exercises' working copies are the learner's, untracked; every command but
            // the ones that never read them first brings them in step with the course.
            if !matches!(command, Command::Ci | Command::Bench(_)) {
                course::exercise::sync_all(&root, &course::workspace::packages(&root)?, |note| {
                    eprintln!("{note}")
                })?;
            }
            dispatch(command, &root)
        }),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(command: Command, root: &std::path::Path) -> anyhow::Result<ExitCode> {
    match command {
        Command::List(args) => list::main(args, root),
        Command::Run(args) => run::main(args, root),
        Command::Check(args) => check::main(args, root),
        Command::Grade(args) => grade::main(args, Some(root)),
        Command::Bench(args) => bench::main(args, root),
        Command::Ci => ci::main(root),
        Command::Test(args) => test::main(args, root),
        Command::Watch(args) => watch::main(args, root),
        Command::Hint(args) => hint::main(args, root),
        Command::Reset(args) => reset::main(args, root),
        Command::Progress(args) => progress::main(args, root),
    }
}
