//! A Python module's top-level statements, each parsed on its own when a question first
//! needs it. Most questions the request model asks of a tree look no further than the
//! function around a byte (which function holds it, is a name a local used once there), and
//! a 400 KB module with one request would otherwise be parsed whole for them: that parse was
//! most of what `fix --region` spends over `check` on the benchmark corpus.
//!
//! Python is cut where its own grammar cuts: a line that starts at column 0 with code, outside
//! every bracket and after no backslash, begins a new top-level statement, unless it is the
//! next clause of the one before (`else:`, `except:`) or follows a decorator. The tokens
//! (which know where strings and comments are) find those lines. A statement is parsed with
//! tree-sitter's included ranges, so its nodes keep the file's byte offsets, and its tree is
//! used only when it parsed without an error and begins where the statement does: anything
//! else falls back to the whole file's tree.

use super::Parsed;
use crate::lang::tokens::{is_close, is_open};
use crate::lang::{TokKind, Token};
use std::cell::OnceCell;
use std::ops::Range;
use tree_sitter::{Language, Point, Tree};

/// Statement trees a file keeps: a file whose questions reach more statements than this is
/// asked about in its whole tree. Most files ask about one or two functions; a generated
/// module of thousands of requests would otherwise hold a tree per statement besides the
/// file's.
const TREES_KEPT: usize = 32;

/// A file's top-level statements, and the trees of those parsed so far.
pub struct Statements {
    language: Language,
    /// Where each statement begins, and its row; the file's end closes the last one.
    starts: Vec<(u32, u32)>,
    /// The file's end, as a byte offset and a point.
    end: (usize, Point),
    /// The statements parsed so far, by index, and their trees (`None`: it did not parse
    /// cleanly alone).
    trees: [OnceCell<(usize, Option<Parsed>)>; TREES_KEPT],
}

impl std::fmt::Debug for Statements {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Statements({})", self.starts.len())
    }
}

/// Clauses that continue the compound statement above them at the same indentation.
const NEXT_CLAUSES: &[&[u8]] = &[b"else", b"elif", b"except", b"finally"];

impl Statements {
    /// The top-level statements of `src`, a file in `language`, by its tokens; `None` for a
    /// language whose statements are not cut here (all but Python).
    pub fn of_file(language: &Language, src: &[u8], tokens: &[Token]) -> Option<Statements> {
        if *language != Language::new(tree_sitter_python::LANGUAGE) || tokens.is_empty() {
            return None;
        }
        let mut starts: Vec<(u32, u32)> = Vec::new();
        let (mut row, mut counted) = (0, 0);
        let mut after_decorator = false;
        // Brackets open before the token (a closing one counts the bracket it closes).
        let mut depth = 0usize;
        for t in tokens {
            let inside = depth > 0;
            if is_open(src, t) {
                depth += 1;
            } else if is_close(src, t) {
                depth = depth.saturating_sub(1);
            }
            let at = t.start();
            let at_line_start = at == 0 || src[at - 1] == b'\n';
            if !at_line_start || matches!(t.kind, TokKind::Comment | TokKind::Newline) {
                continue;
            }
            if inside || continues_line(src, at) {
                continue;
            }
            let text = t.text(src);
            if t.kind == TokKind::Ident && NEXT_CLAUSES.contains(&text) {
                continue;
            }
            let decorator = text == b"@";
            if !std::mem::replace(&mut after_decorator, decorator) {
                row += memchr::memchr_iter(b'\n', &src[counted..at]).count();
                counted = at;
                // Offsets fit: a file is at most `engine::MAX_FILE_SIZE`, 256 MiB.
                starts.push((at as u32, row as u32));
            }
        }
        row += memchr::memchr_iter(b'\n', &src[counted..]).count();
        let last_line = memchr::memrchr(b'\n', src).map_or(0, |i| i + 1);
        let end = (src.len(), Point::new(row, src.len() - last_line));
        Some(Statements {
            language: language.clone(),
            starts,
            end,
            trees: Default::default(),
        })
    }

    /// A tree holding the whole top-level statement around every byte of `at`, when one
    /// statement holds them all, it parses cleanly on its own, and the file has not asked
    /// about `TREES_KEPT` other statements already.
    pub fn tree_holding(&self, src: &[u8], at: &[usize]) -> Option<&Tree> {
        let (&first, rest) = at.split_first()?;
        let k = self
            .starts
            .partition_point(|&(s, _)| s as usize <= first)
            .checked_sub(1)?;
        let range = self.range(k);
        if !rest.iter().all(|a| range.contains(a)) || !range.contains(&first) {
            return None;
        }
        for slot in &self.trees {
            let (parsed, tree) = slot.get_or_init(|| (k, self.parse(src, k)));
            if *parsed == k {
                return tree.as_deref();
            }
        }
        None
    }

    fn range(&self, k: usize) -> Range<usize> {
        let end = self
            .starts
            .get(k + 1)
            .map_or(self.end.0, |&(s, _)| s as usize);
        self.starts[k].0 as usize..end
    }

    fn parse(&self, src: &[u8], k: usize) -> Option<Parsed> {
        let (start, row) = self.starts[k];
        let (end, end_point) = match self.starts.get(k + 1) {
            Some(&(s, r)) => (s as usize, Point::new(r as usize, 0)),
            None => self.end,
        };
        let start = start as usize;
        let range = tree_sitter::Range {
            start_byte: start,
            end_byte: end,
            start_point: Point::new(row as usize, 0),
            end_point,
        };
        let parsed = super::parse_range(&self.language, src, range).ok()?;
        let root = parsed.root_node();
        let begins_here = root.named_child(0).is_some_and(|c| c.start_byte() == start);
        (!root.has_error() && begins_here).then_some(parsed)
    }
}

/// The line ending just before `at` ends in a backslash: `at` continues it.
fn continues_line(src: &[u8], at: usize) -> bool {
    let before = &src[..at.saturating_sub(1)];
    let before = before.strip_suffix(b"\r").unwrap_or(before);
    before.last() == Some(&b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statements(src: &str) -> (Statements, Vec<Token>) {
        let lang = crate::lang::for_file_name("m.py");
        let tokens = lang.tokenize(src.as_bytes());
        let language = Language::new(tree_sitter_python::LANGUAGE);
        let s = Statements::of_file(&language, src.as_bytes(), &tokens).unwrap();
        (s, tokens)
    }

    fn lines_starting(src: &str) -> Vec<usize> {
        let (s, _) = statements(src);
        s.starts
            .iter()
            .map(|&(at, row)| {
                let (at, row) = (at as usize, row as usize);
                assert_eq!(row, src[..at].matches('\n').count(), "row of {at}");
                row + 1
            })
            .collect()
    }

    #[test]
    fn statements_start_at_column_zero_outside_brackets_strings_and_clauses() {
        let src = "\
import requests

@retry
@log
def send(key):
    url = f\"https://api.whispir.com/m?apikey={key}\"
    return requests.get(url)
\"\"\"
def not_code():
\"\"\"
X = [
1,
]
if X:
    pass
else:
    pass
try:
    pass
except Exception:
    pass
Y = 1 + \\
2
# def commented():
class C:
    def m(self):
        pass
";
        assert_eq!(lines_starting(src), [1, 3, 8, 11, 14, 18, 22, 25]);
    }

    #[test]
    fn a_statement_tree_keeps_the_files_offsets_and_answers_for_its_functions() {
        let src = "A = 1\n\ndef f(k):\n    u = 'https://api.whispir.com/m?apikey=' + k\n    return g(u)\n\nB = 2\n";
        let (s, _) = statements(src);
        let at = src.find("u =").unwrap();
        let use_at = src.rfind("(u)").unwrap() + 1;
        let tree = s.tree_holding(src.as_bytes(), &[at, use_at]).unwrap();
        let def = src.find("def").unwrap();
        let function = super::super::enclosing_function(tree, at).unwrap();
        assert_eq!(function.start, def);
        assert!(super::super::is_single_use_local(
            tree,
            src.as_bytes(),
            at,
            use_at
        ));
        // Bytes of two statements are not held by one.
        assert!(s.tree_holding(src.as_bytes(), &[0, at]).is_none());
    }

    #[test]
    fn a_statement_that_does_not_parse_alone_gives_no_tree() {
        let src = "def f(x):\n    return x +\nA = 1\n";
        let (s, _) = statements(src);
        assert!(s.tree_holding(src.as_bytes(), &[4]).is_none());
        assert!(
            s.tree_holding(src.as_bytes(), &[src.find('A').unwrap()])
                .is_some()
        );
    }

    #[test]
    fn a_file_keeps_trees_for_a_bounded_number_of_statements() {
        let src: String = (0..TREES_KEPT + 8)
            .map(|i| format!("def f{i}(k):\n    return k\n"))
            .collect();
        let (s, _) = statements(&src);
        let def = |i: usize| src.find(&format!("def f{i}(")).unwrap();
        for i in 0..TREES_KEPT {
            assert!(s.tree_holding(src.as_bytes(), &[def(i)]).is_some(), "f{i}");
        }
        assert!(s.tree_holding(src.as_bytes(), &[def(TREES_KEPT)]).is_none());
        // Those already parsed still answer.
        assert!(s.tree_holding(src.as_bytes(), &[def(3) + 4]).is_some());
    }

    /// For every fixture in Python, and at every token of it, the statement's own tree gives
    /// the same enclosing function as the whole file's tree, and the same answer on whether
    /// a name is a local used once, for pairs of occurrences of a name in one statement.
    /// Longer, locally: `WM_STATEMENTS_CORPUS=<dir> cargo test --release --lib statements`.
    #[test]
    fn a_statement_tree_answers_as_the_whole_files_tree() {
        let mut asked = 0;
        let mut sources: Vec<(String, Vec<u8>)> = walk_python_fixtures()
            .into_iter()
            .map(|path| (path.display().to_string(), std::fs::read(&path).unwrap()))
            .collect();
        sources.push(("awkward shapes".into(), AWKWARD.as_bytes().to_vec()));
        for (entry, src) in sources {
            let Ok(text) = std::str::from_utf8(&src) else {
                continue;
            };
            let (mut s, tokens) = statements(text);
            let Some(whole) = super::super::parse("m.py", &src) else {
                continue;
            };
            // A tree of the statement holding `at`, starting over once the file's trees
            // are all taken, so that every statement of a large file is asked about.
            let mut tree_of = |at: &[usize]| -> Option<Tree> {
                if s.trees.iter().all(|t| t.get().is_some()) {
                    s = statements(text).0;
                }
                s.tree_holding(&src, at).cloned()
            };
            for t in &tokens {
                let Some(tree) = tree_of(&[t.start()]) else {
                    continue;
                };
                asked += 1;
                assert_eq!(
                    super::super::enclosing_function(&tree, t.start()),
                    super::super::enclosing_function(&whole, t.start()),
                    "{} at {}",
                    entry,
                    t.start()
                );
            }
            // Pairs of occurrences of a name close enough to share a statement.
            let names: Vec<&Token> = tokens.iter().filter(|t| t.kind == TokKind::Ident).collect();
            for (i, a) in names.iter().enumerate() {
                for b in names[i + 1..]
                    .iter()
                    .take(200)
                    .filter(|b| b.text(&src) == a.text(&src))
                {
                    let Some(tree) = tree_of(&[a.start(), b.start()]) else {
                        continue;
                    };
                    assert_eq!(
                        super::super::is_single_use_local(&tree, &src, a.start(), b.start()),
                        super::super::is_single_use_local(&whole, &src, a.start(), b.start()),
                        "{} at {} and {}",
                        entry,
                        a.start(),
                        b.start()
                    );
                }
            }
        }
        assert!(asked > 1000, "only {asked} tokens had a statement tree");
    }

    /// Lines at column 0 that do not begin a statement, and statements that do not look
    /// like one.
    const AWKWARD: &str = r#"import os, requests; BASE = "https://api.whispir.com"
URL = ("https://api.whispir.com/m"
"?apikey=" + os.environ["K"])
DOC = """
def inside_a_string(url):
    return requests.get(url)
"""
def f(key):
    url = f"{BASE}/m?apikey={key}&x={ {'a': 1}['a'] }"
# a comment at column 0 inside the function
    return requests.get(url,
headers={"x-api-key": key})
total = 1 + \
    2
@staticmethod
# between a decorator and its function
def g(key): url = BASE + "?apikey=" + key; return requests.get(url)
class C:
    def m(self, key):
        global URL
        URL = BASE + "?apikey=" + key
        return requests.get(URL)

    def n(self, key):
        url = BASE
        def inner():
            nonlocal url
            url = url + "?apikey=" + key
        inner()
        return requests.get(url)
if __name__ == "__main__":
    f("k")
elif os.environ.get("X"):
    g("k")
else:
    pass
h = lambda key: requests.get(BASE + "?apikey=" + key)
"#;

    /// The Python fixtures, and for a longer local run the Python files under the
    /// directory `WM_STATEMENTS_CORPUS` names (a benchmark corpus, say).
    fn walk_python_fixtures() -> Vec<std::path::PathBuf> {
        let mut found = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
        dirs.extend(std::env::var_os("WM_STATEMENTS_CORPUS").map(std::path::PathBuf::from));
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "py") {
                    found.push(path);
                }
            }
        }
        found
    }
}
