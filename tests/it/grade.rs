//! `cargo xtask grade` over student submissions the tests make: right alternatives pass, wrong ones fail for the right reason.

use std::path::{Path, PathBuf};
use std::time::Duration;

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

    /// Replaces `file` whole, as a student who rewrote the lesson their own way.
    fn write(self, file: &str, text: &str) -> Submission {
        std::fs::write(self.dir.path().join(file), text).unwrap();
        self
    }

    /// Every lesson's sleeps made real, as a student translating `time.sleep` writes them:
    /// `lesson_kit::sleep(x)` becomes `std::thread::sleep(Duration::from_secs_f64(x))` and
    /// `lesson_kit::seconds(x)` becomes `Duration::from_secs_f64(x)`.
    fn real_sleeps(self) -> Submission {
        for lesson in std::fs::read_dir(self.dir.path().join("lessons"))
            .unwrap()
            .flatten()
        {
            let main = lesson.path().join("src/main.rs");
            let Ok(text) = std::fs::read_to_string(&main) else {
                continue;
            };
            let text = text.replace("lesson_kit::sleep(", "real_sleep(").replace(
                "lesson_kit::seconds(",
                "std::time::Duration::from_secs_f64(",
            );
            let text = if text.contains("real_sleep(") {
                format!(
                    "{text}\nfn real_sleep(seconds: f64) {{\n    std::thread::sleep(std::time::Duration::from_secs_f64(seconds));\n}}\n"
                )
            } else {
                text
            };
            std::fs::write(&main, text).unwrap();
        }
        self
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// How a student's program sleeps: in real seconds, as Python's `time.sleep` does, or through
/// lesson-kit, which `LESSON_TIME_SCALE` shortens.
#[derive(Clone, Copy)]
enum Sleeps {
    Real,
    Kit,
}

impl Sleeps {
    /// A blocking sleep of `s` seconds, as a statement.
    fn blocking(self, s: u64) -> String {
        match self {
            Sleeps::Real => format!("std::thread::sleep(std::time::Duration::from_secs({s}));"),
            Sleeps::Kit => format!("lesson_kit::sleep({s}.0);"),
        }
    }

    /// How long `s` seconds are, as a `Duration` expression for tokio.
    fn duration(self, s: u64) -> String {
        match self {
            Sleeps::Real => format!("std::time::Duration::from_secs({s})"),
            Sleeps::Kit => format!("lesson_kit::seconds({s}.0)"),
        }
    }
}

// ---- student programs, written the way students write them ---------------------------

/// Lesson 2 with a closure instead of `print_numbers`.
fn closure_thread(sleeps: Sleeps) -> String {
    format!(
        "//! Lesson 2, a student's way.\n\
         use std::thread;\n\
         fn main() {{\n\
             let t = thread::spawn(|| {{\n\
                 for i in 0..5 {{\n\
                     println!(\"Thread: {{i}}\");\n\
                     {}\n\
                 }}\n\
             }});\n\
             t.join().unwrap();\n\
             println!(\"Main thread: execution finished\");\n\
         }}\n",
        sleeps.blocking(1)
    )
}

/// Lesson 3 with `thread::Builder` by default and `thread::scope` for `-- scoped`.
fn builder_and_scope(sleeps: Sleeps) -> String {
    format!(
        "//! Lesson 3, a student's way.\n\
         use std::thread;\n\
         fn worker(name: u32) {{\n\
             println!(\"Worker {{name}} starting\");\n\
             {}\n\
             println!(\"Worker {{name}} finished\");\n\
         }}\n\
         fn main() {{\n\
             if std::env::args().nth(1).as_deref() == Some(\"scoped\") {{\n\
                 thread::scope(|s| {{\n\
                     for i in 0..5 {{\n\
                         s.spawn(move || worker(i));\n\
                     }}\n\
                 }});\n\
                 return;\n\
             }}\n\
             let handles: Vec<_> = (0..5)\n\
                 .map(|i| thread::Builder::new().name(format!(\"worker-{{i}}\")).spawn(move || worker(i)).unwrap())\n\
                 .collect();\n\
             for h in handles {{\n\
                 h.join().unwrap();\n\
             }}\n\
         }}\n",
        sleeps.blocking(2)
    )
}

/// Lesson 5 with each worker told its number through an environment variable instead of
/// arguments (the lesson's other modes, and its sleeps, left as they are).
fn processes_through_env(s: Submission) -> Submission {
    s.edit(
        "lessons/05-multiprocessing/src/main.rs",
        "    if let Some(name) = lesson_kit::role_number(\"worker\") {",
        "    if let Ok(name) = std::env::var(\"WORKER_NAME\") {\n        worker(name.parse().unwrap());\n        return ExitCode::SUCCESS;\n    }\n    if let Some(name) = lesson_kit::role_number(\"worker\") {",
    )
    .edit(
        "lessons/05-multiprocessing/src/main.rs",
        ".args([\"worker\", &i.to_string()])",
        ".env(\"WORKER_NAME\", i.to_string())",
    )
}

/// Lesson 7 under the default `#[tokio::main]`: a JoinSet, or tasks spawned one by one; in
/// `-- sequential` each spawned task is awaited before the next.
fn tokio_tasks(sleeps: Sleeps, joinset: bool) -> String {
    let together = if joinset {
        "let mut set = tokio::task::JoinSet::new();\n\
         for name in [\"A\", \"B\", \"C\"] {\n\
             set.spawn(task(name));\n\
         }\n\
         while let Some(done) = set.join_next().await {\n\
             done.unwrap();\n\
         }"
    } else {
        "let handles: Vec<_> = [\"A\", \"B\", \"C\"].into_iter().map(|n| tokio::spawn(task(n))).collect();\n\
         for h in handles {\n\
             h.await.unwrap();\n\
         }"
    };
    format!(
        "//! Lesson 7, a student's way.\n\
         async fn task(name: &'static str) {{\n\
             println!(\"Task {{name}} starting\");\n\
             tokio::time::sleep({}).await;\n\
             println!(\"Task {{name}} finished\");\n\
         }}\n\
         #[tokio::main]\n\
         async fn main() {{\n\
             if std::env::args().nth(1).as_deref() == Some(\"sequential\") {{\n\
                 for name in [\"A\", \"B\", \"C\"] {{\n\
                     tokio::spawn(task(name)).await.unwrap();\n\
                 }}\n\
                 return;\n\
             }}\n\
             {together}\n\
         }}\n",
        sleeps.duration(2)
    )
}

/// Lesson 8 under the default `#[tokio::main]`, the blocking call offloaded with spawn_blocking
/// (or to a child process, or with a ticker beside it). Its `blocking` mode shows a loop held
/// by a blocking call, which takes the lesson's one-thread runtime to show, so this student
/// only blocks there, without a ticker that a multi-thread runtime would keep running.
fn spawn_blocking_under_tokio_main(sleeps: Sleeps) -> String {
    format!(
        "//! Lesson 8, a student's way.\n\
         fn cpu_bound_task(n: u64) -> u64 {{\n\
             {}\n\
             n * n\n\
         }}\n\
         async fn ticker() {{\n\
             loop {{\n\
                 tokio::time::sleep({}).await;\n\
                 println!(\"tick\");\n\
             }}\n\
         }}\n\
         #[tokio::main]\n\
         async fn main() {{\n\
             let args: Vec<String> = std::env::args().skip(1).collect();\n\
             let mode = args.first().map(String::as_str).unwrap_or(\"\");\n\
             if mode == \"cpu_bound_task\" {{\n\
                 println!(\"{{}}\", cpu_bound_task(2));\n\
                 return;\n\
             }}\n\
             let result = match mode {{\n\
                 \"process\" => {{\n\
                     let me = std::env::current_exe().unwrap();\n\
                     let out = tokio::process::Command::new(me).arg(\"cpu_bound_task\").output().await.unwrap();\n\
                     String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()\n\
                 }}\n\
                 \"responsive\" => {{\n\
                     let t = tokio::spawn(ticker());\n\
                     let r = tokio::task::spawn_blocking(|| cpu_bound_task(2)).await.unwrap();\n\
                     t.abort();\n\
                     r\n\
                 }}\n\
                 \"blocking\" => cpu_bound_task(2),\n\
                 _ => tokio::task::spawn_blocking(|| cpu_bound_task(2)).await.unwrap(),\n\
             }};\n\
             println!(\"Result: {{result}}\");\n\
         }}\n",
        sleeps.blocking(2),
        match sleeps {
            Sleeps::Real => "std::time::Duration::from_millis(500)".to_owned(),
            Sleeps::Kit => "lesson_kit::seconds(0.5)".to_owned(),
        }
    )
}

/// A copy of the course with every lesson written another correct way, sleeping as `sleeps` says.
fn correct_alternatives(sleeps: Sleeps) -> Submission {
    let copy = match sleeps {
        Sleeps::Real => Submission::new().real_sleeps(),
        Sleeps::Kit => Submission::new(),
    };
    processes_through_env(copy)
        .write("lessons/02-thread/src/main.rs", &closure_thread(sleeps))
        .write(
            "lessons/03-multithreading/src/main.rs",
            &builder_and_scope(sleeps),
        )
        .write(
            "lessons/07-asyncio/src/main.rs",
            &tokio_tasks(sleeps, matches!(sleeps, Sleeps::Real)),
        )
        .write(
            "lessons/08-asyncio-cpu-bound/src/main.rs",
            &spawn_blocking_under_tokio_main(sleeps),
        )
}

/// What a grade run produced: its stdout and both reports, already checked for validity.
struct Graded {
    stdout: String,
    json: Value,
    junit: String,
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

    fn assert_all_passed(&self) {
        let tests = self.json["tests"].as_array().unwrap();
        assert!(!tests.is_empty());
        for test in tests {
            self.assert_passed(test["name"].as_str().unwrap());
        }
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
    grade_as(&support::root(), submission, lessons)
}

/// Grades `submission` with the specs of the course checkout at `grader`.
fn grade_as(grader: &Path, submission: &Submission, lessons: &[&str]) -> Graded {
    // Two of these grades at a time: a grade runs up to eight cases at once and times them
    // at LESSON_TIME_SCALE=0.1, where a sleep is 200 ms; a dozen grades at once on two cores
    // would stall programs long enough to fail correct ones, while one at a time made this
    // module's grades the suite's longest chain.
    static TURNS: support::Turns = support::Turns::new(2);
    let _turn = TURNS.take();
    grade_now(grader, submission, lessons)
}

/// Grades a submission whose graded programs spend their time asleep in real seconds or
/// hung, without waiting for a turn.
///
/// Timed in real seconds, a line read late on a busy machine is a few hundredths of the
/// program's time off, not half of it as at LESSON_TIME_SCALE=0.1; and programs that wait
/// use no core. Such grades take tens of seconds: holding a turn that long left both cores
/// half idle while the other grades (and the test threads they held) waited.
fn grade_sleeping(submission: &Submission, lessons: &[&str]) -> Graded {
    grade_now(&support::root(), submission, lessons)
}

fn grade_now(grader: &Path, submission: &Submission, lessons: &[&str]) -> Graded {
    let reports = tempfile::tempdir().unwrap();
    let json = reports.path().join("results.json");
    let junit = reports.path().join("junit.xml");
    // Every process of this grade inherits the marker, so any left behind can be found.
    let marker = support::unique_marker();
    let out = Command::new(support::binary("xtask"))
        .env("COURSE_TEST_MARKER", &marker)
        .arg("--root")
        .arg(grader)
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
        junit: xml,
    }
}

pub(crate) fn grade_target_dir() -> PathBuf {
    support::target_dir("it-grade")
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
fn correct_alternatives_with_real_time_sleeps_pass() {
    // Every lesson, its sleeps in real seconds: a closure, Builder and scoped threads,
    // processes told their role through the environment, a JoinSet and spawned tasks and
    // spawn_blocking under the default #[tokio::main], and lesson 6 as written but sleeping
    // in real time. Graded at the specs' LESSON_TIME_SCALE, all of them pass in real seconds.
    // Lesson 4 neither sleeps nor changes here; its parallel-work rule is the wrong-variant
    // tests' business (and needs two idle cores, which a busy test machine may not have).
    let g = grade(
        &correct_alternatives(Sleeps::Real),
        &[
            "lesson-threads-and-processes",
            "lesson-thread",
            "lesson-multithreading",
            "lesson-multiprocessing",
            "lesson-asyncio-concepts",
            "lesson-asyncio",
            "lesson-asyncio-cpu-bound",
        ],
    );
    g.assert_all_passed();
    let output = g.test("lesson-multithreading: default")["output"]
        .as_str()
        .unwrap();
    assert!(
        output.contains("ignoring LESSON_TIME_SCALE=0.1"),
        "{output}"
    );
}

#[test]
fn correct_alternatives_with_lesson_kit_under_tokio_main_pass() {
    let g = grade(
        &correct_alternatives(Sleeps::Kit),
        &[
            "lesson-thread",
            "lesson-multithreading",
            "lesson-multiprocessing",
            "lesson-asyncio",
            "lesson-asyncio-cpu-bound",
        ],
    );
    g.assert_all_passed();
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
fn a_nondeterministic_correct_submission_gets_the_same_score_five_times() {
    // Workers that sleep a little more or less each run, so they finish in a different order
    // every time, and tasks spawned on a multi-thread runtime. They sleep in real seconds, as
    // students write it: a line read late on a loaded machine is then a few hundredths of a
    // package off, where at LESSON_TIME_SCALE=0.1 it can be half a package.
    let s = Submission::new()
        .write(
            "lessons/03-multithreading/src/main.rs",
            "//! Lesson 3 with workers that finish in any order.\n\
             use std::time::{Duration, SystemTime, UNIX_EPOCH};\n\
             fn worker(name: u32) {\n\
                 println!(\"Worker {name} starting\");\n\
                 let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();\n\
                 std::thread::sleep(Duration::from_millis(1800 + u64::from((nanos / 1000 + name * 7919) % 500)));\n\
                 println!(\"Worker {name} finished\");\n\
             }\n\
             fn main() {\n\
                 let threads: Vec<_> = (0..5).map(|i| std::thread::spawn(move || worker(i))).collect();\n\
                 for t in threads {\n\
                     t.join().unwrap();\n\
                 }\n\
             }\n",
        )
        .write(
            "lessons/07-asyncio/src/main.rs",
            &tokio_tasks(Sleeps::Real, false),
        );
    for round in 0..5 {
        let g = grade_sleeping(&s, &["lesson-multithreading", "lesson-asyncio"]);
        let failed: Vec<&Value> = g.json["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["status"] != "passed")
            .collect();
        assert_eq!(
            (g.json["score"].as_f64(), failed.len()),
            (Some(4.0), 0),
            "grade {} of 5 differs: {failed:#?}",
            round + 1
        );
    }
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

/// Lesson 5 with threads where it asks for processes.
fn threads_instead_of_processes(s: Submission) -> Submission {
    s.edit(
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
    )
}

#[test]
fn wrong_programs_fail_for_the_reason_their_explanation_gives() {
    let s = threads_instead_of_processes(Submission::new())
        // Sequential workers sleeping in real seconds: 10 s, which is slow, not a hang.
        .write(
            "lessons/03-multithreading/src/main.rs",
            &format!(
                "//! Lesson 3 with the workers one after another.\n\
                 fn worker(name: u32) {{\n\
                     println!(\"Worker {{name}} starting\");\n\
                     {}\n\
                     println!(\"Worker {{name}} finished\");\n\
                 }}\n\
                 fn main() {{\n\
                     for i in 0..5 {{\n\
                         std::thread::spawn(move || worker(i)).join().unwrap();\n\
                     }}\n\
                 }}\n",
                Sleeps::Real.blocking(2)
            ),
        )
        // A blocking sleep inside async code holds the one-thread event loop.
        .edit(
            "lessons/07-asyncio/src/main.rs",
            "tokio::time::sleep(lesson_kit::seconds(2.0)).await;",
            "std::thread::sleep(std::time::Duration::from_secs(2));",
        )
        // A missing join: main prints its last line and returns while the thread still runs.
        .edit(
            "lessons/02-thread/src/main.rs",
            "    thread.join().expect(\"the print_numbers thread panicked\");",
            "    let _ = thread;",
        )
        // Lesson 1 printing the child's line itself, with no child process.
        .edit(
            "lessons/01-threads-and-processes/src/main.rs",
            "    let status = Command::new(exe).arg(CHILD).status();\n    let status = status.expect(\"cannot start the child process\");\n    assert!(status.success(), \"the child process failed: {status}\");",
            "    let _ = (exe, Command::new(CHILD));\n    println!(\"child process (pid {}): value = 1\", process::id() + 1);",
        );
    // Lessons 3 and 7 sleep in real seconds, each run three times: half a minute.
    let g = grade_sleeping(
        &s,
        &[
            "lesson-threads-and-processes",
            "lesson-thread",
            "lesson-multithreading",
            "lesson-multiprocessing",
            "lesson-asyncio",
        ],
    );
    g.assert_failed_because("lesson-multithreading: default", "one after another");
    g.assert_failed_because(
        "lesson-multithreading: default",
        "Failed 3 of 3 runs, each time the same way.",
    );
    let sequential = g.test("lesson-multithreading: default")["output"]
        .as_str()
        .unwrap();
    assert!(
        !sequential.contains("hung"),
        "slow is not a hang: {sequential}"
    );
    g.assert_failed_because("lesson-asyncio: default", "overlap");
    g.assert_failed_because("lesson-asyncio: default", "one after another");
    g.assert_failed_because("lesson-thread: default", "lines `tick`");
    g.assert_failed_because("lesson-multiprocessing: default", "processes alive at once");
    g.assert_failed_because(
        "lesson-threads-and-processes: default",
        "at least 1 child process started",
    );
    // Lesson 4 with sequential threads is left to tests/it/variants.rs, which grades it
    // among the wrong variants of every lesson.
    assert!(g.stdout.contains("FAIL"), "{}", g.stdout);
}

#[test]
fn a_deadlock_times_out_within_its_limit() {
    let s = Submission::new().edit(
        "lessons/03-multithreading/src/main.rs",
        "    println!(\"Worker {name} starting\");",
        "    println!(\"Worker {name} starting\");\n    let lock = std::sync::Mutex::new(());\n    let _a = lock.lock().unwrap();\n    let _b = lock.lock().unwrap();",
    );
    let g = grade_sleeping(&s, &["lesson-multithreading"]);
    // A hang is explained as one: where it stopped and the threads left waiting, and neither
    // the case's hint nor the rules that a run cut short could not meet.
    let name = "lesson-multithreading: default";
    g.assert_failed_because(
        name,
        "it hung until the 15 s timeout: it stopped after printing \"Worker ",
    );
    g.assert_failed_because(name, "6 threads were still alive when it was stopped");
    let output = g.test(name)["output"].as_str().unwrap();
    assert!(!output.contains("Start all five threads"), "{output}");
    assert!(!output.contains("overlap"), "{output}");
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
fn an_orphan_holding_stdout_is_reported_killed_and_does_not_hang_grading() {
    let marker = format!("orphan-marker-{}", std::process::id());
    let s = Submission::new().edit(
        "lessons/05-multiprocessing/src/main.rs",
        "    let mut all_ok = true;",
        &format!("    Command::new(\"python3\").args([\"-c\", \"import time; time.sleep(300)\", \"{marker}\"]).spawn().unwrap();\n    let mut all_ok = true;"),
    );
    let g = grade(&s, &["lesson-multiprocessing"]);
    // The orphan, and whatever it runs under (the count depends on how python3 is started).
    g.assert_failed_because(
        "lesson-multiprocessing: default",
        "running (killed by the runner)",
    );
    assert_eq!(
        support::processes_mentioning(&marker),
        Vec::<i32>::new(),
        "the orphan was not killed"
    );
}

// ---- hidden cases ------------------------------------------------------------------

#[test]
fn hidden_cases_stay_hidden_until_grades_are_published() {
    // The instructor hides lesson 2's case; the student's lesson 2 forgets its join.
    let grader = support::copy_of_course();
    let spec = grader.path().join("lessons/02-thread/expect.toml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        text.replacen(
            "name = \"default\"\n",
            "name = \"default\"\nhidden = true\n",
            1,
        ),
    )
    .unwrap();
    let s = Submission::new().edit(
        "lessons/02-thread/src/main.rs",
        "    thread.join().expect(\"the print_numbers thread panicked\");",
        "    let _ = thread;",
    );
    let g = grade_as(grader.path(), &s, &["lesson-thread"]);
    // Gradescope shows it once grades are published, as the README promises.
    let test = g.test("lesson-thread: default");
    assert_eq!(test["visibility"], "after_published", "{test}");
    assert_eq!(test["status"], "failed", "{test}");
    // The console (GitHub Classroom's log) and JUnit show neither name, reason nor hint.
    for (shown, what) in [(&g.stdout, "console"), (&g.junit, "JUnit")] {
        for secret in [
            "lesson-thread: default",
            "lines `tick`",
            "join",
            "Thread: 0",
        ] {
            assert!(
                !shown.contains(secret),
                "the {what} leaks {secret:?}:\n{shown}"
            );
        }
        assert!(
            shown.contains("lesson-thread: hidden case 1"),
            "{what}:\n{shown}"
        );
    }
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

#[test]
fn prepare_builds_and_records_the_dependencies_and_grades_nothing() {
    // A target dir of its own, so no other test's grade has recorded anything there yet.
    let target = support::target_dir("it-prepare");
    let out = Command::new(support::binary("xtask"))
        .args(["grade", "--prepare", "lesson-asyncio", "--target-dir"])
        .arg(&target)
        .timeout(Duration::from_secs(600))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.starts_with(&format!("prepared {}: ", target.display())),
        "{text}"
    );
    // Graded nothing: no table, no case.
    assert!(!text.contains("lesson-asyncio: default"), "{text}");
    // The dependencies are recorded (tokio among them), and the lesson the grader compiled
    // to get them is gone, as a student's is after their grade.
    let private = course::stage::Private::for_target(&target).unwrap();
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(private.dir.join("deps.json")).unwrap())
            .unwrap();
    assert!(
        record["files"]
            .as_object()
            .unwrap()
            .keys()
            .any(|p| p.contains("libtokio-") && p.ends_with(".rlib")),
        "{record}"
    );
    assert!(!target.join("debug/lesson-asyncio").exists());
    // Reports belong to grades: asking for one with --prepare is refused, and says why.
    Command::new(support::binary("xtask"))
        .args(["grade", "--prepare", "--json", "/tmp/never.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot be used with"));
}
