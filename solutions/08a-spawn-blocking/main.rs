//! Solution to exercise 08a: each blocking call runs on a thread of tokio's blocking pool
//! (`asyncio.to_thread`), the three at the same time, while the loop keeps the ticker going.

use tokio::task::spawn_blocking;
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

/// One thread runs every task, as in asyncio.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    lesson_kit::start(&[]);

    let ticker = tokio::spawn(ticker());

    // Each call starts on a pool thread right away; awaiting the handles frees the loop.
    let (a, b, c) = tokio::join!(
        spawn_blocking(|| cpu_bound_task(2)),
        spawn_blocking(|| cpu_bound_task(3)),
        spawn_blocking(|| cpu_bound_task(4))
    );
    let [a, b, c] = [a, b, c].map(|result| result.expect("cpu_bound_task panicked"));

    ticker.abort();
    println!("Results: {a}, {b}, {c}");
}
