//! cargo xtask entry point: parses the command line and hands off to one module per subcommand.

mod check;
mod ci;
mod grade;
mod list;
mod run;
mod ui;

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
    /// The course checkout to work on (default: the one this xtask belongs to).
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
    Grade(grade::Args),
    /// Everything CI runs: fmt, clippy, the tests and check.
    Ci,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = ui::root(cli.root).and_then(|root| match cli.command {
        Command::List(args) => list::main(args, &root),
        Command::Run(args) => run::main(args, &root),
        Command::Check(args) => check::main(args, &root),
        Command::Grade(args) => grade::main(args, &root),
        Command::Ci => ci::main(&root),
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
