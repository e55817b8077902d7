//! `whispir-migrate explain CODE`: one rule's documentation.

use super::output::to_stdout;
use crate::ExitStatus;
use crate::rules::{self, RuleCode};

pub(crate) fn run(code: &str) -> anyhow::Result<ExitStatus> {
    let Some(code) = RuleCode::parse(code) else {
        anyhow::bail!(
            "unknown rule `{code}`; known rules: {}",
            rules::known_codes()
        );
    };
    let info = code.info();
    to_stdout(|out| {
        writeln!(
            out,
            "# {} ({})\n\n{}\n\nDefault severity: {}.\n\n{}",
            info.code, info.name, info.summary, info.severity, info.explanation
        )
    })?;
    Ok(ExitStatus::Clean)
}
