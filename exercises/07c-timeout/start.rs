//! Exercise 07c: two fetches run together; the slow one should be given up after three seconds.
//!
//! A future that is dropped simply stops: nothing more of it runs. That is how
//! tokio cancels, and how a timeout works.

use tokio::time::sleep;

async fn fetch(name: &str, secs: f64) -> String {
    println!("Fetching {name}");
    sleep(lesson_kit::seconds(secs)).await;
    println!("Fetched {name}");
    format!("{name} page")
}

/// One thread runs every task, as in asyncio.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    lesson_kit::start(&[]);

    // TODO: wait at most three seconds for each fetch, like `asyncio.wait_for(..., timeout=3)`:
    // wrap each one in `tokio::time::timeout(lesson_kit::seconds(3.0), fetch(...))`. That gives
    // a Result: Ok(page) in time, Err(_) if the time ran out (the fetch is then dropped).
    // Print `fast: gave up after 3 s` (or `slow: ...`) for an Err.
    let (fast, slow) = tokio::join!(fetch("fast", 1.0), fetch("slow", 10.0));
    println!("fast: got the {fast}");
    println!("slow: got the {slow}");
}
