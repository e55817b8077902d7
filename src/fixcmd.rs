//! `whispir-migrate fix`: scan, fix each file in memory to a fixed point, then show a diff,
//! ask, or write atomically; finally report what is left.

use crate::ExitStatus;
use crate::app::{Stream, emit, prepare, print_errors, report_options};
use crate::cli::FixArgs;
use crate::diagnostic::Diagnostic;
use crate::engine::{self, FileReport, Outcome, RunInput, ScanError, check_file};
use crate::fix::{self, ApproveAll, Approver, FileFix};
use crate::report;
use crate::rules::RuleCode;
use crate::source::SourceFile;
use std::io::{BufRead, IsTerminal, Write};

pub fn run(args: &FixArgs) -> Result<ExitStatus, String> {
    let common = &args.common;
    let crate::app::Prepared {
        mut settings,
        walk,
        baseline,
    } = prepare(common)?;
    let threads = walk.threads;
    if common.paths.iter().any(|p| p.as_os_str() == "-") {
        return fix_stdin(args, &settings);
    }
    if args.interactive && !std::io::stdin().is_terminal() {
        return Err("--interactive needs a terminal on standard input".into());
    }
    let own = [&common.output, &args.report, &baseline];
    let input = RunInput {
        paths: &common.paths,
        walk,
        stdin_filename: None,
        own_files: crate::own_output::OwnFiles::of_run(
            own.into_iter().flatten().map(std::path::PathBuf::as_path),
        ),
    };
    let outcome = engine::run(&input, &settings, None)?;
    let mut errors = outcome.errors.clone();
    // Later passes re-check fixed text file by file: they apply what the whole run allows.
    settings.rules.base_urls = Some(outcome.base_urls.clone());

    let mut interactive = Interactive {
        all: false,
        quit: false,
        color: report_options(common, Stream::Stderr).color,
    };
    // Files are independent: fix them in parallel, except when a person answers for each fix.
    let results: Vec<FileFix> = if args.interactive {
        outcome
            .reports
            .iter()
            .map(|r| {
                contained_fix(|| {
                    fix::fix_file(
                        &r.file,
                        Some(r),
                        &settings,
                        args.unsafe_fixes,
                        &mut interactive,
                    )
                })
            })
            .collect()
    } else {
        parallel_map(&outcome.reports, threads, |r| {
            contained_fix(|| {
                fix::fix_file(
                    &r.file,
                    Some(r),
                    &settings,
                    args.unsafe_fixes,
                    &mut ApproveAll,
                )
            })
        })
    };
    let mut fixes: Vec<(FileFix, &FileReport)> = Vec::new();
    for (result, r) in results.into_iter().zip(&outcome.reports) {
        if let Some(e) = &result.error {
            errors.push(ScanError {
                path: r.file.display_path.clone(),
                message: e.clone(),
            });
        }
        for refused in &result.refused {
            errors.push(ScanError {
                path: r.file.display_path.clone(),
                message: format!("fix refused: {refused}"),
            });
        }
        fixes.push((result, r));
    }
    let changed: Vec<&(FileFix, &FileReport)> = fixes.iter().filter(|(f, _)| f.changed()).collect();

    if args.diff {
        let color = report_options(common, Stream::Stdout).color;
        emit(common, |out| {
            for (f, r) in &changed {
                let diff = unified_diff(r, &f.original, &f.fixed, common.show_secrets, color);
                out.write_all(diff.as_bytes())?;
            }
            Ok(())
        })?;
        print_errors(&errors);
        return Ok(if !errors.is_empty() {
            ExitStatus::Error
        } else if changed.is_empty() {
            ExitStatus::Clean
        } else {
            ExitStatus::Findings
        });
    }

    // Git is the user's undo: write only what it can restore.
    if !args.allow_dirty {
        let paths: Vec<std::path::PathBuf> = changed
            .iter()
            .filter(|(_, r)| !r.file.stream)
            .map(|(_, r)| r.file.path.clone())
            .collect();
        let refused = crate::vcs::files_without_undo(&paths).map_err(|e| {
            format!(
                "{}\nfix writes only what git can restore; pass --allow-dirty to write anyway",
                crate::escape::line(&e.to_string())
            )
        })?;
        if !refused.is_empty() {
            let list: Vec<String> = refused
                .iter()
                .map(|(p, why)| {
                    let p = p.display().to_string();
                    format!("  {}: {why}", crate::escape::line(&p))
                })
                .collect();
            return Err(format!(
                "{} file(s) to fix have no undo in git:\n{}\ngit restores only committed files: commit them first, or pass --allow-dirty (alias --allow-no-vcs) to write anyway",
                refused.len(),
                list.join("\n")
            ));
        }
    }

    let mut remaining = Outcome {
        files_scanned: outcome.files_scanned,
        skipped: outcome.skipped.clone(),
        own_outputs: outcome.own_outputs.clone(),
        ..Outcome::default()
    };
    // Writing syncs every file to disk: I/O-bound, so more writers than cores pay off.
    let write_threads = if threads == 0 { 8 } else { threads };
    let results: Vec<Option<Result<(), crate::write::WriteError>>> =
        parallel_map(&fixes, write_threads, |(f, r)| {
            // A stream (a FIFO, a device) was read once; there is nothing to write back to.
            (f.changed() && !r.file.stream).then(|| write_in_its_encoding(r, f))
        });
    let mut writes = Writes::default();
    for (result, (f, r)) in results.into_iter().zip(&fixes) {
        match result {
            Some(Ok(())) => {
                remaining.reports.extend(f.remaining.clone());
                writes.written.push((f, *r));
            }
            // Its findings are not "manual": the fixes exist and were not written.
            Some(Err(e)) => {
                errors.push(ScanError {
                    path: r.file.display_path.clone(),
                    message: e.to_string(),
                });
                writes.failed.push((f, *r, e.to_string()));
            }
            // Unchanged: what is left is what `check` found.
            None => {
                if f.changed() && r.file.stream {
                    eprintln!(
                        "note: {}: not a regular file (a pipe or device); fixes are not written (`--diff` shows them)",
                        crate::escape::line(&r.file.display_path)
                    );
                }
                remaining.reports.push((*r).clone())
            }
        }
    }
    remaining.errors = errors;
    remaining.errors.sort();
    let manual = remaining.diagnostic_count();
    if let Some(path) = &args.report {
        let text = migration_report(
            &settings,
            &writes,
            &remaining,
            &report_options(common, Stream::Stdout),
        );
        std::fs::write(path, text)
            .map_err(|e| format!("writing the migration report to {}: {e}", path.display()))?;
    }
    let options = report_options(common, Stream::Stdout);
    emit(common, |out| {
        if !common.quiet {
            writeln!(out, "{}", writes.summary(manual))?;
            if settings.rules.region.is_none() {
                writeln!(
                    out,
                    "note: no region given: retired hosts are not rewritten; pass --region (au, ap, ap1, nz, us, it, education), set WHISPIR_REGION or `region` in whispir-migrate.toml"
                )?;
            }
        }
        if manual > 0 {
            report::write(out, &remaining, &options)?;
        }
        Ok(())
    })?;
    crate::app::print_skipped(common, &remaining);
    print_errors(&remaining.errors);
    Ok(if !remaining.errors.is_empty() {
        ExitStatus::Error
    } else if (args.exit_non_zero_on_fix && !writes.written.is_empty())
        || (manual > 0 && !common.exit_zero)
    {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// What the write stage did: files written, and files whose fixes could not be written.
#[derive(Default)]
struct Writes<'a> {
    written: Vec<(&'a FileFix, &'a FileReport)>,
    /// With the reason, as reported among the errors.
    failed: Vec<(&'a FileFix, &'a FileReport, String)>,
}

impl Writes<'_> {
    fn fixes_written(&self) -> usize {
        self.written.iter().map(|(f, _)| f.applied.len()).sum()
    }

    fn fixes_failed(&self) -> usize {
        self.failed.iter().map(|(f, _, _)| f.applied.len()).sum()
    }

    /// `fixed N findings in M files[; X fixes in Y files not written]; K need manual changes`.
    fn summary(&self, manual: usize) -> String {
        let fixed = self.fixes_written();
        let mut line = format!(
            "fixed {fixed} finding{} in {} file{}",
            plural(fixed),
            self.written.len(),
            plural(self.written.len())
        );
        if !self.failed.is_empty() {
            let failed = self.fixes_failed();
            line += &format!(
                "; {failed} fix{} in {} file{} not written (errors below)",
                if failed == 1 { "" } else { "es" },
                self.failed.len(),
                plural(self.failed.len())
            );
        }
        line + &format!(
            "; {manual} need{} manual changes",
            if manual == 1 { "s" } else { "" }
        )
    }
}

/// `f` over `items` on `threads` workers (0: one per core), results in the items' order.
fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<R>>> =
        std::sync::Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers.min(items.len()).max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results.lock().expect("no panics while locked")[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("no panics while locked")
        .into_iter()
        .map(|r| r.expect("every item done"))
        .collect()
}

/// Fixes one file; a panic becomes that file's error and nothing is written for it.
fn contained_fix(work: impl FnOnce() -> FileFix) -> FileFix {
    engine::contained(work).unwrap_or_else(|error| FileFix {
        original: Vec::new(),
        fixed: Vec::new(),
        applied: Vec::new(),
        refused: Vec::new(),
        error: Some(error),
        remaining: None,
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `fix -`: the fixed text goes to standard output, the summary to standard error.
fn fix_stdin(args: &FixArgs, settings: &engine::Settings) -> Result<ExitStatus, String> {
    let mut bytes = Vec::new();
    engine::read_capped(std::io::stdin(), &mut bytes)
        .map_err(|e| format!("reading standard input: {e}"))?;
    let name = args
        .common
        .stdin_filename
        .clone()
        .unwrap_or_else(|| "-".into());
    let file = SourceFile::new(name.clone(), name.clone().into(), bytes);
    let result = fix::fix_file(&file, None, settings, args.unsafe_fixes, &mut ApproveAll);
    std::io::stdout()
        .write_all(&result.fixed)
        .map_err(|e| format!("writing standard output: {e}"))?;
    let left = check_file(
        SourceFile::new(name.clone(), name.into(), result.fixed.clone()),
        settings,
    );
    let manual = left.as_ref().map_or(0, |r| r.diagnostics.len());
    if !args.common.quiet {
        eprintln!(
            "fixed {} finding{}; {manual} need{} manual changes",
            result.applied.len(),
            plural(result.applied.len()),
            if manual == 1 { "s" } else { "" }
        );
    }
    if let Some(e) = result.error {
        eprintln!(
            "error: {}: {}",
            crate::escape::line(&file.display_path),
            crate::escape::line(&e)
        );
        return Ok(ExitStatus::Error);
    }
    Ok(
        if (args.exit_non_zero_on_fix && !result.applied.is_empty())
            || (manual > 0 && !args.common.exit_zero)
        {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        },
    )
}

/// A unified diff of one file, secrets redacted unless asked.
pub fn unified_diff(
    report: &FileReport,
    old: &[u8],
    new: &[u8],
    show_secrets: bool,
    color: bool,
) -> String {
    let shown = |bytes: &[u8]| {
        let text = report::redact_text(report, &String::from_utf8_lossy(bytes), show_secrets);
        crate::escape::text(&text).into_owned()
    };
    let (old, new) = (shown(old), shown(new));
    let path = crate::escape::line(&report.file.display_path);
    let path = path.trim_start_matches("./").trim_start_matches('/');
    let diff = similar::TextDiff::from_lines(&old, &new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    if !color {
        return text;
    }
    text.lines()
        .map(|l| match l.as_bytes().first() {
            Some(b'+') if !l.starts_with("+++") => format!("\x1b[32m{l}\x1b[0m\n"),
            Some(b'-') if !l.starts_with("---") => format!("\x1b[31m{l}\x1b[0m\n"),
            Some(b'@') => format!("\x1b[36m{l}\x1b[0m\n"),
            _ => format!("{l}\n"),
        })
        .collect()
}

/// Asks on the terminal for each fix: y(es), n(o), a(ll remaining), q(uit).
struct Interactive {
    all: bool,
    quit: bool,
    color: bool,
}

impl Approver for Interactive {
    fn wants_preview(&self) -> bool {
        !self.quit && !self.all
    }

    fn approve(&mut self, report: &FileReport, d: &Diagnostic, fixed: &[u8]) -> bool {
        if self.quit {
            return false;
        }
        if self.all {
            return true;
        }
        let fix_message = d.fix.as_ref().map_or(String::new(), |f| f.message.clone());
        let shown = |text: &str| {
            crate::escape::line(&report::redact_text(report, text, false)).into_owned()
        };
        eprintln!(
            "{}: {} {}\n{}",
            shown(&report.file.display_path),
            d.code,
            shown(&d.message),
            shown(&fix_message)
        );
        eprint!(
            "{}",
            unified_diff(report, &report.file.bytes, fixed, false, self.color)
        );
        loop {
            eprint!("Apply this fix? [y]es, [n]o, [a]ll remaining, [q]uit: ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            if std::io::stdin().lock().read_line(&mut line).unwrap_or(0) == 0 {
                self.quit = true;
                return false;
            }
            match line.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => return true,
                "n" | "no" => return false,
                "a" | "all" => {
                    self.all = true;
                    return true;
                }
                "q" | "quit" => {
                    self.quit = true;
                    return false;
                }
                _ => {}
            }
        }
    }
}

/// The Markdown summary of a migration, fit for a pull-request description.
fn migration_report(
    settings: &engine::Settings,
    writes: &Writes,
    remaining: &Outcome,
    opts: &report::ReportOptions,
) -> String {
    use std::fmt::Write as _;
    // The marker lets later runs recognise the report as the tool's own and pass it over.
    let mut md = format!(
        "{}\n# Whispir API migration\n\n",
        crate::own_output::REPORT_MARKER
    );
    match settings.rules.region {
        Some(r) => {
            let _ = writeln!(md, "Region: `{}` — retired hosts now point at `https://{}`.\n", r.label(), r.host());
        }
        None => md.push_str("Region: none given, so retired hosts were left as they are (`--region` rewrites them).\n\n"),
    }
    let written = &writes.written;
    let fixed = writes.fixes_written();
    let manual = remaining.diagnostic_count();
    let _ = writeln!(
        md,
        "- {fixed} finding{} fixed in {} file{}",
        plural(fixed),
        written.len(),
        plural(written.len())
    );
    if !writes.failed.is_empty() {
        let failed = writes.fixes_failed();
        let _ = writeln!(
            md,
            "- {failed} fix{} in {} file{} could not be written (listed below)",
            if failed == 1 { "" } else { "es" },
            writes.failed.len(),
            plural(writes.failed.len())
        );
    }
    let _ = writeln!(
        md,
        "- {manual} finding{} need{} a manual change (checklist below)\n",
        plural(manual),
        if manual == 1 { "s" } else { "" }
    );
    let mut by_rule: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (f, _) in written {
        for applied in &f.applied {
            *by_rule
                .entry(applied.split(' ').next().unwrap_or(""))
                .or_default() += 1;
        }
    }
    if !by_rule.is_empty() {
        md.push_str("## Fixed by rule\n\n| rule | fixed |\n|---|---:|\n");
        for (code, n) in &by_rule {
            let name = crate::rules::RuleCode::parse(code).map_or("", |c| c.info().name);
            let _ = writeln!(md, "| {code} {name} | {n} |");
        }
        md.push_str("\n## Files changed\n\n");
        for (f, r) in written {
            let _ = writeln!(
                md,
                "- `{}` ({} fix{})",
                crate::escape::line(r.file.display_path.trim_start_matches("./")),
                f.applied.len(),
                if f.applied.len() == 1 { "" } else { "es" }
            );
        }
        md.push('\n');
    }
    if !writes.failed.is_empty() {
        md.push_str("## Not written\n\nFix these again once the cause is resolved.\n\n");
        for (f, r, reason) in &writes.failed {
            let _ = writeln!(
                md,
                "- `{}` ({} fix{}): {}",
                crate::escape::line(r.file.display_path.trim_start_matches("./")),
                f.applied.len(),
                if f.applied.len() == 1 { "" } else { "es" },
                report::clean_line(r, reason, opts)
            );
        }
        md.push('\n');
    }
    if manual > 0 {
        md.push_str("## Manual changes\n\n");
        for r in &remaining.reports {
            for d in &r.diagnostics {
                let pos = r.file.line_col(d.span.start);
                let help = d
                    .help
                    .as_deref()
                    .map(|h| format!(" — {}", report::clean_line(r, h, opts)))
                    .unwrap_or_default();
                let _ = writeln!(
                    md,
                    "- [ ] `{}:{}` {} {}{help}",
                    crate::escape::line(r.file.display_path.trim_start_matches("./")),
                    pos.line,
                    d.code,
                    report::clean_line(r, &d.message, opts)
                );
            }
        }
        md.push('\n');
    }
    rotate_keys_checklist(&mut md, remaining, opts);
    md.push_str("Every request must now send `x-api-key`; `Authorization: Basic …` headers must be regenerated whenever the account password changes (`whispir-migrate auth-header`).\n");
    md
}

/// One "rotate this key" item per distinct literal key or password left in the files (WM003),
/// redacted, with where it is: a key that sat in URLs has been in proxy and server logs.
fn rotate_keys_checklist(md: &mut String, remaining: &Outcome, opts: &report::ReportOptions) {
    use std::fmt::Write as _;
    let mut keys: std::collections::BTreeMap<Vec<u8>, (String, Vec<String>)> = Default::default();
    for r in &remaining.reports {
        for d in r.diagnostics.iter().filter(|d| d.code == RuleCode::WM003) {
            let literal = r.file.bytes[d.span.clone()].to_vec();
            let text = String::from_utf8_lossy(&literal);
            let shown = if opts.show_secrets {
                text.into_owned()
            } else {
                crate::secrets::redact(&text)
            };
            let place = format!(
                "`{}:{}`",
                crate::escape::line(r.file.display_path.trim_start_matches("./")),
                r.file.line_index(d.span.start) + 1
            );
            keys.entry(literal)
                .or_insert_with(|| (shown, Vec::new()))
                .1
                .push(place);
        }
    }
    if keys.is_empty() {
        return;
    }
    md.push_str("## Rotate these keys

These keys and passwords are written in the repository (and a key that sat in a URL has been in proxy and server logs): issue new ones, read them from the environment or a secret store, then revoke the old ones.

");
    let mut items: Vec<(String, Vec<String>)> = keys.into_values().collect();
    items.sort_by(|a, b| a.1.cmp(&b.1));
    for (shown, places) in items {
        let _ = writeln!(
            md,
            "- [ ] rotate `{}` — {}",
            crate::escape::line(&shown),
            places.join(", ")
        );
    }
    md.push('\n');
}

/// Writes a fixed file in the encoding it was read in: UTF-16 text, decoded for scanning, is
/// encoded back with its byte order mark (or refused when that cannot be exact).
fn write_in_its_encoding(r: &FileReport, f: &FileFix) -> Result<(), crate::write::WriteError> {
    use crate::encoding::{Encoding, encode};
    use crate::write::{WriteError, write_fixed};
    match r.file.encoding {
        Encoding::AsRead => write_fixed(&r.file.path, &f.original, &f.fixed),
        encoding => {
            let original = encode(&f.original, encoding).map_err(WriteError::Encoding)?;
            let fixed = encode(&f.fixed, encoding).map_err(WriteError::Encoding)?;
            write_fixed(&r.file.path, &original, &fixed)
        }
    }
}
