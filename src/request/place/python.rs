//! Python: requests, httpx and aiohttp calls and their `headers=` argument.

use super::cursor::*;
use super::{Placement, Request, already};
use crate::diagnostic::{Applicability, Edit};
use crate::lang::TokKind;
use crate::lang::tokens::{
    enclosing_open, matching_close, next_significant, prev_significant, token_at,
};

const PY_REQUEST_CALLS: [&str; 9] = [
    "get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
];

/// requests/httpx/aiohttp: `headers=` of the same call, extended or added.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = token_at(tokens, req.at.start).ok_or("the key is not in a literal")?;
    let (name, open) = enclosing_call(src, tokens, lit).ok_or("the URL is not passed to a call")?;
    let callee = String::from_utf8_lossy(tokens[name].text(src)).to_ascii_lowercase();
    if !PY_REQUEST_CALLS.contains(&callee.as_str()) {
        return Err(format!(
            "`{callee}(…)` is not a request call the fixer knows"
        ));
    }
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    if req.already_sent(tokens[name].span.start..tokens[close].span.end) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let q = req.quote();
    let entry = format!("{q}x-api-key{q}: {}", req.key.as_code(q));
    // `headers=` keyword argument.
    let kw = (open + 1..close).find(|&j| {
        tokens[j].kind == TokKind::Ident
            && tokens[j].text(src) == b"headers"
            && next_significant(tokens, j).is_some_and(|e| tokens[e].is_punct(src, "="))
            && enclosing_open(src, tokens, j) == Some(open)
    });
    let edit = match kw {
        Some(k) => {
            let v = next_significant(tokens, next_significant(tokens, k).expect("checked"))
                .ok_or("`headers=` without a value")?;
            if !tokens[v].is_punct(src, "{") {
                return Err("the request's headers are a variable; add `x-api-key` there".into());
            }
            insert_first(src, tokens, v, &entry)
        }
        None => {
            let last = prev_significant(tokens, close).expect("call has an opening bracket");
            let trailing_comma = tokens[last].is_punct(src, ",");
            let multiline =
                memchr::memchr(b'\n', &src[tokens[last].span.end..tokens[close].span.start])
                    .is_some();
            let text = format!("headers={{{entry}}}");
            if multiline {
                // One argument per line: a new line after the last one (and after its comment).
                let indent = indent_of(src, tokens[last].span.start);
                let mut end = line_end(src, tokens[last].span.end);
                if end > 0 && src[end - 1] == b'\r' {
                    end -= 1;
                }
                let mut edits = Vec::new();
                if !trailing_comma {
                    edits.push(Edit::insert(tokens[last].span.end, ","));
                }
                edits.push(Edit::insert(
                    end,
                    format!("{}{indent}{text},", eol(src, end)),
                ));
                return Ok(Placement {
                    edits,
                    applicability: Applicability::Safe,
                    how: "send `x-api-key` in the request's headers".into(),
                });
            } else {
                let sep = if trailing_comma { " " } else { ", " };
                Edit::insert(tokens[last].span.end, format!("{sep}{text}"))
            }
        }
    };
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        how: "send `x-api-key` in the request's headers".into(),
    })
}
