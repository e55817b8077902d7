//! Rust sources are tokenized by the generic lexer in its Rust mode (raw strings, byte and C
//! strings, characters beside lifetimes, nested comments), which finds the string literals
//! rustc sees (a test checks it against `proc-macro2`) at a tenth of the cost of building
//! proc-macro2's token trees. The questions about blocks that a fix through a variable asks
//! (`is_single_use_local`) are answered from those tokens and the file's bracket index; syn
//! says where patterns bind names, once per file and only when a proof needs it.

use super::lexer::{self, LexSpec};
use super::tokens::Openers;
use super::{Language, RequestStyle, TokKind, Token};

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

/// A Rust file as the proofs about its blocks read it: its tokens, its bracket index and,
/// parsed when first asked, where its patterns bind names. Built once per file, so that a file
/// of thousands of requests through variables is not read again for each of them.
pub struct Blocks<'a> {
    src: &'a [u8],
    tokens: &'a [Token],
    openers: &'a Openers,
    /// Where the file's patterns bind names (`pattern_bindings`), read on the first ask.
    patterns: std::sync::OnceLock<Vec<usize>>,
    /// The block last read, by its `{`: the requests of one function ask about the same
    /// block one after another, and it is read once for all of them.
    last: std::cell::RefCell<Option<(usize, std::rc::Rc<BlockIndex<'a>>)>>,
}

impl<'a> Blocks<'a> {
    pub fn new(src: &'a [u8], tokens: &'a [Token], openers: &'a Openers) -> Blocks<'a> {
        Blocks {
            src,
            tokens,
            openers,
            patterns: Default::default(),
            last: Default::default(),
        }
    }

    fn index(&self, block: (usize, usize)) -> std::rc::Rc<BlockIndex<'a>> {
        let mut last = self.last.borrow_mut();
        match &*last {
            Some((open, index)) if *open == block.0 => index.clone(),
            _ => {
                let index = std::rc::Rc::new(BlockIndex::of(self, block));
                *last = Some((block.0, index.clone()));
                index
            }
        }
    }
}

/// Reads `src` as [`Blocks`] for `ask`, in tests.
#[cfg(test)]
pub fn with_blocks<R>(src: &[u8], ask: impl FnOnce(&Blocks) -> R) -> R {
    let tokens = RUST.tokenize(src);
    let openers = Openers::of_file(src, &tokens);
    ask(&Blocks::new(src, &tokens, &openers))
}

/// SPEC's safe line for a fix through a Rust variable (`tree::is_single_use_local` for the
/// tree-sitter languages): the name at byte `binding` is bound by `let NAME` (not `mut`) in
/// the innermost block that also holds `use_at`, and that block names it exactly twice —
/// the binding and the use — counting the inline arguments of format strings (`"{url}"`).
/// No `|` comes between them: the use may be in a closure (`move || client.get(&url)`),
/// another function, as a nested function's read is in the other languages (an `||` or a
/// bitwise or there leaves the fix unsafe too). And no name the `let` statement reads (the
/// key) is bound or assigned again before the use ([`rebound_between`]).
pub fn is_single_use_local(file: &Blocks, binding: usize, use_at: usize) -> bool {
    matches!(block_of(file, binding, use_at), Some(Proof::Proven))
}

/// Where a name the `let` statement at `binding` reads (the key) is bound or assigned again
/// before `use_at` (`let key = key.trim();`, `for key in keys`, `key = …`, `if let Some(key)
/// = …`, a match arm's `Some(key) =>`, a closure's `|key|`): the header the fix adds at the
/// use would send that value. The byte range of that name. A pattern counts also where its
/// scope ends before the use (an arm that does not send): the proof does not follow scopes.
pub fn rebound_between(
    file: &Blocks,
    binding: usize,
    use_at: usize,
) -> Option<std::ops::Range<usize>> {
    match block_of(file, binding, use_at)? {
        Proof::Rebound(at) => Some(at),
        _ => None,
    }
}

/// What the block around a binding and its use says about it.
enum Proof {
    Proven,
    Rebound(std::ops::Range<usize>),
    Not,
}

/// The innermost `{…}` around both offsets, as the indexes of its brackets, in a file whose
/// brackets all pair (rustc would reject any other).
fn innermost_block(file: &Blocks, a: usize, b: usize) -> Option<(usize, usize)> {
    if !file.openers.balanced() {
        return None;
    }
    let tokens = file.tokens;
    let mut open = file.openers.of(super::tokens::token_at(tokens, a)?);
    while let Some(o) = open {
        let close = file.openers.close_of(o)?;
        if tokens[o].start() < a && b < tokens[close].start() && tokens[o].is_punct(file.src, "{") {
            return Some((o, close));
        }
        open = file.openers.of(o);
    }
    None
}

fn block_of(file: &Blocks, binding: usize, use_at: usize) -> Option<Proof> {
    let block = innermost_block(file, binding, use_at)?;
    Some(block_proves(file, block, binding, use_at))
}

fn block_proves(file: &Blocks, block: (usize, usize), binding: usize, use_at: usize) -> Proof {
    let src = file.src;
    let index = file.index(block);
    let words = &index.seen.words;
    // Words, literals and the rest are in the order of the text.
    let from = |list: &[(&[u8], std::ops::Range<usize>)], offset: usize| {
        list.partition_point(|(_, r)| r.start < offset)
    };
    let at = from(words, binding);
    if words.get(at).is_none_or(|(_, r)| r.start != binding) {
        return Proof::Not;
    }
    let name = words[at].0;
    let bound_by_let = at > 0 && words[at - 1].0 == b"let";
    let named = index.words_named.get(name).copied().unwrap_or(0)
        + index.literals_naming.get(name).copied().unwrap_or(0);
    if !bound_by_let || named != 2 {
        return Proof::Not;
    }
    // The `let` statement ends at the block's next `;`.
    let ends = &index.seen.statement_ends;
    let Some(&end) = ends.get(ends.partition_point(|&e| e <= binding)) else {
        return Proof::Not;
    };
    let in_statement = |list: &'_ [(&'_ [u8], std::ops::Range<usize>)]| {
        let first = from(list, binding + 1);
        let last = first + list[first..].partition_point(|(_, r)| r.end <= end);
        first..last
    };
    let mut read: Vec<&[u8]> = words[in_statement(words)].iter().map(|(w, _)| *w).collect();
    let literals = &index.seen.literals;
    for (literal, _) in &literals[in_statement(literals)] {
        read.extend(inline_arguments(literal));
    }
    // What patterns bind is asked of syn only when a name the statement reads comes again
    // before the use and is not plainly bound (`let`, `for`, `=`): most blocks never need it.
    let after = from(words, end + 1);
    let rebound = words[after..]
        .iter()
        .take_while(|(_, r)| r.end <= use_at)
        .find(|(w, r)| {
            read.contains(w)
                && (is_bound_at(src, r)
                    || file
                        .patterns
                        .get_or_init(|| pattern_bindings(src))
                        .binary_search(&r.start)
                        .is_ok())
        });
    if let Some((_, r)) = rebound {
        return Proof::Rebound(r.clone());
    }
    let pipes = &index.seen.pipes;
    if pipes
        .get(pipes.partition_point(|&p| p <= binding))
        .is_some_and(|&p| p < use_at)
    {
        return Proof::Not;
    }
    Proof::Proven
}

/// One block's tokens as the proofs ask about them.
struct BlockIndex<'s> {
    seen: Collected<'s>,
    /// How many words of the block are each name.
    words_named: std::collections::HashMap<&'s [u8], usize>,
    /// How many literals of the block name each name inline (`"{url}"`, `"{url:?}"`).
    literals_naming: std::collections::HashMap<&'s [u8], usize>,
}

impl<'s> BlockIndex<'s> {
    fn of(file: &Blocks<'s>, block: (usize, usize)) -> BlockIndex<'s> {
        let seen = collect(file, block);
        let mut words_named = std::collections::HashMap::new();
        for (w, _) in &seen.words {
            *words_named.entry(*w).or_insert(0) += 1;
        }
        let mut literals_naming = std::collections::HashMap::new();
        let mut names: Vec<&[u8]> = Vec::new();
        for (literal, _) in &seen.literals {
            names.clear();
            names.extend(inline_arguments(literal));
            names.sort_unstable();
            names.dedup();
            for n in &names {
                *literals_naming.entry(*n).or_insert(0) += 1;
            }
        }
        BlockIndex {
            seen,
            words_named,
            literals_naming,
        }
    }
}

/// Where the patterns of the file bind a name (`Some(key)` and `Row { key, .. }` of a match
/// arm, an `if let` or `while let`, `|key|` of a closure, `ref key`, `key @ …`): the sorted
/// start offsets of those names. Empty when syn cannot parse the file.
fn pattern_bindings(src: &[u8]) -> Vec<usize> {
    struct Bindings {
        offsets: Offsets,
        at: Vec<usize>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Bindings {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            self.at.push(self.offsets.range(pat.ident.span()).start);
            syn::visit::visit_pat_ident(self, pat);
        }
    }
    let Ok(text) = std::str::from_utf8(src) else {
        return Vec::new();
    };
    let Ok(file) = syn::parse_file(text) else {
        return Vec::new();
    };
    let mut bindings = Bindings {
        offsets: Offsets::new(text),
        at: Vec::new(),
    };
    syn::visit::Visit::visit_file(&mut bindings, &file);
    proc_macro2::extra::invalidate_current_thread_spans();
    bindings.at.sort_unstable();
    bindings.at
}

/// The names a format string reads inline: `key` of `"…{key}…"` and `"…{key:>8}…"` (a `{`,
/// an identifier, then `}` or `:`).
fn inline_arguments(literal: &[u8]) -> impl Iterator<Item = &[u8]> {
    memchr::memchr_iter(b'{', literal).filter_map(move |i| {
        let rest = &literal[i + 1..];
        let name = &rest[..rest.iter().position(|&b| b == b'}' || b == b':')?];
        let ident = !name.is_empty()
            && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
            && !name[0].is_ascii_digit();
        ident.then_some(name)
    })
}

/// The identifier at `name` is written, not read: assigned (`key = …`, `key += …`), or bound
/// by the pattern of a `let`, `if let`, `while let` or `for` that starts its statement
/// (`let key`, `let (a, key) =`, `for key in`, `if let Some(key) =`).
fn is_bound_at(src: &[u8], name: &std::ops::Range<usize>) -> bool {
    let after = src[name.end..].trim_ascii_start();
    let assigned =
        (after.starts_with(b"=") && !after.starts_with(b"==") && !after.starts_with(b"=>"))
            || [
                b"+=".as_slice(),
                b"-=",
                b"*=",
                b"/=",
                b"%=",
                b"|=",
                b"&=",
                b"^=",
                b"<<=",
                b">>=",
            ]
            .iter()
            .any(|op| after.starts_with(op));
    // Back to where the statement (or the block) starts.
    let before = &src[..name.start];
    let from = before
        .iter()
        .rposition(|&b| matches!(b, b';' | b'{' | b'}'))
        .map_or(0, |i| i + 1);
    let lead = &before[from..];
    let words: Vec<&[u8]> = lead
        .split(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .filter(|w| !w.is_empty())
        .collect();
    let pattern = !lead.contains(&b'=')
        && (words.contains(&b"let".as_slice())
            || (words.contains(&b"for".as_slice()) && !words.contains(&b"in".as_slice())));
    assigned || pattern
}

/// What a block's tokens hold, nested groups included.
#[derive(Default)]
struct Collected<'s> {
    /// Every identifier (a lifetime's name too, as rustc splits `'a`), with its offsets.
    words: Vec<(&'s [u8], std::ops::Range<usize>)>,
    /// Every literal, with its offsets.
    literals: Vec<(&'s [u8], std::ops::Range<usize>)>,
    /// Where each `|` is.
    pipes: Vec<usize>,
    /// Where each `;` of the block itself (not of a nested group) is.
    statement_ends: Vec<usize>,
}

/// The tokens strictly between the brackets `block`.
fn collect<'s>(file: &Blocks<'s>, (open, close): (usize, usize)) -> Collected<'s> {
    let (src, tokens) = (file.src, file.tokens);
    let mut seen = Collected::default();
    for (j, t) in tokens.iter().enumerate().take(close).skip(open + 1) {
        let range = t.start()..t.end();
        match t.kind {
            TokKind::Ident => seen.words.push((&src[range.clone()], range)),
            // A character is a `Number` token; a lifetime is a `'` and its name, a word.
            TokKind::Str | TokKind::Number => seen.literals.push((&src[range.clone()], range)),
            TokKind::Punct if t.is_punct(src, "|") => seen.pipes.push(range.start),
            TokKind::Punct if t.is_punct(src, ";") && file.openers.of(j) == Some(open) => {
                seen.statement_ends.push(range.start);
            }
            _ => {}
        }
    }
    seen
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
            with_blocks(src.as_bytes(), |b| is_single_use_local(b, binding, use_at))
        };
        let direct = "fn f(c: &Client, k: &str) {\n    let url = format!(\"https://api.whispir.com/m?apikey={k}\");\n    c.get(&url).send();\n}\n";
        assert!(proven(direct));
        let closure = "fn f(c: &Client, k: &str) {\n    let url = format!(\"https://api.whispir.com/m?apikey={k}\");\n    let send = move || c.get(&url).send();\n    retry(send);\n}\n";
        assert!(!proven(closure));
        let with_argument = "fn f(c: &Client, k: &str) {\n    let url = format!(\"https://api.whispir.com/m?apikey={k}\");\n    (0..3).for_each(|_| { c.get(&url).send(); });\n}\n";
        assert!(!proven(with_argument));
    }

    #[test]
    fn a_key_bound_again_before_the_send_is_not_proven_and_its_line_is_found() {
        let url = "    let url = format!(\"https://api.whispir.com/m?apikey={}\", k);\n";
        let inline = "    let url = format!(\"https://api.whispir.com/m?apikey={k}\");\n";
        let send = "    c.get(&url).send();\n";
        // The URL's statement, what comes between it and the send, and the bound `k`.
        for (statement, between) in [
            (url, "    let k = k.trim();\n"),
            (inline, "    let k = k.trim();\n"),
            (url, "    k += \"!\";\n"),
            (inline, "    for k in ks {\n"),
            (url, "    for (n, k) in pairs {\n"),
            (inline, "    if let Some(k) = next {\n"),
        ] {
            let close = if between.ends_with("{\n") {
                "    }\n"
            } else {
                ""
            };
            let src =
                format!("fn f(c: &Client, k: &str) {{\n{statement}{between}{send}{close}}}\n");
            let binding = src.find("url =").unwrap();
            let use_at = src.rfind("&url").unwrap() + 1;
            assert!(
                !with_blocks(src.as_bytes(), |b| is_single_use_local(b, binding, use_at)),
                "{src}"
            );
            let rebound = with_blocks(src.as_bytes(), |b| rebound_between(b, binding, use_at))
                .expect("bound again");
            let between_at = src.find(between).unwrap();
            assert!(
                (between_at..between_at + between.len()).contains(&rebound.start),
                "{src}"
            );
            assert_eq!(&src[rebound], "k");
        }
        // Read, or bound before the URL is built: the key the URL holds is the one sent.
        for fine in [
            format!("fn f(c: &Client, k: &str) {{\n{url}    log(k.len());\n{send}}}\n"),
            format!(
                "fn f(c: &Client, ks: &[String]) {{\n    for k in ks {{\n    {inline}    {send}    }}\n}}\n"
            ),
            format!("fn f(c: &Client, k: &str) {{\n    let k = k.trim();\n{url}{send}}}\n"),
        ] {
            let binding = fine.find("url =").unwrap();
            let use_at = fine.rfind("&url").unwrap() + 1;
            assert!(
                with_blocks(fine.as_bytes(), |b| is_single_use_local(b, binding, use_at)),
                "{fine}"
            );
        }
    }

    #[test]
    fn a_key_bound_again_by_a_match_arm_a_while_let_or_a_closure_is_not_proven() {
        let url = "    let url = format!(\"https://api.whispir.com/m?apikey={k}\");\n";
        let send = "c.get(&url).send()";
        // Each case: what comes between the URL and the send (which `{send}` marks), and
        // the text of the line that binds `k` again.
        let cases = [
            (
                "    match next {\n        Some(k) => {send},\n        None => return,\n    };\n",
                "        Some(k) => ",
            ),
            (
                "    match row {\n        Row { k, .. } => {send},\n    };\n",
                "        Row { k, .. } => ",
            ),
            (
                "    match pair {\n        (n, Some(ref k)) if n > 0 => {send},\n        _ => return,\n    };\n",
                "        (n, Some(ref k)) if n > 0 => ",
            ),
            (
                "    while let Some(k) = keys.pop() {\n        {send};\n    }\n",
                "    while let Some(k) = keys.pop() {",
            ),
            (
                "    let Some(k) = next else { return };\n    {send};\n",
                "    let Some(k) = next else { return };",
            ),
            (
                "    keys.iter().for_each(|k| {\n        {send};\n    });\n",
                "    keys.iter().for_each(|k| {",
            ),
        ];
        let mut failed = Vec::new();
        for (between, line) in cases {
            let between = between.replace("{send}", send);
            let src = format!("fn f(c: &Client, k: &str) {{\n{url}{between}}}\n");
            let binding = src.find("url =").unwrap();
            let use_at = src.rfind("&url").unwrap() + 1;
            let line_at = src.find(line).unwrap();
            let found = with_blocks(src.as_bytes(), |b| rebound_between(b, binding, use_at))
                .is_some_and(|r| {
                    (line_at..line_at + line.len()).contains(&r.start) && &src[r] == "k"
                });
            if !found || with_blocks(src.as_bytes(), |b| is_single_use_local(b, binding, use_at)) {
                failed.push(src);
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n"));
        // Bound before the URL is built, by the arm or the closure that holds both: the URL
        // holds the key the header sends.
        for fine in [
            "fn f(c: &Client, next: Option<&str>) {\n    match next {\n        Some(k) => {\n            let url = format!(\"https://api.whispir.com/m?apikey={k}\");\n            c.get(&url).send();\n        }\n        None => {}\n    }\n}\n",
            "fn f(c: &Client, k: &str, next: Option<u8>) {\n    let url = format!(\"https://api.whispir.com/m?apikey={k}\");\n    match next {\n        Some(n) => log(n),\n        None => {}\n    }\n    c.get(&url).send();\n}\n",
        ] {
            let binding = fine.find("url =").unwrap();
            let use_at = fine.rfind("&url").unwrap() + 1;
            assert!(
                with_blocks(fine.as_bytes(), |b| is_single_use_local(b, binding, use_at)),
                "{fine}"
            );
        }
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
        use proc_macro2::{TokenStream, TokenTree};
        use std::str::FromStr;
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
