//! C#: `HttpRequestMessage` held in a variable.

use super::cursor::*;
use super::{Placement, Request, already};
use crate::diagnostic::Applicability;
use crate::lang::TokKind;
use crate::lang::tokens::{arguments, matching_close, next_significant, prev_significant};

/// C#: `var request = new HttpRequestMessage(method, URL);` gets
/// `request.Headers.Add("x-api-key", k);` on the next line.
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
            ("Uri", None) | ("Format", Some("String" | "string"))
        )
    })?;
    let callee = text_of(src, &tokens[name]);
    let args = arguments(src, tokens, open);
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
    let not_declared = || "the request is not declared in this statement".to_string();
    let eq = prev_significant(tokens, new_tok)
        .filter(|&q| tokens[q].is_punct(src, "="))
        .ok_or_else(not_declared)?;
    let var = prev_significant(tokens, eq)
        .filter(|&v| tokens[v].kind == TokKind::Ident)
        .ok_or_else(not_declared)?;
    let ty = prev_significant(tokens, var)
        .filter(|&t| tokens[t].kind == TokKind::Ident)
        .ok_or_else(not_declared)?;
    if typed && tokens[ty].text(src) != b"HttpRequestMessage" {
        return Err(not_declared());
    }
    let first = prev_significant(tokens, ty)
        .filter(|&u| tokens[u].text(src) == b"using")
        .unwrap_or(ty);
    if prev_significant(tokens, first)
        .is_some_and(|p| !matches!(tokens[p].text(src), b";" | b"{" | b"}"))
        || !first_on_line(src, tokens[first].span.start)
    {
        return Err(not_declared());
    }
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    let mut after = next_significant(tokens, close).ok_or("the statement does not end")?;
    if tokens[after].is_punct(src, "{") {
        // An object initializer: `new HttpRequestMessage(…) { Content = … };`
        let end = matching_close(src, tokens, after).ok_or("unbalanced initializer")?;
        after = next_significant(tokens, end).ok_or("the statement does not end")?;
    }
    if !tokens[after].is_punct(src, ";")
        || !ends_line(src, tokens, after)
        || prev_significant(tokens, after).is_none_or(|l| !statement_ends_at(src, tokens, name, l))
    {
        return Err("the statement does not end its line".into());
    }
    let var_name = tokens[var].text(src);
    let indent = indent_of(src, tokens[first].span.start);
    if later_header(src, tokens, after, var_name, indent.len(), b"")? {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let var_name = String::from_utf8_lossy(var_name);
    Ok(Placement {
        edits: vec![line_after(
            src,
            tokens[after].span.end,
            &indent,
            &format!(
                "{var_name}.Headers.Add(\"x-api-key\", {});",
                req.key.as_code('"')
            ),
        )],
        applicability: Applicability::Safe,
        how: format!("add `{var_name}.Headers.Add(\"x-api-key\", …)` after the request is created"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};
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
}
