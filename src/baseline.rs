//! Baselines: adopting the gate in a repository that already has findings. The file records
//! each accepted finding by path, rule and a fingerprint of its line's text with secrets
//! masked — never a line number, never a key — plus how many identical findings the file
//! had. Edits elsewhere in the file do not resurrect a finding; a new identical one shows.

use crate::codes::RuleCode;
use crate::diagnostic::Diagnostic;
use crate::engine::{FileReport, Outcome};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    pub count: usize,
}

type Key = (String, String, String);

/// The path as recorded: relative to the baseline file's directory, with `/` separators.
fn recorded_path(file_path: &Path, anchor: &Path) -> String {
    let abs = std::fs::canonicalize(file_path).unwrap_or_else(|_| file_path.to_path_buf());
    let rel = abs
        .strip_prefix(anchor)
        .map(Path::to_path_buf)
        .unwrap_or(abs);
    rel.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}

/// A stable fingerprint of a finding: its rule and its line's text, trimmed, with every
/// secret on it masked. SHA-256 (not `DefaultHasher`, whose algorithm may change).
pub fn fingerprint(report: &FileReport, d: &Diagnostic) -> String {
    let file = &report.file;
    let line = file.line_range(file.line_index(d.span.start));
    let mut text = Vec::with_capacity(line.len());
    let mut i = line.start;
    while i < line.end {
        if let Some(s) = report.secrets.containing(i).filter(|s| s.start == i) {
            text.extend_from_slice(b"***");
            i = s.end.min(line.end).max(i + 1);
        } else {
            text.push(file.bytes[i]);
            i += 1;
        }
    }
    let mut h = Sha256::new();
    h.update(d.code.as_str().as_bytes());
    h.update([0]);
    h.update(text.trim_ascii());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn anchor_of(baseline_path: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(baseline_path)
        .or_else(|_| std::env::current_dir().map(|d| d.join(baseline_path)))
        .unwrap_or_else(|_| baseline_path.to_path_buf());
    abs.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn counts(outcome: &Outcome, anchor: &Path) -> BTreeMap<Key, usize> {
    let mut map = BTreeMap::new();
    for r in &outcome.reports {
        let path = recorded_path(&r.file.path, anchor);
        for d in &r.diagnostics {
            *map.entry((path.clone(), d.code.as_str().to_string(), fingerprint(r, d)))
                .or_insert(0) += 1;
        }
    }
    map
}

/// Why a baseline could not be read or written; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("reading baseline {path}: {cause}")]
    Read { path: String, cause: String },
    #[error("writing baseline {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid baseline {path}: {source}")]
    Invalid {
        path: String,
        source: serde_json::Error,
    },
    #[error("baseline {path} has version {version}; this tool reads version 1")]
    Version { path: String, version: u32 },
    #[error("baseline {path}: unknown rule code `{rule}` (known: {known})")]
    UnknownRule {
        path: String,
        rule: String,
        known: String,
    },
}

/// Writes the current findings as a baseline; returns how many it records.
pub fn write(path: &Path, outcome: &Outcome) -> Result<usize, BaselineError> {
    let failed = |source| BaselineError::Write {
        path: path.display().to_string(),
        source,
    };
    // The file may not exist yet: anchor at its directory.
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let anchor = std::fs::canonicalize(dir).map_err(failed)?;
    let entries: Vec<Entry> = counts(outcome, &anchor)
        .into_iter()
        .map(|((path, rule, fingerprint), count)| Entry {
            path,
            rule,
            fingerprint,
            count,
        })
        .collect();
    let n = entries.iter().map(|e| e.count).sum();
    let text = serde_json::to_string_pretty(&Baseline {
        version: 1,
        entries,
    })
    .expect("a baseline serializes");
    std::fs::write(path, text + "\n").map_err(failed)?;
    Ok(n)
}

pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
    let shown = || path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Read {
        path: shown(),
        cause: crate::discover::io_cause(&e),
    })?;
    let b: Baseline = serde_json::from_str(&text).map_err(|source| BaselineError::Invalid {
        path: shown(),
        source,
    })?;
    if b.version != 1 {
        return Err(BaselineError::Version {
            path: shown(),
            version: b.version,
        });
    }
    if let Some(e) = b
        .entries
        .iter()
        .find(|e| RuleCode::parse(&e.rule).is_none())
    {
        return Err(BaselineError::UnknownRule {
            path: shown(),
            rule: e.rule.clone(),
            known: crate::rules::known_codes(),
        });
    }
    Ok(b)
}

/// Hides the findings the baseline accepts; returns how many were hidden and how many
/// baseline entries (counted per finding) no longer match anything (stale).
pub fn apply(baseline: &Baseline, baseline_path: &Path, outcome: &mut Outcome) -> (usize, usize) {
    let anchor = anchor_of(baseline_path);
    let mut budget: BTreeMap<Key, usize> = baseline
        .entries
        .iter()
        .map(|e| {
            (
                (e.path.clone(), e.rule.clone(), e.fingerprint.clone()),
                e.count,
            )
        })
        .collect();
    let mut hidden = 0;
    for r in &mut outcome.reports {
        let path = recorded_path(&r.file.path, &anchor);
        let accepted: Vec<bool> = r
            .diagnostics
            .iter()
            .map(|d| {
                let key = (path.clone(), d.code.as_str().to_string(), fingerprint(r, d));
                match budget.get_mut(&key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        true
                    }
                    _ => false,
                }
            })
            .collect();
        let gone = accepted.iter().filter(|&&a| a).count();
        if gone > 0 {
            // Copied only when a finding goes: a report shared with `fix`'s plan stays whole.
            hidden += gone;
            let mut accepted = accepted.into_iter();
            Arc::make_mut(r)
                .diagnostics
                .retain(|_| !accepted.next().expect("one flag per finding"));
        }
    }
    outcome.reports.retain(|r| !r.diagnostics.is_empty());
    (hidden, budget.values().sum())
}
