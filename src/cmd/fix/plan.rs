//! The plan step of `fix`: every file with findings fixed in memory, to a fixed point. Nothing
//! is written here; a fix that fails (a panic, no convergence, a result that would not
//! parse) becomes an error for its file.

use super::interactive::Interactive;
use crate::cli::FixArgs;
use crate::engine::{self, FileReport, Outcome, ScanError, Settings};
use crate::fix::{self, ApproveAll, FileFix};
use crate::parallel::parallel_map;
use std::sync::Arc;

/// One file's fix, with the report it was planned from.
pub(super) struct Planned<'a> {
    pub fix: FileFix,
    pub report: &'a Arc<FileReport>,
}

impl Planned<'_> {
    pub fn changed(&self) -> bool {
        self.fix.changed()
    }

    /// The name the file is shown under.
    pub fn shown_path(&self) -> &str {
        &self.report.file.display_path
    }
}

pub(super) struct Plan<'a> {
    /// One per file with findings, in the report's order.
    pub files: Vec<Planned<'a>>,
    /// The scan's errors, then each file's fix errors and refused fixes.
    pub errors: Vec<ScanError>,
}

impl Plan<'_> {
    pub fn changed(&self) -> impl Iterator<Item = &Planned<'_>> {
        self.files.iter().filter(|p| p.changed())
    }
}

/// Fixes every reported file in memory: in parallel, except when a person answers for each
/// fix (`--interactive`), which goes file by file.
pub(super) fn plan<'a>(
    args: &FixArgs,
    settings: &Settings,
    threads: usize,
    interactive: Option<&mut Interactive>,
    outcome: &'a Outcome,
) -> Plan<'a> {
    let reports = &outcome.reports;
    let fixes: Vec<FileFix> = match interactive {
        Some(person) => reports
            .iter()
            .map(|r| {
                contained_fix(|| {
                    fix::fix_file(&r.file, Some(r), settings, args.unsafe_fixes, person)
                })
            })
            .collect(),
        None => parallel_map(reports, threads, |r| {
            contained_fix(|| {
                fix::fix_file(
                    &r.file,
                    Some(r),
                    settings,
                    args.unsafe_fixes,
                    &mut ApproveAll,
                )
            })
        }),
    };
    let mut errors = outcome.errors.clone();
    for (fix, r) in fixes.iter().zip(reports) {
        let path = &r.file.display_path;
        if let Some(e) = &fix.error {
            errors.push(ScanError {
                path: path.clone(),
                message: e.clone(),
            });
        }
        errors.extend(fix.refused.iter().map(|refused| ScanError {
            path: path.clone(),
            message: format!("fix refused: {refused}"),
        }));
    }
    let files = fixes
        .into_iter()
        .zip(reports)
        .map(|(fix, report)| Planned { fix, report })
        .collect();
    Plan { files, errors }
}

/// Fixes one file; a panic becomes that file's error and nothing is written for it.
fn contained_fix(work: impl FnOnce() -> FileFix) -> FileFix {
    engine::contained(work).unwrap_or_else(FileFix::failed)
}
