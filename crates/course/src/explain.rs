//! Turns a checked case into the explanation a learner or a teaching assistant reads.
//!
//! Nothing here may grow with the program's output: a lesson that prints in a loop must not
//! produce a 500 KB line. Every list keeps its first items and says how many more there were
//! ([`cap_list`]), and every line shown is cut to [`MAX_WIDTH`] characters ([`cap_line`]),
//! so the rules can build their lists freely and still be read on one screen.

use std::fmt::{Display, Write};

use crate::check::CaseResult;
use crate::runner::Stream;
use crate::timeline;

/// The widest line an explanation shows, in characters.
pub const MAX_WIDTH: usize = 200;
/// The most items of one list an explanation shows.
pub const MAX_ITEMS: usize = 8;
/// The most timeline rows an explanation shows.
const MAX_ROWS: usize = 20;

/// The first `max` items joined by `sep`, then "… and 52,419 more" for the rest.
pub fn cap_list<T: Display>(items: impl IntoIterator<Item = T>, sep: &str, max: usize) -> String {
    let mut shown = Vec::new();
    let mut more = 0usize;
    for item in items {
        if shown.len() < max {
            shown.push(item.to_string());
        } else {
            more += 1;
        }
    }
    let mut out = shown.join(sep);
    if more > 0 {
        let _ = write!(out, "{sep}… and {} more", thousands(more));
    }
    out
}

/// `line` cut to `width` characters. A list (items separated by "; " or ", ") keeps its first
/// whole items and says how many more there were; other text says how many characters were cut.
pub fn cap_line(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        return line.to_owned();
    }
    let head: String = line.chars().take(width).collect();
    for sep in ["; ", ", "] {
        if let Some(cut) = head.rfind(sep)
            && cut > width / 4
        {
            let more = line[cut..].matches(sep).count();
            return format!("{}{sep}… and {} more", &line[..cut], thousands(more));
        }
    }
    let cut = line.chars().count() - width;
    format!("{head}… ({} more characters)", thousands(cut))
}

/// 52419 as "52,419".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every failed expectation, the notes on the verdict, the timeline picture and the
/// timestamped transcript, every line at most [`MAX_WIDTH`] wide.
///
/// `max_lines` bounds the transcript shown (its end is kept, with a note of what was cut),
/// so a flood of output cannot bury the explanation.
pub fn explain(result: &CaseResult, max_lines: usize) -> String {
    let mut out = String::new();
    for note in &result.notes {
        push_capped(&mut out, note);
    }
    for failure in &result.failures {
        push_capped(&mut out, &failure.to_string());
    }
    let run = &result.run;
    let case = &result.case;
    if run.stdout_lines().next().is_some() {
        let _ = writeln!(out, "timeline (1 unit = {} s):", case.scale);
        let picture = timeline::render(case, run, 50);
        let rows: Vec<&str> = picture.lines().collect();
        for row in rows.iter().take(MAX_ROWS + 1) {
            push_capped(&mut out, &format!("  {row}"));
        }
        if rows.len() > MAX_ROWS + 1 {
            let _ = writeln!(
                out,
                "  … and {} more rows",
                thousands(rows.len() - MAX_ROWS - 1)
            );
        }
    }
    let sampled = if run.peak_processes == 0 {
        "it ran too briefly to be sampled, so its threads and processes are unknown".to_owned()
    } else {
        format!(
            "at most {} process(es) and {} thread(s) at once",
            run.peak_processes, run.peak_threads
        )
    };
    push_capped(
        &mut out,
        &format!(
            "observed: {} in {:.2} s wall, {:.2} s CPU; {sampled}",
            run.ending_text(),
            run.wall.as_secs_f64(),
            run.cpu.as_secs_f64(),
        ),
    );
    let lines = &run.lines;
    let _ = writeln!(
        out,
        "transcript ({} lines; time in seconds and units; ! = stderr):",
        thousands(lines.len())
    );
    let skip = lines.len().saturating_sub(max_lines);
    if skip > 0 {
        let _ = writeln!(out, "  … {} earlier lines cut", thousands(skip));
    }
    for line in &lines[skip..] {
        let mark = if line.stream == Stream::Stderr {
            '!'
        } else {
            ' '
        };
        push_capped(
            &mut out,
            &format!(
                "  {:>7.3}s {:>6.1}u {mark} {}",
                line.at.as_secs_f64(),
                case.units(line.at),
                line.text
            ),
        );
    }
    if lines.is_empty() {
        let _ = writeln!(out, "  (no output)");
    }
    out
}

/// Appends each line of `text`, cut to [`MAX_WIDTH`].
fn push_capped(out: &mut String, text: &str) {
    for line in text.lines() {
        out.push_str(&cap_line(line, MAX_WIDTH));
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_list_keeps_the_first_items_and_counts_the_rest() {
        assert_eq!(cap_list(1..=3, ", ", 8), "1, 2, 3");
        assert_eq!(
            cap_list(0..52_427, ", ", 8),
            "0, 1, 2, 3, 4, 5, 6, 7, … and 52,419 more"
        );
    }

    #[test]
    fn cap_line_cuts_lists_at_an_item_and_text_at_the_width() {
        let gaps = format!("gaps of {} units", vec!["0.0"; 100_000].join(", "));
        let capped = cap_line(&gaps, 60);
        assert!(capped.chars().count() < 90, "{capped}");
        assert!(capped.ends_with(" more"), "{capped}");
        assert!(capped.contains("… and 99,9"), "{capped}");
        let flood = "x".repeat(1 << 20);
        let capped = cap_line(&flood, 200);
        assert!(
            capped.ends_with("… (1,048,376 more characters)"),
            "{capped}"
        );
        assert_eq!(cap_line("short", 200), "short");
        // Never splits a character.
        assert!(cap_line(&"é".repeat(300), 10).starts_with("éééééééééé…"));
    }

    #[test]
    fn a_looping_lesson_and_a_flood_get_an_explanation_of_a_screen_or_two() {
        use crate::check::{CaseResult, verdict};
        use crate::runner::{Ending, Line, fake_run};
        use crate::spec::Spec;
        let case = Spec::parse(
            std::path::Path::new("expect.toml"),
            "[[case]]\nname = \"default\"\n[case.lines]\ntick = { regex = '^Thread: (?<i>\\d+)$' }\n\
             [[case.expect]]\ngap = { line = \"tick\", min = 0.5 }\n",
        )
        .unwrap()
        .cases
        .remove(0);
        // A lesson printing in a loop: 100,000 ticks with no gap between them, then a
        // megabyte without a newline.
        let ticks: Vec<String> = (0..100_000).map(|i| format!("Thread: {i}")).collect();
        let lines: Vec<(f64, &str)> = ticks.iter().map(|t| (1.0, t.as_str())).collect();
        let mut run = fake_run(&lines, Ending::Exited(0));
        run.status = Some(std::os::unix::process::ExitStatusExt::from_raw(0));
        run.lines.push(Line {
            at: run.wall,
            after: run.wall,
            stream: crate::runner::Stream::Stderr,
            text: "x".repeat(1 << 20),
        });
        let v = verdict(&case, &run);
        assert!(
            v.failures[0].got.len() > 100_000,
            "the rule lists every gap"
        );
        let result = CaseResult {
            case: v.case,
            run,
            failures: v.failures,
            notes: v.notes,
            runs: 1,
            failed_runs: 1,
            busy: false,
        };
        let text = explain(&result, 60);
        assert!(text.len() < 24 * 1024, "{} bytes", text.len());
        assert!(
            text.lines().all(|l| l.chars().count() <= MAX_WIDTH + 40),
            "{text}"
        );
        assert!(text.contains(" more"), "{text}");
        assert!(text.contains("… (1,048,"), "{text}");
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(52_419), "52,419");
        assert_eq!(thousands(1_048_576), "1,048,576");
    }
}
