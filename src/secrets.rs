//! Telling a real-looking key from a placeholder, finding credentials in a file, and
//! redacting them before anything is printed.

use regex::bytes::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// What sits where a key value should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// Nothing in this piece of text: the value is appended by the surrounding expression.
    Absent,
    /// A template or interpolation (`${KEY}`, `{0}`, `%s`, `#{@key}`, `{{apikey}}`, `$KEY`).
    Interpolated,
    /// A documentation placeholder (`YOUR_API_KEY`, `<key>`, `xxxxxxxx`).
    Placeholder,
    /// A literal value that looks like a real key.
    Literal,
}

static PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "apikey",
    "api_key",
    "api-key",
    "xxxx",
    "replace",
    "changeme",
    "change_me",
    "example",
    "dummy",
    "placeholder",
    "insert",
    "redacted",
    "secret",
    "sample",
    "mykey",
    "my_key",
    "todo",
    "fixme",
    "here",
    "enter",
    "key_goes",
    "****",
    "....",
    "…",
];

/// Classifies the text found where a key value goes.
pub fn classify_value(value: &[u8]) -> ValueKind {
    let v = trim_quotes(value);
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

fn trim_quotes(v: &[u8]) -> &[u8] {
    let v = v.trim_ascii();
    v.strip_suffix(b"\\").unwrap_or(v)
}

fn is_interpolation(v: &[u8]) -> bool {
    let text = String::from_utf8_lossy(v);
    text.contains("${")
        || text.contains("#{")
        || text.contains("{{")
        || text.starts_with('{')
        || text.starts_with('$')
        || text.starts_with('%')
        || text.starts_with('#')
        || text.starts_with('@')
        || text.starts_with('(')
        || text.contains("\" +")
        || text.contains("' +")
        || text.contains("\" .")
        || text.contains("' .")
}

/// A placeholder is short, wrapped in `<…>`/`[…]`, or contains a word such as `YOUR`.
pub fn is_placeholder(v: &[u8]) -> bool {
    let text = String::from_utf8_lossy(v).to_ascii_lowercase();
    if text.len() < 12 {
        return true;
    }
    if text.starts_with('<') || text.starts_with('[') || text.starts_with('*') {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| text.contains(w)) {
        return true;
    }
    if !text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return true;
    }
    // Generated keys mix in digits; a word such as `InnerHandler` is a name, not a key.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    let first = text.as_bytes()[0];
    if text.bytes().all(|b| b == first) {
        return true;
    }
    false
}

/// The redacted form of a secret: its first four characters, then `…`.
pub fn redact(secret: &str) -> String {
    let head: String = secret.chars().take(4).collect();
    format!("{head}…")
}

static CREDENTIAL_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // Authorization: Basic <base64>
        r"(?i)\bbasic[ \t]+([A-Za-z0-9+/]{8,}={0,2})",
        // apikey=…, api_key: "…", "x-api-key": "…", X-Api-Key: …
        r#"(?i)(?:x-api-key|api[_-]?key)["']?\s*(?:[:=]|=>)\s*["']?([A-Za-z0-9_\-]{12,})"#,
    ]
    .iter()
    .map(|p| Regex::new(p).expect("valid pattern"))
    .collect()
});

/// Byte ranges of credential-looking values anywhere in `bytes` (placeholders excluded).
pub fn find_credentials(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (i, re) in CREDENTIAL_PATTERNS.iter().enumerate() {
        // Base64 of Basic credentials never looks like a key; it is always a credential.
        let always = i == 0;
        for caps in re.captures_iter(bytes) {
            if let Some(m) = caps
                .get(1)
                .filter(|m| always || classify_value(m.as_bytes()) == ValueKind::Literal)
            {
                out.push(m.range());
            }
        }
    }
    out
}

/// Applies redaction to `text`, whose first byte is at `offset` in the file.
/// `secrets` are file byte ranges.
pub fn redact_bytes(text: &[u8], offset: usize, secrets: &[Range<usize>]) -> String {
    redact_with_map(text, offset, secrets).0
}

/// Decodes `text` (lossily) with every secret replaced by its redacted form and returns the
/// display string plus, for each input byte offset `i` (0..=len), the display byte offset
/// of the character containing it, so spans can be mapped onto the display string.
pub fn redact_with_map(
    text: &[u8],
    offset: usize,
    secrets: &[Range<usize>],
) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = vec![0; text.len() + 1];
    let mut i = 0;
    while i < text.len() {
        let abs = offset + i;
        if let Some(s) = secrets.iter().find(|s| s.start == abs && s.end > abs) {
            let end = (s.end - offset).min(text.len());
            let secret = String::from_utf8_lossy(&text[i..end]);
            for m in map.iter_mut().take(end).skip(i) {
                *m = out.len();
            }
            out.push_str(&redact(&secret));
            i = end;
            continue;
        }
        let (ch, len) = decode_one(&text[i..]);
        for m in map.iter_mut().skip(i).take(len) {
            *m = out.len();
        }
        out.push(ch);
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

    #[test]
    fn value_kinds() {
        assert_eq!(classify_value(b""), ValueKind::Absent);
        assert_eq!(
            classify_value(b"${process.env.KEY}"),
            ValueKind::Interpolated
        );
        assert_eq!(classify_value(b"{0}"), ValueKind::Interpolated);
        assert_eq!(classify_value(b"%s"), ValueKind::Interpolated);
        assert_eq!(classify_value(b"#{@api_key}"), ValueKind::Interpolated);
        assert_eq!(classify_value(b"{{apikey}}"), ValueKind::Interpolated);
        assert_eq!(classify_value(b"$WHISPIR_API_KEY"), ValueKind::Interpolated);
        assert_eq!(classify_value(b"#getApiKey()#"), ValueKind::Interpolated);
        for p in [
            "YOUR_API_KEY",
            "<apikey>",
            "[your_api_key]",
            "xxxxxxxxxxxxxxxx",
            "abc123",
            "REPLACE_ME",
            "changeme",
            "demo1234",
            "YOUR-API-KEY",
            "YOUR_API_KEY_HERE",
        ] {
            assert_eq!(classify_value(p.as_bytes()), ValueKind::Placeholder, "{p}");
        }
        for k in [
            "9f86d081884c7d659a2feaa0c55ad015",
            "K7pQ2mX9vR4tY8wZ3nB6cD5f",
        ] {
            assert_eq!(classify_value(k.as_bytes()), ValueKind::Literal, "{k}");
        }
    }

    #[test]
    fn redaction_keeps_four_characters() {
        assert_eq!(redact("9f86d081884c7d659a2feaa0c55ad015"), "9f86…");
        let text = b"key=9f86d081884c7d659a2feaa0c55ad015&x=1";
        let secret = 104..136;
        let (shown, map) = redact_with_map(text, 100, std::slice::from_ref(&secret));
        assert_eq!(shown, "key=9f86…&x=1");
        assert_eq!(map[36], "key=9f86…".len());
    }

    #[test]
    fn credentials_found() {
        let text = b"Authorization: Basic dXNlcjpwYXNzd29yZA==\nx-api-key: 9f86d081884c7d659a2feaa0c55ad015\napikey=YOUR_API_KEY_HERE";
        let found = find_credentials(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].clone()], b"dXNlcjpwYXNzd29yZA==");
    }
}
