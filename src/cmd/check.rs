//! `whispir-migrate check`: scan, hide what the baseline accepts, report.

use super::input::Input;
use super::output::{self, Verdict, emit, exit_status, plural, print_errors, print_skipped};
use super::resolve::{Resolved, Stream};
use crate::ExitStatus;
use crate::cli::CheckArgs;
use crate::report;
use std::path::Path;

pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<ExitStatus> {
    let resolved = super::resolve::resolve(args)?;
    // Asked before scanning: an unknown REF or no repository stops the run at once.
    let against = match &resolved.baseline_commit {
        Some(reference) => Some(super::baseline_commit::Against::read(reference)?),
        None => None,
    };
    let input = Input::read(&resolved)?;
    let progress = crate::progress::Progress::start(resolved.quiet);
    let mut outcome = input.scan(&resolved, resolved.own_files(&[]), Some(progress.counter()))?;
    progress.finish();
    if let Some(path) = &resolved.write_baseline {
        return write_baseline(path, &outcome);
    }
    if let Some(against) = &against {
        against.apply(&mut outcome, &resolved.settings)?;
    }
    input.apply_baseline(&mut outcome);
    let mut options = resolved.report_options(Stream::Stdout);
    if shows_summary(&resolved) {
        options.need_region = super::hints::fixes_needing_region(&outcome, &resolved.settings);
    }
    emit(resolved.output.as_deref(), |out| {
        report::write(out, &outcome, &options)
    })?;
    print_skipped(resolved.verbose, &outcome);
    print_errors(&outcome.errors);
    let status = exit_status(&verdict(&resolved, &outcome));
    super::output::end_of_run(outcome);
    Ok(status)
}

/// Whether the report ends with the summary line that counts what fixes need.
fn shows_summary(resolved: &Resolved) -> bool {
    !resolved.quiet
        && !resolved.statistics
        && matches!(
            resolved.format,
            crate::cli::Format::Human | crate::cli::Format::Concise
        )
}

fn verdict(resolved: &Resolved, outcome: &crate::engine::Outcome) -> Verdict {
    Verdict {
        errors: outcome.errors.len(),
        remaining: outcome.diagnostic_count(),
        exit_zero: resolved.exit_zero,
        changes_fail: false,
    }
}

/// `--write-baseline FILE`: records every finding instead of reporting it.
fn write_baseline(path: &Path, outcome: &crate::engine::Outcome) -> anyhow::Result<ExitStatus> {
    let n = crate::baseline::write(path, outcome)?;
    eprintln!(
        "wrote {n} finding{} to the baseline {}",
        plural(n),
        path.display()
    );
    print_errors(&outcome.errors);
    Ok(output::exit_status(&Verdict {
        errors: outcome.errors.len(),
        remaining: 0,
        exit_zero: true,
        changes_fail: false,
    }))
}
