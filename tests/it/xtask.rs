//! `cargo xtask` end to end: list, and check over broken, hanging and mis-specified copies of the course.

use std::time::Duration;

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
