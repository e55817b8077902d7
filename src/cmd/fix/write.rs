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
/// that fails is added to `errors` and nothing else is affected — except the files a fix
/// across files changes together, which are all held back when one of them changed on disk
/// since it was read.
pub(super) fn write_files<'a>(
    plan: &'a Plan<'a>,
    threads: usize,
    errors: &mut Vec<ScanError>,
) -> Writes<'a> {
    let write_threads = if threads == 0 { 8 } else { threads };
    let held = held_back(plan);
    let held_paths: std::collections::HashSet<&str> =
        held.keys().map(|&i| plan.files[i].shown_path()).collect();
    let results = parallel_map(&plan.files, write_threads, |p| {
        // A stream (a FIFO, a device) was read once; there is nothing to write back to.
        let fixed = p.fix.fixed().filter(|_| !p.report.file.stream);
        if held_paths.contains(p.shown_path()) {
            return fixed.map(|_| Ok(()));
        }
        fixed.map(|fixed| write_in_its_encoding(p.report, fixed))
    });
    let mut writes = Writes::default();
    for (i, (result, p)) in results.into_iter().zip(&plan.files).enumerate() {
        let result = match (held.get(&i), result) {
            (Some(why), Some(_)) => Some(Err(why.clone())),
            (_, Some(Err(e))) => Some(Err(spans_files(plan, i, e.to_string()))),
            (_, result) => result.map(|r| r.map_err(|e| e.to_string())),
        };
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

/// The files of a fix across files (`fix::across`) not to write, with why: every file of a
/// group in which one changed on disk since it was read. Writing the others would leave a
/// request half-migrated: its key moved into a header while its host stays in the file not
/// written, or the reverse.
fn held_back(plan: &Plan) -> std::collections::HashMap<usize, String> {
    let mut held = std::collections::HashMap::new();
    edit_in_test(plan);
    let changed_on_disk = |i: usize| {
        let r = plan.files[i].report;
        let on_disk = std::fs::read(&r.file.path).ok();
        let as_read = match r.file.encoding {
            Encoding::AsRead => Some(r.file.bytes.clone()),
            encoding => encode(&r.file.bytes, encoding).ok(),
        };
        on_disk.is_none() || on_disk != as_read
    };
    let mut seen = std::collections::HashSet::new();
    for p in plan.files.iter().filter(|p| p.changed()) {
        let group = &p.fix.group;
        if group.len() < 2 || !seen.insert(group.as_ptr()) {
            continue;
        }
        if let Some(&stale) = group.iter().find(|&&i| changed_on_disk(i)) {
            let others = |i: usize| names(plan, group.iter().copied().filter(|&j| j != i));
            for &i in group.iter() {
                let why = if i == stale {
                    format!(
                        "not written: changed on disk since it was read; its fix spans {} (not written either)",
                        others(i)
                    )
                } else {
                    format!(
                        "not written: its fix spans {}, and {} changed on disk since it was read",
                        others(i),
                        crate::escape::line(plan.files[stale].shown_path())
                    )
                };
                held.insert(i, why);
            }
        }
    }
    held
}

/// Test hook (debug builds): `WHISPIR_MIGRATE_TEST_HOOK=append-before-writes:NAME` appends
/// a line to the planned file whose path ends with NAME, as an editor would while `fix` runs.
fn edit_in_test(plan: &Plan) {
    if !cfg!(debug_assertions) {
        return;
    }
    let Ok(hook) = std::env::var(crate::write::TEST_HOOK_ENV) else {
        return;
    };
    let Some(name) = hook.strip_prefix("append-before-writes:") else {
        return;
    };
    for p in plan.files.iter().filter(|p| p.shown_path().ends_with(name)) {
        let mut text = p.report.file.bytes.clone();
        text.extend_from_slice(b"// concurrent edit\n");
        let _ = std::fs::write(&p.report.file.path, text);
    }
}

/// `e`, the error writing file `i`, with the other files of its fix across files, which
/// were written: the user restores them (or writes this one) by hand.
fn spans_files(plan: &Plan, i: usize, e: String) -> String {
    let group = &plan.files[i].fix.group;
    if group.len() < 2 {
        return e;
    }
    let others = names(plan, group.iter().copied().filter(|&j| j != i));
    format!(
        "{e}; its fix spans {others}, which were written: restore them with git, or change this file by hand"
    )
}

/// The shown paths of files `of`, as a list in prose: the first three, and how many more (a
/// constant read by thousands of files makes a group of thousands).
fn names(plan: &Plan, of: impl Iterator<Item = usize>) -> String {
    const SHOWN: usize = 3;
    let mut shown = Vec::new();
    let mut more = 0;
    for i in of {
        if shown.len() < SHOWN {
            shown.push(crate::escape::line(plan.files[i].shown_path()).into_owned());
        } else {
            more += 1;
        }
    }
    let mut list = shown.join(", ");
    if more > 0 {
        list.push_str(&format!(" and {more} more file{}", super::plural(more)));
    }
    list
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
