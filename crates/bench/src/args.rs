//! The bench's command line: what to measure, how often, and where the report goes.

use std::path::PathBuf;

/// `cargo xtask bench [OPTIONS]`, or the bench binary run directly.
#[derive(clap::Parser, Debug, Clone)]
#[command(
    name = "bench",
    bin_name = "cargo xtask bench",
    about = "Measure the notes' claims: what a thread, a process and a task cost, CPU-bound speedups, the lessons beside their Python originals."
)]
pub struct BenchArgs {
    /// Small N and little work: a smoke test that every row is produced (about 20 s).
    #[arg(long)]
    pub quick: bool,
    /// Also run the Python originals and the Python equivalents of every row.
    #[arg(long)]
    pub python: bool,
    /// Where report.md, cost-per-worker.svg and results.json go (relative to the workspace root).
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    pub out: PathBuf,
    /// Timed runs of each measurement, after one warm-up [default: 3, or 1 with --quick].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub runs: Option<u32>,
    /// LESSON_TIME_SCALE for the lessons' runs [default: 0.2, or 0.02 with --quick].
    #[arg(long, value_name = "FACTOR", value_parser = lesson_kit::parse_scale)]
    pub scale: Option<f64>,
    /// The Python interpreter to compare with [default: the fastest-starting python3 found].
    #[arg(long, value_name = "PATH")]
    pub python_bin: Option<PathBuf>,
}
