//! Hostile submissions, one per attack, at build time and at run time: the grader survives and grades only their own lesson down.
//!
//! Every test grades the attacking lesson (lesson-thread) beside an honest one
//! (lesson-threads-and-processes) and checks the same things: the grader exits normally and
//! writes its own report; the attacking lesson fails and the other passes; nothing
//! of the grader's checkout appears in the report; no connection reaches a listener
//! the test opened; no process is left running; the report names the protections.
//! The tests run as root, so the programs run as uid 65534; the engine-level tests
//! at the end check that, and the CPU and memory limits, without a build.

use std::io::ErrorKind;
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use course::runner::{Ending, RunOptions, run};
use course::spec::Limits;
use serde_json::Value;

use crate::grade::{Submission, grade_target_dir};
use crate::support;

const ATTACKER: &str = "lesson-thread";
// A lesson whose spec has no timing rule, so a loaded machine cannot fail it.
const BYSTANDER: &str = "lesson-threads-and-processes";
const ATTACKER_MAIN: &str = "lessons/02-thread/src/main.rs";

/// A submission whose lesson-thread runs `attack()` first thing, as a student would write it.
fn attacking(attack: &str) -> Submission {
    let s = Submission::new().edit(ATTACKER_MAIN, "fn main() {", "fn main() {\n    attack();");
    append(&s, ATTACKER_MAIN, attack);
    s
}

fn append(s: &Submission, file: &str, text: &str) {
    let path = s.path().join(file);
    let mut all = std::fs::read_to_string(&path).unwrap();
    all.push_str(text);
    std::fs::write(path, all).unwrap();
}

/// The grader's checkout, as a Rust string literal for attack code.
fn root_literal() -> String {
    format!("{:?}", support::root().display().to_string())
}

/// Lines of the grader's checkout that no report may ever show: a spec's first line
/// (a comment, never quoted by an explanation) and a reference solution's.
fn canaries() -> Vec<String> {
    let first_line = |file: &str| {
        std::fs::read_to_string(support::root().join(file))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned()
    };
    vec![
        first_line("lessons/02-thread/expect.toml"),
        first_line("solutions/01a-shared-list/main.rs"),
    ]
}

/// What one grading run left behind.
struct Outcome {
    stdout: String,
    json: Value,
    junit: String,
    /// GitHub Classroom's payload, decoded.
    classroom: Value,
}

impl Outcome {
    fn test(&self, name: &str) -> &Value {
        self.json["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no test {name} in {}", self.json))
    }

    fn text(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}",
            self.stdout, self.json, self.junit, self.classroom
        )
    }

    /// The attacking lesson got no point (a failed build or failed cases) and says `why`.
    fn assert_attacker_failed(&self, why: &str) {
        let tests: Vec<&Value> = self.json["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| {
                t["name"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{ATTACKER}:"))
            })
            .collect();
        assert!(!tests.is_empty(), "{}", self.json);
        for t in &tests {
            assert_eq!(t["status"], "failed", "{t}");
            assert_eq!(t["score"], 0.0, "{t}");
        }
        assert!(
            tests
                .iter()
                .any(|t| t["output"].as_str().unwrap().contains(why)),
            "expected {why:?} in {tests:?}"
        );
    }

    fn assert_passed(&self, name: &str) {
        let t = self.test(name);
        assert_eq!(t["status"], "passed", "{t}");
    }
}

/// Grades `lessons` of `s` with a listener open, and checks what must hold whatever the attack.
fn grade_hostile(s: &Submission, lessons: &[&str], env: &[(&str, &str)]) -> Outcome {
    grade_hostile_in(&grade_target_dir(), s, lessons, env)
}

/// [`grade_hostile`], building in `target`.
fn grade_hostile_in(
    target: &Path,
    s: &Submission,
    lessons: &[&str],
    env: &[(&str, &str)],
) -> Outcome {
    let reports = tempfile::tempdir().unwrap();
    let json = reports.path().join("results.json");
    let junit = reports.path().join("junit.xml");
    let classroom = reports.path().join("classroom.b64");
    let marker = support::unique_marker();
    let mut command = Command::new(support::binary("xtask"));
    command
        .env("COURSE_TEST_MARKER", &marker)
        .envs(env.iter().copied())
        .arg("grade")
        .args(lessons)
        .arg("--submission")
        .arg(s.path())
        .arg("--json")
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .arg("--classroom")
        .arg(&classroom)
        .arg("--target-dir")
        .arg(target)
        .timeout(Duration::from_secs(900));
    // The grader survives: it exits by itself, with success, whatever the program did.
    let out = command.assert().success().get_output().clone();
    assert_eq!(
        support::processes_with_env(&marker),
        Vec::<i32>::new(),
        "grading left a process behind"
    );
    let text = std::fs::read_to_string(&json).expect("the grader wrote its report");
    let json: Value = serde_json::from_str(&text).expect("results.json is the grader's JSON");
    let junit = std::fs::read_to_string(&junit).expect("the grader wrote its JUnit report");
    roxmltree::Document::parse(&junit).expect("junit.xml is well-formed");
    // Its own report: every lesson asked for is in it, the score is within the maximum.
    for lesson in lessons {
        assert!(
            json["tests"].as_array().unwrap().iter().any(|t| t["name"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{lesson}:"))),
            "{lesson} missing from {json}"
        );
    }
    assert!(json["score"].as_f64().unwrap() <= json["max_score"].as_f64().unwrap());
    // GitHub Classroom's payload: the same points, and no line that is a workflow command.
    let payload = std::fs::read_to_string(&classroom).expect("the grader wrote the payload");
    let decoded = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &payload)
        .expect("the payload is base64");
    let classroom: Value = serde_json::from_slice(&decoded).expect("the payload is JSON");
    let points: f64 = classroom["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_f64().unwrap())
        .sum();
    let visible: f64 = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["visibility"] != "hidden")
        .map(|t| t["score"].as_f64().unwrap())
        .sum();
    assert_eq!(points, visible, "{classroom}");
    assert!(
        !String::from_utf8_lossy(&decoded).contains("::"),
        "{classroom}"
    );
    let outcome = Outcome {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        json,
        junit,
        classroom,
    };
    // Nothing of the grader's checkout reached the report.
    for canary in canaries() {
        assert!(
            !outcome.text().contains(&canary),
            "the report shows the grader's {canary:?}"
        );
    }
    // The report and the console name the protections.
    let output = outcome.json["output"].as_str().unwrap();
    assert!(output.contains("sandbox: filesystem"), "{output}");
    assert!(outcome.stdout.contains("sandbox: "), "{}", outcome.stdout);
    assert!(
        outcome.junit.contains("sandbox.filesystem"),
        "{}",
        outcome.junit
    );
    outcome
}

/// A listener on loopback that must see no connection.
fn listener() -> TcpListener {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    listener
}

fn assert_no_connection(listener: &TcpListener) {
    match listener.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        other => panic!("a connection reached the listener: {other:?}"),
    }
}

// ---- run time -----------------------------------------------------------------------

#[test]
fn a_program_cannot_forge_the_report_or_kill_the_grader() {
    // It finds the report on an ancestor's command line, overwrites it with a full
    // score and kills every ancestor with SIGKILL, then prints what happened.
    let s = attacking(
        r##"
fn attack() {
    let fake = r#"{"score": 1000, "max_score": 1, "tests": []}"#;
    let mut pid = std::os::unix::process::parent_id();
    let mut log = Vec::new();
    while pid > 1 {
        let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let args: Vec<String> = cmd.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        for pair in args.windows(2) {
            if pair[0] == "--json" || pair[0] == "--junit" {
                log.push(format!("forge {}: {:?}", pair[1], std::fs::write(&pair[1], fake)));
            }
        }
        let killed = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
        log.push(format!("kill {pid}: {killed:?}"));
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        pid = stat.rsplit(')').next().and_then(|r| r.split_whitespace().nth(1)).and_then(|p| p.parse().ok()).unwrap_or(1);
    }
    for line in log {
        println!("{line}");
    }
}
"##,
    );
    let net = listener();
    let g = grade_hostile(&s, &[ATTACKER, BYSTANDER], &[]);
    g.assert_attacker_failed("forge");
    g.assert_passed(&format!("{BYSTANDER}: default"));
    assert_ne!(g.json["score"], 1000, "{}", g.json);
    assert_no_connection(&net);
}

#[test]
fn a_program_cannot_read_the_graders_checkout() {
    // Through every ancestor's working directory and root, and by absolute path.
    let s = attacking(&format!(
        r#"
fn attack() {{
    let root = {root};
    let mut paths = vec![
        format!("{{root}}/lessons/02-thread/expect.toml"),
        format!("{{root}}/solutions/01a-shared-list/main.rs"),
    ];
    let mut pid = std::os::unix::process::parent_id();
    while pid > 1 {{
        paths.push(format!("/proc/{{pid}}/cwd/lessons/02-thread/expect.toml"));
        paths.push(format!("/proc/{{pid}}/root{{root}}/lessons/02-thread/expect.toml"));
        let stat = std::fs::read_to_string(format!("/proc/{{pid}}/stat")).unwrap_or_default();
        pid = stat.rsplit(')').next().and_then(|r| r.split_whitespace().nth(1)).and_then(|p| p.parse().ok()).unwrap_or(1);
    }}
    for path in paths {{
        match std::fs::read_to_string(&path) {{
            Ok(text) => println!("read {{path}}:\n{{text}}"),
            Err(e) => println!("cannot read {{path}}: {{e}}"),
        }}
    }}
    println!("{{:?}}", std::fs::read_dir(root).map(|d| d.count()));
}}
"#,
        root = root_literal()
    ));
    let g = grade_hostile(&s, &[ATTACKER, BYSTANDER], &[]);
    g.assert_attacker_failed("cannot read");
    g.assert_passed(&format!("{BYSTANDER}: default"));
}

#[test]
fn a_program_cannot_reach_the_network() {
    let net = listener();
    let port = net.local_addr().unwrap().port();
    let s = attacking(&format!(
        r#"
fn attack() {{
    println!("connect: {{:?}}", std::net::TcpStream::connect(("127.0.0.1", {port})));
    println!("bind: {{:?}}", std::net::TcpListener::bind(("127.0.0.1", 0)));
}}
"#
    ));
    let g = grade_hostile(&s, &[ATTACKER, BYSTANDER], &[]);
    g.assert_attacker_failed("connect: Err");
    g.assert_passed(&format!("{BYSTANDER}: default"));
    assert_no_connection(&net);
}

#[test]
fn a_daemon_that_leaves_the_session_does_not_outlive_grading() {
    let marker = format!("daemon-marker-{}", support::unique_marker());
    let s = attacking(&format!(
        r#"
fn attack() {{
    let script = "while :; do sleep 1; done # {marker}";
    std::process::Command::new("setsid").args(["-f", "sh", "-c", script]).status().unwrap();
    std::process::Command::new("sh").args(["-c", &format!("(setsid sh -c '{{script}}' &) &")]).status().unwrap();
}}
"#
    ));
    let g = grade_hostile(&s, &[ATTACKER, BYSTANDER], &[]);
    g.assert_attacker_failed("left");
    g.assert_passed(&format!("{BYSTANDER}: default"));
    assert_eq!(
        support::processes_mentioning(&marker),
        Vec::<i32>::new(),
        "the daemon outlived grading"
    );
}

#[test]
fn a_memory_flood_is_stopped_by_the_memory_limit() {
    let s = attacking(
        r#"
fn attack() {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(vec![0u8; 256 << 20]);
    }
}
"#,
    );
    let g = grade_hostile(&s, &[ATTACKER, BYSTANDER], &[]);
    g.assert_attacker_failed("memory allocation");
    g.assert_passed(&format!("{BYSTANDER}: default"));
}

// ---- build time ---------------------------------------------------------------------

#[test]
fn include_str_and_path_cannot_read_the_graders_checkout() {
    let root = root_literal();
    let s = attacking(&format!(
        r#"
const SPEC: &str = include_str!(concat!({root}, "/lessons/02-thread/expect.toml"));
#[path = "{}/solutions/01a-shared-list/main.rs"]
mod solution;
fn attack() {{
    println!("{{SPEC}}");
}}
"#,
        support::root().display()
    ));
    let g = grade_hostile(&s, &[ATTACKER, BYSTANDER], &[]);
    g.assert_attacker_failed("does not compile");
    g.assert_passed(&format!("{BYSTANDER}: default"));
}

#[test]
fn a_build_script_never_runs() {
    // A build script that would hang grading for an hour, phone home and leave a
    // proof that it ran. The grader's manifest turns build scripts off, so the
    // lesson's (correct) code is graded as if it were not there.
    let net = listener();
    let port = net.local_addr().unwrap().port();
    let proof = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        proof.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let ran = proof.path().join("build-script-ran");
    let s = Submission::new();
    std::fs::write(
        s.path().join("lessons/01-threads-and-processes/build.rs"),
        format!(
            r#"fn main() {{
    std::fs::write({ran:?}, "ran").unwrap();
    let _ = std::net::TcpStream::connect(("127.0.0.1", {port}));
    std::thread::sleep(std::time::Duration::from_secs(3600));
}}
"#
        ),
    )
    .unwrap();
    // The student's manifest asks for it, and for a dependency of their own: neither counts.
    let manifest = s.path().join("lessons/01-threads-and-processes/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("[package]\n", "[package]\nbuild = \"build.rs\"\n")
            + "\n[build-dependencies]\nlibc = \"0.2\"\n",
    )
    .unwrap();
    // It sits in the lesson without timing rules, whose (correct) code must pass.
    let g = grade_hostile(&s, &[BYSTANDER], &[]);
    assert!(!ran.exists(), "the build script ran");
    assert_no_connection(&net);
    g.assert_passed(&format!("{BYSTANDER}: default"));
}

#[test]
fn a_build_that_hangs_is_stopped_at_its_time_limit() {
    // No build script needed: rustc itself evaluates this constant for ever.
    let s = attacking(
        r#"
#[allow(long_running_const_eval)]
const FOREVER: u64 = {
    let mut i = 0u64;
    loop {
        i = i.wrapping_add(1);
        if i == 0 {
            break i;
        }
    }
};
fn attack() {
    println!("{FOREVER}");
}
"#,
    );
    let g = grade_hostile_in(
        // A target dir of its own: its build lock is held while the build hangs, and every
        // other test's grade in the shared dir would wait that long for its own build.
        &support::target_dir("it-hang"),
        &s,
        &[ATTACKER, BYSTANDER],
        // The limit is paid twice (the batch, then the lesson alone, so a lesson the batch
        // never reached gets a build of its own) and rustc spins a core all the while.
        &[("COURSE_BUILD_TIMEOUT", "10")],
    );
    g.assert_attacker_failed("time limit");
    g.assert_passed(&format!("{BYSTANDER}: default"));
}

// ---- missing protections and class grading -----------------------------------------

#[test]
fn without_landlock_grading_works_and_says_what_was_missing() {
    let s = Submission::new();
    let g = grade_hostile_without_landlock(&s);
    let output = g["output"].as_str().unwrap();
    assert!(output.contains("MISSING: filesystem"), "{output}");
    assert!(output.contains("network ("), "{output}");
}

fn grade_hostile_without_landlock(s: &Submission) -> Value {
    let reports = tempfile::tempdir().unwrap();
    let json = reports.path().join("results.json");
    let out = Command::new(support::binary("xtask"))
        .env("COURSE_SANDBOX_NO_LANDLOCK", "1")
        .args(["grade", BYSTANDER, "--submission"])
        .arg(s.path())
        .arg("--json")
        .arg(&json)
        .arg("--target-dir")
        .arg(grade_target_dir())
        .timeout(Duration::from_secs(900))
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("MISSING: filesystem"), "{stdout}");
    let json: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(json["score"], json["max_score"], "{json}");
    json
}

#[test]
fn a_dependency_changed_between_students_is_restored_and_nothing_of_theirs_stays() {
    // A target dir of its own, so no other test's grading restores the file first.
    let target = support::target_dir("it-sandbox-deps");
    let s = Submission::new();
    let grade = || {
        Command::new(support::binary("xtask"))
            .args(["grade", "lesson-asyncio", "--submission"])
            .arg(s.path())
            .arg("--target-dir")
            .arg(&target)
            .timeout(Duration::from_secs(900))
            .assert()
            .success()
            .get_output()
            .clone()
    };
    // The first grade builds and records the dependencies; then one is damaged, as a
    // hostile build in the shared target dir might.
    grade();
    // Nothing of this student's compiled work is left for the next one's build to read.
    assert!(!target.join("debug/lesson-asyncio").exists());
    let leftovers: Vec<_> = std::fs::read_dir(target.join("debug/deps"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("lesson_asyncio"))
        .map(|e| e.path())
        .collect();
    assert_eq!(leftovers, Vec::<std::path::PathBuf>::new());
    let private = course::stage::Private::for_target(&target).unwrap();
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(private.dir.join("deps.json")).unwrap())
            .unwrap();
    let victim = record["files"]
        .as_object()
        .unwrap()
        .keys()
        .find(|p| p.contains("libtokio-") && p.ends_with(".rlib"))
        .expect("tokio is a recorded dependency")
        .clone();
    let before = std::fs::read(&victim).unwrap();
    std::fs::write(&victim, b"replaced by another student's build").unwrap();
    let out = grade();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("were restored"), "{stderr}");
    assert_eq!(std::fs::read(&victim).unwrap(), before);
    assert!(String::from_utf8_lossy(&out.stdout).contains("total  "));
}

// ---- the engine: limits and the uid, without a build ---------------------------------

fn sandboxed(script: &str, limits: Limits) -> course::Run {
    course::sandbox::set_launcher(
        support::binary("xtask").to_owned(),
        vec!["__sandbox".into()],
    );
    let mut options = RunOptions::new("/bin/sh");
    options.args = vec!["-c".into(), script.into()];
    options.timeout = Duration::from_secs(60);
    options.limits = Some(limits);
    run(&options)
}

const LIMITS: Limits = course::spec::DEFAULT_LIMITS;

#[test]
fn programs_run_as_nobody_when_the_grader_is_root() {
    let run = sandboxed("id -u; id -g", LIMITS);
    if course::sandbox::is_root() {
        assert_eq!(run.stdout(), "65534\n65534\n", "{run:?}");
    } else {
        let me = std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m));
        assert_eq!(
            run.stdout().lines().next(),
            Some(me.unwrap().to_string().as_str())
        );
    }
}

#[test]
fn the_cpu_limit_stops_a_busy_loop() {
    let run = sandboxed(
        "while :; do :; done",
        Limits {
            max_cpu_seconds: 1,
            ..LIMITS
        },
    );
    // SIGXCPU is 24 on Linux.
    assert_eq!(run.ending, Ending::Signalled(24), "{run:?}");
}

#[test]
fn the_memory_limit_stops_an_allocation() {
    // 600 MB of address space for a program allowed 100 MB.
    let run = sandboxed(
        "exec python3 -c 'b = bytearray(600 * 1024 * 1024); print(len(b))'",
        Limits {
            max_memory_mb: 100,
            ..LIMITS
        },
    );
    assert!(run.stderr().contains("MemoryError"), "{run:?}");
    assert_ne!(run.ending, Ending::Exited(0));
}

#[test]
fn an_orphan_in_its_own_session_is_charged_to_its_run_and_killed() {
    let marker = format!("orphan-{}", support::unique_marker());
    let run = sandboxed(
        &format!("setsid -f sh -c 'while :; do sleep 1; done # {marker}'; echo started"),
        LIMITS,
    );
    assert_eq!(run.ending, Ending::Exited(0));
    // The shell and its sleep, found although they left the process group and the session.
    assert!(run.left_running >= 1, "{run:?}");
    assert_eq!(support::processes_mentioning(&marker), Vec::<i32>::new());
}

#[test]
fn a_program_cannot_signal_the_grader() {
    let run = sandboxed(
        &format!("kill -TERM {}; echo $?", std::process::id()),
        LIMITS,
    );
    assert_ne!(run.stdout(), "0\n", "{run:?}");
}

#[test]
fn a_process_flood_is_stopped_and_leaves_nothing() {
    let marker = format!("flood-{}", support::unique_marker());
    let run = sandboxed(
        &format!("for i in $(seq 400); do sh -c 'sleep 30 # {marker}' & done; wait"),
        LIMITS,
    );
    assert!(
        matches!(run.ending, Ending::TooManyProcesses(_)),
        "{:?}",
        run.ending
    );
    assert_eq!(support::processes_mentioning(&marker), Vec::<i32>::new());
}

#[test]
fn a_thread_flood_is_stopped_by_the_task_limit() {
    // RLIMIT_NPROC counts threads; as uid 65534 it applies even when the grader is root.
    let run = sandboxed(
        "exec python3 -c 'import threading, time\n\
         for i in range(20000): threading.Thread(target=time.sleep, args=(30,), daemon=True).start()'",
        // Address space enough for every stack, so only the task limit can stop it.
        Limits {
            max_memory_mb: 1 << 20,
            ..LIMITS
        },
    );
    assert!(run.stderr().contains("can't start new thread"), "{run:?}");
    assert_ne!(run.ending, Ending::TimedOut, "{run:?}");
    assert_ne!(run.ending, Ending::Exited(0), "{:?}", run.ending);
    assert!(
        run.peak_threads <= course::sandbox::TASKS_PER_RUN as usize + 64,
        "{} threads",
        run.peak_threads
    );
}

#[test]
fn the_launcher_is_not_counted_as_the_programs() {
    // A shell and its sleep: two processes and two threads, whatever runs them.
    let run = sandboxed("sleep 0.5; echo done", LIMITS);
    assert_eq!(run.stdout(), "done\n");
    assert_eq!((run.peak_processes, run.peak_threads), (2, 2), "{run:?}");
}

#[test]
fn a_program_writes_only_its_scratch_dir() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        outside.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let target = outside.path().join("written");
    let run = sandboxed(
        &format!(
            "echo x > {}; echo scratch > \"$TMPDIR/mine\" && cat \"$TMPDIR/mine\"",
            target.display()
        ),
        LIMITS,
    );
    assert!(!Path::new(&target).exists(), "{run:?}");
    assert!(run.stdout().contains("scratch"), "{run:?}");
}

// ---- Gradescope, for real --------------------------------------------------------------

/// Copies `from` into `to` (no target/ or .git), as the autograder zip would hold it.
fn copy_course_into(to: &Path) {
    let copy = support::copy_of_course();
    std::fs::rename(copy.path(), to)
        .or_else(|_| {
            std::process::Command::new("cp")
                .arg("-a")
                .arg(copy.path())
                .arg(to)
                .status()
                .map(|_| ())
        })
        .unwrap();
}

#[test]
fn gradescope_reads_back_the_graders_own_results() {
    // Gradescope runs setup.sh and run_autograder as root with /autograder laid out;
    // here that layout is bind-mounted at /autograder in a private mount namespace.
    if !course::sandbox::is_root() {
        eprintln!("skipped: Gradescope runs as root, and so must this test");
        return;
    }
    // setup.sh compiles the grader into the copies' shared target dir, where the other
    // copies of the course have compiled its dependencies already: this test's turn at the
    // copies' lock is taken before its copy is made (see `support::copies_lock`).
    let _one = support::copies_lock();
    let layout = tempfile::tempdir().unwrap();
    let ag = layout.path();
    std::fs::create_dir_all(ag.join("source")).unwrap();
    copy_course_into(&ag.join("source/course"));
    for script in ["setup.sh", "run_autograder"] {
        std::fs::copy(
            support::root().join("docs/grading/gradescope").join(script),
            ag.join("source").join(script),
        )
        .unwrap();
    }
    // The hostile submission writes the results file Gradescope reads, directly (the
    // 2019 attack), then kills every ancestor.
    let s = attacking(
        r##"
fn attack() {
    let fake = r#"{"score": 1000, "tests": []}"#;
    println!("forge: {:?}", std::fs::write("/autograder/results/results.json", fake));
    println!("source: {:?}", std::fs::read_dir("/autograder/source").map(|d| d.count()));
    let mut pid = std::os::unix::process::parent_id();
    while pid > 1 {
        let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        pid = stat.rsplit(')').next().and_then(|r| r.split_whitespace().nth(1)).and_then(|p| p.parse().ok()).unwrap_or(1);
    }
}
"##,
    );
    std::process::Command::new("cp")
        .arg("-a")
        .arg(s.path())
        .arg(ag.join("submission"))
        .status()
        .unwrap();
    // The student handed in only the two lessons of this test: the others are graded as
    // missing, which costs no build and no run (this test's business is the results file,
    // and the other tests grade whole copies).
    for lesson in support::lessons() {
        if ![ATTACKER, BYSTANDER].contains(&lesson.name.as_str()) {
            std::fs::remove_dir_all(ag.join("submission/lessons").join(lesson.folder())).unwrap();
        }
    }
    std::fs::create_dir_all(ag.join("results")).unwrap();
    // A target dir kept between test runs, seeded with the compiled dependencies, stands in
    // for the image setup.sh built.
    let warm = support::target_dir("it-gradescope");
    std::fs::create_dir_all(ag.join("target")).unwrap();
    // The mount point; the layout itself is mounted only in the test's namespace.
    let made_mount_point = std::fs::create_dir("/autograder").is_ok();
    let script = format!(
        "set -e; mount --bind {layout} /autograder; mount --bind {target} /autograder/target; \
         bash /autograder/source/setup.sh; bash /autograder/source/run_autograder",
        layout = ag.display(),
        target = warm.display(),
    );
    let marker = support::unique_marker();
    Command::new("unshare")
        .args(["--mount", "--propagation", "private", "bash", "-c", &script])
        .env("COURSE_TEST_MARKER", &marker)
        // The grader's own build: it shares the other copies' compiled dependencies.
        .env("CARGO_TARGET_DIR", support::copies_target_dir())
        .timeout(Duration::from_secs(1800))
        .assert()
        .success();
    if made_mount_point {
        let _ = std::fs::remove_dir("/autograder");
    }
    assert_eq!(support::processes_with_env(&marker), Vec::<i32>::new());
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(ag.join("results/results.json")).expect("results.json"),
    )
    .expect("Gradescope reads JSON");
    assert_ne!(json["score"], 1000, "{json}");
    let tests = json["tests"].as_array().unwrap();
    for lesson in support::lessons() {
        assert!(
            tests.iter().any(|t| t["name"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{}: ", lesson.name))),
            "every lesson is graded, {} too: {json}",
            lesson.name
        );
    }
    for t in tests {
        let name = t["name"].as_str().unwrap();
        if name.starts_with(&format!("{ATTACKER}:")) {
            assert_eq!(t["status"], "failed", "{t}");
        }
        // The other lesson handed in, which has no timing rules, must pass.
        if name.starts_with(&format!("{BYSTANDER}:")) {
            assert_eq!(t["status"], "passed", "{t}");
        }
    }
    assert!(
        json["output"]
            .as_str()
            .unwrap()
            .contains("sandbox: filesystem")
    );
    for canary in canaries() {
        assert!(!json.to_string().contains(&canary));
    }
}

#[test]
fn a_grader_that_is_not_root_still_confines_the_program() {
    // Landlock needs no privilege: the launcher started as uid 65534 (as a grader run by
    // an ordinary user would be) still keeps the program to its scratch dir, off the
    // network, and kills what it leaves behind.
    if !course::sandbox::is_root() {
        eprintln!("skipped: needs root to start the launcher as another user");
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    for dir in [scratch.path(), outside.path()] {
        std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    }
    let net = listener();
    let port = net.local_addr().unwrap().port();
    let marker = format!("unprivileged-{}", support::unique_marker());
    let mut write = course::sandbox::system_writes();
    write.push(scratch.path().to_owned());
    let policy = course::sandbox::Policy {
        read: course::sandbox::system_reads(),
        write,
        landlock: true,
        timeout_ms: Some(60_000),
        ..Default::default()
    };
    let script = format!(
        "id -u; echo x > {outside}/written; echo mine > {scratch}/mine && echo wrote-scratch; \
         python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", {port}))' 2>/dev/null || echo no-network; \
         setsid -f sh -c 'while :; do sleep 1; done # {marker}'; exit 3",
        outside = outside.path().display(),
        scratch = scratch.path().display(),
    );
    let out = Command::new("setpriv")
        .args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
        .arg(support::binary("xtask"))
        .arg("__sandbox")
        .arg(serde_json::to_string(&policy).unwrap())
        .args(["/bin/sh", "-c", &script])
        .timeout(Duration::from_secs(120))
        .assert()
        .code(3)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout, "65534\nwrote-scratch\nno-network\n", "{out:?}");
    assert!(!outside.path().join("written").exists());
    assert_no_connection(&net);
    assert_eq!(support::processes_mentioning(&marker), Vec::<i32>::new());
}
