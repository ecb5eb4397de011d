//! Solution to exercise 06c: each task yields after every step, so the event loop lets the
//! two tasks take turns, step by step, on one thread.
//!
//! Taking turns is fairer, not faster: the work still adds up to four seconds on
//! one thread. Making it faster takes more threads, which lesson 8 is about.

/// Four steps of busy work; each step keeps the thread busy for half a second.
async fn crunch(name: &str) {
    println!("Task {name} starting");
    for step in 1..=4 {
        // Stands in for computing: like the notes' cpu_bound_task, it holds the thread.
        lesson_kit::sleep(0.5);
        println!("Task {name} finished step {step}");
        // Python's `await asyncio.sleep(0)`: nothing to wait for, just a turn for the others.
        tokio::task::yield_now().await;
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
