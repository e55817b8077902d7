//! Applying fixes: edits of one fix go in together or not at all, fixes that overlap an
//! earlier one wait for the next pass, passes repeat until nothing applies (bounded), and a
//! pass whose result no longer parses (where the language has a parser) is refused fix by fix.

pub mod apikey;
pub mod query;
pub mod requests;

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::engine::{Settings, check_file};
use crate::lang;
use crate::source::SourceFile;

/// ESLint stops at 10 passes; our fixes rarely need more than two.
pub const MAX_PASSES: usize = 10;

/// Applies the fixes that do not overlap one already taken, in order of position.
/// Returns the new bytes and the indices (into `fixes`) of the fixes applied.
pub fn apply(bytes: &[u8], fixes: &[&Fix]) -> (Vec<u8>, Vec<usize>) {
    let mut order: Vec<usize> = (0..fixes.len())
        .filter(|&i| !fixes[i].edits.is_empty())
        .collect();
    order.sort_by_key(|&i| (fixes[i].edits[0].range.start, fixes[i].edits[0].range.end));
    let mut taken: Vec<usize> = Vec::new();
    let mut claimed: Vec<std::ops::Range<usize>> = Vec::new();
    for i in order {
        let overlaps = fixes[i].edits.iter().any(|e| {
            claimed.iter().any(|c| {
                // Two insertions at one point, or an edit touching a claimed range, collide.
                e.range.start < c.end && c.start < e.range.end
                    || (e.range.is_empty() && c.contains(&e.range.start))
                    || (c.is_empty() && e.range.contains(&c.start))
                    || (e.range.is_empty() && c.is_empty() && e.range.start == c.start)
            })
        });
        if overlaps {
            continue;
        }
        claimed.extend(fixes[i].edits.iter().map(|e| e.range.clone()));
        taken.push(i);
    }
    let mut edits: Vec<&crate::diagnostic::Edit> =
        taken.iter().flat_map(|&i| &fixes[i].edits).collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut at = 0;
    for e in edits {
        out.extend_from_slice(&bytes[at..e.range.start]);
        out.extend_from_slice(e.content.as_bytes());
        at = e.range.end;
    }
    out.extend_from_slice(&bytes[at..]);
    (out, taken)
}

/// Answers whether to take one fix (the interactive mode asks a person).
pub trait Approver {
    fn approve(&mut self, file: &SourceFile, diagnostic: &Diagnostic, fixed: &[u8]) -> bool;
}

/// Takes every fix allowed by the applicability setting.
pub struct ApproveAll;

impl Approver for ApproveAll {
    fn approve(&mut self, _: &SourceFile, _: &Diagnostic, _: &[u8]) -> bool {
        true
    }
}

/// What fixing one file came to.
pub struct FileFix {
    pub original: Vec<u8>,
    pub fixed: Vec<u8>,
    /// One line per fix applied: `WM001 Replace with ...`.
    pub applied: Vec<String>,
    /// Fixes that were refused because the result did not parse.
    pub refused: Vec<String>,
    /// Set when the passes did not converge; nothing may be written then.
    pub error: Option<String>,
}

impl FileFix {
    pub fn changed(&self) -> bool {
        self.error.is_none() && self.original != self.fixed
    }
}

/// Fixes one file in memory, pass after pass, until no applicable fix remains.
pub fn fix_file(
    file: &SourceFile,
    settings: &Settings,
    unsafe_fixes: bool,
    approver: &mut dyn Approver,
) -> FileFix {
    let lang = lang::for_file_name(&file.file_name());
    let parsed_before = lang.check_syntax(&file.bytes).map(|r| r.is_ok());
    let mut current = file.bytes.clone();
    let mut result = FileFix {
        original: file.bytes.clone(),
        fixed: Vec::new(),
        applied: Vec::new(),
        refused: Vec::new(),
        error: None,
    };
    let mut rejected: Vec<(crate::rules::RuleCode, String)> = Vec::new();
    for pass in 0..=MAX_PASSES {
        let snapshot = SourceFile::new(
            file.display_path.clone(),
            file.path.clone(),
            current.clone(),
        );
        let Some(report) = check_file(snapshot, settings) else {
            break;
        };
        let candidates: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == Applicability::Safe || unsafe_fixes)
            })
            .filter(|d| {
                !rejected
                    .iter()
                    .any(|(c, m)| *c == d.code && *m == d.message)
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        if pass == MAX_PASSES {
            result.error = Some(format!(
                "fixes did not converge after {MAX_PASSES} passes; file left unchanged"
            ));
            break;
        }
        let mut chosen = Vec::new();
        for d in candidates {
            let fix = d.fix.as_ref().expect("filtered on fix");
            let (alone, _) = apply(&report.file.bytes, &[fix]);
            if parsed_before == Some(true) && lang.check_syntax(&alone).is_some_and(|r| r.is_err())
            {
                result.refused.push(format!(
                    "{} {}: the result would not parse",
                    d.code, fix.message
                ));
                rejected.push((d.code, d.message.clone()));
                continue;
            }
            if !approver.approve(&report.file, d, &alone) {
                rejected.push((d.code, d.message.clone()));
                continue;
            }
            chosen.push(d);
        }
        if chosen.is_empty() {
            break;
        }
        let fixes: Vec<&Fix> = chosen
            .iter()
            .map(|d| d.fix.as_ref().expect("chosen have fixes"))
            .collect();
        let (next, taken) = apply(&report.file.bytes, &fixes);
        if parsed_before == Some(true) && lang.check_syntax(&next).is_some_and(|r| r.is_err()) {
            // Each fix parsed alone but not together: keep the first, retry the rest next pass.
            let (first, _) = apply(&report.file.bytes, &fixes[..1]);
            result
                .applied
                .push(format!("{} {}", chosen[0].code, fixes[0].message));
            current = first;
            continue;
        }
        for i in taken {
            result
                .applied
                .push(format!("{} {}", chosen[i].code, fixes[i].message));
        }
        current = next;
    }
    result.fixed = if result.error.is_some() {
        file.bytes.clone()
    } else {
        current
    };
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Edit;

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            message: String::new(),
            edits,
        }
    }

    #[test]
    fn applies_edits_that_grow_shrink_and_sit_at_both_ends() {
        let src = b"0123456789";
        let a = fix(vec![Edit::insert(0, "<"), Edit::replace(2..4, "")]);
        let b = fix(vec![Edit::replace(5..6, "FIVE")]);
        let c = fix(vec![Edit::insert(10, ">")]);
        let (out, taken) = apply(src, &[&a, &b, &c]);
        assert_eq!(out, b"<014FIVE6789>".to_vec());
        assert_eq!(taken.len(), 3);
    }

    #[test]
    fn overlapping_fix_waits_for_the_next_pass() {
        let src = b"http://api.whispir.com";
        let host = fix(vec![
            Edit::replace(0..4, "https"),
            Edit::replace(7..22, "api.au.whispir.com"),
        ]);
        let scheme = fix(vec![Edit::replace(0..4, "https")]);
        let (out, taken) = apply(src, &[&host, &scheme]);
        assert_eq!(out, b"https://api.au.whispir.com".to_vec());
        assert_eq!(taken, vec![0]);
    }

    #[test]
    fn two_insertions_at_one_point_do_not_both_apply() {
        let (out, taken) = apply(
            b"ab",
            &[
                &fix(vec![Edit::insert(1, "x")]),
                &fix(vec![Edit::insert(1, "y")]),
            ],
        );
        assert_eq!(out, b"axb".to_vec());
        assert_eq!(taken, vec![0]);
    }
}
