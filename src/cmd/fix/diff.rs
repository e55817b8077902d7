//! Unified diffs of fixed files, for `fix --diff` and the `--interactive` preview.

use crate::engine::FileReport;
use crate::report;

/// A unified diff of one file, secrets redacted unless asked.
pub(super) fn unified_diff(
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
