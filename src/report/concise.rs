//! `path:line:col: CODE message`, one line per diagnostic.

use super::{ReportOptions, clean_line, positions, summary_line};
use crate::engine::Outcome;
use std::io::{self, Write};

pub fn write(out: &mut dyn Write, outcome: &Outcome, opts: &ReportOptions) -> io::Result<()> {
    for r in &outcome.reports {
        for d in &r.diagnostics {
            let (start, _) = positions(r, &d.span);
            let fixable = super::fixable_marker(d);
            writeln!(
                out,
                "{}:{}:{}: {}{fixable} {}",
                crate::escape::line(&r.file.display_path),
                start.line,
                start.column,
                d.code,
                clean_line(r, &d.message, opts)
            )?;
        }
    }
    if !opts.quiet {
        writeln!(out, "{}", summary_line(outcome, opts))?;
    }
    Ok(())
}
