//! Ctrl-C for every xtask command: cancel what runs, wait until it is killed, put the terminal back, exit.
//!
//! Lessons run in process groups of their own, so the terminal's SIGINT reaches
//! xtask alone; without this a lesson (and every worker it started) would keep
//! running after xtask died. SIGTERM and SIGHUP (the terminal closing) are
//! treated the same way. The engine does the work (`course::cancel`, which the
//! grader uses too); xtask adds only the terminal.

use course::cancel::{self, Cancel};

use crate::term;

/// Starts the thread that turns SIGINT, SIGTERM and SIGHUP into [`stop`].
pub fn install() -> anyhow::Result<()> {
    cancel::stop_on_signals(term::restore)?;
    Ok(())
}

/// Cancels every run and build, waits until each has killed its process group, restores
/// the terminal and exits with `code` (130 for Ctrl-C, as a shell reports it).
pub fn stop(code: i32) -> ! {
    cancel::stop(code, term::restore)
}

/// Stops here when Ctrl-C was pressed: for loops that go on to the next lesson or case, so
/// nothing more is printed or started once a run came back cancelled.
pub fn checkpoint() {
    if Cancel::process().is_requested() {
        stop(130);
    }
}
