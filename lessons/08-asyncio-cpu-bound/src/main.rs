//! Lesson 8, "Handling CPU-Bound Tasks in asyncio": hand blocking work to another thread or process.
//!
//! The event loop is one thread; a call that blocks it stops every task. So the
//! blocking `cpu_bound_task` runs on a thread of tokio's blocking pool (what
//! `asyncio.to_thread` does) or in a child process (what `run_in_executor` with
//! a `ProcessPoolExecutor` does), and the loop awaits its result.

use std::process::{Command, ExitCode, Stdio};

/// Stands in for heavy computation: blocks its thread for `n` seconds, like `time.sleep(n)`.
fn cpu_bound_task(n: u64) -> u64 {
    lesson_kit::sleep(n as f64);
    n * n
}

/// How `main` runs `cpu_bound_task(2)`, chosen by the command-line argument.
enum Mode {
    /// `asyncio.to_thread(cpu_bound_task, 2)`: on a blocking-pool thread.
    ToThread,
    /// `loop.run_in_executor(ProcessPoolExecutor(), cpu_bound_task, 2)`: in a child process.
    Process,
    /// To a thread, with a ticker task showing the loop stays free meanwhile.
    Responsive,
    /// Called right on the loop's thread, with the same ticker, which never gets a turn.
    Blocking,
}

/// `async def main()`: run the call, await its result, print it.
async fn main_async(mode: Mode) {
    let ticker = matches!(mode, Mode::Responsive | Mode::Blocking).then(|| tokio::spawn(ticker()));
    let result = match mode {
        Mode::ToThread | Mode::Responsive => tokio::task::spawn_blocking(|| cpu_bound_task(2))
            .await
            .expect("cpu_bound_task panicked"),
        // The child's answer still arrives through a blocking read, so that read
        // goes to the blocking pool too. Python's executor pickles the call over
        // a pipe to a worker process; here the call is the child's arguments.
        Mode::Process => tokio::task::spawn_blocking(|| in_child_process(2))
            .await
            .expect("the process route panicked"),
        // The mistake this lesson is about: the loop's only thread sleeps here,
        // so the ticker cannot run until the call has returned.
        Mode::Blocking => cpu_bound_task(2),
    };
    if let Some(ticker) = ticker {
        ticker.abort();
    }
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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mode = match args[..] {
        [] => Mode::ToThread,
        ["process"] => Mode::Process,
        ["responsive"] => Mode::Responsive,
        ["blocking"] => Mode::Blocking,
        // The child side of the process route: no event loop, just the call,
        // its result written to stdout for the parent to read.
        ["cpu_bound_task", n] => match n.parse() {
            Ok(n) => {
                println!("{}", cpu_bound_task(n));
                return ExitCode::SUCCESS;
            }
            Err(_) => return usage(&format!("`cpu_bound_task` takes a whole number, not `{n}`")),
        },
        _ => return usage(&format!("unexpected argument(s): {}", args.join(" "))),
    };
    // `asyncio.run(main())`: an event loop on this one thread, running main to the end.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("could not start the tokio runtime");
    runtime.block_on(main_async(mode));
    ExitCode::SUCCESS
}

/// Explains a bad command line and exits with code 2.
fn usage(problem: &str) -> ExitCode {
    eprintln!(
        "error: {problem}\n\
         usage: cargo run -p lesson-asyncio-cpu-bound [-- process | responsive | blocking]"
    );
    ExitCode::from(2)
}
