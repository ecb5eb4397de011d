//! `cargo xtask` end to end: list, and check over broken, hanging and mis-specified copies of the course.

use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

use crate::support;

pub(crate) fn xtask() -> Command {
    let mut command = Command::new(support::binary("xtask"));
    command.env("CARGO_TARGET_DIR", support::copies_target_dir());
    command.timeout(Duration::from_secs(600));
    command
}

/// `cargo xtask --root COPY check LESSON`, which must fail: its stdout.
pub(crate) fn failing_check(copy: &std::path::Path, lesson: &str) -> String {
    let out = xtask()
        .arg("--root")
        .arg(copy)
        .args(["check", lesson])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn list_shows_every_lesson_in_the_notes_order() {
    let out = xtask()
        .arg("list")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let numbers: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6", "7", "8"]);
    assert!(
        text.contains("lesson-asyncio-cpu-bound")
            && text.contains("Handling CPU-Bound Tasks in asyncio")
    );
}

#[test]
fn no_arguments_prints_help() {
    xtask()
        .assert()
        .code(2)
        .stderr(contains("Usage: cargo xtask"));
}

#[test]
fn check_fails_a_lesson_that_joins_each_worker_right_after_spawning_it() {
    let _one = support::copies_lock();
    let copy = support::copy_of_course();
    let main = copy.path().join("lessons/03-multithreading/src/main.rs");
    let source = std::fs::read_to_string(&main).unwrap();
    let broken = source.replace(
        "threads.push(t);",
        "t.join().expect(\"a worker thread panicked\");",
    );
    assert_ne!(
        source, broken,
        "the lesson changed shape; update this test's edit"
    );
    let broken = broken.replace("let mut threads = Vec::new();", "").replace(
        "for t in threads {\n        t.join().expect(\"a worker thread panicked\");\n    }",
        "",
    );
    std::fs::write(&main, broken).unwrap();
    let text = failing_check(copy.path(), "lesson-multithreading");
    assert!(
        text.contains("FAIL  lesson-multithreading: default"),
        "{text}"
    );
    assert!(text.contains("overlap (expect.toml line"), "{text}");
    assert!(text.contains("they ran one after another"), "{text}");
    assert!(text.contains("timeline"), "{text}");
    assert!(text.contains("1 passed, 1 failed"), "{text}");
}

#[test]
fn check_stops_a_hanging_lesson_and_leaves_no_process_behind() {
    let _one = support::copies_lock();
    let copy = support::copy_of_course();
    let marker = format!("hang-marker-{}", std::process::id());
    let lesson = copy.path().join("lessons/02-thread");
    std::fs::write(
        lesson.join("src/main.rs"),
        format!(
            "//! A lesson that hangs, with a grandchild holding its stdout.\n\
             fn main() {{\n    \
             println!(\"Thread: 0\");\n    \
             std::process::Command::new(\"sh\").args([\"-c\", \"sleep 300 # {marker}\"]).spawn().unwrap();\n    \
             loop {{ std::thread::sleep(std::time::Duration::from_secs(1)); }}\n}}\n"
        ),
    )
    .unwrap();
    let spec = lesson.join("expect.toml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, format!("[defaults]\ntimeout = 2\n\n{text}")).unwrap();
    let text = failing_check(copy.path(), "lesson-thread");
    assert!(
        text.contains("timed out after 2 s; last output: \"Thread: 0\""),
        "{text}"
    );
    assert_eq!(
        support::processes_mentioning(&marker),
        Vec::<i32>::new(),
        "a process was left behind"
    );
}

#[test]
fn check_rejects_a_spec_with_an_unknown_key_naming_file_and_line() {
    let _one = support::copies_lock();
    let copy = support::copy_of_course();
    let spec = copy.path().join("lessons/02-thread/expect.toml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, format!("[defaults]\nscael = 0.1\n{text}")).unwrap();
    xtask()
        .args([
            "--root",
            copy.path().to_str().unwrap(),
            "check",
            "lesson-thread",
        ])
        .assert()
        .code(2)
        .stderr(contains(
            "lessons/02-thread/expect.toml:2: unknown field `scael`",
        ));
}

#[test]
fn check_names_an_unknown_lesson_and_the_known_ones() {
    xtask()
        .args(["check", "lesson-nope"])
        .assert()
        .code(2)
        .stderr(
            contains("no lesson or exercise called \"lesson-nope\"")
                .and(contains("lesson-asyncio")),
        );
}

/// Pids of the processes below `ancestor` whose command line mentions `needle`.
fn descendants_mentioning(ancestor: i32, needle: &str) -> Vec<i32> {
    let parents: Vec<(i32, i32)> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let ppid = stat[stat.rfind(')')? + 2..]
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut below = vec![ancestor];
    let mut grew = true;
    while grew {
        grew = false;
        for &(pid, ppid) in &parents {
            if below.contains(&ppid) && !below.contains(&pid) {
                below.push(pid);
                grew = true;
            }
        }
    }
    below
        .into_iter()
        .filter(|&pid| pid != ancestor && mentions(pid, needle))
        .collect()
}

fn mentions(pid: i32, needle: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
}

/// Starts xtask with `args` in `dir`, waits until `workers` processes running the lesson
/// `needle` are alive below it, sends SIGINT to xtask alone (lessons run in groups of their
/// own, so a terminal's Ctrl-C reaches only xtask), and returns its exit code and the pids
/// of the lesson's processes it had started.
fn interrupt_when_running(
    dir: &std::path::Path,
    args: &[&str],
    needle: &str,
    workers: usize,
) -> (i32, Vec<i32>) {
    let mut child = std::process::Command::new(support::binary("xtask"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let xtask = child.id() as i32;
    // Only a guard against a test that would otherwise hang; nothing is timed.
    let patience = Instant::now() + Duration::from_secs(900);
    let seen = loop {
        let running = descendants_mentioning(xtask, needle);
        if running.len() >= workers {
            break running;
        }
        assert!(
            Instant::now() < patience && child.try_wait().unwrap().is_none(),
            "{args:?} never had {workers} processes running"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let sent = std::process::Command::new("kill")
        .args(["-INT", &xtask.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    let stderr = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
    assert!(stderr.contains("interrupted"), "{args:?}: {stderr}");
    (status.code().unwrap_or(-1), seen)
}

#[test]
fn ctrl_c_on_run_check_and_grade_leaves_no_process_running() {
    let _one = support::copies_lock();
    let copy = support::copy_of_course();
    // Real time, so the five workers sleep long enough to be seen and interrupted.
    let spec = copy.path().join("lessons/05-multiprocessing/expect.toml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, format!("[defaults]\nscale = 1.0\n\n{text}")).unwrap();
    let grade_dir = copy.path().join("target/grade");
    let grade_arg = grade_dir.to_str().unwrap();
    for args in [
        &["run", "lesson-multiprocessing"][..],
        &["check", "lesson-multiprocessing"],
        &["grade", "lesson-multiprocessing", "--target-dir", grade_arg],
    ] {
        // The parent and its five worker processes.
        let (code, started) =
            interrupt_when_running(copy.path(), args, "lesson-multiprocessing", 6);
        assert_eq!(code, 130, "{args:?}");
        let left: Vec<i32> = started
            .into_iter()
            .filter(|&pid| mentions(pid, "lesson-multiprocessing"))
            .collect();
        assert_eq!(
            left,
            Vec::<i32>::new(),
            "{args:?}: processes left running after Ctrl-C"
        );
    }
}

#[test]
fn the_course_is_found_from_the_current_directory_not_where_xtask_was_built() {
    let _one = support::copies_lock();
    let copy = support::copy_of_course();
    let manifest = copy.path().join("lessons/02-thread/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let renamed = text.replace(
        "section = \"Simple Example of Creating a Thread\"",
        "section = \"The copy's own title\"",
    );
    assert_ne!(text, renamed, "the lesson's metadata changed shape");
    std::fs::write(&manifest, renamed).unwrap();
    // From a folder inside the copy, as cargo finds a workspace.
    let out = xtask()
        .arg("list")
        .current_dir(copy.path().join("lessons/03-multithreading/src"))
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("The copy's own title"), "{text}");
    // Outside any course, it says so instead of acting on the checkout it was built in.
    let elsewhere = tempfile::tempdir().unwrap();
    xtask()
        .arg("list")
        .current_dir(elsewhere.path())
        .assert()
        .code(2)
        .stderr(contains("no Cargo workspace above"));
}

#[test]
fn a_missing_spec_is_reported_and_the_other_lessons_are_still_checked() {
    let _one = support::copies_lock();
    let copy = support::copy_of_course();
    std::fs::remove_file(copy.path().join("lessons/02-thread/expect.toml")).unwrap();
    let out = xtask()
        .arg("--root")
        .arg(copy.path())
        .args(["check", "lesson-thread", "lesson-multithreading"])
        .assert()
        .code(2)
        .stderr(
            contains("lessons/02-thread/expect.toml")
                .and(contains("lesson-thread could not be checked")),
        );
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("ok    lesson-multithreading: default"),
        "{text}"
    );
    assert!(
        text.contains("ok    lesson-multithreading: scoped"),
        "{text}"
    );
}

#[test]
fn check_shows_at_most_a_screenful_of_a_flooding_lesson() {
    let _one = support::copies_lock();
    let copy = support::copy_of_course();
    std::fs::write(
        copy.path().join("lessons/02-thread/src/main.rs"),
        "//! Floods: one enormous line, then many.\n\
         fn main() {\n    \
         println!(\"{}\", \"x\".repeat(524_288));\n    \
         loop { println!(\"flood\"); }\n}\n",
    )
    .unwrap();
    let text = failing_check(copy.path(), "lesson-thread");
    let explanation = text
        .split("━━ lesson-thread: default failed ━━")
        .nth(1)
        .unwrap();
    // Not a terminal: a page of 100 columns by 50 rows.
    assert!(
        explanation.lines().all(|l| l.chars().count() <= 100),
        "{explanation}"
    );
    assert!(explanation.lines().count() <= 55, "{explanation}");
    assert!(text.len() < 20_000, "{} bytes", text.len());
}

#[test]
fn run_python_puts_both_timelines_on_one_scale_and_svg_draws_them() {
    let svg_dir = tempfile::tempdir().unwrap();
    let svg = svg_dir.path().join("timeline.svg");
    let out = xtask()
        .current_dir(support::root())
        .args([
            "run",
            "lesson-multithreading",
            "--python",
            "--scale",
            "0.1",
            "--svg",
        ])
        .arg(&svg)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let picture = text
        .split("timeline (1 unit = 0.1 s):")
        .nth(1)
        .expect(&text);
    // Each with its overhead over the critical path from the lesson's metadata.
    assert!(
        picture.contains("Rust: ") && picture.contains("critical path 2.0 units, overhead +"),
        "{text}"
    );
    assert!(picture.contains("Python: "), "{text}");
    // One time scale: both axes end at the same time.
    let axes: Vec<&str> = picture
        .lines()
        .filter(|l| l.trim_start().starts_with("time  0"))
        .collect();
    assert_eq!(axes.len(), 2, "{picture}");
    assert_eq!(axes[0], axes[1], "{picture}");
    assert_eq!(
        picture.lines().filter(|l| l.contains("id=")).count(),
        10,
        "{picture}"
    );
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert!(
        drawn.starts_with("<svg") && drawn.trim_end().ends_with("</svg>"),
        "{drawn}"
    );
    assert_eq!(
        drawn.matches("<rect x=").count(),
        10,
        "one bar per worker, Rust and Python: {drawn}"
    );
    assert!(drawn.contains("lesson-multithreading (Python)"), "{drawn}");
}

#[test]
fn run_python_without_python3_says_so_plainly() {
    // A PATH with cargo and rustc on it, and no python3.
    let bin = tempfile::tempdir().unwrap();
    for tool in ["cargo", "rustc"] {
        let found = std::env::split_paths(&std::env::var_os("PATH").unwrap())
            .map(|dir| dir.join(tool))
            .find(|path| path.is_file())
            .unwrap_or_else(|| panic!("no {tool} on PATH"));
        std::os::unix::fs::symlink(found, bin.path().join(tool)).unwrap();
    }
    xtask()
        .current_dir(support::root())
        .env("PATH", bin.path())
        .env_remove("CARGO")
        .args(["run", "lesson-multithreading", "--python", "--scale", "0.1"])
        .assert()
        .success()
        .stdout(contains("(no Python run: no python3 was found on PATH"));
}
