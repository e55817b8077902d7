//! Go: `http.NewRequest` held in a variable.

use super::cursor::*;
use super::{Placement, Request, already};
use crate::diagnostic::Applicability;
use crate::lang::TokKind;
use crate::lang::tokens::{arguments, matching_close, next_significant, prev_significant};

/// Go: `req, err := http.NewRequest(method, URL, body)` gets `req.Header.Set("x-api-key", k)`
/// after the `if err != nil { … }` that follows it (or right after it when the error is `_`).
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = match opening(req, false)? {
        Ok(lit) => lit,
        Err(sent) => return Ok(sent),
    };
    let (name, open, idx) = url_argument(src, tokens, lit, |callee, receiver| {
        matches!((callee, receiver), ("Sprintf", Some("fmt")))
    })?;
    let callee = text_of(src, &tokens[name]);
    let receiver = receiver_of(src, tokens, name);
    let args = arguments(src, tokens, open);
    let (url_index, arity) = match (callee.as_str(), receiver.as_deref()) {
        ("NewRequest", Some("http")) => (1, 3),
        ("NewRequestWithContext", Some("http")) => (2, 4),
        ("Get" | "Post" | "Head" | "PostForm", _) => {
            return Err(format!(
                "`{callee}(…)` sends no headers; build the request with http.NewRequest and `req.Header.Set(\"x-api-key\", …)`"
            ));
        }
        _ => {
            return Err(format!("`{callee}(…)` is not a request the fixer knows"));
        }
    };
    if idx != url_index || args.len() != arity {
        return Err("the URL is not the request's URL argument".into());
    }
    let not_declared =
        || "the request is not assigned as `req, err := http.NewRequest(…)`".to_string();
    let start = callee_start(src, tokens, name);
    let mut eq = prev_significant(tokens, start)
        .filter(|&q| tokens[q].is_punct(src, "="))
        .ok_or_else(not_declared)?;
    if let Some(colon) = prev_significant(tokens, eq).filter(|&c| tokens[c].is_punct(src, ":")) {
        eq = colon;
    }
    let err = prev_significant(tokens, eq)
        .filter(|&v| tokens[v].kind == TokKind::Ident)
        .ok_or_else(not_declared)?;
    let var = prev_significant(tokens, err)
        .filter(|&c| tokens[c].is_punct(src, ","))
        .and_then(|c| prev_significant(tokens, c))
        .filter(|&v| tokens[v].kind == TokKind::Ident)
        .ok_or_else(not_declared)?;
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    if !first_on_line(src, tokens[var].span.start)
        || !ends_line(src, tokens, close)
        || !statement_ends_at(req, name, close)
    {
        return Err("the request's statement does not stand on lines of its own".into());
    }
    let var_name = tokens[var].text(src);
    let indent = indent_of(src, tokens[var].span.start);
    if later_header(req, close, var_name, indent.len(), b"Header")? {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let err_name = tokens[err].text(src);
    // `if err != nil { … }` right after: the header goes after it.
    let check = next_significant(tokens, close).and_then(|i| {
        let want: [&[u8]; 6] = [b"if", err_name, b"!", b"=", b"nil", b"{"];
        let mut k = i;
        for (n, w) in want.iter().enumerate() {
            if n > 0 {
                k = next_significant(tokens, k)?;
            }
            if tokens[k].text(src) != *w {
                return None;
            }
        }
        matching_close(src, tokens, k)
    });
    let (after, applicability) = match check {
        Some(end) if ends_line(src, tokens, end) => (end, Applicability::Safe),
        Some(_) => return Err("the error check continues after its block".into()),
        None if err_name == b"_" => (close, Applicability::Safe),
        // The header would run before the error is checked (the request may be nil).
        None => (close, Applicability::Unsafe),
    };
    let var_name = String::from_utf8_lossy(var_name);
    Ok(Placement {
        edits: vec![line_after(
            src,
            tokens[after].span.end,
            &indent,
            &format!(
                "{var_name}.Header.Set(\"x-api-key\", {})",
                req.key.as_code('"')
            ),
        )],
        applicability,
        how: format!("add `{var_name}.Header.Set(\"x-api-key\", …)` after the request is created"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};
    use crate::diagnostic::Applicability;

    #[test]
    fn go_header_after_the_error_check() {
        let src = "func Send(key string) (*http.Response, error) {\n\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/messages?apikey=\"+key, nil)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn http.DefaultClient.Do(req)\n}\n";
        assert_eq!(
            safe("a.go", src),
            "func Send(key string) (*http.Response, error) {\n\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/messages\", nil)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treq.Header.Set(\"x-api-key\", key)\n\treturn http.DefaultClient.Do(req)\n}\n"
        );
    }

    #[test]
    fn go_sprintf_with_context_and_ignored_error() {
        let src = "func F(ctx context.Context) {\n\tr, _ := http.NewRequestWithContext(ctx, \"GET\", fmt.Sprintf(\"https://api.au.whispir.com/messages?apikey=%s\", c.APIKey), nil)\n\tdo(r)\n}\n";
        assert_eq!(
            safe("a.go", src),
            "func F(ctx context.Context) {\n\tr, _ := http.NewRequestWithContext(ctx, \"GET\", fmt.Sprintf(\"https://api.au.whispir.com/messages\"), nil)\n\tr.Header.Set(\"x-api-key\", c.APIKey)\n\tdo(r)\n}\n"
        );
    }

    #[test]
    fn go_without_an_error_check_right_after_is_unsafe() {
        let src = "func F() {\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?apikey=\"+k, nil)\n\tlog.Print(\"x\")\n\tif err != nil {\n\t\treturn\n\t}\n}\n";
        let (out, a) = fix("a.go", src).unwrap();
        assert_eq!(a, Applicability::Unsafe);
        assert_eq!(
            out,
            "func F() {\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m\", nil)\n\treq.Header.Set(\"x-api-key\", k)\n\tlog.Print(\"x\")\n\tif err != nil {\n\t\treturn\n\t}\n}\n"
        );
    }

    #[test]
    fn go_header_already_set_after_the_check() {
        let src = "func F() {\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?apikey=\"+k, nil)\n\tif err != nil {\n\t\treturn\n\t}\n\treq.Header.Set(\"X-Api-Key\", k)\n}\n";
        assert_eq!(
            safe("a.go", src),
            "func F() {\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m\", nil)\n\tif err != nil {\n\t\treturn\n\t}\n\treq.Header.Set(\"X-Api-Key\", k)\n}\n"
        );
    }

    #[test]
    fn go_near_misses_stay_manual() {
        assert!(
            manual(
                "a.go",
                "func F() {\n\treturn http.Get(\"https://api.au.whispir.com/m?apikey=\" + k)\n}\n"
            )
            .contains("NewRequest")
        );
        // Declared inside an `if`: no line of its own.
        manual(
            "a.go",
            "func F() {\n\tif req, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?apikey=\"+k, nil); err == nil {\n\t\tdo(req)\n\t}\n}\n",
        );
        // `if err != nil { … } else { … }`
        manual(
            "a.go",
            "func F() {\n\treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?apikey=\"+k, nil)\n\tif err != nil {\n\t\treturn\n\t} else {\n\t\tdo(req)\n\t}\n}\n",
        );
        // A later `req.Header = …` would drop the header.
        manual(
            "a.go",
            "func F() {\n\treq, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m?apikey=\"+k, nil)\n\treq.Header = http.Header{\"Accept\": {\"*/*\"}}\n}\n",
        );
        // url.Values builder: the query is encoded elsewhere.
        manual(
            "a.go",
            "func F() {\n\tq := url.Values{\"apikey\": {key}} // Whispir\n\treq.Header.Set(\"x-api-key\", key)\n}\n",
        );
    }
}
