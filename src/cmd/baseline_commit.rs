//! `check --baseline-commit REF`: report only what a change introduces. Files that differ
//! from REF (`git diff --name-status -M REF`, renames followed; untracked files are new) are
//! compared with their version at REF, read from git's object store: a finding whose
//! baseline fingerprint (rule and line text, secrets masked) was already there is not
//! reported. Files that do not differ report nothing.

use crate::baseline::fingerprint;
use crate::engine::{self, FileReport, Outcome, Settings};
use crate::source::SourceFile;
use anyhow::Context as _;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How a file stands against REF, by its path from the work tree's root.
enum Change {
    /// New since REF: every finding is new.
    Added,
    /// Changed since REF; the path it had there.
    Modified(String),
}

/// Runs git in `dir`; its own error message when it fails.
fn git(dir: &Path, args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .context("running git (needed by --baseline-commit)")?;
    if !out.status.success() {
        let message = String::from_utf8_lossy(&out.stderr);
        anyhow::bail!(
            "--baseline-commit: git {}: {}",
            args.join(" "),
            crate::escape::line(message.trim())
        );
    }
    Ok(out.stdout)
}

pub(crate) struct Against {
    reference: String,
    root: PathBuf,
    changes: HashMap<String, Change>,
}

impl Against {
    /// Asks git what differs from `reference`; an unknown REF or no repository is an error.
    pub fn read(reference: &str) -> anyhow::Result<Against> {
        let cwd = std::env::current_dir().context("reading the current directory")?;
        let top = git(&cwd, &["rev-parse", "--show-toplevel"])?;
        let root = PathBuf::from(String::from_utf8_lossy(&top).trim());
        let commit = format!("{reference}^{{commit}}");
        git(
            &root,
            &["rev-parse", "--verify", "--end-of-options", &commit],
        )?;
        let mut changes = HashMap::new();
        let diff = git(
            &root,
            &[
                "diff",
                "--name-status",
                "-z",
                "-M",
                "--end-of-options",
                reference,
                "--",
            ],
        )?;
        let mut fields = diff
            .split(|&b| b == 0)
            .map(|f| String::from_utf8_lossy(f).into_owned());
        while let Some(status) = fields.next().filter(|s| !s.is_empty()) {
            let first = fields.next().unwrap_or_default();
            match status.as_bytes()[0] {
                b'R' | b'C' => {
                    let new = fields.next().unwrap_or_default();
                    changes.insert(new, Change::Modified(first));
                }
                b'A' => {
                    changes.insert(first, Change::Added);
                }
                b'D' => {}
                _ => {
                    changes.insert(first.clone(), Change::Modified(first));
                }
            }
        }
        let untracked = git(&root, &["ls-files", "-z", "--others", "--exclude-standard"])?;
        for path in untracked.split(|&b| b == 0).filter(|p| !p.is_empty()) {
            changes.insert(String::from_utf8_lossy(path).into_owned(), Change::Added);
        }
        Ok(Against {
            reference: reference.to_string(),
            root: std::fs::canonicalize(&root).unwrap_or(root),
            changes,
        })
    }

    /// Drops the findings that REF already had; returns how many.
    pub fn apply(&self, outcome: &mut Outcome, settings: &Settings) -> anyhow::Result<usize> {
        let mut hidden = 0;
        for r in &mut outcome.reports {
            let before = r.diagnostics.len();
            self.keep_new(std::sync::Arc::make_mut(r), settings)?;
            hidden += before - r.diagnostics.len();
        }
        outcome.reports.retain(|r| !r.diagnostics.is_empty());
        Ok(hidden)
    }

    fn keep_new(&self, r: &mut FileReport, settings: &Settings) -> anyhow::Result<()> {
        // Standard input and files outside the work tree have no version at REF.
        let Some(path) = std::fs::canonicalize(&r.file.path)
            .ok()
            .and_then(|p| p.strip_prefix(&self.root).ok().map(Path::to_path_buf))
        else {
            return Ok(());
        };
        let path = path.to_string_lossy().replace('\\', "/");
        let old_path = match self.changes.get(&path) {
            None => {
                r.diagnostics.clear();
                return Ok(());
            }
            Some(Change::Added) => return Ok(()),
            Some(Change::Modified(old)) => old,
        };
        let spec = format!("{}:{old_path}", self.reference);
        let bytes = git(&self.root, &["show", &spec])?;
        let old = SourceFile::new(r.file.display_path.clone(), r.file.path.clone(), bytes);
        let mut known: HashMap<(crate::codes::RuleCode, String), usize> = HashMap::new();
        if let Some(before) = engine::check_file(old, settings) {
            for d in &before.diagnostics {
                *known.entry((d.code, fingerprint(&before, d))).or_default() += 1;
            }
        }
        let prints: Vec<String> = r.diagnostics.iter().map(|d| fingerprint(r, d)).collect();
        let mut keep = Vec::with_capacity(r.diagnostics.len());
        for (d, print) in r.diagnostics.drain(..).zip(prints) {
            match known.get_mut(&(d.code, print)) {
                Some(n) if *n > 0 => *n -= 1,
                _ => keep.push(d),
            }
        }
        r.diagnostics = keep;
        Ok(())
    }
}
