//! Documents: raw request lines (`POST https://… HTTP/1.1` and their header lines) in `.http`
//! files and docs, and curl lines in their code blocks.

use super::cursor::*;
use super::{Placement, Request, already};
use crate::diagnostic::{Applicability, Edit};

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Raw request lines (`POST https://… HTTP/1.1` followed by header lines) in `.http` files
/// and docs; curl lines in docs' code blocks.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let src = req.src;
    let start = line_start(src, req.at.start);
    let line = String::from_utf8_lossy(&src[start..line_end(src, req.at.start)]);
    let first_word = line.split_whitespace().next().unwrap_or("");
    if !METHODS.contains(&first_word.to_ascii_uppercase().as_str())
        || !line.trim_start().starts_with(first_word)
    {
        return super::shell::place(req);
    }
    // The request's header lines follow until a blank line.
    let mut end = line_end(src, req.at.start);
    while end < src.len() {
        let next_end = line_end(src, end + 1);
        if src[end + 1..next_end].trim_ascii().is_empty() {
            break;
        }
        end = next_end;
    }
    if req.already_sent(start..end) {
        return Ok(already("the request already sends `x-api-key`"));
    }
    let mut at = line_end(src, req.at.start);
    if at > 0 && src[at - 1] == b'\r' {
        at -= 1;
    }
    Ok(Placement {
        edits: vec![Edit::insert(
            at,
            format!("{}x-api-key: {}", eol(src, req.at.start), req.key.as_text()),
        )],
        applicability: Applicability::Safe,
        how: "add an `x-api-key` header line to the request".into(),
    })
}
