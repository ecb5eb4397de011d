//! Exercise 06c: two tasks each do four steps of busy work on one thread, and should take turns.
//!
//! An event loop cannot interrupt a task: it switches only when the task awaits.
//! A task that never awaits keeps the thread until it is completely done.

/// Four steps of busy work; each step keeps the thread busy for half a second.
async fn crunch(name: &str) {
    println!("Task {name} starting");
    for step in 1..=4 {
        // Stands in for computing: like the notes' cpu_bound_task, it holds the thread.
        lesson_kit::sleep(0.5);
        println!("Task {name} finished step {step}");
        // TODO: give the event loop a turn after each step, so the other task can do a
        // step too: `tokio::task::yield_now().await` (Python: `await asyncio.sleep(0)`).
    }
    println!("Task {name} finished");
}

/// One thread runs every task, as in asyncio.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    lesson_kit::start(&[]);

    // `biased;` makes join! always poll A before B, so the turns come in a fixed order.
    tokio::join!(biased; crunch("A"), crunch("B"));
}
