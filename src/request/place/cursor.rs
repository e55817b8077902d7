//! The steps the language modules share: walking a request's tokens (statements, calls,
//! arguments, object members), and inserting lines and entries in the file's own layout.

use super::{Placement, Request, already};
use crate::diagnostic::Applicability;
use crate::diagnostic::Edit;
use crate::lang::tokens::{
    Openers, arguments, enclosing_open, is_close, matching_close, next_significant,
    prev_significant, token_at,
};
use crate::lang::{Language, TokKind, Token};
use crate::request::query::KeySource;
use std::ops::Range;

pub(super) fn line_start(src: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &src[..at]).map_or(0, |i| i + 1)
}

pub(super) fn line_end(src: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &src[at..]).map_or(src.len(), |i| at + i)
}

pub(super) fn eol(src: &[u8], at: usize) -> &'static str {
    let end = line_end(src, at);
    if end > 0 && end < src.len() && src[end - 1] == b'\r' {
        "\r\n"
    } else {
        "\n"
    }
}

/// The tokens directly inside the bracket at `open`, not inside nested brackets (bracket
/// tokens themselves left out), and the matching close.
pub(super) fn top_level(src: &[u8], tokens: &[Token], open: usize) -> Option<(usize, Vec<usize>)> {
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
pub(super) fn members(src: &[u8], tokens: &[Token], open: usize) -> Vec<(usize, usize)> {
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

pub(super) fn key_is(src: &[u8], t: &Token, name: &str) -> bool {
    t.content_text(src).eq_ignore_ascii_case(name.as_bytes())
}

/// Indentation of the line holding byte `at`.
pub(super) fn indent_of(src: &[u8], at: usize) -> String {
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
pub(super) fn insert_first(src: &[u8], tokens: &[Token], open: usize, entry: &str) -> Edit {
    let close = matching_close(src, tokens, open).unwrap_or(open);
    let first = next_significant(tokens, open).filter(|&f| f != close);
    let at = tokens[open].end();
    match first {
        None => {
            let pad = if tokens[open].text(src) == b"{" {
                " "
            } else {
                ""
            };
            Edit::replace(at..tokens[close].start(), format!("{pad}{entry}{pad}"))
        }
        Some(f) => {
            let multiline = memchr::memchr(b'\n', &src[at..tokens[f].start()]).is_some();
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
                        indent_of(src, tokens[f].start())
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

/// The call whose argument list holds token `i`: (name token, `(` token).
pub(super) fn enclosing_call(src: &[u8], tokens: &[Token], i: usize) -> Option<(usize, usize)> {
    enclosing_call_by(src, tokens, i, |k| enclosing_open(src, tokens, k))
}

/// [`enclosing_call`], each bracket not near found from the file's index (where the walk
/// back to it would cross a whole function, once per request).
pub(super) fn enclosing_call_near(
    src: &[u8],
    tokens: &[Token],
    openers: &std::sync::OnceLock<crate::lang::tokens::Openers>,
    i: usize,
) -> Option<(usize, usize)> {
    enclosing_call_by(src, tokens, i, |k| {
        crate::lang::tokens::enclosing_open_near(src, tokens, openers, k)
    })
}

fn enclosing_call_by(
    src: &[u8],
    tokens: &[Token],
    mut i: usize,
    enclosing_open: impl Fn(usize) -> Option<usize>,
) -> Option<(usize, usize)> {
    for _ in 0..6 {
        let open = enclosing_open(i)?;
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
pub(crate) fn statement(
    src: &[u8],
    tokens: &[Token],
    openers: &std::sync::OnceLock<Openers>,
    lang: &dyn Language,
    i: usize,
) -> Range<usize> {
    // Only languages whose line breaks end statements ask for the bracket index: a large
    // file in another is not indexed for it.
    let index = (lang.line_oriented() || lang.lines_end_statements())
        .then(|| openers.get_or_init(|| Openers::of_file(src, tokens)));
    statement_in(src, tokens, index, lang, i)
}

/// [`statement`], with the file's bracket index already built.
pub(crate) fn statement_indexed(
    src: &[u8],
    tokens: &[Token],
    openers: &Openers,
    lang: &dyn Language,
    i: usize,
) -> Range<usize> {
    statement_in(src, tokens, Some(openers), lang, i)
}

fn statement_in(
    src: &[u8],
    tokens: &[Token],
    openers: Option<&Openers>,
    lang: &dyn Language,
    i: usize,
) -> Range<usize> {
    // A line break ends a statement only outside every bracket: the file-wide depths, from
    // the file's bracket index (built once, not once per parameter).
    let line_break = |j: usize| {
        lang.line_oriented()
            && tokens[j].kind == TokKind::Newline
            && openers.is_some_and(|o| o.depth(src, tokens, j) <= 0)
    };
    // In Kotlin, Swift and Go a line break between tokens `a` and `a + 1` ends a statement
    // too, when it is at the statement's own level (`depth`) in a block, not in a bracket.
    let block_line_break = |a: usize, depth: i32| {
        depth <= 0
            && lang.lines_end_statements()
            && openers.is_some_and(|o| line_ends_statement(src, tokens, o, a))
    };
    let mut depth = 0i32;
    let mut s = i;
    while s > 0 {
        if block_line_break(s - 1, depth) {
            break;
        }
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
        if block_line_break(e, depth) {
            break;
        }
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
    tokens[s.min(i)].start()..tokens[e].end()
}

/// Whether the line break between tokens `a` and `a + 1` ends a statement in a language
/// without semicolons: it sits in a `{ … }` block (or at the top level), not in a bracket,
/// and neither an operator ending the line nor a `.`, `?.`, `?:`, `&&` or `||` starting the
/// next one carries the expression on.
fn line_ends_statement(src: &[u8], tokens: &[Token], openers: &Openers, a: usize) -> bool {
    let b = a + 1;
    if b >= tokens.len() {
        return false;
    }
    // A block comment may hold the break: `a`'s own text counts when it is a comment.
    let gap = if tokens[a].kind == TokKind::Comment {
        tokens[a].start()..tokens[b].start()
    } else {
        tokens[a].end()..tokens[b].start()
    };
    if memchr::memchr(b'\n', &src[gap]).is_none()
        || openers.of(b).is_some_and(|o| !tokens[o].is_punct(src, "{"))
    {
        return false;
    }
    // The line's end is its last token that is not a comment.
    let Some(last) = prev_significant(tokens, b) else {
        return true;
    };
    let (end, next) = (&tokens[last], &tokens[b]);
    let continued_by_end =
        end.kind == TokKind::Punct && !matches!(end.text(src), b")" | b"]" | b"}" | b";");
    let continued_by_start = next.kind == TokKind::Punct
        && matches!(next.text(src), b"." | b"?" | b"?." | b"?:" | b"&&" | b"||");
    !(continued_by_end || continued_by_start)
}

/// Why a URL that is no call's argument gets no header (`url_argument`).
pub(crate) const NOT_PASSED: &str = "the URL is not passed to a call";

pub(super) const BUILDER_CALL: &str =
    "the parameter is added by a query-builder call; remove it and add the header by hand";

/// The steps every code placer starts with. `Ok(Ok(token))`: the URL's token, to place the
/// header from. `Ok(Err(placement))`: the statement already sends `x-api-key`, so only the
/// parameter goes. `Err`: a URL in a comment, or a key added by a query-builder call (a map
/// entry, which the removal takes out cleanly, is accepted when `entries` is set).
pub(super) fn opening(req: &Request, entries: bool) -> Result<Result<usize, Placement>, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = anchor(req)?;
    if req.builder && !(entries && (map_entry(src, tokens, lit) || keyword_value(req, lit))) {
        return Err(BUILDER_CALL.into());
    }
    let (s, e) = logical_statement(req, lit);
    if req.sends_header_between(s, e) {
        return Ok(Err(already(super::SENT_BY_STATEMENT)));
    }
    Ok(Ok(lit))
}

/// The token at `req.at`, unless it is a comment.
pub(super) fn anchor(req: &Request) -> Result<usize, String> {
    let in_comment = || "the URL is in a comment, not in a request".to_string();
    // Rust's tokenizer leaves comments out, and gives doc comments as `#[doc = "…"]` strings
    // whose text is the comment's.
    let rust = req.lang.request_style() == crate::lang::RequestStyle::Rust;
    let Some(i) = token_at(req.tokens, req.at.start) else {
        return Err(if rust {
            in_comment()
        } else {
            "the key is not in a literal".into()
        });
    };
    let doc_comment = rust && req.tokens[i].text(req.src).starts_with(b"//")
        || req.tokens[i].text(req.src).starts_with(b"/*");
    if req.tokens[i].kind == TokKind::Comment || (rust && doc_comment) {
        return Err(in_comment());
    }
    Ok(i)
}

/// A builder key written as a map entry (`'apikey' => k`, `apikey: k`), which the
/// parameter removal takes out cleanly; not a call argument (`addQueryParameter("apikey", k)`)
/// nor the first entry of a PHP `array(…)`, whose parentheses the removal would take too.
pub(super) fn map_entry(src: &[u8], tokens: &[Token], key: usize) -> bool {
    next_significant(tokens, key).is_some_and(|n| matches!(tokens[n].text(src), b"=>" | b":"))
        && prev_significant(tokens, key).is_some_and(|p| !tokens[p].is_punct(src, "("))
}

/// A variable passed as a keyword's value (`query: opts`, `params=opts`): where a query hash
/// held in that variable is sent (see `plan::variable_use`).
pub(super) fn keyword_value(req: &Request, at: usize) -> bool {
    let (src, tokens) = (req.src, req.tokens);
    tokens[at].kind == TokKind::Ident
        && prev_significant(tokens, at)
            .is_some_and(|p| matches!(tokens[p].text(src), b":" | b"=>" | b"="))
        && req
            .enclosing_open(at)
            .is_some_and(|o| tokens[o].is_punct(src, "("))
}

/// Whether a string literal among `toks` names the `x-api-key` header (any case).
pub(super) fn sends_header(src: &[u8], tokens: &[Token], toks: Range<usize>) -> bool {
    tokens[toks.start.min(tokens.len())..toks.end.min(tokens.len())]
        .iter()
        .any(|t| {
            t.kind == TokKind::Str
                && memchr::memmem::find(&t.content_text(src).to_ascii_lowercase(), b"x-api-key")
                    .is_some()
        })
}

/// The statement holding token `i`, as (first, last) token indices: bounded by `;`, the
/// enclosing block's braces, and line breaks at block level that nothing continues (an
/// operator or opening bracket ending the line, a `.`/`?.`/`->` starting the next). Unlike
/// `statement`, it also ends statements at line breaks in languages without semicolons
/// (Kotlin, Go, Swift, Ruby), where `statement` would run to the end of the block.
pub(in crate::request) fn logical_statement(req: &Request, i: usize) -> (usize, usize) {
    let (src, tokens) = (req.src, req.tokens);
    let inner = req.openers();
    let breaks = |a: usize, b: usize| {
        let (ta, tb) = (&tokens[a], &tokens[b]);
        if memchr::memchr(b'\n', &src[ta.end()..tb.start()]).is_none()
            || inner.of(b).is_some_and(|o| !tokens[o].is_punct(src, "{"))
        {
            return false;
        }
        let continued_by_end =
            ta.kind == TokKind::Punct && !matches!(ta.text(src), b")" | b"]" | b"}" | b";");
        let continued_by_start =
            tb.kind == TokKind::Punct && matches!(tb.text(src), b"." | b"?" | b"->" | b"::");
        !(continued_by_end || continued_by_start)
    };
    // A bracketed part is stepped over whole, from one bracket to its pair: a statement
    // holding thousands of requests (a list of URLs) is not read once per request.
    // Inside parentheses or brackets nothing ends a statement but a `;` (of a C-style `for`
    // header): everything up to the enclosing bracket is taken at once.
    let group = |k: usize| {
        inner.of(k).filter(|&o| {
            matches!(tokens[o].text(src), b"(" | b"[")
                && prev_significant(tokens, o).is_none_or(|f| tokens[f].text(src) != b"for")
        })
    };
    let mut memo = inner
        .statements
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut passed = Vec::new();
    let mut s = i;
    let mut depth = 0usize;
    while let Some(p) = prev_significant(tokens, s) {
        if depth == 0 {
            if let Some(&first) = memo.first.get(&(s as u32)) {
                s = first as usize;
                break;
            }
            passed.push(s as u32);
        }
        if depth == 0
            && let Some(open) = group(s).filter(|&o| o < s)
        {
            s = open;
            continue;
        }
        if depth == 0 && breaks(p, s) {
            break;
        }
        // A closing bracket's innermost open bracket is its own.
        if depth == 0
            && is_close(src, &tokens[p])
            && let Some(open) = inner.of(p)
        {
            s = open;
            continue;
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
    for k in passed.drain(..) {
        memo.first.insert(k, s as u32);
    }
    let mut e = i;
    let mut depth = 0usize;
    while let Some(n) = next_significant(tokens, e) {
        if depth == 0 {
            if let Some(&last) = memo.last.get(&(e as u32)) {
                e = last as usize;
                break;
            }
            passed.push(e as u32);
        }
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
    for k in passed {
        memo.last.insert(k, e as u32);
    }
    (s, e)
}

pub(super) fn text_of(src: &[u8], t: &Token) -> String {
    String::from_utf8_lossy(t.text(src)).into_owned()
}

/// The identifier before `.`/`::`/`->` ahead of a call's name (`http` in `http.Get`).
pub(super) fn receiver_of(src: &[u8], tokens: &[Token], name: usize) -> Option<String> {
    let sep = prev_significant(tokens, name)
        .filter(|&d| matches!(tokens[d].text(src), b"." | b"::" | b"->"))?;
    let r = prev_significant(tokens, sep).filter(|&r| tokens[r].kind == TokKind::Ident)?;
    Some(text_of(src, &tokens[r]))
}

pub(super) fn is_method(src: &[u8], tokens: &[Token], name: usize) -> bool {
    prev_significant(tokens, name).is_some_and(|d| matches!(tokens[d].text(src), b"." | b"->"))
}

/// The first token of a call expression named at `name`: back over `a.b::c` qualifiers and
/// a `new`.
pub(crate) fn callee_start(src: &[u8], tokens: &[Token], name: usize) -> usize {
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
pub(super) fn plain_argument(src: &[u8], tokens: &[Token], arg: &Range<usize>) -> bool {
    let Some(first) = token_at(tokens, arg.start) else {
        return false;
    };
    let mut depth = 0usize;
    for t in tokens[first..].iter().take_while(|t| t.start() < arg.end) {
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
pub(super) fn url_argument(
    req: &Request,
    i: usize,
    wrapper: impl Fn(&str, Option<&str>) -> bool,
) -> Result<(usize, usize, usize), String> {
    url_argument_by(req.src, req.tokens, i, |k| req.enclosing_open(k), wrapper)
}

/// [`url_argument`], with the brackets around a token found by `enclosing_open`.
pub(super) fn url_argument_by(
    src: &[u8],
    tokens: &[Token],
    i: usize,
    enclosing_open: impl Fn(usize) -> Option<usize>,
    wrapper: impl Fn(&str, Option<&str>) -> bool,
) -> Result<(usize, usize, usize), String> {
    let mut inner = i;
    let mut whole: Option<Range<usize>> = None;
    for _ in 0..4 {
        let open = enclosing_open(inner)
            .filter(|&o| tokens[o].is_punct(src, "("))
            .ok_or(NOT_PASSED)?;
        let name = prev_significant(tokens, open)
            .filter(|&n| tokens[n].kind == TokKind::Ident)
            .ok_or("the URL is not passed to a named call")?;
        let args = arguments(src, tokens, open);
        let at = tokens[inner].start();
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
            whole = Some(tokens[start].start()..tokens[close].end());
            inner = name;
            continue;
        }
        return Ok((name, open, idx));
    }
    Err("the URL is wrapped in too many calls".into())
}

/// The quote for new strings: the literal's own, unless interpolation forced it to `"`
/// (`"…#{k}"`, `"…{$k}"`), where the file's usual quote is used. A key sent as text that
/// double quotes would interpolate (`$key`, `#{key}` from a nowdoc or a `'…'` string) gets
/// single quotes, which keep it as written.
pub(super) fn style_quote(req: &Request, lit: usize) -> char {
    if !matches!(req.key, KeySource::Expr(_)) && req.key.as_text().contains(['$', '#']) {
        return '\'';
    }
    let t = &req.tokens[lit];
    let interpolated = t.kind == TokKind::Str
        && (memchr::memmem::find(t.content_text(req.src), b"#{").is_some()
            || memchr::memchr(b'$', t.content_text(req.src)).is_some());
    if !interpolated {
        return req.quote();
    }
    req.layout().usual_quote()
}

/// The statement around the call named at `name` ends at token `last` (no `.next()` on a
/// following line continues it): a line inserted after it is a statement of its own.
pub(super) fn statement_ends_at(req: &Request, name: usize, last: usize) -> bool {
    logical_statement(req, name).1 == last
}

/// A request object declared in a statement of its own line:
/// `[modifier] Type var = <expression>;`.
pub(super) struct Declaration {
    /// The declared type (`var` when inferred).
    pub ty: usize,
    pub var: usize,
    /// The first token of the statement (a modifier, or the type).
    pub first: usize,
    /// The `;` that ends it.
    pub semi: usize,
}

/// The declaration whose initializer runs from token `start` to token `end` and was found
/// around the call named at `name`; `modifiers` may come before the type (`using`, `final`).
pub(super) fn declaration(
    req: &Request,
    (start, end, name): (usize, usize, usize),
    modifiers: &[&[u8]],
) -> Result<Declaration, String> {
    let (src, tokens) = (req.src, req.tokens);
    let not_declared = || "the request is not declared in this statement".to_string();
    let eq = prev_significant(tokens, start)
        .filter(|&q| tokens[q].is_punct(src, "="))
        .ok_or_else(not_declared)?;
    let var = prev_significant(tokens, eq)
        .filter(|&v| tokens[v].kind == TokKind::Ident)
        .ok_or_else(not_declared)?;
    let ty = prev_significant(tokens, var)
        .filter(|&t| tokens[t].kind == TokKind::Ident)
        .ok_or_else(not_declared)?;
    let first = prev_significant(tokens, ty)
        .filter(|&u| modifiers.contains(&tokens[u].text(src)))
        .unwrap_or(ty);
    if prev_significant(tokens, first)
        .is_some_and(|p| !matches!(tokens[p].text(src), b";" | b"{" | b"}"))
        || !first_on_line(src, tokens[first].start())
    {
        return Err(not_declared());
    }
    let semi = next_significant(tokens, end)
        .filter(|&s| tokens[s].is_punct(src, ";"))
        .ok_or("the statement does not end its line")?;
    if !ends_line(src, tokens, semi) || !statement_ends_at(req, name, end) {
        return Err("the statement does not end its line".into());
    }
    Ok(Declaration {
        ty,
        var,
        first,
        semi,
    })
}

/// The request held in the variable at token `var` gets a statement of its own after token
/// `end` (indented like token `first`): `set(variable, key)` writes it, `key` being the key as
/// code of the language. Unless a later
/// statement of the block already sets `x-api-key` on the same variable (then only the
/// parameter goes), or `reset` on it would replace the headers (see `later_header`).
pub(super) fn header_statement_after(
    req: &Request,
    (var, first, end): (usize, usize, usize),
    reset: &[u8],
    key: &str,
    set: impl Fn(&str, &str) -> String,
) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let var_name = tokens[var].text(src);
    let indent = indent_of(src, tokens[first].start());
    if later_header(req, end, var_name, indent.len(), reset)? {
        return Ok(already(super::SENT_BY_STATEMENT));
    }
    let var_name = String::from_utf8_lossy(var_name);
    Ok(Placement {
        edits: vec![line_after(
            src,
            tokens[end].end(),
            &indent,
            &set(&var_name, key),
        )],
        applicability: Applicability::Safe,
        sends: None,
        how: format!(
            "add `{}` after the request is created",
            set(&var_name, "…").trim_end_matches(';')
        ),
    })
}

/// True when nothing but whitespace and comments follows token `k` on its line.
pub(super) fn ends_line(src: &[u8], tokens: &[Token], k: usize) -> bool {
    let end = line_end(src, tokens[k].end());
    tokens[k + 1..]
        .iter()
        .take_while(|t| t.start() < end)
        .all(|t| t.kind == TokKind::Newline || (t.kind == TokKind::Comment && t.end() <= end))
}

/// Only spaces or tabs before byte `at` on its line.
pub(crate) fn first_on_line(src: &[u8], at: usize) -> bool {
    src[line_start(src, at)..at]
        .iter()
        .all(|b| matches!(b, b' ' | b'\t'))
}

/// Where a statement after the one ending at byte `at` can start its line: `at`, or where the
/// line opens Ruby heredocs (`post(…, <<~JSON)`), the end of the last of their bodies, which
/// follow that line.
pub(super) fn past_heredocs(src: &[u8], tokens: &[Token], at: usize) -> usize {
    let (start, end) = (line_start(src, at), line_end(src, at));
    let first = tokens.partition_point(|t| t.start() < start);
    let mut on_line = tokens[first..].iter().take_while(|t| t.start() < end);
    if !on_line.any(|t| t.kind == TokKind::Str && t.text(src).starts_with(b"<<")) {
        return at;
    }
    let next_line = tokens.partition_point(|t| t.start() <= end);
    tokens[next_line..]
        .iter()
        .take_while(|t| t.kind == TokKind::Str)
        .last()
        .map_or(at, Token::end)
}

/// A new line after the line holding byte `at` (after any comment on it).
pub(super) fn line_after(src: &[u8], at: usize, indent: &str, text: &str) -> Edit {
    let mut end = line_end(src, at);
    if end > 0 && src[end - 1] == b'\r' {
        end -= 1;
    }
    Edit::insert(end, format!("{}{indent}{text}", eol(src, at)))
}

/// Appends `text` as the last argument of the call at `open`, on a line of its own when
/// the arguments are one per line.
pub(super) fn append_argument(
    src: &[u8],
    tokens: &[Token],
    open: usize,
    text: &str,
) -> Result<Vec<Edit>, String> {
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let last = prev_significant(tokens, close).ok_or("unbalanced call")?;
    if last == open {
        return Ok(vec![Edit::insert(tokens[close].start(), text.to_string())]);
    }
    let trailing_comma = tokens[last].is_punct(src, ",");
    let multiline =
        memchr::memchr(b'\n', &src[tokens[last].end()..tokens[close].start()]).is_some();
    let last_arg = arguments(src, tokens, open)
        .last()
        .cloned()
        .ok_or("unreadable arguments")?;
    if !trailing_comma
        && first_on_line(src, last_arg.start)
        && last_arg.start > tokens[open].end()
        && memchr::memchr(b'\n', &src[tokens[last].end()..tokens[close].start()]).is_none()
    {
        // One argument per line, the bracket closing the last: a line of its own before it.
        let indent = indent_of(src, last_arg.start);
        return Ok(vec![Edit::insert(
            tokens[last].end(),
            format!(",{}{indent}{text}", eol(src, last_arg.start)),
        )]);
    }
    if !multiline {
        let sep = if trailing_comma { " " } else { ", " };
        return Ok(vec![Edit::insert(
            tokens[last].end(),
            format!("{sep}{text}"),
        )]);
    }
    let mut edits = Vec::new();
    if !trailing_comma {
        edits.push(Edit::insert(tokens[last].end(), ","));
    }
    let comma = if trailing_comma { "," } else { "" };
    let indent = indent_of(src, tokens[last].start());
    edits.push(line_after(
        src,
        tokens[last].end(),
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
pub(super) fn later_header(
    req: &Request,
    end: usize,
    var: &[u8],
    indent: usize,
    reset: &[u8],
) -> Result<bool, String> {
    let (src, tokens) = (req.src, req.tokens);
    let first = end + 1;
    if first >= tokens.len() {
        return Ok(false);
    }
    let (openers, layout) = (req.openers(), req.layout());
    let level = openers.of(first);
    // The block ends at the `}` closing it, or at a line indented less (Ruby `end`, a dedent).
    let mut block = level;
    while let Some(o) = block.filter(|&o| !tokens[o].is_punct(src, "{")) {
        block = openers.of(o);
    }
    let mut limit = block
        .and_then(|o| openers.brace_close(o))
        .unwrap_or(tokens.len());
    if let Some(dedent) = layout.next_line_indented_under(end, indent) {
        limit = limit.min(dedent);
    }
    let next_is =
        |k: usize, p: &str| next_significant(tokens, k).filter(|&n| tokens[n].is_punct(src, p));
    let assigns = |k: usize| next_is(k, "=").is_some_and(|q| next_is(q, "=").is_none());
    for k in layout
        .uses_after(src, tokens, var, end)
        .take_while(|&k| k < limit)
    {
        if let Some(dot) = next_is(k, ".")
            && let Some(m) = next_significant(tokens, dot).filter(|&m| tokens[m].text(src) == reset)
            && (reset != b"Header" || assigns(m))
        {
            return Err(format!(
                "a later `{}.{}` replaces the request's headers",
                String::from_utf8_lossy(var),
                String::from_utf8_lossy(reset)
            ));
        }
        let same_level = openers.of(k) == level;
        // `var = …` again: a new request from here on.
        if same_level
            && first_on_line(src, tokens[k].start())
            && (assigns(k) || next_is(k, ",").is_some() || next_is(k, ":").is_some())
        {
            limit = k;
            break;
        }
        // A statement of its own on `var`, at the block's level (not inside an `if` of it),
        // that sets the header: the request sends it.
        if same_level && tokens[k].start() - line_start(src, tokens[k].start()) == indent {
            let (s, e) = logical_statement(req, k);
            if s == k && header_literal_between(req, k, e + 1).is_some() {
                return Ok(true);
            }
        }
    }
    if header_literal_between(req, first, limit).is_some() {
        Err("`x-api-key` is set later in this block, not plainly on this request; check which request it belongs to".into())
    } else {
        Ok(false)
    }
}

/// The first string literal among tokens `from..to` that names the `x-api-key` header, found
/// from where the file says it (`Request::x_api_key_at`) rather than by reading the tokens.
fn header_literal_between(req: &Request, from: usize, to: usize) -> Option<usize> {
    let (src, tokens) = (req.src, req.tokens);
    let (Some(start), end) = (
        tokens.get(from).map(Token::start),
        tokens.get(to).map_or(src.len(), Token::start),
    ) else {
        return None;
    };
    let at = req.x_api_key_at;
    at[at.partition_point(|&p| p < start)..]
        .iter()
        .take_while(|&&p| p < end)
        .filter_map(|&p| token_at(tokens, p))
        .find(|&j| sends_header(src, tokens, j..j + 1))
}

/// The value of entry `name` (`'name' => …`, `name: …`, `:name => …`) at the top level
/// between tokens `open` and its match.
pub(super) fn entry_value(src: &[u8], tokens: &[Token], open: usize, name: &str) -> Option<usize> {
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

/// `new Type<…>(…)` (Java) or `Type<…>(…)` (Kotlin) starting at token `first`: its `(`.
pub(super) fn constructed(req: &Request, first: usize, ty: &[u8]) -> Option<usize> {
    let (src, tokens) = (req.src, req.tokens);
    let name = if tokens[first].text(src) == b"new" {
        next_significant(tokens, first)?
    } else {
        first
    };
    if tokens[name].text(src) != ty {
        return None;
    }
    // Past a type argument list, `<>` or `<String>`.
    let mut j = next_significant(tokens, name)?;
    if tokens[j].text(src).starts_with(b"<") {
        while !tokens[j].text(src).ends_with(b">") {
            j = next_significant(tokens, j)?;
        }
        j = next_significant(tokens, j)?;
    }
    tokens[j].is_punct(src, "(").then_some(j)
}

/// A local of the block holding token `before`, created before it in a statement of its own:
/// `Type name = new Ctor(…);`, `var name = new Ctor<>(…);` (Java, C#), `val name = Ctor(…)`
/// (Kotlin). The nearest such declaration.
pub(super) struct Local {
    pub var: usize,
    /// The first token of the declaration.
    pub first: usize,
    /// Its last token (the `;` where there is one).
    pub last: usize,
    /// The `(` of the constructor call.
    pub open: usize,
}

pub(super) fn local_construction(
    req: &Request,
    name: &[u8],
    before: usize,
    ctor: &[u8],
) -> Option<Local> {
    let (src, tokens) = (req.src, req.tokens);
    let block = req
        .openers()
        .of(before)
        .filter(|&o| tokens[o].is_punct(src, "{"))?;
    let mut found = None;
    let (_, inside) = top_level(src, tokens, block)?;
    for j in inside.into_iter().take_while(|&j| j < before) {
        let t = &tokens[j];
        if t.kind != TokKind::Ident || t.text(src) != name {
            continue;
        }
        let Some(eq) = next_significant(tokens, j).filter(|&q| tokens[q].is_punct(src, "=")) else {
            continue;
        };
        let declared = prev_significant(tokens, j).is_some_and(|p| {
            tokens[p].kind == TokKind::Ident || tokens[p].text(src).ends_with(b">")
        });
        let Some(open) = next_significant(tokens, eq).and_then(|i| constructed(req, i, ctor))
        else {
            continue;
        };
        let close = matching_close(src, tokens, open)?;
        let (s, e) = logical_statement(req, j);
        let last = match next_significant(tokens, e).filter(|&x| tokens[x].is_punct(src, ";")) {
            Some(semi) => semi,
            None if req.lang.name() == "kotlin" => e,
            None => continue,
        };
        if declared && e == close && first_on_line(src, tokens[s].start()) {
            found = Some(Local {
                var: j,
                first: s,
                last,
                open,
            });
        }
    }
    found
}

/// How often the variable at token `var` is read in its block, member calls on it
/// (`headers.set(…)`) left out: the declaration plus one use is 2.
pub(super) fn uses(req: &Request, var: usize) -> usize {
    let (src, tokens) = (req.src, req.tokens);
    let name = tokens[var].text(src);
    let block = req.openers().of(var);
    let end = block
        .and_then(|o| matching_close(src, tokens, o))
        .unwrap_or(tokens.len());
    (block.map_or(0, |o| o + 1)..end)
        .filter(|&j| tokens[j].kind == TokKind::Ident && tokens[j].text(src) == name)
        .filter(|&j| !next_significant(tokens, j).is_some_and(|d| tokens[d].is_punct(src, ".")))
        .filter(|&j| !is_method(src, tokens, j))
        .count()
}

/// The line of the statement from token `first` through `close` (and a `;`), line break
/// included, when nothing else is written on it but a trailing comment.
pub(crate) fn line_of_statement(
    src: &[u8],
    tokens: &[Token],
    first: usize,
    close: usize,
) -> Option<std::ops::Range<usize>> {
    let start = tokens[first].start();
    let line_start = src[..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |n| n + 1);
    if !src[line_start..start]
        .iter()
        .all(|&b| b == b' ' || b == b'\t')
    {
        return None;
    }
    let mut end = tokens[close].end();
    if src.get(end) == Some(&b';') {
        end += 1;
    }
    let line_end = memchr::memchr(b'\n', &src[end..]).map_or(src.len(), |n| end + n + 1);
    let rest = String::from_utf8_lossy(&src[end..line_end]);
    let rest = rest.trim();
    (rest.is_empty() || rest.starts_with("//")).then_some(line_start..line_end)
}

/// A curl command written in a string literal whose delimiter is one of `delimiters`
/// (``const Example = `curl "https://…?apikey=k"` ``): help text the program prints, or a
/// command it hands to a shell. Its `-H` goes into the same string, as for a script, but
/// unsafe: it is text, not a request the code makes. `None` when the URL at token `lit` is
/// not in such a string.
pub(super) fn curl_in_string(
    req: &Request,
    lit: usize,
    delimiters: &[u8],
) -> Option<Result<Placement, String>> {
    let string = &req.tokens[lit];
    let content = string.content();
    let delimiter = req.src[string.start()];
    let in_curl = string.kind == TokKind::Str
        && delimiters.contains(&delimiter)
        && content.contains(&req.at.start)
        && crate::request::query::in_curl_string(req.src, req.tokens, req.at.start);
    if !in_curl {
        return None;
    }
    // The shell reads the value as the string holds it (`${KEY}` in a quoted string is the
    // shell's variable, not the program's).
    let value_start = req.at.end + usize::from(req.src.get(req.at.end) == Some(&b'='));
    let value_len = req.src[value_start..content.end]
        .iter()
        .position(|b| b"&#\"' \t".contains(b))
        .unwrap_or(content.end - value_start);
    let as_written = KeySource::Template(
        String::from_utf8_lossy(&req.src[value_start..value_start + value_len]).into_owned(),
    );
    let command = Request {
        key: &as_written,
        ..req.clone()
    };
    Some(super::shell::place(&command).and_then(|mut placed| {
        let inside = |e: &Edit| content.start <= e.range.start && e.range.end <= content.end;
        if !placed.edits.iter().all(inside) {
            return Err(
                "the curl command runs past its string; add `-H \"x-api-key: …\"` to it by hand"
                    .into(),
            );
        }
        // The header's own quotes would end the string.
        if placed
            .edits
            .iter()
            .any(|e| e.content.as_bytes().contains(&delimiter))
        {
            return Err(
                "the curl command's string is quoted like the header would be; add `-H \"x-api-key: …\"` to it by hand"
                    .into(),
            );
        }
        placed.applicability = Applicability::Unsafe;
        placed.how = format!("{}, in the string that holds it", placed.how);
        Ok(placed)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::for_file_name;

    /// The text of the statement holding the first occurrence of `needle` in `src`.
    fn statement_of<'a>(file: &str, src: &'a str, needle: &str) -> &'a str {
        let lang = for_file_name(file);
        let bytes = src.as_bytes();
        let tokens = lang.tokenize(bytes);
        let at = src.find(needle).expect("needle in source");
        let i = tokens
            .iter()
            .position(|t| t.span().contains(&at))
            .expect("a token at the needle");
        let range = statement(bytes, &tokens, &std::sync::OnceLock::new(), lang, i);
        &src[range]
    }

    #[test]
    fn kotlin_statements_end_at_line_breaks_in_a_block() {
        let src = "class A {\n  fun a() = get(\"x\")\n  fun b() = get(\"y\")\n}\n";
        assert_eq!(statement_of("A.kt", src, "\"y\""), "fun b() = get(\"y\")");
    }

    #[test]
    fn a_line_continued_by_a_dot_an_operator_or_a_bracket_stays_one_statement() {
        let src = "fun f() {\n  val r = client\n    .get(url +\n      \"?q=1\")\n    ?.body\n  other()\n}\n";
        assert_eq!(
            statement_of("A.kt", src, "\"?q=1\""),
            "val r = client\n    .get(url +\n      \"?q=1\")\n    ?.body"
        );
    }

    #[test]
    fn a_line_break_in_a_block_comment_ends_the_statement_before_it() {
        let src = "func f() {\n\ta := 1 /* one\n\ttwo */\n\tb := http.Get(u)\n}\n";
        assert_eq!(statement_of("a.go", src, "http"), "b := http.Get(u)");
    }

    #[test]
    fn languages_with_semicolons_still_run_over_line_breaks() {
        let src = "class A {\n  void f() {\n    String u = base\n      + \"?q\";\n  }\n}\n";
        assert_eq!(
            statement_of("A.java", src, "\"?q\""),
            "String u = base\n      + \"?q\""
        );
    }
}
