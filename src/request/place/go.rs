//! Go: `http.NewRequest` held in a variable.

use super::cursor::*;
use super::{INSTEAD, Placement, Request, already};
use crate::diagnostic::{Applicability, Edit};
use crate::lang::tokens::{
    arguments, matching_close, next_significant, prev_significant, token_at,
};
use crate::lang::{TokKind, Token};

/// Go: `req, err := http.NewRequest(method, URL, body)` gets `req.Header.Set("x-api-key", k)`
/// after the `if err != nil { … }` that follows it (or right after it when the error is `_`).
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    if req.builder
        && let Some(added) = query_statement(src, tokens, anchor(req)?)
    {
        return added_to_query(req, &added?);
    }
    let lit = match opening(req, true)? {
        Ok(lit) => lit,
        Err(sent) => return Ok(sent),
    };
    let lit = if req.builder {
        match encoded_values(req, lit)? {
            Encoded::InUrl(at) => at,
            Encoded::RawQuery(name, open) => return new_request(req, name, open),
        }
    } else {
        lit
    };
    // A raw string: an interpreted one would need the header's quotes escaped.
    if let Some(placed) = curl_in_string(req, lit, b"`") {
        return placed;
    }
    let (name, open, idx) = url_argument(req, lit, |callee, receiver| {
        matches!((callee, receiver), ("Sprintf", Some("fmt")))
    })?;
    let callee = text_of(src, &tokens[name]);
    let receiver = receiver_of(src, tokens, name);
    let args = arguments(src, tokens, open);
    let (url_index, arity) = match (callee.as_str(), receiver.as_deref()) {
        ("NewRequest", Some("http")) => (1, 3),
        ("NewRequestWithContext", Some("http")) => (2, 4),
        ("Get", Some("http")) if idx == 0 && args.len() == 1 => {
            return rewrite_get(req, name, open);
        }
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
    new_request(req, name, open)
}

/// `if err != nil { … }` right after token `close`: its `if` and its closing brace.
fn error_check(
    src: &[u8],
    tokens: &[crate::lang::Token],
    close: usize,
    err_name: &[u8],
) -> Option<(usize, usize)> {
    let check = next_significant(tokens, close)?;
    let want: [&[u8]; 6] = [b"if", err_name, b"!", b"=", b"nil", b"{"];
    let mut k = check;
    for (n, w) in want.iter().enumerate() {
        if n > 0 {
            k = next_significant(tokens, k)?;
        }
        if tokens[k].text(src) != *w {
            return None;
        }
    }
    Some((check, matching_close(src, tokens, k)?))
}

/// Where the query of a `url.Values` literal is sent.
enum Encoded {
    /// `q.Encode()` written in the request's URL (the token `q`).
    InUrl(usize),
    /// `req.URL.RawQuery = q.Encode()`: the `http.NewRequest` call that made `req` (name, `(`).
    RawQuery(usize, usize),
}

/// `q := url.Values{"apikey": {k}, …}` (the key token at `key`), read in this function only
/// by `q.Set`/`q.Add`/`q.Del` and exactly one `q.Encode()`, sent as part of one request's URL.
fn encoded_values(req: &Request, key: usize) -> Result<Encoded, String> {
    let (src, tokens) = (req.src, req.tokens);
    if req.key.as_text().contains(['{', '[']) {
        return Err("the key is not one plain value of the values".into());
    }
    let not_values = || BUILDER_CALL.to_string();
    let open = req
        .enclosing_open(key)
        .filter(|&o| tokens[o].is_punct(src, "{"))
        .ok_or_else(not_values)?;
    let ty = prev_significant(tokens, open)
        .filter(|&t| tokens[t].text(src) == b"Values")
        .ok_or_else(not_values)?;
    if receiver_of(src, tokens, ty).as_deref() != Some("url") {
        return Err(not_values());
    }
    let start = callee_start(src, tokens, ty);
    let var = prev_significant(tokens, start)
        .filter(|&q| tokens[q].is_punct(src, "="))
        .and_then(|q| prev_significant(tokens, q))
        .filter(|&c| tokens[c].is_punct(src, ":"))
        .and_then(|c| prev_significant(tokens, c))
        .filter(|&v| tokens[v].kind == TokKind::Ident && first_on_line(src, tokens[v].start()))
        .ok_or("the values are not declared as `q := url.Values{…}` on a line of their own")?;
    let close = matching_close(src, tokens, open).ok_or("unbalanced values")?;
    // Values that hold only the key go whole (see `key_only_values`), where the URL is built.
    let key_only = holds_only_its_first_entry(src, tokens, open);
    let body = req
        .enclosing_open(var)
        .ok_or("the values are not in a function")?;
    let body_end = matching_close(src, tokens, body).ok_or("unbalanced function")?;
    let name = tokens[var].text(src);
    let mut encode = None;
    for j in close + 1..body_end {
        if tokens[j].kind != TokKind::Ident || tokens[j].text(src) != name {
            continue;
        }
        let method = next_significant(tokens, j)
            .filter(|&d| tokens[d].is_punct(src, "."))
            .and_then(|d| next_significant(tokens, d));
        let args = method.and_then(|m| next_significant(tokens, m));
        match method.map(|m| tokens[m].text(src)) {
            Some(b"Encode") if encode.is_none() => encode = Some(j),
            Some(b"Set" | b"Add") => {
                let first = args.and_then(|a| next_significant(tokens, a));
                if first.is_some_and(|f| key_is(src, &tokens[f], "apikey")) {
                    return Err("the key is also added to the values later".into());
                }
            }
            Some(b"Del" | b"Get" | b"Has") => {}
            _ => {
                return Err(format!(
                    "`{}` is used beyond one `.Encode()`; move the key by hand",
                    String::from_utf8_lossy(name)
                ));
            }
        }
    }
    let encode = encode.ok_or("the values are not encoded into a request here")?;
    // `req.URL.RawQuery = q.Encode()`.
    let raw = prev_significant(tokens, encode)
        .filter(|&e| tokens[e].is_punct(src, "="))
        .and_then(|e| prev_significant(tokens, e))
        .filter(|&r| tokens[r].text(src) == b"RawQuery");
    let Some(raw) = raw else {
        return Ok(Encoded::InUrl(encode));
    };
    if key_only {
        return Err(KEY_ONLY_RAW_QUERY.into());
    }
    let (first, _) = logical_statement(req, raw);
    let request = tokens[first].text(src);
    let made = (body..first)
        .rev()
        .find(|&j| {
            matches!(
                tokens[j].text(src),
                b"NewRequest" | b"NewRequestWithContext"
            ) && tokens[logical_statement(req, j).0].text(src) == request
        })
        .ok_or("the request whose query is set is not made in this function")?;
    let call = next_significant(tokens, made)
        .filter(|&o| tokens[o].is_punct(src, "("))
        .ok_or("unreadable request")?;
    Ok(Encoded::RawQuery(made, call))
}

/// The `{…}` literal at `open` holds one entry (`"apikey": {k}`, a trailing comma allowed).
fn holds_only_its_first_entry(src: &[u8], tokens: &[Token], open: usize) -> bool {
    let close = matching_close(src, tokens, open);
    next_significant(tokens, open)
        .and_then(|k| next_significant(tokens, k))
        .and_then(|c| next_significant(tokens, c))
        .and_then(|v| matching_close(src, tokens, v))
        .and_then(|e| next_significant(tokens, e))
        .is_some_and(|e| Some(e) == close || next_significant(tokens, e) == close)
}

const KEY_ONLY_RAW_QUERY: &str = "the values hold only the key and replace the request's whole query: delete them and the `….URL.RawQuery = ….Encode()` line, and add the header";

/// `q := url.Values{"apikey": {k}}`, on a line of its own and holding nothing but the key
/// (token `key`), read once, as `"…?" + q.Encode()` ending a URL argument: the removal deletes
/// the declaration, the `?` and `+ q.Encode()`. `None` when the key is not the only entry of
/// such values; `Err` when they are read otherwise.
pub(crate) fn key_only_values(
    src: &[u8],
    tokens: &[Token],
    key: usize,
) -> Option<Result<Vec<Edit>, String>> {
    let open = crate::lang::tokens::enclosing_open(src, tokens, key)
        .filter(|&o| tokens[o].is_punct(src, "{") && next_significant(tokens, o) == Some(key))?;
    let ty = prev_significant(tokens, open).filter(|&t| tokens[t].text(src) == b"Values")?;
    if receiver_of(src, tokens, ty).as_deref() != Some("url")
        || !holds_only_its_first_entry(src, tokens, open)
    {
        return None;
    }
    Some(key_only_values_edits(
        src,
        tokens,
        open,
        callee_start(src, tokens, ty),
    ))
}

fn key_only_values_edits(
    src: &[u8],
    tokens: &[Token],
    open: usize,
    start: usize,
) -> Result<Vec<Edit>, String> {
    let whole = || {
        "the values hold only the key: delete them and `+ q.Encode()` where the URL is built, and add the header".to_string()
    };
    let close = matching_close(src, tokens, open).ok_or("unbalanced values")?;
    let var = prev_significant(tokens, start)
        .filter(|&q| tokens[q].is_punct(src, "="))
        .and_then(|q| prev_significant(tokens, q))
        .filter(|&c| tokens[c].is_punct(src, ":"))
        .and_then(|c| prev_significant(tokens, c))
        .filter(|&v| tokens[v].kind == TokKind::Ident)
        .ok_or_else(whole)?;
    let declaration = line_of_statement(src, tokens, var, close).ok_or_else(whole)?;
    let body = crate::lang::tokens::enclosing_open(src, tokens, var).ok_or_else(whole)?;
    let body_end = matching_close(src, tokens, body).ok_or("unbalanced block")?;
    let name = tokens[var].text(src);
    let mut reads = (close + 1..body_end).filter(|&j| {
        tokens[j].kind == TokKind::Ident
            && tokens[j].text(src) == name
            && !is_method(src, tokens, j)
    });
    let (Some(read), None) = (reads.next(), reads.next()) else {
        return Err(whole());
    };
    // `"https://…/path?" + q.Encode()` as the end of an argument.
    let mut k = read;
    for want in [b".".as_slice(), b"Encode", b"(", b")"] {
        k = next_significant(tokens, k)
            .filter(|&n| tokens[n].text(src) == want)
            .ok_or_else(whole)?;
    }
    if next_significant(tokens, k).is_some_and(|n| tokens[n].is_punct(src, "="))
        || prev_significant(tokens, read)
            .and_then(|e| prev_significant(tokens, e))
            .is_some_and(|r| tokens[r].text(src) == b"RawQuery")
    {
        return Err(KEY_ONLY_RAW_QUERY.into());
    }
    let ends_argument =
        next_significant(tokens, k).is_some_and(|n| matches!(tokens[n].text(src), b"," | b")"));
    let literal = prev_significant(tokens, read)
        .filter(|&p| tokens[p].is_punct(src, "+"))
        .and_then(|p| prev_significant(tokens, p))
        .filter(|&l| tokens[l].kind == TokKind::Str);
    let Some(literal) = literal.filter(|_| ends_argument) else {
        return Err(whole());
    };
    let content = tokens[literal].content();
    if content.is_empty() || src[content.end - 1] != b'?' {
        return Err(whole());
    }
    // `… + "?" + q.Encode()`: the literal goes with the `+` before it.
    let query_only = if content.len() == 1 {
        let plus = prev_significant(tokens, literal)
            .filter(|&p| tokens[p].is_punct(src, "+"))
            .ok_or_else(whole)?;
        Some(prev_significant(tokens, plus).ok_or_else(whole)?)
    } else {
        None
    };
    // Go refuses an unused import: `net/url` must still be read elsewhere.
    let url_read_elsewhere = tokens.iter().enumerate().any(|(j, t)| {
        t.kind == TokKind::Ident
            && t.text(src) == b"url"
            && !declaration.contains(&t.start())
            && next_significant(tokens, j)
                .filter(|&d| tokens[d].is_punct(src, "."))
                .and_then(|d| next_significant(tokens, d))
                .is_some_and(|m| {
                    tokens[m]
                        .text(src)
                        .first()
                        .is_some_and(u8::is_ascii_uppercase)
                })
    });
    if !url_read_elsewhere {
        return Err(format!(
            "{}; the `net/url` import goes too, as nothing else uses it",
            whole()
        ));
    }
    Ok(match query_only {
        Some(before) => vec![
            Edit::delete(declaration),
            Edit::delete(tokens[before].end()..tokens[k].end()),
        ],
        None => vec![
            Edit::delete(declaration),
            Edit::delete(content.end - 1..content.end),
            Edit::delete(tokens[literal].end()..tokens[k].end()),
        ],
    })
}

/// `q.Add("apikey", k)` (or `q.Set`) on a line of its own, adding the key to the query that
/// `q := req.URL.Query()` copied from a request and `req.URL.RawQuery = q.Encode()` puts back
/// (the transitional clients of issue 9, often with the header already set beside it).
pub(crate) struct QueryStatement {
    /// The lines the fix deletes: the statement, and with it the declaration and the
    /// encoding when `q` carries nothing else.
    pub lines: Vec<std::ops::Range<usize>>,
    /// The `http.NewRequest` call that made the request: its name token and `(`.
    pub made: (usize, usize),
    /// The call that adds the key (`q.Add("apikey", k)`), for messages.
    pub call: String,
}

/// The shape above around the key token `key` (`"apikey"`): `None` when the key is not the
/// first argument of `NAME.Add(…)`/`NAME.Set(…)`, `Err` when it is but the query is not
/// provably that one request's.
pub(crate) fn query_statement(
    src: &[u8],
    tokens: &[Token],
    key: usize,
) -> Option<Result<QueryStatement, String>> {
    let open = prev_significant(tokens, key).filter(|&o| tokens[o].is_punct(src, "("))?;
    let method = prev_significant(tokens, open)
        .filter(|&m| matches!(tokens[m].text(src), b"Add" | b"Set"))?;
    let var = prev_significant(tokens, method)
        .filter(|&d| tokens[d].is_punct(src, "."))
        .and_then(|d| prev_significant(tokens, d))
        .filter(|&v| tokens[v].kind == TokKind::Ident)?;
    if is_method(src, tokens, var) {
        return None; // `c.q.Add(…)`: a field, not a local query
    }
    Some(query_of_request(src, tokens, (var, open)))
}

/// For a key added by a `QueryStatement` at byte `at`: the byte range of the statement
/// that made its request (`req, err := http.NewRequest(…, URL, …)`), which names its host.
/// Also for a key in `q := url.Values{…}` whose one `q.Encode()` is read by the request's
/// URL argument, or by `req.URL.RawQuery = q.Encode()`.
pub(crate) fn query_request(
    src: &[u8],
    tokens: &[Token],
    at: usize,
) -> Option<std::ops::Range<usize>> {
    let key = token_at(tokens, at)?;
    let made = match query_statement(src, tokens, key) {
        Some(added) => added.ok()?.made.0,
        None => values_request(src, tokens, key)?,
    };
    let var = assigned_request(src, tokens, made)?;
    let call = next_significant(tokens, made)?;
    Some(tokens[var].start()..tokens[matching_close(src, tokens, call)?].end())
}

/// The `http.NewRequest` (name token) that sends `q := url.Values{…}` holding the key token
/// `key`, when `q` is encoded exactly once in its block: in that call's arguments, or as
/// `req.URL.RawQuery = q.Encode()` for the request made before.
fn values_request(src: &[u8], tokens: &[Token], key: usize) -> Option<usize> {
    use crate::lang::tokens::enclosing_open;
    let open = enclosing_open(src, tokens, key).filter(|&o| tokens[o].is_punct(src, "{"))?;
    let ty = prev_significant(tokens, open).filter(|&t| tokens[t].text(src) == b"Values")?;
    let var = prev_significant(tokens, callee_start(src, tokens, ty))
        .filter(|&q| tokens[q].is_punct(src, "="))
        .and_then(|q| prev_significant(tokens, q))
        .filter(|&c| tokens[c].is_punct(src, ":"))
        .and_then(|c| prev_significant(tokens, c))?;
    let body = enclosing_open(src, tokens, var)?;
    let body_end = matching_close(src, tokens, body)?;
    let name = tokens[var].text(src);
    let mut encodes = (matching_close(src, tokens, open)? + 1..body_end).filter(|&j| {
        tokens[j].text(src) == name
            && !is_method(src, tokens, j)
            && next_significant(tokens, j)
                .and_then(|d| next_significant(tokens, d))
                .is_some_and(|m| tokens[m].text(src) == b"Encode")
    });
    let (Some(read), None) = (encodes.next(), encodes.next()) else {
        return None;
    };
    // In the request's own arguments.
    let mut inner = read;
    while let Some(o) = enclosing_open(src, tokens, inner).filter(|&o| o > body) {
        let callee = prev_significant(tokens, o).filter(|&n| {
            matches!(
                tokens[n].text(src),
                b"NewRequest" | b"NewRequestWithContext"
            )
        });
        if let Some(made) = callee {
            return Some(made);
        }
        inner = o;
    }
    // `R.URL.RawQuery = q.Encode()`.
    let mut k = read;
    for want in [b"=".as_slice(), b"RawQuery", b".", b"URL", b"."] {
        k = prev_significant(tokens, k).filter(|&p| tokens[p].text(src) == want)?;
    }
    let request = prev_significant(tokens, k)?;
    made_before(src, tokens, tokens[request].text(src), body, request)
}

/// The `http.NewRequest` call (name token) that assigns the variable `name`, the last one in
/// the block at `body` before token `before`.
fn made_before(
    src: &[u8],
    tokens: &[Token],
    name: &[u8],
    body: usize,
    before: usize,
) -> Option<usize> {
    (body + 1..before).rev().find(|&j| {
        matches!(
            tokens[j].text(src),
            b"NewRequest" | b"NewRequestWithContext"
        ) && assigned_request(src, tokens, j).is_some_and(|v| tokens[v].text(src) == name)
    })
}

/// For the statement `q.Add(…)` (tokens `var` and the call's `(`): the lines to delete and
/// the request made by `http.NewRequest` whose query `q` is.
fn query_of_request(
    src: &[u8],
    tokens: &[Token],
    (var, open): (usize, usize),
) -> Result<QueryStatement, String> {
    let q = tokens[var].text(src);
    let q_name = String::from_utf8_lossy(q);
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let statement = line_of_statement(src, tokens, var, close)
        .ok_or("the statement that adds the key shares its line")?;
    let body = crate::lang::tokens::enclosing_open(src, tokens, var)
        .filter(|&b| tokens[b].is_punct(src, "{"))
        .ok_or("the key is not added in a block")?;
    let body_end = matching_close(src, tokens, body).ok_or("unbalanced block")?;
    let follows = |from: usize, want: &[&[u8]]| {
        let mut k = from;
        want.iter()
            .all(|w| {
                k = match next_significant(tokens, k) {
                    Some(n) if tokens[n].text(src) == *w => n,
                    _ => return false,
                };
                true
            })
            .then_some(k)
    };
    let at_body_level =
        |j: usize| crate::lang::tokens::enclosing_open(src, tokens, j) == Some(body);
    let (mut declared, mut encoded, mut other_uses) = (None, None, false);
    for j in body + 1..body_end {
        if j == var
            || tokens[j].kind != TokKind::Ident
            || tokens[j].text(src) != q
            || is_method(src, tokens, j)
        {
            continue;
        }
        // `q := R.URL.Query()`, before the statement: R is the request.
        if let Some(end) = follows(j, &[b":", b"="])
            .and_then(|e| next_significant(tokens, e))
            .filter(|&r| tokens[r].kind == TokKind::Ident)
            .and_then(|r| follows(r, &[b".", b"URL", b".", b"Query", b"(", b")"]).map(|e| (r, e)))
            .filter(|_| j < var && declared.is_none() && at_body_level(j))
        {
            let line = line_of_statement(src, tokens, j, end.1)
                .ok_or_else(|| format!("`{q_name} := ….URL.Query()` shares its line"))?;
            declared = Some((end.0, line));
            continue;
        }
        // `R.URL.RawQuery = q.Encode()`, after it, on the same request.
        let raw_query = prev_significant(tokens, j)
            .filter(|&e| tokens[e].is_punct(src, "="))
            .and_then(|e| prev_significant(tokens, e))
            .filter(|&r| tokens[r].text(src) == b"RawQuery")
            .and_then(|r| prev_significant(tokens, r))
            .and_then(|d| prev_significant(tokens, d))
            .filter(|&u| tokens[u].text(src) == b"URL")
            .and_then(|u| prev_significant(tokens, u))
            .and_then(|d| prev_significant(tokens, d));
        if let (Some(r), Some(end)) = (raw_query, follows(j, &[b".", b"Encode", b"(", b")"]))
            && j > var
            && encoded.is_none()
            && at_body_level(j)
        {
            let line = line_of_statement(src, tokens, r, end)
                .ok_or_else(|| format!("`….URL.RawQuery = {q_name}.Encode()` shares its line"))?;
            encoded = Some((r, line));
            continue;
        }
        // Other entries of the same query stay; a second key is not this fix's to judge.
        if let Some(m) = follows(j, &[b"."]).and_then(|d| next_significant(tokens, d))
            && matches!(
                tokens[m].text(src),
                b"Add" | b"Set" | b"Del" | b"Get" | b"Has"
            )
        {
            let first = next_significant(tokens, m).and_then(|o| next_significant(tokens, o));
            if first.is_some_and(|f| key_is(src, &tokens[f], "apikey")) {
                return Err(format!("the key is added to `{q_name}` more than once"));
            }
            other_uses = true;
            continue;
        }
        return Err(format!(
            "`{q_name}` is used beyond its own statements and one `….URL.RawQuery = {q_name}.Encode()`"
        ));
    }
    let (request, declaration) = declared.ok_or_else(|| {
        format!("`{q_name}` is not declared as `{q_name} := req.URL.Query()` in this block")
    })?;
    let (encoding_request, encoding) = encoded.ok_or_else(|| {
        format!("`{q_name}` is not put back with `req.URL.RawQuery = {q_name}.Encode()` after the key is added")
    })?;
    let r = tokens[request].text(src);
    if tokens[encoding_request].text(src) != r {
        return Err(format!(
            "`{q_name}` is copied from one request's query and put back into another's"
        ));
    }
    let made = made_before(src, tokens, r, body, request)
        .ok_or("the request whose query is set is not made by `http.NewRequest` in this block")?;
    let call = next_significant(tokens, made)
        .filter(|&o| tokens[o].is_punct(src, "("))
        .ok_or("unreadable request")?;
    // Made once: assigned again before its query is put back, it is another request.
    let again = (call..encoding_request).any(|j| {
        tokens[j].text(src) == r
            && first_on_line(src, tokens[j].start())
            && next_significant(tokens, j)
                .is_some_and(|n| matches!(tokens[n].text(src), b"=" | b"," | b":"))
    });
    if again {
        return Err("the request is assigned again before its query is put back".into());
    }
    let lines = if other_uses {
        vec![statement]
    } else {
        vec![declaration, statement, encoding]
    };
    Ok(QueryStatement {
        lines,
        made: (made, call),
        call: String::from_utf8_lossy(&src[tokens[var].start()..tokens[close].end()]).into_owned(),
    })
}

/// The variable that `req, err := http.NewRequest(…)` (call named at `name`) assigns.
fn assigned_request(src: &[u8], tokens: &[Token], name: usize) -> Option<usize> {
    let mut eq = prev_significant(tokens, callee_start(src, tokens, name))
        .filter(|&q| tokens[q].is_punct(src, "="))?;
    if let Some(colon) = prev_significant(tokens, eq).filter(|&c| tokens[c].is_punct(src, ":")) {
        eq = colon;
    }
    prev_significant(tokens, eq)
        .filter(|&v| tokens[v].kind == TokKind::Ident)
        .and_then(|err| prev_significant(tokens, err))
        .filter(|&c| tokens[c].is_punct(src, ","))
        .and_then(|c| prev_significant(tokens, c))
        .filter(|&v| tokens[v].kind == TokKind::Ident)
}

/// The key added by a `QueryStatement` moves to the request's header: set after the request
/// is made (see `new_request`), or already set there with the same key expression, so that
/// only the query statements go.
fn added_to_query(req: &Request, added: &QueryStatement) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let (made, call) = added.made;
    let placed = new_request(req, made, call)?;
    if !placed.edits.is_empty() {
        return Ok(placed);
    }
    let var = assigned_request(src, tokens, made).ok_or("unreadable request")?;
    let key = req.key.as_text();
    let statement = &added.call;
    match header_value(req, var) {
        Some(value) if value == key => Ok(placed),
        Some(value) => Err(format!(
            "{INSTEAD}delete `{statement}` and keep the request's `x-api-key` header, once you have checked which key is current (not automatic: the header sends `{value}` and the query `{key}`)"
        )),
        None => Err(format!(
            "{INSTEAD}delete `{statement}` and keep the request's `x-api-key` header, once you have checked that it carries `{key}` (not automatic: the header is set in a form the fixer does not read)"
        )),
    }
}

/// The value expression of `VAR.Header.Set("x-api-key", value)` (or `.Add`) on the request
/// held by the variable at token `var`, later in its block.
fn header_value(req: &Request, var: usize) -> Option<String> {
    let (src, tokens) = (req.src, req.tokens);
    let name = tokens[var].text(src);
    let body = req.enclosing_open(var)?;
    let body_end = matching_close(src, tokens, body)?;
    (var + 1..body_end).find_map(|j| {
        if tokens[j].text(src) != name || is_method(src, tokens, j) {
            return None;
        }
        let mut k = j;
        for want in [b".".as_slice(), b"Header", b"."] {
            k = next_significant(tokens, k).filter(|&n| tokens[n].text(src) == want)?;
        }
        let method = next_significant(tokens, k)
            .filter(|&m| matches!(tokens[m].text(src), b"Set" | b"Add"))?;
        let open = next_significant(tokens, method).filter(|&o| tokens[o].is_punct(src, "("))?;
        let args = arguments(src, tokens, open);
        let header = token_at(tokens, args.first()?.start)?;
        if args.len() != 2 || !key_is(src, &tokens[header], "x-api-key") {
            return None;
        }
        Some(
            String::from_utf8_lossy(&src[args[1].clone()])
                .trim()
                .to_string(),
        )
    })
}

/// The request made by `http.NewRequest` at `name` (`(` at `open`) gets its header set after
/// the statement and the error check that follows it.
fn new_request(req: &Request, name: usize, open: usize) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
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
    if !first_on_line(src, tokens[var].start())
        || !ends_line(src, tokens, close)
        || !statement_ends_at(req, name, close)
    {
        return Err("the request's statement does not stand on lines of its own".into());
    }
    let var_name = tokens[var].text(src);
    let indent = indent_of(src, tokens[var].start());
    if later_header(req, close, var_name, indent.len(), b"Header")? {
        return Ok(already(super::SENT_BY_STATEMENT));
    }
    let err_name = tokens[err].text(src);
    // `if err != nil { … }` right after: the header goes after it.
    let check = error_check(src, tokens, close, err_name).map(|(_, end)| end);
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
            tokens[after].end(),
            &indent,
            &format!(
                "{var_name}.Header.Set(\"x-api-key\", {})",
                req.key.as_code('"')
            ),
        )],
        applicability,
        sends: None,
        how: format!("add `{var_name}.Header.Set(\"x-api-key\", …)` after the request is created"),
    })
}

/// `resp, err := http.Get(URL)` followed by `if err != nil { … }` becomes
/// `req, err := http.NewRequest(http.MethodGet, URL, nil)`, the same error check, the header,
/// and `resp, err := http.DefaultClient.Do(req)` with the check again. Unsafe: the request
/// now goes through `http.DefaultClient` by name, and the check's body is written twice.
fn rewrite_get(req: &Request, name: usize, open: usize) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let no_shape = || {
        "`http.Get(…)` sends no headers, and it is not `resp, err := http.Get(…)` followed by `if err != nil { … }`: build the request with http.NewRequest and `req.Header.Set(\"x-api-key\", …)`".to_string()
    };
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let start = callee_start(src, tokens, name);
    if let Some(ret) = prev_significant(tokens, start).filter(|&r| tokens[r].text(src) == b"return")
    {
        return rewrite_returned_get(req, ret, name, open);
    }
    let colon = prev_significant(tokens, start)
        .filter(|&q| tokens[q].is_punct(src, "="))
        .and_then(|q| prev_significant(tokens, q))
        .filter(|&c| tokens[c].is_punct(src, ":"))
        .ok_or_else(no_shape)?;
    let err = prev_significant(tokens, colon)
        .filter(|&v| tokens[v].kind == TokKind::Ident && tokens[v].text(src) != b"_")
        .ok_or_else(no_shape)?;
    let resp = prev_significant(tokens, err)
        .filter(|&c| tokens[c].is_punct(src, ","))
        .and_then(|c| prev_significant(tokens, c))
        .filter(|&v| tokens[v].kind == TokKind::Ident)
        .ok_or_else(no_shape)?;
    if !first_on_line(src, tokens[resp].start())
        || !ends_line(src, tokens, close)
        || !statement_ends_at(req, name, close)
    {
        return Err(no_shape());
    }
    let err_name = tokens[err].text(src);
    let (check, check_end) = error_check(src, tokens, close, err_name).ok_or_else(no_shape)?;
    if !ends_line(src, tokens, check_end) {
        return Err("the error check continues after its block".into());
    }
    // The function's body: `req` must be a new name there.
    let mut body = open;
    while let Some(o) = req.enclosing_open(body) {
        body = o;
    }
    let body_end = matching_close(src, tokens, body).unwrap_or(tokens.len() - 1);
    // From the `func` keyword, parameters included.
    let func = req
        .layout()
        .uses_in(src, tokens, b"func", 0..body)
        .last()
        .map_or(body, |&j| j as usize);
    let request = free_name(req, func..body_end, &REQUEST_NAMES)
        .ok_or_else(|| names_taken(&REQUEST_NAMES))?;
    let indent = indent_of(src, tokens[resp].start());
    let nl = eol(src, tokens[close].end());
    let resp_name = String::from_utf8_lossy(tokens[resp].text(src));
    let err_text = String::from_utf8_lossy(err_name);
    let check_text = String::from_utf8_lossy(&src[tokens[check].start()..tokens[check_end].end()]);
    let key = req.key.as_code('"');
    let after = format!(
        "{nl}{indent}{request}.Header.Set(\"x-api-key\", {key}){nl}{indent}{resp_name}, {err_text} := http.DefaultClient.Do({request}){nl}{indent}{check_text}"
    );
    let first_arg = next_significant(tokens, open).ok_or("unbalanced call")?;
    let mut edits = vec![
        Edit::replace(tokens[resp].span(), request),
        Edit::replace(tokens[name].span(), "NewRequest"),
        Edit::insert(tokens[first_arg].start(), "http.MethodGet, "),
        Edit::insert(tokens[close].start(), ", nil"),
        Edit::insert(tokens[check_end].end(), after),
    ];
    edits.extend(operators_compacted(src, tokens, first_arg, close));
    Ok(Placement {
        edits,
        applicability: Applicability::Unsafe,
        sends: None,
        how: "build the request with `http.NewRequest`, set the header, send it with `http.DefaultClient.Do`".into(),
    })
}

/// `return http.Get(URL)`, alone on its line in a function returning `(*http.Response,
/// error)`, becomes `req, err := http.NewRequest(http.MethodGet, URL, nil)`, an error check
/// returning `nil, err`, the header, and `return http.DefaultClient.Do(req)`. Unsafe, as
/// `rewrite_get`: the request now goes through `http.DefaultClient` by name.
fn rewrite_returned_get(
    req: &Request,
    ret: usize,
    name: usize,
    open: usize,
) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let no_shape = || {
        "`http.Get(…)` sends no headers, and this `return http.Get(…)` is not alone on its line in a function returning `(*http.Response, error)`: build the request with http.NewRequest and `req.Header.Set(\"x-api-key\", …)`".to_string()
    };
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    if !first_on_line(src, tokens[ret].start())
        || !ends_line(src, tokens, close)
        || !statement_ends_at(req, name, close)
    {
        return Err(no_shape());
    }
    // The file's tree, parsed once for all its requests.
    let tree = req.tree().ok_or_else(no_shape)?;
    let function = function_returning_response(tree, src, tokens[ret].start()..tokens[close].end())
        .ok_or_else(no_shape)?;
    // The new statements declare a request and an error: both must be new names in the
    // function.
    let first = tokens.partition_point(|t| t.start() < function.start);
    let end = first + tokens[first..].partition_point(|t| t.end() <= function.end);
    let request =
        free_name(req, first..end, &REQUEST_NAMES).ok_or_else(|| names_taken(&REQUEST_NAMES))?;
    let error =
        free_name(req, first..end, &ERROR_NAMES).ok_or_else(|| names_taken(&ERROR_NAMES))?;
    let indent = indent_of(src, tokens[ret].start());
    // gofmt indents with tabs; a file that does not keeps its own unit of one level.
    let unit = if indent.starts_with(' ') {
        "    "
    } else {
        "\t"
    };
    let nl = eol(src, tokens[close].end());
    let key = req.key.as_code('"');
    let after = format!(
        "if {error} != nil {{{nl}{indent}{unit}return nil, {error}{nl}{indent}}}{nl}{indent}{request}.Header.Set(\"x-api-key\", {key}){nl}{indent}return http.DefaultClient.Do({request})"
    );
    let first_arg = next_significant(tokens, open).ok_or("unbalanced call")?;
    let mut edits = vec![
        Edit::replace(tokens[ret].span(), format!("{request}, {error} :=")),
        Edit::replace(tokens[name].span(), "NewRequest"),
        Edit::insert(tokens[first_arg].start(), "http.MethodGet, "),
        Edit::insert(tokens[close].start(), ", nil"),
        line_after(src, tokens[close].end(), &indent, &after),
    ];
    edits.extend(operators_compacted(src, tokens, first_arg, close));
    Ok(Placement {
        edits,
        applicability: Applicability::Unsafe,
        sends: None,
        how: "build the request with `http.NewRequest`, set the header, send it with `http.DefaultClient.Do`".into(),
    })
}

/// The spaces to delete around the binary operators of the expression from token `first` up to
/// `close` (exclusive), as gofmt prints it once it is one argument of several: the `http.Get`
/// argument `base + "/m"` becomes `http.NewRequest(http.MethodGet, base+"/m", nil)`. Only the
/// additive and multiplicative operators lose their spaces there (`&&`, `||` and comparisons
/// keep them), and a composite or function literal (`{…}`) is printed as on its own. Nothing
/// changes when an operator is followed by a unary one (`a - -b`): gofmt keeps the spaces.
fn operators_compacted(src: &[u8], tokens: &[Token], first: usize, close: usize) -> Vec<Edit> {
    let text = |i: usize| tokens[i].text(src);
    let spaces = |r: std::ops::Range<usize>| {
        (!r.is_empty() && src[r.clone()].iter().all(|b| matches!(b, b' ' | b'\t')))
            .then(|| Edit::delete(r))
    };
    let mut edits = Vec::new();
    let mut braces = 0usize;
    for i in first..close {
        let t = &tokens[i];
        if t.kind != TokKind::Punct {
            continue;
        }
        match text(i) {
            b"{" => braces += 1,
            b"}" => braces = braces.saturating_sub(1),
            _ => {}
        }
        // One of `+ - * / % | ^ & <<`, not half of `&&`, `||`, `&^`, `+=` or `<-`.
        let joined = |j: Option<usize>| {
            j.is_some_and(|j| {
                tokens[j].kind == TokKind::Punct
                    && (tokens[j].end() == t.start() || tokens[j].start() == t.end())
            })
        };
        let operator = matches!(
            text(i),
            b"+" | b"-" | b"*" | b"/" | b"%" | b"|" | b"^" | b"&" | b"<<"
        ) && !joined(i.checked_sub(1))
            && !joined(Some(i + 1).filter(|&j| j < tokens.len()));
        if braces > 0 || !operator {
            continue;
        }
        let (Some(before), Some(after)) =
            (prev_significant(tokens, i), next_significant(tokens, i))
        else {
            continue;
        };
        let binary = matches!(
            tokens[before].kind,
            TokKind::Ident | TokKind::Str | TokKind::Number
        ) || matches!(text(before), b")" | b"]");
        if !binary {
            continue;
        }
        let unary_after =
            tokens[after].kind == TokKind::Punct && !matches!(text(after), b"(" | b"[");
        if unary_after {
            return Vec::new();
        }
        edits.extend(spaces(tokens[before].end()..t.start()));
        edits.extend(spaces(t.end()..tokens[after].start()));
    }
    edits
}

/// After the lines `removed` left a composite literal of `key: value` lines (`url.Values{…}`),
/// the spaces that re-align the values of the lines around it as gofmt does: the removed key
/// was often the longest (`"apikey": {k},` above `"first":  {n},`). Only a block that gofmt
/// had aligned with the removed line (every value in one column) is touched.
pub(crate) fn values_realigned(
    src: &[u8],
    tokens: &[Token],
    removed: &std::ops::Range<usize>,
) -> Vec<Edit> {
    // A line holding one whole entry: where its key's `:` ends and its value starts.
    let entry_at = |line: usize| -> Option<(usize, usize, usize)> {
        let end = line_end(src, line);
        let key = tokens.partition_point(|t| t.start() < line);
        let key_tok = tokens.get(key).filter(|t| {
            t.start() < end
                && matches!(t.kind, TokKind::Str | TokKind::Ident)
                && src[line..t.start()]
                    .iter()
                    .all(|b| matches!(b, b' ' | b'\t'))
        })?;
        let colon = tokens.get(key + 1).filter(|c| c.is_punct(src, ":"))?;
        let value = tokens.get(key + 2).filter(|v| v.start() < end)?;
        // The entry ends on this line with its comma.
        let last = (key + 2..tokens.len())
            .take_while(|&j| tokens[j].start() < end)
            .filter(|&j| tokens[j].kind != TokKind::Comment)
            .last()?;
        (tokens[last].is_punct(src, ",") && key_tok.end() == colon.start())
            .then(|| (line, colon.end(), value.start()))
    };
    let column = |(line, _, value): (usize, usize, usize)| value - line;
    let Some(gone) = entry_at(removed.start) else {
        return Vec::new();
    };
    let mut block = Vec::new();
    let mut line = removed.start;
    while line > 0 {
        line = line_start(src, line - 1);
        match entry_at(line) {
            Some(entry) => block.push(entry),
            None => break,
        }
    }
    let mut line = removed.end;
    while line < src.len() {
        match entry_at(line) {
            Some(entry) => block.push(entry),
            None => break,
        }
        line = line_end(src, line) + 1;
    }
    if block.is_empty() || block.iter().any(|&e| column(e) != column(gone)) {
        return Vec::new();
    }
    let width = block
        .iter()
        .map(|&(line, colon_end, _)| colon_end - line)
        .max()
        .unwrap_or(0);
    block
        .iter()
        .filter(|&&e| column(e) != width + 1)
        .map(|&(line, colon_end, value)| {
            Edit::replace(colon_end..value, " ".repeat(width + 1 - (colon_end - line)))
        })
        .collect()
}

/// Names the `http.Get` rewrite may give the request it builds, and its error, in order of
/// preference.
const REQUEST_NAMES: [&str; 3] = ["req", "apiReq", "whispirReq"];
const ERROR_NAMES: [&str; 2] = ["err", "reqErr"];

/// The first of `candidates` that no identifier among tokens `within` (a function,
/// parameters included) spells: declared there, it neither clashes with nor shadows a name in
/// use. Asked of the file's index, not by a walk of the function per request.
fn free_name<'n>(
    req: &Request,
    within: std::ops::Range<usize>,
    candidates: &[&'n str],
) -> Option<&'n str> {
    let layout = req.layout();
    candidates.iter().copied().find(|name| {
        layout
            .uses_in(req.src, req.tokens, name.as_bytes(), within.clone())
            .is_empty()
    })
}

fn names_taken(candidates: &[&str]) -> String {
    let names: Vec<String> = candidates.iter().map(|n| format!("`{n}`")).collect();
    format!(
        "`http.Get(…)` sends no headers, and the names {} are all taken here: build the request with http.NewRequest and `….Header.Set(\"x-api-key\", …)` under a name of your own",
        names.join(", ")
    )
}

/// The function around the `return` statement spanning `statement`, when that statement
/// returns one value and the function's results are exactly `(*http.Response, error)`.
fn function_returning_response(
    tree: &tree_sitter::Tree,
    src: &[u8],
    statement: std::ops::Range<usize>,
) -> Option<std::ops::Range<usize>> {
    let mut node = tree
        .root_node()
        .descendant_for_byte_range(statement.start, statement.start + 1)?;
    while node.kind() != "return_statement" {
        node = node.parent()?;
    }
    let values = node.named_child(0)?;
    if node.byte_range() != statement || values.named_child_count() != 1 {
        return None;
    }
    while !matches!(
        node.kind(),
        "function_declaration" | "method_declaration" | "func_literal"
    ) {
        node = node.parent()?;
    }
    let results: Vec<u8> = src[node.child_by_field_name("result")?.byte_range()]
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    (results == b"(*http.Response,error)").then(|| node.byte_range())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};
    use crate::diagnostic::Applicability;

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
    fn go_url_values_lose_the_key_and_the_request_gains_the_header() {
        // Encoded into the URL of the request.
        let src = "func F(key string) {\n\tq := url.Values{\"apikey\": {key}, \"view\": {\"summary\"}}\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?\"+q.Encode(), nil)\n\tif err != nil {\n\t\treturn\n\t}\n\tdo(req)\n}\n";
        assert_eq!(
            safe("a.go", src),
            "func F(key string) {\n\tq := url.Values{\"view\": {\"summary\"}}\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?\"+q.Encode(), nil)\n\tif err != nil {\n\t\treturn\n\t}\n\treq.Header.Set(\"x-api-key\", key)\n\tdo(req)\n}\n"
        );
        // Set as the request's RawQuery after it was made.
        let src = "func F(key string) {\n\treq, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m\", nil)\n\tq := url.Values{\"apikey\": {key}, \"n\": {\"1\"}}\n\treq.URL.RawQuery = q.Encode()\n\tdo(req)\n}\n";
        assert_eq!(
            safe("a.go", src),
            "func F(key string) {\n\treq, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m\", nil)\n\treq.Header.Set(\"x-api-key\", key)\n\tq := url.Values{\"n\": {\"1\"}}\n\treq.URL.RawQuery = q.Encode()\n\tdo(req)\n}\n"
        );
        // Encoded twice, or the key added again: not one request's.
        manual(
            "a.go",
            "func F(key string) {\n\tq := url.Values{\"apikey\": {key}, \"n\": {\"1\"}}\n\ta, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?\"+q.Encode(), nil)\n\tlog(q.Encode())\n}\n",
        );
        manual(
            "a.go",
            "func F(key string) {\n\tq := url.Values{\"apikey\": {key}, \"n\": {\"1\"}}\n\tq.Set(\"apikey\", other)\n\ta, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?\"+q.Encode(), nil)\n}\n",
        );
    }

    #[test]
    fn go_http_get_becomes_a_request_with_the_header_as_an_unsafe_fix() {
        let src = "func F(key string) (*http.Response, error) {\n\tresp, err := http.Get(\"https://api.au.whispir.com/m?apikey=\" + key)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn resp, nil\n}\n";
        let (out, a) = fix("a.go", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "func F(key string) (*http.Response, error) {\n\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/m\", nil)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treq.Header.Set(\"x-api-key\", key)\n\tresp, err := http.DefaultClient.Do(req)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn resp, nil\n}\n"
        );
        // No error check to reuse, the error ignored, or every name the request could take
        // already used here.
        for src in [
            "func F(key string) {\n\tresp, err := http.Get(\"https://api.au.whispir.com/m?apikey=\" + key)\n\tuse(resp, err)\n}\n",
            "func F(key string) {\n\tresp, _ := http.Get(\"https://api.au.whispir.com/m?apikey=\" + key)\n\tuse(resp)\n}\n",
            "func F(key string, req, apiReq, whispirReq int) {\n\tresp, err := http.Get(\"https://api.au.whispir.com/m?apikey=\" + key)\n\tif err != nil {\n\t\treturn\n\t}\n\tuse(resp)\n}\n",
        ] {
            assert!(manual("a.go", src).contains("NewRequest"), "{src}");
        }
    }

    #[test]
    fn go_http_get_rewrite_takes_a_free_name_for_the_request() {
        // `req` is a parameter here: the request is built as `apiReq`, which shadows nothing.
        let src = "func F(key string, req *http.Request) (*http.Response, error) {\n\tresp, err := http.Get(\"https://api.au.whispir.com/m?apikey=\" + key)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn resp, nil\n}\n";
        let (out, a) = fix("a.go", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "func F(key string, req *http.Request) (*http.Response, error) {\n\tapiReq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/m\", nil)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\tapiReq.Header.Set(\"x-api-key\", key)\n\tresp, err := http.DefaultClient.Do(apiReq)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn resp, nil\n}\n"
        );
        // A returned `http.Get` likewise, its error named `reqErr` where `err` is in use.
        let src = "func F(k string, req string) (*http.Response, error) {\n\tif err := check(k); err != nil {\n\t\treturn nil, err\n\t}\n\treturn http.Get(\"https://api.au.whispir.com/m?apikey=\" + k)\n}\n";
        let (out, a) = fix("a.go", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert!(
            out.contains("\tapiReq, reqErr := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/m\", nil)\n\tif reqErr != nil {\n\t\treturn nil, reqErr\n\t}\n\tapiReq.Header.Set(\"x-api-key\", k)\n\treturn http.DefaultClient.Do(apiReq)\n"),
            "{out}"
        );
    }

    #[test]
    fn go_http_get_rewrite_prints_its_url_as_gofmt_does() {
        // One argument of three: gofmt writes `base+"/m"`, not `base + "/m"`; `&&` and a
        // composite literal keep their spaces.
        let src = "func Ping(key string) (*http.Response, error) {\n\treturn http.Get(\"https://api.au.whispir.com/m/\" + id(T{a + b}) + \"?apikey=\" + key)\n}\n";
        assert!(
            fix("a.go", src)
                .unwrap()
                .0
                .contains("\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/m/\"+id(T{a + b}), nil)\n"),
            "{:?}",
            fix("a.go", src)
        );
        let src = "func Ping(key string) error {\n\tresp, err := http.Get(api + \"https://api.au.whispir.com/m?apikey=\" + key)\n\tif err != nil {\n\t\treturn err\n\t}\n\treturn resp.Body.Close()\n}\n";
        assert!(
            fix("a.go", src)
                .unwrap()
                .0
                .starts_with("func Ping(key string) error {\n\treq, err := http.NewRequest(http.MethodGet, api+\"https://api.au.whispir.com/m\", nil)\n")
        );
    }

    #[test]
    fn go_values_left_after_the_key_are_realigned_as_gofmt_does() {
        let head = "func F(key string) (*http.Response, error) {\n\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/m\", nil)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\tq := url.Values{\n";
        let tail = "\t}\n\treq.URL.RawQuery = q.Encode()\n\treturn http.DefaultClient.Do(req)\n}\n";
        let src = format!(
            "{head}\t\t\"first\":  {{\"1\"}},\n\t\t\"apikey\": {{key}}, // the key\n\t\t\"max\":    {{\"50\"}},\n{tail}"
        );
        assert!(
            safe("a.go", &src).contains(
                "\tq := url.Values{\n\t\t\"first\": {\"1\"},\n\t\t\"max\":   {\"50\"},\n\t}\n"
            ),
            "{}",
            safe("a.go", &src)
        );
    }

    #[test]
    fn go_returned_http_get_becomes_a_request_with_the_header_as_an_unsafe_fix() {
        let src = "func (c *Client) Ping() (*http.Response, error) {\n\treturn http.Get(\"https://api.au.whispir.com/m?apikey=\" + c.Key) // ping\n}\n";
        let (out, a) = fix("a.go", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "func (c *Client) Ping() (*http.Response, error) {\n\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/m\", nil) // ping\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treq.Header.Set(\"x-api-key\", c.Key)\n\treturn http.DefaultClient.Do(req)\n}\n"
        );
        // Inside a block, in a function literal of that type.
        let src = "var ping = func(k string) (resp *http.Response, e error) {\n\treturn nil, nil\n}\nvar get = func(k string) (*http.Response, error) {\n\tif k != \"\" {\n\t\treturn http.Get(\"https://api.au.whispir.com/m?apikey=\" + k)\n\t}\n\treturn nil, nil\n}\n";
        assert!(
            fix("a.go", src)
                .unwrap()
                .0
                .contains("\t\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/m\", nil)\n\t\tif err != nil {\n\t\t\treturn nil, err\n\t\t}\n\t\treq.Header.Set(\"x-api-key\", k)\n\t\treturn http.DefaultClient.Do(req)\n\t}\n")
        );
        // Other results (named, or not a response), `req` or `err` already names, a return
        // that shares its line: manual, saying why.
        for (src, why) in [
            (
                "func F(k string) (resp *http.Response, err error) {\n\treturn http.Get(\"https://api.au.whispir.com/m?apikey=\" + k)\n}\n",
                "(*http.Response, error)",
            ),
            (
                "func F(k string) *http.Response {\n\treturn http.Get(\"https://api.au.whispir.com/m?apikey=\" + k)\n}\n",
                "(*http.Response, error)",
            ),
            (
                "func F(k string, req, apiReq, whispirReq string) (*http.Response, error) {\n\treturn http.Get(\"https://api.au.whispir.com/m?apikey=\" + k)\n}\n",
                "`req`, `apiReq`, `whispirReq` are all taken",
            ),
            (
                "func F(k string, err, reqErr error) (*http.Response, error) {\n\treturn http.Get(\"https://api.au.whispir.com/m?apikey=\" + k)\n}\n",
                "`err`, `reqErr` are all taken",
            ),
            (
                "func F(k string) (*http.Response, error) {\n\tlog(k); return http.Get(\"https://api.au.whispir.com/m?apikey=\" + k)\n}\n",
                "alone on its line",
            ),
        ] {
            let reason = manual("a.go", src);
            assert!(reason.contains(why), "{reason}\n{src}");
        }
    }

    #[test]
    fn go_curl_command_in_a_raw_string_gets_its_header_as_an_unsafe_fix() {
        let src =
            "const Example = `curl -u u:p \"https://api.au.whispir.com/m?apikey=KEY\"` // help\n";
        let (out, a) = fix("a.go", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "const Example = `curl -u u:p \"https://api.au.whispir.com/m\" -H \"x-api-key: KEY\"` // help\n"
        );
        // An interpreted string would need its quotes escaped; no curl: not this shape.
        manual(
            "a.go",
            "const Example = \"curl -u u:p 'https://api.au.whispir.com/m?apikey=KEY'\"\n",
        );
        manual(
            "a.go",
            "const Example = `see https://api.au.whispir.com/m?apikey=KEY`\n",
        );
    }

    #[test]
    fn go_values_holding_only_the_key_go_whole() {
        let head = "import \"net/url\"\n\nvar empty = url.Values{}\n\n";
        let src = format!(
            "{head}func F(key string) {{\n\tq := url.Values{{\"apikey\": {{key}}}} // only\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?\"+q.Encode(), nil)\n\tif err != nil {{\n\t\treturn\n\t}}\n\tdo(req)\n}}\n"
        );
        assert_eq!(
            safe("a.go", &src),
            format!(
                "{head}func F(key string) {{\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m\", nil)\n\tif err != nil {{\n\t\treturn\n\t}}\n\treq.Header.Set(\"x-api-key\", key)\n\tdo(req)\n}}\n"
            )
        );
        // Read twice, set as a request's whole query, more URL after it, or the file's only
        // use of `net/url`: manual, saying what to delete.
        for (body, why) in [
            (
                "\tq := url.Values{\"apikey\": {key}}\n\treq, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?\"+q.Encode(), nil)\n\tlog(q)\n",
                "delete them and `+ q.Encode()`",
            ),
            (
                "\treq, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m\", nil)\n\tq := url.Values{\"apikey\": {key}}\n\treq.URL.RawQuery = q.Encode()\n",
                "replace the request's whole query",
            ),
            (
                "\tq := url.Values{\"apikey\": {key}}\n\treq, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?\"+q.Encode()+\"&n=1\", nil)\n",
                "delete them and `+ q.Encode()`",
            ),
        ] {
            let src = format!("{head}func F(key string) {{\n{body}\tdo(req)\n}}\n");
            let reason = manual("a.go", &src);
            assert!(reason.contains(why), "{reason}\n{src}");
        }
        // `+ "?" + q.Encode()`: the `"?"` goes with its `+`.
        let src = format!(
            "{head}const base = \"https://api.au.whispir.com\"\n\nfunc F(key, id string) {{\n\tq := url.Values{{\"apikey\": {{key}}}}\n\treq, _ := http.NewRequest(\"GET\", base+\"/s/\"+id+\"?\"+q.Encode(), nil)\n\tdo(req)\n}}\n"
        );
        assert!(
            safe("a.go", &src).contains("http.NewRequest(\"GET\", base+\"/s/\"+id, nil)\n\treq.Header.Set(\"x-api-key\", key)\n"),
            "{}",
            safe("a.go", &src)
        );
        let alone = "import \"net/url\"\n\nfunc F(key string) {\n\tq := url.Values{\"apikey\": {key}}\n\treq, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?\"+q.Encode(), nil)\n\tdo(req)\n}\n";
        assert!(manual("a.go", alone).contains("`net/url` import"));
    }

    #[test]
    fn go_key_added_to_a_requests_copied_query_moves_to_its_header() {
        let made = "func F(c *Client) {\n\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/t\", nil)\n\tif err != nil {\n\t\treturn\n\t}\n";
        // The transitional shape: the header is already there with the same key.
        let src = format!(
            "{made}\tq := req.URL.Query()\n\tq.Add(\"apikey\", c.Key) // old\n\treq.URL.RawQuery = q.Encode()\n\treq.Header.Set(\"X-Api-Key\", c.Key)\n\tdo(req)\n}}\n"
        );
        assert_eq!(
            safe("a.go", &src),
            format!("{made}\treq.Header.Set(\"X-Api-Key\", c.Key)\n\tdo(req)\n}}\n")
        );
        // No header yet: it is set after the error check, and other entries keep the copy.
        let src = format!(
            "{made}\tq := req.URL.Query()\n\tq.Set(\"apikey\", c.Key)\n\tq.Set(\"limit\", \"10\")\n\treq.URL.RawQuery = q.Encode()\n\tdo(req)\n}}\n"
        );
        assert_eq!(
            safe("a.go", &src),
            format!(
                "{made}\treq.Header.Set(\"x-api-key\", c.Key)\n\tq := req.URL.Query()\n\tq.Set(\"limit\", \"10\")\n\treq.URL.RawQuery = q.Encode()\n\tdo(req)\n}}\n"
            )
        );
        // Another key in the header: the help says to drop the query's key and keep the
        // header, never to add a second one.
        let src = format!(
            "{made}\tq := req.URL.Query()\n\tq.Add(\"apikey\", c.Key)\n\treq.URL.RawQuery = q.Encode()\n\treq.Header.Set(\"x-api-key\", other)\n\tdo(req)\n}}\n"
        );
        assert_eq!(
            manual("a.go", &src),
            "delete `q.Add(\"apikey\", c.Key)` and keep the request's `x-api-key` header, once you have checked which key is current (not automatic: the header sends `other` and the query `c.Key`)"
        );
        // Not provably this request's key: manual, saying why.
        for (tail, why) in [
            (
                "\tq := req.URL.Query()\n\tq.Add(\"apikey\", c.Key)\n\treq.URL.RawQuery = q.Encode()\n\tlog.Print(q)\n",
                "used beyond",
            ),
            (
                "\tq := req.URL.Query()\n\tq.Add(\"apikey\", c.Key)\n\tother.URL.RawQuery = q.Encode()\n",
                "into another's",
            ),
            (
                "\tq := req.URL.Query()\n\tq.Add(\"apikey\", c.Key)\n",
                "is not put back",
            ),
            (
                "\tq := req.URL.Query()\n\tq.Add(\"apikey\", c.Key); log.Print(1)\n\treq.URL.RawQuery = q.Encode()\n",
                "shares its line",
            ),
        ] {
            let src = format!("{made}{tail}\tdo(req)\n}}\n");
            let reason = manual("a.go", &src);
            assert!(reason.contains(why), "{reason}\n{src}");
        }
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

    #[test]
    fn go_strings_interpolate_nothing() {
        // `{key}` or `${key}` in a Go string is text: the header sends the same text.
        for value in ["{key}", "${key}"] {
            let src = format!(
                "package a\n\nimport \"net/http\"\n\nfunc f(key string) {{\n\treq, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?apikey={value}\", nil)\n\thttp.DefaultClient.Do(req)\n}}\n"
            );
            let out = safe("a.go", &src);
            assert!(
                out.contains(&format!("req.Header.Set(\"x-api-key\", \"{value}\")")),
                "{out}"
            );
        }
    }
}
