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
    let lit = anchor(req)?;
    if req.builder {
        return Err(BUILDER_CALL.into());
    }
    let (s, e) = logical_statement(src, tokens, lit);
    if sends_header(src, tokens, s..e + 1) {
        return Ok(already("the request already sends `x-api-key`"));
    }
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

#[cfg(test)]
mod tests {
    use super::super::testing::{manual, safe};

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
        // HttpURLConnection.
        manual(
            "A.java",
            "HttpURLConnection c = (HttpURLConnection) new URL(\"https://api.au.whispir.com/m?apikey=\" + k).openConnection();\n",
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
}
