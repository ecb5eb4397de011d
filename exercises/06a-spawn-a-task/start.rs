//! Exercise 06a: a ticker should tick while main is busy awaiting something else.
//!
//! Calling an `async fn` builds a future and runs none of it; the future only
//! makes progress while someone awaits it. Here main awaits it last, so the
//! ticker starts only after main is done.

use tokio::time::sleep;

async fn ticker() {
    for i in 0..3 {
        println!("Tick {i}");
        sleep(lesson_kit::seconds(1.0)).await;
    }
}

/// One thread runs every task, as in asyncio.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    lesson_kit::start(&[]);

    // TODO: this only builds the future. Hand it to `tokio::spawn`, which wraps it in a
    // task that the event loop runs on its own, like `asyncio.create_task(ticker())`.
    let ticker = ticker();

    println!("Main: working");
    sleep(lesson_kit::seconds(3.5)).await;
    println!("Main: done working");

    // TODO: awaiting a task's JoinHandle gives a Result (Err if the task panicked).
    ticker.await;
}
