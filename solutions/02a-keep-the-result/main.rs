//! Solution to exercise 02a: main keeps the sum that `join` hands back from the thread.
//!
//! In Python the thread would have to leave its result somewhere shared (a list,
//! a queue); `JoinHandle<u32>` carries it back to whoever joins.

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

    // The handle's type, JoinHandle<u32>, already says what join will return.
    let sum = thread.join().expect("the print_numbers thread panicked");
    println!("Main thread: the thread returned {sum}");
}
