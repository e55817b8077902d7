//! `check` and `fix` share one command layer: the same input handling (standard input,
//! `--force-exclude`, suppression errors, the baseline) and one exit-status rule. Each test
//! here runs the binary on a small tree.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const KEY: &str = "9f86d081884c7d659a2feaa0c55ad015";
/// A request on a regional host with its key in the query: one safe fix (the key moves into a
/// header) with `--region au`.
const SCRIPT: &str = "curl \"https://api.au.whispir.com/messages?apikey=$KEY\" -d @m.json\n";

#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary in `dir` with `args`, feeding `stdin` when given.
fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Out {
    let mut c = Command::new(env!("CARGO_BIN_EXE_whispir-migrate"));
    c.args(args)
        .current_dir(dir)
        .env_remove("WHISPIR_REGION")
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("binary runs");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("piped");
        // A run refused before reading closes the pipe early: that is its answer, not ours.
        let _ = pipe.write_all(text.as_bytes());
    }
    let out = common::wait_or_fail(child, "whispir-migrate");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Findings with no fix (no region given): what the baseline accepts stays as it is.
fn legacy_py() -> String {
    format!(
        "url = \"https://api.whispir.com/messages?apikey={KEY}\"\nother = \"https://api.whispir.com/contacts\"\n"
    )
}

#[test]
fn fix_hides_what_the_baseline_accepts_and_exits_as_check_does() {
    let dir = tree(&[("a.py", &legacy_py())]);
    let args = ["--no-config", "--allow-dirty"];
    let w = run(
        dir.path(),
        &["check", "--no-config", "--write-baseline", "bl.json"],
        None,
    );
    assert_eq!(w.code, 0, "{w:?}");
    let check = run(
        dir.path(),
        &["check", "--no-config", "--baseline", "bl.json"],
        None,
    );
    assert_eq!(check.code, 0, "{check:?}");
    let mut fix_args = vec!["fix", "--baseline", "bl.json"];
    fix_args.extend(args);
    let fix = run(dir.path(), &fix_args, None);
    assert_eq!(fix.code, 0, "fix exits as check does: {fix:?}");
    assert!(!fix.stdout.contains("error[WM001]"), "{}", fix.stdout);
    assert!(
        fix.stdout.contains("; 0 need manual changes"),
        "{}",
        fix.stdout
    );
}

#[test]
fn fix_refuses_write_baseline_and_writes_nothing() {
    let dir = tree(&[("a.py", &legacy_py())]);
    let out = run(
        dir.path(),
        &[
            "fix",
            "--no-config",
            "--allow-dirty",
            "--write-baseline",
            "bl.json",
        ],
        None,
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("check --write-baseline"),
        "the error names what to run instead: {}",
        out.stderr
    );
    assert!(!dir.path().join("bl.json").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.py")).unwrap(),
        legacy_py(),
        "nothing is fixed either"
    );
}

#[test]
fn fix_stdin_leaves_force_excluded_text_alone() {
    let dir = tree(&[]);
    let base = [
        "fix",
        "-",
        "--stdin-filename",
        "vendor/send.sh",
        "--region",
        "au",
        "--no-config",
        "--exclude",
        "vendor/",
    ];
    // Named explicitly, so the exclude does not apply without --force-exclude.
    let fixed = run(dir.path(), &base, Some(SCRIPT));
    assert_eq!(fixed.code, 0, "{fixed:?}");
    assert_ne!(fixed.stdout, SCRIPT);
    let mut forced = base.to_vec();
    forced.push("--force-exclude");
    let out = run(dir.path(), &forced, Some(SCRIPT));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout, SCRIPT,
        "excluded text is printed back unchanged"
    );
    let check = run(
        dir.path(),
        &[&["check"], &forced[1..]].concat(),
        Some(SCRIPT),
    );
    assert_eq!(check.code, 0, "{check:?}");
}

#[test]
fn fix_stdin_fails_on_an_unknown_suppression_code_as_check_does() {
    let dir = tree(&[]);
    let text = "x = \"https://api.au.whispir.com/a\" # whispir-migrate: ignore[WM999]\n";
    let args = ["-", "--stdin-filename", "a.py", "--no-config"];
    let check = run(dir.path(), &[&["check"], &args[..]].concat(), Some(text));
    assert_eq!(check.code, 2, "{check:?}");
    let fix = run(dir.path(), &[&["fix"], &args[..]].concat(), Some(text));
    assert_eq!(fix.code, 2, "{fix:?}");
    assert!(
        fix.stderr.contains("unknown rule code `WM999`"),
        "{}",
        fix.stderr
    );
    assert_eq!(
        fix.stdout, text,
        "the text still comes back on standard output"
    );
}

#[test]
fn fix_stdin_cannot_be_mixed_with_paths() {
    let dir = tree(&[("send.sh", SCRIPT)]);
    let out = run(
        dir.path(),
        &["fix", "-", "send.sh", "--no-config", "--allow-dirty"],
        Some(SCRIPT),
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("standard input alone"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_path_that_does_not_exist_is_an_error_not_a_clean_result() {
    let dir = tree(&[]);
    for format in ["human", "concise"] {
        let out = run(
            dir.path(),
            &["check", "nosuchdir", "--no-config", "--format", format],
            None,
        );
        assert_eq!(out.code, 2, "{out:?}");
        assert!(out.stderr.contains("nosuchdir"), "{}", out.stderr);
        assert!(
            !out.stdout.contains("No legacy Whispir API usage found"),
            "{format}: {}",
            out.stdout
        );
    }
}

// ---------------------------------------------------------------------------------------------
// What the reports say

/// One safe fix (line 1), one host that needs a region (line 2), one fix that only
/// `--unsafe-fixes` applies (in a comment, which may document the old form on purpose).
fn mixed_tree() -> tempfile::TempDir {
    tree(&[
        (
            "send.sh",
            &format!("{SCRIPT}curl \"https://api.whispir.com/contacts\" -H \"x-api-key: $KEY\"\n"),
        ),
        ("docs/old.sh", &format!("# old: {SCRIPT}")),
    ])
}

#[test]
fn summary_counts_safe_fixes_and_says_what_the_others_need() {
    let dir = mixed_tree();
    let out = run(
        dir.path(),
        &["check", "--no-config", "--format", "concise"],
        None,
    );
    assert_eq!(out.code, 1, "{out:?}");
    let (findings, summary) = out.stdout.trim_end().rsplit_once('\n').unwrap();
    assert!(summary.starts_with("Found 3 diagnostics"), "{}", out.stdout);
    let marked: Vec<&str> = findings.lines().filter(|l| l.contains("[*]")).collect();
    assert_eq!(
        marked.len(),
        1,
        "only the safe fix is marked: {}",
        out.stdout
    );
    assert!(marked[0].starts_with("send.sh:1:"), "{}", out.stdout);
    assert!(
        out.stdout.ends_with(
            "(2 files scanned). [*] 1 fixable with `whispir-migrate fix`. 1 more fix with `--unsafe-fixes`. 1 host fix needs `--region`.\n"
        ),
        "{}",
        out.stdout
    );
    let one = run(dir.path(), &["check", "--no-config", "send.sh"], None);
    assert!(one.stdout.contains("(1 file scanned)"), "{}", one.stdout);
}

#[test]
fn summary_counts_are_singular_for_one_and_plural_otherwise() {
    let last_line = |dir: &Path| {
        let out = run(dir, &["check", "--no-config"], None);
        assert_eq!(out.code, 1, "{out:?}");
        out.stdout.lines().last().unwrap_or_default().to_string()
    };
    let one = tree(&[("send.sh", SCRIPT)]);
    assert_eq!(
        last_line(one.path()),
        "Found 1 diagnostic in 1 file (1 file scanned). [*] 1 fixable with `whispir-migrate fix`."
    );
    let more = tree(&[
        ("a.sh", &SCRIPT.repeat(2)),
        ("b.sh", &SCRIPT.repeat(2)),
        ("clean.sh", "echo hello\n"),
        (
            "c.sh",
            "curl https://api.whispir.com/a\ncurl https://api.whispir.com/b\n",
        ),
    ]);
    assert_eq!(
        last_line(more.path()),
        "Found 6 diagnostics in 3 files (4 files scanned). [*] 4 fixable with `whispir-migrate fix`. 2 host fixes need `--region`."
    );
}

/// The human report's findings as (header line, `path:line:col`, the rest of the block).
fn human_findings(stdout: &str) -> Vec<(String, String, String)> {
    stdout
        .split("\n\n")
        .filter_map(|block| {
            let mut lines = block.lines();
            let header = lines.next()?;
            let place = lines.next()?.split_once("┌─ ")?.1;
            Some((
                header.to_string(),
                place.to_string(),
                lines.collect::<Vec<_>>().join("\n"),
            ))
        })
        .collect()
}

/// The human report's finding at `place` (`path:line:col`) of `mixed_tree`.
fn human_finding_at(place: &str) -> (String, String) {
    let dir = mixed_tree();
    let out = run(dir.path(), &["check", "--no-config"], None);
    assert_eq!(out.code, 1, "{out:?}");
    let findings = human_findings(&out.stdout);
    assert_eq!(findings.len(), 3, "{}", out.stdout);
    let (header, _, rest) = findings
        .into_iter()
        .find(|(_, at, _)| at == place)
        .unwrap_or_else(|| panic!("no finding at {place}: {}", out.stdout));
    (header, rest)
}

#[test]
fn human_marks_a_fix_plain_fix_applies_with_a_star_after_the_code() {
    let (header, rest) = human_finding_at("send.sh:1:43");
    assert!(
        header.starts_with("error[WM002] [*]: API key sent"),
        "{header}"
    );
    assert!(
        rest.contains("\n  = fix: Move the key to an `x-api-key` header"),
        "{rest}"
    );
    // The finding without any fix has neither.
    let (header, rest) = human_finding_at("send.sh:2:15");
    assert!(header.starts_with("error[WM001]: "), "{header}");
    assert!(!rest.contains("fix:"), "{rest}");
}

#[test]
fn human_does_not_star_an_unsafe_fix_and_says_what_applies_it() {
    let (header, rest) = human_finding_at("docs/old.sh:1:50");
    assert!(!header.contains("[*]"), "{header}");
    assert!(header.starts_with("error[WM002]: API key sent"), "{header}");
    assert!(
        rest.contains("\n  = unsafe fix (--unsafe-fixes): Move the key to an `x-api-key` header"),
        "{rest}"
    );
}

#[test]
fn statistics_prints_only_the_table_with_the_summary_fixable_count() {
    let dir = mixed_tree();
    for format in ["human", "concise"] {
        let out = run(
            dir.path(),
            &["check", "--no-config", "--statistics", "--format", format],
            None,
        );
        assert_eq!(out.code, 1, "{out:?}");
        assert!(
            out.stdout.starts_with("By rule:\n"),
            "{format}: {}",
            out.stdout
        );
        assert!(
            !out.stdout.contains("error[")
                && !out.stdout.contains("send.sh:")
                && !out.stdout.contains("Found"),
            "{format}: {}",
            out.stdout
        );
        assert!(
            out.stdout
                .contains("     2  WM002  apikey-in-query (1 fixable)\n"),
            "only the safe fix counts as fixable: {}",
            out.stdout
        );
        assert!(
            out.stdout
                .contains("total (1 fixable with `whispir-migrate fix`)"),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn fix_diff_ends_with_what_it_would_do_and_whether_the_patch_applies() {
    let text = format!("curl \"https://api.au.whispir.com/messages?apikey={KEY}\" -d @m.json\n");
    let dir = tree(&[("send.sh", &text)]);
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("git runs")
    };
    git(&["init", "-q"]);
    let redacted = run(dir.path(), &["fix", "--diff", "--no-config"], None);
    assert_eq!(redacted.code, 1, "{redacted:?}");
    assert!(!redacted.stdout.contains(KEY));
    let mut lines = redacted.stderr.lines();
    assert_eq!(
        lines.next(),
        Some("Would fix 1 finding in 1 file; 1 needs manual changes"),
        "{}",
        redacted.stderr
    );
    let note = lines.next().unwrap_or_default();
    assert!(
        note.contains("redacted") && note.contains("git apply") && note.contains("--show-secrets"),
        "{}",
        redacted.stderr
    );
    std::fs::write(dir.path().join("redacted.patch"), &redacted.stdout).unwrap();
    assert!(
        !git(&["apply", "--check", "redacted.patch"])
            .status
            .success()
    );

    let shown = run(
        dir.path(),
        &["fix", "--diff", "--no-config", "--show-secrets"],
        None,
    );
    assert_eq!(shown.code, 1, "{shown:?}");
    assert!(!shown.stderr.contains("redacted"), "{}", shown.stderr);
    std::fs::write(dir.path().join("full.patch"), &shown.stdout).unwrap();
    let applied = git(&["apply", "--check", "full.patch"]);
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
}

#[test]
fn json_and_sarif_carry_the_help_human_output_shows() {
    let dir = tree(&[("a.py", &legacy_py())]);
    let human = run(dir.path(), &["check", "--no-config"], None);
    let helps: Vec<&str> = human
        .stdout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("= help: "))
        .collect();
    assert_eq!(helps.len(), 4, "{}", human.stdout);
    let json = run(
        dir.path(),
        &["check", "--no-config", "--format", "json"],
        None,
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let json_helps: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["help"].as_str().expect("every finding here has help"))
        .collect();
    assert_eq!(json_helps, helps);
    assert!(!json.stdout.contains(KEY), "help is redacted like the rest");
    let sarif = run(
        dir.path(),
        &["check", "--no-config", "--format", "sarif"],
        None,
    );
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let messages: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"]["text"].as_str().unwrap())
        .collect();
    for (message, help) in messages.iter().zip(&helps) {
        assert!(message.ends_with(&format!("\nhelp: {help}")), "{message}");
    }
}

// ---------------------------------------------------------------------------------------------
// Rule selection on the command line

/// The rule codes `check` reports in `dir` with `args`, sorted and deduplicated.
fn codes(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "--format", "concise", "--quiet"];
    all.extend_from_slice(args);
    let out = run(dir, &all, None);
    assert!(out.code == 0 || out.code == 1, "{out:?}");
    let mut codes: Vec<String> = out
        .stdout
        .lines()
        .filter_map(|l| l.split(": ").nth(1)?.split(' ').next().map(str::to_string))
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn select_extend_select_and_ignore_override_the_config_as_in_ruff() {
    // WM001 ×2, WM002, WM003; the config turns WM003 off.
    let dir = tree(&[
        ("a.py", &legacy_py()),
        ("whispir-migrate.toml", "ignore = [\"WM003\"]\n"),
    ]);
    let d = dir.path();
    assert_eq!(codes(d, &[]), ["WM001", "WM002"]);
    // --select starts again from nothing: the config's ignore does not carry over.
    assert_eq!(codes(d, &["--select", "WM003"]), ["WM003"]);
    assert_eq!(
        codes(d, &["--select", "wm001,apikey-in-query"]),
        ["WM001", "WM002"]
    );
    // --extend-select adds to the config's selection.
    assert_eq!(
        codes(d, &["--extend-select", "WM003"]),
        ["WM001", "WM002", "WM003"]
    );
    assert_eq!(codes(d, &["--ignore", "WM001"]), ["WM002"]);
    assert_eq!(
        codes(d, &["--select", "ALL", "--ignore", "WM002"]),
        ["WM001", "WM003"]
    );
    // The more precise selector wins; at equal precision the ignore does.
    assert_eq!(
        codes(d, &["--ignore", "ALL", "--select", "WM002"]),
        ["WM002"]
    );
    assert_eq!(
        codes(d, &["--select", "WM002", "--ignore", "WM002"]),
        Vec::<String>::new()
    );
}

#[test]
fn an_unknown_rule_on_the_command_line_is_a_usage_error() {
    let dir = tree(&[("a.py", &legacy_py())]);
    let out = run(dir.path(), &["check", "--select", "WM009"], None);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("unknown rule `WM009`") && out.stderr.contains("WM001"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// --baseline-commit

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn baseline_commit_reports_only_what_the_change_introduces() {
    const OLD: &str = "u = \"https://api.whispir.com/messages\"\n";
    const NEW: &str = "v = \"https://api.whispir.com/contacts\"\n";
    let dir = tree(&[
        ("changed.py", OLD),
        ("renamed_from.py", OLD),
        ("untouched.py", OLD),
        ("deleted.py", OLD),
    ]);
    let d = dir.path();
    git(d, &["init", "-q"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    std::fs::write(d.join("changed.py"), format!("# moved down\n{OLD}{NEW}")).unwrap();
    git(d, &["mv", "renamed_from.py", "renamed_to.py"]);
    std::fs::remove_file(d.join("deleted.py")).unwrap();
    std::fs::write(d.join("added.py"), NEW).unwrap();
    let all = codes_at(d, &["--no-config"]);
    assert_eq!(all.len(), 5, "{all:?}");
    let new = codes_at(d, &["--no-config", "--baseline-commit", "HEAD"]);
    assert_eq!(new, ["added.py:1:14", "changed.py:3:14"]);

    let out = run(
        d,
        &["check", "--no-config", "--baseline-commit", "no-such-ref"],
        None,
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no-such-ref"), "{}", out.stderr);
    assert!(!out.stdout.contains("No legacy"), "{}", out.stdout);
    let fix = run(
        d,
        &["fix", "--no-config", "--baseline-commit", "HEAD"],
        None,
    );
    assert_eq!(fix.code, 2, "{fix:?}");
}

#[test]
fn baseline_commit_outside_git_is_an_error() {
    let dir = tree(&[("a.py", &legacy_py())]);
    let out = Command::new(env!("CARGO_BIN_EXE_whispir-migrate"))
        .args(["check", "--no-config", "--baseline-commit", "HEAD"])
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a git repository"), "{stderr}");
}

/// `path:line:col` of each finding `check --format concise` reports.
fn codes_at(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "--format", "concise", "--quiet"];
    all.extend_from_slice(args);
    let out = run(dir, &all, None);
    assert!(out.code == 0 || out.code == 1, "{out:?}");
    out.stdout
        .lines()
        .map(|l| l.split(": ").next().unwrap().to_string())
        .collect()
}

#[test]
fn show_fixes_shows_edits_apart_as_hunks_and_tabs_as_the_source_lines_do() {
    // The key leaves the dict on line 7; the header goes on the request, four lines below.
    let text = "import requests\n\n\ndef contacts(page):\n\tquery = {\n\t\t\"first\": page * 50,\n\t\t\"apikey\": KEY,\n\t}\n\turl = \"https://api.au.whispir.com/contacts\"\n\tprint(url)\n\treturn requests.get(url, params=query).json()\n";
    let dir = tree(&[("c.py", text)]);
    let out = run(
        dir.path(),
        &["check", "--no-config", "--show-fixes", "c.py"],
        None,
    );
    assert_eq!(out.code, 1, "{out:?}");
    let expected = [
        "  = fix: Move the key to an `x-api-key` header (send `x-api-key` in the request's headers, through the variable holding the query)",
        "    -         \"apikey\": KEY,",
        "    -     }",
        "    +     }",
        "    ⋮",
        "    -     return requests.get(url, params=query).json()",
        "    +     return requests.get(url, params=query, headers={\"x-api-key\": KEY}).json()",
        "",
    ]
    .join("\n");
    assert!(out.stdout.contains(&expected), "{}", out.stdout);
    // The source line above the diff draws the tab alike.
    assert!(
        out.stdout.contains("7 │         \"apikey\": KEY,\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn show_fixes_puts_each_fix_as_a_redacted_diff_under_its_finding() {
    let text = format!("curl \"https://api.au.whispir.com/messages?apikey={KEY}\" -d @m.json\n");
    let dir = tree(&[("send.sh", &text)]);
    let args = ["check", "--no-config", "--region", "au", "send.sh"];
    let plain = run(dir.path(), &args, None);
    assert!(!plain.stdout.contains("\n    - curl"), "{}", plain.stdout);

    let shown = run(dir.path(), &[&args[..], &["--show-fixes"]].concat(), None);
    assert_eq!(shown.code, 1, "{shown:?}");
    // The diff goes under the fix's title, in the same note.
    assert!(
        shown.stdout.contains("= fix: Move the key to an `x-api-key` header (add `x-api-key` to the curl command)\n    - curl \"https://api.au.whispir.com/messages?apikey=9f86…\" -d @m.json\n    + curl \"https://api.au.whispir.com/messages\" -H \"x-api-key: 9f86…\" -d @m.json"),
        "{}",
        shown.stdout
    );
    assert!(!shown.stdout.contains(KEY), "{}", shown.stdout);

    let secrets = run(
        dir.path(),
        &[&args[..], &["--show-fixes", "--show-secrets"]].concat(),
        None,
    );
    assert!(
        secrets.stdout.contains(&format!("-H \"x-api-key: {KEY}\"")),
        "{}",
        secrets.stdout
    );
}
