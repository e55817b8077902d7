//! Walking a token stream: the neighbours of a token, the brackets around it, a call's
//! arguments. Shared by detection and the fixer; comments and line breaks are skipped where a
//! "significant" neighbour is asked for.

use super::{TokKind, Token};
use std::ops::Range;

/// For each token of a file, the innermost bracket open before it: a file's bracket
/// structure, computed once and shared by all its requests. Four bytes a token, as a minified
/// file has millions.
#[derive(Debug, Default)]
pub struct Openers {
    inner: Vec<u32>,
    /// Each `{` with the bracket that closes it, by the `{`'s index.
    brace_pairs: Vec<(u32, u32)>,
    /// Each bracket of any kind with the one that closes it, by the opener's index: what
    /// [`matching_close`] finds by a walk forward.
    pairs: Vec<(u32, u32)>,
    /// The closing brackets that close nothing (no bracket is open before them), in order.
    strays: Vec<u32>,
    /// Whether each bracket is closed by one of its own kind, and each closing one closes one.
    balanced: bool,
    /// Statement bounds found so far (see `request::place::cursor::logical_statement`).
    pub statements: std::sync::Mutex<StatementMemo>,
    /// The bracket depth before each token, counted from the file's start (closing brackets
    /// that close nothing take it below zero): built when first asked.
    depths: std::sync::OnceLock<Vec<i32>>,
}

/// For each token a statement walk has passed at its own level, where the walk ended: a
/// later walk that reaches the token ends there too, so a statement holding thousands of
/// requests (a list of URLs) is walked once, not once per request. Filled only as walks pass.
#[derive(Debug, Default)]
pub struct StatementMemo {
    pub first: std::collections::HashMap<u32, u32>,
    pub last: std::collections::HashMap<u32, u32>,
}

impl Openers {
    const NONE: u32 = u32::MAX;

    pub fn of_file(src: &[u8], tokens: &[Token]) -> Openers {
        let mut stack: Vec<u32> = Vec::new();
        let mut inner = Vec::with_capacity(tokens.len());
        let mut brace_pairs = Vec::new();
        let (mut pairs, mut strays) = (Vec::new(), Vec::new());
        let mut mismatched = false;
        for (j, t) in tokens.iter().enumerate() {
            inner.push(stack.last().copied().unwrap_or(Self::NONE));
            if is_open(src, t) {
                stack.push(j as u32);
            } else if is_close(src, t) {
                match stack.pop() {
                    Some(open) => {
                        let pair = [tokens[open as usize].text(src), t.text(src)];
                        mismatched |= !matches!(pair, [b"(", b")"] | [b"[", b"]"] | [b"{", b"}"]);
                        pairs.push((open, j as u32));
                        if tokens[open as usize].is_punct(src, "{") {
                            brace_pairs.push((open, j as u32));
                        }
                    }
                    None => strays.push(j as u32),
                }
            }
        }
        let balanced = stack.is_empty() && strays.is_empty() && !mismatched;
        brace_pairs.sort_unstable();
        pairs.sort_unstable();
        Openers {
            balanced,
            inner,
            brace_pairs,
            pairs,
            strays,
            statements: Default::default(),
            depths: Default::default(),
        }
    }

    /// The bracket depth before token `k`, counted from the file's start: `0` or less is
    /// outside every bracket. Asked of line breaks, which end a statement only there.
    pub fn depth(&self, src: &[u8], tokens: &[Token], k: usize) -> i32 {
        let depths = self.depths.get_or_init(|| {
            let mut d = 0i32;
            tokens
                .iter()
                .map(|t| {
                    let before = d;
                    if is_open(src, t) {
                        d += 1;
                    } else if is_close(src, t) {
                        d -= 1;
                    }
                    before
                })
                .collect()
        });
        depths.get(k).copied().unwrap_or(0)
    }

    /// Whether every bracket of the file is closed, and closes one.
    pub fn balanced(&self) -> bool {
        self.balanced
    }

    /// The bracket that closes the one at `open`: [`matching_close`] without the walk.
    pub fn close_of(&self, open: usize) -> Option<usize> {
        close_in(&self.pairs, open)
    }

    /// The first token from `from` on that closes the bracket open around `from` (a closing
    /// bracket that closes nothing when none is): where a walk forward from `from` that
    /// counts brackets first goes below its own level. `None`: the file ends first.
    pub fn level_end(&self, from: usize) -> Option<usize> {
        match self.of(from) {
            Some(open) => self.close_of(open),
            None => {
                let at = self.strays.partition_point(|&s| (s as usize) < from);
                self.strays.get(at).map(|&s| s as usize)
            }
        }
    }

    /// [`arguments`], stepping over each bracket inside by the index: calls nested n deep
    /// are read in time proportional to their own arguments, not to all they hold.
    pub fn arguments(&self, src: &[u8], tokens: &[Token], open: usize) -> Vec<Range<usize>> {
        let mut args = Vec::new();
        let (mut start, mut last_end) = (None, 0);
        let mut j = open + 1;
        while let Some(t) = tokens.get(j) {
            j += 1;
            if matches!(t.kind, TokKind::Comment | TokKind::Newline) {
                continue;
            }
            if is_open(src, t) {
                let Some(close) = self.close_of(j - 1) else {
                    return arguments(src, tokens, open);
                };
                start.get_or_insert(t.start());
                last_end = tokens[close].end();
                j = close + 1;
                continue;
            }
            if is_close(src, t) {
                args.extend(start.map(|s| s..last_end));
                return args;
            }
            if t.is_punct(src, ",") {
                args.extend(start.take().map(|s| s..last_end));
                continue;
            }
            start.get_or_insert(t.start());
            last_end = t.end();
        }
        args
    }

    /// The bracket that closes the block `{` at `open`, if any.
    pub fn brace_close(&self, open: usize) -> Option<usize> {
        close_in(&self.brace_pairs, open)
    }

    /// The innermost bracket open before token `k`.
    pub fn of(&self, k: usize) -> Option<usize> {
        self.inner
            .get(k)
            .filter(|&&o| o != Self::NONE)
            .map(|&o| o as usize)
    }
}

/// Where a file's lines begin and where each identifier occurs, for questions asked once per
/// request about the rest of its block ("does a later statement set the header?"): answered
/// from these in time proportional to the answer, not to the block, so that a function
/// holding thousands of requests is not scanned once per request.
#[derive(Debug, Default)]
pub struct Layout {
    /// The first token of each line that starts with code (not a comment or a line break),
    /// and its column in bytes.
    heads: Vec<(u32, u32)>,
    /// For each head, the next head indented less (`u32::MAX`: none).
    next_outdented: Vec<u32>,
    /// Where each name asked about occurs, by a scan of the tokens per name, until
    /// `NAMES_SCANNED` names have been asked: then every identifier's, in `idents`. Most files
    /// ask about one or two names, and indexing every identifier of a large file took as
    /// long as lexing it.
    scanned: [std::sync::OnceLock<NameUses>; NAMES_SCANNED],
    /// Each identifier's tokens, in order, once more names were asked about.
    idents: std::sync::OnceLock<std::collections::HashMap<Box<[u8]>, Vec<u32>>>,
    /// Each identifier's tokens by its name in lower case, indexed when first asked (PHP's
    /// function names are the same in any case).
    folded: std::sync::OnceLock<std::collections::HashMap<Box<[u8]>, Vec<u32>>>,
    /// The tokens of each name where it is given a value (`NAME =`, `NAME :=`, `NAME ||=`,
    /// `NAME:` before a value) or defined (`def NAME`), indexed when first asked.
    assigned: std::sync::OnceLock<std::collections::HashMap<Box<[u8]>, Vec<u32>>>,
    /// The tokens of each name declared by `const`, `let` or `var` before it (JavaScript),
    /// indexed when first asked.
    declared: std::sync::OnceLock<std::collections::HashMap<Box<[u8]>, Vec<u32>>>,
    /// The template literals (strings opened with a backtick) that hold `${NAME}`, by `NAME`:
    /// indexed when a fix first asks (JavaScript), in order.
    templates: std::sync::OnceLock<std::collections::HashMap<Box<[u8]>, Vec<u32>>>,
    /// The template literals that hold each word (a run of identifier characters), anywhere
    /// in their text: indexed when a fix first asks (JavaScript), in order.
    template_words: std::sync::OnceLock<std::collections::HashMap<Box<[u8]>, Vec<u32>>>,
    /// The quote most of the file's strings open with (`'` on a tie), for new strings.
    usual_quote: char,
    /// What the placer of the file's language indexes about the whole file, built when first
    /// asked (see `placer_index`).
    placer: std::sync::OnceLock<Box<dyn std::any::Any + Send + Sync>>,
}

/// A name and the tokens spelled so, in order.
type NameUses = (Box<[u8]>, Vec<u32>);

/// Names looked up by a scan of their own before every identifier is indexed: the scans
/// cost at most this many passes over the tokens, whatever the file asks.
const NAMES_SCANNED: usize = 4;

impl Layout {
    pub fn of_file(src: &[u8], tokens: &[Token]) -> Layout {
        let mut heads = Vec::new();
        // Each byte is looked at once: a minified file is one long line of tokens.
        let (mut line_start, mut scanned, mut seen_on_line) = (0, 0, false);
        let (mut double, mut single) = (0usize, 0usize);
        for (j, t) in tokens.iter().enumerate() {
            if t.kind == TokKind::Str {
                match src[t.start()] {
                    b'"' => double += 1,
                    b'\'' => single += 1,
                    _ => {}
                }
            }
            if let Some(nl) = memchr::memrchr(b'\n', &src[scanned..t.start()]) {
                line_start = scanned + nl + 1;
                seen_on_line = false;
            }
            scanned = t.start();
            if !seen_on_line
                && !matches!(t.kind, TokKind::Comment | TokKind::Newline)
                && src[line_start..t.start()]
                    .iter()
                    .all(|b| matches!(b, b' ' | b'\t'))
            {
                heads.push((j as u32, (t.start() - line_start) as u32));
            }
            if t.kind != TokKind::Newline {
                seen_on_line = true;
            }
        }
        // The next less indented head, by a stack of heads still waiting for one.
        let mut next_outdented = vec![u32::MAX; heads.len()];
        let mut waiting: Vec<usize> = Vec::new();
        for (h, &(_, col)) in heads.iter().enumerate() {
            while let Some(&w) = waiting.last().filter(|&&w| heads[w].1 > col) {
                next_outdented[w] = h as u32;
                waiting.pop();
            }
            waiting.push(h);
        }
        Layout {
            heads,
            next_outdented,
            scanned: Default::default(),
            idents: Default::default(),
            folded: Default::default(),
            templates: Default::default(),
            template_words: Default::default(),
            assigned: Default::default(),
            declared: Default::default(),
            usual_quote: if double > single { '"' } else { '\'' },
            placer: Default::default(),
        }
    }

    /// The index `build` makes of the whole file, built once for all its requests (PHP: its
    /// curl handles' header options). A file has one language, whose placer keeps one such
    /// index: `None` if an index of another type was built first.
    pub fn placer_index<T: std::any::Any + Send + Sync>(
        &self,
        build: impl FnOnce() -> T,
    ) -> Option<&T> {
        self.placer.get_or_init(|| Box::new(build())).downcast_ref()
    }

    /// The quote most of the file's strings open with (`'` on a tie).
    pub fn usual_quote(&self) -> char {
        self.usual_quote
    }

    /// The first token after token `after` that starts a line indented less than `indent`.
    pub fn next_line_indented_under(&self, after: usize, indent: usize) -> Option<usize> {
        let here = self.heads.partition_point(|&(k, _)| k as usize <= after);
        let mut h = match here.checked_sub(1) {
            // The line of `after` is itself indented less: only the heads after it count.
            Some(h) if (self.heads[h].1 as usize) >= indent => h,
            _ => {
                return self.heads[here..]
                    .iter()
                    .find(|&&(_, col)| (col as usize) < indent)
                    .map(|&(k, _)| k as usize);
            }
        };
        // Each step is a strictly less indented line: as many steps as indentation levels.
        loop {
            h = *self.next_outdented.get(h)? as usize;
            let &(k, col) = self.heads.get(h)?;
            if (col as usize) < indent {
                return Some(k as usize);
            }
        }
    }

    /// The tokens spelled `name` after token `after`, in order. `src` and `tokens` are the
    /// file's, as given to `of_file`.
    pub fn uses_after<'a>(
        &'a self,
        src: &[u8],
        tokens: &[Token],
        name: &[u8],
        after: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        let uses = self.uses(src, tokens, name);
        let first = uses.partition_point(|&k| k as usize <= after);
        uses[first..].iter().map(|&k| k as usize)
    }

    /// The string tokens after token `after` that open with a backtick and hold `${name}`,
    /// in order.
    pub fn template_reads_after(
        &self,
        src: &[u8],
        tokens: &[Token],
        name: &[u8],
        after: usize,
    ) -> &[u32] {
        let templates = self.templates.get_or_init(|| {
            // Each `${name}` (or `${name.toString()}`, any run of name characters, `.`, `(`
            // and `)` closed by `}`): the text it is found for. The run stops at any other
            // byte, so the runs after each `${` do not overlap, whatever the template holds.
            index_templates(src, tokens, |text, key| {
                for at in memchr::memmem::find_iter(text, b"${") {
                    let rest = &text[at + 2..];
                    let run = rest
                        .iter()
                        .position(|&b| !(crate::lang::is_ident_byte(b) || b"().".contains(&b)))
                        .unwrap_or(rest.len());
                    if rest.get(run) == Some(&b'}') {
                        key(&rest[..run]);
                    }
                }
            })
        });
        let uses = templates.get(name).map_or(&[][..], |v| &v[..]);
        &uses[uses.partition_point(|&k| k as usize <= after)..]
    }

    /// The template literals among tokens `within` that hold the word `name` in a `${…}`
    /// (anywhere in it: `${f(name)}`, `${a ? name : b}`), in order: every template that may
    /// read `name`.
    pub fn templates_mentioning(
        &self,
        src: &[u8],
        tokens: &[Token],
        name: &[u8],
        within: std::ops::Range<usize>,
    ) -> &[u32] {
        let words = self
            .template_words
            .get_or_init(|| index_templates(src, tokens, template_expression_words));
        in_range(words.get(name).map_or(&[][..], |v| &v[..]), within)
    }

    /// The tokens spelled `name` among tokens `within`, in order.
    pub fn uses_in(
        &self,
        src: &[u8],
        tokens: &[Token],
        name: &[u8],
        within: std::ops::Range<usize>,
    ) -> &[u32] {
        in_range(self.uses(src, tokens, name), within)
    }

    /// The tokens spelled `name` where it is given a value or defined (see `assigned`), in
    /// order: a question about a name's assignments does not read each of its uses.
    pub fn assignments(&self, src: &[u8], tokens: &[Token], name: &[u8]) -> &[u32] {
        let assigned = self
            .assigned
            .get_or_init(|| identifiers_where(src, tokens, |j| is_assigned(src, tokens, j)));
        assigned.get(name).map_or(&[][..], |v| &v[..])
    }

    /// The tokens of `name` where `const`, `let` or `var` declares it, in order.
    pub fn declarations(&self, src: &[u8], tokens: &[Token], name: &[u8]) -> &[u32] {
        let declared = self.declared.get_or_init(|| {
            identifiers_where(src, tokens, |j| {
                prev_significant(tokens, j)
                    .is_some_and(|d| matches!(tokens[d].text(src), b"const" | b"let" | b"var"))
            })
        });
        declared.get(name).map_or(&[][..], |v| &v[..])
    }

    /// The tokens spelled `name` in any ASCII case, in order.
    pub fn uses_in_any_case(&self, src: &[u8], tokens: &[Token], name: &[u8]) -> &[u32] {
        let folded = self
            .folded
            .get_or_init(|| index_identifiers(src, tokens, true));
        folded
            .get(&name.to_ascii_lowercase()[..])
            .map_or(&[][..], |v| &v[..])
    }

    /// The tokens spelled `name`, in order.
    pub fn uses(&self, src: &[u8], tokens: &[Token], name: &[u8]) -> &[u32] {
        if self.idents.get().is_none() {
            for slot in &self.scanned {
                let (scanned, uses) = slot.get_or_init(|| {
                    let uses = tokens
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| t.kind == TokKind::Ident && t.text(src) == name)
                        .map(|(j, _)| j as u32)
                        .collect();
                    (name.into(), uses)
                });
                if &scanned[..] == name {
                    return uses;
                }
            }
        }
        let idents = self
            .idents
            .get_or_init(|| index_identifiers(src, tokens, false));
        idents.get(name).map_or(&[][..], |v| &v[..])
    }
}

/// Each word (a run of identifier characters) in the `${…}` expressions of template literal
/// `text`, in order, to `word`. One pass: `depth` counts the braces open since a `${`, nested
/// ones included, so that an object or a block in the expression stays in it.
pub fn template_expression_words(text: &[u8], word: &mut dyn FnMut(&[u8])) {
    let (mut depth, mut word_start) = (0usize, None);
    for (at, &b) in text.iter().enumerate() {
        let in_word = depth > 0 && crate::lang::is_ident_byte(b);
        match (in_word, word_start) {
            (true, None) => word_start = Some(at),
            (false, Some(from)) => {
                word(&text[from..at]);
                word_start = None;
            }
            _ => {}
        }
        match b {
            b'{' if depth > 0 || (at > 0 && text[at - 1] == b'$') => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            _ => {}
        }
    }
}

/// The file's template literals (strings opened with a backtick) by each key `keys_of` gives
/// for their text, each template once per key, in order.
fn index_templates(
    src: &[u8],
    tokens: &[Token],
    keys_of: impl Fn(&[u8], &mut dyn FnMut(&[u8])),
) -> std::collections::HashMap<Box<[u8]>, Vec<u32>> {
    let mut index: std::collections::HashMap<Box<[u8]>, Vec<u32>> = Default::default();
    for (j, t) in tokens.iter().enumerate() {
        let text = t.text(src);
        if t.kind != TokKind::Str || text.first() != Some(&b'`') {
            continue;
        }
        keys_of(text, &mut |key| {
            let uses = index.entry(key.into()).or_default();
            if uses.last() != Some(&(j as u32)) {
                uses.push(j as u32);
            }
        });
    }
    index
}

/// The identifier tokens `keep` accepts, by their name, in order.
fn identifiers_where(
    src: &[u8],
    tokens: &[Token],
    keep: impl Fn(usize) -> bool,
) -> std::collections::HashMap<Box<[u8]>, Vec<u32>> {
    let mut index: std::collections::HashMap<Box<[u8]>, Vec<u32>> = Default::default();
    for (j, t) in tokens.iter().enumerate() {
        if t.kind == TokKind::Ident && keep(j) {
            index.entry(t.text(src).into()).or_default().push(j as u32);
        }
    }
    index
}

/// The part of the ordered token indexes `sorted` that lies within `range`.
fn in_range(sorted: &[u32], range: std::ops::Range<usize>) -> &[u32] {
    let from = sorted.partition_point(|&k| (k as usize) < range.start);
    let to = sorted.partition_point(|&k| (k as usize) < range.end);
    &sorted[from..to.max(from)]
}

/// Whether the name at token `j` is given a value (`=` but not `==`, `=>` or `=~`; `:=`;
/// `||=`; `:` before a value) or defined (`def NAME`).
fn is_assigned(src: &[u8], tokens: &[Token], j: usize) -> bool {
    if prev_significant(tokens, j).is_some_and(|d| tokens[d].text(src) == b"def") {
        return true;
    }
    let mut next = next_significant(tokens, j);
    // `||=` is lexed as `||` and `=`, or as `|`, `|` and `=`.
    while let Some(p) = next.filter(|&p| matches!(tokens[p].text(src), b"||" | b"|")) {
        next = Some(p + 1).filter(|&n| n < tokens.len());
    }
    next.is_some_and(|op| {
        let t = &tokens[op];
        let after = tokens.get(op + 1).filter(|a| a.start() == t.end());
        t.kind == TokKind::Punct
            && match t.text(src) {
                b"=" => !after.is_some_and(|a| matches!(a.text(src), b"=" | b">" | b"~")),
                b":" => true,
                _ => false,
            }
    })
}

/// Each identifier's tokens, in order, by its name (in lower case when `fold`).
fn index_identifiers(
    src: &[u8],
    tokens: &[Token],
    fold: bool,
) -> std::collections::HashMap<Box<[u8]>, Vec<u32>> {
    let mut idents: std::collections::HashMap<Box<[u8]>, Vec<u32>> = Default::default();
    let mut lower = Vec::new();
    for (j, t) in tokens.iter().enumerate() {
        if t.kind == TokKind::Ident {
            // A name seen before is looked up, not copied: most identifiers repeat.
            let name = if fold && t.text(src).iter().any(u8::is_ascii_uppercase) {
                lower.clear();
                lower.extend(t.text(src).iter().map(u8::to_ascii_lowercase));
                &lower[..]
            } else {
                t.text(src)
            };
            match idents.get_mut(name) {
                Some(uses) => uses.push(j as u32),
                None => {
                    idents.insert(name.into(), vec![j as u32]);
                }
            }
        }
    }
    idents
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

pub fn is_open(src: &[u8], t: &Token) -> bool {
    t.kind == TokKind::Punct && matches!(t.text(src), b"(" | b"[" | b"{")
}

pub fn is_close(src: &[u8], t: &Token) -> bool {
    t.kind == TokKind::Punct && matches!(t.text(src), b")" | b"]" | b"}")
}

/// The innermost bracket (`(`, `[` or `{`) that encloses token `i`.
pub fn enclosing_open(src: &[u8], tokens: &[Token], i: usize) -> Option<usize> {
    open_within(src, tokens, 0..i.min(tokens.len()))
}

/// The bracket left open in `tokens[within]`, walking back from its end: the innermost
/// bracket around `within.end`, when it is inside `within`.
pub fn open_within(src: &[u8], tokens: &[Token], within: std::ops::Range<usize>) -> Option<usize> {
    let mut depth = 0usize;
    for j in within.rev() {
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

/// How many tokens a walk to a bracket takes before the file's bracket index is asked
/// instead: most brackets are near, and the index takes memory in proportion to the file.
const NEAR: usize = 1024;

/// [`enclosing_open`], from the file's bracket index (built on the first ask) when the
/// bracket is not within [`NEAR`] tokens: a URL assigned in a function of thousands of
/// statements is not walked back to the function's start once per request.
pub fn enclosing_open_near(
    src: &[u8],
    tokens: &[Token],
    openers: &std::sync::OnceLock<Openers>,
    i: usize,
) -> Option<usize> {
    let end = i.min(tokens.len());
    if let Some(open) = open_within(src, tokens, end.saturating_sub(NEAR)..end) {
        return Some(open);
    }
    if end <= NEAR {
        return None; // walked back to the file's start
    }
    openers.get_or_init(|| Openers::of_file(src, tokens)).of(i)
}

/// The map literal that holds token `entry` as a member: (the token its expression starts at,
/// its opening bracket). A `{…}` or `[…]` starts at its bracket; Python's `dict(apikey=k, …)`
/// at its `dict`, when `entry` is the name of one of its keyword arguments.
pub fn enclosing_map(src: &[u8], tokens: &[Token], entry: usize) -> Option<(usize, usize)> {
    map_around(src, tokens, entry, enclosing_open(src, tokens, entry)?)
}

/// [`enclosing_map`], the bracket found from the file's index when it is not near (a
/// top-level statement of a script is in no bracket, and the walk back crossed the file).
pub fn enclosing_map_near(
    src: &[u8],
    tokens: &[Token],
    openers: &std::sync::OnceLock<Openers>,
    entry: usize,
) -> Option<(usize, usize)> {
    map_around(
        src,
        tokens,
        entry,
        enclosing_open_near(src, tokens, openers, entry)?,
    )
}

/// [`enclosing_map`] of `entry`, whose innermost bracket is `open`.
fn map_around(src: &[u8], tokens: &[Token], entry: usize, open: usize) -> Option<(usize, usize)> {
    if !tokens[open].is_punct(src, "(") {
        return Some((open, open));
    }
    let callee = prev_significant(tokens, open)
        .filter(|&d| tokens[d].kind == TokKind::Ident && tokens[d].text(src) == b"dict")?;
    let member = prev_significant(tokens, callee).is_some_and(|d| tokens[d].is_punct(src, "."));
    let keyword = tokens[entry].kind == TokKind::Ident
        && next_significant(tokens, entry).is_some_and(|e| {
            tokens[e].is_punct(src, "=") && !tokens.get(e + 1).is_some_and(|t| t.is_punct(src, "="))
        });
    (!member && keyword).then_some((callee, open))
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

/// The close paired with the bracket at `open` in `pairs` (sorted by open).
fn close_in(pairs: &[(u32, u32)], open: usize) -> Option<usize> {
    let i = pairs
        .binary_search_by_key(&(open as u32), |&(o, _)| o)
        .ok()?;
    Some(pairs[i].1 as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::for_file_name;

    #[test]
    fn templates_are_found_by_the_words_of_their_expressions_only() {
        let src = b"a(`q: ${f(q)}`); b(`q and qq`); c(`${ {x: q}.x }`); d(`${qq}`);";
        let toks = for_file_name("a.js").tokenize(src);
        let layout = Layout::of_file(src, &toks);
        let texts = |name: &[u8], within| -> Vec<String> {
            layout
                .templates_mentioning(src, &toks, name, within)
                .iter()
                .map(|&k| String::from_utf8_lossy(toks[k as usize].text(src)).into_owned())
                .collect()
        };
        // Read in a call and in an object; the words of the text around are not reads.
        assert_eq!(
            texts(b"q", 0..toks.len()),
            ["`q: ${f(q)}`", "`${ {x: q}.x }`"]
        );
        assert_eq!(texts(b"qq", 0..toks.len()), ["`${qq}`"]);
        assert_eq!(texts(b"f", 0..toks.len()), ["`q: ${f(q)}`"]);
        // Only the tokens asked for.
        assert!(texts(b"q", 0..2).is_empty());
        assert_eq!(
            layout.uses_in(src, &toks, b"a", 0..toks.len()),
            layout.uses(src, &toks, b"a")
        );
        assert!(layout.uses_in(src, &toks, b"a", 1..toks.len()).is_empty());
    }

    #[test]
    fn indexed_arguments_are_the_walked_ones() {
        for src in [
            &b"f(a, g(b, c), [d]) // x"[..],
            b"f()",
            b"f(a,)",
            b"f(/* c */ a, (b), {c: [1, 2]}, d)",
            b"f(a, g(b",
            b"f(a, g(b]), c)",
        ] {
            let toks = for_file_name("a.js").tokenize(src);
            let openers = Openers::of_file(src, &toks);
            assert_eq!(
                openers.arguments(src, &toks, 1),
                arguments(src, &toks, 1),
                "{}",
                String::from_utf8_lossy(src)
            );
        }
    }

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

    #[test]
    fn uses_of_a_name_are_the_same_whether_scanned_or_indexed() {
        let src = b"a = b + c; d(a, e); f = a + b; g(h, a); b = c; i(d, e, f, g, h, a)";
        let tokens = crate::lang::for_file_name("x.js").tokenize(src);
        let layout = Layout::of_file(src, &tokens);
        let naive = |name: &[u8], after: usize| -> Vec<usize> {
            (after + 1..tokens.len())
                .filter(|&j| tokens[j].kind == TokKind::Ident && tokens[j].text(src) == name)
                .collect()
        };
        // More names than are scanned one by one, each asked twice, then all again.
        let names: [&[u8]; 10] = [b"a", b"b", b"a", b"c", b"d", b"e", b"f", b"zz", b"g", b"h"];
        for round in 0..2 {
            for (i, name) in names.iter().enumerate() {
                let after = (i * 3) % tokens.len();
                let got: Vec<usize> = layout.uses_after(src, &tokens, name, after).collect();
                assert_eq!(
                    got,
                    naive(name, after),
                    "{} in round {round}",
                    String::from_utf8_lossy(name)
                );
            }
        }
        assert!(
            layout.idents.get().is_some(),
            "the file's identifiers were indexed"
        );
    }
}
