//! Rust sources are tokenized by `proc-macro2`, the tokenizer `syn` builds on, so string
//! literals inside `format!`-family macros and method chains come out exactly as rustc sees
//! them. Comments are not tokens there; the raw text scan covers URLs in comments. A file
//! that does not tokenize (unbalanced delimiters mid-edit) falls back to the generic lexer.

use super::lexer::{self, LexSpec};
use super::{Language, RequestStyle, TokKind, Token};
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::str::FromStr;

pub struct Rust;
pub static RUST: Rust = Rust;

const FALLBACK: LexSpec = LexSpec {
    line_comments: &["//"],
    block_comments: &[("/*", "*/")],
    quotes: b"\"",
    multiline: true,
    ..LexSpec::NONE
};

impl Language for Rust {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn tokenize(&self, src: &[u8]) -> Vec<Token> {
        let Ok(text) = std::str::from_utf8(src) else {
            return lexer::tokenize(src, &FALLBACK);
        };
        let tokens = match TokenStream::from_str(text) {
            Ok(stream) => {
                let mut out = Vec::new();
                flatten(stream, &mut out);
                out
            }
            Err(_) => lexer::tokenize(src, &FALLBACK),
        };
        // proc-macro2 keeps every tokenized file's text for span lookups; drop it.
        proc_macro2::extra::invalidate_current_thread_spans();
        tokens
    }

    fn concat_operators(&self) -> &'static [&'static str] {
        &["+"]
    }

    fn request_style(&self) -> RequestStyle {
        RequestStyle::Rust
    }

    fn header_hint(&self, value: &str) -> String {
        format!(".header(\"x-api-key\", {value})")
    }

    fn check_syntax(&self, src: &[u8]) -> Option<Result<(), String>> {
        let text = std::str::from_utf8(src).map_err(|e| e.to_string());
        Some(text.and_then(|t| syn::parse_file(t).map(|_| ()).map_err(|e| e.to_string())))
    }
}

fn flatten(stream: TokenStream, out: &mut Vec<Token>) {
    let mut joint_start: Option<usize> = None;
    for tree in stream {
        match tree {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                if !open.is_empty() {
                    let r = g.span_open().byte_range();
                    out.push(Token {
                        kind: TokKind::Punct,
                        span: r.clone(),
                        content: r,
                    });
                }
                flatten(g.stream(), out);
                if !close.is_empty() {
                    let r = g.span_close().byte_range();
                    out.push(Token {
                        kind: TokKind::Punct,
                        span: r.clone(),
                        content: r,
                    });
                }
            }
            TokenTree::Ident(i) => {
                let r = i.span().byte_range();
                out.push(Token {
                    kind: TokKind::Ident,
                    span: r.clone(),
                    content: r,
                });
            }
            TokenTree::Punct(p) => {
                let r = p.span().byte_range();
                // Join `=>` and `::` as the generic lexer does.
                let start = joint_start.take();
                if let Some(last) = out
                    .last_mut()
                    .filter(|l| Some(l.span.start) == start && l.span.end == r.start)
                {
                    last.span.end = r.end;
                    last.content.end = r.end;
                    continue;
                }
                if p.spacing() == Spacing::Joint && matches!(p.as_char(), '=' | ':') {
                    joint_start = Some(r.start);
                }
                out.push(Token {
                    kind: TokKind::Punct,
                    span: r.clone(),
                    content: r,
                });
            }
            TokenTree::Literal(l) => {
                let r = l.span().byte_range();
                let text = l.to_string();
                out.push(literal_token(&text, r));
            }
        }
    }
}

/// Classifies a literal and finds the bytes between its quotes (`"…"`, `r#"…"#`, `b"…"`).
fn literal_token(text: &str, r: std::ops::Range<usize>) -> Token {
    let Some(q) = text.find('"') else {
        return Token {
            kind: TokKind::Number,
            span: r.clone(),
            content: r,
        };
    };
    let prefix = &text[..q];
    if !matches!(prefix, "" | "b" | "c" | "br" | "cr")
        && !prefix.starts_with('r')
        && !prefix.starts_with("br")
    {
        return Token {
            kind: TokKind::Number,
            span: r.clone(),
            content: r,
        };
    }
    let hashes = prefix.bytes().filter(|&b| b == b'#').count();
    let start = r.start + q + 1;
    let end = r.end.saturating_sub(1 + hashes).max(start);
    Token {
        kind: TokKind::Str,
        span: r,
        content: start..end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_in_macros_have_file_offsets() {
        let src = "// c\nfn f(k: &str) -> String { format!(\"https://api.whispir.com/m?apikey={k}\") }\nfn g() { let _ = r#\"raw\"#; }\n";
        let toks = RUST.tokenize(src.as_bytes());
        let strs: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == TokKind::Str)
            .map(|t| &src[t.content.clone()])
            .collect();
        assert_eq!(strs, ["https://api.whispir.com/m?apikey={k}", "raw"]);
        // A second file on the same thread starts at offset 0 again.
        let toks = RUST.tokenize(b"\"x\"");
        assert_eq!(toks[0].span, 0..3);
    }

    #[test]
    fn joins_fat_arrow_and_path_separator() {
        let src = "match x { a::B => 1 }";
        let toks = RUST.tokenize(src.as_bytes());
        let puncts: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == TokKind::Punct)
            .map(|t| &src[t.span.clone()])
            .collect();
        assert_eq!(puncts, ["{", "::", "=>", "}"]);
    }
}
