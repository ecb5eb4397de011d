//! Solution to exercise 07b: all ten tasks go into a `JoinSet` first, then main collects
//! their results in the order they finish, like `asyncio.as_completed` over created tasks.

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
    for name in 0..10 {
        tasks.spawn(task(name));
    }

    // join_next gives the result of whichever task finishes next, and None once the set is empty.
    let mut total = 0;
    while let Some(result) = tasks.join_next().await {
        total += result.expect("a task panicked");
    }
    println!("Main: ten results, total {total}");
}
