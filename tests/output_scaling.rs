//! Output costs time linear in the findings: each shape runs at size N and 8N, and the CPU
//! time (and, where it is deterministic, the output size) may grow at most 12 times. Quadratic
//! code grows 64 times, so the bound catches it without depending on the machine's speed.
//!
//! The shapes: many distinct keys, one per line (redaction once compared every message with
//! every secret of the file), one long line holding thousands of URLs (the human report
//! once printed the whole line for every finding), one long line of thousands of key
//! positions (each searched the whole line for an assignment), and thousands of suppression
//! comments (each once counted the lines before it), and one function sending thousands of
//! requests, each held in its own variable (each request once read the rest of the function
//! to see whether a later statement sets its header).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_whispir-migrate");
const MAX_RATIO: f64 = 12.0;

/// A distinct 32-hex key for each `i`.
fn key(i: usize) -> String {
    format!(
        "{:016x}{:016x}",
        (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
        i
    )
}

/// CPU time (user + system) of the children waited for so far. Unlike wall time it does not
/// grow when other processes compete for the cores, which CI machines and shared hosts do.
fn children_cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; zeroed is a valid `rusage` too.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Runs `check ARGS` in `dir`, `runs` times; the least CPU time and the output size.
fn time_check(dir: &Path, args: &[&str], runs: usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut size = 0;
    for _ in 0..runs {
        let start = children_cpu();
        let out = Command::new(BIN)
            .arg("check")
            .args(["--no-config", "--color", "never"])
            .args(args)
            .arg(".")
            .current_dir(dir)
            .env_remove("WHISPIR_REGION")
            .stdin(Stdio::null())
            .output()
            .expect("binary runs");
        best = best.min(children_cpu() - start);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        size = out.stdout.len();
    }
    (best, size)
}

/// One file named `name` made by `make(n)`, at N and 8N; asserts the ratios for each
/// argument list.
fn assert_linear(name: &str, n: usize, make: fn(usize) -> String, args: &[&[&str]], sizes: bool) {
    // One measurement at a time: the tests of this file would otherwise compete for the cores.
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let small = tempfile::tempdir().unwrap();
    let large = tempfile::tempdir().unwrap();
    std::fs::write(small.path().join(name), make(n)).unwrap();
    std::fs::write(large.path().join(name), make(8 * n)).unwrap();
    for args in args {
        let (t1, s1) = time_check(small.path(), args, 3);
        let (t8, s8) = time_check(large.path(), args, 3);
        let ratio = t8.as_secs_f64() / t1.as_secs_f64();
        eprintln!(
            "{name} {args:?}: N {t1:?} ({s1} bytes), 8N {t8:?} ({s8} bytes), ratio {ratio:.1}"
        );
        assert!(
            ratio <= MAX_RATIO,
            "{name} {args:?}: 8N takes {ratio:.1}× the time of N ({t1:?} → {t8:?})"
        );
        if sizes {
            let size_ratio = s8 as f64 / s1 as f64;
            assert!(
                size_ratio <= 8.5,
                "{name} {args:?}: 8N prints {size_ratio:.1}× the output of N ({s1} → {s8} bytes)"
            );
        }
    }
}

/// `n` lines, each a request with its own key in the query.
fn distinct_keys(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "curl \"https://api.whispir.com/messages?apikey={}\"\n",
                key(i)
            )
        })
        .collect()
}

/// One line of `n` URLs.
fn long_line(n: usize) -> String {
    let urls: Vec<String> = (0..n)
        .map(|i| format!("https://api.whispir.com/m{i}"))
        .collect();
    format!("const urls = \"{}\";\n", urls.join(" "))
}

/// One minified line of `n` header objects, half with a literal key, half with a variable
/// (whose assignment is looked for in the statement), after one legacy URL.
fn headers_on_one_line(n: usize) -> String {
    let headers: Vec<String> = (0..n)
        .map(|i| match i % 2 {
            0 => format!("{{\"x-api-key\": \"{}\"}}", key(i)),
            _ => format!("{{\"x-api-key\": k{i}}}"),
        })
        .collect();
    format!(
        "const u = \"https://api.whispir.com/messages\"; const h = [{}];\n",
        headers.join(",")
    )
}

/// `n` suppressed findings.
fn suppressed(n: usize) -> String {
    let line = "u = \"https://api.whispir.com/messages\"  # whispir-migrate: ignore[WM001]\n";
    let mut text = line.repeat(n);
    // One finding left, so the run reports something (a suppression covers the next line too).
    text.push_str("\nv = \"https://api.whispir.com/contacts\"\n");
    text
}

/// One Go function sending `n` requests, each built in its own variable.
fn requests_in_one_function(n: usize) -> String {
    let mut text = String::from("package main\n\nimport \"net/http\"\n\nfunc send(key string) {\n");
    for i in 0..n {
        text.push_str(&format!(
            "\treq{i}, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/messages/{i}?apikey=\"+key, nil)\n\thttp.DefaultClient.Do(req{i})\n"
        ));
    }
    text.push_str("}\n");
    text
}

#[test]
fn placing_headers_in_a_function_of_many_requests_is_linear() {
    assert_linear(
        "send.go",
        300,
        requests_in_one_function,
        &[&["--region", "au", "--format", "concise"]],
        false,
    );
}

#[test]
fn finding_the_secrets_of_a_long_line_is_linear() {
    assert_linear(
        "headers.js",
        2000,
        headers_on_one_line,
        &[&["--format", "concise"]],
        false,
    );
}

#[test]
fn suppression_lookup_is_linear() {
    assert_linear(
        "app.py",
        2000,
        suppressed,
        &[&["--format", "concise"]],
        false,
    );
}

#[test]
fn redaction_is_linear_in_the_number_of_keys() {
    assert_linear(
        "send.sh",
        300,
        distinct_keys,
        &[&["--format", "human"], &["--format", "sarif"]],
        false,
    );
}

#[test]
fn human_output_of_a_long_line_is_linear_in_its_findings() {
    assert_linear(
        "page.js",
        300,
        long_line,
        &[&["--format", "human"], &["--format", "concise"]],
        true,
    );
}
