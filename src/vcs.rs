//! Git is the user's undo: like `cargo fix`, `fix` writes only files whose last committed
//! version git holds, unless `--allow-dirty`. It fails closed: when git cannot answer, nothing
//! is written.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Why git could not undo a rewrite of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoUndo {
    /// Modified or staged since the last commit.
    Uncommitted,
    /// Untracked or gitignored (`.env`): git holds no copy.
    NotTracked,
    /// Not inside a git work tree at all.
    NoWorkTree,
}

impl std::fmt::Display for NoUndo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NoUndo::Uncommitted => "uncommitted changes",
            NoUndo::NotTracked => "not tracked by git (untracked or ignored)",
            NoUndo::NoWorkTree => "not in a git work tree",
        })
    }
}

/// Git could not tell which files are safe to rewrite.
#[derive(Debug, thiserror::Error)]
pub enum VcsError {
    #[error("cannot run git for {root}: {cause}")]
    GitUnavailable { root: PathBuf, cause: String },
    #[error("`git {command}` failed in {root}: {message}")]
    GitFailed {
        root: PathBuf,
        command: &'static str,
        message: String,
    },
}

/// The work tree root holding `abs` (a canonical path), if any.
fn work_tree(abs: &Path) -> Option<&Path> {
    abs.ancestors().skip(1).find(|d| d.join(".git").exists())
}

/// The files among `paths` that git could not restore, each with the reason, sorted.
pub fn files_without_undo(paths: &[PathBuf]) -> Result<Vec<(PathBuf, NoUndo)>, VcsError> {
    let mut by_root: HashMap<PathBuf, Vec<(&PathBuf, PathBuf)>> = HashMap::new();
    let mut refused = Vec::new();
    for p in paths {
        let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        match work_tree(&abs) {
            Some(root) => by_root
                .entry(root.to_path_buf())
                .or_default()
                .push((p, abs.clone())),
            None => refused.push((p.clone(), NoUndo::NoWorkTree)),
        }
    }
    for (root, files) in by_root {
        let tracked = paths_listed(&root, "ls-files", &["ls-files", "-z", "--full-name"], false)?;
        let changed = paths_listed(
            &root,
            "status",
            &["status", "--porcelain=v1", "-z", "--untracked-files=no"],
            true,
        )?;
        for (p, abs) in files {
            if !tracked.contains(&abs) {
                refused.push((p.clone(), NoUndo::NotTracked));
            } else if changed.contains(&abs) {
                refused.push((p.clone(), NoUndo::Uncommitted));
            }
        }
    }
    refused.sort();
    Ok(refused)
}

/// Runs git in `root` and returns the NUL-separated paths it prints, made absolute. `status`
/// output carries a two-letter state before each path, and a second path after renames.
fn paths_listed(
    root: &Path,
    command: &'static str,
    args: &[&str],
    status: bool,
) -> Result<HashSet<PathBuf>, VcsError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| VcsError::GitUnavailable {
            root: root.to_path_buf(),
            cause: crate::discover::io_cause(&e),
        })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(VcsError::GitFailed {
            root: root.to_path_buf(),
            command,
            message: match stderr.trim() {
                "" => format!("exit status {}", out.status),
                text => text.replace('\n', " / "),
            },
        });
    }
    let mut listed = HashSet::new();
    let mut fields = out.stdout.split(|&b| b == 0).filter(|f| !f.is_empty());
    while let Some(field) = fields.next() {
        let rel = if status {
            let (state, rel) = (field.get(..2).unwrap_or(b""), field.get(3..).unwrap_or(b""));
            if state.contains(&b'R') || state.contains(&b'C') {
                fields.next(); // the old name
            }
            rel
        } else {
            field
        };
        listed.insert(root.join(OsStr::from_bytes(rel)));
    }
    Ok(listed)
}

/// `dir` is the top of its git work tree, or lies in none (then it is the whole of what the
/// user gave us). A base URL there serves nothing the run did not see.
pub fn is_repository_root(dir: &Path) -> bool {
    match work_tree_of(dir) {
        Some(top) => std::fs::canonicalize(dir).is_ok_and(|d| d == top),
        None => true,
    }
}

/// The work tree holding `dir` itself (which may be the root).
fn work_tree_of(dir: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(dir).ok()?;
    abs.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}
