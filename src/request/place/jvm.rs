//! Java and Kotlin (and the rest of the C family): java.net.http, OkHttp and Spring
//! WebClient/RestClient builder chains.

use super::cursor::*;
use super::{INSTEAD, Placement, Request, SEND_WITH_HEADER, already};
use crate::diagnostic::{Applicability, Edit};
use crate::lang::tokens::Layout;
use crate::lang::tokens::{
    arguments, matching_close, matching_open, next_significant, prev_significant, token_at,
};
use crate::lang::{TokKind, Token};
use crate::request::query::{KeySource, Removal};

/// `StringBuilder sb = new StringBuilder(URL);` … `sb.append("&apikey=").append(k);` …
/// `send(sb.toString())`: the statement holding the key literal `lit` builds, in the block
/// where `sb` is declared, the URL that the one `sb.toString()` after it reads. Where `sb` is
/// declared (byte offset) and the span of that read's `sb`; `None` unless every other use of
/// `sb` in the block is a statement of `append`s before the read.
pub(crate) fn string_builder_use(
    src: &[u8],
    tokens: &[Token],
    lit: usize,
) -> Option<(usize, std::ops::Range<usize>)> {
    use crate::lang::tokens::enclosing_open;
    let is = |i: usize, text: &str| tokens[i].text(src) == text.as_bytes();
    let statement_start = |i: usize| {
        first_on_line(src, tokens[i].start())
            && prev_significant(tokens, i).is_none_or(|b| !is(b, "."))
    };
    // Back along the key's chain of links to the receiver starting the statement.
    let mut link = enclosing_open(src, tokens, lit).filter(|&o| is(o, "("))?;
    let receiver = loop {
        let before = prev_significant(tokens, link)
            .filter(|&n| is(n, "append"))
            .and_then(|n| prev_significant(tokens, n))
            .filter(|&d| is(d, "."))
            .and_then(|d| prev_significant(tokens, d))?;
        if is(before, ")") {
            link = matching_open(src, tokens, before)?;
        } else {
            break before;
        }
    };
    if tokens[receiver].kind != TokKind::Ident || !statement_start(receiver) {
        return None;
    }
    let name = tokens[receiver].text(src);
    let block = enclosing_open(src, tokens, receiver).filter(|&b| is(b, "{"))?;
    let block_end = matching_close(src, tokens, block)?;
    let in_block = |j: usize| enclosing_open(src, tokens, j) == Some(block);
    // `StringBuilder sb = new StringBuilder(…)` (Java), `val sb = StringBuilder(…)` (Kotlin).
    let declared = (block..receiver).find(|&j| {
        tokens[j].text(src) == name
            && in_block(j)
            && next_significant(tokens, j)
                .filter(|&e| is(e, "="))
                .and_then(|e| next_significant(tokens, e))
                .map(|n| {
                    if is(n, "new") {
                        next_significant(tokens, n)
                    } else {
                        Some(n)
                    }
                })
                .is_some_and(|t| t.is_some_and(|t| is(t, "StringBuilder")))
    })?;
    let mut read = None;
    for j in declared + 1..block_end {
        if tokens[j].text(src) != name
            || tokens[j].kind != TokKind::Ident
            || prev_significant(tokens, j).is_some_and(|d| is(d, "."))
        {
            continue;
        }
        let member = next_significant(tokens, j)
            .filter(|&d| is(d, "."))
            .and_then(|d| next_significant(tokens, d));
        match member {
            Some(m) if is(m, "append") && read.is_none() && in_block(j) && statement_start(j) => {}
            Some(m)
                if is(m, "toString")
                    && read.is_none()
                    && j > receiver
                    && next_significant(tokens, m).is_some_and(|o| is(o, "(")) =>
            {
                read = Some(j);
            }
            _ => return None,
        }
    }
    read.map(|r| (tokens[declared].start(), tokens[r].span()))
}

/// What to do where a query builder's URL is returned (`return new URIBuilder(…)
/// .addParameter("apikey", k).build();`): the request is made by the callers, so the help
/// names the link to delete here and the function whose callers take the header.
fn returned_builder(req: &Request) -> String {
    let (src, tokens) = (req.src, req.tokens);
    let key = req.key.as_code('"');
    let link = anchor(req)
        .ok()
        .and_then(|k| req.enclosing_open(k))
        .and_then(|open| {
            let name = prev_significant(tokens, open)?;
            let dot = prev_significant(tokens, name).filter(|&d| tokens[d].is_punct(src, "."))?;
            let close = matching_close(src, tokens, open)?;
            Some(
                String::from_utf8_lossy(&src[tokens[dot].start()..tokens[close].end()])
                    .into_owned(),
            )
        });
    // The file's tree, parsed once for all its requests.
    let function = req.tree().and_then(|tree| {
        let mut node = tree
            .root_node()
            .descendant_for_byte_range(req.at.start, req.at.start)?;
        while !matches!(node.kind(), "method_declaration" | "function_declaration") {
            node = node.parent()?;
        }
        let name = node.child_by_field_name("name").or_else(|| {
            // Kotlin's grammar has no field for the name: its first identifier.
            (0..node.named_child_count() as u32)
                .filter_map(|i| node.named_child(i))
                .find(|c| c.kind() == "identifier" || c.kind() == "simple_identifier")
        })?;
        Some(String::from_utf8_lossy(&src[name.byte_range()]).into_owned())
    });
    let delete = link.map_or("remove the parameter here".to_string(), |l| {
        format!("delete `{l}` here")
    });
    let callers = function.map_or("the callers of this function".to_string(), |f| {
        format!("the callers of `{f}(…)`")
    });
    format!(
        "{INSTEAD}{delete}, and send `x-api-key: {key}` as a header in the requests {callers} make with the URL it returns, in the same change (not automatic: the URL is returned; the request is made elsewhere)"
    )
}

/// Java/Kotlin (and the rest of the C family): `.header("x-api-key", k)` right after the
/// builder call that takes the URL: java.net.http `HttpRequest.newBuilder().uri(…)` or
/// `newBuilder(…)`, OkHttp `Request.Builder().url(…)`, Spring `WebClient`/`RestClient`
/// `.get().uri(…)`.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    if req.builder
        && let Some(first) = anchor(req).ok().map(|k| logical_statement(req, k).0)
        && tokens[first].text(src) == b"return"
        && next_significant(tokens, first)
            .and_then(|n| match tokens[n].text(src) {
                b"new" => next_significant(tokens, n),
                _ => Some(n),
            })
            .is_some_and(|b| {
                matches!(
                    tokens[b].text(src),
                    b"URIBuilder" | b"UriComponentsBuilder" | b"HttpUrl" | b"UriBuilder"
                )
            })
    {
        // `return new URIBuilder(…).addParameter("apikey", k).build();`: the request is made
        // by the callers, with what this returns.
        return Err(returned_builder(req));
    }
    let lit = match opening(req, false)? {
        Ok(lit) => lit,
        Err(sent) => return Ok(sent),
    };
    let (name, open, idx) = url_argument(req, lit, |callee, receiver| {
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
        return rest_template(req, lit, (name, open, idx));
    }
    if let Some(setter) = request_object(src, tokens, &callee, name) {
        return declared_request(req, name, open, idx, setter);
    }
    if receiver.is_none() && idx == 0 && args.len() == 1 && opens_connection(req, &callee) {
        return helper_connection(req, name, open);
    }
    if callee == "URL" || callee == "openConnection" {
        return Err(
            "HttpURLConnection: add `conn.setRequestProperty(\"x-api-key\", …)` where the connection is opened".into(),
        );
    }
    if matches!(callee.as_str(), "listOf" | "arrayOf" | "of" | "asList") {
        return raw_http_lines(req, lit, open, idx);
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
        return Ok(already(super::SENT_BY_STATEMENT));
    }
    let header = format!(".header(\"x-api-key\", {})", req.key.as_code('"'));
    // One call per line: the header gets a line of its own.
    let next_dot = next_significant(tokens, close).filter(|&d| {
        tokens[d].is_punct(src, ".")
            && memchr::memchr(b'\n', &src[tokens[close].end()..tokens[d].start()]).is_some()
            && first_on_line(src, tokens[d].start())
    });
    let edit = match next_dot {
        Some(d) if ends_line(src, tokens, close) => line_after(
            src,
            tokens[close].end(),
            &indent_of(src, tokens[d].start()),
            &header,
        ),
        _ => Edit::insert(tokens[close].end(), header),
    };
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        sends: None,
        how: format!("add `.header(\"x-api-key\", …)` after `.{callee}(…)`"),
    })
}

/// A request written as lines of raw HTTP in a list (`listOf("POST https://…?apikey=K",
/// "Content-Type: …")`, a template or documentation): a header line
/// `"x-api-key: K",` follows the request line. Unsafe, as text rather than a request made here.
fn raw_http_lines(req: &Request, lit: usize, open: usize, idx: usize) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let not_http = || "the URL is in a list, not in a request line of raw HTTP".to_string();
    let args = arguments(src, tokens, open);
    let line = &tokens[lit];
    let method = line
        .content_text(src)
        .split(|&b| b == b' ')
        .next()
        .unwrap_or_default();
    if args[idx] != line.span()
        || line.kind != TokKind::Str
        || !matches!(
            method,
            b"GET" | b"POST" | b"PUT" | b"PATCH" | b"DELETE" | b"HEAD"
        )
    {
        return Err(not_http());
    }
    // The header lines after it: one that already says `x-api-key` leaves only the parameter.
    let header_lines = args[idx + 1..].iter().take_while(|a| {
        token_at(tokens, a.start).is_some_and(|t| {
            let content = tokens[t].content_text(src);
            tokens[t].kind == TokKind::Str
                && content.iter().position(|&b| b == b':').is_some_and(|c| {
                    c > 0
                        && content[..c]
                            .iter()
                            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
                })
        })
    });
    if header_lines.clone().any(|a| {
        String::from_utf8_lossy(&src[a.clone()])
            .to_ascii_lowercase()
            .contains("x-api-key:")
    }) {
        return Ok(already(
            "the request's header lines already say `x-api-key`",
        ));
    }
    let value = match req.key {
        KeySource::Expr(e) if req.lang.name() == "kotlin" => format!("${{{e}}}"),
        KeySource::Expr(_) => {
            return Err(
                "the key is an expression; add an `x-api-key:` line after the request line".into(),
            );
        }
        KeySource::Literal(l) | KeySource::Template(l) => l.clone(),
    };
    let comma = next_significant(tokens, lit)
        .filter(|&c| {
            tokens[c].is_punct(src, ",")
                && ends_line(src, tokens, c)
                && first_on_line(src, line.start())
        })
        .ok_or("the request line is not an element of its own line")?;
    let quote = src[line.start()] as char;
    Ok(Placement {
        edits: vec![line_after(
            src,
            tokens[comma].end(),
            &indent_of(src, line.start()),
            &format!("{quote}x-api-key: {value}{quote},"),
        )],
        applicability: Applicability::Unsafe,
        sends: None,
        how: "add an `x-api-key:` header line after the request line".into(),
    })
}

/// Whether this file declares a method `name` returning an `HttpURLConnection` (a helper that
/// opens the connection for a URL: `private HttpURLConnection open(String url)`).
fn opens_connection(req: &Request, name: &str) -> bool {
    req.lang.name() != "kotlin" && jvm_file(req).connection_helpers.contains(name.as_bytes())
}

/// What the placer reads once per Java or Kotlin file, for all its requests.
#[derive(Default)]
struct JvmFile {
    /// The names of the methods declared to return an `HttpURLConnection`.
    connection_helpers: std::collections::HashSet<Box<[u8]>>,
    /// The file's `import …` lines, without their `;` and trailing space.
    imports: std::collections::HashSet<String>,
    /// Where the last line that starts with `import ` starts.
    last_import: Option<usize>,
    /// The file says `import retrofit2.http.*` or imports `retrofit2.http.Header`.
    retrofit_header_imported: bool,
    /// Where the file first says `import retrofit2.http.Query`.
    retrofit_query_import: Option<usize>,
}

/// The file's [`JvmFile`] index, built when a request first asks.
fn jvm_file<'r>(req: &Request<'r>) -> &'r JvmFile {
    jvm_file_of(req.src, req.tokens, req.layout())
}

/// [`jvm_file`], from the file's text, tokens and [`Layout`].
fn jvm_file_of<'l>(src: &[u8], tokens: &[Token], layout: &'l Layout) -> &'l JvmFile {
    static NONE: std::sync::LazyLock<JvmFile> = std::sync::LazyLock::new(JvmFile::default);
    layout
        .placer_index(|| {
            let connection_helpers = layout
                .uses(src, tokens, b"HttpURLConnection")
                .iter()
                .map(|&k| k as usize + 1)
                .filter(|&name| tokens.get(name + 1).is_some_and(|t| t.is_punct(src, "(")))
                .map(|name| tokens[name].text(src).into())
                .collect();
            let mut imports = std::collections::HashSet::new();
            let mut last_import = None;
            let mut line_start = 0;
            for line in src.split(|&b| b == b'\n') {
                if line.starts_with(b"import ") {
                    let text = String::from_utf8_lossy(line);
                    imports.insert(text.trim_end().trim_end_matches(';').trim_end().to_string());
                    last_import = Some(line_start);
                }
                line_start += line.len() + 1;
            }
            let says = |what: &[u8]| memchr::memmem::find(src, what);
            JvmFile {
                connection_helpers,
                imports,
                last_import,
                retrofit_header_imported: says(b"import retrofit2.http.*").is_some()
                    || says(b"import retrofit2.http.Header\n").is_some()
                    || says(b"import retrofit2.http.Header;").is_some(),
                retrofit_query_import: says(b"import retrofit2.http.Query"),
            }
        })
        .unwrap_or(&NONE)
}

/// `return open(URL).getResponseCode();` where `open` is such a helper: the connection gets a
/// local of its own so the header can be set before it is used,
/// `HttpURLConnection conn = open(URL); conn.setRequestProperty("x-api-key", k); return
/// conn.getResponseCode();`. Unsafe: what the helper does with the URL is a path through
/// another function.
fn helper_connection(req: &Request, name: usize, open: usize) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let callee = text_of(src, &tokens[name]);
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let (s, _) = logical_statement(req, name);
    let at = statement_line(req, s, name).map_err(|why| format!("`{callee}(…)`: {why}"))?;
    // Before the call only `return` or an assignment's target; after it, a member call.
    let simple_prefix = (s..name).all(|j| {
        matches!(
            tokens[j].kind,
            TokKind::Ident | TokKind::Newline | TokKind::Comment
        ) || tokens[j].is_punct(src, "=")
    });
    let used = next_significant(tokens, close).is_some_and(|d| tokens[d].is_punct(src, "."));
    if !simple_prefix || !used || tokens[s..name].iter().any(|t| t.kind == TokKind::Comment) {
        return Err(format!(
            "`{callee}(…)` opens the connection inside a larger expression; declare it, then call `setRequestProperty(\"x-api-key\", …)` on it"
        ));
    }
    let var = free_local_name(req, s, &["conn", "connection"])
        .ok_or("no free name for the connection")?;
    let indent = indent_of(src, at);
    let nl = eol(src, at);
    let prefix =
        String::from_utf8_lossy(&src[tokens[s].start()..tokens[name].start()]).into_owned();
    Ok(Placement {
        edits: vec![
            Edit::replace(
                tokens[s].start()..tokens[name].start(),
                format!("HttpURLConnection {var} = "),
            ),
            Edit::insert(
                tokens[close].end(),
                format!(
                    ";{nl}{indent}{var}.setRequestProperty(\"x-api-key\", {});{nl}{indent}{prefix}{var}",
                    req.key.as_code('"')
                ),
            ),
        ],
        applicability: Applicability::Unsafe,
        sends: None,
        how: format!("declare the connection `{callee}(…)` opens and set `x-api-key` on it"),
    })
}

/// Where a RestTemplate method takes its request entity and where its URI variables start:
/// `exchange(url, method, entity, type, vars…)`, `postForObject(url, request, type, vars…)`,
/// `getForObject(url, type, vars…)` (no entity: rewritten to `exchange`).
fn rest_template_arguments(method: &str) -> Option<(Option<usize>, usize)> {
    Some(match method {
        "exchange" => (Some(2), 4),
        "postForEntity" | "postForObject" | "patchForObject" => (Some(1), 3),
        "put" => (Some(1), 2),
        "getForEntity" | "getForObject" => (None, 2),
        _ => return None,
    })
}

/// Spring `RestTemplate`: the key leaves the URL (with its `{api_key}` URI variable's
/// argument, positional or a `Map.of` entry) and is set on the `HttpHeaders` of the request
/// entity built in the same block (`headers.set("x-api-key", k);` after they are created).
/// `getForEntity`/`getForObject` (Java) have no entity: they become `exchange` with one, the
/// headers declared just before the statement.
fn rest_template(
    req: &Request,
    lit: usize,
    (name, open, idx): (usize, usize, usize),
) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let method = text_of(src, &tokens[name]);
    let manual = |why: String| {
        Err(format!(
            "RestTemplate `{method}(…)`: {why}; set `x-api-key` on the HttpHeaders of its HttpEntity (`exchange`)"
        ))
    };
    let Some((entity_at, vars_at)) = rest_template_arguments(&method) else {
        return manual("this method is not one the fixer rewrites".into());
    };
    let args = arguments(src, tokens, open);
    if idx != 0 || args.len() < vars_at {
        return manual("the URL is not its first argument".into());
    }
    let (key, mut edits) = uri_variable(req, lit, &args[0], &args[vars_at..])?;
    // A URI variable's argument (it goes with the variable) is the key the header sends.
    let sends = (!edits.is_empty()).then(|| key.clone());
    let java = req.lang.name() != "kotlin";
    let end = if java { ";" } else { "" };
    let Some(entity_at) = entity_at else {
        edits.extend(get_as_exchange(req, name, open, &args, &key)?);
        return Ok(Placement {
            edits,
            applicability: Applicability::Safe,
            sends,
            how: format!("`{method}` becomes `exchange` with HttpHeaders carrying it"),
        });
    };
    let entity = &args[entity_at];
    let statement = logical_statement(req, name).0;
    let (headers, entity_var) = entity_headers(req, entity, statement).map_err(|why| {
        format!("RestTemplate `{method}(…)`: {why}; add `headers.set(\"x-api-key\", {key}){end}` to the headers it sends")
    })?;
    let mut placement = match headers {
        EntityHeaders::Local {
            var,
            first,
            last,
            fresh,
        } => {
            let mut placement =
                header_statement_after(req, (var, first, last), b"", &key, |v, k| {
                    format!("{v}.set(\"x-api-key\", {k}){end}")
                })?;
            if !placement.edits.is_empty() {
                placement.how = format!(
                    "add `{}.set(\"x-api-key\", …)` to the headers of its HttpEntity",
                    text_of(src, &tokens[var])
                );
            }
            // Headers shared with another request, or handed over by other code, would
            // send the key elsewhere too.
            if !fresh || uses(req, var) != 2 {
                placement.applicability = Applicability::Unsafe;
            }
            placement
        }
        EntityHeaders::Computed { expr, statement } => copied_headers(req, &expr, statement, &key)
            .map_err(|why| format!("RestTemplate `{method}(…)`: {why}; add `x-api-key` to a copy of the headers it sends"))?,
    };
    placement.edits.extend(edits);
    placement.sends = sends;
    // An entity shared with another request would send it the key too.
    if entity_var.is_some_and(|v| uses(req, v) != 2) {
        placement.applicability = Applicability::Unsafe;
    }
    Ok(placement)
}

/// The request's own copy of headers computed elsewhere (`defaultHeaders()`): Java declares
/// it on the lines before the statement starting at token `statement`,
/// `HttpHeaders headers = new HttpHeaders(); headers.putAll(…); headers.set("x-api-key", k);`,
/// and passes it instead; Kotlin writes `HttpHeaders().also { it.putAll(…); it.set(…) }` in
/// place. Unsafe: what the other code returns is not proved (a path through another function).
fn copied_headers(
    req: &Request,
    expr: &std::ops::Range<usize>,
    statement: usize,
    key: &str,
) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let computed = String::from_utf8_lossy(&src[expr.clone()]).into_owned();
    let how = "give the request a copy of its headers with `x-api-key` set".to_string();
    if req.lang.name() == "kotlin" {
        let copy = kotlin_headers(Some(&computed), key)?;
        let mut edits = vec![Edit::replace(expr.clone(), copy)];
        edits.extend(spring_imports(req, &["HttpHeaders"])?);
        return Ok(Placement {
            edits,
            applicability: Applicability::Unsafe,
            sends: None,
            how,
        });
    }
    let at = statement_line(
        req,
        statement,
        token_at(tokens, expr.start).unwrap_or(statement),
    )?;
    let var = free_local_name(req, statement, &["headers", "apiKeyHeaders"])
        .ok_or("no free name for the request's headers")?;
    let indent = indent_of(src, at);
    let nl = eol(src, at);
    let mut edits = vec![
        Edit::insert(
            at,
            format!(
                "{indent}HttpHeaders {var} = new HttpHeaders();{nl}{indent}{var}.putAll({computed});{nl}{indent}{var}.set(\"x-api-key\", {key});{nl}"
            ),
        ),
        Edit::replace(expr.clone(), var),
    ];
    edits.extend(spring_imports(req, &["HttpHeaders"])?);
    Ok(Placement {
        edits,
        applicability: Applicability::Unsafe,
        sends: None,
        how,
    })
}

/// Kotlin's headers for one request, in place: `HttpHeaders().also { it.set("x-api-key", k) }`,
/// copying `computed` first when given. `it` names the new headers, so neither the key nor the
/// copied expression may say `it` themselves.
fn kotlin_headers(computed: Option<&str>, key: &str) -> Result<String, String> {
    let says_it = |code: &str| {
        code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == "it")
    };
    if says_it(key) || computed.is_some_and(says_it) {
        return Err(
            "the key or the headers mention `it`, which the new headers' block would hide".into(),
        );
    }
    let copy = computed.map_or(String::new(), |c| format!("it.putAll({c}); "));
    Ok(format!(
        "HttpHeaders().also {{ {copy}it.set(\"x-api-key\", {key}) }}"
    ))
}

/// The start of the line of the statement starting at token `s`, where new statements can
/// go before it: it starts its line and a block or another statement precedes it, and token
/// `inner` (whose value the new statements use) is not inside a lambda of the statement.
fn statement_line(req: &Request, s: usize, inner: usize) -> Result<usize, String> {
    let (src, tokens) = (req.src, req.tokens);
    let own_line = first_on_line(src, tokens[s].start())
        && prev_significant(tokens, s)
            .is_none_or(|p| matches!(tokens[p].text(src), b";" | b"{" | b"}"));
    if !own_line {
        return Err("the request is not a statement of its own line".into());
    }
    if (s..inner).any(|j| tokens[j].text(src) == b"->") {
        return Err("the request is made inside a lambda".into());
    }
    Ok(line_start(src, tokens[s].start()))
}

/// The first of `candidates` that the method around token `at` does not mention as a
/// variable (its parameters included), so a new local of that name hides nothing it reads.
/// Method names (`headers()`) and members (`this.headers`) are other names in Java.
fn free_local_name<'n>(req: &Request, at: usize, candidates: &[&'n str]) -> Option<&'n str> {
    let (src, tokens) = (req.src, req.tokens);
    let (from, to) = enclosing_method(req, at)?;
    // From the name's uses in the method: a method of many requests is not walked per request.
    let mentioned = |name: &str| {
        let uses = req.layout().uses_in(src, tokens, name.as_bytes(), from..to);
        uses.iter().map(|&j| j as usize).any(|j| {
            !next_significant(tokens, j).is_some_and(|o| tokens[o].is_punct(src, "("))
                && !prev_significant(tokens, j)
                    .is_some_and(|d| matches!(tokens[d].text(src), b"." | b"::"))
        })
    };
    candidates.iter().copied().find(|n| !mentioned(n))
}

/// The Java method (or constructor) around token `at`: from the `(` of its parameters to the
/// `}` of its body. Control statements' and lambdas' blocks are passed on the way out.
fn enclosing_method(req: &Request, at: usize) -> Option<(usize, usize)> {
    let (src, tokens) = (req.src, req.tokens);
    let mut o = req.openers().of(at)?;
    loop {
        if tokens[o].is_punct(src, "{") {
            // Back over `throws A, B` to the `)` of the parameters.
            let mut p = prev_significant(tokens, o)?;
            while tokens[p].kind == TokKind::Ident
                || tokens[p].is_punct(src, ",")
                || tokens[p].is_punct(src, ".")
            {
                if tokens[p].text(src) == b"throws" {
                    p = prev_significant(tokens, p)?;
                    break;
                }
                p = prev_significant(tokens, p)?;
            }
            if tokens[p].is_punct(src, ")") {
                let open = matching_open(src, tokens, p)?;
                let name = prev_significant(tokens, open)?;
                let declared = tokens[name].kind == TokKind::Ident
                    && !matches!(
                        tokens[name].text(src),
                        b"if" | b"for" | b"while" | b"switch" | b"catch" | b"synchronized" | b"try"
                    )
                    && prev_significant(tokens, name).is_some_and(|t| {
                        (tokens[t].kind == TokKind::Ident && tokens[t].text(src) != b"new")
                            || matches!(tokens[t].text(src).last(), Some(b'>' | b']'))
                    });
                if declared {
                    return Some((open, matching_close(src, tokens, o)?));
                }
            }
        }
        o = req.openers().of(o)?;
    }
}

/// The key of a RestTemplate URL. `{api_key}` in the URL literal is a URI variable: its value
/// is the matching argument among `vars` (by position, or the `Map.of` entry of that name),
/// which goes with it. Otherwise the key is written in the URL expression itself.
fn uri_variable(
    req: &Request,
    lit: usize,
    url: &std::ops::Range<usize>,
    vars: &[std::ops::Range<usize>],
) -> Result<(String, Vec<Edit>), String> {
    let (src, tokens) = (req.src, req.tokens);
    // A URL passed through a variable (`SEND_URL`): its template is the literal assigned.
    let through = tokens[lit].kind != TokKind::Str;
    let template = if through {
        token_at(tokens, req.origin.start).unwrap_or(lit)
    } else {
        lit
    };
    let literal = &tokens[template];
    let content = literal.content_text(src);
    let name = req.key.as_text();
    let placeholder = format!("{{{name}}}");
    if literal.kind != TokKind::Str
        || memchr::memmem::find(content, placeholder.as_bytes()).is_none()
        || memchr::memmem::find(content, format!("${placeholder}").as_bytes()).is_some()
    {
        return Ok((req.key.as_code('"'), Vec::new()));
    }
    let whole = if through {
        single_token(req, url) && assigned_alone(req, template)
    } else {
        literal.span() == *url
    };
    if !whole {
        return Err(
            "the URL template is not one literal; its URI variables cannot be counted".into(),
        );
    }
    let names: Vec<&[u8]> = content
        .split(|&b| b == b'{')
        .skip(1)
        .filter_map(|part| part.split(|&b| b == b'}').next())
        .collect();
    if names.iter().filter(|n| **n == name.as_bytes()).count() != 1 {
        return Err(format!(
            "the URI variable `{placeholder}` is used more than once"
        ));
    }
    let position = names
        .iter()
        .position(|n| *n == name.as_bytes())
        .expect("counted");
    let arg = if vars.len() == names.len() {
        vars[position].clone()
    } else {
        return map_entry_argument(req, vars, &name);
    };
    let value = String::from_utf8_lossy(&src[arg.clone()])
        .trim()
        .to_string();
    // The argument with the comma before it (it is never the first argument).
    let comma_start = src[..arg.start]
        .iter()
        .rposition(|&b| b == b',')
        .ok_or("no comma before the URI variable")?;
    Ok((value, vec![Edit::delete(comma_start..arg.end)]))
}

/// Whether the literal at token `lit` is the whole value of an assignment or declaration
/// (`URL = "…";`, Kotlin's `val URL = "…"` ending its line).
fn assigned_alone(req: &Request, lit: usize) -> bool {
    let (src, tokens) = (req.src, req.tokens);
    let after = next_significant(tokens, lit);
    prev_significant(tokens, lit).is_some_and(|e| tokens[e].is_punct(src, "="))
        && match after {
            Some(n) if tokens[n].is_punct(src, ";") => true,
            Some(_) if req.lang.name() == "kotlin" => ends_line(src, tokens, lit),
            Some(_) => false,
            None => req.lang.name() == "kotlin",
        }
}

/// `Map.of("id", id, "api_key", key)` as the only URI-variables argument: the entry named
/// `name` goes, and its value is the key.
fn map_entry_argument(
    req: &Request,
    vars: &[std::ops::Range<usize>],
    name: &str,
) -> Result<(String, Vec<Edit>), String> {
    let (src, tokens) = (req.src, req.tokens);
    let not_counted =
        || format!("the URI variables are not passed one by one nor as `Map.of(…)` with `{name}`");
    let [map] = vars else {
        return Err(not_counted());
    };
    let first = token_at(tokens, map.start).ok_or_else(not_counted)?;
    let call = next_significant(tokens, first)
        .filter(|_| tokens[first].text(src) == b"Map" || tokens[first].text(src) == b"mapOf")
        .ok_or_else(not_counted)?;
    let open = if tokens[first].text(src) == b"mapOf" {
        call
    } else {
        next_significant(tokens, call)
            .filter(|&o| tokens[call].is_punct(src, ".") && tokens[o].text(src) == b"of")
            .and_then(|o| next_significant(tokens, o))
            .ok_or_else(not_counted)?
    };
    if !tokens[open].is_punct(src, "(") {
        return Err(not_counted());
    }
    let entries = arguments(src, tokens, open);
    let kotlin = tokens[first].text(src) == b"mapOf";
    // `Map.of` takes key, value, key, value…; `mapOf` takes `"key" to value` pairs.
    let quoted = |r: &std::ops::Range<usize>| {
        let t = src[r.clone()].trim_ascii();
        t.len() >= 2 && &t[1..t.len() - 1] == name.as_bytes() && t[0] == b'"'
    };
    let (remove, value) = if kotlin {
        let at = entries
            .iter()
            .position(|e| {
                let text = String::from_utf8_lossy(&src[e.clone()]).into_owned();
                text.trim().starts_with(&format!("\"{name}\" to "))
            })
            .ok_or_else(not_counted)?;
        let text = String::from_utf8_lossy(&src[entries[at].clone()]).into_owned();
        let value = text.trim()[name.len() + 6..].trim().to_string();
        (at..at + 1, value)
    } else {
        let at = (0..entries.len())
            .step_by(2)
            .find(|&k| quoted(&entries[k]))
            .filter(|&k| k + 1 < entries.len())
            .ok_or_else(not_counted)?;
        let value = String::from_utf8_lossy(&src[entries[at + 1].clone()])
            .trim()
            .to_string();
        (at..at + 2, value)
    };
    if remove.len() == entries.len() {
        return Err("the URI-variables map holds only the key; remove it by hand".into());
    }
    // The entries with the comma before them, or after them when they come first.
    let range = if remove.start == 0 {
        entries[0].start..entries[remove.end].start
    } else {
        let comma = src[..entries[remove.start].start]
            .iter()
            .rposition(|&b| b == b',')
            .ok_or_else(not_counted)?;
        comma..entries[remove.end - 1].end
    };
    Ok((value, vec![Edit::delete(range)]))
}

/// Where the key goes among the headers a RestTemplate request entity carries.
enum EntityHeaders {
    /// A local `HttpHeaders` declared in the block (from token `first` to `last`): the key is
    /// set on it after the declaration. `fresh` when created there with `new HttpHeaders()`;
    /// otherwise it came from elsewhere, which may hand the same object to other requests.
    Local {
        var: usize,
        first: usize,
        last: usize,
        fresh: bool,
    },
    /// Headers computed in place (`defaultHeaders()`, a field, a parameter): the request gets
    /// a copy of them with the key, built before the statement starting at token `statement`
    /// (Java) or in place (Kotlin), so whatever else reads them is not changed.
    Computed {
        expr: std::ops::Range<usize>,
        statement: usize,
    },
}

/// The headers behind a request entity, `new HttpEntity<>(body, headers)` / `HttpEntity(headers)`
/// written in place or held in a local declared in the block before token `before`, and the
/// entity's variable when it has one.
fn entity_headers(
    req: &Request,
    entity: &std::ops::Range<usize>,
    before: usize,
) -> Result<(EntityHeaders, Option<usize>), String> {
    let (src, tokens) = (req.src, req.tokens);
    let first = token_at(tokens, entity.start).ok_or("no entity")?;
    let (open, statement, entity_var) = match constructed(req, first, b"HttpEntity") {
        Some(open) => (open, logical_statement(req, first).0, None),
        None if tokens[first].kind == TokKind::Ident && single_token(req, entity) => {
            let local = local_construction(req, tokens[first].text(src), before, b"HttpEntity")
                .ok_or("its HttpEntity is not created in this block")?;
            (local.open, local.first, Some(local.var))
        }
        None => return Err("its HttpEntity is not created in this block".into()),
    };
    let args = arguments(src, tokens, open);
    let headers = args.last().ok_or("the HttpEntity has no headers")?;
    let h = token_at(tokens, headers.start).ok_or("no headers")?;
    if single_token(req, headers) && tokens[h].kind == TokKind::Ident {
        let name = tokens[h].text(src);
        if let Some(local) = local_construction(req, name, before, b"HttpHeaders") {
            return Ok((
                EntityHeaders::Local {
                    var: local.var,
                    first: local.first,
                    last: local.last,
                    fresh: true,
                },
                entity_var,
            ));
        }
        if let Some((var, first, last)) = declared_headers(req, name, before) {
            let local = EntityHeaders::Local {
                var,
                first,
                last,
                fresh: false,
            };
            return Ok((local, entity_var));
        }
    }
    // `HttpEntity(x)` takes a body or headers, as the type of `x` decides: only a call to a
    // method of this file declared to return HttpHeaders is known to be the headers.
    let known = args.len() == 2 || returns_headers(req, headers);
    if !known || !plain_argument(src, tokens, headers) {
        return Err("the HttpEntity's headers are not a variable of this block".into());
    }
    Ok((
        EntityHeaders::Computed {
            expr: headers.clone(),
            statement,
        },
        entity_var,
    ))
}

/// Java `HttpHeaders name = <anything but new HttpHeaders()>;`, a statement of its own line in
/// the block holding token `before`, before it: (variable, first token, `;`).
fn declared_headers(req: &Request, name: &[u8], before: usize) -> Option<(usize, usize, usize)> {
    let (src, tokens) = (req.src, req.tokens);
    if req.lang.name() == "kotlin" {
        return None;
    }
    let block = req
        .openers()
        .of(before)
        .filter(|&o| tokens[o].is_punct(src, "{"))?;
    let (_, inside) = top_level(src, tokens, block)?;
    inside
        .into_iter()
        .take_while(|&j| j < before)
        .filter(|&j| tokens[j].text(src) == name)
        .filter(|&j| {
            prev_significant(tokens, j).is_some_and(|t| tokens[t].text(src) == b"HttpHeaders")
                && next_significant(tokens, j).is_some_and(|q| tokens[q].is_punct(src, "="))
        })
        .filter_map(|j| {
            let ty = prev_significant(tokens, j)?;
            let (s, e) = logical_statement(req, j);
            let semi = next_significant(tokens, e).filter(|&x| tokens[x].is_punct(src, ";"))?;
            (s == ty && first_on_line(src, tokens[s].start())).then_some((j, s, semi))
        })
        .last()
}

/// Whether `expr` is a call `name(…)` / `this.name(…)` of a method this file declares to
/// return HttpHeaders (Java `HttpHeaders name(`, Kotlin `fun name(…): HttpHeaders`).
fn returns_headers(req: &Request, expr: &std::ops::Range<usize>) -> bool {
    let (src, tokens) = (req.src, req.tokens);
    let Some(mut name) = token_at(tokens, expr.start) else {
        return false;
    };
    if tokens[name].text(src) == b"this" {
        match next_significant(tokens, name)
            .filter(|&d| tokens[d].is_punct(src, "."))
            .and_then(|d| next_significant(tokens, d))
        {
            Some(n) => name = n,
            None => return false,
        }
    }
    let Some(open) = next_significant(tokens, name).filter(|&o| tokens[o].is_punct(src, "("))
    else {
        return false;
    };
    if tokens[name].kind != TokKind::Ident
        || matching_close(src, tokens, open).map(|c| tokens[c].end()) != Some(expr.end)
    {
        return false;
    }
    let method = tokens[name].text(src);
    (0..tokens.len()).any(|j| {
        if tokens[j].text(src) != method || j == name {
            return false;
        }
        let Some(paren) = next_significant(tokens, j).filter(|&o| tokens[o].is_punct(src, "("))
        else {
            return false;
        };
        let java =
            prev_significant(tokens, j).is_some_and(|t| tokens[t].text(src) == b"HttpHeaders");
        let kotlin = prev_significant(tokens, j).is_some_and(|f| tokens[f].text(src) == b"fun")
            && matching_close(src, tokens, paren)
                .and_then(|c| next_significant(tokens, c))
                .filter(|&c| tokens[c].is_punct(src, ":"))
                .and_then(|c| next_significant(tokens, c))
                .is_some_and(|t| tokens[t].text(src) == b"HttpHeaders");
        java || kotlin
    })
}

fn single_token(req: &Request, range: &std::ops::Range<usize>) -> bool {
    token_at(req.tokens, range.start).is_some_and(|t| req.tokens[t].span() == *range)
}

/// `getForEntity(url, T.class, vars…)` → `exchange(url, HttpMethod.GET, new
/// HttpEntity<>(headers), T.class, vars…)` (`getForObject` adds `.getBody()`), with the headers
/// declared on the lines before the statement and the Spring imports it needs. Kotlin builds
/// the headers in place (`HttpEntity<Any>(HttpHeaders().also { … })`, `.body`), so expression
/// bodies (`fun f() = restTemplate.getForObject(…)`) work too.
fn get_as_exchange(
    req: &Request,
    name: usize,
    open: usize,
    args: &[std::ops::Range<usize>],
    key: &str,
) -> Result<Vec<Edit>, String> {
    let (src, tokens) = (req.src, req.tokens);
    let method = text_of(src, &tokens[name]);
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let types = ["HttpEntity", "HttpHeaders", "HttpMethod"];
    if req.lang.name() == "kotlin" {
        let headers = kotlin_headers(None, key)?;
        let mut edits = vec![
            Edit::replace(tokens[name].span(), "exchange"),
            Edit::insert(
                args[0].end,
                format!(", HttpMethod.GET, HttpEntity<Any>({headers})"),
            ),
        ];
        if method == "getForObject" {
            edits.push(Edit::insert(tokens[close].end(), ".body"));
        }
        edits.extend(spring_imports(req, &types)?);
        return Ok(edits);
    }
    let (s, _) = logical_statement(req, name);
    let at = statement_line(req, s, name).map_err(|why| format!("`{method}(…)`: {why}"))?;
    let var = free_local_name(req, s, &["headers", "apiKeyHeaders"])
        .ok_or("no free name for the headers")?;
    let indent = indent_of(src, at);
    let nl = eol(src, at);
    let mut edits = vec![
        Edit::insert(
            at,
            format!(
                "{indent}HttpHeaders {var} = new HttpHeaders();{nl}{indent}{var}.set(\"x-api-key\", {key});{nl}"
            ),
        ),
        Edit::replace(tokens[name].span(), "exchange"),
        Edit::insert(
            args[0].end,
            format!(", HttpMethod.GET, new HttpEntity<>({var})"),
        ),
    ];
    if method == "getForObject" {
        edits.push(Edit::insert(tokens[close].end(), ".getBody()"));
    }
    edits.extend(spring_imports(req, &types)?);
    Ok(edits)
}

/// `import org.springframework.http.X;` (Kotlin: without the `;`) for each of `types` the
/// file does not import yet, after its last import (nothing when it imports
/// `org.springframework.http.*`).
fn spring_imports(req: &Request, types: &[&str]) -> Result<Vec<Edit>, String> {
    let (src, tokens) = (req.src, req.tokens);
    let semi = if req.lang.name() == "kotlin" { "" } else { ";" };
    let file = jvm_file(req);
    let imported = |what: &str| {
        file.imports
            .contains(&format!("import org.springframework.http.{what}"))
    };
    if imported("*") {
        return Ok(Vec::new());
    }
    // A simple name the file already uses resolves there (imported, or the same package).
    let named = |what: &str| {
        req.layout()
            .uses(src, tokens, what.as_bytes())
            .iter()
            .any(|&j| {
                !prev_significant(tokens, j as usize).is_some_and(|d| tokens[d].is_punct(src, "."))
            })
    };
    let missing: Vec<&str> = types
        .iter()
        .copied()
        .filter(|t| !imported(t) && !named(t))
        .collect();
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let last = file
        .last_import
        .ok_or("the file has no imports to add Spring's HttpHeaders to")?;
    let nl = eol(src, last);
    let lines: String = missing
        .iter()
        .map(|t| format!("{nl}import org.springframework.http.{t}{semi}"))
        .collect();
    Ok(vec![Edit::insert(
        line_end(src, last) - usize::from(nl == "\r\n"),
        lines,
    )])
}

/// Retrofit `@Query("apikey") apiKey: String` (Kotlin) / `@Query("apikey") String apiKey`
/// (Java) on an interface method: the same parameter becomes `@Header("x-api-key")`, and
/// `retrofit2.http.Header` is imported beside `Query`. `None` when the key token at `key` is
/// not such an annotation's only argument.
pub fn retrofit_header(
    src: &[u8],
    tokens: &[Token],
    layout: &Layout,
    key: usize,
) -> Option<Result<Removal, String>> {
    let open = prev_significant(tokens, key).filter(|&o| tokens[o].is_punct(src, "("))?;
    let name = prev_significant(tokens, open).filter(|&n| tokens[n].text(src) == b"Query")?;
    prev_significant(tokens, name).filter(|&a| tokens[a].is_punct(src, "@"))?;
    let close = next_significant(tokens, key).filter(|&c| tokens[c].is_punct(src, ")"));
    let Some(close) = close else {
        return Some(Err(
            "the `@Query` annotation takes more than the name".into()
        ));
    };
    // The parameter's name: Kotlin `name: Type`, Java `Type name`.
    let after = next_significant(tokens, close)?;
    let param = if next_significant(tokens, after).is_some_and(|c| tokens[c].is_punct(src, ":")) {
        after
    } else {
        next_significant(tokens, after).filter(|&n| tokens[n].kind == TokKind::Ident)?
    };
    let kotlin = after == param;
    let semi = if kotlin { "" } else { ";" };
    let mut edits = vec![Edit::replace(
        tokens[name].start()..tokens[close].end(),
        "Header(\"x-api-key\")",
    )];
    let file = jvm_file_of(src, tokens, layout);
    if !file.retrofit_header_imported {
        let Some(at) = file.retrofit_query_import else {
            return Some(Err(
                "`retrofit2.http.Query` is not imported by name; import `Header` beside it".into(),
            ));
        };
        let end = line_end(src, at) - usize::from(eol(src, at) == "\r\n");
        edits.push(Edit::insert(
            end,
            format!("{}import retrofit2.http.Header{semi}", eol(src, at)),
        ));
    }
    edits.sort_by_key(|e| e.range.start);
    Some(Ok(Removal {
        edits,
        key: KeySource::expr(text_of(src, &tokens[param])),
        placed: Some(SEND_WITH_HEADER.into()),
    }))
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

/// Request objects that carry their own headers, created with `new` from the URL: Apache
/// HttpClient's `HttpGet`/`HttpPost`/… (`setHeader`) and the connection of `new URL(…)`
/// (`setRequestProperty`). The method that sets a header, or `None`.
fn request_object(src: &[u8], tokens: &[Token], callee: &str, name: usize) -> Option<&'static str> {
    let created = prev_significant(tokens, name).is_some_and(|n| tokens[n].text(src) == b"new");
    match callee {
        "HttpGet" | "HttpPost" | "HttpPut" | "HttpPatch" | "HttpDelete" | "HttpHead" if created => {
            Some("setHeader")
        }
        "URL" if created => Some("setRequestProperty"),
        _ => None,
    }
}

/// `HttpGet get = new HttpGet(URL);` gets `get.setHeader("x-api-key", k);` on the next line;
/// `HttpURLConnection conn = (HttpURLConnection) new URL(URL).openConnection();` gets
/// `conn.setRequestProperty("x-api-key", k);`. The request must be declared on a line of its
/// own, and nothing later may already set the header on it.
fn declared_request(
    req: &Request,
    name: usize,
    open: usize,
    idx: usize,
    setter: &str,
) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    if idx != 0 || arguments(src, tokens, open).len() != 1 {
        return Err("the URL is not the request's only argument".into());
    }
    let new_tok = prev_significant(tokens, name).ok_or("no `new` before the request")?;
    let mut start = new_tok;
    let mut end = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let mut at = name;
    if setter == "setRequestProperty" {
        // `new URL(…).openConnection()`, or `URL url = new URL(…);` read once, by
        // `url.openConnection()`: the connection's declaration gets the header.
        (start, end, at) = match opened_connection(req, start, end) {
            Some((s, e)) => (s, e, name),
            None => {
                let not_opened = "the URL is not opened as a connection in this statement";
                let url = declaration(req, (start, end, name), &[b"final"])
                    .map_err(|_| not_opened.to_string())?;
                let read = only_read(req, url.var).ok_or_else(|| {
                    format!(
                        "`{}` is read more than once; add `setRequestProperty(\"x-api-key\", …)` to each connection",
                        text_of(src, &tokens[url.var])
                    )
                })?;
                let (s, e) = opened_connection(req, read, read).ok_or(not_opened)?;
                (s, e, read)
            }
        };
    }
    let d = declaration(req, (start, end, at), &[b"final"])?;
    header_statement_after(
        req,
        (d.var, d.first, d.semi),
        b"",
        &req.key.as_code('"'),
        |var, key| format!("{var}.{setter}(\"x-api-key\", {key});"),
    )
}

/// `<expression>.openConnection()` where the expression runs from token `start` to `end`,
/// usually cast (`(HttpURLConnection) …`): the first token (the cast's `(`) and the call's `)`.
fn opened_connection(req: &Request, start: usize, end: usize) -> Option<(usize, usize)> {
    let (src, tokens) = (req.src, req.tokens);
    let close = next_significant(tokens, end)
        .filter(|&d| tokens[d].is_punct(src, "."))
        .and_then(|d| next_significant(tokens, d))
        .filter(|&c| tokens[c].text(src) == b"openConnection")
        .and_then(|c| next_significant(tokens, c))
        .filter(|&p| tokens[p].is_punct(src, "("))
        .and_then(|p| matching_close(src, tokens, p))?;
    let first = match prev_significant(tokens, start).filter(|&c| tokens[c].is_punct(src, ")")) {
        Some(cast_close) => matching_open(src, tokens, cast_close)?,
        None => start,
    };
    Some((first, close))
}

/// The one place the local declared at token `var` is read in its block (member calls on it
/// included: each `url.openConnection()` is another connection), or `None`.
fn only_read(req: &Request, var: usize) -> Option<usize> {
    let (src, tokens) = (req.src, req.tokens);
    let name = tokens[var].text(src);
    let end = req
        .openers()
        .of(var)
        .and_then(|o| matching_close(src, tokens, o))
        .unwrap_or(tokens.len());
    let mut reads = (var + 1..end).filter(|&j| {
        tokens[j].kind == TokKind::Ident
            && tokens[j].text(src) == name
            && !prev_significant(tokens, j)
                .is_some_and(|d| matches!(tokens[d].text(src), b"." | b"::"))
    });
    let read = reads.next()?;
    reads.next().is_none().then_some(read)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};

    #[test]
    fn a_url_a_private_kotlin_function_returns_moves_its_key_to_every_request_its_callers_send() {
        // An expression body with a field key, called bare and on `this`.
        let src = "class C(private val apiKey: String) {\n    private fun messagesUrl(p: String): String = \"https://api.au.whispir.com$p?apikey=$apiKey\"\n\n    fun a(): Request = Request.Builder().url(messagesUrl(\"/a\")).build()\n\n    fun b(): Request {\n        val u = this.messagesUrl(\"/b\")\n        return Request.Builder().url(u).get().build()\n    }\n}\n";
        let (out, applicability) = fix("C.kt", src).unwrap();
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert!(
            out.contains("= \"https://api.au.whispir.com$p\"\n")
                && out.contains(".url(messagesUrl(\"/a\")).header(\"x-api-key\", apiKey).build()")
                && out.contains(".url(u).header(\"x-api-key\", apiKey).get()"),
            "{out}"
        );
        // A block body through a local, a parameter key: each caller's argument, by name too.
        let src = "private fun statusUrl(id: String, key: String): String {\n    val u = \"https://api.au.whispir.com/m/$id?apikey=$key\"\n    return u\n}\n\nfun a(k: String) = Request.Builder().url(statusUrl(\"1\", k)).build()\n\nfun b(k2: String) = Request.Builder().url(statusUrl(key = k2, id = \"2\")).build()\n";
        let (out, _) = fix("C.kt", src).unwrap();
        assert!(
            out.contains("val u = \"https://api.au.whispir.com/m/$id\"\n")
                && out.contains(".url(statusUrl(\"1\", k)).header(\"x-api-key\", k)")
                && out.contains(".url(statusUrl(key = k2, id = \"2\")).header(\"x-api-key\", k2)"),
            "{out}"
        );
        for (src, why) in [
            (src.replace("private fun statusUrl", "fun statusUrl"), "is not `private`"),
            (src.replace("statusUrl(\"1\", k)", "statusUrl(\"1\", k.trim())"), "not a plain name"),
            (
                src.replace("    return u\n", "    println(u)\n    return u\n"),
                "`u` is read 2 times",
            ),
            (
                format!("{src}\nfun c(k: String) = listOf(statusUrl(\"3\", k))\n"),
                "its call on line 10 makes cannot get the header",
            ),
            // A caller's own `apiKey` would hide the field the header reads.
            (
                "class C(private val apiKey: String) {\n    private fun statusUrl(): String = \"https://api.au.whispir.com/m?apikey=$apiKey\"\n\n    fun a(apiKey: String) = Request.Builder().url(statusUrl()).build()\n}\n".into(),
                "with its own `apiKey`",
            ),
        ] {
            let reason = manual("C.kt", &src);
            assert!(reason.contains(why), "{why}: {reason}");
        }
    }

    #[test]
    fn a_url_a_private_java_method_builds_in_a_local_moves_its_key_to_its_callers() {
        let src = "class A {\n    private String url(String p) {\n        String u = \"https://api.au.whispir.com\" + p + \"?apikey=\" + apiKey;\n        return u;\n    }\n    void a() throws IOException {\n        HttpGet get = new HttpGet(url(\"/a\"));\n        client.execute(get);\n    }\n}\n";
        let (out, applicability) = fix("A.java", src).unwrap();
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert!(
            out.contains("String u = \"https://api.au.whispir.com\" + p;")
                && out.contains("get.setHeader(\"x-api-key\", apiKey);"),
            "{out}"
        );
        // Assigned again before the return: not the URL built.
        let twice = src.replace(
            "        return u;",
            "        u = u + \"&x=1\";\n        return u;",
        );
        assert!(!manual("A.java", &twice).contains("in the request sending"));
    }

    #[test]
    fn a_url_a_private_method_returns_moves_its_key_to_every_request_its_callers_send() {
        let src = "class A {\n    private String messagesUrl(String p) {\n        return \"https://api.au.whispir.com\" + p + \"?apikey=\" + apiKey;\n    }\n    void a() throws IOException {\n        HttpGet get = new HttpGet(messagesUrl(\"/a\"));\n        client.execute(get);\n    }\n    Response b() throws IOException {\n        Request r = new Request.Builder().url(this.messagesUrl(\"/b\")).build();\n        return ok.newCall(r).execute();\n    }\n}\n";
        let (out, applicability) = fix("A.java", src).unwrap();
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert!(
            out.contains("return \"https://api.au.whispir.com\" + p;")
                && out.contains("get.setHeader(\"x-api-key\", apiKey);")
                && out.contains(".url(this.messagesUrl(\"/b\")).header(\"x-api-key\", apiKey)"),
            "{out}"
        );
        // Not private; a caller whose own parameter hides the field.
        assert!(
            manual("A.java", &src.replace("private String", "String")).contains("is not `private`")
        );
        let hidden = src.replace("void a()", "void a(String apiKey)");
        assert!(manual("A.java", &hidden).contains("with its own `apiKey`"));
    }

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
        // RestTemplate headers built by another method: a path through another function.
        let rest = "class A {\n    String f() {\n        return restTemplate.exchange(\"https://api.au.whispir.com/m?apikey=\" + k, HttpMethod.GET, new HttpEntity<>(headers()), String.class).getBody();\n    }\n}\n";
        assert!(manual("A.java", rest).contains("headers.set(\"x-api-key\", k)"));
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
        // A connection used in the same expression that opens it has no statement to add to.
        manual(
            "A.java",
            "int s = ((HttpURLConnection) new URL(\"https://api.au.whispir.com/m?apikey=\" + k).openConnection()).getResponseCode();\n",
        );
    }

    #[test]
    fn jvm_query_builder_call_goes_whole_with_the_request_found_through_the_variable() {
        // The chain link goes as a whole (never `.addQueryParameter` with no arguments); the
        // request that reads the variable sends the header, or gets it.
        let src = r#"fun f(): Request {
    val url = "https://api.au.whispir.com/templates".toHttpUrl().newBuilder()
        .addQueryParameter("apikey", apiKey)
        .build()
    return Request.Builder().url(url).header("x-api-key", apiKey).build()
}
"#;
        assert_eq!(
            safe("A.kt", src),
            r#"fun f(): Request {
    val url = "https://api.au.whispir.com/templates".toHttpUrl().newBuilder()
        .build()
    return Request.Builder().url(url).header("x-api-key", apiKey).build()
}
"#
        );
        let src = r#"class A {
    Request templates(String key) {
        HttpUrl url = HttpUrl.parse("https://api.au.whispir.com/templates").newBuilder()
                .addQueryParameter("limit", "20")
                .addQueryParameter("apikey", key)
                .build();
        return new Request.Builder().url(url).build();
    }
}
"#;
        assert_eq!(
            safe("A.java", src),
            r#"class A {
    Request templates(String key) {
        HttpUrl url = HttpUrl.parse("https://api.au.whispir.com/templates").newBuilder()
                .addQueryParameter("limit", "20")
                .build();
        return new Request.Builder().url(url).header("x-api-key", key).build();
    }
}
"#
        );
        // The URL variable read twice: not proved a single request's.
        let shared = "class A {\n    void f(String key) {\n        HttpUrl url = HttpUrl.parse(\"https://api.au.whispir.com/t\").newBuilder().addQueryParameter(\"apikey\", key).build();\n        log(url);\n        client.newCall(new Request.Builder().url(url).build());\n    }\n}\n";
        manual("A.java", shared);
    }

    #[test]
    fn urls_in_locals_reach_okhttp_and_java_net_http_builders() {
        let src = "class A {\n    Request f(String key) {\n        String url = \"https://api.au.whispir.com/messages?apikey=\" + key;\n        return new Request.Builder().url(url).build();\n    }\n}\n";
        assert_eq!(
            safe("A.java", src),
            "class A {\n    Request f(String key) {\n        String url = \"https://api.au.whispir.com/messages\";\n        return new Request.Builder().url(url).header(\"x-api-key\", key).build();\n    }\n}\n"
        );
        let src = "class A {\n    HttpRequest f(String key) {\n        URI uri = URI.create(\"https://api.au.whispir.com/messages?apikey=\" + key);\n        return HttpRequest.newBuilder().uri(uri).GET().build();\n    }\n}\n";
        assert_eq!(
            safe("A.java", src),
            "class A {\n    HttpRequest f(String key) {\n        URI uri = URI.create(\"https://api.au.whispir.com/messages\");\n        return HttpRequest.newBuilder().uri(uri).header(\"x-api-key\", key).GET().build();\n    }\n}\n"
        );
    }

    #[test]
    fn kotlin_dollar_name_templates_are_the_key() {
        let src = "fun f(apiKey: String) = Request.Builder()\n    .url(\"https://api.au.whispir.com/messages?apikey=$apiKey&limit=5\")\n    .build()\n";
        assert_eq!(
            safe("A.kt", src),
            "fun f(apiKey: String) = Request.Builder()\n    .url(\"https://api.au.whispir.com/messages?limit=5\")\n    .header(\"x-api-key\", apiKey)\n    .build()\n"
        );
        // In Java `$apiKey` is text: nothing to follow.
        manual(
            "A.java",
            "Request r = new Request.Builder().url(\"https://api.au.whispir.com/m?apikey=$apiKey\").build();\n",
        );
    }

    #[test]
    fn rest_template_uri_variable_and_its_argument_go_and_the_entity_headers_get_the_key() {
        let src = r#"class A {
    ResponseEntity<String> status(String id, String key) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        HttpEntity<String> entity = new HttpEntity<>(headers);
        return restTemplate.exchange("https://api.au.whispir.com/messages/{id}?apikey={api_key}", HttpMethod.GET, entity, String.class, id, key);
    }
}
"#;
        assert_eq!(
            safe("A.java", src),
            r#"class A {
    ResponseEntity<String> status(String id, String key) {
        HttpHeaders headers = new HttpHeaders();
        headers.set("x-api-key", key);
        headers.setContentType(MediaType.APPLICATION_JSON);
        HttpEntity<String> entity = new HttpEntity<>(headers);
        return restTemplate.exchange("https://api.au.whispir.com/messages/{id}", HttpMethod.GET, entity, String.class, id);
    }
}
"#
        );
        // A `Map.of` entry, and the entity written in place.
        let src = r#"class A {
    String send(String body, String key) {
        HttpHeaders h = new HttpHeaders();
        return restTemplate.postForObject("https://api.au.whispir.com/{ws}/messages?apikey={apikey}", new HttpEntity<>(body, h), String.class, Map.of("ws", "1", "apikey", key));
    }
}
"#;
        assert_eq!(
            safe("A.java", src),
            r#"class A {
    String send(String body, String key) {
        HttpHeaders h = new HttpHeaders();
        h.set("x-api-key", key);
        return restTemplate.postForObject("https://api.au.whispir.com/{ws}/messages", new HttpEntity<>(body, h), String.class, Map.of("ws", "1"));
    }
}
"#
        );
        // Kotlin: `val` declarations, no semicolons.
        let src = r#"fun send(body: String, key: String): String? {
    val headers = HttpHeaders()
    val entity = HttpEntity(body, headers)
    return restTemplate.exchange("https://api.au.whispir.com/messages?apikey={k}", HttpMethod.POST, entity, String::class.java, key).body
}
"#;
        assert_eq!(
            safe("A.kt", src),
            r#"fun send(body: String, key: String): String? {
    val headers = HttpHeaders()
    headers.set("x-api-key", key)
    val entity = HttpEntity(body, headers)
    return restTemplate.exchange("https://api.au.whispir.com/messages", HttpMethod.POST, entity, String::class.java).body
}
"#
        );
    }

    #[test]
    fn rest_template_with_a_uri_components_builder_url_in_a_local() {
        let src = r#"class A {
    ResponseEntity<String> f(String key) {
        HttpHeaders headers = new HttpHeaders();
        String url = UriComponentsBuilder.fromHttpUrl("https://api.au.whispir.com/contacts")
                .queryParam("apikey", key)
                .queryParam("limit", 50)
                .toUriString();
        return restTemplate.exchange(url, HttpMethod.GET, new HttpEntity<>(headers), String.class);
    }
}
"#;
        assert_eq!(
            safe("A.java", src),
            r#"class A {
    ResponseEntity<String> f(String key) {
        HttpHeaders headers = new HttpHeaders();
        headers.set("x-api-key", key);
        String url = UriComponentsBuilder.fromHttpUrl("https://api.au.whispir.com/contacts")
                .queryParam("limit", 50)
                .toUriString();
        return restTemplate.exchange(url, HttpMethod.GET, new HttpEntity<>(headers), String.class);
    }
}
"#
        );
    }

    #[test]
    fn rest_template_headers_shared_with_another_request_are_unsafe() {
        let src = r#"class A {
    void f(String key) {
        HttpHeaders headers = new HttpHeaders();
        restTemplate.exchange("https://api.au.whispir.com/m?apikey={k}", HttpMethod.GET, new HttpEntity<>(headers), String.class, key);
        restTemplate.exchange("https://example.com/other", HttpMethod.GET, new HttpEntity<>(headers), String.class);
    }
}
"#;
        let (_, applicability) = fix("A.java", src).expect("fixable");
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        // The entity, not the headers, is what the other request shares.
        let src = src.replace(
            "        restTemplate.exchange(\"https://api.au.whispir.com/m?apikey={k}\", HttpMethod.GET, new HttpEntity<>(headers)",
            "        HttpEntity<String> entity = new HttpEntity<>(headers);\n        restTemplate.exchange(\"https://api.au.whispir.com/m?apikey={k}\", HttpMethod.GET, entity",
        )
        .replace("new HttpEntity<>(headers), String.class);", "entity, String.class);");
        assert!(
            src.contains("HttpMethod.GET, entity, String.class);"),
            "{src}"
        );
        let (_, applicability) = fix("A.java", &src).expect("fixable");
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        // URI variables passed as an array cannot be counted.
        let reason = manual(
            "A.java",
            r#"class A {
    void f(Object[] vars) {
        HttpHeaders headers = new HttpHeaders();
        restTemplate.exchange("https://api.au.whispir.com/{a}?apikey={k}", HttpMethod.GET, new HttpEntity<>(headers), String.class, vars);
    }
}
"#,
        );
        assert!(reason.contains("URI variables"), "{reason}");
    }

    #[test]
    fn rest_template_get_becomes_exchange_with_headers_and_imports() {
        let src = r#"import org.springframework.http.ResponseEntity;

class A {
    String f(String key) {
        return restTemplate.getForObject("https://api.au.whispir.com/messages?apikey={k}", String.class, key);
    }
}
"#;
        assert_eq!(
            safe("A.java", src),
            r#"import org.springframework.http.ResponseEntity;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

class A {
    String f(String key) {
        HttpHeaders headers = new HttpHeaders();
        headers.set("x-api-key", key);
        return restTemplate.exchange("https://api.au.whispir.com/messages", HttpMethod.GET, new HttpEntity<>(headers), String.class).getBody();
    }
}
"#
        );
    }

    #[test]
    fn rest_template_headers_from_another_method_are_copied_with_the_key_unsafely() {
        // A path through another function (SPEC: unsafe). The request gets its own copy: the
        // object `defaultHeaders()` returns may be shared, and must not carry the key elsewhere.
        let src = r#"class A {
    ResponseEntity<String> f(String key) {
        return restTemplate.exchange("https://api.au.whispir.com/m?apikey={k}", HttpMethod.GET, new HttpEntity<>(defaultHeaders()), String.class, key);
    }

    private HttpHeaders defaultHeaders() {
        HttpHeaders headers = new HttpHeaders();
        return headers;
    }
}
"#;
        let (out, applicability) = fix("A.java", src).expect("fixable");
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert_eq!(
            out,
            r#"class A {
    ResponseEntity<String> f(String key) {
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(defaultHeaders());
        headers.set("x-api-key", key);
        return restTemplate.exchange("https://api.au.whispir.com/m", HttpMethod.GET, new HttpEntity<>(headers), String.class);
    }

    private HttpHeaders defaultHeaders() {
        HttpHeaders headers = new HttpHeaders();
        return headers;
    }
}
"#
        );
        // The body and a field's headers, in a method that already reads a `headers`.
        let src = "import org.springframework.http.HttpEntity;\n\nclass A {\n    String f(String body, String key, List<String> headers) {\n        log(headers);\n        return restTemplate.postForObject(\"https://api.au.whispir.com/m?apikey={k}\", new HttpEntity<>(body, this.common), String.class, key);\n    }\n}\n";
        let (out, applicability) = fix("A.java", src).expect("fixable");
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert!(
            out.starts_with("import org.springframework.http.HttpEntity;\nimport org.springframework.http.HttpHeaders;\n\n")
                && out.contains("        HttpHeaders apiKeyHeaders = new HttpHeaders();\n        apiKeyHeaders.putAll(this.common);\n        apiKeyHeaders.set(\"x-api-key\", key);\n")
                && out.contains("new HttpEntity<>(body, apiKeyHeaders), String.class);"),
            "{out}"
        );
        // One argument is the body or the headers, as its type says: a call of a method not
        // declared here could be either.
        manual(
            "A.java",
            "class A {\n    String f(String key) {\n        return restTemplate.postForObject(\"https://api.au.whispir.com/m?apikey={k}\", new HttpEntity<>(payload()), String.class, key);\n    }\n}\n",
        );
        // Statements added before the call would not see a lambda's parameter.
        let reason = manual(
            "A.java",
            "class A {\n    void f(List<String> keys) {\n        keys.forEach(k -> restTemplate.exchange(\"https://api.au.whispir.com/m?apikey={key}\", HttpMethod.GET, new HttpEntity<>(defaultHeaders()), String.class, k));\n    }\n    HttpHeaders defaultHeaders() { return new HttpHeaders(); }\n}\n",
        );
        assert!(reason.contains("lambda"), "{reason}");
    }

    #[test]
    fn rest_template_url_template_in_a_constant_loses_its_uri_variable_argument() {
        // The template is a class constant (unsafe); `{api_key}`'s argument at the call goes.
        // The headers came from a call: the key is already set on them here.
        let src = r#"class A {
    private static final String STATUS_URL =
            "https://api.au.whispir.com/messages/{id}?apikey={api_key}";

    ResponseEntity<String> status(String id) {
        HttpHeaders headers = headers();
        headers.set("x-api-key", apiKey);
        return restTemplate.exchange(STATUS_URL, HttpMethod.GET, new HttpEntity<>(headers), String.class, id, apiKey);
    }
}
"#;
        let (out, applicability) = fix("A.java", src).expect("fixable");
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert_eq!(
            out,
            src.replace("?apikey={api_key}", "")
                .replace("String.class, id, apiKey)", "String.class, id)")
        );
        // Headers from a call, without the key yet: set on them, unsafely (another request
        // may hold the same object).
        let without = src.replace("        headers.set(\"x-api-key\", apiKey);\n", "");
        let (out, applicability) = fix("A.java", &without).expect("fixable");
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert!(
            out.contains(
                "HttpHeaders headers = headers();\n        headers.set(\"x-api-key\", apiKey);\n"
            ),
            "{out}"
        );
        // A template built from parts: its URI variables cannot be counted.
        let parts = src.replace(
            "\"https://api.au.whispir.com/messages/{id}?apikey={api_key}\";",
            "\"https://api.au.whispir.com\" + \"/messages/{id}?apikey={api_key}\";",
        );
        assert!(manual("A.java", &parts).contains("URI variables"));
    }

    #[test]
    fn kotlin_rest_template_get_in_an_expression_body_becomes_exchange_in_place() {
        let src = r#"import org.springframework.web.client.RestTemplate

class A(private val restTemplate: RestTemplate) {
    fun status(id: String, apiKey: String): String? =
        restTemplate.getForObject("https://api.au.whispir.com/messages/{id}?apikey={apikey}", String::class.java, id, apiKey)
}
"#;
        assert_eq!(
            safe("A.kt", src),
            r#"import org.springframework.web.client.RestTemplate
import org.springframework.http.HttpEntity
import org.springframework.http.HttpHeaders
import org.springframework.http.HttpMethod

class A(private val restTemplate: RestTemplate) {
    fun status(id: String, apiKey: String): String? =
        restTemplate.exchange("https://api.au.whispir.com/messages/{id}", HttpMethod.GET, HttpEntity<Any>(HttpHeaders().also { it.set("x-api-key", apiKey) }), String::class.java, id).body
}
"#
        );
        // `it` in the key would name the new headers instead.
        let reason = manual(
            "A.kt",
            "fun f(keys: List<String>) = keys.map { restTemplate.getForObject(\"https://api.au.whispir.com/m?apikey={k}\", String::class.java, it) }\n",
        );
        assert!(reason.contains("`it`"), "{reason}");
        // Kotlin headers from another function: copied in place.
        let src = "import org.springframework.http.HttpHeaders\n\nfun f(key: String): String? =\n    restTemplate.exchange(\"https://api.au.whispir.com/m?apikey={k}\", HttpMethod.GET, HttpEntity<Any>(defaultHeaders()), String::class.java, key).body\n\nfun defaultHeaders(): HttpHeaders = HttpHeaders()\n";
        let (out, applicability) = fix("A.kt", src).expect("fixable");
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert!(
            out.contains("HttpEntity<Any>(HttpHeaders().also { it.putAll(defaultHeaders()); it.set(\"x-api-key\", key) }), String::class.java).body"),
            "{out}"
        );
    }

    #[test]
    fn retrofit_query_parameter_becomes_a_header_parameter() {
        let src = r#"import retrofit2.http.GET
import retrofit2.http.Query

/** The Whispir API. */
interface Api {
    @GET("messages")
    fun messages(@Query("apikey") apiKey: String): Call<String>
}
"#;
        assert_eq!(
            safe("A.kt", src),
            r#"import retrofit2.http.GET
import retrofit2.http.Query
import retrofit2.http.Header

/** The Whispir API. */
interface Api {
    @GET("messages")
    fun messages(@Header("x-api-key") apiKey: String): Call<String>
}
"#
        );
        let src = r#"import retrofit2.http.*;

/** The Whispir API. */
interface Api {
    @GET("messages")
    Call<String> messages(@Query("apikey") String key, @Query("limit") int limit);
}
"#;
        assert_eq!(
            safe("A.java", src),
            r#"import retrofit2.http.*;

/** The Whispir API. */
interface Api {
    @GET("messages")
    Call<String> messages(@Header("x-api-key") String key, @Query("limit") int limit);
}
"#
        );
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

    #[test]
    fn apache_and_url_connection_requests_get_a_header_line() {
        let src = r#"class A {
    String get(String key) throws Exception {
        HttpGet get = new HttpGet("https://api.au.whispir.com/messages?apikey=" + key);
        get.setHeader("Accept", "application/json");
        return client.execute(get, handler);
    }
}
"#;
        assert_eq!(
            safe("A.java", src),
            r#"class A {
    String get(String key) throws Exception {
        HttpGet get = new HttpGet("https://api.au.whispir.com/messages");
        get.setHeader("x-api-key", key);
        get.setHeader("Accept", "application/json");
        return client.execute(get, handler);
    }
}
"#
        );
        let src = "class A {\n    int status() throws IOException {\n        final HttpURLConnection conn = (HttpURLConnection) new URL(BASE + \"/messages?apikey=\" + apiKey).openConnection(); // legacy\n        return conn.getResponseCode();\n    }\n}\n";
        assert_eq!(
            safe(
                "A.java",
                &src.replace("BASE", "\"https://api.au.whispir.com\"")
            ),
            "class A {\n    int status() throws IOException {\n        final HttpURLConnection conn = (HttpURLConnection) new URL(\"https://api.au.whispir.com\" + \"/messages\").openConnection(); // legacy\n        conn.setRequestProperty(\"x-api-key\", apiKey);\n        return conn.getResponseCode();\n    }\n}\n"
        );
    }

    #[test]
    fn a_url_local_opened_once_gives_its_connection_the_header() {
        let src = "class A {\n    InputStream f(String id, String key) throws IOException {\n        URL url = new URL(\"https://api.au.whispir.com/m/\" + id + \"?apikey=\" + key);\n        HttpURLConnection conn = (HttpURLConnection) url.openConnection();\n        return conn.getInputStream();\n    }\n}\n";
        assert_eq!(
            safe("A.java", src),
            "class A {\n    InputStream f(String id, String key) throws IOException {\n        URL url = new URL(\"https://api.au.whispir.com/m/\" + id);\n        HttpURLConnection conn = (HttpURLConnection) url.openConnection();\n        conn.setRequestProperty(\"x-api-key\", key);\n        return conn.getInputStream();\n    }\n}\n"
        );
        // Read again (a log line, a second connection): not this request's alone.
        let twice = src.replace(
            "        return conn",
            "        log(url);\n        return conn",
        );
        assert!(manual("A.java", &twice).contains("`url` is read more than once"));
        // Opened in an expression with no declaration to add to.
        manual(
            "A.java",
            "class A {\n    int f(String key) throws IOException {\n        URL url = new URL(\"https://api.au.whispir.com/m?apikey=\" + key);\n        return ((HttpURLConnection) url.openConnection()).getResponseCode();\n    }\n}\n",
        );
    }

    #[test]
    fn a_url_local_read_by_several_requests_gives_each_the_header_unsafely() {
        let src = "class A {\n    Response retry(String key) throws IOException {\n        String url = \"https://api.au.whispir.com/m?apikey=\" + key;\n        Response first = okHttp.newCall(new Request.Builder().url(url).build()).execute();\n        return first.isSuccessful() ? first : okHttp.newCall(new Request.Builder().url(url).build()).execute();\n    }\n}\n";
        let (out, applicability) = fix("A.java", src).expect("fixable");
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert_eq!(
            out,
            src.replace("?apikey=\" + key", "\"").replace(
                ".url(url).build()",
                ".url(url).header(\"x-api-key\", key).build()"
            )
        );
        // A read that is no request (a log line): all or nothing, so nothing.
        let logged = src.replace(
            "        return first",
            "        log(url);\n        return first",
        );
        let reason = manual("A.java", &logged);
        assert!(
            reason.contains("`url` is read 3 times")
                && reason.contains("the one on line 5 is not (`log(…)`"),
            "{reason}"
        );
    }

    #[test]
    fn raw_http_lines_in_a_list_get_a_header_line_unsafely() {
        let src = "fun raw(): String = listOf(\n    \"POST https://api.au.whispir.com/messages?apikey=<YOUR API KEY>\",\n    \"Content-Type: application/json\",\n).joinToString(\"\\n\")\n";
        let (out, applicability) = fix("A.kt", src).expect("fixable");
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert_eq!(
            out,
            "fun raw(): String = listOf(\n    \"POST https://api.au.whispir.com/messages\",\n    \"x-api-key: <YOUR API KEY>\",\n    \"Content-Type: application/json\",\n).joinToString(\"\\n\")\n"
        );
        // A header line that already says it: only the parameter goes.
        let sent = src.replace(
            "\"Content-Type",
            "\"X-Api-Key: <YOUR API KEY>\",\n    \"Content-Type",
        );
        let (out, _) = fix("A.kt", &sent).expect("fixable");
        assert_eq!(out.matches("<YOUR API KEY>").count(), 1, "{out}");
        // Not a request line: any other list of strings.
        manual(
            "A.kt",
            "val urls = listOf(\n    \"https://api.au.whispir.com/messages?apikey=<YOUR API KEY>\",\n)\n",
        );
    }

    #[test]
    fn a_key_appended_to_a_string_builder_moves_to_the_connection_that_sends_it() {
        let head = "// Whispir\nclass A {\n    int f(int n, String key) throws IOException {\n        StringBuilder sb = new StringBuilder(\"https://api.au.whispir.com/m\");\n        sb.append(\"?first=\").append(n);\n";
        let tail = "    }\n\n    private HttpURLConnection open(String url) throws IOException {\n        return (HttpURLConnection) new URL(url).openConnection();\n    }\n}\n";
        let src = format!(
            "{head}        sb.append(\"&apikey=\").append(key); // old\n        return open(sb.toString()).getResponseCode();\n{tail}"
        );
        let (out, a) = fix("A.java", &src).unwrap();
        assert_eq!(a, crate::diagnostic::Applicability::Unsafe);
        assert_eq!(
            out,
            format!(
                "{head}        HttpURLConnection conn = open(sb.toString());\n        conn.setRequestProperty(\"x-api-key\", key);\n        return conn.getResponseCode();\n{tail}"
            )
        );
        // Links of a longer chain: only the parameter's two go.
        let chained = src.replace(
            "        sb.append(\"?first=\").append(n);\n        sb.append(\"&apikey=\").append(key); // old\n",
            "        sb.append(\"?first=\").append(n).append(\"&apikey=\").append(key).append(\"&x=1\");\n",
        );
        assert!(
            fix("A.java", &chained)
                .unwrap()
                .0
                .contains("        sb.append(\"?first=\").append(n).append(\"&x=1\");\n        HttpURLConnection conn = open(sb.toString());\n"),
            "{chained}"
        );
        // The builder read twice, appended to after the read, reassigned, or the key opening
        // the query: manual.
        for (from, to) in [
            (
                "        return open",
                "        log(sb.toString());\n        return open",
            ),
            (
                "        return open(sb.toString()).getResponseCode();\n",
                "        int code = open(sb.toString()).getResponseCode();\n        sb.append(\"/x\");\n        return code;\n",
            ),
            (
                "        return open",
                "        sb = new StringBuilder();\n        return open",
            ),
            (
                "sb.append(\"?first=\").append(n);\n        sb.append(\"&apikey=\")",
                "sb.append(\"?apikey=\")",
            ),
        ] {
            let changed = src.replace(from, to);
            assert_ne!(changed, src);
            manual("A.java", &changed);
        }
    }

    #[test]
    fn a_connection_opened_by_a_helper_of_the_file_gets_a_local_and_the_header_unsafely() {
        let src = "class A {\n    int status(String key) throws IOException {\n        return open(\"https://api.au.whispir.com/m?apikey=\" + key).getResponseCode();\n    }\n\n    private HttpURLConnection open(String url) throws IOException {\n        return (HttpURLConnection) new URL(url).openConnection();\n    }\n}\n";
        let (out, applicability) = fix("A.java", src).expect("fixable");
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert!(
            out.contains("        HttpURLConnection conn = open(\"https://api.au.whispir.com/m\");\n        conn.setRequestProperty(\"x-api-key\", key);\n        return conn.getResponseCode();\n"),
            "{out}"
        );
        // Inside a larger expression: no statement of its own to split.
        let nested = src.replace(
            "return open(\"https://api.au.whispir.com/m?apikey=\" + key).getResponseCode();",
            "return check(open(\"https://api.au.whispir.com/m?apikey=\" + key).getResponseCode());",
        );
        assert!(manual("A.java", &nested).contains("larger expression"));
    }

    #[test]
    fn a_query_builder_whose_url_is_returned_names_the_callers() {
        let reason = manual(
            "A.java",
            "class A {\n    URI uri(String key) throws URISyntaxException {\n        return new URIBuilder(\"https://api.au.whispir.com/contacts\")\n                .addParameter(\"apikey\", key)\n                .build();\n    }\n}\n",
        );
        assert_eq!(
            reason,
            "delete `.addParameter(\"apikey\", key)` here, and send `x-api-key: key` as a header in the requests the callers of `uri(…)` make with the URL it returns, in the same change (not automatic: the URL is returned; the request is made elsewhere)"
        );
    }

    #[test]
    fn request_objects_that_already_send_the_header_or_are_not_declared_stay_put() {
        let src = "class A {\n    void f() {\n        HttpPost post = new HttpPost(\"https://api.au.whispir.com/m?apikey=\" + k);\n        post.setHeader(\"X-Api-Key\", k);\n    }\n}\n";
        let (out, _) = fix("A.java", src).expect("fixable");
        assert!(
            !out.contains("apikey=")
                && out.matches("X-Api-Key").count() == 1
                && !out.contains("\"x-api-key\""),
            "{out}"
        );
        let reason = manual(
            "A.java",
            "class A {\n    int f() throws IOException {\n        return ((HttpURLConnection) new URL(\"https://api.au.whispir.com/m?apikey=\" + k).openConnection()).getResponseCode();\n    }\n}\n",
        );
        assert!(reason.contains("not declared"), "{reason}");
    }

    #[test]
    fn java_strings_interpolate_nothing() {
        // `${key}` in a Java string is text (Java has no templates): the header sends it.
        let out = safe(
            "A.java",
            "class A {\n    Request a(String key) {\n        return new Request.Builder()\n            .url(\"https://api.au.whispir.com/m?apikey=${key}\")\n            .build();\n    }\n}\n",
        );
        assert!(out.contains(".header(\"x-api-key\", \"${key}\")"), "{out}");
        // `{apiKey}` given straight to a call that takes no URI template is text too, in Java
        // and in Kotlin: no variable `apiKey` exists.
        let java = safe(
            "A.java",
            "class A {\n    Request a(String k) {\n        return new Request.Builder()\n            .url(\"https://api.au.whispir.com/m?apikey={apiKey}\")\n            .build();\n    }\n}\n",
        );
        assert!(
            java.contains(".header(\"x-api-key\", \"{apiKey}\")"),
            "{java}"
        );
        // Kotlin reads `$key` in both string kinds, and `\$key` is its text.
        let kotlin = |url: &str| {
            safe(
                "a.kt",
                &format!(
                    "fun a(key: String): Request = Request.Builder()\n    .url({url})\n    .build()\n"
                ),
            )
        };
        assert!(
            kotlin("\"\"\"https://api.au.whispir.com/m?apikey=$key\"\"\"")
                .contains(".header(\"x-api-key\", key)")
        );
        assert!(
            kotlin("\"https://api.au.whispir.com/m?apikey=\\$key\"")
                .contains(".header(\"x-api-key\", \"\\$key\")")
        );
        // In a raw string the backslash is text and `$key` still reads the variable.
        let raw = "fun a(key: String): Request = Request.Builder()\n    .url(\"\"\"https://api.au.whispir.com/m?apikey=\\$key\"\"\")\n    .build()\n";
        assert!(manual("a.kt", raw).contains("backslash"));
        assert!(
            kotlin("\"https://api.au.whispir.com/m?apikey={apiKey}\"")
                .contains(".header(\"x-api-key\", \"{apiKey}\")")
        );
        // Held in a local first and read only by calls that take no URI template (OkHttp,
        // java.net.http): still text, in both languages.
        let java = safe(
            "A.java",
            "class A {\n    Request a(String k) {\n        String url = \"https://api.au.whispir.com/m?apikey={apiKey}\";\n        return new Request.Builder().url(url).build();\n    }\n}\n",
        );
        assert!(
            java.contains(".url(url).header(\"x-api-key\", \"{apiKey}\")"),
            "{java}"
        );
        let kotlin = safe(
            "a.kt",
            "fun a(k: String): HttpRequest {\n    val url = \"https://api.au.whispir.com/m?apikey={apiKey}\"\n    return HttpRequest.newBuilder(URI.create(url)).build()\n}\n",
        );
        assert!(
            kotlin.contains(".header(\"x-api-key\", \"{apiKey}\")"),
            "{kotlin}"
        );
    }
}
