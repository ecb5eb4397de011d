//! The lessons the bench runs, found and built by the course engine, and readers of what they print.
//!
//! The lessons themselves say which are translations (an `original.py` in the folder) and
//! how much lesson time their sleeps put on the critical path (`critical_path` in their
//! `[package.metadata.lesson]`): the bench keeps no list of its own.

use anyhow::{Context, Result, bail};
use course::workspace;
use std::path::{Path, PathBuf};

/// The lesson whose speedup the GIL goal is about.
pub const GIL: &str = "lesson-gil";

/// The lesson whose five workers print at once, for the torn-lines table.
pub const TEARING: &str = "lesson-multithreading";

/// A built lesson binary and, for a translation, the Python it translates.
#[derive(Clone, Debug)]
pub struct Lesson {
    pub package: String,
    pub exe: PathBuf,
    pub original: Option<PathBuf>,
    /// Seconds of lesson time its sleeps add up to on the critical path: at scale s, a run
    /// can finish no sooner than s times this.
    pub critical_path: Option<f64>,
}

impl Lesson {
    /// A direct translation of one of the notes' examples, with its Python original beside it.
    pub fn is_translation(&self) -> bool {
        self.original.is_some()
    }
}

/// The lessons the bench runs, built: every translation (in the notes' order), lesson-gil and
/// lesson-multithreading. A lesson not in the workspace is simply absent.
pub fn build(workspace_root: &Path) -> Result<Vec<Lesson>> {
    let packages = workspace::packages(workspace_root)?;
    let wanted: Vec<&workspace::Package> = packages
        .iter()
        .filter(|p| p.is_lesson())
        .filter(|p| p.dir.join("original.py").is_file() || p.name == GIL || p.name == TEARING)
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<&str> = wanted.iter().map(|p| p.name.as_str()).collect();
    let built = workspace::build(workspace_root, &names, None)?;
    if let Some((package, errors)) = built.errors.iter().next() {
        bail!("{package} does not compile:\n{errors}");
    }
    wanted
        .into_iter()
        .map(|p| {
            let exe = built
                .binaries
                .get(&p.name)
                .with_context(|| format!("cargo built no binary for {}", p.name))?;
            Ok(Lesson {
                package: p.name.clone(),
                exe: exe.clone(),
                original: Some(p.dir.join("original.py")).filter(|o| o.is_file()),
                critical_path: p.critical_path,
            })
        })
        .collect()
}

/// The speedups lesson-gil printed: `threads: 0.52 s, speedup: 1.9x` and the rayon line.
#[derive(Debug, Default, PartialEq)]
pub struct GilParsed {
    pub threads: Option<f64>,
    pub rayon: Option<f64>,
    pub cores: Option<u64>,
}

pub fn parse_gil(stdout: &str) -> GilParsed {
    let speedup = |prefix: &str| {
        stdout
            .lines()
            .find(|line| line.starts_with(prefix))
            .and_then(|line| line.split("speedup:").nth(1))
            .and_then(|rest| rest.trim().trim_end_matches(['x', '×']).parse().ok())
    };
    GilParsed {
        threads: speedup("threads:"),
        rayon: speedup("rayon:"),
        cores: stdout
            .lines()
            .find_map(|line| line.strip_prefix("cores:"))
            .and_then(|v| v.trim().parse().ok()),
    }
}

/// The lines of lesson-multithreading's output that are not whole `Worker N starting` or
/// `Worker N finished` lines (a torn line glues two together and leaves a blank one), or a
/// note when lines are missing.
pub fn torn_lines(stdout: &str, workers: usize) -> Vec<String> {
    let whole = |line: &str| {
        ["starting", "finished"].iter().any(|word| {
            line.strip_prefix("Worker ")
                .and_then(|rest| rest.strip_suffix(word))
                .and_then(|id| id.strip_suffix(' '))
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        })
    };
    let bad: Vec<String> = stdout
        .lines()
        .filter(|line| !whole(line))
        .take(4)
        .map(String::from)
        .collect();
    let count = stdout.lines().filter(|line| whole(line)).count();
    if bad.is_empty() && count != 2 * workers {
        return vec![format!("({count} whole lines of {})", 2 * workers)];
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lesson_gil_output() {
        let out = "cores: 2\none thread: 1.01 s\nthreads: 0.52 s, speedup: 1.9x\nrayon: 0.53 s, speedup: 1.95x\n";
        assert_eq!(
            parse_gil(out),
            GilParsed {
                threads: Some(1.9),
                rayon: Some(1.95),
                cores: Some(2)
            }
        );
        assert_eq!(parse_gil("nothing"), GilParsed::default());
    }

    #[test]
    fn finds_torn_lines() {
        let whole: String = (0..5)
            .map(|i| format!("Worker {i} starting\n"))
            .chain((0..5).map(|i| format!("Worker {i} finished\n")))
            .collect();
        assert!(torn_lines(&whole, 5).is_empty());
        let torn = whole.replacen(
            "Worker 0 starting\nWorker 1 starting\n",
            "Worker 0 startingWorker 1 starting\n\n",
            1,
        );
        assert_eq!(
            torn_lines(&torn, 5),
            vec![
                "Worker 0 startingWorker 1 starting".to_string(),
                String::new()
            ]
        );
        assert_eq!(
            torn_lines("Worker 0 starting\n", 5),
            vec!["(1 whole lines of 10)".to_string()]
        );
    }
}
