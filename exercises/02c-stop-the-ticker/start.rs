//! Exercise 02c: a thread ticks once a second until main asks it to stop, about 3.5 seconds in.
//!
//! Rust cannot kill a thread from outside (Python cannot either); the thread has
//! to check for itself whether it should stop.

use std::thread;

fn ticker() -> u32 {
    let mut ticks = 0;
    // TODO: tick until main asks you to stop, not a fixed ten times. Take a shared
    // `&AtomicBool` (in an Arc) and check it at the top of every round.
    for i in 0..10 {
        println!("Tick {i}");
        ticks += 1;
        lesson_kit::sleep(1.0);
    }
    ticks
}

fn main() {
    lesson_kit::start(&[]);

    let ticker = thread::spawn(ticker);

    lesson_kit::sleep(3.5);
    println!("Main thread: asking the ticker to stop");
    // TODO: set the shared flag here; the ticker sees it when it next wakes up.

    let ticks = ticker.join().expect("the ticker thread panicked");
    println!("Main thread: the ticker stopped after {ticks} ticks");
}
