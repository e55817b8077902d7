//! `whispir-migrate rules`: the rule table.

use super::output::to_stdout;
use crate::ExitStatus;
use crate::rules;

pub(crate) fn run() -> anyhow::Result<ExitStatus> {
    to_stdout(|out| {
        writeln!(out, "{:<6} {:<18} {:<8} summary", "code", "name", "default")?;
        for r in rules::ALL {
            writeln!(
                out,
                "{:<6} {:<18} {:<8} {}",
                r.code, r.name, r.severity, r.summary
            )?;
        }
        Ok(())
    })?;
    Ok(ExitStatus::Clean)
}
