//! Token-level detection: `apikey` parameters whose URL is assembled by an expression, and
//! query builders that name `apikey` as a key.

use super::urls::{self, is_apikey_name};
use super::{ApiKeyParam, Facts, HostLink, HostUse, ParamShape, Target};
use crate::hosts::{self, HostKind};
use crate::lang::tokens::{
    Layout, enclosing_map, enclosing_open, expression_end, matching_close, next_significant,
    prev_significant, token_at,
};
use crate::lang::{Language, RequestStyle, TokKind, Token};
use crate::secrets::{ValueKind, classify_value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// How far back (in tokens) an expression or an enclosing container is looked for.
const MAX_WALK: usize = 400;

pub struct Found {
    pub params: Vec<ApiKeyParam>,
    pub hosts: Vec<HostUse>,
}

pub fn analyze(src: &[u8], facts: &Facts, lang: &dyn Language) -> Found {
    let tokens = &facts.tokens;
    let defs = definitions(src, tokens);
    let mut found = Found {
        params: Vec::new(),
        hosts: Vec::new(),
    };
    found.params.extend(fragments(src, facts, lang, &defs));
    found.params.extend(builders(
        src,
        tokens,
        lang,
        &defs,
        &facts.layout,
        facts.whispir_context,
    ));
    found.params.extend(builders_in_f_strings(
        src,
        tokens,
        lang,
        facts.whispir_context,
    ));
    found.hosts.extend(host_arrays(src, tokens));
    found
}

/// Names given a string literal in this file → the token indexes of those literals, in order.
type Defs<'a> = HashMap<&'a [u8], Vec<usize>>;

/// The literal the name at token `at` holds there: the last one it was given before `at`
/// (a local of this function rather than a namesake of an earlier one), or else the first
/// (a constant bound further down).
fn definition_at(src: &[u8], tokens: &[Token], defs: &Defs, at: usize) -> Option<usize> {
    let given = defs.get(tokens[at].content_text(src))?;
    let before = given.partition_point(|&d| d < at);
    given
        .get(before.wrapping_sub(1))
        .or_else(|| given.first())
        .copied()
}

/// `NAME = "literal"`, `NAME: "literal"`, `NAME := "literal"`: the strings a name is given
/// in this file, so `BASE + "?apikey=" + k` can tell which host `BASE` is.
fn definitions<'a>(src: &'a [u8], tokens: &[Token]) -> Defs<'a> {
    let mut defs = HashMap::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != TokKind::Ident && t.kind != TokKind::Str {
            continue;
        }
        let Some(op) = next_significant(tokens, i) else {
            continue;
        };
        if !(tokens[op].is_punct(src, "=")
            || tokens[op].is_punct(src, ":")
            || tokens[op].is_punct(src, "=>"))
        {
            continue;
        }
        let mut v = op + 1;
        if tokens.get(v).is_some_and(|t| t.is_punct(src, "=")) {
            v += 1; // `:=`
        }
        if tokens.get(v).is_some_and(|t| t.kind == TokKind::Str) {
            defs.entry(t.content_text(src))
                .or_insert_with(Vec::new)
                .push(v);
        }
    }
    defs
}

/// What a piece of text says about the host a URL goes to.
enum HostHint {
    /// A Whispir host, and where its literal is when it is a real host name.
    Whispir(HostKind, Option<HostLink>),
    /// Another host (another vendor, or a Whispir web host): not ours.
    Other,
    None,
}

/// `text` starts at byte `offset` of the file; `read_at` is where the request reads the name
/// `text` was reached through, if it was.
fn host_hint(text: &[u8], offset: usize, read_at: Option<usize>) -> HostHint {
    let found = urls::find_hosts(text);
    if let Some(h) = found.iter().find(|h| h.kind.is_api()) {
        let link = HostLink {
            at: offset + h.host.start,
            read_at,
        };
        return HostHint::Whispir(h.kind.clone(), Some(link));
    }
    // `".whispir.com/templates"` ends a host built as `"https://api." + region + "…"`.
    if found
        .iter()
        .any(|h| h.kind == HostKind::Placeholder || text.get(h.host.start) == Some(&b'.'))
    {
        return HostHint::Whispir(HostKind::Placeholder, None);
    }
    // A bare scheme (`'https://' + HOST`) says nothing about the host.
    let bare_scheme =
        text.eq_ignore_ascii_case(b"https://") || text.eq_ignore_ascii_case(b"http://");
    if !bare_scheme && (memchr::memmem::find(text, b"://").is_some() || looks_like_host(text)) {
        return HostHint::Other;
    }
    HostHint::None
}

/// `api.example.com/v1` without a scheme.
fn looks_like_host(text: &[u8]) -> bool {
    let head: &[u8] = text
        .split(|&b| b == b'/' || b == b'?')
        .next()
        .unwrap_or(b"");
    let dots = head.iter().filter(|&&b| b == b'.').count();
    dots >= 1
        && !head.is_empty()
        && head
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b':')
        && head.last().is_some_and(|b| b.is_ascii_alphabetic())
        && head[0].is_ascii_alphabetic()
}

/// `?apikey=` / `&apikey=` not already part of a Whispir URL found by the raw scan.
fn fragments(src: &[u8], facts: &Facts, lang: &dyn Language, defs: &Defs) -> Vec<ApiKeyParam> {
    let mut out = Vec::new();
    let known: std::collections::HashSet<usize> =
        facts.params.iter().map(|p| p.name.start).collect();
    for at in super::APIKEY.find_iter(src).map(|m| m.start()) {
        // `"apikey={0}"` as a piece of its own (a nested `String.Format` argument) has no separator.
        let starts_literal = || {
            token_at(&facts.tokens, at).is_some_and(|i| {
                facts.tokens[i].kind == TokKind::Str && facts.tokens[i].content().start == at
            })
        };
        let Some(sep) = separator_before(src, at).or_else(|| starts_literal().then_some(at..at))
        else {
            continue;
        };
        let after = at + 6;
        let assigned = src.get(after) == Some(&b'=')
            || (src.get(after) == Some(&b'\\') && src.get(after + 1) == Some(&b'='));
        if !assigned {
            continue;
        }
        if known.contains(&at) {
            continue;
        }
        // The run of URL text this parameter sits in; a host inside it decides.
        let run_start = run_start(src, sep.start);
        let run = &src[run_start..sep.start];
        let (target, host) = match host_hint(run, run_start, None) {
            HostHint::Whispir(kind, link) => (Target::Host(kind), link),
            HostHint::Other => continue,
            HostHint::None => match token_at(&facts.tokens, at) {
                Some(i) if facts.tokens[i].kind == TokKind::Str => {
                    match chain_host(src, &facts.tokens, i, lang, defs) {
                        HostHint::Whispir(kind, link) => (Target::Host(kind), link),
                        HostHint::Other => continue,
                        HostHint::None => (Target::WhispirContext, None),
                    }
                }
                _ => (Target::WhispirContext, None),
            },
        };
        if target == Target::WhispirContext && !facts.whispir_context {
            continue;
        }
        // `console.log('apikey=' + v)`: a piece of text with no URL in sight, written out.
        if target == Target::WhispirContext
            && sep.is_empty()
            && token_at(&facts.tokens, at).is_some_and(|i| written_out(src, &facts.tokens, i))
        {
            continue;
        }
        if matches!(target, Target::Host(ref k) if !k.is_api() && *k != HostKind::Placeholder) {
            continue;
        }
        let end = urls::url_end(src, at);
        let Some(p) = urls::query_params(
            src,
            if sep.is_empty() || src[sep.start] == b'\\' {
                at - 1
            } else {
                sep.start
            },
            end.max(at + 7),
        )
        .into_iter()
        .next() else {
            continue;
        };
        if !is_apikey_name(&src[p.name.clone()]) {
            continue;
        }
        // In a regular expression (`\\?apikey=[0-9a-f]{32}`) the value is a pattern the key
        // must match, not a key.
        let value = &src[p.value.clone()];
        let regex = |bytes: &[u8]| bytes.iter().any(|b| b"*+?[](){}|^$\\".contains(b));
        let in_pattern = src[sep.clone()].starts_with(b"\\\\")
            || token_at(&facts.tokens, at).is_some_and(|i| {
                let t = &facts.tokens[i];
                t.kind == TokKind::Str
                    && memchr::memmem::find(&src[t.content().start..sep.start], b"\\\\?").is_some()
            });
        let pattern = in_pattern && regex(value);
        out.push(ApiKeyParam {
            span: p.name.start..p.value.end,
            value_kind: if pattern {
                ValueKind::Placeholder
            } else {
                classify_value(value)
            },
            name: p.name,
            separator: sep,
            value: p.value,
            shape: ParamShape::Fragment,
            target,
            scheme_in: None,
            host,
        });
    }
    out
}

/// Calls that write text out (to a log, a console, a page) rather than send it.
const OUTPUT_CALLS: [&[u8]; 16] = [
    b"log",
    b"info",
    b"debug",
    b"warn",
    b"warning",
    b"error",
    b"trace",
    b"fatal",
    b"print",
    b"println",
    b"printf",
    b"puts",
    b"echo",
    b"writeline",
    b"write",
    b"logger",
];

/// Whether the literal at token `lit` is an argument, or the first operand of one, of a call
/// that writes text out: `console.log('apikey=' + v)`, `logger.info("apikey=%s", k)`.
fn written_out(src: &[u8], tokens: &[Token], lit: usize) -> bool {
    let Some(mut open) = prev_significant(tokens, lit) else {
        return false;
    };
    // A later argument: back over the earlier ones, within the call's brackets.
    let mut depth = 0usize;
    let mut steps = 0;
    while !(depth == 0 && tokens[open].is_punct(src, "(")) {
        let t = &tokens[open];
        if crate::lang::tokens::is_close(src, t) {
            depth += 1;
        } else if crate::lang::tokens::is_open(src, t) {
            if depth == 0 {
                return false;
            }
            depth -= 1;
        } else if depth == 0 && !t.is_punct(src, ",") && t.kind == TokKind::Punct {
            return false; // an operand of an expression: `'?' + 'apikey=' + k`
        }
        steps += 1;
        match prev_significant(tokens, open) {
            Some(p) if steps < MAX_WALK => open = p,
            _ => return false,
        }
    }
    prev_significant(tokens, open).is_some_and(|name| {
        tokens[name].kind == TokKind::Ident
            && OUTPUT_CALLS.contains(&&tokens[name].text(src).to_ascii_lowercase()[..])
    })
}

/// The `?`, `&`, `&amp;` (and a `\` escaping it) right before `at`.
fn separator_before(src: &[u8], at: usize) -> Option<std::ops::Range<usize>> {
    if at >= 5 && src[at - 5..at].eq_ignore_ascii_case(b"&amp;") {
        return Some(at - 5..at);
    }
    if at >= 1 && matches!(src[at - 1], b'?' | b'&') {
        // `\?` is a regular expression's `\?` written in a string literal (a WireMock
        // `urlPattern`): both backslashes go with the separator.
        let escapes = src[..at - 1]
            .iter()
            .rev()
            .take(2)
            .take_while(|&&b| b == b'\\')
            .count();
        return Some(at - 1 - escapes..at);
    }
    None
}

/// Start of the run of non-blank, unquoted text that ends at `end`: the URL a parameter
/// belongs to, when its host is written next to it.
fn run_start(src: &[u8], end: usize) -> usize {
    let mut i = end;
    while i > 0 && !(src[i - 1].is_ascii_whitespace() || matches!(src[i - 1], b'"' | b'\'' | b'`'))
    {
        i -= 1;
    }
    i
}

/// Walks back over the expression that string token `i` is part of (`A + "…" + k`,
/// `$base . "…"`) and reports the first host found in a literal or a named constant.
fn chain_host(
    src: &[u8],
    tokens: &[Token],
    i: usize,
    lang: &dyn Language,
    defs: &Defs,
) -> HostHint {
    let mut depth = 0usize;
    let mut j = i;
    let mut steps = 0;
    while j > 0 && steps < MAX_WALK {
        j -= 1;
        steps += 1;
        let t = &tokens[j];
        match t.kind {
            TokKind::Comment => {}
            TokKind::Newline => {
                if depth == 0 && lang.line_oriented() {
                    let joined = prev_significant(tokens, j).is_some_and(|p| {
                        let txt = tokens[p].text(src);
                        txt == b"\\"
                            || lang
                                .concat_operators()
                                .iter()
                                .any(|op| txt == op.as_bytes())
                    });
                    if !joined {
                        break;
                    }
                }
            }
            TokKind::Str => match host_hint(t.content_text(src), t.content().start, None) {
                HostHint::None => {}
                hint => return hint,
            },
            TokKind::Ident => {
                if let Some(d) = definition_at(src, tokens, defs, j).filter(|&d| d != i) {
                    let read_at = Some(t.start());
                    match host_hint(
                        tokens[d].content_text(src),
                        tokens[d].content().start,
                        read_at,
                    ) {
                        HostHint::None => {}
                        hint => return hint,
                    }
                }
            }
            TokKind::Number => {}
            TokKind::Punct => {
                let p = t.text(src);
                match p {
                    b")" | b"]" => depth += 1,
                    b"(" | b"[" => {
                        if depth == 0 {
                            break;
                        }
                        depth -= 1;
                    }
                    b";" | b"{" | b"}" => break,
                    b"," | b"=" | b":" | b"=>" if depth == 0 => break,
                    _ => {}
                }
            }
        }
    }
    HostHint::None
}

/// `apikey` as a key of a query builder or a query parameter list.
fn builders(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    defs: &Defs,
    layout: &OnceLock<Layout>,
    whispir_context: bool,
) -> Vec<ApiKeyParam> {
    let mut out = Vec::new();
    if !whispir_context {
        return out;
    }
    // Only a file with a builder key pays for these (4 bytes a token).
    let mut depths: Option<Vec<u32>> = None;
    // Whether a name is assigned from a query anywhere in the file, asked once per name: a
    // file of many functions that each build a `q` is not searched per key.
    let mut from_query: std::collections::HashMap<Vec<u8>, bool> = Default::default();
    for (i, t) in tokens.iter().enumerate() {
        if !matches!(t.kind, TokKind::Str | TokKind::Ident) || !is_apikey_name(t.content_text(src))
        {
            continue;
        }
        let Some(role) = key_role(src, tokens, i) else {
            continue;
        };
        let mut faraday = None;
        let containers = enclosing(src, tokens, i);
        let first = containers
            .iter()
            .find_map(|c| classify_container(c))
            .or_else(|| {
                // Go's `q := req.URL.Query(); q.Add("apikey", k)`, C#'s
                // `var q = HttpUtility.ParseQueryString(…); q["apikey"] = k`: the object came
                // from a query.
                let names = containers.first()?;
                let object = match role {
                    KeyRole::Indexed => names.first(),
                    _ => names.get(1),
                }?;
                let layout = layout.get_or_init(|| Layout::of_file(src, tokens));
                let assigned = *from_query
                    .entry(object.clone())
                    .or_insert_with(|| assigned_from_query(src, tokens, layout, object));
                assigned.then_some(Container::Query)
            })
            .or_else(|| (role == KeyRole::NameValue).then(|| handler_location(src, tokens, i))?)
            .or_else(|| {
                if role != KeyRole::Keyed || lang.request_style() != RequestStyle::Ruby {
                    return None;
                }
                let layout = layout.get_or_init(|| Layout::of_file(src, tokens));
                faraday = crate::lang::ruby::positional_query(src, tokens, layout, i);
                faraday.map(|_| Container::Query)
            });
        // Python's `q = {"apikey": k}` passed as `params=q`: a query whatever its name, sent
        // where it is passed (the host is looked for there).
        let passed_at = match first {
            None if role == KeyRole::Keyed && lang.request_style() == RequestStyle::Python => {
                let layout = layout.get_or_init(|| Layout::of_file(src, tokens));
                passed_as_params(src, tokens, layout, i)
            }
            _ => None,
        };
        let first = first.or(passed_at.map(|_| Container::Query));
        let in_query = role == KeyRole::NameValue && sibling_in(src, tokens, i, b"query");
        if first == Some(Container::Header)
            || (role == KeyRole::NameValue && sibling_in(src, tokens, i, b"header"))
        {
            continue;
        }
        let shape = match first {
            _ if in_query => ParamShape::SecurityScheme,
            Some(Container::Query) => ParamShape::Builder,
            _ => continue,
        };
        // The request the builder belongs to may name another vendor's host.
        let depths = depths.get_or_insert_with(|| bracket_depths(src, tokens));
        // A Faraday connection's host is the `url` it was made with.
        let hint = match faraday.and_then(|q| Some((q.receiver, q.connection?))) {
            Some((receiver, open)) => {
                let close = matching_close(src, tokens, open).unwrap_or(open);
                let args = tokens[open].end()..tokens[close].start();
                // A `url` held in a name (`url: BASE`) shows no host: like any query with
                // no host in sight, it moves with the file's retired bases.
                host_hint(
                    &src[args.clone()],
                    args.start,
                    Some(tokens[receiver].start()),
                )
            }
            None => request_host(src, tokens, depths, passed_at.unwrap_or(i), lang, defs),
        };
        let (target, host) = match hint {
            HostHint::Other => continue,
            // The host of the dict's first request, which other requests may pass too:
            // no link, so grouping joins the hosts of all of them (as for a dict known
            // by its name).
            HostHint::Whispir(kind, _) if passed_at.is_some() => (Target::Host(kind), None),
            HostHint::Whispir(kind, link) => (Target::Host(kind), link),
            // Known by its use alone, a dict is Whispir's query only when its request shows a
            // Whispir host: `apikey` is a common parameter name.
            HostHint::None if passed_at.is_some() => continue,
            HostHint::None => (Target::WhispirContext, None),
        };
        let value = match role {
            KeyRole::Keyed => next_significant(tokens, i)
                .and_then(|n| next_significant(tokens, n))
                .filter(|&v| !tokens[v].is_punct(src, ","))
                .map(|v| equal_to_matcher(src, tokens, v).unwrap_or(v)),
            // `q["apikey"] = k`: past `]` and `=`.
            KeyRole::Indexed => next_significant(tokens, i)
                .and_then(|close| next_significant(tokens, close))
                .and_then(|eq| next_significant(tokens, eq)),
            KeyRole::NameValue => sibling(src, tokens, i, b"value"),
            KeyRole::Shorthand | KeyRole::Annotation => None,
        };
        let mut param = builder_param(src, t, value.map(|v| &tokens[v]), shape);
        // A value expression (`@api_key`, `this.key`, `os.environ["K"]`) spans several tokens.
        if let Some(v) = value.filter(|&v| tokens[v].kind != TokKind::Str) {
            param.value = tokens[v].start()..expression_end(src, tokens, v);
        }
        param.target = target;
        param.host = host;
        if in_query {
            param.scheme_in = sibling(src, tokens, i, b"in").map(|v| tokens[v].content());
        }
        out.push(param);
    }
    out
}

/// The calls of requests, httpx and aiohttp (and their sessions and clients) that send a
/// request, by the method's name.
pub(crate) const PYTHON_REQUEST_CALLS: [&str; 9] = [
    "get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
];

/// Python's `NAME = {…}` or `NAME = dict(…)`, the dict holding key token `key`, assigned to a
/// plain name on a line of its own, whose name is next read as the whole `params=NAME` of a
/// request call (`requests.get`, `httpx.post`, a session's or client's `get`): the token of
/// that read.
fn passed_as_params(src: &[u8], tokens: &[Token], layout: &Layout, key: usize) -> Option<usize> {
    let (start, open) =
        enclosing_map(src, tokens, key).filter(|&(_, o)| !tokens[o].is_punct(src, "["))?;
    let eq = prev_significant(tokens, start).filter(|&e| tokens[e].is_punct(src, "="))?;
    let name = prev_significant(tokens, eq).filter(|&n| tokens[n].kind == TokKind::Ident)?;
    let start = tokens[name].start();
    let line_start = memchr::memrchr(b'\n', &src[..start]).map_or(0, |n| n + 1);
    if !src[line_start..start]
        .iter()
        .all(|b| matches!(b, b' ' | b'\t'))
    {
        return None; // `self.q = {…}`, `f(q={…})`
    }
    let close = matching_close(src, tokens, open)?;
    let read = layout
        .uses_after(src, tokens, tokens[name].text(src), close)
        .next()?;
    let keyword = prev_significant(tokens, read)
        .filter(|&e| tokens[e].is_punct(src, "="))
        .and_then(|e| prev_significant(tokens, e))
        .filter(|&k| tokens[k].text(src) == b"params")?;
    let whole = next_significant(tokens, read)
        .is_some_and(|n| tokens[n].is_punct(src, ",") || tokens[n].is_punct(src, ")"));
    let call = enclosing_open(src, tokens, keyword).filter(|&o| tokens[o].is_punct(src, "("))?;
    let callee = prev_significant(tokens, call).filter(|&c| tokens[c].kind == TokKind::Ident)?;
    let sends = PYTHON_REQUEST_CALLS
        .iter()
        .any(|c| tokens[callee].text(src).eq_ignore_ascii_case(c.as_bytes()));
    (whole && sends).then_some(read)
}

/// Query builders in the replacement fields of a Python f-string
/// (`f"https://api…/m?{urlencode({'apikey': k})}"`) or a JavaScript template literal
/// (`` `https://api…/m?${new URLSearchParams({ apikey: k })}` ``): the lexer sees the string
/// whole, so each field of a string that names the encoder and `apikey` is tokenized on its
/// own and read as code that follows the string, the string giving the request's host.
fn builders_in_f_strings(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    whispir_context: bool,
) -> Vec<ApiKeyParam> {
    let mut out = Vec::new();
    use crate::lang::RequestStyle;
    let (opener, encoder): (&[u8], &[u8]) = match lang.request_style() {
        RequestStyle::Python => (b"{", b"urlencode"),
        RequestStyle::JavaScript => (b"${", b"URLSearchParams"),
        _ => return out,
    };
    if !whispir_context {
        return out;
    }
    for (s, t) in tokens.iter().enumerate() {
        let content = t.content();
        let text = &src[content.clone()];
        let interpolates = match lang.request_style() {
            RequestStyle::Python => is_f_string(src, tokens, s),
            _ => src[t.start()] == b'`',
        };
        if t.kind != TokKind::Str
            || !interpolates
            || memchr::memmem::find(text, encoder).is_none()
            || !super::APIKEY.is_match(text)
        {
            continue;
        }
        for field in replacement_fields(text, opener) {
            let at = content.start + field.start;
            let mut window = tokens[s.saturating_sub(MAX_WALK)..=s].to_vec();
            window.extend(
                lang.tokenize(&src[at..content.start + field.end])
                    .iter()
                    .map(|t| t.shifted(at)),
            );
            // Names are looked up by token index (definitions, uses): the window's own, not the
            // file's.
            let window_defs = definitions(src, &window);
            let in_field = builders(
                src,
                &window,
                lang,
                &window_defs,
                &OnceLock::new(),
                whispir_context,
            )
            .into_iter()
            .filter(|p| p.span.start >= at);
            out.extend(in_field);
        }
    }
    out
}

/// The string token at `s` has an `f` among its prefix letters (`f"…"`, `rf'…'`).
fn is_f_string(src: &[u8], tokens: &[Token], s: usize) -> bool {
    let Some(prefix) = s.checked_sub(1).map(|p| &tokens[p]) else {
        return false;
    };
    let letters = prefix.text(src);
    prefix.kind == TokKind::Ident
        && prefix.end() == tokens[s].start()
        && letters.len() <= 2
        && letters.iter().any(|b| matches!(b, b'f' | b'F'))
        && letters
            .iter()
            .all(|b| matches!(b, b'f' | b'F' | b'r' | b'R'))
}

/// The code inside each field (`{…}` in an f-string, where `{{` is a brace; `${…}` in a
/// template literal) of a string's text, as ranges of `text`.
fn replacement_fields(text: &[u8], opener: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut fields = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if opener == b"{" && text[i..].starts_with(b"{{") {
            i += 2;
            continue;
        }
        if !text[i..].starts_with(opener) {
            i += 1;
            continue;
        }
        let start = i + opener.len();
        let mut depth = 1usize;
        let mut j = start;
        while j < text.len() && depth > 0 {
            match text[j] {
                b'{' | b'[' | b'(' => depth += 1,
                b'}' | b']' | b')' => depth -= 1,
                _ => {}
            }
            j += 1;
        }
        if depth > 0 {
            break;
        }
        fields.push(start..j - 1);
        i = j;
    }
    fields
}

/// `name := ….Query()` / `name = ….query_params` somewhere in the file, or JavaScript's
/// `name = new URLSearchParams(…)` / `name = url.searchParams`: whatever the name, it holds a
/// query.
fn assigned_from_query(src: &[u8], tokens: &[Token], layout: &Layout, name: &[u8]) -> bool {
    // The name's assignments from the file's index: a scan of the whole file per key took
    // time growing with the square of a file of thousands of keyword arguments.
    layout.assignments(src, tokens, name).iter().any(|&i| {
        let i = i as usize;
        tokens
            .get(i + 1)
            .is_some_and(|op| op.is_punct(src, "=") || op.is_punct(src, ":"))
            && tokens[i + 1..tokens.len().min(i + 10)]
                .iter()
                .take_while(|t| !t.is_punct(src, ";") && t.kind != TokKind::Newline)
                .any(|t| {
                    let text = t.content_text(src);
                    t.kind == TokKind::Ident
                        && (matches!(text, b"URLSearchParams" | b"searchParams")
                            || String::from_utf8_lossy(text)
                                .to_ascii_lowercase()
                                .contains("query"))
                })
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyRole {
    /// `{"apikey": k}`, `'apikey' => $k`, `apikey=k`, tuples `("apikey", k)`, call arguments.
    Keyed,
    /// JavaScript `{ apikey }`.
    Shorthand,
    /// Postman `{"key": "apikey", …}`, OpenAPI `{"name": "apikey", …}`, C# `Name = "apikey"`.
    NameValue,
    /// Retrofit `@Query("apikey")`, JAX-RS `@QueryParam("apikey")`.
    Annotation,
    /// An entry set by index: C# `query["apikey"] = k`, Faraday `req.params['apikey'] = k`.
    Indexed,
}

fn key_role(src: &[u8], tokens: &[Token], i: usize) -> Option<KeyRole> {
    let t = &tokens[i];
    let prev = prev_significant(tokens, i);
    let next = next_significant(tokens, i);
    let next_is = |p: &str| next.is_some_and(|n| tokens[n].is_punct(src, p));
    let prev_is = |p: &str| prev.is_some_and(|n| tokens[n].is_punct(src, p));
    let assigned = next_is("=")
        && !next.is_some_and(|n| tokens.get(n + 1).is_some_and(|t| t.is_punct(src, "=")));
    if next_is(":") || next_is("=>") || assigned || (next_is(",") && (prev_is("(") || prev_is("[")))
    {
        return Some(KeyRole::Keyed);
    }
    if t.kind == TokKind::Ident && (next_is("}") || next_is(",")) && (prev_is("{") || prev_is(","))
    {
        return Some(KeyRole::Shorthand);
    }
    if t.kind != TokKind::Str {
        return None;
    }
    if prev_is("[") && next_is("]") {
        // Assigned (`q["apikey"] = k`), not read or compared (`q["apikey"] == k`).
        let eq = next.and_then(|close| next_significant(tokens, close));
        let assigned = eq.is_some_and(|e| {
            tokens[e].is_punct(src, "=") && !tokens.get(e + 1).is_some_and(|t| t.is_punct(src, "="))
        });
        return assigned.then_some(KeyRole::Indexed);
    }
    // ASP.NET Core's `QueryHelpers.AddQueryString(url, "apikey", k)`: name and value are the
    // call's second and third arguments.
    if prev_is(",") && next_is(",") && in_call_named(src, tokens, i, "addquerystring") {
        return Some(KeyRole::Keyed);
    }
    let before_prev = prev.and_then(|p| prev_significant(tokens, p));
    if prev_is(":") || prev_is("=") {
        let named = before_prev.is_some_and(|k| {
            let key = tokens[k].content_text(src);
            key.eq_ignore_ascii_case(b"key") || key.eq_ignore_ascii_case(b"name")
        });
        return named.then_some(KeyRole::NameValue);
    }
    // `@Query("apikey")`: the annotation's name is checked as a container.
    let annotated = before_prev
        .and_then(|n| prev_significant(tokens, n))
        .is_some_and(|a| tokens[a].is_punct(src, "@"));
    (prev_is("(") && next_is(")") && annotated).then_some(KeyRole::Annotation)
}

/// Whether token `i` is a direct argument of a call whose name is `name` (lower case).
fn in_call_named(src: &[u8], tokens: &[Token], i: usize, name: &str) -> bool {
    let mut depth = 0usize;
    for j in (i.saturating_sub(MAX_WALK)..i).rev() {
        match tokens[j].text(src) {
            b")" | b"]" | b"}" => depth += 1,
            b"(" if depth == 0 => {
                return prev_significant(tokens, j).is_some_and(|n| {
                    tokens[n].kind == TokKind::Ident
                        && tokens[n].text(src).eq_ignore_ascii_case(name.as_bytes())
                });
            }
            b"(" | b"[" | b"{" if depth > 0 => depth -= 1,
            b"[" | b"{" | b";" => return false,
            _ => {}
        }
    }
    false
}

/// `Name = "apikey"` in the options of a .NET authentication handler that say where the key
/// goes: `o.Location = ApiKeyLocation.QueryString` (or `In = …`) in the same block or
/// initializer makes it a query parameter, a header location a header.
fn handler_location(src: &[u8], tokens: &[Token], i: usize) -> Option<Container> {
    let open = (i.saturating_sub(MAX_WALK)..i)
        .rev()
        .try_fold(0usize, |depth, j| match tokens[j].text(src) {
            b"}" | b"]" | b")" => Ok(depth + 1),
            b"{" if depth == 0 => Err(Some(j)),
            b"[" | b"(" if depth == 0 => Err(None),
            b"{" | b"[" | b"(" => Ok(depth - 1),
            _ => Ok(depth),
        });
    let open = match open {
        Err(Some(o)) => o,
        _ => return None,
    };
    let mut depth = 0usize;
    let mut j = open + 1;
    while j < tokens.len().min(open + MAX_WALK) {
        let t = &tokens[j];
        match t.text(src) {
            b"{" | b"[" | b"(" => depth += 1,
            b"}" | b"]" | b")" if depth == 0 => return None,
            b"}" | b"]" | b")" => depth -= 1,
            member
                if depth == 0
                    && t.kind == TokKind::Ident
                    && (member == b"Location" || member == b"In")
                    && next_significant(tokens, j)
                        .is_some_and(|e| tokens[e].is_punct(src, "=")) =>
            {
                // The value up to the end of the member: its last name says where.
                let value = tokens[j + 1..tokens.len().min(j + 12)]
                    .iter()
                    .take_while(|v| !matches!(v.text(src), b";" | b"," | b"}" | b"\n"))
                    .filter(|v| v.kind == TokKind::Ident)
                    .last()?;
                let name = value.text(src).to_ascii_lowercase();
                let contains = |w: &[u8]| name.windows(w.len()).any(|x| x == w);
                return if contains(b"query") {
                    Some(Container::Query)
                } else if contains(b"header") {
                    Some(Container::Header)
                } else {
                    None
                };
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// Bracket depth before each token, for telling a statement's line break from one inside
/// an argument list.
fn bracket_depths(src: &[u8], tokens: &[Token]) -> Vec<u32> {
    let mut depth = 0u32;
    tokens
        .iter()
        .map(|t| {
            let d = depth;
            if t.kind == TokKind::Punct {
                match t.text(src) {
                    b"(" | b"[" | b"{" => depth += 1,
                    b")" | b"]" | b"}" => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            d
        })
        .collect()
}

/// The host of the request a builder key belongs to: the nearest URL literal (or Postman
/// `host` array) before it in the same statement.
fn request_host(
    src: &[u8],
    tokens: &[Token],
    depths: &[u32],
    i: usize,
    lang: &dyn Language,
    defs: &Defs,
) -> HostHint {
    for j in (i.saturating_sub(MAX_WALK)..i).rev() {
        let t = &tokens[j];
        match t.kind {
            TokKind::Punct if t.text(src) == b";" => break,
            TokKind::Newline if lang.line_oriented() && depths[j] == 0 => break,
            // The body of a function or a block (`fun f(): T {`, `if (…) {`): what comes
            // before it is another statement, not this request.
            TokKind::Punct
                if t.text(src) == b"{"
                    && depths[j] < depths[i]
                    && prev_significant(tokens, j).is_some_and(|p| {
                        tokens[p].is_punct(src, ")")
                            || (tokens[p].kind == TokKind::Ident
                                && tokens[p].text(src) != b"return")
                    }) =>
            {
                break;
            }
            TokKind::Ident => {
                if let Some(d) = definition_at(src, tokens, defs, j) {
                    let read_at = Some(t.start());
                    match host_hint(
                        tokens[d].content_text(src),
                        tokens[d].content().start,
                        read_at,
                    ) {
                        HostHint::None => {}
                        hint => return hint,
                    }
                }
            }
            TokKind::Str => {
                let text = t.content_text(src);
                let array = text
                    .eq_ignore_ascii_case(b"host")
                    .then(|| host_array_at(src, tokens, j))
                    .flatten();
                if let Some(h) = array {
                    return if h.kind.is_api() {
                        let link = HostLink {
                            at: h.host.start,
                            read_at: None,
                        };
                        HostHint::Whispir(h.kind, Some(link))
                    } else {
                        HostHint::Other
                    };
                }
                match host_hint(text, t.content().start, None) {
                    HostHint::None => {}
                    hint => return hint,
                }
            }
            _ => {}
        }
    }
    HostHint::None
}

/// WireMock's `"apikey": {"equalTo": "KEY"}`: the string the matcher wants, when the value at
/// token `v` is such a matcher and nothing else.
fn equal_to_matcher(src: &[u8], tokens: &[Token], v: usize) -> Option<usize> {
    let t = |k: usize, p: &str| tokens[k].is_punct(src, p);
    let name = next_significant(tokens, v).filter(|_| t(v, "{"))?;
    let colon = next_significant(tokens, name).filter(|&c| t(c, ":"))?;
    let string = next_significant(tokens, colon).filter(|&s| tokens[s].kind == TokKind::Str)?;
    let close = next_significant(tokens, string).filter(|&c| t(c, "}"))?;
    (tokens[name].kind == TokKind::Str && tokens[name].content_text(src) == b"equalTo" && close > 0)
        .then_some(string)
}

fn builder_param(src: &[u8], key: &Token, value: Option<&Token>, shape: ParamShape) -> ApiKeyParam {
    let (value_range, value_kind) = match value {
        Some(v) if v.kind == TokKind::Str => (v.content(), classify_value(v.content_text(src))),
        Some(v) => (v.span(), ValueKind::Interpolated),
        None => (key.end()..key.end(), ValueKind::Absent),
    };
    ApiKeyParam {
        span: key.span(),
        name: key.content(),
        separator: key.start()..key.start(),
        value: value_range,
        value_kind,
        shape,
        target: Target::WhispirContext,
        scheme_in: None,
        host: None,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Container {
    Query,
    Header,
}

fn classify_container(names: &[Vec<u8>]) -> Option<Container> {
    // Go's `url.Values{…}` is a query.
    if names.len() >= 2 && names[0] == b"Values" && names[1] == b"url" {
        return Some(Container::Query);
    }
    for name in names {
        let n: String = String::from_utf8_lossy(name)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if n.contains("header")
            || n == "setrequestproperty"
            || n.contains("auth")
            || n.contains("cookie")
        {
            return Some(Container::Header);
        }
        if n.contains("query")
            || n.contains("param")
            || n == "qs"
            || n == "urlencode"
            || n == "encodewwwform"
            || n == "prepareurl"
        {
            return Some(Container::Query);
        }
    }
    None
}

/// For each bracket enclosing token `i`, innermost first, the names in front of it:
/// `params={…}` → `params`; `.addQueryParameter(…)` → `addQueryParameter`;
/// `url.searchParams.append(…)` → `append`, `searchParams`; `'query' => […]` → `query`.
fn enclosing(src: &[u8], tokens: &[Token], i: usize) -> Vec<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut j = i;
    let mut steps = 0;
    while j > 0 && out.len() < 4 && steps < MAX_WALK {
        j -= 1;
        steps += 1;
        let t = &tokens[j];
        if t.kind != TokKind::Punct {
            continue;
        }
        match t.text(src) {
            b")" | b"]" | b"}" => depth += 1,
            b"(" | b"[" | b"{" => {
                if depth > 0 {
                    depth -= 1;
                    continue;
                }
                out.push(names_before(src, tokens, j));
            }
            b";" if depth == 0 => break,
            _ => {}
        }
    }
    out
}

fn names_before(src: &[u8], tokens: &[Token], open: usize) -> Vec<Vec<u8>> {
    let mut names = Vec::new();
    let mut k = open;
    while let Some(p) = prev_significant(tokens, k) {
        let t = &tokens[p];
        match t.kind {
            TokKind::Punct
                if matches!(
                    t.text(src),
                    b"=" | b":" | b"=>" | b"&" | b"*" | b"." | b"::" | b"->" | b"?"
                ) =>
            {
                k = p;
            }
            TokKind::Ident | TokKind::Str => {
                let text = t.content_text(src);
                if text == b"new" {
                    k = p;
                    continue;
                }
                names.push(text.to_vec());
                if names.len() >= 2 {
                    break;
                }
                k = p;
            }
            _ => break,
        }
    }
    names
}

/// The object holding token `i` also has `"in": <place>` (OpenAPI in JSON).
fn sibling_in(src: &[u8], tokens: &[Token], i: usize, place: &[u8]) -> bool {
    sibling(src, tokens, i, b"in")
        .is_some_and(|v| tokens[v].content_text(src).eq_ignore_ascii_case(place))
}

/// The string value of member `key` of the object (`{…}`, or a C# initializer) holding
/// token `i`, as a token index. Members are `key: value` or `Key = value`.
fn sibling(src: &[u8], tokens: &[Token], i: usize, key: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut open = None;
    for j in (i.saturating_sub(MAX_WALK)..i).rev() {
        match tokens[j].text(src) {
            b"}" | b"]" | b")" => depth += 1,
            b"{" | b"[" | b"(" if depth > 0 => depth -= 1,
            b"{" => {
                open = Some(j);
                break;
            }
            b"[" | b"(" => return None,
            _ => {}
        }
    }
    let open = open?;
    let mut depth = 0usize;
    for j in open + 1..tokens.len().min(open + MAX_WALK) {
        let t = &tokens[j];
        match t.text(src) {
            b"{" | b"[" | b"(" => depth += 1,
            b"}" | b"]" | b")" => {
                if depth == 0 {
                    return None;
                }
                depth -= 1;
            }
            _ if depth == 0
                && matches!(t.kind, TokKind::Str | TokKind::Ident)
                && t.content_text(src).eq_ignore_ascii_case(key) =>
            {
                let op = next_significant(tokens, j)?;
                let v = next_significant(tokens, op)?;
                if (tokens[op].is_punct(src, ":") || tokens[op].is_punct(src, "=")) && j != i {
                    return Some(v);
                }
            }
            _ => {}
        }
    }
    None
}

/// Postman's `"host": ["api", "whispir", "com"]` with the `"host"` key at token `i`.
fn host_array_at(src: &[u8], tokens: &[Token], i: usize) -> Option<HostUse> {
    let colon = next_significant(tokens, i).filter(|&c| tokens[c].is_punct(src, ":"))?;
    let open = next_significant(tokens, colon).filter(|&o| tokens[o].is_punct(src, "["))?;
    let mut parts = Vec::new();
    let mut j = open + 1;
    loop {
        let t = tokens.get(j)?;
        match t.kind {
            TokKind::Str => parts.push(String::from_utf8_lossy(t.content_text(src)).into_owned()),
            TokKind::Punct if t.text(src) == b"," => {}
            TokKind::Punct if t.text(src) == b"]" => break,
            _ => return None,
        }
        j += 1;
    }
    if parts.len() < 2 {
        return None;
    }
    let span = tokens[open].start()..tokens[j].end();
    Some(HostUse {
        host: span.clone(),
        kind: hosts::classify(&parts.join(".")),
        scheme: None,
        insecure: false,
        url: span,
        port: None,
    })
}

/// Every Postman `host` array that names a Whispir API host.
fn host_arrays(src: &[u8], tokens: &[Token]) -> Vec<HostUse> {
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.kind == TokKind::Str && t.content_text(src).eq_ignore_ascii_case(b"host")
        })
        .filter_map(|(i, _)| host_array_at(src, tokens, i))
        .filter(|h| h.kind.is_api())
        .collect()
}
