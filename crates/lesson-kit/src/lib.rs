//! What every lesson shares: its start (arguments refused, `LESSON_TIME_SCALE` checked) and its sleeps.
//!
//! Lessons sleep in real seconds by default, exactly as their Python originals
//! do. Tests and the checker set `LESSON_TIME_SCALE=0.1` (say) so the whole
//! course runs in a couple of seconds; every duration a lesson waits for goes
//! through [`seconds`] so the shape of the run stays the same, only smaller.
//!
//! A lesson's `main` opens with [`start`], which checks the command line and the
//! time scale before the lesson prints anything, so a typo stops it at once with
//! a message instead of half a run.

use std::sync::OnceLock;
use std::time::Duration;

/// The environment variable that shrinks (or stretches) every lesson sleep.
pub const TIME_SCALE_VAR: &str = "LESSON_TIME_SCALE";

/// Checks the command line and `LESSON_TIME_SCALE` before the lesson prints anything.
///
/// `modes` are the arguments the program accepts besides none: with no argument
/// it returns `None`, with one of `modes` it returns that mode. Anything else,
/// or a time scale that is not a positive number, stops the program with exit
/// code 2 and a message saying what was wrong and how to run it; `--help` prints
/// that usage and exits 0. Python would ignore a stray argument; refusing it
/// keeps a typo from going unnoticed.
///
/// ```no_run
/// match lesson_kit::start(&["scoped"]) {
///     None => println!("the notes' example"),
///     Some(_scoped) => println!("the same with thread::scope"),
/// }
/// ```
pub fn start(modes: &[&'static str]) -> Option<&'static str> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_mode(&args, modes) {
        Ok(mode) => {
            scale();
            mode
        }
        Err(Refusal::Help) => {
            println!("{}", usage(modes));
            std::process::exit(0);
        }
        Err(Refusal::Unexpected(problem)) => {
            eprintln!("error: {problem}\n{}", usage(modes));
            std::process::exit(2);
        }
    }
}

/// For a program that starts copies of itself (as `multiprocessing` does): true
/// when this copy was started as `NAME`, after checking `LESSON_TIME_SCALE`;
/// otherwise false, leaving the command line to [`start`].
///
/// ```no_run
/// if lesson_kit::role("child") {
///     println!("I am the child process");
///     return;
/// }
/// lesson_kit::start(&[]);
/// ```
pub fn role(name: &str) -> bool {
    role_numbers::<0>(name).is_some()
}

/// Like [`role`], for a copy started as `NAME N`: returns `Some(N)`.
///
/// ```no_run
/// if let Some(name) = lesson_kit::role_number("worker") {
///     // This process was started as `lesson-multiprocessing worker 3`.
///     println!("Worker {name} starting");
///     return;
/// }
/// lesson_kit::start(&[]);
/// ```
pub fn role_number(name: &str) -> Option<u64> {
    role_numbers::<1>(name).map(|[n]| n)
}

/// Like [`role_number`], for a copy started as `NAME N1 N2 ...` with `COUNT` numbers.
///
/// ```no_run
/// if let Some([start, end]) = lesson_kit::role_numbers("part") {
///     println!("summing {start}..{end}");
///     return;
/// }
/// lesson_kit::start(&[]);
/// ```
pub fn role_numbers<const COUNT: usize>(name: &str) -> Option<[u64; COUNT]> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_numbers::<COUNT>(&args, name)? {
        Ok(numbers) => {
            scale();
            Some(numbers)
        }
        Err(problem) => {
            eprintln!("error: {problem}");
            std::process::exit(2);
        }
    }
}

/// `None` if `args` are not this role; otherwise its `COUNT` numbers, or what is wrong.
fn parse_numbers<const COUNT: usize>(
    args: &[String],
    name: &str,
) -> Option<Result<[u64; COUNT], String>> {
    let (first, rest) = args.split_first()?;
    if first != name {
        return None;
    }
    let wanted = if COUNT == 1 {
        "one whole number".to_owned()
    } else {
        format!("{COUNT} whole numbers")
    };
    let numbers: Option<Vec<u64>> = rest.iter().map(|n| n.parse().ok()).collect();
    Some(match numbers {
        Some(numbers) if numbers.len() == COUNT => {
            Ok(numbers.try_into().expect("the length was checked"))
        }
        _ => Err(format!("`{name}` takes {wanted}, not {rest:?}")),
    })
}

/// Why the command line was not run.
#[derive(Debug, PartialEq)]
enum Refusal {
    Help,
    Unexpected(String),
}

/// The mode `args` ask for, out of `modes`.
fn parse_mode(args: &[String], modes: &[&'static str]) -> Result<Option<&'static str>, Refusal> {
    match args {
        [] => Ok(None),
        [one] if one == "--help" || one == "-h" => Err(Refusal::Help),
        [one] => match modes.iter().find(|mode| **mode == one.as_str()) {
            Some(mode) => Ok(Some(mode)),
            None => Err(Refusal::Unexpected(format!(
                "unexpected argument {one:?}: {}",
                takes(modes)
            ))),
        },
        _ => Err(Refusal::Unexpected(format!(
            "unexpected arguments {args:?}: {}",
            takes(modes)
        ))),
    }
}

fn takes(modes: &[&str]) -> String {
    match modes {
        [] => "this program takes no arguments".into(),
        [mode] => format!("the only mode is `{mode}`"),
        _ => format!(
            "the modes are {}",
            modes
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `usage: cargo run -p NAME [-- MODE]`, with the program's own name.
fn usage(modes: &[&str]) -> String {
    // Every lesson's and exercise's binary is named after its package.
    let program = std::env::args()
        .next()
        .and_then(|path| {
            std::path::Path::new(&path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "the-lesson".into());
    let mut text = format!("usage: cargo run -p {program}");
    if !modes.is_empty() {
        text += &format!(" [-- {}]", modes.join(" | "));
    }
    text += &format!(" (set {TIME_SCALE_VAR}=0.1 for a run ten times shorter)");
    text
}

/// The factor every lesson duration is multiplied by (1.0 unless `LESSON_TIME_SCALE` is set).
///
/// A value that is not a positive number stops the lesson with a message that
/// says what was wrong, rather than silently running at full length. [`start`]
/// reads it first, so the message comes before any output.
pub fn scale() -> f64 {
    static SCALE: OnceLock<f64> = OnceLock::new();
    *SCALE.get_or_init(|| match std::env::var(TIME_SCALE_VAR) {
        Err(_) => 1.0,
        Ok(raw) => parse_scale(&raw).unwrap_or_else(|message| {
            eprintln!("error: {message}");
            std::process::exit(2);
        }),
    })
}

/// Parses a time scale, explaining what is wrong with a bad one.
pub fn parse_scale(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 => Ok(value),
        _ => Err(format!(
            "{TIME_SCALE_VAR}={raw:?} is not a positive number; \
             use e.g. {TIME_SCALE_VAR}=0.1 for ten times faster, or unset it for real time"
        )),
    }
}

/// `secs` seconds of lesson time, scaled: what `time.sleep(secs)` would wait.
pub fn seconds(secs: f64) -> Duration {
    Duration::from_secs_f64(secs * scale())
}

/// Blocks the current thread for `secs` seconds of lesson time, like Python's `time.sleep`.
pub fn sleep(secs: f64) {
    std::thread::sleep(seconds(secs));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn accepts_positive_numbers() {
        assert_eq!(parse_scale("0.05"), Ok(0.05));
        assert_eq!(parse_scale(" 2 "), Ok(2.0));
    }

    #[test]
    fn rejects_zero_negative_and_garbage_with_advice() {
        for bad in ["0", "-1", "fast", "", "NaN", "inf"] {
            let message = parse_scale(bad).unwrap_err();
            assert!(message.contains("LESSON_TIME_SCALE"), "{message}");
            assert!(message.contains("positive number"), "{message}");
        }
    }

    #[test]
    fn a_mode_is_one_of_those_named() {
        assert_eq!(parse_mode(&args(&[]), &["scoped"]), Ok(None));
        assert_eq!(
            parse_mode(&args(&["scoped"]), &["scoped"]),
            Ok(Some("scoped"))
        );
        assert_eq!(parse_mode(&args(&["-h"]), &[]), Err(Refusal::Help));
        let Err(Refusal::Unexpected(problem)) = parse_mode(&args(&["scope"]), &["scoped"]) else {
            panic!("a misspelt mode was accepted");
        };
        assert!(
            problem.contains("\"scope\"") && problem.contains("`scoped`"),
            "{problem}"
        );
        let Err(Refusal::Unexpected(problem)) = parse_mode(&args(&["x"]), &[]) else {
            panic!("an argument was accepted by a program that takes none");
        };
        assert!(problem.contains("takes no arguments"), "{problem}");
        assert!(parse_mode(&args(&["scoped", "x"]), &["scoped"]).is_err());
    }

    #[test]
    fn a_role_carries_its_numbers() {
        assert_eq!(parse_numbers::<1>(&args(&[]), "worker"), None);
        assert_eq!(parse_numbers::<1>(&args(&["scoped"]), "worker"), None);
        assert_eq!(parse_numbers::<0>(&args(&["child"]), "child"), Some(Ok([])));
        assert!(
            parse_numbers::<0>(&args(&["child", "1"]), "child")
                .unwrap()
                .is_err()
        );
        assert_eq!(
            parse_numbers::<1>(&args(&["worker", "3"]), "worker"),
            Some(Ok([3]))
        );
        assert_eq!(
            parse_numbers::<2>(&args(&["part", "0", "10"]), "part"),
            Some(Ok([0, 10]))
        );
        for bad in [&["worker", "x"][..], &["worker"], &["worker", "1", "2"]] {
            let problem = parse_numbers::<1>(&args(bad), "worker")
                .unwrap()
                .unwrap_err();
            assert!(problem.contains("whole number"), "{problem}");
        }
    }
}
