//! Legacy values across files. SDKs keep `?apikey=` or the retired base URL in a constants
//! class, and services keep a params map with an `apikey` entry in a settings module; the
//! request that sends them is in another file, which the per-file analysis cannot connect.
//!
//! Two passes. Pass 1 runs with the normal scan: a file's own WM001/WM002 findings that sit
//! in the value of a binding other files can name (a class constant or field, a module
//! variable, an exported object member) become [`Binding`]s, with the name other files use
//! (`WhispirConstants.QUERY_PREFIX`, `settings.BASE_URL`, `config.AUTH_PARAMS`, …). Pass 2
//! runs only when pass 1 found any: the files that passed the prefilter are looked at again,
//! and a use of a binding inside a request (a concatenation, a format argument, an
//! interpolation, a `params`/`qs`/`query` argument) is reported at the use, with the
//! definition as a related location.
//!
//! Names are matched, not resolved: a use is `Qualifier.NAME` (`::`, `->` too) where the
//! qualifier is the defining class, module file stem or Go package, or a bare `NAME` in a
//! file whose import statement names both the qualifier and `NAME` (or imports all of it).
//! An alias (`import settings as s`, `import cfg from './config'`) is not followed.

use crate::diagnostic::{Diagnostic, Related};
use crate::lang::tokens::{
    Openers, enclosing_open, expression_end, next_significant, prev_significant,
};
use crate::lang::{Language, RequestStyle, TokKind, Token};
use crate::rules::RuleCode;
use crate::source::SourceFile;
use std::ops::Range;
use std::sync::OnceLock;

pub mod mentions;
pub mod named;
pub use mentions::Mentions;

/// What a binding's value carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carries {
    /// A retired gateway host (WM001).
    LegacyHost,
    /// An `apikey` query parameter, alone or at the end of a URL (WM002).
    QueryKey,
    /// A params map with an `apikey` entry (WM002).
    ParamsMap,
}

impl Carries {
    fn code(self) -> RuleCode {
        match self {
            Carries::LegacyHost => RuleCode::WM001,
            Carries::QueryKey | Carries::ParamsMap => RuleCode::WM002,
        }
    }
}

/// A name, defined in one file, whose value carries legacy usage.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The declared simple name (`QUERY_PREFIX`).
    pub name: String,
    /// The class, module (file stem) or Go package other files name it through.
    pub qualifier: String,
    pub carries: Carries,
    /// The value is a whole URL (scheme or host first), not a piece appended to one: text
    /// concatenated in front of it makes a message, not a request.
    pub starts_url: bool,
    /// The value as shown in messages, never a key: `?apikey=`, `https://api.whispir.com`.
    pub shown: String,
    /// The file it is defined in, as the reports name it.
    pub path: String,
    /// Where the name is declared, with its position for the reports.
    pub at: Related,
}

/// Pass 1: the bindings among `diagnostics` (the file's final findings, suppressions
/// applied: a definition that was silenced is not followed either).
pub fn collect(
    file: &SourceFile,
    lang: &dyn Language,
    tokens: &[Token],
    openers: &OnceLock<Openers>,
    diagnostics: &[Diagnostic],
    out: &mut Vec<Binding>,
) {
    let style = lang.request_style();
    if style == RequestStyle::Config && is_dotenv(&file.file_name()) {
        return collect_env(file, diagnostics, out);
    }
    if tokens.is_empty() || !importable_style(style) {
        return;
    }
    let src = &file.bytes[..];
    // A literal holding many findings is one binding: it is looked at once per rule.
    let mut seen: std::collections::HashSet<(usize, RuleCode)> = Default::default();
    let first_new = out.len();
    for d in diagnostics {
        if !matches!(d.code, RuleCode::WM001 | RuleCode::WM002) || !d.related.is_empty() {
            continue;
        }
        let Some(i) = crate::lang::tokens::token_at(tokens, d.span.start) else {
            continue;
        };
        if !seen.insert((i, d.code)) {
            continue;
        }
        let t = &tokens[i];
        let (value_start, carries) = match t.kind {
            TokKind::Str if crate::detect::is_apikey_name(t.content_text(src)) => {
                // A map key: the map must be the value itself (`AUTH = {"apikey": K}`).
                let Some(open) = bracket_index(openers, src, tokens).of(i) else {
                    continue;
                };
                (map_start(src, tokens, open), Carries::ParamsMap)
            }
            TokKind::Ident if crate::detect::is_apikey_name(t.text(src)) => {
                let Some(open) = bracket_index(openers, src, tokens).of(i) else {
                    continue;
                };
                (map_start(src, tokens, open), Carries::ParamsMap)
            }
            TokKind::Str if d.code == RuleCode::WM001 => (i, Carries::LegacyHost),
            TokKind::Str => (i, Carries::QueryKey),
            _ => continue,
        };
        let Some((name, qualifier)) = declared_name(file, src, tokens, openers, value_start, style)
        else {
            continue;
        };
        let shown = match carries {
            Carries::LegacyHost => legacy_origin(&src[t.content().start..d.span.end], d.span.len()),
            Carries::QueryKey => query_piece(src, d.span.clone()),
            Carries::ParamsMap => "a params map with an `apikey` entry".to_string(),
        };
        let name_text = String::from_utf8_lossy(tokens[name].text(src)).into_owned();
        let span = tokens[name].span();
        let starts_url = carries == Carries::LegacyHost
            || carries == Carries::QueryKey && !starts_with_query(t.content_text(src));
        out.push(Binding {
            starts_url,
            at: related(
                file,
                span,
                format!("`{name_text}` is defined here as {shown}"),
            ),
            name: name_text,
            qualifier,
            carries,
            shown,
            path: file.display_path.clone(),
        });
    }
    // A name given twice in one file (`if …: BASE = … else: BASE = …`) is one binding.
    if out.len() > first_new + 1 {
        let mut mine = out.split_off(first_new);
        mine.sort_by(|a, b| (&a.name, a.carries as u8).cmp(&(&b.name, b.carries as u8)));
        mine.dedup_by(|a, b| a.name == b.name && a.carries == b.carries);
        out.extend(mine);
    }
}

/// A binding declared with a string literal as its whole value, as the cross-file fixes
/// (`fix::across`) change it: `QUERY_PREFIX = "?apikey="`; or, in Python and JavaScript,
/// with a params map literal: `WHISPIR_PARAMS = {"apikey": WHISPIR_API_KEY}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub name: String,
    /// The byte range of the literal, quotes (or braces) included.
    pub literal: Range<usize>,
    /// The literal is a map (`{…}`), not a string.
    pub map: bool,
}

/// The binding whose name is token `name` of `file` (`tokens` are the file's), when other
/// files can name it and its value is one string literal (or a Python or JavaScript map
/// literal) with nothing after it (`+ SUFFIX`, a call) but the end of the statement; Ruby's
/// `.freeze` may follow. `openers` is the file's bracket index, built on first need.
pub fn declaration_at(
    file: &SourceFile,
    tokens: &[Token],
    openers: &OnceLock<Openers>,
    name: usize,
) -> Option<Declaration> {
    let lang = crate::lang::for_file_name(&file.file_name());
    let style = lang.request_style();
    if !importable_style(style) || is_dotenv(&file.file_name()) {
        return None;
    }
    let src = &file.bytes[..];
    if tokens.get(name)?.kind != TokKind::Ident {
        return None;
    }
    let op = next_significant(tokens, name)?;
    let value = next_significant(tokens, op)?;
    let map = tokens[value].is_punct(src, "{")
        && matches!(style, RequestStyle::Python | RequestStyle::JavaScript);
    if tokens[value].kind != TokKind::Str && !map {
        return None;
    }
    let last = if map {
        bracket_index(openers, src, tokens).close_of(value)?
    } else {
        value
    };
    let ends = match next_significant(tokens, last) {
        None => true,
        Some(n) if tokens[n].is_punct(src, ".") => {
            style == RequestStyle::Ruby
                && next_significant(tokens, n).is_some_and(|f| tokens[f].text(src) == b"freeze")
        }
        Some(n) => {
            matches!(tokens[n].text(src), b";" | b"," | b")" | b"}" | b"]")
                || tokens[n].kind == TokKind::Newline
                || memchr::memchr(b'\n', &src[tokens[last].end()..tokens[n].start()]).is_some()
        }
    };
    let (declared, _) = declared_name(file, src, tokens, openers, value, style)?;
    (ends && declared == name).then(|| Declaration {
        name: String::from_utf8_lossy(tokens[name].text(src)).into_owned(),
        literal: tokens[value].start()..tokens[last].end(),
        map,
    })
}

/// The qualifier of environment variables set in a `.env` file: code reads them as
/// `process.env.NAME`, `os.getenv("NAME")`, `ENV["NAME"]`, `System.getenv("NAME")`, ….
const ENV: &str = "env";

/// `.env`, `.env.local`, `production.env`: files of `NAME=value` lines loaded into the
/// environment.
/// Where a binding is defined, as the related location of the findings at its uses.
fn related(file: &SourceFile, span: Range<usize>, message: String) -> Related {
    let (start, end) = (file.line_col(span.start), file.line_col(span.end));
    Related {
        path: file.display_path.clone(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message,
    }
}

fn is_dotenv(name: &str) -> bool {
    name == ".env" || name.starts_with(".env.") || name.ends_with(".env")
}

/// Pass 1 on a `.env` file: each `NAME=value` (or `export NAME=value`) line whose value holds
/// a finding.
fn collect_env(file: &SourceFile, diagnostics: &[Diagnostic], out: &mut Vec<Binding>) {
    let src = &file.bytes[..];
    let mut last_line = None;
    for d in diagnostics {
        let carries = match d.code {
            RuleCode::WM001 => Carries::LegacyHost,
            RuleCode::WM002 => Carries::QueryKey,
            _ => continue,
        };
        let line = file.line_index(d.span.start);
        if last_line == Some((line, carries)) {
            continue;
        }
        last_line = Some((line, carries));
        let range = file.line_range(line);
        let text = &src[range.clone()];
        let lead = text.len() - text.trim_ascii_start().len();
        let mut at = range.start + lead;
        if src[at..range.end].starts_with(b"export ") {
            at += 7;
            while src.get(at) == Some(&b' ') {
                at += 1;
            }
        }
        let name_len = src[at..range.end]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let eq = at + name_len;
        if name_len == 0
            || src[at].is_ascii_digit()
            || src.get(eq) != Some(&b'=')
            || d.span.start <= eq
        {
            continue;
        }
        let name = String::from_utf8_lossy(&src[at..eq]).into_owned();
        let shown = match carries {
            Carries::LegacyHost => legacy_origin(&src[eq + 1..d.span.end], d.span.len()),
            _ => query_piece(src, d.span.clone()),
        };
        let value = src[eq + 1..range.end].trim_ascii_start();
        let value = value
            .strip_prefix(b"\"")
            .or(value.strip_prefix(b"'"))
            .unwrap_or(value);
        out.push(Binding {
            starts_url: carries == Carries::LegacyHost || !starts_with_query(value),
            at: related(file, at..eq, format!("`{name}` is set here as {shown}")),
            name,
            qualifier: ENV.to_string(),
            carries,
            shown,
            path: file.display_path.clone(),
        });
    }
}

/// `?apikey=…`, `&apikey=…`: a piece appended to a URL.
fn starts_with_query(value: &[u8]) -> bool {
    matches!(value.first(), Some(b'?' | b'&'))
}

/// Languages whose files name each other's bindings by class, module or package.
fn importable_style(style: RequestStyle) -> bool {
    matches!(
        style,
        RequestStyle::Jvm
            | RequestStyle::CSharp
            | RequestStyle::Python
            | RequestStyle::JavaScript
            | RequestStyle::Go
            | RequestStyle::Php
            | RequestStyle::Ruby
    )
}

/// The token that starts a map value: `dict(` is a call whose bracket opens the map.
fn map_start(src: &[u8], tokens: &[Token], open: usize) -> usize {
    match prev_significant(tokens, open) {
        Some(p) if tokens[p].kind == TokKind::Ident && tokens[p].text(src) == b"dict" => p,
        // PHP's `array(…)`.
        Some(p) if tokens[p].kind == TokKind::Ident && tokens[p].text(src) == b"array" => p,
        _ => open,
    }
}

/// `https://api.whispir.com` out of the literal text up to the end of the host (`len`
/// bytes): the scheme right before the host when written, never credentials.
fn legacy_origin(text: &[u8], len: usize) -> String {
    let (before, host) = text.split_at(text.len() - len);
    let scheme = [&b"https://"[..], b"http://"]
        .into_iter()
        .find(|s| {
            before.len() >= s.len() && before[before.len() - s.len()..].eq_ignore_ascii_case(s)
        })
        .unwrap_or(b"");
    format!(
        "`{}{}`",
        String::from_utf8_lossy(scheme).to_ascii_lowercase(),
        String::from_utf8_lossy(host)
    )
}

/// `?apikey=` (the separator and the name; the value is never shown).
fn query_piece(src: &[u8], span: Range<usize>) -> String {
    let name_end = memchr::memchr(b'=', &src[span.clone()]).map_or(span.end, |e| span.start + e);
    let sep = match span.start.checked_sub(1).map(|p| src[p]) {
        Some(b @ (b'?' | b'&')) => (b as char).to_string(),
        _ => String::new(),
    };
    format!(
        "`{sep}{}=`",
        String::from_utf8_lossy(&src[span.start..name_end])
    )
}

/// The name assigned the value starting at token `value`, with the qualifier other files
/// name it by, when it is a binding they can reach (not a local of a function).
fn declared_name(
    file: &SourceFile,
    src: &[u8],
    tokens: &[Token],
    openers: &OnceLock<Openers>,
    value: usize,
    style: RequestStyle,
) -> Option<(usize, String)> {
    let op = prev_significant(tokens, value)?;
    let by_colon = tokens[op].is_punct(src, ":");
    if !(tokens[op].is_punct(src, "=") || by_colon && style == RequestStyle::JavaScript) {
        return None;
    }
    let name = prev_significant(tokens, op)?;
    // Go's `:=` declares a local.
    if tokens[name].is_punct(src, ":") || tokens[name].kind != TokKind::Ident {
        return None;
    }
    let qualifier = match style {
        RequestStyle::Jvm | RequestStyle::CSharp | RequestStyle::Php => {
            let open = bracket_index(openers, src, tokens).of(name)?;
            type_name_before(src, tokens, open)?
        }
        RequestStyle::Python => python_scope(file, src, tokens, name)?,
        RequestStyle::JavaScript => {
            if by_colon {
                // A member of `module.exports = { … }` / `export default { … }`.
                let open = bracket_index(openers, src, tokens).of(name)?;
                let before = prev_significant(tokens, open)?;
                let exported = tokens[before].is_punct(src, "=")
                    && prev_significant(tokens, before)
                        .is_some_and(|e| tokens[e].text(src) == b"exports")
                    || tokens[before].text(src) == b"default";
                if !exported || bracket_index(openers, src, tokens).of(open).is_some() {
                    return None;
                }
            } else {
                let keyword = prev_significant(tokens, name)?;
                let top_level = bracket_index(openers, src, tokens).of(name).is_none();
                if !top_level || !matches!(tokens[keyword].text(src), b"const" | b"let" | b"var") {
                    return None;
                }
            }
            module_stem(file)?
        }
        RequestStyle::Go => {
            let top_level = match bracket_index(openers, src, tokens).of(name) {
                None => true,
                Some(open) => {
                    prev_significant(tokens, open)
                        .is_some_and(|k| matches!(tokens[k].text(src), b"const" | b"var"))
                        && bracket_index(openers, src, tokens).of(open).is_none()
                }
            };
            // Other packages see only exported (capitalised) names.
            let exported = tokens[name].text(src)[0].is_ascii_uppercase();
            if !top_level || !exported {
                return None;
            }
            go_package(src, tokens)?
        }
        RequestStyle::Ruby => {
            if !tokens[name].text(src)[0].is_ascii_uppercase() {
                return None;
            }
            ruby_namespace(src, tokens, name)?
        }
        _ => return None,
    };
    Some((name, qualifier))
}

/// The class, interface, enum, struct or object whose body opens at token `open`.
/// The file's bracket index, built on first need: most files bind nothing, and on a large
/// one the index costs four bytes a token.
fn bracket_index<'a>(cell: &'a OnceLock<Openers>, src: &[u8], tokens: &[Token]) -> &'a Openers {
    cell.get_or_init(|| Openers::of_file(src, tokens))
}

fn type_name_before(src: &[u8], tokens: &[Token], open: usize) -> Option<String> {
    if !tokens[open].is_punct(src, "{") {
        return None;
    }
    let mut j = open;
    for _ in 0..24 {
        j = prev_significant(tokens, j)?;
        let t = &tokens[j];
        if t.kind == TokKind::Punct && matches!(t.text(src), b";" | b"}" | b"{" | b"=") {
            return None;
        }
        if t.kind == TokKind::Ident
            && matches!(
                t.text(src),
                b"class" | b"interface" | b"enum" | b"struct" | b"object" | b"record"
            )
        {
            let n = next_significant(tokens, j)?;
            return (tokens[n].kind == TokKind::Ident)
                .then(|| String::from_utf8_lossy(tokens[n].text(src)).into_owned());
        }
    }
    None
}

/// Spaces and tabs before byte `at` on its line, when nothing else is.
fn indentation(src: &[u8], at: usize) -> Option<usize> {
    let line_start = memchr::memrchr(b'\n', &src[..at]).map_or(0, |n| n + 1);
    src[line_start..at]
        .iter()
        .all(|b| *b == b' ' || *b == b'\t')
        .then_some(at - line_start)
}

/// A Python module variable (at the left margin: `module.NAME`) or class attribute
/// (`Class.NAME`); `None` inside a function.
fn python_scope(file: &SourceFile, src: &[u8], tokens: &[Token], name: usize) -> Option<String> {
    let indent = indentation(src, tokens[name].start())?;
    if indent == 0 {
        return module_stem(file);
    }
    // The nearest line above that is indented less says which block this is.
    for j in (0..name).rev() {
        let t = &tokens[j];
        if t.kind != TokKind::Ident {
            continue;
        }
        match indentation(src, t.start()) {
            Some(i) if i < indent => {
                if t.text(src) != b"class" {
                    return None;
                }
                let n = next_significant(tokens, j)?;
                return Some(String::from_utf8_lossy(tokens[n].text(src)).into_owned());
            }
            _ => {}
        }
    }
    None
}

/// What other modules call this one: its file stem (`settings` for `app/settings.py`), or
/// its directory for a package's `__init__.py` / a folder's `index.js`.
pub fn module_stem(file: &SourceFile) -> Option<String> {
    let stem = file.path.file_stem()?.to_str()?;
    if matches!(stem, "__init__" | "index") {
        return file
            .path
            .parent()?
            .file_name()?
            .to_str()
            .map(str::to_string);
    }
    Some(stem.to_string())
}

/// The Go `package` clause's name.
fn go_package(src: &[u8], tokens: &[Token]) -> Option<String> {
    let at = tokens
        .iter()
        .position(|t| t.kind == TokKind::Ident && t.text(src) == b"package")?;
    let n = next_significant(tokens, at)?;
    Some(String::from_utf8_lossy(tokens[n].text(src)).into_owned())
}

/// The innermost Ruby `module`/`class` opened before token `name` (its last segment).
fn ruby_namespace(src: &[u8], tokens: &[Token], name: usize) -> Option<String> {
    let at = (0..name).rev().find(|&j| {
        tokens[j].kind == TokKind::Ident && matches!(tokens[j].text(src), b"module" | b"class")
    })?;
    let mut n = next_significant(tokens, at)?;
    // `module Acme::Whispir`: the last segment.
    while let Some(sep) = next_significant(tokens, n).filter(|&s| tokens[s].is_punct(src, "::")) {
        n = next_significant(tokens, sep)?;
    }
    (tokens[n].kind == TokKind::Ident)
        .then(|| String::from_utf8_lossy(tokens[n].text(src)).into_owned())
}

/// The bindings, indexed by name for pass 2; the names are also the byte prefilter.
pub struct Index<'a> {
    names: Mentions,
    /// Name → the bindings of that name (several classes may declare one name).
    by_name: std::collections::HashMap<&'a [u8], Vec<&'a Binding>>,
}

impl<'a> Index<'a> {
    pub fn new(bindings: &'a [Binding]) -> Option<Index<'a>> {
        if bindings.is_empty() {
            return None;
        }
        let mut by_name: std::collections::HashMap<&[u8], Vec<&Binding>> = Default::default();
        for b in bindings {
            by_name.entry(b.name.as_bytes()).or_default().push(b);
        }
        Some(Index {
            names: Mentions::new(by_name.keys().copied()),
            by_name,
        })
    }

    /// Whether `bytes` mention any binding's name: the only test most files get.
    pub fn mentioned_in(&self, bytes: &[u8]) -> bool {
        self.names.in_text(bytes)
    }

    fn named(&self, name: &[u8]) -> &[&'a Binding] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }
}

/// One use of a binding found in pass 2: the span reported and the binding.
struct Use<'a> {
    span: Range<usize>,
    binding: &'a Binding,
    /// How it is named here (`WhispirConstants.QUERY_PREFIX`, or `QUERY_PREFIX` imported).
    written: String,
    /// The key appended right after it (`QUERY_PREFIX + apiKey`), for the help.
    appended: Option<String>,
}

/// Pass 2 on one file: the diagnostics for uses of `index`'s bindings in requests. `known`
/// are the file's own findings (a use they already cover is not reported twice).
pub fn uses(
    file: &SourceFile,
    lang: &dyn Language,
    tokens: &[Token],
    index: &Index,
    region: Option<crate::hosts::Region>,
    known: &[Diagnostic],
) -> Vec<Diagnostic> {
    let src = &file.bytes[..];
    let mut found: Vec<Use> = Vec::new();
    let dot_concat = lang.concat_operators().contains(&".");
    let imports = Imports::new(src, tokens);
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            TokKind::Ident => {
                for &b in index.named(t.text(src)) {
                    if b.path == file.display_path {
                        continue;
                    }
                    if let Some((first, written)) =
                        named_here(src, tokens, &imports, i, b, dot_concat)
                        && in_request(src, tokens, lang, first, i, b)
                    {
                        found.push(Use {
                            span: tokens[first].start()..t.end(),
                            binding: b,
                            written,
                            appended: appended_name(src, tokens, lang, i),
                        });
                    }
                }
            }
            TokKind::Str => {
                for &b in index.named(t.content_text(src)) {
                    if b.qualifier == ENV
                        && let Some((first, last)) = env_read(src, tokens, i, dot_concat)
                        && in_request(src, tokens, lang, first, last, b)
                    {
                        let span = tokens[first].start()..tokens[last].end();
                        found.push(Use {
                            written: String::from_utf8_lossy(&src[span.clone()]).into_owned(),
                            span,
                            binding: b,
                            appended: None,
                        });
                    }
                }
                interpolated(src, &imports, t, index, file, &mut found);
            }
            _ => {}
        }
    }
    found.sort_by_key(|u| (u.span.start, u.binding.carries.code()));
    found.dedup_by(|a, b| a.span == b.span && a.binding.carries == b.binding.carries);
    if found.is_empty() {
        return Vec::new();
    }
    // The file's own findings by rule, to leave out the uses they cover: one look-up each,
    // as a generated file may hold a finding and a use on every line.
    let known_spans = |code: RuleCode| {
        Spans::new(
            known
                .iter()
                .filter(|d| d.code == code)
                .map(|d| d.span.clone())
                .collect(),
        )
    };
    let (hosts, keys) = (known_spans(RuleCode::WM001), known_spans(RuleCode::WM002));
    found
        .into_iter()
        .filter(|u| {
            let spans = match u.binding.carries.code() {
                RuleCode::WM001 => &hosts,
                _ => &keys,
            };
            !spans.overlap(&u.span)
        })
        .map(|u| diagnostic(lang, region, u))
        .collect()
}

/// The name joined right after the use ending at token `i` (`QUERY_PREFIX + apiKey`,
/// `+ this.key`, `. $key`), when it ends the expression there: the key the use appends.
fn appended_name(src: &[u8], tokens: &[Token], lang: &dyn Language, i: usize) -> Option<String> {
    let op = next_significant(tokens, i).filter(|&o| {
        tokens[o].kind == TokKind::Punct
            && lang
                .concat_operators()
                .iter()
                .any(|c| tokens[o].text(src) == c.as_bytes())
    })?;
    let first = next_significant(tokens, op).filter(|&n| tokens[n].kind == TokKind::Ident)?;
    // Members: `this.key`; PHP's `.` joins strings, its members are `$this->key`.
    let member = if lang.concat_operators().contains(&".") {
        "->"
    } else {
        "."
    };
    let mut last = first;
    while let Some(name) = next_significant(tokens, last)
        .filter(|&d| tokens[d].is_punct(src, member))
        .and_then(|d| next_significant(tokens, d))
        .filter(|&n| tokens[n].kind == TokKind::Ident)
    {
        last = name;
    }
    // A call, an index or more text after it: not the key alone.
    let ends = next_significant(tokens, last)
        .is_none_or(|n| matches!(tokens[n].text(src), b")" | b";" | b","));
    ends.then(|| {
        String::from_utf8_lossy(&src[tokens[first].start()..tokens[last].end()]).into_owned()
    })
}

/// Whether the identifier at `i` names binding `b` here: `Qualifier.NAME` (`::`, `->`), or a
/// bare `NAME` this file imports from the qualifier. Returns the first token of the use and
/// how it is written.
fn named_here(
    src: &[u8],
    tokens: &[Token],
    imports: &Imports,
    i: usize,
    b: &Binding,
    dot_concat: bool,
) -> Option<(usize, String)> {
    let sep = prev_significant(tokens, i);
    let qualified = sep.filter(|&s| {
        tokens[s].kind == TokKind::Punct && matches!(tokens[s].text(src), b"." | b"::" | b"->")
    });
    match qualified {
        Some(s) => {
            let q = prev_significant(tokens, s)?;
            if tokens[q].kind != TokKind::Ident || tokens[q].text(src) != b.qualifier.as_bytes() {
                return None;
            }
            // The whole chain is the use: `process.env.NAME`, `com.acme.Constants.NAME`
            // (not where `.` joins strings, as in PHP).
            let mut first = q;
            while !dot_concat
                && let Some(dot) =
                    prev_significant(tokens, first).filter(|&d| tokens[d].is_punct(src, "."))
                && let Some(object) =
                    prev_significant(tokens, dot).filter(|&o| tokens[o].kind == TokKind::Ident)
            {
                first = object;
            }
            let written = tokens[first..=i]
                .iter()
                .filter(|t| !matches!(t.kind, TokKind::Comment | TokKind::Newline))
                .map(|t| String::from_utf8_lossy(t.text(src)))
                .collect();
            Some((first, written))
        }
        None => {
            // A declaration of its own (`NAME = …` here) is another binding.
            let declares = next_significant(tokens, i).is_some_and(|n| {
                tokens[n].is_punct(src, "=")
                    && next_significant(tokens, n).is_none_or(|m| !tokens[m].is_punct(src, "="))
            });
            (!declares && imports.name(b)).then(|| (i, b.name.clone()))
        }
    }
}

/// The first and last tokens of an environment read whose name is the string at `name`:
/// `os.getenv("N")`, `os.environ["N"]`, `os.environ.get("N")`, `ENV["N"]`, `ENV.fetch("N")`,
/// `System.getenv("N")`, `getenv('N')`, `$_ENV['N']`, `os.Getenv("N")`,
/// `Environment.GetEnvironmentVariable("N")`, `process.env["N"]`.
fn env_read(src: &[u8], tokens: &[Token], name: usize, dot_concat: bool) -> Option<(usize, usize)> {
    let open = prev_significant(tokens, name)?;
    if !(tokens[open].is_punct(src, "(") || tokens[open].is_punct(src, "[")) {
        return None;
    }
    let close = next_significant(tokens, name)?;
    if !(tokens[close].is_punct(src, ")") || tokens[close].is_punct(src, "]")) {
        return None;
    }
    let callee = prev_significant(tokens, open)?;
    let reads_env = match tokens[callee].text(src) {
        b"getenv"
        | b"Getenv"
        | b"GetEnvironmentVariable"
        | b"environ"
        | b"ENV"
        | b"$_ENV"
        | b"env" => true,
        // `os.environ.get("N")`, `ENV.fetch("N")`.
        b"get" | b"fetch" => prev_significant(tokens, callee)
            .filter(|&d| tokens[d].is_punct(src, "."))
            .and_then(|d| prev_significant(tokens, d))
            .is_some_and(|o| matches!(tokens[o].text(src), b"environ" | b"ENV")),
        _ => false,
    };
    if !reads_env {
        return None;
    }
    // The whole chain in front: `os.environ`, `System.getenv`, `process.env`.
    let mut first = callee;
    while !dot_concat
        && let Some(dot) = prev_significant(tokens, first).filter(|&d| tokens[d].is_punct(src, "."))
        && let Some(object) =
            prev_significant(tokens, dot).filter(|&o| tokens[o].kind == TokKind::Ident)
    {
        first = object;
    }
    Some((first, close))
}

/// The import statements of one file, found in one pass. Whether they name a binding is
/// asked at every bare use of its name and remembered per binding: a file that uses a name
/// thousands of times costs one scan, not one per use.
pub(crate) struct Imports<'t> {
    src: &'t [u8],
    tokens: &'t [Token],
    /// Each statement's keyword and its tokens.
    statements: Vec<(usize, Range<usize>)>,
    answers: std::cell::RefCell<std::collections::HashMap<*const Binding, bool>>,
}

impl<'t> Imports<'t> {
    pub(crate) fn new(src: &'t [u8], tokens: &'t [Token]) -> Imports<'t> {
        const KEYWORDS: &[&[u8]] = &[b"import", b"require", b"using", b"include"];
        let statements = (0..tokens.len())
            .filter(|&k| {
                tokens[k].kind == TokKind::Ident && KEYWORDS.contains(&tokens[k].text(src))
            })
            .map(|k| (k, import_statement(src, tokens, k)))
            .collect();
        Imports {
            src,
            tokens,
            statements,
            answers: Default::default(),
        }
    }

    /// Whether an import statement names `b`'s qualifier and `b`'s name, or all of the
    /// qualifier (`import static C.*`, `from m import *`, `using static C;`, `include M`).
    fn name(&self, b: &Binding) -> bool {
        if let Some(&known) = self.answers.borrow().get(&(b as *const Binding)) {
            return known;
        }
        let answer = self.names(&b.qualifier, &b.name);
        self.answers.borrow_mut().insert(b, answer);
        answer
    }

    /// [`Imports::name`] for a qualifier and a name: whether an import statement names
    /// `qualifier` and `name` (or all of the qualifier), so that pass 2 reads a bare `name`
    /// there as the binding.
    pub(crate) fn names(&self, qualifier: &str, name: &str) -> bool {
        self.statements
            .iter()
            .any(|(k, statement)| self.statement_names(*k, statement.clone(), qualifier, name))
    }

    fn statement_names(
        &self,
        k: usize,
        statement: Range<usize>,
        qualifier: &str,
        name: &str,
    ) -> bool {
        let src = self.src;
        let mut names_qualifier = false;
        let mut names_binding = false;
        let mut star = false;
        for t in &self.tokens[statement] {
            match t.kind {
                TokKind::Ident if t.text(src) == qualifier.as_bytes() => names_qualifier = true,
                TokKind::Ident if t.text(src) == name.as_bytes() => names_binding = true,
                // `'./config'`, `"../lib/config.js"`.
                TokKind::Str => {
                    let path = t.content_text(src);
                    let last = path.rsplit(|&c| c == b'/').next().unwrap_or(path);
                    let stem = last.split(|&c| c == b'.').next().unwrap_or(last);
                    if stem == qualifier.as_bytes() {
                        names_qualifier = true;
                    }
                }
                TokKind::Punct if t.text(src) == b"*" => star = true,
                _ => {}
            }
        }
        let whole = matches!(self.tokens[k].text(src), b"using" | b"include");
        names_qualifier && (names_binding || star || whole)
    }
}

/// The tokens of the import statement around keyword `k`: to the end of its line or `;`
/// (bracketed name lists may span lines); for `require`, from the declaration before it
/// (`const { NAME } = require('./config')`).
fn import_statement(src: &[u8], tokens: &[Token], k: usize) -> Range<usize> {
    let mut start = k;
    // Python's `from app.settings import NAME`: the module is named before the keyword.
    if tokens[k].text(src) == b"import"
        && let Some(from) = prev_significant(tokens, k).and_then(|m| {
            (m.saturating_sub(16)..m)
                .rev()
                .find(|&j| tokens[j].text(src) == b"from")
        })
        && memchr::memchr(b'\n', &src[tokens[from].end()..tokens[k].start()]).is_none()
    {
        start = from;
    }
    if tokens[k].text(src) == b"require" {
        for j in (k.saturating_sub(32)..k).rev() {
            if tokens[j].kind == TokKind::Ident
                && matches!(tokens[j].text(src), b"const" | b"let" | b"var")
            {
                start = j;
                break;
            }
        }
    }
    let mut depth = 0usize;
    let mut end = k + 1;
    while end < tokens.len() && end - k < 64 {
        let t = &tokens[end];
        if t.kind == TokKind::Punct {
            match t.text(src) {
                b"(" | b"{" | b"[" => depth += 1,
                b")" | b"}" | b"]" => depth = depth.saturating_sub(1),
                b";" => break,
                _ => {}
            }
        }
        let line_break = t.kind == TokKind::Newline
            || (depth == 0
                && memchr::memchr(b'\n', &src[tokens[end - 1].end()..t.start()]).is_some());
        if depth == 0 && line_break {
            break;
        }
        end += 1;
    }
    start..end
}

/// Whether the use spanning tokens `first..=last` is part of a request: a URL built by
/// concatenation or formatting, the value of a URL setting, or a query argument.
fn in_request(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    first: usize,
    last: usize,
    binding: &Binding,
) -> bool {
    let carries = binding.carries;
    if carries == Carries::ParamsMap {
        return query_argument(src, tokens, first);
    }
    let is_concat = |j: usize| {
        tokens[j].kind == TokKind::Punct
            && lang
                .concat_operators()
                .iter()
                .any(|op| tokens[j].text(src) == op.as_bytes())
    };
    let before = prev_significant(tokens, first);
    let after = next_significant(tokens, last);
    let concat_before = before.is_some_and(is_concat);
    let concat_after = after.is_some_and(is_concat);
    if concat_before || concat_after {
        // A query fragment only means something in a URL. A whole URL starts one: a text in
        // front of it (`"gateway: " + BASE`) is a message, unless a URL piece follows.
        return !binding.starts_url || !concat_before || url_piece_in(src, tokens, last, lang);
    }
    // `"%s/messages" % settings.BASE` (Python's format operator).
    if before.is_some_and(|p| tokens[p].is_punct(src, "%")) {
        return prev_significant(tokens, before.unwrap_or(0)).is_some_and(|s| {
            tokens[s].kind == TokKind::Str && url_template(tokens[s].content_text(src))
        });
    }
    let Some(open) = enclosing_open(src, tokens, first) else {
        return setting_value(src, tokens, before);
    };
    if tokens[open].is_punct(src, "(") {
        let callee = prev_significant(tokens, open).map(|c| tokens[c].text(src));
        match callee {
            // `String.format("%s/messages%s", BASE, EXT)`, `"{}/messages".format(BASE)`.
            Some(b"format" | b"Format" | b"sprintf" | b"Sprintf" | b"formatted") => {
                return format_string(src, tokens, open)
                    .is_some_and(|s| url_template(tokens[s].content_text(src)));
            }
            // `URI.create(BASE)`, `new Uri(BASE)`, `new URL(BASE)`.
            Some(b"create" | b"Uri" | b"URI" | b"URL" | b"urljoin" | b"NewRequest") => {
                return carries == Carries::LegacyHost;
            }
            _ => {}
        }
    }
    setting_value(src, tokens, before)
}

/// A URL setting given the value: `baseURL: config.BASE`, `base_url=settings.BASE`,
/// `client.BaseAddress = …`, `String url = C.API_URL;`.
fn setting_value(src: &[u8], tokens: &[Token], before: Option<usize>) -> bool {
    let Some(op) = before.filter(|&p| {
        tokens[p].kind == TokKind::Punct && matches!(tokens[p].text(src), b"=" | b":" | b"=>")
    }) else {
        return false;
    };
    let Some(key) = prev_significant(tokens, op) else {
        return false;
    };
    let k = &tokens[key];
    if !matches!(k.kind, TokKind::Ident | TokKind::Str) {
        return false;
    }
    let name: Vec<u8> = k
        .content_text(src)
        .iter()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(u8::to_ascii_lowercase)
        .collect();
    [&b"url"[..], b"uri", b"endpoint", b"baseaddress", b"host"]
        .iter()
        .any(|w| name.ends_with(w))
}

/// Whether the concatenation after token `last` holds a URL piece (`"/messages"`, `"?to="`).
fn url_piece_in(src: &[u8], tokens: &[Token], last: usize, _lang: &dyn Language) -> bool {
    let Some(next) = next_significant(tokens, last) else {
        return false;
    };
    let end = expression_end(src, tokens, next);
    tokens[next..]
        .iter()
        .take_while(|t| t.start() < end)
        .any(|t| {
            t.kind == TokKind::Str && {
                let c = t.content_text(src);
                c.first().is_some_and(|b| matches!(b, b'/' | b'?' | b'&'))
                    || memchr::memmem::find(c, b"://").is_some()
            }
        })
}

/// A format string that builds a URL: it has a path or a query, or starts with the base.
fn url_template(text: &[u8]) -> bool {
    memchr::memchr2(b'/', b'?', text).is_some()
        || [&b"%s"[..], b"{}", b"{0}"]
            .iter()
            .any(|p| text.starts_with(p))
}

/// The format string of the call opening at `open`: its first string argument, or the
/// string it is called on (`"{}/messages".format(…)`).
fn format_string(src: &[u8], tokens: &[Token], open: usize) -> Option<usize> {
    let first_arg = next_significant(tokens, open).filter(|&a| tokens[a].kind == TokKind::Str);
    first_arg.or_else(|| {
        let callee = prev_significant(tokens, open)?;
        let dot = prev_significant(tokens, callee).filter(|&d| tokens[d].is_punct(src, "."))?;
        prev_significant(tokens, dot).filter(|&s| tokens[s].kind == TokKind::Str)
    })
}

/// A params map given to a request: `params=AUTH`, `qs: config.AUTH`, `'query' => AUTH`,
/// `.query(AUTH)`, `http_build_query(AUTH)`, or spread into such a map.
fn query_argument(src: &[u8], tokens: &[Token], first: usize) -> bool {
    let is_query_word = |t: &Token| {
        let name: Vec<u8> = t
            .content_text(src)
            .iter()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(u8::to_ascii_lowercase)
            .collect();
        name == b"qs"
            || name.ends_with(b"query")
            || name.ends_with(b"params")
            || name == b"httpbuildquery"
            || name == b"urlencode"
    };
    let mut at = first;
    // `{ ...AUTH, page: 2 }`, `{**AUTH, "page": 2}`: the map around it decides.
    if let Some(p) = prev_significant(tokens, at)
        && matches!(tokens[p].text(src), b"..." | b"**" | b"*")
        && let Some(open) = enclosing_open(src, tokens, at)
    {
        at = open;
    }
    let Some(before) = prev_significant(tokens, at) else {
        return false;
    };
    let b = &tokens[before];
    if b.kind == TokKind::Punct && matches!(b.text(src), b"=" | b":" | b"=>") {
        return prev_significant(tokens, before).is_some_and(|k| is_query_word(&tokens[k]));
    }
    if b.is_punct(src, "(") {
        return prev_significant(tokens, before).is_some_and(|c| is_query_word(&tokens[c]));
    }
    false
}

/// Uses inside interpolated strings: `${config.BASE}/messages`, f"{settings.BASE}/…",
/// `"#{Whispir::BASE}/…"`, C# `$"{WhispirConstants.BaseUrl}/…"`.
fn interpolated<'a>(
    src: &[u8],
    imports: &Imports,
    t: &Token,
    index: &Index<'a>,
    file: &SourceFile,
    found: &mut Vec<Use<'a>>,
) {
    let content = t.content_text(src);
    // A use ends a placeholder: the name is the identifier right before a `}`, and the
    // text from the last `{` to it is all of the placeholder. A name is an identifier (or
    // an environment variable's name) and a qualifier is never empty, so only the whole
    // identifier can be one written alone or after `Qualifier.`/`::`: looked up by name,
    // each `}` costs the identifier before it, and those do not overlap.
    let mut open = None;
    for close in memchr::memchr2_iter(b'{', b'}', content) {
        if content[close] == b'{' {
            open = Some(close);
            continue;
        }
        let Some(open) = open else {
            continue;
        };
        let start = content[open + 1..close]
            .iter()
            .rposition(|&c| !crate::lang::is_ident_byte(c))
            .map_or(open + 1, |p| open + 2 + p);
        for &b in index.named(&content[start..close]) {
            interpolated_use(src, imports, t, b, file, (open, start, close), found);
        }
    }
}

/// The use of `b` in the placeholder of string token `t` that opens at `open` (the `{`), has
/// `b`'s name from `start` and closes at `end` (the `}`): offsets in the string's content.
fn interpolated_use<'a>(
    src: &[u8],
    imports: &Imports,
    t: &Token,
    b: &'a Binding,
    file: &SourceFile,
    (open, start, end): (usize, usize, usize),
    found: &mut Vec<Use<'a>>,
) {
    if b.path == file.display_path || b.carries == Carries::ParamsMap {
        return;
    }
    let content = t.content_text(src);
    // The whole placeholder: `{` + optional `Qualifier.`/`::` + NAME + `}`.
    let inner = &content[open + 1..start];
    let written = if inner.is_empty() {
        if !imports.name(b) {
            return;
        }
        b.name.clone()
    } else {
        let q = inner
            .strip_suffix(b".")
            .or_else(|| inner.strip_suffix(b"::"))
            .unwrap_or(b"");
        // `{process.env.NAME}`, `{com.acme.Constants.NAME}`: the qualifier ends the chain.
        let ends_chain = q
            .strip_suffix(b.qualifier.as_bytes())
            .is_some_and(|head| head.is_empty() || head.ends_with(b".") || head.ends_with(b"::"));
        if !ends_chain {
            return;
        }
        format!("{}{}", String::from_utf8_lossy(inner), b.name)
    };
    // Only in a URL: the rest of the text has a path or query.
    let rest = [&content[..open], &content[end + 1..]];
    if !rest
        .iter()
        .any(|r| memchr::memchr2(b'/', b'?', r).is_some())
    {
        return;
    }
    found.push(Use {
        span: t.content().start + open + 1..t.content().start + end,
        binding: b,
        written,
        appended: None,
    });
}

/// The finding at a use: what the definition holds, where, and what to change on each side.
fn diagnostic(lang: &dyn Language, region: Option<crate::hosts::Region>, u: Use) -> Diagnostic {
    let b = u.binding;
    let defined = format!(
        "`{}`, defined at `{}:{}` as {}",
        u.written, b.path, b.at.line, b.shown
    );
    let header = lang.header_hint(&crate::lang::HintKey::Unknown);
    let (message, label, help) = match b.carries {
        Carries::LegacyHost => {
            // A host name alone (`API_HOST = "api.whispir.com"`) gets a host name back.
            let scheme = if b.shown.starts_with("`http") {
                "https://"
            } else {
                ""
            };
            let host = match region {
                Some(r) => format!("`{scheme}{}`", r.host()),
                None => format!("`{scheme}api.<region>.whispir.com`"),
            };
            (
                format!("Retired Whispir gateway reached through {defined}"),
                "base URL from another file".to_string(),
                format!(
                    "point `{}` at {host} where it is defined, and send the key of every request built from it as `{header}`, not in the query (not automatic: the value is defined in another file)",
                    b.name
                ),
            )
        }
        Carries::QueryKey => {
            let header = u.appended.as_deref().map_or(header, |key| {
                lang.header_hint(&crate::lang::HintKey::Expr(key.to_string()))
            });
            (
                format!("API key sent in the query through {defined}"),
                format!("appends {}", b.shown),
                format!(
                    "add `{header}` to this request and stop appending `{}` here; drop {} from `{}` where it is defined once no request uses it (not automatic: the value is defined in another file)",
                    u.written, b.shown, b.name
                ),
            )
        }
        Carries::ParamsMap => (
            format!("API key sent in the query through {defined}"),
            "params map with `apikey` from another file".to_string(),
            format!(
                "add `{header}` to this request and remove the `apikey` entry from `{}` where it is defined once no request uses it (not automatic: the value is defined in another file)",
                b.name
            ),
        ),
    };
    let mut d = Diagnostic::new(b.carries.code(), u.span, message)
        .with_label(label)
        .with_help(help);
    d.related.push(b.at.clone());
    d
}

/// The requests of a file that read a value another file defines, by statement: those that
/// reach the retired gateway through it (a WM001 use) and those that send the key in the
/// query through it (a WM002 use). Their host and their key move together or not at all,
/// and one file's own fixes see only half of such a request.
#[derive(Default)]
pub struct OnOtherFiles {
    retired: Spans,
    keyed: Spans,
}

/// Byte ranges, answering "does one of them hold this offset (or overlap this range)" in
/// O(log n): a generated file can hold a request on every line, each asking.
#[derive(Default)]
struct Spans {
    /// Sorted by start.
    ranges: Vec<Range<usize>>,
    /// The largest end among `ranges[..=i]`.
    reach: Vec<usize>,
}

impl Spans {
    fn new(mut ranges: Vec<Range<usize>>) -> Spans {
        ranges.sort_by_key(|r| (r.start, r.end));
        ranges.dedup();
        let reach = ranges
            .iter()
            .scan(0, |max, r| {
                *max = r.end.max(*max);
                Some(*max)
            })
            .collect();
        Spans { ranges, reach }
    }

    fn hold(&self, at: usize) -> bool {
        self.overlap(&(at..at + 1))
    }

    /// Whether one of the ranges shares a byte with `r` (not empty).
    fn overlap(&self, r: &Range<usize>) -> bool {
        let started = self.ranges.partition_point(|s| s.start < r.end);
        started > 0 && self.reach[started - 1] > r.start
    }
}

impl OnOtherFiles {
    pub fn of(file: &SourceFile, diagnostics: &[Diagnostic]) -> OnOtherFiles {
        let mut uses = diagnostics
            .iter()
            .filter(|d| {
                matches!(d.code, RuleCode::WM001 | RuleCode::WM002) && !d.related.is_empty()
            })
            .peekable();
        if uses.peek().is_none() {
            return OnOtherFiles::default();
        }
        let (mut retired, mut keyed) = (Vec::new(), Vec::new());
        let lang = crate::lang::for_file_name(&file.file_name());
        let tokens = lang.tokenize(&file.bytes);
        let openers = crate::lang::tokens::Openers::of_file(&file.bytes, &tokens);
        for d in uses {
            let Some(i) = crate::lang::tokens::token_at(&tokens, d.span.start) else {
                continue;
            };
            let statement =
                crate::request::place::statement_indexed(&file.bytes, &tokens, &openers, lang, i);
            match d.code {
                RuleCode::WM001 => retired.push(statement),
                _ => keyed.push(statement),
            }
        }
        OnOtherFiles {
            retired: Spans::new(retired),
            keyed: Spans::new(keyed),
        }
    }

    /// Whether a finding's fix moves half of such a request: the key of one that goes to
    /// the retired gateway through another file's value (which reads the key from the
    /// query), or the host of one whose key another file's value puts in the query.
    pub fn blocks(&self, d: &Diagnostic) -> bool {
        d.fix.is_some()
            && match d.code {
                RuleCode::WM002 => self.retired.hold(d.span.start),
                RuleCode::WM001 => self.keyed.hold(d.span.start),
                _ => false,
            }
    }
}

/// Takes back the fixes [`OnOtherFiles::blocks`] finds, from every finding that shares them,
/// and says why in their help.
pub fn withdraw_half_moves(file: &SourceFile, diagnostics: &mut [Diagnostic]) {
    let on_other_files = OnOtherFiles::of(file, diagnostics);
    let withdrawn: std::collections::HashMap<_, RuleCode> = diagnostics
        .iter()
        .filter(|d| on_other_files.blocks(d))
        .filter_map(|d| Some((d.fix.as_ref()?.identity(), d.code)))
        .collect();
    if withdrawn.is_empty() {
        return;
    }
    for d in diagnostics.iter_mut() {
        let Some(&code) = d.fix.as_ref().and_then(|f| withdrawn.get(&f.identity())) else {
            continue;
        };
        d.withdraw_fix(if code == RuleCode::WM002 {
            "this request goes to the retired gateway through a value defined in another file, which reads the key from the query: move that value and the key of every request built from it together"
        } else {
            "this request sends the key in the query through a value defined in another file: its host moves with that key (`fix --unsafe-fixes` over the whole repository moves both when it can)"
        });
    }
}

#[cfg(test)]
mod tests;
