//! Turns the command line and the config file into one `Resolved` value, once, before any
//! work starts (ripgrep's `HiArgs`): every later step reads settings from here and never
//! looks at the raw arguments or the config again.

use crate::cli::{CheckArgs, ColorChoice, Format, RuleSelector};
use crate::codes::RuleCode;
use crate::config::{self, Loaded};
use crate::discover::WalkOptions;
use crate::engine::Settings;
use crate::report::ReportOptions;
use crate::rules::{self, RuleContext};
use anyhow::Context as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Everything a `check` or `fix` run needs from the command line and the config file.
pub(crate) struct Resolved {
    pub settings: Settings,
    pub walk: WalkOptions,
    /// Files and directories to walk; standard input (`-`) is `stdin_name` instead.
    pub paths: Vec<PathBuf>,
    /// Set when `-` was given: the name standard input is shown and configured under.
    pub stdin_name: Option<String>,
    /// `--baseline`, or the config's `baseline` relative to the config file.
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    /// `--baseline-commit REF`.
    pub baseline_commit: Option<String>,
    pub output: Option<PathBuf>,
    pub format: Format,
    pub show_secrets: bool,
    /// `--show-fixes`: each fix as a diff under its finding (human format).
    pub show_fixes: bool,
    color: ColorChoice,
    pub quiet: bool,
    pub verbose: bool,
    pub statistics: bool,
    pub exit_zero: bool,
}

/// Where a report goes: colour is decided per stream.
#[derive(Clone, Copy)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

impl Resolved {
    /// How to render a report written to `to`.
    pub fn report_options(&self, to: Stream) -> ReportOptions {
        let is_terminal = match to {
            Stream::Stdout => self.output.is_none() && std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        };
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        ReportOptions {
            format: self.format,
            show_secrets: self.show_secrets,
            show_fixes: self.show_fixes,
            color,
            quiet: self.quiet,
            statistics: self.statistics,
            need_region: 0,
            threads: self.walk.threads,
        }
    }

    /// The files this run writes or reads as its own besides the report: never scanned.
    pub fn own_files<'a>(&'a self, more: &'a [Option<PathBuf>]) -> crate::own_output::OwnFiles {
        let own = [&self.output, &self.baseline, &self.write_baseline];
        crate::own_output::OwnFiles::of_run(
            own.into_iter().chain(more).flatten().map(PathBuf::as_path),
        )
    }
}

pub(crate) fn resolve(args: &CheckArgs) -> anyhow::Result<Resolved> {
    let loaded = load_config(args)?;
    let cfg = &loaded.config;
    let cwd = std::env::current_dir().context("reading the current directory")?;
    // Config globs are relative to the config file's directory, command-line ones to here.
    let config_root = loaded
        .path
        .as_ref()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .and_then(|p| p.parent().map(PathBuf::from));
    let mut config_excludes = cfg.exclude.clone().unwrap_or_default();
    config_excludes.extend(cfg.extend_exclude.iter().flatten().cloned());
    let excludes = vec![
        (
            config_root.clone().unwrap_or_else(|| cwd.clone()),
            config_excludes,
        ),
        (cwd, args.exclude.clone()),
    ];
    let settings = Settings {
        rules: RuleContext {
            region: args.region.or(cfg.region),
            base_urls: None,
            closed_builders: None,
        },
        ignored: turned_off(cfg.ignore.as_deref().unwrap_or_default(), args),
        config_root,
        per_file_ignores: match &cfg.per_file_ignores {
            Some(map) => Settings::per_file_ignores_from(map)?,
            None => Vec::new(),
        },
    };
    let implicit_root = args.paths.is_empty();
    let walk = WalkOptions {
        no_ignore: args.no_ignore,
        force_exclude: args.force_exclude,
        threads: capped_threads(args.threads),
        excludes,
        implicit_root,
    };
    let (paths, stdin): (Vec<&PathBuf>, Vec<&PathBuf>) =
        args.paths.iter().partition(|p| p.as_os_str() != "-");
    let paths = if implicit_root {
        vec![PathBuf::from(".")]
    } else {
        paths.into_iter().cloned().collect()
    };
    let stdin_name = (!stdin.is_empty()).then(|| {
        args.stdin_filename
            .clone()
            .unwrap_or_else(|| "-".to_string())
    });
    Ok(Resolved {
        settings,
        walk,
        paths,
        stdin_name,
        baseline: baseline_path(args, &loaded),
        write_baseline: args.write_baseline.clone(),
        baseline_commit: args.baseline_commit.clone(),
        output: args.output.clone(),
        format: args.format,
        show_secrets: args.show_secrets,
        show_fixes: args.show_fixes,
        color: args.color,
        quiet: args.quiet,
        verbose: args.verbose,
        statistics: args.statistics,
        exit_zero: args.exit_zero,
    })
}

/// The rules a run does not check, resolved as ruff resolves its selection: the config's
/// `ignore` turns rules off; then on the command line `--select` starts again from nothing
/// (dropping the config's `ignore`), `--extend-select` adds, `--ignore` removes. A rule named
/// by a select and an ignore goes to the more precise of the two (a code beats `ALL`) and, at
/// equal precision, to the ignore.
fn turned_off(config_ignore: &[RuleCode], args: &CheckArgs) -> Vec<RuleCode> {
    let selects: Vec<RuleSelector> = args
        .select
        .iter()
        .flatten()
        .chain(&args.extend_select)
        .copied()
        .collect();
    let most_precise = |selectors: &[RuleSelector], code| {
        selectors
            .iter()
            .map(|s| s.specificity(code))
            .max()
            .unwrap_or(0)
    };
    rules::ALL
        .iter()
        .map(|r| r.code)
        .filter(|&code| {
            let (select, ignore) = (
                most_precise(&selects, code),
                most_precise(&args.ignore, code),
            );
            let on = if select > 0 || ignore > 0 {
                select > ignore
            } else if args.select.is_some() {
                false
            } else {
                !config_ignore.contains(&code)
            };
            !on
        })
        .collect()
}

fn load_config(args: &CheckArgs) -> anyhow::Result<Loaded> {
    if args.no_config {
        return Ok(Loaded::default());
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|d| config::discover(&d)),
    };
    match path {
        Some(p) => Ok(config::load(&p)?),
        None => Ok(Loaded::default()),
    }
}

/// `--baseline FILE`, else the config's `baseline`, which is relative to the config file.
fn baseline_path(args: &CheckArgs, loaded: &Loaded) -> Option<PathBuf> {
    args.baseline.clone().or_else(|| {
        let b = loaded.config.baseline.clone()?;
        let config_dir = loaded.path.as_deref().and_then(Path::parent);
        Some(match config_dir {
            Some(dir) if b.is_relative() => dir.join(b),
            _ => b,
        })
    })
}

/// `--threads` above this many per available CPU only costs memory and start-up time.
const MAX_THREADS_PER_CPU: usize = 8;

/// The worker count to use for `--threads requested` (0: one per CPU), capped with a warning.
fn capped_threads(requested: usize) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max = MAX_THREADS_PER_CPU * cpus;
    if requested > max {
        eprintln!(
            "warning: --threads {requested} is more than {MAX_THREADS_PER_CPU} per available CPU ({cpus}); using {max}"
        );
        max
    } else {
        requested
    }
}
