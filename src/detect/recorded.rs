//! Recorded HTTP traffic that test suites replay: VCR-style cassettes (YAML or JSON with
//! `http_interactions`/`interactions`, each a `request` and a `response`), HAR files
//! (`log.entries`) and WireMock-style mappings (`request` matcher and `response` stub).
//!
//! A recorded *request* is a request: its findings are reported like any other and migrated
//! with the request model (`request::recorded`), so that replay still matches the migrated
//! client. A recorded *response* is the server's output — link URIs, `Location`
//! headers — so the legacy hosts in it are one note per file, never an error per line, and
//! never rewritten.

use crate::codes::{RuleCode, Severity};
use crate::diagnostic::Diagnostic;
use std::ops::Range;

/// Which recording format a file is: it decides where a recorded request keeps its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// VCR-style YAML cassette: `headers:` a map of lists.
    VcrYaml,
    /// VCR-style JSON cassette: `"headers"` an object of arrays.
    VcrJson,
    /// HAR: `"headers"` an array of `{"name", "value"}` objects, and a `"queryString"` array.
    Har,
    /// WireMock mapping: `"headers"` an object of matchers (`{"equalTo": …}`).
    WireMock,
}

/// Where a recording keeps its requests and its responses.
#[derive(Debug, Clone)]
pub struct Recording {
    pub format: Format,
    /// The byte ranges of the recorded requests (`request:` blocks, `"request": {…}` objects).
    pub requests: Vec<Range<usize>>,
    /// The byte ranges of the recorded responses, in order.
    pub responses: Vec<Range<usize>>,
}

impl Recording {
    /// `None` when `src` is no recording (a Postman collection's saved `response` arrays are
    /// examples, not recordings) or holds neither a request nor a response.
    pub fn of(src: &[u8], file_name: &str) -> Option<Recording> {
        let ext = file_name.rsplit_once('.').map_or("", |(_, e)| e);
        let has = |needle: &[u8]| memchr::memmem::find(src, needle).is_some();
        let (format, requests, responses) = match ext {
            "yml" | "yaml" => {
                let cassette = src.split(|&b| b == b'\n').any(|l| {
                    l.starts_with(b"http_interactions:") || l.starts_with(b"interactions:")
                });
                if !cassette {
                    return None;
                }
                (
                    Format::VcrYaml,
                    yaml_blocks(src, b"request:"),
                    yaml_blocks(src, b"response:"),
                )
            }
            "json" | "har" => {
                let cassette = has(b"\"http_interactions\"") || has(b"\"interactions\"");
                let har = has(b"\"log\"") && has(b"\"entries\"") && has(b"\"startedDateTime\"");
                let wiremock = has(b"\"request\"")
                    && [
                        "\"urlPattern\"",
                        "\"urlPath\"",
                        "\"urlPathPattern\"",
                        "\"url\"",
                    ]
                    .iter()
                    .any(|k| has(k.as_bytes()))
                    && has(b"\"status\"");
                let format = if har {
                    Format::Har
                } else if cassette {
                    Format::VcrJson
                } else if wiremock {
                    Format::WireMock
                } else {
                    return None;
                };
                (
                    format,
                    json_objects(src, b"\"request\""),
                    json_objects(src, b"\"response\""),
                )
            }
            _ => return None,
        };
        (!requests.is_empty() || !responses.is_empty()).then_some(Recording {
            format,
            requests,
            responses,
        })
    }

    /// Whether byte `at` lies in a recorded response.
    pub fn in_response(&self, at: usize) -> bool {
        within(&self.responses, at)
    }

    /// The recorded request holding byte `at`, as an index into `requests`.
    pub fn request_at(&self, at: usize) -> Option<usize> {
        let after = self.requests.partition_point(|r| r.start <= at);
        (after > 0 && self.requests[after - 1].contains(&at)).then(|| after - 1)
    }
}

/// Whether `at` lies in one of `ranges` (sorted, disjoint): a binary search, as a cassette
/// can hold thousands of interactions, each asked about once per finding.
fn within(ranges: &[Range<usize>], at: usize) -> bool {
    let after = ranges.partition_point(|r| r.start <= at);
    after > 0 && ranges[after - 1].contains(&at)
}

/// The byte ranges of the recorded responses when `src` is recorded traffic.
#[cfg(test)]
fn responses(src: &[u8], file_name: &str) -> Option<Vec<Range<usize>>> {
    Recording::of(src, file_name)
        .map(|r| r.responses)
        .filter(|r| !r.is_empty())
}

/// The blocks of `key` lines (`response:`, `- response:`) and every line indented deeper.
fn yaml_blocks(src: &[u8], key: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None; // (start, indent of the key)
    let mut at = 0;
    while at < src.len() {
        let end = memchr::memchr(b'\n', &src[at..]).map_or(src.len(), |e| at + e);
        let line = &src[at..end];
        let body = line.trim_ascii_start();
        let mut indent = line.len() - body.len();
        let item = body.strip_prefix(b"- ").map(|b| {
            indent += 2 + (b.len() - b.trim_ascii_start().len());
            b.trim_ascii_start()
        });
        let body = item.unwrap_or(body);
        if !body.is_empty() && !body.starts_with(b"#") {
            if let Some((start, key_indent)) = open
                && indent <= key_indent
            {
                out.push(start..at);
                open = None;
            }
            if open.is_none() && body.starts_with(key) {
                open = Some((at, indent));
            }
        }
        at = end + 1;
    }
    if let Some((start, _)) = open {
        out.push(start..src.len());
    }
    out
}

/// The object values of every `"key": { … }` member, braces matched outside strings.
fn json_objects(src: &[u8], key: &[u8]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for at in memchr::memmem::find_iter(src, key) {
        if out.last().is_some_and(|r| r.contains(&at)) {
            continue;
        }
        let rest = &src[at + key.len()..];
        let colon = rest.iter().position(|b| !b.is_ascii_whitespace());
        let Some(c) = colon.filter(|&c| rest[c] == b':') else {
            continue;
        };
        let after = &rest[c + 1..];
        let Some(o) = after.iter().position(|b| !b.is_ascii_whitespace()) else {
            continue;
        };
        if after[o] != b'{' {
            continue;
        }
        let open = at + key.len() + c + 1 + o;
        out.push(open..matching_brace(src, open));
    }
    out
}

/// The end (exclusive) of the object opening at `open`, or of the file when it never closes.
fn matching_brace(src: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < src.len() {
        match src[i] {
            b'"' => {
                i += 1;
                while i < src.len() && src[i] != b'"' {
                    i += if src[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    src.len()
}

/// Findings in recorded responses become one note for the file: the server's output, never
/// an error per line and never rewritten.
pub fn note_responses(recording: &Recording, diagnostics: &mut Vec<Diagnostic>) {
    let quoted: Vec<Diagnostic> = diagnostics
        .extract_if(.., |d| recording.in_response(d.span.start))
        .collect();
    let Some(first) = quoted.first() else {
        return;
    };
    let hosts = quoted.iter().filter(|d| d.code == RuleCode::WM001).count();
    let code = if hosts > 0 {
        RuleCode::WM001
    } else {
        first.code
    };
    let mut note = Diagnostic::new(
        code,
        first.span.clone(),
        format!(
            "Recorded against the retired gateway: {} legacy finding{} in recorded responses; re-record",
            quoted.len(),
            if quoted.len() == 1 { "" } else { "s" }
        ),
    )
    .with_label("first legacy use in a recorded response")
    .with_help("responses are the server's output (links, `Location` headers) and are never rewritten: re-record this file against your regional host once the client is migrated");
    note.severity = Severity::Note;
    diagnostics.push(note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_cassette_responses() {
        let src = b"---\nhttp_interactions:\n- request:\n    method: get\n    uri: https://api.whispir.com/messages?apikey=k\n  response:\n    status:\n      code: 200\n    body:\n      string: '{\"link\": \"https://api.whispir.com/messages/1\"}'\n- request:\n    uri: https://api.whispir.com/x\n  response:\n    body: b\nrecorded_with: VCR 6.0.0\n";
        let r = responses(src, "send.yml").expect("a cassette");
        let text: Vec<&str> = r
            .iter()
            .map(|r| std::str::from_utf8(&src[r.clone()]).unwrap())
            .collect();
        assert_eq!(text.len(), 2);
        assert!(text[0].trim_start().starts_with("response:") && text[0].contains("messages/1"));
        assert!(!text[0].contains("request"));
        assert!(
            text[1].trim_start().starts_with("response:") && !text[1].contains("recorded_with")
        );
        assert_eq!(
            responses(b"interactions: none\nresponse: x\n", "a.txt"),
            None
        );
        assert_eq!(
            responses(b"openapi: 3.0.0\nresponse:\n  a: b\n", "a.yaml"),
            None
        );
    }

    #[test]
    fn json_recordings_and_not_postman() {
        let har = br#"{"log": {"entries": [{"startedDateTime": "2019", "request": {"url": "https://api.whispir.com/m"}, "response": {"headers": [{"name": "Location", "value": "https://api.whispir.com/m/1"}], "content": {"text": "{\"a\": \"}\"}"}}}]}}"#;
        let r = responses(har, "session.har").expect("a HAR");
        assert_eq!(r.len(), 1);
        assert!(har[r[0].clone()].ends_with(b"}}"));
        let postman =
            br#"{"item": [{"request": {"url": "https://api.whispir.com/m"}, "response": []}]}"#;
        assert_eq!(responses(postman, "c.postman_collection.json"), None);
    }
}
