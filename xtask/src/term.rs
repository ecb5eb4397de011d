//! The terminal: raw mode for watch's single keys, put back on exit, panic and Ctrl-C; sizes and colour.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::{cursor, execute, terminal};

/// Whether raw mode is on (so every way out knows to turn it off).
static RAW: AtomicBool = AtomicBool::new(false);

/// Raw mode on stdin and stdout: keys arrive one by one, Ctrl-C included, and lines need `\r\n`.
pub fn enter_raw() -> anyhow::Result<()> {
    terminal::enable_raw_mode()?;
    RAW.store(true, Ordering::SeqCst);
    // A panic prints its message on a terminal put back first, so it stays readable.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    let _ = execute!(std::io::stdout(), cursor::Hide);
    Ok(())
}

/// Puts the terminal back the way it was: cooked mode and a visible cursor. Safe to call
/// from any thread, any number of times.
pub fn restore() {
    if RAW.swap(false, Ordering::SeqCst) {
        let _ = terminal::disable_raw_mode();
        // Straight to the file descriptor, not through `stdout()`: on Ctrl-C another thread
        // may hold stdout's lock mid-frame, and waiting for it could hang the exit.
        let show_cursor = b"\x1b[?25h\r\n";
        // SAFETY: writing a valid buffer to fd 1.
        unsafe { libc::write(1, show_cursor.as_ptr().cast(), show_cursor.len()) };
    }
}

/// Columns and rows to fit output in: the terminal's, or a page of 100 by 50 when stdout is
/// not a terminal (a pipe, a file, CI).
pub fn size() -> (usize, usize) {
    if std::io::stdout().is_terminal()
        && let Ok((cols, rows)) = terminal::size()
        && cols > 0
        && rows > 0
    {
        return (usize::from(cols), usize::from(rows));
    }
    (100, 50)
}

/// Whether to colour output: a terminal, and no `NO_COLOR` (https://no-color.org).
pub fn colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// `text` in green (`ok`) or red, when colour is on.
pub fn paint(text: &str, ok: bool) -> String {
    if colour() {
        let code = if ok { 32 } else { 31 };
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// At most a screenful of `text`: `rows` lines, each cut to `cols` characters, with a note of
/// what was left out, so a lesson that floods cannot flood the terminal.
pub fn screenful(text: &str, cols: usize, rows: usize) -> String {
    let rows = rows.max(3);
    let cols = cols.max(20);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let shown = if lines.len() > rows {
        rows - 1
    } else {
        lines.len()
    };
    for line in &lines[..shown] {
        out.push_str(&cut(line, cols));
        out.push('\n');
    }
    if shown < lines.len() {
        out.push_str(&format!(
            "… {} more line(s) not shown (a screenful per failure)\n",
            lines.len() - shown
        ));
    }
    out
}

/// `line` cut to `cols` characters, the cut marked with `…` and how much was left out.
pub fn cut(line: &str, cols: usize) -> String {
    let count = line.chars().count();
    if count <= cols {
        return line.to_owned();
    }
    // The note is at most 22 characters for any line shorter than a terabyte.
    let keep = cols.saturating_sub(22);
    let note = format!("… (+{} chars)", count - keep);
    let mut out: String = line.chars().take(keep).collect();
    out.push_str(&note);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_is_cut_to_one_screen() {
        let flood = format!("{}\n", "x".repeat(524_304)).repeat(1000);
        let shown = screenful(&flood, 80, 24);
        assert_eq!(shown.lines().count(), 24);
        assert!(shown.lines().all(|l| l.chars().count() <= 80), "{shown}");
        assert!(shown.ends_with("… 977 more line(s) not shown (a screenful per failure)\n"));
        assert_eq!(screenful("a\nb\n", 80, 24), "a\nb\n");
    }
}
