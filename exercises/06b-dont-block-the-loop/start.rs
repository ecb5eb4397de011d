//! Exercise 06b: three tasks wait two seconds each, together, on one thread.
//!
//! A task can only let the others run at an `.await`. A blocking sleep has no
//! `.await`: it holds the one thread, and with it the whole event loop.

async fn task(name: &str) {
    println!("Task {name} starting");
    // TODO: `lesson_kit::sleep` is `time.sleep`: it blocks the thread. Await
    // `tokio::time::sleep(lesson_kit::seconds(2.0))` instead, which is `asyncio.sleep(2)`:
    // it parks this task and gives the thread back to the event loop meanwhile.
    lesson_kit::sleep(2.0);
    println!("Task {name} finished");
}

/// One thread runs every task, as in asyncio.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    lesson_kit::start(&[]);

    // `asyncio.gather(task("A"), task("B"), task("C"))`
    tokio::join!(task("A"), task("B"), task("C"));
}
