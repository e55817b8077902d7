//! Documents: raw request lines (`POST https://… HTTP/1.1` and their header lines) in `.http`
//! files and docs, and curl lines in their code blocks.

use super::cursor::*;
use super::{Placement, Request, already};
use crate::diagnostic::{Applicability, Edit};

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// `METHOD URL [HTTP/1.1]`, `HTTP/1.1 METHOD URL` as Whispir's old guides print requests, or,
/// where `bare_url` allows it, a URL alone (an `.http` request with GET implied).
fn is_request_line(line: &str, bare_url: bool) -> bool {
    let mut words = line.split_whitespace().peekable();
    let starts_flush = !line.starts_with([' ', '\t']);
    // `HTTP/1.1 POST …` and `HTTP 1.1 POST …`.
    if words
        .peek()
        .is_some_and(|w| w.eq_ignore_ascii_case("HTTP/1.1"))
    {
        words.next();
    } else if words.peek().is_some_and(|w| w.eq_ignore_ascii_case("HTTP")) {
        words.next();
        if words.next() != Some("1.1") {
            return false;
        }
    }
    match words.next() {
        Some(w) if METHODS.contains(&w.to_ascii_uppercase().as_str()) => true,
        Some(w) => bare_url && starts_flush && (w.starts_with("http") || w.starts_with("{{")),
        None => false,
    }
}

/// The line starting at `start` is the first of its request in an `.http` file: only
/// comments, blank lines and `@name = value` variables since the file's start or the last
/// `###` separator (a URL line after those is the request line, GET implied).
fn opens_request(src: &[u8], start: usize) -> bool {
    let mut end = start;
    while end > 0 {
        let s = line_start(src, end - 1);
        let text = src[s..end - 1].trim_ascii();
        if text.starts_with(b"###") {
            return true;
        }
        let skipped = text.is_empty()
            || text.starts_with(b"#")
            || text.starts_with(b"//")
            || text.starts_with(b"@");
        if !skipped {
            return false;
        }
        end = s;
    }
    true
}

/// Raw request lines (`POST https://… HTTP/1.1` followed by header lines) in `.http` files
/// and docs; curl lines in docs' code blocks.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let src = req.src;
    let start = line_start(src, req.at.start);
    let line = String::from_utf8_lossy(&src[start..line_end(src, req.at.start)]);
    if !is_request_line(
        &line,
        req.lang.name() == "http" && opens_request(src, start),
    ) {
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
        return Ok(already(super::SENT_BY_STATEMENT));
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
        sends: None,
        how: "add an `x-api-key` header line to the request".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{manual, safe};

    #[test]
    fn a_request_line_gets_the_header_line_under_it() {
        let suffixed = "### Send\nPOST https://api.au.whispir.com/messages?apikey={{k}}&a=1 HTTP/1.1\nAccept: a\n\n{}\n";
        assert_eq!(
            safe("a.http", suffixed),
            "### Send\nPOST https://api.au.whispir.com/messages?a=1 HTTP/1.1\nx-api-key: {{k}}\nAccept: a\n\n{}\n"
        );
        let crlf = "get https://api.au.whispir.com/m?apikey={{k}}\r\n\r\n";
        assert_eq!(
            safe("a.rest", crlf),
            "get https://api.au.whispir.com/m\r\nx-api-key: {{k}}\r\n\r\n"
        );
        let sent = "GET https://api.au.whispir.com/m?apikey={{k}}\nX-Api-Key: {{k}}\n";
        assert_eq!(
            safe("a.http", sent),
            "GET https://api.au.whispir.com/m\nX-Api-Key: {{k}}\n"
        );
    }

    #[test]
    fn the_old_guides_http_1_1_form_is_a_request_line() {
        for prefix in ["HTTP 1.1 POST", "HTTP/1.1 POST"] {
            let doc = format!("{prefix} https://api.au.whispir.com/m?apikey=KEY\nAccept: a\n");
            assert_eq!(
                super::super::testing::fix("a.md", &doc).map(|(out, _)| out),
                Ok(format!(
                    "{prefix} https://api.au.whispir.com/m\nx-api-key: KEY\nAccept: a\n"
                ))
            );
        }
        assert!(!super::is_request_line("HTTP 2 POST https://x", false));
    }

    #[test]
    fn a_bare_url_line_is_a_request_only_where_an_http_file_starts_one() {
        let first = "@k = 1\n### Receipts\n# GET implied\nhttps://api.au.whispir.com/m?apikey={{k}}\nAccept: a\n";
        assert_eq!(
            safe("a.http", first),
            "@k = 1\n### Receipts\n# GET implied\nhttps://api.au.whispir.com/m\nx-api-key: {{k}}\nAccept: a\n"
        );
        // In a body, or in another kind of file, a URL line is text.
        let body =
            "POST https://api.au.whispir.com/n\n\nhttps://api.au.whispir.com/m?apikey={{k}}\n";
        manual("a.http", body);
        let xml = "<endpoint>\nhttps://api.au.whispir.com/m?apikey=KEY\n</endpoint>\n";
        manual("a.xml", xml);
    }
}
