//! The command layer: one module per subcommand, dispatched from `run`. `resolve` turns the
//! command line and the config file into settings once; `input` reads and scans what
//! `check` and `fix` share; `output` holds the one exit-status function. Errors here are
//! `anyhow` (context added on the way up); the library below returns typed errors.

mod auth_header;
mod baseline_commit;
mod check;
mod explain;
mod fix;
mod generated;
mod hints;
mod input;
mod output;
mod resolve;
mod rules;

use crate::ExitStatus;
use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> ExitStatus {
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Fix(args) => fix::run(&args),
        Command::Rules => rules::run(),
        Command::Explain { code } => explain::run(&code),
        Command::AuthHeader(args) => auth_header::run(&args),
        Command::Completions { shell } => generated::completions(shell),
        Command::Man => generated::man(),
    };
    match result {
        Ok(status) => status,
        // The reader went away (`check | head -1`): it has what it wanted, as with ripgrep.
        Err(_) if output::stdout_closed() => ExitStatus::Clean,
        Err(error) => {
            // `{:#}`: the context chain on one line, "writing report to x: permission denied".
            eprintln!("error: {}", crate::escape::text(&format!("{error:#}")));
            ExitStatus::Error
        }
    }
}
