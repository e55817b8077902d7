//! Inline suppressions: `whispir-migrate: ignore` or `whispir-migrate: ignore[WM002,WM003]`
//! in any comment, on the diagnostic's line or the line above.

use crate::codes::RuleCode;
use crate::source::SourceFile;
use std::collections::HashMap;

const MARKER: &[u8] = b"whispir-migrate: ignore";

/// 0-based line → the codes it suppresses (`None`: all).
pub struct Suppressions(HashMap<usize, Option<Vec<RuleCode>>>);

impl Suppressions {
    pub fn find(file: &SourceFile) -> Suppressions {
        let mut map = HashMap::new();
        for at in memchr::memmem::find_iter(&file.bytes, MARKER) {
            let rest = &file.bytes[at + MARKER.len()..];
            let codes = if rest.first() == Some(&b'[') {
                let close = rest
                    .iter()
                    .position(|&b| b == b']' || b == b'\n')
                    .unwrap_or(rest.len());
                let list = String::from_utf8_lossy(&rest[1..close]);
                Some(list.split(',').filter_map(RuleCode::parse).collect())
            } else {
                None
            };
            map.insert(file.line_index(at), codes);
        }
        Suppressions(map)
    }

    /// Codes in `ignore[…]` lists that name no rule: (1-based line, how to quote it). An
    /// unclosed list runs to the end of its line, which may hold a key: only what looks like
    /// a rule code is quoted.
    pub fn unknown_codes(bytes: &[u8]) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        // Lines are counted from the previous marker on: one pass over the file in all.
        let (mut line, mut counted_to) = (1, 0);
        for at in memchr::memmem::find_iter(bytes, MARKER) {
            let rest = &bytes[at + MARKER.len()..];
            if rest.first() != Some(&b'[') {
                continue;
            }
            let close = rest
                .iter()
                .position(|&b| b == b']' || b == b'\n')
                .unwrap_or(rest.len());
            line += memchr::memchr_iter(b'\n', &bytes[counted_to..at]).count();
            counted_to = at;
            for code in String::from_utf8_lossy(&rest[1..close]).split(',') {
                if RuleCode::parse(code).is_none() {
                    out.push((line, quote_code(code.trim())));
                }
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn suppresses(&self, line: usize, code: RuleCode) -> bool {
        let hit = |l: usize| match self.0.get(&l) {
            Some(None) => true,
            Some(Some(codes)) => codes.contains(&code),
            None => false,
        };
        hit(line) || (line > 0 && hit(line - 1))
    }
}

/// `WM999` is quoted; anything longer than a code or with other characters is described,
/// not shown (it may be the rest of a line holding a key).
fn quote_code(code: &str) -> String {
    let looks_like_code = code.len() <= 7
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if looks_like_code {
        format!("`{code}`")
    } else {
        format!("({} characters, not shown)", code.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_never_quote_the_rest_of_the_line() {
        let text = b"# whispir-migrate: ignore[WM999, apikey=K7pQ2mX9vR4tY8wZ\n";
        let found = Suppressions::unknown_codes(text);
        assert_eq!(found[0], (1, "`WM999`".to_string()));
        assert_eq!(found[1].0, 1);
        assert!(!found[1].1.contains("K7pQ"), "{:?}", found[1]);
        let lines = b"a\n# whispir-migrate: ignore[WM001]\nb\n\n# whispir-migrate: ignore[X1]\n";
        assert_eq!(
            Suppressions::unknown_codes(lines),
            [(5, "`X1`".to_string())]
        );
    }
}
