//! Whether files of the repository that the scan did not account for name some functions or
//! bindings. Two fixes of `fix --unsafe-fixes` over the whole repository ask before changing
//! what other files may read: a public URL builder (a function returning a URL with the key,
//! fixed with its callers only when no other file calls it) and a value the fix across files
//! changes (its every reader must be one the scan judged).
//!
//! Every walked file is searched, not only those that mention Whispir (the scan's prefilter):
//! a caller's file need not. A name counts where it is a whole identifier (in code, a string
//! or a comment alike; PHP's in any ASCII case, as PHP calls functions), so a doubt counts as
//! a mention. A symbolic link to a file is searched where it leads (the walk does not follow
//! links); one to anything else, or a file the walk or a read could not get through, leaves
//! nothing known.

use super::Mentions;
use crate::discover::{self, Found, WalkOptions};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// How much of a file is read at a time: large files are searched in pieces, not held.
const PIECE: usize = 256 * 1024;

/// A longer name is not searched for (it counts as named): no identifier is that long.
const MAX_NAME: usize = 1024;

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A name to look for, and the file that defines it (as the walk shows paths), whose own
/// mentions do not count.
pub struct Wanted {
    pub file: String,
    pub name: Vec<u8>,
    /// Matched in any ASCII case (PHP's functions and methods).
    pub any_case: bool,
}

/// For each of `wanted`, whether a walked file other than its own and other than those in
/// `accounted` (whose mentions the caller has judged) names it.
pub fn named_elsewhere(
    paths: &[PathBuf],
    walk: &WalkOptions,
    wanted: &[Wanted],
    accounted: &HashSet<&str>,
) -> Vec<bool> {
    let named: Vec<AtomicBool> = wanted.iter().map(|_| AtomicBool::new(false)).collect();
    let found = |display: &str, _: &Path, i: usize| {
        if wanted[i].file != display {
            named[i].store(true, Ordering::Relaxed);
        }
    };
    match search_walk(paths, walk, wanted, accounted, &found) {
        Some(()) => named.into_iter().map(AtomicBool::into_inner).collect(),
        None => vec![true; wanted.len()],
    }
}

/// The walked files, other than those in `accounted`, that name any of `wanted`: display
/// name and path, sorted. `None` when a file could not be searched.
pub fn naming_files(
    paths: &[PathBuf],
    walk: &WalkOptions,
    wanted: &[Wanted],
    accounted: &HashSet<&str>,
) -> Option<Vec<(String, PathBuf)>> {
    let files = std::sync::Mutex::new(Vec::new());
    let found = |display: &str, path: &Path, _: usize| {
        let mut files = files.lock().expect("no panics while locked");
        if files
            .last()
            .is_none_or(|(d, _): &(String, PathBuf)| d != display)
        {
            files.push((display.to_string(), path.to_path_buf()));
        }
    };
    search_walk(paths, walk, wanted, accounted, &found)?;
    let mut files = files.into_inner().expect("no panics while locked");
    // Workers interleave: a file may have been pushed twice.
    files.sort();
    files.dedup();
    Some(files)
}

/// Calls `found` with each walked file outside `accounted` and the index of each name it
/// holds (repeats allowed). `None` when a file could not be searched.
fn search_walk(
    paths: &[PathBuf],
    walk: &WalkOptions,
    wanted: &[Wanted],
    accounted: &HashSet<&str>,
    found: &(dyn Fn(&str, &Path, usize) + Sync),
) -> Option<()> {
    if wanted
        .iter()
        .any(|w| w.name.is_empty() || w.name.len() > MAX_NAME)
    {
        return None;
    }
    if wanted.is_empty() {
        return Some(());
    }
    let names = Names::new(wanted);
    let unsure = AtomicBool::new(false);
    let visit = |file: Found| match file {
        // A dangling link names nothing. A link to a file is searched there; one to a
        // directory leads to files the walk does not read: unknown.
        Found::Skipped { .. } => {}
        Found::Error { .. } => unsure.store(true, Ordering::Relaxed),
        Found::Link { path, .. } if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) => {
            unsure.store(true, Ordering::Relaxed)
        }
        Found::Link { display, path } | Found::File { display, path, .. } => {
            if accounted.contains(display.as_str()) {
                return;
            }
            let mut mark = |i: usize| found(&display, &path, i);
            if search(&path, &names, &mut mark).is_err() {
                unsure.store(true, Ordering::Relaxed);
            }
        }
    };
    (discover::walk(paths, walk, &visit).is_ok() && !unsure.into_inner()).then_some(())
}

/// The names, indexed for a look-up per identifier.
struct Names<'w> {
    exact: HashMap<&'w [u8], Vec<usize>>,
    /// Lower-cased.
    any_case: HashMap<Vec<u8>, Vec<usize>>,
    longest: usize,
    /// Skips pieces that hold none of the names; only when every name's case counts.
    prefilter: Option<Mentions>,
}

impl<'w> Names<'w> {
    fn new(wanted: &'w [Wanted]) -> Names<'w> {
        let mut exact: HashMap<&[u8], Vec<usize>> = HashMap::new();
        let mut any_case: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
        for (i, w) in wanted.iter().enumerate() {
            match w.any_case {
                true => any_case
                    .entry(w.name.to_ascii_lowercase())
                    .or_default()
                    .push(i),
                false => exact.entry(&w.name).or_default().push(i),
            }
        }
        let longest = wanted.iter().map(|w| w.name.len()).max().unwrap_or(0);
        let prefilter = any_case
            .is_empty()
            .then(|| Mentions::new(exact.keys().copied()));
        Names {
            exact,
            any_case,
            longest,
            prefilter,
        }
    }

    /// Calls `mark` for each name among the identifiers of `text`.
    fn find(&self, text: &[u8], mark: &mut dyn FnMut(usize)) {
        if self.prefilter.as_ref().is_some_and(|m| !m.in_text(text)) {
            return;
        }
        for word in text.split(|&b| !is_identifier_byte(b)) {
            if word.is_empty() || word.len() > self.longest {
                continue;
            }
            let found = self.exact.get(word).into_iter().chain(
                (!self.any_case.is_empty())
                    .then(|| self.any_case.get(&word.to_ascii_lowercase()))
                    .flatten(),
            );
            for &i in found.flatten() {
                mark(i);
            }
        }
    }
}

/// A byte of an identifier in the languages searched: `$` joins a JavaScript name. A byte of
/// a UTF-8 sequence does not, so `“report_url”` still names `report_url` (a name that holds
/// such a letter then counts inside a longer word: a doubt, counted as a mention).
fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// Calls `mark` with the index of each name `path` holds (repeats allowed). An identifier
/// the end of a piece cuts is carried into the next one: whole when it could still be a name,
/// else as many bytes as make it too long for one.
fn search(path: &Path, names: &Names, mark: &mut dyn FnMut(usize)) -> std::io::Result<()> {
    let mut f = crate::engine::open_to_scan(path, false)?;
    BUFFER.with_borrow_mut(|buf| {
        buf.resize(PIECE, 0);
        let mut kept = 0;
        let mut read: u64 = 0;
        loop {
            let filled = kept + read_full(&mut f, &mut buf[kept..])?;
            // UTF-16 (a byte order mark) is searched decoded, as the scan reads it.
            if read == 0 && crate::encoding::utf16_bom(&buf[..filled]).is_some() {
                let mut bytes = buf[..filled].to_vec();
                names.find(&decoded(f, &mut bytes)?, mark);
                return Ok(());
            }
            read += (filled - kept) as u64;
            if read > crate::engine::MAX_FILE_SIZE {
                return Err(std::io::Error::other("too large to search"));
            }
            if filled < buf.len() {
                names.find(&buf[..filled], mark);
                return Ok(());
            }
            let cut = buf
                .iter()
                .rposition(|&b| !is_identifier_byte(b))
                .map_or(0, |at| at + 1);
            names.find(&buf[..cut], mark);
            kept = (filled - cut).min(names.longest + 1);
            buf.copy_within(filled - kept..filled, 0);
        }
    })
}

/// A file's text as the scan reads it (UTF-16 decoded), whole: for the few files a caller
/// reads again to judge.
pub fn read_text(path: &Path) -> std::io::Result<Vec<u8>> {
    let f = crate::engine::open_to_scan(path, false)?;
    decoded(f, &mut Vec::new())
}

/// The rest of `f` after `bytes` (what was read of it), UTF-16 decoded.
fn decoded(f: std::fs::File, bytes: &mut Vec<u8>) -> std::io::Result<Vec<u8>> {
    crate::engine::read_capped(f, bytes).map_err(std::io::Error::other)?;
    Ok(match crate::encoding::utf16_bom(bytes) {
        Some(big_endian) => crate::encoding::decode_utf16(bytes, big_endian).0,
        None => std::mem::take(bytes),
    })
}

/// Reads until `buf` is full or the file ends; how many bytes were read.
fn read_full(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match f.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    fn walk_options() -> WalkOptions {
        WalkOptions {
            no_ignore: false,
            force_exclude: false,
            threads: 2,
            excludes: Vec::new(),
            implicit_root: false,
        }
    }

    fn shown(root: &Path, file: &str) -> String {
        root.join(file).to_string_lossy().into_owned()
    }

    fn wanted(root: &Path, file: &str, name: &str, any_case: bool) -> Wanted {
        Wanted {
            file: shown(root, file),
            name: name.as_bytes().to_vec(),
            any_case,
        }
    }

    fn named(root: &Path, wanted: &[Wanted], accounted: &[&str]) -> Vec<bool> {
        let accounted: Vec<String> = accounted.iter().map(|f| shown(root, f)).collect();
        let accounted: HashSet<&str> = accounted.iter().map(String::as_str).collect();
        named_elsewhere(&[root.to_path_buf()], &walk_options(), wanted, &accounted)
    }

    #[test]
    fn a_name_counts_as_a_whole_identifier_in_another_file_even_across_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("client.py"),
            "def report_url(): ...\nreport_url()\n",
        )
        .unwrap();
        // Longer identifiers, and another case where case counts.
        std::fs::write(root.join("settings.py"), "REPORT_URL = report_url_v2\n").unwrap();
        // PHP's names are the same in any case.
        std::fs::write(root.join("jobs.php"), "<?php Messages::ReportUrl(1);\n").unwrap();
        // A call the end of the first piece cuts in two, in a file that never says Whispir.
        let mut cut = " ".repeat(PIECE - 5);
        cut.push_str("status_link(1)\n");
        std::fs::write(root.join("jobs.py"), cut).unwrap();
        // An identifier longer than a piece that ends with a name is not that name.
        let mut long = "a".repeat(PIECE + 10);
        long.push_str("event_link(1)\n");
        std::fs::write(root.join("long.py"), long).unwrap();
        let wanted = [
            wanted(root, "client.py", "report_url", false),
            wanted(root, "client.py", "status_link", false),
            wanted(root, "client.py", "event_link", false),
            wanted(root, "Messages.php", "reporturl", true),
        ];
        assert_eq!(named(root, &wanted, &[]), [false, true, false, true]);
        // Files the caller has judged are not searched.
        assert_eq!(
            named(root, &wanted, &["jobs.py", "jobs.php"]),
            [false, false, false, false]
        );
    }

    #[test]
    fn a_name_counts_beside_non_ascii_letters_and_in_a_utf16_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("notes.py"),
            "# see «cancel_url» and 调用report_url获取\n",
        )
        .unwrap();
        // `Other.cs` in UTF-16, byte order mark first.
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "class Other { string U() => Client.StatusUrl(\"1\"); }".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        std::fs::write(root.join("Other.cs"), utf16).unwrap();
        let wanted = [
            wanted(root, "client.py", "cancel_url", false),
            wanted(root, "client.py", "report_url", false),
            wanted(root, "Client.cs", "StatusUrl", false),
            wanted(root, "Client.cs", "EventUrl", false),
        ];
        assert_eq!(named(root, &wanted, &[]), [true, true, true, false]);
    }

    #[test]
    fn a_file_that_cannot_be_searched_or_a_name_too_long_leaves_names_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("client.py"), "def report_url(): ...\n").unwrap();
        let one = [wanted(root, "client.py", "report_url", false)];
        assert_eq!(named(root, &one, &[]), [false]);
        let long = "u".repeat(MAX_NAME + 1);
        let two = [
            wanted(root, "client.py", "report_url", false),
            wanted(root, "client.py", &long, false),
        ];
        assert_eq!(named(root, &two, &[]), [true, true]);
        // A link to a file outside the tree is searched there; one to a directory is unknown.
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("jobs.py"), "report_url()\n").unwrap();
        std::os::unix::fs::symlink(outside.path().join("jobs.py"), root.join("jobs.py")).unwrap();
        assert_eq!(named(root, &one, &[]), [true]);
        std::fs::remove_file(root.join("jobs.py")).unwrap();
        std::fs::write(outside.path().join("jobs.py"), "pass\n").unwrap();
        std::os::unix::fs::symlink(outside.path().join("jobs.py"), root.join("jobs.py")).unwrap();
        assert_eq!(named(root, &one, &[]), [false]);
        std::os::unix::fs::symlink(outside.path(), root.join("lib")).unwrap();
        assert_eq!(named(root, &one, &[]), [true]);
        std::fs::remove_file(root.join("lib")).unwrap();
        // A file the walk cannot name (not UTF-8): what it holds is unknown.
        let odd = std::ffi::OsStr::from_bytes(b"jobs\xff.py");
        std::fs::write(root.join(odd), "pass\n").unwrap();
        assert_eq!(named(root, &one, &[]), [true]);
    }
}
