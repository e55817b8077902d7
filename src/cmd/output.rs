//! Where the command layer writes: the report to `--output` or standard output, errors and
//! notes to standard error, and the one function that turns a run into an exit status.

use crate::ExitStatus;
use crate::engine::{Outcome, ScanError};
use crate::escape;
use anyhow::Context as _;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when standard output's reader closed it: the run then ends quietly.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// The end of a command's run: its results (every report, syntax tree and fixed text) are
/// left for the operating system to reclaim with the process. Freed one by one they cost
/// tens of milliseconds on a large run, after the output is already written.
pub(crate) fn end_of_run<T>(results: T) {
    std::mem::forget(results);
}

/// Whether a failed write to standard output was its reader going away (`check | head -1`).
pub(crate) fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// A failed write to standard output, noting a closed pipe.
pub(crate) fn stdout_error(e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
    anyhow::Error::new(e).context("writing to standard output")
}

/// Writes to standard output as `write` produces it.
pub(crate) fn to_stdout(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// Writes the report to `output` (`--output`) or standard output as `write` produces it: a
/// report can be many times larger than the files it describes (a finding on every line),
/// so it is never held whole in memory.
pub(crate) fn emit(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let Some(path) = output else {
        return to_stdout(write);
    };
    let context = || format!("writing report to {}", path.display());
    let file = std::fs::File::create(path).with_context(context)?;
    let mut out = std::io::BufWriter::new(file);
    write(&mut out)
        .and_then(|()| out.flush())
        .with_context(context)
}

/// `--verbose`: the paths passed over and why.
pub(crate) fn print_skipped(verbose: bool, outcome: &Outcome) {
    if verbose {
        for s in outcome.skipped.iter().chain(&outcome.own_outputs) {
            eprintln!(
                "skipped: {}: {}",
                escape::line(&s.path),
                escape::line(&s.message)
            );
        }
    }
}

/// I/O problems go to standard error in every format (JSON also lists them in `summary`).
pub(crate) fn print_errors(errors: &[ScanError]) {
    for e in errors {
        let path = if e.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", escape::line(&e.path))
        };
        eprintln!("error: {path}{}", escape::line(&e.message));
    }
}

/// What decides a `check` or `fix` run's exit status.
pub(crate) struct Verdict {
    /// Files that could not be read, scanned or written, and bad suppressions.
    pub errors: usize,
    /// Findings still reported (after fixes, suppressions and the baseline).
    pub remaining: usize,
    /// `--exit-zero`: remaining findings do not fail the run.
    pub exit_zero: bool,
    /// Changes that fail the run by themselves: `fix --diff` would change something, or
    /// `fix --exit-non-zero-on-fix` changed something.
    pub changes_fail: bool,
}

/// The one place a run becomes an exit status (SPEC: 0 clean, 1 findings remain or changes
/// to report, 2 an error — errors win over findings).
pub(crate) fn exit_status(v: &Verdict) -> ExitStatus {
    if v.errors > 0 {
        ExitStatus::Error
    } else if v.changes_fail || (v.remaining > 0 && !v.exit_zero) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }
}

pub(crate) use crate::report::{plural, verb_s};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_win_then_changes_then_findings_unless_exit_zero() {
        let v = |errors, remaining, exit_zero, changes_fail| Verdict {
            errors,
            remaining,
            exit_zero,
            changes_fail,
        };
        assert_eq!(exit_status(&v(1, 3, true, true)), ExitStatus::Error);
        assert_eq!(exit_status(&v(0, 0, true, true)), ExitStatus::Findings);
        assert_eq!(exit_status(&v(0, 2, false, false)), ExitStatus::Findings);
        assert_eq!(exit_status(&v(0, 2, true, false)), ExitStatus::Clean);
        assert_eq!(exit_status(&v(0, 0, false, false)), ExitStatus::Clean);
    }
}
