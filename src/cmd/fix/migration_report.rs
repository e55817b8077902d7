//! `fix --report FILE.md`: the Markdown summary of a migration, fit for a pull-request
//! description: what was fixed per rule and file, what could not be written, a checklist of
//! manual changes and of keys to rotate.

use super::write::Writes;
use super::{plural, verb_s};
use crate::engine::{self, Outcome};
use crate::report;
use crate::rules::RuleCode;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The Markdown summary of a migration, fit for a pull-request description.
pub(super) fn render(
    settings: &engine::Settings,
    writes: &Writes,
    remaining: &Outcome,
    opts: &report::ReportOptions,
) -> String {
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
    counts(&mut md, writes, remaining.diagnostic_count());
    fixed_by_rule(&mut md, writes);
    not_written(&mut md, writes, opts);
    manual_checklist(&mut md, remaining, opts);
    rotate_keys_checklist(&mut md, remaining, opts);
    md.push_str("Every request must now send `x-api-key`; `Authorization: Basic …` headers must be regenerated whenever the account password changes (`whispir-migrate auth-header`).\n");
    md
}

/// A path as shown in the report: relative, without `./`.
fn shown(path: &str) -> std::borrow::Cow<'_, str> {
    crate::escape::line(path.trim_start_matches("./"))
}

fn fixes(n: usize) -> &'static str {
    if n == 1 { "fix" } else { "fixes" }
}

/// Fixed, not written and manual, one bullet each.
fn counts(md: &mut String, writes: &Writes, manual: usize) {
    let (fixed, files) = (writes.fixes_written(), writes.written.len());
    let _ = writeln!(
        md,
        "- {fixed} finding{} fixed in {files} file{}",
        plural(fixed),
        plural(files)
    );
    if !writes.failed.is_empty() {
        let (failed, files) = (writes.fixes_failed(), writes.failed.len());
        let _ = writeln!(
            md,
            "- {failed} {} in {files} file{} could not be written (listed below)",
            fixes(failed),
            plural(files)
        );
    }
    let _ = writeln!(
        md,
        "- {manual} finding{} need{} a manual change (checklist below)\n",
        plural(manual),
        verb_s(manual)
    );
}

/// The fixes written, per rule and per file.
fn fixed_by_rule(md: &mut String, writes: &Writes) {
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &writes.written {
        for applied in &p.fix.applied {
            *by_rule
                .entry(applied.split(' ').next().unwrap_or(""))
                .or_default() += 1;
        }
    }
    if by_rule.is_empty() {
        return;
    }
    md.push_str("## Fixed by rule\n\n| rule | fixed |\n|---|---:|\n");
    for (code, n) in &by_rule {
        let name = RuleCode::parse(code).map_or("", |c| c.info().name);
        let _ = writeln!(md, "| {code} {name} | {n} |");
    }
    md.push_str("\n## Files changed\n\n");
    for p in &writes.written {
        let n = p.fix.applied.len();
        let _ = writeln!(md, "- `{}` ({n} {})", shown(p.shown_path()), fixes(n));
    }
    md.push('\n');
}

/// Files whose fixes could not be written, with the reason.
fn not_written(md: &mut String, writes: &Writes, opts: &report::ReportOptions) {
    if writes.failed.is_empty() {
        return;
    }
    md.push_str("## Not written\n\nFix these again once the cause is resolved.\n\n");
    for (p, reason) in &writes.failed {
        let n = p.fix.applied.len();
        let _ = writeln!(
            md,
            "- `{}` ({n} {}): {}",
            shown(p.shown_path()),
            fixes(n),
            report::clean_line(p.report, reason, opts)
        );
    }
    md.push('\n');
}

/// One checkbox per finding left for a person, with its help.
fn manual_checklist(md: &mut String, remaining: &Outcome, opts: &report::ReportOptions) {
    if remaining.diagnostic_count() == 0 {
        return;
    }
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
                shown(&r.file.display_path),
                pos.line,
                d.code,
                report::clean_line(r, &d.message, opts)
            );
        }
    }
    md.push('\n');
}

/// One "rotate this key" item per distinct literal key or password left in the files (WM003),
/// redacted, with where it is: a key that sat in URLs has been in proxy and server logs.
fn rotate_keys_checklist(md: &mut String, remaining: &Outcome, opts: &report::ReportOptions) {
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
