//! Wrong but plausible programs, five or more per lesson, graded by `cargo xtask grade`: the specs fail at least 90% of them, each for the reason named.
//!
//! Each variant is what a student who fakes or misunderstands a lesson writes: work done
//! one piece after another, lines printed by main while workers only sleep, `sh` children
//! standing in for processes, a "parallel" phase on one thread, hard-coded results, a
//! lesson 1 with no child, a missing join, threads where processes are asked, a blocking
//! sleep in async code. Some are written with lesson_kit, some the way students write
//! (`std::thread::sleep(Duration::from_secs(2))`, `#[tokio::main]`).
//!
//! Each lesson is one test: its variants are submissions holding only that lesson, graded
//! by one `cargo xtask grade <lesson> --submissions` call.

use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use crate::support;

/// How a variant changes its lesson's `src/main.rs`.
enum Change {
    /// Replace each `from` by `to`, once; the test breaks loudly if the lesson lost `from`.
    Edits(&'static [(&'static str, &'static str)]),
    /// A whole `main.rs` of the student's own.
    Whole(&'static str),
}

struct Variant {
    /// The lesson's folder under `lessons/`.
    lesson: &'static str,
    /// The graded test that must fail, e.g. "lesson-thread: default".
    test: &'static str,
    /// What the student did wrong.
    what: &'static str,
    change: Change,
    /// The failing test's explanation must mention one of these (a rule or a reason).
    /// Empty: the spec cannot tell this wrong program from a correct one (out of scope,
    /// said in the spec's comments); at most a tenth of the variants may be.
    because: &'static [&'static str],
}

const L1: &str = "01-threads-and-processes";
const L2: &str = "02-thread";
const L3: &str = "03-multithreading";
const L4: &str = "04-gil";
const L5: &str = "05-multiprocessing";
const L6: &str = "06-asyncio-concepts";
const L7: &str = "07-asyncio";
const L8: &str = "08-asyncio-cpu-bound";

fn variants() -> Vec<Variant> {
    vec![
        // ---- lesson 1: threads and processes ---------------------------------------
        Variant {
            lesson: L1,
            test: "lesson-threads-and-processes: default",
            what: "prints the child's line itself, starting no child process",
            change: Change::Edits(&[(
                "    let status = Command::new(exe).arg(CHILD).status();\n    let status = status.expect(\"cannot start the child process\");\n    assert!(status.success(), \"the child process failed: {status}\");",
                "    let _ = (exe, Command::new(\"unused\"));\n    println!(\"child process (pid {}): value = 1\", process::id() + 1);",
            )]),
            because: &["children (expect.toml"],
        },
        Variant {
            lesson: L1,
            test: "lesson-threads-and-processes: default",
            what: "a thread plays the child process",
            change: Change::Edits(&[(
                "    let status = Command::new(exe).arg(CHILD).status();\n    let status = status.expect(\"cannot start the child process\");\n    assert!(status.success(), \"the child process failed: {status}\");",
                "    let _ = (exe, Command::new(\"unused\"));\n    thread::spawn(|| {\n        VALUE.store(1, Relaxed);\n        show(\"child process\");\n        VALUE.store(0, Relaxed);\n    })\n    .join()\n    .unwrap();",
            )]),
            because: &["children (expect.toml"],
        },
        Variant {
            lesson: L1,
            test: "lesson-threads-and-processes: default",
            what: "the parent prints its line before it starts the child",
            change: Change::Edits(&[
                (
                    "    let status = Command::new(exe).arg(CHILD).status();",
                    "    show(\"parent process\");\n    let status = Command::new(exe).arg(CHILD).status();",
                ),
                (
                    "    assert!(status.success(), \"the child process failed: {status}\");\n\n    show(\"parent process\");",
                    "    assert!(status.success(), \"the child process failed: {status}\");",
                ),
            ]),
            because: &["order (expect.toml", "first (expect.toml"],
        },
        Variant {
            lesson: L1,
            test: "lesson-threads-and-processes: default",
            what: "the child is started and never waited for",
            change: Change::Edits(&[(
                "    let status = Command::new(exe).arg(CHILD).status();\n    let status = status.expect(\"cannot start the child process\");\n    assert!(status.success(), \"the child process failed: {status}\");",
                "    Command::new(exe).arg(CHILD).spawn().expect(\"cannot start the child process\");",
            )]),
            because: &["children (expect.toml", "left 1 process"],
        },
        Variant {
            lesson: L1,
            test: "lesson-threads-and-processes: default",
            what: "the spawned thread is never joined, so main may read the value too early",
            change: Change::Edits(&[(
                "    thread.join().expect(\"the spawned thread panicked\");",
                "    drop(thread);",
            )]),
            // A race, not a sure failure: when the spawned thread happens to run before main
            // reads, every line is right and in order, and no observation tells the runs
            // apart. The specs catch it (on `main`, `spawned` or `order`) only when main wins,
            // so a pass is not held against them; it fails for one of those reasons otherwise.
            because: &[],
        },
        Variant {
            lesson: L1,
            test: "lesson-threads-and-processes: default",
            what: "the lost-update counts are hard-coded, nothing counts",
            change: Change::Edits(&[(
                "fn synchronisation() {",
                "fn synchronisation() {\n    println!(\"unsynchronised: lost updates: 1234 of 400000\");\n    println!(\"mutex: lost updates: 0 of 400000\");\n    println!(\"fetch_add: lost updates: 0 of 400000\");\n}\n\n#[allow(dead_code)]\nfn synchronisation_unused() {",
            )]),
            // Out of scope: the counting threads live under one sample (the spec says so).
            because: &[],
        },
        // ---- lesson 2: a thread ----------------------------------------------------
        Variant {
            lesson: L2,
            test: "lesson-thread: default",
            what: "no thread at all: main prints the ticks (student style, real sleeps)",
            change: Change::Whole(
                r#"//! Lesson 2, the way a student might fake it: no thread.
use std::thread;
use std::time::Duration;

fn main() {
    for i in 0..5 {
        println!("Thread: {i}");
        thread::sleep(Duration::from_secs(1));
    }
    println!("Main thread: execution finished");
}
"#,
            ),
            because: &["threads_at_once (expect.toml", "writers (expect.toml"],
        },
        Variant {
            lesson: L2,
            test: "lesson-thread: default",
            what: "main prints the ticks while the new thread only sleeps",
            change: Change::Edits(&[(
                "    let thread = thread::spawn(print_numbers);",
                "    let thread = thread::spawn(|| lesson_kit::sleep(5.0));\n    print_numbers();",
            )]),
            because: &["writers (expect.toml"],
        },
        Variant {
            lesson: L2,
            test: "lesson-thread: default",
            what: "the thread is never joined",
            change: Change::Edits(&[(
                "    thread.join().expect(\"the print_numbers thread panicked\");",
                "    drop(thread);",
            )]),
            because: &["lines `tick`", "order (expect.toml", "elapsed (expect.toml"],
        },
        Variant {
            lesson: L2,
            test: "lesson-thread: default",
            what: "main prints its line before joining",
            change: Change::Edits(&[(
                "    thread.join().expect(\"the print_numbers thread panicked\");\n    println!(\"Main thread: execution finished\");",
                "    println!(\"Main thread: execution finished\");\n    thread.join().expect(\"the print_numbers thread panicked\");",
            )]),
            because: &[
                "order (expect.toml",
                "last (expect.toml",
                "first (expect.toml",
            ],
        },
        Variant {
            lesson: L2,
            test: "lesson-thread: default",
            what: "the sleep was left out of the loop",
            change: Change::Edits(&[("        lesson_kit::sleep(1.0);", "")]),
            because: &["gap (expect.toml", "elapsed (expect.toml"],
        },
        // ---- lesson 3: multithreading ----------------------------------------------
        Variant {
            lesson: L3,
            test: "lesson-multithreading: default",
            what: "each worker joined right after it is spawned",
            change: Change::Edits(&[(
                "        threads.push(t);",
                "        t.join().unwrap();\n        threads.push(thread::spawn(|| ()));",
            )]),
            because: &["overlap (expect.toml"],
        },
        Variant {
            lesson: L3,
            test: "lesson-multithreading: default",
            what: "main prints every line while the workers only sleep (student style)",
            change: Change::Whole(
                r#"//! Lesson 3, faked: the threads sleep, main does the printing.
use std::thread;
use std::time::Duration;

fn main() {
    let mut handles = Vec::new();
    for i in 0..5 {
        println!("Worker {i} starting");
        handles.push(thread::spawn(|| thread::sleep(Duration::from_millis(200))));
    }
    for h in handles {
        h.join().unwrap();
    }
    for i in 0..5 {
        println!("Worker {i} finished");
    }
}
"#,
            ),
            because: &["writers (expect.toml"],
        },
        Variant {
            lesson: L3,
            test: "lesson-multithreading: default",
            what: "no threads: one sleep stands for all five",
            change: Change::Whole(
                r#"//! Lesson 3 with no threads at all.
fn main() {
    for i in 0..5 {
        println!("Worker {i} starting");
    }
    lesson_kit::sleep(2.0);
    for i in 0..5 {
        println!("Worker {i} finished");
    }
}
"#,
            ),
            because: &["threads (expect.toml", "writers (expect.toml"],
        },
        Variant {
            lesson: L3,
            test: "lesson-multithreading: default",
            what: "the threads are never joined",
            change: Change::Edits(&[(
                "    for t in threads {\n        t.join().expect(\"a worker thread panicked\");\n    }",
                "    drop(threads);",
            )]),
            because: &["lines `finish`"],
        },
        Variant {
            lesson: L3,
            test: "lesson-multithreading: default",
            what: "a pool of two threads takes the five jobs",
            change: Change::Edits(&[(
                "        let t = thread::spawn(move || worker(i));\n        threads.push(t);\n    }",
                "        if i < 2 {\n            let jobs: Vec<u32> = (i..5).step_by(2).collect();\n            threads.push(thread::spawn(move || jobs.into_iter().for_each(worker)));\n        }\n    }",
            )]),
            because: &["overlap (expect.toml", "order (expect.toml"],
        },
        // ---- lesson 4: the GIL -----------------------------------------------------
        Variant {
            lesson: L4,
            test: "lesson-gil: default",
            what: "the threads run one after another, each joined right after it is spawned",
            change: Change::Edits(&[(
                "        .map(|part| thread::spawn(move || cpu_bound_task(part)))",
                "        .map(|part| thread::spawn(move || cpu_bound_task(part)).join().unwrap())\n        .map(|sum| thread::spawn(move || sum))",
            )]),
            because: &["parallel (expect.toml"],
        },
        Variant {
            lesson: L4,
            test: "lesson-gil: default",
            what: "the parallel times and speedups are made up",
            change: Change::Edits(&[(
                "    let (threads, total) = best_of(|| on_threads(n, cores));",
                "    println!(\"threads: {:.2} s, speedup: {:.1}x\", one / cores as f64, cores as f64);\n    println!(\"rayon: {:.2} s, speedup: {:.1}x\", one / cores as f64, cores as f64);\n    return;\n    #[allow(unreachable_code)]\n    let (threads, total) = best_of(|| on_threads(n, cores));",
            )]),
            because: &["parallel (expect.toml"],
        },
        Variant {
            lesson: L4,
            test: "lesson-gil: default",
            what: "one thread does all the work of the threads phase",
            change: Change::Edits(&[(
                "    let handles: Vec<_> = split(n, cores)",
                "    let handles: Vec<_> = split(n, 1)",
            )]),
            because: &["parallel (expect.toml"],
        },
        Variant {
            lesson: L4,
            test: "lesson-gil: default",
            what: "rayon's phase iterates sequentially",
            change: Change::Edits(&[(
                "    split(n, cores * 8)\n        .into_par_iter()\n        .map(cpu_bound_task)\n        .reduce(|| 0, u64::wrapping_add)",
                "    let _ = (0..1).into_par_iter();\n    split(n, cores * 8)\n        .into_iter()\n        .map(cpu_bound_task)\n        .fold(0, u64::wrapping_add)",
            )]),
            because: &["parallel (expect.toml"],
        },
        Variant {
            lesson: L4,
            test: "lesson-gil: default",
            what: "every thread holds one lock while it computes",
            change: Change::Edits(&[(
                "        .map(|part| thread::spawn(move || cpu_bound_task(part)))",
                "        .map(|part| {\n            thread::spawn(move || {\n                static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());\n                let _held = LOCK.lock().unwrap();\n                cpu_bound_task(part)\n            })\n        })",
            )]),
            because: &["parallel (expect.toml"],
        },
        Variant {
            lesson: L4,
            test: "lesson-gil: default",
            what: "the threads take turns at one lock every few milliseconds, as Python's GIL makes them",
            change: Change::Edits(&[(
                "        .map(|part| thread::spawn(move || cpu_bound_task(part)))",
                "        .map(|part| {\n            thread::spawn(move || {\n                static GIL: std::sync::Mutex<()> = std::sync::Mutex::new(());\n                let mut sum = 0u64;\n                let mut start = part.start;\n                while start < part.end {\n                    let end = (start + 10_000_000).min(part.end);\n                    let _gil = GIL.lock().unwrap();\n                    sum = sum.wrapping_add(cpu_bound_task(start..end));\n                    drop(_gil);\n                    std::thread::yield_now();\n                    start = end;\n                }\n                sum\n            })\n        })",
            )]),
            because: &["parallel (expect.toml"],
        },
        Variant {
            lesson: L4,
            test: "lesson-gil: default",
            what: "the worker threads sleep while main computes everything",
            change: Change::Edits(&[(
                "        .map(|part| thread::spawn(move || cpu_bound_task(part)))",
                "        .map(|part| {\n            let sum = cpu_bound_task(part);\n            thread::spawn(move || {\n                thread::sleep(std::time::Duration::from_millis(5));\n                sum\n            })\n        })",
            )]),
            because: &["parallel (expect.toml"],
        },
        // ---- lesson 5: multiprocessing ---------------------------------------------
        Variant {
            lesson: L5,
            test: "lesson-multiprocessing: default",
            what: "threads where processes are asked for",
            change: Change::Edits(&[
                (
                    "        let p = Command::new(&exe)\n            .args([\"worker\", &i.to_string()])\n            .spawn()\n            .expect(\"could not start a worker process\");\n        processes.push(p);",
                    "        let _ = &exe;\n        threads.push(std::thread::spawn(move || worker(i)));",
                ),
                (
                    "    let mut processes = Vec::new();",
                    "    let mut threads = Vec::new();\n    let processes: Vec<std::process::Child> = Vec::new();",
                ),
                (
                    "    let mut all_ok = true;",
                    "    for t in threads {\n        t.join().unwrap();\n    }\n    let mut all_ok = true;",
                ),
            ]),
            because: &["processes (expect.toml", "own_processes (expect.toml"],
        },
        Variant {
            lesson: L5,
            test: "lesson-multiprocessing: default",
            what: "`sh` children echo the lines (student style, real sleeps)",
            change: Change::Whole(
                r#"//! Lesson 5 with shell children standing in for the workers.
use std::process::Command;

fn main() {
    let mut children = Vec::new();
    for i in 0..5 {
        let script = format!("echo Worker {i} starting; sleep 2; echo Worker {i} finished");
        children.push(Command::new("sh").arg("-c").arg(script).spawn().unwrap());
    }
    for mut c in children {
        c.wait().unwrap();
    }
}
"#,
            ),
            because: &["own_processes (expect.toml"],
        },
        Variant {
            lesson: L5,
            test: "lesson-multiprocessing: default",
            what: "each process waited for right after it is spawned",
            change: Change::Edits(&[(
                "        processes.push(p);",
                "        let mut p = p;\n        p.wait().unwrap();\n        processes.push(p);",
            )]),
            because: &["overlap (expect.toml"],
        },
        Variant {
            lesson: L5,
            test: "lesson-multiprocessing: default",
            what: "the parent prints the lines while `sleep` children do nothing",
            change: Change::Whole(
                r#"//! Lesson 5, faked: the children are `sleep`, the parent prints.
use std::process::Command;

fn main() {
    let mut children = Vec::new();
    for i in 0..5 {
        println!("Worker {i} starting");
        children.push(Command::new("sleep").arg("0.2").spawn().unwrap());
    }
    for mut c in children {
        c.wait().unwrap();
    }
    for i in 0..5 {
        println!("Worker {i} finished");
    }
}
"#,
            ),
            because: &["own_processes (expect.toml", "writers (expect.toml"],
        },
        Variant {
            lesson: L5,
            test: "lesson-multiprocessing: default",
            what: "the parent prints while copies of itself only sleep",
            change: Change::Edits(&[
                (
                    "fn worker(name: u64) {\n    println!(\"Worker {name} starting\");\n    lesson_kit::sleep(2.0);\n    println!(\"Worker {name} finished\");\n}",
                    "fn worker(_name: u64) {\n    lesson_kit::sleep(2.0);\n}",
                ),
                (
                    "        processes.push(p);",
                    "        println!(\"Worker {i} starting\");\n        processes.push(p);",
                ),
                (
                    "    if all_ok {",
                    "    for i in 0..5 {\n        println!(\"Worker {i} finished\");\n    }\n    if all_ok {",
                ),
            ]),
            because: &["writers (expect.toml"],
        },
        Variant {
            lesson: L5,
            test: "lesson-multiprocessing: default",
            what: "the parent exits without waiting for its children",
            change: Change::Edits(&[(
                "    let mut all_ok = true;\n    for mut p in processes {",
                "    let mut all_ok = true;\n    for mut p in processes.into_iter().take(0) {",
            )]),
            because: &["left 5 processes", "lines `finish`", "lines `start`"],
        },
        // ---- lesson 6: asyncio concepts --------------------------------------------
        Variant {
            lesson: L6,
            test: "lesson-asyncio-concepts: default",
            what: "a multi-thread runtime that claims `main` by hand",
            change: Change::Edits(&[
                (
                    "            let name = me.name().unwrap_or(\"unnamed\");",
                    "            let name = \"main\";",
                ),
                (
                    "            me.id()",
                    "            let _ = me;\n            1",
                ),
                (
                    "tokio::runtime::Builder::new_current_thread()",
                    "tokio::runtime::Builder::new_multi_thread()",
                ),
            ]),
            because: &["threads_at_once (expect.toml"],
        },
        Variant {
            lesson: L6,
            test: "lesson-asyncio-concepts: default",
            what: "#[tokio::main] with the default multi-thread flavour (student style)",
            change: Change::Edits(&[(
                "tokio::runtime::Builder::new_current_thread()",
                "tokio::runtime::Builder::new_multi_thread()",
            )]),
            because: &[
                "threads_at_once (expect.toml",
                "lines `on_main`",
                "lines `one_thread`",
            ],
        },
        Variant {
            lesson: L6,
            test: "lesson-asyncio-concepts: default",
            what: "the event-loop block awaits each task before spawning the next",
            change: Change::Edits(&[(
                "            me.id()\n        }));",
                "            me.id()\n        }));\n        let done = handles.pop().unwrap().await.unwrap();\n        handles.push(tokio::spawn(async move { done }));",
            )]),
            because: &["elapsed (expect.toml"],
        },
        Variant {
            lesson: L6,
            test: "lesson-asyncio-concepts: default",
            what: "the spawned task is awaited before main says it is waiting",
            change: Change::Edits(&[(
                "    println!(\"  main: spawned a task, now awaiting a 0.5 s sleep\");",
                "    let handle = {\n        handle.await.expect(\"the task panicked\");\n        tokio::spawn(async {})\n    };\n    println!(\"  main: spawned a task, now awaiting a 0.5 s sleep\");",
            )]),
            because: &["order (expect.toml"],
        },
        Variant {
            lesson: L6,
            test: "lesson-asyncio-concepts: default",
            what: "the coroutines never yield, so they do not take turns",
            change: Change::Edits(&[("        tokio::task::yield_now().await;", "")]),
            because: &["sorted (expect.toml"],
        },
        Variant {
            lesson: L6,
            test: "lesson-asyncio-concepts: default",
            what: "a plain function in place of the coroutine runs its body at once",
            change: Change::Edits(&[
                (
                    "    let future = greet(\"coroutine\");",
                    "    println!(\"  greet: body runs now\");\n    let future = async { String::from(\"Hello, coroutine\") };",
                ),
                (
                    "    let greeting = future.await;",
                    "    let greeting = future.await;\n    let _ = greet;",
                ),
            ]),
            because: &["order (expect.toml"],
        },
        // ---- lesson 7: asyncio -----------------------------------------------------
        Variant {
            lesson: L7,
            test: "lesson-asyncio: default",
            what: "the tasks awaited one after another",
            change: Change::Edits(&[(
                "            tokio::join!(biased; task(\"A\"), task(\"B\"), task(\"C\"));",
                "            task(\"A\").await;\n            task(\"B\").await;\n            task(\"C\").await;",
            )]),
            because: &["overlap (expect.toml"],
        },
        Variant {
            lesson: L7,
            test: "lesson-asyncio: default",
            what: "a blocking std::thread::sleep inside the tasks (student style)",
            change: Change::Whole(
                r#"//! Lesson 7 with a blocking sleep in async code.
use std::time::Duration;

async fn task(name: &str) {
    println!("Task {name} starting");
    std::thread::sleep(Duration::from_millis(200));
    println!("Task {name} finished");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    tokio::join!(task("A"), task("B"), task("C"));
}
"#,
            ),
            because: &["overlap (expect.toml"],
        },
        Variant {
            lesson: L7,
            test: "lesson-asyncio: default",
            what: "spawned tasks are never awaited (student style, #[tokio::main])",
            change: Change::Whole(
                r#"//! Lesson 7 where main returns without awaiting its tasks.
use std::time::Duration;

async fn task(name: &'static str) {
    println!("Task {name} starting");
    tokio::time::sleep(Duration::from_secs(2)).await;
    println!("Task {name} finished");
}

#[tokio::main]
async fn main() {
    for name in ["A", "B", "C"] {
        tokio::spawn(task(name));
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
}
"#,
            ),
            because: &["lines `finish`"],
        },
        Variant {
            lesson: L7,
            test: "lesson-asyncio: default",
            what: "each task spawned and awaited before the next is spawned",
            change: Change::Edits(&[(
                "            tokio::join!(biased; task(\"A\"), task(\"B\"), task(\"C\"));",
                "            for name in [\"A\", \"B\", \"C\"] {\n                tokio::spawn(async move { task(name).await }).await.unwrap();\n            }",
            )]),
            because: &["overlap (expect.toml"],
        },
        Variant {
            lesson: L7,
            test: "lesson-asyncio: default",
            what: "one sleep stands for all three tasks",
            change: Change::Edits(&[(
                "            tokio::join!(biased; task(\"A\"), task(\"B\"), task(\"C\"));",
                "            for n in [\"A\", \"B\", \"C\"] {\n                println!(\"Task {n} starting\");\n            }\n            tokio::time::sleep(lesson_kit::seconds(2.0)).await;\n            for n in [\"A\", \"B\", \"C\"] {\n                println!(\"Task {n} finished\");\n            }",
            )]),
            // Out of scope: the same lines at the same times as three overlapping tasks.
            because: &[],
        },
        // ---- lesson 8: CPU-bound work in asyncio -----------------------------------
        Variant {
            lesson: L8,
            test: "lesson-asyncio-cpu-bound: default",
            what: "the blocking call made directly on the event loop",
            change: Change::Edits(&[(
                "async fn to_thread() {\n    let result = tokio::task::spawn_blocking(|| cpu_bound_task(2))\n        .await\n        .expect(\"cpu_bound_task panicked\");",
                "async fn to_thread() {\n    let result = cpu_bound_task(2);",
            )]),
            because: &["threads (expect.toml"],
        },
        Variant {
            lesson: L8,
            test: "lesson-asyncio-cpu-bound: default",
            what: "the result is printed at once, the call never made",
            change: Change::Edits(&[(
                "async fn to_thread() {\n    let result = tokio::task::spawn_blocking(|| cpu_bound_task(2))\n        .await\n        .expect(\"cpu_bound_task panicked\");",
                "async fn to_thread() {\n    let result = 4;",
            )]),
            because: &["elapsed (expect.toml"],
        },
        Variant {
            lesson: L8,
            test: "lesson-asyncio-cpu-bound: process",
            what: "the process route computes on a thread, starting no process",
            change: Change::Edits(&[(
                "    let result = tokio::task::spawn_blocking(|| in_child_process(2))",
                "    let result = tokio::task::spawn_blocking(|| cpu_bound_task(2))",
            )]),
            because: &["processes (expect.toml"],
        },
        Variant {
            lesson: L8,
            test: "lesson-asyncio-cpu-bound: process",
            what: "a `sh` child sleeps while the parent computes (student style, real sleep)",
            change: Change::Edits(&[(
                "    let output = Command::new(exe)\n        .args([\"cpu_bound_task\", &n.to_string()])",
                "    let _ = exe;\n    let output = Command::new(\"sh\")\n        .arg(\"-c\")\n        .arg(format!(\"sleep 0.2; echo {}\", n * n))",
            )]),
            because: &["own_processes (expect.toml"],
        },
        Variant {
            lesson: L8,
            test: "lesson-asyncio-cpu-bound: responsive",
            what: "the responsive route blocks the loop, so the ticker never ticks",
            change: Change::Edits(&[(
                "    let ticking = tokio::spawn(ticker());\n    let result = tokio::task::spawn_blocking(|| cpu_bound_task(2))\n        .await\n        .expect(\"cpu_bound_task panicked\");",
                "    let ticking = tokio::spawn(ticker());\n    let result = cpu_bound_task(2);",
            )]),
            because: &["lines `tick`", "threads (expect.toml"],
        },
        Variant {
            lesson: L8,
            test: "lesson-asyncio-cpu-bound: default",
            what: "the offloaded call is not awaited: the result is computed again at once",
            change: Change::Edits(&[(
                "async fn to_thread() {\n    let result = tokio::task::spawn_blocking(|| cpu_bound_task(2))\n        .await\n        .expect(\"cpu_bound_task panicked\");",
                "async fn to_thread() {\n    drop(tokio::task::spawn_blocking(|| cpu_bound_task(2)));\n    let result = 2 * 2;",
            )]),
            because: &["elapsed (expect.toml"],
        },
    ]
}

/// The variant's `main.rs`, from the lesson's own.
fn source(variant: &Variant) -> String {
    let path = support::root()
        .join("lessons")
        .join(variant.lesson)
        .join("src/main.rs");
    let mut text = std::fs::read_to_string(&path).unwrap();
    match &variant.change {
        Change::Whole(whole) => return (*whole).to_owned(),
        Change::Edits(edits) => {
            for (from, to) in *edits {
                assert!(
                    text.contains(from),
                    "{}: {} no longer contains {from:?}; update the variant",
                    variant.what,
                    path.display()
                );
                text = text.replacen(from, to, 1);
            }
        }
    }
    text
}

/// Every variant still applies to its lesson, and every lesson has five or more: a lesson
/// that changed breaks this quick test first, naming the variant, rather than the long
/// grading ones.
#[test]
fn every_variant_applies_to_its_lesson() {
    let variants = variants();
    let problems: Vec<String> = variants
        .iter()
        .filter_map(|v| {
            std::panic::catch_unwind(|| source(v))
                .err()
                .map(|e| e.downcast_ref::<String>().cloned().unwrap_or_default())
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for lesson in support::lessons() {
        let folder = lesson.folder();
        let n = variants.iter().filter(|v| v.lesson == folder).count();
        assert!(
            n >= 5,
            "{folder} has only {n} wrong variants; five or more, please"
        );
    }
    // The specs must catch at least 90% of the variants: the ones they cannot tell from a
    // correct program are named as out of scope (no reason given), and few.
    let out_of_scope: Vec<&str> = variants
        .iter()
        .filter(|v| v.because.is_empty())
        .map(|v| v.what)
        .collect();
    assert!(
        out_of_scope.len() * 10 <= variants.len(),
        "{} of {} variants are out of scope: {out_of_scope:?}",
        out_of_scope.len(),
        variants.len()
    );
}

/// One test per lesson (see build.rs): each grades its lesson's variants in one
/// `cargo xtask grade <lesson> --submissions` call, beside the suite's other tests.
macro_rules! variants_test {
    ($name:ident, $folder:literal) => {
        #[test]
        fn $name() {
            wrong_variants_fail_for_their_reason($folder);
        }
    };
}
for_each_lesson!(variants_test);

/// How one graded variant came out.
enum Outcome {
    /// Failed, and its explanation names one of its reasons (or it has none: out of scope).
    FailedForItsReason,
    /// Passed, out of scope: the spec says it cannot tell this one from a correct program.
    PassedOutOfScope,
    /// Its reason was a rule the machine could not judge (parallelism while other programs
    /// kept the cores busy): not held against the student, so it passes, honestly unjudged.
    Unjudged,
    /// Passed, or failed for another reason: the spec misses it.
    Missed(String),
}

fn wrong_variants_fail_for_their_reason(folder: &str) {
    let variants: Vec<Variant> = variants()
        .into_iter()
        .filter(|v| v.lesson == folder)
        .collect();
    assert!(!variants.is_empty(), "{folder} has no wrong variants");
    let package = &support::lesson(folder).name;
    let mut outcomes = grade(package, &variants.iter().collect::<Vec<_>>());
    // A machine busy for a moment leaves a variant unjudged: those are graded once more,
    // after the others.
    let unjudged: Vec<usize> = (0..variants.len())
        .filter(|&i| matches!(outcomes[i], Outcome::Unjudged))
        .collect();
    if !unjudged.is_empty() {
        let again: Vec<&Variant> = unjudged.iter().map(|&i| &variants[i]).collect();
        for (i, outcome) in unjudged.into_iter().zip(grade(package, &again)) {
            outcomes[i] = outcome;
        }
    }
    let mut problems = Vec::new();
    let (mut failed_for_reason, mut passed_out_of_scope, mut inconclusive) =
        (0, Vec::new(), Vec::new());
    for (v, outcome) in variants.iter().zip(outcomes) {
        match outcome {
            Outcome::FailedForItsReason => failed_for_reason += 1,
            Outcome::PassedOutOfScope => passed_out_of_scope.push(v.what),
            Outcome::Unjudged => inconclusive.push(v.what),
            Outcome::Missed(problem) => problems.push(problem),
        }
    }
    eprintln!(
        "{folder}: {failed_for_reason} of {} wrong variants failed for their reason; out of scope and passing: {passed_out_of_scope:?}; not judged on a busy machine: {inconclusive:?}",
        variants.len()
    );
    assert!(
        problems.is_empty(),
        "variants that did not fail for their reason:\n\n{}",
        problems.join("\n\n")
    );
    // Graded twice and still unjudged: the machine is too busy for this test to say
    // anything about more than a quarter of them.
    assert!(
        inconclusive.len() * 4 <= variants.len(),
        "the machine was too busy to judge {} of {} variants: {inconclusive:?}",
        inconclusive.len(),
        variants.len()
    );
}

/// Grades each variant as a submission of its own that holds only its lesson, in one
/// grading call, and says how each came out.
fn grade(package: &str, variants: &[&Variant]) -> Vec<Outcome> {
    let submissions = tempfile::tempdir().unwrap();
    let lessons = support::root().join("lessons");
    for (i, v) in variants.iter().enumerate() {
        let dir = submissions
            .path()
            .join(format!("variant-{i}"))
            .join("lessons")
            .join(v.lesson);
        support::copy_tree(&lessons.join(v.lesson), &dir);
        std::fs::write(dir.join("src/main.rs"), source(v)).unwrap();
    }
    let reports = tempfile::tempdir().unwrap();
    let json = reports.path().join("json");
    let marker = support::unique_marker();
    Command::new(support::binary("xtask"))
        .env("COURSE_TEST_MARKER", &marker)
        .arg("grade")
        .arg(package)
        .arg("--submissions")
        .arg(submissions.path())
        .arg("--json")
        .arg(&json)
        .arg("--target-dir")
        .arg(crate::grade::grade_target_dir())
        .timeout(Duration::from_secs(1800))
        .assert()
        .success();
    assert_eq!(
        support::processes_with_env(&marker),
        Vec::<i32>::new(),
        "grading left a process behind"
    );
    variants
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let report: Value = serde_json::from_slice(
                &std::fs::read(json.join(format!("variant-{i}.json"))).unwrap(),
            )
            .unwrap();
            let test = report["tests"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["name"] == v.test)
                .unwrap_or_else(|| panic!("{}: no test {}", v.what, v.test));
            outcome(v, test)
        })
        .collect()
}

fn outcome(v: &Variant, test: &Value) -> Outcome {
    let output = test["output"].as_str().unwrap_or_default();
    let failed = test["status"] == "failed";
    let unjudged = !failed
        && v.because
            .iter()
            .any(|r| output.contains(&format!("{r} line")) && output.contains("not judged"));
    match (failed, v.because.is_empty()) {
        _ if unjudged => Outcome::Unjudged,
        (true, _) if v.because.iter().any(|r| output.contains(r)) => Outcome::FailedForItsReason,
        (true, true) => Outcome::FailedForItsReason,
        (true, false) => Outcome::Missed(format!(
            "{} ({}): failed, but not for {:?}:\n{output}",
            v.what, v.test, v.because
        )),
        (false, true) => Outcome::PassedOutOfScope,
        (false, false) => Outcome::Missed(format!(
            "{} ({}): passed; it should fail for {:?}:\n{output}",
            v.what, v.test, v.because
        )),
    }
}
