//! YAML has no brackets to walk: an OpenAPI/Swagger security scheme is a mapping whose
//! siblings are found by indentation.
//!
//! ```yaml
//! securityDefinitions:
//!   whispir_key:
//!     type: apiKey
//!     name: apikey     # <- reported
//!     in: query
//! ```

use super::{ApiKeyParam, ParamShape, Target};
use crate::secrets::ValueKind;
use std::ops::Range;

struct Entry {
    /// Column of the key (after a `- ` list marker).
    col: usize,
    /// True when the line starts a list item (`- key: value`).
    item: bool,
    key: Range<usize>,
    value: Range<usize>,
}

fn parse_line(src: &[u8], line: Range<usize>) -> Option<Entry> {
    let text = &src[line.clone()];
    let mut col = text.iter().take_while(|&&b| b == b' ').count();
    let mut item = false;
    if text.get(col) == Some(&b'-') && text.get(col + 1) == Some(&b' ') {
        item = true;
        col += 2;
        col += text[col..].iter().take_while(|&&b| b == b' ').count();
    }
    let rest = &text[col..];
    if rest.is_empty() || rest[0] == b'#' {
        return None;
    }
    let colon = rest.iter().position(|&b| b == b':')?;
    if rest
        .get(colon + 1)
        .is_some_and(|b| !b.is_ascii_whitespace())
    {
        return None; // `http://…` is a scalar, not a key
    }
    let key = unquote(src, line.start + col..line.start + col + colon);
    let mut v_start = line.start + col + colon + 1;
    while v_start < line.end && src[v_start] == b' ' {
        v_start += 1;
    }
    let mut v_end = line.end;
    if let Some(h) = src[v_start..line.end].windows(2).position(|w| w == b" #") {
        v_end = v_start + h;
    }
    while v_end > v_start && src[v_end - 1].is_ascii_whitespace() {
        v_end -= 1;
    }
    Some(Entry {
        col,
        item,
        key,
        value: unquote(src, v_start..v_end),
    })
}

fn unquote(src: &[u8], r: Range<usize>) -> Range<usize> {
    let t = &src[r.clone()];
    if t.len() >= 2 && (t[0] == b'"' || t[0] == b'\'') && t[t.len() - 1] == t[0] {
        r.start + 1..r.end - 1
    } else {
        r
    }
}

fn eq(src: &[u8], r: &Range<usize>, word: &str) -> bool {
    src[r.clone()].eq_ignore_ascii_case(word.as_bytes())
}

/// `name: apikey` next to `in: query`, and `apikey:` keys under a `query`/`params` mapping.
pub fn security_schemes(src: &[u8], whispir_context: bool) -> Vec<ApiKeyParam> {
    if !whispir_context {
        return Vec::new();
    }
    let mut lines = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', src).chain(std::iter::once(src.len())) {
        let mut e = end;
        if e > start && src[e - 1] == b'\r' {
            e -= 1;
        }
        lines.push(parse_line(src, start..e));
        start = end + 1;
    }
    let mut out = Vec::new();
    for (i, entry) in lines.iter().enumerate() {
        let Some(e) = entry else { continue };
        let name_value =
            (eq(src, &e.key, "name") || eq(src, &e.key, "key")) && eq(src, &e.value, "apikey");
        let map_key = eq(src, &e.key, "apikey");
        if !name_value && !map_key {
            continue;
        }
        let siblings = siblings(&lines, i);
        let scheme_in = siblings
            .iter()
            .find(|s| eq(src, &s.key, "in") && eq(src, &s.value, "query"))
            .map(|s| s.value.clone());
        let in_query = scheme_in.is_some();
        let under_query = ancestors(&lines, i).iter().any(|a| {
            let k = String::from_utf8_lossy(&src[a.key.clone()]).to_ascii_lowercase();
            k.contains("query") || k.contains("param") || k == "qs"
        });
        let in_header = siblings
            .iter()
            .any(|s| eq(src, &s.key, "in") && eq(src, &s.value, "header"));
        if in_header || !(in_query || under_query) {
            continue;
        }
        let (span, value, shape) = if name_value {
            (
                e.value.clone(),
                e.value.clone(),
                if in_query {
                    ParamShape::SecurityScheme
                } else {
                    ParamShape::Builder
                },
            )
        } else {
            (
                e.key.start..e.value.end.max(e.key.end),
                e.value.clone(),
                ParamShape::Builder,
            )
        };
        let value_kind = if name_value {
            ValueKind::Absent
        } else {
            crate::secrets::classify_value(&src[value.clone()])
        };
        out.push(ApiKeyParam {
            span,
            name: if name_value {
                e.value.clone()
            } else {
                e.key.clone()
            },
            separator: e.key.start..e.key.start,
            value: if name_value {
                e.value.end..e.value.end
            } else {
                value
            },
            value_kind,
            shape,
            target: Target::WhispirContext,
            scheme_in: if shape == ParamShape::SecurityScheme {
                scheme_in
            } else {
                None
            },
            host: None,
        });
    }
    out
}

/// The other entries of the mapping that holds line `i`.
fn siblings(lines: &[Option<Entry>], i: usize) -> Vec<&Entry> {
    let me = lines[i].as_ref().expect("caller checked");
    let mut out = Vec::new();
    if !me.item {
        for l in lines[..i].iter().rev().flatten() {
            if l.col < me.col {
                break;
            }
            if l.col == me.col {
                out.push(l);
                if l.item {
                    break;
                }
            }
        }
    }
    for l in lines[i + 1..].iter().flatten() {
        if l.col < me.col || (l.col == me.col && l.item) {
            break;
        }
        if l.col == me.col {
            out.push(l);
        }
    }
    out
}

/// The keys of the mappings that enclose line `i`, innermost first.
fn ancestors(lines: &[Option<Entry>], i: usize) -> Vec<&Entry> {
    let mut col = lines[i].as_ref().map_or(0, |e| e.col);
    let mut out = Vec::new();
    for l in lines[..i].iter().rev().flatten() {
        if l.col < col {
            out.push(l);
            col = l.col;
        }
    }
    out
}
