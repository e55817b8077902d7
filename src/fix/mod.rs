//! Applying fixes: edits of one fix go in together or not at all, fixes that overlap an
//! earlier one wait for the next pass, passes repeat until nothing applies (bounded), and a
//! pass whose result no longer parses (where the language has a parser) is refused fix by fix.

pub mod across;

pub use crate::diagnostic::apply;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, apply_edits};
use crate::engine::{FileReport, Settings, check_source};
use crate::lang;
use crate::source::SourceFile;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// ESLint stops at 10 passes; our fixes rarely need more than two.
pub const MAX_PASSES: usize = 10;

/// Whether a fixed text broke the syntax of `original` (the file named `name`, lower-cased):
/// it has more syntax errors than the original (a tree-sitter tree), or no longer parses
/// where the original did (syn, JSON, YAML). Nothing is parsed until a fix is about to apply.
/// `kept` is the original's tree when analysis kept it; `verdicts` what analysis found about
/// some fixed texts when it did not keep its tree. A text that cannot be parsed (too large,
/// too costly, or its tree too large) is refused, and why kept in `gave_up`; from then on a
/// text the lines around its edits do not prove is refused without a parse.
///
/// The guard is asked about a text made by some edits from `base` (the original, or the text
/// an earlier pass left): the lines around the edits, parsed on their own before and after
/// (`lang::window`), usually prove the fix keeps the syntax, and only otherwise is the
/// original's tree asked.
struct SyntaxGuard<'a> {
    name: String,
    lang: &'static dyn lang::Language,
    grammar: Option<tree_sitter::Language>,
    original: &'a [u8],
    kept: Option<&'a lang::tree::Kept>,
    verdicts: &'a [lang::tree::Verdict],
    /// The original's tree, while the guard needs it.
    tree_before: std::cell::RefCell<Option<Result<lang::tree::Counted, lang::tree::GaveUp>>>,
    parsed_before: std::cell::OnceCell<bool>,
    gave_up: std::cell::Cell<Option<lang::tree::GaveUp>>,
}

impl<'a> SyntaxGuard<'a> {
    fn new(
        name: &str,
        original: &'a [u8],
        kept: Option<&'a lang::tree::Kept>,
        verdicts: &'a [lang::tree::Verdict],
    ) -> SyntaxGuard<'a> {
        SyntaxGuard {
            name: name.to_string(),
            lang: lang::for_file_name(name),
            grammar: lang::tree::grammar(name),
            original,
            kept,
            verdicts,
            tree_before: std::cell::RefCell::new(None),
            parsed_before: std::cell::OnceCell::new(),
            gave_up: std::cell::Cell::new(None),
        }
    }

    /// Whether `bytes`, made by `edits` from `base`, breaks the original's syntax.
    fn breaks(&self, base: &[u8], edits: &[&Edit], bytes: &[u8]) -> bool {
        let Some(g) = &self.grammar else {
            return self.lang.check_syntax(bytes).is_some_and(|r| r.is_err())
                && *self.parsed_before.get_or_init(|| {
                    self.lang
                        .check_syntax(self.original)
                        .is_some_and(|r| r.is_ok())
                });
        };
        // The lines around the changes, parsed on their own before and after them, usually
        // prove that the fix keeps the syntax; only otherwise is the file's tree asked.
        if base.len() <= lang::tree::MAX_PARSE_BYTES {
            let changes = crate::diagnostic::changes(edits);
            // When analysis did not keep the tree, it proved the first pass's texts this way
            // already: the same texts and changes, the same answer.
            let proven =
                || self.verdicts.iter().any(|v| v.proves(bytes, &changes)) && base == self.original;
            if proven() || lang::window::keeps_syntax(&self.name, g, base, bytes, &changes) {
                return false;
            }
        }
        if let Some(breaks) = self.verdicts.iter().find_map(|v| v.breaks(bytes)) {
            return breaks;
        }
        if self.gave_up.get().is_some() {
            // The parser gave up on an earlier text of this file: the others are as large
            // and the tree as full, and each attempt costs a whole parse before it gives up
            // (8 000 fixes in one list, refused one after another, took minutes).
            return true;
        }
        let mut before = self.tree_before.borrow_mut();
        let before = before.get_or_insert_with(|| match self.kept {
            Some(kept) => Ok(lang::tree::Counted::of(kept.clone())),
            None => lang::tree::Counted::parse(g, self.original),
        });
        // The fixed text is parsed incrementally from the original's tree: edit by edit when
        // they were made on the original (the first pass).
        let edits = (base == self.original).then_some(edits);
        let after = before.as_ref().map_err(|e| *e).and_then(|b| {
            b.errors_after(g, self.original, bytes, edits)
                .map(|n| (b.errors, n))
        });
        match after {
            Ok((before, after)) => after > before,
            Err(why) => {
                // No tree to check the fix against: refuse it.
                self.gave_up.set(Some(why));
                true
            }
        }
    }

    /// Drops the original's tree until the guard next needs it: while the fixed text is
    /// analysed, that text's tree is the one the file's memory allowance holds.
    fn set_aside(&self) {
        self.tree_before.borrow_mut().take();
    }
}

/// What one pass may apply when the result must still parse.
struct Pass {
    /// The new bytes and the indices of the fixes in them; `None` when nothing can go in.
    result: Option<(Vec<u8>, Vec<usize>)>,
    /// Fixes that break the file on their own.
    refused: Vec<usize>,
}

/// Applies `fixes` together if the result does not `break`; otherwise refuses the fixes that
/// break the file on their own and takes the rest together, or only the first of them when
/// they break it together (the others get another pass).
/// `breaks` is asked about each text tried, with the text and the edits it was made from.
fn take_parsing(
    bytes: &[u8],
    fixes: &[&Fix],
    breaks: &impl Fn(&[u8], &[&Edit], &[u8]) -> bool,
) -> Pass {
    let breaks = |fixes: &[&Fix]| {
        let (next, taken, edits) = apply_edits(bytes, fixes);
        (breaks(bytes, &edits, &next), next, taken)
    };
    let (broken, next, taken) = breaks(fixes);
    if !broken {
        return Pass {
            result: Some((next, taken)),
            refused: Vec::new(),
        };
    }
    let (good, refused): (Vec<usize>, Vec<usize>) =
        (0..fixes.len()).partition(|&i| !breaks(&fixes[i..=i]).0);
    let subset: Vec<&Fix> = good.iter().map(|&i| fixes[i]).collect();
    let result = match subset.first() {
        None => None,
        Some(first) => {
            let (broken, together, taken) = breaks(&subset);
            if broken {
                Some((apply(bytes, &[first]).0, vec![good[0]]))
            } else {
                Some((together, taken.into_iter().map(|k| good[k]).collect()))
            }
        }
    };
    Pass { result, refused }
}

/// Cheap identity of a fix, to find the findings that share it.
#[derive(PartialEq, Eq, Hash)]
struct FixKey {
    first: (usize, usize),
    edits: usize,
    message: String,
}

impl FixKey {
    fn of(fix: &Fix) -> FixKey {
        FixKey {
            first: fix
                .edits
                .first()
                .map_or((0, 0), |e| (e.range.start, e.range.end)),
            edits: fix.edits.len(),
            message: fix.message.to_string(),
        }
    }
}

/// Answers whether to take one fix (the interactive mode asks a person).
pub trait Approver {
    /// `fixed` is the file with this fix alone applied, when `wants_preview` (else empty).
    fn approve(&mut self, report: &FileReport, diagnostic: &Diagnostic, fixed: &[u8]) -> bool;
    /// Whether `approve` needs to see the fixed file.
    fn wants_preview(&self) -> bool {
        false
    }
}

/// Takes every fix allowed by the applicability setting.
pub struct ApproveAll;

impl Approver for ApproveAll {
    fn approve(&mut self, _: &FileReport, _: &Diagnostic, _: &[u8]) -> bool {
        true
    }
}

/// What fixing one file came to.
pub struct FileFix {
    /// Whether the file was fixed: its text changed, and nothing went wrong.
    changed: bool,
    /// The fixed text, unless `remaining`'s report holds it (one copy, not two: on a
    /// large run these are most of `fix`'s memory). The original is the caller's.
    fixed: Option<Vec<u8>>,
    /// One line per fix applied: `WM001 Replace with ...`.
    pub applied: Vec<String>,
    /// Fixes that were refused because the result did not parse.
    pub refused: Vec<String>,
    /// Set when the passes did not converge; nothing may be written then.
    pub error: Option<String>,
    /// What `check` reports on the fixed text (computed by the last pass); `None` when the
    /// first pass found nothing to fix, so the caller's report stands.
    pub remaining: Option<Arc<FileReport>>,
    /// The other files a fix across files (`across`) changes with this one, by their index
    /// among the files fixed: they are written all or none.
    pub group: Arc<[usize]>,
}

impl FileFix {
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// The fixed text; `None` when the file is left as it was (nothing to fix, or an error).
    pub fn fixed(&self) -> Option<&[u8]> {
        if !self.changed {
            return None;
        }
        let in_report = || self.remaining.as_deref().map(|r| r.file.bytes.as_slice());
        self.fixed.as_deref().or_else(in_report)
    }

    /// What fixing a file came to when it could not be fixed: nothing to write.
    pub fn failed(error: String) -> FileFix {
        FileFix {
            changed: false,
            fixed: None,
            applied: Vec::new(),
            refused: Vec::new(),
            error: Some(error),
            remaining: None,
            group: Arc::from([]),
        }
    }

    /// This file's part of the fixes across files: `change`'s edits go on the text the
    /// per-file fixes left (`original`'s, when they changed nothing), and what remains is
    /// checked again. `checked` is the scan's report of the file. Nothing changes until
    /// [`FileFix::amend`] takes it, so that a group's files change together or not at all.
    pub fn across(
        &self,
        original: &SourceFile,
        checked: &FileReport,
        change: &across::Change,
        settings: &Settings,
    ) -> Amendment {
        let current = self.remaining.as_deref().unwrap_or(checked);
        let settled = |d: &Diagnostic| !d.related.is_empty() && change.settled.contains(&d.span);
        let amendment = |remaining: FileReport, changed: bool| Amendment {
            remaining: Arc::new(remaining),
            changed,
            applied: change.applied.clone(),
            group: change.group.clone(),
        };
        if change.edits.is_empty() {
            // Only other files change: this file's findings about their values are settled.
            let mut report = current.clone();
            report.diagnostics.retain(|d| !settled(d));
            return amendment(report, false);
        }
        let base = self.fixed().unwrap_or(&original.bytes);
        let fix = Fix {
            applicability: Applicability::Unsafe,
            message: "".into(),
            edits: change.edits.clone().into(),
        };
        let (text, _, edits) = apply_edits(base, &[&fix]);
        // Findings about other files' values are not found by checking this file alone.
        let mut carried: Vec<Diagnostic> = current
            .diagnostics
            .iter()
            .filter(|d| !d.related.is_empty() && !settled(d))
            .cloned()
            .collect();
        carry_over(&mut carried, &edits);
        let file = SourceFile::new(original.display_path.clone(), original.path.clone(), text);
        let mut report = check_source(file, settings).unwrap_or_else(|text| {
            let file = SourceFile::new(original.display_path.clone(), original.path.clone(), text);
            let secrets =
                crate::detect::analyze(&file, lang::for_file_name(&file.file_name())).secrets;
            FileReport {
                file,
                diagnostics: Vec::new(),
                secrets,
                tree: None,
                verdicts: Vec::new(),
                open_builders: Vec::new(),
            }
        });
        report.diagnostics.extend(carried);
        report
            .diagnostics
            .sort_by_key(|d| (d.span.start, d.code, d.span.end));
        amendment(report, true)
    }

    /// Takes this file's part of the fixes across files (see [`FileFix::across`]).
    pub fn amend(&mut self, a: Amendment) {
        if a.changed {
            self.fixed = None;
            self.changed = true;
            self.applied.extend(a.applied);
        }
        self.remaining = Some(a.remaining);
        self.group = a.group;
    }
}

/// A file's part of the fixes across files, ready to be taken.
pub struct Amendment {
    remaining: Arc<FileReport>,
    /// Whether the file's text changes (not when only the values it reads move).
    changed: bool,
    applied: Vec<String>,
    group: Arc<[usize]>,
}

/// Fixes one file in memory, pass after pass, until no applicable fix remains.
/// `checked` is what `check` already found in `file`, when known: it saves the first pass
/// its analysis.
pub fn fix_file(
    file: &SourceFile,
    checked: Option<&FileReport>,
    settings: &Settings,
    unsafe_fixes: bool,
    approver: &mut dyn Approver,
) -> FileFix {
    let guard = SyntaxGuard::new(
        &file.file_name(),
        &file.bytes,
        checked.and_then(|r| r.tree.as_ref()),
        checked.map_or(&[], |r| &r.verdicts),
    );
    let breaks = |base: &[u8], edits: &[&Edit], bytes: &[u8]| guard.breaks(base, edits, bytes);
    let why_refused = || match guard.gave_up.get() {
        None => "the result would not parse",
        Some(lang::tree::GaveUp::TooLarge) => {
            "the file is too large to check the fix against its syntax tree; change it by hand"
        }
        Some(lang::tree::GaveUp::TooCostly) => {
            "the parser gave up on the file (parsing it took work out of proportion to its size, as a long run of comment lines or thousands of stray tokens can), so the fix cannot be checked against its syntax tree; change it by hand"
        }
        Some(lang::tree::GaveUp::TooMuchMemory) => {
            "the parser gave up on the file (its syntax tree would take more memory than a file of its size is allowed, as deeply nested code or a large file can), so the fix cannot be checked against its syntax tree; change it by hand"
        }
    };
    // The text after the last pass that changed it, while no report holds it. Neither the
    // file nor the caller's report is copied per pass: on a large file each copy is its size.
    let mut current: Option<Vec<u8>> = None;
    let mut result = FileFix {
        changed: false,
        fixed: None,
        applied: Vec::new(),
        refused: Vec::new(),
        error: None,
        remaining: None,
        group: Arc::from([]),
    };
    let mut rejected: Vec<(crate::rules::RuleCode, String)> = Vec::new();
    // The scan ran before the search that closes a public URL builder of the file: its
    // findings there would stay manual.
    let mut known = checked
        .filter(|r| {
            !(settings.rules.closed_builders.as_ref())
                .is_some_and(|c| c.in_file(&r.file.display_path))
        })
        .map(Cow::Borrowed);
    // Findings about values defined in other files (`crossfile`) are not found again by
    // checking this file alone: they are carried along the edits instead.
    let mut carried: Vec<Diagnostic> = checked
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| !d.related.is_empty())
        .cloned()
        .collect();
    for pass in 0..=MAX_PASSES {
        let report = match known.take() {
            Some(report) => report,
            None => {
                let text = current.take().unwrap_or_else(|| file.bytes.clone());
                let again = SourceFile::new(file.display_path.clone(), file.path.clone(), text);
                guard.set_aside();
                match check_source(again, settings) {
                    Ok(report) => Cow::Owned(report),
                    Err(text) => {
                        current = Some(text);
                        result.remaining = None;
                        break;
                    }
                }
            }
        };
        // A re-check of this file alone does not see the values other files define.
        let on_other_files = match &report {
            Cow::Owned(r) => crate::crossfile::OnOtherFiles::of(&r.file, &carried),
            Cow::Borrowed(_) => crate::crossfile::OnOtherFiles::default(),
        };
        let blocked: std::collections::HashSet<_> = report
            .diagnostics
            .iter()
            .filter(|d| on_other_files.blocks(d))
            .filter_map(|d| Some(d.fix.as_ref()?.identity()))
            .collect();
        let candidates: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| {
                blocked.is_empty()
                    || d.fix
                        .as_ref()
                        .is_none_or(|f| !blocked.contains(&f.identity()))
            })
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
            settle(report, &mut current, &mut result.remaining);
            break;
        }
        if pass == MAX_PASSES {
            result.error = Some(format!(
                "fixes did not converge after {MAX_PASSES} passes; file left unchanged"
            ));
            break;
        }
        // The findings of one request share one fix: it is offered once and goes in once.
        let mut groups: Vec<Vec<&Diagnostic>> = Vec::new();
        let mut group_of: HashMap<FixKey, usize> = HashMap::new();
        for d in candidates {
            let fix = d.fix.as_ref().expect("filtered on fix");
            match group_of.get(&FixKey::of(fix)) {
                Some(&g) if groups[g][0].fix.as_ref() == Some(fix) => groups[g].push(d),
                _ => {
                    group_of.insert(FixKey::of(fix), groups.len());
                    groups.push(vec![d]);
                }
            }
        }
        // A person is shown each fix on its own; everyone else gets them all.
        let mut chosen: Vec<Vec<&Diagnostic>> = Vec::new();
        for group in groups {
            let d = group[0];
            let fix = d.fix.as_ref().expect("filtered on fix");
            let accepted = if approver.wants_preview() {
                let (alone, _) = apply(&report.file.bytes, &[fix]);
                approver.approve(&report, d, &alone)
            } else {
                approver.approve(&report, d, &[])
            };
            if accepted {
                chosen.push(group);
            } else {
                rejected.extend(group.iter().map(|d| (d.code, d.message.clone())));
            }
        }
        if chosen.is_empty() {
            settle(report, &mut current, &mut result.remaining);
            break;
        }
        let fixes: Vec<&Fix> = chosen
            .iter()
            .map(|g| g[0].fix.as_ref().expect("chosen have fixes"))
            .collect();
        let pass = take_parsing(&report.file.bytes, &fixes, &breaks);
        for &i in &pass.refused {
            for d in &chosen[i] {
                result.refused.push(format!(
                    "{} {}: {}",
                    d.code,
                    fixes[i].message,
                    why_refused()
                ));
                rejected.push((d.code, d.message.clone()));
            }
        }
        let Some((next, taken)) = pass.result else {
            current = Some(match report {
                Cow::Owned(report) => report.file.bytes,
                Cow::Borrowed(report) => report.file.bytes.clone(),
            });
            continue;
        };
        if !carried.is_empty() {
            let edits: Vec<&crate::diagnostic::Edit> =
                taken.iter().flat_map(|&i| fixes[i].edits.iter()).collect();
            carry_over(&mut carried, &edits);
        }
        for i in taken {
            for d in &chosen[i] {
                result
                    .applied
                    .push(format!("{} {}", d.code, fixes[i].message));
            }
        }
        current = Some(tidy_imports(&file.file_name(), &report.file.bytes, next));
    }
    // The fixed text is `current`, or the last pass's report holds it.
    let text = current
        .as_deref()
        .or_else(|| result.remaining.as_deref().map(|r| r.file.bytes.as_slice()));
    result.changed = result.error.is_none() && text.is_some_and(|t| t != file.bytes);
    if result.changed && !carried.is_empty() {
        let report = result.remaining.get_or_insert_with(|| {
            let fixed = current
                .take()
                .expect("the fixed text is here or in a report");
            let fixed = SourceFile::new(file.display_path.clone(), file.path.clone(), fixed);
            let secrets =
                crate::detect::analyze(&fixed, lang::for_file_name(&fixed.file_name())).secrets;
            Arc::new(FileReport {
                file: fixed,
                diagnostics: Vec::new(),
                secrets,
                tree: None,
                verdicts: Vec::new(),
                open_builders: Vec::new(),
            })
        });
        let report = Arc::make_mut(report);
        report.diagnostics.extend(carried);
        report
            .diagnostics
            .sort_by_key(|d| (d.span.start, d.code, d.span.end));
        // The re-check of this file alone offered the key moves the passes held back: what
        // remains says why they are not automatic, as `check` does.
        crate::crossfile::withdraw_half_moves(&report.file, &mut report.diagnostics);
    }
    result.fixed = current.filter(|_| result.changed);
    result
}

/// `after`, the text a pass made of `before`, without an import its fixes left unused: a Go
/// file whose fixes took its last `fmt.Sprintf` no longer compiles while `"fmt"` stays.
fn tidy_imports(file_name: &str, before: &[u8], mut after: Vec<u8>) -> Vec<u8> {
    let lang = lang::for_file_name(file_name);
    if lang.name() == "go"
        && let Some(line) = crate::request::query::fmt_import_left_unused(lang, before, &after)
    {
        after.drain(line);
    }
    after
}

/// The last pass found nothing (more) to fix: its text is the result and its report, which
/// holds that text, what remains. The caller's own report (the first pass) is neither
/// copied nor kept: the file is then unchanged and that report stands.
fn settle(
    report: Cow<'_, FileReport>,
    current: &mut Option<Vec<u8>>,
    remaining: &mut Option<Arc<FileReport>>,
) {
    if let Cow::Owned(report) = report {
        *current = None;
        *remaining = Some(Arc::new(report));
    }
}

/// Moves each diagnostic's span past the `edits` applied before it; one an edit touches was
/// rewritten, and is dropped (a new check of the file decides about what replaced it).
pub(crate) fn carry_over(diagnostics: &mut Vec<Diagnostic>, edits: &[&crate::diagnostic::Edit]) {
    diagnostics.retain_mut(|d| {
        let span = d.span.clone();
        let mut shift: isize = 0;
        for e in edits {
            let r = &e.range;
            if r.start < span.end && span.start < r.end
                || (r.is_empty() && span.start < r.start && r.start < span.end)
            {
                return false;
            }
            if r.end <= span.start {
                shift += e.content.len() as isize - r.len() as isize;
            }
        }
        d.span = span.start.saturating_add_signed(shift)..span.end.saturating_add_signed(shift);
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Edit;

    #[test]
    fn carried_findings_move_with_the_edits_before_them_and_go_with_edits_over_them() {
        let d = |span: std::ops::Range<usize>| {
            Diagnostic::new(crate::rules::RuleCode::WM002, span, "across files")
        };
        let mut carried = vec![d(10..20), d(30..40), d(50..60)];
        let grow = Edit::replace(0..4, "https");
        let inside = Edit::insert(35, "x");
        let at_start = Edit::insert(50, "ab");
        carry_over(&mut carried, &[&grow, &inside, &at_start]);
        let spans: Vec<_> = carried.iter().map(|d| d.span.clone()).collect();
        assert_eq!(spans, [11..21, 54..64]);
    }

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            message: "".into(),
            edits: edits.into(),
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
    fn fixes_that_break_the_parse_are_refused_and_the_rest_applied() {
        let src = b"a b c";
        let ok = fix(vec![Edit::replace(0..1, "A")]);
        let bad = fix(vec![Edit::replace(2..3, "BAD")]);
        let also_ok = fix(vec![Edit::replace(4..5, "C")]);
        let pass = take_parsing(
            src,
            &[&ok, &bad, &also_ok],
            &|_: &[u8], _: &[&Edit], b: &[u8]| b.windows(3).any(|w| w == b"BAD"),
        );
        assert_eq!(pass.refused, vec![1]);
        let (out, taken) = pass.result.unwrap();
        assert_eq!(out, b"A b C".to_vec());
        assert_eq!(taken, vec![0, 2]);
        // Fine alone, broken together: one per pass.
        let x = fix(vec![Edit::replace(0..1, "BA")]);
        let y = fix(vec![Edit::replace(1..2, "D")]);
        let pass = take_parsing(b"xy", &[&x, &y], &|_: &[u8], _: &[&Edit], b: &[u8]| {
            b.windows(3).any(|w| w == b"BAD")
        });
        assert!(pass.refused.is_empty());
        assert_eq!(pass.result.unwrap().1, vec![0]);
    }

    #[test]
    fn a_fix_that_breaks_syntax_is_refused_in_every_tree_sitter_language() {
        for (name, good, broken) in crate::lang::tree::tests::CASES {
            let original = good.as_bytes();
            let breaking = fix(vec![Edit::replace(0..original.len(), *broken)]);
            let harmless = fix(vec![Edit::insert(original.len(), "\n")]);
            // Parsing the original here, or starting from the tree analysis built.
            let analysed = crate::lang::tree::parse(name, original).map(|t| t.keep());
            assert!(analysed.is_some(), "{name}");
            for tree in [None, analysed.as_ref()] {
                let guard = SyntaxGuard::new(name, original, tree, &[]);
                let pass = take_parsing(original, &[&breaking, &harmless], &|base, edits, b| {
                    guard.breaks(base, edits, b)
                });
                assert_eq!(
                    pass.refused,
                    vec![0],
                    "{name}: the breaking fix was not refused"
                );
                assert_eq!(pass.result.map(|(_, taken)| taken), Some(vec![1]), "{name}");
            }
        }
    }

    #[test]
    fn once_the_parser_gave_up_on_a_fixed_text_the_others_are_refused_without_a_parse() {
        // A fix the lines around it cannot prove (it leaves a bracket open until the end of
        // the file), which the file's tree would accept.
        let original = b"def f(k):\n    return [\n        1,\n    ]\n";
        let (base, edited) = (
            &original[..],
            b"def f(k):\n    return [\n        2,\n    ]\n",
        );
        let change = Edit::replace(27..28, "2");
        let guard = SyntaxGuard::new("a.py", original, None, &[]);
        assert!(!guard.breaks(base, &[&change], edited));
        // Each attempt on a file whose fixed texts the parser gave up on costs a whole parse
        // before it gives up: 8 000 of them took minutes.
        guard.gave_up.set(Some(lang::tree::GaveUp::TooMuchMemory));
        assert!(guard.breaks(base, &[&change], edited));
    }

    #[test]
    fn a_fix_in_a_file_the_parser_gives_up_on_is_refused_saying_why() {
        let settings = Settings::with_region(Some("au"));
        // The run is between the edits of the fix: the lines around them are the whole
        // function, and most of the file.
        let run =
            "    # requests.get(BASE + '/messages', params={'apikey': old_key})\n".repeat(8000);
        let src = format!(
            "import requests\n\ndef send(k):\n    params = {{\"apikey\": k}}\n{run}    return requests.get(\"https://api.au.whispir.com/messages\", params=params)\n"
        );
        let file = SourceFile::new("a.py".into(), "a.py".into(), src.into());
        let fixed = fix_file(&file, None, &settings, true, &mut ApproveAll);
        assert!(!fixed.changed());
        assert!(
            fixed
                .refused
                .iter()
                .any(|r| r.contains("the parser gave up on the file")),
            "{:?}",
            fixed.refused
        );
    }

    #[test]
    fn a_fix_in_a_file_whose_tree_would_not_fit_is_refused_saying_why() {
        let settings = Settings::with_region(Some("au"));
        // Arrays nested 100 000 deep: a tree of hundreds of MB for 200 KB.
        let src = format!(
            "fetch('https://api.whispir.com/messages?apikey=4c3b2a190f8e7d6c5b4a39281706f5e4');\nconst v = {}{};\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let file = SourceFile::new("a.js".into(), "a.js".into(), src.into());
        let fixed = fix_file(&file, None, &settings, true, &mut ApproveAll);
        assert!(!fixed.changed());
        assert!(
            fixed.refused.iter().any(|r| r.contains(
                "the parser gave up on the file (its syntax tree would take more memory"
            )),
            "{:?}",
            fixed.refused
        );
    }

    #[test]
    fn the_fixed_text_is_held_once() {
        let settings = Settings::with_region(Some("au"));
        // The host moves, and a finding (the hard-coded key, now in the header) remains:
        // the last pass's report holds the fixed text.
        let src = "const r = fetch('https://api.whispir.com/messages?apikey=4c3b2a190f8e7d6c5b4a39281706f5e4');\n";
        let file = SourceFile::new("a.js".into(), "a.js".into(), src.into());
        let fixed = fix_file(&file, None, &settings, false, &mut ApproveAll);
        assert!(fixed.changed());
        let text = String::from_utf8(fixed.fixed().expect("a fixed text").to_vec()).unwrap();
        assert!(text.contains("api.au.whispir.com"), "{text}");
        assert!(!text.contains("apikey="), "{text}");
        let remaining = fixed.remaining.as_ref().expect("a finding remains");
        assert_eq!(remaining.file.bytes, text.as_bytes());
        assert!(fixed.fixed.is_none(), "the fixed text is held twice");
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
