//! The summarise step of `fix`: what is left after the writes (with the baseline applied, as
//! `check` applies it), the summary line, the report of what needs a manual change, the
//! Markdown migration report, and the exit status.

use super::plan::Planned;
use super::write::Writes;
use super::{plural, verb_s};
use crate::engine::{Outcome, ScanError, Settings};
use std::io::Write;

/// What `check` would report after the fix: the fixed files' remaining findings and the
/// findings of files left as they were. Of a file whose write `failed`, only the findings
/// with no fix at all: its fixes exist and were not written (they are counted, and the
/// cause is among the errors), and those others still need a person.
pub(super) fn what_remains<'a>(
    scanned: &Outcome,
    fixed: impl IntoIterator<Item = &'a Planned<'a>>,
    untouched: impl IntoIterator<Item = &'a Planned<'a>>,
    failed: impl IntoIterator<Item = &'a Planned<'a>>,
    mut errors: Vec<ScanError>,
) -> Outcome {
    let mut reports: Vec<_> = fixed
        .into_iter()
        .filter_map(|p| p.fix.remaining.clone())
        // An untouched file's findings may be settled by a fix in another file (`across`).
        .chain(
            untouched
                .into_iter()
                .map(|p| p.fix.remaining.clone().unwrap_or_else(|| p.report.clone())),
        )
        .chain(failed.into_iter().filter_map(|p| {
            let manual: Vec<_> = (p.report.diagnostics.iter())
                .filter(|d| d.fix.is_none())
                .cloned()
                .collect();
            (!manual.is_empty()).then(|| {
                std::sync::Arc::new(crate::engine::FileReport {
                    diagnostics: manual,
                    tree: None,
                    verdicts: Vec::new(),
                    ..(**p.report).clone()
                })
            })
        }))
        .collect();
    reports.sort_by(|a, b| a.file.display_path.cmp(&b.file.display_path));
    errors.sort();
    Outcome {
        reports,
        errors,
        files_scanned: scanned.files_scanned,
        skipped: scanned.skipped.clone(),
        own_outputs: scanned.own_outputs.clone(),
        ..Outcome::default()
    }
}

/// What is left for later runs or a person: findings for a manual change, and fixes that
/// need a flag.
pub(super) struct Left {
    pub manual: usize,
    /// Fixes only `--unsafe-fixes` applies (0 when it was given).
    pub unsafe_fixes: usize,
    /// Fixes that need `--region`.
    pub need_region: usize,
}

impl Left {
    pub fn of(remaining: &Outcome, unsafe_given: bool, settings: &Settings) -> Left {
        Left {
            manual: remaining.diagnostic_count(),
            unsafe_fixes: if unsafe_given {
                0
            } else {
                crate::report::unsafe_fix_count(remaining)
            },
            need_region: crate::cmd::hints::fixes_needing_region(remaining, settings),
        }
    }

    /// `; K need manual changes[; N more fixes with `--unsafe-fixes`][; M host fixes need `--region`]`.
    fn tail(&self) -> String {
        let mut tail = format!(
            "; {} need{} manual changes",
            self.manual,
            verb_s(self.manual)
        );
        for note in crate::report::more_fixes(self.unsafe_fixes, self.need_region) {
            tail += "; ";
            tail += &note;
        }
        tail
    }
}

/// `Would fix N findings in M files; K need manual changes…`, for `fix --diff`.
pub(super) fn would_fix_line(fixed: usize, files: usize, left: &Left) -> String {
    format!(
        "Would fix {fixed} finding{} in {files} file{}{}",
        plural(fixed),
        plural(files),
        left.tail()
    )
}

/// `fixed N findings in M files[; X fixes in Y files not written]; K need manual changes…`.
pub(super) fn summary_line(writes: &Writes, left: &Left) -> String {
    let fixed = writes.fixes_written();
    let files = writes.written.len();
    let mut line = format!(
        "fixed {fixed} finding{} in {files} file{}",
        plural(fixed),
        plural(files)
    );
    if !writes.failed.is_empty() {
        let failed = writes.fixes_failed();
        let failed_files = writes.failed.len();
        line += &format!(
            "; {failed} fix{} in {failed_files} file{} not written (errors below)",
            if failed == 1 { "" } else { "es" },
            plural(failed_files)
        );
    }
    line + &left.tail()
}

/// Printed when no region is known: hosts are then never rewritten.
pub(super) fn write_region_note(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "note: no region given: retired hosts are not rewritten; pass --region (au, ap, ap1, nz, us, it, education), set WHISPIR_REGION or `region` in whispir-migrate.toml"
    )
}
