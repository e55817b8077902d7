//! The files whispir-migrate writes itself — reports in every format, the migration report,
//! baselines — quote legacy URLs on purpose. Scanning them would report the report (and
//! `fix --unsafe-fixes` would rewrite it), so they are passed over:
//!
//! - within a run, by identity: the `--output`, `--report` and baseline files, and standard
//!   output when it is redirected into a regular file (`check . > findings.txt`);
//! - across runs, by content: only the exact shapes the tool writes (a file that merely
//!   mentions the tool is scanned like any other).
//!
//! Recognition runs only on files that passed the `whispir` prefilter, so the files of a
//! repository that never mention Whispir cost nothing here.

use regex::bytes::Regex;
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

/// The first line of every migration report (`fix --report`): what recognises it later.
pub const REPORT_MARKER: &str =
    "<!-- whispir-migrate migration report: written by `whispir-migrate fix --report` -->";

/// The files this run writes or reads as its own: identified by device and inode, so any
/// name for them (a relative path, a symbolic link, a hard link) matches.
#[derive(Debug, Default, Clone)]
pub struct OwnFiles {
    ids: HashSet<(u64, u64)>,
}

impl OwnFiles {
    /// The existing files among `paths`, plus standard output when it is a regular file.
    pub fn of_run<'a>(paths: impl IntoIterator<Item = &'a Path>) -> OwnFiles {
        use std::os::unix::fs::MetadataExt;
        let mut ids: HashSet<(u64, u64)> = paths
            .into_iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .filter(|m| m.is_file())
            .map(|m| (m.dev(), m.ino()))
            .collect();
        if let Some(m) = stdout_metadata().filter(|m| m.is_file()) {
            ids.insert((m.dev(), m.ino()));
        }
        OwnFiles { ids }
    }

    /// True when the open file is one of them. Asks the file's identity only when the run
    /// has such files at all: most runs have none, and reading skips that system call.
    pub fn holds(&self, file: &std::fs::File) -> bool {
        use std::os::unix::fs::MetadataExt;
        !self.ids.is_empty()
            && file
                .metadata()
                .is_ok_and(|m| self.ids.contains(&(m.dev(), m.ino())))
    }
}

fn stdout_metadata() -> Option<std::fs::Metadata> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    std::fs::File::from(fd).metadata().ok()
}

/// The formats recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnOutput {
    MigrationReport,
    Sarif,
    Json,
    GitLab,
    Human,
    Concise,
    GitHub,
    Patch,
}

impl OwnOutput {
    /// For `--verbose` and `--statistics`.
    pub fn describe(self) -> &'static str {
        match self {
            OwnOutput::MigrationReport => "a migration report written by whispir-migrate",
            OwnOutput::Sarif => "a SARIF report written by whispir-migrate",
            OwnOutput::Json => "a JSON report written by whispir-migrate",
            OwnOutput::GitLab => "a GitLab code quality report written by whispir-migrate",
            OwnOutput::Human => "a report written by whispir-migrate (human format)",
            OwnOutput::Concise => "a report written by whispir-migrate (concise format)",
            OwnOutput::GitHub => "a report written by whispir-migrate (github format)",
            OwnOutput::Patch => "a patch written by whispir-migrate (`fix --diff`)",
        }
    }
}

/// `error[WM001]: …` then `   ┌─ path:line:col`: the first diagnostic of the human format.
static HUMAN_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\A(?:error|warning|note)\[WM\d{3}\]: [^\n]*\n[ ]+┌─ [^\n]+:\d+:\d+\r?\n")
        .expect("valid pattern")
});
/// `path:line:col: WM001 …`: a line of the concise format.
static CONCISE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A[^\n]+:\d+:\d+: WM\d{3} [^\n]*\r?\n").expect("valid pattern"));
/// `::error file=…,title=WM001 name::…`: a line of the github format.
static GITHUB_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\A::(?:error|warning|notice) file=[^\n]*,title=WM\d{3} [^\n:]*::[^\n]*\r?\n")
        .expect("valid pattern")
});
/// `fixed 3 findings in 2 files; …` (and the region note): what `fix` prints before the
/// remaining findings.
static FIX_SUMMARY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\Afixed \d+ findings? in \d+ files?[^\n]*\n(?:note: no region given[^\n]*\n)?")
        .expect("valid pattern")
});

/// Which of the tool's own formats `bytes` is, if any.
pub fn recognise(bytes: &[u8]) -> Option<OwnOutput> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if text.starts_with(REPORT_MARKER.as_bytes()) {
        return Some(OwnOutput::MigrationReport);
    }
    // Each pattern is tried only on text that starts as it must: most files start otherwise,
    // and then no pattern is ever compiled.
    let text = match text.starts_with(b"fixed ") {
        true => FIX_SUMMARY.find(text).map_or(text, |m| &text[m.end()..]),
        false => text,
    };
    let first_line = &text[..memchr::memchr(b'\n', text).unwrap_or(text.len())];
    let severity_first = [&b"error["[..], b"warning[", b"note["]
        .iter()
        .any(|s| text.starts_with(s));
    match text.trim_ascii_start().first() {
        Some(b'{' | b'[') => json_shape(text),
        _ if severity_first && HUMAN_START.is_match(text) => Some(OwnOutput::Human),
        _ if memchr::memmem::find(first_line, b": WM").is_some() && CONCISE_LINE.is_match(text) => {
            Some(OwnOutput::Concise)
        }
        _ if text.starts_with(b"::") && GITHUB_LINE.is_match(text) => Some(OwnOutput::GitHub),
        _ if text.starts_with(b"--- a/") && is_fix_patch(text) => Some(OwnOutput::Patch),
        _ => None,
    }
}

/// `fix --diff`'s patch, secrets redacted or not: nothing but file sections `--- a/P`,
/// `+++ b/P`, each with hunks whose lines add up to their `@@ -a,b +c,d @@` header. A git
/// diff (`diff --git`, `index` lines), `diff -u` (dates after the names) or a patch edited
/// by hand has other lines, and is scanned.
fn is_fix_patch(text: &[u8]) -> bool {
    let mut lines = text
        .split_inclusive(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\n").unwrap_or(l))
        .peekable();
    let mut sections = 0;
    while let Some(old) = lines.next() {
        let Some(path) = old.strip_prefix(b"--- a/") else {
            return false;
        };
        if lines.next() != Some(&[&b"+++ b/"[..], path].concat()[..]) {
            return false;
        }
        let mut hunks = 0;
        while let Some(header) = lines.next_if(|l| l.starts_with(b"@@ -")) {
            let Some((mut old_left, mut new_left)) = hunk_lengths(header) else {
                return false;
            };
            while old_left + new_left > 0 {
                match lines.next().and_then(|l| l.first()) {
                    Some(b' ') if old_left > 0 && new_left > 0 => {
                        old_left -= 1;
                        new_left -= 1;
                    }
                    Some(b'-') if old_left > 0 => old_left -= 1,
                    Some(b'+') if new_left > 0 => new_left -= 1,
                    // `\ No newline at end of file`, after a hunk's line.
                    Some(b'\\') => {}
                    _ => return false,
                }
            }
            lines.next_if(|l| l.starts_with(b"\\"));
            hunks += 1;
        }
        if hunks == 0 {
            return false;
        }
        sections += 1;
    }
    sections > 0
}

/// The old and new line counts of a hunk header `@@ -a,b +c,d @@` (a count left out is 1).
fn hunk_lengths(header: &[u8]) -> Option<(usize, usize)> {
    let ranges = std::str::from_utf8(header.strip_prefix(b"@@ -")?.strip_suffix(b" @@")?).ok()?;
    let (old, new) = ranges.split_once(" +")?;
    let count = |range: &str| -> Option<usize> {
        let (start, len) = range.split_once(',').unwrap_or((range, "1"));
        start.parse::<usize>().ok()?;
        len.parse().ok()
    };
    Some((count(old)?, count(new)?))
}

/// The JSON documents: a SARIF log whose every run names whispir-migrate as its tool, the
/// json format (`version`, `diagnostics`, `summary`), and the GitLab format (an array of
/// issues whose `check_name` is one of our codes).
fn json_shape(text: &[u8]) -> Option<OwnOutput> {
    // Parsing is the only exact test; a cheap look for the names first spares it most files.
    let names = [
        &b"\"whispir-migrate\""[..],
        b"\"diagnostics\"",
        b"\"check_name\"",
    ];
    if !names
        .iter()
        .any(|n| memchr::memmem::find(text, n).is_some())
    {
        return None;
    }
    let doc: Value = serde_json::from_slice(text).ok()?;
    let is_code = |v: &Value| {
        v.as_str()
            .is_some_and(|s| crate::rules::RuleCode::parse(s).is_some() && s.starts_with("WM"))
    };
    match &doc {
        Value::Object(top) => {
            if let Some(runs) = top.get("runs").and_then(Value::as_array) {
                let ours = |run: &Value| {
                    run.pointer("/tool/driver/name").and_then(Value::as_str)
                        == Some("whispir-migrate")
                };
                return (!runs.is_empty() && runs.iter().all(ours)).then_some(OwnOutput::Sarif);
            }
            let keys: HashSet<&str> = top.keys().map(String::as_str).collect();
            let shape = keys == HashSet::from(["version", "diagnostics", "summary"]);
            let diagnostics = top.get("diagnostics").and_then(Value::as_array)?;
            let ours = diagnostics
                .iter()
                .all(|d| is_code(&d["code"]) && d["path"].is_string() && d["line"].is_u64());
            (shape && ours).then_some(OwnOutput::Json)
        }
        Value::Array(items) => {
            let ours = |i: &Value| {
                is_code(&i["check_name"])
                    && i["fingerprint"].is_string()
                    && i.pointer("/location/path").is_some_and(Value::is_string)
            };
            (!items.is_empty() && items.iter().all(ours)).then_some(OwnOutput::GitLab)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_format_and_nothing_that_only_mentions_the_tool() {
        let sarif = br#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"whispir-migrate"}},"results":[]}]}"#;
        assert_eq!(recognise(sarif), Some(OwnOutput::Sarif));
        let other_sarif = br#"{"runs":[{"tool":{"driver":{"name":"semgrep"}},"results":[{"message":"whispir-migrate"}]}]}"#;
        assert_eq!(recognise(other_sarif), None);
        let json =
            br#"{"version":1,"diagnostics":[{"code":"WM001","path":"a","line":3}],"summary":{}}"#;
        assert_eq!(recognise(json), Some(OwnOutput::Json));
        let json_more =
            br#"{"version":1,"diagnostics":[],"summary":{},"url":"https://api.whispir.com"}"#;
        assert_eq!(recognise(json_more), None);
        let gitlab = br#"[{"check_name":"WM002","fingerprint":"ab","location":{"path":"a"}}]"#;
        assert_eq!(recognise(gitlab), Some(OwnOutput::GitLab));
        let other = br#"[{"check_name":"WM002","url":"https://api.whispir.com"}]"#;
        assert_eq!(recognise(other), None);
        let human = "error[WM001]: Retired Whispir gateway `api.whispir.com`\n   ┌─ a.sh:3:9\n";
        assert_eq!(recognise(human.as_bytes()), Some(OwnOutput::Human));
        let concise = b"a.sh:3:9: WM001 Retired Whispir gateway\n";
        assert_eq!(recognise(concise), Some(OwnOutput::Concise));
        let github = b"::error file=a.sh,line=3,col=9,title=WM001 legacy-host::Retired\n";
        assert_eq!(recognise(github), Some(OwnOutput::GitHub));
        let fixed = b"fixed 1 finding in 1 file; 1 needs manual changes\na.sh:3:9: WM002 key\n";
        assert_eq!(recognise(fixed), Some(OwnOutput::Concise));
        let report = format!("{REPORT_MARKER}\n# Whispir API migration\n");
        assert_eq!(
            recognise(report.as_bytes()),
            Some(OwnOutput::MigrationReport)
        );
        // `fix --diff`'s patch, with a secret redacted and a file without a final newline.
        let patch = "--- a/a.sh\n+++ b/a.sh\n@@ -1,3 +1,3 @@\n #!/bin/sh\n-curl 'https://api.whispir.com/m?apikey=d41d…'\n+curl -H 'x-api-key: d41d…' 'https://api.au.whispir.com/m'\n echo done\n--- a/b.py\n+++ b/b.py\n@@ -7 +7 @@\n-get('https://api.whispir.com/m?apikey=' + k)\n\\ No newline at end of file\n+get('https://api.au.whispir.com/m', headers={'x-api-key': k})\n\\ No newline at end of file\n";
        assert_eq!(recognise(patch.as_bytes()), Some(OwnOutput::Patch));
        // Other patches are scanned: git's, one whose counts do not add up (edited by hand),
        // one with a line besides the hunks.
        let git = format!("diff --git a/a.sh b/a.sh\nindex 1..2 100644\n{patch}");
        assert_eq!(recognise(git.as_bytes()), None);
        let edited = patch.replace("@@ -1,3 +1,3 @@", "@@ -1,3 +1,4 @@");
        assert_eq!(recognise(edited.as_bytes()), None);
        let extra = format!("{patch}curl https://api.whispir.com/messages?apikey=k\n");
        assert_eq!(recognise(extra.as_bytes()), None);
        // Documents about the tool are scanned.
        assert_eq!(
            recognise(b"# Whispir API migration\nRun whispir-migrate.\n"),
            None
        );
        assert_eq!(
            recognise(b"curl https://api.whispir.com/messages?apikey=k\n"),
            None
        );
    }
}
