//! Java and Kotlin (and the rest of the C family): java.net.http, OkHttp and Spring
//! WebClient/RestClient builder chains.

use super::cursor::*;
use super::{Placement, Request, already};
use crate::diagnostic::{Applicability, Edit};
use crate::lang::tokens::{
    arguments, matching_close, matching_open, next_significant, prev_significant,
};
use crate::lang::{TokKind, Token};

/// Java/Kotlin (and the rest of the C family): `.header("x-api-key", k)` right after the
/// builder call that takes the URL: java.net.http `HttpRequest.newBuilder().uri(…)` or
/// `newBuilder(…)`, OkHttp `Request.Builder().url(…)`, Spring `WebClient`/`RestClient`
/// `.get().uri(…)`.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = match opening(req, false)? {
        Ok(lit) => lit,
        Err(sent) => return Ok(sent),
    };
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
    if let Some(setter) = request_object(src, tokens, &callee, name) {
        return declared_request(req, name, open, idx, setter);
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
    if setter == "setRequestProperty" {
        // `new URL(…).openConnection()`, usually cast: `(HttpURLConnection) new URL(…)…`.
        let dot = next_significant(tokens, end).filter(|&d| tokens[d].is_punct(src, "."));
        let call = dot.and_then(|d| next_significant(tokens, d));
        let paren = call
            .filter(|&c| tokens[c].text(src) == b"openConnection")
            .and_then(|c| next_significant(tokens, c))
            .filter(|&p| tokens[p].is_punct(src, "("))
            .ok_or("the URL is not opened as a connection in this statement")?;
        end = matching_close(src, tokens, paren).ok_or("unbalanced call")?;
        if let Some(cast_close) =
            prev_significant(tokens, start).filter(|&c| tokens[c].is_punct(src, ")"))
        {
            start = matching_open(src, tokens, cast_close).ok_or("unbalanced cast")?;
        }
    }
    let d = declaration(req, (start, end, name), &[b"final"])?;
    header_statement_after(
        req,
        (d.var, d.first, d.semi),
        b"",
        &req.key.as_code('"'),
        |var, key| format!("{var}.{setter}(\"x-api-key\", {key});"),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};

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
        // A connection used in the same expression that opens it has no statement to add to.
        manual(
            "A.java",
            "int s = ((HttpURLConnection) new URL(\"https://api.au.whispir.com/m?apikey=\" + k).openConnection()).getResponseCode();\n",
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
}
