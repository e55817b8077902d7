//! Robustness of the binary on what a user or a pre-commit hook may hand it: streams and
//! devices named on the command line, symbolic links that lead nowhere, closed pipes, absurd
//! thread counts, a panic in one file, and memory on large files.

mod common;

use std::io::{Read, Write};
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_whispir-migrate");

/// One WM001 at 1:14.
const LEGACY: &str = "u = \"https://api.whispir.com/messages\"\n";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn wm(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args);
    in_dir(c, dir)
}

/// `c` run in `dir`, with no region from the environment, no colour and its output piped.
fn in_dir(mut c: Command, dir: &Path) -> Command {
    c.current_dir(dir)
        .env_remove("WHISPIR_REGION")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Runs `c`, failing the test after 60 s instead of hanging.
fn run(mut c: Command) -> Out {
    let child = c.spawn().expect("binary starts");
    let out = common::wait_or_fail(child, "whispir-migrate");
    Out {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success());
}

/// Writes `text` into the FIFO at `path` from another thread (the open blocks until read).
fn feed_fifo(path: &Path, text: &'static str) -> std::thread::JoinHandle<()> {
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        let _ = f.write_all(text.as_bytes());
    })
}

// ---------------------------------------------------------------------------------------------
// Streams named on the command line

#[test]
fn fifo_named_on_the_command_line_is_scanned_as_a_stream() {
    let dir = tree(&[]);
    let fifo = dir.path().join("app.py");
    mkfifo(&fifo);
    let writer = feed_fifo(&fifo, LEGACY);
    let out = run(wm(
        dir.path(),
        &["check", "--format", "concise", "-q", "app.py"],
    ));
    writer.join().unwrap();
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        "app.py:1:14: WM001 Retired Whispir gateway `api.whispir.com`\n"
    );
}

#[test]
fn process_substitution_is_scanned() {
    let dir = tree(&[("app.js", LEGACY)]);
    let mut c = Command::new("bash");
    c.args([
        "-c",
        &format!("{BIN} check --format concise -q <(cat app.js)"),
    ])
    .current_dir(dir.path())
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let out = run(c);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains(":1:14: WM001"), "{out:?}");
}

#[test]
fn fix_never_writes_into_a_fifo_and_does_not_hang() {
    let dir = tree(&[]);
    let fifo = dir.path().join("send.sh");
    mkfifo(&fifo);
    let writer = feed_fifo(&fifo, "curl https://api.whispir.com/messages\n");
    let out = run(wm(
        dir.path(),
        &["fix", "--region", "au", "--allow-dirty", "send.sh"],
    ));
    writer.join().unwrap();
    assert_eq!(out.code, 1, "the finding remains: {out:?}");
    assert!(
        out.stdout.contains("fixed 0 findings in 0 files"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("send.sh: not a regular file") && out.stderr.contains("not written"),
        "{out:?}"
    );
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type()));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");

    // --diff still shows what the fix would be.
    let writer = feed_fifo(&fifo, "curl https://api.whispir.com/messages\n");
    let out = run(wm(
        dir.path(),
        &["fix", "--region", "au", "--diff", "send.sh"],
    ));
    writer.join().unwrap();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("+curl https://api.au.whispir.com/messages"),
        "{out:?}"
    );
}

#[test]
fn endless_stream_stops_at_the_size_cap_with_an_error_naming_it() {
    let dir = tree(&[("a.py", LEGACY)]);
    let out = run(wm(
        dir.path(),
        &["check", "--format", "concise", "-q", "/dev/zero", "a.py"],
    ));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("error: /dev/zero: larger than 256 MiB; not read further"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("a.py:1:14: WM001"),
        "the run goes on: {out:?}"
    );
}

#[test]
fn endless_standard_input_stops_at_the_size_cap() {
    let dir = tree(&[]);
    let mut c = wm(dir.path(), &["check", "-"]);
    c.stdin(std::fs::File::open("/dev/zero").unwrap());
    let out = run(c);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("larger than 256 MiB"), "{out:?}");
}

#[test]
fn special_files_inside_a_walked_tree_stay_skipped() {
    let dir = tree(&[("a.py", LEGACY)]);
    mkfifo(&dir.path().join("pipe.py"));
    // Nobody writes into the FIFO: opening it would hang.
    let out = run(wm(dir.path(), &["check", "--format", "concise", "-q"]));
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
}

// ---------------------------------------------------------------------------------------------
// Symbolic links

#[test]
fn links_leading_nowhere_inside_a_tree_are_skipped_counted_and_listed() {
    let dir = tree(&[("a.py", LEGACY), ("real/b.py", LEGACY)]);
    symlink("missing-checkout", dir.path().join("vendor")).unwrap();
    symlink("nowhere.py", dir.path().join("real/broken.py")).unwrap();
    symlink("loop-b", dir.path().join("loop-a")).unwrap();
    symlink("loop-a", dir.path().join("loop-b")).unwrap();
    symlink("real", dir.path().join("fine")).unwrap();

    let out = run(wm(dir.path(), &["check", "--format", "concise", "-q"]));
    assert_eq!(out.code, 1, "not an error: {out:?}");
    assert_eq!(out.stderr, "", "{out:?}");
    assert_eq!(
        out.stdout.lines().count(),
        2,
        "links are not followed: {out:?}"
    );

    let out = run(wm(dir.path(), &["check", "--statistics", "-q"]));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("Skipped: 4 symbolic links leading nowhere"),
        "{out:?}"
    );

    let out = run(wm(dir.path(), &["check", "--verbose", "-q", "--exit-zero"]));
    assert_eq!(out.code, 0, "{out:?}");
    let listed: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        listed,
        [
            "skipped: loop-a: symbolic link loop (through loop-b)",
            "skipped: loop-b: symbolic link loop (through loop-a)",
            "skipped: real/broken.py: broken symbolic link (to nowhere.py)",
            "skipped: vendor: broken symbolic link (to missing-checkout)",
        ],
        "{out:?}"
    );

    // `fix` walks the same way.
    let out = run(wm(
        dir.path(),
        &["fix", "--verbose", "--region", "au", "--allow-dirty"],
    ));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("skipped: vendor"), "{out:?}");
}

#[test]
fn links_named_on_the_command_line_that_lead_nowhere_are_errors() {
    let dir = tree(&[("a.py", LEGACY)]);
    symlink("nowhere.py", dir.path().join("broken.py")).unwrap();
    symlink("self.py", dir.path().join("self.py")).unwrap();
    let out = run(wm(
        dir.path(),
        &["check", "-q", "broken.py", "self.py", "a.py"],
    ));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("error: broken.py: broken symbolic link (to nowhere.py)"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("error: self.py: symbolic link loop (through self.py)"),
        "{out:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Closed pipes

/// Runs `args` with standard output read for one line and then closed, as `| head -1` does.
fn read_one_line_and_close(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut child = wm(dir, args).spawn().expect("binary starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut first = Vec::new();
    let mut byte = [0u8];
    while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        first.push(byte[0]);
    }
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    (
        status.code().expect("exited, not killed by SIGPIPE"),
        String::from_utf8(first).unwrap(),
        stderr,
    )
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    // Enough output that the pipe buffer (64 KiB) fills after the reader left.
    for i in 0..400 {
        std::fs::write(dir.path().join(format!("f{i:03}.py")), LEGACY.repeat(4)).unwrap();
    }
    let (code, first, stderr) = read_one_line_and_close(dir.path(), &["check"]);
    assert_eq!((code, stderr.as_str()), (0, ""), "{first}");
    assert!(first.starts_with("error[WM001]"), "{first}");

    let (code, first, stderr) =
        read_one_line_and_close(dir.path(), &["check", "--format", "concise", "-q"]);
    assert_eq!((code, stderr.as_str()), (0, ""), "{first}");

    let (code, first, stderr) = read_one_line_and_close(dir.path(), &["explain", "WM002"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(first, "# WM002 (apikey-in-query)");

    let (code, _, stderr) = read_one_line_and_close(dir.path(), &["man"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

// ---------------------------------------------------------------------------------------------
// Threads

#[test]
fn absurd_thread_counts_are_capped_with_a_warning() {
    let dir = tree(&[("a.py", LEGACY), ("b/c.py", LEGACY)]);
    let out = run(wm(
        dir.path(),
        &["check", "--threads", "100000", "--format", "concise", "-q"],
    ));
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout.lines().count(), 2, "{out:?}");
    assert!(
        out.stderr
            .starts_with("warning: --threads 100000 is more than 8 per available CPU"),
        "{out:?}"
    );
    let out = run(wm(
        dir.path(),
        &["fix", "-j", "100000", "--region", "au", "--allow-dirty"],
    ));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("warning: --threads 100000"), "{out:?}");
    assert!(
        out.stdout.contains("fixed 2 findings in 2 files"),
        "{out:?}"
    );

    let out = run(wm(dir.path(), &["check", "-j", "2"]));
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
}

// ---------------------------------------------------------------------------------------------
// Panics

/// The debug-build trigger: analysing a file that contains the marker panics.
const PANIC_ENV: &str = "WHISPIR_MIGRATE_TEST_PANIC_ON";

#[test]
fn a_panic_on_one_file_is_an_error_for_that_file_and_the_run_goes_on() {
    let dir = tree(&[
        ("a.py", LEGACY),
        ("boom.py", "u = \"https://api.whispir.com/BOOM\"\n"),
        ("z.py", LEGACY),
    ]);
    let mut c = wm(dir.path(), &["check", "--format", "concise", "-q"]);
    c.env(PANIC_ENV, "BOOM");
    let out = run(c);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stdout.lines().count(),
        2,
        "the other files are reported: {out:?}"
    );
    assert!(
        out.stderr.starts_with(
            "error: boom.py: internal error while processing this file, which was left as it is: test panic"
        ),
        "{out:?}"
    );
    assert!(
        !out.stderr.contains("panicked at"),
        "no raw panic message: {out:?}"
    );

    // Standard input too.
    let mut c = wm(dir.path(), &["check", "-", "--stdin-filename", "in.py"]);
    c.env(PANIC_ENV, "BOOM")
        .stdin(std::fs::File::open(dir.path().join("boom.py")).unwrap());
    let out = run(c);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("error: in.py: internal error"),
        "{out:?}"
    );
}

#[test]
fn a_panic_while_fixing_one_file_writes_nothing_for_it() {
    // The marker appears only once the host is fixed: the panic happens in the fixing passes.
    let boom = "u = \"https://api.whispir.com/messages\"\n";
    let dir = tree(&[("boom.py", boom)]);
    let mut c = wm(dir.path(), &["fix", "--region", "au", "--allow-dirty"]);
    c.env(PANIC_ENV, "au.whispir.com/messages\"\n");
    let out = run(c);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("error: boom.py: internal error"),
        "{out:?}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("boom.py")).unwrap(),
        boom
    );

    let dir = tree(&[("a.py", LEGACY), ("boom.py", boom)]);
    let mut c = wm(dir.path(), &["fix", "--region", "au", "--allow-dirty"]);
    c.env(PANIC_ENV, "BOOM");
    std::fs::write(dir.path().join("boom.py"), format!("{boom}# BOOM\n")).unwrap();
    let out = run(c);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("error: boom.py: internal error"),
        "{out:?}"
    );
    assert!(out.stdout.contains("fixed 1 finding in 1 file"), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.py")).unwrap(),
        "u = \"https://api.au.whispir.com/messages\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("boom.py")).unwrap(),
        format!("{boom}# BOOM\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Memory

/// Runs the binary to completion and returns its exit status and peak resident set size in
/// bytes. The kernel counts in a child's peak the memory of the process it was forked from,
/// at the fork: forked from this test process, the binary's peak would include whatever the
/// tests running beside it hold (their files, being built), and vary with them. So a Python
/// launcher forks it from an interpreter of about 10 MiB and reports its peak (`wait4`).
fn peak_rss(dir: &Path, args: &[&str]) -> (i32, u64) {
    const LAUNCHER: &str = "import os, sys
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
";
    let mut launcher = Command::new("python3");
    launcher.arg("-c").arg(LAUNCHER).arg(BIN).args(args);
    // No time limit: a large file takes minutes in a debug build on a busy machine.
    let out = in_dir(launcher, dir).output().expect("python3 runs");
    let report = String::from_utf8_lossy(&out.stdout);
    let (status, kib) = report.trim().split_once(' ').unwrap_or_else(|| {
        panic!(
            "launcher said {report:?}, {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let status: i32 = status.parse().expect("exit status");
    assert!(status >= 0, "killed by signal {}", -status);
    (status, kib.parse::<u64>().expect("peak in KiB") * 1024)
}

#[test]
fn the_peak_measured_is_the_binarys_own_not_this_test_processs() {
    // Forked from this process, the binary's peak would be at least what it holds.
    let held = vec![1u8; 256 << 20];
    let dir = tree(&[("a.js", "fetch('https://api.whispir.com/messages');\n")]);
    let (code, rss) = peak_rss(dir.path(), &["check", ".", "--no-config"]);
    assert_eq!(code, 1);
    assert!(rss < 64 << 20, "peaked at {} MiB", rss >> 20);
    std::hint::black_box(&held);
}

/// The bound: at most 6 times the file and 64 MiB, of which the process itself takes about
/// 10 MiB in a release build. A debug build's own code takes more (17 MiB to check one
/// line, where a release build takes 8), and the bound grows by the difference: arrays
/// nested 200 000 deep peak at 55 MiB in a release build and at 65-66 MiB in a debug one.
fn rss_bound(file_len: u64) -> u64 {
    6 * file_len + (64 << 20) + own_size().saturating_sub(10 << 20)
}

/// The binary's peak checking one line: what it takes before any file's work.
fn own_size() -> u64 {
    static OWN: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *OWN.get_or_init(|| {
        let dir = tree(&[("a.js", "fetch('https://api.whispir.com/messages');\n")]);
        peak_rss(dir.path(), &["check", ".", "--no-config"]).1
    })
}

fn assert_rss_bounded(name: &str, text: &str) {
    assert_rss_bounded_for(name, text, &[Run::Check, Run::Fix]);
}

#[derive(PartialEq)]
enum Run {
    Check,
    Fix,
}

fn assert_rss_bounded_for(name: &str, text: &str, commands: &[Run]) {
    let dir = tree(&[(name, text)]);
    let len = text.len() as u64;
    // With a region, so that every host finding also carries its fix.
    let check = &[
        "check",
        "--no-config",
        "--region",
        "au",
        "--format",
        "json",
        name,
    ][..];
    let fix = &[
        "fix",
        "--no-config",
        "--region",
        "au",
        "--allow-dirty",
        name,
    ][..];
    for args in [(Run::Check, check), (Run::Fix, fix)]
        .into_iter()
        .filter(|(c, _)| commands.contains(c))
        .map(|(_, args)| args)
    {
        let (code, rss) = peak_rss(dir.path(), args);
        assert!((0..=2).contains(&code), "{args:?}: exit {code}");
        assert!(
            rss <= rss_bound(len),
            "{args:?} on {} MiB peaked at {} MiB (bound {} MiB)",
            len >> 20,
            rss >> 20,
            rss_bound(len) >> 20
        );
    }
}

#[test]
fn peak_memory_on_a_large_text_file_with_sparse_findings_is_bounded() {
    let prose = "The notification service retries each message three times.\n".repeat(499);
    let block = format!("{prose}Calls go to https://api.whispir.com/messages for now.\n");
    assert_rss_bounded("notes.txt", &block.repeat((16 << 20) / block.len()));
}

#[test]
fn reports_hold_their_own_bytes_not_the_read_buffer() {
    // The worker's read buffer grows to nearly 1 MiB on the large file read before each small
    // one; each report must keep only its file's bytes (100 reports × 1 MiB before).
    let big = "The notification service retries each message three times.\n".repeat(16_000);
    let small = "u = \"https://api.whispir.com/messages\"\n";
    let names: Vec<String> = (0..100).map(|i| format!("s{i}.py")).collect();
    let mut files = vec![("big.txt", big.as_str())];
    files.extend(names.iter().map(|n| (n.as_str(), small)));
    let dir = tree(&files);
    let mut args = vec!["check", "--no-config", "--format", "json"];
    for n in &names {
        args.extend(["big.txt", n.as_str()]);
    }
    let (code, rss) = peak_rss(dir.path(), &args);
    assert_eq!(code, 1);
    assert!(rss < 48 << 20, "peaked at {} MiB", rss >> 20);
}

#[test]
fn peak_memory_checking_a_large_text_file_full_of_findings_is_bounded() {
    // 230k findings: what is held per finding (the diagnostic, its host record, the request
    // grouping) decides this one; 228 MiB before help texts were shared and grouping used
    // sorted lists instead of hash maps.
    let line = "Calls go to https://api.whispir.com/messages until the region is set.\n";
    assert_rss_bounded_for(
        "notes.txt",
        &line.repeat((16 << 20) / line.len()),
        &[Run::Check],
    );
}

#[test]
fn peak_memory_fixing_a_large_text_file_full_of_findings_is_bounded() {
    // 409 MiB while `fix` copied every report it left unchanged (into its plan and again
    // into its summary) and each host fix owned its title, its host text and a vector with
    // room for four edits; about 145 MiB with shared reports and texts.
    let line = "Calls go to https://api.whispir.com/messages until the region is set.\n";
    assert_rss_bounded_for(
        "notes.txt",
        &line.repeat((16 << 20) / line.len()),
        &[Run::Fix],
    );
}

/// One constant read by requests in thousands of files makes one fix across files
/// (`fix::across`): its group of files was copied into each of its changes, n copies of an
/// n-long list (4 000 files: 306 MiB in a release build; now 56 MiB).
#[test]
fn peak_memory_fixing_thousands_of_files_on_one_constant_is_bounded() {
    let constants = "final class WhispirConstants {\n    static final String BASE_URL = \"https://api.whispir.com\";\n    \
                     static final String QUERY_PREFIX = \"?apikey=\";\n}\n"
        .to_string();
    let mut files = vec![("WhispirConstants.java".to_string(), constants)];
    for i in 0..2000 {
        files.push((
            format!("s/Sender{i}.java"),
            format!(
                "import java.net.URI;\nimport java.net.http.*;\n\nclass Sender{i} {{\n    \
                 private final HttpClient http = HttpClient.newHttpClient();\n\n    \
                 int send(String key) throws Exception {{\n        \
                 String url = WhispirConstants.BASE_URL + \"/m/{i}\" + WhispirConstants.QUERY_PREFIX + key;\n        \
                 HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();\n        \
                 return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();\n    }}\n}}\n"
            ),
        ));
    }
    let len: u64 = files.iter().map(|(_, t)| t.len() as u64).sum();
    let named: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let dir = tree(&named);
    let args = [
        "fix",
        "--no-config",
        "--region",
        "au",
        "--unsafe-fixes",
        "--diff",
        ".",
    ];
    let (code, rss) = peak_rss(dir.path(), &args);
    assert_eq!(code, 1, "the fix across the files is offered");
    assert!(
        rss <= rss_bound(len),
        "{} files ({} KiB) peaked at {} MiB (bound {} MiB)",
        files.len(),
        len >> 10,
        rss >> 20,
        rss_bound(len) >> 20
    );
}

#[test]
fn peak_memory_on_a_large_javascript_file_is_bounded() {
    // 7.3 million tokens: 354 MiB (check) and 408 MiB (fix) with 40-byte tokens; 12-byte
    // tokens, bracket depths computed only for a file with a query-builder key, no lowercased
    // copy of the file and no per-pass copies in the fix loop bring it to about 117 and
    // 151 MiB.
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 16 << 20 {
        if i % 500 == 0 {
            text.push_str(&format!(
                "fetch(\"https://api.whispir.com/messages?apikey=k{i:08}\", {{method: \"POST\"}});\n"
            ));
        } else {
            text.push_str(&format!(
                "function a{i}(b, c) {{ var d = b + c * 2; return d > 10 ? x(d, \"s{i}\") : [d, {{e: 1}}]; }}\n"
            ));
        }
        i += 1;
    }
    assert_rss_bounded("app.js", &text);
}

/// About `bytes` of ordinary code in the language of `name`, with a request to the retired
/// host every 500 lines through a variable, so that the request model asks for the tree.
fn code_with_requests(name: &str, bytes: usize) -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < bytes {
        let line = match (name.rsplit_once('.').map(|(_, e)| e), i % 500) {
            (Some("js"), 0) => format!(
                "const u{i} = \"https://api.whispir.com/messages?apikey=k{i:08}\"; fetch(u{i}, {{method: \"POST\"}});\n"
            ),
            (Some("js"), _) => format!(
                "function a{i}(b, c) {{ var d = b + c * 2; return d > 10 ? x(d, \"s{i}\") : [d, {{e: 1}}]; }}\n"
            ),
            (Some("py"), 0) => format!(
                "u{i} = \"https://api.whispir.com/messages?apikey=k{i:08}\"\nrequests.post(u{i}, json={{}})\n"
            ),
            (Some("py"), _) => format!(
                "def a{i}(b, c):\n    d = b + c * 2\n    return x(d, \"s{i}\") if d > 10 else [d, {{\"e\": 1}}]\n"
            ),
            _ => unreachable!("{name}"),
        };
        text.push_str(&line);
        i += 1;
    }
    text
}

#[test]
fn peak_memory_on_large_parsed_files_is_bounded() {
    // Syntax trees take 20 to 160 bytes per byte of such code: 172 and 457 MiB (check, fix)
    // on the JavaScript file, 186 and 504 MiB on the Python one, before a parse had a memory
    // allowance.
    for name in ["app.js", "app.py"] {
        assert_rss_bounded(name, &code_with_requests(name, 2 << 20));
    }
}

#[test]
fn peak_memory_on_deeply_nested_code_is_bounded() {
    // Trees of hundreds of bytes per byte: arrays nested 200 000 deep took 120 MiB to check
    // and fix; 100 000 casts in a row 96 MiB to fix.
    let arrays = format!(
        "const u = \"https://api.whispir.com/messages?apikey=abc\"; fetch(u, {{method: \"POST\"}});\nconst v = {}{};\n",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    assert_rss_bounded("nested.js", &arrays);
    let casts = format!(
        "class A {{ void M() {{ var c = new HttpClient(); c.GetAsync(\"https://api.whispir.com/messages?apikey=abc\"); var x = {}y; }} }}\n",
        "(object)".repeat(100_000)
    );
    assert_rss_bounded("Casts.cs", &casts);
}

#[test]
fn many_workers_do_not_each_hold_a_medium_tree() {
    // Sixteen files whose trees take about 7 MB each, under what one worker may hold without
    // a share: at 16 threads, 190 MiB to check or fix (release build) when each worker had
    // 8 MiB of its own; 61 MiB now that the workers share 16 MiB between them and larger
    // trees wait for a share. Bound: 6 times the bytes of all the files, and 64 MiB.
    let text = code_with_requests("app.js", 250 << 10);
    let names: Vec<String> = (0..16).map(|i| format!("f{i}.js")).collect();
    let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), text.as_str())).collect();
    let dir = tree(&files);
    for command in ["check", "fix"] {
        let mut args = vec![command, "--no-config", "--region", "au", "--threads", "16"];
        args.push(if command == "fix" {
            "--diff"
        } else {
            "--exit-zero"
        });
        args.push(".");
        let (code, rss) = peak_rss(dir.path(), &args);
        assert!((0..=2).contains(&code), "{args:?}: exit {code}");
        let bound = rss_bound((text.len() * names.len()) as u64);
        assert!(
            rss <= bound,
            "{args:?} peaked at {} MiB (bound {} MiB)",
            rss >> 20,
            bound >> 20
        );
    }
}

#[test]
fn workers_do_not_each_hold_a_large_tree() {
    // Four files whose trees take about 25 MB each, one per worker: they wait for a share of
    // the tree memory in turn, and give its pages back. 245 MiB to fix before trees had an
    // allowance, 115 MiB while each worker's allocator arena kept the pages of its tree.
    // The requests are written in place: their fixes are safe, and checked on the tree.
    let text = code_with_requests("app.js", 300 << 10)
        .lines()
        .map(|line| match line.split_once("; fetch(") {
            Some((_, call)) => {
                let url = &line[line.find('"').unwrap()..line.find("\";").unwrap() + 1];
                let (_, options) = call.split_once(", ").unwrap();
                format!("fetch({url}, {options}\n")
            }
            None => format!("{line}\n"),
        })
        .collect::<String>();
    let names = ["a.js", "b.js", "c.js", "d.js"];
    let dir = tree(&names.map(|n| (n, text.as_str())));
    for command in ["check", "fix"] {
        let mut args = vec![command, "--no-config", "--region", "au", "--threads", "4"];
        args.push(if command == "fix" {
            "--diff"
        } else {
            "--exit-zero"
        });
        args.extend(names);
        let (code, rss) = peak_rss(dir.path(), &args);
        assert!((0..=2).contains(&code), "{args:?}: exit {code}");
        let bound = rss_bound(text.len() as u64);
        assert!(
            rss <= bound,
            "{args:?} peaked at {} MiB (bound for one file {} MiB)",
            rss >> 20,
            bound >> 20
        );
    }
}

#[test]
fn one_function_of_thousands_of_locals_each_read_by_one_request_is_checked_in_time() {
    // Each proof that a local is read once looked at every node of the function, asking each
    // its previous sibling (a walk down from the root): time growing faster than the square
    // of the blocks: 0.37 s at 100, 27 s at 1 000 (release build), over a minute at 1 200 (debug).
    // `run` fails the test after 60 s; this takes a few seconds in a debug build.
    let blocks: String = (0..1200)
        .map(|i| {
            format!(
                "  {{\n    const u{i} = 'https://api.whispir.com/m/{i}?apikey=' + k;\n    \
                 await fetch(u{i});\n  }}\n"
            )
        })
        .collect();
    let dir = tree(&[("f.js", &format!("async function f(k) {{\n{blocks}}}\n"))]);
    let out = run(wm(
        dir.path(),
        &["check", "--no-config", "--region", "au", "f.js"],
    ));
    assert_eq!(out.code, 1, "{out:?}");
    // Each local is read once, in its own block: every fix is safe.
    let out = run(wm(
        dir.path(),
        &["fix", "--no-config", "--region", "au", "--diff", "f.js"],
    ));
    assert!(
        out.stderr
            .contains("Would fix 2400 findings in 1 file; 0 need manual changes"),
        "{out:?}"
    );
}
