//! Recorded traffic (VCR cassettes, HAR files, WireMock mappings): each recorded request is
//! one unit, as a request in code is (SPEC, "Fixes — the safety contract"). Replay matches
//! the client's requests against the recorded ones, so a migrated client needs migrated
//! recordings: the retired host, the `apikey` parameter (in the URL, a HAR `queryString`
//! entry, a WireMock `queryParameters` matcher) and the `x-api-key` header move in one fix.
//!
//! The fix is safe: the URL, the key and the headers sit in one object of the recording, with
//! no variable in between — the condition SPEC sets for a safe request fix — and a retired
//! host moves only with `--region`, as everywhere. Findings in recorded responses are the
//! server's output: one note per file (`detect::recorded`), never rewritten.

use super::RuleContext;
use super::place::recorded::{HeaderValue, header};
use super::plan::Indexes;
use crate::codes::RuleCode;
use crate::detect::recorded::{Format, Recording, note_responses};
use crate::detect::{ApiKeyParam, Facts, ParamShape};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::hosts::HostKind;
use crate::lang::tokens::{
    Layout, enclosing_open, matching_close, next_significant, prev_significant, token_at,
};
use crate::lang::{Language, Token};
use crate::request::host::host_edits;
use crate::source::SourceFile;
use std::ops::Range;

/// Why a recorded request to the retired gateway has no fix without a region.
const NEEDS_REGION: &str = "its host and key move together: pass `--region` to get a fix";

/// Gives every recorded request of the file one fix (or none, saying why) and folds the
/// findings in recorded responses into one note.
pub fn assemble(
    file: &SourceFile,
    facts: &Facts,
    lang: &dyn Language,
    ctx: &RuleContext,
    recording: &Recording,
    diagnostics: &mut Vec<Diagnostic>,
) {
    note_responses(recording, diagnostics);
    let mut by_request: Vec<(usize, usize)> = Vec::new(); // (request, diagnostic)
    for (i, d) in diagnostics.iter_mut().enumerate() {
        match recording.request_at(d.span.start) {
            Some(r) => by_request.push((r, i)),
            // Neither request nor response (a HAR page title): recorded, not sent.
            None => d.fix = None,
        }
    }
    by_request.sort_unstable();
    for group in by_request.chunk_by(|a, b| a.0 == b.0) {
        let r = group[0].0;
        let members: Vec<usize> = group.iter().map(|&(_, i)| i).collect();
        let scheme_edits: Vec<Edit> = members
            .iter()
            .filter(|&&i| diagnostics[i].code == RuleCode::WM005)
            .filter_map(|&i| diagnostics[i].fix.as_ref())
            .flat_map(|f| f.edits.iter().cloned())
            .collect();
        let outcome = request_fix(file, facts, lang, ctx, recording, r, scheme_edits);
        let keyed = !params_in(facts, &recording.requests[r]).is_empty();
        for &i in &members {
            let d = &mut diagnostics[i];
            if d.code == RuleCode::WM002 {
                // The rule's hint names a request in code; a recording keeps its headers in
                // its own shape.
                d.help = Some(
                    "record the key in the request's `x-api-key` header, as the format keeps headers, and drop the parameter"
                        .into(),
                );
            }
            match d.code {
                // A hard-coded key has no fix: the header carries the same literal.
                RuleCode::WM003 => {}
                // An unknown region's label stays while the key is in the query (its fix
                // alone would make a half-migrated request), as for requests in code.
                RuleCode::WM004 if keyed => d.fix = None,
                RuleCode::WM004 => {}
                _ => match &outcome {
                    Ok(Some(fix)) => d.fix = Some(fix.clone()),
                    Ok(None) => d.fix = None,
                    // The rule's help already asks for `--region`.
                    Err(reason) if reason == NEEDS_REGION && d.code == RuleCode::WM001 => {}
                    Err(reason) => {
                        d.fix = None;
                        let help = d.help.take().unwrap_or_default();
                        let sep = if help.is_empty() { "" } else { "; " };
                        d.help = Some(if reason == NEEDS_REGION {
                            format!("{help}{sep}a recorded request to a retired gateway: {reason}")
                                .into()
                        } else {
                            format!("{help}{sep}a recorded request, not fixed automatically: {reason}; migrate the client, then re-record this file (or edit the recording the same way)")
                                .into()
                        });
                    }
                },
            }
        }
    }
}

/// The one fix of recorded request `r`: `Ok(None)` when nothing in it needs a change.
fn request_fix(
    file: &SourceFile,
    facts: &Facts,
    lang: &dyn Language,
    ctx: &RuleContext,
    recording: &Recording,
    r: usize,
    scheme_edits: Vec<Edit>,
) -> Result<Option<Fix>, String> {
    let src = &file.bytes[..];
    let range = recording.requests[r].clone();
    // Hosts and parameters are sorted by position: a cassette of thousands of interactions
    // looks up each request's own, not all of them per request.
    let first = facts.hosts.partition_point(|h| h.host.start < range.start);
    let last = facts.hosts.partition_point(|h| h.host.start < range.end);
    let retired: Vec<_> = facts.hosts[first..last]
        .iter()
        .filter(|h| h.kind == HostKind::Legacy)
        .collect();
    let params = params_in(facts, &range);
    let mut edits = scheme_edits;
    let region = match (retired.is_empty(), ctx.region) {
        (true, _) => None,
        (false, Some(region)) => Some(region),
        (false, None) => return Err(NEEDS_REGION.into()),
    };
    for h in &retired {
        edits.extend(host_edits(file, h, region.expect("checked above")));
    }
    let mut key: Option<HeaderValue> = None;
    for p in &params {
        let (removal, value) = remove_recorded_param(
            src,
            &facts.tokens,
            Indexes::of(facts),
            lang,
            recording,
            &range,
            p,
        )?;
        edits.extend(removal);
        match (&key, value) {
            (None, v) => key = Some(v),
            // A HAR records the key twice, in the URL and its `queryString`: one header.
            (Some(HeaderValue::Text(a)), HeaderValue::Text(b)) if *a == b => {}
            _ => return Err("the request records two different keys".into()),
        }
    }
    let first_header = facts.x_api_key_at.partition_point(|&at| at < range.start);
    let sent = facts
        .x_api_key_at
        .get(first_header)
        .is_some_and(|&at| at < range.end);
    let mut message = match region {
        Some(region) => format!("Move the recorded request to `{}`", region.host()),
        None if key.is_some() && sent => "Drop the recorded `apikey` parameter".to_string(),
        None if key.is_some() => "Move the recorded key".to_string(),
        None => "Use `https` in the recorded request".to_string(),
    };
    if let Some(value) = key.as_ref() {
        if sent {
            if region.is_some() {
                message.push_str(" and drop its `apikey` parameter");
            }
            message.push_str(" (the recorded request already sends `x-api-key`)");
        } else {
            // The file's own spelling; lower case when that is what it mostly writes.
            let spelling = facts
                .x_api_key_spelling
                .as_deref()
                .or((!facts.x_api_key_at.is_empty()).then_some("x-api-key"));
            edits.push(header(
                src,
                &facts.tokens,
                recording.format,
                range.clone(),
                value,
                spelling,
            )?);
            message.push_str(if region.is_some() {
                " with the key in an `x-api-key` header"
            } else {
                " into an `x-api-key` header"
            });
        }
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits.dedup();
    if edits.windows(2).any(|w| w[0].range.end > w[1].range.start) {
        return Err("its edits overlap".into());
    }
    Ok((!edits.is_empty()).then_some(Fix {
        applicability: Applicability::Safe,
        message: message.into(),
        edits: edits.into(),
    }))
}

/// The `apikey` parameters (not security schemes) in the byte range of one request.
fn params_in<'a>(facts: &'a Facts, range: &Range<usize>) -> Vec<&'a ApiKeyParam> {
    let first = facts.params.partition_point(|p| p.span.start < range.start);
    let last = facts.params.partition_point(|p| p.span.start < range.end);
    facts.params[first..last]
        .iter()
        .filter(|p| p.shape != ParamShape::SecurityScheme)
        .collect()
}

/// The edits that take parameter `p` out of the recorded request, and the key it carried.
fn remove_recorded_param(
    src: &[u8],
    tokens: &[Token],
    idx: Indexes,
    lang: &dyn Language,
    recording: &Recording,
    request: &Range<usize>,
    p: &ApiKeyParam,
) -> Result<(Vec<Edit>, HeaderValue), String> {
    match p.shape {
        ParamShape::Url | ParamShape::Fragment => {
            let member = url_member(src, tokens, recording.format, request, p.name.start)?;
            if member.ends_with("pattern") {
                return pattern_param(src, tokens, idx.layout, lang, p);
            }
            if member != "uri" && member != "url" {
                return Err(format!(
                    "the parameter is in the recorded `{member}`, not the request's URL"
                ));
            }
            let removal = super::query::remove_param(src, tokens, idx.layout, lang, p)?;
            Ok((removal.edits, HeaderValue::Text(plain_key(&removal.key)?)))
        }
        ParamShape::Builder => {
            let list = builder_list(src, tokens, p.span.start).unwrap_or_default();
            let matcher = match (recording.format, list.as_str()) {
                (Format::Har, "querystring") => None,
                (Format::WireMock, "queryparameters") => Some(matcher_text(src, tokens, p)?),
                _ => return Err("the parameter is not in the recorded request's query".into()),
            };
            let removal = super::plan::remove_builder_entry(src, tokens, lang, p, idx)?;
            let value = match &matcher {
                Some((m, _))
                    if !m.starts_with("{ \"equalTo\"") && !m.starts_with("{\"equalTo\"") =>
                {
                    HeaderValue::Matcher(m.clone())
                }
                _ => HeaderValue::Text(plain_key(&removal.key)?),
            };
            // The key was the list's only entry: a HAR keeps its (required) `queryString`
            // empty, a WireMock mapping loses its `queryParameters` (`{}` matches anything).
            let k = token_at(tokens, p.span.start).ok_or("the key is not a token")?;
            let entry = match &matcher {
                Some((_, end)) => tokens[k].start()..*end,
                None => {
                    let object = enclosing_open(src, tokens, k).ok_or("no entry around the key")?;
                    let close = matching_close(src, tokens, object).ok_or("unbalanced entry")?;
                    tokens[object].start()..tokens[close].end()
                }
            };
            let edits = match super::plan::sole_entry(src, tokens, &entry) {
                Some((open, close)) if matcher.is_none() => {
                    vec![Edit::delete(tokens[open].end()..tokens[close].start())]
                }
                Some((open, close)) => {
                    let name = prev_significant(tokens, open)
                        .and_then(|c| prev_significant(tokens, c))
                        .ok_or("the query parameters are not a member")?;
                    let member = tokens[name].start()..tokens[close].end();
                    vec![Edit::delete(super::plan::with_comma(src, tokens, member))]
                }
                None => removal.edits,
            };
            Ok((edits, value))
        }
        ParamShape::SecurityScheme => Err("a security scheme is no request".into()),
    }
}

/// The key as text a header can carry unchanged: written plainly in the recording (no
/// escapes or percent-encoding to undo), not an expression.
/// `"urlPattern": "/messages\\?apikey=[0-9a-f]{32}"`: the pattern loses the parameter and
/// the header gets a `matches` matcher of the value's own pattern. Only when the parameter
/// ends the pattern: WireMock matches the whole URL, so the value's pattern matched exactly
/// the key, as the header matcher will match exactly the header.
fn pattern_param(
    src: &[u8],
    tokens: &[Token],
    layout: &std::sync::OnceLock<Layout>,
    lang: &dyn Language,
    p: &ApiKeyParam,
) -> Result<(Vec<Edit>, HeaderValue), String> {
    let by_hand = "a WireMock URL pattern is a regular expression and the parameter does not end it: edit it by hand";
    let literal = token_at(tokens, p.span.start).ok_or(by_hand)?;
    let value = &src[p.value.clone()];
    if p.value.end != tokens[literal].content().end || value.is_empty() || value.contains(&b'&') {
        return Err(by_hand.into());
    }
    let removal = super::query::remove_param(src, tokens, layout, lang, p)?;
    let value = std::str::from_utf8(value).map_err(|_| by_hand)?;
    Ok((
        removal.edits,
        HeaderValue::Matcher(format!("{{ \"matches\": \"{value}\" }}")),
    ))
}

fn plain_key(key: &super::query::KeySource) -> Result<String, String> {
    use super::query::KeySource;
    match key {
        KeySource::Literal(v) | KeySource::Template(v)
            if !v.is_empty() && !v.contains(['\\', '"', '\'', '%', '\n', '\r']) =>
        {
            Ok(v.clone())
        }
        KeySource::Expr(_) => Err("the key is not written in the recording".into()),
        _ => Err(
            "the key is escaped or percent-encoded in the recording: write the header by hand"
                .into(),
        ),
    }
}

/// The name of the member (`uri`, `url`, `urlPattern`, `body`) whose value holds byte `at`,
/// lower-cased: for YAML the key of the line, for JSON the key before the string.
fn url_member(
    src: &[u8],
    tokens: &[Token],
    format: Format,
    request: &Range<usize>,
    at: usize,
) -> Result<String, String> {
    let lower = |b: &[u8]| String::from_utf8_lossy(b).to_ascii_lowercase();
    if format == Format::VcrYaml {
        let start = src[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = src[start..at].trim_ascii_start();
        let line = line.strip_prefix(b"- ").unwrap_or(line);
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or("the parameter is not on a `uri:` line")?;
        // A value continued on the next line (a folded URL) is not rewritten.
        if start < request.start {
            return Err("the parameter is outside the request".into());
        }
        return Ok(lower(&line[..colon]));
    }
    let i = token_at(tokens, at).ok_or("the URL is not a JSON string")?;
    let colon = prev_significant(tokens, i)
        .filter(|&c| tokens[c].is_punct(src, ":"))
        .ok_or("the URL is not the value of a member")?;
    let key = prev_significant(tokens, colon).ok_or("the URL is not the value of a member")?;
    // A member of the request object itself, not of its body or headers.
    let open = enclosing_open(src, tokens, key).map(|o| tokens[o].start());
    if open != Some(request.start) {
        return Err("the parameter is not in the recorded request's URL".into());
    }
    Ok(lower(tokens[key].content_text(src)))
}

/// The lower-cased name of the member whose array or object holds the builder key at `at`
/// (`queryString` for a HAR entry, `queryParameters` for a WireMock matcher).
fn builder_list(src: &[u8], tokens: &[Token], at: usize) -> Option<String> {
    let k = token_at(tokens, at)?;
    let mut open = enclosing_open(src, tokens, k)?;
    // HAR: `{"name": "apikey", …}` inside the `queryString` array.
    if tokens[open].is_punct(src, "{")
        && let Some(outer) =
            enclosing_open(src, tokens, open).filter(|&o| tokens[o].is_punct(src, "["))
    {
        open = outer;
    }
    let colon = prev_significant(tokens, open).filter(|&c| tokens[c].is_punct(src, ":"))?;
    let name = prev_significant(tokens, colon)?;
    Some(String::from_utf8_lossy(tokens[name].content_text(src)).to_ascii_lowercase())
}

/// The text of the WireMock matcher object given for the `apikey` query parameter, and where
/// it ends.
fn matcher_text(src: &[u8], tokens: &[Token], p: &ApiKeyParam) -> Result<(String, usize), String> {
    let k = token_at(tokens, p.span.start).ok_or("the key is not a token")?;
    let open = next_significant(tokens, k)
        .filter(|&c| tokens[c].is_punct(src, ":"))
        .and_then(|c| next_significant(tokens, c))
        .filter(|&o| tokens[o].is_punct(src, "{"))
        .ok_or("the query parameter's matcher is not an object")?;
    let close = matching_close(src, tokens, open).ok_or("the matcher is not closed")?;
    let text = String::from_utf8_lossy(&src[tokens[open].start()..tokens[close].end()]);
    Ok((text.into_owned(), tokens[close].end()))
}
