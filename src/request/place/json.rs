//! JSON: Postman collections and other request objects with a `header` array.

use super::cursor::*;
use super::{Placement, Request, SETTING, already};
use crate::diagnostic::Applicability;
use crate::lang::Token;
use crate::lang::tokens::{matching_close, prev_significant, token_at};

/// How many brackets out from the URL the request object may be.
const POSTMAN_URL_DEPTH: usize = 8;

/// Why the URL in string `lit` has no request object: a member's value in a file that is no
/// Postman collection is a setting (`"messagesUrl": "https://…"`).
fn no_request_object(src: &[u8], tokens: &[Token], lit: usize) -> String {
    let postman = memchr::memmem::find(src, b"getpostman.com").is_some()
        || memchr::memmem::find(src, b"\"_postman_id\"").is_some();
    let member_value = prev_significant(tokens, lit).is_some_and(|c| tokens[c].is_punct(src, ":"));
    if member_value && !postman {
        SETTING.into()
    } else {
        "no Postman request object around the URL".into()
    }
}

/// Postman (and similar JSON): the request object around the URL gets a `header` entry.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = token_at(tokens, req.at.start).ok_or("the URL is not in a JSON string")?;
    let mut i = lit;
    // Walk out to the object that holds `url` (the request object). It is a few brackets out
    // (`url` → `raw` or `query`), never many: the bound keeps a deeply nested file linear.
    let mut levels = 0..POSTMAN_URL_DEPTH;
    let request = loop {
        let open = req
            .enclosing_open(i)
            .filter(|_| levels.next().is_some())
            .ok_or_else(|| no_request_object(src, tokens, lit))?;
        if tokens[open].text(src) == b"{"
            && members(src, tokens, open)
                .iter()
                .any(|(k, _)| key_is(src, &tokens[*k], "url"))
        {
            break open;
        }
        i = open;
    };
    let close = matching_close(src, tokens, request).ok_or("unbalanced JSON")?;
    if req.already_sent(tokens[request].start()..tokens[close].end()) {
        return Ok(already(super::SENT_BY_STATEMENT));
    }
    let value = req.key.as_text().replace('\\', "\\\\").replace('"', "\\\"");
    let entry = format!("{{ \"key\": \"x-api-key\", \"value\": \"{value}\" }}");
    let members = members(src, tokens, request);
    let edit = match members
        .iter()
        .find(|(k, _)| key_is(src, &tokens[*k], "header"))
    {
        Some((_, v)) if tokens[*v].is_punct(src, "[") => insert_first(src, tokens, *v, &entry),
        Some(_) => return Err("the request's `header` is not an array".into()),
        None => insert_first(src, tokens, request, &format!("\"header\": [{entry}]")),
    };
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        sends: None,
        how: "add `x-api-key` to the request's header array".into(),
    })
}
