//! Solution to exercise 03b: all five downloads start first, then main joins them, so the
//! five two-second waits overlap and take two seconds in all.

use std::thread;

/// Stands in for downloading a page: the thread mostly waits, as it would on the network.
fn download(page: u32) {
    println!("Download {page} starting");
    lesson_kit::sleep(2.0);
    println!("Download {page} finished");
}

fn main() {
    lesson_kit::start(&[]);

    // The first loop only starts threads, so all five are waiting before main waits for any.
    let mut threads = Vec::new();
    for page in 0..5 {
        threads.push(thread::spawn(move || download(page)));
    }
    for t in threads {
        t.join().expect("a download thread panicked");
    }
    println!("All downloads done");
}
