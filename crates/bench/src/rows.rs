//! What is measured: the families and kinds of worker, and one row type per table of the report.
//!
//! results.json is [`Results`] serialised; every table and goal is made from it.

use crate::machine::Machine;
use crate::probe::Memory;
use crate::python::Python;
use crate::stats::Summary;
use serde::Serialize;

/// The three families of worker the notes compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Threads,
    Processes,
    Tasks,
}

/// One kind of worker (a thread, a process or a task), in one language.
pub struct Kind {
    pub python: bool,
    pub label: &'static str,
    /// The driver's name for it (workers.rs or py/workers.py).
    pub arg: &'static str,
    pub family: Family,
    pub full: [u64; 3],
    pub quick: [u64; 2],
}

pub const KINDS: [Kind; 6] = [
    Kind {
        python: false,
        label: "std::thread::spawn",
        arg: "threads",
        family: Family::Threads,
        full: [100, 1_000, 10_000],
        quick: [10, 100],
    },
    Kind {
        python: false,
        label: "child process (own binary)",
        arg: "processes",
        family: Family::Processes,
        full: [10, 100, 1_000],
        quick: [10, 50],
    },
    Kind {
        python: false,
        label: "tokio::spawn",
        arg: "tasks",
        family: Family::Tasks,
        full: [1_000, 100_000, 1_000_000],
        quick: [1_000, 10_000],
    },
    Kind {
        python: true,
        label: "threading.Thread",
        arg: "threads",
        family: Family::Threads,
        full: [100, 1_000, 10_000],
        quick: [10, 100],
    },
    Kind {
        python: true,
        label: "multiprocessing.Process",
        arg: "processes",
        family: Family::Processes,
        full: [10, 100, 1_000],
        quick: [10, 50],
    },
    Kind {
        python: true,
        label: "asyncio.create_task",
        arg: "asyncio",
        family: Family::Tasks,
        full: [1_000, 100_000, 1_000_000],
        quick: [1_000, 10_000],
    },
];

/// Rows this large are run once, without a warm-up: a million asyncio tasks take half a
/// minute, and the run is long enough to be its own warm-up.
pub const HEAVY: u64 = 1_000_000;

/// One row of the worker-cost table.
#[derive(Clone, Debug, Serialize)]
pub struct WorkerRow {
    pub python: bool,
    pub kind: String,
    pub family: Family,
    pub n: u64,
    /// First spawn to last join, seconds.
    pub wall: Summary,
    /// (wall - sleep) / N, seconds.
    pub per_worker: Summary,
    /// per_worker median over the kind's smallest-N per_worker median.
    pub growth: Option<f64>,
    pub peak_alive: Summary,
    pub memory: Memory,
    /// The same driver with N = 0.
    pub baseline: Memory,
}

impl WorkerRow {
    /// Peak memory above the same driver with N = 0, in bytes. For a process tree this is
    /// PSS, which counts the pages the processes share (the binary, libc) once, where an RSS
    /// sum would count them once per process.
    pub fn bytes_above_baseline(&self) -> f64 {
        let (peak, base) = match (self.memory.pss, self.baseline.pss) {
            (Some(peak), Some(base)) if self.family == Family::Processes => (peak, base),
            _ => (self.memory.rss, self.baseline.rss),
        };
        (peak as f64 - base as f64).max(0.0)
    }

    /// Memory above the baseline for each worker started, in bytes: the cost of a worker whose
    /// memory is kept until it is joined (a joinable thread's stack, a task's cell).
    pub fn bytes_per_worker(&self) -> f64 {
        self.bytes_above_baseline() / self.n.max(1) as f64
    }

    /// Memory above the baseline for each worker alive at the peak, in bytes: the cost of a
    /// worker whose memory goes when it ends (a process).
    pub fn bytes_per_alive(&self) -> f64 {
        self.bytes_above_baseline() / self.peak_alive.median.max(1.0)
    }
}

/// One row of the CPU-bound table.
#[derive(Clone, Debug, Serialize)]
pub struct CpuRow {
    pub method: String,
    pub python: bool,
    pub k: u64,
    pub work: u64,
    pub wall: Summary,
    pub speedup: f64,
    pub efficiency: f64,
}

/// What lesson-gil printed about its own speedup.
#[derive(Clone, Debug, Serialize)]
pub struct GilRow {
    pub scale: f64,
    pub threads: Summary,
    pub rayon: Option<Summary>,
    pub cores: Option<u64>,
}

/// One translation, Rust beside Python.
#[derive(Clone, Debug, Serialize)]
pub struct LessonRow {
    pub package: String,
    /// Sum of the critical-path sleeps at the run's scale, seconds.
    pub ideal: f64,
    pub rust: Summary,
    pub python: Option<Summary>,
}

impl LessonRow {
    pub fn rust_overhead(&self) -> Summary {
        self.rust.map(|w| w - self.ideal)
    }

    pub fn python_overhead(&self) -> Option<Summary> {
        self.python.map(|s| s.map(|w| w - self.ideal))
    }
}

/// How often printing from five threads tore a line.
#[derive(Clone, Debug, Serialize)]
pub struct TearRow {
    pub python: bool,
    pub runs: usize,
    pub torn: usize,
    /// The lines of the first torn run that were not whole.
    pub example: Vec<String>,
}

/// Whether one of the goals was met.
#[derive(Clone, Debug, Serialize)]
pub struct Goal {
    pub goal: String,
    pub measured: String,
    /// `Some(true)` met, `Some(false)` missed, `None` not measured in this run.
    pub met: Option<bool>,
}

/// Everything one run measured; results.json is this, and report.md is made from it.
#[derive(Clone, Debug, Serialize)]
pub struct Results {
    pub machine: Machine,
    pub profile: String,
    pub quick: bool,
    pub runs: usize,
    pub sleep: f64,
    pub scale: f64,
    /// LESSON_TIME_SCALE of the torn-lines runs.
    pub tear_scale: f64,
    /// Share of the CPUs left idle by other programs over one second before the run.
    pub idle_before: Option<f64>,
    pub python: Option<Python>,
    pub notes: Vec<String>,
    pub workers: Vec<WorkerRow>,
    pub cpu: Vec<CpuRow>,
    pub gil: Option<GilRow>,
    pub lessons: Vec<LessonRow>,
    /// Starting and reaping `true`, seconds: the part of every lesson's overhead that is the
    /// bench's own spawn and wait.
    pub spawn_floor: Option<Summary>,
    pub tearing: Vec<TearRow>,
    /// What one small message costs between threads and between processes (messages.rs).
    pub messages: Vec<crate::messages::MessageRow>,
    pub goals: Vec<Goal>,
    pub seconds: f64,
}
