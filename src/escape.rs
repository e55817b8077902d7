//! Control characters in file names and file text are shown escaped in everything meant for
//! a terminal or a line-oriented reader: an `ESC` sequence in a file name must not clear the
//! screen, a newline in one must not forge a finding line. Like `char::escape_debug`, but
//! only for the characters that act on a terminal or break a line (quotes and backslashes
//! stay as they are written).

use std::borrow::Cow;

/// Characters shown escaped: C0 and C1 controls, DEL, the line and paragraph separators and
/// the bidirectional overrides ("Trojan source").
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// One line of output (a path, a message): every unsafe character escaped, `\n` and `\t`
/// included.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One character of multi-line file text: line breaks and tabs stay, the rest is escaped.
pub fn push_text_char(out: &mut String, c: char) {
    if is_unsafe(c) && c != '\n' && c != '\t' {
        push_escaped(out, c);
    } else {
        out.push(c);
    }
}

/// Multi-line file text: line breaks (`\n`, `\r\n`) and tabs stay, the rest is escaped.
pub fn text(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let lone_cr = memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'));
    if !lone_cr
        && !s
            .chars()
            .any(|c| is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else {
            push_text_char(&mut out, c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_acts_on_a_terminal() {
        assert_eq!(line("a\x1b]0;t\x07b"), "a\\x1b]0;t\\x07b");
        assert_eq!(line("x\ny.js:1:1: WM001"), "x\\ny.js:1:1: WM001");
        assert_eq!(line("tab\there \u{202e}"), "tab\\there \\u{202e}");
        assert_eq!(line("plain \"quoted\" \\path"), "plain \"quoted\" \\path");
        assert!(matches!(line("plain"), Cow::Borrowed(_)));
        assert_eq!(text("a\r\nb\tc\x1b[2J\rd\n"), "a\r\nb\tc\\x1b[2J\\rd\n");
        assert_eq!(text("\u{85}"), "\\u{85}");
    }
}
