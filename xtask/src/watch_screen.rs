//! `cargo xtask watch` on a terminal: single keys in raw mode and a screen redrawn after every change.
//!
//! The screen shows the exercise, the last verdict with its timeline, the progress bar
//! and the keys; `l` opens a list of every exercise to move through, filter, reset and
//! continue from. Keys are read on a thread of their own (crossterm), so Ctrl-C is seen
//! even in the middle of a check: it cancels the build or run, which kills its process
//! group, puts the terminal back and exits. Raw mode needs `\r\n` at line ends, so every
//! frame is built as lines and joined here.

use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, Sender};

use course::exercise::{self, Outcome, Progress, Stored};
use course::{Package, workspace};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, queue, terminal};

use crate::progress::{self, Study, relative};
use crate::watch::{Signal, debounce, explained, next_signal, record_pass, source_folder};
use crate::{hint, interrupt, term, ui};

const KEYS: &str = "h hint · l list · n next · r reset · c check again · q quit";
const LIST_KEYS: &str =
    "↑↓/jk move · Enter continue here · r reset · d done · t to do · a all · / search · Esc back";

/// Which exercises the list shows.
#[derive(Clone, Copy, PartialEq)]
enum Filter {
    All,
    Done,
    ToDo,
}

/// The list screen's state.
struct List {
    cursor: usize,
    filter: Filter,
    search: String,
    typing: bool,
}

struct Screen<'a> {
    root: &'a Path,
    exercises_dir: PathBuf,
    study: Study,
    /// The package of the exercise the learner is on (chosen in the list, or the first to do).
    current: String,
    /// The last verdict, as lines (with its timeline), or what is happening now.
    verdict: Vec<String>,
    /// Hints and notices, shown above the verdict until the next key.
    message: Vec<String>,
    /// The current exercise passed: wait for `n`.
    passed: bool,
    /// `r` was pressed once: the next `r` (or `y`) throws the working copy away.
    confirm_reset: Option<String>,
    list: Option<List>,
}

/// Puts the terminal back however the screen ends (return, `?`, panic unwinding).
struct Raw;

impl Drop for Raw {
    fn drop(&mut self) {
        term::restore();
    }
}

pub fn run(
    root: &Path,
    exercises_dir: PathBuf,
    study: Study,
    tx: Sender<Signal>,
    rx: &Receiver<Signal>,
) -> anyhow::Result<ExitCode> {
    let Some(first) = study.current().map(|u| u.name.clone()) else {
        let total = study.exercises().len();
        println!(
            "{} All {total} exercises are done. Well done!",
            progress::bar(total, total, 30)
        );
        return Ok(ExitCode::SUCCESS);
    };
    term::enter_raw()?;
    let _raw = Raw;
    std::thread::spawn(move || read_keys(&tx));
    let mut screen = Screen {
        root,
        exercises_dir,
        study,
        current: first,
        verdict: Vec::new(),
        message: Vec::new(),
        passed: false,
        confirm_reset: None,
        list: None,
    };
    screen.enter();
    let mut pending = VecDeque::new();
    loop {
        screen.draw();
        let Some(signal) = next_signal(&mut pending, rx) else {
            return Ok(ExitCode::SUCCESS);
        };
        match signal {
            Signal::Files(event) => {
                let paths = debounce(event, rx, &mut pending);
                screen.on_files(&paths);
            }
            Signal::Press(key) => {
                if let Some(code) = screen.on_key(key) {
                    drop(_raw);
                    println!("{}", screen.goodbye());
                    return Ok(code);
                }
            }
            Signal::Resize | Signal::Key(_) => {}
        }
    }
}

/// Reads keys until the screen ends. Ctrl-C stops everything from here, at once, even
/// while the main loop is busy checking: the check is cancelled, not waited for.
fn read_keys(tx: &Sender<Signal>) {
    loop {
        let signal = match crossterm::event::read() {
            Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => {
                if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
                    interrupt::stop(130);
                }
                Signal::Press(key)
            }
            Ok(Event::Resize(..)) => Signal::Resize,
            Ok(_) => continue,
            Err(_) => return,
        };
        if tx.send(signal).is_err() {
            return;
        }
    }
}

impl Screen<'_> {
    fn package(&self) -> Package {
        self.study
            .exercises()
            .into_iter()
            .find(|u| u.name == self.current)
            .cloned()
            .expect("the current exercise is one of the course's")
    }

    /// Starts on the current exercise: work already there is checked at once; an untouched
    /// starting point is known to fail, so it is only built, to make the first save quick.
    fn enter(&mut self) {
        let package = self.package();
        self.passed = false;
        self.confirm_reset = None;
        if exercise::is_edited(&package).unwrap_or(false) {
            self.check();
        } else {
            self.verdict = vec![format!(
                "building what {} needs (the first time can take a while)…",
                package.name
            )];
            self.draw();
            let _ = workspace::build(self.root, &[&package.name], None);
            interrupt::checkpoint();
            self.verdict = vec![format!(
                "Not checked yet: edit {} and save.",
                relative(self.root, &exercise::main_path(&package))
            )];
        }
    }

    fn check(&mut self) {
        let package = self.package();
        self.verdict = vec![format!("checking {} …", package.name)];
        self.draw();
        let started = std::time::Instant::now();
        let checked = exercise::check(self.root, &[&package], None);
        interrupt::checkpoint();
        let (cols, rows) = term::size();
        let outcome = match checked {
            Ok(mut checked) => checked.remove(0).outcome,
            Err(error) => {
                self.verdict = vec![
                    format!("error: {error:#}"),
                    "(still watching: save again once it is fixed)".into(),
                ];
                return;
            }
        };
        let mut lines: Vec<String> = Vec::new();
        let took = ui::seconds(started.elapsed());
        let main = relative(self.root, &exercise::main_path(&package));
        match &outcome {
            Outcome::DoesNotCompile(_) => lines.push(format!(
                "✗ does not compile yet: fix {main} and save again ({took})"
            )),
            outcome if !outcome.passed() => lines.push(format!(
                "✗ not solved yet: fix {main} and save again; h for a hint ({took})"
            )),
            _ => {
                self.passed = true;
                if let Err(error) = record_pass(self.root, &mut self.study, &package) {
                    lines.push(format!(
                        "warning: your progress could not be saved: {error:#}"
                    ));
                }
                lines.push(format!("✓ {} passed! ({took})", package.name));
                lines.push(format!(
                    "Compare with the reference solution: {}",
                    solution(self.root, &package)
                ));
                lines.push("Press n for the next exercise.".into());
            }
        }
        lines.extend(explained(&outcome, cols, rows).lines().map(str::to_owned));
        self.verdict = lines;
    }

    fn on_files(&mut self, paths: &[PathBuf]) {
        if let Stored::Read(progress) = Progress::read(self.root) {
            self.study.progress = progress;
        }
        let package = self.package();
        let own = package.dir.file_name().and_then(|f| f.to_str());
        let folders: Vec<&str> = paths
            .iter()
            .filter_map(|p| source_folder(&self.exercises_dir, p))
            .collect();
        if folders.iter().any(|f| Some(*f) == own) {
            self.message.clear();
            self.check();
        } else if let Some(other) = folders.first() {
            self.message = vec![format!(
                "(saw a change to {other}; watch checks {}: l chooses another exercise)",
                package.name
            )];
        }
    }

    /// Handles a key; `Some(code)` ends the watch.
    fn on_key(&mut self, key: KeyEvent) -> Option<ExitCode> {
        // A reset asked for (here or in the list) is answered by the very next key.
        let typing = self.list.as_ref().is_some_and(|l| l.typing);
        if !typing && let Some(package) = self.confirm_reset.take() {
            if matches!(key.code, KeyCode::Char('r' | 'y')) {
                self.reset(&package);
            } else {
                self.message = vec!["kept your changes; nothing was reset".into()];
            }
            return None;
        }
        if self.list.is_some() {
            return self.on_list_key(key);
        }
        let package = self.package();
        self.message.clear();
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Some(ExitCode::SUCCESS),
            KeyCode::Char('c') | KeyCode::Enter => self.check(),
            KeyCode::Char('h') => {
                match hint::next_hint(&package, &mut self.study.progress, false) {
                    Ok(text) => {
                        self.message = text.lines().map(str::to_owned).collect();
                        if let Err(error) = self.study.progress.save(self.root) {
                            self.message
                                .push(format!("warning: progress not saved: {error:#}"));
                        }
                    }
                    Err(error) => self.message = vec![format!("error: {error:#}")],
                }
            }
            KeyCode::Char('l') => {
                let cursor = self
                    .study
                    .exercises()
                    .iter()
                    .position(|u| u.name == self.current)
                    .unwrap_or(0);
                self.list = Some(List {
                    cursor,
                    filter: Filter::All,
                    search: String::new(),
                    typing: false,
                });
            }
            KeyCode::Char('n') => return self.next(),
            KeyCode::Char('r') => self.ask_reset(&package),
            _ => self.message = vec![format!("keys: {KEYS}")],
        }
        None
    }

    fn ask_reset(&mut self, package: &Package) {
        if exercise::is_edited(package).unwrap_or(true) {
            self.message = vec![format!(
                "Press r again to throw away your changes to {} and start {} over; any other key keeps them.",
                relative(self.root, &exercise::main_path(package)),
                package.name
            )];
            self.confirm_reset = Some(package.name.clone());
        } else {
            self.reset(&package.name);
        }
    }

    fn reset(&mut self, name: &str) {
        let Some(package) = self
            .study
            .exercises()
            .into_iter()
            .find(|u| u.name == name)
            .cloned()
        else {
            return;
        };
        let result = exercise::reset(&package).and_then(|backup| {
            if let Stored::Read(progress) = Progress::read(self.root) {
                self.study.progress = progress;
            }
            self.study.progress.mark_not_done(&package.name);
            self.study.progress.save(self.root).map(|()| backup)
        });
        self.message = vec![match result {
            Ok(backup) => format!(
                "{} is back at its starting point; {} is to do again{}",
                relative(self.root, &exercise::main_path(&package)),
                package.name,
                backup.map_or(String::new(), |b| format!(
                    "; your work is kept in {}",
                    relative(self.root, &b)
                ))
            ),
            Err(error) => format!("error: {error:#}"),
        }];
        if package.name == self.current {
            self.passed = false;
            self.verdict = vec![format!(
                "Not checked yet: edit {} and save.",
                relative(self.root, &exercise::main_path(&package))
            )];
        }
    }

    /// Moves on once the current exercise is done: to the next one to do after it (then from
    /// the start); when none is left, the watch ends.
    fn next(&mut self) -> Option<ExitCode> {
        if !self.passed && !self.study.progress.is_done(&self.current) {
            self.message = vec![format!(
                "{} is not solved yet: n moves on once it passes (l chooses another exercise)",
                self.current
            )];
            return None;
        }
        let exercises = self.study.exercises();
        let here = exercises
            .iter()
            .position(|u| u.name == self.current)
            .unwrap_or(0);
        let next = exercises[here + 1..]
            .iter()
            .chain(&exercises[..here])
            .find(|u| !self.study.progress.is_done(&u.name))
            .map(|u| u.name.clone());
        match next {
            Some(package) => {
                self.current = package;
                self.verdict.clear();
                self.enter();
                None
            }
            None => Some(ExitCode::SUCCESS),
        }
    }

    fn goodbye(&self) -> String {
        let exercises = self.study.exercises();
        let done = self.study.progress.done_count(&exercises);
        let total = exercises.len();
        if done == total {
            format!(
                "{} All {total} exercises are done. Well done!",
                progress::bar(done, total, 30)
            )
        } else {
            format!(
                "{} {done}/{total} exercises done. `cargo xtask watch` continues where you left off.",
                progress::bar(done, total, 30)
            )
        }
    }

    /// The exercises the list shows, with their index in the course.
    fn listed(&self) -> Vec<(usize, Package)> {
        let Some(list) = &self.list else {
            return Vec::new();
        };
        self.study
            .exercises()
            .into_iter()
            .enumerate()
            .filter(|(_, u)| match list.filter {
                Filter::All => true,
                Filter::Done => self.study.progress.is_done(&u.name),
                Filter::ToDo => !self.study.progress.is_done(&u.name),
            })
            .filter(|(_, u)| {
                list.search.is_empty()
                    || u.name.contains(&list.search)
                    || u.title()
                        .to_lowercase()
                        .contains(&list.search.to_lowercase())
            })
            .map(|(i, u)| (i, u.clone()))
            .collect()
    }

    fn on_list_key(&mut self, key: KeyEvent) -> Option<ExitCode> {
        let shown = self.listed();
        let list = self.list.as_mut().expect("in the list");
        if list.typing {
            match key.code {
                KeyCode::Enter | KeyCode::Esc => list.typing = false,
                KeyCode::Backspace => {
                    list.search.pop();
                }
                KeyCode::Char(c) => list.search.push(c),
                _ => {}
            }
            list.cursor = 0;
            return None;
        }
        self.message.clear();
        let last = shown.len().saturating_sub(1);
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => list.cursor = list.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => list.cursor = (list.cursor + 1).min(last),
            KeyCode::Home | KeyCode::Char('g') => list.cursor = 0,
            KeyCode::End | KeyCode::Char('G') => list.cursor = last,
            KeyCode::Char('d') => (list.filter, list.cursor) = (Filter::Done, 0),
            KeyCode::Char('t') => (list.filter, list.cursor) = (Filter::ToDo, 0),
            KeyCode::Char('a') => (list.filter, list.cursor) = (Filter::All, 0),
            KeyCode::Char('/') => (list.typing, list.search) = (true, String::new()),
            KeyCode::Esc | KeyCode::Char('q' | 'l') => self.list = None,
            KeyCode::Char('r') => {
                if let Some((_, package)) = shown.get(list.cursor) {
                    let package = package.clone();
                    self.ask_reset(&package);
                }
            }
            KeyCode::Enter | KeyCode::Char('c') => {
                if let Some((_, package)) = shown.get(list.cursor) {
                    self.current = package.name.clone();
                    self.list = None;
                    self.message.clear();
                    self.enter();
                }
            }
            _ => self.message = vec![format!("keys: {LIST_KEYS}")],
        }
        None
    }

    fn draw(&self) {
        let (cols, rows) = term::size();
        let frame = if self.list.is_some() {
            self.list_frame(rows)
        } else {
            self.watch_frame(cols, rows)
        };
        let mut out = std::io::stdout().lock();
        let _ = queue!(
            out,
            cursor::MoveTo(0, 0),
            terminal::Clear(terminal::ClearType::All)
        );
        let text: Vec<String> = frame
            .iter()
            .take(rows)
            .map(|line| fit(line, cols))
            .collect();
        let _ = out.write_all(text.join("\r\n").as_bytes());
        let _ = out.flush();
    }

    /// The exercise, the message, the verdict, then the bar and the keys on the last lines.
    fn watch_frame(&self, cols: usize, rows: usize) -> Vec<String> {
        let package = self.package();
        let exercises = self.study.exercises();
        let number = exercises
            .iter()
            .position(|u| u.name == package.name)
            .unwrap_or(0)
            + 1;
        let mut top = vec![format!(
            "━━ {} ({number}/{}) ━━",
            ui::label(&package),
            exercises.len()
        )];
        let opening = exercise::readme_opening(&package).unwrap_or_else(|e| format!("({e:#})"));
        let room = (rows / 3).max(3);
        let opening: Vec<String> = opening
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .flat_map(|l| wrap(l, cols))
            .collect();
        top.extend(opening.iter().take(room).cloned());
        if opening.len() > room {
            top.push(format!(
                "… (the whole task: {})",
                relative(self.root, &package.dir.join("README.md"))
            ));
        }
        top.extend(wrap(
            &format!(
                "Edit {} and save: it is checked every time.",
                relative(self.root, &exercise::main_path(&package))
            ),
            cols,
        ));
        top.push(String::new());
        let done = self.study.progress.done_count(&exercises);
        let mut bottom = vec![format!(
            "{} {done}/{} exercises done",
            progress::bar(done, exercises.len(), (cols / 3).clamp(5, 30)),
            exercises.len()
        )];
        bottom.extend(wrap(KEYS, cols));
        let mut middle: Vec<String> = self.message.iter().flat_map(|l| wrap(l, cols)).collect();
        if !middle.is_empty() {
            middle.push(String::new());
        }
        middle.extend(self.verdict.iter().cloned());
        let room = rows.saturating_sub(top.len() + bottom.len() + 1).max(1);
        if middle.len() > room {
            let cut = middle.len() - room + 1;
            middle.truncate(room - 1);
            middle.push(format!("… {cut} more line(s) not shown"));
        }
        middle.resize(room, String::new());
        top.into_iter()
            .chain(middle)
            .chain(std::iter::once(String::new()))
            .chain(bottom)
            .collect()
    }

    fn list_frame(&self, rows: usize) -> Vec<String> {
        let list = self.list.as_ref().expect("in the list");
        let shown = self.listed();
        let filter = match list.filter {
            Filter::All => "all",
            Filter::Done => "done",
            Filter::ToDo => "to do",
        };
        let search = if list.typing {
            format!("  search: {}▏", list.search)
        } else if list.search.is_empty() {
            String::new()
        } else {
            format!("  search: {}", list.search)
        };
        let mut out = vec![format!("━━ exercises ({filter}){search} ━━"), String::new()];
        let room = rows.saturating_sub(5 + self.message.len()).max(1);
        let first = list.cursor.saturating_sub(room - 1);
        for (row, (_, package)) in shown.iter().enumerate().skip(first).take(room) {
            let state = if self.study.progress.is_done(&package.name) {
                "✓ done "
            } else if package.name == self.current {
                "→ here "
            } else {
                "· to do"
            };
            let pointer = if row == list.cursor { ">" } else { " " };
            out.push(format!("{pointer} {state}  {}", ui::label(package)));
        }
        if shown.is_empty() {
            out.push("  (no exercise matches)".into());
        }
        out.push(String::new());
        out.extend(self.message.iter().cloned());
        out.push(LIST_KEYS.into());
        out
    }
}

/// Where the reference solution of `package` is, for after it passed.
fn solution(root: &Path, package: &Package) -> String {
    let folder = package.dir.file_name().unwrap_or_default();
    let candidates = [
        root.join("solutions").join(folder).join("main.rs"),
        package.dir.join("examples/solution.rs"),
    ];
    candidates
        .iter()
        .find(|p| p.is_file())
        .map_or_else(|| "solutions/".to_owned(), |p| relative(root, p))
}

/// `line` cut to the terminal's width, then coloured by its verdict mark: colour is added
/// after the cut so a narrow terminal never wraps a line and scrolls the screen.
fn fit(line: &str, cols: usize) -> String {
    let plain = strip_colour(line);
    let cut = if plain.chars().count() > cols {
        let mut kept: String = plain.chars().take(cols.saturating_sub(1)).collect();
        kept.push('…');
        kept
    } else {
        plain
    };
    if cut.starts_with('✓') || cut.starts_with("ok  ") {
        term::paint(&cut, true)
    } else if cut.starts_with('✗') || cut.starts_with("FAIL") {
        term::paint(&cut, false)
    } else {
        cut
    }
}

/// `text` broken at spaces into lines of at most `cols` characters (a word longer than that
/// gets a line of its own and is cut when drawn). Hand-written: ten lines are not worth a crate.
fn wrap(text: &str, cols: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("never empty");
        let width = line.chars().count();
        if width > 0 && width + 1 + word.chars().count() > cols {
            lines.push(word.to_owned());
        } else {
            if width > 0 {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// `text` without its SGR colour sequences (`ESC [ … m`).
fn strip_colour(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fit_the_width_before_they_are_coloured() {
        assert_eq!(strip_colour("\x1b[31mFAIL\x1b[0m  case"), "FAIL  case");
        assert_eq!(wrap("one two three", 8), ["one two", "three"]);
        let long = format!("✗ {}", "x".repeat(200));
        assert!(strip_colour(&fit(&long, 40)).chars().count() <= 40);
    }
}
