//! Lesson 7, "Simple asyncio Example": three tasks wait together on one thread.
//!
//! While one task waits on its sleep, the event loop runs the others, so three
//! 2-second waits take 2 seconds in all, not 6. No thread is started for it.

/// Like `async def task(name)`: calling it runs nothing yet, it only builds a future.
async fn task(name: &str) {
    println!("Task {name} starting");
    // `asyncio.sleep(2)`: park this task and give the thread back to the loop.
    tokio::time::sleep(lesson_kit::seconds(2.0)).await;
    println!("Task {name} finished");
}

/// `asyncio.run(main())`: a runtime on this one thread, which is what asyncio's
/// event loop is too. Without `flavor = "current_thread"` tokio would start a
/// pool of worker threads; asyncio never does that.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    match lesson_kit::start(&["sequential"]) {
        // `await asyncio.gather(task("A"), task("B"), task("C"))`: run the three
        // futures together and wait for all of them. `biased;` polls them in
        // the order written, as gather does; by default join! rotates which one
        // goes first each time it wakes, so the finish lines could come out B, C, A.
        None => {
            tokio::join!(biased; task("A"), task("B"), task("C"));
        }
        // For contrast: awaiting one after another waits 2 + 2 + 2 seconds.
        Some(_sequential) => {
            task("A").await;
            task("B").await;
            task("C").await;
        }
    }
}
