//! Maps the command line onto the engine: loads configuration, runs, writes the report and
//! decides the exit status. Errors go to standard error in cargo's wording.

use crate::ExitStatus;
use crate::cli::{CheckArgs, Cli, ColorChoice, Command};
use crate::config::{self, Loaded};
use crate::discover::WalkOptions;
use crate::engine::{self, RunInput, Settings};
use crate::own_output::OwnFiles;
use crate::report::{self, ReportOptions};
use crate::rules::{self, RuleCode, RuleContext};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

pub fn run(cli: Cli) -> ExitStatus {
    let mut stdout = std::io::stdout().lock();
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Fix(args) => crate::fixcmd::run(&args),
        Command::AuthHeader(args) => crate::auth::run(&args),
        Command::Completions { shell } => stdout
            .write_all(&crate::completion::script(shell))
            .map(|_| ExitStatus::Clean)
            .map_err(|e| stdout_error(&e)),
        Command::Man => crate::manpage::render(&mut stdout)
            .map(|_| ExitStatus::Clean)
            .map_err(|e| stdout_error(&e)),
        Command::Rules => print_rules(&mut stdout)
            .map(|_| ExitStatus::Clean)
            .map_err(|e| stdout_error(&e)),
        Command::Explain { code } => explain(&code, &mut stdout),
    };
    match result {
        Ok(status) => status,
        // The reader went away (`check | head -1`): it has what it wanted, as with ripgrep.
        Err(_) if STDOUT_CLOSED.load(Ordering::Relaxed) => ExitStatus::Clean,
        Err(message) => {
            eprintln!("error: {}", crate::escape::text(&message));
            ExitStatus::Error
        }
    }
}

/// Set when standard output's reader closed it: the run then ends quietly.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// The message for a failed write to standard output, noting a closed pipe.
fn stdout_error(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
    format!("writing to standard output: {e}")
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

fn print_rules(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{:<6} {:<18} {:<8} summary", "code", "name", "default")?;
    for r in rules::ALL {
        writeln!(
            out,
            "{:<6} {:<18} {:<8} {}",
            r.code, r.name, r.severity, r.summary
        )?;
    }
    Ok(())
}

fn explain(code: &str, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let Some(code) = RuleCode::parse(code) else {
        return Err(format!(
            "unknown rule `{code}`; known rules: {}",
            rules::known_codes()
        ));
    };
    let info = code.info();
    writeln!(
        out,
        "# {} ({})\n\n{}\n\nDefault severity: {}.\n\n{}",
        info.code, info.name, info.summary, info.severity, info.explanation
    )
    .map_err(|e| stdout_error(&e))?;
    Ok(ExitStatus::Clean)
}

fn load_config(args: &CheckArgs) -> Result<Loaded, String> {
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
        Some(p) => config::load(&p).map_err(|e| e.to_string()),
        None => Ok(Loaded::default()),
    }
}

/// Settings and walk options from the config file and the command line.
/// Everything a run needs from the config file and the command line.
pub(crate) struct Prepared {
    pub settings: Settings,
    pub walk: WalkOptions,
    /// `--baseline`, or the config's `baseline` relative to the config file.
    pub baseline: Option<PathBuf>,
}

pub(crate) fn prepare(args: &CheckArgs) -> Result<Prepared, String> {
    let loaded = load_config(args)?;
    let cfg = &loaded.config;
    let cwd = std::env::current_dir().map_err(|e| format!("reading the current directory: {e}"))?;
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
        },
        ignored: cfg.ignore.clone().unwrap_or_default(),
        config_root,
        per_file_ignores: match &cfg.per_file_ignores {
            Some(map) => Settings::per_file_ignores_from(map)?,
            None => Vec::new(),
        },
    };
    let walk = WalkOptions {
        no_ignore: args.no_ignore,
        force_exclude: args.force_exclude,
        threads: capped_threads(args.threads),
        excludes,
    };
    let config_dir = loaded
        .path
        .as_ref()
        .and_then(|p| p.parent().map(PathBuf::from));
    let baseline = args.baseline.clone().or_else(|| {
        let b = cfg.baseline.clone()?;
        Some(match &config_dir {
            Some(dir) if b.is_relative() => dir.join(b),
            _ => b,
        })
    });
    Ok(Prepared {
        settings,
        walk,
        baseline,
    })
}

pub(crate) fn report_options(args: &CheckArgs, to: Stream) -> ReportOptions {
    let is_terminal = match to {
        Stream::Stdout => args.output.is_none() && std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    ReportOptions {
        format: args.format,
        show_secrets: args.show_secrets,
        color,
        quiet: args.quiet,
        statistics: args.statistics,
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

/// Writes the report to `--output` or standard output as `write` produces it: a report can
/// be many times larger than the files it describes (a finding on every line), so it is
/// never held whole in memory.
pub(crate) fn emit(
    args: &CheckArgs,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    match &args.output {
        Some(path) => {
            let failed = |e: std::io::Error| format!("writing report to {}: {e}", path.display());
            let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(failed)?);
            write(&mut out).and_then(|()| out.flush()).map_err(failed)
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            write(&mut out)
                .and_then(|()| out.flush())
                .map_err(|e| stdout_error(&e))
        }
    }
}

/// `--verbose`: the paths passed over and why.
pub(crate) fn print_skipped(args: &CheckArgs, outcome: &crate::engine::Outcome) {
    if args.verbose {
        for s in outcome.skipped.iter().chain(&outcome.own_outputs) {
            eprintln!(
                "skipped: {}: {}",
                crate::escape::line(&s.path),
                crate::escape::line(&s.message)
            );
        }
    }
}

pub(crate) fn print_errors(errors: &[crate::engine::ScanError]) {
    // I/O problems go to standard error in every format (JSON also lists them in `summary`).
    for e in errors {
        let path = if e.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", crate::escape::line(&e.path))
        };
        eprintln!("error: {path}{}", crate::escape::line(&e.message));
    }
}

fn check(args: &CheckArgs) -> Result<ExitStatus, String> {
    let Prepared {
        settings,
        walk,
        baseline,
    } = prepare(args)?;
    let own = [&args.output, &baseline, &args.write_baseline];
    let input = RunInput {
        paths: &args.paths,
        walk,
        stdin_filename: args.stdin_filename.clone(),
        own_files: OwnFiles::of_run(own.into_iter().flatten().map(PathBuf::as_path)),
    };
    let progress = crate::progress::Progress::start(args.quiet);
    let mut outcome = engine::run(&input, &settings, Some(progress.counter()))?;
    progress.finish();
    if let Some(path) = &args.write_baseline {
        let n = crate::baseline::write(path, &outcome)?;
        eprintln!(
            "wrote {n} finding{} to the baseline {}",
            if n == 1 { "" } else { "s" },
            path.display()
        );
        print_errors(&outcome.errors);
        return Ok(if outcome.errors.is_empty() {
            ExitStatus::Clean
        } else {
            ExitStatus::Error
        });
    }
    if let Some(path) = &baseline {
        let b = crate::baseline::load(path)?;
        let (hidden, stale) = crate::baseline::apply(&b, path, &mut outcome);
        outcome.baseline = Some(crate::engine::BaselineStats { hidden, stale });
    }
    let options = report_options(args, Stream::Stdout);
    emit(args, |out| report::write(out, &outcome, &options))?;
    print_skipped(args, &outcome);
    print_errors(&outcome.errors);
    Ok(if !outcome.errors.is_empty() {
        ExitStatus::Error
    } else if outcome.diagnostic_count() > 0 && !args.exit_zero {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
