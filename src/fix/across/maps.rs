//! Params maps defined in another file: `WHISPIR_PARAMS = {"apikey": WHISPIR_API_KEY}` in a
//! Python settings module, `WHISPIR_QUERY = { apikey: process.env.WHISPIR_API_KEY }` in a
//! JavaScript config module, sent by a request elsewhere as `params=WHISPIR_PARAMS`,
//! `{**settings.WHISPIR_PARAMS, "limit": 20}` or `qs: WHISPIR_QUERY`.
//!
//! Such a map is inlined at its uses like a string constant, but the names in it are written
//! for the defining file: `WHISPIR_API_KEY` means nothing in the file that sends the request.
//! So the inlined map is the map as the using file can read it (`settings.WHISPIR_API_KEY`),
//! and the per-file fixer moves the key's expression into the request's header. The key's
//! entry then leaves the map where it is defined (`{}` when it was the only one); spread into
//! a request's own map, only a map whose one entry is the key is followed, as its other
//! entries would join that map.

use crate::lang::tokens::{next_significant, prev_significant};
use crate::lang::{RequestStyle, TokKind, Token};
use std::collections::HashSet;
use std::ops::Range;

/// Names every JavaScript module can read without importing them.
const JS_GLOBALS: &[&[u8]] = &[b"process"];

/// Python names that are values, not bindings.
const PY_CONSTANTS: &[&[u8]] = &[b"True", b"False", b"None"];

/// The map as inlined at a use: `map` (the defining file's literal, braces included) with
/// each name it reads written so that the using file reads the same value; for a spread use
/// (`**NAME`, `...NAME`) its entry alone, without braces. `defines` says whether the defining
/// module assigns a name at its top level, `imports` whether the using file imports it.
/// `None` when the map has no one `apikey` entry, is spread with other entries, or reads a
/// name the using file cannot reach.
pub(super) fn inline(
    style: RequestStyle,
    map: &[u8],
    defines: &dyn Fn(&[u8]) -> bool,
    imports: &dyn Fn(&[u8]) -> bool,
    qualifier: &str,
    spread: bool,
) -> Option<Vec<u8>> {
    let tokens = lang_of(style)?.tokenize(map);
    let (entries, key) = entries(map, &tokens)?;
    // Spread, the map's entries join the request's own: only the key's may go.
    if spread && entries.len() != 1 {
        return None;
    }
    let inner = entries.first()?.start..entries.last()?.end;
    let mut out = Vec::with_capacity(map.len() + qualifier.len());
    let mut at = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.start() < inner.start || t.end() > inner.end {
            continue;
        }
        match t.kind {
            // A template or f-string reads names the tokens do not show.
            TokKind::Str => {
                let text = t.text(map);
                let prefix = &text[..text.iter().position(|c| matches!(c, b'"' | b'\''))?];
                if text.starts_with(b"`") || prefix.iter().any(|c| matches!(c, b'f' | b'F')) {
                    return None;
                }
            }
            TokKind::Ident if free(map, &tokens, i, style) => {
                let name = t.text(map);
                let written: Vec<u8> = match style {
                    RequestStyle::JavaScript if JS_GLOBALS.contains(&name) => name.to_vec(),
                    RequestStyle::Python if PY_CONSTANTS.contains(&name) => name.to_vec(),
                    RequestStyle::Python if imports(name) => name.to_vec(),
                    RequestStyle::Python if defines(name) && imports(qualifier.as_bytes()) => {
                        [qualifier.as_bytes(), b".", name].concat()
                    }
                    _ => return None,
                };
                out.extend_from_slice(&map[at..t.start()]);
                out.extend_from_slice(&written);
                at = t.end();
            }
            _ => {}
        }
    }
    out.extend_from_slice(&map[at..]);
    if !spread {
        return Some(out);
    }
    // The entry alone: what was shifted by the names written, from its start to its end.
    let grown = out.len() - map.len();
    let entry = &entries[key];
    Some(out[entry.start..entry.end + grown].to_vec())
}

/// The map without its `apikey` entry, as the defining file is left when the key moves to
/// the requests' headers: the entry goes with the comma after it (or, last, the one before
/// it); `{"apikey": K}` becomes `{}`.
pub(super) fn without_key(style: RequestStyle, map: &[u8]) -> Option<Vec<u8>> {
    let tokens = lang_of(style)?.tokenize(map);
    let (entries, key) = entries(map, &tokens)?;
    if entries.len() == 1 {
        return Some(b"{}".to_vec());
    }
    let cut = match (key.checked_sub(1), entries.get(key + 1)) {
        (_, Some(next)) => entries[key].start..next.start,
        (Some(previous), None) => entries[previous].end..entries[key].end,
        (None, None) => return None,
    };
    Some([&map[..cut.start], &map[cut.end..]].concat())
}

/// Whether `a` and `b` are the same tokens, whatever the space between them.
pub(super) fn same_tokens(style: RequestStyle, a: &[u8], b: &[u8]) -> bool {
    let Some(lang) = lang_of(style) else {
        return false;
    };
    let significant = |src: &[u8]| -> Vec<Vec<u8>> {
        lang.tokenize(src)
            .iter()
            .filter(|t| !matches!(t.kind, TokKind::Comment | TokKind::Newline))
            .map(|t| t.text(src).to_vec())
            .collect()
    };
    significant(a) == significant(b)
}

fn lang_of(style: RequestStyle) -> Option<&'static dyn crate::lang::Language> {
    match style {
        RequestStyle::Python => Some(crate::lang::for_file_name("a.py")),
        RequestStyle::JavaScript => Some(crate::lang::for_file_name("a.js")),
        _ => None,
    }
}

/// The byte ranges of the map's entries (from the first token of each to the last, commas
/// left out), and which of them is the one `apikey` entry (`"apikey": KEY`, `apikey: KEY`).
/// `None` when the text is not one `{…}`, or no entry or more than one is the key.
fn entries(map: &[u8], tokens: &[Token]) -> Option<(Vec<Range<usize>>, usize)> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].kind, TokKind::Comment | TokKind::Newline))
        .collect();
    let (&first, rest) = significant.split_first()?;
    let (&last, inner) = rest.split_last()?;
    if !tokens[first].is_punct(map, "{") || !tokens[last].is_punct(map, "}") {
        return None;
    }
    let mut entries: Vec<Range<usize>> = Vec::new();
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<Range<usize>> = None;
    for (n, &i) in inner.iter().enumerate() {
        let t = &tokens[i];
        if t.kind == TokKind::Punct {
            match t.text(map) {
                b"(" | b"[" | b"{" => depth += 1,
                b")" | b"]" | b"}" => depth = depth.checked_sub(1)?,
                b"," if depth == 0 => {
                    entries.extend(current.take());
                    continue;
                }
                _ => {}
            }
        }
        match &mut current {
            Some(r) => r.end = t.end(),
            None => {
                // An entry starts: is its key `apikey`?
                let name = match t.kind {
                    TokKind::Str => Some(t.content_text(map)),
                    TokKind::Ident => Some(t.text(map)),
                    _ => None,
                };
                let colon = inner
                    .get(n + 1)
                    .is_some_and(|&c| tokens[c].is_punct(map, ":"));
                if name.is_some_and(crate::detect::is_apikey_name) && colon {
                    keys.push(entries.len());
                }
                current = Some(t.span());
            }
        }
    }
    entries.extend(current);
    match keys.as_slice() {
        [key] if depth == 0 => Some((entries, *key)),
        _ => None,
    }
}

/// Whether identifier token `i` names a binding the value reads: not a member after `.`,
/// not an object key, not a keyword argument.
fn free(src: &[u8], tokens: &[Token], i: usize, style: RequestStyle) -> bool {
    let after_dot = prev_significant(tokens, i).is_some_and(|p| tokens[p].is_punct(src, "."));
    let next = next_significant(tokens, i).map(|n| tokens[n].text(src));
    let key = match style {
        RequestStyle::JavaScript => next == Some(b":"),
        _ => next == Some(b"="),
    };
    !after_dot && !key
}

/// The names the top-level Python import statements of `src` bind, each on one line:
/// `import name`, `import name.sub`, `from pkg import a, name` (not `… as other`).
pub(super) fn python_imports(src: &[u8]) -> HashSet<&[u8]> {
    let mut names = HashSet::new();
    for line in src.split(|&c| c == b'\n') {
        let rest = if let Some(r) = line.strip_prefix(b"import ") {
            r
        } else if line.starts_with(b"from ") {
            match memchr::memmem::find(line, b" import ") {
                Some(at) => &line[at + 8..],
                None => continue,
            }
        } else {
            continue;
        };
        let rest = rest.split(|&c| c == b'#').next().unwrap_or_default();
        for item in rest.split(|&c| c == b',') {
            let item = item.trim_ascii();
            let item = item.strip_prefix(b"(").unwrap_or(item);
            let item = item.strip_suffix(b")").unwrap_or(item).trim_ascii();
            if !item.is_empty() && !item.iter().any(u8::is_ascii_whitespace) {
                names.extend(item.split(|&c| c == b'.').next());
            }
        }
    }
    names
}

/// Whether a use written at `span` of `src` is spread into a map literal: `{**NAME, …}`
/// (Python) or `{ ...NAME, … }` (JavaScript). The range then starts at the operator.
pub(super) fn spread_start(src: &[u8], span: &Range<usize>, style: RequestStyle) -> Option<usize> {
    let before = src[..span.start].trim_ascii_end();
    let op: &[u8] = match style {
        RequestStyle::Python => b"**",
        RequestStyle::JavaScript => b"...",
        _ => return None,
    };
    let at = before.len().checked_sub(op.len())?;
    (before.ends_with(op) && matches!(before[..at].trim_ascii_end().last(), Some(b'{' | b',')))
        .then_some(at)
}

/// The names Python module-level statements of `src` assign: lines that start with
/// `name =` or `name: type =`.
pub(super) fn python_module_names(src: &[u8]) -> HashSet<&[u8]> {
    src.split(|&c| c == b'\n')
        .filter_map(|line| {
            let end = line
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .unwrap_or(line.len());
            let rest = line[end..].trim_ascii_start();
            let assigns =
                (rest.starts_with(b"=") && !rest.starts_with(b"==")) || rest.starts_with(b":");
            (end > 0 && assigns).then(|| &line[..end])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(map: &str, use_src: &str, spread: bool) -> Option<String> {
        let defines = |n: &[u8]| n == b"WHISPIR_API_KEY";
        let imported = python_imports(use_src.as_bytes());
        let imports = |n: &[u8]| imported.contains(n);
        inline(
            RequestStyle::Python,
            map.as_bytes(),
            &defines,
            &imports,
            "settings",
            spread,
        )
        .map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn a_module_name_in_the_map_is_read_through_the_module_the_user_imports() {
        let uses = "from app import settings\nfrom app.settings import WHISPIR_PARAMS\n";
        assert_eq!(
            py(r#"{"apikey": WHISPIR_API_KEY}"#, uses, false).as_deref(),
            Some(r#"{"apikey": settings.WHISPIR_API_KEY}"#)
        );
        assert_eq!(
            py(r#"{"apikey": WHISPIR_API_KEY,}"#, uses, true).as_deref(),
            Some(r#""apikey": settings.WHISPIR_API_KEY"#)
        );
        // The module is not imported under its name: nothing to write.
        assert_eq!(
            py(
                r#"{"apikey": WHISPIR_API_KEY}"#,
                "import app.settings as s\n",
                false
            ),
            None
        );
        // A name the settings module does not define (an import of its own): not followed.
        assert_eq!(py(r#"{"apikey": KEY}"#, uses, false), None);
        // The using file imports `os` itself.
        assert_eq!(
            py(r#"{"apikey": os.environ["K"]}"#, "import os\n", false).as_deref(),
            Some(r#"{"apikey": os.environ["K"]}"#)
        );
        assert_eq!(py(r#"{"apikey": os.environ["K"]}"#, uses, false), None);
    }

    #[test]
    fn a_map_is_inlined_when_one_entry_is_the_key_and_spread_only_when_it_is_the_only_one() {
        let uses = "import os\n";
        let two = r#"{"apikey": os.environ["K"], "limit": 5}"#;
        assert_eq!(py(two, uses, false).as_deref(), Some(two));
        assert_eq!(py(two, uses, true), None);
        assert_eq!(py(r#"{"apikey": 1, "APIKEY": 2}"#, uses, false), None);
        assert_eq!(py(r#"{"format": "json"}"#, uses, false), None);
        assert_eq!(py(r#"{"apikey": f"{os.sep}"}"#, uses, false), None);
        let js = |map: &str| {
            inline(
                RequestStyle::JavaScript,
                map.as_bytes(),
                &|_| true,
                &|_| false,
                "config",
                false,
            )
            .map(|v| String::from_utf8(v).unwrap())
        };
        assert_eq!(
            js("{ apikey: process.env.WHISPIR_API_KEY }").as_deref(),
            Some("{ apikey: process.env.WHISPIR_API_KEY }")
        );
        assert_eq!(js("{ apikey: KEY }"), None);
        assert_eq!(js("{ apikey: `${process.env.K}` }"), None);
    }

    #[test]
    fn the_key_entry_goes_with_one_comma() {
        let py = |m: &str| {
            String::from_utf8(without_key(RequestStyle::Python, m.as_bytes()).unwrap()).unwrap()
        };
        assert_eq!(py(r#"{"apikey": K}"#), "{}");
        assert_eq!(py(r#"{"apikey": K, "a": 1}"#), r#"{"a": 1}"#);
        assert_eq!(py(r#"{"a": 1, "apikey": K}"#), r#"{"a": 1}"#);
        assert_eq!(
            py("{\n    \"a\": 1,\n    \"apikey\": f(x, y),\n}"),
            "{\n    \"a\": 1,\n}"
        );
        assert!(same_tokens(RequestStyle::JavaScript, b"{ a: 1 }", b"{a:1}"));
        assert!(!same_tokens(
            RequestStyle::JavaScript,
            b"{ a: 1 }",
            b"{a:2}"
        ));
    }

    #[test]
    fn spreads_and_imports_are_told_apart() {
        let src = b"x = {**settings.P, 'a': 1}\ny = 2 ** settings.P\n";
        let at = |s: &str| {
            let start = memchr::memmem::find_iter(src, s.as_bytes()).next().unwrap();
            start..start + s.len()
        };
        assert_eq!(
            spread_start(src, &at("settings.P, "), RequestStyle::Python),
            Some(5)
        );
        let second = memchr::memmem::rfind(src, b"settings.P").unwrap();
        assert_eq!(
            spread_start(src, &(second..second + 10), RequestStyle::Python),
            None
        );
        let imports = python_imports(
            b"from app import (settings, other)\nimport os.path\n    import json\nimport a as b\n",
        );
        let mut imports: Vec<&[u8]> = imports.into_iter().collect();
        imports.sort();
        assert_eq!(imports, [&b"os"[..], b"other", b"settings"]);
        let names = python_module_names(b"KEY: str = 'x'\n    LOCAL = 1\nKEYS == 1\nA.b = 2\n");
        assert_eq!(names.into_iter().collect::<Vec<_>>(), [&b"KEY"[..]]);
    }
}
