//! Names the machine a run was measured on: cores, CPU model, memory, OS and toolchain.

use serde::Serialize;
use std::process::Command;

/// What a reader needs to know to compare their numbers with ours.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu_model: String,
    pub memory: String,
    pub os: String,
    pub kernel: String,
    pub rustc: String,
}

impl Machine {
    /// Reads the description from `/proc`, `/etc/os-release` and `rustc --version`.
    pub fn detect() -> Machine {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let os_release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| format!("{} {}", std::env::consts::OS, s.trim()))
            .unwrap_or_else(|_| std::env::consts::OS.to_string());
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
        let rustc = Command::new(rustc)
            .arg("--version")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "unknown".into());
        Machine {
            cores,
            cpu_model: cpu_model(&cpuinfo).unwrap_or_else(|| std::env::consts::ARCH.into()),
            memory: mem_total(&meminfo).unwrap_or_else(|| "unknown".into()),
            os: pretty_name(&os_release).unwrap_or_else(|| std::env::consts::OS.into()),
            kernel,
            rustc,
        }
    }

    /// One line, e.g. `2 cores, AMD EPYC, 23.4 GiB, Debian GNU/Linux 12 (bookworm)`.
    pub fn one_line(&self) -> String {
        format!(
            "{} cores, {}, {} RAM, {} ({})",
            self.cores, self.cpu_model, self.memory, self.os, self.kernel
        )
    }
}

/// The first `model name` of `/proc/cpuinfo`.
fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map(|(_, value)| value.trim().to_string())
}

/// `MemTotal` of `/proc/meminfo`, in GiB.
fn mem_total(meminfo: &str) -> Option<String> {
    let kib: f64 = meminfo
        .lines()
        .find(|line| line.starts_with("MemTotal:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(crate::stats::fmt_bytes(kib * 1024.0))
}

/// `PRETTY_NAME` of `/etc/os-release`, without its quotes.
fn pretty_name(os_release: &str) -> Option<String> {
    os_release
        .lines()
        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
        .map(|value| value.trim_matches('"').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cpu_model_memory_and_os() {
        let cpuinfo = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: x\n";
        assert_eq!(cpu_model(cpuinfo).as_deref(), Some("AMD EPYC 7B13"));
        let meminfo = "MemTotal:       24576000 kB\nMemFree: 1 kB\n";
        assert_eq!(mem_total(meminfo).as_deref(), Some("23.4 GiB"));
        let os = "NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";
        assert_eq!(
            pretty_name(os).as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert_eq!(cpu_model(""), None);
    }
}
