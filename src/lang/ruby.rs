//! Ruby request shapes read from the lexer's tokens: Faraday's positional query.

use super::tokens::{Layout, is_close, is_open, next_significant, open_within, prev_significant};
use super::{TokKind, Token};

/// Faraday's verbs whose second argument is the query (`post`, `put` and `patch` take the
/// body there).
const QUERY_VERBS: [&[u8]; 4] = [b"get", b"head", b"delete", b"trace"];

/// How far back (in tokens) the brackets around a hash entry are looked for.
const MAX_WALK: usize = 400;

/// A Faraday request whose query is given as its second argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionalQuery {
    /// The `(` of the `get`/`head`/`delete` call.
    pub call: usize,
    /// The `{` of the query hash, or `None` for bare keyword arguments
    /// (`conn.get('/m', apikey: k)`).
    pub hash: Option<usize>,
    /// The call's receiver (`conn`, `@conn`, `Faraday`).
    pub receiver: usize,
    /// The `(` of the `Faraday.new(…)` that made the receiving connection, whose `url:` is
    /// the request's host; `None` when the receiver is `Faraday` itself.
    pub connection: Option<usize>,
}

/// The Faraday call whose second argument holds the hash entry at token `key`:
/// `conn.get('/m', { apikey: k })`, `Faraday.get(url, apikey: k, page: 2)`. Faraday sends that
/// argument as the query. The receiver must be `Faraday` or a name this file gives a
/// connection (see [`is_connection`]).
pub fn positional_query(
    src: &[u8],
    tokens: &[Token],
    layout: &Layout,
    key: usize,
) -> Option<PositionalQuery> {
    let open = open_before(src, tokens, key)?;
    let (call, hash) = if tokens[open].is_punct(src, "{") {
        (open_before(src, tokens, open)?, Some(open))
    } else {
        (open, None)
    };
    if !tokens[call].is_punct(src, "(") {
        return None;
    }
    // The entry's argument comes after exactly one top-level comma. Bare keywords all belong
    // to the one trailing hash, so its first entry must start the second argument.
    let mut depth = 0usize;
    let mut commas = Vec::new();
    for (j, t) in tokens
        .iter()
        .enumerate()
        .take(hash.unwrap_or(key))
        .skip(call + 1)
    {
        if is_open(src, t) {
            depth += 1;
        } else if is_close(src, t) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && t.is_punct(src, ",") {
            commas.push(j);
        }
    }
    let second = match (commas.as_slice(), hash) {
        ([first], _) | ([first, ..], None) => *first,
        _ => return None,
    };
    if hash.is_none() {
        let mut start = next_significant(tokens, second)?;
        if tokens[start].is_punct(src, ":") {
            start = next_significant(tokens, start)?; // a symbol key, `:apikey => k`
        }
        let op = next_significant(tokens, start)?;
        let entry = (tokens[start].kind == TokKind::Ident && tokens[op].is_punct(src, ":"))
            || tokens[op].is_punct(src, "=>");
        if !entry {
            return None;
        }
    }
    let verb = prev_significant(tokens, call)?;
    if !QUERY_VERBS.contains(&tokens[verb].text(src)) {
        return None;
    }
    let receiver = prev_significant(tokens, verb)
        .filter(|&d| tokens[d].is_punct(src, "."))
        .and_then(|d| prev_significant(tokens, d))?;
    let connection = match connection(src, tokens, layout, receiver)? {
        Connection::Faraday => None,
        Connection::MadeAt(open) => Some(open),
    };
    Some(PositionalQuery {
        call,
        hash,
        receiver,
        connection,
    })
}

/// What a call's receiver is, when it is Faraday's.
enum Connection {
    /// `Faraday` itself (`Faraday.get(url, …)`, its default connection).
    Faraday,
    /// A connection made by the `Faraday.new(…)` whose `(` is at this token.
    MadeAt(usize),
}

/// The Faraday connection the name at token `name` holds: `Faraday` itself, a variable the
/// file assigns `Faraday.new(…)` (a local of the reading method, `conn = …`; an instance
/// variable, `@conn ||= …`, read as `@conn` or through its reader `conn`), or a method whose
/// body starts with `Faraday.new`. Of several assignments, the last before the read, else
/// the first after it.
fn connection(src: &[u8], tokens: &[Token], layout: &Layout, name: usize) -> Option<Connection> {
    if tokens[name].kind != TokKind::Ident {
        return None;
    }
    let text = tokens[name].text(src);
    if text == b"Faraday" {
        return Some(Connection::Faraday);
    }
    // `@conn` and its reader `conn` are one name.
    let ivar = |u: usize| is_instance_variable(src, tokens, u);
    // A local is one of the reading method's own: assigned before the read, no `def`
    // between them.
    let defs = layout.uses(src, tokens, b"def");
    let local_of_this_method = |at: usize| {
        let first_def_after = defs.partition_point(|&d| (d as usize) < at);
        at < name && defs.get(first_def_after).is_none_or(|&d| d as usize > name)
    };
    let made: Vec<(usize, usize)> = layout
        .assignments(src, tokens, text)
        .iter()
        .filter_map(|&u| {
            let u = u as usize;
            let (open, defined) = made_by(src, tokens, u)?;
            let local = !defined && !ivar(u);
            (!local || local_of_this_method(u)).then_some((u, open))
        })
        .collect();
    let before = made.iter().rev().find(|&&(at, _)| at < name);
    before
        .or(made.first())
        .map(|&(_, open)| Connection::MadeAt(open))
}

/// The `(` of the `Faraday.new(…)` the name at token `name` is given: assigned it (`=`,
/// `||=`), or a `def` whose first statement it is (then `true`).
fn made_by(src: &[u8], tokens: &[Token], name: usize) -> Option<(usize, bool)> {
    let mut next = next_significant(tokens, name);
    let mut assigned = false;
    while let Some(op) = next.filter(|&p| {
        tokens[p].kind == TokKind::Punct && matches!(tokens[p].text(src), b"=" | b"||" | b"|")
    }) {
        assigned |= tokens[op].text(src) == b"=";
        next = next_significant(tokens, op);
    }
    let defined = !assigned
        && prev_significant(tokens, name).is_some_and(|d| tokens[d].text(src) == b"def")
        && next.is_some_and(|n| src[tokens[name].end()..tokens[n].start()].contains(&b'\n'));
    let class = next.filter(|&c| (assigned || defined) && tokens[c].text(src) == b"Faraday")?;
    let dot = next_significant(tokens, class).filter(|&d| tokens[d].is_punct(src, "."))?;
    let new = next_significant(tokens, dot).filter(|&n| tokens[n].text(src) == b"new")?;
    let open = next_significant(tokens, new).filter(|&o| tokens[o].is_punct(src, "("))?;
    Some((open, defined))
}

/// Whether token `i` is an argument of a `Faraday.new(…)` assigned to an instance variable
/// (`@conn = Faraday.new(url: '…')`): a binding of the object, which every method reads,
/// not a local of the method that assigns it.
pub fn in_instance_connection(src: &[u8], tokens: &[Token], i: usize) -> bool {
    let Some(open) = open_before(src, tokens, i).filter(|&o| tokens[o].is_punct(src, "(")) else {
        return false;
    };
    let new = prev_significant(tokens, open).filter(|&n| tokens[n].text(src) == b"new");
    let dot = new.and_then(|n| prev_significant(tokens, n));
    let class = dot
        .filter(|&d| tokens[d].is_punct(src, "."))
        .and_then(|d| prev_significant(tokens, d))
        .filter(|&c| tokens[c].text(src) == b"Faraday");
    let mut before = class.and_then(|c| prev_significant(tokens, c));
    let mut assigned = false;
    while let Some(op) = before.filter(|&p| {
        tokens[p].kind == TokKind::Punct && matches!(tokens[p].text(src), b"=" | b"||" | b"|")
    }) {
        assigned |= tokens[op].text(src) == b"=";
        before = prev_significant(tokens, op);
    }
    assigned && before.is_some_and(|name| is_instance_variable(src, tokens, name))
}

/// Whether the name at token `name` is an instance variable: `@conn` is lexed as `@` and
/// `conn`.
fn is_instance_variable(src: &[u8], tokens: &[Token], name: usize) -> bool {
    name > 0
        && tokens[name].kind == TokKind::Ident
        && tokens[name - 1].is_punct(src, "@")
        && tokens[name - 1].end() == tokens[name].start()
}

/// The innermost bracket around token `i`, within [`MAX_WALK`] tokens.
fn open_before(src: &[u8], tokens: &[Token], i: usize) -> Option<usize> {
    open_within(src, tokens, i.saturating_sub(MAX_WALK)..i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::for_file_name;

    /// The positional query found for the first `apikey` of `src`, as (verb, receiver).
    fn query_of(src: &str) -> Option<(String, String)> {
        let lang = for_file_name("a.rb");
        let tokens = lang.tokenize(src.as_bytes());
        let layout = Layout::of_file(src.as_bytes(), &tokens);
        let key = tokens
            .iter()
            .position(|t| t.content_text(src.as_bytes()) == b"apikey")?;
        let q = positional_query(src.as_bytes(), &tokens, &layout, key)?;
        let verb = prev_significant(&tokens, q.call)?;
        let text = |i: usize| String::from_utf8_lossy(tokens[i].text(src.as_bytes())).into_owned();
        Some((text(verb), text(q.receiver)))
    }

    #[test]
    fn the_second_argument_of_a_faraday_get_is_its_query() {
        let shapes = [
            "Faraday.get('https://api.whispir.com/m', { apikey: k, page: 2 })",
            "Faraday.get(url, apikey: k)",
            "conn = Faraday.new(url: U)\nconn.get('/m', :apikey => k)",
            "conn = Faraday.new(url: U)\nconn.delete('/m/1', 'apikey' => k)",
            "conn = Faraday.new(url: U)\nconn.head('/m', page: 1, apikey: k)",
            "class C\n  def initialize\n    @conn ||= Faraday.new(url: U)\n  end\n  def m(k)\n    @conn.get('/m', { apikey: k })\n  end\nend",
            // Read through the instance variable's reader.
            "def initialize\n  @conn = Faraday.new(url: U)\nend\ndef m(k)\n  conn.get('/m', apikey: k)\nend",
            // A method that makes the connection.
            "def connection\n  Faraday.new(url: U)\nend\ndef m(k)\n  connection.get('/m', apikey: k)\nend",
        ];
        for src in shapes {
            assert!(query_of(src).is_some(), "{src}");
        }
    }

    #[test]
    fn other_arguments_verbs_and_receivers_are_not_the_query() {
        let shapes = [
            // `post` takes the body second.
            "Faraday.post('https://api.whispir.com/m', { apikey: k })",
            // The third argument is the headers.
            "Faraday.get(url, nil, { apikey: k })",
            "Faraday.get(url, { page: 1 }, { apikey: k })",
            // The first argument, and a hash inside another argument.
            "Faraday.get({ apikey: k })",
            "Faraday.get(url, build(apikey: k))",
            // RestClient's second argument is its headers.
            "RestClient.get(url, { apikey: k })",
            // A local of another method is not this one's connection.
            "def a\n  conn = Faraday.new(url: U)\nend\ndef b(conn, k)\n  conn.get('/m', apikey: k)\nend",
            // A positional value before the keywords: the keywords are the third argument.
            "Faraday.get(url, params, apikey: k)",
        ];
        for src in shapes {
            assert_eq!(query_of(src), None, "{src}");
        }
    }

    #[test]
    fn an_instance_connections_options_are_a_binding_of_the_object() {
        let in_connection = |src: &str| {
            let lang = for_file_name("a.rb");
            let tokens = lang.tokenize(src.as_bytes());
            let url = tokens.iter().position(|t| t.kind == TokKind::Str).unwrap();
            in_instance_connection(src.as_bytes(), &tokens, url)
        };
        assert!(in_connection(
            "@conn = Faraday.new(url: 'https://api.whispir.com')"
        ));
        assert!(in_connection(
            "@conn ||= Faraday.new('https://api.whispir.com')"
        ));
        assert!(!in_connection(
            "conn = Faraday.new(url: 'https://api.whispir.com')"
        ));
        assert!(!in_connection(
            "@conn = Other.new(url: 'https://api.whispir.com')"
        ));
    }
}
