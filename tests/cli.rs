//! End-to-end tests of the `whispir-migrate` binary: exit codes, output formats, redaction,
//! configuration, suppressions, file discovery, encodings, ordering and error reporting.
//!
//! Each test builds a small tree in a temporary directory and runs the built binary on it.
//! Where the tool disagrees with SPEC.md the test asserts the SPEC and is `#[ignore]`d with a
//! `BUG:` reason, so the suite stays green while the disagreement stays visible.

mod common;

use serde_json::Value;
use std::io::Write;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Inputs

/// One WM001 at 1:14 (the `a` of `api.whispir.com`).
const LEGACY: &str = "u = \"https://api.whispir.com/messages\"\n";
/// Nothing to report.
const CLEAN: &str = "u = \"https://api.au.whispir.com/messages\"\nprint('hello')\n";
macro_rules! key {
    () => {
        "9f86d081884c7d659a2feaa0c55ad015"
    };
}
/// A real-looking 32-hex API key.
const KEY: &str = key!();
/// WM001 (1:22), WM002 (1:47) and WM003 (1:54) on one line of JavaScript.
const KEYED_JS: &str = concat!(
    "const url = \"https://api.whispir.com/messages?apikey=",
    key!(),
    "\";\n"
);

/// A request whose host and key move together in one fix.
const FETCH_JS: &str = concat!(
    "fetch(\"https://api.whispir.com/messages?apikey=",
    key!(),
    "\", { method: \"POST\" });\n"
);

// ---------------------------------------------------------------------------------------------
// Helpers

/// What one run of the binary produced.
#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
    /// Everything printed, for "never appears anywhere" checks.
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
    #[track_caller]
    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "unexpected exit status; output:\n{self:#?}"
        );
        self
    }
}

/// A temporary directory to scan.
struct Tree {
    dir: TempDir,
}

impl Tree {
    fn new() -> Tree {
        Tree {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn with(files: &[(&str, &str)]) -> Tree {
        let t = Tree::new();
        for (path, text) in files {
            t.write(path, text);
        }
        t
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes `rel` (creating parent directories).
    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> &Tree {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
        std::fs::write(&p, bytes).expect("write file");
        self
    }

    fn git_init(&self) -> &Tree {
        let ok = Command::new("git")
            .args(["init", "-q"])
            .current_dir(self.root())
            .status()
            .expect("git runs")
            .success();
        assert!(ok, "git init failed");
        self
    }

    /// Runs the binary with the tree root as the working directory.
    fn run(&self, args: &[&str]) -> Out {
        run(bin(self.root(), args), None)
    }

    fn run_in(&self, sub: &str, args: &[&str]) -> Out {
        run(bin(&self.path(sub), args), None)
    }

    fn run_env(&self, args: &[&str], key: &str, value: &str) -> Out {
        let mut c = bin(self.root(), args);
        c.env(key, value);
        run(c, None)
    }

    fn run_stdin(&self, args: &[&str], input: &[u8]) -> Out {
        run(bin(self.root(), args), Some(input))
    }

    /// `check --format json ARGS…`, asserting the exit status.
    fn json(&self, args: &[&str], code: i32) -> Value {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        out.assert_code(code);
        out.json()
    }

    /// `check --format concise --quiet ARGS…`: just the diagnostic lines.
    fn concise(&self, args: &[&str]) -> Vec<String> {
        let mut all = vec!["check", "--format", "concise", "--quiet"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(
            out.code == 0 || out.code == 1,
            "unexpected exit status; output:\n{out:#?}"
        );
        lines(&out.stdout)
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_string).collect()
}

/// A command for the binary in `cwd`, isolated from the caller's environment.
fn bin(cwd: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_whispir-migrate"));
    c.args(args)
        .current_dir(cwd)
        .env_remove("WHISPIR_REGION")
        .env("NO_COLOR", "1");
    c
}

/// Runs `cmd` to completion (failing the test after 60 s instead of hanging).
fn run(mut cmd: Command, stdin: Option<&[u8]>) -> Out {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("binary starts");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin piped");
        pipe.write_all(input).expect("write stdin");
    }
    let out = common::wait_or_fail(child, "whispir-migrate");
    Out {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// The diagnostics array of a JSON report.
fn diags(report: &Value) -> &Vec<Value> {
    report["diagnostics"].as_array().expect("diagnostics array")
}

/// `(path, code)` of every diagnostic, in report order.
fn found(report: &Value) -> Vec<(String, String)> {
    diags(report)
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Codes of every diagnostic.
fn codes(report: &Value) -> Vec<String> {
    found(report).into_iter().map(|(_, c)| c).collect()
}

/// Sorted distinct paths with a diagnostic.
fn paths(report: &Value) -> Vec<String> {
    let mut p: Vec<String> = found(report).into_iter().map(|(p, _)| p).collect();
    p.dedup();
    p
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

fn sorted(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v
}

/// The first WM001 diagnostic of a report.
fn first_wm001(report: &Value) -> &Value {
    diags(report)
        .iter()
        .find(|d| d["code"] == "WM001")
        .unwrap_or_else(|| panic!("no WM001 in {report:#}"))
}

// ---------------------------------------------------------------------------------------------
// Exit status

#[test]
fn exit_0_on_clean_tree() {
    let t = Tree::with(&[("app.py", CLEAN)]);
    let out = t.run(&["check"]);
    out.assert_code(0);
    assert!(out.stdout.contains("No legacy Whispir API usage found"));
}

#[test]
fn exit_1_on_findings() {
    Tree::with(&[("app.py", LEGACY)])
        .run(&["check"])
        .assert_code(1);
}

#[test]
fn exit_zero_flag_turns_findings_into_0() {
    let out = Tree::with(&[("app.py", LEGACY)]).run(&["check", "--exit-zero"]);
    out.assert_code(0);
    assert!(out.stdout.contains("error[WM001]"), "still reported");
}

#[test]
fn exit_2_on_usage_errors() {
    let t = Tree::with(&[("app.py", LEGACY)]);
    t.run(&["check", "--no-such-flag"]).assert_code(2);
    t.run(&["check", "--format", "xml"]).assert_code(2);
    t.run(&["frobnicate"]).assert_code(2);
    t.run(&["check", "--config", "a.toml", "--no-config"])
        .assert_code(2);
}

#[test]
fn exit_2_on_bad_config_even_with_exit_zero() {
    let t = Tree::with(&[
        ("app.py", LEGACY),
        ("whispir-migrate.toml", "regoin = \"au\"\n"),
    ]);
    t.run(&["check", "--exit-zero"]).assert_code(2);
}

#[test]
fn exit_2_for_missing_path_naming_it() {
    let out = Tree::with(&[("app.py", LEGACY)]).run(&["check", "app.py", "missing.py"]);
    out.assert_code(2);
    assert!(out.stderr.contains("missing.py"), "{}", out.stderr);
    assert!(out.stderr.contains("no such file"), "{}", out.stderr);
    assert!(
        out.stdout.contains("app.py:1:14"),
        "other path still scanned"
    );
}

// ---------------------------------------------------------------------------------------------
// Formats

#[test]
fn human_format_has_code_location_and_help() {
    let out = Tree::with(&[("app.py", LEGACY)]).run(&["check", "app.py"]);
    out.assert_code(1);
    assert!(out.stdout.contains("error[WM001]"), "{}", out.stdout);
    assert!(out.stdout.contains("app.py:1:14"), "{}", out.stdout);
    assert!(out.stdout.contains("help:"), "{}", out.stdout);
    assert!(
        out.stdout.contains("api.whispir.com/messages"),
        "source line shown"
    );
    assert!(out.stdout.contains('^'), "span underlined");
    assert!(!out.stdout.contains('\u{1b}'), "no colour when piped");
}

#[test]
fn human_help_shows_replacement_with_region() {
    let out = Tree::with(&[("app.py", LEGACY)]).run(&["check", "--region", "au"]);
    out.assert_code(1);
    assert!(out.stdout.contains("api.au.whispir.com"), "{}", out.stdout);
}

#[test]
fn color_always_and_never() {
    let t = Tree::with(&[("app.py", LEGACY)]);
    assert!(
        t.run(&["check", "--color", "always"])
            .stdout
            .contains('\u{1b}')
    );
    assert!(
        !t.run(&["check", "--color", "never"])
            .stdout
            .contains('\u{1b}')
    );
}

#[test]
fn concise_format_is_path_line_col_code_message() {
    let l = Tree::with(&[("app.py", LEGACY)]).concise(&["app.py"]);
    assert_eq!(
        l,
        ["app.py:1:14: WM001 Retired Whispir gateway `api.whispir.com`"]
    );
}

#[test]
fn concise_marks_only_fixes_plain_fix_applies() {
    // A request URL: safe. A base URL named alone (not a whole-repository run): unsafe.
    let t = Tree::with(&[
        (
            "req.py",
            "requests.get(\"https://api.whispir.com/messages\", headers=h)\n",
        ),
        ("base.py", LEGACY),
    ]);
    let l = t.concise(&["--region", "au", "req.py", "base.py"]);
    assert_eq!(
        l,
        [
            "base.py:1:14: WM001 Retired Whispir gateway `api.whispir.com`",
            "req.py:1:23: WM001 [*] Retired Whispir gateway `api.whispir.com`",
        ]
    );
}

#[test]
fn default_path_is_shown_without_dot_prefix_and_a_given_one_as_given() {
    let t = Tree::with(&[("src/app.py", LEGACY)]);
    let l = t.concise(&[]);
    assert_eq!(l.len(), 1);
    assert!(l[0].starts_with("src/app.py:1:14: WM001 "), "{l:?}");
    let l = t.concise(&["."]);
    assert!(l[0].starts_with("./src/app.py:1:14: WM001 "), "{l:?}");
}

#[test]
fn json_format_has_exact_spec_shape() {
    let t = Tree::with(&[("src/a.js", FETCH_JS), ("clean.py", CLEAN)]);
    let r = t.json(&["--region", "au", "src", "clean.py"], 1);
    assert_eq!(keys(&r), ["diagnostics", "summary", "version"]);
    assert_eq!(r["version"], 1);
    let d = diags(&r);
    assert_eq!(codes(&r), ["WM001", "WM002", "WM003"]);
    for d in d {
        assert_eq!(
            keys(d),
            sorted(vec![
                "code",
                "name",
                "severity",
                "message",
                "help",
                "path",
                "line",
                "column",
                "end_line",
                "end_column",
                "fix"
            ])
        );
        assert_eq!(d["path"], "src/a.js");
        for k in ["line", "column", "end_line", "end_column"] {
            assert!(d[k].as_u64().unwrap() >= 1, "{k} is 1-based: {d}");
        }
        assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(d["fix"].is_null() || d["fix"].is_object());
    }
    let wm001 = &d[0];
    assert_eq!(wm001["name"], "legacy-host");
    assert_eq!(wm001["severity"], "error");
    assert_eq!(
        (
            &wm001["line"],
            &wm001["column"],
            &wm001["end_line"],
            &wm001["end_column"]
        ),
        (
            &Value::from(1),
            &Value::from(16),
            &Value::from(1),
            &Value::from(31)
        )
    );
    let fix = &wm001["fix"];
    // Host and key of one request are one fix, shared by both findings.
    assert_eq!(fix, &d[1]["fix"]);
    assert_eq!(keys(fix), ["applicability", "edits", "message"]);
    let edit = &fix["edits"][0];
    assert_eq!(
        keys(edit),
        sorted(vec!["line", "column", "end_line", "end_column", "content"])
    );
    assert_eq!(d[1]["name"], "apikey-in-query");
    assert_eq!(d[2]["name"], "hardcoded-api-key");
    assert_eq!(d[2]["severity"], "warning");
    assert!(d[2]["fix"].is_null(), "WM003 has no fix");
    let s = &r["summary"];
    assert_eq!(
        keys(s),
        ["diagnostics", "errors", "files_scanned", "fixable"]
    );
    assert_eq!(s["files_scanned"], 2);
    assert_eq!(s["diagnostics"], 3);
    assert_eq!(s["fixable"], 2);
    assert_eq!(s["errors"], Value::Array(vec![]));
}

#[test]
fn json_on_clean_tree_is_empty_report() {
    let r = Tree::with(&[("app.py", CLEAN)]).json(&[], 0);
    assert_eq!(diags(&r).len(), 0);
    assert_eq!(r["summary"]["diagnostics"], 0);
    assert_eq!(r["summary"]["files_scanned"], 1);
}

#[test]
fn github_format_emits_workflow_commands() {
    let t = Tree::with(&[("src/a.js", KEYED_JS)]);
    let out = t.run(&["check", "--format", "github"]);
    out.assert_code(1);
    let l = lines(&out.stdout);
    assert!(
        l[0].starts_with("::error file=src/a.js,line=1,col=22,"),
        "{l:?}"
    );
    assert!(l[0].contains("title=WM001"), "{l:?}");
    assert!(l[1].starts_with("::error file=src/a.js,line=1,col=47,"));
    assert!(l[1].contains("title=WM002"));
    assert!(
        l.iter().all(|l| l.starts_with("::")),
        "one command a line: {l:?}"
    );
}

#[test]
fn output_flag_writes_report_to_file() {
    let t = Tree::with(&[("src/app.py", LEGACY)]);
    let out = t.run(&[
        "check",
        "src",
        "--format",
        "json",
        "--output",
        "report.json",
    ]);
    out.assert_code(1);
    assert_eq!(out.stdout, "", "nothing on stdout");
    let text = std::fs::read_to_string(t.path("report.json")).expect("report written");
    let r: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(found(&r), [("src/app.py".to_string(), "WM001".to_string())]);
}

#[test]
fn output_flag_to_unwritable_place_is_exit_2() {
    let t = Tree::with(&[("app.py", LEGACY)]);
    let out = t.run(&["check", "app.py", "--output", "no/such/dir/r.txt"]);
    out.assert_code(2);
    assert!(out.stderr.contains("no/such/dir/r.txt"), "{}", out.stderr);
}

#[test]
fn statistics_counts_per_rule() {
    let t = Tree::with(&[("a.py", LEGACY), ("b.py", LEGACY), ("c.js", KEYED_JS)]);
    let out = t.run(&["check", "--format", "concise", "--statistics"]);
    out.assert_code(1);
    let stat = |code: &str| {
        out.stdout
            .lines()
            .find(|l| {
                let mut w = l.split_whitespace();
                w.next().is_some_and(|n| n.parse::<usize>().is_ok()) && w.next() == Some(code)
            })
            .unwrap_or_else(|| panic!("no statistics line for {code}:\n{}", out.stdout))
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(stat("WM001"), "3");
    assert_eq!(stat("WM002"), "1");
    assert_eq!(stat("WM003"), "1");
}

#[test]
fn quiet_drops_the_summary_line() {
    let t = Tree::with(&[("app.py", LEGACY)]);
    let loud = t.run(&["check"]);
    assert!(loud.stdout.contains("Found 1 diagnostic"));
    let quiet = t.run(&["check", "--quiet"]);
    quiet.assert_code(1);
    assert!(quiet.stdout.contains("error[WM001]"));
    assert!(!quiet.stdout.contains("Found"), "{}", quiet.stdout);
    assert_eq!(t.concise(&[]).len(), 1, "concise --quiet: diagnostics only");
}

// ---------------------------------------------------------------------------------------------
// Standard input

#[test]
fn stdin_with_stdin_filename() {
    let t = Tree::new();
    let out = t.run_stdin(
        &[
            "check",
            "-",
            "--stdin-filename",
            "app.py",
            "--format",
            "concise",
        ],
        LEGACY.as_bytes(),
    );
    out.assert_code(1);
    assert!(
        out.stdout.starts_with("app.py:1:14: WM001 "),
        "{}",
        out.stdout
    );
}

#[test]
fn stdin_filename_path_shown_as_given() {
    let t = Tree::new();
    let out = t.run_stdin(
        &[
            "check",
            "-",
            "--stdin-filename",
            "src/deep/app.py",
            "--format",
            "json",
        ],
        LEGACY.as_bytes(),
    );
    out.assert_code(1);
    assert_eq!(paths(&out.json()), ["src/deep/app.py"]);
}

#[test]
fn stdin_clean_is_exit_0() {
    let t = Tree::new();
    t.run_stdin(
        &["check", "-", "--stdin-filename", "a.py"],
        CLEAN.as_bytes(),
    )
    .assert_code(0);
}

#[test]
fn stdin_filename_is_explicit_so_excludes_need_force_exclude() {
    let t = Tree::new();
    let args = [
        "check",
        "-",
        "--stdin-filename",
        "app.py",
        "--exclude",
        "*.py",
    ];
    t.run_stdin(&args, LEGACY.as_bytes()).assert_code(1);
    let mut forced = args.to_vec();
    forced.push("--force-exclude");
    t.run_stdin(&forced, LEGACY.as_bytes()).assert_code(0);
}

// ---------------------------------------------------------------------------------------------
// Secrets

#[test]
fn api_key_redacted_in_every_format() {
    let t = Tree::with(&[("a.js", KEYED_JS)]);
    for format in ["human", "concise", "json", "github"] {
        let out = t.run(&["check", "--format", format, "--region", "au"]);
        out.assert_code(1);
        assert!(
            !out.all().contains(KEY),
            "{format} leaks the key:\n{}",
            out.all()
        );
        assert!(
            out.stdout.contains("9f86…"),
            "{format}: redacted form shown"
        );
    }
}

#[test]
fn api_key_shown_with_show_secrets() {
    let t = Tree::with(&[("a.js", KEYED_JS)]);
    let out = t.run(&["check", "--show-secrets"]);
    out.assert_code(1);
    assert!(out.stdout.contains(KEY), "{}", out.stdout);
}

#[test]
fn show_secrets_unredacts_every_format() {
    let t = Tree::with(&[("a.js", KEYED_JS)]);
    for format in ["concise", "json", "github"] {
        let out = t.run(&["check", "--format", format, "--show-secrets"]);
        assert!(out.stdout.contains(KEY), "{format}:\n{}", out.stdout);
    }
}

#[test]
fn basic_credentials_redacted_in_human_output() {
    let cred = "dXNlcjpwYXNzd29yZDEy"; // base64("user:password12"), no padding
    let line =
        format!("curl -H \"Authorization: Basic {cred}\" https://api.whispir.com/messages\n");
    let t = Tree::with(&[("send.sh", line.as_str())]);
    let out = t.run(&["check"]);
    out.assert_code(1);
    assert!(
        out.stdout.contains("Authorization: Basic dXNl…"),
        "{}",
        out.stdout
    );
    assert!(!out.all().contains(cred), "{}", out.stdout);
    let shown = t.run(&["check", "--show-secrets"]);
    assert!(shown.stdout.contains(cred), "{}", shown.stdout);
}

#[test]
fn padded_basic_credentials_redacted_in_human_output() {
    let cred = "dXNlcjpwYXNzd29yZA=="; // base64("user:password")
    let line =
        format!("curl -H \"Authorization: Basic {cred}\" https://api.whispir.com/messages\n");
    let out = Tree::with(&[("send.sh", line.as_str())]).run(&["check"]);
    out.assert_code(1);
    assert!(!out.all().contains(cred), "{}", out.stdout);
    assert!(
        out.stdout.contains("Authorization: Basic dXNl…"),
        "{}",
        out.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// Configuration

#[test]
fn config_discovered_in_cwd() {
    let t = Tree::with(&[
        ("app.py", LEGACY),
        ("whispir-migrate.toml", "ignore = [\"WM001\"]\n"),
    ]);
    t.run(&["check"]).assert_code(0);
}

#[test]
fn dot_config_discovered_from_parent_directory() {
    let t = Tree::with(&[
        ("sub/app.py", LEGACY),
        (".whispir-migrate.toml", "ignore = [\"WM001\"]\n"),
    ]);
    t.run_in("sub", &["check"]).assert_code(0);
}

#[test]
fn config_unknown_key_names_file_line_and_key() {
    let t = Tree::with(&[
        ("app.py", LEGACY),
        ("whispir-migrate.toml", "region = \"au\"\n\nexclud = []\n"),
    ]);
    let out = t.run(&["check"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("whispir-migrate.toml:3"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("exclud"), "{}", out.stderr);
    assert_eq!(out.stdout, "", "no report after a config error");
}

#[test]
fn config_bad_region_is_exit_2() {
    let t = Tree::with(&[
        ("app.py", LEGACY),
        ("whispir-migrate.toml", "\nregion = \"mars\"\n"),
    ]);
    let out = t.run(&["check"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("whispir-migrate.toml:2"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("mars"), "{}", out.stderr);
}

#[test]
fn config_bad_rule_code_is_exit_2() {
    let t = Tree::with(&[
        ("app.py", LEGACY),
        ("whispir-migrate.toml", "ignore = [\"WM009\"]\n"),
    ]);
    let out = t.run(&["check"]);
    out.assert_code(2);
    assert!(out.stderr.contains("WM009"), "{}", out.stderr);
}

#[test]
fn config_bad_glob_is_exit_2_naming_file_line_key_and_glob() {
    for (config, line, key, glob) in [
        (
            "region = \"au\"\nexclude = [\"x/{a\"]\n",
            2,
            "exclude",
            "x/{a",
        ),
        (
            "\n[per-file-ignores]\n\"src/[\" = [\"WM001\"]\n",
            2,
            "per-file-ignores",
            "src/[",
        ),
    ] {
        let t = Tree::with(&[("app.py", LEGACY), ("whispir-migrate.toml", config)]);
        let out = t.run(&["check"]);
        out.assert_code(2);
        assert!(
            out.stderr.contains(&format!(
                "whispir-migrate.toml:{line}: invalid glob `{glob}` in `{key}`: "
            )),
            "{}",
            out.stderr
        );
        assert!(!out.stdout.contains("No legacy"), "{}", out.stdout);
    }
}

#[test]
fn config_invalid_toml_is_exit_2() {
    let t = Tree::with(&[("app.py", LEGACY), ("whispir-migrate.toml", "region = \n")]);
    let out = t.run(&["check"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("whispir-migrate.toml"),
        "{}",
        out.stderr
    );
}

#[test]
fn no_config_skips_the_file() {
    let t = Tree::with(&[("app.py", LEGACY), ("whispir-migrate.toml", "bogus = 1\n")]);
    t.run(&["check", "--no-config"]).assert_code(1);
}

#[test]
fn config_flag_uses_that_file() {
    let t = Tree::with(&[
        ("app.py", LEGACY),
        ("whispir-migrate.toml", "bogus = 1\n"),
        ("conf/custom.toml", "ignore = [\"legacy-host\"]\n"),
    ]);
    t.run(&["check", "--config", "conf/custom.toml"])
        .assert_code(0);
}

#[test]
fn config_flag_missing_file_is_exit_2() {
    let t = Tree::with(&[("app.py", LEGACY)]);
    let out = t.run(&["check", "--config", "nope.toml"]);
    out.assert_code(2);
    assert!(out.stderr.contains("nope.toml"), "{}", out.stderr);
}

#[test]
fn config_ignore_silences_a_rule() {
    let t = Tree::with(&[
        ("a.js", KEYED_JS),
        ("whispir-migrate.toml", "ignore = [\"WM003\"]\n"),
    ]);
    assert_eq!(codes(&t.json(&[], 1)), ["WM001", "WM002"]);
}

#[test]
fn config_region_makes_fix_available() {
    let t = Tree::with(&[
        ("app.py", LEGACY),
        ("whispir-migrate.toml", "region = \"AP\"\n"),
    ]);
    let r = t.json(&[], 1);
    assert_eq!(
        first_wm001(&r)["fix"]["edits"][0]["content"],
        "api.ap.whispir.com"
    );
}

#[test]
fn config_per_file_ignores() {
    let t = Tree::with(&[
        ("docs/a.py", LEGACY),
        ("src/b.py", LEGACY),
        (
            "whispir-migrate.toml",
            "[per-file-ignores]\n\"docs/**\" = [\"WM001\"]\n",
        ),
    ]);
    assert_eq!(paths(&t.json(&[], 1)), ["src/b.py"]);
}

#[test]
fn config_per_file_ignores_anchored_at_config_dir() {
    let t = Tree::with(&[
        ("docs/a.py", LEGACY),
        (
            "whispir-migrate.toml",
            "[per-file-ignores]\n\"docs/**\" = [\"WM001\"]\n",
        ),
    ]);
    t.run_in("docs", &["check"]).assert_code(0);
    let abs = t.root().to_str().unwrap().to_string();
    t.run(&["check", &abs]).assert_code(0);
}

#[test]
fn config_exclude_and_extend_exclude() {
    let t = Tree::with(&[
        ("vendor/v.py", LEGACY),
        ("app.min.js", LEGACY),
        ("src/b.py", LEGACY),
        (
            "whispir-migrate.toml",
            "exclude = [\"vendor/\"]\nextend-exclude = [\"*.min.js\"]\n",
        ),
    ]);
    assert_eq!(paths(&t.json(&[], 1)), ["src/b.py"]);
}

#[test]
fn config_exclude_applies_from_subdirectory() {
    let t = Tree::with(&[
        ("vendor/v.py", LEGACY),
        ("whispir-migrate.toml", "exclude = [\"vendor/\"]\n"),
    ]);
    t.run_in("vendor", &["check"]).assert_code(0);
}

// ---------------------------------------------------------------------------------------------
// Region

#[test]
fn region_flag_makes_wm001_safely_fixable() {
    let t = Tree::with(&[("app.py", LEGACY)]);
    let r = t.json(&["--region", "au"], 1);
    let fix = &first_wm001(&r)["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["edits"][0]["content"], "api.au.whispir.com");
    assert_eq!(r["summary"]["fixable"], 1);
}

#[test]
fn without_region_wm001_has_no_fix() {
    let r = Tree::with(&[("app.py", LEGACY)]).json(&[], 1);
    assert!(first_wm001(&r)["fix"].is_null());
    assert_eq!(r["summary"]["fixable"], 0);
}

#[test]
fn region_from_environment() {
    let t = Tree::with(&[("app.py", LEGACY)]);
    let out = t.run_env(&["check", "--format", "json"], "WHISPIR_REGION", "nz");
    out.assert_code(1);
    let r = out.json();
    let fix = &first_wm001(&r)["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["edits"][0]["content"], "api.nz.whispir.com");
}

#[test]
fn region_is_case_insensitive_and_edu_is_education() {
    let t = Tree::with(&[("app.py", LEGACY)]);
    let content = |region: &str| {
        first_wm001(&t.json(&["--region", region], 1))["fix"]["edits"][0]["content"].clone()
    };
    assert_eq!(content("AU"), "api.au.whispir.com");
    assert_eq!(content("edu"), "api.education.whispir.com");
}

#[test]
fn bad_region_is_exit_2() {
    let t = Tree::with(&[("app.py", LEGACY)]);
    let out = t.run(&["check", "--region", "mars"]);
    out.assert_code(2);
    assert!(out.stderr.contains("mars"), "{}", out.stderr);
    t.run_env(&["check"], "WHISPIR_REGION", "mars")
        .assert_code(2);
}

// ---------------------------------------------------------------------------------------------
// Inline suppressions

#[test]
fn suppression_on_same_line() {
    let t = Tree::with(&[(
        "a.py",
        "u = \"https://api.whispir.com/x\"  # whispir-migrate: ignore\n",
    )]);
    t.run(&["check"]).assert_code(0);
}

#[test]
fn suppression_on_line_above() {
    let t = Tree::with(&[(
        "a.js",
        "// whispir-migrate: ignore\nconst u = \"https://api.whispir.com/x\";\n",
    )]);
    t.run(&["check"]).assert_code(0);
}

#[test]
fn suppression_does_not_reach_two_lines_down() {
    let t = Tree::with(&[(
        "a.py",
        "# whispir-migrate: ignore\n\nu = \"https://api.whispir.com/x\"\n",
    )]);
    t.run(&["check"]).assert_code(1);
}

#[test]
fn suppression_of_one_code_keeps_the_others() {
    let t = Tree::with(&[(
        "a.sh",
        "u=\"https://api.whispir.com/m?apikey=$KEY\"  # whispir-migrate: ignore[WM002]\n",
    )]);
    assert_eq!(codes(&t.json(&[], 1)), ["WM001"]);
}

#[test]
fn suppression_of_a_code_list() {
    let text = format!("// whispir-migrate: ignore[WM002,WM003]\n{}", KEYED_JS);
    let t = Tree::with(&[("a.js", &text)]);
    assert_eq!(codes(&t.json(&[], 1)), ["WM001"]);
}

// ---------------------------------------------------------------------------------------------
// Discovery

/// `keep.py` reported; `ignored.py` and `build/` listed in `.gitignore`.
fn gitignored_tree() -> Tree {
    Tree::with(&[
        ("keep.py", LEGACY),
        ("ignored.py", LEGACY),
        ("build/out.py", LEGACY),
        (".gitignore", "ignored.py\nbuild/\n"),
    ])
}

#[test]
fn gitignore_honoured_in_git_repo() {
    let t = gitignored_tree();
    t.git_init();
    assert_eq!(paths(&t.json(&[], 1)), ["keep.py"]);
}

#[test]
fn gitignore_honoured_without_git() {
    let t = gitignored_tree();
    assert_eq!(paths(&t.json(&[], 1)), ["keep.py"]);
}

#[test]
fn dot_ignore_and_git_info_exclude_honoured() {
    let t = Tree::with(&[("keep.py", LEGACY), ("a.py", LEGACY), ("b.py", LEGACY)]);
    t.git_init();
    t.write(".ignore", "a.py\n")
        .write(".git/info/exclude", "b.py\n");
    assert_eq!(paths(&t.json(&[], 1)), ["keep.py"]);
}

#[test]
fn no_ignore_scans_ignored_files() {
    let t = gitignored_tree();
    t.git_init();
    assert_eq!(
        paths(&t.json(&["--no-ignore"], 1)),
        ["build/out.py", "ignored.py", "keep.py"]
    );
}

#[test]
fn hidden_files_and_dirs_scanned() {
    let t = Tree::with(&[
        (".env", "WHISPIR_URL=https://api.whispir.com/messages\n"),
        (
            ".github/workflows/ci.yml",
            "env:\n  URL: https://api.whispir.com/x\n",
        ),
    ]);
    assert_eq!(paths(&t.json(&[], 1)), [".env", ".github/workflows/ci.yml"]);
}

#[test]
fn dot_git_never_scanned() {
    let t = Tree::with(&[("keep.py", LEGACY)]);
    t.git_init();
    t.write(".git/legacy.txt", LEGACY)
        .write(".git/hooks/pre-push", LEGACY)
        .write("sub/.git/notes.txt", LEGACY);
    assert_eq!(paths(&t.json(&[], 1)), ["keep.py"]);
    assert_eq!(paths(&t.json(&["--no-ignore"], 1)), ["keep.py"]);
}

#[test]
fn binary_file_skipped() {
    let mut bin = b"\x89PNG\r\n\x1a\n\0\0".to_vec();
    bin.extend_from_slice(LEGACY.as_bytes());
    let t = Tree::with(&[("keep.py", LEGACY)]);
    t.write("logo.png", &bin);
    let r = t.json(&[], 1);
    assert_eq!(paths(&r), ["keep.py"]);
    assert_eq!(r["summary"]["errors"], Value::Array(vec![]));
}

#[test]
fn nul_after_first_8_kib_is_still_text() {
    let mut text = LEGACY.as_bytes().to_vec();
    text.extend(std::iter::repeat_n(b'#', 9000));
    text.push(0);
    let t = Tree::new();
    t.write("late.py", &text);
    assert_eq!(paths(&t.json(&[], 1)), ["late.py"]);
}

#[test]
fn explicit_path_scanned_even_if_gitignored() {
    let t = gitignored_tree();
    t.git_init();
    assert_eq!(paths(&t.json(&["ignored.py"], 1)), ["ignored.py"]);
}

#[test]
fn exclude_flag() {
    let t = Tree::with(&[
        ("keep.py", LEGACY),
        ("vendor/v.py", LEGACY),
        ("dist/app.min.js", LEGACY),
    ]);
    let r = t.json(&["--exclude", "vendor", "--exclude", "*.min.js"], 1);
    assert_eq!(paths(&r), ["keep.py"]);
}

#[test]
fn explicit_path_scanned_despite_exclude_unless_force_exclude() {
    let t = Tree::with(&[("vendor/v.py", LEGACY)]);
    let r = t.json(&["--exclude", "vendor/", "vendor/v.py"], 1);
    assert_eq!(paths(&r), ["vendor/v.py"]);
    let r = t.json(
        &["--exclude", "vendor/", "--force-exclude", "vendor/v.py"],
        0,
    );
    assert_eq!(diags(&r).len(), 0);
}

#[test]
fn overlapping_paths_report_each_file_once() {
    let t = Tree::with(&[("keep.py", LEGACY), ("d/a.py", LEGACY)]);
    let r = t.json(&[".", "d", "keep.py"], 1);
    assert_eq!(diags(&r).len(), 2, "{r:#}");
}

// ---------------------------------------------------------------------------------------------
// Encodings and positions

#[test]
fn latin1_file_reported_with_char_columns() {
    let t = Tree::new();
    t.write("lat.py", b"caf\xe9 = \"https://api.whispir.com/x\"\n");
    let r = t.json(&[], 1);
    let d = first_wm001(&r);
    assert_eq!(d["path"], "lat.py");
    assert_eq!(
        (&d["line"], &d["column"]),
        (&Value::from(1), &Value::from(17))
    );
    assert_eq!(d["end_column"], 32);
    let human = t.run(&["check"]);
    human.assert_code(1);
    assert!(human.stdout.contains("lat.py:1:17"), "{}", human.stdout);
}

#[test]
fn crlf_file_positions_and_no_carriage_returns() {
    let t = Tree::new();
    t.write(
        "crlf.py",
        "a = 1\r\nurl = \"https://api.whispir.com/x\"\r\n",
    );
    let d = first_wm001(&t.json(&["--region", "au"], 1)).clone();
    assert_eq!(
        (&d["line"], &d["column"], &d["end_line"], &d["end_column"]),
        (
            &Value::from(2),
            &Value::from(16),
            &Value::from(2),
            &Value::from(31)
        )
    );
    for format in ["human", "concise", "json", "github"] {
        let out = t.run(&["check", "--format", format, "--region", "au"]);
        out.assert_code(1);
        assert!(!out.stdout.contains('\r'), "{format} prints a CR");
        assert!(!out.stdout.contains("\\r"), "{format} prints an escaped CR");
        assert!(!out.stdout.contains("%0D"), "{format} prints an escaped CR");
    }
}

#[test]
fn multibyte_prefix_human_no_panic_and_caret_aligned() {
    let t = Tree::with(&[("mb.py", "# café ✓ https://api.whispir.com/x\n")]);
    let out = t.run(&["check"]);
    out.assert_code(1);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(out.stdout.contains("mb.py:1:18"), "{}", out.stdout);
    let l = lines(&out.stdout);
    let src = l
        .iter()
        .position(|l| l.contains("café ✓"))
        .expect("source line");
    let col = |s: &str, pat: &str| s[..s.find(pat).expect("found")].chars().count();
    assert_eq!(
        col(&l[src + 1], "^"),
        col(&l[src], "api.whispir"),
        "caret under the host:\n{}",
        out.stdout
    );
    assert_eq!(first_wm001(&t.json(&[], 1))["column"], 18);
}

// ---------------------------------------------------------------------------------------------
// Ordering

#[test]
fn output_deterministic_across_thread_counts() {
    let t = Tree::new();
    for d in 0..5 {
        for f in 0..6 {
            t.write(&format!("d{d}/f{f}.py"), LEGACY);
        }
    }
    t.write("d2/k.js", KEYED_JS);
    let one = t.run(&["check", "--format", "json", "--threads", "1"]);
    one.assert_code(1);
    assert_eq!(diags(&one.json()).len(), 33);
    let mut ps = paths(&one.json());
    let in_order = ps.clone();
    ps.sort();
    assert_eq!(in_order, ps, "sorted by path");
    for _ in 0..3 {
        assert_eq!(t.run(&["check", "--format", "json"]).stdout, one.stdout);
        assert_eq!(
            t.run(&["check", "--format", "json", "-j", "4"]).stdout,
            one.stdout
        );
    }
}

#[test]
fn human_report_and_patch_are_the_same_whatever_the_thread_count() {
    // More findings than one rendering wave (256) and more changed files than one diff wave
    // (64): the waves are rendered on several threads and must come out in order.
    let t = Tree::new();
    for f in 0..80 {
        t.write(&format!("d{}/f{f:02}.py", f % 7), LEGACY.repeat(4));
    }
    t.write("d2/k.js", KEYED_JS);
    for args in [
        &["check", "--color", "never"][..],
        &["fix", "--region", "au", "--unsafe-fixes", "--diff"][..],
    ] {
        let one = t.run(&[args, &["--threads", "1"]].concat());
        assert!(one.stdout.len() > 10_000, "{args:?}: {}", one.stdout);
        for threads in ["2", "5"] {
            let many = t.run(&[args, &["--threads", threads]].concat());
            assert_eq!(many.stdout, one.stdout, "{args:?} with {threads} threads");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// I/O errors

#[test]
fn unreadable_file_reported_and_scan_continues() {
    let t = Tree::with(&[("ok.py", LEGACY), ("secret.py", LEGACY)]);
    let perms = |p: &Path, mode| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    perms(t.root(), 0o755).unwrap();
    perms(&t.path("ok.py"), 0o644).unwrap();
    perms(&t.path("secret.py"), 0o000).unwrap();
    // Root reads a mode-000 file regardless; then drop privileges with setpriv. Only when
    // we are privileged and setpriv is missing is the permission assertion skipped.
    let privileged = std::fs::read(t.path("secret.py")).is_ok();
    let setpriv = Path::new("/usr/bin/setpriv").exists() || Path::new("/bin/setpriv").exists();
    if privileged && !setpriv {
        eprintln!("skipping: running privileged and setpriv is missing");
        return;
    }
    let run_as_nobody = |args: &[&str]| {
        let mut c = if privileged {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_whispir-migrate"));
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_whispir-migrate"))
        };
        c.args(args)
            .current_dir(t.root())
            .env_remove("WHISPIR_REGION");
        run(c, None)
    };
    let out = run_as_nobody(&["check", "--format", "concise"]);
    out.assert_code(2);
    assert!(out.stderr.contains("secret.py"), "{}", out.stderr);
    assert!(out.stderr.contains("permission denied"), "{}", out.stderr);
    assert!(out.stdout.contains("ok.py:1:14: WM001"), "{}", out.stdout);
    let out = run_as_nobody(&["check", "--format", "json", "--exit-zero"]);
    out.assert_code(2);
    let r = out.json();
    assert_eq!(paths(&r), ["ok.py"]);
    let errors = r["summary"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["path"], "secret.py");
    assert_eq!(errors[0]["message"], "permission denied");
}

#[test]
fn broken_symlink_in_a_tree_is_skipped_and_named_one_is_an_error() {
    let t = Tree::with(&[("ok.py", LEGACY)]);
    symlink("nowhere.py", t.path("broken.py")).unwrap();
    let out = t.run(&["check", "--format", "concise"]);
    out.assert_code(1);
    assert_eq!(out.stderr, "");
    assert!(out.stdout.contains("ok.py:1:14"), "{}", out.stdout);
    let out = t.run(&["check", "--format", "concise", "broken.py"]);
    out.assert_code(2);
    assert!(out.stderr.contains("broken.py"), "{}", out.stderr);
}

#[test]
fn symlink_loop_does_not_hang() {
    let t = Tree::with(&[("real/a.py", LEGACY)]);
    symlink("..", t.path("real/up")).unwrap();
    symlink("self", t.path("self")).unwrap();
    let out = t.run(&["check", "--format", "json"]);
    assert!(out.code == 1 || out.code == 2, "{out:#?}");
    assert_eq!(found(&out.json()).len(), 1, "reported once");
}

#[test]
fn explicit_symlink_to_directory_is_walked() {
    let t = Tree::with(&[("real/a.py", LEGACY)]);
    symlink("real", t.path("link")).unwrap();
    let out = t.run(&["check", "link", "--format", "concise", "-q"]);
    out.assert_code(1);
    assert_eq!(lines(&out.stdout).len(), 1, "{out:#?}");
}

// ---------------------------------------------------------------------------------------------
// rules and explain

#[test]
fn rules_lists_all_codes() {
    let out = Tree::new().run(&["rules"]);
    out.assert_code(0);
    for (code, name) in [
        ("WM001", "legacy-host"),
        ("WM002", "apikey-in-query"),
        ("WM003", "hardcoded-api-key"),
        ("WM004", "unknown-region"),
        ("WM005", "insecure-scheme"),
    ] {
        let line = out
            .stdout
            .lines()
            .find(|l| l.contains(code))
            .unwrap_or_else(|| panic!("{code} missing:\n{}", out.stdout));
        assert!(line.contains(name), "{line}");
    }
}

#[test]
fn rules_table_columns_align() {
    let out = Tree::new().run(&["rules"]);
    let l = lines(&out.stdout);
    let summary_col = l[0].find("summary").expect("header");
    for line in &l[1..] {
        let chars: Vec<char> = line.chars().collect();
        assert_eq!(chars[summary_col - 1], ' ', "misaligned: {line:?}");
        assert_ne!(chars[summary_col], ' ', "misaligned: {line:?}");
    }
}

#[test]
fn explain_known_rule() {
    let t = Tree::new();
    for arg in ["WM002", "wm002", "apikey-in-query"] {
        let out = t.run(&["explain", arg]);
        out.assert_code(0);
        assert!(out.stdout.contains("WM002"), "{}", out.stdout);
        assert!(out.stdout.contains("apikey-in-query"), "{}", out.stdout);
        assert!(out.stdout.contains("x-api-key"), "{}", out.stdout);
    }
}

#[test]
fn explain_unknown_rule_lists_known_codes() {
    let out = Tree::new().run(&["explain", "WM999"]);
    out.assert_code(2);
    assert!(out.stderr.contains("WM999"), "{}", out.stderr);
    for code in ["WM001", "WM002", "WM003", "WM004", "WM005"] {
        assert!(out.stderr.contains(code), "{}", out.stderr);
    }
}
