//! Exercise 08a: three blocking calls should run off the event loop, together, while a ticker
//! task keeps ticking.
//!
//! The event loop is one thread. A blocking call made on it stops every task,
//! including the ticker, until the call returns.

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

    // TODO: these calls block the event loop's only thread, one after another, and the
    // ticker never gets a turn. Start each on tokio's blocking pool with
    // `tokio::task::spawn_blocking(move || cpu_bound_task(n))` (Python: `asyncio.to_thread`),
    // then await the three handles together with `tokio::join!`.
    let a = cpu_bound_task(2);
    let b = cpu_bound_task(3);
    let c = cpu_bound_task(4);

    ticker.abort();
    println!("Results: {a}, {b}, {c}");
}
