//! PHP: Guzzle request options and curl handles.

use super::cursor::*;
use super::{Placement, Request, already, by_hand};
use crate::diagnostic::{Applicability, Edit};
use crate::lang::tokens::{
    arguments, expression_end, matching_close, next_significant, prev_significant, token_at,
};
use crate::lang::{TokKind, Token};
use crate::request::query::KeySource;
use std::collections::HashMap;
use std::ops::Range;

const PHP_VERBS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

/// Guzzle: which argument of `->request(…)`/`->get(…)` holds the URL and which the options.
fn guzzle_call(req: &Request, name: usize) -> Result<(usize, usize), String> {
    let (src, tokens) = (req.src, req.tokens);
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
    if !php_file(req).guzzle {
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
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = match opening(req, true)? {
        Ok(lit) => lit,
        Err(sent) => return Ok(sent),
    };
    let q = style_quote(req, lit);
    let entry = format!("{q}x-api-key{q} => {}", req.key.as_code(q));
    let how = "add `x-api-key` to the Guzzle request's headers".to_string();
    let placed = |edits| {
        Ok(Placement {
            edits,
            applicability: Applicability::Safe,
            sends: None,
            how: how.clone(),
        })
    };
    if req.builder {
        // `'query' => ['apikey' => k]` among the options of a Guzzle call.
        let query = req
            .enclosing_open(lit)
            .ok_or("the builder is not an array")?;
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
        let options = req
            .enclosing_open(owner)
            .ok_or("the builder is not in request options")?;
        let options_start = if tokens[options].is_punct(src, "(") {
            prev_significant(tokens, options).ok_or("unreadable options")?
        } else {
            options
        };
        if php_array(src, tokens, options_start) != Some(options) {
            return Err("the builder is not in an options array".into());
        }
        let call = req
            .enclosing_open(options_start)
            .filter(|&o| tokens[o].is_punct(src, "("))
            .ok_or("the options are not passed to a request call")?;
        let name = prev_significant(tokens, call)
            .filter(|&n| tokens[n].kind == TokKind::Ident)
            .ok_or("the options are not passed to a request call")?;
        let (_, options_index) = guzzle_call(req, name)?;
        let args = arguments(src, tokens, call);
        let end = matching_close(src, tokens, options).ok_or("unbalanced array")?;
        if args.get(options_index) != Some(&(tokens[options_start].start()..tokens[end].end()))
            || args.len() != options_index + 1
        {
            return Err("the array is not the request's options argument".into());
        }
        return placed(vec![php_options(src, tokens, options, &entry, q)?]);
    }
    if let Some(curl) = php_curl(req, lit, q) {
        return curl.map_err(|why| {
            by_hand(
                &header_line(req, q),
                "the handle's `CURLOPT_HTTPHEADER` list",
                why,
            )
        });
    }
    let (name, open, idx) = url_argument(req, lit, |callee, receiver| {
        callee == "sprintf" && receiver.is_none()
    })?;
    if tokens[name]
        .text(src)
        .eq_ignore_ascii_case(b"file_get_contents")
        && idx == 0
    {
        return php_stream(req, name, open, q).map_err(|why| {
            by_hand(
                &header_line(req, q),
                "the `header` lines of the stream context",
                why,
            )
        });
    }
    let (url_index, options_index) = guzzle_call(req, name)?;
    if idx != url_index {
        return Err("the URL is not the request's URL argument".into());
    }
    let args = arguments(src, tokens, open);
    if args.len() == options_index {
        let long = php_file(req).long_arrays;
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
    if tokens[end].end() != args[options_index].end {
        return Err("the request options are not a plain array".into());
    }
    placed(vec![php_options(src, tokens, arr, &entry, q)?])
}

/// How far (in tokens) around a curl handle's URL its other options are looked for.
const CURL_REACH: usize = 4000;

/// PHP curl: the URL given to `curl_init(…)`, `curl_setopt($ch, CURLOPT_URL, …)` or the
/// `CURLOPT_URL` entry of `curl_setopt_array($ch, […])`; the key joins the
/// `CURLOPT_HTTPHEADER` array set on the same handle in the same function, or a
/// `curl_setopt($ch, CURLOPT_HTTPHEADER, […])` line of its own when the handle has none.
/// `None` when the URL is not a curl handle's.
fn php_curl(req: &Request, lit: usize, q: char) -> Option<Result<Placement, String>> {
    let (src, tokens) = (req.src, req.tokens);
    // The innermost call around the URL that is `curl_init`, `curl_setopt` or
    // `curl_setopt_array`. An options array may hold many entries before `CURLOPT_URL`, so
    // the climb goes on through arrays whatever their length.
    let mut at = lit;
    let (name, open, callee) = loop {
        let open = req.enclosing_open(at)?;
        let name = prev_significant(tokens, open).filter(|&n| tokens[n].kind == TokKind::Ident);
        let callee = name.map(|n| text_of(src, &tokens[n]).to_ascii_lowercase());
        match callee.as_deref() {
            Some("curl_init" | "curl_setopt" | "curl_setopt_array") => {
                break (name?, open, callee?);
            }
            _ if lit - open > 64
                && php_array(src, tokens, open).is_none()
                && callee.as_deref() != Some("array") =>
            {
                return None;
            }
            _ => at = open,
        }
    };
    let args = arguments(src, tokens, open);
    let arg_text = |i: usize| {
        args.get(i)
            .map(|r| String::from_utf8_lossy(&src[r.clone()]).trim().to_string())
    };
    // `curl_init($test ? $qaUrl : $url)`: the handle's headers serve both URLs.
    let url_arg = match callee.as_str() {
        "curl_init" => args.first().cloned(),
        "curl_setopt" => args.get(2).cloned(),
        _ => {
            // `curl_setopt_array($ch, [CURLOPT_URL => URL, …])`: the URL must be that entry.
            let options = args
                .get(1)
                .and_then(|r| token_at(tokens, r.start))
                .and_then(|t| php_array(src, tokens, t))?;
            let value = entry_value(src, tokens, options, "CURLOPT_URL")?;
            let entry = tokens[value].start()..expression_end(src, tokens, value);
            if !entry.contains(&tokens[lit].start()) {
                return None;
            }
            Some(entry)
        }
    };
    if url_arg.is_some_and(|a| !plain_argument(src, tokens, &a)) {
        return Some(Err(
            "the handle's URL chooses between values, and its headers serve every one of them; add the header where only this URL is used".into(),
        ));
    }
    let handle = match callee.as_str() {
        "curl_init" => {
            // `$ch = curl_init($url)`.
            let eq = prev_significant(tokens, name).filter(|&e| tokens[e].is_punct(src, "="))?;
            let var = prev_significant(tokens, eq)?;
            text_of(src, &tokens[var])
        }
        "curl_setopt" if arg_text(1).as_deref() != Some("CURLOPT_URL") || args.len() != 3 => {
            return Some(Err("the URL is not the handle's CURLOPT_URL".into()));
        }
        _ if args.len() != 2 && callee == "curl_setopt_array" => {
            return Some(Err("unreadable curl_setopt_array call".into()));
        }
        _ => arg_text(0)?,
    };
    if !handle.starts_with('$') {
        return Some(Err("the curl handle is not a variable".into()));
    }
    let close = matching_close(src, tokens, open)?;
    let end = next_significant(tokens, close).filter(|&e| tokens[e].is_punct(src, ";"))?;
    // The function body holding the handle; a script's top level counts as one block too.
    let body = enclosing_brace(req, name);
    let (from, to) = match body {
        Some(b) => (b + 1, req.openers().close_of(b).unwrap_or(tokens.len())),
        None => (
            name.saturating_sub(CURL_REACH),
            (end + CURL_REACH).min(tokens.len()),
        ),
    };
    // The handle's `CURLOPT_HTTPHEADER` options in the body, from the file's index: a
    // function that reuses one handle for many requests is not read once per request. Two
    // are already too many, so no more are looked at.
    let options = php_file(req)
        .header_options
        .get(handle.as_str())
        .map_or(&[][..], Vec::as_slice);
    let mut header_sets = Vec::new();
    for (_, option) in options[options.partition_point(|&(k, _)| k < from)..]
        .iter()
        .take_while(|&&(k, _)| k < to)
    {
        match option {
            Ok(list) => header_sets.push(list.clone()),
            Err(why) => return Some(Err((*why).into())),
        }
        if header_sets.len() > 1 {
            break;
        }
    }
    let element = header_line(req, q);
    let applicability = if body.is_some() {
        Applicability::Safe
    } else {
        Applicability::Unsafe // a script's top level: the handle is a global
    };
    let how = "add `x-api-key` to the handle's CURLOPT_HTTPHEADER".to_string();
    Some(match header_sets.as_slice() {
        [] => {
            let list = if php_file(req).long_arrays {
                format!("array({element})")
            } else {
                format!("[{element}]")
            };
            let indent = indent_of(src, tokens[name].start());
            let line = format!("curl_setopt({handle}, CURLOPT_HTTPHEADER, {list});");
            Ok(Placement {
                edits: vec![line_after(src, tokens[end].end(), &indent, &line)],
                applicability,
                sends: None,
                how,
            })
        }
        [list] => {
            let value = token_at(tokens, list.start)?;
            if sends_header(
                src,
                tokens,
                value..token_at(tokens, list.end - 1).unwrap_or(value),
            ) {
                return Some(Ok(already("the handle already sends `x-api-key`")));
            }
            match php_array(src, tokens, value) {
                Some(arr) => Ok(Placement {
                    edits: vec![insert_first(src, tokens, arr, &element)],
                    applicability,
                    sends: None,
                    how,
                }),
                // A list made elsewhere (a parameter, a method): merged with the header. It
                // may already carry one, out of sight: unsafe.
                None => {
                    let added = if php_file(req).long_arrays {
                        format!("array({element})")
                    } else {
                        format!("[{element}]")
                    };
                    Ok(Placement {
                        edits: vec![
                            Edit::insert(list.start, "array_merge("),
                            Edit::insert(list.end, format!(", {added})")),
                        ],
                        applicability: Applicability::Unsafe,
                        sends: None,
                        how: "merge `x-api-key` into the handle's computed CURLOPT_HTTPHEADER list"
                            .into(),
                    })
                }
            }
        }
        _ => {
            Err("the handle sets CURLOPT_HTTPHEADER more than once; add `x-api-key` by hand".into())
        }
    })
}

/// The header as a PHP string: `'x-api-key: ' . $key`, or one literal for a literal key.
fn header_line(req: &Request, q: char) -> String {
    match req.key {
        KeySource::Expr(_) => format!("{q}x-api-key: {q} . {}", req.key.as_code(q)),
        _ => format!("{q}x-api-key: {}{q}", req.key.as_text()),
    }
}

/// What the placer reads once per PHP file, for all its requests.
#[derive(Default)]
struct PhpFile {
    /// The file writes arrays as `array(…)` rather than `[…]`.
    long_arrays: bool,
    /// The file names `GuzzleHttp`: its `->get(…)` calls are taken for a Guzzle client's.
    guzzle: bool,
    /// Each `curl_setopt($h, CURLOPT_HTTPHEADER, LIST)` and
    /// `curl_setopt_array($h, [CURLOPT_HTTPHEADER => LIST, …])` by its handle's text, in
    /// order: where the handle is named, and LIST's range or why it cannot be read.
    header_options: HashMap<String, Vec<HeaderOption>>,
}

type HeaderOption = (usize, Result<Range<usize>, &'static str>);

/// The file's [`PhpFile`] index, built when a request first asks.
fn php_file<'r>(req: &Request<'r>) -> &'r PhpFile {
    static NONE: std::sync::LazyLock<PhpFile> = std::sync::LazyLock::new(PhpFile::default);
    let (src, tokens) = (req.src, req.tokens);
    let (layout, openers) = (req.layout(), req.openers());
    layout
        .placer_index(|| {
            let mut header_options: HashMap<String, Vec<HeaderOption>> = HashMap::new();
            for callee in [&b"curl_setopt"[..], b"curl_setopt_array"] {
                for &c in layout.uses_in_any_case(src, tokens, callee) {
                    let c = c as usize;
                    let Some(o) = next_significant(tokens, c).filter(|&o| tokens[o].is_punct(src, "("))
                    else {
                        continue;
                    };
                    let Some(handle_at) = next_significant(tokens, o) else {
                        continue;
                    };
                    let a = openers.arguments(src, tokens, o);
                    let names_header = a.get(1).is_some_and(|r| {
                        memchr::memmem::find(&src[r.clone()], b"CURLOPT_HTTPHEADER").is_some()
                    });
                    let Some(handle) = a.first().filter(|_| names_header) else {
                        continue;
                    };
                    let list = if callee == b"curl_setopt" {
                        a.get(2).filter(|_| a.len() == 3).cloned().ok_or("unreadable curl_setopt call")
                    } else {
                        // `curl_setopt_array($ch, [CURLOPT_HTTPHEADER => …, …])`: that entry's value.
                        a.get(1)
                            .and_then(|r| token_at(tokens, r.start))
                            .and_then(|t| php_array(src, tokens, t))
                            .and_then(|options| entry_value(src, tokens, options, "CURLOPT_HTTPHEADER"))
                            .map(|v| tokens[v].start()..expression_end(src, tokens, v))
                            .ok_or("the handle's options are not an array written here; add `x-api-key` to its CURLOPT_HTTPHEADER")
                    };
                    let handle = String::from_utf8_lossy(&src[handle.clone()]).trim().to_string();
                    header_options.entry(handle).or_default().push((handle_at, list));
                }
            }
            for options in header_options.values_mut() {
                options.sort_by_key(|&(k, _)| k);
            }
            PhpFile {
                long_arrays: memchr::memmem::find(src, b"array(").is_some()
                    && memchr::memmem::find(src, b"=> [").is_none(),
                guzzle: memchr::memmem::find(src, b"GuzzleHttp").is_some(),
                header_options,
            }
        })
        .unwrap_or(&NONE)
}

/// `file_get_contents(URL)` sends what its stream context says: the key joins the `header`
/// option of the context passed as third argument (`stream_context_create([...])`, directly
/// or through locals assigned once and read once), or a context is added that sends it.
fn php_stream(req: &Request, name: usize, open: usize, q: char) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let args = arguments(src, tokens, open);
    let line = header_line(req, q);
    let placed = |edits, applicability| {
        Ok(Placement {
            edits,
            applicability,
            sends: None,
            how: "send `x-api-key` in the stream context's `header` option".into(),
        })
    };
    match args.len() {
        1 => {
            let (http, header) = (format!("{q}http{q}"), format!("{q}header{q}"));
            let options = if php_file(req).long_arrays {
                format!("array({http} => array({header} => {line}))")
            } else {
                format!("[{http} => [{header} => {line}]]")
            };
            let context = format!("false, stream_context_create({options})");
            return placed(
                append_argument(src, tokens, open, &context)?,
                Applicability::Safe,
            );
        }
        3 => {}
        _ => {
            return Err(
                "`file_get_contents` is called with arguments the fixer does not know".into(),
            );
        }
    }
    let body = enclosing_brace(req, name);
    let mut applicability = Applicability::Safe;
    let mut follow = |at: usize| -> Result<usize, String> {
        let v = token_at(tokens, at).ok_or("unreadable context")?;
        if tokens[v].kind != TokKind::Ident || !tokens[v].text(src).starts_with(b"$") {
            return Ok(v);
        }
        if body.is_none() {
            applicability = Applicability::Unsafe; // a script's globals
        }
        single_assignment(src, tokens, body, v)
    };
    let context = follow(args[2].start)?;
    if !tokens[context]
        .text(src)
        .eq_ignore_ascii_case(b"stream_context_create")
    {
        return Err("the stream context is not made by `stream_context_create` here".into());
    }
    let call = next_significant(tokens, context)
        .filter(|&o| tokens[o].is_punct(src, "("))
        .ok_or("unreadable stream context")?;
    let options_at = arguments(src, tokens, call)
        .first()
        .map(|a| a.start)
        .ok_or("the stream context has no options")?;
    let options = follow(options_at)?;
    let options = php_array(src, tokens, options).ok_or("the context options are not an array")?;
    let end = matching_close(src, tokens, options).ok_or("unbalanced array")?;
    if sends_header(src, tokens, options..end) {
        return Ok(already("the stream context already sends `x-api-key`"));
    }
    let http = entry_value(src, tokens, options, "http")
        .and_then(|v| php_array(src, tokens, v))
        .ok_or("the context has no `'http'` options array")?;
    let edit = match entry_value(src, tokens, http, "header") {
        None => insert_first(src, tokens, http, &format!("{q}header{q} => {line}")),
        Some(v) => match php_array(src, tokens, v) {
            Some(list) => insert_first(src, tokens, list, &line),
            None => {
                // A header string: the new line goes first, with the CRLF that ends it.
                let value = tokens[v].start()..expression_end(src, tokens, v);
                if !plain_argument(src, tokens, &value)
                    || memchr::memmem::find(&src[value.clone()], b"??").is_some()
                {
                    return Err("the `header` option chooses between values".into());
                }
                let first = match req.key {
                    KeySource::Expr(_) => {
                        format!("\"x-api-key: \" . {} . \"\\r\\n\"", req.key.as_code('"'))
                    }
                    _ if req.key.as_text().contains(['$', '\\', '"']) => {
                        return Err("the key cannot be written in a PHP string".into());
                    }
                    _ => format!("\"x-api-key: {}\\r\\n\"", req.key.as_text()),
                };
                Edit::insert(value.start, format!("{first} . "))
            }
        },
    };
    placed(vec![edit], applicability)
}

/// The first token of the value assigned to variable token `var`, when the block `body` (a
/// function's `{`, or the whole file) assigns it once before this read and reads it nowhere
/// else.
fn single_assignment(
    src: &[u8],
    tokens: &[Token],
    body: Option<usize>,
    var: usize,
) -> Result<usize, String> {
    let name = tokens[var].text(src);
    let (from, to) = match body {
        Some(b) => (
            b + 1,
            matching_close(src, tokens, b).unwrap_or(tokens.len()),
        ),
        None => (0, tokens.len()),
    };
    let occurrences: Vec<usize> = (from..to)
        .filter(|&j| tokens[j].kind == TokKind::Ident && tokens[j].text(src) == name)
        .collect();
    let shown = String::from_utf8_lossy(name);
    if occurrences == [var] {
        return Err(format!(
            "`{shown}` is made outside this function (a parameter or a global); add the header where it is created"
        ));
    }
    let [assigned, read] = occurrences[..] else {
        return Err(format!(
            "`{shown}` is not assigned once and read once here; add `x-api-key` to it by hand"
        ));
    };
    let eq = next_significant(tokens, assigned).filter(|&e| tokens[e].is_punct(src, "="));
    match eq.and_then(|e| next_significant(tokens, e)) {
        Some(v) if read == var => Ok(v),
        _ => Err(format!("`{shown}` is not assigned once before it is read")),
    }
}

/// The `{` of the innermost block around token `i` (a function body, in PHP), if any.
fn enclosing_brace(req: &Request, i: usize) -> Option<usize> {
    let mut at = i;
    loop {
        let open = req.enclosing_open(at)?;
        if req.tokens[open].is_punct(req.src, "{") {
            return Some(open);
        }
        at = open;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};

    #[test]
    fn a_url_a_private_method_returns_moves_its_key_to_every_request_its_callers_send() {
        let src = "<?php\nuse GuzzleHttp\\Client;\nclass C\n{\n    private function url($p)\n    {\n        return 'https://api.au.whispir.com' . $p . '?apikey=' . $this->key;\n    }\n\n    public function a()\n    {\n        return $this->http->get($this->url('/a'), ['timeout' => 5]);\n    }\n\n    public function b()\n    {\n        $u = self::url('/b');\n        return $this->http->request('GET', $u);\n    }\n}\n";
        let (out, applicability) = fix("c.php", src).unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert!(
            out.contains("return 'https://api.au.whispir.com' . $p;")
                && out.contains("get($this->url('/a'), ['headers' => ['x-api-key' => $this->key], 'timeout' => 5])")
                && out.contains("request('GET', $u, ['headers' => ['x-api-key' => $this->key]])"),
            "{out}"
        );
        // A parameter key through a local; a call in another case is the same method.
        let src = "<?php\nuse GuzzleHttp\\Client;\nclass C\n{\n    private static function url($id, $key)\n    {\n        $u = \"https://api.au.whispir.com/m/{$id}?apikey={$key}\";\n        return $u;\n    }\n\n    public function a($k)\n    {\n        return $this->http->get(static::URL('1', $k));\n    }\n}\n";
        let (out, _) = fix("c.php", src).unwrap();
        assert!(
            out.contains("$u = \"https://api.au.whispir.com/m/{$id}\";")
                && out.contains("get(static::URL('1', $k), ['headers' => ['x-api-key' => $k]])"),
            "{out}"
        );
        for (src, why) in [
            (src.replace("private static", "public static"), "is not `private`"),
            (src.replace("class C", "trait C"), "is a trait's"),
            (
                src.replace(
                    "    public function a",
                    "    public function all($ids)\n    {\n        return array_map([$this, 'url'], $ids);\n    }\n\n    public function a",
                ),
                "names it in a string (a callable)",
            ),
            (
                src.replace("static::URL('1', $k)", "Other::url('1', $k)"),
                "calls it on another object",
            ),
            (
                src.replace("static::URL('1', $k)", "url('1', $k)"),
                "calls a function of the same name, not the method",
            ),
        ] {
            let reason = manual("c.php", &src);
            assert!(reason.contains(why), "{why}: {reason}");
        }
    }
    use crate::diagnostic::Applicability;

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
    fn file_get_contents_sends_the_key_through_its_stream_context() {
        // No context: one is added that sends the header.
        let src = "<?php\nfunction f($k) {\n    return file_get_contents('https://api.au.whispir.com/m?apikey=' . $k);\n}\n";
        assert_eq!(
            safe("a.php", src),
            "<?php\nfunction f($k) {\n    return file_get_contents('https://api.au.whispir.com/m', false, stream_context_create(['http' => ['header' => 'x-api-key: ' . $k]]));\n}\n"
        );
        // A header string gets the line first, ended by its CRLF.
        let src = "<?php\nfunction f($k) {\n    $c = stream_context_create(['http' => ['header' => \"Accept: a\\r\\n\"]]);\n    return file_get_contents('https://api.au.whispir.com/m?apikey=' . $k, false, $c);\n}\n";
        assert!(
            safe("a.php", src)
                .contains("['header' => \"x-api-key: \" . $k . \"\\r\\n\" . \"Accept: a\\r\\n\"]"),
            "{}",
            safe("a.php", src)
        );
        // A header list, through the options variable.
        let src = "<?php\nfunction f($k) {\n    $o = array('http' => array('header' => array('Accept: a')));\n    return file_get_contents('https://api.au.whispir.com/m?apikey=' . $k, false, stream_context_create($o));\n}\n";
        assert!(
            safe("a.php", src)
                .contains("array('header' => array('x-api-key: ' . $k, 'Accept: a'))"),
            "{}",
            safe("a.php", src)
        );
        // No `header` option yet: it is added to the `http` options.
        let src = "<?php\nfunction f($k) {\n    $c = stream_context_create(['http' => ['timeout' => 5]]);\n    return file_get_contents('https://api.au.whispir.com/m?apikey=' . $k, false, $c);\n}\n";
        assert!(
            safe("a.php", src)
                .contains("['http' => ['header' => 'x-api-key: ' . $k, 'timeout' => 5]]"),
            "{}",
            safe("a.php", src)
        );
        // A script's global context: unsafe.
        let src = "<?php\n$c = stream_context_create(['http' => ['timeout' => 5]]);\necho file_get_contents('https://api.au.whispir.com/m?apikey=' . $k, false, $c);\n";
        assert_eq!(fix("a.php", src).unwrap().1, Applicability::Unsafe);
    }

    #[test]
    fn stream_contexts_out_of_sight_stay_manual() {
        // From the caller.
        // The help names the stream context's header line, not Guzzle's options.
        assert_eq!(
            manual(
                "a.php",
                "<?php\nfunction f($k, $c) {\n    return file_get_contents('https://api.au.whispir.com/m?apikey=' . $k, false, $c);\n}\n"
            ),
            "add `'x-api-key: ' . $k` to the `header` lines of the stream context, then remove the parameter (not automatic: `$c` is made outside this function (a parameter or a global); add the header where it is created)"
        );
        // Shared by two requests.
        manual(
            "a.php",
            "<?php\nfunction f($k) {\n    $c = stream_context_create(['http' => ['timeout' => 5]]);\n    file_get_contents('https://api.au.whispir.com/m?apikey=' . $k, false, $c);\n    return file_get_contents('https://example.com/', false, $c);\n}\n",
        );
        // A header that chooses between values.
        manual(
            "a.php",
            "<?php\nfunction f($k, $h) {\n    $c = stream_context_create(['http' => ['header' => $h ?: 'A: b']]);\n    return file_get_contents('https://api.au.whispir.com/m?apikey=' . $k, false, $c);\n}\n",
        );
        // Made by something else.
        manual(
            "a.php",
            "<?php\nfunction f($k) {\n    $c = make_context();\n    return file_get_contents('https://api.au.whispir.com/m?apikey=' . $k, false, $c);\n}\n",
        );
    }

    #[test]
    fn a_computed_header_list_is_merged_with_the_key_unsafely() {
        // A list made elsewhere may already carry the header: unsafe.
        let src = "<?php\nfunction f($k, array $h) {\n    $ch = curl_init('https://api.au.whispir.com/m?apikey=' . $k);\n    curl_setopt($ch, CURLOPT_HTTPHEADER, $h);\n}\n";
        let (out, a) = fix("a.php", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert!(
            out.contains("curl_init('https://api.au.whispir.com/m');\n    curl_setopt($ch, CURLOPT_HTTPHEADER, array_merge($h, ['x-api-key: ' . $k]));"),
            "{out}"
        );
        // curl_setopt_array: a literal list gains the header, a computed one is merged.
        let src = "<?php\nfunction f($k) {\n    $ch = curl_init('https://api.au.whispir.com/m?apikey=' . $k);\n    curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_HTTPHEADER => ['A: b']]);\n}\n";
        assert!(
            safe("a.php", src).contains("CURLOPT_HTTPHEADER => ['x-api-key: ' . $k, 'A: b']]);"),
            "{}",
            safe("a.php", src)
        );
        let src = "<?php\nfunction f($k) {\n    $ch = curl_init('https://api.au.whispir.com/m?apikey=' . $k);\n    curl_setopt_array($ch, array(\n        CURLOPT_HTTPHEADER => $this->headers(),\n    ));\n}\n";
        let (out, a) = fix("a.php", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert!(
            out.contains(
                "CURLOPT_HTTPHEADER => array_merge($this->headers(), array('x-api-key: ' . $k)),"
            ),
            "{out}"
        );
        // Options that are not an array written here.
        manual(
            "a.php",
            "<?php\nfunction f($k, $o) {\n    $ch = curl_init('https://api.au.whispir.com/m?apikey=' . $k);\n    curl_setopt_array($ch, $o + [CURLOPT_HTTPHEADER => []]);\n}\n",
        );
    }

    #[test]
    fn an_http_build_query_string_is_followed_to_its_request() {
        let src = "<?php\nfunction f($k, $n) {\n    $query = http_build_query(['first' => $n, 'apikey' => $k]);\n    return file_get_contents('https://api.au.whispir.com/m?' . $query);\n}\n";
        assert_eq!(
            safe("a.php", src),
            "<?php\nfunction f($k, $n) {\n    $query = http_build_query(['first' => $n]);\n    return file_get_contents('https://api.au.whispir.com/m?' . $query, false, stream_context_create(['http' => ['header' => 'x-api-key: ' . $k]]));\n}\n"
        );
        // Read twice: which request sends it is not one.
        manual(
            "a.php",
            "<?php\nfunction f($k, $n) {\n    $query = http_build_query(['first' => $n, 'apikey' => $k]);\n    log($query);\n    return file_get_contents('https://api.au.whispir.com/m?' . $query);\n}\n",
        );
    }

    #[test]
    fn a_pecl_http_query_setter_of_only_the_key_becomes_add_headers() {
        let src = "<?php\nfunction f($k, $id) {\n    $r = new \\http\\Client\\Request('GET', 'https://api.au.whispir.com/m/' . $id);\n    $r->setQuery(new \\http\\QueryString(['apikey' => $k]));\n    return $r;\n}\n";
        let (out, a) = fix("a.php", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert!(
            out.contains("    $r->addHeaders(['x-api-key' => $k]);\n"),
            "{out}"
        );
        let src = "<?php\n$r = new http\\Client\\Request('GET', 'https://api.au.whispir.com/m');\n$r->setQueryData(array('apikey' => $k));\n";
        assert!(
            fix("a.php", src)
                .unwrap()
                .0
                .contains("$r->addHeaders(array('x-api-key' => $k));\n")
        );
        // Other entries stay in the query the setter sets: by hand.
        manual(
            "a.php",
            "<?php\n// Whispir\n$r->setQueryData(array('apikey' => $k, 'first' => 0));\n",
        );
    }

    #[test]
    fn php_near_misses_stay_manual() {
        // No Guzzle in the file.
        manual(
            "a.php",
            "<?php\nreturn $cache->get('https://api.au.whispir.com/m?apikey=' . $k, []);\n",
        );
        // One handle for two URLs: its headers would carry the key to both.
        assert!(
            manual(
                "a.php",
                "<?php\nfunction f($k, $qa) {\n    $ch = curl_init($qa ? 'https://api.au.whispir.com/m?apikey=' . $k : URL);\n    curl_setopt($ch, CURLOPT_HTTPHEADER, ['A: b']);\n}\n"
            )
            .starts_with("add `'x-api-key: ' . $k` to the handle's `CURLOPT_HTTPHEADER` list, then remove the parameter (not automatic: the handle's URL chooses between values")
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

    #[test]
    fn a_variable_in_a_single_quoted_string_or_nowdoc_is_text_not_a_variable() {
        // Only double quotes and heredocs interpolate; the header keeps the text in single
        // quotes, even where the file writes double ones.
        for url in [
            "'https://api.au.whispir.com/m?apikey=$key'",
            "'https://api.au.whispir.com/m?apikey={$key}'",
        ] {
            let src = format!(
                "<?php\nfunction f($key) {{\n    $ch = curl_init({url});\n    curl_setopt($ch, CURLOPT_HTTPHEADER, [\"Accept: a\"]);\n    return curl_exec($ch);\n}}\n"
            );
            let text = &url[url.find("=$").or(url.find("={")).unwrap() + 1..url.len() - 1];
            let out = safe("a.php", &src);
            assert!(
                out.contains(&format!("['x-api-key: {text}', \"Accept: a\"]")),
                "{out}"
            );
        }
        let heredoc = |quote: &str| {
            format!(
                "<?php\nfunction f($key) {{\n    $u = <<<{quote}E{quote}\nhttps://api.au.whispir.com/m?apikey=$key\nE;\n    $ch = curl_init($u);\n    curl_setopt($ch, CURLOPT_HTTPHEADER, [\"Accept: a\"]);\n    return curl_exec($ch);\n}}\n"
            )
        };
        let (nowdoc, _) = fix("a.php", &heredoc("'")).unwrap();
        assert!(
            nowdoc.contains("['x-api-key: $key', \"Accept: a\"]"),
            "{nowdoc}"
        );
        // A heredoc reads the variable.
        let (read, _) = fix("a.php", &heredoc("")).unwrap();
        assert!(
            read.contains("[\"x-api-key: \" . $key, \"Accept: a\"]")
                || read.contains("['x-api-key: ' . $key, \"Accept: a\"]"),
            "{read}"
        );
    }

    #[test]
    fn dollar_brace_in_double_quotes_reads_the_variable_not_a_constant() {
        // `"…${key}"` reads `$key`; the bare `key` would be a constant.
        let out = safe(
            "a.php",
            "<?php\nfunction f($key) {\n    $ch = curl_init(\"https://api.au.whispir.com/m?apikey=${key}\");\n    curl_setopt($ch, CURLOPT_HTTPHEADER, ['Accept: a']);\n    return curl_exec($ch);\n}\n",
        );
        assert!(out.contains("['x-api-key: ' . $key, 'Accept: a']"), "{out}");
    }

    #[test]
    fn a_url_among_curl_setopt_array_options_is_the_handles_url() {
        // The headers entry of the same array gains the key.
        let out = safe(
            "a.php",
            "<?php\nfunction f($k) {\n    $ch = curl_init();\n    curl_setopt_array($ch, [\n        CURLOPT_URL => 'https://api.au.whispir.com/m?apikey=' . $k,\n        CURLOPT_HTTPHEADER => ['Accept: a'],\n    ]);\n    return curl_exec($ch);\n}\n",
        );
        assert!(
            out.contains("CURLOPT_URL => 'https://api.au.whispir.com/m',\n"),
            "{out}"
        );
        assert!(
            out.contains("CURLOPT_HTTPHEADER => ['x-api-key: ' . $k, 'Accept: a'],"),
            "{out}"
        );
        // No headers anywhere on the handle: a line of its own after the options, even when
        // many options come before the URL.
        let before: String = (0..40)
            .map(|i| format!("        CURLOPT_OPT{i} => {i},\n"))
            .collect();
        let out = safe(
            "a.php",
            &format!(
                "<?php\nfunction f($k) {{\n    $ch = curl_init();\n    curl_setopt_array($ch, array(\n{before}        CURLOPT_URL => \"https://api.au.whispir.com/m?apikey=$k\",\n    ));\n    return curl_exec($ch);\n}}\n"
            ),
        );
        assert!(
            out.contains(
                "    ));\n    curl_setopt($ch, CURLOPT_HTTPHEADER, array(\"x-api-key: \" . $k));\n"
            ),
            "{out}"
        );
        // A URL that chooses between values, or that is not the CURLOPT_URL entry: manual.
        let why = manual(
            "a.php",
            "<?php\nfunction f($k, $qa) {\n    $ch = curl_init();\n    curl_setopt_array($ch, [CURLOPT_URL => $qa ? 'https://api.au.whispir.com/m?apikey=' . $k : URL]);\n}\n",
        );
        assert!(why.contains("chooses between values"), "{why}");
        manual(
            "a.php",
            "<?php\nfunction f($k) {\n    $ch = curl_init(OTHER);\n    curl_setopt_array($ch, [CURLOPT_POSTFIELDS => 'https://api.au.whispir.com/m?apikey=' . $k]);\n}\n",
        );
    }
}
