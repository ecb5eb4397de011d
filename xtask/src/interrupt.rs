//! Ctrl-C for every xtask command: cancel what runs, wait until it is killed, put the terminal back, exit.
//!
//! Lessons run in process groups of their own, so the terminal's SIGINT reaches
//! xtask alone; without this a lesson (and every worker it started) would keep
//! running after xtask died. SIGTERM and SIGHUP (the terminal closing) are
//! treated the same way.

use course::cancel::{self, Cancel};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::term;

/// Starts the thread that turns SIGINT, SIGTERM and SIGHUP into [`stop`].
pub fn install() -> anyhow::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            stop(128 + signal);
        }
    });
    Ok(())
}

/// Cancels every run and build, waits until each has killed its process group, restores
/// the terminal and exits with `code` (130 for Ctrl-C, as a shell reports it).
pub fn stop(code: i32) -> ! {
    Cancel::process().request();
    cancel::exit_when_idle(code, || {
        term::restore();
        eprintln!("interrupted: stopped, and killed everything it had started");
    })
}

/// Stops here when Ctrl-C was pressed: for loops that go on to the next lesson or case, so
/// nothing more is printed or started once a run came back cancelled.
pub fn checkpoint() {
    if Cancel::process().is_requested() {
        stop(130);
    }
}
