//! Solution to exercise 07a: `tokio::join!` runs the three tasks together, like
//! `asyncio.gather`, and returns their results in the order they were written.

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

    // Finished in the order B, C, A, but the results keep the order written, as with gather.
    let (a, b, c) = tokio::join!(task("A", 3.0), task("B", 1.0), task("C", 2.0));

    println!("Results: {a}, {b}, {c}");
}
