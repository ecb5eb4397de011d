//! Solution to exercise 06b: each task awaits tokio's sleep, which gives the thread back to
//! the event loop, so the three two-second waits overlap.

async fn task(name: &str) {
    println!("Task {name} starting");
    // While this task is parked, the loop runs the others: `await asyncio.sleep(2)`.
    tokio::time::sleep(lesson_kit::seconds(2.0)).await;
    println!("Task {name} finished");
}

/// One thread runs every task, as in asyncio.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    lesson_kit::start(&[]);

    // `asyncio.gather(task("A"), task("B"), task("C"))`
    tokio::join!(task("A"), task("B"), task("C"));
}
