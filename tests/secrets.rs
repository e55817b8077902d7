//! Keys never printed, and nothing in a file name or a file's text can drive the terminal.
//!
//! The property test generates keys of many alphabets (8–64 characters, with punctuation),
//! writes them into every shape of key position in several languages, and checks that no
//! output — every report format, `fix --diff`, the `fix` summary, the `--report` file, the
//! `--write-baseline` file, the interactive prompt, error messages — contains any eight
//! consecutive characters of the key unless `--show-secrets`. `WM_PROPTEST_CASES` sets the
//! number of cases (6 by default, of three keys each, which `cargo test` and `.ci/run` use;
//! `WM_PROPTEST_CASES=500 cargo test --test secrets` for a longer run).

use proptest::prelude::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_whispir-migrate");

fn wm(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .current_dir(dir)
        .env_remove("WHISPIR_REGION")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    c
}

/// Standard output and error together.
fn all(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn run(dir: &Path, args: &[&str]) -> String {
    all(&wm(dir, args).output().expect("binary runs"))
}

/// `text` with the GitHub workflow-command escapes undone, so an escaped key is still seen.
fn unescape_github(text: &str) -> String {
    text.replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
}

/// A piece of the key long enough to be more than its shown head (4 characters).
fn leaked_piece<'a>(output: &str, key: &'a str) -> Option<&'a str> {
    let output = unescape_github(output);
    (0..=key.len() - 8)
        .map(|i| &key[i..i + 8])
        .find(|piece| output.contains(piece))
}

// ---------------------------------------------------------------------------------------------
// Every shape of key position

/// Files holding `key` in key positions, in several languages and formats.
fn shapes(key: &str) -> Vec<(&'static str, String)> {
    let mut files = vec![
        (
            "send.sh",
            format!(
                "curl -H \"x-api-key: {key}\" \"https://api.whispir.com/messages?apikey={key}\"\n\
                 curl -u admin:{key} https://api.whispir.com/messages\n\
                 KEY={key} curl \"https://api.whispir.com/contacts?apikey=$KEY\"\n"
            ),
        ),
        (
            "client.js",
            format!(
                "fetch(\"https://api.whispir.com/messages?apikey={key}\", {{ headers: {{ \"x-api-key\": \"{key}\" }} }});\n\
                 const k = \"{key}\"; fetch(\"https://api.whispir.com/contacts?apikey=\" + k);\n"
            ),
        ),
        (
            "client.py",
            format!(
                "requests.get(\"https://api.whispir.com/messages\", params={{\"apikey\": \"{key}\"}})\n\
                 URL = \"https://api.whispir.com/messages?apikey={key}\"\n\
                 HEADERS = {{'x-api-key': '{key}'}}\n"
            ),
        ),
        (
            "Client.java",
            format!(
                "class C {{ String url = \"https://api.whispir.com/messages?apikey={key}\";\n\
                 void f() {{ conn.setRequestProperty(\"x-api-key\", \"{key}\"); }} }}\n"
            ),
        ),
        (
            ".env",
            format!(
                "WHISPIR_API_KEY={key}\nWHISPIR_URL=https://api.whispir.com/messages?apikey={key}\n"
            ),
        ),
        (
            "config.json",
            format!(
                "{{\n  \"url\": \"https://api.whispir.com/messages?apikey={key}\",\n  \"apiKey\": \"{key}\"\n}}\n"
            ),
        ),
        (
            "values.yaml",
            format!(
                "whispir:\n  url: https://api.whispir.com/messages?apikey={key}\n  api_key: {key}\n  x-api-key: '{key}'\n"
            ),
        ),
        (
            "App.config",
            format!(
                "<appSettings>\n  <add key=\"WhispirApiKey\" value=\"{key}\" />\n  <add key=\"Url\" value=\"https://api.whispir.com/messages?apikey={key}\" />\n</appSettings>\n"
            ),
        ),
        (
            // An unclosed suppression list: its error message must not quote the line.
            "suppressed.py",
            format!(
                "u = \"https://api.whispir.com/messages\"  # whispir-migrate: ignore[WM001, apikey={key}\n"
            ),
        ),
    ];
    // A password in a URL cannot hold these unencoded.
    if !key.contains(['/', '@', ':', '?', '#']) {
        files.push((
            "basic.sh",
            format!("curl \"https://admin:{key}@api.whispir.com/messages\"\n"),
        ));
    }
    files
}

const ALPHABETS: &[&str] = &[
    "0123456789abcdef",
    "0123456789ABCDEF",
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/=",
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_",
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.~+/=!*@:",
];

/// A key of one alphabet, 8–64 characters, starting with a letter or digit (a leading `$`,
/// `{`, `<`, `%` or `@` would make it a template in every language).
fn key() -> impl Strategy<Value = String> {
    (0..ALPHABETS.len(), 7usize..=63).prop_flat_map(|(a, rest)| {
        let chars: Vec<char> = ALPHABETS[a].chars().collect();
        let alnum: Vec<char> = chars
            .iter()
            .copied()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        (
            prop::sample::select(alnum),
            prop::collection::vec(prop::sample::select(chars), rest),
        )
            .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect())
    })
}

fn cases() -> u32 {
    std::env::var("WM_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
}

/// Every output of the tool for a tree holding `key`, labelled.
fn outputs(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for format in ["human", "concise", "json", "sarif", "github", "gitlab"] {
        let text = run(dir, &["check", "--format", format, "."]);
        out.push((format!("check --format {format}"), text));
    }
    out.push((
        "check --statistics".into(),
        run(dir, &["check", "--statistics", "."]),
    ));
    out.push((
        "fix --diff".into(),
        run(dir, &["fix", "--diff", "--region", "au", "."]),
    ));
    let baseline = dir.join("../baseline.json");
    let text = run(
        dir,
        &["check", "--write-baseline", baseline.to_str().unwrap(), "."],
    );
    out.push(("--write-baseline".into(), text));
    out.push((
        "baseline file".into(),
        std::fs::read_to_string(&baseline).unwrap_or_default(),
    ));
    out.push(("interactive prompt".into(), interactive(dir)));
    // Last: it rewrites the files.
    let report = dir.join("../report.md");
    let text = run(
        dir,
        &[
            "fix",
            "--allow-dirty",
            "--region",
            "au",
            "--report",
            report.to_str().unwrap(),
            ".",
        ],
    );
    out.push(("fix".into(), text));
    out.push((
        "--report file".into(),
        std::fs::read_to_string(&report).unwrap_or_default(),
    ));
    out
}

/// The transcript of `fix --interactive` answering "no" to every fix, on a terminal that
/// `script` provides.
fn interactive(dir: &Path) -> String {
    let command =
        format!("'{BIN}' fix --interactive --allow-dirty --no-config --color never --region au .");
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir)
        .env_remove("WHISPIR_REGION")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs; .ci/run installs it");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("piped");
        let _ = stdin.write_all("n\n".repeat(500).as_bytes());
    }
    let out = child.wait_with_output().expect("script ran");
    let text = all(&out);
    assert!(text.contains("Apply this fix?"), "no prompt shown:\n{text}");
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Three keys a case, each in its own directory of every shape: one run of each command
    /// covers them all.
    #[test]
    fn keys_are_never_printed(keys in prop::collection::vec(key(), 3)) {
        for key in &keys {
            prop_assume!(whispir_migrate::secrets::is_secret(key.as_bytes()));
        }
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("tree");
        for (i, key) in keys.iter().enumerate() {
            let sub = dir.join(format!("k{i}"));
            std::fs::create_dir_all(&sub).unwrap();
            for (name, text) in shapes(key) {
                std::fs::write(sub.join(name), text).unwrap();
            }
        }
        // The check can fail: with --show-secrets the keys are there.
        let shown = run(&dir, &["check", "--show-secrets", "."]);
        for key in &keys {
            prop_assert!(shown.contains(key.as_str()), "--show-secrets shows the key:\n{shown}");
        }
        for (what, text) in outputs(&dir) {
            for key in &keys {
                prop_assert!(
                    leaked_piece(&text, key).is_none(),
                    "{what} prints {:?} of the key {key:?}:\n{text}",
                    leaked_piece(&text, key)
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Redaction, one behaviour at a time

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn short_and_letter_only_keys_are_redacted_placeholders_are_shown() {
    let dir = tree(&[(
        "a.sh",
        "curl \"https://api.whispir.com/messages?apikey=abc123\"\n\
         curl \"https://api.whispir.com/contacts?apikey=qwertyuiopasdf\"\n\
         curl \"https://api.whispir.com/events?apikey=YOUR_API_KEY_HERE\"\n",
    )]);
    let out = run(dir.path(), &["check", "--format", "concise", "."]);
    assert!(!out.contains("abc123"), "{out}");
    assert!(!out.contains("qwertyuiopasdf"), "{out}");
    assert!(out.contains("Hard-coded Whispir API key `…`"), "{out}");
    assert!(out.contains("Hard-coded Whispir API key `qwer…`"), "{out}");
    let human = run(dir.path(), &["check", "."]);
    assert!(human.contains("apikey=YOUR_API_KEY_HERE"), "{human}");
    assert_eq!(human.matches("Hard-coded").count(), 2, "{human}");
}

#[test]
fn unknown_suppression_code_error_quotes_no_line_text() {
    let key = "K7pQ2mX9vR4tY8wZ3nB6";
    let text = format!("u = 'https://api.whispir.com/x' # whispir-migrate: ignore[WM999,{key}\n");
    let dir = tree(&[("a.py", &text)]);
    let out = wm(dir.path(), &["check", "."]).output().unwrap();
    // The human report shows the line itself (the key is in no key position there); the
    // error message must not.
    let shown = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("unknown rule code `WM999`"), "{shown}");
    assert!(shown.contains("(20 characters, not shown)"), "{shown}");
    assert!(!shown.contains(&key[..8]), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// No terminal or line injection

#[test]
fn control_characters_in_file_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let esc = "evil\x1b]0;pwned\x07\x1b[2J.py";
    let newline = "two\nlines.py:1:1: WM001 forged.py";
    for name in [esc, newline] {
        std::fs::write(
            dir.path().join(name),
            "u = \"https://api.whispir.com/messages\"\n",
        )
        .unwrap();
    }
    // `--statistics` names directories only; it must not pass a control character either.
    let table = run(dir.path(), &["check", "--statistics", "."]);
    assert!(
        !table.contains('\x1b') && !table.contains('\x07'),
        "{table:?}"
    );
    for args in [
        &["check", "--format", "human", "."][..],
        &["check", "--format", "concise", "."],
        &["fix", "--diff", "--region", "au", "."],
    ] {
        let out = run(dir.path(), args);
        assert!(
            !out.contains('\x1b') && !out.contains('\x07'),
            "{args:?}:\n{out:?}"
        );
        assert!(
            out.contains("evil\\x1b]0;pwned\\x07\\x1b[2J.py"),
            "{args:?}:\n{out}"
        );
        assert!(out.contains("two\\nlines.py"), "{args:?}:\n{out}");
        // One line per finding: the newline forged none.
        assert!(
            !out.lines().any(|l| l.starts_with("lines.py")),
            "{args:?}:\n{out}"
        );
    }
    // The --report file and the fix summary too (last: this rewrites the files).
    let report = dir.path().join("report.md");
    let out = run(
        dir.path(),
        &[
            "fix",
            "--allow-dirty",
            "--region",
            "au",
            "--report",
            report.to_str().unwrap(),
            ".",
        ],
    );
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(
        !out.contains('\x1b') && !md.contains('\x1b'),
        "{out:?}\n{md:?}"
    );
    assert!(md.contains("evil\\x1b]0;pwned\\x07\\x1b[2J.py"), "{md}");
    assert!(md.contains("two\\nlines.py"), "{md}");
    // Error lines name the path the same way.
    let out = run(
        dir.path(),
        &["check", "--format", "concise", "missing\x1b[2J.py"],
    );
    assert!(out.contains("missing\\x1b[2J.py"), "{out:?}");
    assert!(!out.contains('\x1b'), "{out:?}");
}

#[test]
fn control_characters_in_source_text_are_escaped() {
    let dir = tree(&[(
        "a.py",
        "u = \"https://api.whispir.com/messages\" # \x1b[2J\x1b]0;title\x07 \u{202e}x\r\n",
    )]);
    for args in [
        &["check", "."][..],
        &["check", "--format", "concise", "."],
        &["fix", "--diff", "--region", "au", "."],
    ] {
        let out = run(dir.path(), args);
        assert!(
            !out.contains('\x1b') && !out.contains('\u{202e}'),
            "{args:?}:\n{out:?}"
        );
        if !args.contains(&"concise") {
            assert!(
                out.contains("\\x1b[2J\\x1b]0;title\\x07 \\u{202e}x"),
                "{args:?}:\n{out}"
            );
        }
    }
}

#[test]
fn long_lines_are_cut_around_the_span() {
    let filler = "x".repeat(5000);
    let text =
        format!("a = \"{filler}\"; u = \"https://api.whispir.com/messages\"; b = \"{filler}\"\n");
    let dir = tree(&[("a.js", &text)]);
    let out = run(dir.path(), &["check", "."]);
    assert!(out.len() < 2000, "{} bytes:\n{out}", out.len());
    assert!(out.contains("…"), "{out}");
    assert!(
        out.contains("\"https://api.whispir.com/messages\""),
        "{out}"
    );
    // The location is the file's, not the cut line's.
    assert!(out.contains("a.js:1:5022"), "{out}");
}
