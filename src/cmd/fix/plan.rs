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
    named_outside: fix::across::NamedOutside,
) -> Plan<'a> {
    let reports = &outcome.reports;
    // A person answers for each fix on its own: a fix across files is not offered then.
    let across_files = args.unsafe_fixes
        && interactive.is_none()
        && settings
            .rules
            .base_urls
            .as_ref()
            .is_some_and(|p| p.whole_repository);
    let mut fixes: Vec<FileFix> = match interactive {
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
    if across_files && let Err(e) = fix_across_files(&mut fixes, reports, settings, named_outside) {
        errors.push(ScanError {
            path: "(fixes across files)".into(),
            message: format!("not planned, every file is fixed on its own: {e}"),
        });
    }
    for (fix, r) in fixes.iter().zip(reports) {
        let path = &r.file.display_path;
        if let Some(e) = &fix.error {
            errors.push(ScanError {
                path: path.clone(),
                message: e.clone(),
            });
        }
        errors.extend(counted(&fix.refused).map(|(refused, n)| ScanError {
            path: path.clone(),
            message: match n {
                1 => format!("fix refused: {refused}"),
                n => format!("fix refused for {n} findings: {refused}"),
            },
        }));
    }
    let files = fixes
        .into_iter()
        .zip(reports)
        .map(|(fix, report)| Planned { fix, report })
        .collect();
    Plan { files, errors }
}

/// Adds the fixes that span files (`fix::across`) to the per-file fixes; a panic while they
/// are planned leaves the per-file fixes as they are.
fn fix_across_files(
    fixes: &mut [FileFix],
    reports: &[Arc<FileReport>],
    settings: &Settings,
    named_outside: fix::across::NamedOutside,
) -> Result<(), String> {
    let changes = {
        let current: Vec<fix::across::Current> = fixes
            .iter()
            .zip(reports)
            .map(|(f, r)| fix::across::Current {
                file: &r.file,
                text: f.fixed().unwrap_or(&r.file.bytes),
                diagnostics: &f.remaining.as_deref().unwrap_or(r).diagnostics,
                usable: f.error.is_none() && !r.file.stream,
            })
            .collect();
        engine::contained(|| fix::across::plan(&current, settings, named_outside))?
    };
    // Every file's part first: a panic in one leaves all of them as they were.
    let parts = engine::contained(|| {
        changes
            .iter()
            .map(|c| {
                let r = &reports[c.file];
                fixes[c.file].across(&r.file, r, c, settings)
            })
            .collect::<Vec<_>>()
    })?;
    for (change, part) in changes.iter().zip(parts) {
        fixes[change.file].amend(part);
    }
    Ok(())
}

/// Each distinct line of `lines` with how often it occurs, in order of first occurrence:
/// a file of thousands of like requests whose fixes are refused for one reason gets one
/// error, not thousands.
fn counted(lines: &[String]) -> impl Iterator<Item = (&str, usize)> {
    let mut order: Vec<(&str, usize)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for line in lines {
        match index.get(line.as_str()) {
            Some(&i) => order[i].1 += 1,
            None => {
                index.insert(line, order.len());
                order.push((line, 1));
            }
        }
    }
    order.into_iter()
}

/// Fixes one file; a panic becomes that file's error and nothing is written for it.
fn contained_fix(work: impl FnOnce() -> FileFix) -> FileFix {
    engine::contained(work).unwrap_or_else(FileFix::failed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_refusals_are_counted_once_in_order_of_first_occurrence() {
        let lines: Vec<String> = ["b", "a", "b", "b", "c"].map(String::from).into();
        let counted: Vec<_> = super::counted(&lines).collect();
        assert_eq!(counted, [("b", 3), ("a", 1), ("c", 1)]);
    }
}
