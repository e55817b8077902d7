//! Property tests (proptest) over generated input, run by `cargo test` with a bounded number
//! of cases (64 per property). For a longer run: `PROPTEST_CASES=5000 cargo test --release
//! --test fuzz`. Proptest saves a failing input in `tests/fuzz.proptest-regressions` and
//! replays it first on every run: commit that file with the fix (none has failed so far).
//!
//! - Detection, over arbitrary bytes and over text built from the pieces legacy usage is made
//!   of, for every supported file extension: no panic; every span and edit inside the file;
//!   on text, every span on a character boundary.
//! - Fixing, over fixture lines mixed with noise: no panic; the edits of one pass change the
//!   file only inside themselves; fixing the fixed text again changes nothing.

use proptest::prelude::*;
use whispir_migrate::diagnostic::Applicability;
use whispir_migrate::engine::{FileReport, Settings, check_file};
use whispir_migrate::fix::{self, ApproveAll};
use whispir_migrate::hosts::Region;
use whispir_migrate::rules::RuleContext;
use whispir_migrate::source::SourceFile;

/// One file name per language family and then some: every extension the tool knows.
const NAMES: &[&str] = &[
    "a.rs",
    "a.js",
    "a.mjs",
    "a.cjs",
    "a.jsx",
    "a.ts",
    "a.tsx",
    "a.mts",
    "a.cts",
    "a.vue",
    "a.svelte",
    "a.java",
    "a.kt",
    "a.kts",
    "a.scala",
    "a.groovy",
    "a.gradle",
    "a.swift",
    "a.dart",
    "a.c",
    "a.h",
    "a.cc",
    "a.cpp",
    "a.hpp",
    "a.m",
    "a.cfc",
    "a.apex",
    "a.cls",
    "a.cs",
    "a.csx",
    "a.fs",
    "a.vb",
    "a.go",
    "a.php",
    "a.phtml",
    "a.py",
    "a.pyw",
    "a.pyi",
    "a.rb",
    "a.cr",
    "a.rake",
    "a.gemspec",
    "a.ex",
    "a.exs",
    "a.pl",
    "a.pm",
    "a.sh",
    "a.bash",
    "a.zsh",
    "a.ksh",
    "a.fish",
    "a.ps1",
    "a.psm1",
    "a.mk",
    "a.mak",
    "a.dockerfile",
    "a.bat",
    "a.cmd",
    "a.yaml",
    "a.yml",
    "a.json",
    "a.jsonc",
    "a.json5",
    "a.postman_collection",
    "a.har",
    "a.ipynb",
    "a.env",
    "a.properties",
    "a.ini",
    "a.cfg",
    "a.conf",
    "a.toml",
    "a.sql",
    "a.lua",
    "a.md",
    "a.markdown",
    "a.mdx",
    "a.rst",
    "a.adoc",
    "a.txt",
    "a.textile",
    "a.xml",
    "a.config",
    "a.html",
    "a.htm",
    "a.xhtml",
    "a.csproj",
    "a.vbproj",
    "a.wsdl",
    "a.xsd",
    "a.plist",
    "a.cfm",
    "a.cfml",
    "a.jsp",
    "a.aspx",
    "a.cshtml",
    "a.erb",
    "a.hbs",
    "a.mustache",
    "a.twig",
    "a.http",
    "a.rest",
    "makefile",
    "dockerfile",
    "jenkinsfile",
    ".bashrc",
    ".env",
    ".env.local",
    "notes",
];

/// What legacy usage, its fixes and its near misses are made of.
const PIECES: &[&str] = &[
    "https://api.whispir.com/messages",
    "http://api.whispir.com:80/",
    "api.au.whispir.com",
    "api.<region>.whispir.com",
    "whispir",
    "Whispir",
    ".com",
    "?apikey=",
    "&apikey=",
    "&amp;apikey=",
    "apikey",
    "9f86d081884c7d659a2feaa0c55ad015",
    "${KEY}",
    "{key}",
    "x-api-key",
    "headers: {",
    "curl -H ",
    "fetch(",
    "requests.get(",
    "\"url\": ",
    "\"header\": [",
    "# whispir-migrate: ignore[WM001]",
    "// ",
    "/*",
    "*/",
    "#",
    "<!--",
    "-->",
    "\"",
    "'",
    "`",
    "\\",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "=",
    ":",
    ";",
    ",",
    "+",
    "%2F",
    "\n",
    "\r\n",
    "\t",
    "  ",
    "é",
    "日本",
    "\u{1F600}",
    "\u{FEFF}",
];

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn settings() -> Settings {
    Settings {
        rules: RuleContext {
            region: Some(Region::Au),
            ..RuleContext::default()
        },
        ignored: Vec::new(),
        per_file_ignores: Vec::new(),
        config_root: None,
    }
}

fn name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(NAMES)
}

/// Text made of legacy-usage pieces and arbitrary characters.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => any::<String>(),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// Bytes: pieces, arbitrary bytes (invalid UTF-8, NUL after the binary sniff window is not
/// reached at these sizes, so NUL-bearing inputs test the binary skip only in `check`).
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(PIECES).prop_map(|p| p.as_bytes().to_vec()),
            1 => prop::collection::vec(1u8..=255, 0..8),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// Every span, label and edit of `report` inside the file (and, for text, on a character
/// boundary).
fn assert_spans_inside(report: &FileReport, text: Option<&str>) -> Result<(), TestCaseError> {
    let len = report.file.bytes.len();
    let ok = |r: &std::ops::Range<usize>| {
        r.start <= r.end
            && r.end <= len
            && text.is_none_or(|t| t.is_char_boundary(r.start) && t.is_char_boundary(r.end))
    };
    for d in &report.diagnostics {
        prop_assert!(ok(&d.span), "{} span {:?} in {len} bytes", d.code, d.span);
        for e in d.fix.iter().flat_map(|f| f.edits.iter()) {
            prop_assert!(ok(&e.range), "{} edit {:?} in {len} bytes", d.code, e.range);
        }
    }
    for s in report.secrets.ranges() {
        prop_assert!(
            s.start <= s.end && s.end <= len,
            "secret {s:?} in {len} bytes"
        );
    }
    Ok(())
}

fn check(name: &str, bytes: Vec<u8>) -> Option<FileReport> {
    check_file(
        SourceFile::new(name.into(), name.into(), bytes),
        &settings(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn detection_on_text_stays_inside_the_file_on_char_boundaries(name in name(), text in text()) {
        if let Some(report) = check(name, text.clone().into_bytes()) {
            assert_spans_inside(&report, Some(&text))?;
        }
    }

    #[test]
    fn detection_on_arbitrary_bytes_stays_inside_the_file(name in name(), bytes in bytes()) {
        if let Some(report) = check(name, bytes) {
            assert_spans_inside(&report, None)?;
        }
    }

    #[test]
    fn fixing_fixture_lines_with_noise_is_contained_and_idempotent(
        (name, lines) in fixture_lines(),
        noise in prop::collection::vec((any::<prop::sample::Index>(), text()), 0..4),
    ) {
        let mut lines = lines;
        for (at, text) in noise {
            let i = at.index(lines.len() + 1);
            lines.insert(i, text);
        }
        let original = lines.concat().into_bytes();
        let file = SourceFile::new(name.clone(), name.clone().into(), original.clone());
        let Some(report) = check_file(file.clone(), &settings()) else {
            return Ok(());
        };
        assert_spans_inside(&report, std::str::from_utf8(&original).ok())?;

        // One pass: the file changes only inside the edits taken.
        let safe: Vec<&whispir_migrate::diagnostic::Fix> = report
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability == Applicability::Safe)
            .collect();
        let (once, taken) = fix::apply(&original, &safe);
        let mut edits: Vec<&whispir_migrate::diagnostic::Edit> =
            taken.iter().flat_map(|&i| safe[i].edits.iter()).collect();
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        let mut spliced = Vec::new();
        let mut at = 0;
        for e in &edits {
            prop_assert!(e.range.start >= at, "edits taken together overlap: {edits:?}");
            spliced.extend_from_slice(&original[at..e.range.start]);
            spliced.extend_from_slice(e.content.as_bytes());
            at = e.range.end;
        }
        spliced.extend_from_slice(&original[at..]);
        prop_assert_eq!(&once, &spliced, "bytes outside the edits changed");

        // To a fixed point: fixing the result again changes nothing.
        let fixed = fix::fix_file(&file, Some(&report), &settings(), false, &mut ApproveAll);
        if let Some(fixed) = fixed.fixed() {
            let again = SourceFile::new(name.clone(), name.clone().into(), fixed.to_vec());
            let second = fix::fix_file(&again, None, &settings(), false, &mut ApproveAll);
            prop_assert!(
                second.error.is_some() || second.fixed().is_none(),
                "a second fix changed {name}:\n{}\n---\n{}",
                String::from_utf8_lossy(fixed),
                String::from_utf8_lossy(second.fixed().unwrap_or_default())
            );
        }
    }
}

/// A fixture file's name and a run of its lines (each with its line ending).
fn fixture_lines() -> impl Strategy<Value = (String, Vec<String>)> {
    let files = fixture_files();
    prop::sample::select(files).prop_flat_map(|(name, text)| {
        let lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        let n = lines.len();
        (0..n.max(1), 1..=n.clamp(1, 60)).prop_map(move |(start, len)| {
            let end = (start + len).min(n);
            (name.clone(), lines[start.min(n)..end].to_vec())
        })
    })
}

fn fixture_files() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.expect("fixtures readable");
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "expected.txt" {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            out.push((name, text));
        }
    }
    assert!(out.len() > 20, "fixtures found: {}", out.len());
    out
}
