//! Query surgery: removing the `apikey` parameter from a URL wherever it sits, and finding
//! the expression that held its value.
//!
//! `?apikey=K&a=1` → `?a=1`;  `?a=1&apikey=K` → `?a=1`;  `…/m?apikey=K` → `…/m`;
//! `'…/m?apikey=' + key` → `'…/m'` (the operand `key` becomes the header value);
//! `"…?apikey={}".format(key)` → `"…".format()` minus the argument that fed it.

use crate::detect::ApiKeyParam;
use crate::diagnostic::Edit;
use crate::lang::tokens::{
    arguments, enclosing_open, next_significant, prev_significant, token_at,
};
use crate::lang::{Language, TokKind, Token};
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
}

pub struct Removal {
    pub edits: Vec<Edit>,
    pub key: KeySource,
    /// The edits already put the header in place (Rust `.query(…)` → `.header(…)`).
    pub placed: bool,
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

fn is_php_variable(value: &str) -> bool {
    value
        .strip_prefix('$')
        .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

fn is_positional(value: &str) -> bool {
    matches!(value, "%s" | "%v" | "%d" | "{}" | "%@")
        || (value.starts_with('{')
            && value.ends_with('}')
            && value[1..value.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_digit())
            && value.len() > 2)
}

/// Edits that remove `p` from the URL text it sits in, and where its value comes from.
/// `Err` explains why the removal is not safe (the caller reports it as manual).
pub fn remove_param(
    src: &[u8],
    tokens: &[Token],
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
    match (&after, first) {
        // `?apikey=K&a=1` → `?a=1`
        (Some(next), true) => edits.push(Edit::delete(p.name.start..next.end)),
        // `&apikey=K` anywhere, or `?apikey=K` at the end.
        _ => edits.push(Edit::delete(p.separator.start..p.value.end)),
    }
    // 2. Where the value came from.
    let key = match p.value_kind {
        ValueKind::Literal | ValueKind::Placeholder => KeySource::Literal(value_text.clone()),
        ValueKind::Interpolated => match literal.filter(|_| lang_has_code(lang)) {
            None => KeySource::Template(value_text.clone()),
            // PHP's `"…?apikey=$key"`: the variable is the expression.
            Some(_) if lang.name() == "php" && is_php_variable(&value_text) => {
                KeySource::Expr(value_text.clone())
            }
            Some(_) if interpolated_expr(&value_text).is_some() => {
                KeySource::Expr(interpolated_expr(&value_text).expect("checked"))
            }
            Some(lit) if is_positional(&value_text) => {
                let (arg_edit, expr) =
                    remove_format_argument(src, tokens, lit, p.value.start, &value_text)?;
                edits.push(arg_edit);
                KeySource::Expr(expr)
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
            if p.value.end != tokens[lit].content.end {
                return Err("the key value is not written next to the parameter".into());
            }
            let (tail_edits, expr) =
                remove_appended_operand(src, tokens, lang, lit, first && after.is_none())?;
            // A literal that was only `?apikey=` goes away with its operator.
            if tokens[lit].content.start == p.separator.start
                && tail_edits
                    .iter()
                    .all(|e| e.range.start >= tokens[lit].span.end)
                && let Some(op) =
                    prev_significant(tokens, lit).filter(|&o| is_concat(src, lang, &tokens[o]))
            {
                edits.clear();
                edits.push(Edit::delete(
                    whitespace_before(src, tokens[op].span.start)..tokens[lit].span.end,
                ));
            }
            edits.extend(tail_edits);
            KeySource::Expr(expr)
        }
    };
    Ok(Removal {
        edits,
        key,
        placed: false,
    })
}

fn lang_has_code(lang: &dyn Language) -> bool {
    !matches!(
        lang.name(),
        "shell" | "yaml" | "config" | "json" | "markdown" | "markup" | "text"
    )
}

fn is_concat(src: &[u8], lang: &dyn Language, t: &Token) -> bool {
    t.kind == TokKind::Punct
        && lang
            .concat_operators()
            .iter()
            .any(|op| t.text(src) == op.as_bytes())
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
                b"," | b";" if depth == 0 => break,
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
    let expr =
        String::from_utf8_lossy(&src[tokens[start].span.start..tokens[end].span.end]).into_owned();
    let mut edits = vec![Edit::delete(tokens[lit].span.end..tokens[end].span.end)];
    // What follows the key operand?
    if let Some(more) = (end + 1 < tokens.len())
        .then(|| next_significant(tokens, end))
        .flatten()
        .filter(|&m| is_concat(src, lang, &tokens[m]))
    {
        let next =
            next_significant(tokens, more).ok_or("the expression ends after the operator")?;
        let t = &tokens[next];
        if promote_next {
            if t.kind == TokKind::Str && src.get(t.content.start) == Some(&b'&') {
                edits.push(Edit::replace(t.content.start..t.content.start + 1, "?"));
            } else {
                return Err("the rest of the query is appended by another expression; its first `&` must become `?`".into());
            }
        }
    }
    Ok((edits, expr))
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
        && memchr::memchr(
            b'\n',
            &src[last.span.end..next.span.start.max(last.span.end)],
        )
        .is_some()
}

/// Removes the format argument that fed a positional placeholder (`{}`, `{0}`, `%s`) at
/// `at` inside string token `lit`, in `"…".format(…)`, `String.Format("…", …)`,
/// `fmt.Sprintf("…", …)`, `format!("…", …)` or `"…" % (…)`.
fn remove_format_argument(
    src: &[u8],
    tokens: &[Token],
    lit: usize,
    at: usize,
    placeholder: &str,
) -> Result<(Edit, String), String> {
    let content = &src[tokens[lit].content.start..at];
    let text = String::from_utf8_lossy(content);
    let index = if let Some(n) = placeholder
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .filter(|n| !n.is_empty())
    {
        let n: usize = n.parse().map_err(|_| "unreadable placeholder index")?;
        // Removing a numbered argument renumbers the later ones: only safe for the last.
        let highest = highest_numbered(&String::from_utf8_lossy(tokens[lit].content_text(src)));
        if Some(n) != highest {
            return Err(format!(
                "`{placeholder}` is not the last numbered argument; removing it would renumber the others"
            ));
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
                // `"…?apikey=%s" % key` → `"…"`
                let expr = String::from_utf8_lossy(tokens[operand].text(src)).into_owned();
                return Ok((
                    Edit::delete(tokens[lit].span.end..tokens[operand].span.end),
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
    // Delete the argument with the comma before it (or after it, for the first).
    let range = if index + skip_first > 0 {
        let prev = &args[index + skip_first - 1];
        prev.end..arg.end
    } else if let Some(next) = args.get(1) {
        arg.start..next.start
    } else {
        arg.clone()
    };
    Ok((Edit::delete(range), expr))
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
}
