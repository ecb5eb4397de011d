//! Exercise 03b: five workers download a page each; their two-second waits should overlap.
//!
//! Spawning a thread and joining it straight away is just a slow function call:
//! main waits for each worker before it starts the next.

use std::thread;

/// Stands in for downloading a page: the thread mostly waits, as it would on the network.
fn download(page: u32) {
    println!("Download {page} starting");
    lesson_kit::sleep(2.0);
    println!("Download {page} finished");
}

fn main() {
    lesson_kit::start(&[]);

    for page in 0..5 {
        let t = thread::spawn(move || download(page));
        // TODO: joining here waits for this download before the next one has even started.
        // Keep the handles in a Vec instead, and join them all in a second loop.
        t.join().expect("a download thread panicked");
    }
    println!("All downloads done");
}
