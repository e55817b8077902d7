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
    // Redaction and escaping keep lines whole, so only the changed lines and their context
    // need them and the diff: a one-line fix of a 400 KB file is not read three times over.
    let edges = match show_secrets || !report.secrets.spans_lines() {
        true => Edges::of(old, new),
        false => Edges::default(),
    };
    let (old, new) = (
        shown(&old[edges.head..old.len() - edges.tail]),
        shown(&new[edges.head..new.len() - edges.tail]),
    );
    let path = crate::escape::line(&report.file.display_path);
    let path = path.trim_start_matches("./").trim_start_matches('/');
    let text = hunks(&old, &new, path);
    let text = shift_hunks(&text, edges.head_lines);
    let text = if color { colored(&text) } else { text };
    Patch { text, redacted }
}

/// Lines shown around each change.
const CONTEXT: usize = 3;

fn hunks(old: &str, new: &str, path: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(CONTEXT)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// The bytes two texts share at their start and their end, as whole lines, less the context
/// a hunk shows: the diff of what remains, its line numbers moved down by `head_lines`, is
/// the diff of the whole texts.
#[derive(Debug, Default, PartialEq, Eq)]
struct Edges {
    head: usize,
    head_lines: usize,
    tail: usize,
}

impl Edges {
    fn of(old: &[u8], new: &[u8]) -> Edges {
        // Cut only where each side is text: a line end of UTF-16 is not a byte boundary.
        if std::str::from_utf8(old).is_err() || std::str::from_utf8(new).is_err() {
            return Edges::default();
        }
        // The bytes both share at their start, and at their end short of those (a line
        // repeated next to a change belongs to one of them, as in the diff's own search).
        let change = crate::lang::window::Change::between(old, new);
        let (same, same_end) = (change.old.start, old.len() - change.old.end);
        // The start of the line the first change is on, then `CONTEXT` lines up.
        let mut head = memchr::memrchr(b'\n', &old[..same]).map_or(0, |i| i + 1);
        for _ in 0..CONTEXT {
            head = match head {
                0 => 0,
                _ => memchr::memrchr(b'\n', &old[..head - 1]).map_or(0, |i| i + 1),
            };
        }
        // After the line the last change is on, `CONTEXT` whole lines more; the rest goes
        // (where a text has fewer lines left, nothing does: the end of the file is shown).
        let shared = &old[old.len() - same_end..];
        let mut kept = memchr::memchr(b'\n', shared).map(|i| i + 1);
        for _ in 0..CONTEXT {
            kept = kept.and_then(|k| memchr::memchr(b'\n', &shared[k..]).map(|i| k + i + 1));
        }
        let tail = kept.map_or(0, |k| same_end - k);
        Edges {
            head,
            head_lines: memchr::memchr_iter(b'\n', &old[..head]).count(),
            tail,
        }
    }
}

/// `diff` with the line numbers of its hunk headers (`@@ -12,7 +12,8 @@`) moved down by
/// `lines`.
fn shift_hunks(diff: &str, lines: usize) -> String {
    if lines == 0 {
        return diff.to_string();
    }
    let shift = |range: &str, sign: char| -> Option<String> {
        let range = range.strip_prefix(sign)?;
        let (start, len) = match range.split_once(',') {
            Some((start, len)) => (start, Some(len)),
            None => (range, None),
        };
        let start = start.parse::<usize>().ok()? + lines;
        Some(match len {
            Some(len) => format!("{sign}{start},{len}"),
            None => format!("{sign}{start}"),
        })
    };
    let mut out = String::with_capacity(diff.len() + 64);
    for line in diff.split_inclusive('\n') {
        let header = line
            .strip_prefix("@@ ")
            .and_then(|rest| rest.split_once(" @@"))
            .and_then(|(ranges, rest)| {
                let (old, new) = ranges.split_once(' ')?;
                Some(format!(
                    "@@ {} {} @@{rest}",
                    shift(old, '-')?,
                    shift(new, '+')?
                ))
            });
        match header {
            Some(shifted) => out.push_str(&shifted),
            None => out.push_str(line),
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(old: &str, new: &str) -> String {
        let e = Edges::of(old.as_bytes(), new.as_bytes());
        let diff = hunks(
            &old[e.head..old.len() - e.tail],
            &new[e.head..new.len() - e.tail],
            "p",
        );
        shift_hunks(&diff, e.head_lines)
    }

    /// Texts changed at their start, middle and end, by one line or two far apart, with and
    /// without a line break at the end, lines repeated next to the change.
    fn variants(text: &str) -> Vec<String> {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let n = lines.len();
        let at = [
            0,
            1,
            2,
            3,
            4,
            n / 2,
            n.saturating_sub(4),
            n.saturating_sub(2),
            n.saturating_sub(1),
        ];
        let join = |ls: &[&str]| ls.concat();
        let mut out = Vec::new();
        for &i in at.iter().filter(|&&i| i < n) {
            let mut replaced = lines.clone();
            replaced[i] = "changed\n";
            out.push(join(&replaced));
            let mut inserted = lines.clone();
            inserted.insert(i, "added\n");
            out.push(join(&inserted));
            let mut repeated = lines.clone();
            repeated.insert(i, lines[i]);
            out.push(join(&repeated));
            let mid = lines[i].len() / 2;
            if lines[i].is_char_boundary(mid) {
                let inside = format!("{}~{}", &lines[i][..mid], &lines[i][mid..]);
                let mut within = lines.clone();
                within[i] = &inside;
                out.push(join(&within));
            }
            let mut deleted = lines.clone();
            deleted.remove(i);
            out.push(join(&deleted));
            let mut two = lines.clone();
            two[i] = "first\n";
            let far = (i + 9).min(n - 1);
            two[far] = "second\n";
            out.push(join(&two));
        }
        out.push(text.trim_end_matches('\n').to_string());
        out.push(format!("{text}\n"));
        out.push(format!("{}x", text));
        out
    }

    #[test]
    fn a_diff_of_the_changed_lines_alone_is_the_diff_of_the_whole_texts() {
        let mut compared = 0;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                for new in variants(&text) {
                    assert_eq!(
                        trimmed(&text, &new),
                        hunks(&text, &new, "p"),
                        "{}",
                        path.display()
                    );
                    compared += 1;
                }
                let crlf = text.replace('\n', "\r\n");
                for new in variants(&text) {
                    let new = new.replace('\n', "\r\n");
                    assert_eq!(trimmed(&crlf, &new), hunks(&crlf, &new, "p"));
                }
            }
        }
        assert!(compared > 1000, "{compared}");
    }

    #[test]
    fn hunk_headers_move_down_by_the_lines_cut() {
        let diff = "--- a/p\n+++ b/p\n@@ -1,7 +1,8 @@\n a\n-b\n+c\n@@ -20 +21 @@ f()\n-x\n+y\n";
        assert_eq!(
            shift_hunks(diff, 100),
            "--- a/p\n+++ b/p\n@@ -101,7 +101,8 @@\n a\n-b\n+c\n@@ -120 +121 @@ f()\n-x\n+y\n"
        );
    }

    #[test]
    fn edges_keep_the_context_and_the_end_of_a_short_text() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
        let new = old.replace("6\n", "six\n");
        let e = Edges::of(old.as_bytes(), new.as_bytes());
        // Lines 1 and 2 go, 3 to 9 stay, 10 to 12 go.
        assert_eq!(
            e,
            Edges {
                head: 4,
                head_lines: 2,
                tail: 9
            }
        );
        let short = "a\nb\n";
        assert_eq!(Edges::of(short.as_bytes(), b"a\nc\n"), Edges::default());
    }
}
