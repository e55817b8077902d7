//! `fix --interactive`: each fix is shown as a diff on standard error and asked about.

use super::diff::unified_diff;
use crate::diagnostic::Diagnostic;
use crate::engine::FileReport;
use crate::fix::Approver;
use crate::report;
use std::io::{BufRead, Write};

/// Asks on the terminal for each fix: y(es), n(o), a(ll remaining), q(uit).
pub(super) struct Interactive {
    all: bool,
    quit: bool,
    color: bool,
}

impl Interactive {
    pub fn new(color: bool) -> Interactive {
        Interactive {
            all: false,
            quit: false,
            color,
        }
    }
}

impl Approver for Interactive {
    fn wants_preview(&self) -> bool {
        !self.quit && !self.all
    }

    fn approve(&mut self, report: &FileReport, d: &Diagnostic, fixed: &[u8]) -> bool {
        if self.quit {
            return false;
        }
        if self.all {
            return true;
        }
        let fix_message = d
            .fix
            .as_ref()
            .map_or(String::new(), |f| f.message.to_string());
        let shown = |text: &str| {
            crate::escape::line(&report::redact_text(report, text, false)).into_owned()
        };
        eprintln!(
            "{}: {} {}\n{}",
            shown(&report.file.display_path),
            d.code,
            shown(&d.message),
            shown(&fix_message)
        );
        eprint!(
            "{}",
            unified_diff(report, &report.file.bytes, fixed, false, self.color).text
        );
        loop {
            eprint!("Apply this fix? [y]es, [n]o, [a]ll remaining, [q]uit: ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            if std::io::stdin().lock().read_line(&mut line).unwrap_or(0) == 0 {
                self.quit = true;
                return false;
            }
            match line.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => return true,
                "n" | "no" => return false,
                "a" | "all" => {
                    self.all = true;
                    return true;
                }
                "q" | "quit" => {
                    self.quit = true;
                    return false;
                }
                _ => {}
            }
        }
    }
}
