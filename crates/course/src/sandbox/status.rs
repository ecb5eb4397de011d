//! The launcher's reports to the grader, one line each on `status_fd`: what it started, reaped and killed.
//!
//! The launcher (`sandbox::launcher`, built with the `grade` feature) writes these lines and
//! the runner reads them, so the format lives here, apart from both.

/// What the launcher tells the grader on `status_fd`, one line each.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    /// The program's pid, once forked: the launcher itself is not the program.
    Started(i32),
    /// The program's trace of children it reaped (cminflt + cutime + cstime), read while
    /// it was a zombie: the grader cannot look at it then, since the launcher reaps it.
    Reaped(u64),
    /// Processes still running when the program itself exited (all killed since).
    Left(usize),
    /// The tree reached this many processes at once, past its cap; all were killed.
    Processes(usize),
    /// The wall-clock limit passed; all were killed.
    TimedOut,
    /// The program could not be confined or started; nothing ran.
    Failed(String),
}

impl Report {
    /// The line the launcher writes for this report.
    pub fn line(&self) -> String {
        match self {
            Report::Started(pid) => format!("pid {pid}\n"),
            Report::Reaped(n) => format!("reaped {n}\n"),
            Report::Left(n) => format!("left {n}\n"),
            Report::Processes(n) => format!("processes {n}\n"),
            Report::TimedOut => "timeout\n".into(),
            Report::Failed(why) => format!("failed {}\n", why.replace('\n', " ")),
        }
    }

    /// Reads the reports a launcher wrote (unknown lines are skipped).
    pub fn parse(text: &str) -> Vec<Report> {
        text.lines()
            .filter_map(|line| {
                let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
                match word {
                    "pid" => rest.parse().ok().map(Report::Started),
                    "reaped" => rest.parse().ok().map(Report::Reaped),
                    "left" => rest.parse().ok().map(Report::Left),
                    "processes" => rest.parse().ok().map(Report::Processes),
                    "timeout" => Some(Report::TimedOut),
                    "failed" => Some(Report::Failed(rest.to_owned())),
                    _ => None,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_read_back_as_written() {
        let all = [
            Report::Started(41),
            Report::Reaped(7),
            Report::Left(2),
            Report::Processes(70),
            Report::TimedOut,
            Report::Failed("no\nsuch file".into()),
        ];
        let text: String = all.iter().map(Report::line).collect();
        assert_eq!(
            Report::parse(&text),
            [
                Report::Started(41),
                Report::Reaped(7),
                Report::Left(2),
                Report::Processes(70),
                Report::TimedOut,
                Report::Failed("no such file".into())
            ]
        );
    }
}
