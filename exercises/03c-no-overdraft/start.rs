//! Exercise 03c: five workers each try to withdraw 30 from an account holding 100.
//!
//! Only three withdrawals fit. Each worker checks the balance, then withdraws; but
//! it lets go of the lock in between, and then the check no longer holds.

use std::sync::{Barrier, Mutex};
use std::thread;

const WORKERS: usize = 5;
const AMOUNT: i64 = 30;

fn worker(name: usize, balance: &Mutex<i64>, together: &Barrier) {
    // TODO: the check takes the lock and lets it go again at the end of this line ...
    let enough = *balance.lock().unwrap() >= AMOUNT;
    // The barrier holds every worker here until all five have arrived, so all of them
    // check the balance before any withdraws: the unlucky timing happens on every run.
    together.wait();
    // ... and the withdrawal takes it again, when the balance may have changed.
    // Wait at the barrier first, then take the lock once and check and withdraw under it.
    // (Never wait at the barrier while holding the lock: the others could never arrive.)
    if enough {
        *balance.lock().unwrap() -= AMOUNT;
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
