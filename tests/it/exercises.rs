//! The exercises: every solution passes and every starting point fails; watch, hint, reset, progress and grade end to end.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use course::exercise::{self, Progress, Stored};
use course::{Package, explain};
use predicates::prelude::*;
use serde_json::Value;

use crate::support;

/// Long enough for a first build of tokio on a loaded machine; only a guard against hanging.
const PATIENCE: Duration = Duration::from_secs(900);

fn exercises() -> Vec<&'static Package> {
    support::packages()
        .iter()
        .filter(|u| !u.is_lesson())
        .collect()
}

fn folder(package: &Package) -> String {
    package
        .dir
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Where `package`'s working copy is in the copy of the course at `copy`.
fn main_rs(copy: &Path, package: &Package) -> PathBuf {
    copy.join("exercises")
        .join(folder(package))
        .join("src/main.rs")
}

fn start_rs(package: &Package) -> Vec<u8> {
    std::fs::read(exercise::start_path(package)).unwrap()
}

fn solution(package: &Package) -> Vec<u8> {
    let path = support::root()
        .join("solutions")
        .join(folder(package))
        .join("main.rs");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn exercise(name: &str) -> &'static Package {
    exercises()
        .into_iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("no exercise {name}"))
}

/// A new learner's copy of the course: every exercise at its starting point (whatever the
/// checkout's own working copies hold) and no progress file.
fn fresh_course() -> tempfile::TempDir {
    let copy = support::copy_of_course();
    for package in exercises() {
        let dir = copy.path().join("exercises").join(folder(package));
        let _ = std::fs::remove_file(dir.join(".started.rs"));
        let _ = std::fs::remove_dir_all(dir.join("backup"));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(main_rs(copy.path(), package), start_rs(package)).unwrap();
    }
    let _ = std::fs::remove_file(copy.path().join(exercise::STATE_FILE));
    copy
}

fn xtask(copy: &Path) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(support::binary("xtask"));
    command
        .arg("--root")
        .arg(copy)
        .env("CARGO_TARGET_DIR", support::copies_target_dir())
        .timeout(PATIENCE);
    command
}

fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

fn saved_progress(copy: &Path) -> Progress {
    match Progress::read(copy) {
        Stored::Read(progress) => progress,
        other => panic!("the progress file should be readable: {other:?}"),
    }
}

/// Checks every exercise of the copy at `copy` through the engine, building into the shared dir.
fn check_all(copy: &Path) -> Vec<(String, exercise::Outcome)> {
    let packages = course::workspace::packages(copy).unwrap();
    let all = exercise::exercises(&packages);
    assert_eq!(all.len(), exercises().len());
    exercise::check(copy, &all, Some(&support::copies_target_dir()))
        .unwrap()
        .into_iter()
        .map(|c| (c.package.name.clone(), c.outcome))
        .collect()
}

fn explained(outcome: &exercise::Outcome) -> String {
    match outcome {
        exercise::Outcome::DoesNotCompile(errors) => format!("does not compile:\n{errors}"),
        exercise::Outcome::Ran(results) => results
            .iter()
            .map(|r| explain::explain(r, 40))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

// ---- the exercises themselves ---------------------------------------------------

#[test]
fn every_exercise_has_its_pieces() {
    assert!(exercises().len() >= 20, "{} exercises", exercises().len());
    for package in exercises() {
        for file in ["README.md", "hints.md", "expect.toml", "start.rs"] {
            assert!(
                package.dir.join(file).is_file(),
                "{} has no {file}",
                package.name
            );
        }
        assert!(
            exercise::hints(package).unwrap().len() >= 2,
            "{}: give at least two hints",
            package.name
        );
        assert!(!solution(package).is_empty());
    }
}

#[test]
fn every_solution_passes_its_spec() {
    let _one = support::copies_lock();
    let copy = fresh_course();
    for package in exercises() {
        std::fs::write(main_rs(copy.path(), package), solution(package)).unwrap();
    }
    let failed: Vec<String> = check_all(copy.path())
        .into_iter()
        .filter(|(_, outcome)| !outcome.passed())
        .map(|(package, outcome)| format!("━━ {package} ━━\n{}", explained(&outcome)))
        .collect();
    assert!(
        failed.is_empty(),
        "solutions that fail their spec:\n{}",
        failed.join("\n")
    );
}

#[test]
fn every_starting_point_compiles_and_fails_its_spec() {
    let _one = support::copies_lock();
    // start.rs, not the checkout's src/main.rs: a learner's edits may be there.
    let copy = fresh_course();
    for (package, outcome) in check_all(copy.path()) {
        match &outcome {
            exercise::Outcome::DoesNotCompile(errors) => {
                panic!("{package}: the starting point should compile:\n{errors}")
            }
            exercise::Outcome::Ran(_) => assert!(
                !outcome.passed(),
                "{package}: the starting point already passes; there is nothing to do"
            ),
        }
    }
}

// ---- watch ------------------------------------------------------------------------

/// `cargo xtask watch` running on a copy, its stdout read line by line.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(copy: &Path) -> Watch {
        let mut child = Command::new(support::binary("xtask"))
            .arg("--root")
            .arg(copy)
            .arg("watch")
            .env("CARGO_TARGET_DIR", support::copies_target_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Watch {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads until a line containing `text`; returns everything read since the last wait.
    fn wait_for(&mut self, text: &str) -> String {
        let from = self.seen.len();
        loop {
            match self.lines.recv_timeout(PATIENCE) {
                Ok(line) => {
                    let found = line.contains(text);
                    self.seen.push(line);
                    if found {
                        return self.seen[from..].join("\n");
                    }
                }
                Err(_) => panic!(
                    "watch never said {text:?}; it said:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_checks_every_save_of_the_current_exercise_and_moves_on_when_it_passes() {
    let _one = support::copies_lock();
    let copy = fresh_course();
    let first = exercise("exercise-01a-shared-list");
    let second = exercise("exercise-01b-child-reports-back");
    let mut watch = Watch::start(copy.path());
    let total = exercises().len();
    let intro = watch.wait_for("Edit exercises/01a-shared-list/src/main.rs and save");
    assert!(
        intro.contains("you are on: exercise-01a-shared-list"),
        "{intro}"
    );
    assert!(intro.contains("## Your task"), "{intro}");

    // A save that does not compile shows the compiler's error.
    let mut broken = start_rs(first);
    broken.extend_from_slice(b"\nfn broken( {}\n");
    std::fs::write(main_rs(copy.path(), first), broken).unwrap();
    let said = watch.wait_for("exercise-01a-shared-list does not compile yet");
    assert!(said.contains("error"), "{said}");

    // A save that compiles but is still wrong shows why, with the timeline.
    let mut wrong = start_rs(first);
    wrong.extend_from_slice(b"\n// not solved yet\n");
    std::fs::write(main_rs(copy.path(), first), wrong).unwrap();
    let said = watch.wait_for("exercise-01a-shared-list is not solved yet");
    assert!(said.contains("FAIL  case \"default\""), "{said}");
    assert!(said.contains("timeline (1 unit ="), "{said}");
    assert!(said.contains("rebuilt and checked in"), "{said}");

    // The solution passes, and watch moves on to the next exercise.
    std::fs::write(main_rs(copy.path(), first), solution(first)).unwrap();
    let said = watch.wait_for("✓ exercise-01a-shared-list passed!");
    assert!(said.contains("ok    case \"default\""), "{said}");
    assert!(
        said.contains(&format!("1/{total} exercises done")),
        "{said}"
    );
    let said = watch.wait_for("Edit exercises/01b-child-reports-back/src/main.rs and save");
    assert!(
        said.contains("next: exercise-01b-child-reports-back"),
        "{said}"
    );
    assert!(saved_progress(copy.path()).is_done(&first.name));

    // A save to another exercise is not checked in place of the current one.
    let elsewhere = exercise("exercise-03a-ten-workers");
    let mut edit = start_rs(elsewhere);
    edit.extend_from_slice(b"\n// looking ahead\n");
    std::fs::write(main_rs(copy.path(), elsewhere), edit).unwrap();
    watch.wait_for("saw a change to exercise-03a-ten-workers");

    std::fs::write(main_rs(copy.path(), second), solution(second)).unwrap();
    watch.wait_for("✓ exercise-01b-child-reports-back passed!");
    watch.wait_for("next: exercise-01c-count-every-visit");
    drop(watch);

    // The progress outlives the watch: a new command starts where it left off.
    let out = xtask(copy.path()).arg("progress").assert().success();
    let text = stdout_of(&out);
    assert!(
        text.contains(&format!("2/{total} exercises done")),
        "{text}"
    );
    assert!(
        text.contains("✓ exercise-01b-child-reports-back")
            && text.contains("→ exercise-01c-count-every-visit"),
        "{text}"
    );
    assert!(
        !stderr_of(&out).contains("rebuilding"),
        "{}",
        stderr_of(&out)
    );
}

// ---- progress ---------------------------------------------------------------------

#[test]
fn progress_survives_a_restart_and_a_corrupt_file_is_rebuilt_from_the_checks() {
    let _one = support::copies_lock();
    let copy = fresh_course();
    let state = copy.path().join(exercise::STATE_FILE);
    let total = exercises().len();
    let one_done = format!("1/{total} exercises done");

    // A new learner: nothing to check, nothing done.
    let out = xtask(copy.path()).arg("progress").assert().success();
    let text = stdout_of(&out);
    assert!(
        text.starts_with(&format!("[------------------------------] 0/{total}")),
        "{text}"
    );
    assert!(
        text.contains("→ exercise-01a-shared-list — Threads that share one list   ← you are here"),
        "{text}"
    );
    assert!(text.contains("· exercise-08b-await-a-process"), "{text}");
    assert!(
        stderr_of(&out).contains("no progress file yet"),
        "{}",
        stderr_of(&out)
    );
    assert!(state.is_file());

    // Solved outside watch, then the file is garbled: the rebuild checks what was edited.
    let first = exercise("exercise-01a-shared-list");
    let third = exercise("exercise-01c-count-every-visit");
    std::fs::write(main_rs(copy.path(), first), solution(first)).unwrap();
    let mut wrong = start_rs(third);
    wrong.extend_from_slice(b"\n// tried, not solved\n");
    std::fs::write(main_rs(copy.path(), third), wrong).unwrap();
    std::fs::write(&state, b"\xff\x00done = [[[ not toml").unwrap();
    let out = xtask(copy.path()).arg("progress").assert().success();
    let note = stderr_of(&out);
    assert!(
        note.contains("could not be read")
            && note.contains("checking the 2 exercise(s) you have edited"),
        "{note}"
    );
    assert_eq!(note.lines().count(), 1, "one line: {note}");
    let text = stdout_of(&out);
    assert!(text.contains(&one_done), "{text}");
    assert!(text.contains("✓ exercise-01a-shared-list"), "{text}");
    assert!(text.contains("→ exercise-01b-child-reports-back"), "{text}");
    assert!(text.contains("· exercise-01c-count-every-visit"), "{text}");

    // A restart reads the rebuilt file; nothing is checked again.
    let out = xtask(copy.path()).arg("progress").assert().success();
    assert_eq!(stderr_of(&out), "");
    assert!(stdout_of(&out).contains(&one_done));

    // A file that is valid TOML but not progress is corrupt too, and so is rebuilt.
    std::fs::write(&state, "finished = [\"everything\"]\n").unwrap();
    let out = xtask(copy.path()).arg("progress").assert().success();
    assert!(
        stderr_of(&out).contains("unknown field"),
        "{}",
        stderr_of(&out)
    );
    assert!(stdout_of(&out).contains(&one_done));

    // A missing file is rebuilt the same way.
    std::fs::remove_file(&state).unwrap();
    let out = xtask(copy.path()).arg("progress").assert().success();
    assert!(stderr_of(&out).contains("no progress file yet: rebuilding"));
    assert_eq!(
        saved_progress(copy.path()).done,
        [first.name.clone()].into()
    );
}

#[test]
fn all_done_says_so() {
    let copy = fresh_course();
    let mut progress = Progress::default();
    for package in exercises() {
        progress.mark_done(&package.name);
    }
    progress.save(copy.path()).unwrap();
    let out = xtask(copy.path()).arg("progress").assert().success();
    let text = stdout_of(&out);
    let total = exercises().len();
    assert!(
        text.starts_with(&format!("[##############################] {total}/{total}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("All {total} exercises are done")),
        "{text}"
    );
    xtask(copy.path())
        .arg("hint")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("every exercise is done"));
}

// ---- hint -------------------------------------------------------------------------

#[test]
fn hint_shows_the_current_exercises_hints_one_at_a_time() {
    let copy = fresh_course();
    let mut progress = Progress::default();
    progress.mark_done("exercise-01a-shared-list");
    progress.save(copy.path()).unwrap();
    let current = exercise("exercise-01b-child-reports-back");
    let hints = exercise::hints(current).unwrap();
    let total = hints.len();
    for n in 1..=total + 1 {
        let text = stdout_of(&xtask(copy.path()).arg("hint").assert().success());
        let shown = n.min(total);
        assert!(
            text.starts_with("exercise-01b-child-reports-back — "),
            "{text}"
        );
        assert!(
            text.contains(&format!("hint {shown} of {total}:")),
            "{text}"
        );
        let first_line = hints[shown - 1].lines().next().unwrap();
        assert!(text.contains(first_line), "{text}");
        if shown == total {
            assert!(text.contains("That was the last hint"), "{text}");
        }
    }
    // Named by folder code, another exercise keeps its own count.
    let text = stdout_of(&xtask(copy.path()).args(["hint", "03a"]).assert().success());
    assert!(
        text.contains("exercise-03a-ten-workers") && text.contains("hint 1 of"),
        "{text}"
    );
    let all = stdout_of(
        &xtask(copy.path())
            .args(["hint", "03a", "--all"])
            .assert()
            .success(),
    );
    let count = exercise::hints(exercise("exercise-03a-ten-workers"))
        .unwrap()
        .len();
    assert_eq!(all.matches(" of ").count(), count, "{all}");

    xtask(copy.path())
        .args(["hint", "lesson-thread"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "\"lesson-thread\" is a lesson, not an exercise",
        ));
    xtask(copy.path())
        .args(["hint", "nope"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("no exercise called \"nope\"")
                .and(predicates::str::contains("exercise-01a-shared-list")),
        );
}

// ---- reset ------------------------------------------------------------------------

/// A copy where 01a is solved, marked done, and edited further with notes of the learner's.
fn learner_with_work() -> (tempfile::TempDir, &'static Package) {
    let copy = fresh_course();
    let first = exercise("exercise-01a-shared-list");
    let mut mine = solution(first);
    mine.extend_from_slice(b"\n// my notes: Arc shares, Mutex guards\n");
    std::fs::write(main_rs(copy.path(), first), mine).unwrap();
    let mut progress = Progress::default();
    progress.mark_done(&first.name);
    progress.save(copy.path()).unwrap();
    (copy, first)
}

fn src_files(copy: &Path, package: &Package) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(main_rs(copy, package).parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn reset_with_yes_puts_the_start_back_and_keeps_the_work_in_a_backup() {
    let (copy, first) = learner_with_work();
    let work = std::fs::read(main_rs(copy.path(), first)).unwrap();
    let out = xtask(copy.path())
        .args(["reset", "exercise-01a-shared-list", "--yes"])
        .assert()
        .success();
    assert!(
        stdout_of(&out)
            .contains("exercises/01a-shared-list/src/main.rs is back at its starting point"),
        "{}",
        stdout_of(&out)
    );
    assert_eq!(
        std::fs::read(main_rs(copy.path(), first)).unwrap(),
        start_rs(first),
        "the working copy should be the starting point, byte for byte"
    );
    let backup = copy
        .path()
        .join("exercises/01a-shared-list/backup/main-1.rs");
    assert_eq!(
        std::fs::read(&backup).unwrap(),
        work,
        "the work should be kept outside src/"
    );
    assert!(
        stdout_of(&out).contains("your work is kept in exercises/01a-shared-list/backup/main-1.rs"),
        "{}",
        stdout_of(&out)
    );
    assert_eq!(
        src_files(copy.path(), first),
        ["main.rs"],
        "no temp file left"
    );
    assert!(!saved_progress(copy.path()).is_done(&first.name));
    // Resetting a starting point changes nothing and needs no question.
    xtask(copy.path()).args(["reset", "01a"]).assert().success();
    assert_eq!(
        std::fs::read(main_rs(copy.path(), first)).unwrap(),
        start_rs(first)
    );
}

#[test]
fn reset_without_a_terminal_refuses_and_keeps_the_work() {
    let (copy, first) = learner_with_work();
    let before = std::fs::read(main_rs(copy.path(), first)).unwrap();
    xtask(copy.path())
        .args(["reset", "exercise-01a-shared-list"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("pass --yes"));
    assert_eq!(std::fs::read(main_rs(copy.path(), first)).unwrap(), before);
    assert!(saved_progress(copy.path()).is_done(&first.name));
}

/// Runs xtask under a pseudo-terminal (Python's `pty`, which CI has for the originals),
/// answers its question with `answer`, and returns the exit code and what it showed.
fn reset_on_a_terminal(copy: &Path, answer: &str) -> (i32, String) {
    const SCRIPT: &str = r#"
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
answer, seen, answered = sys.argv[1], b"", False
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not answered and b"[y/N]" in seen:
        os.write(fd, answer.encode() + b"\n")
        answered = True
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
"#;
    let out = Command::new("python3")
        .args(["-c", SCRIPT, answer])
        .arg(support::binary("xtask"))
        .arg("--root")
        .arg(copy)
        .args(["reset", "exercise-01a-shared-list"])
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs the pseudo-terminal");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn reset_on_a_terminal_asks_first() {
    let (copy, first) = learner_with_work();
    let before = std::fs::read(main_rs(copy.path(), first)).unwrap();
    let (code, shown) = reset_on_a_terminal(copy.path(), "n");
    assert!(
        shown.contains(
            "put exercises/01a-shared-list/src/main.rs back at its starting point? (your changes go to a backup) [y/N]"
        ),
        "{shown}"
    );
    assert_eq!(code, 1, "{shown}");
    assert!(shown.contains("kept your changes"), "{shown}");
    assert_eq!(std::fs::read(main_rs(copy.path(), first)).unwrap(), before);

    let (code, shown) = reset_on_a_terminal(copy.path(), "y");
    assert_eq!(code, 0, "{shown}");
    assert_eq!(
        std::fs::read(main_rs(copy.path(), first)).unwrap(),
        start_rs(first)
    );
    assert!(!saved_progress(copy.path()).is_done(&first.name));
}

// ---- grade ------------------------------------------------------------------------

fn grade(submission: &Path, exercises: &[&str]) -> Value {
    let reports = tempfile::tempdir().unwrap();
    let json = reports.path().join("results.json");
    assert_cmd::Command::new(support::binary("xtask"))
        .arg("grade")
        .args(exercises)
        .arg("--submission")
        .arg(submission)
        .arg("--json")
        .arg(&json)
        .arg("--target-dir")
        .arg(support::root().join("target/it-grade"))
        .timeout(PATIENCE)
        .assert()
        .success();
    serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap()
}

#[test]
fn grade_grades_exercises_like_lessons() {
    let graded = ["exercise-01a-shared-list", "exercise-07c-timeout"];
    let solved = fresh_course();
    for name in graded {
        let package = exercise(name);
        std::fs::write(main_rs(solved.path(), package), solution(package)).unwrap();
    }
    let json = grade(solved.path(), &graded);
    assert_eq!(json["score"], 2.0, "{json}");
    for test in json["tests"].as_array().unwrap() {
        assert_eq!(test["status"], "passed", "{test}");
    }

    let untouched = fresh_course();
    let json = grade(untouched.path(), &graded);
    assert_eq!(json["score"], 0.0, "{json}");
    let tests = json["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 2, "{json}");
    for test in tests {
        assert_eq!(test["status"], "failed", "{test}");
        assert!(
            test["name"].as_str().unwrap().starts_with("exercise-"),
            "{test}"
        );
    }
}

// ---- course updates ---------------------------------------------------------------

/// The course keeps one copy of each starting point (start.rs, tracked); the working copies
/// are the learner's and git does not track them, so a `git pull` never conflicts with them.
#[test]
fn the_course_tracks_starting_points_not_working_copies() {
    let tracked = Command::new("git")
        .args(["ls-files", "exercises"])
        .current_dir(support::root())
        .output()
        .unwrap();
    if !tracked.status.success() {
        return; // not a git checkout (a source tarball): nothing to compare
    }
    let tracked = String::from_utf8_lossy(&tracked.stdout);
    for package in exercises() {
        let folder = folder(package);
        assert!(
            tracked.contains(&format!("exercises/{folder}/start.rs")),
            "{folder}/start.rs is not tracked"
        );
        assert!(
            !tracked.contains(&format!("exercises/{folder}/src/")),
            "{folder}/src/ is tracked: working copies are the learner's"
        );
    }
}

/// A fresh clone has no working copies; the first `cargo xtask` command writes them all.
#[test]
fn the_first_command_writes_every_working_copy() {
    let copy = fresh_course();
    for package in exercises() {
        std::fs::remove_dir_all(main_rs(copy.path(), package).parent().unwrap()).unwrap();
    }
    xtask(copy.path()).arg("list").assert().success();
    for package in exercises() {
        assert_eq!(
            std::fs::read(main_rs(copy.path(), package)).unwrap(),
            start_rs(package),
            "{}",
            package.name
        );
    }
}

/// A course update (here: start.rs changed as a `git pull` would change it) reaches an
/// exercise the learner has not touched, and leaves an edited one alone, saying how to take
/// the new starting point; taking it keeps the learner's work in a backup.
#[test]
fn a_course_update_reaches_untouched_exercises_and_keeps_the_learners_work() {
    let (copy, edited) = learner_with_work();
    let untouched = exercise("exercise-03a-ten-workers");
    // The first command records which starting point each working copy began as.
    xtask(copy.path()).arg("progress").assert().success();
    let work = std::fs::read(main_rs(copy.path(), edited)).unwrap();
    let update = |package: &Package| {
        let mut start = start_rs(package);
        start.extend_from_slice(b"\n// A clearer comment from the course update.\n");
        let path = copy
            .path()
            .join("exercises")
            .join(folder(package))
            .join("start.rs");
        std::fs::write(path, &start).unwrap();
        start
    };
    let new_untouched = update(untouched);
    let new_edited = update(edited);

    let out = xtask(copy.path()).arg("progress").assert().success();
    let said = stderr_of(&out);
    assert_eq!(
        std::fs::read(main_rs(copy.path(), untouched)).unwrap(),
        new_untouched,
        "an untouched exercise should follow the update"
    );
    assert_eq!(
        std::fs::read(main_rs(copy.path(), edited)).unwrap(),
        work,
        "the learner's work must be kept"
    );
    assert!(
        said.contains("exercises/03a-ten-workers/src/main.rs has a new starting point"),
        "{said}"
    );
    assert!(
        said.contains("a course update changed the starting point of exercise-01a-shared-list")
            && said.contains("cargo xtask reset exercise-01a-shared-list"),
        "{said}"
    );

    xtask(copy.path())
        .args(["reset", "01a", "--yes"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(main_rs(copy.path(), edited)).unwrap(),
        new_edited
    );
    let backup = copy
        .path()
        .join("exercises/01a-shared-list/backup/main-1.rs");
    assert_eq!(std::fs::read(backup).unwrap(), work);
    // In step again: nothing more to say.
    let out = xtask(copy.path()).arg("progress").assert().success();
    assert!(
        !stderr_of(&out).contains("course update"),
        "{}",
        stderr_of(&out)
    );
}
