//! One file's bytes and the arithmetic to turn byte offsets into lines and columns.
//! Files are kept as bytes: non-UTF-8 text (Latin-1, Windows-1252) is scanned as it is.

use std::ops::Range;
use std::path::PathBuf;

/// How many leading bytes are inspected for a NUL to call a file binary (as git and ripgrep do).
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;

#[derive(Clone)]
pub struct SourceFile {
    /// The path as shown to the user: as given on the command line, joined with the walked part.
    pub display_path: String,
    /// The path used to open the file.
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// Read from a stream named on the command line (a FIFO, a device): never written back.
    pub stream: bool,
    /// How the file stores its text: `bytes` are decoded from UTF-16 when it is that.
    pub encoding: crate::encoding::Encoding,
    line_starts: Vec<usize>,
    /// Characters before every `CHECKPOINT`-th byte, built when a long line is first asked
    /// for a column: columns on a minified line cost O(CHECKPOINT), not O(line).
    checkpoints: std::sync::OnceLock<Vec<(usize, usize)>>,
}

/// Spacing of the character-count checkpoints, in bytes.
const CHECKPOINT: usize = 4096;

/// A 1-based line and column; columns count Unicode scalar values (an invalid UTF-8 byte
/// counts as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(display_path: String, path: PathBuf, bytes: Vec<u8>) -> SourceFile {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', &bytes).map(|i| i + 1));
        SourceFile {
            display_path,
            path,
            bytes,
            stream: false,
            encoding: crate::encoding::Encoding::AsRead,
            line_starts,
            checkpoints: std::sync::OnceLock::new(),
        }
    }

    /// Lowercased file name, for language detection.
    pub fn file_name(&self) -> String {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        name.unwrap_or_else(|| self.display_path.clone())
            .to_ascii_lowercase()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte range of a 0-based line, without its line terminator (`\n` or `\r\n`).
    pub fn line_range(&self, index: usize) -> Range<usize> {
        let start = self.line_starts[index];
        let mut end = self
            .line_starts
            .get(index + 1)
            .map_or(self.bytes.len(), |s| s - 1);
        if end > start && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    pub fn line_text(&self, index: usize) -> &[u8] {
        &self.bytes[self.line_range(index)]
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.bytes.len());
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let column = if offset - start <= 2 * CHECKPOINT {
            count_chars(&self.bytes[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// `count_chars(&bytes[..offset])`, from the nearest checkpoint. Checkpoints sit on bytes
    /// that start a character (or are invalid on their own), where counts add up exactly.
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = self.checkpoints.get_or_init(|| {
            let mut out = vec![(0, 0)];
            let mut at = CHECKPOINT;
            while at < self.bytes.len() {
                while at < self.bytes.len() && self.bytes[at] & 0xC0 == 0x80 {
                    at += 1;
                }
                let &(last, chars) = out.last().expect("non-empty");
                out.push((at, chars + count_chars(&self.bytes[last..at])));
                at += CHECKPOINT;
            }
            out
        });
        let i = checkpoints.partition_point(|&(at, _)| at <= offset) - 1;
        let (at, chars) = checkpoints[i];
        chars + count_chars(&self.bytes[at..offset])
    }
}

/// Counts Unicode scalar values; each byte of an invalid sequence counts as one.
pub fn count_chars(bytes: &[u8]) -> usize {
    let mut n = 0;
    for chunk in bytes.utf8_chunks() {
        n += chunk.valid().chars().count() + chunk.invalid().len();
    }
    n
}

pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF_LEN)]).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &[u8]) -> SourceFile {
        SourceFile::new("t".into(), "t".into(), text.to_vec())
    }

    #[test]
    fn lines_and_columns_with_crlf_and_multibyte() {
        let f = file("ab\r\nçé x\r\nlast".as_bytes());
        assert_eq!(f.line_count(), 3);
        assert_eq!(f.line_text(0), b"ab");
        assert_eq!(f.line_text(1), "çé x".as_bytes());
        assert_eq!(f.line_text(2), b"last");
        let x = f.bytes.iter().position(|&b| b == b'x').unwrap();
        assert_eq!(f.line_col(x), LineCol { line: 2, column: 4 });
    }

    #[test]
    fn latin1_bytes_count_as_one_column() {
        let f = file(b"caf\xe9 x");
        assert_eq!(f.line_col(5), LineCol { line: 1, column: 6 });
    }

    #[test]
    fn columns_on_long_lines_match_a_plain_count() {
        let mut text = b"x\n".to_vec();
        for i in 0..20_000 {
            text.extend_from_slice(match i % 4 {
                0 => "é".as_bytes(),
                1 => b"\xe2\x82",
                2 => "€".as_bytes(),
                _ => b"a",
            });
        }
        let f = file(&text);
        for offset in [2, 4097, 8191, 9000, 12_345, 30_000, text.len()] {
            let want = count_chars(&text[2..offset]) + 1;
            assert_eq!(f.line_col(offset).column, want, "{offset}");
        }
    }

    #[test]
    fn binary_sniff() {
        assert!(looks_binary(b"PK\x03\x04\x00"));
        assert!(!looks_binary(b"plain text"));
    }
}
