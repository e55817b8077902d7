//! Inline suppressions: `whispir-migrate: ignore` or `whispir-migrate: ignore[WM002,WM003]`
//! in any comment, on the diagnostic's line or the line above.

use crate::rules::RuleCode;
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

    /// Codes in `ignore[…]` lists that name no rule: (1-based line, the code as written).
    pub fn unknown_codes(bytes: &[u8]) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for at in memchr::memmem::find_iter(bytes, MARKER) {
            let rest = &bytes[at + MARKER.len()..];
            if rest.first() != Some(&b'[') {
                continue;
            }
            let close = rest
                .iter()
                .position(|&b| b == b']' || b == b'\n')
                .unwrap_or(rest.len());
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            for code in String::from_utf8_lossy(&rest[1..close]).split(',') {
                if RuleCode::parse(code).is_none() {
                    out.push((line, code.trim().to_string()));
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
