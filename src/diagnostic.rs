//! The data every stage after detection works on: a diagnostic with a byte span and an
//! optional fix made of edits.

use crate::codes::{RuleCode, Severity};
use serde::Serialize;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// Whether `fix` may apply a fix without being asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Preserves behaviour; applied by `fix`.
    Safe,
    /// Probably right but not proven (a followed variable, prose docs); needs `--unsafe-fixes`.
    Unsafe,
}

/// Replace the bytes in `range` with `content`.
///
/// Texts that repeat across thousands of findings (a regional host, a rule's fix title, a
/// span label) are borrowed or shared rather than copied per finding: a generated file can
/// hold a finding on every line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: Cow<'static, str>,
}

impl Edit {
    pub fn replace(range: Range<usize>, content: impl Into<Cow<'static, str>>) -> Edit {
        Edit {
            range,
            content: content.into(),
        }
    }
    pub fn insert(at: usize, content: impl Into<Cow<'static, str>>) -> Edit {
        Edit {
            range: at..at,
            content: content.into(),
        }
    }
    pub fn delete(range: Range<usize>) -> Edit {
        Edit {
            range,
            content: Cow::Borrowed(""),
        }
    }
}

/// Edits applied together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub message: Arc<str>,
    /// Sorted by start, non-overlapping. Shared: the findings of one request (or of all the
    /// requests on one base URL) hold the same fix, and a generated file can hold thousands.
    pub edits: Arc<[Edit]>,
}

impl Fix {
    /// Tells one fix of a file from another cheaply (where its edits start and end, and its
    /// message), for sets of fixes: two fixes alike in all three are taken for one.
    pub fn identity(&self) -> (usize, usize, Arc<str>) {
        let start = self.edits.first().map_or(0, |e| e.range.start);
        let end = self.edits.last().map_or(0, |e| e.range.end);
        (start, end, self.message.clone())
    }
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: RuleCode,
    pub severity: Severity,
    pub message: String,
    /// The primary span, in bytes of the file.
    pub span: Range<usize>,
    /// A short label for the span in the human report.
    pub label: Cow<'static, str>,
    /// What to do, shown as `help:`; already redacted. Shared: a rule gives thousands of
    /// findings of one file the same text.
    pub help: Option<Arc<str>>,
    pub fix: Option<Fix>,
    /// The fix moves a base URL: its applicability depends on the whole run (`request::group`).
    pub base_url: bool,
    /// The fix follows the URL through a variable: safe only once a syntax tree proves it a
    /// local assigned once and read only by this request (checked late, in `request::group`).
    pub through_variable: Option<VariableUse>,
    /// Other places that explain this finding (the definition of a value used here, in
    /// another file): SARIF `relatedLocations`, JSON `related`, a human `note:`.
    pub related: Vec<Related>,
}

/// A place in another file, with its position worked out when that file was read (the
/// reports hold only the file a finding is in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub path: String,
    /// 1-based, columns in Unicode scalar values as everywhere in the reports.
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
}

/// Where a followed variable is assigned and where the request reads it (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariableUse {
    pub binding: usize,
    pub use_at: usize,
}

impl Diagnostic {
    pub fn new(code: RuleCode, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.info().severity,
            message: message.into(),
            span,
            label: Cow::Borrowed(""),
            help: None,
            fix: None,
            base_url: false,
            through_variable: None,
            related: Vec::new(),
        }
    }

    pub fn with_label(mut self, label: impl Into<Cow<'static, str>>) -> Self {
        self.label = label.into();
        self
    }

    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Takes the fix back, and ends the help with why it is left to a person.
    pub fn withdraw_fix(&mut self, why: impl std::fmt::Display) {
        self.fix = None;
        let help = self.help.take().unwrap_or_default();
        self.help = Some(format!("{help}; not automatic: {why}").into());
    }

    /// Whether plain `fix` applies this finding's fix (unsafe ones need `--unsafe-fixes`).
    pub fn has_safe_fix(&self) -> bool {
        self.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)
    }
}

/// `edits` (as `apply_edits` made them) as the syntax guard's window sees them.
pub fn changes(edits: &[&Edit]) -> Vec<crate::lang::window::Change> {
    edits
        .iter()
        .map(|e| crate::lang::window::Change {
            old: e.range.clone(),
            new_len: e.content.len(),
        })
        .collect()
}

/// Applies the fixes that do not overlap one already taken, in order of position.
/// Returns the new bytes and the indices (into `fixes`) of the fixes applied.
pub fn apply(bytes: &[u8], fixes: &[&Fix]) -> (Vec<u8>, Vec<usize>) {
    let (out, taken, _) = apply_edits(bytes, fixes);
    (out, taken)
}

/// `apply`, also returning the edits it made, in order of position.
pub fn apply_edits<'f>(bytes: &[u8], fixes: &[&'f Fix]) -> (Vec<u8>, Vec<usize>, Vec<&'f Edit>) {
    let mut order: Vec<usize> = (0..fixes.len())
        .filter(|&i| !fixes[i].edits.is_empty())
        .collect();
    order.sort_by_key(|&i| (fixes[i].edits[0].range.start, fixes[i].edits[0].range.end));
    let mut taken: Vec<usize> = Vec::new();
    // Claimed ranges of different fixes never collide, so keyed by start (the longest per
    // start), the only ones an edit can collide with are the last one starting before it and
    // those starting inside it: a lookup, not a scan, as a file may hold thousands of fixes.
    let mut claimed: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for i in order {
        let overlaps = fixes[i].edits.iter().any(|e| {
            let r = &e.range;
            let before = claimed.range(..r.start).next_back();
            before
                .into_iter()
                .chain(claimed.range(r.start..=r.end))
                .any(|(&start, &end)| collide(r, &(start..end)))
        });
        if overlaps {
            continue;
        }
        for e in fixes[i].edits.iter() {
            // One fix's own edits may share a start: the longer one covers both.
            let end = claimed.entry(e.range.start).or_insert(e.range.end);
            *end = (*end).max(e.range.end);
        }
        taken.push(i);
    }
    let mut edits: Vec<&Edit> = taken.iter().flat_map(|&i| fixes[i].edits.iter()).collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut at = 0;
    for e in &edits {
        out.extend_from_slice(&bytes[at..e.range.start]);
        out.extend_from_slice(e.content.as_bytes());
        at = e.range.end;
    }
    out.extend_from_slice(&bytes[at..]);
    (out, taken, edits)
}

/// Two insertions at one point, or an edit touching a claimed range, collide.
fn collide(e: &std::ops::Range<usize>, c: &std::ops::Range<usize>) -> bool {
    e.start < c.end && c.start < e.end
        || (e.is_empty() && c.contains(&e.start))
        || (c.is_empty() && e.contains(&c.start))
        || (e.is_empty() && c.is_empty() && e.start == c.start)
}
