//! `cargo xtask watch`: on every save, rebuild and check the exercise you are on; move on when it passes.
//!
//! One loop owns everything: file events (from `notify`) and, when stdin is a terminal,
//! typed commands arrive on one channel, so a check is never interrupted half-way and
//! a save made during a check is seen right after it. Every line is printed whole
//! (stdout is line-buffered), so a test can drive the loop by writing files and
//! reading what it says.

use crate::cli;
use std::collections::VecDeque;
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Context;
use course::exercise::{self, Outcome, Progress, Stored};
use course::{Package, explain, workspace};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::progress::{self, Study, relative};
use crate::{hint, ui};

pub struct Args {
    plain: bool,
}

pub fn command() -> clap::Command {
    clap::Command::new("watch")
        .about("On every save, rebuild and check the exercise you are on; move on when it passes")
        .arg(cli::flag(
            "plain",
            "Plain lines even on a terminal (no single keys, no redrawn screen), moving on by itself",
        ))
}

impl Args {
    pub fn from(m: &clap::ArgMatches) -> Args {
        Args {
            plain: m.get_flag("plain"),
        }
    }
}

/// Editors save in several steps (write a temp file, rename, touch); wait this long
/// after the last event before checking, so one save is one check.
const DEBOUNCE: Duration = Duration::from_millis(100);

/// What the loop reacts to.
pub(crate) enum Signal {
    Files(notify::Result<notify::Event>),
    Key(Key),
    /// A key pressed in raw mode (the screen).
    Press(crossterm::event::KeyEvent),
    /// The terminal changed size: redraw.
    Resize,
}

/// A command typed at the terminal, one per line.
pub(crate) enum Key {
    Check,
    Hint,
    Progress,
    Quit,
    Help,
}

const KEYS_HELP: &str =
    "type h + Enter for a hint, p for your progress, Enter to check again, q to quit";

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    let study = Study::load(root)?;
    let exercises_dir = root.join("exercises");
    let (tx, rx) = mpsc::channel();
    let files = tx.clone();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = files.send(Signal::Files(event));
    })
    .context("cannot start watching files")?;
    watcher
        .watch(&exercises_dir, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}", exercises_dir.display()))?;
    let screen = !args.plain && std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if screen {
        return crate::watch_screen::run(root, exercises_dir, study, tx, &rx);
    }
    let keys = std::io::stdin().is_terminal();
    if keys {
        std::thread::spawn(move || read_keys(&tx));
    } else {
        // Nobody can type: the loop ends only when it is stopped or every exercise is done.
        drop(tx);
    }
    println!(
        "watching {}/ for changes: every save rebuilds and checks the exercise you are on",
        relative(root, &exercises_dir)
    );
    if keys {
        println!("{KEYS_HELP}");
    }
    let mut watch = Watch {
        root,
        exercises_dir,
        study,
        announced: None,
    };
    watch.run(&rx)
}

struct Watch<'a> {
    root: &'a Path,
    exercises_dir: PathBuf,
    study: Study,
    /// The exercise last introduced to the learner.
    announced: Option<String>,
}

impl Watch<'_> {
    fn run(&mut self, rx: &Receiver<Signal>) -> anyhow::Result<ExitCode> {
        let mut pending = VecDeque::new();
        loop {
            let Some(package) = self.study.current().cloned() else {
                let total = self.study.exercises().len();
                println!(
                    "\n{} All {total} exercises are done. Well done!",
                    progress::bar(total, total, 30)
                );
                return Ok(ExitCode::SUCCESS);
            };
            if self.announced.as_deref() != Some(package.name.as_str()) {
                self.announce(&package);
                // Work already there (from before this watch) is checked at once; an
                // untouched starting point is known to fail, so it waits for a save.
                if exercise::is_edited(&package).unwrap_or(false) {
                    self.check(&package);
                } else {
                    self.warm_up(&package);
                }
                continue;
            }
            let Some(signal) = next_signal(&mut pending, rx) else {
                return Ok(ExitCode::SUCCESS);
            };
            match signal {
                Signal::Files(event) => {
                    let paths = debounce(event, rx, &mut pending);
                    self.on_files(&package, &paths);
                }
                Signal::Press(_) | Signal::Resize => {}
                Signal::Key(Key::Check) => self.check(&package),
                Signal::Key(Key::Hint) => self.hint(&package),
                Signal::Key(Key::Progress) => {
                    print!("{}", progress::report(self.root, &self.study))
                }
                Signal::Key(Key::Help) => println!("{KEYS_HELP}"),
                Signal::Key(Key::Quit) => return Ok(ExitCode::SUCCESS),
            }
        }
    }

    /// Introduces the exercise the learner is now on: its README's story and task.
    fn announce(&mut self, package: &Package) {
        let exercises = self.study.exercises();
        let position = |package: &str| exercises.iter().position(|u| u.name == package);
        let number = position(&package.name).unwrap_or(0) + 1;
        // A reset of an earlier exercise (from another terminal) sends the learner back.
        let verb = match self.announced.as_deref().map(position) {
            None => "you are on",
            Some(Some(before)) if before + 1 > number => "back to",
            Some(_) => "next",
        };
        println!(
            "\n━━ {verb}: {} ({number}/{}) ━━",
            ui::label(package),
            exercises.len()
        );
        match exercise::readme_opening(package) {
            Ok(opening) => println!("{opening}"),
            Err(error) => println!("({error:#})"),
        }
        println!(
            "\nEdit {} and save: it is checked every time. The whole task is in {}.",
            relative(self.root, &exercise::main_path(package)),
            relative(self.root, &package.dir.join("README.md"))
        );
        self.announced = Some(package.name.clone());
    }

    /// Builds an untouched exercise once, so the first save does not wait for its
    /// dependencies (each exercise builds tokio with its own features) to compile.
    fn warm_up(&self, package: &Package) {
        let started = Instant::now();
        // Whether it compiles is for the first save to tell; this only fills cargo's cache.
        let _ = workspace::build(self.root, &[&package.name], None);
        if started.elapsed() > Duration::from_secs(3) {
            println!(
                "(built what {} needs in {}; from now on a save is checked in about a second)",
                package.name,
                ui::seconds(started.elapsed())
            );
        }
    }

    fn on_files(&mut self, package: &Package, paths: &[PathBuf]) {
        // Another command (reset, hint) may have changed the progress file meanwhile.
        if let Stored::Read(progress) = Progress::read(self.root) {
            self.study.progress = progress;
        }
        if self
            .study
            .current()
            .is_none_or(|current| current.name != package.name)
        {
            // The loop introduces the exercise the learner is now on.
            return;
        }
        let folders: Vec<&str> = paths
            .iter()
            .filter_map(|p| source_folder(&self.exercises_dir, p))
            .collect();
        let own = package.dir.file_name().and_then(|f| f.to_str());
        if folders.iter().any(|f| Some(*f) == own) {
            self.check(package);
        } else if let Some(other) = folders.first() {
            let other = self
                .study
                .exercises()
                .into_iter()
                .find(|u| u.dir.file_name().and_then(|f| f.to_str()) == Some(other))
                .map_or_else(|| other.to_string(), |u| u.name.clone());
            println!(
                "(saw a change to {other}; watch checks the exercise you are on, {}. \
                 `cargo xtask check {other}` checks that one.)",
                package.name
            );
        }
    }

    /// Rebuilds and checks `package`, says how it went, and marks it done when it passed.
    fn check(&mut self, package: &Package) {
        println!("\nchecking {} …", package.name);
        let started = Instant::now();
        let checked = match exercise::check(self.root, &[package], None) {
            Ok(mut checked) => checked.remove(0),
            Err(error) => {
                println!("error: {error:#}\n(still watching: save again once it is fixed)");
                return;
            }
        };
        let (cols, rows) = crate::term::size();
        print!("{}", explained(&checked.outcome, cols, rows));
        println!("rebuilt and checked in {}", ui::seconds(started.elapsed()));
        let main = relative(self.root, &exercise::main_path(package));
        match &checked.outcome {
            Outcome::DoesNotCompile(_) => {
                println!(
                    "✗ {} does not compile yet: fix {main} and save again",
                    package.name
                );
                return;
            }
            outcome if !outcome.passed() => {
                println!(
                    "✗ {} is not solved yet: fix {main} and save again (stuck? `cargo xtask hint`)",
                    package.name
                );
                return;
            }
            _ => {}
        }
        if let Err(error) = record_pass(self.root, &mut self.study, package) {
            println!("warning: your progress could not be saved: {error:#}");
        }
        let exercises = self.study.exercises();
        let done = self.study.progress.done_count(&exercises);
        println!(
            "✓ {} passed! {} {done}/{} exercises done",
            package.name,
            progress::bar(done, exercises.len(), 30),
            exercises.len()
        );
    }

    fn hint(&mut self, package: &Package) {
        match hint::next_hint(package, &mut self.study.progress, false) {
            Ok(text) => {
                print!("\n{text}");
                if let Err(error) = self.study.progress.save(self.root) {
                    println!("warning: your progress could not be saved: {error:#}");
                }
            }
            Err(error) => println!("error: {error:#}"),
        }
    }
}

/// The next signal: one put aside while debouncing, else the next to arrive; `None` once
/// nothing can arrive any more.
pub(crate) fn next_signal(pending: &mut VecDeque<Signal>, rx: &Receiver<Signal>) -> Option<Signal> {
    pending.pop_front().or_else(|| rx.recv().ok())
}

/// The paths changed by `first` and the events right after it: waits until files are quiet
/// for DEBOUNCE, or a second at most if something keeps touching them. Other signals
/// arriving meanwhile are kept in `pending`, in order.
pub(crate) fn debounce(
    first: notify::Result<notify::Event>,
    rx: &Receiver<Signal>,
    pending: &mut VecDeque<Signal>,
) -> Vec<PathBuf> {
    let mut paths = changed_paths(first);
    let latest = Instant::now() + Duration::from_secs(1);
    while Instant::now() < latest {
        match rx.recv_timeout(DEBOUNCE) {
            Ok(Signal::Files(event)) => paths.extend(changed_paths(event)),
            Ok(other) => pending.push_back(other),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
        }
    }
    paths
}

/// The paths an event changed; reads (cargo and rustc open the sources) change nothing.
fn changed_paths(event: notify::Result<notify::Event>) -> Vec<PathBuf> {
    match event {
        Ok(event) => match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => event.paths,
            EventKind::Access(_) => Vec::new(),
            _ => event.paths,
        },
        Err(error) => {
            println!("warning: file watching: {error}");
            Vec::new()
        }
    }
}

/// The exercise folder a changed source file belongs to (e.g. `01a-shared-list`), or
/// `None` for anything that is not an exercise's source: editor swap files, hidden
/// temp files, the pristine `start.rs`, reset's backups, notes.
pub(crate) fn source_folder<'p>(exercises_dir: &Path, path: &'p Path) -> Option<&'p str> {
    let inside = path.strip_prefix(exercises_dir).ok()?;
    let name = path.file_name()?.to_str()?;
    let source = matches!(path.extension()?.to_str()?, "rs" | "toml")
        && !name.starts_with('.')
        && name != "start.rs"
        && !inside.components().any(|c| c.as_os_str() == "backup");
    if !source {
        return None;
    }
    inside.components().next()?.as_os_str().to_str()
}

/// What a check found, as the learner reads it: the compiler's errors, or each case's verdict
/// with its explanation, each cut to a screenful (`cols` by `rows`) so a flood stays readable.
pub(crate) fn explained(outcome: &Outcome, cols: usize, rows: usize) -> String {
    match outcome {
        Outcome::DoesNotCompile(errors) => crate::term::screenful(errors, cols, rows),
        Outcome::Ran(results) => results
            .iter()
            .map(|result| {
                let verdict = if result.passed() { "ok  " } else { "FAIL" };
                format!(
                    "\n{}  case {:?} ({})\n{}",
                    crate::term::paint(verdict, result.passed()),
                    result.case.name,
                    ui::seconds(result.run.wall),
                    crate::term::screenful(&explain::explain(result, 30), cols, rows)
                )
            })
            .collect(),
    }
}

/// Marks `package` done in the progress file, re-read first since another command (reset,
/// hint, check) may have changed it meanwhile.
pub(crate) fn record_pass(root: &Path, study: &mut Study, package: &Package) -> anyhow::Result<()> {
    if let Stored::Read(progress) = Progress::read(root) {
        study.progress = progress;
    }
    study.progress.mark_done(&package.name);
    study.progress.save(root)
}

fn read_keys(tx: &mpsc::Sender<Signal>) {
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let key = match line.trim() {
            "" => Key::Check,
            "h" | "hint" => Key::Hint,
            "p" | "progress" | "l" | "list" => Key::Progress,
            "q" | "quit" | "exit" => Key::Quit,
            _ => Key::Help,
        };
        if tx.send(Signal::Key(key)).is_err() {
            return;
        }
    }
    // End of input (Ctrl-D) quits, as it would a shell.
    let _ = tx.send(Signal::Key(Key::Quit));
}

#[cfg(test)]
mod tests {
    use super::source_folder;
    use std::path::Path;

    #[test]
    fn only_an_exercises_sources_count_as_changes() {
        let dir = Path::new("/c/exercises");
        let folder = |p: &'static str| source_folder(dir, Path::new(p));
        assert_eq!(folder("/c/exercises/01a-x/src/main.rs"), Some("01a-x"));
        assert_eq!(folder("/c/exercises/01a-x/Cargo.toml"), Some("01a-x"));
        assert_eq!(folder("/c/exercises/01a-x/start.rs"), None);
        assert_eq!(folder("/c/exercises/01a-x/backup/main-1.rs"), None);
        assert_eq!(folder("/c/exercises/01a-x/src/.main.rs.swp"), None);
        assert_eq!(folder("/c/exercises/01a-x/src/.tmpAbC12"), None);
        assert_eq!(folder("/c/exercises/01a-x/src/main.rs~"), None);
        assert_eq!(folder("/c/exercises/01a-x/README.md"), None);
        assert_eq!(folder("/c/lessons/02-thread/src/main.rs"), None);
    }
}
