//! Lesson 8, "Handling CPU-Bound Tasks in asyncio": hand blocking work to another thread or process.
//!
//! The event loop is one thread; a call that blocks it stops every task. So the
//! blocking `cpu_bound_task` runs on a thread of tokio's blocking pool (what
//! `asyncio.to_thread` does) or in a child process (what `run_in_executor` with
//! a `ProcessPoolExecutor` does), and the loop awaits its result.
//!
//! `cargo run -p lesson-asyncio-cpu-bound` is the notes' example; `-- process`,
//! `-- responsive` and `-- blocking` show the other routes, one function each.

use std::process::{Command, Stdio};

/// Stands in for heavy computation: blocks its thread for `n` seconds, like `time.sleep(n)`.
fn cpu_bound_task(n: u64) -> u64 {
    lesson_kit::sleep(n as f64);
    n * n
}

/// The notes' example: `result = await asyncio.to_thread(cpu_bound_task, 2)`, on a blocking-pool thread.
async fn to_thread() {
    let result = tokio::task::spawn_blocking(|| cpu_bound_task(2))
        .await
        .expect("cpu_bound_task panicked");
    println!("Result: {result}");
}

/// `await loop.run_in_executor(ProcessPoolExecutor(), cpu_bound_task, 2)`: in a child process.
///
/// The child's answer still arrives through a blocking read, so that read goes
/// to the blocking pool too. Python's executor pickles the call over a pipe to a
/// worker process; here the call is the child's arguments.
async fn in_a_process() {
    let result = tokio::task::spawn_blocking(|| in_child_process(2))
        .await
        .expect("the process route panicked");
    println!("Result: {result}");
}

/// The loop stays free while a blocking-pool thread runs the call: the ticker keeps ticking.
async fn responsive() {
    let ticking = tokio::spawn(ticker());
    let result = tokio::task::spawn_blocking(|| cpu_bound_task(2))
        .await
        .expect("cpu_bound_task panicked");
    ticking.abort();
    println!("Result: {result}");
}

/// The mistake this lesson is about: the call runs right on the loop's only
/// thread, so the ticker cannot run until it has returned.
async fn blocking() {
    let ticking = tokio::spawn(ticker());
    let result = cpu_bound_task(2);
    ticking.abort();
    println!("Result: {result}");
}

/// Prints `tick` every half second for as long as the event loop lets it run.
async fn ticker() {
    loop {
        tokio::time::sleep(lesson_kit::seconds(0.5)).await;
        println!("tick");
    }
}

/// Runs `cpu_bound_task(n)` in a fresh copy of this program and reads the answer from its stdout.
fn in_child_process(n: u64) -> u64 {
    let exe = std::env::current_exe().expect("cannot find this program's own path to re-run it");
    let output = Command::new(exe)
        .args(["cpu_bound_task", &n.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .expect("could not start the child process");
    if !output.status.success() {
        panic!("the child process failed: {}", output.status);
    }
    let answer = String::from_utf8_lossy(&output.stdout);
    answer
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("the child process answered {answer:?}, not a number"))
}

fn main() {
    // The child side of the process route: no event loop, just the call, its
    // result written to stdout for the parent to read.
    if let Some(n) = lesson_kit::role_number("cpu_bound_task") {
        println!("{}", cpu_bound_task(n));
        return;
    }
    let mode = lesson_kit::start(&["process", "responsive", "blocking"]);
    // `asyncio.run(main())`: an event loop on this one thread, running main to the end.
    // The runtime is built by hand because the child side above has no use for one.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("could not start the tokio runtime");
    runtime.block_on(async {
        match mode {
            None => to_thread().await,
            Some("process") => in_a_process().await,
            Some("responsive") => responsive().await,
            Some(_blocking) => blocking().await,
        }
    });
}
