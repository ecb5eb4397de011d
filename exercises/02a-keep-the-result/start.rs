//! Exercise 02a: a thread adds up the numbers it prints, and main prints that sum after join.
//!
//! Python's `Thread` throws away what its target returns; Rust's `join` hands it back.

use std::thread;

fn print_numbers() -> u32 {
    let mut sum = 0;
    for i in 0..5 {
        println!("Thread: {i}");
        sum += i;
        lesson_kit::sleep(1.0);
    }
    sum
}

fn main() {
    lesson_kit::start(&[]);

    let thread = thread::spawn(print_numbers);

    // TODO: join gives back what print_numbers returned (inside a Result, which is Err
    // if the thread panicked). Keep that sum, and print `Main thread: the thread returned 10`
    // instead of the line below.
    thread.join().expect("the print_numbers thread panicked");
    println!("Main thread: execution finished");
}
