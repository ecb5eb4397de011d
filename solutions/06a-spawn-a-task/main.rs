//! Solution to exercise 06a: `tokio::spawn` turns the ticker into a task, which the event
//! loop runs whenever main is waiting, like `asyncio.create_task`.

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

    // The task is scheduled now; on this one thread it first runs when main awaits.
    let ticker = tokio::spawn(ticker());

    println!("Main: working");
    sleep(lesson_kit::seconds(3.5)).await;
    println!("Main: done working");

    ticker.await.expect("the ticker task panicked");
}
