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
                flatten(stream, &Offsets::new(text), text, &mut out);
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

/// Byte offsets of spans. proc-macro2 counts characters, and its conversion to bytes
/// (`byte_range`) keeps a map of every offset asked for: that was most of the cost of
/// tokenizing Rust. In ASCII text a character is a byte, so a span's line start plus its
/// column is its offset.
enum Offsets {
    /// Where each line starts.
    Ascii(Vec<usize>),
    Unicode,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        if !text.is_ascii() {
            return Offsets::Unicode;
        }
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Offsets::Ascii(starts)
    }

    fn range(&self, span: proc_macro2::Span) -> std::ops::Range<usize> {
        match self {
            Offsets::Ascii(starts) => {
                let at = |p: proc_macro2::LineColumn| starts[p.line - 1] + p.column;
                at(span.start())..at(span.end())
            }
            Offsets::Unicode => span.byte_range(),
        }
    }
}

fn flatten(stream: TokenStream, offsets: &Offsets, text: &str, out: &mut Vec<Token>) {
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
                    let r = offsets.range(g.span_open());
                    out.push(Token::new(TokKind::Punct, r));
                }
                flatten(g.stream(), offsets, text, out);
                if !close.is_empty() {
                    let r = offsets.range(g.span_close());
                    out.push(Token::new(TokKind::Punct, r));
                }
            }
            TokenTree::Ident(i) => {
                let r = offsets.range(i.span());
                out.push(Token::new(TokKind::Ident, r));
            }
            TokenTree::Punct(p) => {
                let r = offsets.range(p.span());
                // Join `=>` and `::` as the generic lexer does.
                let start = joint_start.take();
                if let Some(last) = out
                    .last_mut()
                    .filter(|l| Some(l.start()) == start && l.end() == r.start)
                {
                    last.extend_to(r.end);
                    continue;
                }
                if p.spacing() == Spacing::Joint && matches!(p.as_char(), '=' | ':') {
                    joint_start = Some(r.start);
                }
                out.push(Token::new(TokKind::Punct, r));
            }
            TokenTree::Literal(l) => {
                let r = offsets.range(l.span());
                // In ASCII text the span is the literal as written: no string to build.
                let token = match offsets {
                    Offsets::Ascii(_) => literal_token(&text[r.clone()], r),
                    Offsets::Unicode => literal_token(&l.to_string(), r),
                };
                out.push(token);
            }
        }
    }
}

/// Classifies a literal and finds the bytes between its quotes (`"…"`, `r#"…"#`, `b"…"`).
fn literal_token(text: &str, r: std::ops::Range<usize>) -> Token {
    let Some(q) = text.find('"') else {
        return Token::new(TokKind::Number, r);
    };
    let prefix = &text[..q];
    if !matches!(prefix, "" | "b" | "c" | "br" | "cr")
        && !prefix.starts_with('r')
        && !prefix.starts_with("br")
    {
        return Token::new(TokKind::Number, r);
    }
    let hashes = prefix.bytes().filter(|&b| b == b'#').count();
    let start = r.start + q + 1;
    let end = r.end.saturating_sub(1 + hashes).max(start);
    Token::with_content(TokKind::Str, r, start..end)
}

/// SPEC's safe line for a fix through a Rust variable (`tree::is_single_use_local` for the
/// tree-sitter languages): the name at byte `binding` is bound by `let NAME` (not `mut`) in
/// the innermost block that also holds `use_at`, and that block names it exactly twice —
/// the binding and the use — counting the inline arguments of format strings (`"{url}"`).
pub fn is_single_use_local(src: &[u8], binding: usize, use_at: usize) -> bool {
    let Ok(text) = std::str::from_utf8(src) else {
        return false;
    };
    let Ok(stream) = TokenStream::from_str(text) else {
        return false;
    };
    let offsets = Offsets::new(text);
    let proven = innermost_block(stream, &offsets, binding, use_at)
        .is_some_and(|block| block_proves(block, &offsets, src, binding));
    proc_macro2::extra::invalidate_current_thread_spans();
    proven
}

/// The innermost `{…}` whose span holds both offsets.
fn innermost_block(
    stream: TokenStream,
    offsets: &Offsets,
    a: usize,
    b: usize,
) -> Option<TokenStream> {
    for tree in stream {
        if let TokenTree::Group(g) = tree {
            let span = offsets.range(g.span_open()).start..offsets.range(g.span_close()).end;
            if span.contains(&a) && span.contains(&b) {
                let inner = innermost_block(g.stream(), offsets, a, b);
                return match inner {
                    Some(found) => Some(found),
                    None if g.delimiter() == Delimiter::Brace => Some(g.stream()),
                    None => None,
                };
            }
        }
    }
    None
}

fn block_proves(block: TokenStream, offsets: &Offsets, src: &[u8], binding: usize) -> bool {
    let mut words: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut literals: Vec<String> = Vec::new();
    collect(block, offsets, &mut words, &mut literals);
    let Some(at) = words.iter().position(|(_, r)| r.start == binding) else {
        return false;
    };
    let name = String::from_utf8_lossy(&src[words[at].1.clone()]).into_owned();
    let bound_by_let = at > 0 && words[at - 1].0 == "let";
    let named = words.iter().filter(|(w, _)| *w == name).count()
        + literals
            .iter()
            .filter(|l| l.contains(&format!("{{{name}}}")) || l.contains(&format!("{{{name}:")))
            .count();
    bound_by_let && named == 2
}

/// Every identifier (with its offsets) and literal of a stream, nested groups included.
fn collect(
    stream: TokenStream,
    offsets: &Offsets,
    words: &mut Vec<(String, std::ops::Range<usize>)>,
    literals: &mut Vec<String>,
) {
    for tree in stream {
        match tree {
            TokenTree::Group(g) => collect(g.stream(), offsets, words, literals),
            TokenTree::Ident(i) => words.push((i.to_string(), offsets.range(i.span()))),
            TokenTree::Literal(l) => literals.push(l.to_string()),
            TokenTree::Punct(_) => {}
        }
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
            .map(|t| &src[t.content()])
            .collect();
        assert_eq!(strs, ["https://api.whispir.com/m?apikey={k}", "raw"]);
        // A second file on the same thread starts at offset 0 again.
        let toks = RUST.tokenize(b"\"x\"");
        assert_eq!(toks[0].span(), 0..3);
    }

    fn tokens_with(src: &str, offsets: &Offsets) -> Vec<Token> {
        let mut out = Vec::new();
        flatten(TokenStream::from_str(src).unwrap(), offsets, src, &mut out);
        proc_macro2::extra::invalidate_current_thread_spans();
        out
    }

    #[test]
    fn ascii_offsets_are_proc_macro2s_own() {
        let src = "fn main() {\n    let u = \"https://api.whispir.com/m?apikey=k\";\n\n    \
                   x::<T>(u, 'c', r#\"q\"#, 1.5e3, b\"z\") => 2; // end\n}";
        assert!(matches!(Offsets::new(src), Offsets::Ascii(_)));
        let by_lines = tokens_with(src, &Offsets::new(src));
        assert!(by_lines.len() > 20);
        assert_eq!(by_lines, tokens_with(src, &Offsets::Unicode));
    }

    #[test]
    fn non_ascii_text_keeps_byte_offsets() {
        let src = "// é\nfn f() { \"ü\"; g(\"x\") }";
        let toks = RUST.tokenize(src.as_bytes());
        let strs: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == TokKind::Str)
            .map(|t| &src[t.content()])
            .collect();
        assert_eq!(strs, ["ü", "x"]);
    }

    #[test]
    fn joins_fat_arrow_and_path_separator() {
        let src = "match x { a::B => 1 }";
        let toks = RUST.tokenize(src.as_bytes());
        let puncts: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == TokKind::Punct)
            .map(|t| &src[t.span()])
            .collect();
        assert_eq!(puncts, ["{", "::", "=>", "}"]);
    }
}
