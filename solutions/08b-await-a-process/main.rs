//! Solution to exercise 08b: `tokio::process::Command` waits for the child process as a
//! future, so the event loop keeps running the ticker while the child computes.
//!
//! This is `asyncio.create_subprocess_exec` (or `run_in_executor` with a process
//! pool): the work happens in another process, the loop only awaits the answer.

use tokio::time::sleep;

/// Stands in for heavy computation: blocks its thread for `n` seconds, like `time.sleep(n)`.
fn cpu_bound_task(n: u64) -> u64 {
    lesson_kit::sleep(n as f64);
    n * n
}

/// Ticks every half second for as long as the event loop lets it run.
async fn ticker() {
    for i in 0.. {
        println!("Tick {i}");
        sleep(lesson_kit::seconds(0.5)).await;
    }
}

fn main() {
    // The child's side: compute, and print the answer for the parent to read.
    if let Some(n) = lesson_kit::role_number("cpu_bound_task") {
        println!("{}", cpu_bound_task(n));
        return;
    }
    lesson_kit::start(&[]);
    parent();
}

/// `asyncio.run(main())` on one thread; only the parent needs an event loop.
#[tokio::main(flavor = "current_thread")]
async fn parent() {
    let ticker = tokio::spawn(ticker());

    let exe = std::env::current_exe().expect("cannot find this program's own executable");
    // The same builder as std's, but output() is a future; awaiting it frees the loop.
    let output = tokio::process::Command::new(exe)
        .args(["cpu_bound_task", "2"])
        .output()
        .await
        .expect("cannot start the child process");
    assert!(
        output.status.success(),
        "the child process failed: {}",
        output.status
    );

    ticker.abort();
    let answer = String::from_utf8_lossy(&output.stdout);
    println!("Result: {}", answer.trim());
}
