//! Time scaling shared by the lessons: `LESSON_TIME_SCALE` shrinks every sleep.
//!
//! Lessons sleep in real seconds by default, exactly as their Python originals
//! do. Tests and the checker set `LESSON_TIME_SCALE=0.1` (say) so the whole
//! course runs in a couple of seconds; every duration a lesson waits for goes
//! through [`seconds`] so the shape of the run stays the same, only smaller.

use std::sync::OnceLock;
use std::time::Duration;

/// The environment variable that shrinks (or stretches) every lesson sleep.
pub const TIME_SCALE_VAR: &str = "LESSON_TIME_SCALE";

/// The factor every lesson duration is multiplied by (1.0 unless `LESSON_TIME_SCALE` is set).
///
/// A value that is not a positive number stops the lesson with a message that
/// says what was wrong, rather than silently running at full length.
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
}
