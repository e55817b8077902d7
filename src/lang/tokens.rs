//! Walking a token stream: the neighbours of a token, the brackets around it, a call's
//! arguments. Shared by detection and the fixer; comments and line breaks are skipped where a
//! "significant" neighbour is asked for.

use super::{TokKind, Token};
use std::ops::Range;

/// For each token of a file, the innermost bracket open before it: a file's bracket
/// structure, computed once and shared by all its requests. Four bytes a token, as a minified
/// file has millions.
#[derive(Debug, Default)]
pub struct Openers(Vec<u32>);

impl Openers {
    const NONE: u32 = u32::MAX;

    pub fn of_file(src: &[u8], tokens: &[Token]) -> Openers {
        let mut stack: Vec<u32> = Vec::new();
        let mut out = Vec::with_capacity(tokens.len());
        for (j, t) in tokens.iter().enumerate() {
            out.push(stack.last().copied().unwrap_or(Self::NONE));
            if is_open(src, t) {
                stack.push(j as u32);
            } else if is_close(src, t) {
                stack.pop();
            }
        }
        Openers(out)
    }

    /// The innermost bracket open before token `k`.
    pub fn of(&self, k: usize) -> Option<usize> {
        self.0
            .get(k)
            .filter(|&&o| o != Self::NONE)
            .map(|&o| o as usize)
    }
}

/// The token that contains byte `offset`.
pub fn token_at(tokens: &[Token], offset: usize) -> Option<usize> {
    let i = tokens.partition_point(|t| t.end() <= offset);
    tokens.get(i).filter(|t| t.start() <= offset).map(|_| i)
}

/// The next token that is not a comment or a line break.
pub fn next_significant(tokens: &[Token], i: usize) -> Option<usize> {
    (i + 1..tokens.len()).find(|&j| !matches!(tokens[j].kind, TokKind::Comment | TokKind::Newline))
}

/// The previous token that is not a comment or a line break.
pub fn prev_significant(tokens: &[Token], i: usize) -> Option<usize> {
    (0..i)
        .rev()
        .find(|&j| !matches!(tokens[j].kind, TokKind::Comment | TokKind::Newline))
}

fn is_open(src: &[u8], t: &Token) -> bool {
    t.kind == TokKind::Punct && matches!(t.text(src), b"(" | b"[" | b"{")
}

fn is_close(src: &[u8], t: &Token) -> bool {
    t.kind == TokKind::Punct && matches!(t.text(src), b")" | b"]" | b"}")
}

/// The innermost bracket (`(`, `[` or `{`) that encloses token `i`.
pub fn enclosing_open(src: &[u8], tokens: &[Token], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    for j in (0..i.min(tokens.len())).rev() {
        let t = &tokens[j];
        if is_close(src, t) {
            depth += 1;
        } else if is_open(src, t) {
            if depth == 0 {
                return Some(j);
            }
            depth -= 1;
        }
    }
    None
}

/// The bracket that closes the one at `open`.
pub fn matching_close(src: &[u8], tokens: &[Token], open: usize) -> Option<usize> {
    if !tokens.get(open).is_some_and(|t| is_open(src, t)) {
        return None;
    }
    let mut depth = 0usize;
    for (j, t) in tokens.iter().enumerate().skip(open) {
        if is_open(src, t) {
            depth += 1;
        } else if is_close(src, t) {
            depth -= 1;
            if depth == 0 {
                return Some(j);
            }
        }
    }
    None
}

/// The bracket that opens the one at `close`.
pub fn matching_open(src: &[u8], tokens: &[Token], close: usize) -> Option<usize> {
    if !tokens.get(close).is_some_and(|t| is_close(src, t)) {
        return None;
    }
    let mut depth = 0usize;
    for j in (0..=close).rev() {
        let t = &tokens[j];
        if is_close(src, t) {
            depth += 1;
        } else if is_open(src, t) {
            depth -= 1;
            if depth == 0 {
                return Some(j);
            }
        }
    }
    None
}

/// End (a byte offset) of the expression that starts at token `v`: before the next `,`, `;`,
/// line break or closing bracket outside brackets.
pub fn expression_end(src: &[u8], tokens: &[Token], v: usize) -> usize {
    let mut depth = 0usize;
    let mut end = tokens[v].end();
    for t in &tokens[v..] {
        if is_open(src, t) {
            depth += 1;
        } else if is_close(src, t) {
            if depth == 0 {
                break;
            }
            depth -= 1;
        } else if depth == 0
            && (t.is_punct(src, ",") || t.is_punct(src, ";") || t.kind == TokKind::Newline)
        {
            break;
        }
        if !matches!(t.kind, TokKind::Comment | TokKind::Newline) {
            end = t.end();
        }
    }
    end
}

/// Byte ranges of the comma-separated arguments between the bracket at `open` and its match.
pub fn arguments(src: &[u8], tokens: &[Token], open: usize) -> Vec<Range<usize>> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    for t in &tokens[open + 1..] {
        if matches!(t.kind, TokKind::Comment | TokKind::Newline) {
            continue;
        }
        if is_open(src, t) {
            depth += 1;
        } else if is_close(src, t) {
            if depth == 0 {
                if let Some(s) = start {
                    args.push(s..last_end);
                }
                return args;
            }
            depth -= 1;
        } else if depth == 0 && t.is_punct(src, ",") {
            if let Some(s) = start.take() {
                args.push(s..last_end);
            }
            continue;
        }
        start.get_or_insert(t.start());
        last_end = t.end();
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::for_file_name;

    #[test]
    fn brackets_and_arguments() {
        let src = b"f(a, g(b, c), [d]) // x";
        let toks = for_file_name("a.js").tokenize(src);
        let open = 1;
        let close = matching_close(src, &toks, open).unwrap();
        assert_eq!(toks[close].start(), 17);
        assert_eq!(matching_open(src, &toks, close), Some(open));
        let args: Vec<&str> = arguments(src, &toks, open)
            .into_iter()
            .map(|r| std::str::from_utf8(&src[r]).unwrap())
            .collect();
        assert_eq!(args, ["a", "g(b, c)", "[d]"]);
        let b = toks.iter().position(|t| t.text(src) == b"b").unwrap();
        assert_eq!(toks[enclosing_open(src, &toks, b).unwrap()].start(), 6);
        assert_eq!(matching_close(src, &toks, 0), None, "not a bracket");
        assert_eq!(
            next_significant(&toks, close),
            None,
            "the comment is skipped"
        );
    }
}
