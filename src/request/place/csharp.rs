//! C#: `HttpRequestMessage` held in a variable, and `HttpClient` shortcuts (`GetAsync`,
//! `PostAsync`, …) turned into `SendAsync` with a request message that carries the header.

use super::cursor::*;
use super::{Placement, Request};
use crate::diagnostic::{Applicability, Edit};
use crate::lang::tokens::{
    arguments, matching_close, next_significant, prev_significant, token_at,
};
use crate::lang::{TokKind, Token};

/// C#: `var request = new HttpRequestMessage(method, URL);` gets
/// `request.Headers.Add("x-api-key", k);` on the next line.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = match opening(req, false)? {
        Ok(lit) => lit,
        Err(sent) => return Ok(sent),
    };
    let (name, open, idx) = url_argument(req, lit, |callee, receiver| {
        matches!(
            (callee, receiver),
            ("Uri", None) | ("Format", Some("String" | "string"))
        )
    })?;
    let callee = text_of(src, &tokens[name]);
    let args = arguments(src, tokens, open);
    if let Some(method) = client_shortcut(&callee) {
        return send_async(req, name, open, idx, method);
    }
    let reader = content_reader(&callee);
    if callee.ends_with("Async")
        && let Some(client) = receiver_of(src, tokens, name)
        && let Some(local) = local_construction(
            req,
            client.as_bytes(),
            logical_statement(req, name).0,
            b"HttpClient",
        )
    {
        let block = req.openers().of(local.var);
        let end = block
            .and_then(|o| matching_close(src, tokens, o))
            .unwrap_or(tokens.len());
        let shared = default_request_headers(
            req,
            (local.var, local.first, local.last),
            local.var + 1..end,
        )?;
        return Ok(own_request_if_shared(
            req,
            shared,
            (name, open, idx),
            reader,
        ));
    }
    if callee.ends_with("Async")
        && let Some(client) = receiver_of(src, tokens, name)
        && let Some((var, brace)) = using_client(req, client.as_bytes(), name)
    {
        // `using (var client = new HttpClient()) {`: the block's first line.
        let first = next_significant(tokens, brace)
            .filter(|&f| first_on_line(src, tokens[f].start()))
            .filter(|_| ends_line(src, tokens, brace))
            .ok_or("the using block does not start on a line of its own")?;
        let close = matching_close(src, tokens, brace).ok_or("unbalanced block")?;
        let shared = default_request_headers(req, (var, first, brace), brace..close)?;
        return Ok(own_request_if_shared(
            req,
            shared,
            (name, open, idx),
            reader,
        ));
    }
    if let Some(reader) = reader {
        return send_and_read(req, name, open, idx, reader);
    }
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
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let mut end = close;
    if let Some(init) = next_significant(tokens, close).filter(|&b| tokens[b].is_punct(src, "{")) {
        // An object initializer: `new HttpRequestMessage(…) { Content = … };`
        end = matching_close(src, tokens, init).ok_or("unbalanced initializer")?;
    }
    let set_header = |var: &str, key: &str| format!("{var}.Headers.Add(\"x-api-key\", {key});");
    if let Some((var, brace)) = using_block(req, new_tok, end) {
        // `using (var request = new HttpRequestMessage(…)) {`: the block's first line.
        let first = next_significant(tokens, brace)
            .filter(|&f| !tokens[f].is_punct(src, "}") && first_on_line(src, tokens[f].start()))
            .filter(|_| ends_line(src, tokens, brace))
            .ok_or("the using block does not start on a line of its own")?;
        return header_statement_after(
            req,
            (var, first, brace),
            b"",
            &req.key.as_code('"'),
            set_header,
        );
    }
    let Declaration {
        ty,
        var,
        first,
        semi: after,
    } = declaration(req, (new_tok, end, name), &[b"using"])?;
    if typed && tokens[ty].text(src) != b"HttpRequestMessage" {
        return Err("the request is not declared in this statement".into());
    }
    header_statement_after(
        req,
        (var, first, after),
        b"",
        &req.key.as_code('"'),
        set_header,
    )
}

/// `using (Type var = <request from new_tok to end>) {`: the variable and the `{`.
fn using_block(req: &Request, new_tok: usize, end: usize) -> Option<(usize, usize)> {
    let (src, tokens) = (req.src, req.tokens);
    let eq = prev_significant(tokens, new_tok).filter(|&q| tokens[q].is_punct(src, "="))?;
    let var = prev_significant(tokens, eq).filter(|&v| tokens[v].kind == TokKind::Ident)?;
    let ty = prev_significant(tokens, var).filter(|&t| tokens[t].kind == TokKind::Ident)?;
    let open = prev_significant(tokens, ty).filter(|&o| tokens[o].is_punct(src, "("))?;
    prev_significant(tokens, open).filter(|&u| tokens[u].text(src) == b"using")?;
    let close =
        next_significant(tokens, end).filter(|&c| matching_close(src, tokens, open) == Some(c))?;
    let brace = next_significant(tokens, close).filter(|&b| tokens[b].is_punct(src, "{"))?;
    Some((var, brace))
}

/// `using (var client = new HttpClient(…)) {` around token `at`: the variable and the `{`.
fn using_client(req: &Request, name: &[u8], at: usize) -> Option<(usize, usize)> {
    let (src, tokens) = (req.src, req.tokens);
    let brace = req
        .openers()
        .of(at)
        .filter(|&b| tokens[b].is_punct(src, "{"))?;
    let close = prev_significant(tokens, brace).filter(|&c| tokens[c].is_punct(src, ")"))?;
    let open = req.openers().of(close)?;
    prev_significant(tokens, open).filter(|&u| tokens[u].text(src) == b"using")?;
    let ty = next_significant(tokens, open).filter(|&t| tokens[t].kind == TokKind::Ident)?;
    let var = next_significant(tokens, ty)
        .filter(|&v| tokens[v].kind == TokKind::Ident && tokens[v].text(src) == name)?;
    let eq = next_significant(tokens, var).filter(|&q| tokens[q].is_punct(src, "="))?;
    let ctor = next_significant(tokens, eq).and_then(|i| constructed(req, i, b"HttpClient"))?;
    (next_significant(tokens, matching_close(src, tokens, ctor)?) == Some(close))
        .then_some((var, brace))
}

/// A client created in the block (`var client = new HttpClient();`, `using var client = …`,
/// `using (var client = …) {`) sends its `DefaultRequestHeaders` with every request: the key
/// goes there, on the line after `after`. Safe when, in `scope`, the client sends only this
/// request and is read nowhere but in member calls.
fn default_request_headers(
    req: &Request,
    (var, first, after): (usize, usize, usize),
    scope: std::ops::Range<usize>,
) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let mut placement = header_statement_after(
        req,
        (var, first, after),
        b"",
        &req.key.as_code('"'),
        |var, key| format!("{var}.DefaultRequestHeaders.Add(\"x-api-key\", {key});"),
    )?;
    if !placement.edits.is_empty() {
        placement.how = format!(
            "add `{}.DefaultRequestHeaders.Add(\"x-api-key\", …)` after the client is created",
            text_of(src, &tokens[var])
        );
    }
    let name = tokens[var].text(src);
    let reads: Vec<usize> = scope
        .filter(|&j| tokens[j].kind == TokKind::Ident && tokens[j].text(src) == name)
        .collect();
    let member = |j: usize| next_significant(tokens, j).filter(|&d| tokens[d].is_punct(src, "."));
    // Requests the client sends: `client.…Async(…)`.
    let sends = reads
        .iter()
        .filter_map(|&j| member(j))
        .filter_map(|d| next_significant(tokens, d))
        .filter(|&m| tokens[m].text(src).ends_with(b"Async"))
        .count();
    let passed_on = reads
        .iter()
        .any(|&j| member(j).is_none() && !is_method(src, tokens, j));
    if sends != 1 || passed_on {
        placement.applicability = Applicability::Unsafe;
    }
    Ok(placement)
}

/// A client that sends other requests too would send them the key: a request message of its
/// own keeps it to this one, where the call reads a body the message can read the same way.
fn own_request_if_shared(
    req: &Request,
    shared: Placement,
    (name, open, idx): (usize, usize, usize),
    reader: Option<&'static str>,
) -> Placement {
    if shared.applicability == Applicability::Unsafe
        && let Some(reader) = reader
        && let Ok(own) = send_and_read(req, name, open, idx, reader)
    {
        return own;
    }
    shared
}

/// `HttpClient` methods that build a request from a URL (and content): the HTTP method each
/// sends, and whether its second argument is the content.
fn client_shortcut(callee: &str) -> Option<(&'static str, bool)> {
    Some(match callee {
        "GetAsync" => ("Get", false),
        "DeleteAsync" => ("Delete", false),
        "PostAsync" => ("Post", true),
        "PutAsync" => ("Put", true),
        "PatchAsync" => ("Patch", true),
        _ => return None,
    })
}

/// `HttpClient` methods that send a GET and read the response body: the `HttpContent` method
/// that reads it the same way.
fn content_reader(callee: &str) -> Option<&'static str> {
    Some(match callee {
        "GetStringAsync" => "ReadAsStringAsync",
        "GetByteArrayAsync" => "ReadAsByteArrayAsync",
        "GetStreamAsync" => "ReadAsStreamAsync",
        _ => return None,
    })
}

/// `client.GetStringAsync(URL)` sends a request message carrying the header and reads the body
/// as the shortcut did (a failure status throws):
/// `(await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, URL) { Headers = … })).EnsureSuccessStatusCode().Content.ReadAsStringAsync()`
/// under an `await`, else the same through `.ContinueWith(…).Unwrap()` to stay a
/// `Task<string>`. Unsafe: the response is no longer disposed by the client, and without an
/// `await` failures arrive wrapped in an `AggregateException`.
fn send_and_read(
    req: &Request,
    name: usize,
    open: usize,
    idx: usize,
    reader: &str,
) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let callee = text_of(src, &tokens[name]);
    let key = req.key.as_code('"');
    let manual = |why: String| {
        Err(format!(
            "{why}; send an HttpRequestMessage with `request.Headers.Add(\"x-api-key\", {key})`"
        ))
    };
    let Some(client) = receiver_of(src, tokens, name) else {
        return manual(format!("`{callee}(…)` is not called on a client variable"));
    };
    if !declared_http_client(req, client.as_bytes()) {
        return manual(not_a_client(src, tokens, &client));
    }
    let args = arguments(src, tokens, open);
    if idx != 0 || args.len() != 1 {
        return manual(format!("`{callee}(…)` takes more than the URL"));
    }
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let start = callee_start(src, tokens, name);
    let awaited = prev_significant(tokens, start).is_some_and(|a| tokens[a].text(src) == b"await");
    // `.ConfigureAwait(false)` after the call applies to the request's own await too.
    let configure = next_significant(tokens, close)
        .filter(|&d| tokens[d].is_punct(src, "."))
        .and_then(|d| next_significant(tokens, d))
        .filter(|&c| tokens[c].text(src) == b"ConfigureAwait")
        .and_then(|c| next_significant(tokens, c))
        .filter(|&o| tokens[o].is_punct(src, "("))
        .and_then(|o| matching_close(src, tokens, o))
        .map(|c| String::from_utf8_lossy(&src[tokens[close].end()..tokens[c].end()]).into_owned())
        .filter(|_| awaited)
        .unwrap_or_default();
    let read = format!(".EnsureSuccessStatusCode().Content.{reader}()");
    let mut edits = vec![
        Edit::replace(tokens[name].span(), "SendAsync"),
        Edit::insert(args[0].start, "new HttpRequestMessage(HttpMethod.Get, "),
        Edit::insert(
            args[0].end,
            format!(") {{ Headers = {{ {{ \"x-api-key\", {key} }} }} }}"),
        ),
    ];
    if awaited {
        edits.push(Edit::insert(tokens[start].start(), "(await "));
        edits.push(Edit::insert(
            tokens[close].end(),
            format!("{configure}){read}"),
        ));
    } else {
        // `Unwrap` is an extension method of System.Threading.Tasks.
        if !uses_tasks(req) {
            return manual(format!(
                "`{callee}(…)` is not awaited and the file does not use System.Threading.Tasks"
            ));
        }
        let named = |n: &str| !req.layout().uses(src, tokens, n.as_bytes()).is_empty();
        let Some(sent) = ["sent", "sentRequest"].into_iter().find(|n| !named(n)) else {
            return manual("no free name for the continuation's parameter".into());
        };
        edits.push(Edit::insert(
            tokens[close].end(),
            format!(".ContinueWith({sent} => {sent}.Result{read}).Unwrap()"),
        ));
    }
    Ok(Placement {
        edits,
        applicability: Applicability::Unsafe,
        sends: None,
        how: format!(
            "send it with `SendAsync` and a request message carrying `x-api-key`, and read the body as `{callee}` did"
        ),
    })
}

/// Why `client`'s shortcut is not rewritten to `SendAsync`: the type the file declares it
/// with (`IWhispirApi _api;`), which may have no `SendAsync`, or that it declares none.
fn not_a_client(src: &[u8], tokens: &[Token], client: &str) -> String {
    let declared = (1..tokens.len()).find_map(|j| {
        let ty = prev_significant(tokens, j)?;
        let after = next_significant(tokens, j)?;
        (tokens[j].text(src) == client.as_bytes()
            && tokens[ty].kind == TokKind::Ident
            && !matches!(tokens[ty].text(src), b"return" | b"new" | b"await" | b"var")
            && matches!(tokens[after].text(src), b";" | b"=" | b"," | b")"))
        .then(|| text_of(src, &tokens[ty]))
    });
    match declared {
        Some(ty) => format!(
            "`{client}` is declared as `{ty}`, not as an HttpClient, and may have no `SendAsync`"
        ),
        None => format!("`{client}` is not declared as an HttpClient in this file"),
    }
}

/// Whether the file says `using System.Threading.Tasks;`: looked up once per file, not once
/// per request.
fn uses_tasks(req: &Request) -> bool {
    /// What the placer reads once per C# file.
    struct CsFile {
        uses_tasks: bool,
    }
    let src = req.src;
    req.layout()
        .placer_index(|| CsFile {
            uses_tasks: memchr::memmem::find(src, b"using System.Threading.Tasks;").is_some(),
        })
        .is_some_and(|f| f.uses_tasks)
}

/// Whether the file declares `name` as an `HttpClient` (a field, parameter or local:
/// `HttpClient name`, or `name = new HttpClient(…)`): only then is `SendAsync` the same
/// client's method.
fn declared_http_client(req: &Request, name: &[u8]) -> bool {
    let (src, tokens) = (req.src, req.tokens);
    let text = |k: usize| tokens.get(k).map(|t| t.text(src));
    // From the name's own uses: a file of many requests is not scanned once per request.
    let uses = req.layout().uses(src, tokens, name).iter();
    uses.map(|&k| k as usize).any(|k| {
        (k > 0
            && tokens[k - 1].kind == TokKind::Ident
            && text(k - 1) == Some(b"HttpClient".as_slice()))
            || (tokens.get(k + 1).is_some_and(|t| t.is_punct(src, "="))
                && text(k + 2) == Some(b"new".as_slice())
                && text(k + 3) == Some(b"HttpClient".as_slice()))
    })
}

/// `client.GetAsync(URL, …)` becomes
/// `client.SendAsync(new HttpRequestMessage(HttpMethod.Get, URL) { Headers = { { "x-api-key", k } } }, …)`,
/// and `client.PostAsync(URL, content, …)` the same with `Content = content` in the
/// initializer: what the shortcut sends, plus the header. The remaining arguments
/// (completion option, cancellation token) are `SendAsync`'s too.
fn send_async(
    req: &Request,
    name: usize,
    open: usize,
    idx: usize,
    (method, with_content): (&str, bool),
) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let callee = text_of(src, &tokens[name]);
    let manual = |why: &str| {
        Err(format!(
            "{why}; send an HttpRequestMessage with `request.Headers.Add(\"x-api-key\", {})`",
            req.key.as_code('"')
        ))
    };
    let Some(client) = receiver_of(src, tokens, name) else {
        return manual(&format!("`{callee}(…)` is not called on a client variable"));
    };
    if !declared_http_client(req, client.as_bytes()) {
        return manual(&not_a_client(src, tokens, &client));
    }
    let args = arguments(src, tokens, open);
    if idx != 0 || (with_content && args.len() < 2) {
        return manual(&format!(
            "the URL is not the first argument of `{callee}(…)`"
        ));
    }
    let header = format!(
        "Headers = {{ {{ \"x-api-key\", {} }} }}",
        req.key.as_code('"')
    );
    let start = Edit::insert(
        args[0].start,
        format!("new HttpRequestMessage(HttpMethod.{method}, "),
    );
    let mut edits = vec![Edit::replace(tokens[name].span(), "SendAsync"), start];
    if with_content {
        // The comma between URL and content closes the constructor instead; whatever
        // follows it (a comment, a line break) stays.
        let comma = token_at(tokens, args[0].end - 1)
            .and_then(|last| next_significant(tokens, last))
            .filter(|&c| tokens[c].is_punct(src, ","))
            .ok_or("no comma after the URL")?;
        edits.push(Edit::replace(tokens[comma].span(), ") { Content ="));
        edits.push(Edit::insert(args[1].end, format!(", {header} }}")));
    } else {
        edits.push(Edit::insert(args[0].end, format!(") {{ {header} }}")));
    }
    Ok(Placement {
        edits,
        applicability: Applicability::Safe,
        sends: None,
        how: format!(
            "send it with `SendAsync` and a request message carrying `x-api-key` instead of `{callee}`"
        ),
    })
}

/// The edit that takes a query-string authentication handler out of an `HttpClient`'s handler
/// chain, or why it cannot go.
pub(crate) struct HandlerRemoval {
    pub edit: Edit,
    pub applicability: Applicability,
    pub how: String,
}

/// `Name = "apikey"` (token `name`) configuring a query-string authentication handler in an
/// `HttpClient`'s handler chain, written as one expression:
/// `new QueryStringApiKeyHandler(new ApiKeyOptions { Name = "apikey", Value = k }) { InnerHandler = X }`
/// or `new QueryKeyHandler { Name = "apikey", Value = k, InnerHandler = X }`. When another handler
/// of the same chain already sends `x-api-key` (a transitional client), this one is replaced
/// by `X`: safe when that handler's `Value` is the same expression as `value`, unsafe
/// otherwise. `Err` says why the configuration stays (the reason of a manual finding).
pub(crate) fn query_handler_removal(
    src: &[u8],
    tokens: &[Token],
    name: usize,
    value: &str,
) -> Result<HandlerRemoval, String> {
    let init = crate::lang::tokens::enclosing_open(src, tokens, name)
        .filter(|&o| tokens[o].is_punct(src, "{"))
        .ok_or("the options are not an initializer")?;
    let before = prev_significant(tokens, init).ok_or("the options are not an initializer")?;
    if tokens[before].is_punct(src, "=>") {
        return Err("the options are registered for dependency injection (`Configure<…>`); the handler that reads them is added elsewhere".into());
    }
    // The handler: the options' own type (`new QueryKeyHandler { … }`), or the constructor
    // that takes `new ApiKeyOptions { … }` as its argument.
    let created = |ty: usize| {
        prev_significant(tokens, ty)
            .filter(|&n| tokens[n].text(src) == b"new" && tokens[ty].kind == TokKind::Ident)
    };
    let options_new = if tokens[before].is_punct(src, ")") {
        let open = crate::lang::tokens::matching_open(src, tokens, before);
        open.and_then(|o| prev_significant(tokens, o))
            .and_then(created)
    } else {
        created(before)
    }
    .ok_or("the options are not created in place")?;
    // A handler configured in its own initializer has its `InnerHandler` there too.
    let own = initializer_member(src, tokens, init, b"InnerHandler").is_some();
    let (handler_new, handler_init) =
        match crate::lang::tokens::enclosing_open(src, tokens, options_new)
            .filter(|&o| tokens[o].is_punct(src, "(") && !own)
        {
            Some(open) => {
                let ty = prev_significant(tokens, open).ok_or("no handler")?;
                let new =
                    created(ty).ok_or("the options are not given to a handler created here")?;
                if arguments(src, tokens, open).len() != 1 {
                    return Err("the handler takes more than its options".into());
                }
                let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
                let init = next_significant(tokens, close)
                    .filter(|&b| tokens[b].is_punct(src, "{"))
                    .ok_or("the handler has no `InnerHandler` in this expression")?;
                (new, init)
            }
            None => (options_new, init),
        };
    let handler_end = matching_close(src, tokens, handler_init).ok_or("unbalanced initializer")?;
    let inner = initializer_member(src, tokens, handler_init, b"InnerHandler")
        .ok_or("the handler has no `InnerHandler` in this expression")?;
    // Out along the chain (`InnerHandler = <this>` of an outer handler) to `new HttpClient(…)`.
    let mut outer = (handler_new, handler_end);
    loop {
        let open = crate::lang::tokens::enclosing_open(src, tokens, outer.0).ok_or("no client")?;
        let close = matching_close(src, tokens, open).ok_or("unbalanced")?;
        let ty = prev_significant(tokens, open);
        if tokens[open].is_punct(src, "(")
            && ty.is_some_and(|t| tokens[t].text(src) == b"HttpClient")
        {
            outer = (ty.and_then(created).unwrap_or(open), close);
            break;
        }
        let is_inner = tokens[open].is_punct(src, "{")
            && initializer_member(src, tokens, open, b"InnerHandler")
                .is_some_and(|r| r.start == tokens[outer.0].start());
        if !is_inner {
            return Err(
                "the handler is not part of an `HttpClient`'s handler chain written here".into(),
            );
        }
        outer = (open, close);
    }
    // Another handler of the chain configured with `Name = "x-api-key"`: its `Value`.
    let sent = (outer.0..outer.1)
        .filter(|&j| {
            !(handler_new..=handler_end).contains(&j) || inner.contains(&tokens[j].start())
        })
        .filter(|&j| {
            tokens[j].kind == TokKind::Str
                && tokens[j].content_text(src).eq_ignore_ascii_case(b"x-api-key")
                && prev_significant(tokens, j)
                    .filter(|&e| tokens[e].is_punct(src, "="))
                    .and_then(|e| prev_significant(tokens, e))
                    .is_some_and(|n| tokens[n].text(src) == b"Name")
        })
        .find_map(|j| {
            let open = crate::lang::tokens::enclosing_open(src, tokens, j)?;
            initializer_member(src, tokens, open, b"Value")
        })
        .ok_or("no other handler of this client sends the key as an `x-api-key` header yet, so this one cannot simply go")?;
    let same = src[sent].trim_ascii() == value.as_bytes();
    let whole = tokens[handler_new].start()..tokens[handler_end].end();
    // The handler's own text goes; a comment in it would go with it.
    let commented = tokens[handler_new..handler_end]
        .iter()
        .any(|t| t.kind == TokKind::Comment && !(inner.start <= t.start() && t.end() <= inner.end));
    if commented {
        return Err(
            "a comment sits in the handler's configuration; take the handler out by hand".into(),
        );
    }
    let inner_text = String::from_utf8_lossy(&src[inner]).into_owned();
    Ok(HandlerRemoval {
        edit: Edit::replace(whole, inner_text),
        applicability: if same {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        },
        how: "the query-string handler leaves the client's chain: another handler of the chain \
              already sends `x-api-key`"
            .into(),
    })
}

/// The value of member `member` (`InnerHandler = …`) of the object initializer at `open`.
fn initializer_member(
    src: &[u8],
    tokens: &[Token],
    open: usize,
    member: &[u8],
) -> Option<std::ops::Range<usize>> {
    let (_, inside) = top_level(src, tokens, open)?;
    let at = inside.into_iter().find(|&j| {
        tokens[j].text(src) == member
            && next_significant(tokens, j).is_some_and(|e| tokens[e].is_punct(src, "="))
    })?;
    let first = next_significant(tokens, next_significant(tokens, at)?)?;
    let close = matching_close(src, tokens, open)?;
    let mut depth = 0usize;
    let mut last = first;
    for (j, t) in tokens.iter().enumerate().take(close).skip(first) {
        match t.text(src) {
            b"(" | b"[" | b"{" => depth += 1,
            b")" | b"]" | b"}" => depth = depth.saturating_sub(1),
            b"," | b";" if depth == 0 => break,
            _ => {}
        }
        if !matches!(t.kind, TokKind::Comment | TokKind::Newline) {
            last = j;
        }
    }
    Some(tokens[first].start()..tokens[last].end())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};

    #[test]
    fn a_url_a_private_method_returns_moves_its_key_to_every_request_its_callers_send() {
        // An expression body, a parameter key: a shortcut and a request message.
        let src = "class C\n{\n    private readonly HttpClient _http;\n    private static string Url(string id, string key) => $\"https://api.au.whispir.com/m/{id}?apikey={key}\";\n\n    async Task A(string k)\n    {\n        var r = await _http.GetAsync(Url(\"1\", k));\n    }\n\n    async Task B(string k2)\n    {\n        var request = new HttpRequestMessage(HttpMethod.Delete, Url(\"2\", k2));\n        await _http.SendAsync(request);\n    }\n}\n";
        let (out, applicability) = fix("C.cs", src).unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert!(
            out.contains("=> $\"https://api.au.whispir.com/m/{id}\";")
                && out.contains("new HttpRequestMessage(HttpMethod.Get, Url(\"1\", k)) { Headers = { { \"x-api-key\", k } } }")
                && out.contains("request.Headers.Add(\"x-api-key\", k2);"),
            "{out}"
        );
        // A block body through a local, a field key, called on `this`.
        let src = "class C\n{\n    private readonly HttpClient _http;\n    private string Url(string p)\n    {\n        var u = \"https://api.au.whispir.com\" + p + \"?apikey=\" + _key;\n        return u;\n    }\n\n    async Task A()\n    {\n        var request = new HttpRequestMessage(HttpMethod.Get, this.Url(\"/a\"));\n        await _http.SendAsync(request);\n    }\n}\n";
        let (out, _) = fix("C.cs", src).unwrap();
        assert!(
            out.contains("var u = \"https://api.au.whispir.com\" + p;")
                && out.contains("request.Headers.Add(\"x-api-key\", _key);"),
            "{out}"
        );
        // No access modifier: a class member is private.
        let (out, _) = fix("C.cs", &src.replace("private string Url", "string Url")).unwrap();
        assert!(
            out.contains("request.Headers.Add(\"x-api-key\", _key);"),
            "{out}"
        );
        for (src, why) in [
            (
                src.replace("private string", "internal string"),
                "is not `private`",
            ),
            (
                src.replace("class C", "interface C")
                    .replace("private string", "string"),
                "is not `private`",
            ),
            (
                src.replace("class C", "partial class C"),
                "is in a `partial` class",
            ),
            (
                src.replace("async Task A()", "async Task A(string _key)"),
                "with its own `_key`",
            ),
            (
                src.replace("this.Url(\"/a\")", "other.Url(\"/a\")"),
                "calls it on another object",
            ),
        ] {
            let reason = manual("C.cs", &src);
            assert!(reason.contains(why), "{why}: {reason}");
        }
    }
    use crate::diagnostic::Applicability;

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
    fn a_client_of_a_using_statement_gets_a_default_header_on_the_blocks_first_line() {
        let src = "class A {\n    async Task<string> M(string key) {\n        using (var client = new HttpClient())\n        {\n            return await client.GetStringAsync(\"https://api.au.whispir.com/m?apikey=\" + key);\n        }\n    }\n}\n";
        assert_eq!(
            safe("A.cs", src),
            "class A {\n    async Task<string> M(string key) {\n        using (var client = new HttpClient())\n        {\n            client.DefaultRequestHeaders.Add(\"x-api-key\", key);\n            return await client.GetStringAsync(\"https://api.au.whispir.com/m\");\n        }\n    }\n}\n"
        );
        // A block whose client sends another request, or is handed on: not this request's
        // alone (its own request message instead, unsafely).
        for other in [
            "            await client.GetStringAsync(\"https://status.example.com\");\n",
            "            Keep(client);\n",
        ] {
            let shared = src.replace(
                "            return await",
                &format!("{other}            return await"),
            );
            let (out, a) = fix("A.cs", &shared).unwrap();
            assert_eq!(a, Applicability::Unsafe, "{out}");
            assert!(!out.contains("DefaultRequestHeaders"), "{out}");
        }
        // The using statement's variable is another client.
        let other = src.replace("using (var client", "using (var unused");
        assert!(!fix("A.cs", &other).is_ok_and(|(out, _)| out.contains("DefaultRequestHeaders")));
    }

    #[test]
    fn csharp_client_created_in_the_method_gets_a_default_header() {
        let src = "class A {\n    async Task<string> M(string key) {\n        var client = new HttpClient();\n        return await client.GetStringAsync(\"https://api.au.whispir.com/messages?apikey=\" + key);\n    }\n}\n";
        assert_eq!(
            safe("A.cs", src),
            "class A {\n    async Task<string> M(string key) {\n        var client = new HttpClient();\n        client.DefaultRequestHeaders.Add(\"x-api-key\", key);\n        return await client.GetStringAsync(\"https://api.au.whispir.com/messages\");\n    }\n}\n"
        );
        // A client that sends another request, or is handed on, shares its default headers.
        let twice = src.replace(
            "        return await",
            "        await client.GetStringAsync(\"https://status.example.com\");\n        return await",
        );
        assert_eq!(fix("A.cs", &twice).unwrap().1, Applicability::Unsafe);
        let handed = src.replace(
            "        return await",
            "        Keep(client);\n        return await",
        );
        assert_eq!(fix("A.cs", &handed).unwrap().1, Applicability::Unsafe);
        // A field: not created here.
        manual(
            "A.cs",
            "class A {\n    HttpClient client = new HttpClient();\n    Task<string> M(string key) {\n        return client.GetStringAsync(\"https://api.au.whispir.com/m?apikey=\" + key);\n    }\n}\n",
        );
    }

    #[test]
    fn csharp_request_in_a_using_block_gets_the_header_as_its_first_line() {
        let src = "class A {\n    Task<HttpResponseMessage> M(string key) {\n        var url = \"https://api.au.whispir.com/events?apikey=\" + key;\n        using (var request = new HttpRequestMessage(HttpMethod.Get, url))\n        {\n            return Http.SendAsync(request);\n        }\n    }\n}\n";
        assert_eq!(
            safe("A.cs", src),
            "class A {\n    Task<HttpResponseMessage> M(string key) {\n        var url = \"https://api.au.whispir.com/events\";\n        using (var request = new HttpRequestMessage(HttpMethod.Get, url))\n        {\n            request.Headers.Add(\"x-api-key\", key);\n            return Http.SendAsync(request);\n        }\n    }\n}\n"
        );
    }

    #[test]
    fn csharp_format_placeholders_after_the_key_are_renumbered() {
        let src = "class A {\n    void M(string ws, string key, int n) {\n        var url = string.Format(\"https://api.au.whispir.com/{0}/m?apikey={1}&limit={2}&page={3:D}\", ws, key, n, 1);\n        var request = new HttpRequestMessage(HttpMethod.Get, url);\n        Send(request);\n    }\n}\n";
        assert_eq!(
            safe("A.cs", src),
            "class A {\n    void M(string ws, string key, int n) {\n        var url = string.Format(\"https://api.au.whispir.com/{0}/m?limit={1}&page={2:D}\", ws, n, 1);\n        var request = new HttpRequestMessage(HttpMethod.Get, url);\n        request.Headers.Add(\"x-api-key\", key);\n        Send(request);\n    }\n}\n"
        );
        // `{1}` used again, or a format string joined from parts: not renumbered.
        manual(
            "A.cs",
            "class A {\n    void M() {\n        var url = string.Format(\"https://api.au.whispir.com/{0}/m?apikey={1}&echo={1}&n={2}\", ws, key, n);\n        var request = new HttpRequestMessage(HttpMethod.Get, url);\n    }\n}\n",
        );
        manual(
            "A.cs",
            "class A {\n    void M() {\n        var url = string.Format(\"https://api.au.whispir.com/{0}/m?apikey={1}\" + \"&n={2}\", ws, key, n);\n        var request = new HttpRequestMessage(HttpMethod.Get, url);\n    }\n}\n",
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

    #[test]
    fn http_client_shortcuts_become_send_async_with_the_header() {
        let src = r#"class A {
    private readonly HttpClient _http;
    Task<HttpResponseMessage> Get() {
        return _http.GetAsync("https://api.au.whispir.com/m?apikey=" + _key);
    }
}
"#;
        assert_eq!(
            safe("A.cs", src),
            r#"class A {
    private readonly HttpClient _http;
    Task<HttpResponseMessage> Get() {
        return _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://api.au.whispir.com/m") { Headers = { { "x-api-key", _key } } });
    }
}
"#
        );
        let src = r#"static async Task Post(string json, CancellationToken ct) {
    using var client = new HttpClient();
    await client.PostAsync($"https://api.au.whispir.com/m?apikey={key}", new StringContent(json), ct);
}
"#;
        assert_eq!(
            safe("A.cs", src),
            r#"static async Task Post(string json, CancellationToken ct) {
    using var client = new HttpClient();
    await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "https://api.au.whispir.com/m") { Content = new StringContent(json), Headers = { { "x-api-key", key } } }, ct);
}
"#
        );
    }

    #[test]
    fn body_reading_shortcuts_send_a_request_message_and_read_the_body_unsafely() {
        // Awaited: the request's own await, `ConfigureAwait` carried to it.
        let src = "using System.Net.Http;\nclass A {\n    private readonly HttpClient _http;\n    async Task<string> M(string key) {\n        return await _http.GetStringAsync(\"https://api.au.whispir.com/m?apikey=\" + key).ConfigureAwait(false);\n    }\n}\n";
        let (out, a) = fix("A.cs", src).expect("fixable");
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "using System.Net.Http;\nclass A {\n    private readonly HttpClient _http;\n    async Task<string> M(string key) {\n        return await (await _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, \"https://api.au.whispir.com/m\") { Headers = { { \"x-api-key\", key } } }).ConfigureAwait(false)).EnsureSuccessStatusCode().Content.ReadAsStringAsync().ConfigureAwait(false);\n    }\n}\n"
        );
        // Not awaited: still a Task of the body.
        let src = "using System.Net.Http;\nusing System.Threading.Tasks;\nclass A {\n    private readonly HttpClient _http;\n    Task<byte[]> M(string key) {\n        return _http.GetByteArrayAsync(\"https://api.au.whispir.com/m?apikey=\" + key);\n    }\n}\n";
        let (out, a) = fix("A.cs", src).expect("fixable");
        assert_eq!(a, Applicability::Unsafe);
        assert!(
            out.contains("return _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, \"https://api.au.whispir.com/m\") { Headers = { { \"x-api-key\", key } } }).ContinueWith(sent => sent.Result.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync()).Unwrap();"),
            "{out}"
        );
        // Without System.Threading.Tasks, `Unwrap` is not in scope.
        let reason = manual("A.cs", &src.replace("using System.Threading.Tasks;\n", ""));
        assert!(reason.contains("System.Threading.Tasks"), "{reason}");
        // A local client that sends another request too: a default header would go there,
        // the request message keeps the key to this one.
        let src = "class A {\n    async Task<string> M(string key) {\n        var client = new HttpClient();\n        var a = await client.GetStringAsync(\"https://api.au.whispir.com/m?apikey=\" + key);\n        return a + await client.GetStringAsync(\"https://status.example.com\");\n    }\n}\n";
        let (out, a) = fix("A.cs", src).expect("fixable");
        assert_eq!(a, Applicability::Unsafe);
        assert!(!out.contains("DefaultRequestHeaders"), "{out}");
        assert!(
            out.contains("var a = await (await client.SendAsync("),
            "{out}"
        );
    }

    #[test]
    fn a_url_local_read_by_two_shortcuts_gives_both_the_header_unsafely() {
        let src = "class A {\n    static readonly HttpClient Shared = new HttpClient();\n    async Task<bool> M(string key) {\n        var url = \"https://api.au.whispir.com/m?apikey=\" + key;\n        var first = await Shared.GetAsync(url);\n        return first.IsSuccessStatusCode || (await Shared.GetAsync(url)).IsSuccessStatusCode;\n    }\n}\n";
        let (out, a) = fix("A.cs", src).expect("fixable");
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out.matches("Shared.SendAsync(new HttpRequestMessage(HttpMethod.Get, url) { Headers = { { \"x-api-key\", key } } })").count(),
            2,
            "{out}"
        );
    }

    #[test]
    fn a_query_string_handler_goes_when_another_handler_of_the_chain_sends_the_header() {
        // issue 9: a transitional client sends the key twice; the query handler goes, its
        // inner handler taking its place. Safe with the same value expression.
        let src = "// Whispir\nvar c = new HttpClient(new HeaderApiKeyHandler(new ApiKeyOptions { Name = \"x-api-key\", Value = key }) { InnerHandler = new QueryStringApiKeyHandler(new ApiKeyOptions { Name = \"apikey\", Value = key }) { InnerHandler = new HttpClientHandler() } });\n";
        assert_eq!(
            safe("A.cs", src),
            "// Whispir\nvar c = new HttpClient(new HeaderApiKeyHandler(new ApiKeyOptions { Name = \"x-api-key\", Value = key }) { InnerHandler = new HttpClientHandler() });\n"
        );
        // The query handler outside, configured in its own initializer; another value: unsafe.
        let src = "// Whispir\nvar c = new HttpClient(new QueryKeyHandler { Name = \"apikey\", Value = old, InnerHandler = new HeaderApiKeyHandler(new ApiKeyOptions { Name = \"X-Api-Key\", Value = key }) { InnerHandler = new HttpClientHandler() } });\n";
        let (out, a) = fix("A.cs", src).expect("fixable");
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "// Whispir\nvar c = new HttpClient(new HeaderApiKeyHandler(new ApiKeyOptions { Name = \"X-Api-Key\", Value = key }) { InnerHandler = new HttpClientHandler() });\n"
        );
        // A comment inside the handler would be lost with it.
        let commented = src.replace(
            "{ InnerHandler = new HttpClientHandler() } });",
            "{ InnerHandler = new HttpClientHandler() /* TLS */ } });",
        );
        let commented = commented.replace("Value = old, ", "Value = old, // legacy\n ");
        assert!(
            manual("A.cs", &commented).contains("comment"),
            "{commented}"
        );
        // No header handler: removing the query handler would send no key.
        let alone = "// Whispir\nvar c = new HttpClient(new QueryStringApiKeyHandler(new ApiKeyOptions { Name = \"apikey\", Value = key }) { InnerHandler = new HttpClientHandler() });\n";
        assert!(manual("A.cs", alone).contains("no other handler of this client sends the key"));
        // Options registered for dependency injection: the handler is elsewhere.
        let configured = "// Whispir\nservices.Configure<ApiKeyOptions>(o => { o.Location = ApiKeyLocation.QueryString; o.Name = \"apikey\"; o.Value = key; });\n";
        assert!(manual("A.cs", configured).contains("dependency injection"));
    }

    #[test]
    fn a_key_formatted_into_the_urls_format_moves_with_its_placeholder() {
        let src = "// Whispir\nclass A {\n    HttpClient _http;\n    Task<HttpResponseMessage> M(int n) {\n        var url = string.Format(\"{0}/contacts?limit={1}&{2}\",\n            _baseUrl, n,\n            string.Format(\"apikey={0}\", _apiKey));\n        return _http.GetAsync(url);\n    }\n}\n";
        assert_eq!(
            safe("A.cs", src),
            "// Whispir\nclass A {\n    HttpClient _http;\n    Task<HttpResponseMessage> M(int n) {\n        var url = string.Format(\"{0}/contacts?limit={1}\",\n            _baseUrl, n);\n        return _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, url) { Headers = { { \"x-api-key\", _apiKey } } });\n    }\n}\n"
        );
        // The placeholder used twice: the help names the call and the placeholder to remove.
        let reason = manual("A.cs", &src.replace("&{2}\"", "&{2}&{2}\""));
        assert!(
            reason.contains("(`string.Format(\"apikey={0}\", _apiKey)`)")
                && reason.contains("its value `{2}`"),
            "{reason}"
        );
    }

    #[test]
    fn add_query_string_goes_whole_and_the_request_reading_its_url_gets_the_header() {
        let src = "// Whispir\nclass A {\n    HttpClient _http;\n    Task<HttpResponseMessage> M(string id, string key) {\n        var url = QueryHelpers.AddQueryString(\"https://api.au.whispir.com/messages/\" + id, \"apikey\", key);\n        return _http.GetAsync(url);\n    }\n}\n";
        assert_eq!(
            safe("A.cs", src),
            "// Whispir\nclass A {\n    HttpClient _http;\n    Task<HttpResponseMessage> M(string id, string key) {\n        var url = \"https://api.au.whispir.com/messages/\" + id;\n        return _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, url) { Headers = { { \"x-api-key\", key } } });\n    }\n}\n"
        );
        // The URL read twice (logged too): no request of its own.
        let logged = src.replace("        return", "        Log(url);\n        return");
        manual("A.cs", &logged);
    }

    #[test]
    fn a_parse_query_string_entry_goes_with_its_statement_and_the_request_gets_the_header() {
        let src = "// Whispir\nclass A {\n    HttpClient _http;\n    Task<HttpResponseMessage> M(string key) {\n        var query = HttpUtility.ParseQueryString(string.Empty);\n        query[\"apikey\"] = key;\n        query[\"view\"] = \"detailed\";\n        return _http.GetAsync(\"https://api.au.whispir.com/messages?\" + query);\n    }\n}\n";
        assert_eq!(
            safe("A.cs", src),
            "// Whispir\nclass A {\n    HttpClient _http;\n    Task<HttpResponseMessage> M(string key) {\n        var query = HttpUtility.ParseQueryString(string.Empty);\n        query[\"view\"] = \"detailed\";\n        return _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, \"https://api.au.whispir.com/messages?\" + query) { Headers = { { \"x-api-key\", key } } });\n    }\n}\n"
        );
        // Read by two requests: which one sends the key is not one place.
        let twice = src.replace("        return", "        _http.GetAsync(\"https://api.au.whispir.com/audit?\" + query);\n        return");
        assert!(manual("A.cs", &twice).contains("statement of its own"));
    }

    #[test]
    fn shortcuts_on_something_not_declared_as_an_http_client_stay_manual() {
        // A wrapper type may have its own GetAsync and no SendAsync.
        let reason = manual(
            "A.cs",
            "class A { Task F() { return _api.GetAsync(\"https://api.au.whispir.com/m?apikey=\" + k); } }\n",
        );
        assert!(reason.contains("not declared as an HttpClient"), "{reason}");
        // Declared with another type: named.
        let reason = manual(
            "A.cs",
            "class A { IWhispirApi _api; Task F() { return _api.GetAsync(\"https://api.au.whispir.com/m?apikey=\" + k); } }\n",
        );
        assert!(
            reason.contains("`_api` is declared as `IWhispirApi`"),
            "{reason}"
        );
        assert!(
            reason.contains("request.Headers.Add(\"x-api-key\", k)"),
            "{reason}"
        );
    }

    #[test]
    fn braces_in_a_string_without_dollar_are_text_not_a_variable() {
        // Only `$"…"` and `$@"…"` interpolate: `"…{key}"` and `@"…{key}"` send the text.
        for (url, header) in [
            ("\"https://api.au.whispir.com/m?apikey={key}\"", "\"{key}\""),
            (
                "@\"https://api.au.whispir.com/m?apikey={key}\"",
                "\"{key}\"",
            ),
            ("$\"https://api.au.whispir.com/m?apikey={key}\"", "key"),
            ("$@\"https://api.au.whispir.com/m?apikey={key}\"", "key"),
        ] {
            let src = format!(
                "class C {{\n    async Task F(string key) {{\n        var client = new HttpClient();\n        var r = await client.GetAsync({url});\n    }}\n}}\n"
            );
            let out = safe("a.cs", &src);
            assert!(
                out.contains(&format!("{{ \"x-api-key\", {header} }}")),
                "{out}"
            );
        }
    }
}
