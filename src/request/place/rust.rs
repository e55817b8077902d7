//! Rust: reqwest and ureq builder chains.

use super::cursor::*;
use super::{Placement, Request, already};
use crate::diagnostic::{Applicability, Edit};
use crate::lang::tokens::{matching_close, prev_significant, token_at};

/// reqwest/ureq builder chains: `.header("x-api-key", k)` right after the call that takes
/// the URL (`client.get(url)`), or in place of `.query(&[("apikey", k)])`.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = token_at(tokens, req.at.start).ok_or("the key is not in a literal")?;
    let region = statement(src, tokens, req.lang, lit);
    if req.already_sent(region) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let mut i = lit;
    // Out of `format!(…)` and any other wrapping call, to the method that takes the URL.
    for _ in 0..4 {
        let (name, open) =
            enclosing_call(src, tokens, i).ok_or("the URL is not passed to a request builder")?;
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
            let value = req.key.as_code('"');
            return Ok(Placement {
                edits: vec![Edit::insert(
                    tokens[close].end(),
                    format!(".header(\"x-api-key\", {value})"),
                )],
                applicability: Applicability::Safe,
                how: "add `.header(\"x-api-key\", …)` to the request builder".into(),
            });
        }
        i = name;
    }
    Err("the URL is not passed to a request builder".into())
}
