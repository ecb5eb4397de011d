//! Exercise 07a: three tasks of 3, 1 and 2 seconds should run together and hand back their results.
//!
//! Each `.await` below waits for its task to finish before the next line even
//! creates the next one, so the waits add up: 3 + 1 + 2 seconds.

async fn task(name: &str, secs: f64) -> String {
    println!("Task {name} starting");
    tokio::time::sleep(lesson_kit::seconds(secs)).await;
    println!("Task {name} finished");
    name.to_lowercase()
}

/// One thread runs every task, as in asyncio.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    lesson_kit::start(&[]);

    // TODO: await the three together, as `asyncio.gather` does: `tokio::join!` takes the
    // three futures and gives back a tuple of their results, in the order written.
    let a = task("A", 3.0).await;
    let b = task("B", 1.0).await;
    let c = task("C", 2.0).await;

    println!("Results: {a}, {b}, {c}");
}
