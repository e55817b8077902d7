//! Credentials: which values are secrets, where they are in a file, and how they are hidden
//! before anything is printed.
//!
//! The rule is inverted on purpose: every value in a key position (an `apikey` parameter, an
//! `x-api-key` header, a settings entry for the key, a password, Basic credentials) is a
//! secret unless it is a recognised placeholder. A real key can look like anything, a
//! placeholder cannot. `classify_value` is the one predicate; WM003 and redaction both use it.

use crate::lang::{TokKind, Token};
use aho_corasick::{AhoCorasick, MatchKind};
use regex::bytes::Regex;
use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

/// What sits where a key value should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// Nothing in this piece of text: the value is appended by the surrounding expression.
    Absent,
    /// A template or interpolation (`${KEY}`, `{0}`, `%s`, `#{@key}`, `{{apikey}}`, `$KEY`).
    Interpolated,
    /// A documentation placeholder (`YOUR_API_KEY`, `<key>`, `xxxxxxxx`).
    Placeholder,
    /// Anything else: treated as a real key.
    Literal,
}

/// Words that placeholders are made of (`YOUR_API_KEY_HERE`, `<your-whispir-api-key>`,
/// `REPLACE_ME`). A value is a placeholder only when it consists of these words alone.
static PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "my",
    "the",
    "api",
    "apikey",
    "key",
    "whispir",
    "here",
    "goes",
    "insert",
    "enter",
    "put",
    "replace",
    "change",
    "changeme",
    "me",
    "with",
    "example",
    "sample",
    "dummy",
    "fake",
    "placeholder",
    "redacted",
    "secret",
    "token",
    "value",
    "todo",
    "fixme",
    "x",
    "user",
    "username",
    "pass",
    "password",
    "passwd",
    "pw",
];

/// Classifies the text found where a key value goes. Everything that is not recognisably
/// empty, a template or a placeholder is `Literal`: a secret.
pub fn classify_value(value: &[u8]) -> ValueKind {
    let v = trim_value(value);
    if v.is_empty() {
        return ValueKind::Absent;
    }
    if is_interpolation(v) {
        return ValueKind::Interpolated;
    }
    if is_placeholder(v) {
        return ValueKind::Placeholder;
    }
    ValueKind::Literal
}

/// True when `value` is a secret: the negation of "recognised placeholder or template".
pub fn is_secret(value: &[u8]) -> bool {
    classify_value(value) == ValueKind::Literal
}

fn trim_value(v: &[u8]) -> &[u8] {
    let v = v.trim_ascii();
    v.strip_suffix(b"\\").unwrap_or(v)
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// Templates and expressions of the languages we scan: `${…}`, `#{…}`, `{{…}}`, `{…}`,
/// `$VAR`/`$(…)`, printf directives (`%s`, `%(key)s`, `%1$s`), `%VAR%`, ColdFusion `#…#`,
/// `@name`, a parenthesised expression, and a string concatenation.
fn is_interpolation(v: &[u8]) -> bool {
    let contains = |needle: &[u8]| memchr::memmem::find(v, needle).is_some();
    if contains(b"${") || contains(b"#{") || contains(b"{{") {
        return true;
    }
    if [&b"\" +"[..], b"' +", b"\" .", b"' ."]
        .iter()
        .any(|n| contains(n))
    {
        return true;
    }
    // The value read past a closing quote: `'x-api-key: ' . $this->api` gives `. $this->api`,
    // an expression appended to the string (no key starts with an operator and a space).
    if [&b". "[..], b"+ ", b".. "]
        .iter()
        .any(|op| v.starts_with(op))
    {
        return true;
    }
    let second = v.get(1).copied().unwrap_or(0);
    match v[0] {
        b'{' => v.ends_with(b"}"),
        b'$' => is_ident_start(second) || second == b'(' || second == b'{',
        b'%' => {
            // `%2B…` is a percent-encoded key, not a directive.
            matches!(second, b's' | b'd' | b'v' | b'@' | b'(' | b'{')
                || (second.is_ascii_digit() && v.get(2) == Some(&b'$'))
                || (is_ident_start(second) && v.len() > 2 && v.ends_with(b"%"))
        }
        // ColdFusion's `#expr#`; Ruby's `#@ivar`, `#@@cvar`, `#$global` in a string.
        b'#' => (v.len() > 2 && v.ends_with(b"#")) || matches!(second, b'@' | b'$'),
        b'@' => is_ident_start(second) && v[1..].iter().all(|&b| is_ident_byte(b) || b == b'.'),
        b'(' => v.ends_with(b")"),
        _ => false,
    }
}

/// DOMAIN.md's placeholders: wrapped in `<…>`, `[…]` or `{…}`; one repeated character
/// (`xxxxxxxx`, `****`); or made only of placeholder words (`YOUR_API_KEY_HERE`,
/// `your-api-key`, `yourApiKey`, `REPLACE_ME`). Also a value as `redact` shows it (`d41d…`,
/// `…`), pasted from this tool's output into a note or an issue: no key ends in `…`.
pub fn is_placeholder(v: &[u8]) -> bool {
    let v = trim_value(v);
    let Some((&first, _)) = v.split_first() else {
        return false;
    };
    if let Some(head) = v.strip_suffix("…".as_bytes())
        && head.len() <= 4
        && head.iter().all(u8::is_ascii_graphic)
    {
        return true;
    }
    let wrapped = |open: u8, close: u8| v.len() >= 2 && first == open && v.ends_with(&[close]);
    if wrapped(b'<', b'>') || wrapped(b'[', b']') || wrapped(b'{', b'}') {
        return true;
    }
    let text = String::from_utf8_lossy(v);
    let mut chars = text.chars();
    let c0 = chars.next().expect("non-empty");
    if chars.all(|c| c == c0) {
        return true;
    }
    let mut words = 0;
    for word in split_words(&text) {
        let lower = word.to_ascii_lowercase();
        let repeated = lower.len() >= 3 && lower.bytes().all(|b| b == lower.as_bytes()[0]);
        if !(repeated || PLACEHOLDER_WORDS.contains(&lower.as_str())) {
            return false;
        }
        words += 1;
    }
    words > 0
}

/// Splits on anything not alphanumeric and at lower→upper case changes (`yourApiKey`).
fn split_words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = part.as_bytes();
        let mut start = 0;
        for i in 1..bytes.len() {
            if bytes[i - 1].is_ascii_lowercase() && bytes[i].is_ascii_uppercase() {
                out.push(&part[start..i]);
                start = i;
            }
        }
        if start < part.len() {
            out.push(&part[start..]);
        }
    }
    out
}

/// The redacted form of a secret: its first four characters then `…`, or `…` alone for a
/// value under 8 characters (four of those would be half of it).
pub fn redact(secret: &str) -> String {
    if secret.chars().count() < 8 {
        return "…".to_string();
    }
    let head: String = secret.chars().take(4).collect();
    format!("{head}…")
}

// ---------------------------------------------------------------------------------------------
// Finding credentials in a file

/// A name that holds a key or a password, then what separates it from its value:
/// `apikey=`, `"x-api-key": `, `WHISPIR_API_KEY=`, `api_key: `, `'x-api-key' => `,
/// `.header("x-api-key", `, `x-api-key: ` (curl `-H`), `password=`.
static NAMED_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i-u)(["'`]?)[\w.\-]*(?:api[_.\-]?key|whispir[_.\-]?key|passw(?:or)?d)[\w.\-]*(["'`]?)[ \t]*(=>|:=|=|:|,)[ \t]*"#,
    )
    .expect("valid pattern")
});

/// `<apiKey>VALUE</apiKey>`, `key="WhispirApiKey" value="VALUE"` (.NET appSettings).
static MARKUP_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i-u)<[\w.\-:]*(?:api[_.\-]?key|whispir[_.\-]?key|passw(?:or)?d)[\w.\-]*>|key=["'][\w.\-:]*(?:api[_.\-]?key|whispir[_.\-]?key|passw(?:or)?d)[\w.\-]*["'][ \t]+value=(?:["'])"#,
    )
    .expect("valid pattern")
});

/// Recorded traffic writes the header's value inside a list or a matcher: VCR's
/// `X-Api-Key: ["KEY"]` or `X-Api-Key:` over `- KEY`, WireMock's
/// `"x-api-key": {"equalTo": "KEY"}`, HAR's `{"name": "x-api-key", "value": "KEY"}`. The
/// match ends where the value starts.
static RECORDED_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i-u)["']?x-api-key["']?[ \t]*:[ \t]*(?:\[[ \t]*|\{[ \t]*"equalTo"[ \t]*:[ \t]*|\r?\n[ \t]*-[ \t]+)|"name"[ \t]*:[ \t]*"x-api-key"[ \t]*,[ \t]*"value"[ \t]*:[ \t]*"#,
    )
    .expect("valid pattern")
});

/// Every match of [`NAMED_VALUE`] and [`MARKUP_VALUE`] lies on one line and names a key or a
/// password (`key`, `passw`, in any case): those patterns run only on the lines holding one of
/// these words, not over the whole file (most lines of a source file hold neither).
const NAME_WORDS: [&[u8]; 2] = [b"key", b"passw"];

/// The next occurrence of each of [`NAME_WORDS`], kept between questions so that each part of
/// the file is searched once however many lines are asked about.
struct NamedLines<'s> {
    src: &'s [u8],
    next: [Option<usize>; 2],
    /// The end of the line last searched: a long line holding many names is scanned for
    /// its end once, not once per name.
    line_end: Option<usize>,
}

impl<'s> NamedLines<'s> {
    fn new(src: &'s [u8]) -> NamedLines<'s> {
        let mut lines = NamedLines {
            src,
            next: [None; 2],
            line_end: None,
        };
        for (k, word) in NAME_WORDS.iter().enumerate() {
            lines.next[k] = find_ascii_caseless(src, 0, word);
        }
        lines
    }

    /// The first match of `search` (a pattern's `find_at` or `captures_at`) at or after
    /// `at` on a line that holds a name word. The pattern sees the file only up to that
    /// line's end, so a line without a match costs that line, not the rest of the file.
    fn first<M>(
        &mut self,
        mut at: usize,
        search: impl Fn(&'s [u8], usize) -> Option<M>,
    ) -> Option<M> {
        let src = self.src;
        loop {
            for (k, word) in NAME_WORDS.iter().enumerate() {
                if self.next[k].is_some_and(|w| w < at) {
                    self.next[k] = find_ascii_caseless(src, at, word);
                }
            }
            let word = self.next.iter().flatten().min().copied()?;
            let line_start = memchr::memrchr(b'\n', &src[at..word]).map_or(at, |i| at + i + 1);
            let line_end = match self.line_end.filter(|&end| word < end) {
                Some(end) => end,
                None => memchr::memchr(b'\n', &src[word..]).map_or(src.len(), |i| word + i),
            };
            self.line_end = Some(line_end);
            if let Some(m) = search(&src[..line_end], line_start) {
                return Some(m);
            }
            at = line_end + 1;
        }
    }
}

/// Where `word` (lower-case ASCII) first occurs in `src` from `from`, in any case.
fn find_ascii_caseless(src: &[u8], from: usize, word: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(i) = memchr::memchr2(word[0], word[0].to_ascii_uppercase(), src.get(at..)?) {
        let i = at + i;
        if src[i..]
            .get(..word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
        {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

/// `Authorization: Basic <base64>`.
static BASIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\bbasic[ \t]+([A-Za-z0-9+/]{8,}={0,2})").expect("valid pattern")
});

/// Base64 of `user:password` mixes in digits, symbols or capitals; "Basic credentials" and
/// "Basic Authentication" in prose do not.
fn looks_encoded(v: &[u8]) -> bool {
    v.iter()
        .skip(1)
        .any(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || matches!(b, b'+' | b'/' | b'='))
}

/// `curl -u user:password`, `--user=user:password`: the password follows the match.
static CURL_USER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?-u)(?:^|[\s"'])(?:-u[ \t]*|--user(?:[ \t]+|=))(["']?)[^\s:"']+:"#)
        .expect("valid pattern")
});

/// `scheme://user:password@host`: group 1 is the password.
static USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)\b[a-z][a-z0-9+.\-]*://[^\s/:@"'<>]*:([^\s/@"'<>]+)@"#)
        .expect("valid pattern")
});

/// The end of an unquoted value starting at `at`: what cannot be part of a key written bare
/// in a URL, a header line, a `.env` entry or YAML ends it, except inside brackets, which
/// templates use (`{0}`, `{$this->key}`, `#getKey()#`).
fn bare_end(src: &[u8], at: usize) -> usize {
    let mut depth = 0usize;
    let mut i = at;
    while i < src.len() {
        match src[i] {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' if depth == 0 => break,
            b'}' | b')' | b']' => depth -= 1,
            // `{os.environ['KEY']}`: a string inside a template's brackets.
            q @ (b'"' | b'\'' | b'`') if depth > 0 => {
                match memchr::memchr2(q, b'\n', &src[i + 1..]) {
                    Some(close) if src[i + 1 + close] == q => i += close + 1,
                    _ => break,
                }
            }
            b'"' | b'\'' | b'`' => break,
            b if b.is_ascii_whitespace() => break,
            b'<' | b'>' | b',' | b';' | b'&' | b'\\' if depth == 0 => break,
            _ => {}
        }
        i += 1;
    }
    i
}

/// True when the quoted name starting at `at` is the first argument of a call or the first
/// member of a brace pair: `header("x-api-key", …)`, `{"X-Api-Key", …}`.
fn opens_arguments(src: &[u8], at: usize) -> bool {
    src[..at]
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'(' || b == b'{')
}

/// Expressions that read a key from elsewhere, written bare after a key name.
const ENV_READERS: &[&str] = &[
    "process.env",
    "import.meta.env",
    "os.environ",
    "os.getenv",
    "system.getenv",
    "environment.",
    "env.",
    "env[",
    "secrets.",
    "vars.",
    "config.",
    "settings.",
];

/// Where the text around a position came from, for telling code from text.
struct Scan<'a> {
    src: &'a [u8],
    /// The tokens of a programming language, when the file was tokenized: a bare value that
    /// sits on an identifier token is a variable, not a key.
    code_tokens: Option<&'a [Token]>,
    found: Vec<Range<usize>>,
    /// The name being read says where a Whispir key lives: the secrets found for it are
    /// also recorded in `keys`.
    key_place: Option<KeyPlace>,
    keys: Vec<PlacedKey>,
}

/// A literal Whispir key and where it sits.
pub type PlacedKey = (Range<usize>, KeyPlace);

/// Where a literal Whispir key sits, besides a query parameter (which detection reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlace {
    /// An `x-api-key` header, in any form (`-H "x-api-key: …"`, `headers: {"x-api-key": …}`,
    /// `.header("x-api-key", …)`): Whispir's only if the file talks to Whispir.
    Header,
    /// A settings entry named as the Whispir key (`WHISPIR_API_KEY=`, `whispir.api.key=`,
    /// `whispirApiKey:`), or an `ApiKey` entry under a key path that names Whispir.
    Setting,
}

/// What a key or password name says about the value after it.
fn key_place_of(name: &[u8], src: &[u8], at: usize) -> Option<KeyPlace> {
    let name = name.trim_ascii().trim_ascii_start().to_ascii_lowercase();
    let name: Vec<u8> = name
        .into_iter()
        .filter(|b| !matches!(b, b'"' | b'\'' | b'`'))
        .collect();
    let has = |needle: &[u8]| memchr::memmem::find(&name, needle).is_some();
    if has(b"passw") {
        return None;
    }
    if name == b"x-api-key" {
        return Some(KeyPlace::Header);
    }
    if has(b"whispir") || key_path_mentions_whispir(src, at) {
        return Some(KeyPlace::Setting);
    }
    None
}

/// How far back the key path of an entry is looked for.
const KEY_PATH_REACH: usize = 16 * 1024;

/// True when an entry at `at` sits under a key (or INI section) that names Whispir:
/// `"Whispir": { "ApiKey": … }` in JSON (nested braces, minified or not), `whispir:` above an
/// indented `api_key:` in YAML, `[whispir]` above `api_key=` in INI.
fn key_path_mentions_whispir(src: &[u8], at: usize) -> bool {
    let floor = at.saturating_sub(KEY_PATH_REACH);
    let mentions = |text: &[u8]| text.windows(7).any(|w| w.eq_ignore_ascii_case(b"whispir"));
    // Indentation: each line less indented than the last one kept is a parent.
    let line_start =
        |pos: usize| memchr::memrchr(b'\n', &src[floor..pos]).map_or(floor, |i| floor + i + 1);
    let indent = |start: usize| {
        src[start..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count()
    };
    let mut start = line_start(at);
    let mut depth = indent(start);
    while start > floor {
        start = line_start(start - 1);
        let line_end = memchr::memchr(b'\n', &src[start..]).map_or(src.len(), |e| start + e);
        let line = src[start..line_end].trim_ascii();
        if line.is_empty()
            || line.starts_with(b"#")
            || line.starts_with(b"//")
            || line.starts_with(b";")
        {
            continue;
        }
        let d = indent(start);
        let section = d == 0 && line.starts_with(b"[") && line.ends_with(b"]");
        if d < depth || section {
            if mentions(line) {
                return true;
            }
            if section {
                break;
            }
            depth = d;
            if d == 0 {
                break;
            }
        }
    }
    // Braces: the name before each `{` that encloses `at`.
    let mut open = 0usize;
    let mut i = at;
    while i > floor {
        i -= 1;
        match src[i] {
            b'}' | b']' => open += 1,
            b'[' => open = open.saturating_sub(1),
            b'{' if open > 0 => open -= 1,
            b'{' => {
                let before = src[floor..i].trim_ascii_end();
                let before = before
                    .strip_suffix(b":")
                    .or_else(|| before.strip_suffix(b"="))
                    .unwrap_or(before);
                let name_start = before
                    .iter()
                    .rposition(|&b| !(is_ident_byte(b) || matches!(b, b'"' | b'\'' | b'-' | b'.')))
                    .map_or(0, |p| p + 1);
                if mentions(&before[name_start..]) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

impl Scan<'_> {
    fn token_kind_at(&self, pos: usize) -> Option<TokKind> {
        let tokens = self.code_tokens?;
        let i = tokens.partition_point(|t| t.start() <= pos);
        let t = tokens.get(i.checked_sub(1)?)?;
        t.span().contains(&pos).then_some(t.kind)
    }

    /// Records `range` when its text is a secret.
    fn value(&mut self, range: Range<usize>) {
        if range.start < range.end && is_secret(&self.src[range.clone()]) {
            if let Some(place) = self.key_place {
                self.keys.push((range.clone(), place));
            }
            self.found.push(range);
        }
    }

    /// The value that starts at `at`, quoted or bare, on this line.
    fn value_at(&self, at: usize) -> (Range<usize>, Option<u8>) {
        self.value_at_in(at, true)
    }

    /// `value_at`; without `may_quote` the value is bare (URL text, where a quote closes
    /// the string around the URL).
    fn value_at_in(&self, at: usize, may_quote: bool) -> (Range<usize>, Option<u8>) {
        let src = self.src;
        match src.get(at) {
            Some(&q @ (b'"' | b'\'' | b'`')) if may_quote => {
                // To the closing quote or the end of the line, whichever comes first (an
                // escaped quote does not close).
                let mut i = at + 1;
                while i < src.len() && src[i] != q && src[i] != b'\n' {
                    i += if src[i] == b'\\' && src.get(i + 1) != Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                }
                (at + 1..i.min(src.len()), Some(q))
            }
            _ => (at..bare_end(src, at), None),
        }
    }

    /// A bare value that is code: a call, an index, an environment read, or an identifier
    /// token of a programming language.
    fn is_expression(&self, value: &Range<usize>) -> bool {
        let src = self.src;
        if value.is_empty() {
            return false;
        }
        let call_or_index = |w: &[u8]| is_ident_byte(w[0]) && matches!(w[1], b'(' | b'[');
        if src[value.start..(value.end + 1).min(src.len())]
            .windows(2)
            .any(call_or_index)
        {
            return true;
        }
        let lower = src[value.clone()].to_ascii_lowercase();
        if ENV_READERS.iter().any(|r| lower.starts_with(r.as_bytes())) {
            return true;
        }
        // `application.whispir.apiKey`, `settings.WHISPIR_API_KEY`: a setting read by name.
        let mut parts = lower.split(|&b| b == b'.');
        let dotted = lower.contains(&b'.')
            && parts.all(|p| {
                p.first().is_some_and(|&b| is_ident_start(b)) && p.iter().all(|&b| is_ident_byte(b))
            });
        if dotted
            && lower
                .rsplit(|&b| b == b'.')
                .next()
                .is_some_and(|last| memchr::memmem::find(last, b"key").is_some())
        {
            return true;
        }
        self.token_kind_at(value.start) == Some(TokKind::Ident)
    }

    fn named_values(&mut self) {
        let src = self.src;
        let mut at = 0;
        let mut lines = NamedLines::new(src);
        while let Some(m) = lines.first(at, |hay, from| NAMED_VALUE.captures_at(hay, from)) {
            let whole = m.get(0).expect("group 0");
            at = whole.end().max(whole.start() + 1);
            let quoted_name = !m[1].is_empty() && !m[2].is_empty();
            let sep = &m[3];
            // `KEY:?message`, `ApiKey::new`, `apikey == x`: no value follows.
            let sep_end = m.get(3).expect("group 3").end();
            let next = src.get(sep_end).copied().unwrap_or(b'\n');
            // `x-api-key:KEY` is a header line written without a space (curl accepts it).
            let header_line = sep == b":"
                && src[m.get(1).expect("group 1").end()..m.get(2).expect("group 2").start()]
                    .eq_ignore_ascii_case(b"x-api-key");
            if (sep == b":" && !header_line && !matches!(next, b' ' | b'\t' | b'"' | b'\'' | b'`'))
                || (sep == b"=" && next == b'=')
            {
                continue;
            }
            // `.header("x-api-key", value)`, `{"X-Api-Key", value}`: a comma separates a
            // quoted name from its value only as the first of a call's (or pair's) arguments.
            if sep == b"," && !(quoted_name && opens_arguments(src, whole.start())) {
                continue;
            }
            // `?apikey=` / `&apikey=`: a query parameter, its value is URL text.
            let in_query = m[1].is_empty()
                && sep == b"="
                && whole.start() > 0
                && matches!(src[whole.start() - 1], b'?' | b'&' | b';');
            let (value, quote) = self.value_at_in(whole.end(), !in_query);
            // A query parameter is detection's to report; other names say where a key lives.
            let name_end = m.get(2).expect("group 2").end();
            self.key_place = (!in_query)
                .then(|| key_place_of(&src[whole.start()..name_end], src, whole.start()))
                .flatten();
            if in_query {
                if value.is_empty() {
                    // `"…?apikey=" + key`: the key is appended by the expression.
                    self.fed_by_concatenation(value.end, whole.start());
                } else if is_secret(&src[value.clone()]) {
                    self.value(value);
                } else {
                    self.fed_by_variable(&value, whole.start());
                }
                continue;
            }
            if quote.is_none() && (quoted_name || self.is_expression(&value)) {
                // `"x-api-key": apiKey` or `api_key = key`: a variable, maybe assigned nearby.
                self.fed_by_variable(&value, whole.start());
                continue;
            }
            if value.is_empty() {
                // `"…?apikey=" + key`: the key is appended by the expression.
                self.fed_by_concatenation(value.end, whole.start());
                continue;
            }
            if !is_secret(&src[value.clone()]) {
                self.fed_by_variable(&value, whole.start());
            }
            self.value(value);
        }
    }

    /// The `x-api-key` values of recorded requests (see [`RECORDED_HEADER`]).
    fn recorded_header_values(&mut self) {
        self.key_place = Some(KeyPlace::Header);
        for m in RECORDED_HEADER.find_iter(self.src) {
            let (value, _) = self.value_at(m.end());
            self.value(value);
        }
    }

    fn markup_values(&mut self) {
        let mut at = 0;
        let mut lines = NamedLines::new(self.src);
        while let Some(m) = lines.first(at, |hay, from| MARKUP_VALUE.find_at(hay, from)) {
            at = m.end().max(m.start() + 1);
            // `<add key="Whispir:ApiKey" value="…"/>`, `<whispirApiKey>…</whispirApiKey>`.
            let names_whispir =
                memchr::memmem::find(&m.as_bytes().to_ascii_lowercase(), b"whispir").is_some()
                    && memchr::memmem::find(&m.as_bytes().to_ascii_lowercase(), b"passw").is_none();
            self.key_place = names_whispir.then_some(KeyPlace::Setting);
            let tag = m.as_bytes().ends_with(b">");
            let start = if tag { m.end() } else { m.end() - 1 };
            // A tag's text is its value; a quote right after one closes the string that
            // quotes a placeholder (`["<WHISPIR_API_KEY>"]`).
            let value = if !tag {
                self.value_at(start).0
            } else {
                // `<apiKey>VALUE</apiKey>` on one line; `<WHISPIR_API_KEY>` alone is a placeholder.
                match memchr::memchr2(b'<', b'\n', &self.src[start..]) {
                    Some(e) if self.src[start + e..].starts_with(b"</") => start..start + e,
                    _ => continue,
                }
            };
            self.value(value);
        }
    }

    fn basic_credentials(&mut self) {
        let src = self.src;
        let found: Vec<Range<usize>> = BASIC
            .captures_iter(src)
            .filter_map(|c| c.get(1).map(|m| m.range()))
            .filter(|r| looks_encoded(&src[r.clone()]))
            .chain(
                CURL_USER
                    .find_iter(src)
                    .map(|m| self.value_after_colon(m.end())),
            )
            .chain(
                USERINFO
                    .captures_iter(src)
                    .filter_map(|c| c.get(1).map(|m| m.range())),
            )
            .collect();
        for range in found {
            self.value(range);
        }
    }

    fn value_after_colon(&self, at: usize) -> Range<usize> {
        let end = self.src[at..]
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b == b'"' || b == b'\'')
            .map_or(self.src.len(), |e| at + e);
        at..end
    }

    /// `"…?apikey=" + key` and the like: the identifier after the closing quote and a
    /// concatenation operator.
    fn fed_by_concatenation(&mut self, value_end: usize, statement_at: usize) {
        let src = self.src;
        let mut i = value_end;
        if matches!(src.get(i), Some(b'"' | b'\'' | b'`')) {
            i += 1;
        }
        while src.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
            i += 1;
        }
        let op_len = [&b"+"[..], b"..", b".", b"<<", b"&"]
            .iter()
            .find(|op| src[i..].starts_with(op))
            .map_or(0, |op| op.len());
        if op_len == 0 {
            return;
        }
        i += op_len;
        while src
            .get(i)
            .is_some_and(|b| *b == b' ' || *b == b'\t' || *b == b'$')
        {
            i += 1;
        }
        let end = src[i..]
            .iter()
            .position(|&b| !(is_ident_byte(b) || b == b'.'))
            .map_or(src.len(), |e| i + e);
        self.fed_by_variable(&(i..end), statement_at);
    }

    /// A variable that feeds a key position (`$KEY`, `${KEY}`, `{key}`, `#{key}`, `%KEY%`, a
    /// bare identifier): a literal assigned to it in the same statement is a key too
    /// (`KEY=… curl "…?apikey=$KEY"`, `const k = "…"; fetch(url + "?apikey=" + k)`).
    fn fed_by_variable(&mut self, value: &Range<usize>, statement_at: usize) {
        let text = &self.src[value.clone()];
        let Some(name) = variable_name(text) else {
            return;
        };
        let statement = statement_around(self.src, statement_at);
        let hay = &self.src[statement.clone()];
        for at in memchr::memmem::find_iter(hay, name) {
            let abs = statement.start + at;
            // An assignment starts a statement or a declaration: `KEY=…`, `const k = …`,
            // `export KEY=…`, `$key = …`; not `?apikey=` (a URL) nor `x.key =`.
            let starts_statement = abs == 0
                || matches!(
                    self.src[abs - 1],
                    b' ' | b'\t' | b'\n' | b';' | b'(' | b'{' | b',' | b'$' | b'@'
                );
            if !starts_statement {
                continue;
            }
            let mut i = abs + name.len();
            if self.src.get(i).is_some_and(|&b| is_ident_byte(b)) {
                continue;
            }
            while self.src.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
                i += 1;
            }
            let rest = &self.src[i..statement.end];
            // `=`, `:=`, and `: ` (an object member; `${KEY:-default}` is no assignment).
            const ASSIGN: [&[u8]; 4] = [b":=", b"=", b": ", b":\t"];
            let sep = ASSIGN
                .iter()
                .find(|s| rest.starts_with(s) && !rest[s.len()..].starts_with(b"="));
            let Some(sep) = sep else { continue };
            i += sep.len();
            while self.src.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
                i += 1;
            }
            let (assigned, quote) = self.value_at(i);
            let closed = quote.is_none_or(|q| self.src.get(assigned.end) == Some(&q));
            if closed && (quote.is_some() || !self.is_expression(&assigned)) {
                self.value(assigned);
            }
        }
    }
}

/// The identifier a template or bare value refers to: `$KEY`, `${KEY}`, `$(KEY)`, `{key}`,
/// `{{key}}`, `#{key}`, `%KEY%`, `#key#`, `@key`, `this.key` (last part), `key`.
fn variable_name(text: &[u8]) -> Option<&[u8]> {
    let start = text.iter().position(|&b| is_ident_start(b))?;
    let end = text[start..]
        .iter()
        .position(|&b| !is_ident_byte(b))
        .map_or(text.len(), |e| start + e);
    let mut name = &text[start..end];
    // `this.key`, `self.key`, `$this->key`: the member is what is assigned.
    let rest = &text[end..];
    if let Some(member) = rest
        .strip_prefix(b".")
        .or_else(|| rest.strip_prefix(b"->"))
        .filter(|_| matches!(name, b"this" | b"self" | b"my"))
    {
        let e = member
            .iter()
            .position(|&b| !is_ident_byte(b))
            .unwrap_or(member.len());
        name = &member[..e];
    }
    (!name.is_empty()).then_some(name)
}

/// How far from a key position its statement is searched for an assignment: a minified
/// line is one statement of megabytes, and searching all of it for every key would be
/// quadratic.
const STATEMENT_REACH: usize = 4096;

/// The line holding `at`, joined with the lines it continues (a trailing `\`), at most
/// `STATEMENT_REACH` bytes either side of `at`.
fn statement_around(src: &[u8], at: usize) -> Range<usize> {
    let floor = at.saturating_sub(STATEMENT_REACH);
    let ceil = (at + STATEMENT_REACH).min(src.len());
    let line_start =
        |pos: usize| memchr::memrchr(b'\n', &src[floor..pos]).map_or(floor, |i| floor + i + 1);
    let line_end = |pos: usize| memchr::memchr(b'\n', &src[pos..ceil]).map_or(ceil, |i| pos + i);
    let mut start = line_start(at);
    while start > floor + 1 && src[floor..start - 1].trim_ascii_end().ends_with(b"\\") {
        start = line_start(start - 1);
    }
    let mut end = line_end(at);
    while end < ceil && src[start..end].trim_ascii_end().ends_with(b"\\") {
        end = line_end(end + 1);
    }
    start..end
}

/// Byte ranges of credentials anywhere in `bytes`: values of key and password names,
/// Basic credentials, passwords in URLs and `curl -u`, and literals assigned to a variable
/// that feeds one of those in the same statement. Placeholders excluded. `code_tokens`: the
/// tokens of a programming language, to tell a variable (`api_key = key`) from a value.
pub fn find_credentials_in(bytes: &[u8], code_tokens: Option<&[Token]>) -> Vec<Range<usize>> {
    find_credentials_and_keys(bytes, code_tokens).0
}

/// `find_credentials_in`, plus the literal Whispir keys among them and where each sits.
pub fn find_credentials_and_keys(
    bytes: &[u8],
    code_tokens: Option<&[Token]>,
) -> (Vec<Range<usize>>, Vec<PlacedKey>) {
    let mut scan = Scan {
        src: bytes,
        code_tokens: code_tokens.filter(|t| !t.is_empty()),
        found: Vec::new(),
        key_place: None,
        keys: Vec::new(),
    };
    scan.named_values();
    scan.recorded_header_values();
    scan.markup_values();
    scan.key_place = None;
    scan.basic_credentials();
    (scan.found, scan.keys)
}

/// `find_credentials_in` for text without tokens (rule documentation, tests).
pub fn find_credentials(bytes: &[u8]) -> Vec<Range<usize>> {
    find_credentials_in(bytes, None)
}

// ---------------------------------------------------------------------------------------------
// One file's secrets and their redaction

/// The secrets of one file: their byte ranges (sorted, disjoint) and, built on first use,
/// one matcher for their texts, so that any text shown (a message, a diff, a fixed file)
/// is redacted in one pass whatever the number of secrets.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    ranges: Vec<Range<usize>>,
    /// The literal Whispir keys outside query parameters, for WM003.
    keys: Vec<(Range<usize>, KeyPlace)>,
    /// The distinct secret texts, longest first.
    texts: Vec<Vec<u8>>,
    matcher: OnceLock<Option<AhoCorasick>>,
}

/// Secrets shorter than this are only redacted where they stand alone (not inside a longer
/// word), so that a three-letter key does not blank every word that contains it.
const SHORT_SECRET: usize = 8;

impl Secrets {
    /// The secrets of `src`: the credentials found in it plus `key_values` (the literal
    /// values detection found in key positions).
    pub fn find(
        src: &[u8],
        code_tokens: Option<&[Token]>,
        key_values: impl IntoIterator<Item = Range<usize>>,
    ) -> Secrets {
        let (mut ranges, keys) = find_credentials_and_keys(src, code_tokens);
        ranges.extend(key_values);
        Secrets {
            keys,
            ..Secrets::from_ranges(src, ranges)
        }
    }

    /// The literal Whispir keys found outside query parameters (headers, settings).
    pub fn keys(&self) -> &[(Range<usize>, KeyPlace)] {
        &self.keys
    }

    pub fn from_ranges(src: &[u8], mut ranges: Vec<Range<usize>>) -> Secrets {
        ranges.retain(|r| r.start < r.end && r.end <= src.len());
        ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        // Every text found is matched, not only the unions: a message may quote the part of a
        // key that one scan saw.
        let mut texts: Vec<Vec<u8>> = ranges.iter().map(|r| src[r.clone()].to_vec()).collect();
        // Overlapping ranges (one scan saw `K7pQ`, another `K7pQ+/x`) become their union.
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        texts.extend(merged.iter().map(|r| src[r.clone()].to_vec()));
        texts.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        texts.dedup();
        Secrets {
            ranges: merged,
            keys: Vec::new(),
            texts,
            matcher: OnceLock::new(),
        }
    }

    pub fn ranges(&self) -> &[Range<usize>] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The secret range that contains byte `at`, if any.
    pub fn containing(&self, at: usize) -> Option<&Range<usize>> {
        let i = self.ranges.partition_point(|r| r.end <= at);
        self.ranges.get(i).filter(|r| r.start <= at)
    }

    /// The secret ranges that overlap `span`.
    pub fn overlapping(&self, span: Range<usize>) -> &[Range<usize>] {
        let first = self.ranges.partition_point(|r| r.end <= span.start);
        let last = self.ranges.partition_point(|r| r.start < span.end);
        &self.ranges[first..last.max(first)]
    }

    fn matcher(&self) -> Option<&AhoCorasick> {
        self.matcher
            .get_or_init(|| {
                if self.texts.is_empty() {
                    return None;
                }
                // A contiguous NFA: built in time linear in the secrets, where the default
                // may build a DFA. Each file with a finding builds one, mostly to redact a few
                // short windows of source lines, which no build cost pays back.
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                    .build(&self.texts)
                    .ok()
            })
            .as_ref()
    }

    /// Where the file's secrets occur in `text`, in order and disjoint. A short secret counts
    /// only where it is not part of a longer word.
    fn occurrences(&self, text: &[u8]) -> Vec<Range<usize>> {
        let Some(ac) = self.matcher() else {
            return Vec::new();
        };
        let word = |b: Option<&u8>| b.is_some_and(|&b| is_ident_byte(b));
        ac.find_iter(text)
            .map(|m| m.range())
            .filter(|r| {
                r.len() >= SHORT_SECRET
                    || !((word(text.get(r.start)) && r.start > 0 && word(text.get(r.start - 1)))
                        || (word(text.get(r.end - 1)) && word(text.get(r.end))))
            })
            .collect()
    }

    /// Some secret holds a line break: redacting a text cut at line ends could miss it.
    pub fn spans_lines(&self) -> bool {
        self.texts.iter().any(|t| t.contains(&b'\n'))
    }

    /// `text` with every occurrence of a secret of this file replaced by its redacted form.
    pub fn redact_str(&self, text: &str) -> String {
        let hits = self.occurrences(text.as_bytes());
        if hits.is_empty() {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for r in hits {
            // Matches are of whole secrets, which were taken from valid or lossy-decoded text;
            // a match that splits a character is left to the lossy decoder below.
            let piece = String::from_utf8_lossy(&text.as_bytes()[r.clone()]);
            out.push_str(&String::from_utf8_lossy(&text.as_bytes()[last..r.start]));
            out.push_str(&redact(&piece));
            last = r.end;
        }
        out.push_str(&String::from_utf8_lossy(&text.as_bytes()[last..]));
        out
    }

    /// The ranges to hide in `text`, whose first byte is at `offset` in the file: this
    /// file's secret ranges there, and any other occurrence of a secret's text. Relative to
    /// `text`, sorted, disjoint.
    pub fn hidden_in(&self, text: &[u8], offset: usize) -> Vec<Range<usize>> {
        let end = offset + text.len();
        let mut out: Vec<Range<usize>> = self
            .overlapping(offset..end)
            .iter()
            .map(|r| r.start.max(offset) - offset..r.end.min(end) - offset)
            .collect();
        out.extend(self.occurrences(text));
        out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
        for r in out {
            match merged.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }

    /// The longest secret, in bytes: how far a cut must look to not split one.
    pub fn longest(&self) -> usize {
        self.texts.first().map_or(0, Vec::len)
    }
}

/// Decodes `text` (lossily) with each `hidden` range (relative to `text`) replaced by its
/// redacted form and, with `escape`, control characters shown escaped. Returns the display
/// string plus, for each input byte offset `i` (0..=len), the display byte offset of the
/// character containing it, so spans can be mapped onto the display string.
pub fn display_with_map(
    text: &[u8],
    hidden: &[Range<usize>],
    escape: bool,
) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = vec![0; text.len() + 1];
    let mut hidden = hidden.iter().peekable();
    let mut i = 0;
    while i < text.len() {
        while hidden.next_if(|h| h.end <= i).is_some() {}
        if let Some(h) = hidden.peek().filter(|h| h.start <= i) {
            let end = h.end.min(text.len());
            let secret = String::from_utf8_lossy(&text[h.start..end]);
            for m in &mut map[i..end] {
                *m = out.len();
            }
            out.push_str(&redact(&secret));
            i = end;
            continue;
        }
        let (ch, len) = decode_one(&text[i..]);
        for m in &mut map[i..i + len] {
            *m = out.len();
        }
        if escape {
            // The CR of a CRLF line break is the line break; elsewhere it would move the cursor.
            if ch == '\r' && text.get(i + 1) == Some(&b'\n') {
                i += len;
                continue;
            }
            crate::escape::push_text_char(&mut out, ch);
        } else {
            out.push(ch);
        }
        i += len;
    }
    map[text.len()] = out.len();
    (out, map)
}

/// Decodes one character; an invalid byte becomes U+FFFD and consumes one byte.
fn decode_one(bytes: &[u8]) -> (char, usize) {
    let len = match bytes[0] {
        b if b < 0x80 => 1,
        b if b >> 5 == 0b110 => 2,
        b if b >> 4 == 0b1110 => 3,
        b if b >> 3 == 0b11110 => 4,
        _ => return ('\u{FFFD}', 1),
    };
    match bytes.get(..len).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => (s.chars().next().expect("non-empty"), len),
        None => ('\u{FFFD}', 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, KeyPlace)> {
        find_credentials_and_keys(text.as_bytes(), None)
            .1
            .into_iter()
            .map(|(r, p)| (text[r].to_string(), p))
            .collect()
    }

    #[test]
    fn a_value_as_this_tool_redacts_it_is_no_key() {
        let k = "4b227777d4dd1fc61c6f884f48641d02";
        assert!(is_placeholder(redact(k).as_bytes()));
        assert!(is_placeholder(redact("short").as_bytes()));
        assert!(keys("-H \"x-api-key: 4b22…\"").is_empty());
        // A key with more before the ellipsis is not this tool's redaction.
        assert!(!is_placeholder(format!("{k}…").as_bytes()));
    }

    #[test]
    fn whispir_key_places() {
        use KeyPlace::*;
        let k = "4b227777d4dd1fc61c6f884f48641d02";
        assert_eq!(
            keys(&format!("-H \"x-api-key: {k}\"")),
            [(k.into(), Header)]
        );
        assert_eq!(keys(&format!("-H 'X-Api-Key:{k}'")), [(k.into(), Header)]);
        assert_eq!(
            keys(&format!("WHISPIR_API_KEY={k}\n")),
            [(k.into(), Setting)]
        );
        assert_eq!(
            keys(&format!("whispir.api.key={k}\n")),
            [(k.into(), Setting)]
        );
        let json = format!("{{\"Whispir\": {{\"Url\": \"u\", \"ApiKey\": \"{k}\"}}}}");
        assert_eq!(keys(&json), [(k.into(), Setting)]);
        let yaml = format!("whispir:\n  auth:\n    api_key: {k}\nother:\n  api_key: {k}x\n");
        assert_eq!(keys(&yaml), [(k.into(), Setting)]);
        let ini = format!("[whispir]\napi_key = {k}\n[maps]\napi_key = {k}y\n");
        assert_eq!(keys(&ini), [(k.into(), Setting)]);
        // Other vendors' keys are secrets (redacted) but not Whispir's.
        assert_eq!(keys(&format!("MAPS_API_KEY={k}\n")), []);
        assert_eq!(
            keys(&format!("{{\"Stripe\": {{\"ApiKey\": \"{k}\"}}}}")),
            []
        );
        // Placeholders and references are no key (the one predicate).
        for v in [
            "",
            "<your key>",
            "${WHISPIR_KEY}",
            "[your_api_key]",
            "YOUR_API_KEY_HERE",
        ] {
            assert_eq!(keys(&format!("WHISPIR_API_KEY={v}\n")), [], "{v}");
            assert_eq!(keys(&format!("-H \"x-api-key: {v}\"")), [], "{v}");
        }
        // A header string the key expression is appended to (PHP, as `fix` writes it).
        for appended in [
            "$h = ['x-api-key: ' . $this->api];",
            "['http' => ['header' => 'x-api-key: ' . $this->api]]",
            "headers.put(\"x-api-key: \" + this.key);",
        ] {
            assert_eq!(keys(appended), [], "{appended}");
        }
        assert_eq!(keys(&format!("WHISPIR_PASSWORD={k}\n")), []);
        // Recorded requests: VCR lists, WireMock matchers, HAR name/value pairs.
        for recorded in [
            format!("    headers:\n      X-Api-Key:\n      - {k}\n"),
            format!("      X-Api-Key:\r\n      - \"{k}\"\r\n"),
            format!("      x-api-key: [{k}]\n"),
            format!("\"headers\": {{\"X-Api-Key\": [\"{k}\"]}}"),
            format!("\"headers\": {{\"x-api-key\": {{ \"equalTo\": \"{k}\" }}}}"),
            format!("[{{ \"name\": \"x-api-key\", \"value\": \"{k}\" }}]"),
        ] {
            assert_eq!(keys(&recorded), [(k.into(), Header)], "{recorded}");
        }
        assert_eq!(
            find_credentials(br#""X-Api-Key": ["<WHISPIR_API_KEY>"], "Accept": ["a"]"#),
            Vec::<Range<usize>>::new()
        );
        for v in ["<WHISPIR_API_KEY>", "REDACTED", "${WHISPIR_KEY}"] {
            assert_eq!(keys(&format!("x-api-key: [\"{v}\"]\n")), [], "{v}");
            assert_eq!(keys(&format!("X-Api-Key:\n- {v}\n")), [], "{v}");
        }
    }

    #[test]
    fn value_kinds() {
        assert_eq!(classify_value(b""), ValueKind::Absent);
        for t in [
            "${process.env.KEY}",
            "{0}",
            "{region}",
            "%s",
            "%(key)s",
            "%WHISPIR_KEY%",
            "#{@api_key}",
            "{{apikey}}",
            "$WHISPIR_API_KEY",
            "$(KEY)",
            "#getApiKey()#",
        ] {
            assert_eq!(classify_value(t.as_bytes()), ValueKind::Interpolated, "{t}");
        }
        for p in [
            "YOUR_API_KEY",
            "<apikey>",
            "<YOUR API KEY>",
            "[your_api_key]",
            "xxxxxxxxxxxxxxxx",
            "********",
            "…",
            "REPLACE_ME",
            "changeme",
            "YOUR-API-KEY",
            "YOUR_API_KEY_HERE",
            "your_api_key",
            "yourApiKey",
            "your-whispir-api-key",
            "xxxx-xxxx-xxxx",
        ] {
            assert_eq!(classify_value(p.as_bytes()), ValueKind::Placeholder, "{p}");
        }
        // A real key can look like anything: short, letters only, punctuated, encoded.
        for k in [
            "9f86d081884c7d659a2feaa0c55ad015",
            "K7pQ2mX9vR4tY8wZ3nB6cD5f",
            "abc123",
            "demo1234",
            "InnerHandler",
            "qwertyuiopasdfgh",
            "AbCd.EfGh~IjKl",
            "dGVzdA==",
            "%2Bab%2Fcd",
            "#abcdefgh",
            "12345678",
        ] {
            assert_eq!(classify_value(k.as_bytes()), ValueKind::Literal, "{k}");
        }
    }

    #[test]
    fn redaction_keeps_four_characters_of_long_values_only() {
        assert_eq!(redact("9f86d081884c7d659a2feaa0c55ad015"), "9f86…");
        assert_eq!(redact("abcdefgh"), "abcd…");
        assert_eq!(redact("abc1234"), "…");
        let text = b"key=9f86d081884c7d659a2feaa0c55ad015&x=1";
        let secret = 4..36;
        let (shown, map) = display_with_map(text, std::slice::from_ref(&secret), false);
        assert_eq!(shown, "key=9f86…&x=1");
        assert_eq!(map[36], "key=9f86…".len());
    }

    fn found(text: &str) -> Vec<&str> {
        find_credentials(text.as_bytes())
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn credentials_in_key_positions() {
        let text = "Authorization: Basic dXNlcjpwYXNzd29yZA==\nx-api-key: 9f86d081884c7d659a2feaa0c55ad015\napikey=YOUR_API_KEY_HERE\n";
        assert_eq!(
            found(text),
            ["9f86d081884c7d659a2feaa0c55ad015", "dXNlcjpwYXNzd29yZA=="]
        );
        assert_eq!(found("WHISPIR_API_KEY=abc\n"), ["abc"]);
        assert_eq!(found("whispirKey: k7pq2mx9\n"), ["k7pq2mx9"]);
        assert_eq!(found("api_key: 'qwerty.uiop'\n"), ["qwerty.uiop"]);
        assert_eq!(found(r#"{"apiKey": "K7pQ~2mX"}"#), ["K7pQ~2mX"]);
        assert_eq!(found(r#".header("X-Api-Key", "K7pQ/2mX=")"#), ["K7pQ/2mX="]);
        assert_eq!(found("'x-api-key' => 'k!e*y@1'"), ["k!e*y@1"]);
        assert_eq!(found("<ApiKey>abcdef12</ApiKey>"), ["abcdef12"]);
        assert_eq!(
            found(r#"<add key="WhispirApiKey" value="abcdef12"/>"#),
            ["abcdef12"]
        );
        assert_eq!(found("curl -H \"x-api-key: ab:cd+ef\" u"), ["ab:cd+ef"]);
        // Variables and reads from the environment are not keys.
        assert!(found("api_key = os.environ[\"WHISPIR_API_KEY\"]").is_empty());
        assert!(found(r#"{"x-api-key": apiKey}"#).is_empty());
        assert!(found("x-api-key: ${{ secrets.WHISPIR_KEY }}").is_empty());
        assert!(found("apiKeyQuery:\n  type: apiKey").is_empty());
    }

    #[test]
    fn basic_credentials_and_passwords() {
        assert_eq!(found("curl -u admin:s3cr3tpw https://x"), ["s3cr3tpw"]);
        assert_eq!(found("curl --user 'admin:pw1' https://x"), ["pw1"]);
        assert_eq!(
            found("https://admin:hunter22@api.whispir.com/x"),
            ["hunter22"]
        );
        assert_eq!(found("DB_PASSWORD=hunter22\n"), ["hunter22"]);
        assert_eq!(found(r#""password": "hunter22""#), ["hunter22"]);
        assert!(found("curl -u \"$USER:$PASS\" https://x").is_empty());
        assert!(found("password: <your password>").is_empty());
    }

    #[test]
    fn literals_assigned_to_a_variable_that_feeds_the_key() {
        assert_eq!(
            found("KEY=k7pq2mx9 curl \"https://api.whispir.com/x?apikey=$KEY\""),
            ["k7pq2mx9"]
        );
        assert_eq!(
            found("const k = \"K7pQ2mX9\"; fetch(\"https://api.whispir.com/x?apikey=\" + k)"),
            ["K7pQ2mX9"]
        );
        assert_eq!(
            found("KEY=abcdefgh \\\n  curl -H \"x-api-key: ${KEY}\" https://x"),
            ["abcdefgh"]
        );
        // Another statement: not this rule's business.
        assert!(found("k = \"K7pQ2mX9\"\nurl = \"https://x?apikey=\" + k").is_empty());
    }

    proptest::proptest! {
        /// Searching only the lines that hold a name word finds exactly what searching the
        /// whole file finds, on text dense in names, separators, line ends (CRLF, none at the
        /// end) and near misses of the words (`ke`, `pass`).
        #[test]
        fn named_lines_find_what_the_whole_file_search_finds(
            pieces in proptest::collection::vec(0..NAMED_LINE_PIECES.len(), 0..40)
        ) {
            let src: Vec<u8> = pieces.iter().flat_map(|&i| NAMED_LINE_PIECES[i].iter().copied()).collect();
            for pattern in [&*NAMED_VALUE, &*MARKUP_VALUE] {
                let mut whole = Vec::new();
                let mut at = 0;
                while let Some(m) = pattern.find_at(&src, at) {
                    whole.push(m.range());
                    at = m.end().max(m.start() + 1);
                    if at > src.len() {
                        break;
                    }
                }
                let mut by_lines = Vec::new();
                let mut lines = NamedLines::new(&src);
                let mut at = 0;
                while let Some(m) = lines.first(at, |hay, from| pattern.find_at(hay, from)) {
                    by_lines.push(m.range());
                    at = m.end().max(m.start() + 1);
                }
                proptest::prop_assert_eq!(whole, by_lines, "{:?}", String::from_utf8_lossy(&src));
            }
        }
    }

    const NAMED_LINE_PIECES: &[&[u8]] = &[
        b"apikey",
        b"API_KEY",
        b"api-",
        b"key",
        b"Key",
        b"ke",
        b"y",
        b"whispir",
        b"passw",
        b"PASSWORD",
        b"passwd",
        b"pass",
        b"w",
        b"\n",
        b"\r\n",
        b"\r",
        b"=",
        b":",
        b"=>",
        b":=",
        b",",
        b" ",
        b"\t",
        b"\"",
        b"'",
        b"`",
        b"<",
        b">",
        b"key=\"",
        b"value=\"",
        b"x",
        b".",
        b"\xff",
    ];

    #[test]
    fn one_matcher_redacts_every_occurrence() {
        let src = b"a apikey=K7pQ2mX9vR4t b apikey=abc c";
        let s = Secrets::find(src, None, []);
        assert_eq!(s.ranges().len(), 2);
        assert_eq!(
            s.redact_str("`K7pQ2mX9vR4t` abc abcd xabc"),
            "`K7pQ…` … abcd xabc"
        );
        assert_eq!(s.containing(12), Some(&(9..21)));
        assert_eq!(s.containing(22), None);
        assert_eq!(s.overlapping(0..10).len(), 1);
        assert_eq!(s.overlapping(0..10)[0], 9..21);
    }
}
