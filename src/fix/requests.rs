//! Placing the `x-api-key` header in the request that sent `?apikey=`: curl lines, raw HTTP
//! requests, Postman request objects, and the request shapes of JavaScript, Python and Rust.
//! Every function either returns edits that add the header to the same request, or says why
//! it cannot (the caller then reports the change as manual and keeps the parameter).

use super::query::{KeySource, arguments};
use crate::diagnostic::{Applicability, Edit};
use crate::lang::{Language, RequestStyle, TokKind, Token};
use std::ops::Range;

pub struct Placement {
    /// Empty when the request already sends `x-api-key`.
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
    /// How the header was placed, for the fix message.
    pub how: String,
}

pub struct Request<'a> {
    pub src: &'a [u8],
    pub tokens: &'a [Token],
    pub lang: &'a dyn Language,
    /// Where the key was sent: the URL's host (for text forms) or the literal or key token.
    pub at: Range<usize>,
    pub key: &'a KeySource,
    /// The key was a query-builder entry (`params: { apikey: k }`), not part of a URL.
    pub builder: bool,
}

impl Request<'_> {
    fn already_sent(&self, region: Range<usize>) -> bool {
        let text = self.src[region].to_ascii_lowercase();
        memchr::memmem::find(&text, b"x-api-key").is_some()
    }

    fn quote(&self) -> char {
        // The quote of the literal around the key; otherwise the one the file uses most.
        let at = token_at(self.tokens, self.at.start).map(|i| &self.tokens[i]);
        match at
            .filter(|t| t.kind == TokKind::Str)
            .map(|t| self.src[t.span.start])
        {
            Some(b'"') => '"',
            Some(b'\'') => '\'',
            _ => {
                let strings = self.tokens.iter().filter(|t| t.kind == TokKind::Str);
                let double = strings
                    .clone()
                    .filter(|t| self.src[t.span.start] == b'"')
                    .count();
                let single = strings.filter(|t| self.src[t.span.start] == b'\'').count();
                if double > single { '"' } else { '\'' }
            }
        }
    }
}

pub fn place(req: &Request) -> Result<Placement, String> {
    match req.lang.request_style() {
        RequestStyle::Shell => shell(req),
        RequestStyle::Document => document(req),
        RequestStyle::Json => postman(req),
        RequestStyle::JavaScript => javascript(req),
        RequestStyle::Python => python(req),
        RequestStyle::Rust => rust(req),
        RequestStyle::Config => {
            Err("this is a setting; the header must be added where the request is made".into())
        }
        RequestStyle::Code => {
            // Whatever the client library, a statement that already sends the header only
            // needs the parameter gone.
            let lit = token_at(req.tokens, req.at.start).ok_or("the key is not in a literal")?;
            if req.already_sent(statement(req.src, req.tokens, req.lang, lit)) {
                Ok(already("the request already sends `x-api-key`"))
            } else {
                Err("the fixer does not rewrite this kind of request".into())
            }
        }
    }
}

fn already(how: &str) -> Placement {
    Placement {
        edits: Vec::new(),
        applicability: Applicability::Safe,
        how: how.to_string(),
    }
}

fn line_start(src: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &src[..at]).map_or(0, |i| i + 1)
}

fn line_end(src: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &src[at..]).map_or(src.len(), |i| at + i)
}

fn eol(src: &[u8], at: usize) -> &'static str {
    let end = line_end(src, at);
    if end > 0 && end < src.len() && src[end - 1] == b'\r' {
        "\r\n"
    } else {
        "\n"
    }
}

/// The lines of a command continued with `\` that contain `at`.
fn command_lines(src: &[u8], at: usize) -> Range<usize> {
    let mut start = line_start(src, at);
    while start >= 2 {
        let prev_end = start - 1; // the '\n'
        let mut e = prev_end;
        if e > 0 && src[e - 1] == b'\r' {
            e -= 1;
        }
        if e > 0 && src[e - 1] == b'\\' {
            start = line_start(src, prev_end);
        } else {
            break;
        }
    }
    let mut end = line_end(src, at);
    loop {
        let mut e = end;
        if e > 0 && src[e - 1] == b'\r' {
            e -= 1;
        }
        if e > start && src[e - 1] == b'\\' && end < src.len() {
            end = line_end(src, end + 1);
        } else {
            break;
        }
    }
    start..end
}

/// curl (`-H`) and wget (`--header=`) in a shell command, CI `run:` line or Makefile recipe.
fn shell(req: &Request) -> Result<Placement, String> {
    let src = req.src;
    let cmd = command_lines(src, req.at.start);
    if req.already_sent(cmd.clone()) {
        return Ok(already("the command already sends `x-api-key`"));
    }
    let before = String::from_utf8_lossy(&src[cmd.start..req.at.start]);
    let tool = if before.contains("curl ") {
        "curl"
    } else if before.contains("wget ") {
        "wget"
    } else {
        return Err(
            "no curl or wget command sends this URL; add the header where the request is made"
                .into(),
        );
    };
    // The URL argument: quoted, or one word.
    let mut arg_start = req.at.start;
    while arg_start > cmd.start && !matches!(src[arg_start - 1], b' ' | b'\t' | b'"' | b'\'' | b'=')
    {
        arg_start -= 1;
    }
    let quote = src
        .get(arg_start.wrapping_sub(1))
        .copied()
        .filter(|q| matches!(q, b'"' | b'\''));
    let arg_end = match quote {
        Some(q) => {
            let close = memchr::memchr(q, &src[req.at.start..cmd.end])
                .ok_or("the URL's quote is not closed on its line")?;
            req.at.start + close + 1
        }
        None => src[req.at.start..cmd.end]
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .map_or(cmd.end, |i| req.at.start + i),
    };
    let q = quote.map_or('"', char::from);
    let value = req.key.as_text();
    // In a YAML plain scalar (`run: curl …`) a colon and a space would end the value.
    let sep = if req.lang.is_yaml() { "" } else { " " };
    let header = match tool {
        "curl" => format!(" -H {q}x-api-key:{sep}{value}{q}"),
        _ => format!(" --header={q}x-api-key:{sep}{value}{q}"),
    };
    Ok(Placement {
        edits: vec![Edit::insert(arg_end, header)],
        applicability: Applicability::Safe,
        how: format!("add `x-api-key` to the {tool} command"),
    })
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Raw request lines (`POST https://… HTTP/1.1` followed by header lines) in `.http` files
/// and docs; curl lines in docs' code blocks.
fn document(req: &Request) -> Result<Placement, String> {
    let src = req.src;
    let start = line_start(src, req.at.start);
    let line = String::from_utf8_lossy(&src[start..line_end(src, req.at.start)]);
    let first_word = line.split_whitespace().next().unwrap_or("");
    if !METHODS.contains(&first_word.to_ascii_uppercase().as_str())
        || !line.trim_start().starts_with(first_word)
    {
        return shell(req);
    }
    // The request's header lines follow until a blank line.
    let mut end = line_end(src, req.at.start);
    while end < src.len() {
        let next_end = line_end(src, end + 1);
        if src[end + 1..next_end].trim_ascii().is_empty() {
            break;
        }
        end = next_end;
    }
    if req.already_sent(start..end) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let mut at = line_end(src, req.at.start);
    if at > 0 && src[at - 1] == b'\r' {
        at -= 1;
    }
    Ok(Placement {
        edits: vec![Edit::insert(
            at,
            format!("{}x-api-key: {}", eol(src, req.at.start), req.key.as_text()),
        )],
        applicability: Applicability::Safe,
        how: "add an `x-api-key` header line to the request".into(),
    })
}

pub fn token_at(tokens: &[Token], offset: usize) -> Option<usize> {
    let i = tokens.partition_point(|t| t.span.end <= offset);
    tokens.get(i).filter(|t| t.span.start <= offset).map(|_| i)
}

fn next_sig(tokens: &[Token], i: usize) -> Option<usize> {
    (i + 1..tokens.len()).find(|&j| !matches!(tokens[j].kind, TokKind::Comment | TokKind::Newline))
}

fn prev_sig(tokens: &[Token], i: usize) -> Option<usize> {
    (0..i)
        .rev()
        .find(|&j| !matches!(tokens[j].kind, TokKind::Comment | TokKind::Newline))
}

/// The bracket that encloses token `i` (`(`, `[` or `{`), if any.
fn enclosing(src: &[u8], tokens: &[Token], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    for j in (0..i).rev() {
        let t = &tokens[j];
        if t.kind != TokKind::Punct {
            continue;
        }
        match t.text(src) {
            b")" | b"]" | b"}" => depth += 1,
            b"(" | b"[" | b"{" => {
                if depth == 0 {
                    return Some(j);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

/// The index of the bracket closing the one at `open`.
fn matching(src: &[u8], tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, t) in tokens.iter().enumerate().skip(open) {
        if t.kind != TokKind::Punct {
            continue;
        }
        match t.text(src) {
            b"(" | b"[" | b"{" => depth += 1,
            b")" | b"]" | b"}" => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// Members of the object at `open` (`{`): (key token, value token) for `key: value` pairs.
fn members(src: &[u8], tokens: &[Token], open: usize) -> Vec<(usize, usize)> {
    let Some(close) = matching(src, tokens, open) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut depth = 0usize;
    for j in open + 1..close {
        let t = &tokens[j];
        if t.kind == TokKind::Punct {
            match t.text(src) {
                b"(" | b"[" | b"{" => depth += 1,
                b")" | b"]" | b"}" => depth = depth.saturating_sub(1),
                _ => {}
            }
            continue;
        }
        if depth == 0
            && matches!(t.kind, TokKind::Str | TokKind::Ident)
            && let Some(colon) = next_sig(tokens, j).filter(|&c| tokens[c].is_punct(src, ":"))
            && let Some(v) = next_sig(tokens, colon)
        {
            out.push((j, v));
        }
    }
    out
}

fn key_is(src: &[u8], t: &Token, name: &str) -> bool {
    t.content_text(src).eq_ignore_ascii_case(name.as_bytes())
}

/// Indentation of the line holding byte `at`.
fn indent_of(src: &[u8], at: usize) -> String {
    let s = line_start(src, at);
    String::from_utf8_lossy(
        &src[s..s + src[s..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count()],
    )
    .into_owned()
}

/// Inserts `entry` as the first member of the object or array at `open`, one line per
/// member when the container already spans lines.
fn insert_first(src: &[u8], tokens: &[Token], open: usize, entry: &str) -> Edit {
    let close = matching(src, tokens, open).unwrap_or(open);
    let first = next_sig(tokens, open).filter(|&f| f != close);
    let at = tokens[open].span.end;
    match first {
        None => {
            let pad = if tokens[open].text(src) == b"{" {
                " "
            } else {
                ""
            };
            Edit::replace(at..tokens[close].span.start, format!("{pad}{entry}{pad}"))
        }
        Some(f) => {
            let multiline = memchr::memchr(b'\n', &src[at..tokens[f].span.start]).is_some();
            if multiline {
                // A line of its own after the opener's line (and after a comment on it).
                let mut end = line_end(src, at);
                if end > at && src[end - 1] == b'\r' {
                    end -= 1;
                }
                Edit::insert(
                    end,
                    format!(
                        "{}{}{entry},",
                        eol(src, at),
                        indent_of(src, tokens[f].span.start)
                    ),
                )
            } else {
                let space = if src.get(at) == Some(&b' ') { " " } else { "" };
                Edit::insert(at, format!("{space}{entry},"))
            }
        }
    }
}

/// Postman (and similar JSON): the request object around the URL gets a `header` entry.
fn postman(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let mut i = token_at(tokens, req.at.start).ok_or("the URL is not in a JSON string")?;
    // Walk out to the object that holds `url` (the request object).
    let request = loop {
        let open = enclosing(src, tokens, i).ok_or("no Postman request object around the URL")?;
        if tokens[open].text(src) == b"{"
            && members(src, tokens, open)
                .iter()
                .any(|(k, _)| key_is(src, &tokens[*k], "url"))
        {
            break open;
        }
        i = open;
    };
    let close = matching(src, tokens, request).ok_or("unbalanced JSON")?;
    if req.already_sent(tokens[request].span.start..tokens[close].span.end) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let value = req.key.as_text().replace('\\', "\\\\").replace('"', "\\\"");
    let entry = format!("{{ \"key\": \"x-api-key\", \"value\": \"{value}\" }}");
    let members = members(src, tokens, request);
    let edit = match members
        .iter()
        .find(|(k, _)| key_is(src, &tokens[*k], "header"))
    {
        Some((_, v)) if tokens[*v].is_punct(src, "[") => insert_first(src, tokens, *v, &entry),
        Some(_) => return Err("the request's `header` is not an array".into()),
        None => insert_first(src, tokens, request, &format!("\"header\": [{entry}]")),
    };
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        how: "add `x-api-key` to the request's header array".into(),
    })
}

/// The call whose argument list holds token `i`: (name token, `(` token).
fn enclosing_call(src: &[u8], tokens: &[Token], mut i: usize) -> Option<(usize, usize)> {
    for _ in 0..6 {
        let open = enclosing(src, tokens, i)?;
        if tokens[open].is_punct(src, "(") {
            let name = prev_sig(tokens, open)?;
            if tokens[name].kind == TokKind::Ident {
                return Some((name, open));
            }
        }
        i = open;
    }
    None
}

/// The statement holding token `i`, as a byte range: back to the previous `;`, block
/// start or (line-oriented languages) line break outside brackets; forward the same way,
/// through method chains (`.get(url).header(…).send()`).
fn statement(src: &[u8], tokens: &[Token], lang: &dyn Language, i: usize) -> Range<usize> {
    // A line break ends a statement only outside every bracket.
    let mut absolute = Vec::with_capacity(tokens.len());
    let mut d = 0i32;
    for t in tokens {
        absolute.push(d);
        if t.kind == TokKind::Punct {
            match t.text(src) {
                b"(" | b"[" | b"{" => d += 1,
                b")" | b"]" | b"}" => d -= 1,
                _ => {}
            }
        }
    }
    let line_break =
        |j: usize| lang.line_oriented() && tokens[j].kind == TokKind::Newline && absolute[j] <= 0;
    let mut depth = 0i32;
    let mut s = i;
    while s > 0 {
        let t = &tokens[s - 1];
        match (t.kind, t.text(src)) {
            (TokKind::Punct, b")" | b"]" | b"}") => depth += 1,
            (TokKind::Punct, b"{") if depth <= 0 => break,
            (TokKind::Punct, b"(" | b"[" | b"{") => depth -= 1,
            (TokKind::Punct, b";") if depth <= 0 => break,
            _ if line_break(s - 1) => break,
            _ => {}
        }
        s -= 1;
    }
    let mut depth = 0i32;
    let mut e = i;
    while e + 1 < tokens.len() {
        let t = &tokens[e + 1];
        match (t.kind, t.text(src)) {
            (TokKind::Punct, b"}") if depth <= 0 => break,
            (TokKind::Punct, b"(" | b"[" | b"{") => depth += 1,
            (TokKind::Punct, b")" | b"]" | b"}") => depth -= 1,
            (TokKind::Punct, b";") if depth <= 0 => break,
            _ if line_break(e + 1) => break,
            _ => {}
        }
        e += 1;
    }
    tokens[s.min(i)].span.start..tokens[e].span.end
}

const JS_DATA_METHODS: [&str; 3] = ["post", "put", "patch"];

const URL_KEYS: [&str; 6] = ["url", "uri", "path", "href", "baseurl", "endpoint"];

/// fetch/axios/got/request/jQuery: the options object of the same call gets `headers`.
fn javascript(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = token_at(tokens, req.at.start).ok_or("the key is not in a literal")?;
    let region = statement(src, tokens, req.lang, lit);
    if req.already_sent(region) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let q = req.quote();
    let entry = format!("{q}x-api-key{q}: {}", req.key.as_code(q));
    if req.builder {
        // `{ params: { apikey: k } }`, `{ qs: { apikey } }`: the object around the builder.
        let container = enclosing(src, tokens, lit)
            .filter(|&o| tokens[o].is_punct(src, "{"))
            .ok_or("the builder is not an object")?;
        let owner = prev_sig(tokens, container)
            .filter(|&c| tokens[c].is_punct(src, ":"))
            .ok_or("the builder object is not an option")?;
        let options = enclosing(src, tokens, owner)
            .filter(|&o| tokens[o].is_punct(src, "{"))
            .ok_or("the builder is not inside request options")?;
        return add_to_options(src, tokens, options, &entry);
    }
    // `{ uri: '…' + key }`, `$.ajax({ url: … })`: the object that holds the URL.
    let start = expression_start(src, tokens, lit);
    if let Some(colon) = prev_sig(tokens, start).filter(|&c| tokens[c].is_punct(src, ":")) {
        let key = prev_sig(tokens, colon).ok_or("unreadable property")?;
        let name = String::from_utf8_lossy(tokens[key].content_text(src)).to_ascii_lowercase();
        if !URL_KEYS.contains(&name.as_str()) {
            return Err(format!(
                "the URL is the `{name}` property, not a request's url"
            ));
        }
        let options = enclosing(src, tokens, lit)
            .filter(|&o| tokens[o].is_punct(src, "{"))
            .ok_or("the URL property is not in an object")?;
        return add_to_options(src, tokens, options, &entry);
    }
    let (name, open) = enclosing_call(src, tokens, lit)
        .filter(|&(_, open)| enclosing(src, tokens, lit) == Some(open))
        .ok_or("the URL is not passed straight to a request call")?;
    let callee = String::from_utf8_lossy(tokens[name].text(src)).to_ascii_lowercase();
    let receiver = prev_sig(tokens, name)
        .filter(|&d| tokens[d].is_punct(src, "."))
        .and_then(|d| prev_sig(tokens, d))
        .map(|r| String::from_utf8_lossy(tokens[r].text(src)).to_ascii_lowercase());
    let args = arguments(src, tokens, open);
    let close = matching(src, tokens, open).ok_or("unbalanced call")?;
    // Which argument carries options: axios `post(url, data, config)`, others `(url, options)`.
    let config_index = if JS_DATA_METHODS.contains(&callee.as_str()) {
        if receiver.as_deref() != Some("axios") {
            return Err(format!(
                "`{callee}(…)` on something other than axios: the options argument is not known"
            ));
        }
        2
    } else if matches!(callee.as_str(), "fetch" | "got" | "ky")
        || (matches!(callee.as_str(), "get" | "delete" | "head" | "options")
            && receiver.as_deref() == Some("axios"))
    {
        1
    } else {
        return Err(format!(
            "`{callee}(…)` is not a request call the fixer knows"
        ));
    };
    if args.first().is_none_or(|a| !a.contains(&req.at.start)) {
        return Err("the URL is not the call's first argument".into());
    }
    match args.get(config_index) {
        Some(arg) => {
            let t = token_at(tokens, arg.start).ok_or("unreadable argument")?;
            if tokens[t].is_punct(src, "{") {
                add_to_options(src, tokens, t, &entry)
            } else {
                Err("the request options are a variable; add the header there".into())
            }
        }
        None if args.len() == config_index => Ok(Placement {
            edits: vec![Edit::insert(
                tokens[close].span.start,
                format!(", {{ headers: {{ {entry} }} }}"),
            )],
            applicability: Applicability::Safe,
            how: "pass `headers` with the request".into(),
        }),
        None => Err("the call has no data argument to put options after".into()),
    }
}

/// The first token of the expression (a concatenation) that token `i` belongs to.
fn expression_start(src: &[u8], tokens: &[Token], i: usize) -> usize {
    let mut s = i;
    while let Some(op) = prev_sig(tokens, s)
        .filter(|&p| tokens[p].kind == TokKind::Punct && matches!(tokens[p].text(src), b"+" | b"."))
    {
        match prev_sig(tokens, op).filter(|&q| {
            matches!(
                tokens[q].kind,
                TokKind::Str | TokKind::Ident | TokKind::Number
            )
        }) {
            Some(q) => s = q,
            None => break,
        }
    }
    s
}

/// Adds `entry` to the `headers` member of the options object at `open`, creating it.
fn add_to_options(
    src: &[u8],
    tokens: &[Token],
    open: usize,
    entry: &str,
) -> Result<Placement, String> {
    let headers = members(src, tokens, open)
        .into_iter()
        .find(|(k, _)| key_is(src, &tokens[*k], "headers"));
    let edit = match headers {
        Some((_, v)) if tokens[v].is_punct(src, "{") => insert_first(src, tokens, v, entry),
        Some(_) => {
            return Err("the request's headers are a variable; add `x-api-key` there".into());
        }
        None => insert_first(src, tokens, open, &format!("headers: {{ {entry} }}")),
    };
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        how: "add `x-api-key` to the request's headers".into(),
    })
}

const PY_REQUEST_CALLS: [&str; 9] = [
    "get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
];

/// requests/httpx/aiohttp: `headers=` of the same call, extended or added.
fn python(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = token_at(tokens, req.at.start).ok_or("the key is not in a literal")?;
    let (name, open) = enclosing_call(src, tokens, lit).ok_or("the URL is not passed to a call")?;
    let callee = String::from_utf8_lossy(tokens[name].text(src)).to_ascii_lowercase();
    if !PY_REQUEST_CALLS.contains(&callee.as_str()) {
        return Err(format!(
            "`{callee}(…)` is not a request call the fixer knows"
        ));
    }
    let close = matching(src, tokens, open).ok_or("unbalanced call")?;
    if req.already_sent(tokens[name].span.start..tokens[close].span.end) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let q = req.quote();
    let entry = format!("{q}x-api-key{q}: {}", req.key.as_code(q));
    // `headers=` keyword argument.
    let kw = (open + 1..close).find(|&j| {
        tokens[j].kind == TokKind::Ident
            && tokens[j].text(src) == b"headers"
            && next_sig(tokens, j).is_some_and(|e| tokens[e].is_punct(src, "="))
            && enclosing(src, tokens, j) == Some(open)
    });
    let edit = match kw {
        Some(k) => {
            let v = next_sig(tokens, next_sig(tokens, k).expect("checked"))
                .ok_or("`headers=` without a value")?;
            if !tokens[v].is_punct(src, "{") {
                return Err("the request's headers are a variable; add `x-api-key` there".into());
            }
            insert_first(src, tokens, v, &entry)
        }
        None => {
            let last = prev_sig(tokens, close).expect("call has an opening bracket");
            let trailing_comma = tokens[last].is_punct(src, ",");
            let multiline =
                memchr::memchr(b'\n', &src[tokens[last].span.end..tokens[close].span.start])
                    .is_some();
            let text = format!("headers={{{entry}}}");
            if multiline {
                // One argument per line: a new line after the last one (and after its comment).
                let indent = indent_of(src, tokens[last].span.start);
                let mut end = line_end(src, tokens[last].span.end);
                if end > 0 && src[end - 1] == b'\r' {
                    end -= 1;
                }
                let mut edits = Vec::new();
                if !trailing_comma {
                    edits.push(Edit::insert(tokens[last].span.end, ","));
                }
                edits.push(Edit::insert(
                    end,
                    format!("{}{indent}{text},", eol(src, end)),
                ));
                return Ok(Placement {
                    edits,
                    applicability: Applicability::Safe,
                    how: "send `x-api-key` in the request's headers".into(),
                });
            } else {
                let sep = if trailing_comma { " " } else { ", " };
                Edit::insert(tokens[last].span.end, format!("{sep}{text}"))
            }
        }
    };
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        how: "send `x-api-key` in the request's headers".into(),
    })
}

/// reqwest/ureq builder chains: `.header("x-api-key", k)` right after the call that takes
/// the URL (`client.get(url)`), or in place of `.query(&[("apikey", k)])`.
fn rust(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = token_at(tokens, req.at.start).ok_or("the key is not in a literal")?;
    let region = statement(src, tokens, req.lang, lit);
    if req.already_sent(region) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let mut i = lit;
    // Out of `format!(…)` and any other wrapping call, to the method that takes the URL.
    for _ in 0..4 {
        let (name, open) =
            enclosing_call(src, tokens, i).ok_or("the URL is not passed to a request builder")?;
        let callee = String::from_utf8_lossy(tokens[name].text(src)).to_ascii_lowercase();
        let is_method = prev_sig(tokens, name).is_some_and(|d| tokens[d].is_punct(src, "."));
        if is_method
            && matches!(
                callee.as_str(),
                "get" | "post" | "put" | "patch" | "delete" | "head" | "request" | "query"
            )
        {
            let close = matching(src, tokens, open).ok_or("unbalanced call")?;
            let value = req.key.as_code('"');
            return Ok(Placement {
                edits: vec![Edit::insert(
                    tokens[close].span.end,
                    format!(".header(\"x-api-key\", {value})"),
                )],
                applicability: Applicability::Safe,
                how: "add `.header(\"x-api-key\", …)` to the request builder".into(),
            });
        }
        i = name;
    }
    Err("the URL is not passed to a request builder".into())
}
