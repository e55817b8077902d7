//! The tool never reports or rewrites what it wrote itself: reports in every format, the
//! migration report, redirected standard output — within a run by identity, across runs by
//! content — while a file that merely mentions the tool is scanned.

use std::path::Path;
use std::process::{Command, Stdio};

const LEGACY: &str = "#!/bin/sh\n\
    KEY=\"$WHISPIR_API_KEY\"\n\
    curl -s \"https://api.whispir.com/messages?apikey=$KEY\" -d @msg.json\n";

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("send.sh"), LEGACY).unwrap();
    dir
}

fn bin(cwd: &Path, command: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_whispir-migrate"));
    cmd.current_dir(cwd)
        .args([command, "--no-config", "--color", "never"])
        .env_remove("WHISPIR_REGION");
    cmd
}

/// `check .` in the concise format: the finding lines.
fn findings(cwd: &Path) -> Vec<String> {
    let out = bin(cwd, "check")
        .args([".", "--format", "concise"])
        .output()
        .expect("runs");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.contains(": WM"))
        .map(str::to_string)
        .collect()
}

fn statistics(cwd: &Path) -> String {
    let out = bin(cwd, "check")
        .args([".", "--format", "concise", "--statistics"])
        .output()
        .expect("runs");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn check_twice_around_every_output_format_reports_the_same() {
    for format in ["human", "concise", "json", "github", "sarif", "gitlab"] {
        let dir = tree();
        let before = findings(dir.path());
        assert_eq!(before.len(), 2, "{format}: {before:?}");
        let output = format!("report.{format}");
        let status = bin(dir.path(), "check")
            .args([".", "--format", format, "--output", &output])
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1), "{format}");
        let written = std::fs::read_to_string(dir.path().join(&output)).unwrap();
        assert!(written.contains("api.whispir.com"), "{format}: {written}");
        // Overwriting the report in place: excluded by identity within the run.
        let again = bin(dir.path(), "check")
            .args([".", "--format", format, "--output", &output])
            .status()
            .unwrap();
        assert_eq!(again.code(), Some(1), "{format}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&output)).unwrap(),
            written,
            "{format}: the second report is the first"
        );
        // A later run recognises the report by its content.
        assert_eq!(findings(dir.path()), before, "{format}");
        assert!(
            statistics(dir.path()).contains("Skipped: 1 file written by whispir-migrate itself"),
            "{format}"
        );
    }
}

#[test]
fn standard_output_redirected_into_the_tree_is_not_scanned() {
    let dir = tree();
    let before = findings(dir.path());
    // Appending to a log that already holds a legacy URL: this run passes it over because
    // it is its own standard output, not because of its content.
    let log = dir.path().join("ci.log");
    std::fs::write(
        &log,
        "$ deploy\nposted to https://api.whispir.com/messages?apikey=k\n",
    )
    .unwrap();
    let appended = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let status = bin(dir.path(), "check")
        .args([".", "--format", "human"])
        .stdout(Stdio::from(appended))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("ci.log"), "the log reported itself:\n{text}");
    assert!(text.contains("send.sh"), "{text}");
    // In a later run it is an ordinary file again (its own line is legacy usage).
    let after = findings(dir.path());
    assert!(
        after.iter().any(|l| l.starts_with("./ci.log:2:")),
        "{after:?}"
    );
    assert!(before.iter().all(|l| after.contains(l)));
}

#[test]
fn migration_report_is_never_reported_nor_rewritten() {
    let dir = tree();
    let status = bin(dir.path(), "fix")
        .args([
            ".",
            "--region",
            "au",
            "--allow-dirty",
            "--report",
            "MIGRATION.md",
        ])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    // The fix moves host and key; what is left, if anything, is manual.
    assert!(matches!(status.code(), Some(0 | 1)));
    let report = std::fs::read_to_string(dir.path().join("MIGRATION.md")).unwrap();
    assert!(
        report.starts_with("<!-- whispir-migrate migration report"),
        "{report}"
    );
    // Make the report quote a legacy request, as a hand-edited PR text would.
    let quoted = format!("{report}\nWas: `curl https://api.whispir.com/messages?apikey=$KEY`\n");
    std::fs::write(dir.path().join("MIGRATION.md"), &quoted).unwrap();
    assert!(
        findings(dir.path())
            .iter()
            .all(|l| !l.contains("MIGRATION.md")),
        "{:?}",
        findings(dir.path())
    );
    bin(dir.path(), "fix")
        .args([".", "--region", "au", "--allow-dirty", "--unsafe-fixes"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("MIGRATION.md")).unwrap(),
        quoted
    );
}

/// `fix --diff > migrate.patch`, kept for review: a later `check` does not report the legacy
/// lines it removes, whether its secrets are redacted (the default) or shown.
#[test]
fn a_saved_fix_diff_is_not_reported() {
    for show_secrets in [false, true] {
        let dir = tree();
        std::fs::write(
            dir.path().join("smoke.py"),
            "import requests\n\nrequests.get(\"https://api.whispir.com/?apikey=d41d8cd98f00b204e9800998ecf8427e\")\n",
        )
        .unwrap();
        let before = findings(dir.path());
        let patch = dir.path().join("migrate.patch");
        let mut fix = bin(dir.path(), "fix");
        fix.args([".", "--region", "au", "--diff"]);
        if show_secrets {
            fix.arg("--show-secrets");
        }
        let status = fix
            .stdout(Stdio::from(std::fs::File::create(&patch).unwrap()))
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1), "the diff is not empty");
        let text = std::fs::read_to_string(&patch).unwrap();
        assert!(text.starts_with("--- a/"), "{text}");
        assert!(
            text.contains("-requests.get(\"https://api.whispir.com/"),
            "{text}"
        );
        assert_eq!(text.contains("d41d8cd98f00"), show_secrets, "{text}");
        assert_eq!(
            findings(dir.path()),
            before,
            "secrets shown: {show_secrets}"
        );
        assert!(
            statistics(dir.path()).contains("Skipped: 1 file written by whispir-migrate itself"),
            "secrets shown: {show_secrets}"
        );
    }
}

#[test]
fn a_file_that_only_mentions_the_tool_is_scanned() {
    let dir = tree();
    std::fs::write(
        dir.path().join("NOTES.md"),
        "# Whispir API migration\n\nWe ran whispir-migrate. Old: https://api.whispir.com/messages\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("results.json"),
        r#"{"tool": "whispir-migrate", "diagnostics": [], "endpoint": "https://api.whispir.com/messages"}"#,
    )
    .unwrap();
    let found = findings(dir.path());
    assert!(
        found.iter().any(|l| l.starts_with("./NOTES.md:3:")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|l| l.starts_with("./results.json:1:")),
        "{found:?}"
    );
}
