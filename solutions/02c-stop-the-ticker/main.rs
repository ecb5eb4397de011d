//! Solution to exercise 02c: the ticker checks a shared `AtomicBool` each round, and main sets it.
//!
//! This is Python's `threading.Event`: `stop.set()` in main, `while not stop.is_set():`
//! in the thread. An atomic bool is the smallest thing two threads can safely share.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread;

fn ticker(stop: &AtomicBool) -> u32 {
    let mut ticks = 0;
    while !stop.load(Relaxed) {
        println!("Tick {ticks}");
        ticks += 1;
        lesson_kit::sleep(1.0);
    }
    ticks
}

fn main() {
    lesson_kit::start(&[]);

    let stop = Arc::new(AtomicBool::new(false));
    let ticker = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || ticker(&stop))
    };

    lesson_kit::sleep(3.5);
    println!("Main thread: asking the ticker to stop");
    stop.store(true, Relaxed);

    let ticks = ticker.join().expect("the ticker thread panicked");
    println!("Main thread: the ticker stopped after {ticks} ticks");
}
