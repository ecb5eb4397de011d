//! Solution to exercise 01c: ten threads count their visits with `fetch_add`, and none is lost.
//!
//! `fetch_add` reads, adds and writes in one indivisible step, so no other thread
//! can write in between. Python has no such operation on an int: `visits += 1`
//! is a read and a write, and needs a `threading.Lock` around it.

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::thread;

const VISITORS: usize = 10;

fn visit(name: usize, visits: &AtomicU64, together: &Barrier) {
    // The barrier still holds every thread until all ten have arrived, so they all
    // count at the same moment; with one step per visit, that does no harm.
    together.wait();
    visits.fetch_add(1, SeqCst);
    println!("Visitor {name} counted");
}

fn main() {
    lesson_kit::start(&[]);

    let visits = AtomicU64::new(0);
    let together = Barrier::new(VISITORS);

    // A scope joins its threads when it ends, so they may borrow `visits` and `together`.
    thread::scope(|s| {
        for name in 0..VISITORS {
            let (visits, together) = (&visits, &together);
            s.spawn(move || visit(name, visits, together));
        }
    });

    println!("Visits counted: {}", visits.into_inner());
}
