//! Solution to exercise 07c: each fetch gets three seconds through `tokio::time::timeout`;
//! the slow one is dropped when its time runs out, so it never prints `Fetched slow`.
//!
//! Python's `asyncio.wait_for` cancels by raising CancelledError inside the task;
//! a Rust future is cancelled by being dropped, and no more of it runs.

use tokio::time::{error::Elapsed, sleep, timeout};

async fn fetch(name: &str, secs: f64) -> String {
    println!("Fetching {name}");
    sleep(lesson_kit::seconds(secs)).await;
    println!("Fetched {name}");
    format!("{name} page")
}

fn report(name: &str, result: Result<String, Elapsed>) {
    match result {
        Ok(page) => println!("{name}: got the {page}"),
        Err(_) => println!("{name}: gave up after 3 s"),
    }
}

/// One thread runs every task, as in asyncio.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    lesson_kit::start(&[]);

    let limit = lesson_kit::seconds(3.0);
    let (fast, slow) = tokio::join!(
        timeout(limit, fetch("fast", 1.0)),
        timeout(limit, fetch("slow", 10.0))
    );
    report("fast", fast);
    report("slow", slow);
}
