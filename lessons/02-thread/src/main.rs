//! Lesson 2, "Simple Example of Creating a Thread": a second thread runs
//! `print_numbers` while the main thread waits for it with `join`.

use std::thread;

fn print_numbers() {
    for i in 0..5 {
        println!("Thread: {i}");
        // `lesson_kit::sleep` is `time.sleep`, shortened by LESSON_TIME_SCALE for quick checks.
        lesson_kit::sleep(1.0);
    }
}

fn main() {
    lesson_kit::start(&[]);

    // Python builds a Thread object and then calls start(); spawn does both at once,
    // so the thread is already running when `thread` gets its handle.
    let thread = thread::spawn(print_numbers);

    // Wait for the thread to finish before exiting the main program. This join matters
    // more than in Python: Python waits for every running thread before it exits, but
    // when Rust's main returns the process ends and takes unfinished threads with it.
    // join() also reports whether the thread panicked, which Python's join() does not.
    thread.join().expect("the print_numbers thread panicked");
    println!("Main thread: execution finished");
}
