//! Detection: turns one file's bytes into `Facts` (where hosts and `apikey` parameters are),
//! which each rule then turns into diagnostics.
//!
//! Three passes, cheapest first:
//! 1. `urls`: a raw byte scan for Whispir host names and the URL text around them. It is
//!    language-independent and finds hosts and query parameters in strings, comments,
//!    config values and prose alike.
//! 2. `expr`: on the file's tokens, `apikey` parameters whose URL is split across an
//!    expression (concatenation, format strings, relative paths) and query builders
//!    (`params={"apikey": k}`, `.query(&[("apikey", k)])`, Postman `query` arrays).
//! 3. `yaml`: indentation-aware look at YAML documents (OpenAPI/Swagger security schemes).

mod expr;
mod markup;
pub mod recorded;
mod urls;
mod yaml;

pub(crate) use expr::PYTHON_REQUEST_CALLS;
pub use urls::{is_apikey_name, mentions_whispir, query_params, url_end, userinfo_before};

use crate::hosts::HostKind;
use crate::lang::{Language, Token};
use crate::secrets::{self, ValueKind};
use crate::source::SourceFile;
use regex::bytes::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// Searched in any ASCII case without a lowercased copy of the file (a copy is the file's
/// size again, on the largest files).
static X_API_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("(?i-u)x-api-key").expect("valid pattern"));
static CFHTTPPARAM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("(?i-u)<cfhttpparam").expect("valid pattern"));
pub(super) static APIKEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("(?i-u)apikey").expect("valid pattern"));

/// A Whispir host name found in the file.
#[derive(Debug, Clone)]
pub struct HostUse {
    /// The host name itself (`api.whispir.com`), or a Postman `host` array.
    pub host: Range<usize>,
    pub kind: HostKind,
    /// `http` / `https` right before `://`, when written.
    pub scheme: Option<Range<usize>>,
    pub insecure: bool,
    /// From the host to the end of the URL (path and query).
    pub url: Range<usize>,
    /// `:80` and the like, digits only.
    pub port: Option<Range<usize>>,
}

/// Where an `apikey` parameter was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamShape {
    /// In the query of a URL next to its host.
    Url,
    /// In a piece of a URL whose host is elsewhere (concatenation, relative path, constant).
    Fragment,
    /// A key of a query builder (`params`, `qs`, `.query(…)`, `addQueryParameter`, Postman `query`).
    Builder,
    /// An OpenAPI/Swagger security scheme `in: query`, `name: apikey`.
    SecurityScheme,
}

/// Which host a parameter is sent to, as far as the file tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Host(HostKind),
    /// The host is not in the expression; the file mentions Whispir, so it is assumed.
    WhispirContext,
}

#[derive(Debug, Clone)]
pub struct ApiKeyParam {
    /// What is reported: name through value (`apikey=…`) or the builder key.
    pub span: Range<usize>,
    pub name: Range<usize>,
    /// The `?`/`&`/`&amp;` before a query parameter; empty for builders.
    pub separator: Range<usize>,
    /// The value written in the file (may be empty when it is appended by an expression).
    pub value: Range<usize>,
    pub value_kind: ValueKind,
    pub shape: ParamShape,
    pub target: Target,
    /// For a security scheme: the value of its `in` member (`query`).
    pub scheme_in: Option<Range<usize>>,
    /// The host literal this parameter is sent with, when the file shows it: the fixer
    /// moves host and key of one request together or not at all.
    pub host: Option<HostLink>,
}

/// Where a parameter's host is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostLink {
    /// Start of the host name (or Postman `host` array) in the file.
    pub at: usize,
    /// Where the request reads the name it reaches the literal through (`BASE + "?apikey="`),
    /// when it does: the literal may then serve other requests.
    pub read_at: Option<usize>,
}

impl HostLink {
    /// Reached through a name, not written in the request's own URL.
    pub fn through_binding(&self) -> bool {
        self.read_at.is_some()
    }
}

/// Everything detection learned about one file.
#[derive(Debug, Default)]
pub struct Facts {
    /// For each token, the innermost bracket open before it: computed once per file, when a
    /// fix first asks (`request::place`), as a file can hold thousands of requests.
    pub openers: std::sync::OnceLock<crate::lang::tokens::Openers>,
    /// Where lines start and identifiers occur, computed when a fix first asks whether a
    /// later statement of a block sets the header.
    pub layout: std::sync::OnceLock<crate::lang::tokens::Layout>,
    /// The file's syntax tree (`None`: no grammar, or too large), parsed when grouping or a
    /// fix's proof first needs it; every question about one file asks this one tree.
    pub tree: std::sync::OnceLock<Option<crate::lang::tree::Parsed>>,
    /// A large file's top-level statements, each parsed when a question about a function in
    /// it first needs a tree (`tree_around`), instead of the whole file.
    statements: std::cell::OnceCell<Option<crate::lang::tree::Statements>>,
    /// How many key parameters each statement holds, by the statement's first token: counted
    /// when the fixer first asks, in a file whose keys lie as close together as a table's
    /// rows (`None` in any other file: `request::plan`).
    pub keys_per_statement: std::sync::OnceLock<Option<std::collections::HashMap<u32, u32>>>,
    pub hosts: Vec<HostUse>,
    pub params: Vec<ApiKeyParam>,
    /// The secrets to redact wherever file text is shown.
    pub secrets: secrets::Secrets,
    /// The file mentions Whispir in a way that makes a bare `?apikey=` Whispir's.
    pub whispir_context: bool,
    /// The tokens, when the file needed them (kept for the fixer).
    pub tokens: Vec<Token>,
    /// Literal credentials in URLs to a Whispir API host (`https://user:password@api…`):
    /// the password, or the user alone when no password follows it.
    pub url_credentials: Vec<Range<usize>>,
    /// Where the file says `x-api-key` (any case), in order: the fixer asks whether a request
    /// already sends the header once per parameter, which must not rescan the request.
    pub x_api_key_at: Vec<usize>,
    /// How the file spells `x-api-key` most often, when not in lower case (see
    /// `request::place::file_spelling`): counted once, as every fix asks.
    pub x_api_key_spelling: Option<String>,
    /// Public functions returning a URL with the key whose fix only their visibility stops
    /// (`request::url_builder`): `fix --unsafe-fixes` over the whole repository searches every
    /// file for their names.
    pub open_builders: std::cell::RefCell<Vec<Vec<u8>>>,
    /// Where the file's tree holds each word, indexed when a URL builder first asks.
    pub words: std::sync::OnceLock<crate::lang::tree::Words>,
}

impl Facts {
    /// The file's syntax tree, parsed on the first ask; `None` without a grammar or when the
    /// parser gave up.
    pub fn tree(&self, file: &SourceFile) -> Option<&tree_sitter::Tree> {
        self.tree
            .get_or_init(|| crate::lang::tree::parse(&file.file_name(), &file.bytes))
            .as_deref()
    }

    /// A tree that holds the whole top-level statement (function, class) around every byte
    /// of `at`, for questions that look no further than it: that statement parsed alone,
    /// where the language is cut into statements (`lang::tree::Statements`) and the file's
    /// tree is not there yet; otherwise the file's tree. A file's questions are mostly about
    /// one or two functions: on the Python files with findings of the benchmark corpus (20 000
    /// files), 24 statements of 4.8 KB in all are parsed instead of 18 files of 558 KB.
    pub fn tree_around(&self, file: &SourceFile, at: &[usize]) -> Option<&tree_sitter::Tree> {
        if self.tree.get().is_none() {
            let statements = self.statements.get_or_init(|| {
                let language = crate::lang::tree::grammar(&file.file_name())?;
                crate::lang::tree::Statements::of_file(&language, &file.bytes, &self.tokens)
            });
            if let Some(tree) = statements
                .as_ref()
                .and_then(|s| s.tree_holding(&file.bytes, at))
            {
                return Some(tree);
            }
        }
        self.tree(file)
    }
}

pub fn analyze(file: &SourceFile, lang: &dyn Language) -> Facts {
    let src = &file.bytes[..];
    let mut facts = Facts {
        hosts: urls::find_hosts(src),
        ..Facts::default()
    };
    for h in &facts.hosts {
        if h.kind.is_api() {
            facts.params.extend(urls::apikey_params_in_url(src, h));
        }
    }
    facts.whispir_context = has_whispir_context(src, &facts.hosts);
    facts.x_api_key_at = X_API_KEY.find_iter(src).map(|m| m.start()).collect();
    facts.x_api_key_spelling =
        crate::request::place::file_spelling(src, &facts.x_api_key_at).map(str::to_string);
    let mentions_apikey = APIKEY.is_match(src);
    let may_have_host_array = memchr::memmem::find(src, b"\"whispir\"").is_some();
    // Tokens also tell the fixer which findings sit in comments.
    if mentions_apikey || may_have_host_array || !facts.hosts.is_empty() {
        facts.tokens = lang.tokenize(src);
        let found = expr::analyze(src, &facts, lang);
        facts.params.extend(found.params);
        facts.hosts.extend(found.hosts);
        if mentions_apikey && CFHTTPPARAM.is_match(src) {
            facts
                .params
                .extend(markup::url_params(src, facts.whispir_context));
        }
        if lang.is_yaml() && mentions_apikey {
            facts
                .params
                .extend(yaml::security_schemes(src, facts.whispir_context));
        }
    }
    facts.params.sort_by_key(|p| (p.span.start, p.span.end));
    facts.params.dedup_by_key(|p| p.name.clone());
    facts.hosts.sort_by_key(|h| h.host.start);

    // In a programming language a bare word after `api_key =` is a variable, not a key.
    use crate::lang::RequestStyle::*;
    let is_code = matches!(
        lang.request_style(),
        JavaScript | Python | Rust | Jvm | CSharp | Go | Php | Ruby | ColdFusion | Code
    );
    facts.url_credentials = facts
        .hosts
        .iter()
        .filter(|h| h.kind.is_api())
        .filter_map(|h| urls::userinfo_before(src, h.host.start))
        .map(|info| match memchr::memchr(b':', &src[info.clone()]) {
            Some(colon) => info.start + colon + 1..info.end,
            None => info,
        })
        .filter(|c| secrets::is_secret(&src[c.clone()]))
        .collect();
    let literal_values = facts
        .params
        .iter()
        .filter(|p| p.value_kind == ValueKind::Literal)
        .map(|p| p.value.clone())
        .chain(facts.url_credentials.iter().cloned());
    facts.secrets =
        secrets::Secrets::find(src, is_code.then_some(&facts.tokens[..]), literal_values);
    facts
}

/// Whispir context: an API host (or a placeholder of one), a `vnd.whispir` media type, or
/// the word outside a domain name (`WhispirClient`, `WHISPIR_API_KEY`).
fn has_whispir_context(src: &[u8], hosts: &[HostUse]) -> bool {
    if hosts.iter().any(|h| h.kind != HostKind::NotApi) {
        return true;
    }
    urls::whispir_offsets(src).any(|m| {
        let before = if m.start > 0 { src[m.start - 1] } else { b' ' };
        let after = src.get(m.end).copied().unwrap_or(b' ');
        let in_domain = before == b'.' || before == b'@' || before == b'/' || after == b'.';
        let media_type = m.start >= 4 && src[m.start - 4..m.start].eq_ignore_ascii_case(b"vnd.");
        media_type || !in_domain
    })
}

#[cfg(test)]
mod tests;
