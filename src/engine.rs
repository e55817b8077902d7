//! The check pipeline for one file (read → prefilter → detect → rules → suppressions) and
//! for a whole run (walk in parallel, collect, sort).

use crate::budget::{ByteBudget, Permit};
use crate::crossfile::{self, Binding};
use crate::detect::{self, mentions_whispir};
use crate::diagnostic::{Applicability, Diagnostic};
use crate::discover::{self, Found, WalkOptions, io_cause};
use crate::encoding::{self, Encoding};
use crate::lang;
use crate::own_output::{self, OwnFiles};
use crate::parallel::parallel_map;
use crate::request::ReadElsewhere;
use crate::rules::{self, BaseUrlPolicy, RuleCode, RuleContext};
use crate::source::{SourceFile, looks_binary};
use crate::suppress::Suppressions;
use globset::{Glob, GlobMatcher};
use std::io::{Read, Seek};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Files (and streams) larger than this are reported and skipped rather than held in memory.
pub const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

pub struct Settings {
    pub rules: RuleContext,
    pub ignored: Vec<RuleCode>,
    pub per_file_ignores: Vec<(GlobMatcher, Vec<RuleCode>)>,
    /// Where `per-file-ignores` globs are anchored: the config file's directory.
    pub config_root: Option<PathBuf>,
}

#[cfg(test)]
impl Settings {
    /// A run's settings with `--region` (when given) and nothing else.
    pub(crate) fn with_region(region: Option<&str>) -> Settings {
        Settings {
            rules: RuleContext {
                region: region.map(|r| r.parse().expect("a region")),
                base_urls: None,
                closed_builders: None,
            },
            ignored: Vec::new(),
            per_file_ignores: Vec::new(),
            config_root: None,
        }
    }
}

/// A `per-file-ignores` key that is no glob.
#[derive(Debug, thiserror::Error)]
#[error("invalid per-file-ignores glob `{glob}`: {cause}")]
pub struct PerFileIgnoresError {
    glob: String,
    cause: globset::Error,
}

impl Settings {
    pub fn per_file_ignores_from(
        map: &std::collections::BTreeMap<String, Vec<RuleCode>>,
    ) -> Result<Vec<(GlobMatcher, Vec<RuleCode>)>, PerFileIgnoresError> {
        map.iter()
            .map(|(glob, codes)| {
                let g = Glob::new(glob).map_err(|cause| PerFileIgnoresError {
                    glob: glob.clone(),
                    cause,
                })?;
                Ok((g.compile_matcher(), codes.clone()))
            })
            .collect()
    }

    fn enabled(&self, code: RuleCode, path: &std::path::Path) -> bool {
        if self.ignored.contains(&code) {
            return false;
        }
        if self.per_file_ignores.is_empty() {
            return true;
        }
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let rel = match &self.config_root {
            Some(root) => abs
                .strip_prefix(root)
                .map(PathBuf::from)
                .unwrap_or(abs.clone()),
            None => path
                .strip_prefix("./")
                .map(PathBuf::from)
                .unwrap_or(path.to_path_buf()),
        };
        !self
            .per_file_ignores
            .iter()
            .any(|(m, codes)| codes.contains(&code) && m.is_match(&rel))
    }
}

/// One file's diagnostics, with the file kept for rendering source lines.
#[derive(Clone)]
pub struct FileReport {
    pub file: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    /// What to redact when showing the file's text.
    pub secrets: crate::secrets::Secrets,
    /// The file's syntax tree when analysis parsed it: `fix` checks its edits against this
    /// tree instead of parsing the file again (on a large file, most of a fix's time).
    pub tree: Option<lang::tree::Kept>,
    /// When the tree was parsed but not kept (see `keep_syntax_trees`): what it said about
    /// the texts `fix` will likely check first.
    pub verdicts: Vec<lang::tree::Verdict>,
    /// Public URL builders whose fix only their visibility stops (`Facts::open_builders`).
    pub open_builders: Vec<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ScanError {
    pub path: String,
    pub message: String,
}

#[derive(Default)]
pub struct Outcome {
    /// Shared, not copied: `fix`'s summary keeps the reports of files it left unchanged, and
    /// on a file with a finding per line a copy is larger than the file.
    pub reports: Vec<Arc<FileReport>>,
    pub errors: Vec<ScanError>,
    /// Paths passed over that a user may want to know about (`--verbose`, `--statistics`).
    pub skipped: Vec<ScanError>,
    /// Files the tool wrote itself (reports, baselines), passed over: see `own_output`.
    pub own_outputs: Vec<ScanError>,
    pub files_scanned: usize,
    /// Set when a baseline was applied.
    pub baseline: Option<BaselineStats>,
    /// What this run allows for base URLs, for the fix passes that re-check files.
    pub base_urls: BaseUrlPolicy,
}

#[derive(Debug, Clone, Copy)]
pub struct BaselineStats {
    /// Findings the baseline accepted (not reported).
    pub hidden: usize,
    /// Baseline entries that no longer match any finding.
    pub stale: usize,
}

impl Outcome {
    pub fn diagnostic_count(&self) -> usize {
        self.reports.iter().map(|r| r.diagnostics.len()).sum()
    }
    pub fn fixable_count(&self) -> usize {
        self.reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.has_safe_fix())
            .count()
    }
}

/// Runs the rules on one file already in memory. `None` when nothing is found.
pub fn check_file(file: SourceFile, settings: &Settings) -> Option<FileReport> {
    check_file_collecting(file, settings, None)
}

/// `check_file`, also adding to `bindings` the names whose values carry the file's legacy
/// findings, for the cross-file pass (`crossfile`).
pub(crate) fn check_file_collecting(
    file: SourceFile,
    settings: &Settings,
    bindings: Option<&mut Vec<Binding>>,
) -> Option<FileReport> {
    check_rules(file, settings, bindings, true).ok()
}

/// `check_file` that gives the file's bytes back when there is nothing to report, so that a
/// caller holding a large file's only copy need not clone it first (the fix passes).
pub fn check_source(file: SourceFile, settings: &Settings) -> Result<FileReport, Vec<u8>> {
    check_rules(file, settings, None, false)
}

/// Memory of the syntax trees the scan's reports may keep for `fix` to check its edits
/// against (`Parsed::bytes`). A tree is many times its file, so a run keeps at most this
/// much; the others leave verdicts on the texts `fix` will likely try (`Verdict`).
static TREES_KEPT: AtomicUsize = AtomicUsize::new(0);

/// Whether the scan is `fix`'s (set by `keep_syntax_trees`): `check` has no use for trees
/// or verdicts.
static FOR_FIX: AtomicBool = AtomicBool::new(false);

/// Prepares the scan for `fix`: reports keep syntax trees of up to `tree_bytes` bytes in
/// all, and verdicts for the other files they parsed.
pub fn keep_syntax_trees(tree_bytes: usize) {
    TREES_KEPT.store(tree_bytes, Ordering::Relaxed);
    FOR_FIX.store(true, Ordering::Relaxed);
}

/// Takes `amount` from `budget` if it holds that much.
fn take_from(budget: &AtomicUsize, amount: usize) -> bool {
    budget
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            left.checked_sub(amount)
        })
        .is_ok()
}

fn check_rules(
    file: SourceFile,
    settings: &Settings,
    bindings: Option<&mut Vec<Binding>>,
    keep_tree: bool,
) -> Result<FileReport, Vec<u8>> {
    if !mentions_whispir(&file.bytes) {
        return Err(file.bytes);
    }
    #[cfg(debug_assertions)]
    test_panic_hook(&file.bytes);
    let lang = lang::for_file_name(&file.file_name());
    let facts = detect::analyze(&file, lang);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for rule in rules::ALL
        .iter()
        .filter(|r| settings.enabled(r.code, &file.path))
    {
        let mut found = (rule.check)(&facts, &file, &settings.rules);
        // The first rule with findings hands over its list: on a file with a finding on every
        // line, a copy is a second list of them all.
        if diagnostics.is_empty() {
            diagnostics = found;
        } else {
            diagnostics.append(&mut found);
        }
    }
    if diagnostics.is_empty() {
        return Err(file.bytes);
    }
    match detect::recorded::Recording::of(&file.bytes, &file.file_name()) {
        Some(recording) => crate::request::recorded::assemble(
            &file,
            &facts,
            lang,
            &settings.rules,
            &recording,
            &mut diagnostics,
        ),
        None => {
            crate::request::group::assemble(&file, &facts, lang, &settings.rules, &mut diagnostics)
        }
    }
    // A comment quotes code; rewriting it may change what it documents ("old form: …").
    let comments = Ranges::new(lang::comment_ranges(&file.bytes, &facts.tokens));
    for d in &mut diagnostics {
        if let Some(fix) = d.fix.as_mut().filter(|_| comments.contain(d.span.start)) {
            fix.applicability = Applicability::Unsafe;
        }
    }
    let suppressions = Suppressions::find(&file);
    if !suppressions.is_empty() {
        let suppressed =
            |d: &Diagnostic| suppressions.suppresses(file.line_index(d.span.start), d.code);
        // A request fix that would rewrite a suppressed finding (its host, moved with the key)
        // changes what the user asked to leave: the request stays as it is.
        let kept: Vec<std::ops::Range<usize>> = diagnostics
            .iter()
            .filter(|d| suppressed(d))
            .map(|d| d.span.clone())
            .collect();
        for d in diagnostics.iter_mut().filter(|d| !suppressed(d)) {
            let touches = d.fix.as_ref().is_some_and(|f| {
                f.edits.iter().any(|e| {
                    kept.iter().any(|k| {
                        e.range.start < k.end && k.start < e.range.end.max(e.range.start + 1)
                    })
                })
            });
            if touches {
                d.withdraw_fix("the fix would also change a finding suppressed here");
            }
        }
        diagnostics.retain(|d| !suppressed(d));
    }
    if lang.is_prose() {
        // Migration guides quote the legacy form on purpose, in code blocks too (the API's own
        // authentication page shows the old `?apikey=` form in one): never rewrite prose
        // unasked (SPEC).
        for fix in diagnostics.iter_mut().filter_map(|d| d.fix.as_mut()) {
            fix.applicability = Applicability::Unsafe;
        }
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.code, d.span.end));
    if diagnostics.is_empty() {
        return Err(file.bytes);
    }
    if let Some(out) = bindings {
        crossfile::collect(
            &file,
            lang,
            &facts.tokens,
            &facts.openers,
            &diagnostics,
            out,
        );
    }
    // Only a file with a fix is checked against its tree: the others keep none, and leave
    // the budget to those that need it. A tree over the budget still answers for the fixed
    // texts `fix` is likely to try first.
    let parsed = facts.tree.into_inner().flatten();
    let (tree, verdicts) = match parsed {
        Some(tree)
            if keep_tree
                && FOR_FIX.load(Ordering::Relaxed)
                && diagnostics.iter().any(|d| d.fix.is_some()) =>
        {
            match take_from(&TREES_KEPT, tree.bytes()) {
                true => (Some(tree.keep()), Vec::new()),
                false => (None, first_pass_verdicts(&file, &diagnostics, &tree)),
            }
        }
        _ => (None, Vec::new()),
    };
    Ok(FileReport {
        file,
        diagnostics,
        secrets: facts.secrets,
        tree,
        verdicts,
        open_builders: facts.open_builders.into_inner(),
    })
}

/// The syntax guard's verdicts on the texts `fix`'s first pass tries on this file, as far as
/// the file alone decides it: every safe fix applied, and every fix (`--unsafe-fixes`).
fn first_pass_verdicts(
    file: &SourceFile,
    diagnostics: &[Diagnostic],
    tree: &lang::tree::Parsed,
) -> Vec<lang::tree::Verdict> {
    let name = file.file_name();
    let Some(language) = lang::tree::grammar(&name) else {
        return Vec::new();
    };
    // The findings of one request share its fix: it is applied once.
    let mut seen = std::collections::HashSet::new();
    let fixes: Vec<&crate::diagnostic::Fix> = diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| seen.insert(std::sync::Arc::as_ptr(&f.edits)))
        .collect();
    let safe: Vec<&crate::diagnostic::Fix> = fixes
        .iter()
        .copied()
        .filter(|f| f.applicability == Applicability::Safe)
        .collect();
    let mut sets = vec![safe];
    if sets[0].len() < fixes.len() {
        sets.push(fixes);
    }
    sets.iter()
        .filter(|set| !set.is_empty())
        .filter_map(|set| {
            let (edited, _, edits) = crate::diagnostic::apply_edits(&file.bytes, set);
            // What the lines around the fixes prove needs no tree; `fix` takes it from here
            // rather than proving it again (the windows' parses were half its time).
            let changes = crate::diagnostic::changes(&edits);
            if lang::window::keeps_syntax(&name, &language, &file.bytes, &edited, &changes) {
                return Some(lang::tree::Verdict::proven_by_window(&edited, changes));
            }
            lang::tree::Verdict::of(&language, tree, &file.bytes, &edited, &edits)
        })
        .collect()
}

/// Byte ranges (comments, code blocks) asked about once per finding: a binary search, as a
/// file can hold thousands of each.
struct Ranges(Vec<std::ops::Range<usize>>);

impl Ranges {
    fn new(mut ranges: Vec<std::ops::Range<usize>>) -> Ranges {
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Ranges(merged)
    }

    fn contain(&self, at: usize) -> bool {
        let after = self.0.partition_point(|r| r.start <= at);
        after > 0 && self.0[after - 1].contains(&at)
    }
}

thread_local! {
    /// One read buffer per worker: most files do not mention Whispir and are dropped after the
    /// prefilter, so they never cost an allocation of their own.
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A worker keeps its read buffer between files only up to this size: a huge file's buffer
/// is given back rather than held by an idle worker. Files up to this size are also read
/// without asking their size or the shared budget: that is nearly every file, and each
/// question is a system call or a lock.
const KEPT_BUFFER: usize = 1 << 20;

/// The file bytes all workers may hold and analyse at once.
static IN_FLIGHT: ByteBudget = ByteBudget::new(MAX_FILE_SIZE);

/// Why a file or stream could not be read whole. Shown as the cause after its path.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}", io_cause(.0))]
    Io(std::io::Error),
    #[error(
        "larger than {} MiB; not read further (exclude it to silence this)",
        MAX_FILE_SIZE >> 20
    )]
    TooLarge,
}

/// Reads `from` into `buf` (after what it holds), failing once `buf` passes `MAX_FILE_SIZE`:
/// the cap holds while reading, so an endless stream (`/dev/zero`) or a file that grows is
/// stopped too.
pub fn read_capped(from: impl Read, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    let room = (MAX_FILE_SIZE + 1).saturating_sub(buf.len() as u64);
    from.take(room).read_to_end(buf).map_err(ReadError::Io)?;
    if buf.len() as u64 > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge);
    }
    Ok(())
}

/// What reading a file came to.
enum Loaded {
    /// The whole file is in the buffer; a large one holds a share of the shared budget.
    Whole(Option<Permit<'static>>),
    /// A large file that is binary or never mentions Whispir: searched in pieces, not held.
    Passed,
}

/// Reads a whole file (or stream) into `buf`. A file that fits in `KEPT_BUFFER` is read in
/// one go; a longer one first takes its size (a stream: the cap) from the budget shared by
/// the workers, and the permit is returned to be held while the file is analysed.
fn read_budgeted(
    mut f: std::fs::File,
    stream: bool,
    buf: &mut Vec<u8>,
) -> Result<Loaded, ReadError> {
    // Room for a whole piece up front: a file that fills it exactly then needs no more.
    buf.reserve_exact(KEPT_BUFFER);
    (&mut f)
        .take(KEPT_BUFFER as u64)
        .read_to_end(buf)
        .map_err(ReadError::Io)?;
    if buf.len() < KEPT_BUFFER {
        return Ok(Loaded::Whole(None));
    }
    // A stream's length is unknown until read: it takes the whole budget.
    let len = if stream {
        MAX_FILE_SIZE
    } else {
        f.metadata().map_err(ReadError::Io)?.len()
    };
    if len > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge);
    }
    // A stream cannot be read twice, and UTF-16 is searched once decoded.
    if !stream && encoding::utf16_bom(buf).is_none() {
        if looks_binary(buf) {
            return Ok(Loaded::Passed);
        }
        if !mentions_whispir(buf) {
            if !mentioned_further_on(&mut f, buf)? {
                return Ok(Loaded::Passed);
            }
            f.rewind().map_err(ReadError::Io)?;
            buf.clear();
        }
    }
    let permit = IN_FLIGHT.acquire(len);
    if !stream {
        buf.reserve_exact((len as usize + 1).saturating_sub(buf.len()));
    }
    read_capped(f, buf)?;
    Ok(Loaded::Whole(Some(permit)))
}

/// Searches the rest of a large file for Whispir a buffer at a time, as ripgrep does: a
/// bundle or a dump that never mentions it costs no allocation of its size. Each piece
/// starts with the end of the one before, so a word split between two is found.
fn mentioned_further_on(f: &mut std::fs::File, window: &mut [u8]) -> Result<bool, ReadError> {
    const OVERLAP: usize = "whispir".len() - 1;
    let mut read = window.len() as u64;
    loop {
        window.copy_within(window.len() - OVERLAP.., 0);
        let mut filled = OVERLAP;
        while filled < window.len() {
            match f.read(&mut window[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ReadError::Io(e)),
            }
        }
        read += (filled - OVERLAP) as u64;
        if read > MAX_FILE_SIZE {
            return Err(ReadError::TooLarge);
        }
        if mentions_whispir(&window[..filled]) {
            return Ok(true);
        }
        if filled < window.len() {
            return Ok(false);
        }
    }
}

/// Opens `path` to read it. A walked file is opened without blocking: the walk passes over
/// special files, but one can take a file's place before it is opened (or read again by the
/// cross-file pass), and opening a FIFO with no writer would wait forever; read without
/// blocking it is empty. A stream named on the command line is opened as usual, to be read.
pub(crate) fn open_to_scan(path: &std::path::Path, stream: bool) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    if !stream {
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Reads a file (or a stream named on the command line) and, when it is text that mentions
/// Whispir, checks it.
fn scan_path(
    display: String,
    path: PathBuf,
    stream: bool,
    settings: &Settings,
    own_files: &OwnFiles,
) -> Result<Scanned, String> {
    let f = open_to_scan(&path, stream).map_err(|e| io_cause(&e))?;
    if !stream && own_files.holds(&f) {
        return Ok(Scanned::OwnOutput(
            "written or read by this run (--output, --report, baseline, redirected standard output)",
        ));
    }
    BUFFER.with_borrow_mut(|buf| {
        buf.clear();
        // The cause becomes the file's error line in the report.
        let read = read_budgeted(f, stream, buf).map_err(|e| e.to_string());
        let result = read.map(|read| {
            let Loaded::Whole(_permit) = read else {
                return Scanned::Checked(Checked::default());
            };
            // UTF-16 (its byte order mark is a two-byte check) is decoded first.
            let mut encoding = Encoding::AsRead;
            if let Some(big_endian) = encoding::utf16_bom(buf) {
                let (text, e) = encoding::decode_utf16(buf, big_endian);
                *buf = text;
                encoding = e;
            }
            // The search first: it rules out nearly every file, binary or not.
            if !mentions_whispir(buf) || looks_binary(buf) {
                return Scanned::Checked(Checked::default());
            }
            if let Some(own) = own_output::recognise(buf) {
                return Scanned::OwnOutput(own.describe());
            }
            let problems = suppression_problems(&display, buf);
            // A file that is kept for its report holds exactly its bytes; the worker keeps
            // its buffer for the next file.
            let bytes = if buf.capacity() > KEPT_BUFFER {
                let mut bytes = std::mem::take(buf);
                bytes.shrink_to_fit();
                bytes
            } else {
                buf.clone()
            };
            // A file the cross-file pass may have to read again (a stream cannot be).
            let again = (!stream).then(|| (display.clone(), path.clone()));
            let mut file = SourceFile::new(display, path, bytes);
            file.stream = stream;
            file.encoding = encoding;
            let mut bindings = Vec::new();
            let report = check_file_collecting(file, settings, Some(&mut bindings));
            Scanned::Checked(Checked {
                again: again.filter(|_| report.is_none()),
                report: report.map(Box::new),
                problems,
                bindings,
            })
        });
        if buf.capacity() > KEPT_BUFFER {
            *buf = Vec::new();
        }
        result
    })
}

/// What became of one path.
enum Scanned {
    Checked(Checked),
    /// One of the tool's own files, passed over: why.
    OwnOutput(&'static str),
}

/// A file that was read and checked.
#[derive(Default)]
struct Checked {
    /// Its report, when it has findings.
    report: Option<Box<FileReport>>,
    /// Problems with its suppression comments.
    problems: Vec<ScanError>,
    /// Its bindings whose values carry legacy usage (`crossfile`).
    bindings: Vec<Binding>,
    /// Display name and path of a file that passed the prefilter but has no report: the
    /// cross-file pass reads it again when there are bindings to look for.
    again: Option<(String, PathBuf)>,
}

/// Test hook (debug builds only): analysing a file that contains this variable's value
/// panics, so tests can see a panic contained to its file.
pub const TEST_PANIC_ENV: &str = "WHISPIR_MIGRATE_TEST_PANIC_ON";

#[cfg(debug_assertions)]
fn test_panic_hook(bytes: &[u8]) {
    if let Some(marker) = std::env::var_os(TEST_PANIC_ENV)
        && !marker.is_empty()
        && memchr::memmem::find(bytes, marker.as_encoded_bytes()).is_some()
    {
        panic!("test panic: the file contains {marker:?}");
    }
}

thread_local! {
    /// Set while a per-file task runs under `contained`: its panic message is kept for the
    /// error instead of being printed by the default hook.
    static CONTAINED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static PANIC_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs one file's work; a panic in it becomes an error for that file (the run goes on,
/// and nothing is written for the file) instead of ending the run.
pub fn contained<R>(work: impl FnOnce() -> R) -> Result<R, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CONTAINED.get() {
                let at = info
                    .location()
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default();
                PANIC_AT.set(Some(at));
            } else {
                default(info);
            }
        }));
    });
    let outer = CONTAINED.replace(true);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    CONTAINED.set(outer);
    result.map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        let at = PANIC_AT.take().unwrap_or_default();
        format!(
            "internal error while processing this file, which was left as it is: {what}{at} \
             (a bug in whispir-migrate; please report it with the file)"
        )
    })
}

/// A suppression naming a code that is no rule is a mistake worth stopping for: the finding
/// it meant to silence may be another one.
fn suppression_problems(display: &str, bytes: &[u8]) -> Vec<ScanError> {
    Suppressions::unknown_codes(bytes)
        .into_iter()
        .map(|(line, code)| ScanError {
            path: format!("{display}:{line}"),
            message: format!(
                "unknown rule code {code} in a suppression comment (known: {})",
                rules::known_codes()
            ),
        })
        .collect()
}

pub struct RunInput<'a> {
    /// Files and directories to walk (standard input is `stdin`, never `-` here).
    pub paths: &'a [PathBuf],
    pub walk: WalkOptions,
    /// Standard input, already read by the caller (which may need its bytes again).
    pub stdin: Option<&'a StdinText>,
    /// The files this run writes or reads as its own, never scanned.
    pub own_files: OwnFiles,
}

/// The text read from standard input and the name it is shown and configured under.
pub struct StdinText {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Scans every input and returns sorted results.
pub fn run(
    input: &RunInput,
    settings: &Settings,
    progress: Option<&AtomicUsize>,
) -> Result<Outcome, discover::ExcludeError> {
    crate::lang::tree::set_workers(input.walk.threads);
    let reports = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let skipped = Mutex::new(Vec::new());
    let own_outputs = Mutex::new(Vec::new());
    let mut bindings: Mutex<Vec<Binding>> = Mutex::new(Vec::new());
    let read_again: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());
    let scanned = AtomicUsize::new(0);
    let paths = input.paths;
    if let Some(stdin) = input.stdin {
        let name = &stdin.name;
        scanned.fetch_add(1, Ordering::Relaxed);
        // Like a path named on the command line: excludes apply only with --force-exclude.
        let skip = input.walk.force_exclude
            && discover::Excludes::new(&input.walk)?.is_excluded(std::path::Path::new(name), false);
        if !skip && !looks_binary(&stdin.bytes) {
            errors
                .lock()
                .expect("no panics while locked")
                .extend(suppression_problems(name, &stdin.bytes));
            let file = SourceFile::new(name.clone(), PathBuf::from(name), stdin.bytes.clone());
            let found = bindings.get_mut().expect("no panics while locked");
            match contained(|| check_file_collecting(file, settings, Some(found))) {
                Ok(Some(r)) => reports.lock().expect("no panics while locked").push(r),
                Ok(None) => {}
                Err(message) => errors
                    .lock()
                    .expect("no panics while locked")
                    .push(ScanError {
                        path: name.clone(),
                        message,
                    }),
            }
        }
    }
    let visit = |found: Found| match found {
        Found::Error { display, message } => {
            errors
                .lock()
                .expect("no panics while locked")
                .push(ScanError {
                    path: display,
                    message,
                })
        }
        // Not followed, as ripgrep does not.
        Found::Link { .. } => {}
        Found::Skipped { display, reason } => {
            skipped
                .lock()
                .expect("no panics while locked")
                .push(ScanError {
                    path: display,
                    message: reason,
                })
        }
        Found::File {
            display,
            path,
            stream,
        } => {
            scanned.fetch_add(1, Ordering::Relaxed);
            if let Some(p) = progress {
                p.fetch_add(1, Ordering::Relaxed);
            }
            let result =
                contained(|| scan_path(display.clone(), path, stream, settings, &input.own_files));
            match result.and_then(|r| r) {
                Ok(Scanned::OwnOutput(reason)) => {
                    // Passed over, not scanned: counted under `--statistics`' skips.
                    scanned.fetch_sub(1, Ordering::Relaxed);
                    own_outputs
                        .lock()
                        .expect("no panics while locked")
                        .push(ScanError {
                            path: display,
                            message: reason.to_string(),
                        })
                }
                Err(message) => errors
                    .lock()
                    .expect("no panics while locked")
                    .push(ScanError {
                        path: display,
                        message,
                    }),
                Ok(Scanned::Checked(checked)) => {
                    if !checked.problems.is_empty() {
                        errors
                            .lock()
                            .expect("no panics while locked")
                            .extend(checked.problems);
                    }
                    if !checked.bindings.is_empty() {
                        bindings
                            .lock()
                            .expect("no panics while locked")
                            .extend(checked.bindings);
                    }
                    if let Some(again) = checked.again {
                        read_again
                            .lock()
                            .expect("no panics while locked")
                            .push(again);
                    }
                    if let Some(r) = checked.report {
                        reports.lock().expect("no panics while locked").push(*r);
                    }
                }
            }
        }
    };
    discover::walk(paths, &input.walk, &visit)?;
    let mut reports = reports.into_inner().expect("no panics while locked");
    reports.sort_by(|a, b| a.file.display_path.cmp(&b.file.display_path));
    // `check . src/a.py` names a file twice: report it once.
    // One walked directory never yields a file twice (links are not followed).
    if paths.len() + usize::from(input.stdin.is_some()) > 1 {
        let mut seen = std::collections::HashSet::new();
        reports.retain(|r| {
            seen.insert(std::fs::canonicalize(&r.file.path).unwrap_or_else(|_| r.file.path.clone()))
        });
    }
    let mut errors = errors.into_inner().expect("no panics while locked");
    let mut bindings = bindings.into_inner().expect("no panics while locked");
    // Workers finish in any order; a use that matches two definitions names the same one
    // on every run.
    bindings.sort_by(|a, b| (&a.path, a.at.line, &a.name).cmp(&(&b.path, b.at.line, &b.name)));
    if let Some(index) = crossfile::Index::new(&bindings) {
        let again = read_again.into_inner().expect("no panics while locked");
        cross_file_pass(
            &index,
            &mut reports,
            again,
            settings,
            input.walk.threads,
            &mut errors,
        );
    }
    errors.sort();
    let policy = base_url_policy(&reports, input.stdin.is_none() && whole_repository(paths));
    if settings.rules.base_urls.is_none() {
        withdraw_fixes_read_elsewhere(&mut reports, &policy);
        for d in reports.iter_mut().flat_map(|r| &mut r.diagnostics) {
            if d.base_url {
                crate::request::group::settle_base_url(d, Some(&policy));
            }
        }
    }
    let mut skipped = skipped.into_inner().expect("no panics while locked");
    skipped.sort();
    let mut own_outputs = own_outputs.into_inner().expect("no panics while locked");
    own_outputs.sort();
    Ok(Outcome {
        own_outputs,
        base_urls: policy,
        reports: reports.into_iter().map(Arc::new).collect(),
        errors,
        skipped,
        files_scanned: scanned.into_inner(),
        baseline: None,
    })
}

/// Pass 2 of `crossfile`: uses of `index`'s bindings in the files that passed the
/// prefilter, those with a report (in memory) and those without (read again). Files that
/// mention no binding's name cost one search.
fn cross_file_pass(
    index: &crossfile::Index,
    reports: &mut Vec<FileReport>,
    again: Vec<(String, PathBuf)>,
    settings: &Settings,
    threads: usize,
    errors: &mut Vec<ScanError>,
) {
    let uses = |file: &SourceFile, known: &[Diagnostic]| -> Vec<Diagnostic> {
        if !index.mentioned_in(&file.bytes) {
            return Vec::new();
        }
        let lang = lang::for_file_name(&file.file_name());
        let tokens = lang.tokenize(&file.bytes);
        let mut found = crossfile::uses(file, lang, &tokens, index, settings.rules.region, known);
        found.retain(|d| settings.enabled(d.code, &file.path));
        if !found.is_empty() {
            let suppressions = Suppressions::find(file);
            found.retain(|d| !suppressions.suppresses(file.line_index(d.span.start), d.code));
        }
        found
    };
    // Files are independent here: each worker takes the next one, results come back in order.
    let found = parallel_map(reports, threads, |r| {
        contained(|| uses(&r.file, &r.diagnostics))
    });
    for (r, found) in reports.iter_mut().zip(found) {
        let found = match found {
            Ok(found) => found,
            Err(message) => {
                errors.push(ScanError {
                    path: r.file.display_path.clone(),
                    message,
                });
                continue;
            }
        };
        if !found.is_empty() {
            r.diagnostics.extend(found);
            r.diagnostics
                .sort_by_key(|d| (d.span.start, d.code, d.span.end));
            crossfile::withdraw_half_moves(&r.file, &mut r.diagnostics);
        }
    }
    let read = |display: &String, path: &PathBuf| -> Result<Option<FileReport>, String> {
        let f = open_to_scan(path, false).map_err(|e| io_cause(&e))?;
        let mut bytes = Vec::new();
        // Workers read files again at once: a large one waits for its share of the budget.
        let _permit = match read_budgeted(f, false, &mut bytes).map_err(|e| e.to_string())? {
            Loaded::Whole(permit) => permit,
            Loaded::Passed => return Ok(None),
        };
        let mut encoding = Encoding::AsRead;
        if let Some(big_endian) = encoding::utf16_bom(&bytes) {
            (bytes, encoding) = encoding::decode_utf16(&bytes, big_endian);
        }
        if !index.mentioned_in(&bytes) {
            return Ok(None);
        }
        let mut file = SourceFile::new(display.clone(), path.clone(), bytes);
        file.encoding = encoding;
        let diagnostics = uses(&file, &[]);
        if diagnostics.is_empty() {
            return Ok(None);
        }
        let secrets = detect::analyze(&file, lang::for_file_name(&file.file_name())).secrets;
        Ok(Some(FileReport {
            file,
            diagnostics,
            secrets,
            tree: None,
            verdicts: Vec::new(),
            open_builders: Vec::new(),
        }))
    };
    let read_back = parallel_map(&again, threads, |(display, path)| {
        contained(|| read(display, path)).and_then(|r| r)
    });
    let mut added = false;
    for ((display, _), report) in again.into_iter().zip(read_back) {
        match report {
            Ok(Some(report)) => {
                reports.push(report);
                added = true;
            }
            Ok(None) => {}
            Err(message) => errors.push(ScanError {
                path: display,
                message,
            }),
        }
    }
    if added {
        reports.sort_by(|a, b| a.file.display_path.cmp(&b.file.display_path));
    }
}

/// What the run allows for base URLs: see [`BaseUrlPolicy`].
pub fn base_url_policy(reports: &[FileReport], whole_repository: bool) -> BaseUrlPolicy {
    let sites = reports
        .iter()
        .flat_map(|r| {
            r.diagnostics
                .iter()
                .filter(|d| d.code == RuleCode::WM002 && !d.has_safe_fix())
                .map(|d| {
                    format!(
                        "{}:{}",
                        r.file.display_path,
                        r.file.line_index(d.span.start) + 1
                    )
                })
        })
        .collect();
    // A retired host found at a use in another file names its definition (`crossfile`).
    let mut read_elsewhere: Vec<ReadElsewhere> = reports
        .iter()
        .flat_map(|r| {
            r.diagnostics
                .iter()
                .filter(|d| d.code == RuleCode::WM001)
                .flat_map(move |d| {
                    d.related
                        .iter()
                        .filter(|rel| rel.path != r.file.display_path)
                        .map(move |rel| ReadElsewhere {
                            path: rel.path.clone(),
                            line: rel.line,
                            site: format!(
                                "{}:{}",
                                r.file.display_path,
                                r.file.line_index(d.span.start) + 1
                            ),
                        })
                })
        })
        .collect();
    read_elsewhere.dedup();
    BaseUrlPolicy {
        whole_repository,
        sites,
        read_elsewhere,
    }
}

/// A fix that moves a binding read in other files (see [`BaseUrlPolicy::read_elsewhere`])
/// is withdrawn from every finding that shares it: those requests would move without the
/// others. `fix` learns the same from the policy while it builds the fixes; `check` builds
/// them before the other files are known, so it withdraws them here.
fn withdraw_fixes_read_elsewhere(reports: &mut [FileReport], policy: &BaseUrlPolicy) {
    for r in reports.iter_mut() {
        let mut withdrawn: Vec<(crate::diagnostic::Fix, Vec<&str>)> = Vec::new();
        for d in &r.diagnostics {
            let line = r.file.line_index(d.span.start) + 1;
            let sites = policy.read_elsewhere(&r.file.display_path, line);
            if let Some(fix) = &d.fix
                && !sites.is_empty()
                && !withdrawn.iter().any(|(f, _)| f == fix)
            {
                withdrawn.push((fix.clone(), sites));
            }
        }
        for (fix, sites) in &withdrawn {
            for d in r.diagnostics.iter_mut() {
                if d.fix.as_ref() == Some(fix) {
                    d.withdraw_fix(format_args!(
                        "the base URL is also read at {}",
                        sites.join(", ")
                    ));
                }
            }
        }
    }
}

/// One directory that is the root of its git work tree (or, outside git, any one directory).
fn whole_repository(paths: &[PathBuf]) -> bool {
    match paths {
        [dir] if dir.is_dir() => crate::vcs::is_repository_root(dir),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{KEPT_BUFFER, Loaded, Ranges, read_budgeted};

    #[test]
    fn a_fifo_that_takes_a_walked_files_place_is_read_as_empty_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("app.js");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        // No writer: a blocking open would never return.
        let mut f = super::open_to_scan(&fifo, false).unwrap();
        let mut buf = Vec::new();
        assert_eq!(std::io::Read::read_to_end(&mut f, &mut buf).unwrap(), 0);
    }

    #[test]
    fn only_a_report_with_a_fix_keeps_its_syntax_tree() {
        let settings = super::Settings::with_region(Some("au"));
        super::keep_syntax_trees(1 << 20);
        let report = |src: &str| {
            let file = crate::source::SourceFile::new("a.py".into(), "a.py".into(), src.into());
            super::check_file(file, &settings).expect("findings")
        };
        // The key's dict is proved a local of this request on the tree: a safe fix.
        let fixable = report(
            "import requests\n\ndef f(k):\n    params = {\"apikey\": k}\n    return requests.get(\"https://api.au.whispir.com/messages\", params=params)\n",
        );
        assert!(fixable.diagnostics.iter().any(|d| d.fix.is_some()));
        assert!(
            fixable.tree.is_some(),
            "the fix is checked against this tree"
        );
        // The dict serves two requests: manual, so nothing will be checked against a tree.
        let manual = report(
            "import requests\n\ndef f(k):\n    params = {\"apikey\": k}\n    requests.get(\"https://api.au.whispir.com/a\", params=params)\n    requests.get(\"https://api.au.whispir.com/b\", params=params)\n    return params\n",
        );
        assert!(manual.diagnostics.iter().all(|d| d.fix.is_none()));
        assert!(manual.tree.is_none(), "no fix, no tree kept");
        assert!(manual.verdicts.is_empty());
    }

    /// The report of a Python request with safe fixes after 10 000 lines, whose tree is
    /// larger than any budget a test sets, followed by `tail`; with the first safe fix.
    fn over_budget_report(tail: &str) -> (super::FileReport, crate::diagnostic::Fix) {
        let settings = super::Settings::with_region(Some("au"));
        let padding = "x = 1\n".repeat(10_000);
        let src = format!(
            "import requests\n{padding}\ndef f(k):\n    params = {{\"apikey\": k}}\n    return requests.get(\"https://api.au.whispir.com/messages\", params=params)\n{tail}"
        );
        let file = crate::source::SourceFile::new("a.py".into(), "a.py".into(), src.into());
        super::keep_syntax_trees(1 << 20);
        let report = super::check_file(file, &settings).expect("findings");
        assert!(report.tree.is_none(), "over the budget");
        let first = report
            .diagnostics
            .iter()
            .find_map(|d| d.fix.clone())
            .expect("a safe fix");
        (report, first)
    }

    #[test]
    fn a_parsed_tree_over_the_budget_leaves_a_verdict_on_the_safe_fixes() {
        // The line after the request does not parse, so no window around the fix proves it
        // (a window must parse before).
        let (report, fix) = over_budget_report("    x = = 1\n");
        let (fixed, _) = crate::diagnostic::apply(&report.file.bytes, &[&fix]);
        let answers: Vec<Option<bool>> = report.verdicts.iter().map(|v| v.breaks(&fixed)).collect();
        assert_eq!(
            answers,
            [Some(false)],
            "the fixed text parses as well as the file"
        );
    }

    #[test]
    fn a_parsed_tree_over_the_budget_leaves_what_the_windows_proved() {
        // As above, but every line parses: the lines around the fix prove it, and the
        // guard takes that from the report rather than proving it again.
        let (report, fix) = over_budget_report("");
        let (fixed, _, edits) = crate::diagnostic::apply_edits(&report.file.bytes, &[&fix]);
        let changes = crate::diagnostic::changes(&edits);
        let proves = |text: &[u8], changes: &[crate::lang::window::Change]| {
            report.verdicts.iter().any(|v| v.proves(text, changes))
        };
        assert!(proves(&fixed, &changes));
        assert!(report.verdicts.iter().all(|v| v.breaks(&fixed).is_none()));
        // Only for that text, from those changes.
        assert!(!proves(&report.file.bytes, &changes));
        assert!(!proves(&fixed, &changes[1..]));
    }

    #[test]
    fn the_kept_trees_budget_is_taken_until_it_runs_out() {
        let budget = std::sync::atomic::AtomicUsize::new(100);
        assert!(super::take_from(&budget, 60));
        assert!(!super::take_from(&budget, 60), "40 left");
        assert!(super::take_from(&budget, 40));
        assert!(!super::take_from(&budget, 1));
        // `check` keeps none: its budget is zero until `fix` sets one.
        assert!(!super::take_from(
            &std::sync::atomic::AtomicUsize::new(0),
            1
        ));
    }

    /// Reads `text` from a file the way the walk does.
    fn load(text: &[u8]) -> (bool, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.js");
        std::fs::write(&path, text).unwrap();
        let mut buf = Vec::new();
        let read = read_budgeted(std::fs::File::open(&path).unwrap(), false, &mut buf);
        match read.unwrap() {
            Loaded::Whole(_) => (true, buf),
            Loaded::Passed => (false, buf),
        }
    }

    #[test]
    fn a_large_file_is_held_whole_only_when_it_mentions_whispir() {
        let size = 3 * KEPT_BUFFER + 123;
        let plain = vec![b'a'; size];
        let (whole, buf) = load(&plain);
        assert!(!whole, "a large file without the word is not held");
        assert!(
            buf.capacity() <= KEPT_BUFFER,
            "the worker's buffer stays small: {}",
            buf.capacity()
        );
        // The word in the first piece, across the first and the second piece, in a later
        // piece, and as the file's last bytes.
        for at in [10, KEPT_BUFFER - 3, 2 * KEPT_BUFFER + 50, size - 7] {
            let mut text = plain.clone();
            text[at..at + 7].copy_from_slice(b"WhiSpiR");
            let (whole, buf) = load(&text);
            assert!(whole, "word at {at} not found");
            assert_eq!(
                buf, text,
                "word at {at}: the file is read whole, from its start"
            );
        }
        let mut binary = plain.clone();
        binary[5] = 0;
        binary[100..107].copy_from_slice(b"whispir");
        assert!(!load(&binary).0, "a binary file is passed over");
    }

    #[test]
    fn membership_in_sorted_merged_ranges() {
        let r = Ranges::new(vec![10..20, 0..3, 15..25, 30..30, 40..41]);
        let inside: Vec<usize> = (0..45).filter(|&i| r.contain(i)).collect();
        let expected: Vec<usize> = (0..3).chain(10..25).chain([40]).collect();
        assert_eq!(inside, expected);
    }
}
