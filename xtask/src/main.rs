//! cargo xtask entry point: parses the command line and hands off to one module per subcommand.

mod bench;
mod check;
mod ci;
mod cli;
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

/// What was asked for: a subcommand and its arguments (see `cli`).
enum Command {
    List(list::Args),
    Run(run::Args),
    Check(check::Args),
    Grade(grade::Args),
    Bench(bench::Args),
    Ci,
    Test(test::Args),
    Watch(watch::Args),
    Hint(hint::Args),
    Reset(reset::Args),
    Progress,
}

impl Command {
    fn from(matches: &clap::ArgMatches) -> Command {
        let Some((name, m)) = matches.subcommand() else {
            unreachable!("clap requires a subcommand")
        };
        match name {
            "list" => Command::List(list::Args::from(m)),
            "run" => Command::Run(run::Args::from(m)),
            "check" => Command::Check(check::Args::from(m)),
            "grade" => Command::Grade(grade::Args::from(m)),
            "bench" => Command::Bench(bench::Args::from(m)),
            "ci" => Command::Ci,
            "test" => Command::Test(test::Args::from(m)),
            "watch" => Command::Watch(watch::Args::from(m)),
            "hint" => Command::Hint(hint::Args::from(m)),
            "reset" => Command::Reset(reset::Args::from(m)),
            "progress" => Command::Progress,
            other => unreachable!("clap accepted an unknown subcommand {other}"),
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "__sandbox") {
        grade::sandbox(&args[1..]);
    }
    let matches = cli::command().get_matches();
    let root = matches.get_one::<PathBuf>("root").cloned();
    let command = Command::from(&matches);
    if let Err(error) = interrupt::install() {
        eprintln!("warning: Ctrl-C will not stop what runs cleanly: {error}");
    }
    let result = match command {
        // The grader finds the course itself (it may be run on its own), so it is handed
        // `--root` as given.
        Command::Grade(args) => grade::main(args, root.as_deref()),
        command => course::workspace::course_root(root).and_then(|root| {
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
        Command::Progress => progress::main(root),
    }
}
