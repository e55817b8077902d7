//! Python requests auth hooks that keep the key in the query.
//!
//! `class KeyAuth(AuthBase)` whose `__call__` does `r.prepare_url(r.url, {"apikey": k})` adds
//! the key to the query of every request made through an object it is attached to
//! (`self.session.auth = KeyAuth(…)`, `requests.get(…, auth=KeyAuth(…))`). While that hook
//! stays (its finding has no fix), moving such a request's host makes it half-migrated: a
//! regional host with the key in its query. [`QueryHooks`] tells the grouping step which
//! requests those are, and the hook line that blocks them.

use crate::codes::RuleCode;
use crate::detect::Facts;
use crate::diagnostic::Diagnostic;
use crate::lang::tokens::{enclosing_open, matching_close, next_significant, prev_significant};
use crate::lang::{Language, RequestStyle, TokKind, Token};
use crate::source::SourceFile;
use std::ops::Range;

/// Where the file's staying query hooks are attached, each with the hook's line (1-based).
#[derive(Debug, Default)]
pub struct QueryHooks {
    /// `self.session.auth = KeyAuth(…)`: the receiver's names (`["self", "session"]`).
    receivers: Vec<(Vec<Vec<u8>>, usize)>,
    /// `requests.get(…, auth=KeyAuth(…))`: the byte range of that call's arguments.
    calls: Vec<(Range<usize>, usize)>,
}

impl QueryHooks {
    /// The hooks of a Python file whose `prepare_url` finding keeps no fix, and where the
    /// file attaches them. Empty for other languages, and for files without such a hook.
    pub fn of_file(
        file: &SourceFile,
        facts: &Facts,
        lang: &dyn Language,
        diagnostics: &[Diagnostic],
    ) -> QueryHooks {
        let mut hooks = QueryHooks::default();
        if lang.request_style() != RequestStyle::Python
            || memchr::memmem::find(&file.bytes, b"prepare_url").is_none()
        {
            return hooks;
        }
        let (src, tokens) = (&file.bytes[..], &facts.tokens[..]);
        let mut classes: Vec<(&[u8], usize)> = Vec::new();
        for d in diagnostics {
            if d.code != RuleCode::WM002 || d.fix.is_some() || !in_prepare_url(src, tokens, d) {
                continue;
            }
            if let Some(name) = facts
                .tree_around(file, &[d.span.start])
                .and_then(|t| enclosing_class(t, src, d.span.start))
            {
                classes.push((name, file.line_index(d.span.start) + 1));
            }
        }
        if classes.is_empty() {
            return hooks;
        }
        // `… auth = KeyAuth(`: an attribute assignment or a keyword argument.
        for (j, t) in tokens.iter().enumerate() {
            if t.kind != TokKind::Ident || t.text(src) != b"auth" {
                continue;
            }
            let Some(class) = next_significant(tokens, j)
                .filter(|&e| tokens[e].is_punct(src, "="))
                .and_then(|e| next_significant(tokens, e))
                .filter(|&c| {
                    next_significant(tokens, c).is_some_and(|o| tokens[o].is_punct(src, "("))
                })
            else {
                continue;
            };
            let Some(&(_, line)) = classes
                .iter()
                .find(|(name, _)| *name == tokens[class].text(src))
            else {
                continue;
            };
            let before = prev_significant(tokens, j);
            if let Some(dot) = before.filter(|&d| tokens[d].is_punct(src, ".")) {
                if let Some(receiver) = prev_significant(tokens, dot) {
                    hooks
                        .receivers
                        .push((dotted_names(src, tokens, receiver), line));
                }
            } else if let Some(open) = enclosing_open(src, tokens, j)
                .filter(|&o| tokens[o].is_punct(src, "("))
                .filter(|_| {
                    before.is_some_and(|b| {
                        tokens[b].is_punct(src, "(") || tokens[b].is_punct(src, ",")
                    })
                })
                && let Some(close) = matching_close(src, tokens, open)
            {
                hooks
                    .calls
                    .push((tokens[open].start()..tokens[close].end(), line));
            }
        }
        hooks
    }

    fn is_empty(&self) -> bool {
        self.receivers.is_empty() && self.calls.is_empty()
    }

    /// The line of the hook that the request whose statement holds byte `at` is sent
    /// through: a call on a receiver the hook is attached to (`self.session.get(…)`), or the
    /// call given the hook as `auth=`.
    pub fn blocking(
        &self,
        file: &SourceFile,
        tokens: &[Token],
        openers: &std::sync::OnceLock<crate::lang::tokens::Openers>,
        lang: &dyn Language,
        at: usize,
    ) -> Option<usize> {
        if self.is_empty() {
            return None;
        }
        let src = &file.bytes[..];
        let i = crate::lang::tokens::token_at(tokens, at)?;
        let statement = super::place::statement(src, tokens, openers, lang, i);
        if let Some(&(_, line)) = self
            .calls
            .iter()
            .find(|(args, _)| statement.contains(&args.start))
        {
            return Some(line);
        }
        // `RECEIVER.method(` anywhere in the statement.
        let first = tokens.partition_point(|t| t.start() < statement.start);
        (first..tokens.len())
            .take_while(|&j| tokens[j].start() < statement.end)
            .filter(|&j| tokens[j].is_punct(src, "."))
            .filter(|&dot| {
                next_significant(tokens, dot)
                    .filter(|&m| tokens[m].kind == TokKind::Ident)
                    .and_then(|m| next_significant(tokens, m))
                    .is_some_and(|o| tokens[o].is_punct(src, "("))
            })
            .find_map(|dot| {
                let receiver = prev_significant(tokens, dot)?;
                let names = dotted_names(src, tokens, receiver);
                self.receivers
                    .iter()
                    .find(|(r, _)| *r == names)
                    .map(|&(_, line)| line)
            })
    }
}

/// The finding's key is written in the query dict of a `prepare_url(…)` call.
fn in_prepare_url(src: &[u8], tokens: &[Token], d: &Diagnostic) -> bool {
    let Some(key) = crate::lang::tokens::token_at(tokens, d.span.start) else {
        return false;
    };
    let call = enclosing_open(src, tokens, key)
        .filter(|&o| tokens[o].is_punct(src, "{"))
        .and_then(|dict| enclosing_open(src, tokens, dict))
        .filter(|&o| tokens[o].is_punct(src, "("));
    call.and_then(|o| prev_significant(tokens, o))
        .is_some_and(|m| tokens[m].text(src) == b"prepare_url")
}

/// The name of the class whose body holds byte `at`.
fn enclosing_class<'s>(tree: &tree_sitter::Tree, src: &'s [u8], at: usize) -> Option<&'s [u8]> {
    let mut node = tree.root_node().descendant_for_byte_range(at, at + 1)?;
    loop {
        if node.kind() == "class_definition" {
            return Some(&src[node.child_by_field_name("name")?.byte_range()]);
        }
        node = node.parent()?;
    }
}

/// The names of the dotted chain that ends with token `last` (`self.session` → `self`,
/// `session`).
fn dotted_names(src: &[u8], tokens: &[Token], last: usize) -> Vec<Vec<u8>> {
    let mut names = vec![tokens[last].text(src).to_vec()];
    let mut at = last;
    while let Some(name) = prev_significant(tokens, at)
        .filter(|&d| tokens[d].is_punct(src, "."))
        .and_then(|d| prev_significant(tokens, d))
        .filter(|&n| tokens[n].kind == TokKind::Ident)
    {
        names.push(tokens[name].text(src).to_vec());
        at = name;
    }
    names.reverse();
    names
}
