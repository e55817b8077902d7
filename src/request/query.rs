//! Query surgery: removing the `apikey` parameter from a URL wherever it sits, and finding
//! the expression that held its value.
//!
//! `?apikey=K&a=1` → `?a=1`;  `?a=1&apikey=K` → `?a=1`;  `…/m?apikey=K` → `…/m`;
//! `'…/m?apikey=' + key` → `'…/m'` (the operand `key` becomes the header value);
//! `"…?apikey={}".format(key)` → `"…".format()` minus the argument that fed it.

use crate::detect::ApiKeyParam;
use crate::diagnostic::Edit;
use crate::lang::tokens::{
    Layout, arguments, enclosing_open, matching_close, next_significant, prev_significant, token_at,
};
use crate::lang::{HintKey, Language, TokKind, Token};
use crate::secrets::ValueKind;
use std::ops::Range;

/// Where the key value comes from, as it should be written in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// An expression of the host language (`apiKey`, `process.env.KEY`, `self.api_key`).
    Expr(String),
    /// A literal key or placeholder written in the URL, without quotes.
    Literal(String),
    /// Text that is itself a template of the surrounding format (`$KEY`, `{{apikey}}`,
    /// `${{ secrets.KEY }}`): copied as it is.
    Template(String),
}

impl KeySource {
    /// The key as an expression of the host language. A percent-encoding call around it
    /// (`encodeURIComponent(k)`, `urlencode($k)`, `quote(k)`, `CGI.escape(k)`,
    /// `Uri.EscapeDataString(k)`) goes: the server decoded the query, so the header carries
    /// the value inside. Go's `url.QueryEscape` and Java's `URLEncoder.encode` stay, since
    /// dropping them can leave an unused import or a `catch` of an exception no longer
    /// thrown, which do not compile.
    pub fn expr(text: impl Into<String>) -> KeySource {
        let text = text.into();
        match percent_decoded(&text) {
            Some(inner) => KeySource::Expr(inner.to_string()),
            None => KeySource::Expr(text),
        }
    }

    /// The value as code in a language whose strings are quoted with `quote`.
    pub fn as_code(&self, quote: char) -> String {
        match self {
            KeySource::Expr(e) => e.clone(),
            KeySource::Literal(l) | KeySource::Template(l) => format!("{quote}{l}{quote}"),
        }
    }
    /// The value as text in a header line (shell, HTTP, Postman).
    pub fn as_text(&self) -> String {
        match self {
            KeySource::Expr(e) => e.clone(),
            KeySource::Literal(l) | KeySource::Template(l) => l.clone(),
        }
    }
    /// The value as a hint for a person shows it.
    pub fn hint(&self) -> HintKey {
        match self {
            KeySource::Expr(e) => HintKey::Expr(e.clone()),
            KeySource::Literal(l) | KeySource::Template(l) => HintKey::Text(l.clone()),
        }
    }
}

/// Percent-encoding functions whose first argument is the value the server decodes.
const PERCENT_ENCODERS: [&str; 14] = [
    "encodeURIComponent",
    "encodeURI",
    "querystring.escape",
    "quote",
    "quote_plus",
    "parse.quote",
    "urllib.parse.quote",
    "urllib.parse.quote_plus",
    "urlencode",
    "rawurlencode",
    "CGI.escape",
    "ERB::Util.url_encode",
    "URI.encode_www_form_component",
    "Uri.EscapeDataString",
];
/// The same for the case-insensitive names of ColdFusion and .NET's `HttpUtility`.
const PERCENT_ENCODERS_ANY_CASE: [&str; 4] = [
    "urlEncodedFormat",
    "encodeForURL",
    "HttpUtility.UrlEncode",
    "WebUtility.UrlEncode",
];

/// `encodeURIComponent(key)` → `key`: the first argument of one percent-encoding call that
/// is the whole expression; `None` for anything else.
fn percent_decoded(expr: &str) -> Option<&str> {
    let expr = expr.trim();
    let open = expr.find('(')?;
    let name: String = expr[..open]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let name = name
        .strip_prefix("System.Web.")
        .or_else(|| name.strip_prefix("System.Net."))
        .or_else(|| name.strip_prefix("System."))
        .unwrap_or(&name);
    let known = PERCENT_ENCODERS.contains(&name)
        || PERCENT_ENCODERS_ANY_CASE
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name));
    if !known || !expr.ends_with(')') {
        return None;
    }
    // The call's parentheses must close at the end, and the first argument ends at the first
    // comma outside brackets and strings.
    let inner = &expr[open + 1..expr.len() - 1];
    let (mut depth, mut quote, mut first_end) = (0i32, None::<u8>, None);
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' | b'`' => quote = Some(b),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth == 0 => return None,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 && first_end.is_none() => first_end = Some(i),
                _ => {}
            },
        }
        i += 1;
    }
    if depth != 0 || quote.is_some() {
        return None;
    }
    let first = inner[..first_end.unwrap_or(inner.len())].trim();
    (!first.is_empty()).then_some(first)
}

pub struct Removal {
    pub edits: Vec<Edit>,
    pub key: KeySource,
    /// When the edits already put the header in place (Rust `.query(…)` → `.header(…)`,
    /// ColdFusion's `type="url"` parameter → `type="header"`): the fix's message.
    pub placed: Option<String>,
}

/// The separator of the parameter after `p`, if the same text continues with one.
fn next_separator(src: &[u8], from: usize) -> Option<Range<usize>> {
    let rest = &src[from..];
    if rest.starts_with(b"&amp;") {
        Some(from..from + 5)
    } else if rest.starts_with(b"\\&") {
        Some(from..from + 2)
    } else if rest.first() == Some(&b'&') {
        Some(from..from + 1)
    } else {
        None
    }
}

/// The interpolated expression inside a template value: `${k}` → `k`, `{k}` → `k`,
/// `#{k}` → `k`. `None` for positional placeholders (`{}`, `{0}`, `%s`).
fn interpolated_expr(value: &str) -> Option<String> {
    let inner = value
        .strip_prefix("${")
        .or_else(|| value.strip_prefix("#{"))
        .or_else(|| value.strip_prefix('{'))
        .and_then(|v| v.strip_suffix('}'))?;
    let inner = inner.trim();
    if inner.is_empty() || inner.bytes().all(|b| b.is_ascii_digit()) || inner.starts_with('{') {
        return None;
    }
    // Format specs (`{k:>5}`) change the text: not a plain value.
    if inner.contains(':') && !inner.contains("::") {
        return None;
    }
    Some(inner.to_string())
}

/// The expression a string template of `lang` interpolates as the whole value: PHP's
/// `$key` (the variable itself) and `${key}` (the variable `$key`, not a constant), Kotlin's
/// `$key`, Ruby's `#@key` (an instance variable), ColdFusion's `#key#`, and `${k}`, `#{k}`,
/// `{k}`. `None` for positional placeholders and another format's templates (`{{apikey}}`).
pub(crate) fn template_expr(lang: &dyn Language, value: &str) -> Option<String> {
    match lang.name() {
        "php" if is_dollar_name(value) => Some(value.to_string()),
        "php" if let Some(name) = value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) => {
            is_dollar_name(&format!("${name}")).then(|| format!("${name}"))
        }
        "ruby"
            if let Some(var) = value
                .strip_prefix('#')
                .filter(|v| v.starts_with(['@', '$'])) =>
        {
            let name = var.trim_start_matches(['@', '$']);
            (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
                .then(|| var.to_string())
        }
        "kotlin" if is_dollar_name(value) => Some(value[1..].to_string()),
        "coldfusion" if let Some(expr) = hash_expr(value) => Some(expr.to_string()),
        _ => interpolated_expr(value),
    }
}

/// ColdFusion's `#expr#`: the expression, when the hashes hold one whole.
fn hash_expr(value: &str) -> Option<&str> {
    let inner = value.strip_prefix('#')?.strip_suffix('#')?.trim();
    (!inner.is_empty() && !inner.contains('#')).then_some(inner)
}

/// `$name`: a PHP variable, or a Kotlin template's simple name.
fn is_dollar_name(value: &str) -> bool {
    value
        .strip_prefix('$')
        .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

pub(crate) fn is_positional(value: &str) -> bool {
    matches!(value, "%s" | "%v" | "%d" | "{}" | "%@")
        || (value.starts_with('{')
            && value.ends_with('}')
            && value[1..value.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_digit())
            && value.len() > 2)
}

/// The parameter named at byte `at` is written in a string literal after `curl `: a command
/// held by the program, not a URL it requests.
pub(crate) fn in_curl_string(src: &[u8], tokens: &[Token], at: usize) -> bool {
    // Looked for a bounded way back: one string may hold thousands of parameters.
    const COMMAND_BEFORE_PARAMETER: usize = 4096;
    token_at(tokens, at)
        .filter(|&lit| tokens[lit].kind == TokKind::Str)
        .is_some_and(|lit| {
            let from = tokens[lit]
                .start()
                .max(at.saturating_sub(COMMAND_BEFORE_PARAMETER));
            memchr::memmem::find(&src[from..at], b"curl ").is_some()
        })
}

/// Edits that remove `p` from the URL text it sits in, and where its value comes from.
/// `Err` explains why the removal is not safe (the caller reports it as manual).
/// `layout` is the file's (`Facts::layout`), built when first needed.
pub fn remove_param(
    src: &[u8],
    tokens: &[Token],
    layout: &std::sync::OnceLock<Layout>,
    lang: &dyn Language,
    p: &ApiKeyParam,
) -> Result<Removal, String> {
    let value_text = String::from_utf8_lossy(&src[p.value.clone()]).into_owned();
    let sep_text = &src[p.separator.clone()];
    let first = sep_text.ends_with(b"?");
    let after = next_separator(src, p.value.end);
    let literal = token_at(tokens, p.name.start).filter(|&i| tokens[i].kind == TokKind::Str);
    let mut edits = Vec::new();
    // 1. The text inside the URL.
    match (&after, first || p.separator.is_empty()) {
        // `?apikey=K&a=1` → `?a=1`; a form's `apikey=K&a=1` → `a=1`
        (Some(next), true) => edits.push(Edit::delete(p.name.start..next.end)),
        // `&apikey=K` anywhere, or `?apikey=K` at the end.
        _ => edits.push(Edit::delete(p.separator.start..p.value.end)),
    }
    // 2. Where the value came from.
    let key = match p.value_kind {
        ValueKind::Literal | ValueKind::Placeholder => KeySource::Literal(value_text.clone()),
        ValueKind::Interpolated => match literal.filter(|_| lang_has_code(lang)) {
            None => KeySource::Template(value_text.clone()),
            Some(lit) if let Some(named) = named_format_argument(src, tokens, lang, lit, p) => {
                let (arg_edits, expr) = named?;
                edits.extend(arg_edits);
                KeySource::expr(expr)
            }
            Some(_) if let Some(expr) = template_expr(lang, &value_text) => KeySource::expr(expr),
            Some(lit) if let Some(nested) = nested_format(src, tokens, lit) => {
                let (nested_edits, expr) = remove_nested_format(src, tokens, p, lit, &nested)?;
                edits = nested_edits;
                KeySource::expr(expr)
            }
            Some(lit) if is_positional(&value_text) => {
                let removed = edits[0].range.clone();
                let (arg_edits, expr) = remove_format_argument(
                    src,
                    tokens,
                    lang,
                    lit,
                    p.value.start,
                    &value_text,
                    removed,
                )?;
                edits.extend(arg_edits);
                KeySource::expr(expr)
            }
            // A curl command held in a JavaScript or Ruby string (`"curl …?apikey=$KEY"`, a
            // heredoc of usage text): the shell, not the program, reads `$KEY`, and the header
            // copies it as it is.
            Some(_)
                if matches!(
                    lang.request_style(),
                    crate::lang::RequestStyle::JavaScript | crate::lang::RequestStyle::Ruby
                ) && in_curl_string(src, tokens, p.name.start) =>
            {
                KeySource::Template(value_text.clone())
            }
            Some(_) => {
                return Err(format!(
                    "the key is interpolated as `{value_text}`, which the fixer cannot follow"
                ));
            }
        },
        ValueKind::Absent => {
            let Some(lit) = literal else {
                return Err("the key value is not written next to the parameter".into());
            };
            if p.value.end != tokens[lit].content().end {
                return Err("the key value is not written next to the parameter".into());
            }
            if let Some(name) = bound_for_appending(src, tokens, lang, lit) {
                let parameter = String::from_utf8_lossy(&src[p.separator.start..p.value.end]);
                return Err(format!(
                    "{}where `{name}` is read and the key appended to it, stop appending the key and send it as a header (`{}`); then drop `{parameter}` from `{name}` here (not automatic: the key is appended where `{name}` is read, not here)",
                    crate::request::place::INSTEAD,
                    lang.header_hint(&HintKey::Unknown)
                ));
            }
            if let Some(link) = remove_appended_link(src, tokens, p, lit) {
                let (link_edits, expr) = link?;
                return Ok(Removal {
                    edits: link_edits,
                    key: KeySource::expr(expr),
                    placed: None,
                });
            }
            let (tail_edits, expr) =
                remove_appended_operand(src, tokens, lang, lit, first && after.is_none())?;
            // `A + '?apikey=' + key + B`, the parameter's literal joined to `B` by the tail:
            // `A` and `B` join instead (`'…/m?limit=10'`), leaving no constant concatenation.
            if tokens[lit].content() == (p.separator.start..p.value.end)
                && let Some(join) = tail_edits
                    .first()
                    .filter(|e| e.range.start == tokens[lit].content().end)
                && let Some(op) =
                    prev_significant(tokens, lit).filter(|&o| is_concat(src, lang, &tokens[o]))
                && let Some(a) = prev_significant(tokens, op)
                && let Some(b) = token_at(tokens, join.range.end)
                && joinable(src, tokens, a, b)
            {
                return Ok(Removal {
                    edits: joined(src, tokens, a, b, join.range.end, &join.content),
                    key: KeySource::expr(expr),
                    placed: None,
                });
            }
            // A literal that was only `?apikey=` goes away with its operator.
            if tokens[lit].content().start == p.separator.start
                && tail_edits
                    .iter()
                    .all(|e| e.range.start >= tokens[lit].end())
                && let Some(op) =
                    prev_significant(tokens, lit).filter(|&o| is_concat(src, lang, &tokens[o]))
            {
                edits.clear();
                edits.push(Edit::delete(
                    operator_removal_start(src, tokens, op)..tokens[lit].end(),
                ));
            }
            edits.extend(tail_edits);
            if let Some(line) = emptied_append_statement(src, tokens, lang, lit, &edits) {
                edits = vec![Edit::delete(line)];
            }
            KeySource::expr(expr)
        }
    };
    // A literal that held only the parameter (`` url + `?apikey=${key}` ``) goes with its
    // operator, rather than leaving an empty string concatenated.
    if let Some(lit) = literal
        && p.value_kind != ValueKind::Absent
        && lang_has_code(lang)
        && tokens[lit].content() == (p.separator.start..p.value.end)
        && let Some(op) = prev_significant(tokens, with_prefix(tokens, lit))
            .filter(|&o| is_concat(src, lang, &tokens[o]))
    {
        edits[0] = Edit::delete(operator_removal_start(src, tokens, op)..tokens[lit].end());
    } else if let Some(option) = emptied_curl_data(src, &edits[0].range) {
        edits[0] = Edit::delete(option.data);
        edits.extend(option.get.map(Edit::delete));
    } else if let Some(lit) = literal
        && p.value_kind == ValueKind::Interpolated
        && lang_has_code(lang)
        && let Some(plain) = plain_literal(src, tokens, layout, lang, lit, &edits[0].range)
    {
        edits.extend(plain);
    }
    Ok(Removal {
        edits,
        key,
        placed: None,
    })
}

/// curl's `--data-urlencode "apikey=$KEY"` (`-d`, `--data`, `--data-raw`, `=` or space before
/// the value) whose value is all that `removed` takes: the whole option goes, not just its
/// text (`--data-urlencode ""` would send an empty parameter), and with it the `-G` (`--get`)
/// that only moved that data into the URL, when the command sends no other data.
struct EmptiedCurlData {
    data: Range<usize>,
    get: Option<Range<usize>>,
}

fn emptied_curl_data(src: &[u8], removed: &Range<usize>) -> Option<EmptiedCurlData> {
    const DATA: [&[u8]; 5] = [
        b"--data-urlencode",
        b"--data-raw",
        b"--data-binary",
        b"--data",
        b"-d",
    ];
    let (mut start, mut end) = (removed.start, removed.end);
    let quote = start
        .checked_sub(1)
        .map(|q| src[q])
        .filter(|q| matches!(q, b'"' | b'\'') && src.get(end) == Some(q));
    if quote.is_some() {
        start -= 1;
        end += 1;
    }
    if src.get(end).is_some_and(|b| !b.is_ascii_whitespace()) {
        return None;
    }
    // The option: right before, joined by `=` or one or more spaces.
    let option_end = match start.checked_sub(1).map(|b| src[b]) {
        Some(b'=') => start - 1,
        Some(b' ' | b'\t') => whitespace_before(src, start),
        _ => return None,
    };
    let option = DATA
        .iter()
        .find(|o| src[..option_end].ends_with(o))
        .map(|o| option_end - o.len())
        .filter(|&o| o > 0 && matches!(src[o - 1], b' ' | b'\t'))?;
    let data = whitespace_before(src, option)..end;
    let cmd = crate::request::place::shell_command_lines(src, removed.start);
    memchr::memmem::find(&src[cmd.start..data.start], b"curl")?;
    let words = |r: Range<usize>| {
        src[r.clone()]
            .split(|b| b.is_ascii_whitespace())
            .scan(r.start, |at, w| {
                let word = *at..*at + w.len();
                *at += w.len() + 1;
                Some(word)
            })
            .collect::<Vec<_>>()
    };
    let rest: Vec<Range<usize>> = words(cmd.start..data.start)
        .into_iter()
        .chain(words(data.end..cmd.end))
        .collect();
    let sends_data = rest.iter().any(|w| {
        let w = &src[w.clone()];
        w.starts_with(b"--data") || w.starts_with(b"-d") || w == b"--form" || w == b"-F"
    });
    // `-G` alone, or in a cluster of short options that take no value (`-sG` → `-s`; not
    // `-XGET`).
    let get = rest
        .iter()
        .filter(|_| !sends_data)
        .find_map(|w| match &src[w.clone()] {
            b"-G" | b"--get" => Some(whitespace_before(src, w.start)..w.end),
            [b'-', flags @ ..] if flags.iter().all(|f| b"sSfLkivGgjlnq".contains(f)) => flags
                .iter()
                .position(|&f| f == b'G')
                .map(|g| w.start + 1 + g..w.start + 2 + g),
            _ => None,
        });
    Some(EmptiedCurlData { data, get })
}

/// Ruby's `url << '?apikey=' << key` on a line of its own, both operands removed by `edits`:
/// only `url` would be left, a statement that does nothing, so its whole line (with any
/// comment on it) is what goes.
fn emptied_append_statement(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    lit: usize,
    edits: &[Edit],
) -> Option<Range<usize>> {
    if lang.request_style() != crate::lang::RequestStyle::Ruby {
        return None;
    }
    let op = prev_significant(tokens, lit).filter(|&o| tokens[o].is_punct(src, "<<"))?;
    let receiver = prev_significant(tokens, op).filter(|&r| tokens[r].kind == TokKind::Ident)?;
    let removed_from = edits.iter().map(|e| e.range.start).min()?;
    let removed_to = edits.iter().map(|e| e.range.end).max()?;
    let whole_rest = removed_from == whitespace_before(src, tokens[op].start())
        && super::place::first_on_line(src, tokens[receiver].start())
        && super::plan::rest_of_line_is_comment(src, removed_to);
    whole_rest.then(|| super::plan::line_with_break(src, tokens[receiver].start()))
}

/// The first token of the literal at `lit`: its prefix when it has one (Python's `f"…"`
/// lexes `f` as a name of its own).
fn with_prefix(tokens: &[Token], lit: usize) -> usize {
    prev_significant(tokens, lit)
        .filter(|&f| tokens[f].kind == TokKind::Ident && tokens[f].end() == tokens[lit].start())
        .unwrap_or(lit)
}

fn lang_has_code(lang: &dyn Language) -> bool {
    !matches!(
        lang.name(),
        "shell" | "yaml" | "config" | "json" | "markdown" | "markup" | "http" | "text"
    )
}

fn is_concat(src: &[u8], lang: &dyn Language, t: &Token) -> bool {
    t.kind == TokKind::Punct
        && lang
            .concat_operators()
            .iter()
            .any(|op| t.text(src) == op.as_bytes())
}

/// Where removing the operand after operator `op` starts: with the blanks before the
/// operator; when the operator starts a continuation line, with the line break before it
/// (`"…/contacts"` then `+ "?apikey=" + key;` becomes `"…/contacts";`), unless a comment
/// ends the line above, which the `;` may not follow: then the indentation stays.
fn operator_removal_start(src: &[u8], tokens: &[Token], op: usize) -> usize {
    let at = whitespace_before(src, tokens[op].start());
    if at > 0 && src[at - 1] != b'\n' {
        return at;
    }
    let commented = |p: usize| tokens[p + 1..op].iter().any(|t| t.kind == TokKind::Comment);
    match prev_significant(tokens, op) {
        Some(p) if !commented(p) => tokens[p].end(),
        _ => tokens[op].start(),
    }
}

fn whitespace_before(src: &[u8], mut at: usize) -> usize {
    while at > 0 && matches!(src[at - 1], b' ' | b'\t') {
        at -= 1;
    }
    at
}

/// `'…?apikey=' + key` → removes ` + key`; returns the operand as the key expression.
/// When `promote_next` and more of the query follows in another operand, only a literal
/// starting with `&` can be fixed (its `&` becomes `?`).
fn remove_appended_operand(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    lit: usize,
    promote_next: bool,
) -> Result<(Vec<Edit>, String), String> {
    let op = next_significant(tokens, lit).filter(|&o| is_concat(src, lang, &tokens[o]));
    let Some(op) = op else {
        return Err("the key is appended by code the fixer does not follow".into());
    };
    // The operand: tokens up to the next concatenation or the end of the expression.
    let start = next_significant(tokens, op).ok_or("the expression ends after the operator")?;
    let mut depth = 0usize;
    let mut end = start;
    let mut j = start;
    while j < tokens.len() {
        let t = &tokens[j];
        if t.kind == TokKind::Newline && depth == 0 && lang.line_oriented() {
            break;
        }
        if t.kind == TokKind::Punct {
            match t.text(src) {
                b"(" | b"[" | b"{" => depth += 1,
                b")" | b"]" | b"}" => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                // `c ? '…?apikey=' . $k : $url`: the ternary's other branch is not the key.
                b"," | b";" | b":" if depth == 0 => break,
                _ if depth == 0 && is_concat(src, lang, t) => break,
                _ => {}
            }
        }
        // Without `;`, a line break after a complete operand ends the expression (Go, Kotlin).
        if depth == 0 && j > start && t.kind != TokKind::Comment && ends_line(src, &tokens[end], t)
        {
            break;
        }
        if !matches!(t.kind, TokKind::Comment | TokKind::Newline) {
            end = j;
        }
        j += 1;
    }
    let expr = String::from_utf8_lossy(&src[tokens[start].start()..tokens[end].end()]).into_owned();
    let mut edits = vec![Edit::delete(tokens[lit].end()..tokens[end].end())];
    // What follows the key operand?
    if let Some(more) = (end + 1 < tokens.len())
        .then(|| next_significant(tokens, end))
        .flatten()
        .filter(|&m| is_concat(src, lang, &tokens[m]))
    {
        let next =
            next_significant(tokens, more).ok_or("the expression ends after the operator")?;
        let t = &tokens[next];
        // `"…?a=1&apikey=" + key + "&b=2"`: the two literals join into one (`"…?a=1&b=2"`)
        // rather than leaving a constant concatenation behind.
        let promotable = src.get(t.content().start) == Some(&b'&');
        if (promotable || !promote_next) && joinable(src, tokens, lit, next) {
            let skip = usize::from(promote_next);
            let joint = if promote_next { "?" } else { "" };
            let edits = joined(src, tokens, lit, next, t.content().start + skip, joint);
            return Ok((edits, expr));
        }
        if promote_next {
            if t.kind == TokKind::Str && promotable {
                edits.push(Edit::replace(t.content().start..t.content().start + 1, "?"));
            } else {
                return Err("the rest of the query is appended by another expression; its first `&` must become `?`".into());
            }
        }
    }
    Ok((edits, expr))
}

/// A constant or variable that is the literal `lit` alone, ending with `apikey=` for the key
/// to be appended where it is read (`static final String API_EXT = "?apikey=";`, in Java,
/// Kotlin, C# and Go): its name.
fn bound_for_appending<'s>(
    src: &'s [u8],
    tokens: &[Token],
    lang: &dyn Language,
    lit: usize,
) -> Option<std::borrow::Cow<'s, str>> {
    use crate::lang::RequestStyle;
    if !matches!(
        lang.request_style(),
        RequestStyle::Jvm | RequestStyle::CSharp | RequestStyle::Go
    ) {
        return None;
    }
    // The statement ends with the literal; in a Go `const ( … )` block, so does the last entry.
    let ends = next_significant(tokens, lit).is_none_or(|n| {
        tokens[n].is_punct(src, ";")
            || ends_line(src, &tokens[lit], &tokens[n])
            || (lang.request_style() == RequestStyle::Go
                && tokens[n].is_punct(src, ")")
                && memchr::memchr(b'\n', &src[tokens[lit].end()..tokens[n].start()]).is_some())
    });
    let name = prev_significant(tokens, lit)
        .filter(|&e| tokens[e].is_punct(src, "="))
        .and_then(|e| prev_significant(tokens, e))
        .filter(|&n| tokens[n].kind == TokKind::Ident && ends)?;
    Some(String::from_utf8_lossy(tokens[name].text(src)))
}

/// Java/Kotlin `StringBuilder`: `sb.append("&apikey=").append(k)`, the literal `lit` the one
/// argument of an `append` link that the key's own `append` follows. Both links go, and the
/// whole statement when they were all of it (`sb.append("&apikey=").append(k);` on its own
/// lines). Only a `&` parameter: a `?` one would leave the next link's `&` to promote.
/// `None` when the literal is not in such a link.
fn remove_appended_link(
    src: &[u8],
    tokens: &[Token],
    p: &ApiKeyParam,
    lit: usize,
) -> Option<Result<(Vec<Edit>, String), String>> {
    let is = |i: usize, text: &str| tokens[i].text(src) == text.as_bytes();
    // The literal is the call's sole argument: only commas (which `arguments` skips) come
    // between it and the bracket. Asked first, as the way back to the enclosing bracket
    // crosses the whole function when the literal is in none (a local's value).
    let mut before = prev_significant(tokens, lit)?;
    while is(before, ",") {
        before = prev_significant(tokens, before)?;
    }
    if !is(before, "(") {
        return None;
    }
    let open = enclosing_open(src, tokens, lit).filter(|&o| is(o, "("))?;
    let dot = prev_significant(tokens, open)
        .filter(|&n| is(n, "append"))
        .and_then(|n| prev_significant(tokens, n))
        .filter(|&d| is(d, "."))?;
    if arguments(src, tokens, open) != [tokens[lit].span()] {
        return None;
    }
    let open2 = next_significant(tokens, matching_close(src, tokens, open)?)
        .filter(|&d| is(d, "."))
        .and_then(|d| next_significant(tokens, d))
        .filter(|&n| is(n, "append"))
        .and_then(|n| next_significant(tokens, n))
        .filter(|&o| is(o, "("))?;
    let key = match &arguments(src, tokens, open2)[..] {
        [key] => key.clone(),
        _ => return None,
    };
    let close2 = matching_close(src, tokens, open2)?;
    if tokens[lit].content() != (p.separator.start..p.value.end)
        || src[p.separator.clone()] != *b"&"
    {
        return Some(Err("the parameter opens the query in an `append` of its own: delete that `append` and the key's, make the next parameter's `&` a `?`, and add the header where the URL is sent".into()));
    }
    // `sb.append("&apikey=").append(k);`: the receiver, then our links and nothing else.
    let receiver = prev_significant(tokens, dot).filter(|&r| {
        tokens[r].kind == TokKind::Ident && prev_significant(tokens, r).is_none_or(|b| !is(b, "."))
    });
    let whole = receiver
        .filter(|_| {
            next_significant(tokens, close2)
                .is_none_or(|n| is(n, ";") || ends_line(src, &tokens[close2], &tokens[n]))
        })
        .and_then(|r| crate::request::place::line_of_statement(src, tokens, r, close2));
    let edit = match whole {
        Some(lines) => Edit::delete(lines),
        None => Edit::delete(tokens[dot].start()..tokens[close2].end()),
    };
    let expr = String::from_utf8_lossy(&src[key]).trim().to_string();
    Some(Ok((vec![edit], expr)))
}

/// Whether string literals `a` and `b` can become one: both plain (no prefix such as
/// `f`, `$`, `@`, no triple quotes), only code between them (no comment), and quoted alike
/// or `b`'s text the same in `a`'s quotes (no quote, escape, `$`, `#` or brace in it).
fn joinable(src: &[u8], tokens: &[Token], a: usize, b: usize) -> bool {
    let plain = |t: &Token| {
        t.kind == TokKind::Str
            && t.content().start == t.start() + 1
            && t.content().end + 1 == t.end()
            && t.span().len() >= 2
    };
    let (ta, tb) = (&tokens[a], &tokens[b]);
    let requotable = || {
        !tb.content_text(src)
            .iter()
            .any(|b| b"'\"`\\$#{}".contains(b))
    };
    plain(ta)
        && plain(tb)
        && (src[ta.start()] == src[tb.start()] || requotable())
        && tokens[a + 1..b].iter().all(|t| t.kind != TokKind::Comment)
}

/// The edits that make `joinable` literals `a` and `b` one: what lies between `a`'s text and
/// byte `cut_to` of `b` becomes `joint`, and `b` closes with `a`'s quote.
fn joined(
    src: &[u8],
    tokens: &[Token],
    a: usize,
    b: usize,
    cut_to: usize,
    joint: &str,
) -> Vec<Edit> {
    let (ta, tb) = (&tokens[a], &tokens[b]);
    let mut edits = vec![Edit::replace(ta.content().end..cut_to, joint.to_string())];
    if src[ta.start()] != src[tb.start()] {
        edits.push(Edit::replace(
            tb.content().end..tb.end(),
            char::from(src[ta.start()]).to_string(),
        ));
    }
    edits
}

/// True when `next` starts a new line after `last`, and `last` completes an operand (a name,
/// literal or closing bracket) while `next` does not continue it (`.method`).
pub fn ends_line(src: &[u8], last: &Token, next: &Token) -> bool {
    let completes = matches!(last.kind, TokKind::Ident | TokKind::Str | TokKind::Number)
        || (last.kind == TokKind::Punct && matches!(last.text(src), b")" | b"]" | b"}"));
    let continues = next.kind == TokKind::Punct
        && matches!(
            next.text(src),
            b"." | b"?" | b")" | b"]" | b"}" | b"," | b"+" | b"->"
        );
    completes
        && !continues
        && memchr::memchr(b'\n', &src[last.end()..next.start().max(last.end())]).is_some()
}

/// Removes the format argument that fed a positional placeholder (`{}`, `{0}`, `%s`) at
/// `at` inside string token `lit`, in `"…".format(…)`, `String.Format("…", …)`,
/// `fmt.Sprintf("…", …)`, `format!("…", …)` or `"…" % (…)`.
#[allow(clippy::too_many_arguments)]
fn remove_format_argument(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    lit: usize,
    at: usize,
    placeholder: &str,
    removed: Range<usize>,
) -> Result<(Vec<Edit>, String), String> {
    let content = &src[tokens[lit].content().start..at];
    let text = String::from_utf8_lossy(content);
    let mut renumber = Vec::new();
    let index = if let Some(n) = placeholder
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .filter(|n| !n.is_empty())
    {
        let n: usize = n.parse().map_err(|_| "unreadable placeholder index")?;
        // Removing a numbered argument renumbers the later ones (`{2}` → `{1}`), which is
        // only sound when this literal is the whole format string.
        let highest = highest_numbered(&String::from_utf8_lossy(tokens[lit].content_text(src)));
        if Some(n) != highest {
            let joined = [prev_significant(tokens, lit), next_significant(tokens, lit)]
                .into_iter()
                .flatten()
                .any(|j| is_concat(src, lang, &tokens[j]));
            if joined {
                return Err(format!(
                    "`{placeholder}` is not the last numbered argument and the format string is joined from parts; renumber the others by hand"
                ));
            }
            renumber = renumbered(src, &tokens[lit], n, &removed)?;
        }
        n
    } else {
        count_positional(&text, placeholder)
    };
    // The argument list: after the literal (`String.Format("…", a, b)`, `format!("…", a)`) or
    // in a `.format(…)` call right after it.
    let (open, skip_first) = match next_significant(tokens, lit) {
        Some(n) if tokens[n].is_punct(src, ",") => {
            let open = enclosing_open(src, tokens, lit)
                .filter(|&o| tokens[o].is_punct(src, "("))
                .ok_or("no argument list around the format string")?;
            (open, 1)
        }
        Some(n) if tokens[n].is_punct(src, ".") => {
            let name = next_significant(tokens, n)
                .filter(|&m| tokens[m].text(src) == b"format")
                .ok_or("the format call is not `.format(…)`")?;
            let open = next_significant(tokens, name)
                .filter(|&o| tokens[o].is_punct(src, "("))
                .ok_or("the format call is not `.format(…)`")?;
            (open, 0)
        }
        Some(n) if tokens[n].is_punct(src, "%") => {
            let operand = next_significant(tokens, n).ok_or("nothing after `%`")?;
            if tokens[operand].is_punct(src, "(") {
                (operand, 0)
            } else if index == 0
                && count_positional(
                    &String::from_utf8_lossy(tokens[lit].content_text(src)),
                    placeholder,
                ) == 1
            {
                // `"…?apikey=%s" % key` → `"…"`; the operand is a whole postfix chain
                // (`self.api_key`, `cfg["key"]`, `key()`), as `%` binds tighter than `+`.
                let last = postfix_end(src, tokens, operand);
                let expr =
                    String::from_utf8_lossy(&src[tokens[operand].start()..tokens[last].end()])
                        .into_owned();
                return Ok((
                    vec![Edit::delete(tokens[lit].end()..tokens[last].end())],
                    expr,
                ));
            } else {
                return Err("the `%` operand is not a tuple".into());
            }
        }
        _ => return Err("the format arguments are not next to the format string".into()),
    };
    let args = arguments(src, tokens, open);
    let arg = args
        .get(index + skip_first)
        .ok_or("the format call has fewer arguments than placeholders")?;
    let expr = String::from_utf8_lossy(&src[arg.clone()]).into_owned();
    let percent = placeholder.starts_with('%');
    if args.len() == 1 + skip_first
        && let Some(edits) =
            collapse_format_call(src, tokens, lang, lit, open, skip_first, removed, percent)
    {
        return Ok((edits, expr));
    }
    renumber.push(Edit::delete(argument_with_comma(&args, index + skip_first)));
    Ok((renumber, expr))
}

/// The argument `index` of `args` with the comma before it (or after it, for the first).
fn argument_with_comma(args: &[Range<usize>], index: usize) -> Range<usize> {
    let arg = &args[index];
    if index > 0 {
        args[index - 1].end..arg.end
    } else if let Some(next) = args.get(1) {
        arg.start..next.start
    } else {
        arg.clone()
    }
}

/// A named placeholder filled by a keyword argument of the same call: Python's
/// `"…?apikey={k}".format(k=self.key)` (not an f-string) and Rust's
/// `format!("…?apikey={k}", k = self.key)`. The argument goes with the placeholder (the call
/// with it, when nothing else is left to format), and its value is the key. `None` when the
/// placeholder is no such name (an f-string's, or a Rust variable the literal captures).
fn named_format_argument(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    lit: usize,
    p: &ApiKeyParam,
) -> Option<Result<(Vec<Edit>, String), String>> {
    let name = interpolated_expr(std::str::from_utf8(&src[p.value.clone()]).ok()?)
        .filter(|n| n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))?;
    let (open, skip_first) = match lang.name() {
        "python" if with_prefix(tokens, lit) == lit => {
            let dot = next_significant(tokens, lit).filter(|&d| tokens[d].is_punct(src, "."))?;
            let call =
                next_significant(tokens, dot).filter(|&c| tokens[c].text(src) == b"format")?;
            let open = next_significant(tokens, call).filter(|&o| tokens[o].is_punct(src, "("))?;
            (open, 0)
        }
        "rust" => {
            let open = prev_significant(tokens, lit).filter(|&o| tokens[o].is_punct(src, "("))?;
            prev_significant(tokens, open).filter(|&b| tokens[b].is_punct(src, "!"))?;
            (open, 1)
        }
        _ => return None,
    };
    let args = arguments(src, tokens, open);
    let (index, expr) = keyword_argument(src, tokens, &args[skip_first..], &name)?;
    let index = index + skip_first;
    let removed = p.separator.start..p.value.end;
    if let Err(twice) = placeholder_once(src, &tokens[lit], &name) {
        return Some(Err(twice));
    }
    if args.len() == 1 + skip_first
        && let Some(edits) =
            collapse_format_call(src, tokens, lang, lit, open, skip_first, removed, false)
    {
        return Some(Ok((edits, expr)));
    }
    Some(Ok((
        vec![Edit::delete(argument_with_comma(&args, index))],
        expr,
    )))
}

/// Among a call's `args`, the keyword argument `name=value`: its index and the value's text.
fn keyword_argument(
    src: &[u8],
    tokens: &[Token],
    args: &[Range<usize>],
    name: &str,
) -> Option<(usize, String)> {
    let index = args.iter().position(|a| {
        token_at(tokens, a.start).is_some_and(|n| {
            tokens[n].text(src) == name.as_bytes()
                && next_significant(tokens, n).is_some_and(|eq| {
                    tokens[eq].is_punct(src, "=")
                        && next_significant(tokens, eq)
                            .is_none_or(|v| !tokens[v].is_punct(src, "="))
                })
        })
    })?;
    let value_start = next_significant(tokens, token_at(tokens, args[index].start)?)
        .and_then(|eq| next_significant(tokens, eq))?;
    let expr = String::from_utf8_lossy(&src[tokens[value_start].start()..args[index].end])
        .trim()
        .to_string();
    Some((index, expr))
}

/// Refuses a format string `lit` that names the placeholder `{name}` more than once: the
/// argument still fills the other.
fn placeholder_once(src: &[u8], lit: &Token, name: &str) -> Result<(), String> {
    let opening = format!("{{{name}");
    if memchr::memmem::find_iter(lit.content_text(src), opening.as_bytes()).count() > 1 {
        return Err(format!(
            "`{{{name}}}` is used twice in the format string; remove the parameter and keep the argument by hand"
        ));
    }
    Ok(())
}

/// Python's template held in a name and formatted where that name is read: `URL =
/// "…?apikey={key}"`, then `URL.format(report_id=r, key=k)` with the name at token `read`. The
/// keyword argument that filled the placeholder leaves that call (the whole `.format(…)` when
/// it filled nothing else, the template's doubled braces then unescaped), and its value is
/// the key. `None` when the read is no such call, or passes no such keyword.
pub(crate) fn format_at_read(
    src: &[u8],
    tokens: &[Token],
    lit: usize,
    p: &ApiKeyParam,
    read: usize,
) -> Option<Result<(Vec<Edit>, String), String>> {
    let name = interpolated_expr(std::str::from_utf8(&src[p.value.clone()]).ok()?)
        .filter(|n| n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))?;
    let dot = next_significant(tokens, read).filter(|&d| tokens[d].is_punct(src, "."))?;
    let call = next_significant(tokens, dot).filter(|&c| tokens[c].text(src) == b"format")?;
    let open = next_significant(tokens, call).filter(|&o| tokens[o].is_punct(src, "("))?;
    let close = matching_close(src, tokens, open)?;
    let args = arguments(src, tokens, open);
    let (index, expr) = keyword_argument(src, tokens, &args, &name)?;
    if let Err(twice) = placeholder_once(src, &tokens[lit], &name) {
        return Some(Err(twice));
    }
    if args.len() > 1 {
        return Some(Ok((
            vec![Edit::delete(argument_with_comma(&args, index))],
            expr,
        )));
    }
    // Nothing else to format: the call goes, and the template becomes the text it sent.
    let content = tokens[lit].content();
    let removed = p.separator.start..p.value.end;
    let Some(mut edits) = unescaped(
        src,
        &[content.start..removed.start, removed.end..content.end],
        false,
    ) else {
        return Some(Err(
            "the template keeps a placeholder that `.format(…)` fills from elsewhere".into(),
        ));
    };
    edits.push(Edit::delete(tokens[read].end()..tokens[close].end()));
    Some(Ok((edits, expr)))
}

/// Edits that unescape what a format string keeps once it is a plain literal: in the byte
/// ranges `kept` of it, `{{`/`}}` (or `%%`, for `percent` formats) lose one of their two
/// characters. `None` when a lone `{`, `}` (or `%`) is left: a placeholder still to fill.
fn unescaped(src: &[u8], kept: &[Range<usize>], percent: bool) -> Option<Vec<Edit>> {
    let mut edits = Vec::new();
    for range in kept {
        let mut i = range.start;
        while i < range.end {
            let special = if percent {
                src[i] == b'%'
            } else {
                matches!(src[i], b'{' | b'}')
            };
            if special {
                if i + 1 >= range.end || src[i + 1] != src[i] {
                    return None;
                }
                edits.push(Edit::delete(i..i + 1));
                i += 2;
            } else {
                i += 1;
            }
        }
    }
    Some(edits)
}

/// A JavaScript template literal left with no `${…}` (`` `https://…/m` ``) becomes a string in
/// the quotes the file mostly uses (`'` when it uses none), or the other ones when its text
/// holds that quote: lint rules (`quotes`) reject a template that interpolates nothing. Not for
/// text that would read differently in quotes (a backslash, a line break, both quotes) nor a
/// curl command held in the template, whose header was written for its backticks.
pub(crate) fn quoted_template(
    src: &[u8],
    tokens: &[Token],
    lit: usize,
    removed: &Range<usize>,
    usual_quote: char,
) -> Option<Vec<Edit>> {
    let t = &tokens[lit];
    let content = t.content();
    if src[t.start()] != b'`'
        || t.start() + 1 != content.start
        || in_curl_string(src, tokens, removed.start)
    {
        return None;
    }
    let kept: Vec<u8> = src[content.start..removed.start]
        .iter()
        .chain(&src[removed.end..content.end])
        .copied()
        .collect();
    if memchr::memmem::find(&kept, b"${").is_some()
        || kept
            .iter()
            .any(|b| matches!(b, b'\\' | b'\n' | b'\r' | b'`'))
    {
        return None;
    }
    // Counted once per file (`Layout`): a file of thousands of such requests asks each time.
    let preferred = usual_quote as u8;
    let other = if preferred == b'"' { b'\'' } else { b'"' };
    let quote = [preferred, other].into_iter().find(|q| !kept.contains(q))?;
    let quote = char::from(quote).to_string();
    Some(vec![
        Edit::replace(t.start()..content.start, quote.clone()),
        Edit::replace(content.end..t.end(), quote),
    ])
}

/// A template literal the removal (`removed`, inside it) left with nothing to interpolate,
/// written as the plain literal a reviewer expects: Python `f"…/m"` → `"…/m"`, C# `$"…/m"` →
/// `"…/m"`, Rust `format!("…/m")` → `"…/m".to_string()`, doubled braces unescaped. `None`
/// while a placeholder remains, or for a literal that is none of these.
pub(crate) fn plain_literal(
    src: &[u8],
    tokens: &[Token],
    layout: &std::sync::OnceLock<Layout>,
    lang: &dyn Language,
    lit: usize,
    removed: &Range<usize>,
) -> Option<Vec<Edit>> {
    let content = tokens[lit].content();
    if removed.start < content.start || content.end < removed.end {
        return None;
    }
    if lang.request_style() == crate::lang::RequestStyle::JavaScript {
        let usual_quote = layout
            .get_or_init(|| Layout::of_file(src, tokens))
            .usual_quote();
        return quoted_template(src, tokens, lit, removed, usual_quote);
    }
    let mut edits = unescaped(
        src,
        &[content.start..removed.start, removed.end..content.end],
        false,
    )?;
    match lang.name() {
        // The prefix is a name of its own before the quote (`f`, `rf`, `$`); a raw
        // f-string keeps its `r`.
        name @ ("python" | "csharp") => {
            let prefix = with_prefix(tokens, lit);
            let marker: &[u8] = if name == "python" { b"fF" } else { b"$" };
            let at = tokens[prefix]
                .text(src)
                .iter()
                .position(|b| marker.contains(b))
                .filter(|_| prefix != lit)?;
            let at = tokens[prefix].start() + at;
            edits.push(Edit::delete(at..at + 1));
        }
        "rust" => {
            let open = prev_significant(tokens, lit).filter(|&o| tokens[o].is_punct(src, "("))?;
            let bang = prev_significant(tokens, open).filter(|&b| tokens[b].is_punct(src, "!"))?;
            let name = prev_significant(tokens, bang)
                .filter(|&n| tokens[n].text(src) == b"format")
                .filter(|&n| {
                    prev_significant(tokens, n).is_none_or(|q| !tokens[q].is_punct(src, "::"))
                })?;
            let close = next_significant(tokens, lit).filter(|&c| tokens[c].is_punct(src, ")"))?;
            edits.push(Edit::delete(tokens[name].start()..tokens[lit].start()));
            edits.push(Edit::replace(
                tokens[lit].end()..tokens[close].end(),
                ".to_string()",
            ));
        }
        _ => return None,
    }
    Some(edits)
}

/// Commented-out code (`// format!("…?apikey={}", self.api_key)`): the argument that the
/// positional placeholder of `p` stands for, read from the comment's own code.
pub(crate) fn commented_format_argument(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
) -> Option<String> {
    let placeholder = std::str::from_utf8(&src[p.value.clone()]).ok()?;
    if !is_positional(placeholder) {
        return None;
    }
    let comment = tokens[token_at(tokens, p.value.start)?];
    if comment.kind != TokKind::Comment {
        return None;
    }
    // The comment's text as code: its markers blanked, offsets kept relative to its start.
    let base = comment.start();
    let mut code = src[comment.span()].to_vec();
    let marker = code
        .iter()
        .take_while(|b| matches!(b, b'/' | b'#' | b'*' | b'!' | b'-'))
        .count();
    code[..marker].fill(b' ');
    if code.ends_with(b"*/") {
        let n = code.len();
        code[n - 2..].fill(b' ');
    }
    let code_tokens = lang.tokenize(&code);
    let lit = token_at(&code_tokens, p.value.start - base)
        .filter(|&l| code_tokens[l].kind == TokKind::Str)?;
    let removed = p.separator.start - base..p.value.end - base;
    remove_format_argument(
        &code,
        &code_tokens,
        lang,
        lit,
        p.value.start - base,
        placeholder,
        removed,
    )
    .ok()
    .map(|(_, expr)| expr)
}

/// `string.Format("{0}/m?limit={1}&{2}", url, n, string.Format("apikey={0}", k))`: a literal
/// (`lit`) formatted on its own by a C# `Format` call that is itself one of the values of an
/// enclosing `Format`.
pub(crate) struct NestedFormat {
    /// The enclosing call's `(`.
    pub outer_open: usize,
    /// The inner call: its first token and its `)`.
    inner: (usize, usize),
}

/// The `string.Format`/`String.Format` call whose `(` is `open`: its first token.
fn format_call(src: &[u8], tokens: &[Token], open: usize) -> Option<usize> {
    let name = prev_significant(tokens, open)
        .filter(|&n| tokens[open].is_punct(src, "(") && tokens[n].text(src) == b"Format")?;
    let dot = prev_significant(tokens, name).filter(|&d| tokens[d].is_punct(src, "."))?;
    prev_significant(tokens, dot).filter(|&t| matches!(tokens[t].text(src), b"string" | b"String"))
}

/// The shape of `NestedFormat` around the literal `lit`, when the inner call formats exactly
/// `lit` and one value, and is a whole argument of the enclosing `Format`.
pub(crate) fn nested_format(src: &[u8], tokens: &[Token], lit: usize) -> Option<NestedFormat> {
    // The literal is the call's first argument: the bracket is just before it. Asked first,
    // as the way back to the enclosing bracket crosses the whole file where there is none
    // (a YAML list of thousands of URLs took time growing with its square).
    prev_significant(tokens, lit).filter(|&o| tokens[o].is_punct(src, "("))?;
    let open = enclosing_open(src, tokens, lit)?;
    let start = format_call(src, tokens, open)?;
    let args = arguments(src, tokens, open);
    if args.len() != 2 || args[0] != tokens[lit].span() {
        return None;
    }
    let close = matching_close(src, tokens, open)?;
    let outer_open = enclosing_open(src, tokens, start)?;
    format_call(src, tokens, outer_open)?;
    arguments(src, tokens, outer_open)
        .iter()
        .skip(1)
        .any(|a| *a == (tokens[start].start()..tokens[close].end()))
        .then_some(NestedFormat {
            outer_open,
            inner: (start, close),
        })
}

/// The edits that take a `NestedFormat` parameter out: its placeholder in the enclosing
/// format string with the `&` (or `?`) that joined it, the later placeholders renumbered, and
/// the inner call with the comma before it. The inner literal must hold only the parameter
/// and the enclosing format string be one literal keeping other values; `Err` says what to do
/// by hand otherwise.
fn remove_nested_format(
    src: &[u8],
    tokens: &[Token],
    p: &ApiKeyParam,
    lit: usize,
    nested: &NestedFormat,
) -> Result<(Vec<Edit>, String), String> {
    let (start, close) = nested.inner;
    let call = String::from_utf8_lossy(&src[tokens[start].start()..tokens[close].end()]);
    let outer_args = arguments(src, tokens, nested.outer_open);
    let position = outer_args
        .iter()
        .position(|a| a.start == tokens[start].start())
        .expect("nested_format found it");
    let by_hand = || {
        format!(
            "the parameter is formatted on its own (`{call}`) and passed to the URL's `Format` as its value `{{{}}}`: remove that placeholder and argument, and add the header where the URL is sent",
            position - 1
        )
    };
    let holds_only_the_parameter = tokens[lit].content() == (p.separator.start..p.value.end)
        && src[p.value.clone()] == *b"{0}";
    let outer_lit = token_at(tokens, outer_args[0].start)
        .filter(|&l| tokens[l].kind == TokKind::Str && tokens[l].span() == outer_args[0])
        .filter(|_| holds_only_the_parameter && outer_args.len() > 2)
        .ok_or_else(by_hand)?;
    // The one `{N}` that takes the inner call's text, with the `&` or `?` that joins it.
    let content = tokens[outer_lit].content();
    let text = &src[content.clone()];
    let placeholder = format!("{{{}}}", position - 1);
    let mut found = memchr::memmem::find_iter(text, placeholder.as_bytes())
        .filter(|&i| i == 0 || text[i - 1] != b'{');
    let (Some(at), None) = (found.next(), found.next()) else {
        return Err(by_hand());
    };
    let end = at + placeholder.len();
    let removed = match (at.checked_sub(1).map(|b| text[b]), text.get(end)) {
        (Some(b'&'), None | Some(b'&')) => at - 1..end,
        (Some(b'?'), Some(b'&')) => at..end + 1,
        (Some(b'?'), None) => at - 1..end,
        _ => return Err(by_hand()),
    };
    let removed = content.start + removed.start..content.start + removed.end;
    let mut edits =
        renumbered(src, &tokens[outer_lit], position - 1, &removed).map_err(|_| by_hand())?;
    edits.push(Edit::delete(removed));
    edits.push(Edit::delete(
        outer_args[position - 1].end..outer_args[position].end,
    ));
    let inner_args = arguments(
        src,
        tokens,
        enclosing_open(src, tokens, lit).expect("checked"),
    );
    Ok((
        edits,
        String::from_utf8_lossy(&src[inner_args[1].clone()]).into_owned(),
    ))
}

/// Edits that renumber the placeholders above `{n}` in `literal` (`{2}` → `{1}`, `{3:D}` →
/// `{2:D}`), `{{` escapes skipped; `Err` when `{n}` is used again outside `removed`.
fn renumbered(
    src: &[u8],
    literal: &Token,
    n: usize,
    removed: &Range<usize>,
) -> Result<Vec<Edit>, String> {
    let content = literal.content();
    let bytes = &src[content.clone()];
    let mut edits = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{{") {
            i += 2;
            continue;
        }
        if bytes[i] != b'{' {
            i += 1;
            continue;
        }
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let ends = matches!(bytes.get(i + 1 + digits), Some(b'}' | b':' | b',' | b'!'));
        if digits > 0 && ends {
            let at = content.start + i + 1;
            let m: usize = String::from_utf8_lossy(&bytes[i + 1..i + 1 + digits])
                .parse()
                .map_err(|_| "unreadable placeholder index")?;
            if m == n && !removed.contains(&at) {
                return Err(format!("`{{{n}}}` is used twice in the format string"));
            }
            if m > n {
                edits.push(Edit::replace(at..at + digits, (m - 1).to_string()));
            }
        }
        i += 1 + digits;
    }
    Ok(edits)
}

/// A format call whose only argument was the key (`String.Format("/m?apikey={0}", k)`,
/// `"/m?apikey={}".format(k)`, `fmt.Sprintf("/m?apikey=%s", k)`) becomes its literal
/// (`"/m"`), not a format call with nothing to format, its escapes undone (`%%` → `%` for a
/// `percent` format, `{{` → `{` otherwise). Only when the literal keeps no placeholder and is
/// the call's first argument; in Rust the value stays a `String` (`"/m".to_string()`).
#[allow(clippy::too_many_arguments)]
fn collapse_format_call(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    lit: usize,
    open: usize,
    skip_first: usize,
    removed: Range<usize>,
    percent: bool,
) -> Option<Vec<Edit>> {
    let t = &tokens[lit];
    let mut unescape = unescaped(
        src,
        &[
            t.content().start..removed.start,
            removed.end..t.content().end,
        ],
        percent,
    )?;
    let close = matching_close(src, tokens, open)?;
    if skip_first == 0 {
        // `"…".format(k)`: the call follows the literal.
        unescape.push(Edit::delete(t.end()..tokens[close].end()));
        return Some(unescape);
    }
    // `Name(literal, k)`: the literal must be the first argument, right after `(`.
    if next_significant(tokens, open) != Some(lit) {
        return None;
    }
    // Back over the callee: `String.Format`, `fmt.Sprintf`, `sprintf`, `format!`.
    let mut start = prev_significant(tokens, open)?;
    if tokens[start].is_punct(src, "!") {
        start = prev_significant(tokens, start)?;
    }
    if tokens[start].kind != TokKind::Ident {
        return None;
    }
    while let Some(dot) =
        prev_significant(tokens, start).filter(|&d| matches!(tokens[d].text(src), b"." | b"::"))
    {
        match prev_significant(tokens, dot).filter(|&q| tokens[q].kind == TokKind::Ident) {
            Some(q) => start = q,
            None => return None,
        }
    }
    // Go refuses an unused import: when this was the file's last use of `fmt`, its import
    // line goes too (or, when there is none to take, the call stays).
    if lang.name() == "go"
        && tokens[start].text(src) == b"fmt"
        && fmt_uses(src, tokens).nth(1).is_none()
    {
        unescape.push(Edit::delete(go_import_line(src, tokens, b"\"fmt\"")?));
    }
    let tail = if lang.name() == "rust" {
        ".to_string()"
    } else {
        ""
    };
    unescape.push(Edit::delete(tokens[start].start()..t.start()));
    unescape.push(Edit::replace(t.end()..tokens[close].end(), tail));
    Some(unescape)
}

/// The `fmt` names of a Go file's tokens (its import is a string, not one of them).
fn fmt_uses<'a>(src: &'a [u8], tokens: &'a [Token]) -> impl Iterator<Item = &'a Token> + 'a {
    tokens
        .iter()
        .filter(move |t| t.kind == TokKind::Ident && t.text(src) == b"fmt")
}

/// The `import "fmt"` line of a Go file that fixes left without a use of `fmt` (`before` had
/// some): Go refuses an unused import. Each fix that collapses a `fmt.Sprintf` takes the line
/// when its call was the file's last use, but two such fixes of one pass each saw the other's
/// call and left it.
pub fn fmt_import_left_unused(
    go: &dyn Language,
    before: &[u8],
    after: &[u8],
) -> Option<Range<usize>> {
    memchr::memmem::find(after, b"\"fmt\"")?;
    let after_tokens = go.tokenize(after);
    if fmt_uses(after, &after_tokens).next().is_some() {
        return None;
    }
    let before_tokens = go.tokenize(before);
    fmt_uses(before, &before_tokens).next()?;
    go_import_line(after, &after_tokens, b"\"fmt\"")
}

/// The line importing `path` (quoted) in a Go file, when it is a line of its own: `import
/// "fmt"`, or `"fmt"` in an `import ( … )` block (a trailing comment goes with it).
fn go_import_line(src: &[u8], tokens: &[Token], path: &[u8]) -> Option<Range<usize>> {
    let spec = tokens
        .iter()
        .position(|t| t.kind == TokKind::Str && t.text(src) == path)?;
    let before = prev_significant(tokens, spec)?;
    let first = match tokens[before].text(src) {
        b"import" => before,
        // In a block: the previous spec, or the block's `(`.
        _ if crate::lang::tokens::enclosing_open(src, tokens, spec).is_some_and(|o| {
            tokens[o].is_punct(src, "(")
                && prev_significant(tokens, o).is_some_and(|i| tokens[i].text(src) == b"import")
        }) =>
        {
            spec
        }
        _ => return None,
    };
    let mut lines = crate::request::place::line_of_statement(src, tokens, first, spec)?;
    // A lone `import "fmt"` takes the blank line after it: gofmt keeps no two in a row.
    if first == before {
        let rest = &src[lines.end..];
        let blank = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
            .count();
        if rest.get(blank) == Some(&b'\n') {
            lines.end += blank + 1;
        }
    }
    Some(lines)
}

/// The last token of the postfix expression starting at token `v`: a name followed by any
/// number of `.name`, `(…)` and `[…]`.
fn postfix_end(src: &[u8], tokens: &[Token], v: usize) -> usize {
    let mut last = v;
    while let Some(n) = next_significant(tokens, last) {
        let t = &tokens[n];
        if t.is_punct(src, ".") {
            match next_significant(tokens, n).filter(|&m| tokens[m].kind == TokKind::Ident) {
                Some(m) => last = m,
                None => break,
            }
        } else if t.is_punct(src, "(") || t.is_punct(src, "[") {
            match matching_close(src, tokens, n) {
                Some(c) => last = c,
                None => break,
            }
        } else {
            break;
        }
    }
    last
}

fn highest_numbered(text: &str) -> Option<usize> {
    let mut best = None;
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('{') {
        let rest = &bytes[i + 1..];
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 && rest.get(digits) == Some(&b'}') {
            let n: usize = text[i + 1..i + 1 + digits].parse().unwrap_or(0);
            best = best.max(Some(n));
        }
    }
    best
}

/// How many positional placeholders of the same family come before the end of `text`.
fn count_positional(text: &str, placeholder: &str) -> usize {
    if placeholder.starts_with('%') {
        text.matches('%').count() - 2 * text.matches("%%").count()
    } else {
        text.matches("{}").count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percent_encoding_call_around_the_key_is_not_copied_into_the_header() {
        let value = |e: &str| KeySource::expr(e).as_text();
        assert_eq!(value("encodeURIComponent(apiKey)"), "apiKey");
        assert_eq!(value("urlencode($this->apiKey)"), "$this->apiKey");
        assert_eq!(value("quote(api_key, safe='')"), "api_key");
        assert_eq!(value("urllib.parse.quote_plus(cfg['key'])"), "cfg['key']");
        assert_eq!(value("CGI.escape(@api_key)"), "@api_key");
        assert_eq!(value("System.Net.WebUtility.UrlEncode(_key)"), "_key");
        assert_eq!(value("URLENCODEDFORMAT(variables.key)"), "variables.key");
        // One level only: the server decodes the query once.
        assert_eq!(
            value("encodeURIComponent(encodeURIComponent(k))"),
            "encodeURIComponent(k)"
        );
        // Not one call that is the whole expression, or an encoder whose removal may not
        // compile (an unused Go import, a Java `catch` of an exception no longer thrown).
        for kept in [
            "encodeURIComponent(a) + encodeURIComponent(b)",
            "encodeURIComponent(a)(b)",
            "quote(a) or quote(b)",
            "url.QueryEscape(key)",
            "URLEncoder.encode(apiKey, \"UTF-8\")",
            "myquote(k)",
            "quote()",
        ] {
            assert_eq!(value(kept), kept);
        }
    }

    #[test]
    fn template_expressions() {
        assert_eq!(
            interpolated_expr("${process.env.KEY}"),
            Some("process.env.KEY".into())
        );
        assert_eq!(
            interpolated_expr("{self.api_key}"),
            Some("self.api_key".into())
        );
        assert_eq!(interpolated_expr("#{@api_key}"), Some("@api_key".into()));
        assert_eq!(interpolated_expr("{0}"), None);
        assert_eq!(interpolated_expr("{}"), None);
        assert_eq!(interpolated_expr("{{apikey}}"), None);
        assert!(is_positional("{1}") && is_positional("%s") && is_positional("{}"));
    }

    #[test]
    fn counts_placeholders_before_the_key() {
        assert_eq!(count_positional("/w/{}/m?apikey=", "{}"), 1);
        assert_eq!(count_positional("%s/m?apikey=", "%s"), 1);
        assert_eq!(highest_numbered("{0}/m?apikey={1}"), Some(1));
    }

    /// The removal of the file's first `apikey` parameter, or why it is refused.
    fn removal(name: &str, src: &str) -> Result<Removal, String> {
        let file =
            crate::source::SourceFile::new(name.into(), name.into(), src.as_bytes().to_vec());
        let lang = crate::lang::for_file_name(name);
        let facts = crate::detect::analyze(&file, lang);
        remove_param(
            src.as_bytes(),
            &facts.tokens,
            &facts.layout,
            lang,
            &facts.params[0],
        )
    }

    /// The file with its only `apikey` parameter removed (the key's own edits, no header).
    fn removed(name: &str, src: &str) -> String {
        let file =
            crate::source::SourceFile::new(name.into(), name.into(), src.as_bytes().to_vec());
        let facts = crate::detect::analyze(&file, crate::lang::for_file_name(name));
        assert_eq!(facts.params.len(), 1, "one parameter in {src}");
        let mut edits = removal(name, src).unwrap_or_else(|e| panic!("{e}")).edits;
        edits.sort_by_key(|e| e.range.start);
        let mut out = src.to_string();
        for e in edits.iter().rev() {
            out.replace_range(e.range.clone(), &e.content);
        }
        out
    }

    #[test]
    fn a_literal_that_held_only_the_parameter_goes_with_its_operator() {
        assert_eq!(
            removed(
                "a.ts",
                "// whispir\nconst url =\n  BASE +\n  `/m/${id}` +\n  `?apikey=${key}`;\n"
            ),
            "// whispir\nconst url =\n  BASE +\n  `/m/${id}`;\n"
        );
        assert_eq!(
            removed("a.py", "# whispir\nurl = BASE + f\"?apikey={key}\"\n"),
            "# whispir\nurl = BASE\n"
        );
    }

    #[test]
    fn an_operand_on_a_continuation_line_goes_with_the_line_break_unless_a_comment_ends_the_line_above()
     {
        let java = |first_line_end: &str| {
            format!(
                "class A {{ // whispir\n  String u(String k) {{\n    String url = \"https://api.au.whispir.com/x\"{first_line_end}\n        + \"?apikey=\" + k; // two\n    return url;\n  }}\n}}\n"
            )
        };
        assert_eq!(
            removed("A.java", &java("")),
            "class A { // whispir\n  String u(String k) {\n    String url = \"https://api.au.whispir.com/x\"; // two\n    return url;\n  }\n}\n"
        );
        // Before: the `;` was left at the start of its line, its indentation taken.
        assert_eq!(
            removed("A.java", &java(" // one")),
            "class A { // whispir\n  String u(String k) {\n    String url = \"https://api.au.whispir.com/x\" // one\n        ; // two\n    return url;\n  }\n}\n"
        );
    }

    #[test]
    fn a_ruby_append_left_with_nothing_to_append_goes_with_its_line() {
        assert_eq!(
            removed(
                "a.rb",
                "# whispir\nurl = +BASE\nurl << '?apikey=' << key # note\nget(url)\n"
            ),
            "# whispir\nurl = +BASE\nget(url)\n"
        );
        // More appended after the key: only the key's operands go.
        assert_eq!(
            removed(
                "a.rb",
                "# whispir\nurl = +BASE\nurl << '?a=1&apikey=' << key << '&b=2'\nget(url)\n"
            ),
            "# whispir\nurl = +BASE\nurl << '?a=1&b=2'\nget(url)\n"
        );
    }

    #[test]
    fn literals_around_the_key_join_into_one() {
        assert_eq!(
            removed(
                "a.js",
                "get(base + 'https://api.au.whispir.com/m?apikey=' + key + '&limit=10')"
            ),
            "get(base + 'https://api.au.whispir.com/m?limit=10')"
        );
        assert_eq!(
            removed(
                "A.java",
                "get(BASE + \"https://api.au.whispir.com/m?a=1&apikey=\" + key + \"&b=2\");"
            ),
            "get(BASE + \"https://api.au.whispir.com/m?a=1&b=2\");"
        );
        // Different quotes join when the second literal's text means the same in the first's.
        assert_eq!(
            removed(
                "a.py",
                "get(BASE + 'https://api.au.whispir.com/m?apikey=' + key + \"&b=2\")"
            ),
            "get(BASE + 'https://api.au.whispir.com/m?b=2')"
        );
        assert_eq!(
            removed(
                "a.php",
                "<?php\nget('https://api.au.whispir.com/m?apikey=' . $key . \"&b=$n\");"
            ),
            "<?php\nget('https://api.au.whispir.com/m' . \"?b=$n\");"
        );
        // The parameter in a literal of its own: the literals around it join.
        assert_eq!(
            removed(
                "a.js",
                "get('https://api.au.whispir.com/m' + '?apikey=' + key + '&limit=10')"
            ),
            "get('https://api.au.whispir.com/m?limit=10')"
        );
        assert_eq!(
            removed(
                "a.php",
                "<?php\n// whispir\nget(BASE . '/m?a=1' . '&apikey=' . $key . '&b=2');"
            ),
            "<?php\n// whispir\nget(BASE . '/m?a=1&b=2');"
        );
        // A prefix keeps them apart.
        assert_eq!(
            removed(
                "a.py",
                "get(BASE + 'https://api.au.whispir.com/m?a=1&apikey=' + key + f\"&b={n}\")"
            ),
            "get(BASE + 'https://api.au.whispir.com/m?a=1' + f\"&b={n}\")"
        );
    }

    #[test]
    fn a_constant_ending_with_the_parameter_says_where_the_key_goes() {
        let refused = |name: &str, src: &str| {
            removal(name, src)
                .err()
                .unwrap_or_else(|| panic!("removed: {src}"))
        };
        for (name, src, binding) in [
            (
                "A.java",
                "// Whispir\nclass A {\n    static final String API_EXT = \"?apikey=\"; // key\n}\n",
                "API_EXT",
            ),
            (
                "a.go",
                "// Whispir\nconst (\n\tkeyParam = \"?apikey=\" // key\n)\n",
                "keyParam",
            ),
        ] {
            let help = refused(name, src);
            assert!(
                help.starts_with(crate::request::place::INSTEAD)
                    && help.contains(&format!("where `{binding}` is read"))
                    && help.contains(&format!("drop `?apikey=` from `{binding}` here")),
                "{help}"
            );
        }
        // A Kotlin named argument is no binding.
        let help = refused("a.kt", "// Whispir\nval r = get(path = \"?apikey=\")\n");
        assert!(!help.starts_with(crate::request::place::INSTEAD), "{help}");
    }

    #[test]
    fn a_parameter_formatted_on_its_own_leaves_the_enclosing_format() {
        let head = "// Whispir\nvar u = string.Format(";
        for (args, left) in [
            // `&{3}` goes with the argument that filled it.
            (
                "\"{0}/w/{1}/c?limit={2}&{3}\",\n    _base, id, n,\n    string.Format(\"apikey={0}\", _key));",
                "\"{0}/w/{1}/c?limit={2}\",\n    _base, id, n);",
            ),
            // Not the last placeholder: the later ones are renumbered.
            (
                "\"{0}/c?{1}&limit={2}\", _base, String.Format(\"apikey={0}\", _key), n);",
                "\"{0}/c?limit={1}\", _base, n);",
            ),
            // The query's only value: its `?` goes too.
            (
                "\"{0}/c/{1}?{2}\", _base, id, string.Format(\"apikey={0}\", _key));",
                "\"{0}/c/{1}\", _base, id);",
            ),
        ] {
            assert_eq!(
                removed("A.cs", &format!("{head}{args}")),
                format!("{head}{left}"),
                "{args}"
            );
        }
        // More than the key in the inner literal, the placeholder twice or joined to other
        // text, nothing else to format: by hand, saying how.
        for args in [
            "\"{0}/c?limit={1}&{2}\", _base, n, string.Format(\"apikey={0}&x=1\", _key));",
            "\"{0}/c?limit={1}&{2}&{2}\", _base, n, string.Format(\"apikey={0}\", _key));",
            "\"{0}/c?limit={1}{2}\", _base, n, string.Format(\"apikey={0}\", _key));",
            "\"https://api.au.whispir.com/c?{0}\", string.Format(\"apikey={0}\", _key));",
        ] {
            let why = removal("A.cs", &format!("{head}{args}"))
                .err()
                .unwrap_or_else(|| panic!("removed: {args}"));
            assert!(why.contains("formatted on its own"), "{why}");
        }
    }

    #[test]
    fn a_format_call_left_with_nothing_to_format_becomes_its_literal() {
        assert_eq!(
            removed(
                "A.cs",
                "var u = _base + String.Format(\"https://api.au.whispir.com/m?apikey={0}\", _key);"
            ),
            "var u = _base + \"https://api.au.whispir.com/m\";"
        );
        assert_eq!(
            removed(
                "a.py",
                "u = BASE + 'https://api.au.whispir.com/m?apikey={}'.format(key)\n"
            ),
            "u = BASE + 'https://api.au.whispir.com/m'\n"
        );
        assert_eq!(
            removed(
                "a.py",
                "u = 'https://api.au.whispir.com/m?apikey=%s' % self.cfg['key'] + '&x=1'\n"
            ),
            "u = 'https://api.au.whispir.com/m' + '&x=1'\n"
        );
        assert_eq!(
            removed(
                "a.rs",
                "let u = format!(\"https://api.au.whispir.com/m?apikey={}\", key);"
            ),
            "let u = \"https://api.au.whispir.com/m\".to_string();"
        );
        assert_eq!(
            removed(
                "a.go",
                "u := base + fmt.Sprintf(\"https://api.au.whispir.com/m?apikey=%s\", k)\nfmt.Println(u)\n"
            ),
            "u := base + \"https://api.au.whispir.com/m\"\nfmt.Println(u)\n"
        );
        // Escapes are undone in the literal left: `%%` in a `%` format, `{{` in a `{}` one
        // (where `%` is plain text).
        assert_eq!(
            removed(
                "a.py",
                "u = 'https://api.au.whispir.com/m?apikey=%s&pct=100%%' % (key,)\n"
            ),
            "u = 'https://api.au.whispir.com/m?pct=100%'\n"
        );
        assert_eq!(
            removed(
                "A.java",
                "String u = String.format(\"https://api.au.whispir.com/m?q=100%%&apikey=%s\", k);"
            ),
            "String u = \"https://api.au.whispir.com/m?q=100%\";"
        );
        assert_eq!(
            removed(
                "A.cs",
                "var u = String.Format(\"https://api.au.whispir.com/m/{{x}}/%20?apikey={0}\", k);"
            ),
            "var u = \"https://api.au.whispir.com/m/{x}/%20\";"
        );
        assert_eq!(
            removed(
                "a.rs",
                "let u = format!(\"https://api.au.whispir.com/m/{{x}}?apikey={}\", key);"
            ),
            "let u = \"https://api.au.whispir.com/m/{x}\".to_string();"
        );
        // Go's `fmt`, used there alone, loses its import too; with no import line to take,
        // the call stays. A lone brace is no escape; other arguments remain.
        assert_eq!(
            removed(
                "a.go",
                "import (\n\t\"fmt\" // printing\n\t\"net/http\"\n)\n\nu := base + fmt.Sprintf(\"https://api.au.whispir.com/m?apikey=%s\", k)\n"
            ),
            "import (\n\t\"net/http\"\n)\n\nu := base + \"https://api.au.whispir.com/m\"\n"
        );
        assert_eq!(
            removed(
                "a.go",
                "import \"fmt\"\n\nu := base + fmt.Sprintf(\"https://api.au.whispir.com/m?apikey=%s\", k)\n"
            ),
            "u := base + \"https://api.au.whispir.com/m\"\n"
        );
        assert_eq!(
            removed(
                "a.go",
                "u := base + fmt.Sprintf(\"https://api.au.whispir.com/m?apikey=%s\", k)\n"
            ),
            "u := base + fmt.Sprintf(\"https://api.au.whispir.com/m\")\n"
        );
        assert_eq!(
            removed(
                "A.cs",
                "var u = String.Format(\"https://api.au.whispir.com/m/{x}}?apikey={0}\", k);"
            ),
            "var u = String.Format(\"https://api.au.whispir.com/m/{x}}\");"
        );
        assert_eq!(
            removed(
                "A.java",
                "String u = String.format(\"https://api.au.whispir.com/w/%s/m?apikey=%s\", w, k);"
            ),
            "String u = String.format(\"https://api.au.whispir.com/w/%s/m\", w);"
        );
    }

    #[test]
    fn a_template_left_with_nothing_to_interpolate_becomes_a_plain_literal() {
        for (name, src, left) in [
            (
                "a.py",
                "u = f\"https://api.au.whispir.com/m?apikey={key}\"\n",
                "u = \"https://api.au.whispir.com/m\"\n",
            ),
            (
                "a.py",
                "u = rf'https://api.au.whispir.com/m/{{x}}?apikey={key}'\n",
                "u = r'https://api.au.whispir.com/m/{x}'\n",
            ),
            (
                "A.cs",
                "var u = $\"https://api.au.whispir.com/m?apikey={key}\";",
                "var u = \"https://api.au.whispir.com/m\";",
            ),
            (
                "a.rs",
                "let u = format!(\"https://api.au.whispir.com/m/{{x}}?apikey={key}\");",
                "let u = \"https://api.au.whispir.com/m/{x}\".to_string();",
            ),
            // JavaScript: the file's quotes, the other ones when the text holds them.
            (
                "a.js",
                "const u = `https://api.au.whispir.com/m?apikey=${key}`;",
                "const u = 'https://api.au.whispir.com/m';",
            ),
            (
                "a.ts",
                "const a = \"x\";\nconst u = `https://api.au.whispir.com/m/{x}?apikey=${key}`;",
                "const a = \"x\";\nconst u = \"https://api.au.whispir.com/m/{x}\";",
            ),
            (
                "a.js",
                "const u = `https://api.au.whispir.com/m/it's?apikey=${key}`;",
                "const u = \"https://api.au.whispir.com/m/it's\";",
            ),
            (
                "a.js",
                "const u = `https://api.au.whispir.com/${w}?apikey=${key}`;",
                "const u = `https://api.au.whispir.com/${w}`;",
            ),
            // A placeholder left: still a template.
            (
                "a.py",
                "u = f\"https://api.au.whispir.com/{w}?apikey={key}\"\n",
                "u = f\"https://api.au.whispir.com/{w}\"\n",
            ),
            (
                "a.rs",
                "let u = format!(\"https://api.au.whispir.com/{w}?apikey={key}\");",
                "let u = format!(\"https://api.au.whispir.com/{w}\");",
            ),
        ] {
            assert_eq!(removed(name, src), left, "{src}");
        }
    }

    #[test]
    fn a_named_placeholder_goes_with_its_keyword_argument() {
        for (name, src, left, key) in [
            (
                "a.py",
                "u = 'https://api.au.whispir.com/m?apikey={k}'.format(k=self.key)\n",
                "u = 'https://api.au.whispir.com/m'\n",
                "self.key",
            ),
            (
                "a.py",
                "u = 'https://api.au.whispir.com/{w}?apikey={k}'.format(w=ws, k=cfg['key'])\n",
                "u = 'https://api.au.whispir.com/{w}'.format(w=ws)\n",
                "cfg['key']",
            ),
            (
                "a.rs",
                "let u = format!(\"https://api.au.whispir.com/m?apikey={k}\", k = self.key);",
                "let u = \"https://api.au.whispir.com/m\".to_string();",
                "self.key",
            ),
            (
                "a.rs",
                "let u = format!(\"https://api.au.whispir.com/{w}?apikey={k}\", k = self.key, w = ws);",
                "let u = format!(\"https://api.au.whispir.com/{w}\", w = ws);",
                "self.key",
            ),
        ] {
            assert_eq!(removed(name, src), left, "{src}");
            assert_eq!(
                removal(name, src).ok().map(|r| r.key),
                Some(KeySource::expr(key))
            );
        }
    }

    #[test]
    fn a_curl_data_option_left_empty_goes_whole() {
        let url = "https://api.au.whispir.com/m";
        for (command, left) in [
            // The `-G` goes too when no other data is sent.
            (
                format!("curl -G --data-urlencode \"apikey=$KEY\" {url}"),
                format!("curl {url}"),
            ),
            (
                format!("curl --get --data-urlencode='apikey=${{KEY}}' {url}"),
                format!("curl {url}"),
            ),
            (
                format!("curl -sGf --data-urlencode \"apikey=$KEY\" {url}"),
                format!("curl -sf {url}"),
            ),
            (
                format!("curl -XGET --data-urlencode \"apikey=$KEY\" {url}"),
                format!("curl -XGET {url}"),
            ),
            (
                format!("curl -G --data-urlencode \"apikey=$KEY\" -d limit=10 {url}"),
                format!("curl -G -d limit=10 {url}"),
            ),
            // Other data in the same value: only the parameter and its `&`.
            (
                format!("curl -G -d \"apikey=$KEY&limit=10\" {url}"),
                format!("curl -G -d \"limit=10\" {url}"),
            ),
        ] {
            assert_eq!(
                removed("a.sh", &format!("# whispir\n{command}\n")),
                format!("# whispir\n{left}\n"),
                "{command}"
            );
        }
    }
}
