//! Recorded HTTP traffic: requests reported but never fixed, responses one note per file,
//! nothing rewritten even with `--unsafe-fixes`.

use std::path::Path;
use std::process::Command;

fn copy_fixtures(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/recorded");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn run(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_whispir-migrate"))
        .current_dir(cwd)
        .args(args)
        .args(["--no-config", "--color", "never"])
        .env_remove("WHISPIR_REGION")
        .output()
        .expect("runs")
}

#[test]
fn recordings_are_never_rewritten_and_responses_are_one_note_per_file() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixtures(dir.path());
    let snapshot = |p: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(p)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = snapshot(dir.path());
    let out = run(
        dir.path(),
        &[
            "fix",
            ".",
            "--region",
            "au",
            "--unsafe-fixes",
            "--allow-dirty",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(snapshot(dir.path()), before, "a recording was rewritten");

    let out = run(dir.path(), &["check", ".", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut notes = std::collections::BTreeMap::<String, usize>::new();
    for d in report["diagnostics"].as_array().unwrap() {
        if d["severity"] == "note" {
            *notes
                .entry(d["path"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        assert!(d["fix"].is_null(), "no fix in a recording: {d}");
    }
    assert_eq!(notes.len(), 4, "{notes:?}");
    assert!(notes.values().all(|&n| n == 1), "{notes:?}");
}
