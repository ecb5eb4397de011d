//! How it is measured: every measurement runs in a fresh process, after a warm-up, several
//! times, and the OS says what it cost ([`crate::probe`]). [`Bench`] holds the settings and
//! the progress bar; each table of the report has one method here that fills its rows.

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::args::BenchArgs;
use crate::lessons::{self, Lesson};
use crate::machine::Machine;
use crate::probe::{self, Memory};
use crate::python::{self, Python};
use crate::rows::{CpuRow, Family, GilRow, HEAVY, KINDS, Kind, LessonRow, TearRow, WorkerRow};
use crate::stats::{self, Summary};
use crate::workers;

/// The measuring context: settings, the machine, the interpreter, the lessons and the progress bar.
pub struct Bench {
    pub quick: bool,
    pub runs: usize,
    /// LESSON_TIME_SCALE of the lessons' runs.
    pub scale: f64,
    /// How long each worker sleeps.
    pub sleep: Duration,
    pub cores: u64,
    pub machine: Machine,
    /// Share of the CPUs left idle by other programs over one second before the run.
    pub idle_before: Option<f64>,
    pub python_found: Option<Python>,
    pub(crate) python: Option<PathBuf>,
    /// workers.py, written to `_scratch`, which lives as long as the bench.
    pub(crate) workers_py: Option<PathBuf>,
    _scratch: tempfile::TempDir,
    lessons: Vec<Lesson>,
    /// What the report should say about how this run went (a missing lesson, no Python).
    pub notes: Vec<String>,
    pub progress: ProgressBar,
}

impl Bench {
    /// Reads the settings, looks at the machine, finds Python if asked, and builds the lessons.
    pub fn new(args: &BenchArgs, workspace_root: &std::path::Path) -> Result<Bench> {
        let quick = args.quick;
        let runs = args.runs.map_or(if quick { 1 } else { 3 }, |r| r as usize);
        let scale = args.scale.unwrap_or(if quick { 0.02 } else { 0.2 });
        let machine = Machine::detect();
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
        let python_found = if args.python {
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
        let workers_py = match &python_found {
            Some(_) => {
                let path = scratch.path().join("workers.py");
                std::fs::write(&path, python::WORKERS_PY)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Some(path)
            }
            None => None,
        };
        let lessons = lessons::build(workspace_root)?;
        if let Some(lesson) = lessons
            .iter()
            .find(|l| l.is_translation() && l.critical_path.is_none())
        {
            anyhow::bail!(
                "{} has an original.py but no `critical_path` in its [package.metadata.lesson]: \
                 add the seconds of lesson time its sleeps put on the critical path",
                lesson.package
            );
        }
        for name in [lessons::GIL, lessons::TEARING] {
            if !lessons.iter().any(|l| l.package == name) {
                notes.push(format!(
                    "{name} is not in the workspace: its rows are left out."
                ));
            }
        }
        let mut bench = Bench {
            quick,
            runs,
            scale,
            sleep: Duration::from_millis(100),
            cores: machine.cores as u64,
            machine,
            idle_before,
            python: python_found.as_ref().map(|p| p.exe().to_path_buf()),
            python_found,
            workers_py,
            _scratch: scratch,
            lessons,
            notes,
            progress: ProgressBar::hidden(),
        };
        bench.progress = bench.progress_bar();
        Ok(bench)
    }

    fn lesson(&self, name: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.package == name)
    }

    /// A progress bar over every run the bench will make (drawn only on a terminal).
    fn progress_bar(&self) -> ProgressBar {
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
        for lesson in &self.lessons {
            let name = lesson.package.as_str();
            if name == lessons::GIL {
                total += self.cpu_runs() as u64 + 1;
            } else {
                total += (runs + 1) * sides(lesson);
            }
            if name == lessons::TEARING {
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
    pub fn say(&self, title: &str, text: &str) {
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
    pub fn tear_scale(&self) -> f64 {
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
            let (Some(exe), Some(script)) = (&self.python, &self.workers_py) else {
                anyhow::bail!("a Python row was asked for without a Python interpreter");
            };
            let mut command = Command::new(exe);
            command.arg(script).args(args).env("PYTHONUNBUFFERED", "1");
            Ok(command)
        } else {
            let exe = std::env::current_exe().context("cannot find the bench's own binary")?;
            let mut command = Command::new(exe);
            command.arg(workers::HIDDEN_ARG).args(args);
            Ok(command)
        }
    }

    /// Runs one measurement and reads the driver's outcome.
    fn measure(
        &self,
        python: bool,
        args: &[String],
        tree: bool,
    ) -> Result<(workers::Outcome, Memory)> {
        let mut command = self.driver(python, args)?;
        let probe = probe::run(&mut command, tree)?;
        let line = probe.stdout.lines().last().unwrap_or_default();
        let outcome: workers::Outcome = serde_json::from_str(line)
            .with_context(|| format!("the driver printed {:?}, not its outcome", probe.stdout))?;
        self.progress.inc(1);
        Ok((outcome, probe.memory()))
    }

    pub fn worker_rows(&self) -> Result<Vec<WorkerRow>> {
        let sleep_ns = self.sleep.as_nanos().to_string();
        let sleep = self.sleep.as_secs_f64();
        let mut rows = Vec::new();
        for kind in self.kinds() {
            let lang = if kind.python { "Python" } else { "Rust" };
            let tree = kind.family == Family::Processes;
            self.progress
                .set_message(format!("{lang} {}: baseline", kind.label));
            let with_kind = |n: u64| {
                let mut args = vec![kind.arg.to_string(), n.to_string(), sleep_ns.clone()];
                if !kind.python {
                    args.insert(0, "workers".into());
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
                let per_worker = wall.map(|w| (w - sleep) / n as f64);
                let first = *first_cost.get_or_insert(per_worker.median);
                rows.push(WorkerRow {
                    python: kind.python,
                    kind: kind.label.to_string(),
                    family: kind.family,
                    n,
                    wall,
                    per_worker,
                    growth: stats::growth(&[first, per_worker.median])[1],
                    peak_alive: Summary::of(&alive).context("no run finished")?,
                    memory,
                    baseline,
                });
            }
        }
        Ok(rows)
    }

    /// The same CPU-bound work on 1 ... cores threads (and rayon, Python threads, processes).
    pub fn cpu_rows(&self) -> Result<Vec<CpuRow>> {
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
    pub fn gil(&self) -> Result<Option<GilRow>> {
        let Some(lesson) = self.lesson(lessons::GIL) else {
            return Ok(None);
        };
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
            let parsed = lessons::parse_gil(&probe.stdout);
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
    pub fn lesson_rows(&self) -> Result<Vec<LessonRow>> {
        let mut rows = Vec::new();
        for lesson in self.lessons.iter().filter(|l| l.is_translation()) {
            let package = &lesson.package;
            // Checked when the bench starts (Bench::new): every translation has one.
            let ideal = lesson.critical_path.unwrap_or_default();
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
    pub fn spawn_floor(&self) -> Result<Option<Summary>> {
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
    pub fn tearing(&self) -> Result<Vec<TearRow>> {
        let Some(lesson) = self.lesson(lessons::TEARING) else {
            return Ok(Vec::new());
        };
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
                let bad = lessons::torn_lines(&probe.stdout, 5);
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
pub fn profile() -> String {
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
         loop ran unoptimised: task costs are several times too high. Run it through \
         `cargo xtask bench`, which builds it with --release, to measure what an optimised \
         program pays (the tests run it unoptimised, as a smoke test only)."
            .to_string()
    })
}

/// The share of CPU time that was idle over `period`, from `/proc/stat`: how quiet the machine
/// was (the load average would also count the bench's own runs, long after they end).
fn cpu_idle(period: Duration) -> Option<f64> {
    let (idle0, total0) = course::procfs::cpu_times()?;
    std::thread::sleep(period);
    let (idle1, total1) = course::procfs::cpu_times()?;
    let total = total1.checked_sub(total0).filter(|&t| t > 0)?;
    Some(idle1.saturating_sub(idle0) as f64 / total as f64)
}
