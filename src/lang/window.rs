//! The syntax guard's first look at a fix: the lines around it, cut at the edges of the
//! statement or member that holds it, parsed on their own before and after the change. Both
//! parsing without an error proves the fix keeps the syntax around it (the guard's contract:
//! no new error "in or around its edits"), for the cost of a few lines instead of the whole
//! file, which is most of `fix`'s time when the file has no tree yet.
//!
//! The window only ever accepts: when it cannot find clean edges, or either side has an
//! error, the guard parses the whole file as before. Edges are whole lines: a header line
//! (the first line of a statement or member, at some indentation) and the next line at that
//! indentation or less that starts another one. A window cut from inside a class or a
//! function is wrapped in one, so that it parses as the construct it came from.

use std::ops::Range;
use tree_sitter::Language;

/// One edit of a text: the bytes `old` of the original became `new_len` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub old: Range<usize>,
    pub new_len: usize,
}

impl Change {
    /// The single change from `original` to `edited`: from the first byte that differs to
    /// the last (for callers that do not know the edits).
    pub fn between(original: &[u8], edited: &[u8]) -> Change {
        let start = original
            .iter()
            .zip(edited)
            .position(|(a, b)| a != b)
            .unwrap_or(original.len().min(edited.len()));
        let room = original.len().min(edited.len()) - start;
        let suffix = original
            .iter()
            .rev()
            .zip(edited.iter().rev())
            .take(room)
            .position(|(a, b)| a != b)
            .unwrap_or(room);
        Change {
            old: start..original.len() - suffix,
            new_len: edited.len() - suffix - start,
        }
    }
}

/// Whether `changes` (in order, not overlapping) turned `original` into `edited` (one file,
/// named `file_name`, in `language`) keeping the syntax around each of them; `false` means
/// "not proven here". Changes close together share a window.
pub fn keeps_syntax(
    file_name: &str,
    language: &Language,
    original: &[u8],
    edited: &[u8],
    changes: &[Change],
) -> bool {
    let Some(family) = Family::of(file_name) else {
        return false;
    };
    let edits = Edits::new(changes);
    let (lines, edited_lines) = (Lines(original), Lines(edited));
    let mut next = 0;
    while next < changes.len() {
        match prove_window(language, family, &lines, &edited_lines, &edits, next) {
            Some(taken) => next += taken,
            None => return false,
        }
    }
    true
}

/// The changes, with where each position of the original is in the edited text.
struct Edits<'a> {
    changes: &'a [Change],
    /// `growth[i]`: how much longer the text is after the first `i` changes.
    growth: Vec<isize>,
}

impl<'a> Edits<'a> {
    fn new(changes: &'a [Change]) -> Edits<'a> {
        let growth = std::iter::once(0)
            .chain(changes.iter().scan(0, |sum, c| {
                *sum += c.new_len as isize - c.old.len() as isize;
                Some(*sum)
            }))
            .collect();
        Edits { changes, growth }
    }

    /// Where `at`, a line start outside every change, is in the edited text, counting only
    /// changes among the first `before`: a change starting at `at` is after it (it belongs
    /// to the window starting there).
    fn edited(&self, at: usize, before: usize) -> usize {
        let ended = self.changes[..before].partition_point(|c| c.old.end <= at && c.old.start < at);
        (at as isize + self.growth[ended]) as usize
    }
}

/// Proves that the window holding change `first` (and the changes after it that fall inside
/// it) parses cleanly before and after the changes; the number of changes it held.
fn prove_window(
    language: &Language,
    family: Family,
    lines: &Lines,
    edited_lines: &Lines,
    edits: &Edits,
    first: usize,
) -> Option<usize> {
    let original = lines.0;
    let changes = &edits.changes[first..];
    let first_line = lines.start_of_line(changes[0].old.start);
    let mut tried = 0;
    for level in lines.enclosing_levels(first_line) {
        if tried == MAX_LEVELS {
            break;
        }
        let Some(header) = lines.header_at(first_line, level, family) else {
            continue;
        };
        tried += 1;
        // The window grows until no further change starts inside it. Lines are checked once
        // each, however many changes it takes in.
        let mut taken = 1;
        let mut checked = header;
        let core_end = loop {
            let last = &changes[taken - 1].old;
            let last_end = lines.end_of_line(last.end.max(last.start));
            if !lines.all_indented(checked..last_end, level) {
                // The changes leave the block the header opens.
                break None;
            }
            checked = checked.max(last_end);
            let end = lines.window_end(last_end, level, family)?;
            if (end - header) * 2 > original.len() {
                // Parsing most of the file twice costs more than the whole-file guard.
                return None;
            }
            let inside = changes[taken..]
                .iter()
                .take_while(|c| c.old.start < end)
                .count();
            if inside == 0 {
                break Some(end);
            }
            taken += inside;
        };
        let Some(core_end) = core_end else { continue };
        // The statement after the changes comes along as context: whether the last changed
        // one is complete can depend on what follows (an enum's entries end with `;` only
        // when members come after them). Its own changes are the next window's, but are in
        // this one's text.
        let end = match indent(lines.line(core_end)) {
            Some(i) if i == level && core_end < original.len() => {
                lines.window_end(lines.end_of_line(core_end), level, family)?
            }
            _ => core_end,
        };
        // So does the statement before: what may follow it can depend on what it is (an
        // enum's entries come before anything else in its body).
        let start = lines
            .previous(header)
            .and_then(|above| lines.header_at(above, level, family))
            .unwrap_or(header);
        if (end - start) * 2 > original.len() {
            // Parsing most of the file twice costs more than the whole-file guard.
            return None;
        }
        // Every change of the window is before its end in the edited text (an insertion at
        // the end of the file, too), and so are those of its context.
        let before_end = first
            + taken
            + changes[taken..]
                .iter()
                .take_while(|c| c.old.start < end)
                .count();
        let edited_end = (end as isize + edits.growth[before_end]) as usize;
        let edited_window = edits.edited(start, first)..edited_end;
        // A change may leave the window's last line continuing onto the next (a trailing
        // backslash or operator), which the window alone would not show; nor may it make
        // the header continue the line before it.
        let edited_header = edits.edited(header, first);
        if !edited_lines.ends_statement_before(edited_window.end, family)
            || !edited_lines.starts_statement(edited_header, family)
        {
            return None;
        }
        let container = match level {
            0 => &b""[..],
            _ => match lines.container(header, level) {
                Some(line) => line,
                None => continue,
            },
        };
        let Some(wrapper) = family.wrapper(level, container) else {
            continue;
        };
        let Some(before) = clean_constructs(language, wrapper, &original[start..end]) else {
            continue;
        };
        // Parsing before the changes but not after: the guard parses the file to tell.
        let after = clean_constructs(language, wrapper, &edited_lines.0[edited_window]);
        return (after == Some(before)).then_some(taken);
    }
    None
}

/// Levels of indentation tried at most: the statement, its block, the member holding it.
const MAX_LEVELS: usize = 3;

/// How far the line walks that find a window's edges go from the change: a window is a
/// few lines. Past this the walk gives up and the whole-file guard decides, so that each
/// fix costs a bounded walk however long the statement around it (8 000 fixes in one list
/// literal walked the whole list each, and took seconds).
const MAX_WALK_BYTES: usize = 64 << 10;

/// The kinds of the constructs at the top of `body` in `wrapper`, when it parses without an
/// error. Before and after the changes they must be the same: a file's top level is not any
/// sequence of statements (imports come first in Go, Java and Kotlin), so a window there that
/// turns into another kind of construct is not proven by parsing on its own.
fn clean_constructs(
    language: &Language,
    (before, after): Wrapper,
    body: &[u8],
) -> Option<Vec<u16>> {
    let mut text = Vec::with_capacity(before.len() + body.len() + after.len());
    text.extend_from_slice(before.as_bytes());
    text.extend_from_slice(body);
    text.extend_from_slice(after.as_bytes());
    let tree = super::tree::parse_in(language, &text)?;
    let root = tree.root_node();
    if root.has_error() || !constructs_cover(&tree, &text) {
        return None;
    }
    let mut cursor = root.walk();
    Some(
        root.named_children(&mut cursor)
            .map(|n| n.kind_id())
            .collect(),
    )
}

/// Whether every byte of `text` that is not white space is in one of the constructs at the
/// top of its tree. A grammar may drop what it cannot read at the end of its input without
/// an error node (tree-sitter-kotlin-ng does after a `#`), which in the middle of the file is
/// an error.
fn constructs_cover(tree: &tree_sitter::Tree, text: &[u8]) -> bool {
    let blank = |range: std::ops::Range<usize>| {
        text.get(range)
            .is_some_and(|gap| gap.iter().all(u8::is_ascii_whitespace))
    };
    let root = tree.root_node();
    let mut cursor = root.walk();
    let mut covered = 0;
    for node in root.children(&mut cursor) {
        if !blank(covered..node.start_byte()) {
            return false;
        }
        covered = covered.max(node.end_byte());
    }
    blank(covered..text.len())
}

/// Text put before and after a window so that it parses in the context it was cut from.
type Wrapper = (&'static str, &'static str);

/// The languages with a grammar, as far as their windows differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    JavaScript,
    Java,
    CSharp,
    Kotlin,
    Php,
    Go,
    Python,
    Ruby,
    Shell,
}

impl Family {
    fn of(file_name: &str) -> Option<Family> {
        let ext = file_name.rsplit_once('.').map_or("", |(_, e)| e);
        Some(match ext {
            "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" => Family::JavaScript,
            "java" => Family::Java,
            "cs" | "csx" => Family::CSharp,
            "kt" | "kts" => Family::Kotlin,
            "php" | "phtml" => Family::Php,
            "go" => Family::Go,
            "py" | "pyi" | "pyw" => Family::Python,
            "rb" | "rake" | "gemspec" => Family::Ruby,
            "sh" | "bash" => Family::Shell,
            _ => return None,
        })
    }

    /// What a window at `level` is wrapped in to parse in the context it was cut from: the
    /// top level of the file, or (indented) the body of a class-like declaration or of a
    /// function, told apart by `container`, the line that opens the block around it.
    fn wrapper(self, level: usize, container: &[u8]) -> Option<Wrapper> {
        use Family::*;
        // Inside brackets (`const (` in Go, a call's arguments) are no statements.
        if level > 0 && matches!(container.trim_ascii_end().last(), Some(b'(' | b'[')) {
            return None;
        }
        let words = || {
            container
                .split(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                .filter(|w| !w.is_empty())
        };
        let declares = |kinds: &[&[u8]]| words().any(|w| kinds.contains(&w));
        let class_like = declares(&[
            b"class",
            b"interface",
            b"enum",
            b"struct",
            b"record",
            b"object",
            b"trait",
        ]);
        if level == 0 || (self == CSharp && declares(&[b"namespace"])) {
            return Some(match self {
                // A PHP file is text until `<?php`.
                Php => ("<?php\n", "\n"),
                _ => ("", "\n"),
            });
        }
        Some(match (self, class_like) {
            (JavaScript, false) => ("async function w() {\n", "\n}\n"),
            (JavaScript, true) => ("class W {\n", "\n}\n"),
            (Java, false) => ("class W { void w() {\n", "\n}}\n"),
            (CSharp, false) => ("class W { async void W0() {\n", "\n}}\n"),
            (Java | CSharp | Kotlin, true) => ("class W {\n", "\n}\n"),
            (Kotlin, false) => ("suspend fun w() {\n", "\n}\n"),
            (Php, false) => ("<?php\nfunction w() {\n", "\n}\n"),
            (Php, true) => ("<?php\nclass W {\n", "\n}\n"),
            (Go, _) => ("package w\nfunc w() {\n", "\n}\n"),
            // An indented block holds statements and definitions alike.
            (Python, _) => ("if True:\n", "\n"),
            (Ruby, _) => ("class W\n", "\nend\n"),
            (Shell, _) => ("w() {\n", "\n}\n"),
        })
    }

    /// Whether a line ending in `last` (its last byte that is not a space) may end a
    /// statement, so that the next line can start one. A line ending in an operator, a comma
    /// or an opening bracket continues on the next.
    fn may_end_statement(self, last: u8) -> bool {
        match last {
            b'(' | b'[' | b',' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^' | b'='
            | b'<' | b'>' | b'.' | b'?' | b'\\' => false,
            // Python and Kotlin (`when` branches aside) open a block with a colon; elsewhere it
            // continues a ternary, a label or an object entry.
            b':' => self == Family::Python,
            _ => true,
        }
    }
}

/// The lines of a text, walked from a given line up or down.
struct Lines<'a>(&'a [u8]);

impl Lines<'_> {
    fn start_of_line(&self, at: usize) -> usize {
        memchr::memrchr(b'\n', &self.0[..at.min(self.0.len())]).map_or(0, |i| i + 1)
    }

    /// The start of the line after the one holding `at` (the text's end on the last line).
    fn end_of_line(&self, at: usize) -> usize {
        let at = at.min(self.0.len());
        memchr::memchr(b'\n', &self.0[at..]).map_or(self.0.len(), |i| at + i + 1)
    }

    /// The line starting at `start`, without its line break.
    fn line(&self, start: usize) -> &[u8] {
        let end = self.end_of_line(start);
        let line = &self.0[start..end];
        line.strip_suffix(b"\n").unwrap_or(line)
    }

    /// The start of the line before the one starting at `start`.
    fn previous(&self, start: usize) -> Option<usize> {
        (start > 0).then(|| self.start_of_line(start - 1))
    }

    /// The indentations of the line at `first` and of each line above it that is indented
    /// less than all the lines between: the statement, then the blocks holding it.
    fn enclosing_levels(&self, first: usize) -> impl Iterator<Item = usize> + '_ {
        let mut at = Some(first);
        let mut deepest = usize::MAX;
        std::iter::from_fn(move || {
            // Nothing is indented less than the top level.
            if deepest == 0 {
                return None;
            }
            while let Some(start) = at.filter(|&s| first - s <= MAX_WALK_BYTES) {
                at = self.previous(start);
                let line = self.line(start);
                if let Some(indent) = indent(line).filter(|&i| i < deepest) {
                    deepest = indent;
                    return Some(indent);
                }
            }
            None
        })
    }

    /// The header of the window at `level` that holds the line at `first`: the nearest line
    /// at or above it, at that indentation, that starts a statement or member. `None` when a
    /// line indented less comes first (the line is not inside a block at that level).
    fn header_at(&self, first: usize, level: usize, family: Family) -> Option<usize> {
        let mut at = Some(first);
        while let Some(start) = at.filter(|&s| first - s <= MAX_WALK_BYTES) {
            at = self.previous(start);
            let line = self.line(start);
            match indent(line) {
                None => continue,
                Some(i) if i < level => return None,
                Some(i) if i == level && self.starts_statement(start, family) => {
                    return Some(start);
                }
                Some(_) => continue,
            }
        }
        None
    }

    /// The line that opens the block holding a window at `level` whose header is at
    /// `header`: the nearest line above indented less, past a brace on a line of its own and
    /// the closing lines of a header over several lines (`) {`).
    fn container(&self, header: usize, level: usize) -> Option<&[u8]> {
        let mut at = self.previous(header);
        let mut below = level;
        while let Some(start) = at {
            if header - start > MAX_WALK_BYTES {
                return None;
            }
            let line = self.line(start);
            match indent(line) {
                Some(i) if i < below || (i == below && below < level) => {
                    let text = trim_start(line);
                    if !matches!(text.first(), Some(b'{' | b'}' | b')' | b']')) {
                        return Some(line);
                    }
                    // The opening of this header is further up, at this indentation.
                    below = i;
                }
                _ => {}
            }
            at = self.previous(start);
        }
        Some(b"")
    }

    /// Whether every line that is not blank in `range` (whole lines) is indented at least
    /// `level`.
    fn all_indented(&self, range: std::ops::Range<usize>, level: usize) -> bool {
        let mut start = range.start;
        while start < range.end {
            if indent(self.line(start)).is_some_and(|i| i < level) {
                return false;
            }
            start = self.end_of_line(start);
        }
        true
    }

    /// The end of the window at `level` whose changes end before `from` (a line start): the
    /// start of the first line from there indented less, or at that level starting another
    /// statement; the text's end when there is none. `None` past `MAX_WALK_BYTES`.
    fn window_end(&self, from: usize, level: usize, family: Family) -> Option<usize> {
        let mut start = from;
        while start < self.0.len() {
            if start - from > MAX_WALK_BYTES {
                return None;
            }
            let line = self.line(start);
            match indent(line) {
                Some(i) if i < level => return Some(start),
                Some(i) if i == level && self.starts_statement(start, family) => {
                    return Some(start);
                }
                _ => start = self.end_of_line(start),
            }
        }
        Some(self.0.len())
    }

    /// Whether the line at `start` starts a statement or member: it begins with a word, a
    /// variable or annotation sigil, or a comment, and the line before it (the nearest that
    /// is not blank) can end one.
    fn starts_statement(&self, start: usize, family: Family) -> bool {
        let line = self.line(start);
        let text = trim_start(line);
        let starts = match text.first() {
            Some(b) if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'@' | b'$' | b'#') => {
                let word = first_word(text);
                // `word:` is a label or an object's entry, which only a statement can hold.
                let labelled =
                    text[word.len()..].starts_with(b":") && !text[word.len()..].starts_with(b"::");
                !CONTINUATIONS.contains(&word) && !labelled
            }
            Some(b'/') => matches!(text.get(1), Some(b'/' | b'*')),
            _ => false,
        };
        starts && self.ends_statement_before(start, family)
    }

    /// Whether the last line before `start` (a line start) that is not blank can end a
    /// statement; `true` at the start of the text, `false` past `MAX_WALK_BYTES` of blank
    /// lines.
    fn ends_statement_before(&self, start: usize, family: Family) -> bool {
        let mut at = self.previous(start);
        while let Some(before) = at {
            if start - before > MAX_WALK_BYTES {
                return false;
            }
            let line = self.line(before);
            match line.iter().rposition(|b| !b.is_ascii_whitespace()) {
                Some(last) => return family.may_end_statement(line[last]),
                None => at = self.previous(before),
            }
        }
        true
    }
}

/// Words that continue the statement above them rather than start one.
const CONTINUATIONS: &[&[u8]] = &[
    b"else",
    b"elif",
    b"elsif",
    b"except",
    b"finally",
    b"rescue",
    b"ensure",
    b"when",
    b"catch",
    b"end",
    b"then",
    b"do",
    b"done",
    b"fi",
    b"esac",
    b"in",
    b"and",
    b"or",
    b"is",
    b"not",
    b"instanceof",
    b"as",
];

/// Leading spaces and tabs of a line; `None` for a blank line.
fn indent(line: &[u8]) -> Option<usize> {
    line.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\r'))
}

fn trim_start(line: &[u8]) -> &[u8] {
    let indent = indent(line).unwrap_or(line.len());
    &line[indent..]
}

fn first_word(text: &[u8]) -> &[u8] {
    let end = text
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .unwrap_or(text.len());
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::{Change, keeps_syntax};

    /// Whether the window proves `before` -> `after` (one change, first to last differing
    /// byte).
    fn proven(name: &str, before: &str, after: &str) -> bool {
        let language = crate::lang::tree::grammar(name).unwrap();
        let change = Change::between(before.as_bytes(), after.as_bytes());
        keeps_syntax(
            name,
            &language,
            before.as_bytes(),
            after.as_bytes(),
            &[change],
        )
    }

    /// A request inside a class's method (or a function), per family: the window that
    /// holds it is a few lines of a larger file.
    const IN_MEMBERS: &[(&str, &str, &str, &str)] = &[
        (
            "a.js",
            "class C {\n  constructor(k) {\n    this.k = k;\n  }\n\n  async send() {\n    const r = await fetch(`https://api.whispir.com/messages?apikey=${this.k}`, {\n      method: 'POST',\n    });\n    return r.json();\n  }\n}\n",
            "`https://api.whispir.com/messages?apikey=${this.k}`, {\n      method: 'POST',",
            "'https://api.au.whispir.com/messages', {\n      method: 'POST',\n      headers: { 'x-api-key': this.k },",
        ),
        (
            "a.ts",
            "export class C {\n  private k = '';\n\n  async send(): Promise<void> {\n    await fetch(`https://api.whispir.com/messages?apikey=${this.k}`);\n  }\n}\n",
            "`https://api.whispir.com/messages?apikey=${this.k}`);",
            "'https://api.au.whispir.com/messages', { headers: { 'x-api-key': this.k } });",
        ),
        (
            "a.py",
            "import requests\n\n\nclass C:\n    def __init__(self, k):\n        self.k = k\n\n    def send(self):\n        return requests.get(\n            \"https://api.whispir.com/messages\",\n            params={\"apikey\": self.k},\n        )\n",
            "\"https://api.whispir.com/messages\",\n            params={\"apikey\": self.k},",
            "\"https://api.au.whispir.com/messages\",\n            headers={\"x-api-key\": self.k},",
        ),
        (
            "a.php",
            "<?php\nclass C {\n    private $k;\n\n    public function send() {\n        $ch = curl_init('https://api.whispir.com/messages?apikey=' . $this->k);\n        curl_exec($ch);\n    }\n}\n",
            "'https://api.whispir.com/messages?apikey=' . $this->k);\n",
            "'https://api.au.whispir.com/messages');\n        curl_setopt($ch, CURLOPT_HTTPHEADER, ['x-api-key: ' . $this->k]);\n",
        ),
        (
            "A.java",
            "class A {\n    private String k;\n\n    void send() throws Exception {\n        URL u = new URL(\"https://api.whispir.com/messages?apikey=\" + k);\n        HttpURLConnection c = (HttpURLConnection) u.openConnection();\n        c.connect();\n    }\n}\n",
            "\"https://api.whispir.com/messages?apikey=\" + k);\n        HttpURLConnection c = (HttpURLConnection) u.openConnection();\n",
            "\"https://api.au.whispir.com/messages\");\n        HttpURLConnection c = (HttpURLConnection) u.openConnection();\n        c.setRequestProperty(\"x-api-key\", k);\n",
        ),
        (
            "A.kt",
            "class A(private val k: String) {\n    fun send(): Response {\n        val r = Request.Builder().url(\"https://api.whispir.com/messages?apikey=$k\").build()\n        return client.newCall(r).execute()\n    }\n}\n",
            "\"https://api.whispir.com/messages?apikey=$k\")",
            "\"https://api.au.whispir.com/messages\").header(\"x-api-key\", k)",
        ),
        (
            "A.cs",
            "namespace N\n{\n    class A\n    {\n        async Task Send()\n        {\n            var r = await http.GetAsync($\"https://api.whispir.com/messages?apikey={key}\");\n        }\n    }\n}\n",
            "var r = await http.GetAsync($\"https://api.whispir.com/messages?apikey={key}\");",
            "var m = new HttpRequestMessage(HttpMethod.Get, \"https://api.au.whispir.com/messages\");\n            m.Headers.Add(\"x-api-key\", key);\n            var r = await http.SendAsync(m);",
        ),
        (
            "a.go",
            "package a\n\nfunc send(key string) error {\n\treq, err := http.NewRequest(\"GET\", \"https://api.whispir.com/messages?apikey=\"+key, nil)\n\tif err != nil {\n\t\treturn err\n\t}\n\t_, err = http.DefaultClient.Do(req)\n\treturn err\n}\n",
            "\"https://api.whispir.com/messages?apikey=\"+key, nil)\n\tif err != nil {\n\t\treturn err\n\t}\n",
            "\"https://api.au.whispir.com/messages\", nil)\n\tif err != nil {\n\t\treturn err\n\t}\n\treq.Header.Set(\"x-api-key\", key)\n",
        ),
        (
            "a.rb",
            "class C\n  def send_it\n    uri = URI(\"https://api.whispir.com/messages?apikey=#{@k}\")\n    req = Net::HTTP::Get.new(uri)\n    Net::HTTP.start(uri.host, uri.port, use_ssl: true) { |h| h.request(req) }\n  end\nend\n",
            "\"https://api.whispir.com/messages?apikey=#{@k}\")\n    req = Net::HTTP::Get.new(uri)\n",
            "\"https://api.au.whispir.com/messages\")\n    req = Net::HTTP::Get.new(uri)\n    req['x-api-key'] = @k\n",
        ),
        (
            "a.sh",
            "#!/bin/sh\nsend() {\n  curl -s \"https://api.whispir.com/messages?apikey=$KEY\" \\\n    -H 'Accept: application/json'\n}\nsend\n",
            "\"https://api.whispir.com/messages?apikey=$KEY\" \\",
            "\"https://api.au.whispir.com/messages\" -H \"x-api-key: $KEY\" \\",
        ),
    ];

    /// `file` followed by comment lines: a window is tried only where it is a small part of
    /// its file.
    fn padded(name: &str, file: &str) -> String {
        let comment = match name.rsplit_once('.').map(|(_, e)| e) {
            Some("py" | "rb" | "sh") => "# a comment line after the code\n",
            _ => "// a comment line after the code\n",
        };
        format!("{file}{}", comment.repeat(20))
    }

    #[test]
    fn a_fix_inside_a_member_is_proven_by_the_lines_around_it_in_every_family() {
        for (name, file, from, to) in IN_MEMBERS {
            let file = &padded(name, file);
            assert!(file.contains(from), "{name}");
            let fixed = file.replacen(from, to, 1);
            let language = crate::lang::tree::grammar(name).unwrap();
            assert_eq!(
                crate::lang::tree::error_count(&language, fixed.as_bytes()),
                Some(0),
                "{name}: the fixed case itself parses"
            );
            let change = Change::between(file.as_bytes(), fixed.as_bytes());
            assert!(
                proven(name, file, &fixed),
                "{name}: not proven: {change:?} {:?}",
                &file[change.old.clone()]
            );
        }
    }

    #[test]
    fn a_fix_that_breaks_the_lines_around_it_is_never_proven() {
        for (name, file, from, to) in IN_MEMBERS {
            let file = &padded(name, file);
            // Each loses a closing bracket, a quote or its line break.
            for (cut, by) in [(")", ""), ("\"", ""), ("'", ""), ("}", ""), ("\n", " ")] {
                let Some(at) = to.rfind(cut) else { continue };
                let broken_to = format!("{}{by}{}", &to[..at], &to[at + cut.len()..]);
                let broken = file.replacen(from, &broken_to, 1);
                let language = crate::lang::tree::grammar(name).unwrap();
                let errors = crate::lang::tree::error_count(&language, broken.as_bytes());
                if errors == Some(0) {
                    continue; // still valid: nothing to refuse
                }
                assert!(!proven(name, file, &broken), "{name}: {broken_to:?}");
            }
        }
        for (name, good, broken) in crate::lang::tree::tests::CASES {
            assert!(!proven(name, good, broken), "{name}");
        }
    }

    #[test]
    fn changes_far_apart_are_proven_window_by_window() {
        let filler = "function f{i}() {\n  return {i};\n}\n\n";
        let mut file = String::new();
        for i in 0..200 {
            file.push_str(&filler.replace("{i}", &i.to_string()));
            if i == 10 || i == 190 {
                file.push_str("fetch('https://api.whispir.com/messages?apikey=' + k);\n\n");
            }
        }
        let from = "'https://api.whispir.com/messages?apikey=' + k);";
        let to = "'https://api.au.whispir.com/messages', { headers: { 'x-api-key': k } });";
        let fixed = file.replace(from, to);
        let language = crate::lang::tree::grammar("a.js").unwrap();
        let changes: Vec<Change> = file
            .match_indices(from)
            .map(|(at, _)| Change {
                old: at..at + from.len(),
                new_len: to.len(),
            })
            .collect();
        assert_eq!(changes.len(), 2);
        assert!(keeps_syntax(
            "a.js",
            &language,
            file.as_bytes(),
            fixed.as_bytes(),
            &changes
        ));
        // As one change from the first to the last, the window would be most of the file.
        assert!(!proven("a.js", &file, &fixed));
        // The second window is found where the first one's growth moved it: a second
        // change that breaks the file is seen there.
        let broken = fixed.replacen(to, "'https://api.au.whispir.com/messages', {", 2);
        let broken = broken.replacen("'https://api.au.whispir.com/messages', {", to, 1);
        assert!(!keeps_syntax(
            "a.js",
            &language,
            file.as_bytes(),
            broken.as_bytes(),
            &[
                changes[0].clone(),
                Change {
                    old: changes[1].old.clone(),
                    new_len: "'https://api.au.whispir.com/messages', {".len(),
                },
            ]
        ));
    }

    #[test]
    fn a_window_starts_only_where_a_statement_can() {
        let lines = super::Lines(
            b"f(\n  a,\n  b\n)\nconst o = {\n  k: 1,\n}\nif (x) {\n  y()\n} else {\n  z()\n}\n",
        );
        let starts: Vec<usize> = (0..lines.0.len())
            .filter(|&at| at == 0 || lines.0[at - 1] == b'\n')
            .filter(|&at| lines.starts_statement(at, super::Family::JavaScript))
            .map(|at| lines.0[..at].iter().filter(|&&b| b == b'\n').count() + 1)
            .collect();
        // Not an argument after `(`, an object's entry, a closing line or `else`.
        assert_eq!(starts, vec![1, 5, 8, 9, 11]);
    }

    /// What the window proves, a parse of the whole file confirms: over every fixture with a
    /// grammar, small edits near each mention of Whispir (brackets, quotes, separators and
    /// line breaks put in or taken out) are either not proven, or leave the whole file with
    /// no more errors than before. For a longer run, raise the mentions and edits per
    /// file (200 and 300 prove about 60 000 edits in a release build) and change the seed.
    #[test]
    fn what_a_window_proves_a_whole_parse_confirms() {
        let mut files = Vec::new();
        for dir in std::fs::read_dir("fixtures").unwrap().flatten() {
            for entry in std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let path = entry.path();
                let name = path.file_name().unwrap().to_string_lossy().to_lowercase();
                if crate::lang::tree::grammar(&name).is_some() && !name.contains(".fixed") {
                    files.push((name, std::fs::read(&path).unwrap()));
                }
            }
        }
        assert!(files.len() > 50, "{} fixture files", files.len());
        let pieces: &[&str] = &[
            "(", ")", "{", "}", "[", "]", "\"", "'", "`", ",", ";", ":", "\n", " x ", "\n  y\n",
            "#{", "${", "/*", "//", "\\", "end\n", "=",
        ];
        let (mut proven, mut refused) = (0, 0);
        let mut seed = 0x2545_f491_u64;
        for (name, text) in &files {
            let language = crate::lang::tree::grammar(name).unwrap();
            let Some(errors) = crate::lang::tree::error_count(&language, text) else {
                continue;
            };
            let mentions: Vec<usize> = memchr::memmem::find_iter(text, b"whispir").collect();
            for &at in mentions.iter().take(10) {
                for _ in 0..10 {
                    seed = seed
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    let r = (seed >> 33) as usize;
                    let start = (at + r % 160).saturating_sub(80).min(text.len());
                    let removed = if r.is_multiple_of(3) { (r / 7) % 3 } else { 0 };
                    let end = (start + removed).min(text.len());
                    let piece = if removed > 0 && r.is_multiple_of(2) {
                        ""
                    } else {
                        pieces[(r / 11) % pieces.len()]
                    };
                    let mut edited = text[..start].to_vec();
                    edited.extend_from_slice(piece.as_bytes());
                    edited.extend_from_slice(&text[end..]);
                    let change = Change {
                        old: start..end,
                        new_len: piece.len(),
                    };
                    if keeps_syntax(name, &language, text, &edited, &[change]) {
                        proven += 1;
                        let after = crate::lang::tree::error_count(&language, &edited);
                        assert!(
                            after.is_some_and(|a| a <= errors),
                            "{name}: {:?} at {start}..{end} proven by its window, but the file has {after:?} errors, {errors} before",
                            piece
                        );
                    } else {
                        refused += 1;
                    }
                }
            }
        }
        assert!(
            proven > 500 && refused > 500,
            "{proven} proven, {refused} not"
        );
    }

    #[test]
    fn the_walks_for_a_window_stop_a_few_lines_from_the_change() {
        // A list of thousands of lines: the window of a change at its end would be the whole
        // list, and each of thousands of changes walked it.
        let rows = "    1,\n".repeat(20_000);
        let text = format!("x = [\n{rows}]\n");
        let lines = super::Lines(text.as_bytes());
        let last_row = text.len() - "    1,\n]\n".len();
        assert_eq!(
            lines.header_at(last_row, 0, super::Family::Python),
            None,
            "the header is {} KiB away",
            last_row >> 10
        );
        assert_eq!(lines.window_end(6, 4, super::Family::Python), None);
        assert_eq!(lines.enclosing_levels(last_row).last(), Some(4));
        let near = format!("x = [\n{}]\n", "    1,\n".repeat(20));
        let lines = super::Lines(near.as_bytes());
        assert_eq!(
            lines.header_at(near.len() - 9, 0, super::Family::Python),
            Some(0)
        );
    }
}
