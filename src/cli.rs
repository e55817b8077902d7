//! Command-line arguments.

use crate::codes::RuleCode;
use crate::hosts::Region;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `--region`: the labels are possible values (listed by `--help`, offered by shell
/// completion), `edu` a hidden alias; the typed label is then parsed as the config's is.
fn region_parser() -> impl TypedValueParser<Value = Region> {
    let labels = Region::ALL.map(|region| PossibleValue::new(region.label()));
    let edu = PossibleValue::new("edu").hide(true);
    PossibleValuesParser::new(labels.into_iter().chain([edu]))
        .try_map(|label| label.parse::<Region>())
}

/// A rule named on the command line (`--select`, `--ignore`): a code, a name, or `ALL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSelector {
    All,
    Rule(RuleCode),
}

impl RuleSelector {
    /// How precisely this names `code`: 2 by code or name, 1 through `ALL`, 0 not at all. The
    /// more precise of a select and an ignore wins (ruff's rule); equal, the ignore wins.
    pub fn specificity(self, code: RuleCode) -> u8 {
        match self {
            RuleSelector::Rule(c) if c == code => 2,
            RuleSelector::Rule(_) => 0,
            RuleSelector::All => 1,
        }
    }
}

fn rule_selector(text: &str) -> Result<RuleSelector, String> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(RuleSelector::All);
    }
    RuleCode::parse(text)
        .map(RuleSelector::Rule)
        .ok_or_else(|| {
            format!(
                "unknown rule `{text}` (known: {}, or ALL)",
                crate::rules::known_codes()
            )
        })
}

#[derive(Debug, Parser)]
#[command(
    name = "whispir-migrate",
    version,
    subcommand_value_name = "COMMAND",
    about = "Find and fix legacy Whispir API usage: the retired api.whispir.com gateway and API keys sent as ?apikey= instead of an x-api-key header."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report legacy Whispir API usage.
    Check(CheckArgs),
    /// Rewrite what can be proven safe: regional host, key moved into an x-api-key header.
    Fix(FixArgs),
    /// List the rules.
    Rules,
    /// Explain one rule: why, what is flagged, the fix, before and after.
    Explain {
        /// A rule code (WM002) or name (apikey-in-query).
        code: String,
    },
    /// Print the `Authorization: Basic …` header for a Whispir user (nothing is stored).
    AuthHeader(AuthHeaderArgs),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Args)]
pub struct AuthHeaderArgs {
    /// The Whispir user name (may not contain `:`).
    #[arg(long)]
    pub username: String,
    /// Read the password from standard input instead of a no-echo prompt.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other viewers.
    Sarif,
    /// GitLab code quality report.
    Gitlab,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub common: CheckArgs,

    /// Print a unified diff of the changes and write nothing (exit 1 if anything would change).
    #[arg(long, conflicts_with = "interactive")]
    pub diff: bool,

    /// Also apply unsafe fixes (a header placed through a followed variable, prose docs).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Show each fix and ask: y(es), n(o), a(ll remaining), q(uit).
    #[arg(long)]
    pub interactive: bool,

    /// Exit 1 when a file was changed (for pre-commit, which must fail after a fix).
    #[arg(long)]
    pub exit_non_zero_on_fix: bool,

    /// Write files git cannot restore: uncommitted changes, untracked or ignored files, no git
    /// work tree, or git unable to answer.
    #[arg(long, visible_alias = "allow-no-vcs")]
    pub allow_dirty: bool,

    /// Write a Markdown migration report (for a pull-request description) to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to scan (default: the current directory, paths shown without
    /// `./`); `-` reads standard input.
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Region of the account (`edu` is short for education; any case). Enables host fixes.
    #[arg(long, env = "WHISPIR_REGION", value_name = "REGION", value_parser = region_parser(), ignore_case = true)]
    pub region: Option<Region>,

    /// Use this config file instead of searching for one.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any config file.
    #[arg(long)]
    pub no_config: bool,

    /// Check only these rules (codes or names, comma-separated, or ALL), instead of every
    /// rule minus the config's `ignore`.
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = rule_selector)]
    pub select: Option<Vec<RuleSelector>>,

    /// Check these rules too, on top of the config's selection or `--select`.
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = rule_selector)]
    pub extend_select: Vec<RuleSelector>,

    /// Do not check these rules (codes or names, comma-separated, or ALL).
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = rule_selector)]
    pub ignore: Vec<RuleSelector>,

    /// Skip paths matching GLOB (gitignore syntax); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Do not honour .gitignore, .ignore and git excludes.
    #[arg(long)]
    pub no_ignore: bool,

    /// Apply excludes to paths named on the command line too (for pre-commit).
    #[arg(long)]
    pub force_exclude: bool,

    /// File name to use for standard input (`-`): picks the language and per-file settings.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Exit 0 even when diagnostics remain.
    #[arg(long)]
    pub exit_zero: bool,

    /// Print API keys and credentials in full instead of redacting them.
    #[arg(long)]
    pub show_secrets: bool,

    /// Show each fix as a small diff under its finding (human format).
    #[arg(long)]
    pub show_fixes: bool,

    /// When to use colour (`NO_COLOR` is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', default_value_t = 0, value_name = "N")]
    pub threads: usize,

    /// Print diagnostics only: no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Also list on standard error the paths passed over (symbolic links leading nowhere).
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Print the number of diagnostics per rule and per top-level directory.
    #[arg(long)]
    pub statistics: bool,

    /// Hide the findings recorded in this baseline file (also `baseline` in the config).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Report only what changed since the git commit REF introduces: findings whose line
    /// was already there at REF are not reported (`check` only).
    #[arg(long, value_name = "REF")]
    pub baseline_commit: Option<String>,

    /// Record the current findings in FILE (for adopting the gate in an existing repository).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}
