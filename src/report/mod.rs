//! Reporting: one module per output format, all reading the same `Outcome`. Nothing here
//! decides what is a finding; it only renders, with secrets redacted unless asked.

mod concise;
mod github;
mod gitlab;
mod human;
mod json;
mod sarif;

use crate::cli::Format;
use crate::engine::{FileReport, Outcome};
use crate::source::LineCol;
use std::io::{self, Write};
use std::ops::Range;

pub struct ReportOptions {
    pub format: Format,
    pub show_secrets: bool,
    /// Human format: each fix as a small diff under its finding (`--show-fixes`).
    pub show_fixes: bool,
    pub color: bool,
    pub quiet: bool,
    pub statistics: bool,
    /// Findings that would get a safe fix with `--region` (none given): the summary says so.
    pub need_region: usize,
    /// Threads that render findings (0: one per core); the output is in order whatever it is.
    pub threads: usize,
}

pub fn write(out: &mut dyn Write, outcome: &Outcome, opts: &ReportOptions) -> io::Result<()> {
    // As ruff: `--statistics` replaces the list of findings with the table.
    if opts.statistics && matches!(opts.format, Format::Human | Format::Concise) {
        return write_statistics(out, outcome);
    }
    match opts.format {
        Format::Human => human::write(out, outcome, opts)?,
        Format::Concise => concise::write(out, outcome, opts)?,
        Format::Json => json::write(out, outcome, opts)?,
        Format::Github => github::write(out, outcome, opts)?,
        Format::Sarif => sarif::write(out, outcome, opts)?,
        Format::Gitlab => gitlab::write(out, outcome, opts)?,
    }
    Ok(())
}

/// A message, help or replacement text with the file's secrets redacted (unless
/// `--show-secrets`). Rules write plain text; every sink goes through here.
pub(crate) fn clean(report: &FileReport, text: &str, opts: &ReportOptions) -> String {
    redact_text(report, text, opts.show_secrets)
}

/// `clean`, for one line of human-facing output: control characters escaped too.
pub(crate) fn clean_line(report: &FileReport, text: &str, opts: &ReportOptions) -> String {
    crate::escape::line(&clean(report, text, opts)).into_owned()
}

/// `text` (a message, a diff, a replacement) with every secret found in `report`'s file
/// replaced by its redacted form, unless `show_secrets`. One pass over `text`, whatever the
/// number of secrets.
pub fn redact_text(report: &FileReport, text: &str, show_secrets: bool) -> String {
    if show_secrets {
        return text.to_string();
    }
    report.secrets.redact_str(text)
}

/// Start and end positions of a span (end is exclusive, as a column after the last character).
fn positions(report: &FileReport, span: &Range<usize>) -> (LineCol, LineCol) {
    (
        report.file.line_col(span.start),
        report.file.line_col(span.end),
    )
}

/// `--statistics`: findings per rule (with what plain `fix` applies, as the summary counts
/// it), per top-level directory, the paths passed over and the baseline's state.
fn write_statistics(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    let mut by_rule = std::collections::BTreeMap::new();
    let mut by_dir: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for r in &outcome.reports {
        let path = r.file.display_path.trim_start_matches("./");
        let dir = match path.split_once('/') {
            Some((top, _)) => format!("{top}/"),
            None => "./".to_string(),
        };
        let dir = crate::escape::line(&dir).into_owned();
        *by_dir.entry(dir).or_default() += r.diagnostics.len();
        for d in &r.diagnostics {
            let e = by_rule.entry(d.code).or_insert((0usize, 0usize));
            e.0 += 1;
            if d.has_safe_fix() {
                e.1 += 1;
            }
        }
    }
    let mut sections = Vec::new();
    if !by_rule.is_empty() {
        let mut rules = String::from("By rule:\n");
        for (code, (n, fixable)) in by_rule {
            let fix = if fixable > 0 {
                format!(" ({fixable} fixable)")
            } else {
                String::new()
            };
            rules += &format!("{n:>6}  {code}  {}{fix}\n", code.info().name);
        }
        let (n, fixable) = (outcome.diagnostic_count(), outcome.fixable_count());
        rules += &format!("{n:>6}  total ({fixable} fixable with `whispir-migrate fix`)\n");
        sections.push(rules);
        let mut dirs = String::from("By directory:\n");
        for (dir, n) in by_dir {
            dirs += &format!("{n:>6}  {dir}\n");
        }
        sections.push(dirs);
    }
    if !outcome.skipped.is_empty() {
        let n = outcome.skipped.len();
        sections.push(format!(
            "Skipped: {n} symbolic link{} leading nowhere (--verbose lists them)\n",
            plural(n)
        ));
    }
    if !outcome.own_outputs.is_empty() {
        let n = outcome.own_outputs.len();
        sections.push(format!(
            "Skipped: {n} file{} written by whispir-migrate itself (reports, baselines; --verbose lists them)\n",
            plural(n)
        ));
    }
    if let Some(b) = outcome.baseline {
        let mut text = format!(
            "Baseline: {} finding{} accepted, {} stale entr{}\n",
            b.hidden,
            plural(b.hidden),
            b.stale,
            if b.stale == 1 { "y" } else { "ies" }
        );
        if b.stale > 0 {
            text +=
                "  stale entries match nothing any more; refresh the file with --write-baseline\n";
        }
        sections.push(text);
    }
    write!(out, "{}", sections.join("\n"))
}

/// As ruff: ` [*]` after a finding's code when plain `fix` applies its fix, else nothing.
/// Unsafe fixes are not marked: they need `--unsafe-fixes`.
pub(crate) fn fixable_marker(d: &crate::diagnostic::Diagnostic) -> &'static str {
    if d.has_safe_fix() { " [*]" } else { "" }
}

/// Findings whose fix only `--unsafe-fixes` applies.
pub(crate) fn unsafe_fix_count(outcome: &Outcome) -> usize {
    outcome
        .reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| d.fix.is_some() && !d.has_safe_fix())
        .count()
}

/// `N more fixes with `--unsafe-fixes``, `M host fixes need `--region``: each when not zero.
pub(crate) fn more_fixes(unsafe_fixes: usize, need_region: usize) -> Vec<String> {
    let fixes = |n: usize| if n == 1 { "fix" } else { "fixes" };
    let mut notes = Vec::new();
    if unsafe_fixes > 0 {
        notes.push(format!(
            "{unsafe_fixes} more {} with `--unsafe-fixes`",
            fixes(unsafe_fixes)
        ));
    }
    if need_region > 0 {
        notes.push(format!(
            "{need_region} host {} need{} `--region`",
            fixes(need_region),
            verb_s(need_region)
        ));
    }
    notes
}

fn summary_line(outcome: &Outcome, opts: &ReportOptions) -> String {
    let n = outcome.diagnostic_count();
    let files = outcome.reports.len();
    let scanned = outcome.files_scanned;
    let scanned_files = format!("{scanned} file{} scanned", plural(scanned));
    let accepted = match outcome.baseline {
        Some(b) if b.hidden > 0 => format!(" {} accepted by the baseline.", b.hidden),
        _ => String::new(),
    };
    if n == 0 && !outcome.errors.is_empty() {
        // Not "no usage found": what could not be read may hold some.
        let e = outcome.errors.len();
        return format!(
            "No findings in the {scanned_files}, but {e} error{} (on standard error): the run is incomplete.{accepted}",
            plural(e)
        );
    }
    if n == 0 {
        return format!("No legacy Whispir API usage found ({scanned_files}).{accepted}");
    }
    let fixable = outcome.fixable_count();
    let fix_note = if fixable > 0 {
        format!(" [*] {fixable} fixable with `whispir-migrate fix`.")
    } else {
        String::new()
    };
    let more: String = more_fixes(unsafe_fix_count(outcome), opts.need_region)
        .iter()
        .map(|note| format!(" {note}."))
        .collect();
    format!(
        "Found {n} diagnostic{} in {files} file{} ({scanned_files}).{fix_note}{more}{accepted}",
        plural(n),
        plural(files)
    )
}

/// `s` for counts other than one.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `s` for a verb whose subject is one (`1 needs`, `2 need`).
pub(crate) fn verb_s(n: usize) -> &'static str {
    if n == 1 { "s" } else { "" }
}
