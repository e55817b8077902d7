//! The write step of `fix`: changed files are written atomically in the encoding they were
//! read in — only those git can restore, unless `--allow-dirty` — and `fix -` prints the
//! fixed text to standard output.

use super::plan::{Plan, Planned};
use crate::encoding::{Encoding, encode};
use crate::engine::{FileReport, ScanError};
use crate::parallel::parallel_map;
use crate::write::{WriteError, write_fixed};
use std::path::PathBuf;

/// What the write step did with each planned file.
#[derive(Default)]
pub(super) struct Writes<'a> {
    pub written: Vec<&'a Planned<'a>>,
    /// With the reason, as reported among the errors.
    pub failed: Vec<(&'a Planned<'a>, String)>,
    /// Not written: nothing changed, or a stream (a pipe, a device) that cannot be.
    pub unchanged: Vec<&'a Planned<'a>>,
}

impl Writes<'_> {
    pub fn fixes_written(&self) -> usize {
        self.written.iter().map(|p| p.fix.applied.len()).sum()
    }

    pub fn fixes_failed(&self) -> usize {
        self.failed.iter().map(|(p, _)| p.fix.applied.len()).sum()
    }
}

/// Git is the user's undo: the changed files it cannot restore, as an error listing them.
pub(super) fn ensure_undo(plan: &Plan) -> anyhow::Result<()> {
    let paths: Vec<PathBuf> = plan
        .changed()
        .filter(|p| !p.report.file.stream)
        .map(|p| p.report.file.path.clone())
        .collect();
    let refused = crate::vcs::files_without_undo(&paths).map_err(|e| {
        anyhow::anyhow!(
            "{}\nfix writes only what git can restore; pass --allow-dirty to write anyway",
            crate::escape::line(&e.to_string())
        )
    })?;
    if refused.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = refused
        .iter()
        .map(|(p, why)| {
            let p = p.display().to_string();
            format!("  {}: {why}", crate::escape::line(&p))
        })
        .collect();
    anyhow::bail!(
        "{} file{} to fix {} no undo in git:\n{}\ngit restores only committed files: commit them first, or pass --allow-dirty (alias --allow-no-vcs) to write anyway",
        refused.len(),
        super::plural(refused.len()),
        if refused.len() == 1 { "has" } else { "have" },
        list.join("\n")
    )
}

/// Writes every changed file (in parallel: each write syncs to disk, so I/O-bound); a write
/// that fails is added to `errors` and nothing else is affected.
pub(super) fn write_files<'a>(
    plan: &'a Plan<'a>,
    threads: usize,
    errors: &mut Vec<ScanError>,
) -> Writes<'a> {
    let write_threads = if threads == 0 { 8 } else { threads };
    let results = parallel_map(&plan.files, write_threads, |p| {
        // A stream (a FIFO, a device) was read once; there is nothing to write back to.
        let fixed = p.fix.fixed().filter(|_| !p.report.file.stream);
        fixed.map(|fixed| write_in_its_encoding(p.report, fixed))
    });
    let mut writes = Writes::default();
    for (result, p) in results.into_iter().zip(&plan.files) {
        match result {
            Some(Ok(())) => writes.written.push(p),
            Some(Err(e)) => {
                errors.push(ScanError {
                    path: p.shown_path().to_string(),
                    message: e.to_string(),
                });
                writes.failed.push((p, e.to_string()));
            }
            None => {
                if p.changed() {
                    eprintln!(
                        "note: {}: not a regular file (a pipe or device); fixes are not written (`--diff` shows them)",
                        crate::escape::line(p.shown_path())
                    );
                }
                writes.unchanged.push(p)
            }
        }
    }
    writes
}

/// `fix -`: the fixed text (or the text as read, when there is nothing to fix or
/// `--force-exclude` excluded it) goes to standard output.
pub(super) fn print_stdin<'a>(plan: &'a Plan<'a>, original: &[u8]) -> anyhow::Result<Writes<'a>> {
    let mut writes = Writes::default();
    let text = match plan.files.first() {
        Some(p) => match p.fix.fixed() {
            Some(fixed) => {
                writes.written.push(p);
                fixed
            }
            None => {
                writes.unchanged.push(p);
                original
            }
        },
        None => original,
    };
    super::super::output::to_stdout(|out| out.write_all(text))?;
    Ok(writes)
}

/// Writes a fixed file in the encoding it was read in: UTF-16 text, decoded for scanning, is
/// encoded back with its byte order mark (or refused when that cannot be exact).
fn write_in_its_encoding(r: &FileReport, fixed: &[u8]) -> Result<(), WriteError> {
    let original = &r.file.bytes;
    match r.file.encoding {
        Encoding::AsRead => write_fixed(&r.file.path, original, fixed),
        encoding => {
            let original = encode(original, encoding).map_err(WriteError::Encoding)?;
            let fixed = encode(fixed, encoding).map_err(WriteError::Encoding)?;
            write_fixed(&r.file.path, &original, &fixed)
        }
    }
}
