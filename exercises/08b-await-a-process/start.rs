//! Exercise 08b: `cpu_bound_task(2)` runs in a child process, and the event loop should stay
//! free (the ticker ticking) while it waits for the child's answer.
//!
//! The child is this same program, run as `cpu_bound_task 2`. Waiting for it with
//! std's `Command::output` blocks the thread, which here is the event loop.

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
    // TODO: std's `output()` blocks until the child exits, and the ticker cannot tick
    // meanwhile. `tokio::process::Command` has the same methods, but its `output()` is
    // a future: await it, and the loop runs other tasks while the child works.
    let output = std::process::Command::new(exe)
        .args(["cpu_bound_task", "2"])
        .output()
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
