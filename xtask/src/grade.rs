//! `cargo xtask grade`: builds the grader (`crates/grader`) beside xtask and hands the command to it.
//!
//! Grading is the instructor's, not the learner's: staging submissions, the sandbox
//! launcher with Landlock, and the Gradescope, JUnit and GitHub Classroom reports are
//! compiled only when grading is asked for, never for `cargo xtask list` or `watch`
//! (the README's "Development" figures say what that saves), as `cargo xtask bench`
//! builds the bench. The grader replaces this process (`exec`), so its exit code, its
//! output and Ctrl-C are its own, exactly as when grading lived in xtask.

use crate::cli;
use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::interrupt;

pub struct Args {
    options: Vec<OsString>,
}

pub fn command() -> clap::Command {
    clap::Command::new("grade")
        .about("Grade students' copies against this checkout's specs, with Gradescope and JUnit reports")
        .disable_help_flag(true)
        .arg(cli::passed_on(
            "options",
            "ARGS",
            "The grader's own options (`cargo xtask grade --help` lists them): LESSONS, \
             --submission DIR, --submissions DIR, --json FILE, --junit FILE, --classroom FILE, \
             --exercises, --target-dir DIR, --prepare",
        ))
}

impl Args {
    pub fn from(m: &clap::ArgMatches) -> Args {
        Args {
            options: cli::os_strings(m, "options"),
        }
    }
}

pub fn main(args: Args, root: Option<&Path>) -> anyhow::Result<ExitCode> {
    let grader = build()?;
    let mut command = Command::new(&grader);
    if let Some(root) = root {
        command.arg("--root").arg(root);
    }
    command.args(&args.options);
    // Only returns if the grader could not be started.
    let error = command.exec();
    Err(error).with_context(|| format!("cannot start the grader {}", grader.display()))
}

/// `xtask __sandbox POLICY PROGRAM ARGS…`: the sandbox launcher is the grader's
/// (`grader __sandbox`, which the grader registers); this hands the same command to the
/// grader built beside xtask, so either name runs it. Never returns.
pub fn sandbox(args: &[OsString]) -> ! {
    let grader = std::env::current_exe().map(|me| me.with_file_name("grader"));
    let error = match &grader {
        Ok(grader) => Command::new(grader).args(args).exec(),
        Err(e) => std::io::Error::new(e.kind(), e.to_string()),
    };
    eprintln!(
        "__sandbox: cannot start the grader beside xtask ({error}); build it with `cargo build -p grader`"
    );
    std::process::exit(2)
}

/// Builds the grader of the checkout xtask was built from, into the target dir xtask
/// itself sits in (so the two share compiled dependencies), and returns its path.
///
/// The grader is part of the tooling, like xtask, so it comes from xtask's own checkout
/// even when `--root` names another course: a copy of the course never builds tooling of
/// its own.
fn build() -> anyhow::Result<PathBuf> {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask's manifest has no parent folder")?;
    if !tools.join("crates/grader/Cargo.toml").is_file() {
        bail!(
            "the grader's sources are not at {}/crates/grader any more (was the checkout moved?); \
             run `cargo xtask grade` from the course checkout so xtask is rebuilt there",
            tools.display()
        );
    }
    let (done, waited) = mpsc::channel::<()>();
    // Up to date, the build takes a moment; the first one compiles the grader and says so.
    let note = std::thread::spawn(move || {
        if waited.recv_timeout(Duration::from_secs(2)).is_err() {
            eprintln!("building the grader (crates/grader), once after each change to it…");
        }
    });
    let built = course::workspace::build(tools, &["grader"], own_target_dir().as_deref());
    let _ = done.send(());
    let _ = note.join();
    interrupt::checkpoint();
    let built = built?;
    if !built.errors.is_empty() {
        let errors: Vec<&str> = built.errors.values().map(String::as_str).collect();
        bail!("the grader does not compile:\n{}", errors.join("\n"));
    }
    built
        .binaries
        .get("grader")
        .cloned()
        .context("cargo built no grader binary")
}

/// The target dir xtask was built in (`…/target/debug/xtask` → `…/target`, which cargo
/// marks with a CACHEDIR.TAG); `None` elsewhere, and cargo then picks the usual one.
fn own_target_dir() -> Option<PathBuf> {
    let me = std::env::current_exe().ok()?;
    let dir = me.parent()?.parent()?;
    dir.join("CACHEDIR.TAG").is_file().then(|| dir.to_owned())
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    #[test]
    fn xtask_compiles_none_of_the_graders_own_crates() {
        // What the grader alone needs must stay off the everyday path (`cargo xtask list`,
        // `watch`): course's `grade` feature is the grader's to turn on.
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .args(["tree", "--package", "xtask", "--edges", "normal,build"])
            .args(["--prefix", "none", "--format", "{p} {f}"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo tree runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let tree = String::from_utf8(out.stdout).unwrap();
        assert!(tree.lines().any(|l| l.starts_with("course ")), "{tree}");
        for line in tree.lines() {
            let name = line.split_whitespace().next().unwrap_or_default();
            assert!(
                !["landlock", "quick-junit", "base64", "grader"].contains(&name),
                "xtask pulls in {line}"
            );
            // "course v0.1.0 (/path) feature,feature": the features follow the path.
            let features = line.rsplit_once(')').map_or("", |(_, f)| f);
            if name == "course" {
                assert!(
                    !features.contains("grade"),
                    "xtask turns on course's {line}"
                );
            }
        }
    }
}
