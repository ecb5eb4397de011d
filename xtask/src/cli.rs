//! The command line, built with clap's builder: the arguments every subcommand shares the shape of.
//!
//! The builder rather than `#[derive(Parser)]`: the derive compiles syn with its `full`
//! feature and clap_derive, a tenth of xtask's cold build, for what a few calls say as well.
//! Help and errors are clap's own either way (the text is the same as the derive gave).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

/// `cargo xtask` and its subcommands, each defined in its own module.
pub fn command() -> Command {
    Command::new("cargo xtask")
        .bin_name("cargo xtask")
        .about("The course's own tasks: list, run and check the lessons")
        .arg_required_else_help(true)
        .subcommand_required(true)
        .arg(
            Arg::new("root")
                .long("root")
                .global(true)
                .value_name("DIR")
                .value_parser(value_parser!(PathBuf))
                .help(
                    "The course checkout to work on (default: the one holding the current \
                     directory, found as cargo does)",
                ),
        )
        .subcommands([
            crate::list::command(),
            crate::run::command(),
            crate::check::command(),
            crate::grade::command(),
            crate::bench::command(),
            Command::new("ci").about("Everything CI runs: fmt, clippy, the tests and check"),
            crate::test::command(),
            crate::watch::command(),
            crate::hint::command(),
            crate::reset::command(),
            crate::progress::command(),
        ])
}

/// `--NAME`, a switch.
pub fn flag(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .action(ArgAction::SetTrue)
        .help(help)
}

/// Any number of names given in a row (lessons, exercises), `[NAME]...` in the usage.
pub fn names(id: &'static str, value_name: &'static str, help: &'static str) -> Arg {
    Arg::new(id)
        .value_name(value_name)
        .action(ArgAction::Append)
        .help(help)
}

/// Everything after the subcommand, passed on untouched to another program.
pub fn passed_on(id: &'static str, value_name: &'static str, help: &'static str) -> Arg {
    Arg::new(id)
        .value_name(value_name)
        .action(ArgAction::Append)
        .value_parser(value_parser!(OsString))
        .trailing_var_arg(true)
        .allow_hyphen_values(true)
        .help(help)
}

pub fn strings(m: &ArgMatches, id: &str) -> Vec<String> {
    m.get_many::<String>(id)
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}

pub fn os_strings(m: &ArgMatches, id: &str) -> Vec<OsString> {
    m.get_many::<OsString>(id)
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}
