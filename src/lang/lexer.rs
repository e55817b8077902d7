//! One configurable lexer for the C, script and data families. It knows comments, string
//! literals (with escapes, triple quotes, templates, raw and verbatim forms), identifiers,
//! numbers and punctuation: enough to find where a string starts and ends, what joins it to
//! its neighbours, and which call or container it sits in.

use super::{TokKind, Token};

#[derive(Debug, Clone, Copy)]
pub struct LexSpec {
    pub line_comments: &'static [&'static str],
    pub block_comments: &'static [(&'static str, &'static str)],
    /// Single-byte string delimiters.
    pub quotes: &'static [u8],
    /// `"""…"""` and `'''…'''`.
    pub triple: bool,
    /// JavaScript template literals with nested `${…}`.
    pub template: bool,
    /// Go raw strings in backticks.
    pub raw_backtick: bool,
    /// C# `@"…"` verbatim strings (no escapes, `""` for a quote).
    pub verbatim_at: bool,
    /// Strings may run over line breaks (shell, PHP, Ruby).
    pub multiline: bool,
    /// Emit `Newline` tokens.
    pub newlines: bool,
    /// `#` starts a comment only at the start of a word (shell, YAML): `a#b` is not one.
    pub hash_needs_space: bool,
    /// `'…'` has no backslash escapes (shell, YAML).
    pub raw_single_quotes: bool,
    /// Rust literals: `r#"…"#` raw strings, `b"…"`/`c"…"` prefixes, `'x'` characters
    /// (a lone `'` before a name is a lifetime), nested `/* /* */ */` comments.
    pub rust: bool,
    /// Ruby's percent literals (`%q(…)`, `%Q[…]`, `%w{…}`, `%(…)`) and heredocs (`<<~EOS`,
    /// `<<-'EOS'`, `<<EOS`): each a string, whatever quotes, `'` or `#` its text holds.
    pub ruby: bool,
    /// Two-byte operators that are one token.
    pub pairs: &'static [[u8; 2]],
}

impl LexSpec {
    pub const NONE: LexSpec = LexSpec {
        line_comments: &[],
        block_comments: &[],
        quotes: b"",
        triple: false,
        template: false,
        raw_backtick: false,
        verbatim_at: false,
        multiline: false,
        newlines: false,
        hash_needs_space: false,
        raw_single_quotes: false,
        rust: false,
        ruby: false,
        pairs: &[*b"=>", *b"::", *b"..", *b"<<", *b"->", *b"||"],
    };
}

pub fn tokenize(src: &[u8], spec: &LexSpec) -> Vec<Token> {
    // Code has a token every few bytes: start near that rather than grow from nothing.
    let mut out = Vec::with_capacity(src.len() / 8);
    let mut i = 0;
    let n = src.len();
    let push = |out: &mut Vec<Token>, kind, start, end, content: std::ops::Range<usize>| {
        out.push(Token::with_content(kind, start..end, content));
    };
    // Ruby heredocs opened on the current line: their bodies start on the next one.
    let mut heredocs: Vec<Heredoc> = Vec::new();
    'outer: while i < n {
        let b = src[i];
        if b == b'\n' {
            if spec.newlines {
                push(&mut out, TokKind::Newline, i, i + 1, i..i + 1);
            }
            i += 1;
            if !heredocs.is_empty() {
                i = heredoc_bodies(src, i, &heredocs, &mut out);
                heredocs.clear();
            }
            continue;
        }
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // Rust's prefixed strings (`b"…"`, `r#"…"#`) are the only tokens but identifiers
        // that start with a letter; identifiers, most of the tokens, come next.
        if spec.rust
            && let Some((body, close, end)) = rust_prefixed_string(src, i)
        {
            push(&mut out, TokKind::Str, i, end, body..close);
            i = end;
            continue;
        }
        if IDENT[b as usize] && !b.is_ascii_digit() {
            let j = ident_end(src, i + 1);
            push(&mut out, TokKind::Ident, i, j, i..j);
            i = j;
            continue;
        }
        if spec.ruby
            && matches!(b, b'%' | b'<')
            && let Some(literal) = ruby_literal(src, i, &out)
        {
            push(&mut out, TokKind::Str, i, literal.end, literal.content);
            heredocs.extend(literal.heredoc);
            i = literal.end;
            continue;
        }
        // Most bytes start no comment: compare the first byte before the marker.
        for lc in spec.line_comments {
            if lc.as_bytes()[0] == b && src[i..].starts_with(lc.as_bytes()) {
                let word_start = i == 0 || src[i - 1].is_ascii_whitespace();
                if *lc == "#" && spec.hash_needs_space && !word_start {
                    continue;
                }
                let end = memchr::memchr(b'\n', &src[i..]).map_or(n, |e| i + e);
                push(&mut out, TokKind::Comment, i, end, i..end);
                i = end;
                continue 'outer;
            }
        }
        if spec.rust {
            if b == b'/' && src.get(i + 1) == Some(&b'*') {
                let end = nested_comment_end(src, i);
                push(&mut out, TokKind::Comment, i, end, i..end);
                i = end;
                continue;
            }
            if b == b'\'' {
                // A character is a literal; a lifetime or label is a `'` before its name.
                let end = rust_char_end(src, i).unwrap_or(i + 1);
                let kind = if end > i + 1 {
                    TokKind::Number
                } else {
                    TokKind::Punct
                };
                push(&mut out, kind, i, end, i..end);
                i = end;
                continue;
            }
        }
        for (open, close) in spec.block_comments {
            if open.as_bytes()[0] == b && src[i..].starts_with(open.as_bytes()) {
                let body = i + open.len();
                let end = memchr::memmem::find(&src[body..], close.as_bytes())
                    .map_or(n, |e| body + e + close.len());
                push(&mut out, TokKind::Comment, i, end, i..end);
                i = end;
                continue 'outer;
            }
        }
        if spec.triple && (src[i..].starts_with(b"\"\"\"") || src[i..].starts_with(b"'''")) {
            let delim = &src[i..i + 3];
            let body = i + 3;
            let close = memchr::memmem::find(&src[body..], delim).map_or(n, |e| body + e);
            let end = (close + 3).min(n);
            push(&mut out, TokKind::Str, i, end, body..close);
            i = end;
            continue;
        }
        if spec.verbatim_at && b == b'@' && src.get(i + 1) == Some(&b'"') {
            let (close, end) = scan_verbatim(src, i + 2);
            push(&mut out, TokKind::Str, i, end, i + 2..close);
            i = end;
            continue;
        }
        if spec.template && b == b'`' {
            let (close, end) = scan_template(src, i + 1);
            push(&mut out, TokKind::Str, i, end, i + 1..close);
            i = end;
            continue;
        }
        if spec.raw_backtick && b == b'`' {
            let close = memchr::memchr(b'`', &src[i + 1..]).map_or(n, |e| i + 1 + e);
            let end = (close + 1).min(n);
            push(&mut out, TokKind::Str, i, end, i + 1..close);
            i = end;
            continue;
        }
        if spec.quotes.contains(&b) {
            let (close, end) = scan_quoted(
                src,
                i + 1,
                b,
                spec.multiline,
                !(b == b'\'' && spec.raw_single_quotes),
            );
            push(&mut out, TokKind::Str, i, end, i + 1..close);
            i = end;
            continue;
        }
        if b.is_ascii_digit() {
            let mut j = i + 1;
            while j < n
                && (src[j].is_ascii_alphanumeric()
                    || src[j] == b'_'
                    || (src[j] == b'.' && src.get(j + 1).is_some_and(u8::is_ascii_digit)))
            {
                j += 1;
            }
            push(&mut out, TokKind::Number, i, j, i..j);
            i = j;
            continue;
        }
        let len = if spec
            .pairs
            .iter()
            .any(|p| p[0] == b && src.get(i + 1) == Some(&p[1]))
        {
            2
        } else {
            1
        };
        push(&mut out, TokKind::Punct, i, i + len, i..i + len);
        i += len;
    }
    out
}

/// A heredoc opened on a line: the word that ends it, and whether that word may be indented
/// (`<<~`, `<<-`).
struct Heredoc {
    word: std::ops::Range<usize>,
    indented_end: bool,
}

/// Whether a `%` or `<<` after the tokens `before` (at `at`, with whitespace before it or not)
/// opens a literal rather than being an operator: nothing that ends an operand comes before,
/// or a name does with a space between and none after (`puts %w[a b]`, `x = y <<~EOS`, not
/// `a % (b)` nor `list<<CONST`), as Ruby reads a command's first argument.
fn opens_ruby_literal(src: &[u8], at: usize, after: usize, before: &[Token]) -> bool {
    let Some(prev) = before.last() else {
        return true;
    };
    let operand = match prev.kind {
        TokKind::Ident | TokKind::Number | TokKind::Str => true,
        TokKind::Punct => matches!(prev.text(src), b")" | b"]" | b"}"),
        _ => false,
    };
    !operand
        || (prev.kind == TokKind::Ident
            && src[..at].last().is_some_and(u8::is_ascii_whitespace)
            && src.get(after).is_some_and(|c| !c.is_ascii_whitespace()))
}

/// A Ruby percent literal, or a heredoc's opener (its content empty: the body follows the
/// line, as a token of its own).
struct RubyLiteral {
    content: std::ops::Range<usize>,
    end: usize,
    heredoc: Option<Heredoc>,
}

/// The Ruby percent literal or heredoc opener at `at`; `None` for the operators `%` and `<<`.
fn ruby_literal(src: &[u8], at: usize, before: &[Token]) -> Option<RubyLiteral> {
    let percent = |content, end| RubyLiteral {
        content,
        end,
        heredoc: None,
    };
    if src[at] == b'%' {
        let mut j = at + 1;
        if matches!(
            src.get(j),
            Some(b'q' | b'Q' | b'w' | b'W' | b'i' | b'I' | b'r' | b'x' | b's')
        ) {
            j += 1;
        }
        let open = *src.get(j)?;
        let bare = j == at + 1;
        let delimiter = if bare {
            matches!(open, b'(' | b'[' | b'{' | b'<' | b'|' | b'!' | b'/' | b'^')
        } else {
            !open.is_ascii_alphanumeric() && !open.is_ascii_whitespace()
        };
        if !delimiter || !opens_ruby_literal(src, at, j, before) {
            return None;
        }
        let close = match open {
            b'(' => b')',
            b'[' => b']',
            b'{' => b'}',
            b'<' => b'>',
            other => other,
        };
        // Brackets nest inside their own literal (`%q(a (b) c)`); a backslash escapes.
        let (mut depth, mut k) = (0usize, j + 1);
        while k < src.len() {
            match src[k] {
                b'\\' => k += 1,
                c if c == close && depth == 0 => return Some(percent(j + 1..k, k + 1)),
                c if c == close => depth -= 1,
                c if c == open => depth += 1,
                _ => {}
            }
            k += 1;
        }
        return Some(percent(j + 1..src.len(), src.len()));
    }
    let rest = &src[at..];
    if !rest.starts_with(b"<<") {
        return None;
    }
    let mut j = at + 2;
    let indented_end = matches!(src.get(j), Some(b'~' | b'-'));
    if indented_end {
        j += 1;
    }
    let first = *src.get(j)?;
    let (word, end) = if matches!(first, b'\'' | b'"' | b'`') {
        let line_end = memchr::memchr(b'\n', &src[j + 1..]).map_or(src.len(), |e| j + 1 + e);
        let close = j + 1 + memchr::memchr(first, &src[j + 1..line_end])?;
        (j + 1..close, close + 1)
    } else if first == b'_'
        || first.is_ascii_uppercase()
        || (indented_end && first.is_ascii_lowercase())
    {
        let end = ident_end(src, j + 1);
        (j..end, end)
    } else {
        return None;
    };
    if word.is_empty() || !opens_ruby_literal(src, at, at + 2, before) {
        return None;
    }
    Some(RubyLiteral {
        content: end..end,
        end,
        heredoc: Some(Heredoc { word, indented_end }),
    })
}

/// The bodies of the heredocs opened on the line before `from`, one after another, each a
/// string token up to its end word's line. Returns where lexing goes on: the line break after
/// the last end word.
fn heredoc_bodies(src: &[u8], from: usize, heredocs: &[Heredoc], out: &mut Vec<Token>) -> usize {
    let mut body = from;
    let mut resume = from;
    for h in heredocs {
        let word = &src[h.word.clone()];
        let mut line = body;
        let (content_end, end) = loop {
            if line >= src.len() {
                break (src.len(), src.len());
            }
            let line_end = memchr::memchr(b'\n', &src[line..]).map_or(src.len(), |e| line + e);
            let mut text = &src[line..line_end];
            text = text.strip_suffix(b"\r").unwrap_or(text);
            if h.indented_end {
                text = text.trim_ascii_start();
            }
            if text == word {
                break (line, line_end);
            }
            line = line_end + 1;
        };
        out.push(Token::with_content(
            TokKind::Str,
            body..end,
            body..content_end,
        ));
        resume = end;
        body = (end + 1).min(src.len());
    }
    resume
}

/// Bytes that continue an identifier: letters, digits, `_`, `$` and any byte of a non-ASCII
/// character.
const IDENT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
        b += 1;
    }
    table
};

/// Whether byte `b` continues an identifier.
pub fn is_ident_byte(b: u8) -> bool {
    IDENT[b as usize]
}

/// Where the identifier continuing at `from` ends.
fn ident_end(src: &[u8], from: usize) -> usize {
    src[from..]
        .iter()
        .position(|&c| !IDENT[c as usize])
        .map_or(src.len(), |k| from + k)
}

/// Scans a quoted string whose body starts at `from`; returns (closing quote index, end).
/// An unterminated single-line string ends at the line break, so damage stays on one line.
fn scan_quoted(
    src: &[u8],
    from: usize,
    quote: u8,
    multiline: bool,
    escapes: bool,
) -> (usize, usize) {
    let mut j = from;
    while j < src.len() {
        let c = src[j];
        if escapes && c == b'\\' {
            j += 2;
            continue;
        }
        if c == quote {
            return (j, j + 1);
        }
        if c == b'\n' && !multiline {
            return (j, j);
        }
        j += 1;
    }
    (src.len(), src.len())
}

fn scan_verbatim(src: &[u8], from: usize) -> (usize, usize) {
    let mut j = from;
    while j < src.len() {
        if src[j] == b'"' {
            if src.get(j + 1) == Some(&b'"') {
                j += 2;
                continue;
            }
            return (j, j + 1);
        }
        j += 1;
    }
    (src.len(), src.len())
}

/// The end of the Rust block comment at `at`: comments nest, `/* a /* b */ c */` is one.
fn nested_comment_end(src: &[u8], at: usize) -> usize {
    let (mut depth, mut j) = (0usize, at);
    while j + 1 < src.len() {
        match (src[j], src[j + 1]) {
            (b'/', b'*') => {
                depth += 1;
                j += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    src.len()
}

/// A Rust string with a prefix at `at` (`b"…"`, `c"…"`, `r"…"`, `r#"…"#`, `br##"…"##`):
/// where its body starts and ends, and where the literal ends. `None` for anything else.
fn rust_prefixed_string(src: &[u8], at: usize) -> Option<(usize, usize, usize)> {
    let mut j = at;
    if matches!(src.get(j), Some(b'b' | b'c')) {
        j += 1;
    }
    let raw = src.get(j) == Some(&b'r');
    if raw {
        j += 1;
    }
    if j == at {
        return None;
    }
    let hashes_at = j;
    while raw && src.get(j) == Some(&b'#') {
        j += 1;
    }
    let hashes = j - hashes_at;
    if src.get(j) != Some(&b'"') {
        return None;
    }
    let body = j + 1;
    if !raw {
        let (close, end) = scan_quoted(src, body, b'"', true, true);
        return Some((body, close, end));
    }
    // A raw string ends at the first `"` followed by as many `#` as it opened with.
    let mut from = body;
    while let Some(q) = memchr::memchr(b'"', &src[from..]) {
        let close = from + q;
        let tail = &src[close + 1..];
        if tail.len() >= hashes && tail[..hashes].iter().all(|&c| c == b'#') {
            return Some((body, close, close + 1 + hashes));
        }
        from = close + 1;
    }
    Some((body, src.len(), src.len()))
}

/// The end of a Rust character literal at `at` (`'x'`, `'\n'`, `'\u{1F600}'`, `'é'`);
/// `None` when the quote starts a lifetime or a label (`'a`, `'static`, `'outer:`).
fn rust_char_end(src: &[u8], at: usize) -> Option<usize> {
    let first = *src.get(at + 1)?;
    if first == b'\\' {
        // An escape: the closing quote is a few bytes on (`\u{10FFFF}` is the longest).
        let from = at + 3;
        let close = src.get(from..)?.iter().take(9).position(|&c| c == b'\'')?;
        return Some(from + close + 1);
    }
    let width = match first {
        b'\'' | b'\n' => return None,
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    };
    (src.get(at + 1 + width) == Some(&b'\'')).then_some(at + 2 + width)
}

/// A JavaScript template literal: `${…}` may hold braces and strings of its own.
fn scan_template(src: &[u8], from: usize) -> (usize, usize) {
    /// Where the scan is: in a template's text, or in a `${…}` expression at a brace depth.
    enum Inside {
        Text,
        Expression(usize),
    }
    // Innermost last. A stack, not recursion: templates nested thousands deep in their
    // expressions would overflow the thread's stack.
    let mut open = vec![Inside::Text];
    let mut j = from;
    while let Some(inside) = open.last_mut() {
        let Some(&byte) = src.get(j) else { break };
        match (inside, byte) {
            (Inside::Text, b'\\') => j += 1,
            (Inside::Text, b'`') => {
                open.pop();
                if open.is_empty() {
                    return (j, j + 1);
                }
            }
            (Inside::Text, b'$') if src.get(j + 1) == Some(&b'{') => {
                open.push(Inside::Expression(1));
                j += 1;
            }
            (Inside::Expression(depth), b'{') => *depth += 1,
            (Inside::Expression(depth), b'}') => {
                *depth -= 1;
                if *depth == 0 {
                    open.pop();
                }
            }
            (Inside::Expression(_), q @ (b'"' | b'\'')) => {
                j = scan_quoted(src, j + 1, q, false, true).1 - 1;
            }
            (Inside::Expression(_), b'`') => open.push(Inside::Text),
            _ => {}
        }
        j += 1;
    }
    (src.len(), src.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str, spec: &LexSpec) -> Vec<(TokKind, String)> {
        tokenize(src.as_bytes(), spec)
            .into_iter()
            .map(|t| (t.kind, src[t.content()].to_string()))
            .collect()
    }

    const JS: LexSpec = LexSpec {
        line_comments: &["//"],
        block_comments: &[("/*", "*/")],
        quotes: b"\"'",
        template: true,
        ..LexSpec::NONE
    };

    /// The string tokens of Ruby source, by content, as the Ruby language lexes it.
    fn ruby_strings(src: &str) -> Vec<String> {
        kinds(src, &crate::lang::RUBY.spec)
            .into_iter()
            .filter(|(k, _)| *k == TokKind::Str)
            .map(|(_, text)| text)
            .collect()
    }

    #[test]
    fn ruby_percent_literals_are_strings_whatever_they_hold() {
        // `#` and `'` in them are text, brackets nest, any other byte can delimit.
        assert_eq!(
            ruby_strings("u = %q(https://h/m?apikey=#{k} (don't))\nv = 1 # c\n"),
            ["https://h/m?apikey=#{k} (don't)"]
        );
        assert_eq!(
            ruby_strings("a = %Q[x #{y}]; b = %w{p q}; c = %|z|; puts %(t)\n"),
            ["x #{y}", "p q", "z", "t"]
        );
        // The operator: after an operand, or with a space after it.
        assert!(ruby_strings("a = b % (c)\nd = e%(f)\ng = 10 % 3\nh %= 2\n").is_empty());
    }

    #[test]
    fn ruby_heredocs_are_strings_and_the_line_that_opens_them_goes_on() {
        let src =
            "x = f(<<~ONE, <<-'TWO').strip # c\n  don't #{a}\n  ONE\n  it's\n  TWO\ny = 'after'\n";
        assert_eq!(
            ruby_strings(src),
            ["", "", "  don't #{a}\n", "  it's\n", "after"]
        );
        let toks = kinds(src, &crate::lang::RUBY.spec);
        assert!(toks.iter().any(|t| *t == (TokKind::Comment, "# c".into())));
        // `<<EOS` ends only at the word alone at the start of a line; an unended one runs on.
        assert_eq!(
            ruby_strings("puts <<EOS\n  EOS\nEOS\nz = 1\n"),
            ["", "  EOS\n"]
        );
        assert_eq!(ruby_strings("puts <<~EOS\n  a'\n"), ["", "  a'\n"]);
        // Appends and shifts are operators.
        assert!(ruby_strings("list << item\nlist<<CONST\nn = m << 2\n").is_empty());
    }

    #[test]
    fn strings_comments_and_templates() {
        let toks = kinds("const u = 'a\\'b' + `x${f(\"}\")}y`; // c", &JS);
        assert_eq!(toks[3], (TokKind::Str, "a\\'b".into()));
        assert_eq!(toks[4], (TokKind::Punct, "+".into()));
        assert_eq!(toks[5], (TokKind::Str, "x${f(\"}\")}y".into()));
        assert_eq!(toks.last().unwrap().0, TokKind::Comment);
    }

    #[test]
    fn templates_nested_deep_in_their_expressions_are_one_string() {
        // Recursing once per level overflowed a worker thread's stack at about 100 000.
        let depth = 300_000;
        let src = format!("x = {}a{};", "`${".repeat(depth), "}`".repeat(depth));
        let toks = kinds(&src, &JS);
        assert_eq!(toks[2].0, TokKind::Str);
        assert_eq!(toks[2].1.len(), src.len() - "x = ``;".len());
        assert_eq!(toks[3], (TokKind::Punct, ";".into()));
        let nested = kinds("`a${`b${'}'}c`}d` + 1", &JS);
        assert_eq!(nested[0], (TokKind::Str, "a${`b${'}'}c`}d".into()));
        assert_eq!(nested[1], (TokKind::Punct, "+".into()));
    }

    #[test]
    fn unterminated_string_stops_at_line_end() {
        let toks = kinds("a = \"open\nb = 'c'", &JS);
        assert_eq!(toks[2], (TokKind::Str, "open".into()));
        assert_eq!(toks[5], (TokKind::Str, "c".into()));
    }

    #[test]
    fn verbatim_and_triple() {
        let cs = LexSpec {
            quotes: b"\"",
            verbatim_at: true,
            ..LexSpec::NONE
        };
        assert_eq!(
            kinds("@\"a\"\"b\"", &cs)[0],
            (TokKind::Str, "a\"\"b".into())
        );
        let py = LexSpec {
            quotes: b"\"'",
            triple: true,
            line_comments: &["#"],
            ..LexSpec::NONE
        };
        assert_eq!(kinds("'''x\ny'''", &py)[0], (TokKind::Str, "x\ny".into()));
    }

    #[test]
    fn rust_characters_lifetimes_and_nested_comments() {
        const RUST: LexSpec = LexSpec {
            line_comments: &["//"],
            quotes: b"\"",
            rust: true,
            pairs: &[*b"::"],
            ..LexSpec::NONE
        };
        let toks = kinds("/* a /* b */ c */ f::<'a>('x', '\\'', r#\"q\"#) ..", &RUST);
        assert_eq!(toks[0], (TokKind::Comment, "/* a /* b */ c */".into()));
        assert_eq!(toks[2], (TokKind::Punct, "::".into()));
        assert_eq!(toks[4], (TokKind::Punct, "'".into()));
        assert_eq!(toks[5], (TokKind::Ident, "a".into()));
        assert_eq!(toks[8], (TokKind::Number, "'x'".into()));
        assert_eq!(toks[10], (TokKind::Number, "'\\''".into()));
        assert_eq!(toks[12], (TokKind::Str, "q".into()));
        // `..` is not one of this language's pairs.
        assert_eq!(
            toks[14..],
            [(TokKind::Punct, ".".into()), (TokKind::Punct, ".".into())]
        );
    }

    #[test]
    fn shell_single_quotes_have_no_escapes() {
        let sh = LexSpec {
            quotes: b"\"'",
            raw_single_quotes: true,
            ..LexSpec::NONE
        };
        let toks = kinds(r"echo 'a\' b", &sh);
        assert_eq!(toks[1], (TokKind::Str, r"a\".into()));
        assert_eq!(toks[2], (TokKind::Ident, "b".into()));
    }

    #[test]
    fn shell_hash_inside_word_is_not_a_comment() {
        let sh = LexSpec {
            line_comments: &["#"],
            hash_needs_space: true,
            quotes: b"\"'",
            ..LexSpec::NONE
        };
        let toks = kinds("echo a#b # real", &sh);
        assert_eq!(toks.last().unwrap(), &(TokKind::Comment, "# real".into()));
        assert_eq!(toks.iter().filter(|t| t.0 == TokKind::Comment).count(), 1);
    }
}
