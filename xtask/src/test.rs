//! `cargo xtask test`: the README's test command, `cargo test --workspace` once the exercises' working copies exist.
//!
//! The exercises' `src/main.rs` files are the learner's own and untracked, so a fresh clone has
//! none and a bare `cargo test --workspace` would stop at "can't find bin". `main` writes them
//! from their starting points before any command runs; this one then hands over to cargo.

use crate::cli;
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode};

pub struct Args {
    args: Vec<OsString>,
}

pub fn command() -> clap::Command {
    clap::Command::new("test")
        .about("The tests: `cargo test --workspace` once every exercise has its working copy")
        .arg(cli::passed_on(
            "args",
            "CARGO TEST ARGS",
            "Passed on to `cargo test --workspace`, e.g. `-- grade::` to run one module",
        ))
}

impl Args {
    pub fn from(m: &clap::ArgMatches) -> Args {
        Args {
            args: cli::os_strings(m, "args"),
        }
    }
}

/// Test threads when the caller sets none: most of the integration tests wait on lessons that
/// sleep, on sandboxed builds or on a turn at a shared lock, so more tests than cores keep
/// both cores busy, where one test per core left them half idle. On the 2-core machine the
/// integration tests took 150 s with 4 threads, 141 s with 5 and 141 s with 6, at the same
/// CPU time (README's "Development").
const TEST_THREADS: &str = "5";

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["test", "--workspace"]);
    // Lessons and exercises hold no tests of their own (the integration tests run them against
    // their specs, and clippy checks the solutions): building a test harness for each of them
    // and every solution example is left out. One that gains a test is tested again.
    for package in course::workspace::packages(root)? {
        if !has_tests(&package.dir) {
            command.arg("--exclude").arg(&package.name);
        }
    }
    if std::env::var_os("RUST_TEST_THREADS").is_none() {
        command.env("RUST_TEST_THREADS", TEST_THREADS);
    }
    let status = command
        .args(&args.args)
        .current_dir(root)
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run cargo test: {e}"))?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}

/// Whether any Rust file under `dir` holds a test (`#[test]` or a `cfg(test)` module).
fn has_tests(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        if path.is_dir() {
            return path.file_name().is_some_and(|n| n != "target") && has_tests(&path);
        }
        path.extension().is_some_and(|e| e == "rs")
            && std::fs::read_to_string(&path)
                .is_ok_and(|text| text.contains("#[test]") || text.contains("cfg(test)"))
    })
}

#[cfg(test)]
mod tests {
    use super::has_tests;

    #[test]
    fn a_package_with_a_test_anywhere_in_it_is_tested() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/deep")).unwrap();
        std::fs::write(dir.path().join("src/main.rs"), "fn main() {}\n").unwrap();
        assert!(!has_tests(dir.path()));
        std::fs::write(
            dir.path().join("src/deep/more.rs"),
            "#[test]\nfn works() {}\n",
        )
        .unwrap();
        assert!(has_tests(dir.path()));
    }
}
