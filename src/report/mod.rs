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
    pub color: bool,
    pub quiet: bool,
    pub statistics: bool,
}

pub fn write(out: &mut dyn Write, outcome: &Outcome, opts: &ReportOptions) -> io::Result<()> {
    match opts.format {
        Format::Human => human::write(out, outcome, opts)?,
        Format::Concise => concise::write(out, outcome, opts)?,
        Format::Json => json::write(out, outcome, opts)?,
        Format::Github => github::write(out, outcome, opts)?,
        Format::Sarif => sarif::write(out, outcome, opts)?,
        Format::Gitlab => gitlab::write(out, outcome, opts)?,
    }
    if opts.statistics && matches!(opts.format, Format::Human | Format::Concise) {
        write_statistics(out, outcome)?;
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

/// `--statistics`: findings per rule, per top-level directory, and the baseline's state.
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
            if d.fix.is_some() {
                e.1 += 1;
            }
        }
    }
    if !by_rule.is_empty() {
        writeln!(out, "\nBy rule:")?;
        for (code, (n, fixable)) in by_rule {
            let fix = if fixable > 0 {
                format!(" ({fixable} fixable)")
            } else {
                String::new()
            };
            writeln!(out, "{n:>6}  {code}  {}{fix}", code.info().name)?;
        }
        writeln!(out, "\nBy directory:")?;
        for (dir, n) in by_dir {
            writeln!(out, "{n:>6}  {dir}")?;
        }
    }
    if !outcome.skipped.is_empty() {
        let n = outcome.skipped.len();
        writeln!(
            out,
            "\nSkipped: {n} symbolic link{} leading nowhere (--verbose lists them)",
            if n == 1 { "" } else { "s" }
        )?;
    }
    if !outcome.own_outputs.is_empty() {
        let n = outcome.own_outputs.len();
        writeln!(
            out,
            "\nSkipped: {n} file{} written by whispir-migrate itself (reports, baselines; --verbose lists them)",
            if n == 1 { "" } else { "s" }
        )?;
    }
    if let Some(b) = outcome.baseline {
        writeln!(
            out,
            "\nBaseline: {} finding{} accepted, {} stale entr{}",
            b.hidden,
            if b.hidden == 1 { "" } else { "s" },
            b.stale,
            if b.stale == 1 { "y" } else { "ies" }
        )?;
        if b.stale > 0 {
            writeln!(
                out,
                "  stale entries match nothing any more; refresh the file with --write-baseline"
            )?;
        }
    }
    Ok(())
}

fn summary_line(outcome: &Outcome) -> String {
    let n = outcome.diagnostic_count();
    let files = outcome.reports.len();
    let scanned = outcome.files_scanned;
    let accepted = match outcome.baseline {
        Some(b) if b.hidden > 0 => format!(" {} accepted by the baseline.", b.hidden),
        _ => String::new(),
    };
    if n == 0 && !outcome.errors.is_empty() {
        // Not "no usage found": what could not be read may hold some.
        let e = outcome.errors.len();
        return format!(
            "No findings in the {scanned} file{} scanned, but {e} error{} (on standard error): the run is incomplete.{accepted}",
            plural(scanned),
            plural(e)
        );
    }
    if n == 0 {
        return format!("No legacy Whispir API usage found ({scanned} files scanned).{accepted}");
    }
    let fixable = outcome.fixable_count();
    let fix_note = if fixable > 0 {
        format!(" {fixable} fixable with `whispir-migrate fix`.")
    } else {
        String::new()
    };
    format!(
        "Found {n} diagnostic{} in {files} file{} ({scanned} files scanned).{fix_note}{accepted}",
        if n == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" }
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
