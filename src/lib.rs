//! whispir-migrate: finds and fixes legacy Whispir API usage.
//!
//! The pipeline, one module each: `discover` (walk files) → `source` (bytes, lines) →
//! `detect` (facts about hosts and `apikey` parameters, using `lang` for tokens) → `rules`
//! (facts → diagnostics) → `report` (one module per format). `engine` strings them together;
//! `cmd` is the command layer, one module per subcommand, mapping arguments onto it. The
//! library never prints except through the writers it is handed.

pub mod auth;
pub mod baseline;
pub mod budget;
pub mod cli;
pub mod cmd;
pub mod codes;
pub mod completion;
pub mod config;
pub mod crossfile;
pub mod detect;
pub mod diagnostic;
pub mod discover;
pub mod encoding;
pub mod engine;
pub mod escape;
pub mod fix;
pub mod hosts;
pub mod lang;
pub mod manpage;
pub mod own_output;
pub mod parallel;
pub mod progress;
pub mod report;
pub mod request;
pub mod rules;
pub mod secrets;
pub mod source;
pub mod suppress;
pub mod vcs;
pub mod write;

/// What the process exits with (SPEC: 0 clean, 1 diagnostics remain, 2 error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Clean = 0,
    Findings = 1,
    Error = 2,
}
