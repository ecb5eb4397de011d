//! Cancelling runs and builds on Ctrl-C, and exiting only once nothing started is left running.
//!
//! Lessons run in process groups of their own (so a grade can kill everything they
//! started), which also means the terminal's Ctrl-C never reaches them. xtask and the
//! grader turn Ctrl-C (SIGINT, or the key in watch's raw mode) into [`Cancel::request`]
//! ([`stop_on_signals`], [`stop`]): every run and build polls its token, kills its whole
//! process group and returns, and [`exit_when_idle`] ends the process once the last of
//! them has. A new run asked for after the request never starts.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// A cancel hook for runs and builds: cheap to clone, shared by every clone.
#[derive(Debug, Clone)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A token of its own (for a caller, or a test, that cancels only what it started).
    pub fn new() -> Cancel {
        Cancel(Arc::new(AtomicBool::new(false)))
    }

    /// The process-wide token Ctrl-C sets; runs and builds use it unless given another.
    pub fn process() -> Cancel {
        static PROCESS: OnceLock<Cancel> = OnceLock::new();
        PROCESS.get_or_init(Cancel::new).clone()
    }

    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
        let (_, idle) = busy();
        idle.notify_all();
    }

    /// Whether this token, or the process-wide one, was cancelled.
    pub fn is_requested(&self) -> bool {
        self.0.load(Ordering::SeqCst) || Cancel::process().0.load(Ordering::SeqCst)
    }
}

impl Default for Cancel {
    fn default() -> Cancel {
        Cancel::process()
    }
}

/// How many runs and builds have children alive right now, and a condvar for when it changes.
fn busy() -> &'static (Mutex<usize>, Condvar) {
    static BUSY: OnceLock<(Mutex<usize>, Condvar)> = OnceLock::new();
    BUSY.get_or_init(|| (Mutex::new(0), Condvar::new()))
}

/// Held while a run or build has children; dropping it says they are all gone.
#[derive(Debug)]
pub struct Busy(());

impl Drop for Busy {
    fn drop(&mut self) {
        let (count, idle) = busy();
        *count.lock().unwrap_or_else(|p| p.into_inner()) -= 1;
        idle.notify_all();
    }
}

/// Registers a run or build about to start children; `None` once `cancel` was requested,
/// so nothing new starts while the process is on its way out.
pub fn begin(cancel: &Cancel) -> Option<Busy> {
    let (count, _) = busy();
    let mut count = count.lock().unwrap_or_else(|p| p.into_inner());
    if cancel.is_requested() {
        return None;
    }
    *count += 1;
    Some(Busy(()))
}

/// Waits until no run or build has children left, then calls `before_exit` (e.g. to put
/// the terminal back) and exits with `code`. The lock is held to the end, so no new
/// run can start between the last one ending and the exit.
pub fn exit_when_idle(code: i32, before_exit: impl FnOnce()) -> ! {
    let (count, idle) = busy();
    let mut count = count.lock().unwrap_or_else(|p| p.into_inner());
    while *count > 0 {
        count = idle.wait(count).unwrap_or_else(|p| p.into_inner());
    }
    before_exit();
    std::process::exit(code)
}

/// Starts the thread that turns SIGINT, SIGTERM and SIGHUP (the terminal closing) into
/// [`stop`] with 128 + the signal, as a shell reports it.
pub fn stop_on_signals(before_exit: fn()) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            stop(128 + signal, before_exit);
        }
    });
    Ok(())
}

/// Cancels every run and build, waits until each has killed its process group, calls
/// `before_exit` (e.g. to put the terminal back), says so and exits with `code`.
pub fn stop(code: i32, before_exit: fn()) -> ! {
    Cancel::process().request();
    exit_when_idle(code, || {
        before_exit();
        eprintln!("interrupted: stopped, and killed everything it had started");
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_token_refuses_new_work_and_others_are_unaffected() {
        let mine = Cancel::new();
        let other = Cancel::new();
        let held = begin(&mine).expect("not cancelled yet");
        mine.request();
        assert!(mine.is_requested());
        assert!(begin(&mine).is_none());
        assert!(!other.is_requested());
        assert!(begin(&other).is_some());
        drop(held);
    }
}
