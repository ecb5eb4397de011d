//! Exercise 07b: ten tasks, a number not written out in the code, should run together and
//! main should add up their results.
//!
//! `join!` needs each future written out; for a number of tasks known only when
//! the program runs, tokio has `JoinSet`, a set of spawned tasks to collect.

use tokio::task::JoinSet;

async fn task(name: u64) -> u64 {
    println!("Task {name} starting");
    tokio::time::sleep(lesson_kit::seconds(2.0)).await;
    println!("Task {name} finished");
    name * name
}

/// One thread runs every task, as in asyncio.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    lesson_kit::start(&[]);

    let mut tasks = JoinSet::new();
    let mut total = 0;
    for name in 0..10 {
        tasks.spawn(task(name));
        // TODO: this waits for the task just spawned before the loop spawns the next one.
        // Spawn all ten first; then, after the loop, collect every result with
        // `while let Some(result) = tasks.join_next().await`.
        if let Some(result) = tasks.join_next().await {
            total += result.expect("a task panicked");
        }
    }
    println!("Main: ten results, total {total}");
}
