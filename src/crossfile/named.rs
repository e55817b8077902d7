//! Whether any other file of the repository names a function. A public URL builder (a
//! function returning a URL with the key, which other files could call) is fixed with its
//! callers only when none does: `fix --unsafe-fixes` over the whole repository asks here.
//!
//! Every walked file is searched, not only those that mention Whispir (the scan's
//! prefilter): a caller's file need not. Names are matched as bytes, inside longer words too
//! (PHP's in any ASCII case, as PHP calls them), so a doubt always counts as a mention. So
//! does a file the walk or a read could not get through: then nothing is known.

use crate::discover::{self, Found, WalkOptions};
use aho_corasick::AhoCorasick;
use std::cell::RefCell;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// More names than this are not searched for (all count as named): the automaton's build
/// grows with the square of names that share a prefix, and a repository with this many public
/// URL builders is not one to fix unseen.
const MAX_NAMES: usize = 4096;

/// How much of a file is read at a time: large files are searched in pieces, not held.
const PIECE: usize = 256 * 1024;

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A function to look for: the file that defines it (as the walk shows paths) and its name.
pub struct Wanted {
    pub file: String,
    pub name: Vec<u8>,
    /// Matched in any ASCII case (PHP's functions and methods).
    pub any_case: bool,
}

/// For each of `wanted`, whether a walked file other than its own names it.
pub fn named_elsewhere(paths: &[PathBuf], walk: &WalkOptions, wanted: &[Wanted]) -> Vec<bool> {
    let everywhere = vec![true; wanted.len()];
    if wanted.is_empty() || wanted.len() > MAX_NAMES || wanted.iter().any(|w| w.name.is_empty()) {
        return everywhere;
    }
    // In any case for all, then checked for the names whose case counts.
    let Ok(names) = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(wanted.iter().map(|w| &w.name))
    else {
        return everywhere;
    };
    let longest = wanted.iter().map(|w| w.name.len()).max().unwrap_or(1);
    let named: Vec<AtomicBool> = wanted.iter().map(|_| AtomicBool::new(false)).collect();
    let unsure = AtomicBool::new(false);
    let visit = |found: Found| match found {
        Found::Skipped { .. } => {}
        Found::Error { .. } => unsure.store(true, Ordering::Relaxed),
        Found::File { display, path, .. } => {
            let mut mark = |i: usize, found: &[u8]| {
                let w = &wanted[i];
                if w.file != display && (w.any_case || found == w.name) {
                    named[i].store(true, Ordering::Relaxed);
                }
            };
            if search(&path, &names, longest, &mut mark).is_err() {
                unsure.store(true, Ordering::Relaxed);
            }
        }
    };
    if discover::walk(paths, walk, &visit).is_err() || unsure.into_inner() {
        return everywhere;
    }
    named.into_iter().map(AtomicBool::into_inner).collect()
}

/// Calls `mark` with the index of each name `path` holds, and the text found (in any case;
/// repeats allowed). Each piece
/// starts with the end of the one before, so a name split between two is found.
fn search(
    path: &Path,
    names: &AhoCorasick,
    longest: usize,
    mark: &mut dyn FnMut(usize, &[u8]),
) -> std::io::Result<()> {
    let mut f = crate::engine::open_to_scan(path, false)?;
    let overlap = longest - 1;
    BUFFER.with_borrow_mut(|buf| {
        buf.resize(PIECE + overlap, 0);
        let mut kept = 0;
        let mut read: u64 = 0;
        loop {
            let mut filled = kept;
            while filled < buf.len() {
                match f.read(&mut buf[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            read += (filled - kept) as u64;
            if read > crate::engine::MAX_FILE_SIZE {
                return Err(std::io::Error::other("too large to search"));
            }
            for m in names.find_overlapping_iter(&buf[..filled]) {
                mark(m.pattern().as_usize(), &buf[m.range()]);
            }
            if filled < buf.len() {
                return Ok(());
            }
            kept = overlap.min(filled);
            buf.copy_within(filled - kept..filled, 0);
        }
    })
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

    #[test]
    fn a_name_counts_only_in_other_files_in_any_case_and_split_between_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("client.py"),
            "def report_url(): ...\nreport_url()\n",
        )
        .unwrap();
        // Another name in another case; PHP's names are the same in any case.
        std::fs::write(root.join("settings.py"), "REPORT_URL = 1\n").unwrap();
        std::fs::write(root.join("jobs.php"), "<?php Messages::reportUrl(1);\n").unwrap();
        // A caller that never says Whispir, its call past the first piece.
        let mut far = "x".repeat(PIECE - 3);
        far.push_str("status_link(1)\n");
        std::fs::write(root.join("jobs.py"), far).unwrap();
        let shown = |f: &str| root.join(f).to_string_lossy().into_owned();
        let wanted = |file: &str, name: &str, any_case: bool| Wanted {
            file: shown(file),
            name: name.as_bytes().to_vec(),
            any_case,
        };
        let wanted = [
            wanted("client.py", "report_url", false),
            wanted("client.py", "status_link", false),
            wanted("client.py", "never_called", false),
            wanted("Messages.php", "reporturl", true),
        ];
        let named = named_elsewhere(&[root.to_path_buf()], &walk_options(), &wanted);
        assert_eq!(named, [false, true, false, true]);
    }

    #[test]
    fn an_unreadable_file_or_too_many_names_leave_every_name_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("client.py"), "def report_url(): ...\n").unwrap();
        let shown = root.join("client.py").to_string_lossy().into_owned();
        let wanted = |name: String| Wanted {
            file: shown.clone(),
            name: name.into_bytes(),
            any_case: false,
        };
        let one = [wanted("report_url".into())];
        let many: Vec<_> = (0..=MAX_NAMES).map(|i| wanted(format!("url{i}"))).collect();
        assert!(
            named_elsewhere(&[root.to_path_buf()], &walk_options(), &many)
                .iter()
                .all(|&n| n)
        );
        assert_eq!(
            named_elsewhere(&[root.to_path_buf()], &walk_options(), &one),
            [false]
        );
        // A file the walk cannot name (not UTF-8): what it holds is unknown.
        let odd = std::ffi::OsStr::from_bytes(b"jobs\xff.py");
        std::fs::write(root.join(odd), "pass\n").unwrap();
        assert_eq!(
            named_elsewhere(&[root.to_path_buf()], &walk_options(), &one),
            [true]
        );
    }
}
