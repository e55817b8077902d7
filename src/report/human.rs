//! The default report: each diagnostic with its code, message, the labelled span in its
//! source lines (secrets redacted), and a `help:` line. Rendered by codespan-reporting.
//!
//! codespan needs `&str` sources; files are bytes and may not be UTF-8. So each diagnostic
//! gets a small window of just its lines, decoded lossily and redacted, with the span mapped
//! onto it: spans can never split a character there.

use super::{ReportOptions, clean_line, summary_line};
use crate::engine::{FileReport, Outcome};
use crate::rules::Severity;
use crate::secrets::display_with_map;
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor::Buffer};
use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

/// Lines longer than this (in bytes) are cut around the span, as rustc and ruff do: the
/// output stays proportional to the findings, not to findings × line length.
const LONG_LINE: usize = 240;
/// Bytes of context kept either side of the span on a cut line.
const CONTEXT: usize = 80;
/// A tab, in the source lines and in a `--show-fixes` diff line alike.
const TAB: &str = "    ";

/// The lines of one diagnostic, as shown.
struct Window {
    name: String,
    text: String,
    /// 1-based number of the window's first line in the file.
    first_line: usize,
    line_starts: Vec<usize>,
    /// The span's start in `text`, and its column in the file (cuts and redaction move it).
    span_start: usize,
    span_column: usize,
}

impl<'a> Files<'a> for Window {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, _: ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }
    fn source(&'a self, _: ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }
    fn line_index(&'a self, _: (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .line_starts
            .partition_point(|&s| s <= byte_index)
            .saturating_sub(1))
    }
    fn line_number(&'a self, _: (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self.first_line + line_index)
    }
    fn column_number(
        &'a self,
        _: (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        if byte_index == self.span_start {
            return Ok(self.span_column);
        }
        let line = self.line_range((), line_index)?;
        let end = byte_index.clamp(line.start, line.end);
        Ok(self.text[line.start..end].chars().count() + 1)
    }
    fn line_range(&'a self, _: (), line_index: usize) -> Result<Range<usize>, FilesError> {
        let start = *self
            .line_starts
            .get(line_index)
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: self.line_starts.len() - 1,
            })?;
        let end = self
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(self.text.len());
        Ok(start..end)
    }
}

/// The part of `line` to show for `span`: all of it, or for a long line the span with
/// `CONTEXT` bytes either side (at most `LONG_LINE` in all), never cutting a character or
/// a secret.
fn kept_part(report: &FileReport, line: Range<usize>, span: &Range<usize>) -> Range<usize> {
    if line.len() <= LONG_LINE {
        return line;
    }
    let bytes = &report.file.bytes;
    let mut a = if line.contains(&span.start) {
        span.start.saturating_sub(CONTEXT).max(line.start)
    } else {
        line.start
    };
    let mut b = (span.end.clamp(a, line.end) + CONTEXT)
        .min(a + LONG_LINE)
        .min(line.end);
    let reach = report.secrets.longest();
    for cut in [a, b] {
        let near = cut.saturating_sub(reach).max(line.start)..(cut + reach).min(line.end);
        for h in report.secrets.hidden_in(&bytes[near.clone()], near.start) {
            let h = h.start + near.start..h.end + near.start;
            if h.start < cut && cut < h.end {
                a = a.min(h.start);
                b = b.max(h.end);
            }
        }
    }
    let continuation = |i: usize| bytes.get(i).is_some_and(|b| b & 0xC0 == 0x80);
    while a > line.start && continuation(a) {
        a -= 1;
    }
    while b < line.end && continuation(b) {
        b += 1;
    }
    a..b
}

/// Builds the window for `span` and returns it with the span mapped into it: its lines
/// (cut when long), decoded lossily, secrets redacted, control characters escaped.
fn window(
    report: &FileReport,
    span: &Range<usize>,
    opts: &ReportOptions,
) -> (Window, Range<usize>) {
    let file = &report.file;
    let first = file.line_index(span.start);
    let last = file.line_index(span.end.max(span.start + 1) - 1).max(first);
    let mut text = String::new();
    let mut line_starts = Vec::with_capacity(last - first + 1);
    let (mut s, mut e) = (None, None);
    for index in first..=last {
        let line = file.line_range(index);
        let keep = kept_part(report, line.clone(), span);
        line_starts.push(text.len());
        if keep.start > line.start {
            text.push('…');
        }
        let part = &file.bytes[keep.clone()];
        let hidden = if opts.show_secrets {
            Vec::new()
        } else {
            report.secrets.hidden_in(part, keep.start)
        };
        let (shown, map) = display_with_map(part, &hidden, true);
        if keep.contains(&span.start) || (s.is_none() && span.start <= keep.end) {
            s = Some(text.len() + map[span.start.clamp(keep.start, keep.end) - keep.start]);
        }
        if keep.start <= span.end {
            e = Some(text.len() + map[span.end.clamp(keep.start, keep.end) - keep.start]);
        }
        text.push_str(&shown);
        if keep.end < line.end {
            text.push('…');
        }
        if index != last {
            text.push('\n');
        }
    }
    let s = s.unwrap_or(0).min(text.len());
    let e = e.unwrap_or(s).clamp(s, text.len());
    (
        Window {
            name: crate::escape::line(&file.display_path).into_owned(),
            text,
            first_line: first + 1,
            line_starts,
            span_start: s,
            span_column: file.line_col(span.start).column,
        },
        s..e,
    )
}

/// Diagnostics rendered at a time: rendering runs on the worker threads and the results are
/// written in order; a wave bounds what is held in memory at once (a file with a finding on
/// every line renders to many times its size).
const WAVE: usize = 256;

pub fn write(out: &mut dyn Write, outcome: &Outcome, opts: &ReportOptions) -> io::Result<()> {
    let findings: Vec<_> = outcome
        .reports
        .iter()
        .flat_map(|report| report.diagnostics.iter().map(move |d| (report, d)))
        .collect();
    crate::parallel::map_in_waves(
        &findings,
        WAVE,
        opts.threads,
        |&(report, d)| render(report, d, opts),
        |text| out.write_all(&text?),
    )?;
    if !opts.quiet {
        writeln!(out, "{}", summary_line(outcome, opts))?;
    }
    Ok(())
}

/// One diagnostic as codespan shows it: header, source lines with the span, notes.
fn render(
    report: &FileReport,
    d: &crate::diagnostic::Diagnostic,
    opts: &ReportOptions,
) -> io::Result<Vec<u8>> {
    let config = term::Config {
        tab_width: TAB.len(),
        ..term::Config::default()
    };
    let mut buffer = if opts.color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let (files, span) = window(report, &d.span, opts);
    let base = match d.severity {
        Severity::Error => CsDiagnostic::error(),
        Severity::Warning => CsDiagnostic::warning(),
        Severity::Note => CsDiagnostic::note(),
    };
    let mut notes = Vec::new();
    for at in &d.related {
        let place = format!("{}:{}:{}", at.path, at.line, at.column);
        notes.push(format!(
            "note: {}: {}",
            crate::escape::line(&place),
            clean_line(report, &at.message, opts)
        ));
    }
    if let Some(help) = &d.help {
        notes.push(format!("help: {}", clean_line(report, help, opts)));
    }
    if let Some(fix) = &d.fix {
        // A safe fix is marked `[*]` in the header; an unsafe one says what applies it.
        let how = match fix.applicability {
            crate::diagnostic::Applicability::Safe => "fix",
            crate::diagnostic::Applicability::Unsafe => "unsafe fix (--unsafe-fixes)",
        };
        let mut note = format!("{how}: {}", clean_line(report, &fix.message, opts));
        if opts.show_fixes {
            note.push_str(&fix_as_diff(report, fix, opts));
        }
        notes.push(note);
    }
    let diagnostic = base
        .with_code(header_code(d))
        .with_message(clean_line(report, &d.message, opts))
        .with_labels(vec![Label::primary((), span).with_message(&d.label)])
        .with_notes(notes);
    term::emit_to_write_style(&mut buffer, &config, &files, &diagnostic)
        .map_err(|e| io::Error::other(e.to_string()))?;
    Ok(buffer.into_inner())
}

/// The code as codespan is to write it between brackets: `WM001`, or `WM001] [*` for a
/// finding plain `fix` fixes, so that the header reads `error[WM001] [*]: …` — the marker
/// right after the code, as in ruff and in the concise format.
fn header_code(d: &crate::diagnostic::Diagnostic) -> Cow<'static, str> {
    match super::fixable_marker(d).strip_suffix(']') {
        Some(open_marker) => format!("{}]{open_marker}", d.code.as_str()).into(),
        None => d.code.as_str().into(),
    }
}

/// The lines a fix touches, before (`-`) and after (`+`), each after a line break, redacted
/// and escaped like every other line of the report (`--show-fixes`). Edits on the same or
/// neighbouring lines share a hunk; hunks are apart, with `⋮` between them: a header added
/// twenty lines below the parameter it replaces shows as two small hunks, not the lines
/// between.
fn fix_as_diff(report: &FileReport, fix: &crate::diagnostic::Fix, opts: &ReportOptions) -> String {
    let bytes = &report.file.bytes[..];
    let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let line_end = |at: usize| memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
    let mut diff = String::new();
    let mut edits = fix.edits.iter().peekable();
    while let Some(first) = edits.next() {
        if !diff.is_empty() {
            diff.push_str("\n⋮");
        }
        let start = line_start(first.range.start);
        // The hunk after the edits, built up to `copied` (in the file).
        let mut after = Vec::new();
        let mut copied = start;
        let mut edit = Some(first);
        while let Some(e) = edit {
            after.extend_from_slice(&bytes[copied..e.range.start]);
            after.extend_from_slice(e.content.as_bytes());
            copied = e.range.end;
            // Edits are sorted and apart; the next one joins if it starts on this hunk's last
            // line or the line after it.
            let last_line_end = line_end(copied);
            edit = edits.next_if(|next| line_start(next.range.start) <= last_line_end + 1);
        }
        let hunk_end = line_end(copied);
        after.extend_from_slice(&bytes[copied..hunk_end]);
        for (sign, text) in [('-', &bytes[start..hunk_end]), ('+', &after[..])] {
            for line in String::from_utf8_lossy(text).lines() {
                // Tabs as codespan shows them in the source lines above, not escaped.
                let line = line.replace('\t', TAB);
                diff.push_str(&format!("\n{sign} {}", clean_line(report, &line, opts)));
            }
        }
    }
    diff
}
