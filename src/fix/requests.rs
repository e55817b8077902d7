//! Placing the `x-api-key` header in the request that sent `?apikey=`: curl lines, raw HTTP
//! requests, Postman request objects, and the request shapes of JavaScript, Python and Rust.
//! Every function either returns edits that add the header to the same request, or says why
//! it cannot (the caller then reports the change as manual and keeps the parameter).

use super::query::KeySource;
use crate::diagnostic::{Applicability, Edit};
use crate::lang::tokens::{
    arguments, enclosing_open, expression_end, matching_close, matching_open, next_significant,
    prev_significant, token_at,
};
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
    /// Where the file says `x-api-key` (`Facts::x_api_key_at`).
    pub x_api_key_at: &'a [usize],
}

impl Request<'_> {
    /// Whether `region` says `x-api-key`: a binary search, as one giant request may hold
    /// thousands of parameters, each asking.
    fn already_sent(&self, region: Range<usize>) -> bool {
        let first = self.x_api_key_at.partition_point(|&at| at < region.start);
        self.x_api_key_at
            .get(first)
            .is_some_and(|&at| at + b"x-api-key".len() <= region.end)
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
        RequestStyle::Config => {
            Err("this is a setting; the header must be added where the request is made".into())
        }
        style => {
            // Code: a URL in a comment is no request (and the statement around a comment
            // can be a whole class body).
            anchor(req)?;
            match style {
                RequestStyle::JavaScript => javascript(req),
                RequestStyle::Python => python(req),
                RequestStyle::Rust => rust(req),
                RequestStyle::Jvm => jvm(req),
                RequestStyle::CSharp => csharp(req),
                RequestStyle::Go => go(req),
                RequestStyle::Php => php(req),
                RequestStyle::Ruby => ruby(req),
                _ => {
                    // Whatever the client library, a statement that already sends the header
                    // only needs the parameter gone.
                    let lit = anchor(req)?;
                    if req.builder && !map_entry(req.src, req.tokens, lit) {
                        return Err(BUILDER_CALL.into());
                    }
                    let (s, e) = logical_statement(req.src, req.tokens, lit);
                    if sends_header(req.src, req.tokens, s..e + 1) {
                        Ok(already("the request already sends `x-api-key`"))
                    } else {
                        Err("the fixer does not rewrite this kind of request".into())
                    }
                }
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

/// The tokens directly inside the bracket at `open`, not inside nested brackets (bracket
/// tokens themselves left out), and the matching close.
fn top_level(src: &[u8], tokens: &[Token], open: usize) -> Option<(usize, Vec<usize>)> {
    let close = matching_close(src, tokens, open)?;
    let mut depth = 0usize;
    let mut inside = Vec::new();
    for (j, t) in tokens.iter().enumerate().take(close).skip(open + 1) {
        if t.kind == TokKind::Punct {
            match t.text(src) {
                b"(" | b"[" | b"{" => {
                    depth += 1;
                    continue;
                }
                b")" | b"]" | b"}" => {
                    depth = depth.saturating_sub(1);
                    continue;
                }
                _ => {}
            }
        }
        if depth == 0 {
            inside.push(j);
        }
    }
    Some((close, inside))
}

/// Members of the object at `open` (`{`): (key token, value token) for `key: value` pairs.
fn members(src: &[u8], tokens: &[Token], open: usize) -> Vec<(usize, usize)> {
    let Some((_, inside)) = top_level(src, tokens, open) else {
        return Vec::new();
    };
    inside
        .into_iter()
        .filter(|&j| matches!(tokens[j].kind, TokKind::Str | TokKind::Ident))
        .filter_map(|j| {
            let colon = next_significant(tokens, j).filter(|&c| tokens[c].is_punct(src, ":"))?;
            Some((j, next_significant(tokens, colon)?))
        })
        .collect()
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
    let close = matching_close(src, tokens, open).unwrap_or(open);
    let first = next_significant(tokens, open).filter(|&f| f != close);
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
            } else if src.get(at) == Some(&b' ') {
                Edit::insert(at, format!(" {entry},"))
            } else {
                Edit::insert(at, format!("{entry}, "))
            }
        }
    }
}

/// How many brackets out from the URL the request object may be.
const POSTMAN_URL_DEPTH: usize = 8;

/// Postman (and similar JSON): the request object around the URL gets a `header` entry.
fn postman(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let mut i = token_at(tokens, req.at.start).ok_or("the URL is not in a JSON string")?;
    // Walk out to the object that holds `url` (the request object). It is a few brackets out
    // (`url` → `raw` or `query`), never many: the bound keeps a deeply nested file linear.
    let mut levels = 0..POSTMAN_URL_DEPTH;
    let request = loop {
        let open = enclosing_open(src, tokens, i)
            .filter(|_| levels.next().is_some())
            .ok_or("no Postman request object around the URL")?;
        if tokens[open].text(src) == b"{"
            && members(src, tokens, open)
                .iter()
                .any(|(k, _)| key_is(src, &tokens[*k], "url"))
        {
            break open;
        }
        i = open;
    };
    let close = matching_close(src, tokens, request).ok_or("unbalanced JSON")?;
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
        let open = enclosing_open(src, tokens, i)?;
        if tokens[open].is_punct(src, "(") {
            let name = prev_significant(tokens, open)?;
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
    // A line break ends a statement only outside every bracket. Only line-oriented languages
    // ask, so only they pay for the file-wide depths (once per parameter).
    let mut absolute = Vec::new();
    let mut d = 0i32;
    for t in tokens.iter().take_while(|_| lang.line_oriented()) {
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
            // A block that closes at the statement's own level ends the statement before it.
            (TokKind::Punct, b"}") if depth == 0 => break,
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
        let container = enclosing_open(src, tokens, lit)
            .filter(|&o| tokens[o].is_punct(src, "{"))
            .ok_or("the builder is not an object")?;
        let owner = prev_significant(tokens, container)
            .filter(|&c| tokens[c].is_punct(src, ":"))
            .ok_or("the builder object is not an option")?;
        let options = enclosing_open(src, tokens, owner)
            .filter(|&o| tokens[o].is_punct(src, "{"))
            .ok_or("the builder is not inside request options")?;
        return add_to_options(src, tokens, options, &entry);
    }
    // `{ uri: '…' + key }`, `$.ajax({ url: … })`: the object that holds the URL.
    let start = expression_start(src, tokens, lit);
    if let Some(colon) = prev_significant(tokens, start).filter(|&c| tokens[c].is_punct(src, ":")) {
        let key = prev_significant(tokens, colon).ok_or("unreadable property")?;
        let name = String::from_utf8_lossy(tokens[key].content_text(src)).to_ascii_lowercase();
        if !URL_KEYS.contains(&name.as_str()) {
            return Err(format!(
                "the URL is the `{name}` property, not a request's url"
            ));
        }
        let options = enclosing_open(src, tokens, lit)
            .filter(|&o| tokens[o].is_punct(src, "{"))
            .ok_or("the URL property is not in an object")?;
        return add_to_options(src, tokens, options, &entry);
    }
    let (name, open) = enclosing_call(src, tokens, lit)
        .filter(|&(_, open)| enclosing_open(src, tokens, lit) == Some(open))
        .ok_or("the URL is not passed straight to a request call")?;
    let callee = String::from_utf8_lossy(tokens[name].text(src)).to_ascii_lowercase();
    let receiver = prev_significant(tokens, name)
        .filter(|&d| tokens[d].is_punct(src, "."))
        .and_then(|d| prev_significant(tokens, d))
        .map(|r| String::from_utf8_lossy(tokens[r].text(src)).to_ascii_lowercase());
    let args = arguments(src, tokens, open);
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
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
    while let Some(op) = prev_significant(tokens, s)
        .filter(|&p| tokens[p].kind == TokKind::Punct && matches!(tokens[p].text(src), b"+" | b"."))
    {
        match prev_significant(tokens, op).filter(|&q| {
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
    let loose = loose_members(src, tokens, open);
    if loose.spread {
        // `{ ...defaults, … }` may carry headers of its own: which one wins depends on order.
        return Err(
            "the options spread another object that may set headers; add `x-api-key` there".into(),
        );
    }
    let edit = match (headers, loose.shorthand_headers) {
        (Some((_, v)), _) if tokens[v].is_punct(src, "{") => insert_first(src, tokens, v, entry),
        // A computed value (`headers: base`, `headers: build()`): spread it into a new object.
        (Some((_, v)), _) => {
            let end = expression_end(src, tokens, v);
            let expr = String::from_utf8_lossy(&src[tokens[v].span.start..end]).into_owned();
            Edit::replace(
                tokens[v].span.start..end,
                format!("{{ ...{expr}, {entry} }}"),
            )
        }
        // `{ headers }`: the variable keeps its headers, the key joins them.
        (None, Some(h)) => Edit::replace(
            tokens[h].span.clone(),
            format!("headers: {{ ...headers, {entry} }}"),
        ),
        (None, None) => insert_first(src, tokens, open, &format!("headers: {{ {entry} }}")),
    };
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        how: "add `x-api-key` to the request's headers".into(),
    })
}

/// What an object literal holds besides `key: value` pairs.
struct LooseMembers {
    /// The token of a shorthand `headers` member (`{ headers }`).
    shorthand_headers: Option<usize>,
    /// A `...spread` member.
    spread: bool,
}

fn loose_members(src: &[u8], tokens: &[Token], open: usize) -> LooseMembers {
    let mut found = LooseMembers {
        shorthand_headers: None,
        spread: false,
    };
    let Some((close, inside)) = top_level(src, tokens, open) else {
        return found;
    };
    for j in inside {
        let t = &tokens[j];
        // `...` lexes as `..` and `.` in some families.
        if t.kind == TokKind::Punct && src[t.span.start..].starts_with(b"...") {
            found.spread = true;
        }
        let member_start =
            prev_significant(tokens, j).is_some_and(|p| p == open || tokens[p].is_punct(src, ","));
        let member_end =
            next_significant(tokens, j).is_some_and(|n| n == close || tokens[n].is_punct(src, ","));
        if member_start && member_end && t.kind == TokKind::Ident && key_is(src, t, "headers") {
            found.shorthand_headers = Some(j);
        }
    }
    found
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
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    if req.already_sent(tokens[name].span.start..tokens[close].span.end) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let q = req.quote();
    let entry = format!("{q}x-api-key{q}: {}", req.key.as_code(q));
    // `headers=` keyword argument.
    let kw = (open + 1..close).find(|&j| {
        tokens[j].kind == TokKind::Ident
            && tokens[j].text(src) == b"headers"
            && next_significant(tokens, j).is_some_and(|e| tokens[e].is_punct(src, "="))
            && enclosing_open(src, tokens, j) == Some(open)
    });
    let edit = match kw {
        Some(k) => {
            let v = next_significant(tokens, next_significant(tokens, k).expect("checked"))
                .ok_or("`headers=` without a value")?;
            if !tokens[v].is_punct(src, "{") {
                return Err("the request's headers are a variable; add `x-api-key` there".into());
            }
            insert_first(src, tokens, v, &entry)
        }
        None => {
            let last = prev_significant(tokens, close).expect("call has an opening bracket");
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
        let is_method =
            prev_significant(tokens, name).is_some_and(|d| tokens[d].is_punct(src, "."));
        if is_method
            && matches!(
                callee.as_str(),
                "get" | "post" | "put" | "patch" | "delete" | "head" | "request" | "query"
            )
        {
            let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
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

// ---------------------------------------------------------------------------------------
// Java/Kotlin, C#, Go, PHP and Ruby. Each recognises a few request shapes where the URL is
// handed to the request in the same call or builder chain; anything else stays manual.

const BUILDER_CALL: &str =
    "the parameter is added by a query-builder call; remove it and add the header by hand";

/// The token at `req.at`, unless it is a comment.
fn anchor(req: &Request) -> Result<usize, String> {
    let i = token_at(req.tokens, req.at.start).ok_or("the key is not in a literal")?;
    if req.tokens[i].kind == TokKind::Comment {
        return Err("the URL is in a comment, not in a request".into());
    }
    Ok(i)
}

/// A builder key written as a map entry (`'apikey' => k`, `apikey: k`), which the
/// parameter removal takes out cleanly; not a call argument (`addQueryParameter("apikey", k)`)
/// nor the first entry of a PHP `array(…)`, whose parentheses the removal would take too.
fn map_entry(src: &[u8], tokens: &[Token], key: usize) -> bool {
    next_significant(tokens, key).is_some_and(|n| matches!(tokens[n].text(src), b"=>" | b":"))
        && prev_significant(tokens, key).is_some_and(|p| !tokens[p].is_punct(src, "("))
}

/// Whether a string literal among `toks` names the `x-api-key` header (any case).
fn sends_header(src: &[u8], tokens: &[Token], toks: Range<usize>) -> bool {
    tokens[toks.start.min(tokens.len())..toks.end.min(tokens.len())]
        .iter()
        .any(|t| {
            t.kind == TokKind::Str
                && memchr::memmem::find(&t.content_text(src).to_ascii_lowercase(), b"x-api-key")
                    .is_some()
        })
}

/// For each token, the innermost bracket open before it.
fn openers(src: &[u8], tokens: &[Token]) -> Vec<Option<usize>> {
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(tokens.len());
    for (j, t) in tokens.iter().enumerate() {
        out.push(stack.last().copied());
        if t.kind == TokKind::Punct {
            match t.text(src) {
                b"(" | b"[" | b"{" => stack.push(j),
                b")" | b"]" | b"}" => {
                    stack.pop();
                }
                _ => {}
            }
        }
    }
    out
}

/// The statement holding token `i`, as (first, last) token indices: bounded by `;`, the
/// enclosing block's braces, and line breaks at block level that nothing continues (an
/// operator or opening bracket ending the line, a `.`/`?.`/`->` starting the next). Unlike
/// `statement`, it also ends statements at line breaks in languages without semicolons
/// (Kotlin, Go, Swift, Ruby), where `statement` would run to the end of the block.
fn logical_statement(src: &[u8], tokens: &[Token], i: usize) -> (usize, usize) {
    let inner = openers(src, tokens);
    let breaks = |a: usize, b: usize| {
        let (ta, tb) = (&tokens[a], &tokens[b]);
        if memchr::memchr(b'\n', &src[ta.span.end..tb.span.start]).is_none()
            || inner[b].is_some_and(|o| !tokens[o].is_punct(src, "{"))
        {
            return false;
        }
        let continued_by_end =
            ta.kind == TokKind::Punct && !matches!(ta.text(src), b")" | b"]" | b"}" | b";");
        let continued_by_start =
            tb.kind == TokKind::Punct && matches!(tb.text(src), b"." | b"?" | b"->" | b"::");
        !(continued_by_end || continued_by_start)
    };
    let mut s = i;
    let mut depth = 0usize;
    while let Some(p) = prev_significant(tokens, s) {
        if depth == 0 && breaks(p, s) {
            break;
        }
        let t = &tokens[p];
        if t.kind == TokKind::Punct {
            match t.text(src) {
                b")" | b"]" | b"}" => depth += 1,
                b"{" if depth == 0 => break,
                b";" if depth == 0 => break,
                b"(" | b"[" | b"{" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        s = p;
    }
    let mut e = i;
    let mut depth = 0usize;
    while let Some(n) = next_significant(tokens, e) {
        if depth == 0 && breaks(e, n) {
            break;
        }
        let t = &tokens[n];
        if t.kind == TokKind::Punct {
            match t.text(src) {
                b"(" | b"[" | b"{" => depth += 1,
                b"}" if depth == 0 => break,
                b";" if depth == 0 => break,
                b")" | b"]" | b"}" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        e = n;
    }
    (s, e)
}

fn text_of(src: &[u8], t: &Token) -> String {
    String::from_utf8_lossy(t.text(src)).into_owned()
}

/// The identifier before `.`/`::`/`->` ahead of a call's name (`http` in `http.Get`).
fn receiver_of(src: &[u8], tokens: &[Token], name: usize) -> Option<String> {
    let sep = prev_significant(tokens, name)
        .filter(|&d| matches!(tokens[d].text(src), b"." | b"::" | b"->"))?;
    let r = prev_significant(tokens, sep).filter(|&r| tokens[r].kind == TokKind::Ident)?;
    Some(text_of(src, &tokens[r]))
}

fn is_method(src: &[u8], tokens: &[Token], name: usize) -> bool {
    prev_significant(tokens, name).is_some_and(|d| matches!(tokens[d].text(src), b"." | b"->"))
}

/// The first token of a call expression named at `name`: back over `a.b::c` qualifiers and
/// a `new`.
fn callee_start(src: &[u8], tokens: &[Token], name: usize) -> usize {
    let mut s = name;
    while let Some(d) =
        prev_significant(tokens, s).filter(|&d| matches!(tokens[d].text(src), b"." | b"::"))
    {
        match prev_significant(tokens, d).filter(|&q| tokens[q].kind == TokKind::Ident) {
            Some(q) => s = q,
            None => break,
        }
    }
    match prev_significant(tokens, s) {
        Some(n) if tokens[n].kind == TokKind::Ident && tokens[n].text(src) == b"new" => n,
        _ => s,
    }
}

/// An argument that is one plain value (a literal, a concatenation, a call), not a choice
/// between values (`a ? b : c`, `a || b`, `if`…) whose other branch the fix would change.
fn plain_argument(src: &[u8], tokens: &[Token], arg: &Range<usize>) -> bool {
    let Some(first) = token_at(tokens, arg.start) else {
        return false;
    };
    let mut depth = 0usize;
    for t in tokens[first..]
        .iter()
        .take_while(|t| t.span.start < arg.end)
    {
        match (t.kind, t.text(src)) {
            (TokKind::Punct, b"(" | b"[" | b"{") => depth += 1,
            (TokKind::Punct, b")" | b"]" | b"}") => depth = depth.saturating_sub(1),
            (TokKind::Punct, b"?" | b":" | b"|" | b"||" | b"&") if depth == 0 => return false,
            (
                TokKind::Ident,
                b"if" | b"else" | b"when" | b"switch" | b"unless" | b"and" | b"or",
            ) if depth == 0 => {
                return false;
            }
            _ => {}
        }
    }
    true
}

/// Walks out from the URL (token `i`) through wrapper calls (`URI.create(…)`,
/// `String.format(…)`, `fmt.Sprintf(…)`) to the call that takes it: (name, `(`, argument
/// index). The URL must be a plain argument, and each wrapper the whole of its argument.
fn url_argument(
    src: &[u8],
    tokens: &[Token],
    i: usize,
    wrapper: impl Fn(&str, Option<&str>) -> bool,
) -> Result<(usize, usize, usize), String> {
    let mut inner = i;
    let mut whole: Option<Range<usize>> = None;
    for _ in 0..4 {
        let open = enclosing_open(src, tokens, inner)
            .filter(|&o| tokens[o].is_punct(src, "("))
            .ok_or("the URL is not passed to a call")?;
        let name = prev_significant(tokens, open)
            .filter(|&n| tokens[n].kind == TokKind::Ident)
            .ok_or("the URL is not passed to a named call")?;
        let args = arguments(src, tokens, open);
        let at = tokens[inner].span.start;
        let idx = args
            .iter()
            .position(|a| a.contains(&at))
            .ok_or("the URL is not one of the call's arguments")?;
        let arg = &args[idx];
        if let Some(w) = &whole
            && *w != *arg
        {
            return Err("the URL's wrapper call is only part of an argument".into());
        }
        if !plain_argument(src, tokens, arg) {
            return Err(
                "the URL argument chooses between values; the fix would change both".into(),
            );
        }
        let callee = text_of(src, &tokens[name]);
        let receiver = receiver_of(src, tokens, name);
        if wrapper(&callee, receiver.as_deref()) {
            let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
            let start = callee_start(src, tokens, name);
            whole = Some(tokens[start].span.start..tokens[close].span.end);
            inner = name;
            continue;
        }
        return Ok((name, open, idx));
    }
    Err("the URL is wrapped in too many calls".into())
}

/// The quote for new strings: the literal's own, unless interpolation forced it to `"`
/// (`"…#{k}"`, `"…{$k}"`), where the file's usual quote is used.
fn style_quote(req: &Request, lit: usize) -> char {
    let t = &req.tokens[lit];
    let interpolated = t.kind == TokKind::Str
        && (memchr::memmem::find(t.content_text(req.src), b"#{").is_some()
            || memchr::memchr(b'$', t.content_text(req.src)).is_some());
    if !interpolated {
        return req.quote();
    }
    let (mut double, mut single) = (0, 0);
    for t in req.tokens.iter().filter(|t| t.kind == TokKind::Str) {
        match req.src[t.span.start] {
            b'"' => double += 1,
            b'\'' => single += 1,
            _ => {}
        }
    }
    if double > single { '"' } else { '\'' }
}

/// The statement around the call named at `name` ends at token `last` (no `.next()` on a
/// following line continues it): a line inserted after it is a statement of its own.
fn statement_ends_at(src: &[u8], tokens: &[Token], name: usize, last: usize) -> bool {
    logical_statement(src, tokens, name).1 == last
}

/// True when nothing but whitespace and comments follows token `k` on its line.
fn ends_line(src: &[u8], tokens: &[Token], k: usize) -> bool {
    let end = line_end(src, tokens[k].span.end);
    tokens[k + 1..]
        .iter()
        .take_while(|t| t.span.start < end)
        .all(|t| t.kind == TokKind::Newline || (t.kind == TokKind::Comment && t.span.end <= end))
}

fn first_on_line(src: &[u8], at: usize) -> bool {
    src[line_start(src, at)..at]
        .iter()
        .all(|b| matches!(b, b' ' | b'\t'))
}

/// A new line after the line holding byte `at` (after any comment on it).
fn line_after(src: &[u8], at: usize, indent: &str, text: &str) -> Edit {
    let mut end = line_end(src, at);
    if end > 0 && src[end - 1] == b'\r' {
        end -= 1;
    }
    Edit::insert(end, format!("{}{indent}{text}", eol(src, at)))
}

/// Appends `text` as the last argument of the call at `open`, on a line of its own when
/// the arguments are one per line.
fn append_argument(
    src: &[u8],
    tokens: &[Token],
    open: usize,
    text: &str,
) -> Result<Vec<Edit>, String> {
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let last = prev_significant(tokens, close).ok_or("unbalanced call")?;
    if last == open {
        return Ok(vec![Edit::insert(tokens[close].span.start, text)]);
    }
    let trailing_comma = tokens[last].is_punct(src, ",");
    let multiline =
        memchr::memchr(b'\n', &src[tokens[last].span.end..tokens[close].span.start]).is_some();
    let last_arg = arguments(src, tokens, open)
        .last()
        .cloned()
        .ok_or("unreadable arguments")?;
    if !trailing_comma
        && first_on_line(src, last_arg.start)
        && last_arg.start > tokens[open].span.end
        && memchr::memchr(b'\n', &src[tokens[last].span.end..tokens[close].span.start]).is_none()
    {
        // One argument per line, the bracket closing the last: a line of its own before it.
        let indent = indent_of(src, last_arg.start);
        return Ok(vec![Edit::insert(
            tokens[last].span.end,
            format!(",{}{indent}{text}", eol(src, last_arg.start)),
        )]);
    }
    if !multiline {
        let sep = if trailing_comma { " " } else { ", " };
        return Ok(vec![Edit::insert(
            tokens[last].span.end,
            format!("{sep}{text}"),
        )]);
    }
    let mut edits = Vec::new();
    if !trailing_comma {
        edits.push(Edit::insert(tokens[last].span.end, ","));
    }
    let comma = if trailing_comma { "," } else { "" };
    let indent = indent_of(src, tokens[last].span.start);
    edits.push(line_after(
        src,
        tokens[last].span.end,
        &indent,
        &format!("{text}{comma}"),
    ));
    Ok(edits)
}

/// After a request held in variable `var`, whose statement ends at token `end` and starts
/// on a line indented `indent`: does the rest of the block set `x-api-key`? `Ok(true)` when a
/// statement on `var` at the same level does (the request sends it), `Ok(false)` when
/// nothing does, `Err` when something else does and the tool cannot tell for which request,
/// or when `var.reset` (Go `req.Header = …`, Ruby `request.initialize_http_header`) would
/// replace the header the fix adds.
fn later_header(
    src: &[u8],
    tokens: &[Token],
    end: usize,
    var: &[u8],
    indent: usize,
    reset: &[u8],
) -> Result<bool, String> {
    let mut depth = 0usize;
    let mut elsewhere = false;
    let mut j = end + 1;
    while j < tokens.len() {
        let t = &tokens[j];
        if t.kind == TokKind::Newline || t.kind == TokKind::Comment {
            j += 1;
            continue;
        }
        let col = t.span.start - line_start(src, t.span.start);
        if first_on_line(src, t.span.start) && col < indent {
            break; // a less indented line ends the block (Ruby `end`, a dedent)
        }
        if t.kind == TokKind::Punct {
            match t.text(src) {
                b"(" | b"[" | b"{" => depth += 1,
                b"}" if depth == 0 => break,
                b")" | b"]" | b"}" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if t.text(src) == var
            && let Some(dot) = next_significant(tokens, j).filter(|&d| tokens[d].is_punct(src, "."))
            && let Some(m) = next_significant(tokens, dot).filter(|&m| tokens[m].text(src) == reset)
            && (reset != b"Header"
                || next_significant(tokens, m).is_some_and(|q| {
                    tokens[q].is_punct(src, "=")
                        && !next_significant(tokens, q)
                            .is_some_and(|r| tokens[r].is_punct(src, "="))
                }))
        {
            return Err(format!(
                "a later `{}.{}` replaces the request's headers",
                String::from_utf8_lossy(var),
                String::from_utf8_lossy(reset)
            ));
        }
        // `var = …` again: a new request from here on.
        if depth == 0
            && t.text(src) == var
            && first_on_line(src, t.span.start)
            && next_significant(tokens, j).is_some_and(|n| {
                matches!(tokens[n].text(src), b"," | b":")
                    || (tokens[n].is_punct(src, "=")
                        && !next_significant(tokens, n)
                            .is_some_and(|m| tokens[m].is_punct(src, "=")))
            })
        {
            break;
        }
        if sends_header(src, tokens, j..j + 1) {
            let (s, _) = logical_statement(src, tokens, j);
            if s <= end {
                // Joined to the request's own statement: not a plain statement of its own.
                elsewhere = true;
                j += 1;
                continue;
            }
            let s_col = tokens[s].span.start - line_start(src, tokens[s].span.start);
            let own = tokens[s].text(src) == var && s_col == indent && {
                // At the block's own level, not inside an `if` of it.
                let (_, d) = tokens[end + 1..s]
                    .iter()
                    .fold((0usize, 0usize), |(_, d), t| {
                        let d = match (t.kind, t.text(src)) {
                            (TokKind::Punct, b"(" | b"[" | b"{") => d + 1,
                            (TokKind::Punct, b")" | b"]" | b"}") => d.saturating_sub(1),
                            _ => d,
                        };
                        (0, d)
                    });
                d == 0
            };
            if own {
                return Ok(true);
            }
            elsewhere = true;
        }
        j += 1;
    }
    if elsewhere {
        Err("`x-api-key` is set later in this block, not plainly on this request; check which request it belongs to".into())
    } else {
        Ok(false)
    }
}

/// Java/Kotlin (and the rest of the C family): `.header("x-api-key", k)` right after the
/// builder call that takes the URL: java.net.http `HttpRequest.newBuilder().uri(…)` or
/// `newBuilder(…)`, OkHttp `Request.Builder().url(…)`, Spring `WebClient`/`RestClient`
/// `.get().uri(…)`.
fn jvm(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = anchor(req)?;
    if req.builder {
        return Err(BUILDER_CALL.into());
    }
    let (s, e) = logical_statement(src, tokens, lit);
    if sends_header(src, tokens, s..e + 1) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let (name, open, idx) = url_argument(src, tokens, lit, |callee, receiver| {
        matches!(
            (callee, receiver),
            ("create", Some("URI")) | ("URI", None) | ("format", Some("String"))
        )
    })?;
    let callee = text_of(src, &tokens[name]);
    let receiver = receiver_of(src, tokens, name);
    let args = arguments(src, tokens, open);
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let lower = receiver.as_deref().unwrap_or("").to_ascii_lowercase();
    if lower.contains("resttemplate") || lower == "template" {
        return Err(format!(
            "RestTemplate `{callee}(…)` sends headers only through an HttpEntity; use `exchange` with HttpHeaders carrying `x-api-key`"
        ));
    }
    if callee == "URL" || callee == "openConnection" {
        return Err(
            "HttpURLConnection: add `conn.setRequestProperty(\"x-api-key\", …)` where the connection is opened".into(),
        );
    }
    let only_url = idx == 0 && args.len() == 1;
    let chain = match callee.as_str() {
        "newBuilder" | "url" | "uri" if !only_url => {
            return Err(format!("`{callee}(…)` takes more than the URL"));
        }
        "newBuilder" if receiver.as_deref() == Some("HttpRequest") => {
            callee_start(src, tokens, name)
        }
        "url" | "uri" if is_method(src, tokens, name) => {
            let (start, names) = chain_back(src, tokens, name);
            let builder = names.iter().any(|n| n == "Builder" || n == "newBuilder");
            let first = text_of(src, &tokens[start]).to_ascii_lowercase();
            let web_client = callee == "uri"
                && (first.contains("webclient") || first.contains("restclient"))
                && names.iter().any(|n| {
                    matches!(
                        n.as_str(),
                        "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "method"
                    )
                });
            if !(builder || web_client) {
                return Err(format!(
                    "`.{callee}(…)` is not called on a request builder the fixer knows"
                ));
            }
            start
        }
        _ => {
            return Err(format!(
                "`{callee}(…)` is not a request builder the fixer knows"
            ));
        }
    };
    // The rest of the chain: a later `.headers(…)` would replace (OkHttp) what we add.
    let mut end = close;
    while let Some(dot) = next_significant(tokens, end).filter(|&d| tokens[d].is_punct(src, ".")) {
        let Some(n) = next_significant(tokens, dot).filter(|&n| tokens[n].kind == TokKind::Ident)
        else {
            break;
        };
        if tokens[n].text(src) == b"headers" {
            return Err(
                "a later `.headers(…)` sets the request's headers; add `x-api-key` there".into(),
            );
        }
        end = match next_significant(tokens, n).filter(|&o| tokens[o].is_punct(src, "(")) {
            Some(o) => matching_close(src, tokens, o).ok_or("unbalanced call")?,
            None => n,
        };
    }
    if sends_header(src, tokens, chain..end + 1) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let header = format!(".header(\"x-api-key\", {})", req.key.as_code('"'));
    // One call per line: the header gets a line of its own.
    let next_dot = next_significant(tokens, close).filter(|&d| {
        tokens[d].is_punct(src, ".")
            && memchr::memchr(b'\n', &src[tokens[close].span.end..tokens[d].span.start]).is_some()
            && first_on_line(src, tokens[d].span.start)
    });
    let edit = match next_dot {
        Some(d) if ends_line(src, tokens, close) => line_after(
            src,
            tokens[close].span.end,
            &indent_of(src, tokens[d].span.start),
            &header,
        ),
        _ => Edit::insert(tokens[close].span.end, header),
    };
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        how: format!("add `.header(\"x-api-key\", …)` after `.{callee}(…)`"),
    })
}

/// Back along a call chain from the call named at `name`: its first token and the names in
/// it (`Request`, `Builder` for `new Request.Builder().url(…)`).
fn chain_back(src: &[u8], tokens: &[Token], name: usize) -> (usize, Vec<String>) {
    let mut names = Vec::new();
    let mut start = name;
    let mut j = name;
    while let Some(d) =
        prev_significant(tokens, j).filter(|&d| matches!(tokens[d].text(src), b"." | b"::"))
    {
        let Some(p) = prev_significant(tokens, d) else {
            break;
        };
        let n = if tokens[p].is_punct(src, ")") {
            let Some(n) = matching_open(src, tokens, p)
                .and_then(|o| prev_significant(tokens, o))
                .filter(|&n| tokens[n].kind == TokKind::Ident)
            else {
                break;
            };
            n
        } else if tokens[p].kind == TokKind::Ident {
            p
        } else {
            break;
        };
        names.push(text_of(src, &tokens[n]));
        start = n;
        j = n;
    }
    if let Some(n) = prev_significant(tokens, start).filter(|&n| tokens[n].text(src) == b"new") {
        start = n;
    }
    (start, names)
}

/// C#: `var request = new HttpRequestMessage(method, URL);` gets
/// `request.Headers.Add("x-api-key", k);` on the next line.
fn csharp(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = anchor(req)?;
    if req.builder {
        return Err(BUILDER_CALL.into());
    }
    let (s, e) = logical_statement(src, tokens, lit);
    if sends_header(src, tokens, s..e + 1) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let (name, open, idx) = url_argument(src, tokens, lit, |callee, receiver| {
        matches!(
            (callee, receiver),
            ("Uri", None) | ("Format", Some("String" | "string"))
        )
    })?;
    let callee = text_of(src, &tokens[name]);
    let args = arguments(src, tokens, open);
    if callee.ends_with("Async") || callee.starts_with("Download") || callee.starts_with("Upload") {
        return Err(format!(
            "`{callee}(…)` takes no per-request headers; send an HttpRequestMessage with `request.Headers.Add(\"x-api-key\", …)`"
        ));
    }
    // `new HttpRequestMessage(…)` or the target-typed `new(…)`.
    let (new_tok, typed) = match callee.as_str() {
        "HttpRequestMessage" => (
            prev_significant(tokens, name)
                .filter(|&n| tokens[n].text(src) == b"new")
                .ok_or("`HttpRequestMessage(…)` without `new`")?,
            false,
        ),
        "new" => (name, true),
        _ => {
            return Err(format!("`{callee}(…)` is not a request the fixer knows"));
        }
    };
    if idx != 1 || args.len() != 2 {
        return Err("the URL is not the request's second argument".into());
    }
    let not_declared = || "the request is not declared in this statement".to_string();
    let eq = prev_significant(tokens, new_tok)
        .filter(|&q| tokens[q].is_punct(src, "="))
        .ok_or_else(not_declared)?;
    let var = prev_significant(tokens, eq)
        .filter(|&v| tokens[v].kind == TokKind::Ident)
        .ok_or_else(not_declared)?;
    let ty = prev_significant(tokens, var)
        .filter(|&t| tokens[t].kind == TokKind::Ident)
        .ok_or_else(not_declared)?;
    if typed && tokens[ty].text(src) != b"HttpRequestMessage" {
        return Err(not_declared());
    }
    let first = prev_significant(tokens, ty)
        .filter(|&u| tokens[u].text(src) == b"using")
        .unwrap_or(ty);
    if prev_significant(tokens, first)
        .is_some_and(|p| !matches!(tokens[p].text(src), b";" | b"{" | b"}"))
        || !first_on_line(src, tokens[first].span.start)
    {
        return Err(not_declared());
    }
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let mut after = next_significant(tokens, close).ok_or("the statement does not end")?;
    if tokens[after].is_punct(src, "{") {
        // An object initializer: `new HttpRequestMessage(…) { Content = … };`
        let end = matching_close(src, tokens, after).ok_or("unbalanced initializer")?;
        after = next_significant(tokens, end).ok_or("the statement does not end")?;
    }
    if !tokens[after].is_punct(src, ";")
        || !ends_line(src, tokens, after)
        || prev_significant(tokens, after).is_none_or(|l| !statement_ends_at(src, tokens, name, l))
    {
        return Err("the statement does not end its line".into());
    }
    let var_name = tokens[var].text(src);
    let indent = indent_of(src, tokens[first].span.start);
    if later_header(src, tokens, after, var_name, indent.len(), b"")? {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let var_name = String::from_utf8_lossy(var_name);
    Ok(Placement {
        edits: vec![line_after(
            src,
            tokens[after].span.end,
            &indent,
            &format!(
                "{var_name}.Headers.Add(\"x-api-key\", {});",
                req.key.as_code('"')
            ),
        )],
        applicability: Applicability::Safe,
        how: format!("add `{var_name}.Headers.Add(\"x-api-key\", …)` after the request is created"),
    })
}

/// Go: `req, err := http.NewRequest(method, URL, body)` gets `req.Header.Set("x-api-key", k)`
/// after the `if err != nil { … }` that follows it (or right after it when the error is `_`).
fn go(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = anchor(req)?;
    if req.builder {
        return Err(BUILDER_CALL.into());
    }
    let (s, e) = logical_statement(src, tokens, lit);
    if sends_header(src, tokens, s..e + 1) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let (name, open, idx) = url_argument(src, tokens, lit, |callee, receiver| {
        matches!((callee, receiver), ("Sprintf", Some("fmt")))
    })?;
    let callee = text_of(src, &tokens[name]);
    let receiver = receiver_of(src, tokens, name);
    let args = arguments(src, tokens, open);
    let (url_index, arity) = match (callee.as_str(), receiver.as_deref()) {
        ("NewRequest", Some("http")) => (1, 3),
        ("NewRequestWithContext", Some("http")) => (2, 4),
        ("Get" | "Post" | "Head" | "PostForm", _) => {
            return Err(format!(
                "`{callee}(…)` sends no headers; build the request with http.NewRequest and `req.Header.Set(\"x-api-key\", …)`"
            ));
        }
        _ => {
            return Err(format!("`{callee}(…)` is not a request the fixer knows"));
        }
    };
    if idx != url_index || args.len() != arity {
        return Err("the URL is not the request's URL argument".into());
    }
    let not_declared =
        || "the request is not assigned as `req, err := http.NewRequest(…)`".to_string();
    let start = callee_start(src, tokens, name);
    let mut eq = prev_significant(tokens, start)
        .filter(|&q| tokens[q].is_punct(src, "="))
        .ok_or_else(not_declared)?;
    if let Some(colon) = prev_significant(tokens, eq).filter(|&c| tokens[c].is_punct(src, ":")) {
        eq = colon;
    }
    let err = prev_significant(tokens, eq)
        .filter(|&v| tokens[v].kind == TokKind::Ident)
        .ok_or_else(not_declared)?;
    let var = prev_significant(tokens, err)
        .filter(|&c| tokens[c].is_punct(src, ","))
        .and_then(|c| prev_significant(tokens, c))
        .filter(|&v| tokens[v].kind == TokKind::Ident)
        .ok_or_else(not_declared)?;
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    if !first_on_line(src, tokens[var].span.start)
        || !ends_line(src, tokens, close)
        || !statement_ends_at(src, tokens, name, close)
    {
        return Err("the request's statement does not stand on lines of its own".into());
    }
    let var_name = tokens[var].text(src);
    let indent = indent_of(src, tokens[var].span.start);
    if later_header(src, tokens, close, var_name, indent.len(), b"Header")? {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let err_name = tokens[err].text(src);
    // `if err != nil { … }` right after: the header goes after it.
    let check = next_significant(tokens, close).and_then(|i| {
        let want: [&[u8]; 6] = [b"if", err_name, b"!", b"=", b"nil", b"{"];
        let mut k = i;
        for (n, w) in want.iter().enumerate() {
            if n > 0 {
                k = next_significant(tokens, k)?;
            }
            if tokens[k].text(src) != *w {
                return None;
            }
        }
        matching_close(src, tokens, k)
    });
    let (after, applicability) = match check {
        Some(end) if ends_line(src, tokens, end) => (end, Applicability::Safe),
        Some(_) => return Err("the error check continues after its block".into()),
        None if err_name == b"_" => (close, Applicability::Safe),
        // The header would run before the error is checked (the request may be nil).
        None => (close, Applicability::Unsafe),
    };
    let var_name = String::from_utf8_lossy(var_name);
    Ok(Placement {
        edits: vec![line_after(
            src,
            tokens[after].span.end,
            &indent,
            &format!(
                "{var_name}.Header.Set(\"x-api-key\", {})",
                req.key.as_code('"')
            ),
        )],
        applicability,
        how: format!("add `{var_name}.Header.Set(\"x-api-key\", …)` after the request is created"),
    })
}

const PHP_VERBS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

/// Guzzle: which argument of `->request(…)`/`->get(…)` holds the URL and which the options.
fn guzzle_call(src: &[u8], tokens: &[Token], name: usize) -> Result<(usize, usize), String> {
    let callee = text_of(src, &tokens[name]).to_ascii_lowercase();
    let base = callee.strip_suffix("async").unwrap_or(&callee);
    let url_index = if base == "request" {
        1
    } else if PHP_VERBS.contains(&base) {
        0
    } else {
        return Err(match base {
            "curl_init" | "curl_setopt" | "curl_setopt_array" => {
                "curl: add `'x-api-key: ' . …` to the CURLOPT_HTTPHEADER array".to_string()
            }
            "file_get_contents" | "fopen" => {
                "this call sends no headers; use a stream context or an HTTP client".to_string()
            }
            _ => format!("`{callee}(…)` is not a request the fixer knows"),
        });
    };
    if !prev_significant(tokens, name).is_some_and(|d| tokens[d].is_punct(src, "->")) {
        return Err(format!("`{callee}(…)` is not a client method call"));
    }
    if memchr::memmem::find(src, b"GuzzleHttp").is_none() {
        return Err(format!(
            "`->{callee}(…)` is not known to be a Guzzle client (no `GuzzleHttp` in the file)"
        ));
    }
    Ok((url_index, url_index + 1))
}

/// The PHP array opened at token `i`: `[` or the `(` of `array(`.
fn php_array(src: &[u8], tokens: &[Token], i: usize) -> Option<usize> {
    if tokens[i].is_punct(src, "[") {
        Some(i)
    } else if tokens[i].text(src).eq_ignore_ascii_case(b"array") {
        next_significant(tokens, i).filter(|&o| tokens[o].is_punct(src, "("))
    } else {
        None
    }
}

/// The value of entry `name` (`'name' => …`, `name: …`, `:name => …`) at the top level
/// between tokens `open` and its match.
fn entry_value(src: &[u8], tokens: &[Token], open: usize, name: &str) -> Option<usize> {
    let close = matching_close(src, tokens, open)?;
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
        if depth != 0 || !matches!(t.kind, TokKind::Str | TokKind::Ident) || !key_is(src, t, name) {
            continue;
        }
        let sep = next_significant(tokens, j)?;
        if matches!(tokens[sep].text(src), b"=>" | b":") {
            return next_significant(tokens, sep);
        }
    }
    None
}

/// Adds `x-api-key` to the `headers` of a Guzzle options array opened at `open`.
fn php_options(
    src: &[u8],
    tokens: &[Token],
    open: usize,
    entry: &str,
    q: char,
) -> Result<Edit, String> {
    let long = !tokens[open].is_punct(src, "[");
    match entry_value(src, tokens, open, "headers") {
        Some(v) => {
            let arr = php_array(src, tokens, v)
                .ok_or("the request's headers are a variable; add `x-api-key` there")?;
            Ok(insert_first(src, tokens, arr, entry))
        }
        None => {
            let value = if long {
                format!("array({entry})")
            } else {
                format!("[{entry}]")
            };
            Ok(insert_first(
                src,
                tokens,
                open,
                &format!("{q}headers{q} => {value}"),
            ))
        }
    }
}

/// PHP: Guzzle `$client->request('GET', URL, [options])` / `->get(URL, [options])`: the
/// options' `'headers'` get `'x-api-key' => k` (created when missing).
fn php(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = anchor(req)?;
    if req.builder && !map_entry(src, tokens, lit) {
        return Err(BUILDER_CALL.into());
    }
    let (s, e) = logical_statement(src, tokens, lit);
    if sends_header(src, tokens, s..e + 1) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let q = style_quote(req, lit);
    let entry = format!("{q}x-api-key{q} => {}", req.key.as_code(q));
    let how = "add `x-api-key` to the Guzzle request's headers".to_string();
    let placed = |edits| {
        Ok(Placement {
            edits,
            applicability: Applicability::Safe,
            how: how.clone(),
        })
    };
    if req.builder {
        // `'query' => ['apikey' => k]` among the options of a Guzzle call.
        let query = enclosing_open(src, tokens, lit).ok_or("the builder is not an array")?;
        let query_start = if tokens[query].is_punct(src, "(") {
            prev_significant(tokens, query).ok_or("the builder is not an array")?
        } else {
            query
        };
        let owner = prev_significant(tokens, query_start)
            .filter(|&a| tokens[a].is_punct(src, "=>"))
            .and_then(|a| prev_significant(tokens, a))
            .filter(|&k| key_is(src, &tokens[k], "query"))
            .ok_or("the builder is not the `'query'` of request options")?;
        let options =
            enclosing_open(src, tokens, owner).ok_or("the builder is not in request options")?;
        let options_start = if tokens[options].is_punct(src, "(") {
            prev_significant(tokens, options).ok_or("unreadable options")?
        } else {
            options
        };
        if php_array(src, tokens, options_start) != Some(options) {
            return Err("the builder is not in an options array".into());
        }
        let call = enclosing_open(src, tokens, options_start)
            .filter(|&o| tokens[o].is_punct(src, "("))
            .ok_or("the options are not passed to a request call")?;
        let name = prev_significant(tokens, call)
            .filter(|&n| tokens[n].kind == TokKind::Ident)
            .ok_or("the options are not passed to a request call")?;
        let (_, options_index) = guzzle_call(src, tokens, name)?;
        let args = arguments(src, tokens, call);
        let end = matching_close(src, tokens, options).ok_or("unbalanced array")?;
        if args.get(options_index)
            != Some(&(tokens[options_start].span.start..tokens[end].span.end))
            || args.len() != options_index + 1
        {
            return Err("the array is not the request's options argument".into());
        }
        return placed(vec![php_options(src, tokens, options, &entry, q)?]);
    }
    if let Some(curl) = php_curl(req, lit, q) {
        return curl;
    }
    let (name, open, idx) = url_argument(src, tokens, lit, |callee, receiver| {
        callee == "sprintf" && receiver.is_none()
    })?;
    let (url_index, options_index) = guzzle_call(src, tokens, name)?;
    if idx != url_index {
        return Err("the URL is not the request's URL argument".into());
    }
    let args = arguments(src, tokens, open);
    if args.len() == options_index {
        let long = memchr::memmem::find(src, b"array(").is_some()
            && memchr::memmem::find(src, b"=> [").is_none();
        let inner = format!("{q}headers{q} => ");
        let text = if long {
            format!("array({inner}array({entry}))")
        } else {
            format!("[{inner}[{entry}]]")
        };
        return placed(append_argument(src, tokens, open, &text)?);
    }
    if args.len() != options_index + 1 {
        return Err("the request call has arguments the fixer does not know".into());
    }
    let first = token_at(tokens, args[options_index].start).ok_or("unreadable options")?;
    let arr = php_array(src, tokens, first)
        .ok_or("the request options are a variable; add `x-api-key` to their headers")?;
    let end = matching_close(src, tokens, arr).ok_or("unbalanced array")?;
    if tokens[end].span.end != args[options_index].end {
        return Err("the request options are not a plain array".into());
    }
    placed(vec![php_options(src, tokens, arr, &entry, q)?])
}

/// How far (in tokens) around a curl handle's URL its other options are looked for.
const CURL_REACH: usize = 4000;

/// PHP curl: the URL given to `curl_init(…)` or `curl_setopt($ch, CURLOPT_URL, …)`; the key
/// joins the `CURLOPT_HTTPHEADER` array set on the same handle in the same function, or a
/// `curl_setopt($ch, CURLOPT_HTTPHEADER, […])` line of its own when the handle has none.
/// `None` when the URL is not a curl handle's.
fn php_curl(req: &Request, lit: usize, q: char) -> Option<Result<Placement, String>> {
    let (src, tokens) = (req.src, req.tokens);
    // The innermost call around the URL that is `curl_init` or `curl_setopt`.
    let mut at = lit;
    let (name, open) = loop {
        let open = enclosing_open(src, tokens, at)?;
        let name = prev_significant(tokens, open).filter(|&n| tokens[n].kind == TokKind::Ident);
        match name.map(|n| text_of(src, &tokens[n]).to_ascii_lowercase()) {
            Some(callee) if callee == "curl_init" || callee == "curl_setopt" => {
                break (name?, open);
            }
            _ if lit - open > 64 => return None,
            _ => at = open,
        }
    };
    let args = arguments(src, tokens, open);
    let arg_text = |i: usize| {
        args.get(i)
            .map(|r| String::from_utf8_lossy(&src[r.clone()]).trim().to_string())
    };
    let handle = if text_of(src, &tokens[name]).eq_ignore_ascii_case("curl_init") {
        // `$ch = curl_init($url)`.
        let eq = prev_significant(tokens, name).filter(|&e| tokens[e].is_punct(src, "="))?;
        let var = prev_significant(tokens, eq)?;
        text_of(src, &tokens[var])
    } else {
        if arg_text(1).as_deref() != Some("CURLOPT_URL") || args.len() != 3 {
            return Some(Err("the URL is not the handle's CURLOPT_URL".into()));
        }
        arg_text(0)?
    };
    if !handle.starts_with('$') {
        return Some(Err("the curl handle is not a variable".into()));
    }
    let close = matching_close(src, tokens, open)?;
    let end = next_significant(tokens, close).filter(|&e| tokens[e].is_punct(src, ";"))?;
    // The function body holding the handle; a script's top level counts as one block too.
    let body = enclosing_brace(src, tokens, name);
    let (from, to) = match body {
        Some(b) => (
            b + 1,
            matching_close(src, tokens, b).unwrap_or(tokens.len()),
        ),
        None => (
            name.saturating_sub(CURL_REACH),
            (end + CURL_REACH).min(tokens.len()),
        ),
    };
    let mut header_sets = Vec::new();
    for k in from..to {
        let t = &tokens[k];
        if t.kind != TokKind::Ident {
            continue;
        }
        let callee = text_of(src, t).to_ascii_lowercase();
        if callee != "curl_setopt" && callee != "curl_setopt_array" {
            continue;
        }
        let Some(o) = next_significant(tokens, k).filter(|&o| tokens[o].is_punct(src, "(")) else {
            continue;
        };
        let a = arguments(src, tokens, o);
        let same_handle = a
            .first()
            .is_some_and(|r| String::from_utf8_lossy(&src[r.clone()]).trim() == handle);
        let names_header = a.get(1).is_some_and(|r| {
            memchr::memmem::find(&src[r.clone()], b"CURLOPT_HTTPHEADER").is_some()
        });
        if callee == "curl_setopt_array" && same_handle && names_header {
            return Some(Err(
                "the handle's headers are set by curl_setopt_array; add `x-api-key` there".into(),
            ));
        }
        if same_handle && names_header && callee == "curl_setopt" {
            header_sets.push((o, a));
        }
    }
    let key = req.key.as_code(q);
    let element = match req.key {
        KeySource::Expr(_) => format!("{q}x-api-key: {q} . {key}"),
        _ => format!("{q}x-api-key: {}{q}", req.key.as_text()),
    };
    let applicability = if body.is_some() {
        Applicability::Safe
    } else {
        Applicability::Unsafe // a script's top level: the handle is a global
    };
    let how = "add `x-api-key` to the handle's CURLOPT_HTTPHEADER".to_string();
    Some(match header_sets.as_slice() {
        [] => {
            let long = memchr::memmem::find(src, b"array(").is_some()
                && memchr::memmem::find(src, b"[").is_none();
            let list = if long {
                format!("array({element})")
            } else {
                format!("[{element}]")
            };
            let indent = indent_of(src, tokens[name].span.start);
            let line = format!("curl_setopt({handle}, CURLOPT_HTTPHEADER, {list});");
            Ok(Placement {
                edits: vec![line_after(src, tokens[end].span.end, &indent, &line)],
                applicability,
                how,
            })
        }
        [(o, a)] if a.len() == 3 => {
            let value = token_at(tokens, a[2].start)?;
            if sends_header(
                src,
                tokens,
                value..matching_close(src, tokens, *o).unwrap_or(value),
            ) {
                return Some(Ok(already("the handle already sends `x-api-key`")));
            }
            match php_array(src, tokens, value) {
                Some(arr) => Ok(Placement {
                    edits: vec![insert_first(src, tokens, arr, &element)],
                    applicability,
                    how,
                }),
                None => Err(format!(
                    "the handle's CURLOPT_HTTPHEADER is computed; add {element} to it"
                )),
            }
        }
        _ => {
            Err("the handle sets CURLOPT_HTTPHEADER more than once; add `x-api-key` by hand".into())
        }
    })
}

/// The `{` of the innermost block around token `i` (a function body, in PHP), if any.
fn enclosing_brace(src: &[u8], tokens: &[Token], i: usize) -> Option<usize> {
    let mut at = i;
    loop {
        let open = enclosing_open(src, tokens, at)?;
        if tokens[open].is_punct(src, "{") {
            return Some(open);
        }
        at = open;
    }
}

const RUBY_VERBS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

/// HTTParty: `HTTParty.get(…)`, or `self.class.get(…)` in a class that includes HTTParty.
fn httparty_call(src: &[u8], tokens: &[Token], name: usize) -> Result<(), String> {
    let callee = text_of(src, &tokens[name]);
    if !RUBY_VERBS.contains(&callee.as_str()) {
        return Err(format!("`{callee}(…)` is not a request the fixer knows"));
    }
    let receiver = receiver_of(src, tokens, name);
    let self_class = receiver.as_deref() == Some("class")
        && prev_significant(tokens, name)
            .and_then(|d| prev_significant(tokens, d))
            .and_then(|c| prev_significant(tokens, c))
            .filter(|&d| tokens[d].is_punct(src, "."))
            .and_then(|d| prev_significant(tokens, d))
            .is_some_and(|s| tokens[s].text(src) == b"self")
        && memchr::memmem::find(src, b"include HTTParty").is_some();
    if receiver.as_deref() == Some("HTTParty") || self_class {
        Ok(())
    } else {
        Err(format!("`{callee}(…)` is not known to be an HTTParty call"))
    }
}

/// Adds `x-api-key` to the `headers:` of the HTTParty call at `open` (created when missing).
fn ruby_headers(
    src: &[u8],
    tokens: &[Token],
    open: usize,
    entry: &str,
) -> Result<Vec<Edit>, String> {
    let args = arguments(src, tokens, open);
    let last = args.last().ok_or("the call has no arguments")?;
    let last_tok = token_at(tokens, last.start).ok_or("unreadable argument")?;
    // A trailing hash literal holds the options: `get(url, { headers: … })`.
    let hash = (args.len() > 1 && tokens[last_tok].is_punct(src, "{"))
        .then_some(last_tok)
        .filter(|&h| {
            matching_close(src, tokens, h).is_some_and(|c| tokens[c].span.end == last.end)
        });
    let scope = hash.unwrap_or(open);
    if let Some(v) = entry_value(src, tokens, scope, "headers") {
        if !tokens[v].is_punct(src, "{") {
            return Err("the request's headers are a variable; add `x-api-key` there".into());
        }
        return Ok(vec![insert_first(src, tokens, v, entry)]);
    }
    let text = format!("headers: {{ {entry} }}");
    match hash {
        Some(h) => Ok(vec![insert_first(src, tokens, h, &text)]),
        None if tokens[last_tok].is_punct(src, "&") => {
            Err("the call ends with a block argument".into())
        }
        None => append_argument(src, tokens, open, &text),
    }
}

/// Ruby: `request = Net::HTTP::Get.new(URI(URL))` gets `request['x-api-key'] = k` on the
/// next line; HTTParty `HTTParty.get(URL, …)` gets (or extends) `headers:`.
fn ruby(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = anchor(req)?;
    if req.builder && !map_entry(src, tokens, lit) {
        return Err(BUILDER_CALL.into());
    }
    let (s, e) = logical_statement(src, tokens, lit);
    if sends_header(src, tokens, s..e + 1) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let q = style_quote(req, lit);
    let value = req.key.as_code(q);
    let entry = format!("{q}x-api-key{q} => {value}");
    let httparty = |edits| {
        Ok(Placement {
            edits,
            applicability: Applicability::Safe,
            how: "add `x-api-key` to the HTTParty request's headers".into(),
        })
    };
    if req.builder {
        // `query: { apikey: k }` passed to an HTTParty call.
        let hash = enclosing_open(src, tokens, lit)
            .filter(|&h| tokens[h].is_punct(src, "{"))
            .ok_or("the builder is not a hash")?;
        let owner = prev_significant(tokens, hash)
            .filter(|&a| matches!(tokens[a].text(src), b"=>" | b":"))
            .and_then(|a| prev_significant(tokens, a))
            .filter(|&k| key_is(src, &tokens[k], "query"))
            .ok_or("the builder is not the `query:` of a request")?;
        let mut call =
            enclosing_open(src, tokens, owner).ok_or("the query is not passed to a call")?;
        if tokens[call].is_punct(src, "{") {
            call = enclosing_open(src, tokens, call).ok_or("the query is not passed to a call")?;
        }
        let name = prev_significant(tokens, call)
            .filter(|&n| tokens[call].is_punct(src, "(") && tokens[n].kind == TokKind::Ident)
            .ok_or("the query is not passed to a call")?;
        httparty_call(src, tokens, name)?;
        return httparty(ruby_headers(src, tokens, call, &entry)?);
    }
    let (name, open, idx) = url_argument(src, tokens, lit, |callee, receiver| {
        matches!(
            (callee, receiver),
            ("URI", None) | ("parse", Some("URI")) | ("format" | "sprintf", None)
        )
    })?;
    if idx != 0 {
        return Err("the URL is not the request's first argument".into());
    }
    let callee = text_of(src, &tokens[name]);
    if callee != "new" {
        if receiver_of(src, tokens, name).as_deref() == Some("HTTP") {
            return Err(format!(
                "`Net::HTTP.{callee}` sends no headers; build a `Net::HTTP::Get` request and set `request['x-api-key']`"
            ));
        }
        httparty_call(src, tokens, name)?;
        return httparty(ruby_headers(src, tokens, open, &entry)?);
    }
    // `VAR = Net::HTTP::Get.new(…)`
    let start = callee_start(src, tokens, name);
    let path: Vec<String> = (start..name)
        .filter(|&j| tokens[j].kind == TokKind::Ident)
        .map(|j| text_of(src, &tokens[j]))
        .collect();
    let verb_ok = path.len() == 3
        && path[0] == "Net"
        && path[1] == "HTTP"
        && matches!(
            path[2].as_str(),
            "Get" | "Post" | "Put" | "Patch" | "Delete" | "Head" | "Options"
        );
    if !verb_ok {
        return Err("`.new(…)` is not a Net::HTTP request".into());
    }
    let not_declared = || "the request is not assigned to a variable in this statement".to_string();
    let var = prev_significant(tokens, start)
        .filter(|&q| tokens[q].is_punct(src, "="))
        .and_then(|q| prev_significant(tokens, q))
        .filter(|&v| tokens[v].kind == TokKind::Ident)
        .ok_or_else(not_declared)?;
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    if !first_on_line(src, tokens[var].span.start)
        || !ends_line(src, tokens, close)
        || !statement_ends_at(src, tokens, name, close)
    {
        return Err("the request's statement does not stand on lines of its own".into());
    }
    let var_name = tokens[var].text(src);
    let indent = indent_of(src, tokens[var].span.start);
    if later_header(
        src,
        tokens,
        close,
        var_name,
        indent.len(),
        b"initialize_http_header",
    )? {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let var_name = String::from_utf8_lossy(var_name);
    Ok(Placement {
        edits: vec![line_after(
            src,
            tokens[close].span.end,
            &indent,
            &format!("{var_name}[{q}x-api-key{q}] = {value}"),
        )],
        applicability: Applicability::Safe,
        how: format!("set `{var_name}['x-api-key']` after the request is created"),
    })
}

#[cfg(test)]
mod tests {
    use crate::detect::{ParamShape, analyze};
    use crate::diagnostic::Applicability;
    use crate::fix::apikey::{Plan, plan};
    use crate::source::SourceFile;

    /// Plans the WM002 fix of the file's only `apikey` parameter and applies it alone.
    fn fix(name: &str, src: &str) -> Result<(String, Applicability), String> {
        let file = SourceFile::new(name.into(), name.into(), src.as_bytes().to_vec());
        let lang = crate::lang::for_file_name(name);
        let facts = analyze(&file, lang);
        let params: Vec<_> = facts
            .params
            .iter()
            .filter(|p| p.shape != ParamShape::SecurityScheme)
            .collect();
        assert_eq!(params.len(), 1, "one parameter in {src}");
        match plan(&file, &facts, lang, params[0]) {
            Plan::Fix {
                fix: f, through, ..
            } => {
                let (out, taken) = crate::fix::apply(src.as_bytes(), &[&f]);
                assert_eq!(taken, vec![0]);
                // As `fix::unit` decides: through a variable, safe only when proved local.
                let proven = through.is_none_or(|v| {
                    crate::lang::tree::parse(name, src.as_bytes()).is_some_and(|t| {
                        crate::lang::tree::is_single_use_local(
                            &t,
                            src.as_bytes(),
                            v.binding,
                            v.use_at,
                        )
                    })
                });
                let applicability = if proven {
                    f.applicability
                } else {
                    Applicability::Unsafe
                };
                Ok((String::from_utf8(out).unwrap(), applicability))
            }
            Plan::Manual { reason, .. } => Err(reason),
        }
    }

    fn safe(name: &str, src: &str) -> String {
        match fix(name, src) {
            Ok((out, Applicability::Safe)) => out,
            Ok((out, a)) => panic!("{a:?} fix:\n{out}"),
            Err(reason) => panic!("manual: {reason}\n{src}"),
        }
    }

    fn manual(name: &str, src: &str) -> String {
        match fix(name, src) {
            Ok((out, a)) => panic!("expected manual, got {a:?} fix:\n{out}"),
            Err(reason) => reason,
        }
    }

    // --- Java / Kotlin -------------------------------------------------------------------

    #[test]
    fn java_http_client_builder_one_call_per_line() {
        let src = r#"class A {
    HttpRequest r(String key) {
        return HttpRequest.newBuilder()
                .uri(URI.create("https://api.au.whispir.com/messages?apikey=" + key))
                .GET()
                .build();
    }
}
"#;
        assert_eq!(
            safe("A.java", src),
            r#"class A {
    HttpRequest r(String key) {
        return HttpRequest.newBuilder()
                .uri(URI.create("https://api.au.whispir.com/messages"))
                .header("x-api-key", key)
                .GET()
                .build();
    }
}
"#
        );
    }

    #[test]
    fn java_http_client_new_builder_with_uri() {
        let src = "var r = HttpRequest.newBuilder(URI.create(\"https://api.au.whispir.com/m?limit=5&apikey=\" + k)).build();\n";
        assert_eq!(
            safe("A.java", src),
            "var r = HttpRequest.newBuilder(URI.create(\"https://api.au.whispir.com/m?limit=5\")).header(\"x-api-key\", k).build();\n"
        );
    }

    #[test]
    fn okhttp_builder_inline_java() {
        let src = "Request r = new Request.Builder().url(\"https://api.au.whispir.com/messages?apikey=\" + apiKey).build();\n";
        assert_eq!(
            safe("A.java", src),
            "Request r = new Request.Builder().url(\"https://api.au.whispir.com/messages\").header(\"x-api-key\", apiKey).build();\n"
        );
    }

    #[test]
    fn okhttp_builder_kotlin_with_comment_and_template() {
        let src = r#"class A {
    fun contacts(): Request = Request.Builder()
        .url("https://api.au.whispir.com/contacts?sortOrder=asc&apikey=${apiKey}") // legacy
        .header("Authorization", basicAuth)
        .build()

    fun other(): Request = Request.Builder().url(base).header("x-api-key", apiKey).build()
}
"#;
        assert_eq!(
            safe("A.kt", src),
            r#"class A {
    fun contacts(): Request = Request.Builder()
        .url("https://api.au.whispir.com/contacts?sortOrder=asc") // legacy
        .header("x-api-key", apiKey)
        .header("Authorization", basicAuth)
        .build()

    fun other(): Request = Request.Builder().url(base).header("x-api-key", apiKey).build()
}
"#
        );
    }

    #[test]
    fn kotlin_chain_that_already_sends_the_header_only_loses_the_parameter() {
        let src = r#"fun send(): Request = Request.Builder()
    .url("https://api.au.whispir.com/messages?apikey=${apiKey}")
    .header("X-Api-Key", apiKey)
    .build()
"#;
        assert_eq!(
            safe("A.kt", src),
            r#"fun send(): Request = Request.Builder()
    .url("https://api.au.whispir.com/messages")
    .header("X-Api-Key", apiKey)
    .build()
"#
        );
    }

    #[test]
    fn spring_web_client_uri() {
        let src = "Mono<String> m = webClient.get().uri(\"https://api.au.whispir.com/messages?apikey=\" + key).retrieve().bodyToMono(String.class);\n";
        assert_eq!(
            safe("A.java", src),
            "Mono<String> m = webClient.get().uri(\"https://api.au.whispir.com/messages\").header(\"x-api-key\", key).retrieve().bodyToMono(String.class);\n"
        );
    }

    #[test]
    fn jvm_near_misses_stay_manual() {
        let rest = "String s = restTemplate.getForObject(\"https://api.au.whispir.com/m?apikey=\" + k, String.class);\n";
        assert!(manual("A.java", rest).contains("HttpEntity"));
        // `.url(…)` on something that is not a request builder.
        manual(
            "A.java",
            "String s = page.url(\"https://api.au.whispir.com/m?apikey=\" + k);\n",
        );
        // The URL chooses between two values.
        manual(
            "A.java",
            "Request r = new Request.Builder().url(qa ? \"https://api.au.whispir.com/m?apikey=\" + k : prod).build();\n",
        );
        // A later `.headers(…)` would replace the header OkHttp gets.
        manual(
            "A.java",
            "Request r = new Request.Builder().url(\"https://api.au.whispir.com/m?apikey=\" + k).headers(h).build();\n",
        );
        // HttpURLConnection.
        manual(
            "A.java",
            "HttpURLConnection c = (HttpURLConnection) new URL(\"https://api.au.whispir.com/m?apikey=\" + k).openConnection();\n",
        );
    }

    #[test]
    fn jvm_query_builder_call_is_never_cut_in_half() {
        // Even though the chain sends the header, removing `("apikey", k)` alone would
        // leave `.addQueryParameter` behind.
        let src = r#"val url = "https://api.au.whispir.com/templates".toHttpUrl().newBuilder()
    .addQueryParameter("apikey", apiKey)
    .build()
val r = Request.Builder().url(url).header("x-api-key", apiKey).build()
"#;
        manual("A.kt", src);
    }

    #[test]
    fn url_in_a_comment_is_not_a_request() {
        let src = r#"class A {
    /** Old form: https://api.au.whispir.com/messages?apikey={apikey} */
    void send() {
        conn.setRequestProperty("x-api-key", apikey);
    }
}
"#;
        assert!(manual("A.java", src).contains("comment"));
    }

    // --- C# ------------------------------------------------------------------------------

    #[test]
    fn csharp_request_message_gets_a_header_line() {
        let src = r#"class A {
    Task<HttpResponseMessage> Send(string json) {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://api.au.whispir.com/messages?apikey=" + _apiKey); // old
        request.Content = new StringContent(json);
        return _http.SendAsync(request);
    }
}
"#;
        assert_eq!(
            safe("A.cs", src),
            r#"class A {
    Task<HttpResponseMessage> Send(string json) {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://api.au.whispir.com/messages"); // old
        request.Headers.Add("x-api-key", _apiKey);
        request.Content = new StringContent(json);
        return _http.SendAsync(request);
    }
}
"#
        );
    }

    #[test]
    fn csharp_using_declaration_interpolated_crlf() {
        let src = "void M() {\r\n\tusing var req = new HttpRequestMessage(HttpMethod.Get, $\"https://api.au.whispir.com/users?first={first}&apikey={_apiKey}\");\r\n\treturn;\r\n}\r\n";
        assert_eq!(
            safe("A.cs", src),
            "void M() {\r\n\tusing var req = new HttpRequestMessage(HttpMethod.Get, $\"https://api.au.whispir.com/users?first={first}\");\r\n\treq.Headers.Add(\"x-api-key\", _apiKey);\r\n\treturn;\r\n}\r\n"
        );
    }

    #[test]
    fn csharp_target_typed_new_with_initializer() {
        let src = "void M() {\n    HttpRequestMessage m = new(HttpMethod.Post, \"https://api.au.whispir.com/messages?apikey=KEY\") { Content = c };\n}\n";
        assert_eq!(
            safe("A.cs", src),
            "void M() {\n    HttpRequestMessage m = new(HttpMethod.Post, \"https://api.au.whispir.com/messages\") { Content = c };\n    m.Headers.Add(\"x-api-key\", \"KEY\");\n}\n"
        );
    }

    #[test]
    fn csharp_header_added_later_on_the_same_request() {
        let src = r#"void M() {
    var request = new HttpRequestMessage(HttpMethod.Post,
        string.Format(RegionalTemplate, region) + "/messages?apikey=" + _apiKey); // Whispir
    request.Headers.Add("x-api-key", _apiKey);
}
"#;
        assert_eq!(
            safe("A.cs", src),
            r#"void M() {
    var request = new HttpRequestMessage(HttpMethod.Post,
        string.Format(RegionalTemplate, region) + "/messages"); // Whispir
    request.Headers.Add("x-api-key", _apiKey);
}
"#
        );
    }

    #[test]
    fn csharp_through_a_local_url_variable_used_once_is_safe() {
        // SPEC: a local assigned once and read only by this request (the tree proves it).
        let src = "void M() {\n    var url = \"https://api.au.whispir.com/messages?apikey=\" + _apiKey;\n    var request = new HttpRequestMessage(HttpMethod.Get, url);\n    Send(request);\n}\n";
        let (out, a) = fix("A.cs", src).unwrap();
        assert_eq!(a, Applicability::Safe);
        assert_eq!(
            out,
            "void M() {\n    var url = \"https://api.au.whispir.com/messages\";\n    var request = new HttpRequestMessage(HttpMethod.Get, url);\n    request.Headers.Add(\"x-api-key\", _apiKey);\n    Send(request);\n}\n"
        );
    }

    #[test]
    fn csharp_near_misses_stay_manual() {
        assert!(
            manual(
                "A.cs",
                "var t = _http.GetAsync(\"https://api.au.whispir.com/m?apikey=\" + _apiKey);\n"
            )
            .contains("HttpRequestMessage")
        );
        // Assigned, not declared here.
        manual(
            "A.cs",
            "void M() {\n    request = new HttpRequestMessage(HttpMethod.Get, \"https://api.au.whispir.com/m?apikey=\" + k);\n}\n",
        );
        // Another request in the block sets x-api-key: which one is not clear.
        manual(
            "A.cs",
            "void M() {\n    var a = new HttpRequestMessage(HttpMethod.Get, \"https://api.au.whispir.com/m?apikey=\" + k);\n    other.Headers.Add(\"x-api-key\", k);\n}\n",
        );
        // Conditional header.
        manual(
            "A.cs",
            "void M() {\n    var a = new HttpRequestMessage(HttpMethod.Get, \"https://api.au.whispir.com/m?apikey=\" + k);\n    if (x) {\n        a.Headers.Add(\"x-api-key\", k);\n    }\n}\n",
        );
    }

    // --- Go ------------------------------------------------------------------------------

    #[test]
    fn go_header_after_the_error_check() {
        let src = "func Send(key string) (*http.Response, error) {\n\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/messages?apikey=\"+key, nil)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn http.DefaultClient.Do(req)\n}\n";
        assert_eq!(
            safe("a.go", src),
            "func Send(key string) (*http.Response, error) {\n\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/messages\", nil)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treq.Header.Set(\"x-api-key\", key)\n\treturn http.DefaultClient.Do(req)\n}\n"
        );
    }

    #[test]
    fn go_sprintf_with_context_and_ignored_error() {
        let src = "func F(ctx context.Context) {\n\tr, _ := http.NewRequestWithContext(ctx, \"GET\", fmt.Sprintf(\"https://api.au.whispir.com/messages?apikey=%s\", c.APIKey), nil)\n\tdo(r)\n}\n";
        assert_eq!(
            safe("a.go", src),
            "func F(ctx context.Context) {\n\tr, _ := http.NewRequestWithContext(ctx, \"GET\", fmt.Sprintf(\"https://api.au.whispir.com/messages\"), nil)\n\tr.Header.Set(\"x-api-key\", c.APIKey)\n\tdo(r)\n}\n"
        );
    }

    #[test]
    fn go_without_an_error_check_right_after_is_unsafe() {
        let src = "func F() {\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?apikey=\"+k, nil)\n\tlog.Print(\"x\")\n\tif err != nil {\n\t\treturn\n\t}\n}\n";
        let (out, a) = fix("a.go", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "func F() {\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m\", nil)\n\treq.Header.Set(\"x-api-key\", k)\n\tlog.Print(\"x\")\n\tif err != nil {\n\t\treturn\n\t}\n}\n"
        );
    }

    #[test]
    fn go_header_already_set_after_the_check() {
        let src = "func F() {\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?apikey=\"+k, nil)\n\tif err != nil {\n\t\treturn\n\t}\n\treq.Header.Set(\"X-Api-Key\", k)\n}\n";
        assert_eq!(
            safe("a.go", src),
            "func F() {\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m\", nil)\n\tif err != nil {\n\t\treturn\n\t}\n\treq.Header.Set(\"X-Api-Key\", k)\n}\n"
        );
    }

    #[test]
    fn go_near_misses_stay_manual() {
        assert!(
            manual(
                "a.go",
                "func F() {\n\treturn http.Get(\"https://api.au.whispir.com/m?apikey=\" + k)\n}\n"
            )
            .contains("NewRequest")
        );
        // Declared inside an `if`: no line of its own.
        manual(
            "a.go",
            "func F() {\n\tif req, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?apikey=\"+k, nil); err == nil {\n\t\tdo(req)\n\t}\n}\n",
        );
        // `if err != nil { … } else { … }`
        manual(
            "a.go",
            "func F() {\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?apikey=\"+k, nil)\n\tif err != nil {\n\t\treturn\n\t} else {\n\t\tdo(req)\n\t}\n}\n",
        );
        // A later `req.Header = …` would drop the header.
        manual(
            "a.go",
            "func F() {\n\treq, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?apikey=\"+k, nil)\n\treq.Header = http.Header{\"Accept\": {\"*/*\"}}\n}\n",
        );
        // url.Values builder: the query is encoded elsewhere.
        manual(
            "a.go",
            "func F() {\n\tq := url.Values{\"apikey\": {key}} // Whispir\n\treq.Header.Set(\"x-api-key\", key)\n}\n",
        );
    }

    // --- PHP -----------------------------------------------------------------------------

    #[test]
    fn guzzle_request_extends_existing_headers() {
        let src = "<?php\nuse GuzzleHttp\\Client;\n$r = $client->request('GET', 'https://api.au.whispir.com/messages?apikey=' . $key, ['headers' => ['Accept' => 'application/json']]);\n";
        assert_eq!(
            safe("a.php", src),
            "<?php\nuse GuzzleHttp\\Client;\n$r = $client->request('GET', 'https://api.au.whispir.com/messages', ['headers' => ['x-api-key' => $key, 'Accept' => 'application/json']]);\n"
        );
    }

    #[test]
    fn guzzle_get_without_options_gets_them() {
        let src = "<?php\nuse GuzzleHttp\\Client;\nconst T = 'a';\nreturn $this->guzzle->get(\"https://api.au.whispir.com/scenarios?apikey={$this->api}\");\n";
        assert_eq!(
            safe("a.php", src),
            "<?php\nuse GuzzleHttp\\Client;\nconst T = 'a';\nreturn $this->guzzle->get(\"https://api.au.whispir.com/scenarios\", ['headers' => ['x-api-key' => $this->api]]);\n"
        );
    }

    #[test]
    fn guzzle_options_without_headers_multiline() {
        let src = "<?php\nuse GuzzleHttp\\Client;\nreturn $this->guzzle->post('https://api.au.whispir.com/messages?apikey=' . $this->api, [\n    'json' => $payload,\n]);\n";
        assert_eq!(
            safe("a.php", src),
            "<?php\nuse GuzzleHttp\\Client;\nreturn $this->guzzle->post('https://api.au.whispir.com/messages', [\n    'headers' => ['x-api-key' => $this->api],\n    'json' => $payload,\n]);\n"
        );
    }

    #[test]
    fn guzzle_query_option_moves_to_headers() {
        let src = "<?php\nuse GuzzleHttp\\Client;\n// Whispir\nreturn $this->guzzle->get('/templates', array(\n    'query' => ['apikey' => $this->api, 'limit' => 5],\n));\n";
        assert_eq!(
            safe("a.php", src),
            "<?php\nuse GuzzleHttp\\Client;\n// Whispir\nreturn $this->guzzle->get('/templates', array(\n    'headers' => array('x-api-key' => $this->api),\n    'query' => ['limit' => 5],\n));\n"
        );
    }

    #[test]
    fn php_curl_handles_get_the_header_in_their_httpheader_option() {
        // An existing CURLOPT_HTTPHEADER array on the same handle is extended.
        let src = "<?php\nfunction f($k) {\n    $ch = curl_init();\n    curl_setopt($ch, CURLOPT_URL, 'https://api.au.whispir.com/m?apikey=' . $k);\n    curl_setopt($ch, CURLOPT_HTTPHEADER, array('Accept: application/json'));\n    return curl_exec($ch);\n}\n";
        let (out, a) = fix("a.php", src).unwrap();
        assert_eq!(a, Applicability::Safe);
        assert!(
            out.contains("CURLOPT_URL, 'https://api.au.whispir.com/m');"),
            "{out}"
        );
        assert!(
            out.contains("array('x-api-key: ' . $k, 'Accept: application/json')"),
            "{out}"
        );
        // None on the handle: a line of its own right after curl_init.
        let src = "<?php\nfunction f($id, $k) {\n    $ch = curl_init(\"https://api.au.whispir.com/m/$id?apikey=$k\");\n    return curl_exec($ch);\n}\n";
        let (out, a) = fix("a.php", src).unwrap();
        assert_eq!(a, Applicability::Safe);
        assert!(out.contains("    $ch = curl_init(\"https://api.au.whispir.com/m/$id\");\n    curl_setopt($ch, CURLOPT_HTTPHEADER, [\"x-api-key: \" . $k]);\n"), "{out}");
        // A script's top level: the handle is a global, so unsafe.
        let src = "<?php\n$ch = curl_init('https://api.au.whispir.com/m?apikey=' . $k);\ncurl_exec($ch);\n";
        assert_eq!(fix("a.php", src).unwrap().1, Applicability::Unsafe);
        // Another handle's headers are not this request's.
        let src = "<?php\nfunction f($k) {\n    $a = curl_init('https://api.au.whispir.com/m?apikey=' . $k);\n    curl_setopt($b, CURLOPT_HTTPHEADER, ['A: b']);\n}\n";
        let (out, _) = fix("a.php", src).unwrap();
        assert!(
            out.contains("curl_setopt($a, CURLOPT_HTTPHEADER, ['x-api-key: ' . $k]);"),
            "{out}"
        );
        assert!(
            out.contains("curl_setopt($b, CURLOPT_HTTPHEADER, ['A: b']);"),
            "{out}"
        );
    }

    #[test]
    fn php_near_misses_stay_manual() {
        // No Guzzle in the file.
        manual(
            "a.php",
            "<?php\nreturn $cache->get('https://api.au.whispir.com/m?apikey=' . $k, []);\n",
        );
        // curl with headers computed elsewhere: the array to extend is not in sight.
        assert!(
            manual(
                "a.php",
                "<?php\nfunction f($k, $h) {\n    $ch = curl_init('https://api.au.whispir.com/m?apikey=' . $k);\n    curl_setopt($ch, CURLOPT_HTTPHEADER, $h);\n}\n"
            )
            .contains("CURLOPT_HTTPHEADER")
        );
        // Set twice on the handle: which list is sent is not for the fixer to guess.
        manual(
            "a.php",
            "<?php\nfunction f($k) {\n    $ch = curl_init('https://api.au.whispir.com/m?apikey=' . $k);\n    curl_setopt($ch, CURLOPT_HTTPHEADER, ['A: b']);\n    curl_setopt($ch, CURLOPT_HTTPHEADER, ['C: d']);\n}\n",
        );
        manual(
            "a.php",
            "<?php\nuse GuzzleHttp\\Client;\n$r = $client->get('https://api.au.whispir.com/m?apikey=' . $k, $options);\n",
        );
        // The first entry of `array(…)`: removing it is not safe.
        manual(
            "a.php",
            "<?php\nuse GuzzleHttp\\Client;\n// Whispir\nreturn $c->get('/t', ['query' => array('apikey' => $k), 'headers' => ['x-api-key' => $k]]);\n",
        );
        // http_build_query: the query string is built apart from the request.
        manual(
            "a.php",
            "<?php\n// Whispir\n$q = http_build_query(array('first' => 0, 'apikey' => $this->api));\n",
        );
    }

    // --- Ruby ----------------------------------------------------------------------------

    #[test]
    fn net_http_request_gets_a_header_line() {
        let src = "def status(id)\n  request = Net::HTTP::Get.new(URI(\"https://api.au.whispir.com/messages/#{id}?apikey=#{@api_key}\"))\n  request.basic_auth(@user, @pass)\nend\n";
        assert_eq!(
            safe("a.rb", src),
            "def status(id)\n  request = Net::HTTP::Get.new(URI(\"https://api.au.whispir.com/messages/#{id}\"))\n  request[\"x-api-key\"] = @api_key\n  request.basic_auth(@user, @pass)\nend\n"
        );
    }

    #[test]
    fn httparty_extends_existing_headers() {
        let src = "def templates\n  HTTParty.get(\"https://api.au.whispir.com/templates?apikey=#{@api_key}\",\n               basic_auth: @auth,\n               headers: { 'Accept' => MESSAGE_TYPE })\nend\n";
        assert_eq!(
            safe("a.rb", src),
            "def templates\n  HTTParty.get(\"https://api.au.whispir.com/templates\",\n               basic_auth: @auth,\n               headers: { 'x-api-key' => @api_key, 'Accept' => MESSAGE_TYPE })\nend\n"
        );
    }

    #[test]
    fn httparty_class_call_gets_headers() {
        let src = "class C\n  include HTTParty\n  base_uri 'https://api.au.whispir.com'\n  def contact(id)\n    self.class.get(\"/contacts/#{id}/?apikey=#{@api_key}\", basic_auth: @auth)\n  end\nend\n";
        assert_eq!(
            safe("a.rb", src),
            "class C\n  include HTTParty\n  base_uri 'https://api.au.whispir.com'\n  def contact(id)\n    self.class.get(\"/contacts/#{id}/\", basic_auth: @auth, headers: { 'x-api-key' => @api_key })\n  end\nend\n"
        );
    }

    #[test]
    fn httparty_query_option_one_argument_per_line() {
        let src = "class C\n  include HTTParty\n  base_uri 'https://api.au.whispir.com'\n  def contacts(w)\n    self.class.get(\"/workspaces/#{w}/contacts\",\n                   basic_auth: @auth,\n                   query: { apikey: @api_key, limit: 50 }) # note\n  end\nend\n";
        assert_eq!(
            safe("a.rb", src),
            "class C\n  include HTTParty\n  base_uri 'https://api.au.whispir.com'\n  def contacts(w)\n    self.class.get(\"/workspaces/#{w}/contacts\",\n                   basic_auth: @auth,\n                   query: { limit: 50 },\n                   headers: { 'x-api-key' => @api_key }) # note\n  end\nend\n"
        );
    }

    #[test]
    fn httparty_already_sending_the_header_only_loses_the_parameter() {
        let src = "HTTParty.get(\"https://api.au.whispir.com/t?apikey=#{@api_key}\", headers: { 'X-API-KEY' => @api_key })\n";
        assert_eq!(
            safe("a.rb", src),
            "HTTParty.get(\"https://api.au.whispir.com/t\", headers: { 'X-API-KEY' => @api_key })\n"
        );
    }

    #[test]
    fn ruby_near_misses_stay_manual() {
        // The statement goes on: a line inserted after `.new(…)` would cut the chain.
        manual(
            "a.rb",
            "def s\n  request = Net::HTTP::Get.new(URI(\"https://api.au.whispir.com/m?apikey=#{@k}\"))\n    .tap { |r| r.basic_auth(u, p) }\nend\n",
        );
        // The URL is built apart from the request.
        manual(
            "a.rb",
            "def s(id)\n  uri = URI(\"https://api.au.whispir.com/m/#{id}?apikey=\" + @api_key)\n  Net::HTTP.get_response(uri)\n  Net::HTTP.get_response(uri)\nend\n",
        );
        assert!(
            manual(
                "a.rb",
                "Net::HTTP.get_response(URI(\"https://api.au.whispir.com/m?apikey=#{@k}\"))\n"
            )
            .contains("Net::HTTP::Get")
        );
        // Some other client's `get`.
        manual(
            "a.rb",
            "conn.get(\"https://api.au.whispir.com/m?apikey=#{@k}\", headers: {})\n",
        );
        // Headers held in a variable.
        manual(
            "a.rb",
            "HTTParty.get(\"https://api.au.whispir.com/m?apikey=#{@k}\", headers: hdrs)\n",
        );
    }
}
