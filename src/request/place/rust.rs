//! Rust: reqwest and ureq builder chains.

use super::cursor::*;
use super::{Placement, Request, already};
use crate::diagnostic::{Applicability, Edit};
use crate::lang::TokKind;
use crate::lang::tokens::{matching_close, prev_significant, token_at};

/// reqwest/ureq builder chains: `.header("x-api-key", k)` right after the call that takes
/// the URL (`client.get(url)`), or in place of `.query(&[("apikey", k)])`.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = token_at(tokens, req.at.start).ok_or("the key is not in a literal")?;
    let region = statement(src, tokens, req.openers, req.lang, lit);
    if req.already_sent(region) {
        return Ok(already(super::SENT_BY_STATEMENT));
    }
    let mut i = lit;
    // Out of `format!(…)` and any other wrapping call, to the method that takes the URL.
    for _ in 0..4 {
        let (name, open) = enclosing_call_near(src, tokens, req.openers, i)
            .ok_or("the URL is not passed to a request builder")?;
        let callee = String::from_utf8_lossy(tokens[name].text(src)).to_ascii_lowercase();
        let is_method =
            prev_significant(tokens, name).is_some_and(|d| tokens[d].is_punct(src, "."));
        if is_method
            && matches!(
                callee.as_str(),
                "get" | "post" | "put" | "patch" | "delete" | "head" | "request" | "query"
            )
        {
            let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
            return builder_header(req, close, header_method(req)?);
        }
        if let Some(placed) = ureq_call(req, name, open, &callee) {
            return placed;
        }
        i = name;
    }
    Err("the URL is not passed to a request builder".into())
}

/// ureq: `ureq::get(URL)` / `agent.get(URL)` gets the header after the call, with the method
/// the file's ureq version uses (`.set` in 2.x, `.header` in 3.x), judged by the file's own
/// calls. `None` when the call is not a ureq request function.
fn ureq_call(
    req: &Request,
    name: usize,
    open: usize,
    callee: &str,
) -> Option<Result<Placement, String>> {
    let (src, tokens) = (req.src, req.tokens);
    let path_call = prev_significant(tokens, name).is_some_and(|d| tokens[d].is_punct(src, "::"));
    let verb = matches!(
        callee,
        "get" | "post" | "put" | "patch" | "delete" | "head" | "request"
    );
    if !(path_call && verb) {
        return None;
    }
    match receiver_of(src, tokens, name).as_deref() {
        Some("ureq") => {}
        Some("reqwest") if callee == "get" => return Some(client_get(req, name, open)),
        Some("blocking")
            if callee == "get"
                && prev_significant(tokens, name)
                    .and_then(|sep| prev_significant(tokens, sep))
                    .and_then(|module| receiver_of(src, tokens, module))
                    .as_deref()
                    == Some("reqwest") =>
        {
            return Some(client_get(req, name, open));
        }
        Some("reqwest") => {
            return Some(Err(format!(
                "`reqwest::{callee}` sends no headers; send it from a `Client` with `.header(\"x-api-key\", …)`"
            )));
        }
        _ => {
            return Some(Err(format!(
                "`{callee}(…)` is not a request builder the fixer knows"
            )));
        }
    }
    let close = matching_close(src, tokens, open)?;
    Some(header_method(req).and_then(|method| builder_header(req, close, method)))
}

/// `reqwest::get(URL)` (or `reqwest::blocking::get`) sends no headers: it becomes
/// `reqwest::Client::new().get(URL).header("x-api-key", key).send()`, which `.await`s or
/// returns the same `Result<Response>`. Unsafe: `reqwest::get` reports a client that cannot be
/// built as an error, where `Client::new()` panics.
fn client_get(req: &Request, name: usize, open: usize) -> Result<Placement, String> {
    let close = matching_close(req.src, req.tokens, open).ok_or("unbalanced call")?;
    let value = req.key.as_code('"');
    Ok(Placement {
        edits: vec![
            Edit::insert(req.tokens[name].start(), "Client::new()."),
            Edit::insert(
                req.tokens[close].end(),
                format!(".header(\"x-api-key\", {value}).send()"),
            ),
        ],
        applicability: Applicability::Unsafe,
        sends: None,
        how: "send it from a `reqwest::Client` with `.header(\"x-api-key\", …)`".into(),
    })
}

/// The builder method that adds a header: reqwest's `.header`; in a file using ureq, `.set`
/// (2.x) or `.header` (3.x), whichever the file's own calls use.
fn header_method(req: &Request) -> Result<&'static str, String> {
    let (src, tokens) = (req.src, req.tokens);
    // From the file's index of names: a file of many requests is not read once per request.
    let layout = req.layout();
    if layout.uses_after(src, tokens, b"ureq", 0).next().is_none() {
        return Ok("header");
    }
    // `.set("…"` or `.header("…"`.
    let called = |method: &[u8]| {
        layout.uses_after(src, tokens, method, 0).any(|k| {
            tokens[k - 1].is_punct(src, ".")
                && tokens.get(k + 1).is_some_and(|t| t.is_punct(src, "("))
                && tokens.get(k + 2).is_some_and(|t| t.kind == TokKind::Str)
        })
    };
    match (called(b"set"), called(b"header")) {
        (true, false) => Ok("set"),
        (false, true) => Ok("header"),
        _ => Err("ureq sets headers with `.set` (2.x) or `.header` (3.x); the file does not show which: add it by hand".into()),
    }
}

/// `.METHOD("x-api-key", key)` right after the call that closes at token `close`.
fn builder_header(req: &Request, close: usize, method: &str) -> Result<Placement, String> {
    let value = req.key.as_code('"');
    Ok(Placement {
        edits: vec![Edit::insert(
            req.tokens[close].end(),
            format!(".{method}(\"x-api-key\", {value})"),
        )],
        applicability: Applicability::Safe,
        sends: None,
        how: format!("add `.{method}(\"x-api-key\", …)` to the request builder"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};
    use crate::diagnostic::Applicability;

    #[test]
    fn ureq_requests_get_the_header_method_of_the_files_ureq_version() {
        let src = "fn f(key: &str) {\n    let url = format!(\"https://api.au.whispir.com/m?apikey={key}\");\n    ureq::get(&url).set(\"Accept\", \"x\").call();\n}\n";
        assert_eq!(
            safe("a.rs", src),
            "fn f(key: &str) {\n    let url = \"https://api.au.whispir.com/m\".to_string();\n    ureq::get(&url).set(\"x-api-key\", key).set(\"Accept\", \"x\").call();\n}\n"
        );
        // ureq 3 spells it `.header`, also on an agent's request.
        let src = "fn f(agent: &ureq::Agent, key: &str) {\n    agent.post(format!(\"https://api.au.whispir.com/m?apikey={}\", key)).header(\"Accept\", \"x\").send(b);\n}\n";
        assert!(
            safe("a.rs", src).contains(".post(\"https://api.au.whispir.com/m\".to_string()).header(\"x-api-key\", key).header(\"Accept\""),
            "{}",
            safe("a.rs", src)
        );
        // Neither or both in sight: not for the fixer to guess.
        assert!(manual("a.rs", "fn f(key: &str) {\n    ureq::get(&format!(\"https://api.au.whispir.com/m?apikey={key}\")).call();\n}\n").contains("`.set`"));
    }

    #[test]
    fn a_let_url_is_safe_only_when_read_once_by_the_request() {
        let once = "fn f(c: &Client, key: &str) {\n    let url = format!(\"https://api.au.whispir.com/m?apikey={key}\");\n    c.get(&url).send();\n}\n";
        assert_eq!(fix("a.rs", once).unwrap().1, Applicability::Safe);
        // Read again in a format string's inline argument, or bound `mut`: unsafe.
        for src in [
            "fn f(c: &Client, key: &str) {\n    let url = format!(\"https://api.au.whispir.com/m?apikey={key}\");\n    c.get(&url).send();\n    log::info!(\"sent {url}\");\n}\n",
            "fn f(c: &Client, key: &str) {\n    let mut url = format!(\"https://api.au.whispir.com/m?apikey={key}\");\n    c.get(&url).send();\n}\n",
        ] {
            assert_eq!(fix("a.rs", src).unwrap().1, Applicability::Unsafe, "{src}");
        }
    }

    #[test]
    fn a_url_in_a_comment_is_no_request() {
        for src in [
            "//! Called `https://api.au.whispir.com/m?apikey=<key>` once.\nfn f() {}\n",
            "/// See https://api.au.whispir.com/m?apikey=KEY\nfn f() {}\n",
            "fn f(k: &str) {\n    // let url = format!(\"https://api.au.whispir.com/m?apikey={}\", k);\n}\n",
        ] {
            assert!(manual("a.rs", src).contains("in a comment"), "{src}");
        }
    }

    #[test]
    fn reqwest_get_becomes_a_client_request_with_the_header_as_an_unsafe_fix() {
        let src = "async fn f(key: &str) -> reqwest::Result<reqwest::Response> {\n    reqwest::get(format!(\"https://api.au.whispir.com/m?apikey={key}\")).await\n}\n";
        let (out, a) = fix("a.rs", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "async fn f(key: &str) -> reqwest::Result<reqwest::Response> {\n    reqwest::Client::new().get(\"https://api.au.whispir.com/m\".to_string()).header(\"x-api-key\", key).send().await\n}\n"
        );
        // The blocking client alike, in a file whose ureq calls say `.set`.
        let src = "fn f(key: &str) -> reqwest::Result<String> {\n    ureq::get(\"https://example.com\").set(\"a\", \"b\");\n    reqwest::blocking::get(&format!(\"https://api.au.whispir.com/m?apikey={}\", key))?.text()\n}\n";
        let (out, a) = fix("a.rs", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert!(
            out.contains("reqwest::blocking::Client::new().get(&\"https://api.au.whispir.com/m\".to_string()).header(\"x-api-key\", key).send()?.text()"),
            "{out}"
        );
        // Another module's `blocking::get` is not reqwest's.
        assert!(manual("a.rs", "fn f(key: &str) {\n    other::blocking::get(format!(\"https://api.au.whispir.com/m?apikey={key}\"));\n}\n").contains("not a request builder"));
    }

    #[test]
    fn braces_outside_a_format_macro_are_text_not_a_variable() {
        let out = safe(
            "a.rs",
            "fn f(client: &reqwest::Client, key: &str) {\n    let r = client.get(\"https://api.au.whispir.com/m?apikey={key}\").send();\n}\n",
        );
        assert!(out.contains(".header(\"x-api-key\", \"{key}\")"), "{out}");
        // A macro's format string captures the variable.
        let out = safe(
            "a.rs",
            "fn f(client: &reqwest::Client, key: &str) {\n    let r = client.get(format!(\"https://api.au.whispir.com/m?apikey={key}\")).send();\n}\n",
        );
        assert!(out.contains(".header(\"x-api-key\", key)"), "{out}");
    }
}
