//! ColdFusion's `<cfhttp>` tags, read at the byte level (no CFML grammar is among our
//! parsers): where a tag ends, its attributes, the `<cfhttp>` element around a byte, and the
//! structure check that guards fixes (every `<cfhttpparam>` inside a `<cfhttp>` element,
//! every element that has children closed).

use std::ops::Range;

/// How far back from a parameter its `<cfhttp>` tag is looked for: requests are short, and
/// a file of thousands of parameters must stay linear.
const REACH: usize = 16 * 1024;

/// One tag: `<` up to and including its `>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub span: Range<usize>,
    /// Written `<… />`.
    pub self_closed: bool,
}

/// A `<cfhttp>` element: its opening tag and, when it has a body, its `</cfhttp>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub open: Tag,
    pub close: Option<Range<usize>>,
}

/// One `name="value"` attribute: the name, and the value between its quotes (a bare word
/// when unquoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: Range<usize>,
    pub value: Range<usize>,
}

/// `src[at..]` opens tag `name` (`<cfhttp`, not `<cfhttpparam`), in any case.
pub fn opens(src: &[u8], at: usize, name: &str) -> bool {
    let end = at + 1 + name.len();
    src.get(at) == Some(&b'<')
        && src
            .get(at + 1..end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        && src
            .get(end)
            .is_some_and(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
}

/// `src[at..]` is `</name>` (spaces allowed before the `>`): the end of that `>`.
fn closes(src: &[u8], at: usize, name: &str) -> Option<usize> {
    let end = at + 2 + name.len();
    let named = src.get(at..at + 2) == Some(b"</")
        && src
            .get(at + 2..end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
    if !named {
        return None;
    }
    let gt = end
        + src[end..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    (src.get(gt) == Some(&b'>')).then_some(gt + 1)
}

/// The tag whose `<` is at `lt`, up to its `>` (quoted attribute values may hold one).
pub fn tag_at(src: &[u8], lt: usize) -> Option<Tag> {
    let mut quote = None;
    for (i, &b) in src.iter().enumerate().skip(lt + 1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'<') => return None, // a new tag before this one ended
            (None, b'>') => {
                return Some(Tag {
                    span: lt..i + 1,
                    self_closed: src[..i].ends_with(b"/"),
                });
            }
            _ => {}
        }
    }
    None
}

/// The attributes of `tag`, in order.
pub fn attributes(src: &[u8], tag: &Tag) -> Vec<Attribute> {
    let mut out = Vec::new();
    let end = tag.span.end - 1 - usize::from(tag.self_closed);
    // Past the tag's name.
    let mut i = tag.span.start + 1;
    while i < end && !src[i].is_ascii_whitespace() {
        i += 1;
    }
    while i < end {
        while i < end && src[i].is_ascii_whitespace() {
            i += 1;
        }
        let name_start = i;
        while i < end && !src[i].is_ascii_whitespace() && src[i] != b'=' {
            i += 1;
        }
        let name = name_start..i;
        while i < end && src[i].is_ascii_whitespace() {
            i += 1;
        }
        if src.get(i) != Some(&b'=') || i >= end {
            if !name.is_empty() {
                out.push(Attribute {
                    value: name.end..name.end,
                    name,
                });
            }
            continue;
        }
        i += 1;
        while i < end && src[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match src.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let close = memchr::memchr(q, &src[i + 1..end]).map_or(end, |n| i + 1 + n);
                let v = i + 1..close;
                i = (close + 1).min(end);
                v
            }
            _ => {
                let s = i;
                while i < end && !src[i].is_ascii_whitespace() {
                    i += 1;
                }
                s..i
            }
        };
        out.push(Attribute { name, value });
    }
    out
}

/// The attribute called `name` (any case).
pub fn attribute<'a>(src: &[u8], attrs: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attrs
        .iter()
        .find(|a| src[a.name.clone()].eq_ignore_ascii_case(name.as_bytes()))
}

/// How far back a comment's opening is looked for: far enough for any commented-out request,
/// and bounded so that each parameter of a large file costs the same.
const COMMENT_REACH: usize = 16 * 1024;

/// Byte `at` is inside a `<!-- … -->` comment (ColdFusion's own are `<!--- … --->`) opened
/// within the last [`COMMENT_REACH`] bytes.
pub fn in_comment(src: &[u8], at: usize) -> bool {
    let from = at.saturating_sub(COMMENT_REACH);
    memchr::memmem::rfind(&src[from..at], b"<!--")
        .is_some_and(|open| memchr::memmem::find(&src[from + open + 4..at], b"-->").is_none())
}

/// The tag `name` that holds byte `at` (`<cfhttpparam … value="#k#">` around its value).
pub fn tag_around(src: &[u8], at: usize, name: &str) -> Option<Tag> {
    if at >= src.len() {
        return None;
    }
    let from = at.saturating_sub(REACH);
    let lt = memchr::memrchr(b'<', &src[from..=at]).map(|n| from + n)?;
    if !opens(src, lt, name) {
        return None;
    }
    tag_at(src, lt).filter(|t| t.span.contains(&at))
}

/// The `<cfhttp>` element whose opening tag or body holds byte `at`, outside comments.
pub fn cfhttp_around(src: &[u8], at: usize) -> Option<Element> {
    if in_comment(src, at) {
        return None;
    }
    let from = at.saturating_sub(REACH);
    let mut lt = None;
    for i in memchr::memrchr_iter(b'<', &src[from..at]).map(|n| from + n) {
        if closes(src, i, "cfhttp").is_some() {
            return None; // the last element ended before `at`
        }
        if opens(src, i, "cfhttp") && !in_comment(src, i) {
            lt = Some(i);
            break;
        }
    }
    let open = tag_at(src, lt?)?;
    let close = if open.self_closed {
        None
    } else {
        end_tag(src, open.span.end)
    };
    let element = Element { open, close };
    let body_end = element
        .close
        .as_ref()
        .map_or(element.open.span.end, |c| c.start);
    (at < body_end).then_some(element)
}

/// The `</cfhttp>` after an opening tag that ends at `from`, unless another `<cfhttp>` comes
/// first (the first one then had no body).
fn end_tag(src: &[u8], from: usize) -> Option<Range<usize>> {
    for i in memchr::memchr_iter(b'<', &src[from..]).map(|n| from + n) {
        if let Some(end) = closes(src, i, "cfhttp") {
            return Some(i..end);
        }
        if opens(src, i, "cfhttp") {
            return None;
        }
    }
    None
}

/// The `<cfhttp>` structure of a file: every tag ends, every `<cfhttpparam>` sits in a
/// `<cfhttp>` element, and an element with children is closed by `</cfhttp>`. Comments are
/// skipped. A fix that breaks this where the original kept it is refused.
pub fn check_structure(src: &[u8]) -> Result<(), String> {
    let line = |at: usize| memchr::memchr_iter(b'\n', &src[..at]).count() + 1;
    // The open element: where it starts, and whether it has children.
    let mut open: Option<(usize, bool)> = None;
    let mut i = 0;
    while let Some(n) = memchr::memchr(b'<', &src[i..]) {
        let at = i + n;
        i = at + 1;
        if src[at..].starts_with(b"<!--") {
            i = memchr::memmem::find(&src[at + 4..], b"-->").map_or(src.len(), |e| at + 4 + e + 3);
            continue;
        }
        if let Some(end) = closes(src, at, "cfhttp") {
            if open.take().is_none() {
                return Err(format!(
                    "line {}: `</cfhttp>` closes no `<cfhttp>`",
                    line(at)
                ));
            }
            i = end;
            continue;
        }
        let is_request = opens(src, at, "cfhttp");
        let is_param = opens(src, at, "cfhttpparam");
        if !(is_request || is_param) {
            continue;
        }
        let tag =
            tag_at(src, at).ok_or_else(|| format!("line {}: the tag does not end", line(at)))?;
        i = tag.span.end;
        if is_param {
            match open.as_mut() {
                Some((_, children)) => *children = true,
                None => {
                    return Err(format!(
                        "line {}: `<cfhttpparam>` outside a `<cfhttp>` element",
                        line(at)
                    ));
                }
            }
            continue;
        }
        if let Some((start, true)) = open {
            return Err(format!(
                "line {}: `<cfhttp>` with parameters is not closed",
                line(start)
            ));
        }
        open = (!tag.self_closed).then_some((at, false));
    }
    match open {
        Some((start, true)) => Err(format!(
            "line {}: `<cfhttp>` with parameters is not closed",
            line(start)
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!--- <cfhttp url="x"> --->
<cfhttp url="https://api.au.whispir.com/m?apikey=#k#" method="get" result="r">
    <cfhttpparam type="header" name="Accept" value="a>b">
</cfhttp>
<cfhttp url="https://api.au.whispir.com/n" result="s" />
"##;

    #[test]
    fn finds_the_element_around_a_byte() {
        let src = PAGE.as_bytes();
        let key = PAGE.find("apikey").unwrap();
        let el = cfhttp_around(src, key).expect("in the first tag");
        assert!(PAGE[el.open.span.clone()].starts_with("<cfhttp url="));
        assert!(!el.open.self_closed);
        assert_eq!(&PAGE[el.close.clone().unwrap()], "</cfhttp>");
        let child = PAGE.find("a>b").unwrap();
        assert_eq!(
            cfhttp_around(src, child),
            Some(el),
            "a child is in the body"
        );
        let second = PAGE.find("/n").unwrap();
        let el2 = cfhttp_around(src, second).expect("the self-closed tag");
        assert!(el2.open.self_closed && el2.close.is_none());
        assert_eq!(
            cfhttp_around(src, PAGE.find("url=\"x").unwrap()),
            None,
            "a comment"
        );
        assert_eq!(
            cfhttp_around(src, PAGE.len() - 1),
            None,
            "after every element"
        );
    }

    #[test]
    fn reads_attributes_with_either_quote_or_none() {
        let src = br##"<cfhttpparam type='url' name = "apikey" value=#k# />"##;
        let tag = tag_at(src, 0).unwrap();
        assert!(tag.self_closed);
        let attrs = attributes(src, &tag);
        let text = |r: &Range<usize>| std::str::from_utf8(&src[r.clone()]).unwrap();
        let got: Vec<_> = attrs
            .iter()
            .map(|a| (text(&a.name), text(&a.value)))
            .collect();
        assert_eq!(got, [("type", "url"), ("name", "apikey"), ("value", "#k#")]);
        assert_eq!(
            attribute(src, &attrs, "NAME").map(|a| text(&a.value)),
            Some("apikey")
        );
    }

    #[test]
    fn structure_needs_parameters_inside_closed_elements() {
        assert_eq!(check_structure(PAGE.as_bytes()), Ok(()));
        assert_eq!(
            check_structure(b"<cfhttp url=\"u\"></cfhttp>\n<cfhttp url=\"v\">"),
            Ok(()),
            "an element without children needs no end tag"
        );
        let unclosed =
            b"<cfhttp url=\"u\">\n  <cfhttpparam type=\"header\" name=\"a\" value=\"b\">\n";
        assert!(check_structure(unclosed).unwrap_err().contains("line 1"));
        let stray = b"<cfhttp url=\"u\" />\n<cfhttpparam type=\"header\" name=\"a\" value=\"b\">";
        assert!(check_structure(stray).unwrap_err().contains("line 2"));
        assert!(check_structure(b"</cfhttp>").is_err());
        assert!(check_structure(b"<cfhttp url=\"u\"").is_err());
    }
}
