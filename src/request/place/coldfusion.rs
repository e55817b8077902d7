//! ColdFusion: `<cfhttp>` tags, whose headers are `<cfhttpparam type="header">` children, and
//! in script `cfhttp(…) { cfhttpparam(…); }` calls and `new http()` objects, whose headers
//! are `cfhttpparam(…)` statements and `addParam(…)` calls. A `type="url"` parameter named
//! `apikey` is already the request's own: it becomes the header parameter, same value.

use super::cursor::*;
use super::{Placement, Request, Script, already};
use crate::detect::ApiKeyParam;
use crate::diagnostic::{Applicability, Edit};
use crate::lang::cfml::{self, Element};
use crate::lang::tokens::{
    arguments, enclosing_open, matching_close, matching_open, next_significant, prev_significant,
    token_at,
};
use crate::lang::{TokKind, Token};
use crate::request::query::{KeySource, Removal};
use std::ops::Range;

const NO_REQUEST: &str = "no `<cfhttp>` tag, `cfhttp(…)` call or `new http()` object sends this URL here; add the header where the request is made";

const CFHTTPPARAM_HOW: &str =
    "add `cfhttpparam(type=\"header\", name=\"x-api-key\", …)` to the `cfhttp` call";

/// How a script's `new http()` object (`var h = new http(…)`) is held.
struct HttpObject {
    /// The name token of its creation (`h` in `var h = new http(…)`).
    name: usize,
    /// Declared with `var` (or as `local.h`): a local of its function.
    local: bool,
    /// The last token of the statements on it, up to its next assignment or its block's end.
    last: usize,
}

pub(super) fn place(req: &Request) -> Result<Placement, String> {
    if let Some(element) = cfml::cfhttp_around(req.src, req.at.start) {
        return tag_request(req, &element);
    }
    if cfml::in_comment(req.src, req.at.start) {
        return Err("the URL is in a comment, not in a request".into());
    }
    if req.tokens.is_empty() {
        return Err(NO_REQUEST.into());
    }
    let lit = anchor(req)?;
    script_request(req, lit)
}

/// The byte range of the request around `at` (a `<cfhttp>` element, a `cfhttp(…) {…}` call,
/// the statements on a `new http()` object): its host moves with a key sent anywhere in it.
pub fn request_extent(script: Script, at: usize) -> Option<Range<usize>> {
    let (src, tokens) = (script.src, script.tokens);
    if let Some(el) = cfml::cfhttp_around(src, at) {
        return Some(whole(&el));
    }
    let i = token_at(tokens, at)?;
    let (name, open) = cursor_call(src, tokens, i)?;
    match callee(src, tokens, name).as_str() {
        "cfhttp" => {
            let (_, last) = script_call(src, tokens, open)?;
            Some(tokens[name].start()..tokens[last].end())
        }
        "cfhttpparam" => {
            let (call, last) = call_of_body(src, tokens, name)?;
            Some(tokens[call].start()..tokens[last].end())
        }
        "addparam" | "seturl" => {
            let obj = object_of_method(script, name)?;
            Some(tokens[obj.name].start()..tokens[obj.last].end())
        }
        _ => None,
    }
}

/// A `type="url"` parameter named `apikey` (`<cfhttpparam …>`, `cfhttpparam(…)`,
/// `h.addParam(…)`): the same parameter becomes the header (`type="header"`,
/// `name="x-api-key"`, its value kept); where the request already sends `x-api-key`, it goes.
pub fn url_param(
    script: Script,
    p: &ApiKeyParam,
    x_api_key_at: &[usize],
    spelling: Option<&str>,
) -> Result<Removal, String> {
    let (src, tokens) = (script.src, script.tokens);
    let spelling = spelling.unwrap_or("x-api-key");
    if let Some(tag) = cfml::tag_around(src, p.name.start, "cfhttpparam") {
        let el = cfml::cfhttp_around(src, tag.span.start)
            .ok_or("the `<cfhttpparam>` is not inside a `<cfhttp>` tag")?;
        let attrs = cfml::attributes(src, &tag);
        let kind = cfml::attribute(src, &attrs, "type").ok_or("the parameter has no `type`")?;
        let value = cfml::attribute(src, &attrs, "value")
            .filter(|v| !v.value.is_empty())
            .ok_or("the parameter has no `value`")?;
        let key = KeySource::Template(lossy(&src[value.value.clone()]));
        if sent_in(x_api_key_at, whole(&el)) {
            return Ok(dropped(src, tag.span, key));
        }
        return Ok(Removal {
            edits: vec![
                Edit::replace(kind.value.clone(), "header"),
                Edit::replace(p.name.clone(), spelling.to_string()),
            ],
            key,
            placed: Some(moved("`<cfhttpparam type=\"header\">`")),
        });
    }
    if tokens.is_empty() {
        return Err("the parameter is not in a `<cfhttpparam>` tag".into());
    }
    let key_tok = token_at(tokens, p.name.start).ok_or("the key is not a token")?;
    let (name, open) = enclosing_call(src, tokens, key_tok)
        .filter(|&(n, _)| matches!(callee(src, tokens, n).as_str(), "cfhttpparam" | "addparam"))
        .ok_or("the parameter is not added by `cfhttpparam(…)` or `addParam(…)`")?;
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let kind = named_argument(src, tokens, open, "type")
        .filter(|&v| tokens[v].kind == TokKind::Str)
        .ok_or("the parameter's `type` is not a literal")?;
    let value = named_argument(src, tokens, open, "value").ok_or("the parameter has no `value`")?;
    let value_end = arguments(src, tokens, open)
        .into_iter()
        .find(|a| a.contains(&tokens[value].start()))
        .map_or(tokens[value].end(), |a| a.end);
    let key = KeySource::expr(lossy(&src[tokens[value].start()..value_end]));
    let extent = match callee(src, tokens, name).as_str() {
        "cfhttpparam" => call_of_body(src, tokens, name),
        _ => object_of_method(script, name).map(|o| (o.name, o.last)),
    }
    .ok_or("the parameter's request is not in sight")?;
    if sent_in(
        x_api_key_at,
        tokens[extent.0].start()..tokens[extent.1].end(),
    ) {
        let semi = next_significant(tokens, close)
            .filter(|&s| tokens[s].is_punct(src, ";"))
            .ok_or("the parameter's statement does not end with `;`")?;
        let start = tokens[callee_start(src, tokens, name)].start();
        return Ok(dropped(src, start..tokens[semi].end(), key));
    }
    Ok(Removal {
        edits: vec![
            Edit::replace(tokens[kind].content(), "header"),
            Edit::replace(p.name.clone(), spelling.to_string()),
        ],
        key,
        placed: Some(moved("a header parameter")),
    })
}

fn moved(how: &str) -> String {
    format!("Move the key to an `x-api-key` header (the `type=\"url\"` parameter becomes {how})")
}

/// The request already sends `x-api-key`: the parameter at `span` goes, with its line when
/// it is alone there.
fn dropped(src: &[u8], span: Range<usize>, key: KeySource) -> Removal {
    let (ls, le) = (line_start(src, span.start), line_end(src, span.end));
    let alone = src[ls..span.start]
        .iter()
        .all(|b| matches!(b, b' ' | b'\t'))
        && src[span.end..le].iter().all(|b| b.is_ascii_whitespace());
    let range = if alone {
        ls..(le + 1).min(src.len())
    } else {
        span
    };
    Removal {
        edits: vec![Edit::delete(range)],
        key,
        placed: Some(format!(
            "Move the key to an `x-api-key` header ({})",
            "the request already sends `x-api-key`"
        )),
    }
}

/// `url="…?apikey=#k#"` of a `<cfhttp>` tag: `<cfhttpparam type="header" name="x-api-key"
/// value="#k#">` becomes its first child; a tag without a body gets one.
fn tag_request(req: &Request, el: &Element) -> Result<Placement, String> {
    let src = req.src;
    let attrs = cfml::attributes(src, &el.open);
    let in_url =
        cfml::attribute(src, &attrs, "url").is_some_and(|a| a.value.contains(&req.at.start));
    if !in_url {
        return Err("the parameter is not in the `url` of its `<cfhttp>` tag".into());
    }
    if req.already_sent(whole(el)) {
        return Ok(already(super::SENT_BY_STATEMENT));
    }
    if let Some(child) = url_key_parameter(src, req.tokens, whole(el)) {
        return Ok(child);
    }
    let param = header_tag(req, req.key);
    let open_end = el.open.span.end;
    let indent = indent_of(src, el.open.span.start);
    let nl = eol(src, el.open.span.start);
    let child_indent = format!("{indent}{}", indent_unit(src, el.open.span.end));
    let edit = match &el.close {
        Some(close) => {
            let body = &src[open_end..close.start];
            match body.iter().position(|b| !b.is_ascii_whitespace()) {
                // `<cfhttp …></cfhttp>`: the header on a line of its own between them.
                None if !body.contains(&b'\n') => Edit::replace(
                    open_end..close.start,
                    format!("{nl}{child_indent}{param}{nl}{indent}"),
                ),
                None => Edit::insert(open_end, format!("{nl}{child_indent}{param}")),
                Some(first) if body[..first].contains(&b'\n') => {
                    // Indented like the first child, on a line of its own.
                    let sibling = indent_of(src, open_end + first);
                    line_after(src, open_end - 1, &sibling, &param)
                }
                Some(_) => Edit::insert(open_end, param),
            }
        }
        None => {
            // `<cfhttp … />` or `<cfhttp …>` with no end tag: it gets a body and an end tag.
            let mut start = open_end - 1;
            if el.open.self_closed {
                start -= 1;
                while start > el.open.span.start && matches!(src[start - 1], b' ' | b'\t') {
                    start -= 1;
                }
            }
            Edit::replace(
                start..open_end,
                format!(">{nl}{child_indent}{param}{nl}{indent}</cfhttp>"),
            )
        }
    };
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        sends: None,
        how: "add `<cfhttpparam type=\"header\" name=\"x-api-key\">` to the `<cfhttp>` tag".into(),
    })
}

/// A request that sends the key twice, in its URL and as a `type="url"` parameter named
/// `apikey` (a tag, a `cfhttpparam(…)` or `addParam(…)` within `region`): that parameter
/// becomes the header, the same edit its own finding makes, so the URL's key leaves without a
/// second header, applied with either finding or both.
fn url_key_parameter(src: &[u8], tokens: &[Token], region: Range<usize>) -> Option<Placement> {
    let edits = url_parameter_as_header;
    let named = |r: &Range<usize>, word: &str| src[r.clone()].eq_ignore_ascii_case(word.as_bytes());
    for lt in memchr::memchr_iter(b'<', &src[region.clone()]).map(|n| region.start + n) {
        if !cfml::opens(src, lt, "cfhttpparam") || cfml::in_comment(src, lt) {
            continue;
        }
        let Some(tag) = cfml::tag_at(src, lt) else {
            continue;
        };
        let attrs = cfml::attributes(src, &tag);
        let kind = cfml::attribute(src, &attrs, "type").filter(|a| named(&a.value, "url"));
        let name = cfml::attribute(src, &attrs, "name").filter(|a| named(&a.value, "apikey"));
        if let (Some(kind), Some(name)) = (kind, name) {
            return Some(edits(kind.value.clone(), name.value.clone()));
        }
    }
    let first = tokens.partition_point(|t| t.start() < region.start);
    for k in first..tokens.len() {
        let t = &tokens[k];
        if t.start() >= region.end {
            break;
        }
        if t.kind != TokKind::Str || !named(&t.content(), "apikey") {
            continue;
        }
        let Some((call, open)) = cursor_call(src, tokens, k) else {
            continue;
        };
        if !matches!(
            callee(src, tokens, call).as_str(),
            "cfhttpparam" | "addparam"
        ) || named_argument(src, tokens, open, "name") != Some(k)
        {
            continue;
        }
        if let Some(placement) = url_key_arguments(src, tokens, open) {
            return Some(placement);
        }
    }
    None
}

/// The call at `(` `open` adds a `type="url"` parameter named `apikey` (`cfhttpparam(…)`,
/// `h.addParam(…)`): the edits that make it the header.
fn url_key_arguments(src: &[u8], tokens: &[Token], open: usize) -> Option<Placement> {
    let literal = |name: &str, value: &str| {
        named_argument(src, tokens, open, name).filter(|&v| {
            tokens[v].kind == TokKind::Str
                && src[tokens[v].content()].eq_ignore_ascii_case(value.as_bytes())
        })
    };
    let name = literal("name", "apikey")?;
    let kind = literal("type", "url")?;
    Some(url_parameter_as_header(
        tokens[kind].content(),
        tokens[name].content(),
    ))
}

/// The edits that make a `type="url"` parameter (its `url` at `kind`, its `apikey` at
/// `name`) the header.
fn url_parameter_as_header(kind: Range<usize>, name: Range<usize>) -> Placement {
    Placement {
        edits: vec![
            Edit::replace(kind, "header"),
            Edit::replace(name, "x-api-key"),
        ],
        applicability: Applicability::Safe,
        sends: None,
        how: "the request's `type=\"url\"` parameter becomes the header".into(),
    }
}

/// [`url_key_parameter`] for a `new http()` object: an `addParam(type="url", name="apikey",
/// …)` called on the object itself among the statements on it (another object's parameter
/// is another request's).
fn object_url_key_parameter(s: Script, obj: &HttpObject) -> Option<Placement> {
    object_calls(s, obj, "addParam").find_map(|open| url_key_arguments(s.src, s.tokens, open))
}

/// The `(` of each `obj.METHOD(` among the statements on the object, from the uses of its
/// name (CFML names are the same in any case).
fn object_calls<'a>(
    s: Script<'a>,
    obj: &HttpObject,
    method: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    let (src, tokens) = (s.src, s.tokens);
    let uses = s
        .layout()
        .uses_in_any_case(src, tokens, tokens[obj.name].text(src));
    let first = uses.partition_point(|&k| (k as usize) < obj.name);
    let last = obj.last;
    uses[first..]
        .iter()
        .map(|&k| k as usize)
        .take_while(move |&j| j < last)
        .filter_map(move |j| {
            let dot = next_significant(tokens, j).filter(|&d| tokens[d].is_punct(src, "."))?;
            let m = next_significant(tokens, dot)
                .filter(|&m| tokens[m].text(src).eq_ignore_ascii_case(method.as_bytes()))?;
            next_significant(tokens, m).filter(|&o| tokens[o].is_punct(src, "("))
        })
}

/// The header parameter as a tag, closed as the file closes its `<cfhttpparam>` tags.
fn header_tag(req: &Request, key: &KeySource) -> String {
    let value = match key {
        KeySource::Expr(e) => format!("#{e}#"),
        KeySource::Literal(l) | KeySource::Template(l) => l.clone(),
    };
    let q = if value.contains('"') { '\'' } else { '"' };
    let end = if params_self_closed(req) { " />" } else { ">" };
    format!("<cfhttpparam type={q}header{q} name={q}x-api-key{q} value={q}{value}{q}{end}")
}

/// Whether the file's first `<cfhttpparam>` tag closes itself (`/>`): looked up once per
/// file, not once per request.
fn params_self_closed(req: &Request) -> bool {
    /// What the placer reads once per ColdFusion file.
    struct CfFile {
        params_self_closed: bool,
    }
    let src = req.src;
    req.layout()
        .placer_index(|| {
            let first = [&b"<cfhttpparam"[..], b"<CFHTTPPARAM"]
                .iter()
                .filter_map(|tag| memchr::memmem::find(src, tag))
                .min();
            CfFile {
                params_self_closed: first
                    .and_then(|at| cfml::tag_at(src, at))
                    .is_some_and(|t| t.self_closed),
            }
        })
        .is_some_and(|f| f.params_self_closed)
}

/// The indentation step around byte `at`: a tab when the lines before it are indented with
/// tabs (looked for nearby, so that each request of a large file costs the same).
fn indent_unit(src: &[u8], at: usize) -> &'static str {
    let near = &src[at.saturating_sub(4096)..at];
    if near.first() == Some(&b'\t') || memchr::memmem::find(near, b"\n\t").is_some() {
        "\t"
    } else {
        "    "
    }
}

/// Script: the URL is the `url` of `cfhttp(…)` or of `new http(…)`, or the argument of an
/// object's `setUrl(…)`.
fn script_request(req: &Request, lit: usize) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let (name, open) = cursor_call(src, tokens, lit).ok_or(NO_REQUEST)?;
    let called = callee(src, tokens, name);
    let url_arg = match called.as_str() {
        "seturl" => arguments(src, tokens, open).len() == 1,
        "cfhttp" | "http" => named_argument(src, tokens, open, "url").is_some_and(|v| {
            arguments(src, tokens, open)
                .iter()
                .any(|a| a.contains(&tokens[lit].start()) && a.contains(&tokens[v].start()))
        }),
        _ => false,
    };
    if !url_arg {
        return Err(NO_REQUEST.into());
    }
    let key = req.key.as_code('"');
    let spaced = spaced_arguments(src, tokens, open);
    let eq = if spaced { " = " } else { "=" };
    let header =
        |call: &str| format!("{call}(type{eq}\"header\", name{eq}\"x-api-key\", value{eq}{key});");
    if called == "cfhttp" {
        let (body, last) = script_call(src, tokens, open).ok_or("unbalanced `cfhttp(…)` call")?;
        if super::cursor::sends_header(src, tokens, name..last + 1) {
            return Ok(already(super::SENT_BY_STATEMENT));
        }
        let extent = tokens[name].start()..tokens[last].end();
        if let Some(child) = url_key_parameter(src, tokens, extent) {
            return Ok(child);
        }
        let indent = indent_of(src, tokens[name].start());
        let stmt = header("cfhttpparam");
        let edit = match body {
            Some(brace) => {
                let first = next_significant(tokens, brace).filter(|&f| f != last);
                match first {
                    None => Edit::replace(
                        tokens[brace].end()..tokens[last].start(),
                        format!(
                            "{nl}{indent}{unit}{stmt}{nl}{indent}",
                            nl = eol(src, tokens[brace].start()),
                            unit = indent_unit(src, tokens[brace].start())
                        ),
                    ),
                    Some(f) if !first_on_line(src, tokens[f].start()) => {
                        Edit::insert(tokens[brace].end(), format!(" {stmt}"))
                    }
                    Some(f) => line_after(
                        src,
                        tokens[brace].start(),
                        &indent_of(src, tokens[f].start()),
                        &stmt,
                    ),
                }
            }
            // `cfhttp(…);`: the statement gets a body for the header (after a comment that
            // ends its line, which stays on the call's line).
            None if tokens[last].is_punct(src, ";") => {
                let nl = eol(src, tokens[last].start());
                let unit = indent_unit(src, tokens[last].start());
                return Ok(Placement {
                    edits: vec![
                        Edit::replace(tokens[last].span(), " {"),
                        line_after(
                            src,
                            tokens[last].end(),
                            &format!("{indent}{unit}"),
                            &format!("{stmt}{nl}{indent}}}"),
                        ),
                    ],
                    applicability: Applicability::Safe,
                    sends: None,
                    how: CFHTTPPARAM_HOW.into(),
                });
            }
            None => return Err("the `cfhttp(…)` call is not a statement of its own".into()),
        };
        return Ok(Placement {
            edits: vec![edit],
            applicability: Applicability::Safe,
            sends: None,
            how: CFHTTPPARAM_HOW.into(),
        });
    }
    // A `new http()` object: `addParam` after the statement that gives it the URL.
    let script = Script::of_request(req);
    let obj = if called == "seturl" {
        object_of_method(script, name)
    } else {
        object_created_by(script, name)
    }
    .ok_or("the `new http()` object is not created in this block; add the header where it is")?;
    if added_header(script, &obj) {
        return Ok(already(super::SENT_BY_STATEMENT));
    }
    if let Some(child) = object_url_key_parameter(script, &obj) {
        return Ok(child);
    }
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let semi = next_significant(tokens, close)
        .filter(|&s| tokens[s].is_punct(src, ";") && ends_line(src, tokens, s))
        .ok_or("the statement that sets the URL does not end its line with `;`")?;
    let var = text_of(src, &tokens[obj.name]);
    let stmt_start = tokens[statement_first(src, tokens, name)].start();
    Ok(Placement {
        edits: vec![line_after(
            src,
            tokens[semi].end(),
            &indent_of(src, stmt_start),
            &header(&format!("{var}.addParam")),
        )],
        applicability: if obj.local {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        },
        sends: None,
        how: if obj.local {
            format!("add `{var}.addParam(type=\"header\", name=\"x-api-key\", …)`")
        } else {
            format!(
                "add `{var}.addParam(type=\"header\", name=\"x-api-key\", …)`; `{var}` is not declared with `var`, so other code may share it"
            )
        },
    })
}

/// The call holding token `i` as (name, `(`), when `i` is in its arguments directly or in a
/// concatenation there (not inside another call).
fn cursor_call(src: &[u8], tokens: &[Token], i: usize) -> Option<(usize, usize)> {
    let open = enclosing_open(src, tokens, i).filter(|&o| tokens[o].is_punct(src, "("))?;
    let name = prev_significant(tokens, open).filter(|&n| tokens[n].kind == TokKind::Ident)?;
    Some((name, open))
}

/// The callee's name, lower case (ColdFusion names are case-insensitive).
fn callee(src: &[u8], tokens: &[Token], name: usize) -> String {
    text_of(src, &tokens[name]).to_ascii_lowercase()
}

/// The value token of argument `name = value` of the call at `open`.
fn named_argument(src: &[u8], tokens: &[Token], open: usize, name: &str) -> Option<usize> {
    let (_, inside) = top_level(src, tokens, open)?;
    inside.into_iter().find_map(|j| {
        let is_name = tokens[j].kind == TokKind::Ident
            && tokens[j].text(src).eq_ignore_ascii_case(name.as_bytes());
        let eq =
            next_significant(tokens, j).filter(|&e| is_name && tokens[e].is_punct(src, "="))?;
        next_significant(tokens, eq)
    })
}

/// Whether the call's named arguments are written `name = value` (else `name=value`).
fn spaced_arguments(src: &[u8], tokens: &[Token], open: usize) -> bool {
    top_level(src, tokens, open)
        .and_then(|(_, inside)| {
            inside
                .into_iter()
                .find(|&j| tokens[j].is_punct(src, "="))
                .map(|e| src.get(tokens[e].start().wrapping_sub(1)) == Some(&b' '))
        })
        .unwrap_or(true)
}

/// `cfhttp(…) {…}` or `cfhttp(…);` from its `(`: the body's `{` when it has one, and the
/// call's last token (the body's `}` or the `;`).
fn script_call(src: &[u8], tokens: &[Token], open: usize) -> Option<(Option<usize>, usize)> {
    let close = matching_close(src, tokens, open)?;
    match next_significant(tokens, close) {
        Some(b) if tokens[b].is_punct(src, "{") => Some((Some(b), matching_close(src, tokens, b)?)),
        Some(s) if tokens[s].is_punct(src, ";") => Some((None, s)),
        _ => Some((None, close)),
    }
}

/// A `cfhttpparam(…)` statement in a `cfhttp(…) {…}` body: the `cfhttp` name and the body's `}`.
fn call_of_body(src: &[u8], tokens: &[Token], param: usize) -> Option<(usize, usize)> {
    let brace = enclosing_open(src, tokens, param).filter(|&b| tokens[b].is_punct(src, "{"))?;
    let close = prev_significant(tokens, brace).filter(|&c| tokens[c].is_punct(src, ")"))?;
    let open = matching_open(src, tokens, close)?;
    let name = prev_significant(tokens, open).filter(|&n| callee(src, tokens, n) == "cfhttp")?;
    Some((name, matching_close(src, tokens, brace)?))
}

/// The object a method named at `name` is called on (`h.addParam(…)`), created in the same
/// block before it.
fn object_of_method(s: Script, name: usize) -> Option<HttpObject> {
    let (src, tokens) = (s.src, s.tokens);
    let dot = prev_significant(tokens, name).filter(|&d| tokens[d].is_punct(src, "."))?;
    let var = prev_significant(tokens, dot).filter(|&v| tokens[v].kind == TokKind::Ident)?;
    // A plain name, or `local.h`; a field (`variables.h`, `this.h`) is shared.
    let scope = prev_significant(tokens, var).filter(|&d| tokens[d].is_punct(src, "."));
    if scope.is_some_and(|d| {
        prev_significant(tokens, d)
            .is_none_or(|s| !tokens[s].text(src).eq_ignore_ascii_case(b"local"))
    }) {
        return None;
    }
    let block = s.enclosing_open(var);
    let from = block.map_or(0, |b| b + 1);
    // The last creation before it in the block, from the name's uses.
    let uses = s
        .layout()
        .uses_in_any_case(src, tokens, tokens[var].text(src));
    let before = &uses[uses.partition_point(|&k| (k as usize) < from)..];
    let before = &before[..before.partition_point(|&k| (k as usize) < var)];
    let created = before
        .iter()
        .rev()
        .map(|&k| k as usize)
        .find(|&j| creates_http(src, tokens, j))?;
    object_from(s, created, block)
}

/// `var h = new http(…)` where `name` is the `http` of `new http(`.
fn object_created_by(s: Script, name: usize) -> Option<HttpObject> {
    let (src, tokens) = (s.src, s.tokens);
    let new = prev_significant(tokens, name)
        .filter(|&n| tokens[n].text(src).eq_ignore_ascii_case(b"new"))?;
    let eq = prev_significant(tokens, new).filter(|&e| tokens[e].is_punct(src, "="))?;
    let var = prev_significant(tokens, eq).filter(|&v| tokens[v].kind == TokKind::Ident)?;
    object_from(s, var, s.enclosing_open(var))
}

/// Token `j` is the name in `[var] j = new http(`.
fn creates_http(src: &[u8], tokens: &[Token], j: usize) -> bool {
    let eq = next_significant(tokens, j).filter(|&e| tokens[e].is_punct(src, "="));
    let new = eq.and_then(|e| next_significant(tokens, e));
    let http = new
        .filter(|&n| tokens[n].text(src).eq_ignore_ascii_case(b"new"))
        .and_then(|n| next_significant(tokens, n));
    http.is_some_and(|h| tokens[h].text(src).eq_ignore_ascii_case(b"http"))
}

fn object_from(s: Script, var: usize, block: Option<usize>) -> Option<HttpObject> {
    let (src, tokens) = (s.src, s.tokens);
    let before = prev_significant(tokens, var);
    let local = before.is_some_and(|b| {
        tokens[b].text(src).eq_ignore_ascii_case(b"var")
            || (tokens[b].is_punct(src, ".")
                && prev_significant(tokens, b)
                    .is_some_and(|s| tokens[s].text(src).eq_ignore_ascii_case(b"local")))
    });
    let end = block
        .and_then(|b| s.openers().close_of(b))
        .unwrap_or(tokens.len());
    // The statements on it end where it is assigned again: found from the name's uses, so
    // that a block of many objects is not read to its end once per object.
    let uses = s
        .layout()
        .uses_in_any_case(src, tokens, tokens[var].text(src));
    let assigned = |j: usize| {
        next_significant(tokens, j).is_some_and(|e| {
            tokens[e].is_punct(src, "=")
                && !next_significant(tokens, e).is_some_and(|n| tokens[n].is_punct(src, "="))
        })
    };
    let boundary = uses[uses.partition_point(|&k| (k as usize) <= var)..]
        .iter()
        .map(|&k| k as usize)
        .take_while(|&j| j < end)
        .find(|&j| assigned(j))
        .unwrap_or(end);
    let last = (var + 1..boundary)
        .rev()
        .find(|&j| !matches!(tokens[j].kind, TokKind::Comment | TokKind::Newline))
        .unwrap_or(var);
    Some(HttpObject {
        name: var,
        local,
        last,
    })
}

/// An `h.addParam(…)` on the object names `x-api-key`.
fn added_header(s: Script, obj: &HttpObject) -> bool {
    let (src, tokens) = (s.src, s.tokens);
    object_calls(s, obj, "addParam").any(|o| {
        matching_close(src, tokens, o)
            .is_some_and(|c| super::cursor::sends_header(src, tokens, o..c))
    })
}

/// The first token of the statement whose call is named at `name` (`h` of `h.setUrl(…)`,
/// `var` of `var h = new http(…)`).
fn statement_first(src: &[u8], tokens: &[Token], name: usize) -> usize {
    let mut s = name;
    while let Some(p) = prev_significant(tokens, s) {
        if matches!(tokens[p].text(src), b";" | b"{" | b"}") {
            break;
        }
        s = p;
    }
    s
}

fn whole(el: &Element) -> Range<usize> {
    el.open.span.start..el.close.as_ref().map_or(el.open.span.end, |c| c.end)
}

/// Whether a file that says `x-api-key` at `at` (sorted) says it inside `region`.
fn sent_in(at: &[usize], region: Range<usize>) -> bool {
    let first = at.partition_point(|&a| a < region.start);
    at.get(first)
        .is_some_and(|&a| a + b"x-api-key".len() <= region.end)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};
    use crate::diagnostic::Applicability;

    #[test]
    fn a_tag_gets_the_header_as_its_first_child() {
        let page = r##"<cfhttp url="https://api.au.whispir.com/messages?apikey=#k#&x=1" method="post">
    <cfhttpparam type="header" name="Accept" value="a">
</cfhttp>
"##;
        assert_eq!(
            safe("a.cfm", page),
            r##"<cfhttp url="https://api.au.whispir.com/messages?x=1" method="post">
    <cfhttpparam type="header" name="x-api-key" value="#k#">
    <cfhttpparam type="header" name="Accept" value="a">
</cfhttp>
"##
        );
    }

    #[test]
    fn a_tag_without_a_body_gets_one() {
        let closed = "<cfhttp url=\"https://api.au.whispir.com/m?apikey=#k#\" />\n";
        assert_eq!(
            safe("a.cfm", closed),
            "<cfhttp url=\"https://api.au.whispir.com/m\">\n    <cfhttpparam type=\"header\" name=\"x-api-key\" value=\"#k#\">\n</cfhttp>\n"
        );
        let empty = "\t<cfhttp url=\"https://api.au.whispir.com/m?apikey=#k#\"></cfhttp>\n";
        assert_eq!(
            safe("a.cfm", empty),
            "\t<cfhttp url=\"https://api.au.whispir.com/m\">\n\t\t<cfhttpparam type=\"header\" name=\"x-api-key\" value=\"#k#\">\n\t</cfhttp>\n",
            "tabs indent like the file"
        );
        let crlf = "<cfhttp url=\"https://api.au.whispir.com/m?apikey=#k#\">\r\n</cfhttp>\r\n";
        assert_eq!(
            safe("a.cfm", crlf),
            "<cfhttp url=\"https://api.au.whispir.com/m\">\r\n    <cfhttpparam type=\"header\" name=\"x-api-key\" value=\"#k#\">\r\n</cfhttp>\r\n"
        );
    }

    #[test]
    fn a_tag_that_already_sends_the_header_only_loses_the_parameter() {
        let page = r##"<cfhttp url="https://api.au.whispir.com/m?apikey=#k#">
    <cfhttpparam type="header" name="X-API-KEY" value="#k#">
</cfhttp>
"##;
        assert_eq!(
            safe("a.cfm", page),
            page.replace("?apikey=#k#", ""),
            "no second header"
        );
    }

    #[test]
    fn a_url_parameter_becomes_the_header_or_goes() {
        let page = r##"<cfhttp url="https://api.au.whispir.com/m" method="get">
    <cfhttpparam type="url" name="apikey" value="#variables.k#" />
</cfhttp>
"##;
        assert_eq!(
            safe("a.cfm", page),
            page.replace(
                r#"type="url" name="apikey""#,
                r#"type="header" name="x-api-key""#
            )
        );
        let sent = r##"<cfhttp url="https://api.au.whispir.com/m" method="get">
    <cfhttpparam type="header" name="x-api-key" value="#k#">
    <cfhttpparam type="url" name="apikey" value="#k#">
</cfhttp>
"##;
        assert_eq!(
            safe("a.cfm", sent),
            "<cfhttp url=\"https://api.au.whispir.com/m\" method=\"get\">\n    <cfhttpparam type=\"header\" name=\"x-api-key\" value=\"#k#\">\n</cfhttp>\n"
        );
        let stray = "<cfhttpparam type=\"url\" name=\"apikey\" value=\"#k#\">\n<!-- api.au.whispir.com -->\n";
        assert!(manual("a.cfm", stray).contains("not inside a `<cfhttp>` tag"));
    }

    /// The fix of the file's `apikey` in a URL alone, applied (the file may hold more keys).
    fn fix_url_key(name: &str, src: &str) -> String {
        use crate::request::plan::{Plan, plan};
        let file = crate::source::SourceFile::new(name.into(), name.into(), src.into());
        let lang = crate::lang::for_file_name(name);
        let facts = crate::detect::analyze(&file, lang);
        let url = facts
            .params
            .iter()
            .find(|p| p.shape == crate::detect::ParamShape::Url);
        let Plan::Fix { fix, .. } = plan(
            &file,
            &facts,
            lang,
            url.expect("a key in a URL"),
            &Default::default(),
        ) else {
            panic!("manual: {src}");
        };
        String::from_utf8(crate::fix::apply(src.as_bytes(), &[&fix]).0).unwrap()
    }

    #[test]
    fn a_key_sent_twice_gets_one_header() {
        // The URL's fix alone makes the `type="url"` parameter the header (so does its own).
        let page = r##"<cfhttp url="https://api.au.whispir.com/m?apikey=#k#">
    <cfhttpparam type="url" name="apikey" value="#k#">
</cfhttp>
"##;
        assert_eq!(
            fix_url_key("a.cfm", page),
            "<cfhttp url=\"https://api.au.whispir.com/m\">\n    <cfhttpparam type=\"header\" name=\"x-api-key\" value=\"#k#\">\n</cfhttp>\n"
        );
        let script = "cfhttp(url = \"https://api.au.whispir.com/m?apikey=#k#\") {\n    cfhttpparam(type = \"url\", name = \"apikey\", value = k);\n}\n";
        assert_eq!(
            fix_url_key("a.cfc", script),
            "cfhttp(url = \"https://api.au.whispir.com/m\") {\n    cfhttpparam(type = \"header\", name = \"x-api-key\", value = k);\n}\n"
        );
    }

    #[test]
    fn a_url_outside_a_request_stays_manual_in_coldfusion_terms() {
        let set = "<cfset u = \"https://api.au.whispir.com/m?apikey=#k#\">\n";
        assert!(manual("a.cfm", set).contains("no `<cfhttp>` tag"));
        let comment = "<!--- <cfhttp url=\"https://api.au.whispir.com/m?apikey=#k#\"> --->\n";
        assert!(manual("a.cfm", comment).contains("comment"));
        let other = "<cfhttp url=\"https://api.au.whispir.com/m\" result=\"r?apikey=#k#\" />\n";
        assert!(manual("a.cfm", other).contains("not in the `url`"));
    }

    #[test]
    fn a_script_cfhttp_call_gets_a_cfhttpparam_statement() {
        let body = r#"component {
    function f() {
        cfhttp(url = "https://api.au.whispir.com/m?apikey=" & getKey(), method = "GET") { // note
            cfhttpparam(type = "header", name = "Accept", value = "a");
        }
    }
}
"#;
        assert_eq!(
            safe("a.cfc", body),
            r#"component {
    function f() {
        cfhttp(url = "https://api.au.whispir.com/m", method = "GET") { // note
            cfhttpparam(type = "header", name = "x-api-key", value = getKey());
            cfhttpparam(type = "header", name = "Accept", value = "a");
        }
    }
}
"#
        );
        let bare = "function f() {\n  cfhttp(url=\"https://api.au.whispir.com/m?apikey=#k#\", result=\"r\");\n}\n";
        assert_eq!(
            safe("a.cfc", bare),
            "function f() {\n  cfhttp(url=\"https://api.au.whispir.com/m\", result=\"r\") {\n      cfhttpparam(type=\"header\", name=\"x-api-key\", value=k);\n  }\n}\n"
        );
        let sent = "cfhttp(url = \"https://api.au.whispir.com/m?apikey=#k#\") {\n    cfhttpparam(type = \"header\", name = \"x-api-key\", value = k);\n}\n";
        assert_eq!(safe("a.cfc", sent), sent.replace("?apikey=#k#", ""));
    }

    #[test]
    fn script_url_parameters_become_header_parameters() {
        let call = "cfhttp(url = \"https://api.au.whispir.com/m\") {\n    cfhttpparam(type = \"url\", name = \"apikey\", value = k);\n}\n";
        assert_eq!(
            safe("a.cfc", call),
            call.replace(
                r#""url", name = "apikey""#,
                r#""header", name = "x-api-key""#
            )
        );
        let object = "function f() {\n    var h = new http();\n    h.setUrl(\"https://api.au.whispir.com/m\");\n    h.addParam(type=\"url\", name=\"apikey\", value=k);\n    h.addParam(type=\"header\", name=\"x-api-key\", value=k);\n    return h.send();\n}\n";
        assert_eq!(
            safe("a.cfc", object),
            object.replace(
                "    h.addParam(type=\"url\", name=\"apikey\", value=k);\n",
                ""
            ),
            "the request already sends the header"
        );
    }

    #[test]
    fn an_http_object_gets_add_param_after_its_url() {
        let local = "function f() {\n    var h = new http(method = \"GET\");\n    h.setUrl(\"https://api.au.whispir.com/m?apikey=#getKey()#\"); // send\n    return h.send();\n}\n";
        assert_eq!(
            safe("a.cfc", local),
            "function f() {\n    var h = new http(method = \"GET\");\n    h.setUrl(\"https://api.au.whispir.com/m\"); // send\n    h.addParam(type = \"header\", name = \"x-api-key\", value = getKey());\n    return h.send();\n}\n"
        );
        let created = "function f() {\n    var h = new http(url = \"https://api.au.whispir.com/m?apikey=#k#\");\n    return h.send();\n}\n";
        assert!(safe("a.cfc", created).contains(
            "new http(url = \"https://api.au.whispir.com/m\");\n    h.addParam(type = \"header\", name = \"x-api-key\", value = k);\n"
        ));
        let shared = local.replace("var h", "h");
        assert!(matches!(
            fix("a.cfc", &shared),
            Ok((_, Applicability::Unsafe))
        ));
        let elsewhere = "function f() {\n    variables.h.setUrl(\"https://api.au.whispir.com/m?apikey=#k#\");\n}\n";
        assert!(manual("a.cfc", elsewhere).contains("not created in this block"));
    }

    #[test]
    fn a_key_appended_by_later_code_stays_manual() {
        let later = "function f() {\n    var u = \"https://api.au.whispir.com/m?apikey=\";\n    u &= getKey();\n    cfhttp(url = u);\n}\n";
        manual("a.cfc", later);
    }
}
