//! Exercise 01c: ten threads each count one visit on a shared counter, and none may get lost.
//!
//! Reading the counter and writing it back are two steps, and another thread can
//! write in between: its visit is then overwritten. This program makes that
//! unlucky timing happen on every run instead of once in a while.

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::thread;

const VISITORS: usize = 10;

fn visit(name: usize, visits: &AtomicU64, together: &Barrier) {
    // TODO: count the visit in one indivisible step with `fetch_add`, after the barrier,
    // instead of this read ...
    let seen = visits.load(SeqCst);
    // The barrier holds every thread here until all ten have arrived, so all of them
    // have read the counter before any writes it back.
    together.wait();
    // ... and this write, which overwrites whatever the other threads wrote meanwhile.
    visits.store(seen + 1, SeqCst);
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
