//! `whispir-migrate fix`: scan (as `check` does), plan (fix each file in memory to a fixed
//! point), then show a diff or write, and summarise what is left.

mod diff;
mod interactive;
mod migration_report;
mod plan;
mod summarise;
mod write;

use super::input::Input;
use super::output::{Verdict, emit, exit_status, plural, print_errors, print_skipped, verb_s};
use super::resolve::{Resolved, Stream};
use crate::ExitStatus;
use crate::cli::FixArgs;
use crate::crossfile::named::{Wanted, named_elsewhere, naming_files};
use crate::engine::Outcome;
use crate::report;
use interactive::Interactive;
use plan::Plan;
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use summarise::Left;
use write::Writes;

pub(crate) fn run(args: &FixArgs) -> anyhow::Result<ExitStatus> {
    let mut resolved = super::resolve::resolve(&args.common)?;
    refuse_unsupported(args, &resolved)?;
    let input = Input::read(&resolved)?;
    let own = resolved.own_files(std::slice::from_ref(&args.report));
    // The guard on each fix starts from the tree detection parsed, within a memory budget.
    crate::engine::keep_syntax_trees(KEPT_TREE_BYTES);
    let outcome = input.scan(&resolved, own, None)?;
    // Later passes re-check fixed text file by file: they apply what the whole run allows.
    resolved.settings.rules.base_urls = Some(outcome.base_urls.clone());
    if args.unsafe_fixes && outcome.base_urls.whole_repository {
        resolved.settings.rules.closed_builders = closed_builders(&resolved, &outcome);
    }
    let threads = resolved.walk.threads;
    let mut person = args
        .interactive
        .then(|| Interactive::new(resolved.report_options(Stream::Stderr).color));
    // The fix across files asks whether files it did not judge read what it changes.
    let named_outside = |wanted: &[Wanted], accounted: &HashSet<&str>| {
        naming_files(&resolved.paths, &resolved.walk, wanted, accounted)
    };
    let plan = plan::plan(
        args,
        &resolved.settings,
        threads,
        person.as_mut(),
        &outcome,
        &named_outside,
    );
    if args.diff {
        let status = show_diff(args, &resolved, &input, &outcome, &plan);
        super::output::end_of_run(plan);
        super::output::end_of_run(outcome);
        return status;
    }
    let mut errors = plan.errors.clone();
    let writes = match &input.stdin {
        Some(stdin) => write::print_stdin(&plan, &stdin.bytes)?,
        None => {
            if !args.allow_dirty {
                write::ensure_undo(&plan)?;
            }
            write::write_files(&plan, threads, &mut errors)
        }
    };
    let mut remaining = summarise::what_remains(
        &outcome,
        writes.written.iter().copied(),
        writes.unchanged.iter().copied(),
        writes.failed.iter().map(|(p, _)| *p),
        errors,
    );
    input.apply_baseline(&mut remaining);
    if let Some(path) = &args.report {
        let options = resolved.report_options(Stream::Stdout);
        let text = migration_report::render(&resolved.settings, &writes, &remaining, &options);
        std::fs::write(path, text).map_err(|e| {
            anyhow::Error::new(e).context(format!(
                "writing the migration report to {}",
                path.display()
            ))
        })?;
    }
    report_remaining(args, &resolved, input.stdin.is_some(), &writes, &remaining)?;
    print_skipped(resolved.verbose, &remaining);
    print_errors(&remaining.errors);
    let status = exit_status(&Verdict {
        errors: remaining.errors.len(),
        remaining: remaining.diagnostic_count(),
        exit_zero: resolved.exit_zero,
        changes_fail: args.exit_non_zero_on_fix && !writes.written.is_empty(),
    });
    super::output::end_of_run((writes, remaining));
    super::output::end_of_run(plan);
    super::output::end_of_run(outcome);
    Ok(status)
}

/// Combinations `fix` cannot honour, refused before anything is read.
fn refuse_unsupported(args: &FixArgs, resolved: &Resolved) -> anyhow::Result<()> {
    if resolved.write_baseline.is_some() {
        anyhow::bail!(
            "`fix` does not write baselines: record what is left after fixing with `whispir-migrate check --write-baseline FILE`"
        );
    }
    if resolved.baseline_commit.is_some() {
        anyhow::bail!(
            "`--baseline-commit` is for `check` (report what a change introduces); `fix` fixes every finding"
        );
    }
    if resolved.stdin_name.is_some() && !resolved.paths.is_empty() {
        anyhow::bail!(
            "`fix -` fixes standard input alone (the fixed text goes to standard output); pass files and directories in another run"
        );
    }
    if args.interactive && !std::io::stdin().is_terminal() {
        anyhow::bail!("--interactive needs a terminal on standard input");
    }
    Ok(())
}

/// The summary and the findings left for a manual change: on standard output, or on
/// standard error for `fix -` (whose standard output is the fixed text).
fn report_remaining(
    args: &FixArgs,
    resolved: &Resolved,
    from_stdin: bool,
    writes: &Writes,
    remaining: &Outcome,
) -> anyhow::Result<()> {
    let stream = if from_stdin {
        Stream::Stderr
    } else {
        Stream::Stdout
    };
    let mut options = resolved.report_options(stream);
    let left = Left::of(remaining, args.unsafe_fixes, &resolved.settings);
    options.need_region = left.need_region;
    // A JSON, SARIF or GitLab document is read by programs: it is the whole output, written
    // even when nothing remains, and the summary for a person goes to standard error.
    let document = matches!(
        options.format,
        crate::cli::Format::Json | crate::cli::Format::Sarif | crate::cli::Format::Gitlab
    );
    let summary = |out: &mut dyn Write| -> std::io::Result<()> {
        if !resolved.quiet {
            writeln!(out, "{}", summarise::summary_line(writes, &left))?;
            if resolved.settings.rules.region.is_none() {
                summarise::write_region_note(out)?;
            }
        }
        Ok(())
    };
    if document {
        summary(&mut std::io::stderr().lock())?;
    }
    let write = |out: &mut dyn Write| {
        if !document {
            summary(out)?;
        }
        if left.manual > 0 || document {
            report::write(out, remaining, &options)?;
        }
        Ok(())
    };
    if from_stdin && resolved.output.is_none() {
        let mut err = std::io::stderr().lock();
        return Ok(write(&mut err)?);
    }
    emit(resolved.output.as_deref(), write)
}

/// Memory of the syntax trees the scan keeps for the fixes (only files with a fix keep one),
/// as tree-sitter counts it: the trees of about 256 KiB of ordinary source. A tree over the
/// budget leaves verdicts on the texts the first pass tries instead (`Verdict`), so a larger
/// budget saves little parsing for its memory.
const KEPT_TREE_BYTES: usize = 6 << 20;

/// Files whose patches `fix --diff` computes at a time.
const DIFF_WAVE: usize = 64;

/// `fix --diff`: the patch of every changed file on standard output (nothing is written),
/// then on standard error what it would fix and leave, and whether the patch is applicable.
fn show_diff(
    args: &FixArgs,
    resolved: &Resolved,
    input: &Input,
    outcome: &Outcome,
    plan: &Plan,
) -> anyhow::Result<ExitStatus> {
    let color = resolved.report_options(Stream::Stdout).color;
    let mut redacted = false;
    let changed: Vec<_> = plan.changed().collect();
    // Diffed on the worker threads, a wave of files at a time, and written in order.
    emit(resolved.output.as_deref(), |out| {
        crate::parallel::map_in_waves(
            &changed,
            DIFF_WAVE,
            resolved.walk.threads,
            |p| {
                let fixed = p.fix.fixed().expect("a changed file has a fixed text");
                diff::unified_diff(
                    p.report,
                    &p.report.file.bytes,
                    fixed,
                    resolved.show_secrets,
                    color,
                )
            },
            |patch| {
                redacted |= patch.redacted;
                out.write_all(patch.text.as_bytes())
            },
        )
    })?;
    let unchanged = plan.files.iter().filter(|p| !p.changed());
    let mut remaining =
        summarise::what_remains(outcome, changed.iter().copied(), unchanged, [], Vec::new());
    input.apply_baseline(&mut remaining);
    if !resolved.quiet {
        let left = Left::of(&remaining, args.unsafe_fixes, &resolved.settings);
        let fixed = changed.iter().map(|p| p.fix.applied.len()).sum();
        eprintln!("{}", summarise::would_fix_line(fixed, changed.len(), &left));
        if redacted {
            eprintln!(
                "note: secrets in this patch are redacted, so `git apply` fails on it; pass --show-secrets for a patch that applies"
            );
        }
    }
    print_errors(&plan.errors);
    Ok(exit_status(&Verdict {
        errors: plan.errors.len(),
        remaining: 0,
        exit_zero: true,
        changes_fail: !changed.is_empty(),
    }))
}

/// The public URL builders of the scanned files that no other file of the repository names:
/// their callers in their own file are then all the repository has, and `fix --unsafe-fixes`
/// gives them the header (`request::url_builder`). `None` when there is none to search for.
fn closed_builders(
    resolved: &Resolved,
    outcome: &Outcome,
) -> Option<std::sync::Arc<crate::request::ClosedBuilders>> {
    let wanted: Vec<Wanted> = (outcome.reports.iter())
        .flat_map(|r| {
            let any_case = r.file.file_name().ends_with(".php");
            (r.open_builders.iter()).map(move |name| Wanted {
                file: r.file.display_path.clone(),
                name: name.clone(),
                any_case,
            })
        })
        .collect();
    if wanted.is_empty() {
        return None;
    }
    let named = named_elsewhere(
        &resolved.paths,
        &resolved.walk,
        &wanted,
        &Default::default(),
    );
    let closed = (wanted.into_iter().zip(named))
        .filter_map(|(w, named)| (!named).then_some((w.file, w.name)));
    let closed = crate::request::ClosedBuilders::new(closed);
    (!closed.is_empty()).then(|| std::sync::Arc::new(closed))
}
