//! UTF-16 files with a byte order mark: scanned with the text's lines and columns, fixed in
//! their own encoding (mark, byte order and line endings kept), refused when they cannot be
//! written back exactly.

use std::process::Command;

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_whispir-migrate"))
        .current_dir(dir)
        .args(args)
        .args(["--no-config", "--color", "never"])
        .env_remove("WHISPIR_REGION")
        .output()
        .expect("runs")
}

const BEFORE: &str =
    "@echo off\r\nREM Größe ✓\r\ncurl -s \"https://api.whispir.com/m?apikey=%KEY%\"\r\n";
const AFTER: &str = "@echo off\r\nREM Größe ✓\r\ncurl -s \"https://api.au.whispir.com/m\" -H \"x-api-key: %KEY%\"\r\n";

#[test]
fn utf16_files_are_scanned_and_fixed_in_their_own_encoding() {
    for big_endian in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("send.cmd");
        std::fs::write(&path, utf16(BEFORE, big_endian)).unwrap();
        let out = run(dir.path(), &["check", ".", "--format", "concise"]);
        let report = String::from_utf8(out.stdout).unwrap();
        assert!(report.contains("./send.cmd:3:18: WM001"), "{report}");
        assert!(report.contains("./send.cmd:3:36: WM002"), "{report}");
        let out = run(dir.path(), &["fix", ".", "--region", "au", "--allow-dirty"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(std::fs::read(&path).unwrap(), utf16(AFTER, big_endian));
    }
}

#[test]
fn utf16_that_cannot_be_written_back_exactly_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("send.cmd");
    let mut bytes = utf16(BEFORE, false);
    bytes.extend_from_slice(&0xD800u16.to_le_bytes()); // an unpaired surrogate
    std::fs::write(&path, &bytes).unwrap();
    let out = run(dir.path(), &["fix", ".", "--region", "au", "--allow-dirty"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("send.cmd")
            && stderr.contains("unpaired surrogate")
            && stderr.contains("not written"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "left as it was");
}

#[test]
fn a_utf16_file_without_whispir_is_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = "$w = \"https://api.weather.example.com/v1?apikey=$env:K\"\r\n";
    std::fs::write(dir.path().join("weather.ps1"), utf16(text, false)).unwrap();
    let out = run(dir.path(), &["check", ".", "--format", "concise"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
