//! Turns a checked case into the explanation a learner or a teaching assistant reads.

use std::fmt::Write;

use crate::check::CaseResult;
use crate::runner::Stream;
use crate::timeline;

/// Every failed expectation, the timeline picture and the timestamped transcript.
///
/// `max_lines` bounds the transcript shown (its end is kept, with a note of what was cut),
/// so a flood of output cannot bury the explanation.
pub fn explain(result: &CaseResult, max_lines: usize) -> String {
    let mut out = String::new();
    for failure in &result.failures {
        let _ = writeln!(out, "{failure}");
    }
    let run = &result.run;
    let case = &result.case;
    if run.stdout_lines().next().is_some() {
        let _ = writeln!(out, "timeline (1 unit = {} s):", case.scale);
        out.push_str(&indent(&timeline::render(case, run, 50)));
    }
    let _ = writeln!(
        out,
        "observed: {} in {:.2} s wall, {:.2} s CPU; at most {} process(es) and {} thread(s) at once",
        run.ending_text(),
        run.wall.as_secs_f64(),
        run.cpu.as_secs_f64(),
        run.peak_processes,
        run.peak_threads
    );
    let lines = &run.lines;
    let _ = writeln!(
        out,
        "transcript ({} lines; time in seconds and units; ! = stderr):",
        lines.len()
    );
    let skip = lines.len().saturating_sub(max_lines);
    if skip > 0 {
        let _ = writeln!(out, "  … {skip} earlier lines cut");
    }
    for line in &lines[skip..] {
        let mark = if line.stream == Stream::Stderr {
            '!'
        } else {
            ' '
        };
        let _ = writeln!(
            out,
            "  {:>7.3}s {:>6.1}u {mark} {}",
            line.at.as_secs_f64(),
            case.units(line.at),
            line.text
        );
    }
    if lines.is_empty() {
        let _ = writeln!(out, "  (no output)");
    }
    out
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}
