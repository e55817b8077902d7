//! GitLab Code Quality report (a JSON array of issues), in the shape ruff produces: the
//! `codequality` artifact of a merge request pipeline.

use super::sarif::{fingerprints, relative_path};
use super::{ReportOptions, clean, positions};
use crate::engine::Outcome;
use crate::rules::Severity;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn write(out: &mut dyn Write, outcome: &Outcome, opts: &ReportOptions) -> io::Result<()> {
    let mut issues = Vec::new();
    for r in &outcome.reports {
        let path = relative_path(&r.file.display_path);
        let prints = fingerprints(r, &path);
        for (d, fingerprint) in r.diagnostics.iter().zip(prints) {
            let (start, end) = positions(r, &d.span);
            issues.push(Issue {
                description: clean(r, &format!("{} {}", d.code, d.message), opts),
                check_name: d.code.as_str(),
                fingerprint,
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Note => "info",
                },
                location: Location {
                    path: path.clone(),
                    lines: Lines {
                        begin: start.line,
                        end: end.line.max(start.line),
                    },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
