//! Snapshot of `check` on every fixture folder, in the human and JSON formats.
//!
//! Each `fixtures/<language-or-format>/` holds realistic input with true positives and near
//! misses. The snapshots in `tests/snapshots/` are the reviewed, expected reports: a change
//! in detection shows up here as a diff to read.

use std::path::Path;
use std::process::Command;

fn check(folder: &str, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_whispir-migrate"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "--no-config",
            "--color",
            "never",
            "--format",
            format,
        ])
        .arg(format!("fixtures/{folder}"))
        .env_remove("WHISPIR_REGION")
        .output()
        .expect("binary runs");
    assert!(
        out.stderr.is_empty(),
        "{folder}: unexpected stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = out.status.code().expect("exit code");
    assert!(code == 0 || code == 1, "{folder}: exit {code}");
    String::from_utf8(out.stdout).expect("report is UTF-8")
}

fn folders() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut names: Vec<String> = std::fs::read_dir(root)
        .expect("fixtures/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_fixture_folder_report_matches_its_snapshot() {
    for folder in folders() {
        insta::assert_snapshot!(format!("{folder}__human"), check(&folder, "human"));
        insta::assert_snapshot!(format!("{folder}__json"), check(&folder, "json"));
    }
}

/// Every `expect:` marker in a fixture folder: the file (as the reports name it), the
/// 1-based line it describes — its own or, alone on its line, the next — and the text after
/// `expect: `.
fn expect_markers(folder: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in walkdir::WalkDir::new(root.join("fixtures").join(folder)) {
        let entry = entry.expect("walk fixtures");
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find("expect: WM") else {
                continue;
            };
            let alone = line[..at]
                .trim_matches(|c: char| c.is_whitespace() || "/#*!-<;%{".contains(c))
                .is_empty();
            let target = if alone { i + 2 } else { i + 1 };
            out.push((rel.clone(), target, line[at + 8..].to_string()));
        }
    }
    // Formats without comments (JSON) list theirs in `expected.txt`: `path:line: CODES`, the
    // path relative to the folder, with an optional `fix:` outcome as in a comment.
    let sidecar = root.join("fixtures").join(folder).join("expected.txt");
    if let Ok(text) = std::fs::read_to_string(&sidecar) {
        for l in text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            let (loc, marker) = l.split_once(": ").expect("`path:line: CODES`");
            let (path, line) = loc.rsplit_once(':').expect("`path:line`");
            let rel = format!("fixtures/{folder}/{path}");
            out.push((rel, line.parse().expect("line number"), marker.to_string()));
        }
    }
    out
}

/// Every line marked `// expect: WM00N` style (any comment syntax, `expect:` followed by
/// codes) must get exactly those codes, and unmarked lines none: the snapshots are easy to
/// misread, this is not.
#[test]
fn every_expectation_marker_is_met() {
    let mut failures = Vec::new();
    for folder in folders() {
        let report: serde_json::Value =
            serde_json::from_str(&check(&folder, "json")).expect("valid JSON");
        let mut found: std::collections::BTreeMap<(String, usize), Vec<String>> =
            Default::default();
        for d in report["diagnostics"].as_array().expect("array") {
            let key = (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() as usize,
            );
            found
                .entry(key)
                .or_default()
                .push(d["code"].as_str().unwrap().to_string());
        }
        let mut expected: std::collections::BTreeMap<(String, usize), Vec<String>> =
            Default::default();
        for (rel, target, marker) in expect_markers(&folder) {
            let codes = marker
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.starts_with("WM") && w.len() == 5)
                .map(str::to_string);
            expected.entry((rel, target)).or_default().extend(codes);
        }
        let keys: std::collections::BTreeSet<_> =
            found.keys().chain(expected.keys()).cloned().collect();
        for key in keys {
            let mut f = found.get(&key).cloned().unwrap_or_default();
            let mut e = expected.get(&key).cloned().unwrap_or_default();
            f.sort();
            f.dedup();
            e.sort();
            e.dedup();
            if f != e {
                failures.push(format!(
                    "{}:{}: expected {:?}, found {:?}",
                    key.0, key.1, e, f
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "expectation markers not met:\n{}",
        failures.join("\n")
    );
}

/// `check --region au --format json` on one fixture folder.
fn check_with_region(folder: &str) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_whispir-migrate"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--no-config", "--region", "au", "--format", "json"])
        .arg(format!("fixtures/{folder}"))
        .output()
        .expect("binary runs");
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// Request fixtures record the outcome of their key's move after the codes:
/// `expect: WM001 WM002 fix: safe` (or `unsafe`, `manual`). With `--region au`, the WM002
/// finding on that line must have a fix of that applicability, or none for `manual`; the
/// split per folder is printed for the closing notes of request-migration work.
#[test]
fn every_fix_outcome_marker_is_met() {
    let mut failures = Vec::new();
    let mut marked = 0;
    for folder in folders() {
        let report = check_with_region(&folder);
        let mut outcome: std::collections::BTreeMap<(String, usize), String> = Default::default();
        for d in report["diagnostics"].as_array().expect("array") {
            if d["code"] != "WM002" {
                continue;
            }
            let key = (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() as usize,
            );
            let got = d["fix"]["applicability"].as_str().unwrap_or("manual");
            outcome.insert(key, got.to_string());
        }
        let mut split: std::collections::BTreeMap<String, usize> = Default::default();
        for (rel, target, marker) in expect_markers(&folder) {
            let Some(f) = marker.find(" fix: ") else {
                continue;
            };
            let want: String = marker[f + 6..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            marked += 1;
            *split.entry(want.clone()).or_default() += 1;
            let got = outcome
                .get(&(rel.clone(), target))
                .map_or("no WM002 finding", String::as_str);
            if got != want {
                failures.push(format!("{rel}:{target}: expected fix {want}, found {got}"));
            }
        }
        if !split.is_empty() {
            println!("{folder}: {split:?}");
        }
    }
    assert!(marked > 0, "no fixture records a fix outcome");
    assert!(
        failures.is_empty(),
        "fix outcome markers not met:\n{}",
        failures.join("\n")
    );
}
