//! Concurrent edits while `fix` rewrites a tree: appender threads add a unique line to each
//! file, right behind `fix`'s progress, so the lines land while files are being replaced. Every
//! appended line must be in the file afterwards; the files that changed under `fix` are
//! refused, not overwritten.
//!
//! `cargo test --test write_race -- --nocapture` prints the counts.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_whispir-migrate");
const LEGACY: &str =
    "#!/bin/sh\ncurl \"https://api.whispir.com/messages?apikey=$KEY\" -d @m.json\n";
const LEGACY_HOST: &str = "api.whispir.com";
const APPENDERS: usize = 2;

struct Race {
    files: usize,
    appends: usize,
    lost: usize,
    written: usize,
    refused: usize,
    elapsed: Duration,
}

/// `files` legacy scripts, 100 to a directory.
fn make_tree(root: &Path, files: usize) -> Vec<PathBuf> {
    (0..files)
        .map(|i| {
            let dir = root.join(format!("d{:03}", i / 100));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("f{i:05}.sh"));
            std::fs::write(&path, LEGACY).unwrap();
            path
        })
        .collect()
}

/// How far behind `fix` the appenders follow: file `i` gets its line once file `i - LEAD` is
/// written, so the line lands while `fix` is busy with file `i` or its neighbours (8 writers).
const LEAD: usize = 6;

/// Appends one `# append <i>` line to each of `paths` with index `i % APPENDERS == thread`,
/// each right behind `fix`'s progress (see [`LEAD`]); returns the line per path, if appended.
fn append_behind_fix(paths: &[PathBuf], thread: usize, stop: &AtomicBool) -> Vec<Option<String>> {
    let mut appended = vec![None; paths.len()];
    for i in (thread..paths.len()).step_by(APPENDERS) {
        if let Some(ahead) = i.checked_sub(LEAD) {
            // A refused file is never written: wait a little, not forever.
            let deadline = Instant::now() + Duration::from_millis(20);
            while !stop.load(Ordering::Relaxed)
                && Instant::now() < deadline
                && std::fs::read_to_string(&paths[ahead]).is_ok_and(|t| t.contains(LEGACY_HOST))
            {
                std::thread::yield_now();
            }
        }
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let line = format!("# append {i}");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&paths[i])
            .unwrap();
        f.write_all(format!("{line}\n").as_bytes()).unwrap();
        appended[i] = Some(line);
    }
    appended
}

fn race(files: usize) -> Race {
    let dir = tempfile::tempdir().unwrap();
    let paths = make_tree(dir.path(), files);
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let (out, appended) = std::thread::scope(|scope| {
        let appenders: Vec<_> = (0..APPENDERS)
            .map(|t| {
                let (paths, stop) = (&paths, &stop);
                scope.spawn(move || append_behind_fix(paths, t, stop))
            })
            .collect();
        let out = Command::new(BIN)
            .args(["fix", "--no-config", "--region", "au", "--allow-dirty"])
            .args(["--quiet", "--color", "never", "."])
            .current_dir(dir.path())
            .env_remove("WHISPIR_MIGRATE_TEST_HOOK")
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs");
        stop.store(true, Ordering::Relaxed);
        let appended: Vec<Vec<Option<String>>> =
            appenders.into_iter().map(|a| a.join().unwrap()).collect();
        (out, appended)
    });
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let refused = stderr.matches("changed on disk").count()
        + stderr
            .matches("open for writing in another process")
            .count();
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{:?}\n{stderr}",
        out.status
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        refused,
        "every error is a refused concurrent edit:\n{stderr}"
    );
    let (mut appends, mut lost, mut written) = (0, 0, 0);
    for (i, path) in paths.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        if !text.contains(LEGACY_HOST) {
            written += 1;
        }
        let present: HashSet<&str> = text.lines().collect();
        for line in appended.iter().filter_map(|a| a[i].as_deref()) {
            appends += 1;
            lost += usize::from(!present.contains(line));
        }
    }
    let leftovers = walk_names(dir.path())
        .into_iter()
        .filter(|n| n.starts_with(".whispir-migrate-"))
        .count();
    assert_eq!(leftovers, 0, "temporary files left behind");
    Race {
        files,
        appends,
        lost,
        written,
        refused,
        elapsed,
    }
}

fn walk_names(root: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root).unwrap().flatten() {
        if entry.file_type().unwrap().is_dir() {
            names.extend(walk_names(&entry.path()));
        } else {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names
}

fn report(r: &Race) {
    eprintln!(
        "{} files, {} appends by {APPENDERS} threads during fix: {} lost; {} files written, {} refused (changed on disk or open for writing); {:.1} s",
        r.files,
        r.appends,
        r.lost,
        r.written,
        r.refused,
        r.elapsed.as_secs_f64()
    );
}

/// The reproduction, bounded: 5 000 files (`WM_RACE_FILES` for another size), one
/// append each right behind `fix`, at most 60 s.
#[test]
fn concurrent_appends_are_not_lost() {
    let files = std::env::var("WM_RACE_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5000);
    let r = race(files);
    report(&r);
    assert!(r.appends > files / 2, "the appenders kept up with fix");
    assert_eq!(r.lost, 0, "appends lost while fix rewrote the files");
    assert_eq!(
        r.written + r.refused,
        r.files,
        "each file written or refused"
    );
    assert!(r.elapsed < Duration::from_secs(60), "took {:?}", r.elapsed);
}
