//! Python: requests, httpx and aiohttp calls and their `headers=` argument.

use super::cursor::*;
use super::{INSTEAD, Placement, Request, Script, already};
use crate::detect::PYTHON_REQUEST_CALLS;
use crate::diagnostic::{Applicability, Edit};
use crate::lang::tokens::{
    arguments, expression_end, matching_close, next_significant, prev_significant, token_at,
};
use crate::lang::{TokKind, Token};
use std::ops::Range;

/// The request call whose `params=` holds the query-builder token `at`: the key of a dict
/// literal (`params={"apikey": k}`), a `dict(apikey=k)` call's keyword, or the variable
/// holding the dict (`params=query`): (name, `(`) of the call.
fn params_call(s: Script, at: usize) -> Result<(usize, usize), String> {
    let (src, tokens) = (s.src, s.tokens);
    let not_params = || "the query dict is not the `params=` of a request call".to_string();
    let value = dict_value(s, at).ok_or_else(not_params)?;
    let Some(eq) = prev_significant(tokens, value).filter(|&e| tokens[e].is_punct(src, "=")) else {
        return Err(encoded_elsewhere(s, at, value).unwrap_or_else(not_params));
    };
    let Some(kw) = prev_significant(tokens, eq).filter(|&k| tokens[k].text(src) == b"params")
    else {
        if s.enclosing_open(eq).is_none() {
            // `NAME = {…}` as a statement: it was not followed to one request.
            return Err(
                "the dict's variable is not passed as `params=` to exactly one request in its scope"
                    .into(),
            );
        }
        return Err(not_params());
    };
    let open = s
        .enclosing_open(kw)
        .filter(|&o| tokens[o].is_punct(src, "("))
        .ok_or_else(not_params)?;
    let name = prev_significant(tokens, open)
        .filter(|&n| tokens[n].kind == TokKind::Ident)
        .ok_or_else(not_params)?;
    Ok((name, open))
}

/// The first token of the query dict whose entry is token `at`: its `{`, or the `dict` of
/// `dict(apikey=k, …)`; `at` itself when it is the variable holding the dict.
fn dict_value(s: Script, at: usize) -> Option<usize> {
    let (src, tokens) = (s.src, s.tokens);
    if tokens[at].kind != TokKind::Str && !keyword_of_dict_call(s, at) {
        return Some(at);
    }
    let open = s.enclosing_open(at)?;
    if tokens[open].is_punct(src, "(") {
        prev_significant(tokens, open) // `dict`
    } else {
        Some(open)
    }
}

/// `urlencode({…})` (or `urlencode(dict(…))`) whose only argument is the query dict starting
/// at token `value`: the `urlencode` token.
fn urlencode_of(src: &[u8], tokens: &[Token], value: usize) -> Option<usize> {
    let open = prev_significant(tokens, value).filter(|&o| tokens[o].is_punct(src, "("))?;
    let name = prev_significant(tokens, open).filter(|&n| tokens[n].text(src) == b"urlencode")?;
    let dict_open = if tokens[value].is_punct(src, "{") {
        value
    } else {
        next_significant(tokens, value)?
    };
    let dict_close = matching_close(src, tokens, dict_open)?;
    (next_significant(tokens, dict_close) == matching_close(src, tokens, open)).then_some(name)
}

/// For the query-builder token `at`: the `urlencode` token of `urlencode({…})` (or
/// `urlencode(dict(…))`) around it, and the number of the dict's entries.
fn urlencoded_dict(s: Script, at: usize) -> Option<(usize, usize)> {
    let (src, tokens) = (s.src, s.tokens);
    let value = dict_value(s, at).filter(|&v| v != at)?;
    let encoder = urlencode_of(src, tokens, value)?;
    let dict_open = if tokens[value].is_punct(src, "{") {
        value
    } else {
        next_significant(tokens, value)?
    };
    Some((encoder, arguments(src, tokens, dict_open).len()))
}

/// The request call whose URL argument encodes the query dict of token `at` in place
/// (`requests.get(BASE + "?" + urlencode({"apikey": k, "first": 0}))`): (name, `(`) of the
/// call. The dict must keep entries besides the key, or an empty query would be left behind
/// (a query of the key alone goes whole: [`key_only_query`]).
fn urlencoded_in_url(s: Script, at: usize) -> Option<(usize, usize)> {
    let (encoder, entries) = urlencoded_dict(s, at)?;
    if entries < 2 {
        return None;
    }
    url_argument_call(s, encoder)
}

/// The request call whose URL argument holds token `i`: (name, `(`) of the call.
fn url_argument_call(s: Script, i: usize) -> Option<(usize, usize)> {
    let (src, tokens) = (s.src, s.tokens);
    let (name, open, idx) =
        url_argument_by(src, tokens, i, |k| s.enclosing_open(k), |_, _| false).ok()?;
    let arg = arguments(src, tokens, open).swap_remove(idx);
    let first = token_at(tokens, arg.start)?;
    let keyword = next_significant(tokens, first)
        .is_some_and(|e| tokens[e].is_punct(src, "=") && tokens[first].kind == TokKind::Ident);
    // The URL is the first positional argument (the second of `request(method, url)`), or
    // `url=`: a dict encoded into `data=` or another argument is not the query.
    let url_position = if tokens[name].text(src) == b"request" {
        1
    } else {
        0
    };
    let is_url = if keyword {
        tokens[first].text(src) == b"url"
    } else {
        idx == url_position
    };
    is_url.then_some((name, open))
}

/// A query that encodes only the key, appended to the string literal that ends in its `?` (or
/// in the `&` after the parameters before it): `BASE + "/weekly?" + urlencode({"apikey": k})`.
pub(crate) struct KeyOnlyQuery {
    /// The edits that take the query out whole, with its `?`: no `urlencode({})` and no
    /// empty query are left behind.
    pub edits: Vec<Edit>,
    /// The string literal before the query, which stands for the URL when the request that
    /// sends it is placed.
    pub url_at: Range<usize>,
}

/// The [`KeyOnlyQuery`] around the query-builder token `at`, when the URL it ends goes to a
/// request call as its URL argument, or is assigned (the plan follows the variable).
pub(crate) fn key_only_query(s: Script, at: usize) -> Option<KeyOnlyQuery> {
    let (src, tokens) = (s.src, s.tokens);
    let (encoder, entries) = urlencoded_dict(s, at)?;
    let close = matching_close(src, tokens, next_significant(tokens, encoder)?)?;
    // Something appended after the query would follow a `?` that is gone.
    let appended = next_significant(tokens, close)
        .is_some_and(|n| matches!(tokens[n].text(src), b"+" | b"%" | b"." | b"["));
    let plus = prev_significant(tokens, encoder).filter(|&p| tokens[p].is_punct(src, "+"))?;
    let lit = prev_significant(tokens, plus).filter(|&s| tokens[s].kind == TokKind::Str)?;
    let content = tokens[lit].content();
    let mark = content.end.checked_sub(1).filter(|&m| m >= content.start)?;
    if entries != 1 || appended || !matches!(src[mark], b'?' | b'&') {
        return None;
    }
    if s.enclosing_open(lit).is_some() {
        url_argument_call(s, encoder)?;
    }
    let edits = if content.len() == 1 {
        // `BASE + "?" + urlencode(…)`: the literal holds only the mark and goes too.
        let joined = prev_significant(tokens, lit).filter(|&p| tokens[p].is_punct(src, "+"))?;
        let left = prev_significant(tokens, joined)?;
        vec![Edit::delete(tokens[left].end()..tokens[close].end())]
    } else {
        vec![
            Edit::delete(mark..mark + 1),
            Edit::delete(tokens[lit].end()..tokens[close].end()),
        ]
    };
    Some(KeyOnlyQuery {
        edits,
        url_at: tokens[lit].span(),
    })
}

/// `data=urlencode({…})`: the keyword other than `url=` that the `urlencode` call (or the
/// variable) at token `name` is given to, which puts the encoded dict in the request body.
fn body_keyword(s: Script, name: usize) -> Option<String> {
    let (src, tokens) = (s.src, s.tokens);
    // A keyword argument: inside a call's brackets, not an assignment.
    s.enclosing_open(name)
        .filter(|&o| tokens[o].is_punct(src, "("))?;
    prev_significant(tokens, name)
        .filter(|&e| tokens[e].is_punct(src, "="))
        .and_then(|e| prev_significant(tokens, e))
        .filter(|&k| tokens[k].kind == TokKind::Ident && tokens[k].text(src) != b"url")
        .map(|k| String::from_utf8_lossy(tokens[k].text(src)).into_owned())
}

/// The keyword (`data`) of the request body that `urlencode({…})` encodes the query-builder
/// entry at byte `at` into, when it is a body and not a query: given directly, or through the
/// variable it is assigned to (`body = urlencode({…})`, then the first `KEYWORD=body`).
pub(crate) fn urlencoded_body(s: Script, at: usize) -> Option<String> {
    let (src, tokens) = (s.src, s.tokens);
    let value = dict_value(s, token_at(tokens, at)?)?;
    let open = s
        .enclosing_open(value)
        .filter(|&o| tokens[o].is_punct(src, "("))?;
    let name = prev_significant(tokens, open).filter(|&n| tokens[n].text(src) == b"urlencode")?;
    if let Some(keyword) = body_keyword(s, name) {
        return Some(keyword);
    }
    let var = prev_significant(tokens, name)
        .filter(|&e| tokens[e].is_punct(src, "="))
        .and_then(|e| prev_significant(tokens, e))
        .filter(|&v| tokens[v].kind == TokKind::Ident)?;
    let close = matching_close(src, tokens, open)?;
    let read = (close + 1..tokens.len()).find(|&j| {
        tokens[j].kind == TokKind::Ident && tokens[j].text(src) == tokens[var].text(src)
    })?;
    let keyword = body_keyword(s, read)?;
    (keyword != "params").then_some(keyword)
}

/// Why a query dict given to a call other than a request (token `value`, the dict) is not
/// fixed here: `urlencode({…})` builds a URL that is returned or not followed to one request;
/// `r.prepare_url(url, {…})` in a requests auth hook adds the key to every request the hook
/// is attached to.
fn encoded_elsewhere(s: Script, at: usize, value: usize) -> Option<String> {
    let (src, tokens) = (s.src, s.tokens);
    let open = s
        .enclosing_open(value)
        .filter(|&o| tokens[o].is_punct(src, "("))?;
    let name = prev_significant(tokens, open).filter(|&n| tokens[n].kind == TokKind::Ident)?;
    match tokens[name].text(src) {
        b"urlencode" => {
            let dict_open = if tokens[value].is_punct(src, "{") {
                Some(value)
            } else {
                next_significant(tokens, value)
            };
            // Only the key, in a query the fix cannot take out whole with its `?`.
            let only_key = dict_open.is_some_and(|o| arguments(src, tokens, o).len() < 2)
                && key_only_query(s, at).is_none();
            let returned = in_return_statement(src, tokens, name);
            Some(if let Some(keyword) = body_keyword(s, name) {
                format!(
                    "the key is a field of the request body that `urlencode(…)` encodes for `{keyword}=`, not a query parameter; the fixer moves only query parameters"
                )
            } else if only_key {
                "`urlencode(…)` encodes only the key: remove it with the `?` before it, and add the header to the request that sends the URL".into()
            } else if returned {
                "the query is encoded with `urlencode(…)` into a URL that this function returns; add the header where its callers send that URL, in the same change that removes the key".into()
            } else {
                "the query is encoded with `urlencode(…)` into a URL that is not followed to one request call in this function; add the header where that URL is requested, in the same change that removes the key".into()
            })
        }
        b"prepare_url" => {
            let receiver = prev_significant(tokens, name)
                .filter(|&d| tokens[d].is_punct(src, "."))
                .and_then(|d| prev_significant(tokens, d))
                .map_or("r".into(), |r| {
                    String::from_utf8_lossy(tokens[r].text(src)).into_owned()
                });
            // The entry's value (`{"apikey": k}`, `dict(apikey=k)`): what the header takes.
            let key = next_significant(tokens, at)
                .filter(|&s| tokens[s].is_punct(src, ":") || tokens[s].is_punct(src, "="))
                .and_then(|s| next_significant(tokens, s))
                .map_or("…".into(), |v| {
                    String::from_utf8_lossy(&src[tokens[v].start()..expression_end(src, tokens, v)])
                        .trim()
                        .to_string()
                });
            Some(format!(
                "{INSTEAD}set `{receiver}.headers[\"x-api-key\"] = {key}` in the hook instead of the `apikey` entry of `{receiver}.prepare_url(…)`, once every request the hook is attached to goes to a regional host (not automatic: the hook adds the key to all of them)"
            ))
        }
        _ => None,
    }
}

/// Whether the string token `lit` is a statement of its own (a docstring, or a string
/// written as documentation): alone on its line, outside any bracket, nothing after it.
fn bare_string_statement(s: Script, lit: usize) -> bool {
    let (src, tokens) = (s.src, s.tokens);
    let on_later_line =
        |t: usize| memchr::memchr(b'\n', &src[tokens[lit].end()..tokens[t].start()]).is_some();
    tokens[lit].kind == TokKind::Str
        && s.enclosing_open(lit).is_none()
        && src[..tokens[lit].start()]
            .iter()
            .rev()
            .take_while(|&&b| b != b'\n')
            .all(|&b| b == b' ' || b == b'\t')
        && next_significant(tokens, lit).is_none_or(on_later_line)
}

/// Whether token `at` is part of a `return` statement: back to the statement's start, a line
/// break outside brackets.
fn in_return_statement(src: &[u8], tokens: &[Token], at: usize) -> bool {
    let mut depth = 0usize;
    for t in tokens[..at].iter().rev() {
        match (t.kind, t.text(src)) {
            (TokKind::Newline, _) if depth == 0 => return false,
            (TokKind::Punct, b")" | b"]" | b"}") => depth += 1,
            (TokKind::Punct, b"(" | b"[" | b"{") => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            (TokKind::Ident, b"return") if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// `apikey` in `dict(apikey=k, …)`.
fn keyword_of_dict_call(s: Script, at: usize) -> bool {
    let (src, tokens) = (s.src, s.tokens);
    tokens[at].kind == TokKind::Ident
        && next_significant(tokens, at).is_some_and(|e| tokens[e].is_punct(src, "="))
        && s.enclosing_open(at)
            .and_then(|o| prev_significant(tokens, o))
            .is_some_and(|d| tokens[d].text(src) == b"dict")
}

/// `headers=HEADERS`, `headers=self.headers()`: headers computed elsewhere become
/// `{**HEADERS, "x-api-key": k}`, the key winning over any spelling of it they already hold.
/// Unsafe: the value is not in sight (it could be `None`, or a header the request must not
/// send twice under another case).
fn merged_headers(
    src: &[u8],
    tokens: &[Token],
    v: usize,
    entry: &str,
) -> Result<Placement, String> {
    let end = expression_end(src, tokens, v);
    let expr = src[tokens[v].start()..end].trim_ascii();
    if expr.is_empty() || expr == b"None" || !plain_argument(src, tokens, &(tokens[v].start()..end))
    {
        return Err(
            "the request's headers are not a dict the fix can extend; add `x-api-key` to them"
                .into(),
        );
    }
    Ok(Placement {
        edits: vec![
            Edit::insert(tokens[v].start(), "{**"),
            Edit::insert(end, format!(", {entry}}}")),
        ],
        applicability: Applicability::Unsafe,
        sends: None,
        how: "merge `x-api-key` into the request's computed headers".into(),
    })
}

/// requests/httpx/aiohttp: `headers=` of the same call, extended or added.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let s = Script::of_request(req);
    let lit = token_at(tokens, req.at.start).ok_or("the key is not in a literal")?;
    let (name, open) = if req.builder {
        match params_call(s, lit) {
            Ok(call) => call,
            Err(why) => urlencoded_in_url(s, lit).ok_or(why)?,
        }
    } else if bare_string_statement(s, lit) {
        return Err(
            "the URL is in a docstring or a bare string statement, not in a request".into(),
        );
    } else {
        enclosing_call_near(src, tokens, req.openers, lit)
            .ok_or("the URL is not passed to a call")?
    };
    let callee = String::from_utf8_lossy(tokens[name].text(src)).to_ascii_lowercase();
    if !PYTHON_REQUEST_CALLS.contains(&callee.as_str()) {
        return Err(format!(
            "`{callee}(…)` is not a request call the fixer knows"
        ));
    }
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    if req.already_sent(tokens[name].start()..tokens[close].end()) {
        return Ok(already(super::SENT_BY_STATEMENT));
    }
    let q = req.quote();
    let entry = format!("{q}x-api-key{q}: {}", req.key.as_code(q));
    // `headers=` keyword argument.
    let kw = (open + 1..close).find(|&j| {
        tokens[j].kind == TokKind::Ident
            && tokens[j].text(src) == b"headers"
            && next_significant(tokens, j).is_some_and(|e| tokens[e].is_punct(src, "="))
            && s.enclosing_open(j) == Some(open)
    });
    let edit = match kw {
        Some(k) => {
            let v = next_significant(tokens, next_significant(tokens, k).expect("checked"))
                .ok_or("`headers=` without a value")?;
            if !tokens[v].is_punct(src, "{") {
                return merged_headers(src, tokens, v, &entry);
            }
            insert_first(src, tokens, v, &entry)
        }
        None => {
            let last = prev_significant(tokens, close).expect("call has an opening bracket");
            let trailing_comma = tokens[last].is_punct(src, ",");
            let multiline =
                memchr::memchr(b'\n', &src[tokens[last].end()..tokens[close].start()]).is_some();
            let text = format!("headers={{{entry}}}");
            if multiline {
                // One argument per line: a new line after the last one (and after its comment).
                let indent = indent_of(src, tokens[last].start());
                let mut end = line_end(src, tokens[last].end());
                if end > 0 && src[end - 1] == b'\r' {
                    end -= 1;
                }
                let mut edits = Vec::new();
                if !trailing_comma {
                    edits.push(Edit::insert(tokens[last].end(), ","));
                }
                edits.push(Edit::insert(
                    end,
                    format!("{}{indent}{text},", eol(src, end)),
                ));
                return Ok(Placement {
                    edits,
                    applicability: Applicability::Safe,
                    sends: None,
                    how: "send `x-api-key` in the request's headers".into(),
                });
            } else {
                let sep = if trailing_comma { " " } else { ", " };
                Edit::insert(tokens[last].end(), format!("{sep}{text}"))
            }
        }
    };
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        sends: None,
        how: "send `x-api-key` in the request's headers".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};

    #[test]
    fn a_url_a_cached_or_static_private_method_returns_moves_its_key_to_its_callers() {
        // `@staticmethod`: no `self` to leave out, the key is the callers' first argument.
        let src = "import requests\n# Whispir\nclass C:\n    @staticmethod\n    def _url(key):\n        return f'{BASE}/m?apikey={key}'\n\n    def a(self):\n        return requests.get(self._url(self.k))\n";
        let (out, applicability) = fix("a.py", src).unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert!(
            out.contains("return f'{BASE}/m'\n")
                && out.contains("requests.get(self._url(self.k), headers={'x-api-key': self.k})"),
            "{out}"
        );
        // A cache keeps the call as written; a field key.
        let src = "import functools\nimport requests\n# Whispir\nclass C:\n    @functools.lru_cache(maxsize=8)\n    def _url(self, p):\n        return f'{BASE}{p}?apikey={self.key}'\n\n    def a(self):\n        return requests.get(self._url('/a'))\n";
        let (out, _) = fix("a.py", src).unwrap();
        assert!(
            out.contains("requests.get(self._url('/a'), headers={'x-api-key': self.key})"),
            "{out}"
        );
        // Any other decorator may return another function.
        for decorator in ["@retry(3)", "@property"] {
            let src = src.replace("@functools.lru_cache(maxsize=8)", decorator);
            let reason = manual("a.py", &src);
            assert!(reason.contains("is decorated"), "{decorator}: {reason}");
        }
    }

    #[test]
    fn a_url_a_private_function_builds_in_a_local_moves_its_key_to_its_callers() {
        let src = "import requests\n# Whispir\ndef _url(path, key):\n    url = f'{BASE}{path}?apikey={key}'\n    return url\n\ndef a(k):\n    return requests.get(_url('/a', k))\n";
        let (out, applicability) = fix("a.py", src).unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert!(
            out.contains("    url = f'{BASE}{path}'\n    return url\n")
                && out.contains("requests.get(_url('/a', k), headers={'x-api-key': k})"),
            "{out}"
        );
        // Read besides the return, or returned changed: not the URL the callers send.
        for changed in [
            "    log.info(url)\n    return url\n",
            "    return url + '&x=1'\n",
        ] {
            let src = src.replace("    return url\n", changed);
            assert!(
                !manual("a.py", &src).contains("returns the URL"),
                "{changed}"
            );
        }
    }
    use crate::diagnostic::Applicability;

    #[test]
    fn a_returned_url_is_not_the_variable_assigned_before_its_function() {
        // `BASE = …` two lines up belongs to another statement: its reads do not send this URL.
        let reason = manual(
            "a.py",
            "import requests\nBASE = 'https://api.au.whispir.com'\ndef url(k):\n    return BASE + '?apikey=' + k\n\ndef a(k):\n    return requests.post(BASE, data=url(k))\n",
        );
        assert!(!reason.contains("through the variable"), "{reason}");
    }

    #[test]
    fn a_url_a_private_function_returns_moves_its_key_to_every_request_its_callers_send() {
        // A field key: every caller is a method of the class, straight or through a local.
        let src = "import requests\n\nclass C:\n    def _url(self, path):\n        return 'https://api.au.whispir.com' + path + '?apikey=' + self.api_key\n\n    def a(self):\n        return requests.get(self._url('/a'), timeout=5)\n\n    def b(self):\n        url = self._url('/b')\n        return requests.post(url, json={})\n";
        assert_eq!(
            fix("a.py", src).unwrap(),
            (
                "import requests\n\nclass C:\n    def _url(self, path):\n        return 'https://api.au.whispir.com' + path\n\n    def a(self):\n        return requests.get(self._url('/a'), timeout=5, headers={'x-api-key': self.api_key})\n\n    def b(self):\n        url = self._url('/b')\n        return requests.post(url, json={}, headers={'x-api-key': self.api_key})\n".into(),
                Applicability::Unsafe
            )
        );
        // A parameter key: each caller's own argument, positional or by keyword.
        let src = "import requests\n# Whispir\ndef _url(path, key):\n    return f'{BASE}{path}?apikey={key}'\n\ndef a(k):\n    return requests.get(_url('/a', k))\n\ndef b(api_key):\n    return requests.get(_url('/b', key=api_key))\n";
        let (out, applicability) = fix("a.py", src).unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert!(
            out.contains("return f'{BASE}{path}'\n")
                && out.contains("requests.get(_url('/a', k), headers={'x-api-key': k})")
                && out.contains(
                    "requests.get(_url('/b', key=api_key), headers={'x-api-key': api_key})"
                ),
            "{out}"
        );
        // Near misses, each saying which condition fails.
        for (src, why) in [
            (
                "def url(k):\n    return BASE + '?apikey=' + k\n\ndef a(k):\n    return requests.get(url(k))\n",
                "is public",
            ),
            (
                "def _url(k):\n    return BASE + '?apikey=' + k\n\ndef a(k):\n    print(_url(k))\n    return requests.get(_url(k))\n",
                "`print(…)` is not a request call",
            ),
            (
                "def _url(k):\n    return BASE + '?apikey=' + k\n\ndef a(k):\n    return requests.get(_url(k) + '&x=1')\n",
                "does not pass it straight to a request",
            ),
            (
                "def _url(k):\n    return BASE + '?apikey=' + k\n\ndef a(keys):\n    return requests.get(_url(keys[0]))\n",
                "not a plain name",
            ),
            (
                "def _url(k):\n    return BASE + '?apikey=' + k\n\ndef a(k):\n    return requests.post(BASE, data=_url(k))\n",
                "does not pass it straight to a request",
            ),
            (
                "class C:\n    def _url(self):\n        return BASE + '?apikey=' + self.k\n\nclass D:\n    def a(self, c):\n        return requests.get(c._url())\n",
                "calls it on another object",
            ),
            (
                "def _url(k):\n    return BASE + '?apikey=' + k\n\nHANDLERS = [_url]\n",
                "uses its name other than to call it",
            ),
            (
                "def _url(k):\n    if not k:\n        return BASE\n    return BASE + '?apikey=' + k\n\ndef a(k):\n    return requests.get(_url(k))\n",
                "returns in 2 places",
            ),
        ] {
            let src = format!("import requests\nBASE = 'https://api.au.whispir.com'\n{src}");
            let reason = manual("a.py", &src);
            assert!(reason.contains(why), "{why}: {reason}");
        }
        // A dict that holds the URL is no URL returned.
        let reason = manual(
            "a.py",
            "import requests\nBASE = 'https://api.au.whispir.com'\ndef _u(k):\n    return {'url': BASE + '?apikey=' + k}\n\ndef a(k):\n    return requests.get(_u(k))\n",
        );
        assert!(!reason.contains("returns the URL"), "{reason}");
    }

    #[test]
    fn a_local_query_dict_loses_the_key_and_its_request_gains_the_header() {
        let src = "import requests\n\ndef f(k):\n    query = {\"apikey\": k, \"first\": 0}\n    return requests.get(\"https://api.au.whispir.com/m\", params=query)\n";
        assert_eq!(
            safe("a.py", src),
            "import requests\n\ndef f(k):\n    query = {\"first\": 0}\n    return requests.get(\"https://api.au.whispir.com/m\", params=query, headers={\"x-api-key\": k})\n"
        );
        // Named like the keyword it is passed to: `params=params` reads the variable once.
        let src = "import requests\n\ndef f(k):\n    params = {'apikey': k, 'first': 0}\n    return requests.get('https://api.au.whispir.com/m', params=params, headers={'Accept': 'x'})\n";
        assert!(
            safe("a.py", src).contains("params=params, headers={'x-api-key': k, 'Accept': 'x'})"),
            "{}",
            safe("a.py", src)
        );
    }

    #[test]
    fn a_query_dict_of_only_the_key_goes_with_its_argument() {
        // No `params={}` left behind: the assignment and `params=query` go.
        let src = "import requests\n\ndef f(k):\n    query = {'apikey': k}  # note\n    return requests.get('https://api.au.whispir.com/m', params=query, auth=A)\n";
        assert_eq!(
            safe("a.py", src),
            "import requests\n\ndef f(k):\n    return requests.get('https://api.au.whispir.com/m', auth=A, headers={'x-api-key': k})\n"
        );
        // The last argument, and a dict written over several lines.
        let src = "import requests\n\ndef f(k):\n    query = {\n        'apikey': k,\n    }\n    return requests.get('https://api.au.whispir.com/m', params=query)\n";
        assert_eq!(
            safe("a.py", src),
            "import requests\n\ndef f(k):\n    return requests.get('https://api.au.whispir.com/m', headers={'x-api-key': k})\n"
        );
    }

    #[test]
    fn computed_headers_are_merged_with_the_key_unsafely() {
        let src = "import requests\n\ndef f(k):\n    return requests.get('https://api.au.whispir.com/m?apikey=' + k, headers=HEADERS)\n";
        let (out, a) = fix("a.py", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert!(
            out.contains(
                "requests.get('https://api.au.whispir.com/m', headers={**HEADERS, 'x-api-key': k})"
            ),
            "{out}"
        );
        let src = "import requests\n\ndef f(k):\n    return requests.get('https://api.au.whispir.com/m', params={'apikey': k}, headers=self.headers(), timeout=5)\n";
        assert!(
            fix("a.py", src)
                .unwrap()
                .0
                .contains("headers={**self.headers(), 'x-api-key': k}, timeout=5)"),
            "{}",
            fix("a.py", src).unwrap().0
        );
        // `None`, or a choice between values: by hand.
        manual(
            "a.py",
            "import requests\nrequests.get('https://api.au.whispir.com/m?apikey=' + k, headers=None)\n",
        );
        manual(
            "a.py",
            "import requests\nrequests.get('https://api.au.whispir.com/m?apikey=' + k, headers=H if x else G)\n",
        );
    }

    #[test]
    fn a_urlencoded_query_moves_its_key_to_the_request_that_sends_it() {
        // Through a local read once by the request.
        let src = "import requests\n# Whispir\ndef f(k):\n    url = BASE + '/m?' + urlencode({'apikey': k, 'first': 0})\n    return requests.get(url)\n";
        assert_eq!(
            safe("a.py", src),
            "import requests\n# Whispir\ndef f(k):\n    url = BASE + '/m?' + urlencode({'first': 0})\n    return requests.get(url, headers={'x-api-key': k})\n"
        );
        // In the URL argument itself, as a dict literal or a `dict(…)` call.
        let src = "import requests\nrequests.get('https://api.au.whispir.com/m?' + urlencode(dict(apikey=k, first=0)), timeout=5)\n";
        assert_eq!(
            safe("a.py", src),
            "import requests\nrequests.get('https://api.au.whispir.com/m?' + urlencode(dict(first=0)), timeout=5, headers={'x-api-key': k})\n"
        );
    }

    #[test]
    fn a_query_of_only_the_key_goes_whole_with_its_question_mark() {
        // Through a local read once by the request: no `urlencode({})`, no bare `?`.
        let src = "import requests\n# Whispir\ndef f(k):\n    url = BASE + '/m?' + urlencode({'apikey': k})\n    return requests.get(url).json()\n";
        assert_eq!(
            safe("a.py", src),
            "import requests\n# Whispir\ndef f(k):\n    url = BASE + '/m'\n    return requests.get(url, headers={'x-api-key': k}).json()\n"
        );
        // After other parameters (`&`), as `dict(…)`, in the URL argument itself.
        let src = "import requests\n# Whispir\ndef f(k):\n    url = BASE + \"/m?limit=10&\" + urlencode(dict(apikey=k))\n    return requests.get(url)\n";
        assert!(
            safe("a.py", src).contains("url = BASE + \"/m?limit=10\"\n"),
            "{}",
            safe("a.py", src)
        );
        let src = "import requests\n# Whispir\nrequests.get(BASE + '/m?' + urlencode({'apikey': k}), timeout=5)\n";
        assert_eq!(
            safe("a.py", src),
            "import requests\n# Whispir\nrequests.get(BASE + '/m', timeout=5, headers={'x-api-key': k})\n"
        );
        // A literal that is only the `?` goes with its `+`.
        let src =
            "import requests\n# Whispir\nrequests.get(BASE + '?' + urlencode({'apikey': k}))\n";
        assert_eq!(
            safe("a.py", src),
            "import requests\n# Whispir\nrequests.get(BASE, headers={'x-api-key': k})\n"
        );
        // Encoded into the body, not the URL: not this request's query.
        manual(
            "a.py",
            "import requests\n# Whispir\nrequests.post(BASE, data=BASE + '?' + urlencode({'apikey': k}))\n",
        );
        // Read by two requests: both get the header, unsafely.
        let src = "import requests\n# Whispir\ndef f(k):\n    url = B + '/m?' + urlencode({'apikey': k})\n    r = requests.get(url)\n    return r if r.ok else requests.get(url)\n";
        assert_eq!(
            fix("a.py", src).unwrap(),
            (
                "import requests\n# Whispir\ndef f(k):\n    url = B + '/m'\n    r = requests.get(url, headers={'x-api-key': k})\n    return r if r.ok else requests.get(url, headers={'x-api-key': k})\n".into(),
                Applicability::Unsafe
            )
        );
    }

    #[test]
    fn a_template_formatted_where_it_is_read_sends_the_argument_that_filled_the_key() {
        // A local: the keyword argument leaves the call, its value becomes the header.
        let src = "import requests\n# Whispir\ndef f(r, k):\n    url = 'https://api.au.whispir.com/m/{r}?apikey={key}'\n    return requests.get(url.format(r=r, key=k))\n";
        assert_eq!(
            safe("a.py", src),
            "import requests\n# Whispir\ndef f(r, k):\n    url = 'https://api.au.whispir.com/m/{r}'\n    return requests.get(url.format(r=r), headers={'x-api-key': k})\n"
        );
        // The only argument: the `.format(…)` call goes, and doubled braces become text.
        let src = "import requests\n# Whispir\ndef f(k):\n    url = 'https://api.au.whispir.com/m?q={{x}}&apikey={key}'\n    return requests.get(url.format(key=k))\n";
        assert_eq!(
            safe("a.py", src),
            "import requests\n# Whispir\ndef f(k):\n    url = 'https://api.au.whispir.com/m?q={x}'\n    return requests.get(url, headers={'x-api-key': k})\n"
        );
        // A module constant: unsafe.
        let src = "import requests\nURL = 'https://api.au.whispir.com/m/{r}?apikey={key}'\n\ndef f(r, k):\n    return requests.get(URL.format(r=r, key=k))\n";
        let (out, applicability) = fix("a.py", src).unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert!(
            out.contains("requests.get(URL.format(r=r), headers={'x-api-key': k})"),
            "{out}"
        );
        // Formatted twice, with `**kwargs`, or naming the key twice: by hand.
        for by_hand in [
            "    print(url.format(key='***'))\n    return requests.get(url.format(key=k))\n",
            "    return requests.get(url.format(**kw))\n",
        ] {
            manual(
                "a.py",
                &format!(
                    "import requests\n# Whispir\ndef f(k, kw):\n    url = 'https://api.au.whispir.com/m?apikey={{key}}'\n{by_hand}"
                ),
            );
        }
        assert!(
            manual(
                "a.py",
                "import requests\n# Whispir\ndef f(k):\n    url = 'https://api.au.whispir.com/m?apikey={key}&again={key}'\n    return requests.get(url.format(key=k))\n"
            )
            .contains("is used twice")
        );
    }

    #[test]
    fn a_query_urlencoded_in_an_f_string_field_loses_the_key_and_its_request_gains_the_header() {
        let field = |query: &str| {
            format!(
                "import requests\n\ndef f(key, mid):\n    return requests.get(f\"https://api.au.whispir.com/m/{{mid}}?{{urlencode({query})}}\", timeout=5)\n"
            )
        };
        let sent = |query: &str| {
            format!(
                "import requests\n\ndef f(key, mid):\n    return requests.get(f\"https://api.au.whispir.com/m/{{mid}}?{{urlencode({query})}}\", timeout=5, headers={{\"x-api-key\": key}})\n"
            )
        };
        assert_eq!(
            safe("a.py", &field("{'apikey': key, 'n': 1}")),
            sent("{'n': 1}")
        );
        assert_eq!(
            safe("a.py", &field("dict(view='full', apikey=key)")),
            sent("dict(view='full')")
        );
        // The key alone: the field goes with its `?`; an f-string left with no placeholder
        // loses its `f`, its doubled braces unescaped.
        assert_eq!(
            safe(
                "a.py",
                "import requests\n\ndef f(key):\n    return requests.get(f\"https://api.au.whispir.com/m?{urlencode({'apikey': key})}&{{x}}=1\")\n"
            ),
            "import requests\n\ndef f(key):\n    return requests.get(\"https://api.au.whispir.com/m?{x}=1\", headers={\"x-api-key\": key})\n"
        );
        // Through a local read once by the request: the same, safe; a placeholder stays.
        assert_eq!(
            safe(
                "a.py",
                "import requests\n\ndef f(key, mid):\n    url = f\"https://api.au.whispir.com/m/{mid}?{urlencode({'apikey': key})}\"\n    return requests.get(url)\n"
            ),
            "import requests\n\ndef f(key, mid):\n    url = f\"https://api.au.whispir.com/m/{mid}\"\n    return requests.get(url, headers={\"x-api-key\": key})\n"
        );
        // A conversion or format spec on the field, or a call that is not `urlencode`: by hand.
        for query in [
            "urlencode({'apikey': key})!s",
            "urlencode({'apikey': key}, doseq=True)",
            "quote(urlencode({'apikey': key}))",
        ] {
            let src = format!(
                "import requests\n\ndef f(key):\n    return requests.get(f\"https://api.au.whispir.com/m?{{{query}}}\")\n"
            );
            assert_eq!(
                manual("a.py", &src),
                "the query is built inside a string's replacement field",
                "{query}"
            );
        }
    }

    #[test]
    fn a_urlencoded_url_read_by_several_requests_gives_each_the_header_unsafely() {
        let src = "import requests\n# Whispir\ndef f(k):\n    url = B + '/m?' + urlencode({'apikey': k, 'n': 1})\n    r = requests.get(url)\n    return r if r.ok else requests.get(url)\n";
        assert_eq!(
            fix("a.py", src).unwrap(),
            (
                "import requests\n# Whispir\ndef f(k):\n    url = B + '/m?' + urlencode({'n': 1})\n    r = requests.get(url, headers={'x-api-key': k})\n    return r if r.ok else requests.get(url, headers={'x-api-key': k})\n".into(),
                Applicability::Unsafe
            )
        );
    }

    #[test]
    fn a_url_in_a_docstring_is_no_request() {
        let docstring = "import requests\n\ndef f(k):\n    \"\"\"Old form:\n    https://api.au.whispir.com/m?apikey=KEY\n    \"\"\"\n    return 1\n";
        assert!(
            manual("a.py", docstring).contains("docstring"),
            "{}",
            manual("a.py", docstring)
        );
        // A string that is an argument is no statement of its own.
        let argument =
            "import requests\nprint(\n    'https://api.au.whispir.com/m?apikey=KEY'\n)\n";
        assert!(!manual("a.py", argument).contains("docstring"));
    }

    #[test]
    fn urlencoded_queries_the_fix_cannot_follow_say_why() {
        let why = |src: &str| manual("a.py", &format!("import requests\n# Whispir\n{src}"));
        // Only the key, and the URL goes on after it (or starts with the `?`): the query
        // cannot go whole.
        for only_key in [
            "def f(k):\n    url = B + '/m?' + urlencode({'apikey': k}) + '#top'\n    return requests.get(url)\n",
            "def f(k):\n    url = '?' + urlencode({'apikey': k})\n    return requests.get(B + url)\n",
        ] {
            assert!(why(only_key).contains("encodes only the key"), "{only_key}");
        }
        // Returned by a public function: its callers may be in other files.
        assert!(
            why("def f(k):\n    return B + '/m?' + urlencode({'apikey': k})\n")
                .contains("the URL is returned by `f(…)`, which is public"),
        );
        assert!(
            why("def f(k):\n    return B + '?' + urlencode({'apikey': k, 'n': 1})\n")
                .contains("the URL is returned by `f(…)`, which is public"),
        );
        // A private one's callers send it: the query goes whole, and they get the header.
        let (out, _) = fix(
            "a.py",
            "import requests\n# Whispir\ndef _f(k):\n    return B + '/m?' + urlencode({'apikey': k})\n\ndef g(k):\n    return requests.get(_f(k))\n",
        )
        .unwrap();
        assert!(
            out.contains("return B + '/m'\n")
                && out.contains("requests.get(_f(k), headers={'x-api-key': k})"),
            "{out}"
        );
        // Read by two requests and by something else: not every read gets the header.
        assert!(
            why("def f(k):\n    url = B + '?' + urlencode({'apikey': k, 'n': 1})\n    log(url)\n    first = requests.get(url)\n    return first if first.ok else requests.get(url)\n")
                .contains("not followed to one request call"),
        );
        assert!(
            why("requests.post(B, data=urlencode({'apikey': k, 'n': 1}))\n")
                .contains("a field of the request body that `urlencode(…)` encodes for `data=`"),
        );
    }

    #[test]
    fn a_urlencoded_url_also_read_by_something_else_gives_its_one_request_the_header_unsafely() {
        // What the log line does with the URL (its key included) is not known: unsafe, and
        // the message names that read.
        let logged = "import requests\n\ndef f(k):\n    url = 'https://api.au.whispir.com/m?' + urlencode({'apikey': k, 'n': 1})\n    log(url)\n    return requests.get(url)\n";
        let (out, applicability) = fix("a.py", logged).expect("a fix");
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(
            out,
            "import requests\n\ndef f(k):\n    url = 'https://api.au.whispir.com/m?' + urlencode({'n': 1})\n    log(url)\n    return requests.get(url, headers={'x-api-key': k})\n"
        );
        // The key alone: its query goes whole, as for a URL read by its request only.
        let (out, applicability) = fix(
            "a.py",
            &logged.replace("{'apikey': k, 'n': 1}", "{'apikey': k}"),
        )
        .expect("a fix");
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(
            out,
            "import requests\n\ndef f(k):\n    url = 'https://api.au.whispir.com/m'\n    log(url)\n    return requests.get(url, headers={'x-api-key': k})\n"
        );
    }

    #[test]
    fn a_dict_call_as_params_moves_its_key_keyword() {
        let src = "import requests\nrequests.get('https://api.au.whispir.com/m', params=dict(apikey=k, limit=5))\n";
        assert_eq!(
            safe("a.py", src),
            "import requests\nrequests.get('https://api.au.whispir.com/m', params=dict(limit=5), headers={'x-api-key': k})\n"
        );
    }

    #[test]
    fn a_module_level_query_dict_is_unsafe_and_so_is_a_shared_one() {
        let src = "import requests\nQUERY = {'apikey': K, 'first': 0}\n\ndef f():\n    return requests.get('https://api.au.whispir.com/m', params=QUERY)\n";
        let (out, a) = fix("a.py", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert!(out.contains("QUERY = {'first': 0}"), "{out}");
        // Passed by two requests: both get the header, in one unsafe fix.
        let shared = "import requests\nQUERY = {'apikey': K, 'first': 0}\n\ndef f():\n    return requests.get('https://api.au.whispir.com/m', params=QUERY)\n\ndef g():\n    return requests.get('https://api.au.whispir.com/n', params=QUERY)\n";
        let (out, a) = fix("a.py", shared).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "import requests\nQUERY = {'first': 0}\n\ndef f():\n    return requests.get('https://api.au.whispir.com/m', params=QUERY, headers={'x-api-key': K})\n\ndef g():\n    return requests.get('https://api.au.whispir.com/n', params=QUERY, headers={'x-api-key': K})\n"
        );
        // Also read by something that is not a request's `params=`: manual.
        manual(
            "a.py",
            "import requests\nQUERY = {'apikey': K, 'first': 0}\n\ndef f():\n    return requests.get('https://api.au.whispir.com/m', params=QUERY)\n\ndef g():\n    log(QUERY)\n    return requests.get('https://api.au.whispir.com/n', params=QUERY)\n",
        );
    }

    #[test]
    fn query_dicts_that_are_not_a_requests_params_stay_manual() {
        // Only the key, but the dict is not alone on its line.
        assert!(
            manual(
                "a.py",
                "import requests\n\ndef f(k):\n    query = {'apikey': k}; n = 1\n    return requests.get('https://api.au.whispir.com/m', params=query)\n"
            )
            .contains("only the key")
        );
        // Encoded into a URL sent elsewhere, or added by an auth hook: said exactly.
        assert!(
            manual(
                "a.py",
                "from urllib.parse import urlencode\n# Whispir\ndef link(k):\n    return BASE + '?' + urlencode({'apikey': k, 'first': 0})\n"
            )
            .contains("the URL is returned by `link(…)`, which is public")
        );
        assert!(
            manual(
                "a.py",
                "BASE = 'https://api.whispir.com'\nclass A(AuthBase):\n    def __call__(self, r):\n        r.prepare_url(r.url, {'apikey': self.k})\n        return r\n"
            )
            .starts_with("set `r.headers[\"x-api-key\"] = self.k` in the hook")
        );
        // Passed as the body, not the query.
        manual(
            "a.py",
            "import requests\n\ndef f(k):\n    params = {'apikey': k, 'n': 1}\n    return requests.post('https://api.au.whispir.com/m', json=params)\n",
        );
        // Changed after it was built.
        manual(
            "a.py",
            "import requests\n\ndef f(k):\n    params = {'apikey': k, 'n': 1}\n    params = {}\n    return requests.get('https://api.au.whispir.com/m', params=params)\n",
        );
    }

    #[test]
    fn braces_in_a_string_that_is_no_f_string_are_text_not_a_variable() {
        // Without `f` (raw `r"…"` too) and without `.format`, `{key}` is sent as those five
        // characters: so is the header, not the variable `key`.
        for prefix in ["", "r"] {
            let src = format!(
                "import requests\ndef f(key):\n    return requests.get({prefix}\"https://api.au.whispir.com/m?apikey={{key}}\")\n"
            );
            let out = safe("a.py", &src);
            assert!(out.contains(r#"headers={"x-api-key": "{key}"}"#), "{out}");
        }
        // An f-string (`rf` too) and a `.format` in place read a variable.
        let out = safe(
            "a.py",
            "import requests\ndef f(key):\n    return requests.get(rf\"https://api.au.whispir.com/m?apikey={key}\")\n",
        );
        assert!(out.contains(r#"headers={"x-api-key": key}"#), "{out}");
        let out = safe(
            "a.py",
            "import requests\ndef f(k):\n    return requests.get(\"https://api.au.whispir.com/m?apikey={key}\".format(key=k))\n",
        );
        assert!(out.contains(r#"headers={"x-api-key": k}"#), "{out}");
        // A template formatted where its variable is read: `key` is no variable of the file,
        // and the text is not what is sent; the argument that fills it is the key.
        let (out, _) = fix(
            "a.py",
            "import requests\nURL = \"https://api.au.whispir.com/m?apikey={key}\"\ndef f(k):\n    return requests.get(URL.format(key=k))\n",
        )
        .unwrap();
        assert!(out.contains(r#"headers={"x-api-key": k}"#), "{out}");
        // Formatted in two places: neither reading is certain.
        let reason = manual(
            "a.py",
            "import requests\nURL = \"https://api.au.whispir.com/m?apikey={key}\"\ndef f(k):\n    log(URL.format(key='***'))\n    return requests.get(URL.format(key=k))\n",
        );
        assert!(reason.contains("where `URL` is formatted"), "{reason}");
    }
}
