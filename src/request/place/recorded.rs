//! Recorded traffic: the `x-api-key` header of a recorded request, written where its format
//! keeps headers, in the file's own layout (an insertion, never a re-serialisation).
//!
//! - VCR YAML: `headers:` is a map of lists (`X-Api-Key:` then `- KEY`, or `x-api-key: [KEY]`);
//! - VCR JSON: `"headers"` is an object of arrays (`"X-Api-Key": ["KEY"]`);
//! - HAR: `"headers"` is an array of `{"name": …, "value": …}` objects;
//! - WireMock: `"headers"` is an object of matchers (`"x-api-key": {"equalTo": "KEY"}`).

use super::cursor::*;
use crate::detect::recorded::Format;
use crate::diagnostic::Edit;
use crate::lang::Token;
use crate::lang::tokens::{next_significant, token_at};
use std::ops::Range;

/// What the header carries.
pub enum HeaderValue {
    /// The key as the URL or query recorded it (a literal or a placeholder), unquoted.
    Text(String),
    /// A WireMock matcher object, copied as written (`{"matches": "…"}`).
    Matcher(String),
}

/// The edit that adds the header to the recorded request at `request` (the range of its
/// `request:` block or `"request": {…}` object). `spelling` is how the file already writes
/// the header name, if it does; otherwise the name follows the case of the request's other
/// header names.
pub fn header(
    src: &[u8],
    tokens: &[Token],
    format: Format,
    request: Range<usize>,
    value: &HeaderValue,
    spelling: Option<&str>,
) -> Result<Edit, String> {
    match format {
        Format::VcrYaml => match value {
            HeaderValue::Text(v) => yaml_header(src, request, v, spelling),
            HeaderValue::Matcher(_) => Err("a matcher in a YAML cassette".into()),
        },
        _ => json_header(src, tokens, format, request, value, spelling),
    }
}

/// `x-api-key` spelled as the file does, else in the case style of `other` (a header name the
/// request already records: `Content-Type` → `X-Api-Key`).
fn name_for(spelling: Option<&str>, other: Option<&[u8]>) -> String {
    if let Some(s) = spelling {
        return s.to_string();
    }
    match other {
        Some(n) if n.first().is_some_and(u8::is_ascii_uppercase) => "X-Api-Key".into(),
        _ => "x-api-key".into(),
    }
}

/// A YAML scalar for `value`: bare when it is plain word characters, double-quoted otherwise
/// (`"<WHISPIR_API_KEY>"`, as VCR itself writes placeholders).
fn yaml_scalar(value: &str) -> String {
    let plain = !value.is_empty()
        && !value.starts_with('-')
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if plain {
        value.to_string()
    } else {
        format!("\"{value}\"")
    }
}

/// One line of a YAML block: where it starts, its indentation, and its text after it.
struct Line {
    start: usize,
    indent: usize,
    body: Range<usize>,
}

/// The significant lines (not blank, not comments) in `range`, from the line after its first.
fn yaml_lines(src: &[u8], range: &Range<usize>) -> Vec<Line> {
    let mut out = Vec::new();
    let mut at = line_end(src, range.start) + 1;
    while at < range.end {
        let end = line_end(src, at).min(range.end);
        let line = &src[at..end];
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let mut body_end = end;
        while body_end > at + indent && src[body_end - 1].is_ascii_whitespace() {
            body_end -= 1;
        }
        let body = at + indent..body_end;
        if !body.is_empty() && src[body.start] != b'#' {
            out.push(Line {
                start: at,
                indent,
                body,
            });
        }
        at = end + 1;
    }
    out
}

/// The value text after `key:` on a line, trimmed of spaces and a trailing comment.
fn after_colon<'a>(src: &'a [u8], body: &Range<usize>) -> Option<(usize, &'a [u8])> {
    let text = &src[body.clone()];
    let colon = text.iter().position(|&b| b == b':')?;
    let rest = &text[colon + 1..];
    let rest_start = body.start + colon + 1 + (rest.len() - rest.trim_ascii_start().len());
    let mut rest = rest.trim_ascii();
    if let Some(h) = memchr::memmem::find(rest, b" #") {
        rest = rest[..h].trim_ascii_end();
    }
    Some((rest_start, rest))
}

fn yaml_header(
    src: &[u8],
    request: Range<usize>,
    value: &str,
    spelling: Option<&str>,
) -> Result<Edit, String> {
    let nl = eol(src, request.start);
    let lines = yaml_lines(src, &request);
    let child = lines.first().ok_or("the recorded request is empty")?.indent;
    let headers = lines
        .iter()
        .position(|l| l.indent == child && src[l.body.clone()].starts_with(b"headers:"));
    let value = yaml_scalar(value);
    let Some(h) = headers else {
        // No headers recorded: a `headers:` entry of its own, first in the request.
        let name = name_for(spelling, None);
        let pad = " ".repeat(child);
        let at = lines[0].start;
        return Ok(Edit::insert(
            at,
            format!("{pad}headers:{nl}{pad}  {name}:{nl}{pad}  - {value}{nl}"),
        ));
    };
    let (rest_at, rest) =
        after_colon(src, &lines[h].body).ok_or("the recorded headers are not a mapping")?;
    let pad = " ".repeat(child + 2);
    match rest {
        // `headers: {}`: the empty map becomes a block with the one entry.
        b"{}" => {
            let name = name_for(spelling, None);
            let at = if src[rest_at - 1] == b' ' {
                rest_at - 1
            } else {
                rest_at
            };
            Ok(Edit::replace(
                at..rest_at + 2,
                format!("{nl}{pad}{name}:{nl}{pad}- {value}"),
            ))
        }
        // `headers: {Accept: [json]}`: a flow map gets the entry first.
        [b'{', inner @ ..] => {
            let first = inner.trim_ascii_start();
            let name = name_for(spelling, Some(first));
            let entry = if rest.contains(&b'[') {
                format!("{name}: [{value}], ")
            } else {
                format!("{name}: {value}, ")
            };
            let at = rest_at + 1 + (inner.len() - first.len());
            Ok(Edit::insert(at, entry))
        }
        b"" => {
            let first = lines
                .get(h + 1)
                .filter(|l| l.indent > child)
                .ok_or("the recorded headers are empty")?;
            let first_text = &src[first.body.clone()];
            let name_end = first_text
                .iter()
                .position(|&b| b == b':')
                .ok_or("the recorded headers are not a mapping")?;
            let name = name_for(spelling, Some(&first_text[..name_end]));
            let own = " ".repeat(first.indent);
            let (_, first_value) =
                after_colon(src, &first.body).ok_or("the recorded headers are not a mapping")?;
            let entry = match first_value {
                // `Content-Type:` then `- value` lines: a block list, at the items' indentation.
                b"" => {
                    let item = lines
                        .get(h + 2)
                        .filter(|l| src[l.body.clone()].starts_with(b"- "))
                        .ok_or("the recorded header values are not lists")?;
                    let item_pad = " ".repeat(item.indent);
                    format!("{own}{name}:{nl}{item_pad}- {value}{nl}")
                }
                [b'[', ..] => format!("{own}{name}: [{value}]{nl}"),
                _ => format!("{own}{name}: {value}{nl}"),
            };
            Ok(Edit::insert(first.start, entry))
        }
        _ => Err("the recorded headers are not a mapping".into()),
    }
}

fn json_header(
    src: &[u8],
    tokens: &[Token],
    format: Format,
    request: Range<usize>,
    value: &HeaderValue,
    spelling: Option<&str>,
) -> Result<Edit, String> {
    let open = token_at(tokens, request.start)
        .filter(|&o| tokens[o].is_punct(src, "{"))
        .ok_or("the recorded request is not a JSON object")?;
    let headers = members(src, tokens, open)
        .into_iter()
        .find(|(k, _)| key_is(src, &tokens[*k], "headers"))
        .map(|(_, v)| v);
    // A header name the request already records, for the case style of ours.
    let other = headers.and_then(|v| {
        let first = next_significant(tokens, v)?;
        let name = match format {
            Format::Har => members(src, tokens, first)
                .into_iter()
                .find(|(k, _)| key_is(src, &tokens[*k], "name"))
                .map(|(_, n)| n)?,
            _ => first,
        };
        Some(tokens[name].content_text(src))
    });
    let name = name_for(spelling, other);
    // A minified recording stays minified: no spaces in what is added.
    let compact = memchr::memmem::find(&src[request.clone()], b"\": ").is_none();
    let (colon, sp) = if compact { (":", "") } else { (": ", " ") };
    let (entry, container) = match (format, value) {
        (Format::VcrJson, HeaderValue::Text(v)) => (format!("\"{name}\"{colon}[\"{v}\"]"), "{"),
        (Format::Har, HeaderValue::Text(v)) => (
            format!("{{{sp}\"name\"{colon}\"{name}\",{sp}\"value\"{colon}\"{v}\"{sp}}}"),
            "[",
        ),
        (Format::WireMock, HeaderValue::Text(v)) => (
            format!("\"{name}\"{colon}{{{sp}\"equalTo\"{colon}\"{v}\"{sp}}}"),
            "{",
        ),
        (Format::WireMock, HeaderValue::Matcher(m)) => (format!("\"{name}\"{colon}{m}"), "{"),
        _ => return Err("this recording's headers take no matcher".into()),
    };
    let (target, entry) = match headers {
        Some(v) if tokens[v].is_punct(src, container) => (v, entry),
        Some(_) => return Err("the recorded headers are not in the format's shape".into()),
        None if container == "[" => (open, format!("\"headers\"{colon}[{entry}]")),
        None => (open, format!("\"headers\"{colon}{{{sp}{entry}{sp}}}")),
    };
    let first = next_significant(tokens, target).filter(|&f| !tokens[f].is_punct(src, "}"));
    match first {
        Some(f) if compact && !tokens[f].is_punct(src, "]") => {
            Ok(Edit::insert(tokens[target].end(), format!("{entry},")))
        }
        _ => Ok(insert_first(src, tokens, target, &entry)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(src: &str, value: &str) -> String {
        let start = src.find("- request:").unwrap();
        let end = src.find("  response:").unwrap();
        let edit = yaml_header(src.as_bytes(), start..end, value, None).unwrap();
        let mut out = src.to_string();
        out.replace_range(edit.range, &edit.content);
        out
    }

    #[test]
    fn yaml_headers_follow_the_cassettes_layout() {
        let block =
            "- request:\n    method: get\n    headers:\n      Accept:\n      - json\n  response:\n";
        assert_eq!(
            yaml(block, "<K>"),
            "- request:\n    method: get\n    headers:\n      X-Api-Key:\n      - \"<K>\"\n      Accept:\n      - json\n  response:\n"
        );
        let flow = "- request:\n    headers:\n      accept: [json]\n    uri: u\n  response:\n";
        assert!(yaml(flow, "abc123").contains("      x-api-key: [abc123]\n      accept: [json]\n"));
        let empty = "- request:\n    headers: {}\n    uri: u\n  response:\n";
        assert!(
            yaml(empty, "k").contains("    headers:\n      x-api-key:\n      - k\n    uri: u"),
            "{}",
            yaml(empty, "k")
        );
        let none = "- request:\n    method: get\n    uri: u\n  response:\n";
        assert!(
            yaml(none, "k")
                .contains("- request:\n    headers:\n      x-api-key:\n      - k\n    method: get")
        );
        let inline = "- request:\n    headers: {Accept: [json]}\n  response:\n";
        assert!(yaml(inline, "k").contains("headers: {X-Api-Key: [k], Accept: [json]}"));
    }
}
