//! Git is the user's undo: like `cargo fix`, refuse to rewrite files that have uncommitted
//! changes unless `--allow-dirty`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The work tree root holding `path`, if any.
fn work_tree(path: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(path).ok()?;
    abs.ancestors()
        .skip(1)
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The files among `paths` that git reports as modified, staged or untracked.
pub fn dirty_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut by_root: HashMap<PathBuf, Vec<&PathBuf>> = HashMap::new();
    for p in paths {
        if let Some(root) = work_tree(p) {
            by_root.entry(root).or_default().push(p);
        }
    }
    let mut dirty = Vec::new();
    for (root, files) in by_root {
        let Ok(out) = Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["status", "--porcelain", "-z", "--untracked-files=all"])
            .output()
        else {
            continue; // no git on PATH: nothing to protect with
        };
        if !out.status.success() {
            continue;
        }
        let listed: Vec<PathBuf> = out
            .stdout
            .split(|&b| b == 0)
            .filter(|e| e.len() > 3)
            .map(|e| root.join(String::from_utf8_lossy(&e[3..]).as_ref()))
            .collect();
        for f in files {
            let abs = std::fs::canonicalize(f).unwrap_or_else(|_| f.clone());
            if listed.contains(&abs) {
                dirty.push(f.clone());
            }
        }
    }
    dirty.sort();
    dirty
}
