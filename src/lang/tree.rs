//! Syntax trees from the maintained tree-sitter grammars, for the runtime guard on fixes: a
//! fix whose result has more syntax errors (ERROR or MISSING nodes) than the original is
//! refused, as ruff reverts a fix that breaks the file. Counting errors rather than asking
//! "does the file parse" keeps the guard useful on real files, which often hold a construct
//! the grammar does not know: that error is there before and after, and is not ours.

use crate::budget::{ByteBudget, Permit};
use crate::diagnostic::Edit;
use std::cell::Cell;
use std::rc::Rc;
use tree_sitter::{InputEdit, Language, Parser, Point, Tree};

/// Files larger than this are not parsed (tree-sitter keeps the whole tree in memory): their
/// fixes are left manual.
pub const MAX_PARSE_BYTES: usize = 8 << 20;

/// The grammar for a file name (lower-cased), where one is built in.
pub fn grammar(file_name: &str) -> Option<Language> {
    let ext = file_name.rsplit_once('.').map_or("", |(_, e)| e);
    let language = match ext {
        "js" | "mjs" | "cjs" | "jsx" => tree_sitter_javascript::LANGUAGE,
        "ts" | "mts" | "cts" => tree_sitter_typescript::LANGUAGE_TYPESCRIPT,
        "tsx" => tree_sitter_typescript::LANGUAGE_TSX,
        "py" | "pyi" | "pyw" => tree_sitter_python::LANGUAGE,
        "php" | "phtml" => tree_sitter_php::LANGUAGE_PHP,
        "java" => tree_sitter_java::LANGUAGE,
        "kt" | "kts" => tree_sitter_kotlin_ng::LANGUAGE,
        "cs" | "csx" => tree_sitter_c_sharp::LANGUAGE,
        "go" => tree_sitter_go::LANGUAGE,
        "rb" | "rake" | "gemspec" => tree_sitter_ruby::LANGUAGE,
        "sh" | "bash" => tree_sitter_bash::LANGUAGE,
        _ => return None,
    };
    Some(language.into())
}

mod memory;
mod statements;

pub use statements::Statements;

/// Memory tree-sitter may take for one file's syntax trees (all of them alive at once: the
/// file's, and one being built from an edited text), less `OTHER_BYTES_PER_BYTE` per byte of
/// the file, so that checking or fixing a file takes at most 6 times its size and 64 MiB:
/// the process takes about 10 MiB, and what analysis holds besides the tree (the file, its
/// tokens, findings, fixed texts) up to 12 bytes per byte of dense code; 10 MiB are left
/// over. Trees take 20 to 80 bytes per byte of ordinary code and over 1 KB per byte of
/// deeply nested code: a file whose tree does not fit is analysed without one, like a file
/// over `MAX_PARSE_BYTES`.
const TREE_ALLOWANCE: usize = 44 << 20;
const OTHER_BYTES_PER_BYTE: usize = 6;

/// Tree memory the workers hold without a share of `TREE_MEMORY`, all of them together: a
/// parse whose trees pass its worker's part (at most `UNSHARED_TREE_BYTES`) waits for a
/// share, so that the trees of a few large files, not one per worker, are built and held at
/// once, whatever the thread count.
const UNSHARED_TREES_BYTES: usize = 16 << 20;
const UNSHARED_TREE_BYTES: usize = 8 << 20;

/// The threads that parse at once (`set_workers`).
static WORKERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

/// How many threads analyse and fix files at once, for their share of unshared tree memory.
pub fn set_workers(threads: usize) {
    WORKERS.store(threads.max(1), std::sync::atomic::Ordering::Relaxed);
}

/// The tree memory one worker holds without a share.
fn unshared_tree_bytes() -> usize {
    let workers = WORKERS.load(std::sync::atomic::Ordering::Relaxed);
    (UNSHARED_TREES_BYTES / workers).min(UNSHARED_TREE_BYTES)
}

/// Tree bytes per byte of ordinary code are under this (21 on average over the files with
/// findings of the benchmark corpus): a larger text is expected to need a share.
const USUAL_TREE_BYTES_PER_BYTE: usize = 32;

/// Tree memory shared by the workers, beyond their unshared part. A parse that needs
/// a share takes its whole allowance, and holds it while its tree lives.
static TREE_MEMORY: ByteBudget = ByteBudget::new(TREE_ALLOWANCE as u64);

thread_local! {
    /// Bytes of the trees alive on this thread (`Parsed`): the trees of one file are built
    /// and dropped by the worker analysing or fixing it, and stay within its allowance
    /// together.
    static HELD: Cell<usize> = const { Cell::new(0) };
    /// Shares of `TREE_MEMORY` this thread's trees hold. A thread that holds one does not
    /// wait for another (it could wait for itself): its further trees are within the
    /// allowance its share covers.
    static SHARES: Cell<usize> = const { Cell::new(0) };
}

/// The memory the trees of a file of `len` bytes may take.
fn tree_allowance(len: usize) -> usize {
    TREE_ALLOWANCE.saturating_sub(len.saturating_mul(OTHER_BYTES_PER_BYTE))
}

/// Why a text has no syntax tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GaveUp {
    /// Over `MAX_PARSE_BYTES`.
    TooLarge,
    /// The parse read its input over and over, or worked out of proportion to it.
    TooCostly,
    /// The tree would not fit in the file's allowance (`tree_allowance`).
    TooMuchMemory,
}

/// A syntax tree, counted with the memory tree-sitter took for it against the other parses
/// of its thread while it lives: it stays on the thread that built it.
pub struct Parsed {
    tree: Tree,
    bytes: usize,
    /// After the tree: fields are dropped in order, so the tree is freed first.
    share: Option<Share>,
    _on_its_thread: std::marker::PhantomData<*const ()>,
}

/// A share of `TREE_MEMORY`, held by a large tree.
struct Share {
    _permit: Permit<'static>,
}

impl Drop for Share {
    fn drop(&mut self) {
        // Each worker allocates from an arena of its own, which keeps the pages freed in it:
        // without this, each worker that built a large tree would go on holding its pages
        // (four workers, 115 MiB where one takes 40), and the share would bound the trees
        // but not the memory. The permit is given back after.
        // SAFETY: no precondition; gives the free pages of every arena back to the system.
        unsafe { libc::malloc_trim(0) };
    }
}

impl Parsed {
    fn new(tree: Tree, bytes: usize, share: Option<Share>) -> Parsed {
        HELD.set(HELD.get() + bytes);
        SHARES.set(SHARES.get() + usize::from(share.is_some()));
        Parsed {
            tree,
            bytes,
            share,
            _on_its_thread: std::marker::PhantomData,
        }
    }

    /// The memory tree-sitter took for this tree.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The tree, to be kept past its file's analysis: it is then counted by the keeper
    /// (see `engine::keep_syntax_trees`), not by this thread.
    pub fn keep(self) -> Kept {
        Kept {
            tree: self.tree.clone(),
            bytes: self.bytes,
        }
    }
}

impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Parsed({} bytes)", self.bytes)
    }
}

impl std::ops::Deref for Parsed {
    type Target = Tree;
    fn deref(&self) -> &Tree {
        &self.tree
    }
}

impl Drop for Parsed {
    fn drop(&mut self) {
        HELD.set(HELD.get() - self.bytes);
        SHARES.set(SHARES.get() - usize::from(self.share.is_some()));
    }
}

/// A syntax tree kept past its file's analysis, with the memory it took.
#[derive(Clone)]
pub struct Kept {
    tree: Tree,
    bytes: usize,
}

impl Kept {
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// The syntax tree of `src`, a file named `file_name`: `None` without a grammar, or when the
/// parser gave up on it (`GaveUp`).
pub fn parse(file_name: &str, src: &[u8]) -> Option<Parsed> {
    parse_in(&grammar(file_name)?, src)
}

/// The syntax tree of `src` in `language` (for code that knows the language but not the file
/// name); `None` when the parser gave up on it.
pub fn parse_in(language: &Language, src: &[u8]) -> Option<Parsed> {
    parse_bounded(language, src, None, 0, None).ok()
}

/// The tree of the bytes `range` of `src` parsed on their own, with `src`'s offsets.
fn parse_range(
    language: &Language,
    src: &[u8],
    range: tree_sitter::Range,
) -> Result<Parsed, GaveUp> {
    parse_bounded(language, src, None, 0, Some(range))
}

/// How many ERROR and MISSING nodes the tree of `src` holds; `None` when it cannot be
/// parsed (too large, or the parser gave up).
pub fn error_count(language: &Language, src: &[u8]) -> Option<usize> {
    Counted::parse(language, src).ok().map(|c| c.errors)
}

/// A parsed text and its error count, kept so that edited versions of the text are parsed
/// incrementally: tree-sitter reuses the unchanged parts of the tree, so checking a fix costs
/// about the size of the fix, not of the file.
pub struct Counted {
    tree: Parsed,
    pub errors: usize,
}

impl Counted {
    pub fn parse(language: &Language, src: &[u8]) -> Result<Counted, GaveUp> {
        let tree = parse_bounded(language, src, None, 0, None)?;
        let errors = count_errors(&tree);
        Ok(Counted { tree, errors })
    }

    /// A tree kept from the text's analysis, with its error count; counted on this thread
    /// while this lives.
    pub fn of(kept: Kept) -> Counted {
        let tree = Parsed::new(kept.tree, kept.bytes, None);
        let errors = count_errors(&tree);
        Counted { tree, errors }
    }

    /// The error count of `edited`, a changed version of `original` (the text this was parsed
    /// from); `edits` made it from `original`, when known.
    pub fn errors_after(
        &self,
        language: &Language,
        original: &[u8],
        edited: &[u8],
        edits: Option<&[&Edit]>,
    ) -> Result<usize, GaveUp> {
        errors_after_edit(language, &self.tree, original, edited, edits)
    }
}

/// The error count of `edited`, a changed version of `original`, whose tree is `tree`. Each
/// of `edits` (in order of position, made on `original`) is described to the parser; without
/// them, one edit spanning from the first to the last differing byte. Editing a tree copies
/// the nodes an edit spans (the tree is shared), and the parse builds them again: one edit
/// over the whole file costs two trees' memory, one per fix a few nodes each.
fn errors_after_edit(
    language: &Language,
    tree: &Parsed,
    original: &[u8],
    edited: &[u8],
    edits: Option<&[&Edit]>,
) -> Result<usize, GaveUp> {
    if edited.len() > MAX_PARSE_BYTES {
        return Err(GaveUp::TooLarge);
    }
    let room = tree_allowance(edited.len()).saturating_sub(HELD.get());
    let described = match edits.filter(|e| made_by(original, edited, e)) {
        Some(edits) => described_edits(original, edits),
        None => {
            let edit = spanning_edit(original, edited);
            // Its copy is about the share of the tree it spans: too much is not attempted.
            let span = edit.old_end_byte - edit.start_byte;
            let copy = tree.bytes as u128 * span as u128 / original.len().max(1) as u128;
            if copy > room as u128 {
                return Err(GaveUp::TooMuchMemory);
            }
            vec![edit]
        }
    };
    let (tree, copied) = edited_copy(tree, &described, room)?;
    let tree = parse_bounded(language, edited, Some(&tree), copied, None)?;
    Ok(count_errors(&tree))
}

/// A copy of `tree` with `edits` described to it, and the memory the copy took; gives up
/// once that passes `room`. Each edit copies the nodes above it: thousands of edits in one
/// long list copy about as much as the tree (21 MB for 8 000 in 700 KB of Python).
fn edited_copy(tree: &Parsed, edits: &[InputEdit], room: usize) -> Result<(Tree, usize), GaveUp> {
    let before = memory::allocated_here();
    let copied = || usize::try_from(memory::allocated_here() - before).unwrap_or(0);
    let mut tree = tree.tree.clone();
    for edit in edits {
        tree.edit(edit);
        if copied() > room {
            return Err(GaveUp::TooMuchMemory);
        }
    }
    Ok((tree, copied()))
}

/// Whether applying `edits` (in order of position, none overlapping) to `original` can give
/// `edited`: their lengths agree.
fn made_by(original: &[u8], edited: &[u8], edits: &[&Edit]) -> bool {
    let mut at = 0;
    let mut len = original.len();
    for e in edits {
        if e.range.start < at || e.range.end > original.len() || e.range.end < e.range.start {
            return false;
        }
        at = e.range.end;
        len = len - e.range.len() + e.content.len();
    }
    len == edited.len()
}

/// `edits` as tree-sitter takes them, last first: each is then at the same place in the text
/// as in `original`, the ones before it not yet made.
fn described_edits(original: &[u8], edits: &[&Edit]) -> Vec<InputEdit> {
    let mut row = 0;
    let mut line_start = 0;
    let mut at = 0;
    // Rows and columns in one pass over the text.
    let mut point_at = |to: usize| {
        for newline in memchr::memchr_iter(b'\n', &original[at..to]) {
            row += 1;
            line_start = at + newline + 1;
        }
        at = to;
        Point::new(row, to - line_start)
    };
    let mut described: Vec<InputEdit> = edits
        .iter()
        .map(|e| {
            let start = point_at(e.range.start);
            let old_end = point_at(e.range.end);
            let content = e.content.as_bytes();
            let new_end = match memchr::memrchr(b'\n', content) {
                Some(last) => Point::new(
                    start.row + memchr::memchr_iter(b'\n', content).count(),
                    content.len() - last - 1,
                ),
                None => Point::new(start.row, start.column + content.len()),
            };
            InputEdit {
                start_byte: e.range.start,
                old_end_byte: e.range.end,
                new_end_byte: e.range.start + content.len(),
                start_position: start,
                old_end_position: old_end,
                new_end_position: new_end,
            }
        })
        .collect();
    described.reverse();
    described
}

/// One edit from the first to the last byte where `original` and `edited` differ.
fn spanning_edit(original: &[u8], edited: &[u8]) -> InputEdit {
    let change = super::window::Change::between(original, edited);
    let (prefix, old_end) = (change.old.start, change.old.end);
    let new_end = prefix + change.new_len;
    InputEdit {
        start_byte: prefix,
        old_end_byte: old_end,
        new_end_byte: new_end,
        start_position: point(original, prefix),
        old_end_position: point(original, old_end),
        new_end_position: point(edited, new_end),
    }
}

/// What the syntax guard would answer about one fixed text, worked out while analysis still
/// held the file's tree: `fix` then needs no tree for that text (the trees it may keep are
/// bounded; parsing the file again is most of a fix's time), nor to prove it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    len: usize,
    digest: [u8; 32],
    found: Found,
}

/// How a verdict was worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    /// The error counts of the original's tree and of the text's.
    Counted { before: usize, after: usize },
    /// The lines around these changes of the original proved that the text keeps its syntax
    /// (`window::keeps_syntax`).
    Window(Vec<super::window::Change>),
}

impl Verdict {
    /// The verdict on `edited`, made by `edits` from `original`, whose tree is `tree`.
    pub fn of(
        language: &Language,
        tree: &Parsed,
        original: &[u8],
        edited: &[u8],
        edits: &[&Edit],
    ) -> Option<Verdict> {
        let errors_after = errors_after_edit(language, tree, original, edited, Some(edits)).ok()?;
        Some(Verdict {
            len: edited.len(),
            digest: digest(edited),
            found: Found::Counted {
                before: count_errors(tree),
                after: errors_after,
            },
        })
    }

    /// The verdict that the lines around `changes`, made on the original, proved that
    /// `edited` keeps its syntax.
    pub fn proven_by_window(edited: &[u8], changes: Vec<super::window::Change>) -> Verdict {
        Verdict {
            len: edited.len(),
            digest: digest(edited),
            found: Found::Window(changes),
        }
    }

    /// Whether `text` has more syntax errors than the original, when `text` is the text this
    /// verdict counted the errors of; `None` for any other text.
    pub fn breaks(&self, text: &[u8]) -> Option<bool> {
        match self.found {
            Found::Counted { before, after } => {
                (text.len() == self.len && digest(text) == self.digest).then_some(after > before)
            }
            Found::Window(_) => None,
        }
    }

    /// Whether this verdict is that the lines around `changes`, made on the original, proved
    /// `text`: what `window::keeps_syntax` answers on the same texts and changes. The digest
    /// is taken only for a text of the same length and changes.
    pub fn proves(&self, text: &[u8], changes: &[super::window::Change]) -> bool {
        matches!(&self.found, Found::Window(proven) if proven == changes)
            && text.len() == self.len
            && digest(text) == self.digest
    }
}

fn digest(text: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(text).into()
}

/// The parser reads its input in chunks of this many bytes (a read per chunk it enters).
const CHUNK: usize = 16 << 10;

/// Bytes the parser may read per byte of its input, over and above `READ_ALLOWANCE`.
/// A parse reads each chunk about once; a grammar whose scanner looks far ahead at every
/// line reads the same bytes again and again (tree-sitter-python before a long run of
/// comment lines: 20 000 of them took 7 s, and the time grows with their square).
const READS_PER_BYTE: usize = 16;
const READ_ALLOWANCE: usize = 16 << 20;

/// Parse operations (a shift, a reduction or a step of error recovery, on one stack
/// version) per byte of input, over and above `OPERATION_ALLOWANCE`. Real files take
/// under 1 on average and at most about 4, even parsed as the wrong language; the heaviest
/// linear hostile shapes (thousands of casts or semicolons in a row) take 13. A parse
/// that needs more does not re-read its input but keeps stack versions alive or recovers
/// from errors over and over: tree-sitter-java on a line of stray tokens took 14 s for
/// 49 KB, its operations growing with the square. Operations are counted, not timed, so
/// the answer is the same on every run.
const OPERATIONS_PER_BYTE: usize = 16;
const OPERATION_ALLOWANCE: usize = 1 << 20;

/// tree-sitter calls the progress callback once per this many operations.
const OPERATIONS_PER_PROGRESS_CALL: usize = 100;

/// `src` parsed (from `old`, an edited tree of an earlier text, when given), unless the
/// parse went over its allowance of reads, operations or memory: it would not be linear in
/// the input, or its trees would not fit in the file's allowance with the others this
/// thread holds. Whether a parse gives up depends on its input and this thread's trees
/// alone, never on the other workers: they only make it wait for a share of memory.
/// `already` is what the caller allocated for this parse (the edited copy of `old`).
fn parse_bounded(
    language: &Language,
    src: &[u8],
    old: Option<&Tree>,
    already: usize,
    within: Option<tree_sitter::Range>,
) -> Result<Parsed, GaveUp> {
    if src.len() > MAX_PARSE_BYTES {
        return Err(GaveUp::TooLarge);
    }
    if may_overflow_scanner_state(language, src) {
        return Err(GaveUp::TooCostly);
    }
    let allowance = tree_allowance(src.len())
        .saturating_sub(HELD.get())
        .saturating_sub(already);
    let shared = |share| move |(tree, bytes)| Parsed::new(tree, bytes, share);
    let unshared = unshared_tree_bytes();
    if allowance <= unshared || SHARES.get() > 0 {
        return parse_within(language, src, old, allowance, within).map(shared(None));
    }
    // Most trees are small. A text whose tree is likely to outgrow its unshared room waits
    // for a share first; another one that does is built again with a share.
    if src.len().saturating_mul(USUAL_TREE_BYTES_PER_BYTE) <= unshared {
        match parse_within(language, src, old, unshared, within) {
            Err(GaveUp::TooMuchMemory) => {}
            built => return built.map(shared(None)),
        }
    }
    let share = Share {
        _permit: TREE_MEMORY.acquire(allowance as u64),
    };
    parse_within(language, src, old, allowance, within).map(shared(Some(share)))
}

/// One parse with a parser of its own, so that what it allocates depends on its input alone,
/// not on what an earlier parse left cached in a parser. Gives up past `memory` bytes of
/// tree-sitter allocations; returns the tree and the memory it holds.
fn parse_within(
    language: &Language,
    src: &[u8],
    old: Option<&Tree>,
    memory: usize,
    within: Option<tree_sitter::Range>,
) -> Result<(Tree, usize), GaveUp> {
    memory::install();
    let before = memory::allocated_here();
    let taken = || usize::try_from(memory::allocated_here() - before).unwrap_or(0);
    let allowance =
        |per_byte: usize, fixed: usize| src.len().saturating_mul(per_byte).saturating_add(fixed);
    let reads_allowed = allowance(READS_PER_BYTE, READ_ALLOWANCE);
    let operations_allowed = allowance(OPERATIONS_PER_BYTE, OPERATION_ALLOWANCE);
    let mut read = 0usize;
    let mut exhausted = false;
    let mut operations = 0usize;
    let mut too_costly = false;
    let mut too_big = false;
    let tree = {
        let mut parser = Parser::new();
        // Fails only for a grammar of another ABI; each built-in one is parsed by the tests.
        parser
            .set_language(language)
            .map_err(|_| GaveUp::TooCostly)?;
        if let Some(range) = within {
            // Fails only for ranges out of order, and there is one.
            parser
                .set_included_ranges(&[range])
                .map_err(|_| GaveUp::TooCostly)?;
        }
        let mut progress = |_: &tree_sitter::ParseState| {
            operations += OPERATIONS_PER_PROGRESS_CALL;
            too_costly = operations > operations_allowed;
            too_big = taken() > memory;
            match too_costly || too_big {
                true => std::ops::ControlFlow::Break(()),
                false => std::ops::ControlFlow::Continue(()),
            }
        };
        parser.parse_with_options(
            &mut |at: usize, _| {
                let rest = src.get(at..).unwrap_or_default();
                let chunk = &rest[..rest.len().min(CHUNK)];
                read += chunk.len();
                exhausted |= read > reads_allowed;
                // An empty read ends the input: the parse stops soon, and its tree is dropped.
                if exhausted { &[][..] } else { chunk }
            },
            old,
            Some(tree_sitter::ParseOptions::new().progress_callback(&mut progress)),
        )
        // The parser is dropped here: what remains allocated is the tree's.
    };
    let bytes = taken();
    if too_big || bytes > memory {
        return Err(GaveUp::TooMuchMemory);
    }
    match tree {
        Some(tree) if !too_costly && !exhausted => Ok((tree, bytes)),
        _ => Err(GaveUp::TooCostly),
    }
}

/// Whether parsing `src` could make the grammar's scanner overflow the 1024 bytes tree-sitter
/// gives it to save its state, which aborts the whole process (a C assertion, not a panic).
/// tree-sitter-ruby 0.23 saves its open literals (5 bytes each, after a count byte) and then
/// its open heredocs (4 bytes and the word each), and checks the room for a heredoc 2 bytes
/// short: a state reaching 1021 bytes with a heredoc overflows. A 2 KB file of heredocs
/// opened on one line does it. Bounded from above here: an open literal inside another
/// needs a `#{` of its own (a scanner over 204 literals saves nothing, safely), and every
/// `<<word` of the file counts as an open heredoc (appends included). Such a file is not
/// parsed: its requests are left to the lexer, and its fixes are refused.
fn may_overflow_scanner_state(language: &Language, src: &[u8]) -> bool {
    if *language != Language::new(tree_sitter_ruby::LANGUAGE) {
        return false;
    }
    let interpolations = memchr::memmem::find_iter(src, b"#{").count();
    let literals = 1 + 5 * (interpolations + 1).min(204);
    let heredocs: usize = memchr::memmem::find_iter(src, b"<<")
        .map(|at| {
            let rest = &src[at + 2..];
            let rest = rest
                .strip_prefix(b"~")
                .or(rest.strip_prefix(b"-"))
                .unwrap_or(rest);
            let rest = match rest.first() {
                Some(b'\'' | b'"' | b'`') => &rest[1..],
                _ => rest,
            };
            let word = rest
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            if word == 0 { 0 } else { 4 + word }
        })
        .sum();
    // 1021 is where it overflows; the margin covers bytes this count may have missed.
    literals + 1 + heredocs >= 1000
}

/// Row and byte column of `at` in `src`, as tree-sitter counts them.
fn point(src: &[u8], at: usize) -> Point {
    let before = &src[..at];
    let row = memchr::memchr_iter(b'\n', before).count();
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    Point::new(row, at - line_start)
}

/// ERROR and MISSING nodes of a tree, depth-first over the nodes that contain an error:
/// linear in the tree.
fn count_errors(tree: &Tree) -> usize {
    let root = tree.root_node();
    if !root.has_error() {
        return 0;
    }
    let mut count = 0;
    let mut cursor = root.walk();
    'walk: loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        if node.has_error() && !node.is_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    count
}

/// Where a file's tree holds each word: every leaf that is an identifier, a PHP `name` or a
/// string's content, by its text in lower case, in text order. Built once per file, so that
/// questions about each of many functions ("where is it named?") look up, not walk the tree.
#[derive(Debug, Default)]
pub struct Words {
    at: std::collections::HashMap<Box<[u8]>, Vec<std::ops::Range<usize>>>,
}

impl Words {
    pub fn of(tree: &Tree, src: &[u8]) -> Words {
        let mut at: std::collections::HashMap<Box<[u8]>, Vec<std::ops::Range<usize>>> =
            std::collections::HashMap::new();
        for n in descendants(tree.root_node()) {
            let kind = n.kind();
            if n.child_count() == 0
                && (kind.ends_with("identifier") || kind == "name" || kind == "string_content")
            {
                let word = src[n.byte_range()].to_ascii_lowercase().into_boxed_slice();
                at.entry(word).or_default().push(n.byte_range());
            }
        }
        Words { at }
    }

    /// The leaves of `tree` (the tree the index was built from) whose text is `word` in any
    /// ASCII case, in text order.
    pub fn nodes<'t>(
        &self,
        tree: &'t Tree,
        word: &[u8],
    ) -> impl Iterator<Item = tree_sitter::Node<'t>> + use<'_, 't> {
        let root = tree.root_node();
        (self
            .at
            .get(&word.to_ascii_lowercase()[..])
            .into_iter()
            .flatten())
        .filter_map(move |r| root.descendant_for_byte_range(r.start, r.end))
    }
}

/// `node` and every node under it, depth first in text order: the one walk the questions
/// below take through a function, with a cursor rather than a node per step.
pub fn descendants<'t>(node: tree_sitter::Node<'t>) -> impl Iterator<Item = tree_sitter::Node<'t>> {
    let mut cursor = node.walk();
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let current = cursor.node();
        let advanced = cursor.goto_first_child()
            || loop {
                if cursor.node() == node {
                    break false;
                }
                if cursor.goto_next_sibling() {
                    break true;
                }
                if !cursor.goto_parent() {
                    break false;
                }
            };
        done = !advanced;
        Some(current)
    })
}

/// [`descendants`] of `node` that overlap the bytes `start..end`, in the same order (`node`
/// itself always comes first). Tree-sitter keeps a long list of children (a block's
/// statements) in a balanced tree of hidden nodes: `goto_first_child_for_byte` steps over
/// those before `start` in time growing with the logarithm of their number, where stepping
/// from sibling to sibling grows with the number.
pub fn descendants_overlapping<'t>(
    node: tree_sitter::Node<'t>,
    start: usize,
    end: usize,
) -> impl Iterator<Item = tree_sitter::Node<'t>> {
    let mut cursor = node.walk();
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let current = cursor.node();
        let mut advanced = false;
        // Down to the first child that ends after `start`, if it starts before `end`.
        if cursor.goto_first_child_for_byte(start).is_some() {
            if cursor.node().start_byte() < end {
                advanced = true;
            } else {
                cursor.goto_parent();
            }
        }
        // Else to the next sibling that starts before `end`, here or of an ancestor.
        while !advanced {
            if cursor.node() == node {
                break;
            }
            if cursor.goto_next_sibling() {
                if cursor.node().start_byte() < end {
                    advanced = true;
                } else {
                    cursor.goto_parent(); // its later siblings start later still
                }
            } else if !cursor.goto_parent() {
                break;
            }
        }
        done = !advanced;
        Some(current)
    })
}

/// The byte range of the innermost function around byte `at`; `None` at module level.
pub fn enclosing_function(tree: &tree_sitter::Tree, at: usize) -> Option<std::ops::Range<usize>> {
    // One walk down from the root, not `parent()` up from the leaf: tree-sitter finds a
    // node's parent by walking down from the root, so each step up crossed every statement
    // before it in a block (a script of thousands of top-level statements).
    let mut cursor = tree.walk();
    let mut function = None;
    loop {
        let node = cursor.node();
        if node.start_byte() > at || node.end_byte() <= at {
            break;
        }
        if is_function(node.kind()) {
            function = Some(node.byte_range());
        }
        if cursor.goto_first_child_for_byte(at).is_none() {
            break;
        }
    }
    function
}

/// Whether the template written at `value` (`{k}`, `#{k}`, `$k`, `${k}`) is read by the
/// innermost string literal around it: the grammars give each interpolation a node of its own
/// (`interpolation`, `template_substitution`, PHP's `variable_name`), while in a string kind
/// that does not interpolate (Python without `f`, Ruby's `'…'` and `%q`, PHP's `'…'` and
/// nowdoc, C# without `$`, Java, Go, a JavaScript quote, Kotlin's `\$`) the same characters are
/// content. A child of a kind not known to be content counts as an interpolation, so an
/// unknown grammar construct keeps its reading as code. `None` when `value` is in no string.
pub fn interpolated_in_string(
    tree: &tree_sitter::Tree,
    value: std::ops::Range<usize>,
) -> Option<bool> {
    const STRINGS: &[&str] = &[
        "string",
        "template_string",
        "encapsed_string",
        "heredoc_body",
        "nowdoc_body",
        "string_literal",
        "verbatim_string_literal",
        "interpolated_string_expression",
        "raw_string_literal",
        "interpreted_string_literal",
        "multiline_string_literal",
    ];
    const CONTENT: &[&str] = &[
        "string_content",
        "string_fragment",
        "multiline_string_fragment",
        "escape_sequence",
        "string_start",
        "string_end",
        "heredoc_content",
        "heredoc_end",
        "nowdoc_string",
        "string_literal_content",
        "raw_string_start",
        "raw_string_content",
        "raw_string_end",
        "interpreted_string_literal_content",
        "raw_string_literal_content",
        "interpolation_start",
        "interpolation_quote",
    ];
    let mut node = tree
        .root_node()
        .descendant_for_byte_range(value.start, value.end)?;
    while !STRINGS.contains(&node.kind()) {
        node = node.parent()?;
    }
    let mut cursor = node.walk();
    let read = node.named_children(&mut cursor).any(|child| {
        child.start_byte() < value.end
            && value.start < child.end_byte()
            && !CONTENT.contains(&child.kind())
    });
    Some(read)
}

/// The name ending at `end` only adds to its own URL's query (`url.searchParams.set(…)` in
/// JavaScript, or `params.set(…)` when `own_params`: the name holds the `URLSearchParams`):
/// that query is still sent by one request, not read by another.
fn builds_own_query(src: &[u8], end: usize, own_params: bool) -> bool {
    let rest = &src[end..];
    let rest = match rest.strip_prefix(b".searchParams") {
        Some(of_url) => of_url,
        None if own_params => rest,
        None => return false,
    };
    [b".set(".as_slice(), b".append(", b".delete("]
        .iter()
        .any(|call| rest.starts_with(call))
}

/// The leaves under `node` at each place its text spells `name` (overlapping places too), in
/// text order: found where the text says it, not by a walk of every node. A leaf may come
/// more than once.
pub fn leaves_spelled<'t, 'a>(
    src: &'a [u8],
    node: tree_sitter::Node<'t>,
    name: &'a [u8],
) -> impl Iterator<Item = tree_sitter::Node<'t>> + 'a
where
    't: 'a,
{
    let finder = memchr::memmem::Finder::new(name);
    let body = &src[node.byte_range()];
    let mut from = 0;
    std::iter::from_fn(move || {
        if name.is_empty() {
            return None;
        }
        let at = finder.find(&body[from..])? + from;
        from = at + 1;
        Some(node.start_byte() + at)
    })
    .flat_map(move |at| {
        descendants_overlapping(node, at, at + name.len()).filter(|n| n.child_count() == 0)
    })
}

/// The name `node` is read only to name its query: `const q = url.searchParams;` where,
/// within `function`, `q` only adds to it (`q.set(…)`), so that query is still sent by the
/// requests that read `url`, not read by anything else. The alias's leaves come from `index`
/// when given, else from where the function's text spells it: a function of many such
/// aliases is not walked whole once per alias.
fn aliases_own_query<'t>(
    src: &[u8],
    node: &tree_sitter::Node<'t>,
    function: &tree_sitter::Node<'t>,
    index: Option<&FunctionLeaves<'t>>,
) -> bool {
    let Some(alias) = node
        .parent()
        .filter(|m| m.kind() == "member_expression")
        .filter(|m| m.child_by_field_name("object") == Some(*node))
        .filter(|m| {
            m.child_by_field_name("property")
                .is_some_and(|p| &src[p.byte_range()] == b"searchParams")
        })
        .and_then(|m| m.parent().filter(|d| d.kind() == "variable_declarator"))
        .and_then(|d| d.child_by_field_name("name"))
        .filter(|n| n.kind() == "identifier")
    else {
        return false;
    };
    let name = &src[alias.byte_range()];
    // The name before `prev_sibling`, which walks down from the root (see
    // `is_single_use_local`).
    let read_otherwise = |leaf: &tree_sitter::Node| {
        leaf.child_count() == 0
            && *leaf != alias
            && &src[leaf.byte_range()] == name
            && !leaf
                .prev_sibling()
                .is_some_and(|p| matches!(p.kind(), "." | "?."))
            && !builds_own_query(src, leaf.end_byte(), true)
    };
    match index {
        Some(index) => {
            let leaves = index.of(src, *function);
            !leaves
                .get(bare(name))
                .is_some_and(|named| named.iter().any(read_otherwise))
        }
        None => !leaves_spelled(src, *function, name).any(|n| read_otherwise(&n)),
    }
}

/// The name `node` is declared `new URLSearchParams(…)` (JavaScript, TypeScript).
fn holds_search_params(src: &[u8], node: &tree_sitter::Node) -> bool {
    node.parent()
        .filter(|d| d.kind() == "variable_declarator")
        .and_then(|d| d.child_by_field_name("value"))
        .filter(|v| v.kind() == "new_expression")
        .and_then(|v| v.child_by_field_name("constructor"))
        .is_some_and(|c| &src[c.byte_range()] == b"URLSearchParams")
}

/// The name `node` is the receiver of Ruby's `url << '?a=1' << b` written as a statement of
/// its own: it appends to the string the name holds, which is still sent by one request,
/// not read by another (an append used as a value, `x = url << …`, is a read).
fn appends_to_itself(node: &tree_sitter::Node) -> bool {
    let mut operand = *node;
    let mut appended = false;
    while let Some(parent) = operand.parent().filter(|p| {
        p.kind() == "binary"
            && p.child_by_field_name("left") == Some(operand)
            && p.child_by_field_name("operator")
                .is_some_and(|o| o.kind() == "<<")
    }) {
        operand = parent;
        appended = true;
    }
    appended
        && operand.parent().is_some_and(|p| {
            matches!(
                p.kind(),
                "body_statement" | "program" | "then" | "else" | "begin" | "do" | "block_body"
            )
        })
}

/// Node kinds that open a function body in the grammars above.
fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "function_declaration"
            | "function_expression"
            | "arrow_function"
            | "method_definition"
            | "generator_function_declaration"
            | "function_definition"
            | "lambda"
            | "method_declaration"
            | "constructor_declaration"
            | "local_function_statement"
            | "anonymous_function"
            | "func_literal"
            | "method"
            | "singleton_method"
            | "anonymous_function_creation_expression"
            | "lambda_expression"
            | "lambda_literal"
            | "anonymous_function_expression"
    )
}

/// SPEC's line between a safe and an unsafe fix through a variable: the name written at
/// `binding` (where the URL is assigned) is a local of the innermost function that also holds
/// `use_at` (where the request reads it), and within that function it occurs exactly twice —
/// assigned once, read once, never reassigned nor shared with another request. A Python
/// `global`/`nonlocal` (PHP `global`) declaration of the name is one more occurrence, so such
/// a name is never proven. `tree` is `src`'s.
pub fn is_single_use_local(
    tree: &tree_sitter::Tree,
    src: &[u8],
    binding: usize,
    use_at: usize,
) -> bool {
    single_use_local(tree, src, binding, use_at, None)
}

/// The leaves of each function a proof asked about, by their text less a leading `$`: built
/// with the first proof about a function, so the proofs for thousands of locals of one
/// function do not each search all of its text. For the trees of one file.
#[derive(Default)]
pub struct FunctionLeaves<'t> {
    by_function: std::cell::RefCell<LeavesByFunction<'t>>,
}

type LeavesByFunction<'t> = std::collections::HashMap<(usize, usize, usize), Rc<LeavesByName<'t>>>;

type LeavesByName<'t> = std::collections::HashMap<Box<[u8]>, Vec<tree_sitter::Node<'t>>>;

impl<'t> FunctionLeaves<'t> {
    /// The leaves of `function` by their text less a leading `$`.
    fn of(&self, src: &[u8], function: tree_sitter::Node<'t>) -> Rc<LeavesByName<'t>> {
        let key = (function.id(), function.start_byte(), function.end_byte());
        self.by_function
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| {
                let mut leaves = LeavesByName::new();
                let mut cursor = function.walk();
                'walk: loop {
                    let node = cursor.node();
                    if node.child_count() == 0 {
                        let text = bare(&src[node.byte_range()]);
                        match leaves.get_mut(text) {
                            Some(nodes) => nodes.push(node),
                            None => {
                                leaves.insert(text.into(), vec![node]);
                            }
                        }
                    }
                    if cursor.goto_first_child() {
                        continue;
                    }
                    while !cursor.goto_next_sibling() {
                        if !cursor.goto_parent() || cursor.node() == function {
                            break 'walk;
                        }
                    }
                }
                Rc::new(leaves)
            })
            .clone()
    }
}

/// [`is_single_use_local`] for each of many requests of one file, the functions' leaves
/// indexed once in `leaves`.
pub fn is_single_use_local_indexed<'t>(
    tree: &'t tree_sitter::Tree,
    src: &[u8],
    binding: usize,
    use_at: usize,
    leaves: &FunctionLeaves<'t>,
) -> bool {
    single_use_local(tree, src, binding, use_at, Some(leaves))
}

fn single_use_local<'t>(
    tree: &'t tree_sitter::Tree,
    src: &[u8],
    binding: usize,
    use_at: usize,
    index: Option<&FunctionLeaves<'t>>,
) -> bool {
    let Some((name_node, function)) = binding_in_function(tree, binding) else {
        return false; // module level: other code may read it
    };
    let name = bare(&src[name_node.byte_range()]);
    let own_params = holds_search_params(src, &name_node);
    // Read inside a nested function (a closure, a lambda, a callback), the request is made
    // by another function: it may run later, more than once, after the key's variable changed.
    if enclosing_function(tree, use_at) != Some(function.byte_range()) || name.is_empty() {
        return false;
    }
    if !declares_local(&tree.language(), src, &name_node) {
        return false;
    }
    // A read of the variable: a leaf spelled like the name (less a `$`), not a member.
    let reads = |node: &tree_sitter::Node<'t>| {
        // The name first: `prev_sibling` walks down from the root in tree-sitter, so asking
        // it of every node took time growing with the cube of the function's statements.
        node.child_count() == 0 && bare(&src[node.byte_range()]) == name && {
            // `.url(url)`: a member named like the variable is not the variable.
            let member = node
                .prev_sibling()
                .is_some_and(|p| matches!(p.kind(), "." | "?." | "->" | "::"));
            !member
                && !reads_address_only(src, node.end_byte())
                && !builds_own_query(src, node.end_byte(), own_params)
                && !aliases_own_query(src, node, &function, index)
                && !appends_to_itself(node)
                && !is_keyword_name(node)
        }
    };
    // The binding and the request's read are two; counting stops at a third, so a name that
    // a function of thousands of statements assigns again and again (`url = …` in each loop)
    // is not searched whole once per request.
    let mut occurrences = 0;
    let mut seen = std::collections::HashSet::new();
    let mut more_than_two = |node: tree_sitter::Node<'t>| {
        if seen.insert(node.id()) && reads(&node) {
            occurrences += 1;
        }
        occurrences > 2
    };
    // Every leaf spelled like the name holds its text: the leaves the index has under it, or
    // those around each place the function's text holds the name (a walk of the whole
    // function once per request took time growing with the square of its statements).
    let third = match index {
        Some(index) => {
            let leaves = index.of(src, function);
            let named = leaves.get(name).map_or(&[][..], |v| &v[..]);
            named.iter().any(|&node| more_than_two(node))
        }
        None => leaves_spelled(src, function, name).any(&mut more_than_two),
    };
    !third && occurrences == 2 && rebound_before(src, &function, &name_node, use_at).is_none()
}

/// The name written at `binding` and the innermost function around it (`None` at module level).
fn binding_in_function(
    tree: &tree_sitter::Tree,
    binding: usize,
) -> Option<(tree_sitter::Node<'_>, tree_sitter::Node<'_>)> {
    let name_node = tree
        .root_node()
        .named_descendant_for_byte_range(binding, binding + 1)?;
    let mut function = name_node.parent();
    while let Some(f) = function.filter(|f| !is_function(f.kind())) {
        function = f.parent();
    }
    Some((name_node, function?))
}

/// Where a name that the statement assigning the variable at `binding` reads (the key) is
/// bound again before `use_at`, the send that reads the variable: the byte range of that
/// name, for a message that points at it. See [`is_single_use_local`].
pub fn rebound_between(
    tree: &tree_sitter::Tree,
    src: &[u8],
    binding: usize,
    use_at: usize,
) -> Option<std::ops::Range<usize>> {
    let (name_node, function) = binding_in_function(tree, binding)?;
    rebound_before(src, &function, &name_node, use_at).map(|n| n.byte_range())
}

/// Whether the name at `at` (a [`rebound_between`]'s) is deleted rather than bound again:
/// Python's `del k`, Bash's `unset k`.
pub fn is_deleted_at(tree: &tree_sitter::Tree, at: usize) -> bool {
    let mut node = tree.root_node().named_descendant_for_byte_range(at, at + 1);
    // Up from the name through the list of `del a, k`.
    while let Some(n) = node.filter(|n| n.start_byte() == at || n.kind() == "expression_list") {
        node = n.parent();
        if node.is_some_and(|p| matches!(p.kind(), "delete_statement" | "unset_command")) {
            return true;
        }
    }
    false
}

/// A name the statement assigning `name_node` reads (the URL's parts, its key among them)
/// assigned or bound again between that statement and `use_at` (by `=`, a loop, a `with …
/// as`, a walrus): the header the fix adds at the send reads the key there, and must send
/// the value the URL was built with. That name's node, the first such.
fn rebound_before<'t>(
    src: &[u8],
    function: &tree_sitter::Node<'t>,
    name_node: &tree_sitter::Node<'t>,
    use_at: usize,
) -> Option<tree_sitter::Node<'t>> {
    // The statement: the binding's ancestor just below the node that also holds the use.
    let mut statement = *name_node;
    while let Some(parent) = statement
        .parent()
        .filter(|p| !p.byte_range().contains(&use_at))
    {
        statement = parent;
    }
    let mut read: Vec<&[u8]> = Vec::new();
    let in_statement = |node: &tree_sitter::Node| {
        statement.byte_range().contains(&node.start_byte())
            && node.start_byte() >= name_node.end_byte()
    };
    // Nodes wholly before the statement or after the send can neither be read by the
    // statement nor rebind a name between the two: their subtrees are not walked.
    for node in descendants_overlapping(*function, statement.start_byte(), use_at + 1) {
        if let Some(name) = kotlin_template_name(src, &node).filter(|_| in_statement(&node)) {
            read.push(name);
            continue;
        }
        let word = is_bash_bound_word(src, &node);
        if !is_name(&node) && !word {
            continue;
        }
        let name = bare(&src[node.byte_range()]);
        if in_statement(&node) {
            if !word {
                read.push(name);
            }
        } else if node.start_byte() >= statement.end_byte()
            && node.end_byte() <= use_at
            && read.contains(&name)
            && (word || is_assigned(&node))
        {
            return Some(node);
        }
    }
    None
}

/// The name a Kotlin string reads as `$name`: the grammar leaves it string content (a `$`,
/// then text that starts with the name), where `${name}` is an interpolation node.
fn kotlin_template_name<'s>(src: &'s [u8], node: &tree_sitter::Node) -> Option<&'s [u8]> {
    if node.kind() != "string_content" || &src[node.byte_range()] != b"$" {
        return None;
    }
    let text = &src[node
        .next_sibling()
        .filter(|n| n.kind() == "string_content")?
        .byte_range()];
    let len = text
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    (len > 0).then(|| &text[..len])
}

/// A leaf that names a variable or a member (`k`, `$k`, the `key` of `self.key`, the `k` of
/// JavaScript's `{ k } = row`).
fn is_name(node: &tree_sitter::Node) -> bool {
    node.child_count() == 0
        && (node.kind().ends_with("identifier")
            || matches!(
                node.kind(),
                "name" | "variable_name" | "shorthand_property_identifier_pattern"
            ))
}

/// The name `node` is what an assignment or a binding writes (`k = …`, `k += …`, `$k = …`,
/// `self.key = …`, Go's `k, err = …` and `var k`, a JavaScript `var k = …` again, a
/// destructuring `[n, k] = …`, `{ k } = …`, PHP's `list($n, $k) = …`; a loop's variable:
/// Python's `for k in …`, JavaScript's `for (const { k } of …)`, Go's `for _, k := range …`,
/// Java's `for (String k : …)`, C#'s `foreach (var k in …)`, PHP's `foreach (… as $k)`, Ruby's
/// `for k in …`, Kotlin's `for ((n, k) in …)`, Bash's `for k in …`; what catches an
/// exception: Python's `except … as k`, `catch (k)` and its typed forms, Ruby's `rescue => k`;
/// Python's `with … as k` and `(k := …)`; a Ruby block's `|k|`, `|*k|`, `|x; k|`; a lambda's
/// `{ k -> … }`, `{ (n, k) -> … }`, `->(k)`, `lambda k:`; a Kotlin `val k` again; a pattern:
/// Python's `case {"key": k}:`, `case [*k]`, C#'s `is string k`, `case string k:`, `var (n, k)`,
/// Java's `instanceof String k`; C#'s `out k`, `out var k` and `ref k`; Java's `try (var k =
/// …)`; Python's `import … as k`, `from m import k`, `def k`, `class k`, and `del k`; Bash's
/// `local k`, `unset k` (its `read k` in [`is_bash_bound_word`])). Any such binding counts,
/// also one whose scope ends before the send (a `catch` block's, a Ruby block's, a `case`'s):
/// the proof does not follow scopes, and declines rather than guess.
fn is_assigned(node: &tree_sitter::Node) -> bool {
    // The node kinds that write a name, and the field that holds what they write.
    const BINDINGS: &[(&str, &str)] = &[
        ("assignment", "left"),
        ("augmented_assignment", "left"),
        ("assignment_expression", "left"),
        ("augmented_assignment_expression", "left"),
        ("assignment_statement", "left"),
        ("short_var_declaration", "left"),
        ("operator_assignment", "left"),
        ("variable_declarator", "name"),
        ("var_spec", "name"),
        ("for_statement", "left"),
        ("for_statement", "variable"),
        ("for_in_statement", "left"),
        ("enhanced_for_statement", "name"),
        ("foreach_statement", "left"),
        ("range_clause", "left"),
        ("named_expression", "name"),
        ("as_pattern", "alias"),
        ("for", "pattern"),
        ("catch_clause", "parameter"),
        ("catch_clause", "name"),
        ("catch_formal_parameter", "name"),
        ("catch_declaration", "name"),
        ("variable_assignment", "name"),
        ("aliased_import", "alias"),
        ("function_definition", "name"),
        ("class_definition", "name"),
        ("declaration_expression", "name"),
        ("declaration_pattern", "name"),
        ("recursive_pattern", "name"),
        ("instanceof_expression", "name"),
        ("resource", "name"),
    ];
    // Kinds whose every named child is a name they bind (or unbind): Ruby's `rescue => k`,
    // `|n, k|`, a lambda's `k ->` or `|k|`, Python's `case [*k]`, `del k`, Bash's `unset k`.
    const BINDS_CHILDREN: &[&str] = &[
        "exception_variable",
        "block_parameters",
        "lambda_parameters",
        "splat_pattern",
        "delete_statement",
        "unset_command",
    ];
    // The name itself, or the `$k`, `a.k`, `a, k` or `[i, k]` it is written in.
    const TARGETS: &[&str] = &[
        "variable_name",
        "attribute",
        "member_expression",
        "expression_list",
        "pattern_list",
        "tuple_pattern",
        "array_pattern",
        "object_pattern",
        "rest_pattern",
        "as_pattern_target",
        "left_assignment_list",
        "destructured_parameter",
        "pair",
        "list_literal",
        "variable_declaration",
        "multi_variable_declaration",
        "field_access",
        "tuple_expression",
        "argument",
        "rest_assignment",
        "selector_expression",
        "navigation_expression",
        "member_access_expression",
    ];
    // Patterns that hold a name in one field only: the `k` of `{ key: k }` (`key` names the
    // property read), of `[k = '']` and `{ k = '' }` (the default is read).
    const TARGET_FIELDS: &[(&str, &str)] = &[
        ("pair_pattern", "value"),
        ("assignment_pattern", "left"),
        ("object_assignment_pattern", "left"),
        ("splat_parameter", "name"),
        ("hash_splat_parameter", "name"),
        ("keyword_parameter", "name"),
        ("optional_parameter", "name"),
    ];
    let in_field = |parent: &tree_sitter::Node, field: &str, target: &tree_sitter::Node| {
        let mut cursor = parent.walk();
        parent
            .children_by_field_name(field, &mut cursor)
            .any(|c| c == *target)
    };
    let mut target = *node;
    loop {
        let Some(parent) = target.parent() else {
            return false;
        };
        // Kotlin names what a `val` or a loop binds in `variable_declaration`s, no field.
        if matches!(
            target.kind(),
            "variable_declaration" | "multi_variable_declaration"
        ) && matches!(parent.kind(), "for_statement" | "property_declaration")
        {
            return true;
        }
        // Kotlin's `catch (k: E)`: the name, then its type, no field.
        if parent.kind() == "catch_block" {
            return parent.named_child(0) == Some(target) && target.kind() == "identifier";
        }
        if let Some(binds) = binds_without_field(&parent, &target) {
            return binds;
        }
        // PHP's `foreach ($keys as $k)`, `as $i => $k`: all but the iterated expression (C#'s
        // `foreach` names what it binds `left`, below).
        if parent.kind() == "foreach_statement" && parent.child_by_field_name("left").is_none() {
            return parent.named_child(0) != Some(target);
        }
        if BINDS_CHILDREN.contains(&parent.kind()) {
            return true;
        }
        let mut bindings = BINDINGS.iter().filter(|(kind, _)| *kind == parent.kind());
        if let Some(&(_, first)) = bindings.next() {
            return in_field(&parent, first, &target)
                || bindings.any(|&(_, field)| in_field(&parent, field, &target));
        }
        let through_field = TARGET_FIELDS
            .iter()
            .find(|(kind, _)| *kind == parent.kind());
        match through_field {
            Some(&(_, field)) if !in_field(&parent, field, &target) => return false,
            Some(_) => {}
            None if !TARGETS.contains(&parent.kind()) => return false,
            None => {}
        }
        target = parent;
    }
}

/// Whether `target`, a child of `parent`, is a name `parent` binds where the grammar gives
/// the name no field of its own (`None`: `parent` does not decide, `target` may be written in
/// it). Python's capture patterns (`case k:`, `case Key(k)`, `case Key(value=k)`, `case _ as
/// k`) and imports (`import k.v2`, `from m import k`); C#'s `var (a, k)` and `out k` / `ref
/// k`, and the `(a, k)` of `(a, k) = …`; Java's `case String k` and `Row(String n, String
/// k)`; Bash's `local k` (not `export k`, which keeps the value).
fn binds_without_field(parent: &tree_sitter::Node, target: &tree_sitter::Node) -> Option<bool> {
    let grandparent = || parent.parent().map_or("", |g| g.kind());
    let is_last_name = || target.kind() == "identifier" && target.next_named_sibling().is_none();
    Some(match parent.kind() {
        // A capture is a pattern of one plain name; `case Color.RED` reads.
        "dotted_name" => match grandparent() {
            "case_pattern" | "keyword_pattern" | "import_from_statement" => {
                parent.named_child_count() == 1
                    && parent
                        .parent()
                        .and_then(|g| g.child_by_field_name("module_name"))
                        != Some(*parent)
            }
            // `import k.v2` binds `k`.
            "import_statement" => parent.named_child(0) == Some(*target),
            _ => false,
        },
        "as_pattern" if parent.child_by_field_name("alias").is_none() => is_last_name(),
        "tuple_pattern" if parent.child_by_field_name("name").is_some() => {
            let mut cursor = parent.walk();
            parent
                .children_by_field_name("name", &mut cursor)
                .any(|c| c == *target)
        }
        // The `k` of C#'s `(a, k) = …`: written through the tuple, below.
        "argument" if grandparent() == "tuple_expression" => return None,
        "argument" => {
            parent
                .child(0)
                .is_some_and(|m| matches!(m.kind(), "out" | "ref"))
                && target.kind() == "identifier"
        }
        "type_pattern" | "record_pattern_component" => is_last_name(),
        "declaration_command" => {
            target.kind() == "variable_name"
                && parent
                    .child(0)
                    .is_some_and(|c| !matches!(c.kind(), "export" | "readonly"))
        }
        _ => return None,
    })
}

/// Whether `node` is a word that Bash's `read`, `mapfile`/`readarray` or `printf -v` assigns
/// (`read -r a k`, `mapfile -t k`, `printf -v k …`): the grammar sees these as a command's
/// arguments. Any plain word argument of `read` counts, also a prompt's (`read -p k`): the
/// proof declines rather than parse options.
fn is_bash_bound_word(src: &[u8], node: &tree_sitter::Node) -> bool {
    if node.kind() != "word" {
        return false;
    }
    let Some(command) = node.parent().filter(|p| p.kind() == "command") else {
        return false;
    };
    let text = &src[node.byte_range()];
    let plain = text
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && text.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let is_argument = {
        let mut cursor = command.walk();
        command
            .children_by_field_name("argument", &mut cursor)
            .any(|a| a == *node)
    };
    if !plain || !is_argument {
        return false;
    }
    let Some(name) = command.child_by_field_name("name") else {
        return false;
    };
    match &src[name.byte_range()] {
        b"read" | b"mapfile" | b"readarray" => true,
        b"printf" => node
            .prev_named_sibling()
            .is_some_and(|p| &src[p.byte_range()] == b"-v"),
        _ => false,
    }
}

/// Whether the assignment of the name `node` makes it a local of the function it is in.
/// Python, Ruby and PHP make a local of a plain name by assigning it (a Python `global` or
/// `nonlocal`, or a PHP `global`, is one more occurrence of the name, which the count
/// rejects); Ruby's `@x`, `@@x` and `$x` and PHP's `static $x` are not locals. The other
/// grammars make a local only by declaring it (`const`/`let`/`var`, `:=`, a typed
/// declaration, `val`, Bash's `local`): a bare assignment writes a field, a package or module
/// variable, an enclosing function's variable or an implicit global.
fn declares_local(language: &Language, src: &[u8], node: &tree_sitter::Node) -> bool {
    let is = |grammar: Language| *language == grammar;
    let parent = node.parent();
    let parent_kind = parent.map_or("", |p| p.kind());
    let grandparent = parent.and_then(|p| p.parent());
    let grandparent_kind = grandparent.map_or("", |g| g.kind());
    if is(tree_sitter_python::LANGUAGE.into()) {
        return true;
    }
    if is(tree_sitter_ruby::LANGUAGE.into()) {
        return node.kind() == "identifier";
    }
    if is(tree_sitter_php::LANGUAGE_PHP.into()) {
        return parent_kind != "static_variable_declaration";
    }
    if is(tree_sitter_bash::LANGUAGE.into()) {
        // `local URL=…` (or `declare`/`typeset` without `-g`); a plain `URL=…` in a function
        // sets the script's global.
        let Some(command) = grandparent.filter(|_| parent_kind == "variable_assignment") else {
            return false;
        };
        if command.kind() != "declaration_command" {
            return false;
        }
        let words = &src[command.start_byte()..node.start_byte()];
        let global_flag = words
            .split(|b| b.is_ascii_whitespace())
            .any(|w| w.starts_with(b"-") && w.contains(&b'g'));
        return (words.starts_with(b"local")
            || words.starts_with(b"declare")
            || words.starts_with(b"typeset"))
            && !global_flag;
    }
    match parent_kind {
        // JavaScript, TypeScript, Java, C#: `const url = …`, `String url = …`, `var url = …`.
        "variable_declarator" => parent.and_then(|p| p.child_by_field_name("name")) == Some(*node),
        // Go: `var url = …`, `url := …`.
        "var_spec" => true,
        "expression_list" => {
            grandparent_kind == "short_var_declaration"
                && grandparent.and_then(|g| g.child_by_field_name("left")) == parent
        }
        // Kotlin: `val url = …`.
        "variable_declaration" => grandparent_kind == "property_declaration",
        _ => false,
    }
}

/// The keyword of a keyword argument (`params` in Python's `params=params`, `query` in
/// Ruby's `query: query`): a name of the callee's parameter, not a read of the variable.
fn is_keyword_name(node: &tree_sitter::Node) -> bool {
    node.parent().is_some_and(|p| match p.kind() {
        "keyword_argument" => p.child_by_field_name("name") == Some(*node),
        "pair" => node.kind() == "hash_key_symbol" && p.child_by_field_name("key") == Some(*node),
        _ => false,
    })
}

/// The name ending at `end` is read only for where it points (`uri.host`, `uri.port`, as
/// `Net::HTTP.start(uri.host, uri.port)` does): such a read sends nothing, key included.
pub fn reads_address_only(src: &[u8], end: usize) -> bool {
    let rest = &src[end.min(src.len())..];
    ["host", "hostname", "port", "scheme"].iter().any(|field| {
        rest.strip_prefix(b".")
            .and_then(|r| r.strip_prefix(field.as_bytes()))
            .is_some_and(|r| {
                r.first()
                    .is_none_or(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
            })
    })
}

/// A variable's name without the sigil some languages write (`$url`).
fn bare(text: &[u8]) -> &[u8] {
    text.strip_prefix(b"$").unwrap_or(text)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn describing_thousands_of_edits_stops_copying_the_tree_at_the_room_left() {
        let rows = "    f(1),\n".repeat(8000);
        let src = format!("x = [\n{rows}]\n");
        let tree = parse("a.py", src.as_bytes()).expect("parses");
        let ones: Vec<Edit> = src
            .match_indices("f(1)")
            .map(|(at, _)| Edit::replace(at + 2..at + 3, "2"))
            .collect();
        let edits: Vec<&Edit> = ones.iter().collect();
        let described = described_edits(src.as_bytes(), &edits);
        // With room, the copy of the whole list's edits is most of a tree.
        let (_, copied) = edited_copy(&tree, &described, usize::MAX).expect("room");
        assert!(copied > 4 << 20, "{copied}");
        // Without, it stops within an edit's copy of the room.
        let room = 256 << 10;
        let start = memory::reset_peak();
        let copy = edited_copy(&tree, &described, room);
        assert!(matches!(copy, Err(GaveUp::TooMuchMemory)));
        let held = usize::try_from(memory::peak() - start).unwrap();
        assert!(held < 2 * room, "held {held} bytes at once");
    }

    #[test]
    fn a_parse_that_rereads_its_input_gives_up_and_an_ordinary_one_does_not() {
        let run = "# requests.get(BASE + '/messages', params={'apikey': old_key})\n".repeat(8000);
        let commented = format!("import requests\n{run}\ndef f():\n    return 1\n");
        assert!(
            parse("a.py", commented.as_bytes()).is_none(),
            "reads grow with the square"
        );
        // As large, but code: read about once.
        let code = "x = requests.get(BASE + '/messages', params={'apikey': key})\n".repeat(8000);
        assert!(parse("a.py", code.as_bytes()).is_some_and(|t| !t.root_node().has_error()));
        // A short run of comment lines parses.
        let short = format!(
            "import requests\n{}\ndef f():\n    return 1\n",
            &run[..6400]
        );
        assert!(parse("a.py", short.as_bytes()).is_some());
    }

    #[test]
    fn a_parse_over_its_memory_allowance_gives_up_and_an_ordinary_one_does_not() {
        // Arrays nested 100 000 deep: 200 KB whose tree would take hundreds of MB.
        let nested = format!(
            "fetch(u);\nconst v = {}{};\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let language = grammar("a.js").unwrap();
        assert_eq!(
            Counted::parse(&language, nested.as_bytes()).err(),
            Some(GaveUp::TooMuchMemory)
        );
        assert!(parse("a.js", nested.as_bytes()).is_none());
        // As large, but flat.
        let flat = format!("fetch(u);\nconst v = [{}];\n", "1, ".repeat(66_000));
        let tree = parse("a.js", flat.as_bytes()).unwrap();
        assert!(!tree.root_node().has_error());
        assert!(tree.bytes() < tree_allowance(flat.len()));
        // Counted the same for every parse of a text, whatever was parsed before.
        let bytes = tree.bytes();
        drop(tree);
        assert_eq!(parse("a.js", flat.as_bytes()).unwrap().bytes(), bytes);
    }

    #[test]
    fn the_trees_a_thread_holds_count_against_its_next_parse() {
        // About 19 MB of tree each: two fit in the allowance of one file, three do not.
        let text = "x = 1\n".repeat(20_000);
        let first = parse("a.py", text.as_bytes()).expect("fits");
        assert!(first.bytes() > tree_allowance(text.len()) / 3);
        let second = parse("a.py", text.as_bytes()).expect("fits beside the first");
        assert!(parse("a.py", text.as_bytes()).is_none(), "a third does not");
        drop(first);
        assert!(parse("a.py", text.as_bytes()).is_some());
        drop(second);
    }

    #[test]
    fn a_ruby_file_that_could_overflow_the_scanners_state_is_not_parsed() {
        // 93 heredocs opened on one line: tree-sitter-ruby's saved state reaches 1025 bytes
        // and tree-sitter aborts the process (this test dies on the old code).
        let words = vec!["<<ABCDEFG"; 93].join(", ");
        let bodies = "x\nABCDEFG\n".repeat(93);
        let heredocs = format!("f({words})\n{bodies}get('https://api.au.whispir.com/m')\n");
        assert!(parse("a.rb", heredocs.as_bytes()).is_none());
        // A few heredocs and interpolations, as real files have them, are parsed.
        let usual = format!(
            "{}q = <<~SQL\n  select 1\nSQL\nputs \"#{{q}} #{{q}}\"\n",
            "x = <<-EOS\n  a\nEOS\n".repeat(20)
        );
        assert!(parse("a.rb", usual.as_bytes()).is_some_and(|t| !t.root_node().has_error()));
    }

    #[test]
    fn a_parse_whose_operations_grow_with_the_square_gives_up() {
        // tree-sitter-java's error recovery on a line of stray tokens: operations grow with
        // the square of its length (25 million here), reads do not.
        let stray = format!(
            "{}\nclass A {{ void f() {{ g(); }} }}\n",
            "a b c . , ; : = + ( ) ".repeat(2000)
        );
        assert!(parse("A.java", stray.as_bytes()).is_none());
        // As large, but code.
        let code = "class A { void f() { g(\"https://api.au.whispir.com\", k); } }\n".repeat(800);
        assert!(parse("A.java", code.as_bytes()).is_some_and(|t| !t.root_node().has_error()));
        // A few stray tokens are an ordinary error.
        let few = format!("{}{code}", &stray[..240]);
        assert!(parse("A.java", few.as_bytes()).is_some_and(|t| t.root_node().has_error()));
    }

    #[test]
    fn a_verdict_answers_for_the_text_it_was_worked_out_on_only() {
        for (name, good, broken) in CASES {
            let language = grammar(name).unwrap();
            let tree = parse(name, good.as_bytes()).unwrap();
            let fine = format!("{good}\n");
            let breaking = Edit::replace(0..good.len(), *broken);
            let verdict = Verdict::of(
                &language,
                &tree,
                good.as_bytes(),
                broken.as_bytes(),
                &[&breaking],
            );
            let verdict = verdict.unwrap();
            assert_eq!(verdict.breaks(broken.as_bytes()), Some(true), "{name}");
            assert_eq!(verdict.breaks(fine.as_bytes()), None, "{name}");
            let newline = Edit::insert(good.len(), "\n");
            let verdict = Verdict::of(
                &language,
                &tree,
                good.as_bytes(),
                fine.as_bytes(),
                &[&newline],
            )
            .unwrap();
            assert_eq!(verdict.breaks(fine.as_bytes()), Some(false), "{name}");
            assert_eq!(verdict.breaks(broken.as_bytes()), None, "{name}");
        }
    }

    /// Each language: a file that parses, and the same file after a "fix" that broke it.
    pub(crate) const CASES: &[(&str, &str, &str)] = &[
        (
            "a.js",
            "fetch('https://api.au.whispir.com/messages', { headers: { 'x-api-key': k } });\n",
            "fetch('https://api.au.whispir.com/messages', { headers: { 'x-api-key': k } );\n",
        ),
        (
            "a.ts",
            "const r: Promise<Response> = fetch(url, { headers: { 'x-api-key': key } });\n",
            "const r: Promise<Response> = fetch(url, { headers: { 'x-api-key': key );\n",
        ),
        (
            "a.tsx",
            "export const A = () => <a href=\"https://api.au.whispir.com\">x</a>;\n",
            "export const A = () => <a href=\"https://api.au.whispir.com>x</a>;\n",
        ),
        (
            "a.py",
            "requests.get(url, headers={'x-api-key': key})\n",
            "requests.get(url, headers={'x-api-key': key)\n",
        ),
        (
            "a.php",
            "<?php\ncurl_setopt($ch, CURLOPT_HTTPHEADER, ['x-api-key: ' . $key]);\n",
            "<?php\ncurl_setopt($ch, CURLOPT_HTTPHEADER, ['x-api-key: ' . $key);\n",
        ),
        (
            "A.java",
            "class A { void f() { c.setRequestProperty(\"x-api-key\", key); } }\n",
            "class A { void f() { c.setRequestProperty(\"x-api-key\", key; } }\n",
        ),
        (
            "A.kt",
            "fun f() = Request.Builder().url(u).header(\"x-api-key\", key).build()\n",
            "fun f() = Request.Builder().url(u).header(\"x-api-key\", key.build()\n",
        ),
        (
            "A.cs",
            "class A { void F() { c.DefaultRequestHeaders.Add(\"x-api-key\", key); } }\n",
            "class A { void F() { c.DefaultRequestHeaders.Add(\"x-api-key\", key; } }\n",
        ),
        (
            "a.go",
            "package a\n\nfunc f() {\n\treq.Header.Set(\"x-api-key\", key)\n}\n",
            "package a\n\nfunc f() {\n\treq.Header.Set(\"x-api-key\", key\n}\n",
        ),
        (
            "a.rb",
            "req['x-api-key'] = key\nputs(req)\n",
            "req['x-api-key'] = key\nputs(req\n",
        ),
        (
            "a.sh",
            "curl \"https://api.au.whispir.com/messages\" -H \"x-api-key: $KEY\"\n",
            "curl \"https://api.au.whispir.com/messages -H \"x-api-key: $KEY\"\n",
        ),
    ];

    #[test]
    fn every_grammar_sees_a_broken_fix() {
        for (name, good, broken) in CASES {
            let language = grammar(name).unwrap_or_else(|| panic!("{name}: no grammar"));
            assert_eq!(
                error_count(&language, good.as_bytes()),
                Some(0),
                "{name}: {good}"
            );
            let errors = error_count(&language, broken.as_bytes()).unwrap();
            assert!(errors > 0, "{name}: no error found in {broken}");
        }
    }

    #[test]
    fn errors_after_an_edit_are_those_of_a_fresh_parse() {
        let edits: &[(&str, &str)] = &[
            ("'x-api-key': k } });", "'x-api-key': k } );"),
            ("fetch(", "fetch(\n\n"),
            ("\n", ""),
            ("", "x"),
        ];
        for (name, good, broken) in CASES {
            let language = grammar(name).unwrap();
            for (original, edited) in [(good, broken), (broken, good)] {
                let counted = Counted::parse(&language, original.as_bytes()).unwrap();
                let fresh = error_count(&language, edited.as_bytes());
                let incremental = counted
                    .errors_after(&language, original.as_bytes(), edited.as_bytes(), None)
                    .ok();
                assert_eq!(incremental, fresh, "{name}: {original:?} -> {edited:?}");
                for (from, to) in edits {
                    let Some(at) = original.find(from) else {
                        continue;
                    };
                    let changed = original.replacen(from, to, 1);
                    let fresh = error_count(&language, changed.as_bytes());
                    // Described as one edit over the difference, and as the edit made.
                    let made = Edit::replace(at..at + from.len(), *to);
                    for described in [None, Some(&[&made][..])] {
                        let incremental = counted
                            .errors_after(
                                &language,
                                original.as_bytes(),
                                changed.as_bytes(),
                                described,
                            )
                            .ok();
                        assert_eq!(incremental, fresh, "{name}: {original:?} -> {changed:?}");
                    }
                }
                // Several edits at once, each described.
                let ends = [0, original.len() / 2, original.len()];
                let made: Vec<Edit> = ends
                    .iter()
                    .map(|&at| Edit::insert(at, "\n\n"))
                    .chain([Edit::replace(1..2, "\n")])
                    .collect();
                let mut made: Vec<&Edit> = made.iter().collect();
                made.sort_by_key(|e| (e.range.start, e.range.end));
                let mut changed = Vec::new();
                let mut at = 0;
                for e in &made {
                    changed.extend_from_slice(&original.as_bytes()[at..e.range.start]);
                    changed.extend_from_slice(e.content.as_bytes());
                    at = e.range.end;
                }
                changed.extend_from_slice(&original.as_bytes()[at..]);
                let applied = made;
                let fresh = error_count(&language, &changed);
                let incremental = counted
                    .errors_after(&language, original.as_bytes(), &changed, Some(&applied))
                    .ok();
                assert_eq!(incremental, fresh, "{name}: {original:?} -> {changed:?}");
            }
        }
    }

    #[test]
    fn an_error_the_original_had_is_counted_before_and_after() {
        let language = grammar("a.js").unwrap();
        let before = "let = ;\nfetch(u, { headers: {} });\n";
        let after = "let = ;\nfetch(u, { headers: { 'x-api-key': k } });\n";
        assert_eq!(
            error_count(&language, before.as_bytes()),
            error_count(&language, after.as_bytes())
        );
    }

    fn single_use(name: &str, src: &str, var: &str) -> bool {
        let binding = src.find(var).unwrap();
        let use_at = src.rfind(var).unwrap();
        parse(name, src.as_bytes())
            .is_some_and(|tree| is_single_use_local(&tree, src.as_bytes(), binding, use_at))
    }

    #[test]
    fn a_local_assigned_once_and_read_once_is_single_use() {
        let cases = [
            (
                "a.js",
                "function f(k) {\n  const url = `https://api.au.whispir.com/m?apikey=${k}`;\n  return fetch(url);\n}\n",
                "url",
            ),
            (
                "a.py",
                "def f(k):\n    url = f\"https://api.au.whispir.com/m?apikey={k}\"\n    return requests.get(url)\n",
                "url",
            ),
            (
                "a.go",
                "package a\n\nfunc f(k string) {\n\tu := fmt.Sprintf(\"https://api.au.whispir.com/m?apikey=%s\", k)\n\thttp.Get(u)\n}\n",
                "u :",
            ),
            (
                "a.rb",
                "def f(k)\n  uri = URI(\"https://api.au.whispir.com/m?apikey=#{k}\")\n  Net::HTTP.get(uri)\nend\n",
                "uri",
            ),
            (
                "a.php",
                "<?php\nfunction f($k) {\n  $url = 'https://api.au.whispir.com/m?apikey=' . $k;\n  return file_get_contents($url);\n}\n",
                "$url",
            ),
        ];
        for (name, src, var) in cases {
            let var_at = src.find(var).unwrap();
            let use_at = src.rfind(var.trim_end_matches(" :")).unwrap();
            let tree = parse(name, src.as_bytes()).unwrap();
            assert!(
                is_single_use_local(&tree, src.as_bytes(), var_at, use_at),
                "{name}"
            );
        }
    }

    #[test]
    fn appending_to_a_ruby_string_in_a_statement_of_its_own_is_not_a_second_use() {
        let src = "def f(k)\n  url = +'https://api.au.whispir.com/m'\n  url << '?apikey=' << k\n  HTTParty.get(url)\nend\n";
        let tree = parse("a.rb", src.as_bytes()).unwrap();
        let (binding, use_at) = (src.find("url").unwrap(), src.rfind("url").unwrap());
        assert!(is_single_use_local(&tree, src.as_bytes(), binding, use_at));
        // Used as a value, the appended string is read by whatever takes it.
        let src = src.replace("  url << '?apikey='", "  other = url << '?apikey='");
        let tree = parse("a.rb", src.as_bytes()).unwrap();
        let (binding, use_at) = (src.find("url").unwrap(), src.rfind("url").unwrap());
        assert!(!is_single_use_local(&tree, src.as_bytes(), binding, use_at));
    }

    #[test]
    fn reading_where_a_url_points_is_not_a_second_use() {
        let src = "def f(k)\n  uri = URI(\"https://api.au.whispir.com/m?apikey=#{k}\")\n  req = Net::HTTP::Get.new(uri)\n  Net::HTTP.start(uri.host, uri.port) { |h| h.request(req) }\nend\n";
        let tree = parse("a.rb", src.as_bytes()).unwrap();
        let binding = src.find("uri").unwrap();
        let use_at = src.find("new(uri)").unwrap() + 4;
        assert!(is_single_use_local(&tree, src.as_bytes(), binding, use_at));
        // `uri.request_uri` carries the query, key included: a real second use.
        let src = src.replace("uri.port", "uri.request_uri");
        let tree = parse("a.rb", src.as_bytes()).unwrap();
        assert!(!is_single_use_local(&tree, src.as_bytes(), binding, use_at));
    }

    #[test]
    fn module_bindings_reassigned_and_shared_variables_are_not() {
        // Module level.
        assert!(!single_use(
            "a.js",
            "const url = 'https://api.au.whispir.com/m?apikey=' + k;\nfetch(url);\n",
            "url"
        ));
        // Read by two requests.
        assert!(!single_use(
            "a.js",
            "function f() {\n  const url = 'https://x?apikey=' + k;\n  fetch(url);\n  fetch(url);\n}\n",
            "url"
        ));
        // Reassigned before the send.
        assert!(!single_use(
            "a.py",
            "def f(k):\n    url = 'https://x?apikey=' + k\n    url = url + '&a=1'\n    requests.get(url)\n",
            "url"
        ));
        // No grammar.
        assert!(!single_use("a.cfm", "<cfset url = 'x'>#url#", "url"));
    }

    #[test]
    fn descendants_are_a_subtrees_nodes_in_text_order_and_no_others() {
        fn by_recursion<'t>(node: tree_sitter::Node<'t>, out: &mut Vec<tree_sitter::Node<'t>>) {
            out.push(node);
            let mut cursor = node.walk();
            for child in node.children(&mut cursor) {
                by_recursion(child, out);
            }
        }
        let src =
            "function f(k) { const u = g(k, [1, 2]); return u; }\nfunction h() { return 1; }\n";
        let tree = parse("a.js", src.as_bytes()).unwrap();
        let root = tree.root_node();
        for node in [
            root,
            root.named_child(0).unwrap(),
            root.named_child(1).unwrap(),
        ] {
            let mut expected = Vec::new();
            by_recursion(node, &mut expected);
            assert_eq!(descendants(node).collect::<Vec<_>>(), expected);
        }
        // A leaf is its own only descendant.
        let leaf = root.descendant_for_byte_range(9, 10).unwrap();
        assert_eq!(descendants(leaf).collect::<Vec<_>>(), [leaf]);
    }

    /// `is_single_use_local` for the name assigned at the first `assigned` of `src` and read
    /// at the last `read`.
    fn proven(name: &str, src: &str, assigned: &str, read: &str) -> bool {
        let binding = src.find(assigned).unwrap();
        let use_at = src.rfind(read).unwrap();
        let tree = parse(name, src.as_bytes()).unwrap();
        is_single_use_local(&tree, src.as_bytes(), binding, use_at)
    }

    #[test]
    fn a_local_read_inside_a_nested_function_is_not_proven() {
        // The request is made by another function (a closure, a lambda, a callback), which
        // may run later, more than once, or with the key's variable changed since.
        let cases = [
            (
                "a.py",
                "def f(k):\n    url = 'https://x?apikey=' + k\n    def send():\n        return requests.get(url)\n    return send\n",
            ),
            (
                "a.py",
                "def f(k):\n    url = 'https://x?apikey=' + k\n    return lambda: requests.get(url)\n",
            ),
            (
                "a.js",
                "function f(k) {\n  const url = 'https://x?apikey=' + k;\n  return () => fetch(url);\n}\n",
            ),
            (
                "a.go",
                "package a\n\nfunc f(k string) func() {\n\turl := \"https://x?apikey=\" + k\n\treturn func() { http.Get(url) }\n}\n",
            ),
            (
                "A.kt",
                "fun f(k: String): () -> Request {\n    val url = \"https://x?apikey=$k\"\n    return { Request.Builder().url(url).build() }\n}\n",
            ),
            (
                "a.php",
                "<?php\nfunction f($k) {\n  $url = 'https://x?apikey=' . $k;\n  return fn() => file_get_contents($url);\n}\n",
            ),
        ];
        for (name, src) in cases {
            let var = if name == "a.php" { "$url" } else { "url" };
            assert!(!proven(name, src, var, var), "{name}: {src}");
        }
    }

    #[test]
    fn an_assignment_to_a_name_the_function_does_not_declare_is_not_proven() {
        // Written once and read once in the function, but the binding is someone else's: a
        // module or enclosing function's variable, an implicit global, a field, a package
        // variable, an instance or global variable, a function's static.
        let cases = [
            (
                "a.js",
                "let url;\nfunction f(k) {\n  url = 'https://x?apikey=' + k;\n  return fetch(url);\n}\n",
                "url =",
            ),
            (
                "a.js",
                "function f(k) {\n  url = 'https://x?apikey=' + k;\n  return fetch(url);\n}\n",
                "url =",
            ),
            (
                "a.ts",
                "function outer() {\n  let url: string;\n  function f(k: string) {\n    url = 'https://x?apikey=' + k;\n    return fetch(url);\n  }\n}\n",
                "url =",
            ),
            (
                "a.go",
                "package a\n\nvar url string\n\nfunc f(k string) {\n\turl = \"https://x?apikey=\" + k\n\thttp.Get(url)\n}\n",
                "url =",
            ),
            (
                "A.java",
                "class A {\n  String url;\n  void f(String k) throws Exception {\n    url = \"https://x?apikey=\" + k;\n    new URL(url).openConnection();\n  }\n}\n",
                "url =",
            ),
            (
                "A.kt",
                "class A {\n    var url = \"\"\n    fun f(k: String) {\n        url = \"https://x?apikey=$k\"\n        Request.Builder().url(url).build()\n    }\n}\n",
                "url =",
            ),
            (
                "A.cs",
                "class A {\n  string url;\n  void F(string k) {\n    url = \"https://x?apikey=\" + k;\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "url =",
            ),
            (
                "a.rb",
                "def f(k)\n  @url = \"https://x?apikey=#{k}\"\n  HTTParty.get(@url)\nend\n",
                "@url",
            ),
            (
                "a.rb",
                "def f(k)\n  $url = \"https://x?apikey=#{k}\"\n  HTTParty.get($url)\nend\n",
                "$url",
            ),
            (
                "a.rb",
                "def f(k)\n  @@url = \"https://x?apikey=#{k}\"\n  HTTParty.get(@@url)\nend\n",
                "@@url",
            ),
            (
                "a.php",
                "<?php\nfunction f() {\n  static $url = 'https://x?apikey=' . KEY;\n  return file_get_contents($url);\n}\n",
                "$url",
            ),
            (
                "a.sh",
                "send() {\n  URL=\"https://x?apikey=$KEY\"\n  curl \"$URL\"\n}\n",
                "URL",
            ),
        ];
        for (name, src, assigned) in cases {
            let read = assigned.trim_end_matches(" =");
            assert!(!proven(name, src, assigned, read), "{name}: {src}");
        }
        // `var` declared twice in one function is one variable, written twice.
        let twice = "function f(k) {\n  var url = 'https://x';\n  var url = 'https://x?apikey=' + k;\n  return fetch(url);\n}\n";
        assert!(!proven("a.js", twice, "url = 'https://x?", "url"));
    }

    #[test]
    fn declared_locals_are_proven_in_every_language() {
        let cases = [
            (
                "a.js",
                "function f(k) {\n  var url = 'https://x?apikey=' + k;\n  return fetch(url);\n}\n",
                "url",
            ),
            (
                "a.ts",
                "function f(k: string) {\n  let url: string = 'https://x?apikey=' + k;\n  return fetch(url);\n}\n",
                "url",
            ),
            (
                "a.go",
                "package a\n\nfunc f(k string) {\n\tvar url = \"https://x?apikey=\" + k\n\thttp.Get(url)\n}\n",
                "url",
            ),
            (
                "A.java",
                "class A {\n  void f(String k) throws Exception {\n    String url = \"https://x?apikey=\" + k;\n    new URL(url).openConnection();\n  }\n}\n",
                "url",
            ),
            (
                "A.kt",
                "fun f(k: String) {\n    val url = \"https://x?apikey=$k\"\n    Request.Builder().url(url).build()\n}\n",
                "url",
            ),
            (
                "A.cs",
                "class A {\n  void F(string k) {\n    var url = \"https://x?apikey=\" + k;\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "url",
            ),
            (
                "a.sh",
                "send() {\n  local URL=\"https://x?apikey=$KEY\"\n  curl \"$URL\"\n}\n",
                "URL",
            ),
        ];
        for (name, src, var) in cases {
            assert!(proven(name, src, var, var), "{name}: {src}");
        }
    }

    #[test]
    fn a_key_assigned_again_between_the_url_and_its_send_is_not_proven() {
        // The header the fix adds at the send reads the key there: it must be the value the
        // URL was built with.
        let cases = [
            (
                "a.py",
                "def f(k):\n    url = 'https://x?apikey=' + k\n    k = k.strip()\n    return requests.get(url)\n",
            ),
            (
                "a.py",
                "def f(k):\n    url = f'https://x?apikey={k}'\n    k += '!'\n    return requests.get(url)\n",
            ),
            (
                "a.js",
                "function f(k) {\n  const url = `https://x?apikey=${k}`;\n  k = k.trim();\n  return fetch(url);\n}\n",
            ),
            (
                "a.go",
                "package a\n\nfunc f(k string) {\n\turl := \"https://x?apikey=\" + k\n\tk = strings.TrimSpace(k)\n\thttp.Get(url)\n}\n",
            ),
            (
                "a.php",
                "<?php\nfunction f($k) {\n  $url = 'https://x?apikey=' . $k;\n  $k = trim($k);\n  return file_get_contents($url);\n}\n",
            ),
        ];
        for (name, src) in cases {
            let var = if name == "a.php" { "$url" } else { "url" };
            assert!(!proven(name, src, var, var), "{name}: {src}");
        }
        // Read, or assigned before the URL: the key the URL holds is the one sent.
        for fine in [
            "def f(k):\n    k = k.strip()\n    url = 'https://x?apikey=' + k\n    log(k)\n    return requests.get(url)\n",
            "def f(k):\n    url = 'https://x?apikey=' + k\n    n = len(k) == 2\n    return requests.get(url)\n",
        ] {
            assert!(proven("a.py", fine, "url", "url"), "{fine}");
        }
    }

    #[test]
    fn a_key_bound_again_by_a_loop_a_with_or_a_walrus_before_the_send_is_not_proven() {
        // Each case: the source, and the text of the line that binds the key again.
        let cases = [
            (
                "a.py",
                "def f(k, ks):\n    url = 'https://x?apikey=' + k\n    for k in ks:\n        requests.get(url)\n",
                "    for k in ks:",
            ),
            (
                "a.py",
                "def f(k, pairs):\n    url = 'https://x?apikey=' + k\n    for n, k in pairs:\n        requests.get(url)\n",
                "    for n, k in pairs:",
            ),
            (
                "a.py",
                "def f(k, p):\n    url = 'https://x?apikey=' + k\n    with open(p) as k:\n        return requests.get(url)\n",
                "    with open(p) as k:",
            ),
            (
                "a.py",
                "def f(k):\n    url = 'https://x?apikey=' + k\n    if (k := renew()):\n        return requests.get(url)\n",
                "    if (k := renew()):",
            ),
            (
                "a.js",
                "async function f(k, ks) {\n  const url = `https://x?apikey=${k}`;\n  for (const k of ks) {\n    await fetch(url);\n  }\n}\n",
                "  for (const k of ks) {",
            ),
            (
                "a.js",
                "async function f(k, pairs) {\n  const url = `https://x?apikey=${k}`;\n  for (const [n, k] of pairs) {\n    await fetch(url);\n  }\n}\n",
                "  for (const [n, k] of pairs) {",
            ),
            (
                "a.go",
                "package a\n\nfunc f(k string, ks []string) {\n\turl := \"https://x?apikey=\" + k\n\tfor _, k := range ks {\n\t\thttp.Get(url)\n\t}\n}\n",
                "\tfor _, k := range ks {",
            ),
            (
                "a.php",
                "<?php\nfunction f($k, $ks) {\n  $url = 'https://x?apikey=' . $k;\n  foreach ($ks as $i => $k) {\n    file_get_contents($url);\n  }\n}\n",
                "  foreach ($ks as $i => $k) {",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  for k in ks\n    Net::HTTP.get(URI(url))\n  end\nend\n",
                "  for k in ks",
            ),
            (
                "a.kt",
                "fun f(k: String, ks: List<String>) {\n    val url = \"https://x?apikey=$k\"\n    for (k in ks) {\n        send(url)\n    }\n}\n",
                "    for (k in ks) {",
            ),
        ];
        for (name, src, line) in cases {
            let url = if name == "a.php" { "$url" } else { "url" };
            assert!(!proven(name, src, url, url), "{name}: {src}");
            let tree = parse(name, src.as_bytes()).unwrap();
            let (binding, use_at) = (src.find(url).unwrap(), src.rfind(url).unwrap());
            let rebound = rebound_between(&tree, src.as_bytes(), binding, use_at)
                .expect("the line that binds the key");
            let line_start = src.find(line).unwrap();
            assert!(
                (line_start..line_start + line.len()).contains(&rebound.start),
                "{name}: {src}"
            );
            assert_eq!(bare(src[rebound].as_bytes()), b"k");
        }
        // Built inside the loop (or the `with`), after the key is bound: the URL holds the
        // key the header sends.
        for (name, fine) in [
            (
                "a.py",
                "def f(ks):\n    for k in ks:\n        url = 'https://x?apikey=' + k\n        requests.get(url)\n",
            ),
            (
                "a.py",
                "def f(p):\n    with open(p) as k:\n        url = 'https://x?apikey=' + k.read()\n        return requests.get(url)\n",
            ),
            (
                "a.js",
                "async function f(ks) {\n  for (const k of ks) {\n    const url = `https://x?apikey=${k}`;\n    await fetch(url);\n  }\n}\n",
            ),
            (
                "a.go",
                "package a\n\nfunc f(ks []string) {\n\tfor _, k := range ks {\n\t\turl := \"https://x?apikey=\" + k\n\t\thttp.Get(url)\n\t}\n}\n",
            ),
            (
                "a.rb",
                "def f(ks)\n  for k in ks\n    url = 'https://x?apikey=' + k\n    Net::HTTP.get(URI(url))\n  end\nend\n",
            ),
            (
                "a.kt",
                "fun f(ks: List<String>) {\n    for (k in ks) {\n        val url = \"https://x?apikey=$k\"\n        send(url)\n    }\n}\n",
            ),
        ] {
            assert!(proven(name, fine, "url", "url"), "{name}: {fine}");
        }
    }

    #[test]
    fn a_key_bound_again_by_a_catch_a_destructuring_or_a_block_parameter_is_not_proven() {
        // Each case: the source, and the text of the line that binds the key again.
        let cases = [
            (
                "a.py",
                "def f(k):\n    url = 'https://x?apikey=' + k\n    try:\n        renew()\n    except KeyError as k:\n        log(k)\n    return requests.get(url)\n",
                "    except KeyError as k:",
            ),
            (
                "a.py",
                "def f(k):\n    url = 'https://x?apikey=' + k\n    try:\n        renew()\n    except* KeyError as k:\n        log(k)\n    return requests.get(url)\n",
                "    except* KeyError as k:",
            ),
            (
                "a.js",
                "async function f(k) {\n  const url = `https://x?apikey=${k}`;\n  try {\n    renew();\n  } catch (k) {\n    await fetch(url);\n  }\n}\n",
                "  } catch (k) {",
            ),
            (
                "a.js",
                "async function f(k, rows) {\n  const url = `https://x?apikey=${k}`;\n  for (const { k } of rows) {\n    await fetch(url);\n  }\n}\n",
                "  for (const { k } of rows) {",
            ),
            (
                "a.js",
                "async function f(k, rows) {\n  const url = `https://x?apikey=${k}`;\n  for (const { key: k } of rows) {\n    await fetch(url);\n  }\n}\n",
                "  for (const { key: k } of rows) {",
            ),
            (
                "a.js",
                "async function f(k, row) {\n  const url = `https://x?apikey=${k}`;\n  ({ k } = row);\n  await fetch(url);\n}\n",
                "  ({ k } = row);",
            ),
            (
                "a.js",
                "async function f(k, pair) {\n  const url = `https://x?apikey=${k}`;\n  let [n = 0, k = ''] = pair;\n  await fetch(url);\n}\n",
                "  let [n = 0, k = ''] = pair;",
            ),
            (
                "a.ts",
                "async function f(k: string) {\n  const url = `https://x?apikey=${k}`;\n  try {\n    renew();\n  } catch (k: unknown) {\n    await fetch(url);\n  }\n}\n",
                "  } catch (k: unknown) {",
            ),
            (
                "a.ts",
                "async function f(k: string, pairs: [number, string][]) {\n  const url = `https://x?apikey=${k}`;\n  for (const [n, k] of pairs) {\n    await fetch(url);\n  }\n}\n",
                "  for (const [n, k] of pairs) {",
            ),
            (
                "A.java",
                "class A {\n  String k;\n  void f(List<String> ks) throws Exception {\n    String url = \"https://x?apikey=\" + k;\n    for (String k : ks) {\n      new URL(url).openConnection();\n    }\n  }\n}\n",
                "    for (String k : ks) {",
            ),
            (
                "A.java",
                "class A {\n  String k;\n  void f() throws Exception {\n    String url = \"https://x?apikey=\" + k;\n    try {\n      renew();\n    } catch (Exception k) {\n      new URL(url).openConnection();\n    }\n  }\n}\n",
                "    } catch (Exception k) {",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(List<string> ks) {\n    var url = \"https://x?apikey=\" + k;\n    foreach (var k in ks) {\n      new HttpRequestMessage(HttpMethod.Get, url);\n    }\n  }\n}\n",
                "    foreach (var k in ks) {",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F() {\n    var url = \"https://x?apikey=\" + k;\n    try {\n      Renew();\n    } catch (Exception k) {\n      new HttpRequestMessage(HttpMethod.Get, url);\n    }\n  }\n}\n",
                "    } catch (Exception k) {",
            ),
            (
                "a.rb",
                "def f(k)\n  url = 'https://x?apikey=' + k\n  begin\n    renew\n  rescue => k\n    log(k)\n  end\n  Net::HTTP.get(URI(url))\nend\n",
                "  rescue => k",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  ks.each do |k|\n    Net::HTTP.get(URI(url))\n  end\nend\n",
                "  ks.each do |k|",
            ),
            (
                "a.rb",
                "def f(k, pairs)\n  url = 'https://x?apikey=' + k\n  pairs.each { |n, k| Net::HTTP.get(URI(url)) }\nend\n",
                "  pairs.each { |n, k| Net::HTTP.get(URI(url)) }",
            ),
            (
                "a.php",
                "<?php\nfunction f($k) {\n  $url = 'https://x?apikey=' . $k;\n  try {\n    renew();\n  } catch (Exception $k) {\n    file_get_contents($url);\n  }\n}\n",
                "  } catch (Exception $k) {",
            ),
            (
                "a.php",
                "<?php\nfunction f($k, $pair) {\n  $url = 'https://x?apikey=' . $k;\n  list($n, $k) = $pair;\n  file_get_contents($url);\n}\n",
                "  list($n, $k) = $pair;",
            ),
            (
                "a.php",
                "<?php\nfunction f($k, $pair) {\n  $url = 'https://x?apikey=' . $k;\n  [$n, $k] = $pair;\n  file_get_contents($url);\n}\n",
                "  [$n, $k] = $pair;",
            ),
            (
                "a.php",
                "<?php\nfunction f($k, $pairs) {\n  $url = 'https://x?apikey=' . $k;\n  foreach ($pairs as [$n, $k]) {\n    file_get_contents($url);\n  }\n}\n",
                "  foreach ($pairs as [$n, $k]) {",
            ),
            (
                "a.go",
                "package a\n\nfunc f(k string) {\n\turl := \"https://x?apikey=\" + k\n\tn, k := renew()\n\tlog(n)\n\thttp.Get(url)\n}\n",
                "\tn, k := renew()",
            ),
            (
                "a.go",
                "package a\n\nfunc f(k string) {\n\turl := \"https://x?apikey=\" + k\n\tif ok {\n\t\tvar k = renew()\n\t\thttp.Get(url)\n\t}\n}\n",
                "\t\tvar k = renew()",
            ),
            (
                "a.kt",
                "fun f(k: String, pair: Pair<Int, String>) {\n    val url = \"https://x?apikey=$k\"\n    val (n, k) = pair\n    send(url)\n}\n",
                "    val (n, k) = pair",
            ),
            (
                "a.kt",
                "fun f(k: String, pairs: List<Pair<Int, String>>) {\n    val url = \"https://x?apikey=$k\"\n    for ((n, k) in pairs) {\n        send(url)\n    }\n}\n",
                "    for ((n, k) in pairs) {",
            ),
            (
                "a.kt",
                "fun f(k: String) {\n    val url = \"https://x?apikey=$k\"\n    try {\n        renew()\n    } catch (k: Exception) {\n        send(url)\n    }\n}\n",
                "    } catch (k: Exception) {",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  for k in $ks; do\n    curl \"$url\"\n  done\n}\n",
                "  for k in $ks; do",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  k=$(renew)\n  curl \"$url\"\n}\n",
                "  k=$(renew)",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    match row:\n        case {\"key\": k}:\n            log(k)\n    return requests.get(url)\n",
                "        case {\"key\": k}:",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    match row:\n        case [_, k]:\n            log(k)\n    return requests.get(url)\n",
                "        case [_, k]:",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    match row:\n        case Key(k):\n            log(k)\n    return requests.get(url)\n",
                "        case Key(k):",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    match row:\n        case Key(value=k):\n            log(k)\n    return requests.get(url)\n",
                "        case Key(value=k):",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    match row:\n        case _ as k:\n            log(k)\n    return requests.get(url)\n",
                "        case _ as k:",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    match row:\n        case [*k]:\n            log(k)\n    return requests.get(url)\n",
                "        case [*k]:",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    match row:\n        case {**k}:\n            log(k)\n    return requests.get(url)\n",
                "        case {**k}:",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    import keys as k\n    return requests.get(url)\n",
                "    import keys as k",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    from m import k\n    return requests.get(url)\n",
                "    from m import k",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    from m import key as k\n    return requests.get(url)\n",
                "    from m import key as k",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    import k.v2\n    return requests.get(url)\n",
                "    import k.v2",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    def k():\n        return row\n    return requests.get(url)\n",
                "    def k():",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    class k:\n        pass\n    return requests.get(url)\n",
                "    class k:",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    del k\n    return requests.get(url)\n",
                "    del k",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    del row, k\n    return requests.get(url)\n",
                "    del row, k",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    Renew(out var k);\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "    Renew(out var k);",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    Renew(out k);\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "    Renew(out k);",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    Renew(ref k);\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "    Renew(ref k);",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    if (o is string k) {\n      Log(k);\n    }\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "    if (o is string k) {",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    if (o is Row { Key: var k }) {\n      Log(k);\n    }\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "    if (o is Row { Key: var k }) {",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    if (o is Row { Key: { } k }) {\n      Log(k);\n    }\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "    if (o is Row { Key: { } k }) {",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    switch (o) {\n      case string k:\n        Log(k);\n        break;\n    }\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "      case string k:",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    var n = o switch { string k => k.Length, _ => 0 };\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "    var n = o switch { string k => k.Length, _ => 0 };",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    var (a, k) = Pair();\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "    var (a, k) = Pair();",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    (a, k) = Pair();\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "    (a, k) = Pair();",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    (string a, string k) = Pair();\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
                "    (string a, string k) = Pair();",
            ),
            (
                "A.java",
                "class A {\n  String k;\n  void f(Object o) throws Exception {\n    String url = \"https://x?apikey=\" + k;\n    if (o instanceof String k) {\n      log(k);\n    }\n    new URL(url).openConnection();\n  }\n}\n",
                "    if (o instanceof String k) {",
            ),
            (
                "A.java",
                "class A {\n  String k;\n  void f(Object o) throws Exception {\n    String url = \"https://x?apikey=\" + k;\n    if (o instanceof Row(String n, String k)) {\n      log(k);\n    }\n    new URL(url).openConnection();\n  }\n}\n",
                "    if (o instanceof Row(String n, String k)) {",
            ),
            (
                "A.java",
                "class A {\n  String k;\n  void f(Object o) throws Exception {\n    String url = \"https://x?apikey=\" + k;\n    switch (o) {\n      case String k -> log(k);\n      default -> {}\n    }\n    new URL(url).openConnection();\n  }\n}\n",
                "      case String k -> log(k);",
            ),
            (
                "A.java",
                "class A {\n  String k;\n  void f(Object o) throws Exception {\n    String url = \"https://x?apikey=\" + k;\n    switch (o) {\n      case String k:\n        log(k);\n        break;\n      default:\n        break;\n    }\n    new URL(url).openConnection();\n  }\n}\n",
                "      case String k:",
            ),
            (
                "A.java",
                "class A {\n  String k;\n  void f(Object o) throws Exception {\n    String url = \"https://x?apikey=\" + k;\n    try (var k = open()) {\n      log(k);\n    }\n    new URL(url).openConnection();\n  }\n}\n",
                "    try (var k = open()) {",
            ),
            (
                "A.java",
                "class A {\n  String k;\n  void f(Object o) throws Exception {\n    String url = \"https://x?apikey=\" + k;\n    try (Reader r = open(); Reader k = open()) {\n      log(k);\n    }\n    new URL(url).openConnection();\n  }\n}\n",
                "    try (Reader r = open(); Reader k = open()) {",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  read k\n  curl \"$url\"\n}\n",
                "  read k",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  read -r a k\n  curl \"$url\"\n}\n",
                "  read -r a k",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  read -rp 'Key: ' k\n  curl \"$url\"\n}\n",
                "  read -rp 'Key: ' k",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  mapfile k\n  curl \"$url\"\n}\n",
                "  mapfile k",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  mapfile -t k < keys.txt\n  curl \"$url\"\n}\n",
                "  mapfile -t k < keys.txt",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  readarray -t k\n  curl \"$url\"\n}\n",
                "  readarray -t k",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  declare k=$(renew)\n  curl \"$url\"\n}\n",
                "  declare k=$(renew)",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  local k=$(renew)\n  curl \"$url\"\n}\n",
                "  local k=$(renew)",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  export k=$(renew)\n  curl \"$url\"\n}\n",
                "  export k=$(renew)",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  local k\n  curl \"$url\"\n}\n",
                "  local k",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  printf -v k '%s' \"$new\"\n  curl \"$url\"\n}\n",
                "  printf -v k '%s' \"$new\"",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  unset k\n  curl \"$url\"\n}\n",
                "  unset k",
            ),
            (
                "a.kt",
                "fun f(k: String, keys: List<String>, pairs: List<Pair<Int, String>>) {\n    val url = \"https://x?apikey=$k\"\n    keys.forEach { k -> log(k) }\n    send(url)\n}\n",
                "    keys.forEach { k -> log(k) }",
            ),
            (
                "a.kt",
                "fun f(k: String, keys: List<String>, pairs: List<Pair<Int, String>>) {\n    val url = \"https://x?apikey=$k\"\n    pairs.forEach { (n, k) -> log(k) }\n    send(url)\n}\n",
                "    pairs.forEach { (n, k) -> log(k) }",
            ),
            (
                "a.kt",
                "fun f(k: String, keys: List<String>, pairs: List<Pair<Int, String>>) {\n    val url = \"https://x?apikey=$k\"\n    keys.forEach { k ->\n        send(url)\n    }\n    send(url)\n}\n",
                "    keys.forEach { k ->",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  n, k = ks\n  Net::HTTP.get(URI(url))\nend\n",
                "  n, k = ks",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  n, *k = ks\n  Net::HTTP.get(URI(url))\nend\n",
                "  n, *k = ks",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  k ||= ENV['KEY']\n  Net::HTTP.get(URI(url))\nend\n",
                "  k ||= ENV['KEY']",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  ks.each { |x; k| k = x }\n  Net::HTTP.get(URI(url))\nend\n",
                "  ks.each { |x; k| k = x }",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  ks.each { |(n, k)| log(k) }\n  Net::HTTP.get(URI(url))\nend\n",
                "  ks.each { |(n, k)| log(k) }",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  ks.each { |*k| log(k) }\n  Net::HTTP.get(URI(url))\nend\n",
                "  ks.each { |*k| log(k) }",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  ks.each { |x, k: 1| log(k) }\n  Net::HTTP.get(URI(url))\nend\n",
                "  ks.each { |x, k: 1| log(k) }",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  ks.each_slice(2) { |x, k = nil| log(k) }\n  Net::HTTP.get(URI(url))\nend\n",
                "  ks.each_slice(2) { |x, k = nil| log(k) }",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  strip = ->(k) { k.strip }\n  Net::HTTP.get(URI(url))\nend\n",
                "  strip = ->(k) { k.strip }",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k\n    keys = sorted(row, key=lambda k: k.name)\n    return requests.get(url)\n",
                "    keys = sorted(row, key=lambda k: k.name)",
            ),
        ];
        let mut failed = Vec::new();
        for (name, src, line) in cases {
            let url = if name == "a.php" { "$url" } else { "url" };
            let tree = parse(name, src.as_bytes()).unwrap();
            let (binding, use_at) = (src.find(url).unwrap(), src.rfind(url).unwrap());
            let rebound = rebound_between(&tree, src.as_bytes(), binding, use_at);
            let line_start = src.find(line).unwrap();
            // `del k` and `unset k` are named as deletions.
            let deletes = line.starts_with("    del ") || line.starts_with("  unset ");
            let found = rebound.is_some_and(|r| {
                (line_start..line_start + line.len()).contains(&r.start)
                    && is_deleted_at(&tree, r.start) == deletes
                    && bare(src[r].as_bytes()) == b"k"
            });
            if !found || proven(name, src, url, url) {
                failed.push(format!("{name}: {line}"));
            }
        }
        assert!(failed.is_empty(), "{failed:#?}");
        // A block, loop or catch that binds the key and holds both the URL and the send, or
        // a name between them that reads the key or names a property: the URL holds the key
        // the header sends.
        for (name, fine) in [
            (
                "a.rb",
                "def f(ks)\n  ks.each do |k|\n    url = 'https://x?apikey=' + k\n    Net::HTTP.get(URI(url))\n  end\nend\n",
            ),
            (
                "a.js",
                "async function f(rows) {\n  for (const { k } of rows) {\n    const url = `https://x?apikey=${k}`;\n    await fetch(url);\n  }\n}\n",
            ),
            (
                "a.js",
                "async function f(k, row) {\n  const url = `https://x?apikey=${k}`;\n  const { k: old } = row;\n  await fetch(url);\n}\n",
            ),
            (
                "a.js",
                "async function f(k) {\n  try {\n    renew();\n  } catch (k) {\n    const url = `https://x?apikey=${k}`;\n    await fetch(url);\n  }\n}\n",
            ),
            (
                "A.cs",
                "class A {\n  void F(List<string> k) {\n    var url = \"https://x?apikey=\" + k[0];\n    foreach (var x in k) {\n      Log(x);\n    }\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
            ),
            (
                "A.java",
                "class A {\n  void f(List<String> k) throws Exception {\n    String url = \"https://x?apikey=\" + k.get(0);\n    for (String x : k) {\n      log(x);\n    }\n    new URL(url).openConnection();\n  }\n}\n",
            ),
            (
                "a.php",
                "<?php\nfunction f($k) {\n  $url = 'https://x?apikey=' . $k[0];\n  foreach ($k as [$a, $b]) {\n    log($a);\n  }\n  file_get_contents($url);\n}\n",
            ),
            (
                "a.kt",
                "fun f(k: String) {\n    val url = \"https://x?apikey=$k\"\n    try {\n        renew(k)\n    } catch (e: Exception) {\n        log(e)\n    }\n    send(url)\n}\n",
            ),
            (
                "a.py",
                "def f(k, row):\n    url = 'https://x?apikey=' + k.value\n    match row:\n        case k.ROTATE:\n            log(row)\n    return requests.get(url)\n",
            ),
            (
                "a.py",
                "def f(row):\n    match row:\n        case {\"key\": k}:\n            url = 'https://x?apikey=' + k\n            return requests.get(url)\n",
            ),
            (
                "a.py",
                "def f(k):\n    url = 'https://x?apikey=' + k\n    import keys\n    del keys\n    return requests.get(url)\n",
            ),
            (
                "A.cs",
                "class A {\n  string k;\n  void F(object o) {\n    var url = \"https://x?apikey=\" + k;\n    Log(in k, k);\n    if (o is string s) {\n      Log(s);\n    }\n    new HttpRequestMessage(HttpMethod.Get, url);\n  }\n}\n",
            ),
            (
                "A.java",
                "class A {\n  void f(Object o) throws Exception {\n    if (o instanceof String k) {\n      String url = \"https://x?apikey=\" + k;\n      new URL(url).openConnection();\n    }\n  }\n}\n",
            ),
            (
                "a.sh",
                "f() {\n  local url=\"https://x?apikey=$k\"\n  read -r line\n  export k\n  printf '%s\\n' \"$k\"\n  curl \"$url\"\n}\n",
            ),
            (
                "a.kt",
                "fun f(keys: List<String>) {\n    keys.forEach { k ->\n        val url = \"https://x?apikey=$k\"\n        send(url)\n    }\n}\n",
            ),
            (
                "a.kt",
                "fun f(k: String, keys: List<String>) {\n    val url = \"https://x?apikey=$k\"\n    keys.forEach { other -> log(other) }\n    send(url)\n}\n",
            ),
            (
                "a.rb",
                "def f(k, ks)\n  url = 'https://x?apikey=' + k\n  ks.each { |x; y| y = x }\n  Net::HTTP.get(URI(url))\nend\n",
            ),
        ] {
            let url = if name == "a.php" { "$url" } else { "url" };
            assert!(proven(name, fine, url, url), "{name}: {fine}");
        }
    }

    #[test]
    fn a_name_declared_global_or_nonlocal_in_the_function_is_not_proven() {
        // The assignment writes the module's (or the enclosing function's) binding, which
        // other functions read: the declaration is one more occurrence of the name.
        for declared in ["global url", "nonlocal url", "global other, url"] {
            let src = format!(
                "def f(k):\n    {declared}\n    url = 'https://x?apikey=' + k\n    return requests.get(url)\n"
            );
            assert!(!proven("a.py", &src, "url =", "url"), "{src}");
        }
        let src = "<?php\nfunction f($k) {\n  global $url;\n  $url = 'https://x?apikey=' . $k;\n  return file_get_contents($url);\n}\n";
        assert!(!proven("a.php", src, "$url =", "$url"));
    }

    #[test]
    fn files_without_a_grammar_and_oversized_ones_are_not_parsed() {
        assert!(grammar("a.cfm").is_none());
        let language = grammar("a.js").unwrap();
        let huge = vec![b' '; MAX_PARSE_BYTES + 1];
        assert_eq!(error_count(&language, &huge), None);
    }
}
