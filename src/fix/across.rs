//! Fixes that span files: a request built from a constant another file defines
//! (`WhispirConstants.BASE_URL + "/messages" + QUERY_PREFIX + apiKey`) is migrated together
//! with that constant, as one fix over every file involved, or not at all.
//!
//! The per-file fixer knows how to migrate the request once it can see the values. So each
//! use of such a constant is replaced by the constant's literal (the file "as if inlined"),
//! that text is checked, the fixes of the findings in the inlined literals are taken, and
//! their edits are mapped back: where a literal comes back changed (its host moved, its
//! `apikey` parameter dropped) the use is written as it was and the new literal becomes the
//! constant's value where it is defined; where it is gone, the use goes with it.
//!
//! A constant changes only when every use agrees on its new value (or stops using it), and
//! every other mention of its name is accounted for; one use that cannot be fixed, a
//! disagreement, a mention the scan did not connect, or a result that does not parse leaves
//! every file the constant joins as it was. Files without findings are searched for the names
//! too (`crossfile::named`, through the caller's [`NamedOutside`]), those that never say
//! Whispir included, and their mentions judged more strictly: the scan read none of them.
//!
//! Such a fix is unsafe (a module or class binding, SPEC) and runs only over the whole
//! repository: the files of a narrower run may not be all that read the constant.

mod maps;

use super::SyntaxGuard;
use crate::crossfile::named::Wanted;
use crate::crossfile::{Declaration, declaration_at};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, apply_edits};
use crate::engine::{Settings, check_source};
use crate::hosts::Region;
use crate::lang::tokens::{next_significant, prev_significant, token_at};
use crate::lang::{RequestStyle, TokKind, Token};
use crate::rules::RuleCode;
use crate::source::SourceFile;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

/// One file as the per-file fixes left it.
pub struct Current<'a> {
    /// The file as read: its name, and the text the related locations of findings point in.
    pub file: &'a SourceFile,
    /// Its text after the per-file fixes.
    pub text: &'a [u8],
    /// Its findings in `text`.
    pub diagnostics: &'a [Diagnostic],
    /// Whether it may change (not when its per-file fix failed, or it is a stream).
    pub usable: bool,
}

/// What the fixes across files change in one file.
#[derive(Debug)]
pub struct Change {
    /// Index into the files given to [`plan`].
    pub file: usize,
    /// The edits on the file's current text, sorted and apart; none when only other files
    /// change (the file's request already sends the header, and only the value moves).
    pub edits: Vec<Edit>,
    /// One line per finding fixed: `WM002 <what was done>`.
    pub applied: Vec<String>,
    /// The files that change together with this one, this one included (by index), shared
    /// by the group's changes: a constant read by thousands of files makes one group.
    pub group: std::sync::Arc<[usize]>,
    /// The spans, in the current text, of this file's findings about other files' values
    /// that the change settles.
    pub settled: Vec<Range<usize>>,
}

/// A constant read by requests in other files.
struct Binding {
    /// The file that defines it.
    file: usize,
    decl: Declaration,
    /// Its literal in the defining file's current text.
    literal: Range<usize>,
    /// Its uses, by index.
    uses: Vec<usize>,
    /// Set when it cannot change: then neither can any file that reads it.
    failed: bool,
}

impl Binding {
    fn failed(file: usize) -> Binding {
        Binding {
            file,
            decl: Declaration {
                name: String::new(),
                literal: 0..0,
                map: false,
            },
            literal: 0..0,
            uses: Vec::new(),
            failed: true,
        }
    }
}

/// A use of a binding the scan found: a finding whose related location is the binding.
struct Use {
    file: usize,
    span: Range<usize>,
    code: RuleCode,
    binding: usize,
}

/// What one use asks of its binding once its request is fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wants {
    /// This literal (quotes included).
    Value(Vec<u8>),
    /// Nothing: the fixed request no longer reads the binding.
    Gone,
}

/// One use file's fix, on its current text.
struct UseFix {
    edits: Vec<Edit>,
    /// What each of its uses asks.
    wants: HashMap<usize, Wants>,
    /// `WM002 <fix message>` per finding the fix settles.
    applied: Vec<String>,
}

/// The files of the repository, other than `accounted`, that name any of the names (display
/// name and path); `None` when that cannot be known: [`crate::crossfile::named::naming_files`]
/// over the run's walk.
pub type NamedOutside<'a> =
    &'a dyn Fn(&[Wanted], &HashSet<&str>) -> Option<Vec<(String, std::path::PathBuf)>>;

/// The fixes across files for `files` (the run's files with findings, after the per-file
/// fixes). Empty when nothing spans files or nothing can be proven.
pub fn plan(
    files: &[Current<'_>],
    settings: &Settings,
    named_outside: NamedOutside,
) -> Vec<Change> {
    let (mut bindings, uses) = bindings_and_uses(files);
    if uses.is_empty() {
        return Vec::new();
    }
    check_mentions(files, &mut bindings, &uses, named_outside);
    // The names each Python module defining a map assigns at its top level, read once.
    let mut module_names: HashMap<usize, HashSet<&[u8]>> = HashMap::new();
    let python = |f: usize| {
        crate::lang::for_file_name(&files[f].file.file_name()).request_style()
            == RequestStyle::Python
    };
    for b in bindings
        .iter()
        .filter(|b| b.decl.map && !b.failed && python(b.file))
    {
        module_names
            .entry(b.file)
            .or_insert_with(|| maps::python_module_names(files[b.file].text));
    }
    let mut by_file: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (u, use_) in uses.iter().enumerate() {
        by_file.entry(use_.file).or_default().push(u);
    }
    let mut fixes: BTreeMap<usize, Option<UseFix>> = by_file
        .iter()
        .map(|(&f, mine)| {
            let fix = files[f]
                .usable
                .then(|| fix_use_file(files, f, &bindings, &uses, mine, &module_names, settings));
            (f, fix.flatten())
        })
        .collect();
    // A failure spreads to every file and binding it touches, until nothing changes.
    loop {
        let mut changed = fail_beside_keys_left(files, &mut bindings);
        for (f, mine) in &by_file {
            let fix = fixes.get_mut(f).expect("one per use file");
            if fix.is_some() && mine.iter().any(|&u| bindings[uses[u].binding].failed) {
                *fix = None;
                changed = true;
            }
        }
        for b in bindings.iter_mut().filter(|b| !b.failed) {
            if new_value(files, b, &uses, &fixes).is_none() {
                b.failed = true;
                changed = true;
            }
        }
        if changed {
            continue;
        }
        match changes(files, &bindings, &uses, &fixes) {
            Ok(changes) => return changes,
            // A file whose edits collide or whose fixed text would not parse: its own use
            // fix and the bindings it defines go, and the loop spreads that.
            Err(bad) => {
                for f in bad {
                    if let Some(fix) = fixes.get_mut(&f) {
                        *fix = None;
                    }
                    for b in bindings.iter_mut().filter(|b| b.file == f) {
                        b.failed = true;
                    }
                }
            }
        }
    }
}

/// A file's tokens and bracket index, made once for all the bindings it defines.
struct Lexed {
    tokens: Vec<Token>,
    openers: OnceLock<crate::lang::tokens::Openers>,
}

impl Lexed {
    fn of(file: &SourceFile, text: &[u8]) -> Lexed {
        Lexed {
            tokens: crate::lang::for_file_name(&file.file_name()).tokenize(text),
            openers: OnceLock::new(),
        }
    }
}

/// The bindings the findings point at (failed unless defined in a file of this run as one
/// string literal), and their uses.
fn bindings_and_uses(files: &[Current<'_>]) -> (Vec<Binding>, Vec<Use>) {
    let by_path: HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, c)| (c.file.display_path.as_str(), i))
        .collect();
    let mut lexed: HashMap<usize, Lexed> = HashMap::new();
    let mut bindings: Vec<Binding> = Vec::new();
    let mut by_place: HashMap<(&str, usize, usize), usize> = HashMap::new();
    let mut uses: Vec<Use> = Vec::new();
    for (f, current) in files.iter().enumerate() {
        for d in current.diagnostics {
            let Some(rel) = d.related.first() else {
                continue;
            };
            if !matches!(d.code, RuleCode::WM001 | RuleCode::WM002)
                || rel.path == current.file.display_path
            {
                continue;
            }
            let place = (rel.path.as_str(), rel.line, rel.column);
            let b = *by_place.entry(place).or_insert_with(|| {
                bindings.push(match by_path.get(rel.path.as_str()) {
                    Some(&def) => binding_at(files, def, &mut lexed, rel.line, rel.column),
                    None => Binding::failed(usize::MAX),
                });
                bindings.len() - 1
            });
            bindings[b].uses.push(uses.len());
            uses.push(Use {
                file: f,
                span: d.span.clone(),
                code: d.code,
                binding: b,
            });
        }
    }
    (bindings, uses)
}

/// The binding declared at `line`:`column` (1-based, columns in characters, of the text as
/// read) of file `f`, found again in its current text.
fn binding_at(
    files: &[Current<'_>],
    f: usize,
    lexed: &mut HashMap<usize, Lexed>,
    line: usize,
    column: usize,
) -> Binding {
    let current = &files[f];
    let original = current.file;
    if !current.usable || line == 0 || line > original.line_count() {
        return Binding::failed(f);
    }
    let range = original.line_range(line - 1);
    let Some(offset) = String::from_utf8_lossy(&original.bytes[range.clone()])
        .char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| range.start + i)
    else {
        return Binding::failed(f);
    };
    let lexed = lexed
        .entry(f)
        .or_insert_with(|| Lexed::of(original, &original.bytes));
    let decl = token_at(&lexed.tokens, offset)
        .filter(|&t| lexed.tokens[t].start() == offset)
        .and_then(|t| declaration_at(original, &lexed.tokens, &lexed.openers, t));
    let Some(decl) = decl else {
        return Binding::failed(f);
    };
    // Where the per-file fixes left it: in place, or found again by name and literal.
    let literal = &original.bytes[decl.literal.clone()];
    let start = if current.text == original.bytes.as_slice() {
        Some(decl.literal.start)
    } else {
        find_declaration(current, &decl.name, literal)
    };
    match start {
        Some(start) => Binding {
            file: f,
            literal: start..start + literal.len(),
            decl,
            uses: Vec::new(),
            failed: false,
        },
        None => Binding::failed(f),
    }
}

/// The start of the one `literal` (a string, or a map's text) assigned to `name` in
/// `current`'s text.
fn find_declaration(current: &Current<'_>, name: &str, literal: &[u8]) -> Option<usize> {
    let src = current.text;
    let tokens = crate::lang::for_file_name(&current.file.file_name()).tokenize(src);
    let mut found = tokens.iter().enumerate().filter_map(|(i, t)| {
        let op = next_significant(&tokens, i)?;
        let value = next_significant(&tokens, op)?;
        (t.kind == TokKind::Ident
            && t.text(src) == name.as_bytes()
            && matches!(tokens[op].text(src), b"=" | b":")
            && src[tokens[value].start()..].starts_with(literal))
        .then(|| tokens[value].start())
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// Fails each binding whose name is mentioned where the scan cannot vouch for it. In
/// another file, a mention is accounted for when it is one of the binding's uses, on an
/// import line, or a read the scan judged no request: qualified (`C.NAME`, or another
/// class's `NAME`), or bare in a Python or JavaScript file whose import names it (the scan
/// reads those as the binding). Such a read may still reach a request through a variable
/// (`base = C.BASE` … `base + "?apikey=" + k`), so it counts only in a file that sends no
/// key in a query any more. A bare name anywhere else may be a request the scan did not
/// connect (Go's package-level names, a static import used twice). In the defining file,
/// only the declaration may name it: its own requests stay with it.
///
/// Then the files of the repository without findings that name a binding still standing
/// (`named_outside`) are read and judged the same way; the scan never looked at one that does
/// not say Whispir, so one that says `apikey` anywhere may send the key in a query.
fn check_mentions(
    files: &[Current<'_>],
    bindings: &mut [Binding],
    uses: &[Use],
    named_outside: NamedOutside,
) {
    let Some(judge) = MentionJudge::new(files, bindings, uses) else {
        return;
    };
    let mut failed: BTreeSet<usize> = BTreeSet::new();
    for (f, current) in files.iter().enumerate() {
        let keys_left = || sends_key_in_query(current, f, &[]);
        judge.judge(Some(f), current.file, current.text, &keys_left, &mut failed);
    }
    let standing: Vec<usize> = (0..bindings.len())
        .filter(|b| !bindings[*b].failed && !failed.contains(b))
        .collect();
    if !standing.is_empty() {
        let wanted: Vec<Wanted> = (standing.iter())
            .map(|&b| Wanted {
                file: files[bindings[b].file].file.display_path.clone(),
                name: bindings[b].decl.name.clone().into_bytes(),
                any_case: false,
            })
            .collect();
        let accounted: HashSet<&str> = (files.iter())
            .map(|c| c.file.display_path.as_str())
            .collect();
        match named_outside(&wanted, &accounted) {
            None => failed.extend(standing),
            Some(others) => {
                for (display, path) in others {
                    let Ok(bytes) = crate::crossfile::named::read_text(&path) else {
                        failed.extend(standing.iter().copied());
                        break;
                    };
                    let file = SourceFile::new(display, path, bytes);
                    let keys_left =
                        || (file.bytes.windows(6)).any(|w| w.eq_ignore_ascii_case(b"apikey"));
                    judge.judge(None, &file, &file.bytes, &keys_left, &mut failed);
                }
            }
        }
    }
    for b in failed {
        bindings[b].failed = true;
    }
}

/// What [`check_mentions`] knows of the bindings still standing, to judge a file's mentions.
struct MentionJudge<'b> {
    bindings: &'b [Binding],
    /// The bindings by name.
    named: HashMap<Vec<u8>, Vec<usize>>,
    finder: crate::crossfile::Mentions,
    /// (file, binding, end of the use): a use ends with the binding's name.
    used: HashSet<(usize, usize, usize)>,
    /// Each binding's language family.
    styles: Vec<Option<RequestStyle>>,
    /// The qualifier a bare name of a binding is imported through (a Python or JavaScript
    /// module's stem).
    modules: Vec<Option<String>>,
    /// The stem of each binding's file: the class a Java, Kotlin, C# or PHP constant is
    /// named through.
    stems: Vec<Option<String>>,
}

impl<'b> MentionJudge<'b> {
    fn new(
        files: &[Current<'_>],
        bindings: &'b [Binding],
        uses: &[Use],
    ) -> Option<MentionJudge<'b>> {
        let mut named: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
        for (i, b) in bindings.iter().enumerate().filter(|(_, b)| !b.failed) {
            named
                .entry(b.decl.name.clone().into_bytes())
                .or_default()
                .push(i);
        }
        if named.is_empty() {
            return None;
        }
        let finder = crate::crossfile::Mentions::new(named.keys().map(Vec::as_slice));
        let used = uses
            .iter()
            .map(|u| (u.file, u.binding, u.span.end))
            .collect();
        let styles: Vec<Option<RequestStyle>> = bindings
            .iter()
            .map(|b| {
                let file = files.get(b.file)?.file;
                Some(crate::lang::for_file_name(&file.file_name()).request_style())
            })
            .collect();
        let modules = bindings
            .iter()
            .zip(&styles)
            .map(|(b, style)| {
                matches!(style, Some(RequestStyle::Python | RequestStyle::JavaScript))
                    .then(|| crate::crossfile::module_stem(files[b.file].file))
                    .flatten()
            })
            .collect();
        let stems = bindings
            .iter()
            .map(|b| {
                let path = std::path::Path::new(&files.get(b.file)?.file.display_path);
                Some(path.file_stem()?.to_string_lossy().into_owned())
            })
            .collect();
        Some(MentionJudge {
            bindings,
            named,
            finder,
            used,
            styles,
            modules,
            stems,
        })
    }

    /// Adds to `failed` each binding `src` (the text of `file`, the run's file `f` if it is
    /// one) names where the scan cannot vouch for it. `keys_left`: whether the file may
    /// still send a key in a query.
    fn judge(
        &self,
        f: Option<usize>,
        file: &SourceFile,
        src: &[u8],
        keys_left_now: &dyn Fn() -> bool,
        failed: &mut BTreeSet<usize>,
    ) {
        if !self.finder.in_text(src) {
            return;
        }
        let lang = crate::lang::for_file_name(&file.file_name());
        let tokens = lang.tokenize(src);
        let keys_left = OnceLock::new();
        let file_imports = OnceLock::new();
        let mut imported: HashMap<usize, bool> = HashMap::new();
        let declared = OnceLock::new();
        for (i, t) in tokens.iter().enumerate() {
            if t.kind != TokKind::Ident {
                continue;
            }
            let Some(bs) = self.named.get(t.text(src)) else {
                continue;
            };
            for &b in bs {
                let binding = &self.bindings[b];
                let readable =
                    self.styles[b].is_some_and(|defined| can_read(lang.request_style(), defined));
                let accounted = if !readable {
                    true
                } else if f.is_none() {
                    // A file the scan did not read: no read of it was judged. What is not the
                    // binding is another class's constant of the same name (`Mail.BASE_URL`,
                    // a class name no import renames), or one the file assigns itself.
                    let other_class = class_qualified(lang.request_style())
                        && qualifier(src, &tokens, i).is_some_and(|q| {
                            // A subclass reaches inherited constants through these.
                            !matches!(q, "this" | "self" | "static" | "parent" | "super")
                                && Some(q) != self.stems[b].as_deref()
                        });
                    other_class
                        || ((declared.get_or_init(|| assigned_names(src, &tokens)))
                            .contains(t.text(src))
                            && !*keys_left.get_or_init(keys_left_now))
                } else if f == Some(binding.file) {
                    next_significant(&tokens, i)
                        .and_then(|op| next_significant(&tokens, op))
                        .is_some_and(|v| tokens[v].start() == binding.literal.start)
                        || exported(src, &tokens, i)
                } else if f.is_some_and(|f| self.used.contains(&(f, b, t.end())))
                    || on_import_line(src, t.start())
                {
                    true
                } else {
                    let read = qualified(src, &tokens, i)
                        || *imported.entry(b).or_insert_with(|| {
                            self.modules[b].as_deref().is_some_and(|m| {
                                file_imports
                                    .get_or_init(|| crate::crossfile::Imports::new(src, &tokens))
                                    .names(m, &binding.decl.name)
                            })
                        });
                    read && !*keys_left.get_or_init(keys_left_now)
                };
                if !accounted {
                    failed.insert(b);
                }
            }
        }
    }
}

/// Whether the language names a constant through its class (`C.NAME`, `C::NAME`), a name no
/// import renames.
fn class_qualified(style: RequestStyle) -> bool {
    matches!(
        style,
        RequestStyle::Jvm | RequestStyle::CSharp | RequestStyle::Php
    )
}

/// The name before token `i`'s `.`, `::` or `->`, if it is qualified.
fn qualifier<'s>(src: &'s [u8], tokens: &[Token], i: usize) -> Option<&'s str> {
    let sep = prev_significant(tokens, i).filter(|&sep| qualified(src, tokens, i) && sep > 0)?;
    let q = prev_significant(tokens, sep)?;
    (tokens[q].kind == TokKind::Ident)
        .then(|| std::str::from_utf8(tokens[q].text(src)).ok())
        .flatten()
}

/// The names `tokens` assign (`NAME = …`, not `X.NAME = …`).
fn assigned_names<'s>(src: &'s [u8], tokens: &[Token]) -> HashSet<&'s [u8]> {
    (0..tokens.len())
        .filter(|&i| {
            tokens[i].kind == TokKind::Ident
                && next_significant(tokens, i).is_some_and(|op| tokens[op].is_punct(src, "="))
                && prev_significant(tokens, i).is_none_or(|p| !tokens[p].is_punct(src, "."))
        })
        .map(|i| tokens[i].text(src))
        .collect()
}

/// Whether code of `reader`'s style can read a binding defined in code of `defined`'s
/// style: the same language family, or code the scan has no request shapes for (a template
/// may read anything). A `.env` line, a JSON member, a document or a shell script that
/// spells the same name is another thing.
fn can_read(reader: RequestStyle, defined: RequestStyle) -> bool {
    reader == defined || reader == RequestStyle::Code
}

/// Whether the name at token `i` is only exported: a shorthand member of
/// `module.exports = { NAME, … }` or a name of `export { NAME, … }`.
fn exported(src: &[u8], tokens: &[Token], i: usize) -> bool {
    let shorthand = next_significant(tokens, i)
        .is_some_and(|n| tokens[n].is_punct(src, ",") || tokens[n].is_punct(src, "}"));
    // The brace the list opens with: only names and commas before the name.
    let mut j = i;
    let open = loop {
        let Some(p) = prev_significant(tokens, j) else {
            return false;
        };
        let t = &tokens[p];
        if t.is_punct(src, "{") {
            break p;
        }
        if !(t.kind == TokKind::Ident || t.is_punct(src, ",")) {
            return false;
        }
        j = p;
    };
    let before = prev_significant(tokens, open);
    let to_exports = before.is_some_and(|e| {
        tokens[e].is_punct(src, "=")
            && prev_significant(tokens, e).is_some_and(|x| tokens[x].text(src) == b"exports")
    });
    let export_list = before.is_some_and(|e| tokens[e].text(src) == b"export");
    shorthand && (to_exports || export_list)
}

/// Whether the name at token `i` is written after a qualifier (`C.NAME`, `C::NAME`).
fn qualified(src: &[u8], tokens: &[Token], i: usize) -> bool {
    prev_significant(tokens, i).is_some_and(|sep| {
        tokens[sep].kind == TokKind::Punct && matches!(tokens[sep].text(src), b"." | b"::" | b"->")
    })
}

/// Whether byte `at` is on an import line (`import`, `from … import`, `using`, `use`,
/// `require`).
fn on_import_line(src: &[u8], at: usize) -> bool {
    let start = memchr::memrchr(b'\n', &src[..at]).map_or(0, |n| n + 1);
    let end = memchr::memchr(b'\n', &src[at..]).map_or(src.len(), |n| at + n);
    let line = src[start..end].trim_ascii_start();
    [&b"import "[..], b"from ", b"using ", b"use ", b"require"]
        .iter()
        .any(|k| line.starts_with(k))
        || memchr::memmem::find(line, b"require(").is_some()
}

/// Fails each binding whose file still sends a key in a query, in code, outside the
/// literals of the bindings that change: that file (or its package: Go's unexported names)
/// may build a request from the binding that no other file shows, and moving its host would
/// leave that request half-migrated. Whether any binding failed.
fn fail_beside_keys_left(files: &[Current<'_>], bindings: &mut [Binding]) -> bool {
    let changing: Vec<(usize, Range<usize>)> = bindings
        .iter()
        .filter(|b| !b.failed)
        .map(|b| (b.file, b.literal.clone()))
        .collect();
    let mut verdicts: HashMap<usize, bool> = HashMap::new();
    let mut any = false;
    for b in bindings.iter_mut().filter(|b| !b.failed) {
        let keys_left = *verdicts
            .entry(b.file)
            .or_insert_with(|| sends_key_in_query(&files[b.file], b.file, &changing));
        if keys_left {
            b.failed = true;
            any = true;
        }
    }
    any
}

/// Whether file `f` still sends a key in a query in code: one of its own WM002 findings
/// (not one about another file's value), outside the `changing` literals (file, range).
fn sends_key_in_query(current: &Current<'_>, f: usize, changing: &[(usize, Range<usize>)]) -> bool {
    let mut left = current.diagnostics.iter().filter(|d| {
        d.code == RuleCode::WM002
            && d.related.is_empty()
            && !changing
                .iter()
                .any(|(c, l)| *c == f && l.start <= d.span.start && d.span.end <= l.end)
    });
    let Some(first) = left.next() else {
        return false;
    };
    // A key in a comment (`{@code …?apikey=<key>}` in a Javadoc) is no request.
    let lang = crate::lang::for_file_name(&current.file.file_name());
    let tokens = lang.tokenize(current.text);
    let in_code = |d: &Diagnostic| {
        token_at(&tokens, d.span.start).is_none_or(|t| tokens[t].kind != TokKind::Comment)
    };
    in_code(first) || left.any(in_code)
}

/// An inlined literal: where it is in the inlined text, where the use was written in the
/// file, and the uses it stands for.
struct Inlined {
    at: Range<usize>,
    written: Range<usize>,
    uses: Vec<usize>,
    /// The interpolated string around the use, in the inlined text (`"#{C::BASE}/m"`):
    /// nothing in it but the literal may change. A fix that drops `f` from a Python f-string
    /// left with nothing to interpolate would drop it from the file's, which still has.
    string: Option<Range<usize>>,
    /// A params map (or, spread, its entry): its fix takes its key entry out, or the whole
    /// map away.
    map: Option<MapInlined>,
}

/// What an inlined params map should become once its key entry is out.
struct MapInlined {
    /// The inlined text without the entry (tokens compared, not spaces).
    inlined_after: Vec<u8>,
    /// The map as the defining file writes it, without the entry.
    defined_after: Vec<u8>,
}

/// Fixes use file `f`: its uses (`mine`) inlined, the inlined text checked, the fixes of the
/// findings in the inlined literals taken, and their edits mapped back to the file.
fn fix_use_file(
    files: &[Current<'_>],
    f: usize,
    bindings: &[Binding],
    uses: &[Use],
    mine: &[usize],
    module_names: &HashMap<usize, HashSet<&[u8]>>,
    settings: &Settings,
) -> Option<UseFix> {
    let current = &files[f];
    let lang = crate::lang::for_file_name(&current.file.file_name());
    let src = current.text;
    // Each map binding inlined once per way it is written here (spread or not), and the
    // file's imports read once: a file may send one map from thousands of requests.
    let imported = OnceLock::new();
    let mut maps_inlined: HashMap<(usize, bool), Option<Vec<u8>>> = HashMap::new();
    let mut mine = mine.to_vec();
    mine.sort_by_key(|&u| (uses[u].span.start, uses[u].span.end));
    let tokens = lang.tokenize(src);
    let mut text = Vec::with_capacity(src.len());
    let mut inlined: Vec<Inlined> = Vec::new();
    let mut at = 0;
    for &u in &mine {
        let use_ = &uses[u];
        let b = &bindings[use_.binding];
        let same_language =
            crate::lang::for_file_name(&files[b.file].file.file_name()).name() == lang.name();
        if b.failed || !same_language {
            return None;
        }
        if let Some(last) = inlined.last_mut()
            && last.written.end == use_.span.end
            && last.written.start <= use_.span.start
        {
            // A literal that carries a host and a key: two findings, one use.
            last.uses.push(u);
            continue;
        }
        // A name, qualified or not; nothing else is inlined.
        let name = &src[use_.span.clone()];
        let plain = name.iter().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'-' | b'>' | b'\\')
        });
        let mut map = None;
        let (written, value) = if b.decl.map {
            let spread = maps::spread_start(src, &use_.span, lang.request_style());
            let value = maps_inlined
                .entry((use_.binding, spread.is_some()))
                .or_insert_with(|| {
                    let defining = &files[b.file];
                    let defined = module_names.get(&b.file);
                    maps::inline(
                        lang.request_style(),
                        &defining.text[b.literal.clone()],
                        &|n: &[u8]| defined.is_some_and(|d| d.contains(n)),
                        &|n: &[u8]| {
                            imported
                                .get_or_init(|| maps::python_imports(src))
                                .contains(n)
                        },
                        &crate::crossfile::module_stem(defining.file)?,
                        spread.is_some(),
                    )
                })
                .clone()?;
            let style = lang.request_style();
            map = Some(MapInlined {
                inlined_after: maps::without_key(style, &value).unwrap_or_default(),
                defined_after: maps::without_key(style, &files[b.file].text[b.literal.clone()])?,
            });
            (spread.unwrap_or(use_.span.start)..use_.span.end, value)
        } else {
            let value = files[b.file].text[b.literal.clone()].to_vec();
            (use_.span.clone(), value)
        };
        if written.start < at || !plain {
            return None;
        }
        let string = token_at(&tokens, use_.span.start)
            .map(|t| &tokens[t])
            .filter(|t| t.kind == TokKind::Str && t.start() < use_.span.start)
            .map(|t| t.span());
        text.extend_from_slice(&src[at..written.start]);
        let start = text.len();
        text.extend_from_slice(&value);
        let end = text.len();
        inlined.push(Inlined {
            at: start..end,
            string: string.map(|s| s.start + start - written.start..s.end + end - written.end),
            written,
            uses: vec![u],
            map,
        });
        at = use_.span.end;
    }
    text.extend_from_slice(&src[at..]);
    let file = SourceFile::new(
        current.file.display_path.clone(),
        current.file.path.clone(),
        text,
    );
    let report = check_source(file, settings).ok()?;
    // Every finding in a literal must have a fix; the fixes are taken together.
    let mut fixes: Vec<&Fix> = Vec::new();
    let mut applied = Vec::new();
    for r in &inlined {
        let codes: BTreeSet<RuleCode> = r.uses.iter().map(|&u| uses[u].code).collect();
        for code in codes {
            let fix = report
                .diagnostics
                .iter()
                .filter(|d| d.code == code && r.at.start <= d.span.start && d.span.end <= r.at.end)
                .find_map(|d| d.fix.as_ref())?;
            applied.push(format!(
                "{code} {} (with a value defined in another file)",
                fix.message
            ));
            if !fixes.contains(&fix) {
                fixes.push(fix);
            }
        }
    }
    let (_, taken, edits) = apply_edits(&report.file.bytes, &fixes);
    if taken.len() != fixes.len() {
        return None;
    }
    let region = settings.rules.region;
    let style = lang.request_style();
    let (edits, wants) = map_back(
        src,
        &report.file.bytes,
        &inlined,
        &edits,
        uses,
        region,
        style,
    )?;
    Some(UseFix {
        edits,
        wants,
        applied,
    })
}

/// Whether edit `e` changes something in `r`.
fn touches(e: &Edit, r: &Range<usize>) -> bool {
    e.range.start < r.end && r.start < e.range.end
        || (e.range.is_empty() && r.start < e.range.start && e.range.start < r.end)
}

/// The edits made on the inlined text `v` (sorted, apart), as edits on the file's text
/// `src`, and what each use asks of its binding. `None` when a literal cannot be told apart
/// in what the edits made of it.
fn map_back(
    src: &[u8],
    v: &[u8],
    inlined: &[Inlined],
    edits: &[&Edit],
    uses: &[Use],
    region: Option<Region>,
    style: RequestStyle,
) -> Option<(Vec<Edit>, HashMap<usize, Wants>)> {
    for r in inlined {
        if let Some(s) = &r.string {
            let inside = |e: &&&Edit| r.at.start <= e.range.start && e.range.end <= r.at.end;
            if edits.iter().any(|e| touches(e, s) && !inside(&e)) {
                return None;
            }
        }
    }
    // Clusters: literals joined by the edits that touch them. Both lists are sorted and
    // each is apart, so a sweep in order of start finds them.
    struct Cluster {
        range: Range<usize>,
        literals: Vec<usize>,
        edits: Vec<usize>,
    }
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut loose: Vec<usize> = Vec::new();
    let (mut i, mut k) = (0, 0);
    while i < inlined.len() || k < edits.len() {
        let literal_first =
            k == edits.len() || (i < inlined.len() && inlined[i].at.start <= edits[k].range.start);
        let last = clusters.last_mut();
        if literal_first {
            let r = &inlined[i].at;
            match last {
                Some(c) if c.edits.last().is_some_and(|&e| touches(edits[e], r)) => {
                    c.range.end = c.range.end.max(r.end);
                    c.literals.push(i);
                }
                _ => clusters.push(Cluster {
                    range: r.clone(),
                    literals: vec![i],
                    edits: Vec::new(),
                }),
            }
            i += 1;
        } else {
            let e = edits[k];
            match last {
                Some(c)
                    if c.literals
                        .last()
                        .is_some_and(|&l| touches(e, &inlined[l].at)) =>
                {
                    c.range = c.range.start.min(e.range.start)..c.range.end.max(e.range.end);
                    c.edits.push(k);
                }
                _ if inlined[i..].first().is_some_and(|r| touches(e, &r.at)) => {
                    clusters.push(Cluster {
                        range: e.range.clone(),
                        literals: Vec::new(),
                        edits: vec![k],
                    });
                }
                _ => loose.push(k),
            }
            k += 1;
        }
    }
    // From the inlined text to the file's, outside the literals.
    let mut shifts: Vec<(usize, isize)> = Vec::with_capacity(inlined.len());
    let mut shift = 0isize;
    for r in inlined {
        shift += r.written.len() as isize - r.at.len() as isize;
        shifts.push((r.at.end, shift));
    }
    let to_src = |pos: usize| -> usize {
        let n = shifts.partition_point(|(end, _)| *end <= pos);
        pos.saturating_add_signed(if n == 0 { 0 } else { shifts[n - 1].1 })
    };
    let mut out: Vec<Edit> = loose
        .iter()
        .map(|&k| {
            let e = edits[k];
            Edit::replace(
                to_src(e.range.start)..to_src(e.range.end),
                e.content.clone(),
            )
        })
        .collect();
    let mut wants: HashMap<usize, Wants> = HashMap::new();
    for c in &clusters {
        // What the cluster's edits made of its text.
        let mut new: Vec<u8> = Vec::new();
        let mut at = c.range.start;
        for &k in &c.edits {
            new.extend_from_slice(&v[at..edits[k].range.start]);
            new.extend_from_slice(edits[k].content.as_bytes());
            at = edits[k].range.end;
        }
        new.extend_from_slice(&v[at..c.range.end]);
        let keeps_key = memchr::memmem::find(&new.to_ascii_lowercase(), b"apikey=").is_some();
        // Each literal found again, in order, and written back as its use.
        let mut replacement: Vec<u8> = Vec::new();
        let mut from = 0;
        for &l in &c.literals {
            let r = &inlined[l];
            if let Some(map) = &r.map {
                if memchr::memmem::find(&new.to_ascii_lowercase(), b"apikey").is_some() {
                    return None;
                }
                // Its key entry removed in place (`params={"apikey": K, "limit": 5}`): the use
                // stays, and the definition loses the entry. Otherwise the fix took the map
                // away whole (`params=` dropped), below.
                let inside = c.literals.len() == 1
                    && !c.edits.is_empty()
                    && c.edits.iter().all(|&k| {
                        r.at.start <= edits[k].range.start && edits[k].range.end <= r.at.end
                    });
                if inside {
                    if !maps::same_tokens(style, &new, &map.inlined_after) {
                        return None;
                    }
                    replacement.extend_from_slice(&src[r.written.clone()]);
                    from = new.len();
                    for &u in &r.uses {
                        wants.insert(u, Wants::Value(map.defined_after.clone()));
                    }
                    continue;
                }
            }
            // A map is never found again as it was.
            let candidates = if r.map.is_some() {
                Vec::new()
            } else {
                candidates(&v[r.at.clone()], region)
            };
            let found = candidates.into_iter().find_map(|cand| {
                let mut hits = memchr::memmem::find_iter(&new[from..], &cand);
                let first = hits.next()?;
                hits.next().is_none().then_some((from + first, cand))
            });
            match found {
                Some((pos, literal)) => {
                    replacement.extend_from_slice(&new[from..pos]);
                    replacement.extend_from_slice(&src[r.written.clone()]);
                    from = pos + literal.len();
                    for &u in &r.uses {
                        wants.insert(u, Wants::Value(literal.clone()));
                    }
                }
                // Gone: only a literal that carried nothing but the key parameter, with no
                // trace of that parameter left.
                None => {
                    let host = r.uses.iter().any(|&u| uses[u].code == RuleCode::WM001);
                    if host || keeps_key {
                        return None;
                    }
                    for &u in &r.uses {
                        wants.insert(u, Wants::Gone);
                    }
                }
            }
        }
        replacement.extend_from_slice(&new[from..]);
        out.push(Edit::replace(
            to_src(c.range.start)..to_src(c.range.end),
            String::from_utf8(replacement).ok()?,
        ));
    }
    out.sort_by_key(|e| (e.range.start, e.range.end));
    if out.windows(2).any(|w| w[0].range.end > w[1].range.start) {
        return None;
    }
    Some((out, wants))
}

/// What an inlined literal may have become, most changed first: its retired host moved to
/// the run's region, its `apikey` parameter dropped, both, or neither. An empty literal is
/// no candidate: any `""` of the fix could be taken for it.
fn candidates(literal: &[u8], region: Option<Region>) -> Vec<Vec<u8>> {
    let moved = region.and_then(|r| move_host(literal, r));
    let mut out = Vec::new();
    for base in [moved, Some(literal.to_vec())].into_iter().flatten() {
        out.extend(strip_key(&base));
        out.push(base);
    }
    out.retain(|c| c.len() > 2);
    out.dedup();
    out
}

/// `literal` with its retired host moved to `region` (and `http://` to `https://`).
fn move_host(literal: &[u8], region: Region) -> Option<Vec<u8>> {
    let lower = literal.to_ascii_lowercase();
    let (at, host) = crate::hosts::LEGACY_HOSTS
        .iter()
        .find_map(|h| memchr::memmem::find(&lower, h.as_bytes()).map(|at| (at, h)))?;
    let mut out = literal[..at].to_vec();
    if lower[..at].ends_with(b"http://") {
        out.truncate(at - 7);
        out.extend_from_slice(b"https://");
    }
    out.extend_from_slice(region.host().as_bytes());
    out.extend_from_slice(&literal[at + host.len()..]);
    Some(out)
}

/// `literal` (quotes included) without the `apikey` parameter that ends it (`?apikey=`,
/// `&apikey=`, no value): `"…/messages?apikey="` → `"…/messages"`, `"?apikey="` → `""`.
fn strip_key(literal: &[u8]) -> Option<Vec<u8>> {
    let (&quote, body) = literal.split_last()?;
    let at = memchr::memmem::rfind(&body.to_ascii_lowercase(), b"apikey=")?;
    if at + 7 != body.len() || at < 2 || !matches!(body[at - 1], b'?' | b'&') {
        return None;
    }
    let mut out = body[..at - 1].to_vec();
    out.push(quote);
    Some(out)
}

/// The literal binding `b` takes: the one its uses agree on, or — when no use reads it any
/// more — its literal without the key parameter (unchanged when it has none). `None` when
/// the uses disagree, or a use's file has no fix.
fn new_value(
    files: &[Current<'_>],
    b: &Binding,
    uses: &[Use],
    fixes: &BTreeMap<usize, Option<UseFix>>,
) -> Option<Vec<u8>> {
    let literal = &files[b.file].text[b.literal.clone()];
    let mut value: Option<&Vec<u8>> = None;
    for &u in &b.uses {
        let fix = fixes.get(&uses[u].file)?.as_ref()?;
        match fix.wants.get(&u)? {
            Wants::Value(v) if value.is_some_and(|seen| seen != v) => return None,
            Wants::Value(v) => value = Some(v),
            Wants::Gone => {}
        }
    }
    match value {
        Some(v) => Some(v.clone()),
        None if b.decl.map => {
            let style = crate::lang::for_file_name(&files[b.file].file.file_name()).request_style();
            maps::without_key(style, literal)
        }
        None => Some(strip_key(literal).unwrap_or_else(|| literal.to_vec())),
    }
}

/// Each file's edits once every binding's value is decided, with the groups of files that
/// change together; `Err` with the files whose edits collide or whose text would not parse.
fn changes(
    files: &[Current<'_>],
    bindings: &[Binding],
    uses: &[Use],
    fixes: &BTreeMap<usize, Option<UseFix>>,
) -> Result<Vec<Change>, Vec<usize>> {
    let mut edits: BTreeMap<usize, Vec<Edit>> = BTreeMap::new();
    let mut applied: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut settled: BTreeMap<usize, Vec<Range<usize>>> = BTreeMap::new();
    let mut groups = Groups::new(files.len());
    for (&f, fix) in fixes {
        let Some(fix) = fix else {
            continue;
        };
        edits
            .entry(f)
            .or_default()
            .extend(fix.edits.iter().cloned());
        applied
            .entry(f)
            .or_default()
            .extend(fix.applied.iter().cloned());
        let spans = fix.wants.keys().map(|&u| uses[u].span.clone());
        settled.entry(f).or_default().extend(spans);
    }
    for b in bindings.iter().filter(|b| !b.failed) {
        let value = new_value(files, b, uses, fixes).expect("decided before");
        for &u in &b.uses {
            groups.join(b.file, uses[u].file);
        }
        let current = &files[b.file];
        if value == current.text[b.literal.clone()] {
            continue;
        }
        let value = String::from_utf8(value).map_err(|_| vec![b.file])?;
        let own: BTreeSet<RuleCode> = current
            .diagnostics
            .iter()
            .filter(|d| d.related.is_empty())
            .filter(|d| d.span.start < b.literal.end && b.literal.start < d.span.end)
            .map(|d| d.code)
            .collect();
        for code in own {
            applied.entry(b.file).or_default().push(format!(
                "{code} set `{}` to {value}, with the requests that read it in other files",
                b.decl.name
            ));
        }
        edits
            .entry(b.file)
            .or_default()
            .push(Edit::replace(b.literal.clone(), value));
    }
    let mut bad = Vec::new();
    let mut out = Vec::new();
    for (f, mut es) in edits {
        let current = &files[f];
        // A use whose literal comes back as it was is written as it was.
        es.retain(|e| current.text[e.range.clone()] != *e.content.as_bytes());
        es.sort_by_key(|e| (e.range.start, e.range.end));
        if es.windows(2).any(|w| w[0].range.end > w[1].range.start) {
            bad.push(f);
            continue;
        }
        let fix = Fix {
            applicability: Applicability::Unsafe,
            message: "".into(),
            edits: es.clone().into(),
        };
        let (fixed, _, taken) = apply_edits(current.text, &[&fix]);
        let guard = SyntaxGuard::new(&current.file.file_name(), current.text, None, &[]);
        if !es.is_empty() && guard.breaks(current.text, &taken, &fixed) {
            bad.push(f);
            continue;
        }
        out.push(Change {
            file: f,
            applied: if es.is_empty() {
                Vec::new()
            } else {
                applied.remove(&f).unwrap_or_default()
            },
            edits: es,
            group: std::sync::Arc::from([]),
            settled: settled.remove(&f).unwrap_or_default(),
        });
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    let roots: Vec<usize> = out.iter().map(|c| groups.root(c.file)).collect();
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for (c, &r) in out.iter().zip(&roots) {
        if !c.edits.is_empty() {
            members.entry(r).or_default().push(c.file);
        }
    }
    let shared: HashMap<usize, std::sync::Arc<[usize]>> =
        members.into_iter().map(|(r, m)| (r, m.into())).collect();
    for (c, r) in out.iter_mut().zip(roots) {
        if let Some(group) = shared.get(&r) {
            c.group = group.clone();
        }
    }
    Ok(out)
}

/// Files joined by the bindings between them (union–find).
struct Groups(Vec<usize>);

impl Groups {
    fn new(n: usize) -> Groups {
        Groups((0..n).collect())
    }

    fn root(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        self.0[a] = b;
    }
}

#[cfg(test)]
mod tests;
