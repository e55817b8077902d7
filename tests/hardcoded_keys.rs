//! Hard-coded keys stay visible: in headers, settings and URL credentials, after `fix` moved
//! them, and in the migration report's "rotate these keys" checklist — never printed whole.

use std::path::Path;
use std::process::{Command, Stdio};

const KEY: &str = "9f86d081884c7d659a2feaa0c55ad015";
const PASSWORD: &str = "S3cr3t-Pa55w0rd";

fn bin(cwd: &Path, command: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_whispir-migrate"));
    cmd.current_dir(cwd)
        .args([command, "--no-config", "--color", "never"])
        .env_remove("WHISPIR_REGION");
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    String::from_utf8(out.stdout).unwrap()
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("send.sh"),
        format!(
            "#!/bin/sh\ncurl -s \"https://api.au.whispir.com/messages?apikey={KEY}\" -d @m.json\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("WHISPIR_REGION=au\nWHISPIR_API_KEY={KEY}\nWHISPIR_SANDBOX_API_KEY=<your key>\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("legacy.sh"),
        format!("#!/bin/sh\ncurl -s \"https://notify:{PASSWORD}@api.whispir.com/messages\"\n"),
    )
    .unwrap();
    dir
}

#[test]
fn a_key_moved_into_a_header_by_fix_is_still_reported() {
    let dir = tree();
    let before = stdout(bin(dir.path(), "check").args(["send.sh", "--format", "concise"]));
    assert!(
        before.contains("send.sh:2:") && before.contains("WM003"),
        "{before}"
    );
    let status = bin(dir.path(), "fix")
        .args(["send.sh", "--region", "au", "--allow-dirty"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(matches!(status.code(), Some(0 | 1)));
    let fixed = std::fs::read_to_string(dir.path().join("send.sh")).unwrap();
    assert!(fixed.contains(&format!("x-api-key: {KEY}")), "{fixed}");
    assert!(!fixed.contains("apikey="), "{fixed}");
    let after = stdout(bin(dir.path(), "check").args(["send.sh", "--format", "concise"]));
    assert!(
        after.contains("WM003 Hard-coded Whispir API key `9f86…`"),
        "{after}"
    );
}

#[test]
fn migration_report_lists_each_distinct_key_to_rotate_with_its_locations() {
    let dir = tree();
    bin(dir.path(), "fix")
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
    let report = std::fs::read_to_string(dir.path().join("MIGRATION.md")).unwrap();
    assert!(
        !report.contains(KEY) && !report.contains(PASSWORD),
        "{report}"
    );
    let section = &report[report.find("## Rotate these keys").expect("section")..];
    let items: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("- [ ] rotate"))
        .collect();
    assert_eq!(
        items,
        [
            "- [ ] rotate `9f86…` — `.env:2`, `send.sh:2`",
            "- [ ] rotate `S3cr…` — `legacy.sh:2`",
        ],
        "{report}"
    );
}

#[test]
fn url_credentials_are_reported_and_redacted_in_every_output() {
    let dir = tree();
    for format in ["human", "concise", "json", "github", "sarif", "gitlab"] {
        let out = stdout(bin(dir.path(), "check").args(["legacy.sh", "--format", format]));
        assert!(!out.contains(PASSWORD), "{format}: {out}");
        if format != "gitlab" {
            assert!(
                out.contains("WM001") && out.contains("WM003"),
                "{format}: {out}"
            );
        }
    }
    let diff = stdout(bin(dir.path(), "fix").args(["legacy.sh", "--region", "au", "--diff"]));
    assert!(diff.contains("api.au.whispir.com"), "{diff}");
    assert!(!diff.contains(PASSWORD), "{diff}");
    let shown = stdout(bin(dir.path(), "check").args(["legacy.sh", "--show-secrets"]));
    assert!(shown.contains(PASSWORD), "--show-secrets shows it: {shown}");
}
