//! The default report: each diagnostic with its code, message, the labelled span in its
//! source lines (secrets redacted), and a `help:` line. Rendered by codespan-reporting.
//!
//! codespan needs `&str` sources; files are bytes and may not be UTF-8. So each diagnostic
//! gets a small window of just its lines, decoded lossily and redacted, with the span mapped
//! onto it: spans can never split a character there.

use super::{ReportOptions, clean, secrets_of, summary_line};
use crate::engine::{FileReport, Outcome};
use crate::rules::Severity;
use crate::secrets::redact_with_map;
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor::Buffer};
use std::io::{self, Write};
use std::ops::Range;

/// The lines of one diagnostic, as shown.
struct Window {
    name: String,
    text: String,
    /// 1-based number of the window's first line in the file.
    first_line: usize,
    line_starts: Vec<usize>,
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

/// Builds the window for `span` and returns it with the span mapped into it.
fn window(
    report: &FileReport,
    span: &Range<usize>,
    opts: &ReportOptions,
) -> (Window, Range<usize>) {
    let file = &report.file;
    let first = file.line_index(span.start);
    let last = file.line_index(span.end.max(span.start + 1) - 1).max(first);
    let start = file.line_range(first).start;
    let end = file.line_range(last).end;
    let (mut text, map) = redact_with_map(&file.bytes[start..end], start, secrets_of(report, opts));
    // CR of CRLF lines in the middle of a multi-line window would show as a stray character.
    text = text.replace('\r', "");
    let (s, e) = (
        map[span.start - start].min(text.len()),
        map[span.end.min(end) - start].min(text.len()),
    );
    let mut line_starts = vec![0];
    line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    (
        Window {
            name: file.display_path.clone(),
            text,
            first_line: first + 1,
            line_starts,
        },
        s..e.max(s),
    )
}

pub fn write(out: &mut dyn Write, outcome: &Outcome, opts: &ReportOptions) -> io::Result<()> {
    let config = term::Config::default();
    let mut buffer = if opts.color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    for report in &outcome.reports {
        for d in &report.diagnostics {
            let (files, span) = window(report, &d.span, opts);
            let base = match d.severity {
                Severity::Error => CsDiagnostic::error(),
                Severity::Warning => CsDiagnostic::warning(),
            };
            let mut notes = Vec::new();
            if let Some(help) = &d.help {
                notes.push(format!("help: {}", clean(report, help, opts)));
            }
            if let Some(fix) = &d.fix {
                let how = match fix.applicability {
                    crate::diagnostic::Applicability::Safe => "fix available",
                    crate::diagnostic::Applicability::Unsafe => {
                        "unsafe fix available (--unsafe-fixes)"
                    }
                };
                notes.push(format!("{how}: {}", clean(report, &fix.message, opts)));
            }
            let diagnostic = base
                .with_code(d.code.as_str())
                .with_message(clean(report, &d.message, opts))
                .with_labels(vec![Label::primary((), span).with_message(&d.label)])
                .with_notes(notes);
            term::emit_to_write_style(&mut buffer, &config, &files, &diagnostic)
                .map_err(|e| io::Error::other(e.to_string()))?;
        }
    }
    out.write_all(buffer.as_slice())?;
    if !opts.quiet {
        writeln!(out, "{}", summary_line(outcome))?;
    }
    Ok(())
}
