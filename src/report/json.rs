//! The JSON report, in the shape SPEC.md fixes (version 1).

use super::{ReportOptions, clean, positions};
use crate::diagnostic::Applicability;
use crate::engine::{FileReport, Outcome};
use crate::rules::{RuleCode, Severity};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    diagnostics: Diagnostics<'a>,
    summary: Summary,
}

/// Every diagnostic of the run, serialized one at a time as it is built: a run with many
/// findings is never held twice in memory.
struct Diagnostics<'a> {
    outcome: &'a Outcome,
    opts: &'a ReportOptions,
}

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.outcome
                .reports
                .iter()
                .flat_map(|r| diagnostics(r, self.opts)),
        )
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: RuleCode,
    name: &'static str,
    severity: Severity,
    message: String,
    /// What to change by hand, as human output's `help:` line (`null` when there is none).
    help: Option<String>,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    fix: Option<JsonFix>,
    /// Where a value used here is defined, in another file; left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: String,
}

#[derive(Serialize)]
struct JsonFix {
    applicability: Applicability,
    message: String,
    edits: Vec<JsonEdit>,
}

#[derive(Serialize)]
struct JsonEdit {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    content: String,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    diagnostics: usize,
    fixable: usize,
    errors: Vec<JsonError>,
}

#[derive(Serialize)]
struct JsonError {
    path: String,
    message: String,
}

fn diagnostics<'a>(
    r: &'a FileReport,
    opts: &ReportOptions,
) -> impl Iterator<Item = JsonDiagnostic<'a>> {
    r.diagnostics.iter().map(move |d| {
        let (start, end) = positions(r, &d.span);
        JsonDiagnostic {
            code: d.code,
            name: d.code.info().name,
            severity: d.severity,
            message: clean(r, &d.message, opts),
            help: d.help.as_ref().map(|h| clean(r, h, opts)),
            path: &r.file.display_path,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            fix: d.fix.as_ref().map(|f| JsonFix {
                applicability: f.applicability,
                message: clean(r, &f.message, opts),
                edits: f
                    .edits
                    .iter()
                    .map(|e| {
                        let (s, t) = positions(r, &e.range);
                        JsonEdit {
                            line: s.line,
                            column: s.column,
                            end_line: t.line,
                            end_column: t.column,
                            // Replacement text never contains a secret the file did not; redact
                            // any secret it copies.
                            content: clean(r, &e.content, opts),
                        }
                    })
                    .collect(),
            }),
            related: d
                .related
                .iter()
                .map(|at| JsonRelated {
                    path: &at.path,
                    line: at.line,
                    column: at.column,
                    end_line: at.end_line,
                    end_column: at.end_column,
                    message: clean(r, &at.message, opts),
                })
                .collect(),
        }
    })
}

pub fn write(out: &mut dyn Write, outcome: &Outcome, opts: &ReportOptions) -> io::Result<()> {
    let report = Report {
        version: 1,
        diagnostics: Diagnostics { outcome, opts },
        summary: Summary {
            files_scanned: outcome.files_scanned,
            diagnostics: outcome.diagnostic_count(),
            fixable: outcome.fixable_count(),
            errors: outcome
                .errors
                .iter()
                .map(|e| JsonError {
                    path: e.path.clone(),
                    message: e.message.clone(),
                })
                .collect(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
