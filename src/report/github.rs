//! GitHub Actions workflow commands: one annotation per diagnostic.

use super::{ReportOptions, clean, positions};
use crate::engine::Outcome;
use crate::rules::Severity;
use std::io::{self, Write};

pub fn write(out: &mut dyn Write, outcome: &Outcome, opts: &ReportOptions) -> io::Result<()> {
    for r in &outcome.reports {
        let path = r
            .file
            .display_path
            .strip_prefix("./")
            .unwrap_or(&r.file.display_path);
        for d in &r.diagnostics {
            let (start, end) = positions(r, &d.span);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&format!("{} {}", d.code, d.code.info().name)),
                escape_data(&clean(r, &message, opts))
            )?;
        }
    }
    Ok(())
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
