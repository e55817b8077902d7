//! A query encoded inside a string's replacement field: JavaScript's
//! `` `https://…/m?${new URLSearchParams({ apikey: k, n: '1' })}` `` and Python's
//! `f"https://…/m?{urlencode({'apikey': k, 'n': 1})}"`. The lexer sees the string whole, so
//! the syntax tree says what the field holds: the encoder call as its whole expression, its
//! one argument a map, the key one entry of that map. Then the entry goes (or the whole field
//! with its `?` when the key was its only entry) and the string is the request's URL, placed
//! as any other.

use std::ops::Range;

use super::query::{self, KeySource, Removal};
use crate::detect::ApiKeyParam;
use crate::diagnostic::Edit;
use crate::lang::tokens::{Layout, token_at};
use crate::lang::{Language, RequestStyle, Token};

/// Why a query in a field stays manual, whatever the shape that was not followed.
pub const BY_HAND: &str = "the query is built inside a string's replacement field";

/// The removal of the key entry `p` from the encoder call that fills a replacement field of
/// its string, when the tree shows that shape; `None` otherwise.
pub fn remove_key(
    src: &[u8],
    tokens: &[Token],
    layout: &std::sync::OnceLock<Layout>,
    lang: &dyn Language,
    tree: &tree_sitter::Tree,
    p: &ApiKeyParam,
) -> Option<Removal> {
    let (entry_kinds, map_kinds, field_kind): (&[&str], &[&str], &str) = match lang.request_style()
    {
        RequestStyle::JavaScript => (
            &["pair", "shorthand_property_identifier"],
            &["object"],
            "template_substitution",
        ),
        RequestStyle::Python => (
            &["pair", "keyword_argument"],
            &["dictionary"],
            "interpolation",
        ),
        _ => return None,
    };
    let mut entry = tree
        .root_node()
        .descendant_for_byte_range(p.name.start, p.name.end)?;
    while !entry_kinds.contains(&entry.kind()) {
        entry = entry.parent().filter(|n| n.kind() != field_kind)?;
    }
    // The entry's name is the key: not a value that mentions it.
    let named = entry
        .child_by_field_name("key")
        .or_else(|| entry.child_by_field_name("name"))
        .unwrap_or(entry);
    if !named.byte_range().contains(&p.name.start) {
        return None;
    }
    let value = entry.child_by_field_name("value").unwrap_or(entry);
    let map = entry.parent()?;
    // Python's `dict(apikey=k, …)`: the keyword arguments of a `dict` call are the map.
    let map_expression = if entry.kind() == "keyword_argument" {
        let call = map.parent().filter(|c| c.kind() == "call")?;
        let function = call.child_by_field_name("function")?;
        (&src[function.byte_range()] == b"dict").then_some(call)?
    } else {
        map_kinds.contains(&map.kind()).then_some(map)?
    };
    let arguments = map_expression.parent()?;
    if named_children(&arguments) != [map_expression] {
        return None;
    }
    let call = arguments.parent()?;
    let encoder = match call.kind() {
        "new_expression" => call.child_by_field_name("constructor"),
        "call" => call.child_by_field_name("function"),
        _ => None,
    }?;
    let encoder_name = src[encoder.byte_range()].rsplit(|&b| b == b'.').next()?;
    let expected: &[u8] = match lang.request_style() {
        RequestStyle::JavaScript => b"URLSearchParams",
        _ => b"urlencode",
    };
    if encoder_name != expected || call.child_by_field_name("arguments") != Some(arguments) {
        return None;
    }
    // The call is the field's whole expression (no `.toString()`, no `!r` nor format spec).
    let field = call.parent().filter(|f| f.kind() == field_kind)?;
    if named_children(&field) != [call] {
        return None;
    }
    let lit = token_at(tokens, p.name.start)?;
    let entries = named_children(&map);
    let edits = if entries.len() == 1 {
        let removed = field_with_separator(src, &field, tokens[lit].content())?;
        let plain =
            query::plain_literal(src, tokens, layout, lang, lit, &removed).unwrap_or_default();
        std::iter::once(Edit::delete(removed))
            .chain(plain)
            .collect()
    } else {
        let at = entries.iter().position(|e| *e == entry)?;
        let range = match (at.checked_sub(1), entries.get(at + 1)) {
            // Up to the next entry: the comma and the space after it go.
            (_, Some(next)) => entry.start_byte()..next.start_byte(),
            (Some(before), None) => entries[before].end_byte()..entry.end_byte(),
            (None, None) => return None,
        };
        vec![Edit::delete(range)]
    };
    let key = String::from_utf8_lossy(&src[value.byte_range()]).into_owned();
    Some(Removal {
        edits,
        key: KeySource::expr(key),
        placed: None,
    })
}

/// The named children of `node` that are code, not comments.
fn named_children<'t>(node: &tree_sitter::Node<'t>) -> Vec<tree_sitter::Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// The field and the separator that only it needed, when the field is a whole query of its
/// string: `?${…}` ending the string's text (`content`), `${…}&` after a `?`, or `&${…}`.
fn field_with_separator(
    src: &[u8],
    field: &tree_sitter::Node,
    content: Range<usize>,
) -> Option<Range<usize>> {
    let (start, end) = (field.start_byte(), field.end_byte());
    let before = start.checked_sub(1).map(|b| src[b]);
    match (before, src.get(end)) {
        (Some(b'?'), _) if end == content.end => Some(start - 1..end),
        (Some(b'?'), Some(b'&')) => Some(start..end + 1),
        (Some(b'&'), _) => Some(start - 1..end),
        _ => None,
    }
}
