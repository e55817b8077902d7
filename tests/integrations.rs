//! End-to-end tests of the integration commands: `auth-header` (standard input and the
//! terminal prompt, through a pseudo-terminal), `completions`, `man`, `rules` and `explain`.
//!
//! The expected Basic credentials are computed by a small base64 encoder written here, not by
//! the `base64` crate the binary uses, so a wrong engine or alphabet would show.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

// ---------------------------------------------------------------------------------------------
// Helpers

#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    #[track_caller]
    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit status\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

const BIN: &str = env!("CARGO_BIN_EXE_whispir-migrate");

/// Runs the binary with `args`, `stdin` piped in (or `/dev/null`), failing after 60 s.
fn run(args: &[&str], stdin: Option<&[u8]>) -> Out {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("WHISPIR_REGION")
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    finish(cmd, stdin)
}

fn finish(mut cmd: Command, stdin: Option<&[u8]>) -> Out {
    let mut child = cmd.spawn().expect("command starts");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin piped");
        // The binary may exit before reading (a rejected user name): a broken pipe is fine.
        let _ = pipe.write_all(input);
    }
    let out = common::wait_or_fail(child, "command");
    Out {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// RFC 4648 base64, standard alphabet, with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn expected_header(user: &str, password: &[u8]) -> String {
    let mut credentials = format!("{user}:").into_bytes();
    credentials.extend_from_slice(password);
    format!("Authorization: Basic {}\n", base64(&credentials))
}

#[test]
fn the_test_base64_matches_rfc_4648_vectors() {
    for (input, output) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
        ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
    ] {
        assert_eq!(base64(input.as_bytes()), output, "{input:?}");
    }
    assert_eq!(base64(b"\xfb\xff"), "+/8=");
}

// ---------------------------------------------------------------------------------------------
// auth-header --password-stdin

#[test]
fn auth_header_from_stdin_prints_exactly_the_header() {
    let out = run(
        &["auth-header", "--username", "alice", "--password-stdin"],
        Some(b"s3cret-P@ss\n"),
    );
    out.assert_code(0);
    assert_eq!(out.stdout, expected_header("alice", b"s3cret-P@ss"));
    assert_eq!(
        out.stdout,
        "Authorization: Basic YWxpY2U6czNjcmV0LVBAc3M=\n"
    );
    assert!(!out.stderr.contains("s3cret"), "stderr: {}", out.stderr);
}

#[test]
fn auth_header_reminds_to_regenerate_and_to_use_x_api_key() {
    let out = run(
        &["auth-header", "--username", "alice", "--password-stdin"],
        Some(b"pw\n"),
    );
    out.assert_code(0);
    let err = out.stderr.to_lowercase();
    assert!(err.contains("password changes"), "stderr: {}", out.stderr);
    assert!(err.contains("x-api-key"), "stderr: {}", out.stderr);
}

#[test]
fn auth_header_strips_crlf_and_reads_one_line() {
    let out = run(
        &["auth-header", "--username", "bob", "--password-stdin"],
        Some(b"pa ss\r\nsecond line\n"),
    );
    out.assert_code(0);
    assert_eq!(out.stdout, expected_header("bob", b"pa ss"));
}

#[test]
fn auth_header_without_trailing_newline() {
    let out = run(
        &["auth-header", "--username", "bob", "--password-stdin"],
        Some(b"no-newline"),
    );
    out.assert_code(0);
    assert_eq!(out.stdout, expected_header("bob", b"no-newline"));
}

#[test]
fn auth_header_non_ascii_credentials_are_utf8_bytes() {
    let out = run(
        &[
            "auth-header",
            "--username",
            "zoë@example.com",
            "--password-stdin",
        ],
        Some("pässwörd€?>\n".as_bytes()),
    );
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        expected_header("zoë@example.com", "pässwörd€?>".as_bytes())
    );
}

#[test]
fn auth_header_rejects_colon_in_username_without_leaking_the_password() {
    // Typed as `user:password` in the user name, with the password also on stdin.
    let out = run(
        &[
            "auth-header",
            "--username",
            "alice:hunter2-in-name",
            "--password-stdin",
        ],
        Some(b"hunter2-on-stdin\n"),
    );
    out.assert_code(2);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    assert!(out.stderr.contains(':'), "stderr: {}", out.stderr);
    assert!(
        out.stderr.to_lowercase().contains("username"),
        "stderr: {}",
        out.stderr
    );
    assert!(!out.stderr.contains("hunter2"), "stderr: {}", out.stderr);
}

#[test]
fn auth_header_rejects_an_empty_password() {
    for input in [&b"\n"[..], b"\r\n", b""] {
        let out = run(
            &["auth-header", "--username", "alice", "--password-stdin"],
            Some(input),
        );
        out.assert_code(2);
        assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
        assert!(
            out.stderr.to_lowercase().contains("empty"),
            "stderr: {}",
            out.stderr
        );
    }
}

#[test]
fn auth_header_without_tty_or_password_stdin_says_use_password_stdin() {
    // Standard input is /dev/null: no terminal to prompt on.
    let out = run(&["auth-header", "--username", "alice"], None);
    out.assert_code(2);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    assert!(
        out.stderr.contains("--password-stdin"),
        "stderr: {}",
        out.stderr
    );
}

#[test]
fn auth_header_requires_username() {
    let out = run(&["auth-header", "--password-stdin"], Some(b"pw\n"));
    out.assert_code(2);
    assert!(!out.stderr.contains("pw\n"), "stderr: {}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// auth-header on a terminal

/// Runs `BIN auth-header --username alice` on a pseudo-terminal (python3's `pty`), answers the
/// prompt once echo is off, and prints everything the terminal showed, then the exit status.
const PTY_DRIVER: &str = r#"
import os, pty, signal, sys, termios, time
bin_, password, mode = sys.argv[1], sys.argv[2].encode(), sys.argv[3]
pid, fd = pty.fork()
if pid == 0:
    # As from an interactive shell: a test run started in the background inherits SIGINT
    # ignored, and the command rightly stays alive then.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execv(bin_, [bin_, "auth-header", "--username", "alice"])
seen = b""
deadline = time.time() + 30
def read_some():
    global seen
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return False
    if not chunk:
        return False
    seen += chunk
    return True
while b"Password for alice: " not in seen:
    if time.time() > deadline or not read_some():
        sys.stdout.write(seen.decode(errors="replace"))
        sys.exit("no prompt")
# Type only once the prompt has turned echo off (else the tty would echo the keys).
while termios.tcgetattr(fd)[3] & termios.ECHO:
    if time.time() > deadline:
        sys.exit("echo never turned off")
    time.sleep(0.01)
if mode == "type":
    os.write(fd, password + b"\r")
elif mode == "ctrl-d":
    os.write(fd, b"\x04")
elif mode == "ctrl-c":
    os.write(fd, password + b"\x03")
while read_some():
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.stdout.write("\nECHO %s" % ("on" if termios.tcgetattr(fd)[3] & termios.ECHO else "off"))
sys.stdout.write("\nEXIT %d\n" % os.waitstatus_to_exitcode(status))
"#;

fn pty_run(password: &str, mode: &str) -> Option<String> {
    if Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_err()
    {
        eprintln!("skipped: python3 is needed to drive a pseudo-terminal");
        return None;
    }
    let mut cmd = Command::new("python3");
    cmd.args(["-c", PTY_DRIVER, BIN, password, mode])
        .env_remove("WHISPIR_REGION")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let out = finish(cmd, None);
    out.assert_code(0);
    Some(out.stdout)
}

#[test]
fn auth_header_prompts_on_a_terminal_without_echo() {
    let password = "tty-Secret-42";
    let Some(screen) = pty_run(password, "type") else {
        return;
    };
    assert!(screen.contains("Password for alice: "), "screen:\n{screen}");
    assert!(
        screen.contains(expected_header("alice", password.as_bytes()).trim_end()),
        "screen:\n{screen}"
    );
    assert!(
        !screen.contains(password),
        "the password was echoed:\n{screen}"
    );
    assert!(screen.contains("x-api-key"), "screen:\n{screen}");
    assert!(screen.trim_end().ends_with("EXIT 0"), "screen:\n{screen}");
}

#[test]
fn auth_header_prompt_with_nothing_typed_is_an_error() {
    let Some(screen) = pty_run("unused", "ctrl-d") else {
        return;
    };
    assert!(!screen.contains("Authorization:"), "screen:\n{screen}");
    assert!(screen.trim_end().ends_with("EXIT 2"), "screen:\n{screen}");
}

#[test]
fn auth_header_prompt_interrupted_restores_echo() {
    let Some(screen) = pty_run("half-typed", "ctrl-c") else {
        return;
    };
    assert!(!screen.contains("Authorization:"), "screen:\n{screen}");
    assert!(!screen.contains("half-typed"), "screen:\n{screen}");
    assert!(
        screen.contains("ECHO on"),
        "terminal left silent:\n{screen}"
    );
    // Killed by SIGINT, as an interrupted command should be.
    assert!(screen.trim_end().ends_with("EXIT -2"), "screen:\n{screen}");
}

#[test]
fn auth_header_prompt_with_empty_password_is_an_error() {
    let Some(screen) = pty_run("", "type") else {
        return;
    };
    assert!(!screen.contains("Authorization:"), "screen:\n{screen}");
    assert!(screen.contains("empty"), "screen:\n{screen}");
    assert!(screen.trim_end().ends_with("EXIT 2"), "screen:\n{screen}");
}

// ---------------------------------------------------------------------------------------------
// completions, man, rules, explain

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell], None);
        out.assert_code(0);
        assert!(
            out.stdout.contains("whispir-migrate"),
            "{shell}: {}",
            out.stdout
        );
        // Subcommands and options are in there, not just the name.
        assert!(out.stdout.contains("auth-header"), "{shell}");
        assert!(out.stdout.contains("region"), "{shell}");
    }
}

#[test]
fn completions_for_an_unknown_shell_is_a_usage_error() {
    let out = run(&["completions", "tcsh"], None);
    out.assert_code(2);
    assert!(out.stdout.is_empty());
}

/// Sources the bash completion script in a real `bash`, then for each line of `lines` (the
/// words typed so far, the last one being completed; a trailing space starts an empty word)
/// calls the function the script registered for `whispir-migrate` the way bash does, and
/// returns the candidates it offered per line.
fn bash_complete(lines: &[&str]) -> Vec<Vec<String>> {
    let script = run(&["completions", "bash"], None);
    script.assert_code(0);
    let dir = tempfile::tempdir().expect("temporary directory");
    let script_path = dir.path().join("whispir-migrate.bash");
    std::fs::write(&script_path, &script.stdout).expect("script written");
    // bash fills COMP_WORDS and COMP_CWORD and calls `fn command word previous-word`.
    let driver = r#"
set -u
source "$1"; shift
spec=$(complete -p whispir-migrate) || { echo "no completion registered" >&2; exit 3; }
fn=$(sed -E 's/.* -F ([^ ]+) .*/\1/' <<<"$spec")
for line in "$@"; do
    read -r -a COMP_WORDS <<<"$line"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMP_LINE=$line COMP_POINT=${#line}
    COMPREPLY=()
    "$fn" whispir-migrate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    echo "${COMPREPLY[*]}"
done
"#;
    let mut cmd = Command::new("bash");
    cmd.arg("--norc")
        .arg("-c")
        .arg(driver)
        .arg("bash")
        .arg(&script_path)
        .args(lines)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let out = finish(cmd, None);
    out.assert_code(0);
    assert!(out.stderr.is_empty(), "bash: {}", out.stderr);
    let replies: Vec<Vec<String>> = out
        .stdout
        .lines()
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect();
    assert_eq!(replies.len(), lines.len(), "{}", out.stdout);
    replies
}

#[test]
fn bash_completes_options_and_their_values_after_the_subcommand() {
    let cases: &[(&str, &[&str])] = &[
        ("whispir-migrate ch", &["check"]),
        ("whispir-migrate check --form", &["--format"]),
        ("whispir-migrate fix --unsafe", &["--unsafe-fixes"]),
        (
            "whispir-migrate check --format ",
            &["human", "concise", "json", "github", "sarif", "gitlab"],
        ),
        ("whispir-migrate check --format s", &["sarif"]),
        (
            "whispir-migrate fix --region ",
            &["au", "ap", "ap1", "nz", "us", "it", "education"],
        ),
        ("whispir-migrate check --region a", &["au", "ap", "ap1"]),
        (
            "whispir-migrate completions ",
            &[
                "-h",
                "--help",
                "bash",
                "elvish",
                "fish",
                "powershell",
                "zsh",
            ],
        ),
    ];
    let lines: Vec<&str> = cases.iter().map(|(line, _)| *line).collect();
    for ((line, expected), got) in cases.iter().zip(bash_complete(&lines)) {
        assert_eq!(got, *expected, "completing `{line}`");
    }
}

#[test]
fn bash_completion_script_loads_in_posix_mode() {
    // `sh` is bash in POSIX mode on some systems: a function name with a hyphen is refused there.
    let script = run(&["completions", "bash"], None);
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("whispir-migrate.bash");
    std::fs::write(&path, &script.stdout).expect("script written");
    let mut cmd = Command::new("bash");
    cmd.args([
        "--posix",
        "--norc",
        "-c",
        r#"source "$1" && complete -p whispir-migrate"#,
    ])
    .arg("bash")
    .arg(&path)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let out = finish(cmd, None);
    out.assert_code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn region_is_accepted_in_any_case_and_as_edu_and_lists_the_labels_when_wrong() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().to_str().expect("UTF-8 path");
    for region in ["au", "AP1", "Education", "edu"] {
        run(&["check", "--region", region, path], None).assert_code(0);
    }
    let out = run(&["check", "--region", "mars", path], None);
    out.assert_code(2);
    assert!(out.stderr.contains("'mars'"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("[possible values: au, ap, ap1, nz, us, it, education]"),
        "{}",
        out.stderr
    );
}

fn man_page() -> String {
    let out = run(&["man"], None);
    out.assert_code(0);
    out.stdout
}

#[test]
fn man_page_is_roff() {
    let page = man_page();
    assert!(
        page.starts_with(".TH") || page.starts_with(".ie"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains(".TH whispir-migrate"), "{page}");
    assert!(page.contains(".SH NAME"), "{page}");
    assert!(page.contains("auth\\-header"), "{page}");
}

#[test]
fn man_page_documents_every_command_and_option_on_one_page() {
    use clap::CommandFactory;
    let page = man_page();
    assert_eq!(page.matches(".TH ").count(), 1, "one page:\n{page}");
    let cli = whispir_migrate::cli::Cli::command();
    for sub in cli.get_subcommands() {
        let heading = format!(
            ".SS \"whispir\\-migrate {}\"",
            sub.get_name().replace('-', "\\-")
        );
        assert!(page.contains(&heading), "no {heading}:\n{page}");
        for long in sub.get_arguments().filter_map(|arg| arg.get_long()) {
            let option = format!("\\fB\\-\\-{}\\fR", long.replace('-', "\\-"));
            assert!(
                page.contains(&option),
                "{} has no {option}:\n{page}",
                sub.get_name()
            );
        }
    }
    for section in [".SH EXIT STATUS", ".SH ENVIRONMENT"] {
        assert!(page.contains(section), "{section}:\n{page}");
    }
}

#[test]
fn man_page_names_no_other_page() {
    let page = man_page();
    // A cross-reference is `name(section)`: clap_mangen's default page names one per subcommand.
    let references: Vec<&str> = page
        .lines()
        .filter(|line| line.contains("(1)") || line.contains("whispir\\-migrate\\-"))
        .collect();
    assert!(references.is_empty(), "{references:#?}");
}

#[test]
fn man_page_renders_without_warnings() {
    // `-k`: UTF-8 input through preconv, as man does; `-ww -z`: every warning, no output.
    let mut cmd = Command::new("groff");
    cmd.args(["-k", "-man", "-Tutf8", "-ww", "-z"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::piped());
    let out = finish(cmd, Some(man_page().as_bytes()));
    out.assert_code(0);
    assert!(out.stderr.is_empty(), "groff: {}", out.stderr);
}

#[test]
fn explain_shows_before_and_after() {
    let out = run(&["explain", "WM002"], None);
    out.assert_code(0);
    let text = &out.stdout;
    assert!(text.contains("WM002"), "{text}");
    assert!(text.contains("apikey-in-query"), "{text}");
    let before = text.find("Before").unwrap_or_else(|| panic!("{text}"));
    let after = text.find("After").unwrap_or_else(|| panic!("{text}"));
    assert!(before < after, "{text}");
    assert!(text[before..after].contains("apikey="), "{text}");
    assert!(text[after..].contains("x-api-key"), "{text}");
    assert!(!text[after..].contains("apikey="), "{text}");
}

#[test]
fn explain_accepts_a_rule_name_and_any_case() {
    for code in ["wm002", "apikey-in-query"] {
        let out = run(&["explain", code], None);
        out.assert_code(0);
        assert!(out.stdout.contains("WM002"), "{code}: {}", out.stdout);
    }
}

#[test]
fn explain_unknown_code_exits_2_listing_known_codes() {
    let out = run(&["explain", "WM999"], None);
    out.assert_code(2);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    assert!(out.stderr.contains("WM999"), "stderr: {}", out.stderr);
    for code in ["WM001", "WM002", "WM003", "WM004", "WM005"] {
        assert!(out.stderr.contains(code), "stderr: {}", out.stderr);
    }
}

#[test]
fn pre_commit_hooks_file_declares_both_hooks() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(path).expect(".pre-commit-hooks.yaml exists");
    let hooks: Vec<serde_yaml::Value> = serde_yaml::from_str(&text).expect("valid YAML list");
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["whispir-migrate", "whispir-migrate-fix"]);
    for hook in &hooks {
        assert_eq!(hook["language"].as_str(), Some("rust"), "{hook:?}");
        assert!(hook["description"].as_str().is_some(), "{hook:?}");
        let entry = hook["entry"].as_str().expect("entry");
        assert!(entry.starts_with("whispir-migrate "), "{entry}");
        assert!(entry.contains("--force-exclude"), "{entry}");
    }
    let fix = hooks[1]["entry"].as_str().unwrap_or_default();
    for flag in ["fix", "--exit-non-zero-on-fix", "--allow-dirty"] {
        assert!(fix.split_whitespace().any(|w| w == flag), "{fix}");
    }
}

// ---------------------------------------------------------------------------------------------
// README

/// The ```console blocks of README's Quick start: (arguments after `$ whispir-migrate`, the
/// output shown).
fn readme_quick_start_examples() -> Vec<(Vec<String>, String)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("\n## Quick start")
        .expect("a Quick start section");
    let section = &readme[start + 1..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .split("```console\n")
        .skip(1)
        .map(|block| {
            let block = &block[..block.find("```").expect("closed block")];
            let (command, output) = block.split_once('\n').expect("a command line");
            let args = command
                .strip_prefix("$ whispir-migrate ")
                .unwrap_or_else(|| panic!("not a whispir-migrate command: {command}"));
            (
                args.split_whitespace().map(str::to_owned).collect(),
                output.to_owned(),
            )
        })
        .collect()
}

#[test]
fn readme_quick_start_shows_what_the_commands_print_on_one_screen() {
    let examples = readme_quick_start_examples();
    assert!(examples.len() >= 2, "{examples:?}");
    for (args, shown) in examples {
        let mut cmd = Command::new(BIN);
        cmd.args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("WHISPIR_REGION")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let out = finish(cmd, None);
        out.assert_code(1);
        assert_eq!(
            out.stdout,
            shown,
            "README's Quick start output of `whispir-migrate {}` is stale; it now prints:\n{}",
            args.join(" "),
            out.stdout
        );
        assert!(shown.lines().count() <= 40, "more than a screen: {args:?}");
    }
}
