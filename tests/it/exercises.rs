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

/// Checks every exercise of the copy at `copy` through the engine, building into `target`.
///
/// The two tests that check all 21 exercises each build into a target dir of their own, so
/// they need no turn at the copies' lock: the check runs every case one after another, and
/// holding the lock that long kept the other copies' tests (and their test threads) waiting.
fn check_all(copy: &Path, target: &str) -> Vec<(String, exercise::Outcome)> {
    let packages = course::workspace::packages(copy).unwrap();
    let all = exercise::exercises(&packages);
    assert_eq!(all.len(), exercises().len());
    exercise::check(copy, &all, Some(&support::target_dir(target)))
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
        let readme = std::fs::read_to_string(package.dir.join("README.md")).unwrap();
        let docs = readme
            .split("## The Rust docs for it")
            .nth(1)
            .unwrap_or_else(|| panic!("{}: link the Rust docs it needs", package.name));
        assert!(
            docs.contains("](https://doc.rust-lang.org/") || docs.contains("](https://docs.rs/"),
            "{}: its docs section links nothing",
            package.name
        );
    }
}

#[test]
fn every_solution_passes_its_spec() {
    let copy = fresh_course();
    for package in exercises() {
        std::fs::write(main_rs(copy.path(), package), solution(package)).unwrap();
    }
    let failed: Vec<String> = check_all(copy.path(), "it-solutions")
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
    // start.rs, not the checkout's src/main.rs: a learner's edits may be there.
    let copy = fresh_course();
    for (package, outcome) in check_all(copy.path(), "it-starting-points") {
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
        .arg(crate::grade::grade_target_dir())
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

// ---- watch on a terminal --------------------------------------------------------

/// Drives `xtask watch` under a pseudo-terminal (Python's `pty`, as CI has python3), one
/// step at a time: wait for text, press keys, write files, wait for a process. Prints a
/// JSON account: everything shown, the exit code, whether the terminal was put back
/// (canonical mode and echo on), and the steps it could not complete.
const TTY_DRIVER: &str = r#"
import fcntl, json, os, pty, select, struct, sys, termios, time
steps = json.loads(sys.argv[1])
cols, rows = int(sys.argv[2]), int(sys.argv[3])
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[4], sys.argv[4:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
seen, missed, mark = b"", [], 0
def pump(timeout):
    global seen
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        return False
    seen += chunk
    return bool(chunk)
def has_process(marker):
    for pid_ in os.listdir("/proc"):
        if pid_.isdigit():
            try:
                with open(f"/proc/{pid_}/cmdline", "rb") as f:
                    if marker.encode() in f.read():
                        return True
            except OSError:
                pass
    return False
alive = True
for step in steps:
    kind, arg = step
    if kind == "wait":
        end = time.time() + 900
        while arg.encode() not in seen[mark:] and alive and time.time() < end:
            alive = pump(0.2)
        if arg.encode() in seen[mark:]:
            mark = seen.index(arg.encode(), mark) + len(arg.encode())
        else:
            missed.append(arg)
            break
    elif kind == "key":
        os.write(fd, arg.encode())
    elif kind == "write":
        with open(arg[0], "w") as f:
            f.write(arg[1])
    elif kind == "process":
        end = time.time() + 900
        while not has_process(arg) and time.time() < end:
            pump(0.2)
        if not has_process(arg):
            missed.append("process " + arg)
            break
if missed:
    os.kill(pid, 9)
while alive:
    alive = pump(1)
_, status = os.waitpid(pid, 0)
try:
    lflag = termios.tcgetattr(fd)[3]
    restored = bool(lflag & termios.ICANON) and bool(lflag & termios.ECHO)
except termios.error:
    restored = None
print(json.dumps({"shown": seen.decode(errors="replace"), "exit": os.waitstatus_to_exitcode(status),
                  "restored": restored, "missed": missed}))
"#;

/// What a pseudo-terminal session of watch showed and how it ended.
struct TtySession {
    shown: String,
    exit: i64,
    restored: Option<bool>,
    missed: Vec<String>,
}

enum Step<'a> {
    Wait(&'a str),
    Key(&'a str),
    Write(PathBuf, Vec<u8>),
    Process(&'a str),
}

fn watch_on_a_terminal(copy: &Path, cols: u16, rows: u16, steps: &[Step]) -> TtySession {
    let steps: Vec<Value> = steps
        .iter()
        .map(|step| match step {
            Step::Wait(text) => serde_json::json!(["wait", text]),
            Step::Key(keys) => serde_json::json!(["key", keys]),
            Step::Write(path, bytes) => serde_json::json!([
                "write",
                [path.to_str().unwrap(), String::from_utf8_lossy(bytes)]
            ]),
            Step::Process(marker) => serde_json::json!(["process", marker]),
        })
        .collect();
    let out = Command::new("python3")
        .args(["-c", TTY_DRIVER])
        .arg(Value::Array(steps).to_string())
        .args([cols.to_string(), rows.to_string()])
        .arg(support::binary("xtask"))
        .arg("--root")
        .arg(copy)
        .arg("watch")
        .env("CARGO_TARGET_DIR", support::copies_target_dir())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs the pseudo-terminal");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the driver failed ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    TtySession {
        shown: json["shown"].as_str().unwrap().to_owned(),
        exit: json["exit"].as_i64().unwrap(),
        restored: json["restored"].as_bool(),
        missed: json["missed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_owned())
            .collect(),
    }
}

#[test]
fn watch_on_a_terminal_answers_single_keys_lists_moves_on_and_resets() {
    let _one = support::copies_lock();
    let copy = fresh_course();
    let first = exercise("exercise-01a-shared-list");
    let second = exercise("exercise-01b-child-reports-back");
    let mut edited = start_rs(second);
    edited.extend_from_slice(b"\n// my first try\n");
    let goodbye = format!("1/{} exercises done", exercises().len());
    let session = watch_on_a_terminal(
        copy.path(),
        80,
        24,
        &[
            Step::Wait("exercise-01a-shared-list"),
            Step::Wait("Not checked yet"),
            // h: the first hint, with no Enter.
            Step::Key("h"),
            Step::Wait("hint 1 of"),
            // n before it passes: it says why it stays.
            Step::Key("n"),
            Step::Wait("is not solved yet: n moves on once it passes"),
            // The solution is saved: passed, where the reference is, and it waits for n.
            Step::Write(main_rs(copy.path(), first), solution(first)),
            Step::Wait("✓ exercise-01a-shared-list passed!"),
            Step::Wait("solutions/01a-shared-list/main.rs"),
            Step::Wait("Press n for the next exercise."),
            Step::Key("n"),
            Step::Wait("exercise-01b-child-reports-back"),
            // l: the list, every exercise with its state; filter to done, then all, move, go.
            Step::Key("l"),
            Step::Wait("━━ exercises (all) ━━"),
            Step::Wait("✓ done   exercise-01a-shared-list"),
            Step::Key("d"),
            Step::Wait("━━ exercises (done) ━━"),
            Step::Key("a"),
            Step::Wait("━━ exercises (all) ━━"),
            Step::Key("/"),
            Step::Key("ten"),
            Step::Key("\r"),
            Step::Wait("> · to do  exercise-03a-ten-workers"),
            Step::Key("\r"),
            Step::Wait("━━ exercise-03a-ten-workers"),
            // Back to 01b through the list, edit it, and reset it with r, r.
            Step::Key("l"),
            Step::Wait("━━ exercises (all) ━━"),
            Step::Key("gj\r"),
            Step::Wait("━━ exercise-01b-child-reports-back"),
            Step::Write(main_rs(copy.path(), second), edited),
            Step::Wait("not solved yet"),
            Step::Key("r"),
            Step::Wait("Press r again to throw away your changes"),
            Step::Key("r"),
            Step::Wait("is back at its starting point"),
            Step::Key("q"),
            Step::Wait(&goodbye),
        ],
    );
    assert!(
        session.missed.is_empty(),
        "missed {:?} in:\n{}",
        session.missed,
        session.shown
    );
    assert_eq!(session.exit, 0, "{}", session.shown);
    assert_eq!(
        session.restored,
        Some(true),
        "the terminal was not put back"
    );
    // Raw mode: every line ends with \r\n, and the screen is redrawn, not scrolled.
    assert!(session.shown.contains("\r\n"));
    assert!(
        session.shown.contains("\x1b[2J"),
        "the screen is never cleared"
    );
    assert!(saved_progress(copy.path()).is_done(&first.name));
    assert_eq!(
        std::fs::read(main_rs(copy.path(), second)).unwrap(),
        start_rs(second),
        "r, r puts the starting point back"
    );
}

#[test]
fn ctrl_c_in_watch_cancels_the_check_kills_its_processes_and_restores_the_terminal() {
    let _one = support::copies_lock();
    let copy = fresh_course();
    let first = exercise("exercise-01a-shared-list");
    let marker = format!("watch-ctrl-c-{}", support::unique_marker());
    let hanging = format!(
        "//! Hangs, with a grandchild, so Ctrl-C must cancel the check.\n\
         fn main() {{\n    \
         std::process::Command::new(\"sh\").args([\"-c\", \"sleep 300 # {marker}\"]).spawn().unwrap();\n    \
         println!(\"hanging\");\n    \
         loop {{ std::thread::sleep(std::time::Duration::from_secs(1)); }}\n}}\n"
    );
    // A narrow terminal: everything still fits, nothing wraps the screen into a scroll.
    let session = watch_on_a_terminal(
        copy.path(),
        40,
        12,
        &[
            Step::Wait("Not checked yet"),
            Step::Write(main_rs(copy.path(), first), hanging.into_bytes()),
            Step::Wait("checking exercise-01a-shared-list"),
            Step::Process(&marker),
            Step::Key("\x03"),
            Step::Wait("interrupted"),
        ],
    );
    assert!(
        session.missed.is_empty(),
        "missed {:?} in:\n{}",
        session.missed,
        session.shown
    );
    assert_eq!(session.exit, 130, "{}", session.shown);
    assert_eq!(
        session.restored,
        Some(true),
        "Ctrl-C left the terminal in raw mode"
    );
    assert_eq!(
        support::processes_mentioning(&marker),
        Vec::<i32>::new(),
        "a process of the cancelled check was left running"
    );
}

// ---- progress and check gaps ---------------------------------------------------------

#[test]
fn passing_check_marks_an_exercise_done_and_an_empty_progress_file_is_rebuilt() {
    let _one = support::copies_lock();
    let copy = fresh_course();
    let first = exercise("exercise-01a-shared-list");
    std::fs::write(main_rs(copy.path(), first), solution(first)).unwrap();
    let out = xtask(copy.path())
        .args(["check", "exercise-01a-shared-list"])
        .assert()
        .success();
    assert!(
        stdout_of(&out).contains("marked done: exercise-01a-shared-list"),
        "{}",
        stdout_of(&out)
    );
    assert!(saved_progress(copy.path()).is_done(&first.name));

    // Emptied (a full disk, a bad editor save): damage, not "nothing done".
    std::fs::write(copy.path().join(exercise::STATE_FILE), "").unwrap();
    let out = xtask(copy.path()).arg("progress").assert().success();
    let note = stderr_of(&out);
    assert!(
        note.contains("it is empty") && note.contains("rebuilding"),
        "{note}"
    );
    assert!(
        stdout_of(&out).contains(&format!("1/{} exercises done", exercises().len())),
        "{}",
        stdout_of(&out)
    );
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
