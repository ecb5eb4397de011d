//! Solution to exercise 03c: each worker checks and withdraws under one lock, so exactly
//! three withdrawals of 30 succeed and the balance ends at 10.
//!
//! This is `with lock:` around both the `if` and the subtraction in Python. Rust's
//! guard keeps the lock until it goes out of scope, at the end of `worker`.

use std::sync::{Barrier, Mutex};
use std::thread;

const WORKERS: usize = 5;
const AMOUNT: i64 = 30;

fn worker(name: usize, balance: &Mutex<i64>, together: &Barrier) {
    // All five still arrive together, but only now, before anyone holds the lock.
    together.wait();
    // One guard for the check and the withdrawal: no other worker can get in between.
    let mut balance = balance.lock().unwrap();
    if *balance >= AMOUNT {
        *balance -= AMOUNT;
        println!("Worker {name} withdrew {AMOUNT}");
    } else {
        println!("Worker {name} was refused: not enough money");
    }
}

fn main() {
    lesson_kit::start(&[]);

    let balance = Mutex::new(100);
    let together = Barrier::new(WORKERS);

    // A scope joins its threads when it ends, so they may borrow `balance` and `together`.
    thread::scope(|s| {
        for name in 0..WORKERS {
            let (balance, together) = (&balance, &together);
            s.spawn(move || worker(name, balance, together));
        }
    });

    println!("Final balance: {}", balance.into_inner().unwrap());
}
