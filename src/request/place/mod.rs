//! Placing the `x-api-key` header in the request that sent `?apikey=`, one module per
//! language family. Every placer either returns the edits that add the header to the same
//! request, or says why it cannot (the caller then reports the change as manual and keeps the
//! parameter).

mod coldfusion;
mod csharp;
pub(in crate::request) mod cursor;
mod document;
mod go;
mod javascript;
mod json;
mod jvm;
mod php;
mod python;
pub mod recorded;
mod ruby;
mod rust;
mod shell;

use crate::diagnostic::{Applicability, Edit};
use crate::lang::tokens::{Layout, Openers, token_at};
use crate::lang::{Language, RequestStyle, TokKind, Token};
use crate::request::query::KeySource;
pub(crate) use cursor::first_on_line;
use cursor::{anchor, opening};
use std::ops::Range;
use std::sync::OnceLock;

pub use coldfusion::{request_extent, url_param};
pub(crate) use csharp::query_handler_removal;
pub(crate) use cursor::{
    NOT_PASSED, callee_start, line_of_statement, statement, statement_indexed,
};
pub(crate) use go::{
    key_only_values as go_key_only_values, query_request as go_query_request,
    query_statement as go_query_statement, values_realigned as go_values_realigned,
};
pub use javascript::{axios_instance_name, axios_instance_options};
pub use jvm::retrofit_header;
pub(crate) use jvm::string_builder_use;
pub(crate) use python::{
    key_only_query as python_key_only_query, urlencoded_body as python_urlencoded_body,
};
pub(crate) use shell::command_lines as shell_command_lines;

/// A file's tokens, with the indexes that questions about its requests read (built on the
/// first ask, shared by the file's requests).
#[derive(Clone, Copy)]
pub struct Script<'a> {
    pub src: &'a [u8],
    pub tokens: &'a [Token],
    pub layout: &'a OnceLock<Layout>,
    pub openers: &'a OnceLock<Openers>,
}

impl<'a> Script<'a> {
    /// The file a detection pass read.
    pub fn of_facts(src: &'a [u8], facts: &'a crate::detect::Facts) -> Script<'a> {
        Script {
            src,
            tokens: &facts.tokens,
            layout: &facts.layout,
            openers: &facts.openers,
        }
    }

    pub(super) fn of_request(req: &Request<'a>) -> Script<'a> {
        Script {
            src: req.src,
            tokens: req.tokens,
            layout: req.layout,
            openers: req.openers,
        }
    }

    pub(super) fn layout(&self) -> &'a Layout {
        self.layout
            .get_or_init(|| Layout::of_file(self.src, self.tokens))
    }

    pub(super) fn openers(&self) -> &'a Openers {
        self.openers
            .get_or_init(|| Openers::of_file(self.src, self.tokens))
    }

    pub(super) fn enclosing_open(&self, i: usize) -> Option<usize> {
        crate::lang::tokens::enclosing_open_near(self.src, self.tokens, self.openers, i)
    }
}

/// The message of a fix whose removal put the header in place itself (Rust `.query(…)`,
/// Retrofit's `@Query`).
pub const SEND_WITH_HEADER: &str = "Send the key with `.header(\"x-api-key\", …)`";

/// Opens a placer's refusal that is a whole instruction rather than a reason to add the header
/// by hand: the request already sends `x-api-key`, so the help must say to drop the parameter,
/// not to add a second header. `plan` reports the rest as the finding's help.
pub(crate) const INSTEAD: &str = "instead: ";

/// A refusal once the placer knows the request's library: the instruction names that
/// library's own header code (`code`) and where it goes (`place`), where the language's usual
/// hint would name another library's.
pub(super) fn by_hand(code: &str, place: &str, why: String) -> String {
    if why.starts_with(INSTEAD) {
        return why;
    }
    format!("{INSTEAD}add `{code}` to {place}, then remove the parameter (not automatic: {why})")
}

/// The reason for a URL that is a value of a settings file (`.env`, properties, a YAML or
/// JSON setting, a .NET `App.config`): the program reads it and makes the request elsewhere,
/// so the help names a plain header line rather than the file format's own request shapes.
pub(crate) const SETTING: &str =
    "this is a setting; the header must be added where the request is made";

/// The `how` of a placement that adds nothing because the request's own statement (or the
/// region the placer read as the request) already sends `x-api-key`: a claim read from
/// tokens, which `plan` checks against the syntax tree.
pub(crate) const SENT_BY_STATEMENT: &str = "the request already sends `x-api-key`";

pub struct Placement {
    /// Empty when the request already sends `x-api-key`.
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
    /// The key the header sends, when it is not the value the URL shows: the argument that
    /// fills a RestTemplate URI variable (`{api_key}`), which the help names instead.
    pub sends: Option<String>,
    /// How the header was placed, for the fix message.
    pub how: String,
}

#[derive(Clone)]
pub struct Request<'a> {
    pub src: &'a [u8],
    pub tokens: &'a [Token],
    pub lang: &'a dyn Language,
    /// Where the key was sent: the URL's host (for text forms) or the literal or key token.
    pub at: Range<usize>,
    /// Where the parameter itself is written: `at` too, unless the request is placed where a
    /// variable holding the URL is used (then the literal that variable was assigned).
    pub origin: Range<usize>,
    pub key: &'a KeySource,
    /// The key was a query-builder entry (`params: { apikey: k }`), not part of a URL.
    pub builder: bool,
    /// Where the file says `x-api-key` (`Facts::x_api_key_at`).
    pub x_api_key_at: &'a [usize],
    /// How the file spells the header (`Facts::x_api_key_spelling`).
    pub x_api_key_spelling: Option<&'a str>,
    /// The file's bracket structure, shared by all its requests (see `Facts::openers`).
    pub openers: &'a std::sync::OnceLock<Openers>,
    /// The file's lines and identifiers, shared likewise (see `Facts::layout`).
    pub layout: &'a std::sync::OnceLock<Layout>,
    /// The file's syntax tree, parsed when a placer first asks (see `Facts::tree`).
    pub tree: &'a std::sync::OnceLock<Option<crate::lang::tree::Parsed>>,
    /// The file's name, which picks its grammar (`.ts` or `.tsx`).
    pub file_name: &'a str,
}

impl<'a> Request<'a> {
    /// Whether a string among tokens `first..=last` says `x-api-key`, as [`sends_header`]
    /// asks, answered from the file's `x-api-key` offsets: a statement holding thousands of
    /// requests is not read once per request.
    ///
    /// [`sends_header`]: cursor::sends_header
    pub(super) fn sends_header_between(&self, first: usize, last: usize) -> bool {
        let (from, to) = (self.tokens[first].start(), self.tokens[last].end());
        let at = self.x_api_key_at.partition_point(|&a| a < from);
        self.x_api_key_at[at..]
            .iter()
            .take_while(|&&a| a < to)
            .any(|&a| {
                token_at(self.tokens, a).is_some_and(|k| {
                    let t = &self.tokens[k];
                    let content = t.content();
                    t.kind == TokKind::Str
                        && content.start <= a
                        && a + b"x-api-key".len() <= content.end
                })
            })
    }

    /// The innermost bracket open before token `i` (`tokens::enclosing_open`), from the
    /// file's bracket index when it is not near: a walk back from a request in a file of
    /// thousands of `def`s or `func`s would cross all the ones before it, once per request.
    pub(super) fn enclosing_open(&self, i: usize) -> Option<usize> {
        crate::lang::tokens::enclosing_open_near(self.src, self.tokens, self.openers, i)
    }

    /// For each token, the innermost bracket open before it.
    pub(super) fn openers(&self) -> &Openers {
        self.openers
            .get_or_init(|| Openers::of_file(self.src, self.tokens))
    }

    /// Where the file's lines start and its identifiers occur.
    pub(super) fn layout(&self) -> &'a Layout {
        self.layout
            .get_or_init(|| Layout::of_file(self.src, self.tokens))
    }

    /// The file's syntax tree; `None` without a grammar or when the parser gave up on it.
    pub(super) fn tree(&self) -> Option<&tree_sitter::Tree> {
        self.tree
            .get_or_init(|| crate::lang::tree::parse(self.file_name, self.src))
            .as_deref()
    }

    /// Whether `region` says `x-api-key`: a binary search, as one giant request may hold
    /// thousands of parameters, each asking.
    fn already_sent(&self, region: Range<usize>) -> bool {
        let first = self.x_api_key_at.partition_point(|&at| at < region.start);
        self.x_api_key_at
            .get(first)
            .is_some_and(|&at| at + b"x-api-key".len() <= region.end)
    }

    fn quote(&self) -> char {
        // The quote of the literal around the key; otherwise the one the file uses most.
        let at = token_at(self.tokens, self.at.start).map(|i| &self.tokens[i]);
        match at
            .filter(|t| t.kind == TokKind::Str)
            .map(|t| self.src[t.start()])
        {
            Some(b'"') => '"',
            Some(b'\'') => '\'',
            // Counted once per file: a file of thousands of template-literal requests asks
            // once per request.
            _ => self.layout().usual_quote(),
        }
    }
}

pub fn place(req: &Request) -> Result<Placement, String> {
    let mut placement = place_in_language(req)?;
    // Header names are case-insensitive; the file's own spelling reads as the author's.
    if let Some(spelling) = req.x_api_key_spelling {
        for edit in &mut placement.edits {
            edit.content = edit.content.replace("x-api-key", spelling).into();
        }
    }
    Ok(placement)
}

/// How the file spells `x-api-key` most often (`X-Api-Key`, `X-API-KEY`), when that is not
/// the lower-case form; `None` when the file does not say it or mostly says `x-api-key`.
pub(crate) fn file_spelling<'a>(src: &'a [u8], at: &[usize]) -> Option<&'a str> {
    let mut counts: Vec<(&[u8], usize)> = Vec::new();
    for &i in at {
        let word = src.get(i..i + b"x-api-key".len())?;
        match counts.iter_mut().find(|(w, _)| *w == word) {
            Some((_, n)) => *n += 1,
            None => counts.push((word, 1)),
        }
    }
    let lower = counts
        .iter()
        .find(|(w, _)| *w == b"x-api-key")
        .map_or(0, |c| c.1);
    let (word, n) = counts.into_iter().max_by_key(|c| c.1)?;
    (n > lower)
        .then(|| std::str::from_utf8(word).ok())
        .flatten()
}

fn place_in_language(req: &Request) -> Result<Placement, String> {
    match req.lang.request_style() {
        RequestStyle::Shell => shell::place(req),
        RequestStyle::Document => document::place(req),
        RequestStyle::Json => json::place(req),
        RequestStyle::ColdFusion => coldfusion::place(req),
        RequestStyle::Config => Err(SETTING.into()),
        style => {
            // Code: a URL in a comment is no request (and the statement around a comment
            // can be a whole class body).
            anchor(req)?;
            match style {
                RequestStyle::JavaScript => javascript::place(req),
                RequestStyle::Python => python::place(req),
                RequestStyle::Rust => rust::place(req),
                RequestStyle::Jvm => jvm::place(req),
                RequestStyle::CSharp => csharp::place(req),
                RequestStyle::Go => go::place(req),
                RequestStyle::Php => php::place(req),
                RequestStyle::Ruby => ruby::place(req),
                _ => {
                    // Whatever the client library, a statement that already sends the header
                    // only needs the parameter gone.
                    match opening(req, true)? {
                        Ok(_) => Err("the fixer does not rewrite this kind of request".into()),
                        Err(sent) => Ok(sent),
                    }
                }
            }
        }
    }
}

pub(super) fn already(how: &str) -> Placement {
    Placement {
        edits: Vec::new(),
        applicability: Applicability::Safe,
        sends: None,
        how: how.to_string(),
    }
}

#[cfg(test)]
pub(super) mod testing {
    use super::{Request, cursor};
    use crate::detect::{ParamShape, analyze};
    use crate::diagnostic::Applicability;
    use crate::request::plan::{Plan, plan};
    use crate::request::query::KeySource;
    use crate::source::SourceFile;

    /// Plans the WM002 fix of the file's only `apikey` parameter and applies it alone.
    pub(in crate::request::place) fn fix(
        name: &str,
        src: &str,
    ) -> Result<(String, Applicability), String> {
        let file = SourceFile::new(name.into(), name.into(), src.as_bytes().to_vec());
        let lang = crate::lang::for_file_name(name);
        let facts = analyze(&file, lang);
        let params: Vec<_> = facts
            .params
            .iter()
            .filter(|p| p.shape != ParamShape::SecurityScheme)
            .collect();
        assert_eq!(params.len(), 1, "one parameter in {src}");
        match plan(&file, &facts, lang, params[0], &Default::default()) {
            Plan::Fix {
                fix: f, through, ..
            } => {
                let (out, taken) = crate::fix::apply(src.as_bytes(), &[&f]);
                assert_eq!(taken, vec![0]);
                // As `request::group` decides: through a variable, safe only when proved local.
                let proven = through.is_none_or(|v| {
                    crate::lang::tree::parse(name, src.as_bytes()).is_some_and(|t| {
                        crate::lang::tree::is_single_use_local(
                            &t,
                            src.as_bytes(),
                            v.binding,
                            v.use_at,
                        )
                    }) || (name.ends_with(".rs")
                        && crate::lang::rust::with_blocks(src.as_bytes(), |b| {
                            crate::lang::rust::is_single_use_local(b, v.binding, v.use_at)
                        }))
                });
                let applicability = if proven {
                    f.applicability
                } else {
                    Applicability::Unsafe
                };
                Ok((String::from_utf8(out).unwrap(), applicability))
            }
            Plan::Manual { reason, .. } | Plan::Instruction(reason) => Err(reason),
        }
    }

    pub(in crate::request::place) fn safe(name: &str, src: &str) -> String {
        match fix(name, src) {
            Ok((out, Applicability::Safe)) => out,
            Ok((out, a)) => panic!("{a:?} fix:\n{out}"),
            Err(reason) => panic!("manual: {reason}\n{src}"),
        }
    }

    pub(in crate::request::place) fn manual(name: &str, src: &str) -> String {
        match fix(name, src) {
            Ok((out, a)) => panic!("expected manual, got {a:?} fix:\n{out}"),
            Err(reason) => reason,
        }
    }

    #[test]
    fn statement_walks_remembered_for_a_file_agree_with_fresh_walks() {
        // The walks of one file share what they found (`Openers::statements`); every token's
        // statement must be what a walk of its own finds, in whatever order they are asked.
        let mut files = 0;
        for folder in [
            "go",
            "javascript",
            "kotlin",
            "php",
            "python",
            "ruby",
            "typescript",
        ] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures")
                .join(folder);
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let Ok(src) = std::fs::read(&path) else {
                    continue;
                };
                let lang = crate::lang::for_file_name(&name);
                let tokens = lang.tokenize(&src);
                let (key, layout, tree) = (
                    KeySource::Literal(String::new()),
                    Default::default(),
                    Default::default(),
                );
                let shared = std::sync::OnceLock::new();
                let remembering = Request {
                    src: &src,
                    tokens: &tokens,
                    lang,
                    at: 0..0,
                    origin: 0..0,
                    key: &key,
                    builder: false,
                    x_api_key_at: &[],
                    x_api_key_spelling: None,
                    openers: &shared,
                    layout: &layout,
                    tree: &tree,
                    file_name: &name,
                };
                // Backwards, then forwards: each walk can meet the ends of earlier ones.
                for i in (0..tokens.len()).rev().chain(0..tokens.len()).step_by(3) {
                    let fresh = std::sync::OnceLock::new();
                    assert_eq!(
                        cursor::logical_statement(&remembering, i),
                        cursor::logical_statement(
                            &Request {
                                openers: &fresh,
                                ..remembering.clone()
                            },
                            i
                        ),
                        "{name}: token {i}"
                    );
                }
                files += 1;
            }
        }
        assert!(files > 40, "{files} fixture files");
    }

    #[test]
    fn the_header_follows_the_files_own_spelling() {
        use super::file_spelling;
        assert_eq!(file_spelling(b"", &[]), None);
        let src = b"a X-Api-Key b X-Api-Key c x-api-key";
        assert_eq!(file_spelling(src, &[2, 14, 26]), Some("X-Api-Key"));
        assert_eq!(
            file_spelling(src, &[2, 26]),
            None,
            "a tie keeps the lower case"
        );
        let file = "headers = {'X-API-KEY': k}\nget('https://api.au.whispir.com/m?apikey=' + k, headers={'Accept': 'json'})\n";
        assert!(
            safe("a.py", file).contains("'X-API-KEY': k, 'Accept'"),
            "{}",
            safe("a.py", file)
        );
    }
}
