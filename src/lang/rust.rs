//! Rust sources are tokenized by the generic lexer in its Rust mode (raw strings, byte and C
//! strings, characters beside lifetimes, nested comments), which finds the string literals
//! rustc sees (a test checks it against `proc-macro2`) at a tenth of the cost of building
//! proc-macro2's token trees. proc-macro2 still answers the questions about blocks that a fix
//! through a variable asks (`is_single_use_local`).

use super::lexer::{self, LexSpec};
use super::{Language, RequestStyle, Token};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::str::FromStr;

pub struct Rust;
pub static RUST: Rust = Rust;

const LEX: LexSpec = LexSpec {
    line_comments: &["//"],
    quotes: b"\"",
    multiline: true,
    rust: true,
    // As rustc joins them; `->`, `..` and `||` stay two tokens.
    pairs: &[*b"=>", *b"::"],
    ..LexSpec::NONE
};

impl Language for Rust {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn tokenize(&self, src: &[u8]) -> Vec<Token> {
        lexer::tokenize(src, &LEX)
    }

    fn concat_operators(&self) -> &'static [&'static str] {
        &["+"]
    }

    fn request_style(&self) -> RequestStyle {
        RequestStyle::Rust
    }

    fn header_hint(&self, key: &super::HintKey) -> String {
        format!(
            ".header(\"x-api-key\", {})",
            super::KeySlot::code('"').show(key)
        )
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

/// SPEC's safe line for a fix through a Rust variable (`tree::is_single_use_local` for the
/// tree-sitter languages): the name at byte `binding` is bound by `let NAME` (not `mut`) in
/// the innermost block that also holds `use_at`, and that block names it exactly twice —
/// the binding and the use — counting the inline arguments of format strings (`"{url}"`).
/// No `|` comes between them: the use may be in a closure (`move || client.get(&url)`),
/// another function, as a nested function's read is in the other languages (an `||` or a
/// bitwise or there leaves the fix unsafe too).
pub fn is_single_use_local(src: &[u8], binding: usize, use_at: usize) -> bool {
    let Ok(text) = std::str::from_utf8(src) else {
        return false;
    };
    let Ok(stream) = TokenStream::from_str(text) else {
        return false;
    };
    let offsets = Offsets::new(text);
    let proven = innermost_block(stream, &offsets, binding, use_at)
        .is_some_and(|block| block_proves(block, &offsets, src, binding, use_at));
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

fn block_proves(
    block: TokenStream,
    offsets: &Offsets,
    src: &[u8],
    binding: usize,
    use_at: usize,
) -> bool {
    let mut words: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut literals: Vec<String> = Vec::new();
    let mut pipes: Vec<usize> = Vec::new();
    collect(block, offsets, &mut words, &mut literals, &mut pipes);
    if pipes.iter().any(|&p| binding < p && p < use_at) {
        return false;
    }
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

/// Every identifier (with its offsets) and literal of a stream, and where each `|` is,
/// nested groups included.
fn collect(
    stream: TokenStream,
    offsets: &Offsets,
    words: &mut Vec<(String, std::ops::Range<usize>)>,
    literals: &mut Vec<String>,
    pipes: &mut Vec<usize>,
) {
    for tree in stream {
        match tree {
            TokenTree::Group(g) => collect(g.stream(), offsets, words, literals, pipes),
            TokenTree::Ident(i) => words.push((i.to_string(), offsets.range(i.span()))),
            TokenTree::Literal(l) => literals.push(l.to_string()),
            TokenTree::Punct(p) if p.as_char() == '|' => {
                pipes.push(offsets.range(p.span()).start);
            }
            TokenTree::Punct(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::TokKind;

    #[test]
    fn a_url_local_read_in_a_closure_is_not_proven() {
        let proven = |src: &str| {
            let binding = src.find("url =").unwrap();
            let use_at = src.rfind("&url").unwrap() + 1;
            is_single_use_local(src.as_bytes(), binding, use_at)
        };
        let direct = "fn f(c: &Client, k: &str) {\n    let url = format!(\"https://api.whispir.com/m?apikey={k}\");\n    c.get(&url).send();\n}\n";
        assert!(proven(direct));
        let closure = "fn f(c: &Client, k: &str) {\n    let url = format!(\"https://api.whispir.com/m?apikey={k}\");\n    let send = move || c.get(&url).send();\n    retry(send);\n}\n";
        assert!(!proven(closure));
        let with_argument = "fn f(c: &Client, k: &str) {\n    let url = format!(\"https://api.whispir.com/m?apikey={k}\");\n    (0..3).for_each(|_| { c.get(&url).send(); });\n}\n";
        assert!(!proven(with_argument));
    }

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

    /// The string literals the lexer finds are the ones rustc's tokenizer (proc-macro2)
    /// finds, with the same bodies, in text full of what trips a naive lexer: a `"` inside a
    /// character, lifetimes and labels, nested comments, raw strings with quotes and hashes.
    #[test]
    fn string_literals_are_the_ones_rustc_sees() {
        let src = r####"fn f<'a>(x: &'a str) -> char {
    /* a /* nested "not a string" */ still a comment */
    let q = '"'; let e = '\''; let u = '\u{1F600}'; let c = 'é';
    let r = r#"raw "quoted" "#; let b = b"bytes"; let br = br##"a"#b"##; let cs = c"c";
    'outer: loop { break 'outer; }
    let url = "https://api.whispir.com/m?apikey=k\"x"; // "comment"
    q
}"####;
        let ours: Vec<&str> = RUST
            .tokenize(src.as_bytes())
            .iter()
            .filter(|t| t.kind == TokKind::Str)
            .map(|t| &src[t.content()])
            .collect();
        fn literals(stream: TokenStream, out: &mut Vec<String>) {
            for tree in stream {
                match tree {
                    TokenTree::Group(g) => literals(g.stream(), out),
                    TokenTree::Literal(l) => out.push(l.to_string()),
                    _ => {}
                }
            }
        }
        let mut written = Vec::new();
        literals(TokenStream::from_str(src).unwrap(), &mut written);
        proc_macro2::extra::invalidate_current_thread_spans();
        let theirs: Vec<String> = written
            .iter()
            .filter(|l| !l.starts_with('\''))
            .filter_map(|l| {
                let q = l.find('"')?;
                let hashes = l[..q].matches('#').count();
                Some(l[q + 1..l.len() - 1 - hashes].to_string())
            })
            .collect();
        assert_eq!(ours, theirs);
        assert_eq!(theirs.len(), 5);
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
