//! Grading one student's copy, or a folder of them, against this checkout's specs; the console table and the reports.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use course::grade::{Grade, Grader};
use course::{report, workspace};

#[derive(clap::Args)]
pub struct Args {
    /// Lessons or exercises to grade (package, folder or number); all lessons when none.
    lessons: Vec<String>,
    /// The student's copy of the course (default: this checkout).
    #[arg(long, value_name = "DIR", conflicts_with = "submissions")]
    submission: Option<PathBuf>,
    /// A folder holding one folder per student's copy; each is graded in turn.
    #[arg(long, value_name = "DIR")]
    submissions: Option<PathBuf>,
    /// Write Gradescope's results.json here (a folder of <student>.json with --submissions).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write JUnit XML here (a folder of <student>.xml with --submissions).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write GitHub Classroom's runner result (base64 JSON for a step output) here
    /// (a folder of <student>.b64 with --submissions).
    #[arg(long, value_name = "FILE")]
    classroom: Option<PathBuf>,
    /// Also grade every exercise (with LESSON names: those and every exercise).
    #[arg(long)]
    exercises: bool,
    /// Where submissions are built; shared so dependencies compile once (default: a private folder under $TMPDIR).
    #[arg(long, value_name = "DIR")]
    target_dir: Option<PathBuf>,
    /// Only build and record the lessons' dependencies in the target dir, grading nothing
    /// (for an autograder image: Gradescope's setup.sh).
    #[arg(long, conflicts_with_all = ["submission", "submissions", "json", "junit", "classroom"])]
    prepare: bool,
}

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    let packages = workspace::packages(root)?;
    let mut chosen = workspace::select(&packages, &args.lessons)?;
    if args.exercises {
        chosen.extend(packages.iter().filter(|u| !u.is_lesson()));
    }
    let grader = Grader {
        root,
        packages: chosen,
        target_dir: match args.target_dir.clone() {
            Some(dir) => dir,
            None => course::stage::default_target_dir(root)?,
        },
    };
    for report in [&args.json, &args.junit, &args.classroom]
        .into_iter()
        .flatten()
    {
        course::stage::check_report_path(report, &grader.target_dir)?;
    }
    let specs = grader.specs()?;
    if args.prepare {
        let started = Instant::now();
        let files = grader.prepare()?;
        println!(
            "prepared {}: the dependencies of {} package(s) are built and recorded ({files} files, {})",
            grader.target_dir.display(),
            grader.packages.len(),
            seconds(started.elapsed())
        );
        return Ok(ExitCode::SUCCESS);
    }
    match &args.submissions {
        None => {
            let submission = args.submission.clone().unwrap_or_else(|| root.to_owned());
            let grade = grader.grade(&submission, &specs)?;
            print_grade(&grade);
            write_reports(
                &grade,
                args.json.as_deref(),
                args.junit.as_deref(),
                args.classroom.as_deref(),
            )?;
        }
        Some(folder) => grade_class(&grader, &specs, folder, &args)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn grade_class(
    grader: &Grader,
    specs: &[course::Spec],
    folder: &Path,
    args: &Args,
) -> anyhow::Result<()> {
    let mut students: Vec<PathBuf> = std::fs::read_dir(folder)
        .with_context(|| {
            format!(
                "--submissions {}: cannot read that folder",
                folder.display()
            )
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    students.sort();
    if students.is_empty() {
        bail!(
            "--submissions {}: no student folders inside; put one copy of the course per folder",
            folder.display()
        );
    }
    let mut rows = Vec::new();
    for student in &students {
        let name = student
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!("━━ {name} ━━");
        let started = Instant::now();
        let grade = grader.grade(student, specs)?;
        print_grade(&grade);
        let json = args.json.as_ref().map(|d| d.join(format!("{name}.json")));
        let junit = args.junit.as_ref().map(|d| d.join(format!("{name}.xml")));
        let classroom = args
            .classroom
            .as_ref()
            .map(|d| d.join(format!("{name}.b64")));
        write_reports(
            &grade,
            json.as_deref(),
            junit.as_deref(),
            classroom.as_deref(),
        )?;
        rows.push((name, grade, started.elapsed()));
    }
    println!("━━ class ━━");
    println!(
        "{:<24} {:>9} {:>9} {:>9} {:>9}",
        "submission", "points", "build", "run", "total"
    );
    for (name, grade, took) in &rows {
        println!(
            "{name:<24} {:>9} {:>9} {:>9} {:>9}",
            format!(
                "{}/{}",
                report::fmt_points(grade.score()),
                report::fmt_points(grade.max_score())
            ),
            seconds(grade.build_time),
            seconds(grade.run_time),
            seconds(*took)
        );
    }
    Ok(())
}

fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn print_grade(grade: &Grade) {
    // Everything below quotes student output, so it is fenced against GitHub Actions' `::` commands.
    let mut text = report::table(grade);
    for test in grade.tests.iter().filter(|t| !t.passed && !t.hidden) {
        text.push_str(&format!(
            "\n── {} ──\n{}\n",
            test.name,
            report::cap(&test.output, 4096)
        ));
    }
    print!("{}", report::fence_for_ci(&text));
    println!("{}", course::sandbox::summary(&grade.protections));
}

fn write_reports(
    grade: &Grade,
    json: Option<&Path>,
    junit: Option<&Path>,
    classroom: Option<&Path>,
) -> anyhow::Result<()> {
    if let Some(path) = classroom {
        course::files::write_atomically(path, course::classroom::payload(grade).as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(&report::gradescope_json(grade))?;
        course::files::write_atomically(path, text.as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = junit {
        course::files::write_atomically(path, report::junit(grade)?.as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
