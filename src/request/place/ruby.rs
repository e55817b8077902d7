//! Ruby: `Net::HTTP` request objects and HTTParty options.

use super::cursor::*;
use super::{Placement, Request, already};
use crate::diagnostic::{Applicability, Edit};
use crate::lang::tokens::{
    arguments, expression_end, matching_close, next_significant, prev_significant, token_at,
};
use crate::lang::{TokKind, Token};

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

/// Adds `x-api-key` to the `headers:` of the HTTParty call at `open` (created when missing);
/// headers computed elsewhere (`headers: hdrs`) are merged with it, unsafely (out of sight).
fn ruby_headers(
    src: &[u8],
    tokens: &[Token],
    open: usize,
    entry: &str,
) -> Result<(Vec<Edit>, Applicability), String> {
    let args = arguments(src, tokens, open);
    let last = args.last().ok_or("the call has no arguments")?;
    let last_tok = token_at(tokens, last.start).ok_or("unreadable argument")?;
    // A trailing hash literal holds the options: `get(url, { headers: … })`.
    let hash = (args.len() > 1 && tokens[last_tok].is_punct(src, "{"))
        .then_some(last_tok)
        .filter(|&h| matching_close(src, tokens, h).is_some_and(|c| tokens[c].end() == last.end));
    let scope = hash.unwrap_or(open);
    if let Some(v) = entry_value(src, tokens, scope, "headers") {
        if tokens[v].is_punct(src, "{") {
            return Ok((
                vec![insert_first(src, tokens, v, entry)],
                Applicability::Safe,
            ));
        }
        // `headers: hdrs`, `headers: default_headers(id)`: one receiver for `.merge`.
        let end = expression_end(src, tokens, v);
        let expr = &src[tokens[v].start()..end];
        if expr == b"nil" || expr.iter().any(u8::is_ascii_whitespace) {
            return Err(
                "the request's headers are not a hash the fix can extend; add `x-api-key` to them"
                    .into(),
            );
        }
        return Ok((
            vec![Edit::insert(end, format!(".merge({entry})"))],
            Applicability::Unsafe,
        ));
    }
    let text = format!("headers: {{ {entry} }}");
    let edits = match hash {
        Some(h) => vec![insert_first(src, tokens, h, &text)],
        None if tokens[last_tok].is_punct(src, "&") => {
            return Err("the call ends with a block argument".into());
        }
        None => append_argument(src, tokens, open, &text)?,
    };
    Ok((edits, Applicability::Safe))
}

/// Faraday: `Faraday.new(url: …, params: { apikey: k })` sends its params with every request
/// of the connection; its `headers:` do the same for the key. Unsafe: a connection serves
/// several requests.
fn faraday_params(req: &Request, owner: usize, entry: &str) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let not_faraday = || "the `params:` are not the options of `Faraday.new`".to_string();
    let open = req
        .enclosing_open(owner)
        .filter(|&o| tokens[o].is_punct(src, "("))
        .ok_or_else(not_faraday)?;
    let name = prev_significant(tokens, open)
        .filter(|&n| tokens[n].text(src) == b"new")
        .ok_or_else(not_faraday)?;
    if receiver_of(src, tokens, name).as_deref() != Some("Faraday") {
        return Err(not_faraday());
    }
    Ok(Placement {
        edits: ruby_headers(src, tokens, open, entry)?.0,
        applicability: Applicability::Unsafe,
        sends: None,
        how: "add `x-api-key` to the Faraday connection's headers".into(),
    })
}

/// Faraday: `conn.get('/m', { apikey: k })` sends its second argument as the query. The
/// header goes in a block given to the same call, which Faraday yields the request to:
/// `conn.get('/m') { |req| req.headers['x-api-key'] = k }`. Unlike a third argument, the
/// block needs no placeholder for a query the removal empties.
fn faraday_request_block(
    req: &Request,
    call: usize,
    q: char,
    value: &str,
) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let close = matching_close(src, tokens, call).ok_or("unbalanced call")?;
    // `conn.get('/m', apikey: k, &handler)`: Ruby takes one block, and this one is given.
    let block_argument = arguments(src, tokens, call)
        .last()
        .is_some_and(|arg| src[arg.clone()].starts_with(b"&"));
    if block_argument {
        return Err(format!(
            "the Faraday call is given a block argument; set `req.headers[{q}x-api-key{q}] = {value}` in the block it passes"
        ));
    }
    let block = next_significant(tokens, close).filter(|&b| {
        tokens[b].is_punct(src, "{")
            || tokens[b].kind == TokKind::Ident && tokens[b].text(src) == b"do"
    });
    if let Some(block) = block {
        return faraday_existing_block(req, block, q, value);
    }
    // A block variable the key expression does not read.
    let param = ["req", "request", "faraday_request"]
        .into_iter()
        .find(|p| !reads_name(value, p))
        .unwrap_or("faraday_request");
    Ok(Placement {
        edits: vec![Edit::insert(
            tokens[close].end(),
            format!(" {{ |{param}| {param}.headers[{q}x-api-key{q}] = {value} }}"),
        )],
        applicability: Applicability::Safe,
        sends: None,
        how: "set the header in a block given to the Faraday call".into(),
    })
}

/// Whether the Ruby expression `value` reads the name `name` (as a word of its own).
fn reads_name(value: &str, name: &str) -> bool {
    value
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|w| w == name)
}

/// How many tokens a Faraday block's `end` is looked for in.
const BLOCK_REACH: usize = 4096;

/// A Faraday call with a block already (`conn.get('/m', { apikey: k }) do |req| … end`): the
/// header is set in it, on a line of its own after `do |req|`.
fn faraday_existing_block(
    req: &Request,
    block: usize,
    q: char,
    value: &str,
) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let advice = || {
        format!(
            "the Faraday call has a block already; set `req.headers[{q}x-api-key{q}] = {value}` in it, with its request variable"
        )
    };
    // `do |req|` ending its line: the block's variable, and the line to add after it.
    let bar = next_significant(tokens, block).filter(|&b| tokens[b].is_punct(src, "|"));
    let name = bar
        .and_then(|b| next_significant(tokens, b))
        .filter(|&n| tokens[n].kind == TokKind::Ident);
    let closing = name
        .and_then(|n| next_significant(tokens, n))
        .filter(|&b| tokens[b].is_punct(src, "|"));
    let (Some(name), Some(closing)) = (name, closing) else {
        return Err(advice());
    };
    let first = next_significant(tokens, closing).ok_or_else(advice)?;
    let var = String::from_utf8_lossy(tokens[name].text(src));
    if reads_name(value, &var) {
        return Err(advice()); // the block's variable hides the key's
    }
    let line = format!("{var}.headers[{q}x-api-key{q}] = {value}");
    // The block's body ends at its `}` or `end`, and the header is its first statement.
    let (body_end, edit) = if tokens[block].is_punct(src, "{") {
        // `{ |r| r.options.timeout = 5 }` on one line.
        let close = matching_close(src, tokens, block).ok_or_else(advice)?;
        if src[tokens[block].end()..tokens[close].start()].contains(&b'\n') {
            return Err(advice());
        }
        (
            close,
            Edit::insert(tokens[closing].end(), format!(" {line};")),
        )
    } else {
        // `do |req|` ending its line, up to the `end` as indented as the line it opens.
        let on_own_line =
            ends_line(src, tokens, closing) && first_on_line(src, tokens[first].start());
        if !on_own_line {
            return Err(advice());
        }
        let indent = indent_of(src, tokens[block].start());
        let end = (first..tokens.len().min(first + BLOCK_REACH))
            .find(|&j| {
                tokens[j].text(src) == b"end"
                    && first_on_line(src, tokens[j].start())
                    && indent_of(src, tokens[j].start()) == indent
            })
            .ok_or_else(advice)?;
        let own_line = indent_of(src, tokens[first].start());
        (
            end,
            line_after(src, tokens[closing].end(), &own_line, &line),
        )
    };
    if super::cursor::sends_header(src, tokens, first..body_end) {
        return Ok(already(super::SENT_BY_STATEMENT));
    }
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        sends: None,
        how: "set the header in the Faraday call's block".into(),
    })
}

/// `Net::HTTP.get(uri)` / `Net::HTTP.get_response(uri)`: since Ruby 3.0 (net-http 0.1.1) the
/// second argument may be a hash of headers, sent by the same `request_get`, so the call keeps
/// its result (the body, or the response). Unsafe: on an older Ruby a hash there is taken for
/// a path.
fn net_http_get(req: &Request, name: usize, open: usize, entry: &str) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let callee = text_of(src, &tokens[name]);
    let on_net = callee_start(src, tokens, name) < name
        && (callee_start(src, tokens, name)..name)
            .filter(|&j| tokens[j].kind == TokKind::Ident)
            .map(|j| text_of(src, &tokens[j]))
            .eq(["Net", "HTTP"]);
    if !on_net || !matches!(callee.as_str(), "get" | "get_response") {
        return Err(format!(
            "`Net::HTTP.{callee}` sends no headers; build a `Net::HTTP::Get` request and set `request['x-api-key']`"
        ));
    }
    let edits = match arguments(src, tokens, open).as_slice() {
        [_] => append_argument(src, tokens, open, &format!("{{ {entry} }}"))?,
        // A URI and its headers: a literal hash is extended.
        [_, headers] => {
            let hash = token_at(tokens, headers.start)
                .filter(|&h| tokens[h].is_punct(src, "{"))
                .ok_or(format!(
                    "`Net::HTTP.{callee}` is given headers held elsewhere; add `{entry}` there"
                ))?;
            vec![insert_first(src, tokens, hash, entry)]
        }
        _ => {
            return Err(format!(
                "`Net::HTTP.{callee}` is given a host and a path; pass it a URI and the headers hash `{{ {entry} }}`"
            ));
        }
    };
    Ok(Placement {
        edits,
        applicability: Applicability::Unsafe,
        sends: None,
        how: format!(
            "pass the header to `Net::HTTP.{callee}`, which takes a headers hash since Ruby 3.0"
        ),
    })
}

/// Ruby: `request = Net::HTTP::Get.new(URI(URL))` gets `request['x-api-key'] = k` on the
/// next line; HTTParty `HTTParty.get(URL, …)` gets (or extends) `headers:`.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = match opening(req, true)? {
        Ok(lit) => lit,
        Err(sent) => return Ok(sent),
    };
    let q = style_quote(req, lit);
    let value = req.key.as_code(q);
    let entry = format!("{q}x-api-key{q} => {value}");
    let httparty = |(edits, applicability)| {
        let how = if applicability == Applicability::Unsafe {
            "merge `x-api-key` into the HTTParty request's computed headers"
        } else {
            "add `x-api-key` to the HTTParty request's headers"
        };
        Ok(Placement {
            edits,
            applicability,
            sends: None,
            how: how.into(),
        })
    };
    if req.builder {
        if let Some(query) = crate::lang::ruby::positional_query(src, tokens, req.layout(), lit) {
            return faraday_request_block(req, query.call, q, &value);
        }
        // `query: { apikey: k }` passed to an HTTParty call, or `query: opts` holding it.
        let hash = if keyword_value(req, lit) {
            lit
        } else {
            req.enclosing_open(lit)
                .filter(|&h| tokens[h].is_punct(src, "{"))
                .ok_or("the builder is not a hash")?
        };
        let owner = prev_significant(tokens, hash)
            .filter(|&a| matches!(tokens[a].text(src), b"=>" | b":"))
            .and_then(|a| prev_significant(tokens, a))
            .filter(|&k| key_is(src, &tokens[k], "query") || key_is(src, &tokens[k], "params"))
            .ok_or("the builder is not the `query:` of a request")?;
        if key_is(src, &tokens[owner], "params") {
            return faraday_params(req, owner, &entry);
        }
        let mut call = req
            .enclosing_open(owner)
            .ok_or("the query is not passed to a call")?;
        if tokens[call].is_punct(src, "{") {
            call = req
                .enclosing_open(call)
                .ok_or("the query is not passed to a call")?;
        }
        let name = prev_significant(tokens, call)
            .filter(|&n| tokens[call].is_punct(src, "(") && tokens[n].kind == TokKind::Ident)
            .ok_or("the query is not passed to a call")?;
        httparty_call(src, tokens, name)?;
        return httparty(ruby_headers(src, tokens, call, &entry)?);
    }
    let (name, open, idx) = url_argument(req, lit, |callee, receiver| {
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
            return net_http_get(req, name, open, &entry);
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
    if !first_on_line(src, tokens[var].start())
        || !ends_line(src, tokens, close)
        || !statement_ends_at(req, name, close)
    {
        return Err("the request's statement does not stand on lines of its own".into());
    }
    let var_name = tokens[var].text(src);
    let indent = indent_of(src, tokens[var].start());
    if later_header(
        req,
        close,
        var_name,
        indent.len(),
        b"initialize_http_header",
    )? {
        return Ok(already(super::SENT_BY_STATEMENT));
    }
    let var_name = String::from_utf8_lossy(var_name);
    Ok(Placement {
        edits: vec![line_after(
            src,
            past_heredocs(src, tokens, tokens[close].end()),
            &indent,
            &format!("{var_name}[{q}x-api-key{q}] = {value}"),
        )],
        applicability: Applicability::Safe,
        sends: None,
        how: format!("set `{var_name}['x-api-key']` after the request is created"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};
    use crate::diagnostic::Applicability;

    #[test]
    fn a_query_hash_in_a_local_moves_its_key_to_the_httparty_headers() {
        let src = "require 'httparty'\ndef f(k)\n  query = { apikey: k, first: 0 }\n  HTTParty.get('https://api.au.whispir.com/m', query: query)\nend\n\ndef g(k)\n  query = { first: 1 }\n  HTTParty.get('https://api.au.whispir.com/n', query: query)\nend\n";
        let out = safe("a.rb", src);
        assert!(
            out.contains("  query = { first: 0 }\n  HTTParty.get('https://api.au.whispir.com/m', query: query, headers: { 'x-api-key' => k })\n"),
            "{out}"
        );
        // A constant: unsafe; read by two requests: both get the header, unsafe too.
        let src = "require 'httparty'\nQUERY = { apikey: K, first: 0 }\ndef f\n  HTTParty.get('https://api.au.whispir.com/m', query: QUERY)\nend\n";
        assert_eq!(fix("a.rb", src).unwrap().1, Applicability::Unsafe);
        let (out, a) = fix(
            "a.rb",
            "require 'httparty'\ndef f(k)\n  query = { apikey: k, first: 0 }\n  HTTParty.get('https://api.au.whispir.com/m', query: query)\n  HTTParty.get('https://api.au.whispir.com/n', query: query)\nend\n",
        )
        .unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert!(
            out.contains("  query = { first: 0 }\n  HTTParty.get('https://api.au.whispir.com/m', query: query, headers: { 'x-api-key' => k })\n  HTTParty.get('https://api.au.whispir.com/n', query: query, headers: { 'x-api-key' => k })\n"),
            "{out}"
        );
        // One of the reads is not a request's `query:`.
        manual(
            "a.rb",
            "require 'httparty'\ndef f(k)\n  query = { apikey: k, first: 0 }\n  HTTParty.get('https://api.au.whispir.com/m', query: query)\n  HTTParty.post('https://api.au.whispir.com/n', body: query)\nend\n",
        );
    }

    #[test]
    fn a_query_hash_of_only_the_key_goes_with_its_argument() {
        let src = "def f(k)\n  query = { apikey: k } # note\n  HTTParty.get('https://api.au.whispir.com/m', query: query)\nend\n";
        assert_eq!(
            safe("a.rb", src),
            "def f(k)\n  HTTParty.get('https://api.au.whispir.com/m', headers: { 'x-api-key' => k })\nend\n"
        );
        // Passed as the body: not the query.
        manual(
            "a.rb",
            "def f(k)\n  query = { apikey: k }\n  HTTParty.post('https://api.au.whispir.com/m', body: query)\nend\n",
        );
    }

    #[test]
    fn faraday_connection_params_become_its_headers_as_an_unsafe_fix() {
        let src = "require 'faraday'\nconn = Faraday.new(url: 'https://api.au.whispir.com', params: { apikey: k, view: 'full' })\n";
        let (out, a) = fix("a.rb", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "require 'faraday'\nconn = Faraday.new(url: 'https://api.au.whispir.com', params: { view: 'full' }, headers: { 'x-api-key' => k })\n"
        );
        // The only param: the option goes; existing headers are extended.
        let src = "require 'faraday'\nconn = Faraday.new(url: 'https://api.au.whispir.com', params: { apikey: k }, headers: { 'Accept' => 'x' })\n";
        assert_eq!(
            fix("a.rb", src).unwrap().0,
            "require 'faraday'\nconn = Faraday.new(url: 'https://api.au.whispir.com', headers: { 'x-api-key' => k, 'Accept' => 'x' })\n"
        );
        // The only option: the headers take its place (not `Faraday.new(, headers: …)`).
        let src = "require 'faraday'\nconn = Faraday.new(params: { apikey: k })\nconn.get('https://api.au.whispir.com/m')\n";
        assert_eq!(
            fix("a.rb", src).unwrap().0,
            "require 'faraday'\nconn = Faraday.new(headers: { 'x-api-key' => k })\nconn.get('https://api.au.whispir.com/m')\n"
        );
        // Not Faraday's.
        manual(
            "a.rb",
            "require 'faraday'\nconn = Other.new(url: 'https://api.au.whispir.com', params: { apikey: k, v: 1 })\n",
        );
    }

    #[test]
    fn a_symbol_key_entry_goes_alone() {
        // The entry starts at the symbol's colon; the hash and its other entries stay (the
        // whole hash went, leaving `query:,`, which Ruby 3.1 reads as `query: query`).
        let src = "def f(key)\n  HTTParty.get('https://api.au.whispir.com/c', query: { :apikey => key, :first => 0 })\nend\n";
        assert_eq!(
            safe("a.rb", src),
            "def f(key)\n  HTTParty.get('https://api.au.whispir.com/c', query: { :first => 0 }, headers: { 'x-api-key' => key })\nend\n"
        );
    }

    #[test]
    fn faraday_positional_query_keys_move_to_a_block_that_sets_the_header() {
        let wrap = |body: &str| {
            format!(
                "require 'faraday'\ndef f(key, since)\n  conn = Faraday.new(url: 'https://api.au.whispir.com')\n{body}end\n"
            )
        };
        let cases = [
            // A hash with other entries keeps them; one of the key alone goes whole.
            (
                "  conn.get('/m', { apikey: key, from: since }).body\n",
                "  conn.get('/m', { from: since }) { |req| req.headers['x-api-key'] = key }.body\n",
            ),
            (
                "  conn.get('/m', { apikey: key })\n",
                "  conn.get('/m') { |req| req.headers['x-api-key'] = key }\n",
            ),
            // Keyword arguments and symbol keys.
            (
                "  conn.get('/m', apikey: key, from: since)\n",
                "  conn.get('/m', from: since) { |req| req.headers['x-api-key'] = key }\n",
            ),
            (
                "  conn.delete('/m/1', :apikey => key)\n",
                "  conn.delete('/m/1') { |req| req.headers['x-api-key'] = key }\n",
            ),
            // Headers after the query: the emptied query stays in place as `nil`, or the
            // headers would be sent as the query.
            (
                "  conn.get('/m', { apikey: key }, { 'Accept' => 'json' })\n",
                "  conn.get('/m', nil, { 'Accept' => 'json' }) { |req| req.headers['x-api-key'] = key }\n",
            ),
            // A block variable the key reads is not reused for the request.
            (
                "  conn.get('/m', apikey: req)\n",
                "  conn.get('/m') { |request| request.headers['x-api-key'] = req }\n",
            ),
            // A block already given: the header is set in it.
            (
                "  conn.get('/m', { apikey: key }) do |r|\n    r.options.timeout = 5\n  end\n",
                "  conn.get('/m') do |r|\n    r.headers['x-api-key'] = key\n    r.options.timeout = 5\n  end\n",
            ),
            (
                "  conn.get('/m', { apikey: key }) { |r| r.options.timeout = 5 }\n",
                "  conn.get('/m') { |r| r.headers['x-api-key'] = key; r.options.timeout = 5 }\n",
            ),
            // A block that sends the header already: the parameter only goes.
            (
                "  conn.get('/m', { apikey: key }) do |r|\n    r.headers['X-API-Key'] = key\n  end\n",
                "  conn.get('/m') do |r|\n    r.headers['X-API-Key'] = key\n  end\n",
            ),
        ];
        for (before, after) in cases {
            assert_eq!(safe("a.rb", &wrap(before)), wrap(after), "{before}");
        }
        // A block argument (Ruby takes one block), a block without a variable, or one whose
        // variable the key reads: by hand.
        manual("a.rb", &wrap("  conn.get('/m', apikey: key, &handler)\n"));
        manual(
            "a.rb",
            &wrap("  conn.get('/m', { apikey: key }) do\n    puts 1\n  end\n"),
        );
        manual(
            "a.rb",
            &wrap("  conn.get('/m', { apikey: r.key }) do |r|\n    puts 1\n  end\n"),
        );
    }

    #[test]
    fn net_http_request_gets_a_header_line() {
        let src = "def status(id)\n  request = Net::HTTP::Get.new(URI(\"https://api.au.whispir.com/messages/#{id}?apikey=#{@api_key}\"))\n  request.basic_auth(@user, @pass)\nend\n";
        assert_eq!(
            safe("a.rb", src),
            "def status(id)\n  request = Net::HTTP::Get.new(URI(\"https://api.au.whispir.com/messages/#{id}\"))\n  request[\"x-api-key\"] = @api_key\n  request.basic_auth(@user, @pass)\nend\n"
        );
    }

    #[test]
    fn net_http_get_takes_the_header_as_its_headers_hash_unsafely() {
        // The call keeps its result (the body for `get`, the response for `get_response`);
        // unsafe, as a Ruby before 3.0 takes the hash for a path.
        let src = "def templates\n  Net::HTTP.get(URI(\"https://api.au.whispir.com/templates?apikey=#{@api_key}\"))\nend\n";
        let (out, a) = fix("a.rb", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "def templates\n  Net::HTTP.get(URI(\"https://api.au.whispir.com/templates\"), { \"x-api-key\" => @api_key })\nend\n"
        );
        // Through a local holding the URI.
        let src = "def status(id)\n  uri = URI(\"https://api.au.whispir.com/m/#{id}?apikey=\" + @api_key)\n  Net::HTTP.get_response(uri)\nend\n";
        let (out, a) = fix("a.rb", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert!(
            out.contains("  uri = URI(\"https://api.au.whispir.com/m/#{id}\")\n  Net::HTTP.get_response(uri, { \"x-api-key\" => @api_key })\n"),
            "{out}"
        );
        // A headers hash given already is extended.
        let src = "Net::HTTP.get(URI(\"https://api.au.whispir.com/t?apikey=#{@k}\"), { 'Accept' => 'json' })\n";
        assert_eq!(
            fix("a.rb", src).unwrap().0,
            "Net::HTTP.get(URI(\"https://api.au.whispir.com/t\"), { 'x-api-key' => @k, 'Accept' => 'json' })\n"
        );
        // A query encoded into the URI the call sends.
        let src = "def receipts(id)\n  uri = URI(\"https://api.au.whispir.com/m/#{id}\")\n  uri.query = URI.encode_www_form(apikey: @api_key, view: 'detailed')\n  Net::HTTP.get_response(uri)\nend\n";
        let (out, a) = fix("a.rb", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert!(
            out.contains("  uri.query = URI.encode_www_form(view: 'detailed')\n  Net::HTTP.get_response(uri, { 'x-api-key' => @api_key })\n"),
            "{out}"
        );
        // The query holds only the key: an empty query would be left.
        manual(
            "a.rb",
            "def receipts(id)\n  uri = URI(\"https://api.au.whispir.com/m/#{id}\")\n  uri.query = URI.encode_www_form(apikey: @api_key)\n  Net::HTTP.get_response(uri)\nend\n",
        );
        // `Net::HTTP.post_form` and friends take no headers.
        manual(
            "a.rb",
            "Net::HTTP.post_form(URI(\"https://api.au.whispir.com/m?apikey=#{@k}\"), {})\n",
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
    fn httparty_computed_headers_are_merged_unsafely() {
        let src = "HTTParty.get(\"https://api.au.whispir.com/m?apikey=#{@k}\", headers: hdrs)\n";
        let (out, a) = fix("a.rb", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "HTTParty.get(\"https://api.au.whispir.com/m\", headers: hdrs.merge(\"x-api-key\" => @k))\n"
        );
        let src = "HTTParty.get(\"https://api.au.whispir.com/m?apikey=#{@k}\", headers: default_headers(1), timeout: 5)\n";
        assert!(
            fix("a.rb", src)
                .unwrap()
                .0
                .contains("headers: default_headers(1).merge(\"x-api-key\" => @k), timeout: 5)")
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
        // A host and a path: nowhere to pass headers.
        manual(
            "a.rb",
            "Net::HTTP.get('api.au.whispir.com', \"/m?apikey=#{@k}\")\n",
        );
        // Some other client's `get`.
        manual(
            "a.rb",
            "conn.get(\"https://api.au.whispir.com/m?apikey=#{@k}\", headers: {})\n",
        );
        // Headers that are not one receiver.
        manual(
            "a.rb",
            "HTTParty.get(\"https://api.au.whispir.com/m?apikey=#{@k}\", headers: a || b)\n",
        );
    }

    #[test]
    fn hash_brace_in_a_single_quoted_string_is_text_not_a_variable() {
        // Only `"…"`, `%Q`, `%()` and heredocs without quotes interpolate: `'…#{key}'` sends
        // the text, and the header sends it too, in quotes that keep it as written.
        let out = safe(
            "a.rb",
            "require \"httparty\"\ndef f(key)\n  HTTParty.get('https://api.au.whispir.com/m?apikey=#{key}', headers: { \"Accept\" => \"a\" })\nend\n",
        );
        assert!(
            out.contains("headers: { 'x-api-key' => '#{key}', \"Accept\" => \"a\" }"),
            "{out}"
        );
        let out = safe(
            "a.rb",
            "require 'httparty'\ndef f(key)\n  HTTParty.get(\"https://api.au.whispir.com/m?apikey=#{key}\")\nend\n",
        );
        assert!(out.contains("headers: { 'x-api-key' => key }"), "{out}");
        // A heredoc in single quotes is text too, in the instruction of a manual change.
        let reason = manual(
            "a.rb",
            "def f(key)\n  HTTParty.get(<<~'URL'.strip)\n    https://api.au.whispir.com/m?apikey=#{key}\n  URL\nend\n",
        );
        assert!(!reason.contains("= key"), "{reason}");
    }

    #[test]
    fn a_percent_q_literal_is_one_string_whose_request_gets_its_own_header() {
        // `%q(…)` is one string (the lexer once took `#{key}))` for a comment, and the
        // statement ran on into the next method, whose `x-api-key` is not this request's).
        // It does not interpolate: the header sends the text `#{key}`, as the URL did.
        let src = "def pq(key)\n  uri = URI.parse(%q(https://api.au.whispir.com/m?apikey=#{key}))\n  req = Net::HTTP::Get.new(uri)\n  Net::HTTP.start(uri.host, uri.port, use_ssl: true) { |h| h.request(req) }\nend\n\ndef other(key)\n  HTTParty.get('https://api.au.whispir.com/n', headers: { 'x-api-key' => key })\nend\n";
        let out = safe("a.rb", src);
        assert!(
            out.contains("URI.parse(%q(https://api.au.whispir.com/m))\n  req = Net::HTTP::Get.new(uri)\n  req['x-api-key'] = '#{key}'\n"),
            "{out}"
        );
    }

    #[test]
    fn a_heredoc_is_one_string_and_code_after_it_is_code() {
        // An apostrophe in a heredoc's text opened a string that ran to the end of the file:
        // the request after it was taken for text, and its fix was lost.
        // `<<EOS` ends only at a line that is the word alone, unindented.
        for (opener, end) in [("<<~EOS", "  EOS"), ("<<-'EOS'", "  EOS"), ("<<EOS", "EOS")] {
            let src = format!(
                "def usage\n  puts {opener}\n    Don't send #{{keys}} in URLs.\n{end}\nend\n\ndef send_sms(key)\n  HTTParty.get(\"https://api.au.whispir.com/n?apikey=#{{key}}\")\nend\n"
            );
            let out = safe("a.rb", &src);
            assert!(
                out.contains(
                    "HTTParty.get(\"https://api.au.whispir.com/n\", headers: { \"x-api-key\" => key })"
                ),
                "{out}"
            );
        }
    }

    #[test]
    fn the_header_goes_after_the_heredoc_the_request_line_opens() {
        // The line after the request's statement was the heredoc's first line: the header
        // went into its text, and the request was sent without it.
        let src = "def f(key)\n  req = Net::HTTP::Post.new(URI(\"https://api.au.whispir.com/m?apikey=#{key}\"), <<~H.lines.to_h { |l| l.chomp.split(': ') })\n    Content-Type: application/json\n  H\n  Net::HTTP.start('api.au.whispir.com', 443, use_ssl: true) { |h| h.request(req) }\nend\n";
        let out = safe("a.rb", src);
        assert!(
            out.contains("    Content-Type: application/json\n  H\n  req['x-api-key'] = key\n  Net::HTTP.start("),
            "{out}"
        );
    }

    #[test]
    fn hash_at_in_double_quotes_reads_the_instance_variable() {
        // `"…#@key"` interpolates `@key` (as `#{@key}` would); in single quotes it is text.
        let src = |q: char| {
            format!(
                "require 'httparty'\ndef f\n  HTTParty.get({q}https://api.au.whispir.com/m?apikey=#@key{q})\nend\n"
            )
        };
        let out = safe("a.rb", &src('"'));
        assert!(out.contains("x-api-key\" => @key"), "{out}");
        let out = safe("a.rb", &src('\''));
        assert!(out.contains("'x-api-key' => '#@key'"), "{out}");
    }
}
