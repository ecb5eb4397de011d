//! Lesson 6, "Key Concepts in asyncio": coroutine, event loop, task and await, one block each.
//!
//! Each block prints what its concept does, so the output itself shows that an
//! `async fn` is lazy, that one thread runs every task, that a spawned task
//! runs without being awaited, and that `.await` lets tasks take turns.

use std::collections::HashSet;
use std::thread;

use tokio::time::sleep;

/// A coroutine (`async def greet(name)`): calling it only builds a future.
async fn greet(name: &str) -> String {
    println!("  greet: body runs now");
    format!("Hello, {name}")
}

/// 1. Coroutine -> `async fn`, which returns a `Future`.
async fn coroutine() {
    println!("1. Coroutine = async fn: calling it runs nothing until it is awaited");
    let future = greet("coroutine");
    // Python's `greet("coroutine")` likewise gives back a coroutine object and
    // runs none of its body (and warns if it is never awaited; Rust warns too).
    println!("  called greet(): got a Future, its body has not run yet");
    let greeting = future.await;
    println!("  awaited it: {greeting}");
}

/// 2. Event loop -> the tokio runtime: one thread runs all the tasks.
async fn event_loop() {
    println!("2. Event loop = the tokio runtime: one thread runs many tasks");
    let mut handles = Vec::new();
    for n in 1..=3 {
        handles.push(tokio::spawn(async move {
            let me = thread::current();
            let name = me.name().unwrap_or("unnamed");
            println!("  task {n} runs on thread {name}");
            sleep(lesson_kit::seconds(1.0)).await;
            me.id()
        }));
    }
    let mut threads = HashSet::new();
    for handle in handles {
        threads.insert(handle.await.expect("a task panicked"));
    }
    println!("  3 tasks done; threads used: {}", threads.len());
}

/// 3. Task -> `tokio::spawn` (Python's `asyncio.create_task`): scheduled to run on its own.
async fn task() {
    println!("3. Task = tokio::spawn: a spawned future runs without being awaited");
    let handle = tokio::spawn(async {
        println!("  task: running while main is busy awaiting its sleep");
    });
    println!("  main: spawned a task, now awaiting a 0.5 s sleep");
    // On one thread the task cannot start until main reaches an await and
    // yields; asyncio's loop works the same way.
    sleep(lesson_kit::seconds(0.5)).await;
    println!("  main: woke up, and the task had already run");
    handle.await.expect("the task panicked");
}

/// Three steps, yielding to the event loop after each one.
async fn steps(name: &str) {
    for step in 1..=3 {
        println!("  {name} step {step}");
        // Python's `await asyncio.sleep(0)`: give the loop a turn, change nothing else.
        tokio::task::yield_now().await;
    }
}

/// 4. await -> `.await`: pauses this coroutine and yields the thread back to the loop.
async fn await_yields() {
    println!("4. await = .await: it yields to the loop, so coroutines take turns on one thread");
    // `asyncio.gather(steps("A"), steps("B"))`. gather wraps each coroutine in
    // a Task; join! instead polls both futures inside the current task, and
    // `biased;` resumes them in the order written, as asyncio's loop resumes
    // its ready tasks first come, first served.
    tokio::join!(biased; steps("A"), steps("B"));
}

fn main() {
    lesson_kit::start(&[]);
    // `asyncio.run(main())` builds an event loop on this thread and runs one
    // coroutine to the end; a current-thread runtime is exactly that.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("could not start the tokio runtime");
    runtime.block_on(async {
        coroutine().await;
        event_loop().await;
        task().await;
        await_yields().await;
    });
}
