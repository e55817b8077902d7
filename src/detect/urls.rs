//! Language-independent scan of the raw bytes for Whispir host names and the URLs around
//! them. This catches every shape where host and query sit in one run of text: string
//! literals, comments, config values, docs, curl lines, XML attributes.

use super::{ApiKeyParam, HostUse, ParamShape, Target};
use crate::hosts::{self, HostKind};
use crate::secrets::classify_value;
use std::ops::Range;
use std::sync::LazyLock;

/// `whispir` in any ASCII case. This search runs over every byte of every file and decides
/// whether anything else runs, so it is the hot loop of a check. It looks for the eight case
/// spellings of `spi`, the middle of the word, at once with a SIMD multi-literal search
/// (Teddy) and confirms the word around each hit. Three bytes in eight spellings search about
/// twice as fast as what the regex engine builds for the whole word (all spellings of a
/// four-byte prefix): 6 against 2.6 GB/s over the 20 000-file corpus in memory, one thread.
static SPI: LazyLock<aho_corasick::packed::Searcher> = LazyLock::new(|| {
    let spellings = (0..8u8).map(|upper| {
        let mut spi = *b"spi";
        for (i, b) in spi.iter_mut().enumerate() {
            if upper >> i & 1 == 1 {
                b.make_ascii_uppercase();
            }
        }
        spi
    });
    aho_corasick::packed::Searcher::new(spellings).expect("eight three-byte literals")
});

/// Where `spi` sits in `whispir`.
const SPI_AT: usize = 3;

/// Fast prefilter: can this file say anything about Whispir at all?
pub fn mentions_whispir(bytes: &[u8]) -> bool {
    whispir_offsets(bytes).next().is_some()
}

/// Every `whispir` (any ASCII case) in `bytes`, in order, not overlapping.
pub fn whispir_offsets(bytes: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(m) = SPI.find(bytes.get(from..)?) {
            let spi = from + m.start();
            from = spi + 1;
            let Some(start) = spi.checked_sub(SPI_AT) else {
                continue;
            };
            let word = start..start + b"whispir".len();
            if bytes
                .get(word.clone())
                .is_some_and(|w| w.eq_ignore_ascii_case(b"whispir"))
            {
                from = word.end;
                return Some(word);
            }
        }
        None
    })
}

fn is_host_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

fn ends_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[hay.len() - needle.len()..].eq_ignore_ascii_case(needle)
}

/// Finds every host name ending in `whispir.com` / `whispir.it` on a host boundary.
pub fn find_hosts(bytes: &[u8]) -> Vec<HostUse> {
    let mut out = Vec::new();
    for m in whispir_offsets(bytes) {
        let after = m.end;
        let tld_len = if starts_with_ci(&bytes[after..], b".com") {
            4
        } else if starts_with_ci(&bytes[after..], b".it") {
            3
        } else {
            continue;
        };
        let end = after + tld_len;
        // Right boundary: `whispir.community`, `whispir.com-x` and `whispir.com.au` are other names.
        match bytes.get(end) {
            Some(&b) if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' => continue,
            Some(b'.')
                if bytes
                    .get(end + 1)
                    .is_some_and(|b| b.is_ascii_alphanumeric()) =>
            {
                continue;
            }
            _ => {}
        }
        if m.start > 0 && (bytes[m.start - 1].is_ascii_alphanumeric() || bytes[m.start - 1] == b'_')
        {
            continue; // e.g. `mywhispir.com`
        }
        let mut start = m.start;
        while start > 0 && is_host_char(bytes[start - 1]) {
            start -= 1;
        }
        // `https%3A%2F%2Fapi.whispir.com`: the host starts after the escaped slash.
        if start >= 1 && bytes[start - 1] == b'%' && starts_with_ci(&bytes[start..], b"2f") {
            start += 2;
        }
        let before = if start > 0 {
            Some(bytes[start - 1])
        } else {
            None
        };
        let host_bytes = &bytes[start..end];
        let kind = if host_bytes.first() == Some(&b'.')
            || matches!(
                before,
                Some(b'%' | b'{' | b'<' | b'[' | b'$' | b'}' | b'>' | b']' | b')')
            ) {
            // A templated label: `api.<region>.whispir.com`, `api.%s…`, `api.{0}…`.
            if is_placeholder_api_host(bytes, start) {
                HostKind::Placeholder
            } else {
                HostKind::NotApi
            }
        } else if before == Some(b'@') && userinfo_before(bytes, start).is_none() {
            HostKind::NotApi // an e-mail address
        } else {
            hosts::classify(&String::from_utf8_lossy(host_bytes))
        };
        let scheme_end = userinfo_before(bytes, start).map_or(start, |u| u.start);
        let scheme = scheme_before(bytes, scheme_end);
        let insecure = scheme
            .as_ref()
            .is_some_and(|s| bytes[s.clone()].eq_ignore_ascii_case(b"http"));
        let url_end = url_end(bytes, end);
        out.push(HostUse {
            host: start..end,
            kind,
            scheme,
            insecure,
            url: start..url_end,
            port: port_after(bytes, end),
        });
    }
    out
}

/// The user information of a URL whose host starts at `host_start`
/// (`https://user:password@api.whispir.com`): from after `://` to before the `@`. An e-mail
/// address (`support@whispir.com`) has no scheme before it, so none.
pub fn userinfo_before(bytes: &[u8], host_start: usize) -> Option<Range<usize>> {
    let at = host_start.checked_sub(1).filter(|&at| bytes[at] == b'@')?;
    let from = at.saturating_sub(256);
    let start = bytes[from..at]
        .iter()
        .rposition(|&b| {
            matches!(b, b'/' | b'@' | b'"' | b'\'' | b'`' | b'<' | b'>') || b.is_ascii_whitespace()
        })
        .map(|p| from + p + 1)?;
    if start == at || !bytes[..start].ends_with(b"//") {
        return None;
    }
    scheme_before(bytes, start)?;
    Some(start..at)
}

/// True when the bytes before `start` look like `api.` followed by a template placeholder.
fn is_placeholder_api_host(bytes: &[u8], start: usize) -> bool {
    let from = start.saturating_sub(40);
    let window = &bytes[from..start.min(bytes.len())];
    let lower = window.to_ascii_lowercase();
    // The last `api.` before the placeholder, with no whitespace in between.
    match memchr::memmem::rfind(&lower, b"api.") {
        Some(i) => !lower[i..]
            .iter()
            .any(|b| matches!(b, b'\n' | b'"' | b'\'' | b'`')),
        None => false,
    }
}

/// The scheme (`http` / `https`) written right before a host, tolerating escaped slashes
/// (`https:\/\/` in JSON, `https\://` in .properties).
fn scheme_before(bytes: &[u8], host_start: usize) -> Option<Range<usize>> {
    let mut i = host_start;
    let mut seen = Vec::new();
    while i > 0 && seen.len() < 3 {
        let b = bytes[i - 1];
        match b {
            b'\\' => {}
            b'/' | b':' => seen.push(b),
            _ => break,
        }
        i -= 1;
    }
    if seen != [b'/', b'/', b':'] {
        return None;
    }
    while i > 0 && bytes[i - 1] == b'\\' {
        i -= 1;
    }
    for scheme in [&b"https"[..], b"http"] {
        if i >= scheme.len() && ends_with_ci(&bytes[..i], scheme) {
            let s = i - scheme.len();
            if s == 0 || !bytes[s - 1].is_ascii_alphanumeric() {
                return Some(s..i);
            }
        }
    }
    None
}

fn port_after(bytes: &[u8], host_end: usize) -> Option<Range<usize>> {
    // `:80`, or `\:80` in a .properties file.
    let colon = match (bytes.get(host_end), bytes.get(host_end + 1)) {
        (Some(b':'), _) => host_end,
        (Some(b'\\'), Some(b':')) => host_end + 1,
        _ => return None,
    };
    let host_end = colon;
    let digits = bytes[host_end + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    (digits > 0).then(|| host_end + 1..host_end + 1 + digits)
}

/// Where a URL that continues after its host ends: at white space, a quote, a closing tag,
/// or unbalanced punctuation. Template segments (`${…}`, `{{ … }}`, `#{…}`, `<KEY>`) are kept.
pub fn url_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    let mut parens = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' => match closing(bytes, i, b'{', b'}') {
                Some(j) => i = j,
                None => break,
            },
            b'<' => {
                // `<YOUR_KEY>` placeholders stay; `</endpoint>` and `<br>` end the URL.
                if bytes
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
                    && i > from
                    && matches!(bytes[i - 1], b'=' | b'/')
                {
                    match closing(bytes, i, b'<', b'>') {
                        Some(j) => i = j,
                        None => break,
                    }
                } else {
                    break;
                }
            }
            b'[' => match closing(bytes, i, b'[', b']') {
                Some(j) if i > from && bytes[i - 1] == b'=' => i = j,
                _ => break,
            },
            b'(' => parens += 1,
            b')' => {
                if parens == 0 {
                    break;
                }
                parens -= 1;
            }
            b'\\' => {
                // An escaped quote ends the URL (JSON `\"`); `\=`, `\:`, `\/`, `\&` do not.
                if matches!(
                    bytes.get(i + 1),
                    Some(b'"' | b'\'' | b'n' | b'r' | b't') | None
                ) {
                    break;
                }
                i += 1;
            }
            // `&amp;` in XML and HTML separates parameters.
            b';' if i >= from + 4 && bytes[i - 4..i].eq_ignore_ascii_case(b"&amp") => {}
            b if b.is_ascii_whitespace() => break,
            b'"' | b'\'' | b'`' | b'>' | b']' | b'}' | b';' | b'|' | b'^' => break,
            _ => {}
        }
        i += 1;
    }
    // Prose punctuation after a URL is not part of it.
    while i > from && matches!(bytes[i - 1], b'.' | b',' | b':' | b'!') {
        i -= 1;
    }
    i
}

/// Index of the delimiter closing the one at `open`, on the same line.
fn closing(bytes: &[u8], open: usize, o: u8, c: u8) -> Option<usize> {
    let mut depth = 0;
    for (j, &b) in bytes.iter().enumerate().skip(open) {
        if b == o {
            depth += 1;
        } else if b == c {
            depth -= 1;
            if depth == 0 {
                return Some(j);
            }
        } else if b == b'\n' || (b == b'"' && o != b'{') {
            return None;
        }
    }
    None
}

/// The `apikey` parameters in the query of the URL whose host ends at `host_end` and which
/// runs to `url_end`.
pub fn apikey_params_in_url(bytes: &[u8], host: &HostUse) -> Vec<ApiKeyParam> {
    let Some(q) = (host.host.end..host.url.end).find(|&i| bytes[i] == b'?') else {
        return Vec::new();
    };
    query_params(bytes, q, host.url.end)
        .into_iter()
        .filter(|p| is_apikey_name(&bytes[p.name.clone()]))
        .map(|p| ApiKeyParam {
            span: p.name.start..p.value.end,
            name: p.name,
            separator: p.separator,
            value_kind: classify_value(&bytes[p.value.clone()]),
            value: p.value,
            shape: ParamShape::Url,
            target: Target::Host(host.kind.clone()),
            scheme_in: None,
            host: Some(super::HostLink {
                at: host.host.start,
                read_at: None,
            }),
        })
        .collect()
}

pub struct QueryParam {
    /// The `?`, `&`, `&amp;` or `\&` before the name.
    pub separator: Range<usize>,
    pub name: Range<usize>,
    pub value: Range<usize>,
}

/// Splits the query that starts with the separator at `q` and ends at `end`.
pub fn query_params(bytes: &[u8], q: usize, end: usize) -> Vec<QueryParam> {
    let mut out = Vec::new();
    let mut sep_start = q;
    let mut i = if starts_with_ci(&bytes[q..end.max(q)], b"&amp;") {
        q + 5
    } else {
        q + 1
    };
    // `\?` (escaped in shell or properties) belongs to the separator.
    if sep_start > 0 && bytes[sep_start - 1] == b'\\' {
        sep_start -= 1;
    }
    loop {
        let name_start = i;
        let mut eq = None;
        let mut j = i;
        while j < end {
            match bytes[j] {
                b'&' => break,
                b'#' if eq.is_none() => break,
                b'=' if eq.is_none() => eq = Some(j),
                _ => {}
            }
            j += 1;
        }
        // A `\` before `=` or `&` escapes it (properties, shell); it is not part of the name.
        let name_end = eq.unwrap_or(j);
        let name_end = if name_end > name_start && bytes[name_end - 1] == b'\\' {
            name_end - 1
        } else {
            name_end
        };
        let value_start = eq.map_or(j, |e| e + 1);
        let mut value_end = j;
        if value_end > value_start && bytes[value_end - 1] == b'\\' {
            value_end -= 1;
        }
        if name_end > name_start {
            out.push(QueryParam {
                separator: sep_start..name_start,
                name: name_start..name_end,
                value: value_start..value_end,
            });
        }
        if j >= end || bytes[j] != b'&' {
            break;
        }
        sep_start = if j > 0 && bytes[j - 1] == b'\\' {
            j - 1
        } else {
            j
        };
        i = j + 1;
        if starts_with_ci(&bytes[i..end], b"amp;") {
            i += 4;
        }
    }
    out
}

pub fn is_apikey_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"apikey")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whispir_is_found_in_any_case_and_nowhere_else() {
        let text = b"WhIsPiR spi whispi wispir xwhispirwhispir. \nWHISPIR\nwhisPir";
        let found: Vec<_> = whispir_offsets(text).collect();
        let expected: Vec<_> = regex::bytes::Regex::new("(?i-u)whispir")
            .unwrap()
            .find_iter(text)
            .map(|m| m.range())
            .collect();
        assert_eq!(found, expected);
        assert_eq!(found.len(), 5);
        for miss in [&b"spi"[..], b"whispi", b"hispir", b"wh1spir", b""] {
            assert!(!mentions_whispir(miss), "{}", String::from_utf8_lossy(miss));
        }
        assert!(mentions_whispir(b"whispir"));
    }

    fn hosts_of(text: &str) -> Vec<(String, HostKind, bool, String)> {
        find_hosts(text.as_bytes())
            .into_iter()
            .map(|h| {
                (
                    text[h.host.clone()].to_string(),
                    h.kind,
                    h.insecure,
                    text[h.url.clone()].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn host_boundaries() {
        let found = hosts_of(
            "xmlns=\"http://schemas.api.whispir.com/dap\" url=https://api.whispir.com/messages?apikey=K",
        );
        assert_eq!(found[0].1, HostKind::NotApi);
        assert_eq!(found[1].0, "api.whispir.com");
        assert_eq!(found[1].1, HostKind::Legacy);
        assert_eq!(found[1].3, "api.whispir.com/messages?apikey=K");
        assert!(hosts_of("see whispir.community").is_empty());
        assert!(
            hosts_of("mail ops@Contact.whispir.com")
                .iter()
                .all(|h| h.1 == HostKind::NotApi)
        );
    }

    #[test]
    fn placeholders() {
        for t in [
            "https://api.<region>.whispir.com/messages",
            "https://api.{region}.whispir.com",
            "https://api.%s.whispir.com/messages",
            "https://api.{0}.whispir.com/contacts",
            "https://api.[YOUR REGION].whispir.com",
            "https://api.{{region}}.whispir.com",
            "https://api.${REGION}.whispir.com",
            "https://api.region.whispir.com",
        ] {
            let found = hosts_of(t);
            assert_eq!(found.len(), 1, "{t}");
            assert_eq!(found[0].1, HostKind::Placeholder, "{t}");
        }
    }

    #[test]
    fn schemes_including_escaped() {
        assert!(hosts_of("http://api.whispir.com/x")[0].2);
        assert!(!hosts_of("https://api.whispir.com/x")[0].2);
        assert!(hosts_of(r"http:\/\/api.whispir.com\/x")[0].2);
        assert!(hosts_of(r"whispir.url=http\://api.whispir.com")[0].2);
    }

    #[test]
    fn url_extent() {
        let t = "`https://api.whispir.com/messages?apikey=<YOUR_KEY>`.";
        assert_eq!(
            hosts_of(t)[0].3,
            "api.whispir.com/messages?apikey=<YOUR_KEY>"
        );
        let t = "<endpoint>https://api.whispir.com/m?apikey=abc</endpoint>";
        assert_eq!(hosts_of(t)[0].3, "api.whispir.com/m?apikey=abc");
        let t = "run: curl \"https://api.whispir.com/m?apikey=${{ secrets.KEY }}\" -d";
        assert_eq!(
            hosts_of(t)[0].3,
            "api.whispir.com/m?apikey=${{ secrets.KEY }}"
        );
        let t = "See [docs](https://api.whispir.com/messages).";
        assert_eq!(hosts_of(t)[0].3, "api.whispir.com/messages");
    }

    #[test]
    fn params_any_position() {
        let t = "https://api.whispir.com/m?limit=20&amp;apikey=abc&x=1";
        let h = &find_hosts(t.as_bytes())[0];
        let p = apikey_params_in_url(t.as_bytes(), h);
        assert_eq!(p.len(), 1);
        assert_eq!(&t[p[0].separator.clone()], "&amp;");
        assert_eq!(&t[p[0].value.clone()], "abc");
        let t = r"whispir.api.url=https\://api.whispir.com/m?limit\=5&apiKey\=abc";
        let h = &find_hosts(t.as_bytes())[0];
        let p = apikey_params_in_url(t.as_bytes(), h);
        assert_eq!(&t[p[0].name.clone()], "apiKey");
        assert_eq!(&t[p[0].value.clone()], "abc");
    }
}
