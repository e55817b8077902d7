//! `whispir-migrate completions SHELL` and `whispir-migrate man`: files generated from the
//! command-line definition.

use super::output::to_stdout;
use crate::ExitStatus;

pub(crate) fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitStatus> {
    to_stdout(|out| out.write_all(&crate::completion::script(shell)))?;
    Ok(ExitStatus::Clean)
}

pub(crate) fn man() -> anyhow::Result<ExitStatus> {
    to_stdout(crate::manpage::render)?;
    Ok(ExitStatus::Clean)
}
