//! `cargo xtask grade` over student submissions the tests make: right alternatives pass, wrong ones fail for the right reason.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

use crate::support;

/// A student's copy of the course with some lines of one file replaced.
pub(crate) struct Submission {
    dir: tempfile::TempDir,
}

impl Submission {
    pub(crate) fn new() -> Submission {
        Submission {
            dir: support::copy_of_course(),
        }
    }

    /// Replaces `from` by `to` in `file`; the test breaks loudly if the lesson no longer has `from`.
    pub(crate) fn edit(self, file: &str, from: &str, to: &str) -> Submission {
        let path = self.dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(from),
            "{file} no longer contains {from:?}; update the test"
        );
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// What a grade run produced: its stdout and both reports, already checked for validity.
struct Graded {
    stdout: String,
    json: Value,
    took: Duration,
}

impl Graded {
    fn test(&self, name: &str) -> &Value {
        self.json["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no test {name} in {}", self.json))
    }

    fn assert_passed(&self, name: &str) {
        let test = self.test(name);
        assert_eq!(
            test["status"],
            "passed",
            "{name}: {}",
            test["output"].as_str().unwrap_or_default()
        );
        assert_eq!(test["score"], test["max_score"]);
    }

    fn assert_failed_because(&self, name: &str, reason: &str) {
        let test = self.test(name);
        let output = test["output"].as_str().unwrap();
        assert_eq!(test["status"], "failed", "{name} should fail: {output}");
        assert_eq!(test["score"], 0.0);
        assert!(
            output.contains(reason),
            "{name}: expected the reason to mention {reason:?}:\n{output}"
        );
    }
}

fn grade(submission: &Submission, lessons: &[&str]) -> Graded {
    let reports = tempfile::tempdir().unwrap();
    let json = reports.path().join("results.json");
    let junit = reports.path().join("junit.xml");
    // Every process of this grade inherits the marker, so any left behind can be found.
    let marker = support::unique_marker();
    let begun = Instant::now();
    let out = Command::new(support::binary("xtask"))
        .env("COURSE_TEST_MARKER", &marker)
        .arg("grade")
        .args(lessons)
        .arg("--submission")
        .arg(submission.path())
        .arg("--json")
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .arg("--target-dir")
        .arg(grade_target_dir())
        .timeout(Duration::from_secs(600))
        .assert()
        .success()
        .get_output()
        .clone();
    let took = begun.elapsed();
    assert_eq!(
        support::processes_with_env(&marker),
        Vec::<i32>::new(),
        "grading left a process behind"
    );
    let json: Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).expect("results.json is JSON");
    assert_gradescope_shape(&json);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("junit.xml is well-formed XML");
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(
        cases,
        json["tests"].as_array().unwrap().len(),
        "JUnit and Gradescope list the same tests"
    );
    Graded {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        json,
        took,
    }
}

pub(crate) fn grade_target_dir() -> PathBuf {
    support::root().join("target").join("it-grade")
}

fn assert_gradescope_shape(json: &Value) {
    assert!(json["score"].is_number(), "{json}");
    for test in json["tests"].as_array().expect("tests[]") {
        for field in ["name", "score", "max_score", "status", "output"] {
            assert!(!test[field].is_null(), "test without {field}: {test}");
        }
        assert!(
            test["name"].as_str().unwrap().starts_with("lesson-"),
            "{test}"
        );
    }
}

// ---- correct alternatives must pass --------------------------------------------

#[test]
fn scoped_threads_pass() {
    let s = Submission::new().edit(
        "lessons/03-multithreading/src/main.rs",
        "        [] => spawned(),",
        "        [] => scoped(),",
    );
    let g = grade(&s, &["lesson-multithreading"]);
    g.assert_passed("lesson-multithreading: default");
}

#[test]
fn a_closure_instead_of_a_named_function_passes() {
    let s = Submission::new().edit(
        "lessons/02-thread/src/main.rs",
        "let thread = thread::spawn(print_numbers);",
        "let thread = thread::spawn(|| {\n        for i in 0..5 {\n            println!(\"Thread: {i}\");\n            lesson_kit::sleep(1.0);\n        }\n    });\n    let _ = print_numbers;",
    );
    grade(&s, &["lesson-thread"]).assert_passed("lesson-thread: default");
}

#[test]
fn a_joinset_instead_of_join_passes() {
    let s = Submission::new().edit(
        "lessons/07-asyncio/src/main.rs",
        "tokio::join!(biased; task(\"A\"), task(\"B\"), task(\"C\"));",
        "let mut set = tokio::task::JoinSet::new();\n            for name in [\"A\", \"B\", \"C\"] {\n                set.spawn(task(name));\n            }\n            set.join_all().await;",
    );
    grade(&s, &["lesson-asyncio"]).assert_passed("lesson-asyncio: default");
}

#[test]
fn processes_started_another_way_pass() {
    // The workers are told their role through the environment instead of arguments.
    let s = Submission::new()
        .edit(
            "lessons/05-multiprocessing/src/main.rs",
            "        [] => start_workers(),",
            "        [] if std::env::var(\"WORKER\").is_ok() => {\n            worker(std::env::var(\"WORKER\").unwrap().parse().unwrap());\n            ExitCode::SUCCESS\n        }\n        [] => start_workers(),",
        )
        .edit(
            "lessons/05-multiprocessing/src/main.rs",
            ".args([\"worker\", &i.to_string()])",
            ".env(\"WORKER\", i.to_string())",
        );
    grade(&s, &["lesson-multiprocessing"]).assert_passed("lesson-multiprocessing: default");
}

// ---- wrong ones must fail, each for its reason ------------------------------------

/// Lesson 3 with each worker joined right after it is spawned: the classic sequential mistake.
fn joined_right_after_spawning() -> Submission {
    Submission::new()
        .edit(
            "lessons/03-multithreading/src/main.rs",
            "        threads.push(t);",
            "        t.join().unwrap();",
        )
        .edit(
            "lessons/03-multithreading/src/main.rs",
            "    for t in threads {\n        t.join().expect(\"a worker thread panicked\");\n    }",
            "    let _: Vec<()> = threads;",
        )
}

#[test]
fn sequential_joins_fail_as_one_after_another() {
    let s = joined_right_after_spawning();
    let g = grade(&s, &["lesson-multithreading"]);
    g.assert_failed_because("lesson-multithreading: default", "one after another");
    assert!(g.stdout.contains("FAIL"), "{}", g.stdout);
}

#[test]
fn a_blocking_sleep_inside_async_code_fails() {
    let s = Submission::new().edit(
        "lessons/07-asyncio/src/main.rs",
        "tokio::time::sleep(lesson_kit::seconds(2.0)).await;",
        "lesson_kit::sleep(2.0);",
    );
    grade(&s, &["lesson-asyncio"]).assert_failed_because("lesson-asyncio: default", "overlap");
}

#[test]
fn a_missing_join_fails_because_workers_never_finish() {
    let s = Submission::new().edit(
        "lessons/03-multithreading/src/main.rs",
        "    for t in threads {\n        t.join().expect(\"a worker thread panicked\");\n    }",
        "    drop(threads);",
    );
    grade(&s, &["lesson-multithreading"])
        .assert_failed_because("lesson-multithreading: default", "lines `finish`");
}

#[test]
fn a_deadlock_times_out_within_its_limit() {
    let s = Submission::new().edit(
        "lessons/03-multithreading/src/main.rs",
        "    println!(\"Worker {name} starting\");",
        "    println!(\"Worker {name} starting\");\n    let lock = std::sync::Mutex::new(());\n    let _a = lock.lock().unwrap();\n    let _b = lock.lock().unwrap();",
    );
    let g = grade(&s, &["lesson-multithreading"]);
    g.assert_failed_because("lesson-multithreading: default", "timed out after 10 s");
    // Two cases of at most 10 s each, plus the build.
    assert!(
        g.took < Duration::from_secs(90),
        "grading took {:?}",
        g.took
    );
}

#[test]
fn endless_output_is_capped_and_the_report_stays_small() {
    let s = Submission::new().edit(
        "lessons/02-thread/src/main.rs",
        "    let thread = thread::spawn(print_numbers);",
        "    loop {\n        println!(\"::error::flood Thread: 0\");\n    }\n    #[allow(unreachable_code)]\n    let thread = thread::spawn(print_numbers);",
    );
    let g = grade(&s, &["lesson-thread"]);
    g.assert_failed_because("lesson-thread: default", "output cap");
    assert!(
        g.json.to_string().len() < 64 * 1024,
        "the report grew to {} bytes",
        g.json.to_string().len()
    );
    // The flood's `::error::` lines reach the console only inside a stop-commands fence.
    let fence = g.stdout.lines().next().unwrap();
    assert!(fence.starts_with("::stop-commands::"), "{fence}");
}

#[test]
fn a_panicking_worker_fails_with_its_exit_code_and_message() {
    let s = Submission::new().edit(
        "lessons/03-multithreading/src/main.rs",
        "    println!(\"Worker {name} finished\");",
        "    assert!(name != 3, \"worker 3 gave up\");\n    println!(\"Worker {name} finished\");",
    );
    grade(&s, &["lesson-multithreading"])
        .assert_failed_because("lesson-multithreading: default", "worker 3 gave up");
}

#[test]
fn a_compile_error_costs_only_its_lesson() {
    let s = Submission::new().edit(
        "lessons/02-thread/src/main.rs",
        "    thread.join().expect(\"the print_numbers thread panicked\");",
        "    thread.join().expect(\"the print_numbers thread panicked\")",
    );
    let g = grade(&s, &["lesson-thread", "lesson-multithreading"]);
    g.assert_failed_because("lesson-thread: build", "error");
    assert_eq!(g.test("lesson-thread: build")["max_score"], 1.0);
    g.assert_passed("lesson-multithreading: default");
}

#[test]
fn threads_instead_of_processes_fail() {
    let s = Submission::new().edit(
        "lessons/05-multiprocessing/src/main.rs",
        "        let p = Command::new(&exe)\n            .args([\"worker\", &i.to_string()])\n            .spawn()\n            .expect(\"could not start a worker process\");\n        processes.push(p);",
        "        let _ = (&exe, Command::new(\"true\"));\n        threads.push(std::thread::spawn(move || worker(i)));",
    ).edit(
        "lessons/05-multiprocessing/src/main.rs",
        "    let mut processes = Vec::new();",
        "    let mut threads = Vec::new();\n    let processes: Vec<std::process::Child> = Vec::new();",
    ).edit(
        "lessons/05-multiprocessing/src/main.rs",
        "    let mut all_ok = true;",
        "    for t in threads {\n        t.join().unwrap();\n    }\n    let mut all_ok = true;",
    );
    grade(&s, &["lesson-multiprocessing"])
        .assert_failed_because("lesson-multiprocessing: default", "processes alive at once");
}

#[test]
fn an_orphan_holding_stdout_is_reported_killed_and_does_not_hang_grading() {
    let marker = format!("orphan-marker-{}", std::process::id());
    let s = Submission::new().edit(
        "lessons/05-multiprocessing/src/main.rs",
        "    let mut all_ok = true;",
        &format!("    Command::new(\"python3\").args([\"-c\", \"import time; time.sleep(300)\", \"{marker}\"]).spawn().unwrap();\n    let mut all_ok = true;"),
    );
    let g = grade(&s, &["lesson-multiprocessing"]);
    g.assert_failed_because("lesson-multiprocessing: default", "left 1 process running");
    assert!(
        g.took < Duration::from_secs(90),
        "grading took {:?}",
        g.took
    );
    assert_eq!(
        support::processes_mentioning(&marker),
        Vec::<i32>::new(),
        "the orphan was not killed"
    );
}

// ---- the grader's own specs decide --------------------------------------------

#[test]
fn a_student_loosening_their_spec_changes_nothing() {
    let s = joined_right_after_spawning().edit(
        "lessons/03-multithreading/expect.toml",
        "at_least = 5",
        "at_least = 2",
    );
    std::fs::write(s.path().join("Cargo.toml"), "this is not a manifest").unwrap();
    grade(&s, &["lesson-multithreading"])
        .assert_failed_because("lesson-multithreading: default", "one after another");
}

#[test]
fn a_missing_submission_is_an_error_not_a_zero() {
    Command::new(support::binary("xtask"))
        .args(["grade", "--submission", "/nonexistent/alice"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "/nonexistent/alice is not a folder",
        ));
}
