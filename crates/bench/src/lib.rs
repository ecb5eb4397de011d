//! `cargo xtask bench`: measures the notes' performance claims on this machine — what a thread,
//! a process and a task cost, CPU-bound speedup, the lessons' overhead beside their Python
//! originals, torn lines, and what a message costs between threads and between processes — and writes a Markdown report with a plot.
//!
//! xtask calls [`child_entry`] first thing (the bench re-executes its own binary as the
//! measured units) and then [`run`].

mod lessons;
mod machine;
mod messages;
mod plot;
mod probe;
mod python;
mod report;
mod stats;
mod units;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use probe::Memory;
use serde::Serialize;
use stats::Summary;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Options of `cargo xtask bench`.
#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    /// Small N and little work: a smoke test that every row is produced (about 20 s).
    #[arg(long)]
    pub quick: bool,
    /// Also run the Python originals and the Python equivalents of every row.
    #[arg(long)]
    pub python: bool,
    /// Where report.md, cost-per-unit.svg and results.json go (relative to the workspace root).
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

/// If this process was started as one of the bench's own units (`__bench-unit ...`), runs
/// that unit and returns its exit code; otherwise returns `None` at once.
pub fn child_entry() -> Option<i32> {
    let mut args = std::env::args();
    args.next();
    if args.next().as_deref() != Some(units::HIDDEN_ARG) {
        return None;
    }
    let rest: Vec<String> = args.collect();
    Some(match units::child_main(&rest) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: {error:#}");
            2
        }
    })
}

/// One kind of unit of concurrency, in one language.
struct Kind {
    python: bool,
    label: &'static str,
    /// The driver's name for it (units.rs or py/units.py).
    arg: &'static str,
    /// 0 threads, 1 processes, 2 tasks.
    family: usize,
    full: [u64; 3],
    quick: [u64; 2],
}

const KINDS: [Kind; 6] = [
    Kind {
        python: false,
        label: "std::thread::spawn",
        arg: "threads",
        family: 0,
        full: [100, 1_000, 10_000],
        quick: [10, 100],
    },
    Kind {
        python: false,
        label: "child process (own binary)",
        arg: "processes",
        family: 1,
        full: [10, 100, 1_000],
        quick: [10, 50],
    },
    Kind {
        python: false,
        label: "tokio::spawn",
        arg: "tasks",
        family: 2,
        full: [1_000, 100_000, 1_000_000],
        quick: [1_000, 10_000],
    },
    Kind {
        python: true,
        label: "threading.Thread",
        arg: "threads",
        family: 0,
        full: [100, 1_000, 10_000],
        quick: [10, 100],
    },
    Kind {
        python: true,
        label: "multiprocessing.Process",
        arg: "processes",
        family: 1,
        full: [10, 100, 1_000],
        quick: [10, 50],
    },
    Kind {
        python: true,
        label: "asyncio.create_task",
        arg: "asyncio",
        family: 2,
        full: [1_000, 100_000, 1_000_000],
        quick: [1_000, 10_000],
    },
];

/// Rows this large are run once, without a warm-up: a million asyncio tasks take half a
/// minute, and the run is long enough to be its own warm-up.
const HEAVY: u64 = 1_000_000;

/// One row of the unit-cost table.
#[derive(Clone, Debug, Serialize)]
pub struct UnitRow {
    pub python: bool,
    pub kind: String,
    pub family: usize,
    pub n: u64,
    /// First spawn to last join, seconds.
    pub wall: Summary,
    /// (wall - sleep) / N, seconds.
    pub per_unit: Summary,
    /// per_unit median over the kind's smallest-N per_unit median.
    pub growth: Option<f64>,
    pub peak_alive: Summary,
    pub memory: Memory,
    /// The same driver with N = 0.
    pub baseline: Memory,
}

impl UnitRow {
    /// Peak memory above the same driver with N = 0, in bytes. For a process tree this is
    /// PSS, which counts the pages the processes share (the binary, libc) once, where an RSS
    /// sum would count them once per process.
    pub fn bytes_above_baseline(&self) -> f64 {
        let (peak, base) = match (self.memory.pss, self.baseline.pss) {
            (Some(peak), Some(base)) if self.family == 1 => (peak, base),
            _ => (self.memory.rss, self.baseline.rss),
        };
        (peak as f64 - base as f64).max(0.0)
    }

    /// Memory above the baseline for each unit started, in bytes: the cost of a unit whose
    /// memory is kept until it is joined (a joinable thread's stack, a task's cell).
    pub fn bytes_per_unit(&self) -> f64 {
        self.bytes_above_baseline() / self.n.max(1) as f64
    }

    /// Memory above the baseline for each unit alive at the peak, in bytes: the cost of a
    /// unit whose memory goes when it ends (a process).
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
    pub machine: machine::Machine,
    pub profile: String,
    pub quick: bool,
    pub runs: usize,
    pub sleep: f64,
    pub scale: f64,
    /// LESSON_TIME_SCALE of the torn-lines runs.
    pub tear_scale: f64,
    /// Share of the CPUs left idle by other programs over one second before the run.
    pub idle_before: Option<f64>,
    pub python: Option<python::Python>,
    pub notes: Vec<String>,
    pub units: Vec<UnitRow>,
    pub cpu: Vec<CpuRow>,
    pub gil: Option<GilRow>,
    pub lessons: Vec<LessonRow>,
    /// Starting and reaping `true`, seconds: the part of every lesson's overhead that is the
    /// bench's own spawn and wait.
    pub spawn_floor: Option<Summary>,
    pub tearing: Vec<TearRow>,
    /// What one small message costs between threads and between processes (messages.rs).
    pub messages: Vec<messages::MessageRow>,
    pub goals: Vec<Goal>,
    pub seconds: f64,
}

/// Runs the bench and writes the report under `args.out` (relative to `workspace_root`).
pub fn run(args: &BenchArgs, workspace_root: &Path) -> Result<()> {
    let started = Instant::now();
    let out = workspace_root.join(&args.out);
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let quick = args.quick;
    let runs = args.runs.map_or(if quick { 1 } else { 3 }, |r| r as usize);
    let scale = args.scale.unwrap_or(if quick { 0.02 } else { 0.2 });
    let machine = machine::Machine::detect();
    let idle_before = cpu_idle(Duration::from_secs(1));
    println!("bench: {}", machine.one_line());
    println!(
        "bench: {} mode, {runs} timed run{} after a warm-up, lessons at LESSON_TIME_SCALE={scale}",
        if quick { "quick" } else { "full" },
        if runs == 1 { "" } else { "s" }
    );

    let mut notes: Vec<String> = unoptimised_note().into_iter().collect();
    for note in &notes {
        println!("bench: note: {note}");
    }
    let python = if args.python {
        let found = python::find(
            args.python_bin.as_deref(),
            if quick { 1 } else { runs.max(5) },
        );
        match &found {
            Some(py) => println!(
                "bench: Python {} at {} (start-up {})",
                py.chosen.version,
                py.chosen.executable.display(),
                stats::fmt_secs(py.chosen.startup.median)
            ),
            None => {
                let name = args
                    .python_bin
                    .as_ref()
                    .map_or("python3".into(), |p| p.display().to_string());
                let note = format!(
                    "--python was given but {name} does not run here: the Python part is skipped."
                );
                println!("bench: note: {note}");
                notes.push(note);
            }
        }
        found
    } else {
        None
    };
    // The Python helper is compiled in, and written to a folder that lives as long as the run.
    let scratch = tempfile::tempdir().context("cannot create a temporary folder")?;
    let units_py = match &python {
        Some(_) => {
            let path = scratch.path().join("units.py");
            std::fs::write(&path, python::UNITS_PY)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Some(path)
        }
        None => None,
    };

    let mut wanted: Vec<&str> = lessons::TRANSLATIONS
        .iter()
        .map(|(name, _)| *name)
        .collect();
    wanted.push(lessons::GIL);
    let built = lessons::build(workspace_root, &wanted)?;
    for name in &wanted {
        if !built.contains_key(*name) {
            notes.push(format!(
                "{name} is not in the workspace yet: its rows are left out."
            ));
        }
    }

    let bench = Bench {
        quick,
        runs,
        scale,
        sleep: Duration::from_millis(100),
        cores: machine.cores as u64,
        python: python.as_ref().map(|p| p.exe().to_path_buf()),
        units_py,
        progress: ProgressBar::hidden(),
    };
    let bench = Bench {
        progress: bench.progress_bar(&built),
        ..bench
    };

    let units = bench.unit_rows()?;
    bench.say(
        "1. The cost of a unit of concurrency",
        &report::units_table(&units),
    );
    let cpu = bench.cpu_rows()?;
    bench.say("2. CPU-bound parallelism", &report::cpu_table(&cpu));
    let gil = match built.get(lessons::GIL) {
        Some(lesson) => bench.gil(lesson)?,
        None => None,
    };
    let spawn_floor = bench.spawn_floor()?;
    let lessons = bench.lesson_rows(&built)?;
    bench.say(
        "3. The lessons beside their Python originals",
        &report::lessons_table(&lessons, bench.scale, spawn_floor.as_ref()),
    );
    let tearing = match built.get("lesson-multithreading") {
        Some(lesson) => bench.tearing(lesson)?,
        None => Vec::new(),
    };
    bench.say(
        "4. Printing from several threads",
        &report::tearing_table(&tearing),
    );
    let messages = bench.message_rows()?;
    bench.say(
        "5. Sending messages: threads against processes",
        &messages::section(&messages),
    );
    bench.progress.finish_and_clear();

    let mut results = Results {
        profile: profile(),
        quick,
        runs,
        sleep: bench.sleep.as_secs_f64(),
        scale,
        tear_scale: bench.tear_scale(),
        idle_before,
        python,
        notes,
        units,
        cpu,
        gil,
        lessons,
        spawn_floor,
        tearing,
        messages,
        goals: Vec::new(),
        seconds: 0.0,
        machine,
    };
    results.goals = report::goals(&results);
    results.seconds = started.elapsed().as_secs_f64();

    let plot_path = out.join(report::PLOT);
    let plotted = plot::draw(
        &plot_path,
        report::PLOT_TITLE,
        &report::plot_lines(&results.units),
    );
    if let Err(error) = &plotted {
        results
            .notes
            .push(format!("The plot was not drawn: {error:#}."));
    }
    let markdown = report::render(&results, plotted.is_ok());
    std::fs::write(out.join("report.md"), &markdown)?;
    std::fs::write(
        out.join("results.json"),
        serde_json::to_string_pretty(&results)? + "\n",
    )?;
    println!("\nThe ratios\n\n{}", report::ratios(&results.units));
    println!("Goals\n\n{}", report::goals_table(&results.goals));
    println!(
        "bench: done in {:.0} s; report: {}",
        results.seconds,
        out.join("report.md").display()
    );
    Ok(())
}

/// The measuring context: settings, the interpreter, and the progress bar.
struct Bench {
    quick: bool,
    runs: usize,
    scale: f64,
    sleep: Duration,
    cores: u64,
    python: Option<PathBuf>,
    units_py: Option<PathBuf>,
    progress: ProgressBar,
}

impl Bench {
    /// A progress bar over every run the bench will make (drawn only on a terminal).
    fn progress_bar(&self, built: &BTreeMap<String, lessons::Lesson>) -> ProgressBar {
        let runs = self.runs as u64;
        let mut total = 0;
        for kind in self.kinds() {
            total += 1;
            for &n in self.ns(kind) {
                total += if self.heavy(kind, n) { 1 } else { runs + 1 };
            }
        }
        let methods = 2 + if self.python.is_some() { 2 } else { 0 };
        total += methods * self.cores * (self.cpu_runs() as u64 + 1);
        let sides = |lesson: &lessons::Lesson| {
            1 + u64::from(self.python.is_some() && lesson.original.is_some())
        };
        total += runs + 1;
        total += self.message_runs();
        for (name, lesson) in built {
            if name == lessons::GIL {
                total += self.cpu_runs() as u64 + 1;
            } else {
                total += (runs + 1) * sides(lesson);
            }
            if name == "lesson-multithreading" {
                total += self.tear_runs() as u64 * sides(lesson);
            }
        }
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} {msg}")
                .expect("the progress template is valid")
                .progress_chars("=> "),
        );
        bar
    }

    /// Prints a section above the progress bar.
    fn say(&self, title: &str, text: &str) {
        self.progress.suspend(|| println!("\n{title}\n\n{text}"));
    }

    fn kinds(&self) -> impl Iterator<Item = &'static Kind> {
        let python = self.python.is_some();
        KINDS.iter().filter(move |k| !k.python || python)
    }

    fn ns<'k>(&self, kind: &'k Kind) -> &'k [u64] {
        if self.quick { &kind.quick } else { &kind.full }
    }

    fn heavy(&self, kind: &Kind, n: u64) -> bool {
        kind.python && n >= HEAVY
    }

    /// Lines tear when threads print at the same instant, whatever the sleeps between: a
    /// small scale gives more runs for the time.
    fn tear_scale(&self) -> f64 {
        self.scale.min(0.02)
    }

    /// CPU-bound timings vary most here: at least seven runs in a full bench.
    fn cpu_runs(&self) -> usize {
        if self.quick {
            self.runs
        } else {
            self.runs.max(7)
        }
    }

    fn tear_runs(&self) -> usize {
        if self.quick { 5 } else { 20 }
    }

    /// The command that runs one measurement in a fresh process.
    fn driver(&self, python: bool, args: &[String]) -> Result<Command> {
        if python {
            let (Some(exe), Some(script)) = (&self.python, &self.units_py) else {
                anyhow::bail!("a Python row was asked for without a Python interpreter");
            };
            let mut command = Command::new(exe);
            command.arg(script).args(args).env("PYTHONUNBUFFERED", "1");
            Ok(command)
        } else {
            let exe = std::env::current_exe().context("cannot find the bench's own binary")?;
            let mut command = Command::new(exe);
            command.arg(units::HIDDEN_ARG).args(args);
            Ok(command)
        }
    }

    /// Runs one measurement and reads the driver's outcome.
    fn measure(
        &self,
        python: bool,
        args: &[String],
        tree: bool,
    ) -> Result<(units::Outcome, Memory)> {
        let mut command = self.driver(python, args)?;
        let probe = probe::run(&mut command, tree)?;
        let line = probe.stdout.lines().last().unwrap_or_default();
        let outcome: units::Outcome = serde_json::from_str(line)
            .with_context(|| format!("the driver printed {:?}, not its outcome", probe.stdout))?;
        self.progress.inc(1);
        Ok((outcome, probe.memory()))
    }

    fn unit_rows(&self) -> Result<Vec<UnitRow>> {
        let sleep_ns = self.sleep.as_nanos().to_string();
        let sleep = self.sleep.as_secs_f64();
        let mut rows = Vec::new();
        for kind in self.kinds() {
            let lang = if kind.python { "Python" } else { "Rust" };
            let tree = kind.family == 1;
            self.progress
                .set_message(format!("{lang} {}: baseline", kind.label));
            let with_kind = |n: u64| {
                let mut args = vec![kind.arg.to_string(), n.to_string(), sleep_ns.clone()];
                if !kind.python {
                    args.insert(0, "units".into());
                }
                args
            };
            let (_, baseline) = self.measure(kind.python, &with_kind(0), tree)?;
            let mut first_cost = None;
            for &n in self.ns(kind) {
                self.progress.set_message(format!(
                    "{lang} {} × {}",
                    kind.label,
                    stats::fmt_count(n)
                ));
                let heavy = self.heavy(kind, n);
                let mut memory = Memory::default();
                if !heavy {
                    // The warm-up samples the process tree; the timed runs are left alone.
                    let (_, warm) = self.measure(kind.python, &with_kind(n), tree)?;
                    memory = warm;
                }
                let (mut walls, mut alive) = (Vec::new(), Vec::new());
                for _ in 0..if heavy { 1 } else { self.runs } {
                    let (outcome, mem) = self.measure(kind.python, &with_kind(n), false)?;
                    walls.push(outcome.wall);
                    alive.push(outcome.peak_alive as f64);
                    memory.rss = memory.rss.max(mem.rss);
                }
                let wall = Summary::of(&walls).context("no run finished")?;
                let per_unit = wall.map(|w| (w - sleep) / n as f64);
                let first = *first_cost.get_or_insert(per_unit.median);
                rows.push(UnitRow {
                    python: kind.python,
                    kind: kind.label.to_string(),
                    family: kind.family,
                    n,
                    wall,
                    per_unit,
                    growth: stats::growth(&[first, per_unit.median])[1],
                    peak_alive: Summary::of(&alive).context("no run finished")?,
                    memory,
                    baseline,
                });
            }
        }
        Ok(rows)
    }

    /// The same CPU-bound work on 1 ... cores threads (and rayon, Python threads, processes).
    fn cpu_rows(&self) -> Result<Vec<CpuRow>> {
        // About half a second on one core (optimised), or as long unoptimised with 15× less.
        let mut rust_work: u64 = if self.quick { 30_000_000 } else { 600_000_000 };
        if unoptimised_note().is_some() {
            rust_work /= 15;
        }
        let python_work: u64 = if self.quick { 300_000 } else { 6_000_000 };
        let mut methods = vec![
            ("Rust std threads", false, "threads", rust_work),
            ("Rust rayon", false, "rayon", rust_work),
        ];
        if self.python.is_some() {
            methods.push(("Python threads", true, "cpu-threads", python_work));
            methods.push(("Python processes", true, "cpu-processes", python_work));
        }
        let mut rows = Vec::new();
        for (method, python, arg, work) in methods {
            let args = |k: u64| -> Vec<String> {
                if python {
                    vec![arg.into(), k.to_string(), work.to_string()]
                } else {
                    vec!["cpu".into(), arg.into(), k.to_string(), work.to_string()]
                }
            };
            // Runs on 1 ... cores alternate, so a slow spell of the machine (its CPU time
            // here varies by half from minute to minute) falls on every k alike.
            let mut walls = vec![Vec::new(); self.cores as usize];
            for run in 0..=self.cpu_runs() {
                for k in 1..=self.cores {
                    self.progress
                        .set_message(format!("CPU-bound: {method} on {k}"));
                    let (outcome, _) = self.measure(python, &args(k), false)?;
                    if run > 0 {
                        walls[k as usize - 1].push(outcome.wall);
                    }
                }
            }
            let mut one = None;
            for (k, walls) in (1..).zip(walls) {
                let wall = Summary::of(&walls).context("no run finished")?;
                // Best runs: on a shared machine noise only ever adds time; the fastest run
                // is the closest to the work's own cost.
                let base = *one.get_or_insert(wall.min);
                let speedup = base / wall.min;
                rows.push(CpuRow {
                    method: method.into(),
                    python,
                    k,
                    work,
                    wall,
                    speedup,
                    efficiency: speedup / k as f64,
                });
            }
        }
        Ok(rows)
    }

    /// Runs lesson-gil and reads the speedups it prints.
    fn gil(&self, lesson: &lessons::Lesson) -> Result<Option<GilRow>> {
        let scale = if self.quick { 0.05 } else { 1.0 };
        self.progress.set_message("lesson-gil");
        let (mut threads, mut rayon, mut cores) = (Vec::new(), Vec::new(), None);
        for run in 0..=self.cpu_runs() {
            let mut command = Command::new(&lesson.exe);
            command.env("LESSON_TIME_SCALE", scale.to_string());
            let probe = probe::run(&mut command, false)?;
            self.progress.inc(1);
            if run == 0 {
                continue;
            }
            let parsed = report::parse_gil(&probe.stdout);
            threads.extend(parsed.threads);
            rayon.extend(parsed.rayon);
            cores = parsed.cores.or(cores);
        }
        Ok(Summary::of(&threads).map(|threads| GilRow {
            scale,
            threads,
            rayon: Summary::of(&rayon),
            cores,
        }))
    }

    /// Each translation and its original, alternating, at the same scale.
    fn lesson_rows(&self, built: &BTreeMap<String, lessons::Lesson>) -> Result<Vec<LessonRow>> {
        let mut rows = Vec::new();
        for (package, ideal) in lessons::TRANSLATIONS {
            let Some(lesson) = built.get(package) else {
                continue;
            };
            self.progress
                .set_message(format!("{package} beside its original.py"));
            let original = lesson.original.as_ref().filter(|_| self.python.is_some());
            let (mut rust, mut python) = (Vec::new(), Vec::new());
            for run in 0..=self.runs {
                let wall = self.lesson_run(&mut Command::new(&lesson.exe))?;
                if run > 0 {
                    rust.push(wall);
                }
                if let (Some(original), Some(exe)) = (original, &self.python) {
                    let mut command = Command::new(exe);
                    command.arg(original).env("PYTHONUNBUFFERED", "1");
                    let wall = self.lesson_run(&mut command)?;
                    if run > 0 {
                        python.push(wall);
                    }
                }
            }
            rows.push(LessonRow {
                package: package.to_string(),
                ideal: ideal * self.scale,
                rust: Summary::of(&rust).context("no run finished")?,
                python: Summary::of(&python),
            });
        }
        Ok(rows)
    }

    /// Times starting and reaping `true`, the least any measured program can cost.
    fn spawn_floor(&self) -> Result<Option<Summary>> {
        self.progress.set_message("spawn floor: true");
        let mut walls = Vec::new();
        for run in 0..=self.runs {
            let wall = probe::run(&mut Command::new("true"), false)?.wall;
            self.progress.inc(1);
            if run > 0 {
                walls.push(wall);
            }
        }
        Ok(Summary::of(&walls))
    }

    /// One run of a lesson (or an original) at the bench's scale: its wall time, spawn to exit.
    fn lesson_run(&self, command: &mut Command) -> Result<f64> {
        command.env("LESSON_TIME_SCALE", self.scale.to_string());
        let probe = probe::run(command, false)?;
        self.progress.inc(1);
        Ok(probe.wall)
    }

    /// Runs lesson-multithreading and its original with stdout piped and counts torn lines.
    fn tearing(&self, lesson: &lessons::Lesson) -> Result<Vec<TearRow>> {
        let mut sides = vec![(false, Command::new(&lesson.exe))];
        if let (Some(original), Some(exe)) = (&lesson.original, &self.python) {
            let mut command = Command::new(exe);
            command.arg(original).env("PYTHONUNBUFFERED", "1");
            sides.push((true, command));
        }
        let mut rows = Vec::new();
        for (python, mut command) in sides {
            self.progress.set_message(format!(
                "torn lines: {}",
                if python { "Python" } else { "Rust" }
            ));
            command.env("LESSON_TIME_SCALE", self.tear_scale().to_string());
            let mut row = TearRow {
                python,
                runs: self.tear_runs(),
                torn: 0,
                example: Vec::new(),
            };
            for _ in 0..row.runs {
                let probe = probe::run(&mut command, false)?;
                self.progress.inc(1);
                let bad = report::torn_lines(&probe.stdout, 5);
                if !bad.is_empty() {
                    row.torn += 1;
                    if row.example.is_empty() {
                        row.example = bad;
                    }
                }
            }
            rows.push(row);
        }
        Ok(rows)
    }
}

/// The build profile the bench itself was compiled with, and its optimisation level.
fn profile() -> String {
    let name = if cfg!(debug_assertions) {
        "dev"
    } else {
        "release"
    };
    format!(
        "{name} profile, the bench at opt-level {}",
        env!("BENCH_OPT_LEVEL")
    )
}

/// An unoptimised bench runs tokio, rayon and its CPU loop unoptimised too: task costs come
/// out several times too high. Says so, and how to fix it.
fn unoptimised_note() -> Option<String> {
    (env!("BENCH_OPT_LEVEL") == "0").then(|| {
        "The bench was built unoptimised (opt-level 0), so tokio, rayon and the CPU-bound \
         loop ran unoptimised: task costs are several times too high. Set opt-level = 3 for \
         the packages bench, tokio, rayon and rayon-core under [profile.dev.package] to \
         measure what an optimised program pays."
            .to_string()
    })
}

/// The share of CPU time that was idle over `period`, from `/proc/stat`: how quiet the machine
/// was (the load average would also count the bench's own runs, long after they end).
fn cpu_idle(period: Duration) -> Option<f64> {
    let read = || -> Option<(u64, u64)> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let times: Vec<u64> = stat
            .lines()
            .next()?
            .split_whitespace()
            .skip(1)
            .filter_map(|v| v.parse().ok())
            .collect();
        // user nice system idle iowait irq softirq steal: idle and iowait are idle.
        let idle = times.get(3)? + times.get(4).copied().unwrap_or(0);
        Some((idle, times.iter().take(8).sum()))
    };
    let (idle0, total0) = read()?;
    std::thread::sleep(period);
    let (idle1, total1) = read()?;
    let total = total1.checked_sub(total0).filter(|&t| t > 0)?;
    Some(idle1.saturating_sub(idle0) as f64 / total as f64)
}
