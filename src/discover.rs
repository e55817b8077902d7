//! File discovery: walks the given paths in parallel with the `ignore` crate and hands each
//! candidate file to a callback on a worker thread. Walking knows nothing about Whispir.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};

#[derive(Clone)]
pub struct WalkOptions {
    pub no_ignore: bool,
    pub force_exclude: bool,
    pub threads: usize,
    /// Exclude globs (gitignore syntax), each list anchored at its directory: the config
    /// file's for `exclude`/`extend-exclude`, the current directory's for `--exclude`.
    pub excludes: Vec<(PathBuf, Vec<String>)>,
    /// No path was given and `.` is walked: paths are shown relative to it, without `./`.
    pub implicit_root: bool,
}

/// A file to scan, a path passed over, or a problem found while walking.
pub enum Found {
    /// `stream`: not a regular file (a FIFO such as `<(git show …)`, a device): read once
    /// as it comes, never rewritten.
    File {
        display: String,
        path: PathBuf,
        stream: bool,
    },
    /// A symbolic link in a walked tree that leads nowhere: not followed, so not an error
    /// (ripgrep passes over it too); listed by `--verbose`, counted by `--statistics`.
    Skipped {
        display: String,
        reason: String,
    },
    Error {
        display: String,
        message: String,
    },
    /// A symbolic link in a walked tree that resolves: not followed, so not scanned (a
    /// search that must see every file's text counts it as unknown).
    Link {
        display: String,
        path: PathBuf,
    },
}

/// Why a symbolic link cannot be resolved: it is dangling, or part of a loop.
fn unresolvable_link(path: &Path) -> Option<String> {
    let target = std::fs::read_link(path).ok()?;
    match std::fs::metadata(path) {
        Ok(_) => None,
        Err(e) if is_loop(&e) => Some(format!("symbolic link loop (through {})", target.display())),
        Err(_) => Some(format!("broken symbolic link (to {})", target.display())),
    }
}

/// ELOOP: too many levels of symbolic links.
fn is_loop(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// An exclude pattern (`--exclude`, the config's `exclude`, `extend-exclude`) that is no
/// glob: the run stops before walking.
#[derive(Debug, thiserror::Error)]
pub enum ExcludeError {
    #[error("invalid exclude glob `{glob}`: {cause}")]
    Glob { glob: String, cause: ignore::Error },
    #[error("invalid exclude globs anchored at {}: {cause}", root.display())]
    Build { root: PathBuf, cause: ignore::Error },
}

/// Compiled exclude globs.
pub struct Excludes {
    matchers: Vec<Gitignore>,
    cwd: PathBuf,
}

impl Excludes {
    pub fn new(opts: &WalkOptions) -> Result<Excludes, ExcludeError> {
        let mut matchers = Vec::new();
        for (root, globs) in opts.excludes.iter().filter(|(_, g)| !g.is_empty()) {
            let mut b = GitignoreBuilder::new(root);
            for glob in globs {
                b.add_line(None, glob).map_err(|cause| ExcludeError::Glob {
                    glob: glob.clone(),
                    cause,
                })?;
            }
            matchers.push(b.build().map_err(|cause| ExcludeError::Build {
                root: root.clone(),
                cause,
            })?);
        }
        Ok(Excludes {
            matchers,
            cwd: std::env::current_dir().unwrap_or_default(),
        })
    }

    /// Whether `path` (relative to the current directory, or absolute) or a parent of it
    /// matches an exclude.
    pub fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        if self.matchers.is_empty() {
            return false;
        }
        let abs = self.cwd.join(path);
        let abs = abs.strip_prefix("./").unwrap_or(&abs);
        self.matchers.iter().any(|m| {
            abs.ancestors()
                .take_while(|a| a.starts_with(m.path()) && *a != m.path())
                .enumerate()
                .any(|(i, a)| m.matched(a, is_dir || i > 0).is_ignore())
        })
    }
}

/// Walks `paths`, calling `visit` from worker threads for every file to scan.
pub fn walk(
    paths: &[PathBuf],
    opts: &WalkOptions,
    visit: &(dyn Fn(Found) + Sync),
) -> Result<(), ExcludeError> {
    let excludes = Excludes::new(opts)?;
    let mut dirs = Vec::new();
    for path in paths {
        let display = path.to_string_lossy().into_owned();
        // A path named on the command line is followed even when it is a symbolic link.
        match std::fs::metadata(path) {
            Err(e) => visit(Found::Error {
                display,
                message: unresolvable_link(path).unwrap_or_else(|| io_cause(&e)),
            }),
            Ok(meta) if meta.is_dir() => dirs.push(path.clone()),
            Ok(meta) => {
                // Named explicitly: always scanned, unless --force-exclude and excluded.
                if opts.force_exclude && excludes.is_excluded(path, false) {
                    continue;
                }
                if path.to_str().is_none() {
                    visit(Found::Error {
                        display,
                        message: "path is not valid UTF-8".into(),
                    });
                    continue;
                }
                visit(Found::File {
                    display,
                    path: path.clone(),
                    stream: !meta.is_file(),
                });
            }
        }
    }
    if dirs.is_empty() {
        return Ok(());
    }
    let mut builder = WalkBuilder::new(&dirs[0]);
    for d in &dirs[1..] {
        builder.add(d);
    }
    builder
        .hidden(false)
        .parents(!opts.no_ignore)
        .ignore(!opts.no_ignore)
        .git_ignore(!opts.no_ignore)
        .git_global(!opts.no_ignore)
        .git_exclude(!opts.no_ignore)
        .require_git(false)
        .follow_links(false)
        .threads(opts.threads)
        .filter_entry(move |e| {
            e.file_name() != ".git"
                && !excludes.is_excluded(e.path(), e.file_type().is_some_and(|t| t.is_dir()))
        });
    builder.build_parallel().run(|| {
        Box::new(move |entry| {
            match entry {
                Err(err) => {
                    let (display, message) = walk_error(&err);
                    let display = display_path(Path::new(&display), opts.implicit_root);
                    visit(Found::Error { display, message });
                }
                Ok(entry) => {
                    let Some(ft) = entry.file_type() else {
                        return WalkState::Continue;
                    };
                    let path = entry.path();
                    if ft.is_symlink() {
                        // Not followed (no loops, no double reports); one that leads nowhere
                        // is passed over, as ripgrep does.
                        let display = display_path(path, opts.implicit_root);
                        match unresolvable_link(path) {
                            Some(reason) => visit(Found::Skipped { display, reason }),
                            None => visit(Found::Link {
                                display,
                                path: path.to_path_buf(),
                            }),
                        }
                    } else if ft.is_file() {
                        let display = display_path(path, opts.implicit_root);
                        if path.to_str().is_none() {
                            visit(Found::Error {
                                display,
                                message: "path is not valid UTF-8".into(),
                            });
                        } else {
                            visit(Found::File {
                                display,
                                path: path.to_path_buf(),
                                stream: false,
                            });
                        }
                    }
                }
            }
            WalkState::Continue
        })
    });
    Ok(())
}

fn display_path(path: &Path, implicit_root: bool) -> String {
    let shown = path.to_string_lossy();
    match shown.strip_prefix("./") {
        Some(relative) if implicit_root => relative.to_string(),
        _ => shown.into_owned(),
    }
}

fn walk_error(err: &ignore::Error) -> (String, String) {
    match err {
        ignore::Error::WithPath { path, err } => {
            (path.to_string_lossy().into_owned(), walk_error(err).1)
        }
        ignore::Error::WithDepth { err, .. } => walk_error(err),
        ignore::Error::WithLineNumber { line, err } => {
            let (p, m) = walk_error(err);
            (p, format!("line {line}: {m}"))
        }
        ignore::Error::Loop { ancestor, child } => (
            child.to_string_lossy().into_owned(),
            format!("symbolic link loop to {}", ancestor.display()),
        ),
        ignore::Error::Io(e) => (String::new(), io_cause(e)),
        other => (String::new(), other.to_string()),
    }
}

/// A short cause for an I/O error, in the words `cargo` uses.
pub fn io_cause(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        _ if is_loop(e) => "symbolic link loop".into(),
        _ => e.to_string(),
    }
}
