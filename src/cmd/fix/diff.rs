//! Unified diffs of fixed files, for `fix --diff` and the `--interactive` preview.

use crate::engine::FileReport;
use crate::report;

/// One file's patch as shown.
pub(super) struct Patch {
    pub text: String,
    /// A secret was redacted: the patch no longer applies to the file.
    pub redacted: bool,
}

/// A unified diff of one file, secrets redacted unless asked.
pub(super) fn unified_diff(
    report: &FileReport,
    old: &[u8],
    new: &[u8],
    show_secrets: bool,
    color: bool,
) -> Patch {
    let mut redacted = false;
    let mut shown = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        let clean = report::redact_text(report, &text, show_secrets);
        redacted |= clean != text;
        crate::escape::text(&clean).into_owned()
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
    let text = if color { colored(&text) } else { text };
    Patch { text, redacted }
}

/// A unified diff with additions green, removals red and hunk headers cyan.
fn colored(text: &str) -> String {
    text.lines()
        .map(|l| match l.as_bytes().first() {
            Some(b'+') if !l.starts_with("+++") => format!("\x1b[32m{l}\x1b[0m\n"),
            Some(b'-') if !l.starts_with("---") => format!("\x1b[31m{l}\x1b[0m\n"),
            Some(b'@') => format!("\x1b[36m{l}\x1b[0m\n"),
            _ => format!("{l}\n"),
        })
        .collect()
}
