//! Baselines and the migration report, end to end through the binary.

use std::path::Path;
use std::process::{Command, Output};

const KEY: &str = "9f86d081884c7d659a2feaa0c55ad015";

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_whispir-migrate"))
        .current_dir(dir)
        .args(args)
        .env_remove("WHISPIR_REGION")
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn legacy_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/a.py"),
        format!("url = \"https://api.whispir.com/messages?apikey={KEY}\"\nother = \"https://api.whispir.com/contacts\"\n"),
    )
    .unwrap();
    dir
}

#[test]
fn baseline_hides_recorded_findings_and_survives_edits_above_them() {
    let dir = legacy_tree();
    let w = run(
        dir.path(),
        &[
            "check",
            ".",
            "--no-config",
            "--write-baseline",
            "baseline.json",
        ],
    );
    assert_eq!(
        w.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&w.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(
        !text.contains(KEY) && !text.contains("9f86"),
        "the key never reaches the baseline"
    );
    assert!(
        !text.contains("\"line\""),
        "entries are not keyed on line numbers"
    );

    let clean = run(
        dir.path(),
        &["check", ".", "--no-config", "--baseline", "baseline.json"],
    );
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("4 accepted by the baseline"));

    // Lines added above do not resurrect anything; a second identical finding does show.
    let a = dir.path().join("src/a.py");
    let old = std::fs::read_to_string(&a).unwrap();
    std::fs::write(
        &a,
        format!("# moved down\n\n{old}other = \"https://api.whispir.com/contacts\"\n"),
    )
    .unwrap();
    let o = run(
        dir.path(),
        &[
            "check",
            ".",
            "--no-config",
            "--baseline",
            "baseline.json",
            "--format",
            "concise",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(out.matches("WM001").count(), 1, "{out}");
    assert!(out.contains("src/a.py:5:"), "{out}");
}

#[test]
fn baseline_from_config_and_stale_entries_in_statistics() {
    let dir = legacy_tree();
    run(
        dir.path(),
        &[
            "check",
            ".",
            "--no-config",
            "--write-baseline",
            "accepted.json",
        ],
    );
    std::fs::write(
        dir.path().join("whispir-migrate.toml"),
        "baseline = \"accepted.json\"\n",
    )
    .unwrap();
    // Fix one line by hand: its entry goes stale.
    std::fs::write(
        dir.path().join("src/a.py"),
        format!("url = \"https://api.whispir.com/messages?apikey={KEY}\"\n"),
    )
    .unwrap();
    let o = run(dir.path(), &["check", ".", "--statistics"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("3 findings accepted, 1 stale entry"), "{out}");
    assert!(out.contains("--write-baseline"), "{out}");
}

#[test]
fn bad_baseline_file_is_an_error_naming_it() {
    let dir = legacy_tree();
    std::fs::write(dir.path().join("b.json"), "{ not json").unwrap();
    let o = run(
        dir.path(),
        &["check", ".", "--no-config", "--baseline", "b.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("b.json"));
    let o = run(
        dir.path(),
        &["check", ".", "--no-config", "--baseline", "missing.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.json"));
}

#[test]
fn migration_report_lists_fixes_and_a_manual_checklist_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("notify.sh"),
        format!("curl -s \"https://api.whispir.com/messages?apikey=$KEY\" -d @m.json\nURL=\"https://api.whispir.com/templates?apikey={KEY}\"\n"),
    )
    .unwrap();
    let o = run(
        dir.path(),
        &[
            "fix",
            ".",
            "--no-config",
            "--region",
            "au",
            "--report",
            "MIGRATION.md",
            "--allow-no-vcs",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "manual items remain: {}",
        stdout(&o)
    );
    let md = std::fs::read_to_string(dir.path().join("MIGRATION.md")).unwrap();
    assert!(md.contains("Region: `au`"), "{md}");
    assert!(md.contains("| WM001 legacy-host |"), "{md}");
    assert!(md.contains("`notify.sh`"), "{md}");
    assert!(md.contains("- [ ] `notify.sh:2` WM002"), "{md}");
    assert!(md.contains("x-api-key"), "{md}");
    assert!(!md.contains(KEY), "secrets are redacted: {md}");
}

#[test]
fn unknown_code_in_a_suppression_is_an_error_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.py"),
        "\nu = \"https://api.whispir.com/x\"  # whispir-migrate: ignore[WM001, WM09]\n",
    )
    .unwrap();
    let o = run(dir.path(), &["check", ".", "--no-config"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("a.py:2") && err.contains("`WM09`"), "{err}");
}

#[test]
fn statistics_count_per_rule_and_per_top_level_directory() {
    let dir = legacy_tree();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(
        dir.path().join("docs/guide.md"),
        "Old: https://api.whispir.com/messages\n",
    )
    .unwrap();
    let o = run(
        dir.path(),
        &[
            "check",
            ".",
            "--no-config",
            "--statistics",
            "--format",
            "concise",
        ],
    );
    let out = stdout(&o);
    assert!(
        out.contains("By rule:") && out.contains("     3  WM001  legacy-host"),
        "{out}"
    );
    assert!(
        out.contains("By directory:")
            && out.contains("     1  docs/")
            && out.contains("     4  src/"),
        "{out}"
    );
}
