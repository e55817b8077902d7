//! SARIF 2.1.0: one run with every rule's metadata, one result per diagnostic (with a stable
//! fingerprint) and the fixes as artifact changes. Also home of the path and fingerprint helpers
//! the GitLab report shares.
//!
//! Secrets are redacted in every string unless `--show-secrets`; fingerprints never depend on
//! a secret (it is masked before hashing), so they are the same with or without that flag.

use super::{ReportOptions, clean, positions};
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::engine::{FileReport, Outcome};
use crate::rules::{self, RuleInfo, Severity};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const DEFAULT_INFORMATION_URI: &str = "https://github.com/whispir-migrate/whispir-migrate";
/// The base every relative artifact URI is resolved against: the directory the tool ran in.
const SRCROOT: &str = "%SRCROOT%";
/// The `partialFingerprints` key; bump the version when the hashed input changes.
const FINGERPRINT_KEY: &str = "whispirMigrate/v1";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: Vec<Invocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BTreeMap<&'static str, ArtifactLocation>>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Markdown,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Markdown {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    /// Where a value used here is defined, in another file (`crossfile`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_length: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: Applicability,
    /// The inserted text had a secret redacted: applying it as is would break the code.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    redacted: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

pub fn write(out: &mut dyn Write, outcome: &Outcome, opts: &ReportOptions) -> io::Result<()> {
    let mut results = Vec::new();
    for r in &outcome.reports {
        let path = relative_path(&r.file.display_path);
        let location = artifact_location(&path);
        let prints = fingerprints(r, &path);
        for (d, print) in r.diagnostics.iter().zip(prints) {
            results.push(result(r, d, &location, print, opts));
        }
    }
    let notifications: Vec<Notification> = outcome
        .errors
        .iter()
        .map(|e| Notification {
            level: "error",
            message: Text {
                text: format!("{}: {}", e.path, e.message),
            },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact_location(&relative_path(&e.path)),
                    region: None,
                },
            }],
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "whispir-migrate",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules: rules::ALL.iter().map(rule).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: srcroot().map(|uri| {
                BTreeMap::from([(
                    SRCROOT,
                    ArtifactLocation {
                        uri,
                        uri_base_id: None,
                    },
                )])
            }),
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The crate's repository or homepage from Cargo.toml, else the project's address.
fn information_uri() -> &'static str {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|u| !u.is_empty())
        .unwrap_or(DEFAULT_INFORMATION_URI)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule(info: &RuleInfo) -> Rule {
    let explanation = redact_examples(info.explanation);
    let described: Vec<String> = ["What it finds", "Why"]
        .iter()
        .filter_map(|h| section(&explanation, h))
        .map(unwrap_paragraphs)
        .collect();
    let full = if described.is_empty() {
        info.summary.to_string()
    } else {
        described.join("\n\n")
    };
    Rule {
        id: info.code.as_str(),
        name: info.name,
        short_description: Text {
            text: info.summary.to_string(),
        },
        full_description: Text { text: full },
        help: Markdown {
            text: format!(
                "{} {}: {}\n\n{}",
                info.code,
                info.name,
                info.summary,
                plain_text(&explanation)
            ),
            markdown: format!(
                "**{} {}**: {}\n\n{}",
                info.code,
                info.name,
                info.summary,
                fence_code_blocks(&explanation)
            ),
        },
        default_configuration: Configuration {
            level: level(info.severity),
        },
    }
}

/// Rule documentation quotes example keys: they are redacted like real ones, always.
fn redact_examples(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for s in crate::secrets::find_credentials(text.as_bytes()) {
        if s.start < last || !text.is_char_boundary(s.start) || !text.is_char_boundary(s.end) {
            continue;
        }
        out.push_str(&text[last..s.start]);
        out.push_str(&crate::secrets::redact(&text[s.clone()]));
        last = s.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The body of the `## heading` section of an explanation.
fn section<'a>(explanation: &'a str, heading: &str) -> Option<&'a str> {
    let marker = format!("## {heading}\n");
    let start = explanation.find(&marker)? + marker.len();
    let rest = &explanation[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// Joins the hard-wrapped lines of each paragraph into one line.
fn unwrap_paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The explanation without Markdown heading markers.
fn plain_text(explanation: &str) -> String {
    explanation
        .lines()
        .map(|l| l.strip_prefix("## ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

/// The explanation with its indented code blocks turned into fenced ones, which every
/// Markdown renderer shows as code.
fn fence_code_blocks(explanation: &str) -> String {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in explanation.lines() {
        match (in_code, line.strip_prefix("    ")) {
            (false, Some(code)) => {
                out.push("```".to_string());
                out.push(code.to_string());
                in_code = true;
            }
            (true, Some(code)) => out.push(code.to_string()),
            (true, None) => {
                out.push("```".to_string());
                out.push(line.to_string());
                in_code = false;
            }
            (false, None) => out.push(line.to_string()),
        }
    }
    if in_code {
        out.push("```".to_string());
    }
    out.join("\n").trim_end().to_string()
}

fn result(
    r: &FileReport,
    d: &Diagnostic,
    location: &ArtifactLocation,
    fingerprint: String,
    opts: &ReportOptions,
) -> SarifResult {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    SarifResult {
        rule_id: d.code.as_str(),
        rule_index: rules::ALL
            .iter()
            .position(|i| i.code == d.code)
            .expect("every code is registered"),
        level: level(d.severity),
        message: Text {
            text: clean(r, &message, opts),
        },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: location.clone(),
                region: Some(region(r, &d.span, false)),
            },
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
        fixes: d
            .fix
            .as_ref()
            .and_then(|f| fix(r, f, location, opts))
            .into_iter()
            .collect(),
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(id, at)| RelatedLocation {
                id,
                physical_location: PhysicalLocation {
                    artifact_location: artifact_location(&at.path),
                    region: Some(Region {
                        start_line: at.line,
                        start_column: at.column,
                        end_line: at.end_line,
                        end_column: at.end_column,
                        byte_offset: None,
                        byte_length: None,
                    }),
                },
                message: Text {
                    text: clean(r, &at.message, opts),
                },
            })
            .collect(),
    }
}

fn region(r: &FileReport, span: &Range<usize>, bytes: bool) -> Region {
    let (start, end) = positions(r, span);
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
        byte_offset: bytes.then_some(span.start),
        byte_length: bytes.then_some(span.end.saturating_sub(span.start)),
    }
}

fn fix(
    r: &FileReport,
    f: &Fix,
    location: &ArtifactLocation,
    opts: &ReportOptions,
) -> Option<SarifFix> {
    if f.edits.is_empty() {
        return None;
    }
    let mut redacted = false;
    let replacements = f
        .edits
        .iter()
        .map(|e| {
            let text = clean(r, &e.content, opts);
            redacted |= text != e.content;
            Replacement {
                deleted_region: region(r, &e.range, true),
                inserted_content: Text { text },
            }
        })
        .collect();
    let kind = match f.applicability {
        Applicability::Safe => "Safe fix (applied by `whispir-migrate fix`)",
        Applicability::Unsafe => "Unsafe fix (applied by `whispir-migrate fix --unsafe-fixes`)",
    };
    let mut description = format!("{kind}: {}", clean(r, &f.message, opts));
    if redacted {
        description.push_str(
            "; the inserted text has a secret redacted: use --show-secrets for an applicable fix",
        );
    }
    Some(SarifFix {
        description: Text { text: description },
        artifact_changes: vec![ArtifactChange {
            artifact_location: location.clone(),
            replacements,
        }],
        properties: FixProperties {
            applicability: f.applicability,
            redacted,
        },
    })
}

/// A display path as a `/`-separated path relative to the scan root (the current
/// directory): no leading `./`, no `.` segments. A path outside the current directory that
/// was given as absolute stays absolute.
pub(super) fn relative_path(display: &str) -> String {
    let mut text = display.to_string();
    if cfg!(windows) {
        text = text.replace('\\', "/");
    }
    let path = Path::new(display);
    if path.is_absolute()
        && let Some(rel) = std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
    {
        text = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
    }
    let absolute = text.starts_with('/');
    let segments: Vec<&str> = text
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let joined = segments.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// The SARIF location of a path from `relative_path`: a relative URI against `%SRCROOT%`, or
/// a `file:` URI for an absolute path.
fn artifact_location(path: &str) -> ArtifactLocation {
    let b = path.as_bytes();
    let windows_drive = cfg!(windows) && b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
    if path.starts_with('/') || windows_drive {
        let slash = if path.starts_with('/') { "" } else { "/" };
        ArtifactLocation {
            uri: format!("file://{slash}{}", percent_encode(path, true)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode(path, false),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// The current directory as a `file:` URI ending in `/`, the meaning of `%SRCROOT%`.
fn srcroot() -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let mut text = cwd.to_string_lossy().replace('\\', "/");
    if !text.starts_with('/') {
        text.insert(0, '/');
    }
    if !text.ends_with('/') {
        text.push('/');
    }
    Some(format!("file://{}", percent_encode(&text, true)))
}

/// Percent-encodes everything but unreserved characters and `/` (and `:` in absolute paths,
/// where it cannot be mistaken for a scheme).
fn percent_encode(path: &str, absolute: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (absolute && b == b':')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One fingerprint per diagnostic of `report`, in order: the SHA-256 of the rule code, the
/// path, the matched text (secrets masked, whitespace runs collapsed; the line when the span
/// is empty) and how many identical findings precede it in the file. Independent of line
/// numbers, so it survives edits above the finding; never derived from a secret.
pub(super) fn fingerprints(report: &FileReport, path: &str) -> Vec<String> {
    let mut seen: HashMap<(&str, Vec<u8>), usize> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let mut text = masked_text(report, &d.span);
            if text.is_empty() {
                let file = &report.file;
                text = masked_text(report, &file.line_range(file.line_index(d.span.start)));
            }
            let counter = seen.entry((d.code.as_str(), text.clone())).or_insert(0);
            let occurrence = *counter;
            *counter += 1;
            let mut h = Sha256::new();
            h.update(d.code.as_str().as_bytes());
            h.update([0]);
            h.update(path.as_bytes());
            h.update([0]);
            h.update(&text);
            h.update([0]);
            h.update(occurrence.to_string().as_bytes());
            h.finalize().iter().map(|b| format!("{b:02x}")).collect()
        })
        .collect()
}

/// The bytes of `span` with every secret (whole or in part) replaced by a fixed mask and
/// whitespace runs collapsed to one space.
fn masked_text(report: &FileReport, span: &Range<usize>) -> Vec<u8> {
    let bytes = &report.file.bytes;
    let end = span.end.min(bytes.len());
    let mut raw = Vec::with_capacity(end.saturating_sub(span.start));
    let mut i = span.start;
    while i < end {
        if let Some(s) = report.secrets.containing(i) {
            raw.extend_from_slice(b"\0secret\0");
            i = s.end;
        } else {
            raw.push(bytes[i]);
            i += 1;
        }
    }
    raw.split(u8::is_ascii_whitespace)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(&b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uris() {
        assert_eq!(relative_path("./src/a.js"), "src/a.js");
        assert_eq!(relative_path("././src//./a.js"), "src/a.js");
        assert_eq!(
            relative_path("fixtures/go/client.go"),
            "fixtures/go/client.go"
        );
        assert_eq!(relative_path("../x/a.js"), "../x/a.js");
        let cwd = std::env::current_dir().unwrap();
        let inside = cwd.join("dir").join("a b.js");
        assert_eq!(relative_path(&inside.to_string_lossy()), "dir/a b.js");
        let loc = artifact_location("dir/a b#1%.js");
        assert_eq!(loc.uri, "dir/a%20b%231%25.js");
        assert_eq!(loc.uri_base_id, Some(SRCROOT));
        assert_eq!(artifact_location("c:d/é").uri, "c%3Ad/%C3%A9");
        let abs = artifact_location("/elsewhere/a b.js");
        assert_eq!(abs.uri, "file:///elsewhere/a%20b.js");
        assert_eq!(abs.uri_base_id, None);
    }

    #[test]
    fn fenced_examples() {
        let md = fence_code_blocks("Before:\n\n    a()\n    b()\n\nAfter:\n\n    c()\n");
        assert_eq!(
            md,
            "Before:\n\n```\na()\nb()\n```\n\nAfter:\n\n```\nc()\n```"
        );
    }

    #[test]
    fn rule_docs_hold_no_example_key() {
        for info in rules::ALL {
            let r = rule(info);
            let all = serde_json::to_string(&r).unwrap();
            assert!(
                !all.contains("9f86d081884c7d659a2feaa0c55ad015"),
                "{}",
                info.code
            );
            assert!(!r.full_description.text.is_empty());
        }
    }
}
