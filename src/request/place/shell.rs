//! Shell: curl (`-H`) and wget (`--header=`) command lines in scripts, Makefile recipes,
//! Dockerfiles and CI `run:` blocks.

use super::cursor::*;
use super::{Placement, Request, SETTING, already};
use crate::diagnostic::{Applicability, Edit};
use std::ops::Range;

/// The lines of a command continued with `\` that contain `at`.
pub(crate) fn command_lines(src: &[u8], at: usize) -> Range<usize> {
    let mut start = line_start(src, at);
    while start >= 2 {
        let prev_end = start - 1; // the '\n'
        let mut e = prev_end;
        if e > 0 && src[e - 1] == b'\r' {
            e -= 1;
        }
        if e > 0 && src[e - 1] == b'\\' {
            start = line_start(src, prev_end);
        } else {
            break;
        }
    }
    let mut end = line_end(src, at);
    loop {
        let mut e = end;
        if e > 0 && src[e - 1] == b'\r' {
            e -= 1;
        }
        if e > start && src[e - 1] == b'\\' && end < src.len() {
            end = line_end(src, end + 1);
        } else {
            break;
        }
    }
    start..end
}

/// The URL is a setting, not part of a command: the value of a YAML mapping key
/// (`url: https://…`, `- value: "https://…"`), or any value of a .NET configuration file
/// (`<configuration>`: `App.config`, `Web.config`).
fn is_setting(req: &Request) -> bool {
    let src = req.src;
    if req.lang.is_yaml() {
        let before = &src[line_start(src, req.at.start)..req.at.start];
        let before = before.trim_ascii_start();
        let before = before.strip_prefix(b"- ").unwrap_or(before);
        let key_len = before
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            .count();
        let Some(value) = before[key_len..].strip_prefix(b":") else {
            return false;
        };
        let value = value.trim_ascii_start();
        let value = value
            .strip_prefix(b"\"")
            .or_else(|| value.strip_prefix(b"'"))
            .unwrap_or(value);
        return key_len > 0 && !value.is_empty() && !value.iter().any(u8::is_ascii_whitespace);
    }
    !req.lang.is_prose()
        && req.lang.request_style() == crate::lang::RequestStyle::Document
        && memchr::memmem::find(src, b"<configuration").is_some()
}

/// curl (`-H`) and wget (`--header=`) in a shell command, CI `run:` line or Makefile recipe.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let src = req.src;
    let cmd = command_lines(src, req.at.start);
    if req.already_sent(cmd.clone()) {
        return Ok(already("the command already sends `x-api-key`"));
    }
    let before = String::from_utf8_lossy(&src[cmd.start..req.at.start]);
    let tool = if before.contains("curl ") {
        "curl"
    } else if before.contains("wget ") {
        "wget"
    } else if is_setting(req) {
        return Err(SETTING.into());
    } else {
        return Err(
            "no curl or wget command sends this URL; add the header where the request is made"
                .into(),
        );
    };
    // The URL argument: quoted, or one word.
    let mut arg_start = req.at.start;
    while arg_start > cmd.start && !matches!(src[arg_start - 1], b' ' | b'\t' | b'"' | b'\'' | b'=')
    {
        arg_start -= 1;
    }
    let quote = src
        .get(arg_start.wrapping_sub(1))
        .copied()
        .filter(|q| matches!(q, b'"' | b'\''));
    let arg_end = match quote {
        Some(q) => {
            let close = memchr::memchr(q, &src[req.at.start..cmd.end])
                .ok_or("the URL's quote is not closed on its line")?;
            req.at.start + close + 1
        }
        None => src[req.at.start..cmd.end]
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .map_or(cmd.end, |i| req.at.start + i),
    };
    let q = quote.map_or('"', char::from);
    let value = req.key.as_text();
    // In a YAML plain scalar (`run: curl …`) a colon and a space would end the value.
    let sep = if req.lang.is_yaml() { "" } else { " " };
    let header = match tool {
        "curl" => format!(" -H {q}x-api-key:{sep}{value}{q}"),
        _ => format!(" --header={q}x-api-key:{sep}{value}{q}"),
    };
    Ok(Placement {
        edits: vec![Edit::insert(arg_end, header)],
        applicability: Applicability::Safe,
        sends: None,
        how: format!("add `x-api-key` to the {tool} command"),
    })
}
