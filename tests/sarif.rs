//! The machine-readable CI formats: `--format sarif` validated against the official SARIF 2.1.0
//! JSON schema (kept byte-exact at tests/sarif-schema-2.1.0.json, from oasis-tcs/sarif-spec
//! `Schemata/sarif-schema-2.1.0.json`), and `--format gitlab` (GitLab Code Quality). Also:
//! redaction in both, and fingerprints that survive reruns and edits above a finding.

use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use tempfile::TempDir;

/// A real-looking 32-hex API key.
const KEY: &str = "9f86d081884c7d659a2feaa0c55ad015";

/// WM001, WM002 (with a fix that moves the key into a header) and WM003 on one request.
fn keyed_js() -> String {
    format!(
        "// notify\nfetch(`https://api.whispir.com/messages?apikey={KEY}`, {{ method: 'POST' }});\n"
    )
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

fn run(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_whispir-migrate"))
        .args(args)
        .current_dir(dir)
        .env_remove("WHISPIR_REGION")
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn check(dir: &Path, format: &str, extra: &[&str]) -> Out {
    let mut args = vec!["check", "--no-config", "--region", "au", "--format", format];
    args.extend_from_slice(extra);
    run(dir, &args)
}

fn fixtures_sarif() -> Value {
    let out = check(manifest_dir(), "sarif", &["fixtures"]);
    assert_eq!(
        out.code, 1,
        "findings remain in the fixtures\n{}",
        out.stderr
    );
    out.json()
}

fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The official schema, compiled once, with `format` (uri, uri-reference) checked too.
fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string(manifest_dir().join("tests/sarif-schema-2.1.0.json"))
            .expect("tests/sarif-schema-2.1.0.json is present");
        let mut schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
        // The published file puts `region`'s `anyOf` inside `properties`, where no meta-schema
        // accepts an array (the validator refuses to compile it). Move it up to `region`, where
        // it was meant to be: a region needs a start line, char offset or byte offset.
        let region = &mut schema["definitions"]["region"];
        let any_of = region["properties"]
            .as_object_mut()
            .and_then(|p| p.remove("anyOf"))
            .expect("the schema is the published one");
        region["anyOf"] = any_of;
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the schema compiles")
    })
}

/// Every error of `instance` against the official SARIF 2.1.0 schema.
fn schema_errors(instance: &Value) -> Vec<String> {
    validator()
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[track_caller]
fn assert_valid(instance: &Value) {
    let errors = schema_errors(instance);
    assert!(
        errors.is_empty(),
        "SARIF does not match the schema:\n{}",
        errors.join("\n")
    );
}

fn run0(sarif: &Value) -> &Value {
    let runs = sarif["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    &runs[0]
}

fn results(sarif: &Value) -> &Vec<Value> {
    run0(sarif)["results"].as_array().expect("results")
}

fn fingerprint(result: &Value) -> String {
    let prints = result["partialFingerprints"]
        .as_object()
        .expect("partialFingerprints");
    assert_eq!(prints.len(), 1);
    prints
        .values()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// SARIF

#[test]
fn fixtures_sarif_matches_the_official_schema() {
    let sarif = fixtures_sarif();
    assert!(!results(&sarif).is_empty());
    assert_valid(&sarif);
}

#[test]
fn the_validator_rejects_broken_sarif() {
    // Guards against a validator that accepts everything.
    let sarif = fixtures_sarif();
    let mut bad = sarif.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema_errors(&bad).is_empty());
    let mut bad = sarif.clone();
    bad.as_object_mut().unwrap().remove("version");
    assert!(!schema_errors(&bad).is_empty());
    let mut bad = sarif.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!schema_errors(&bad).is_empty());
    // Formats are checked: a raw space is no URI reference, a bare word no absolute URI.
    let mut bad = sarif.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "my dir/a b.js".into();
    assert!(!schema_errors(&bad).is_empty());
    let mut bad = sarif;
    bad["runs"][0]["tool"]["driver"]["informationUri"] = "whispir-migrate".into();
    assert!(!schema_errors(&bad).is_empty());
}

#[test]
fn sarif_header_driver_and_rules() {
    let sarif = fixtures_sarif();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().starts_with("https://"));
    let run = run0(&sarif);
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "whispir-migrate");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["WM001", "WM002", "WM003", "WM004", "WM005"]);
    for r in rules {
        for field in ["shortDescription", "fullDescription"] {
            assert!(!r[field]["text"].as_str().unwrap().is_empty(), "{r}");
        }
        assert!(r["name"].as_str().unwrap().contains('-'));
        let md = r["help"]["markdown"].as_str().unwrap();
        assert!(md.contains("Before") && md.contains("After") && md.contains("```"));
        assert!(r["help"]["text"].as_str().unwrap().contains("Before"));
        let level = r["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(level == "error" || level == "warning");
    }
    assert_eq!(rules[2]["defaultConfiguration"]["level"], "warning");
    assert_eq!(rules[1]["defaultConfiguration"]["level"], "error");
}

#[test]
fn every_result_names_a_rule_of_the_driver() {
    let sarif = fixtures_sarif();
    let rules = run0(&sarif)["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results(&sarif) {
        let id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "{r}");
        // A finding keeps its rule's level, except the notes on recorded responses.
        if r["level"] != "note" {
            assert_eq!(
                r["level"], rules[index]["defaultConfiguration"]["level"],
                "{r}"
            );
        }
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("fixtures/"), "{uri}");
        assert!(!uri.contains('\\') && !uri.contains(' '), "{uri}");
        let region = &loc["region"];
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[k].as_u64().unwrap() >= 1, "{r}");
        }
        assert_eq!(fingerprint(r).len(), 64);
    }
}

#[test]
fn sarif_columns_match_the_json_report() {
    let sarif = fixtures_sarif();
    let json = check(manifest_dir(), "json", &["fixtures"]).json();
    let diags = json["diagnostics"].as_array().unwrap();
    let results = results(&sarif);
    assert_eq!(diags.len(), results.len());
    for (d, r) in diags.iter().zip(results) {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(r["ruleId"], d["code"]);
        assert_eq!(region["startLine"], d["line"]);
        assert_eq!(region["startColumn"], d["column"]);
        assert_eq!(region["endLine"], d["end_line"]);
        assert_eq!(region["endColumn"], d["end_column"]);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert_eq!(uri, d["path"].as_str().unwrap());
        assert_eq!(r["fixes"].is_array(), !d["fix"].is_null(), "{r}");
    }
}

#[test]
fn fixes_are_artifact_changes() {
    let dir = tree(&[("client.js", &keyed_js())]);
    let sarif = check(dir.path(), "sarif", &["--show-secrets", "."]).json();
    assert_valid(&sarif);
    let with_fix: Vec<&Value> = results(&sarif)
        .iter()
        .filter(|r| r["fixes"].is_array())
        .collect();
    assert!(!with_fix.is_empty());
    for r in with_fix {
        let fix = &r["fixes"][0];
        let text = fix["description"]["text"].as_str().unwrap();
        assert!(text.contains("afe fix"), "{text}");
        let change = &fix["artifactChanges"][0];
        assert_eq!(change["artifactLocation"]["uri"], "client.js");
        for rep in change["replacements"].as_array().unwrap() {
            let region = &rep["deletedRegion"];
            for k in ["startLine", "startColumn", "endLine", "endColumn"] {
                assert!(region[k].as_u64().unwrap() >= 1, "{rep}");
            }
            assert!(rep["insertedContent"]["text"].is_string());
        }
    }
    // The WM002 fix copies the key into a header.
    assert!(sarif.to_string().contains("x-api-key"));
}

#[test]
fn paths_are_relative_uris_without_dot_slash_and_percent_encoded() {
    let dir = tree(&[("my dir/a b#.js", &keyed_js())]);
    for path in [".", "./", "./my dir"] {
        let sarif = check(dir.path(), "sarif", &[path]).json();
        assert_valid(&sarif);
        for r in results(&sarif) {
            let uri = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
            assert_eq!(uri, "my%20dir/a%20b%23.js", "{path}");
        }
        let gitlab = check(dir.path(), "gitlab", &[path]).json();
        for i in gitlab.as_array().unwrap() {
            assert_eq!(i["location"]["path"], "my dir/a b#.js", "{path}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Redaction

#[test]
fn secrets_are_redacted_in_sarif_and_gitlab() {
    let dir = tree(&[("client.js", &keyed_js())]);
    for format in ["sarif", "gitlab"] {
        let out = check(dir.path(), format, &["."]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        out.json();
        assert!(out.stdout.contains("9f86…"), "{format}: {}", out.stdout);
        assert!(
            !out.stdout.contains(KEY) && !out.stderr.contains(KEY),
            "{format} leaks the key:\n{}",
            out.stdout
        );
        // Not even a long piece of it.
        assert!(!out.stdout.contains(&KEY[..12]), "{format}");

        let shown = check(dir.path(), format, &["--show-secrets", "."]);
        assert!(shown.stdout.contains(KEY), "{format} with --show-secrets");
    }
}

#[test]
fn fingerprints_never_contain_the_key() {
    let dir = tree(&[("client.js", &keyed_js())]);
    let hidden = check(dir.path(), "sarif", &["."]).json();
    let shown = check(dir.path(), "sarif", &["--show-secrets", "."]).json();
    let a: Vec<String> = results(&hidden).iter().map(fingerprint).collect();
    let b: Vec<String> = results(&shown).iter().map(fingerprint).collect();
    assert_eq!(a, b, "fingerprints do not depend on --show-secrets");
    for f in &a {
        assert!(!f.contains(&KEY[..8]));
    }
    // Rotating the key keeps the identity of the finding.
    let other = tree(&[(
        "client.js",
        &keyed_js().replace(KEY, "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
    )]);
    let rotated = check(other.path(), "sarif", &["."]).json();
    let c: Vec<String> = results(&rotated).iter().map(fingerprint).collect();
    assert_eq!(a, c);
}

// ---------------------------------------------------------------------------------------------
// Fingerprints

fn sarif_prints(dir: &Path) -> Vec<(String, u64)> {
    let sarif = check(dir, "sarif", &["."]).json();
    results(&sarif)
        .iter()
        .map(|r| {
            let line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap();
            (fingerprint(r), line)
        })
        .collect()
}

fn gitlab_prints(dir: &Path) -> Vec<String> {
    check(dir, "gitlab", &["."])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn fingerprints_are_stable_across_runs_and_line_shifts() {
    let text = keyed_js();
    let dir = tree(&[("client.js", &text)]);
    let first = sarif_prints(dir.path());
    let gl_first = gitlab_prints(dir.path());
    assert!(!first.is_empty());
    assert_eq!(
        first,
        sarif_prints(dir.path()),
        "same input, same fingerprints"
    );
    assert_eq!(gl_first, gitlab_prints(dir.path()));

    std::fs::write(dir.path().join("client.js"), format!("\n{text}")).unwrap();
    let shifted = sarif_prints(dir.path());
    assert_eq!(first.len(), shifted.len());
    for ((a, line_a), (b, line_b)) in first.iter().zip(&shifted) {
        assert_eq!(a, b, "a blank line above the finding keeps its fingerprint");
        assert_eq!(line_a + 1, *line_b, "while its line moves");
    }
    assert_eq!(gl_first, gitlab_prints(dir.path()));
}

#[test]
fn identical_findings_get_distinct_fingerprints() {
    let line = "fetch('https://api.whispir.com/messages');\n";
    let dir = tree(&[("a.js", &format!("{line}{line}{line}")), ("b.js", line)]);
    let prints = gitlab_prints(dir.path());
    assert_eq!(prints.len(), 4);
    let unique: HashSet<&String> = prints.iter().collect();
    assert_eq!(unique.len(), 4, "{prints:?}");
    let sarif: Vec<String> = sarif_prints(dir.path()).into_iter().map(|p| p.0).collect();
    assert_eq!(sarif, prints, "SARIF and GitLab share the fingerprint");
}

// ---------------------------------------------------------------------------------------------
// GitLab

#[test]
fn gitlab_report_has_the_code_quality_fields() {
    let out = check(manifest_dir(), "gitlab", &["fixtures"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let issues = out.json();
    let issues = issues.as_array().expect("a JSON array");
    assert!(!issues.is_empty());
    let sarif = fixtures_sarif();
    let results = results(&sarif);
    assert_eq!(issues.len(), results.len());
    let mut seen = HashSet::new();
    for (i, r) in issues.iter().zip(results) {
        let code = i["check_name"].as_str().expect("check_name");
        assert!(code.starts_with("WM"), "{i}");
        assert_eq!(code, r["ruleId"]);
        let description = i["description"].as_str().expect("description");
        assert!(description.starts_with(&format!("{code} ")), "{i}");
        let severity = i["severity"].as_str().expect("severity");
        let expected = match r["level"].as_str() {
            Some("error") => "major",
            Some("note") => "info",
            _ => "minor",
        };
        assert_eq!(severity, expected, "{i}");
        let fp = i["fingerprint"].as_str().expect("fingerprint");
        assert!(!fp.is_empty());
        assert!(seen.insert(fp.to_string()), "duplicate fingerprint {fp}");
        let path = i["location"]["path"].as_str().expect("location.path");
        assert!(
            path.starts_with("fixtures/") && !path.starts_with("./"),
            "{i}"
        );
        let begin = i["location"]["lines"]["begin"]
            .as_u64()
            .expect("lines.begin");
        let end = i["location"]["lines"]["end"].as_u64().expect("lines.end");
        assert!(begin >= 1 && end >= begin, "{i}");
        assert_eq!(
            begin,
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
        );
    }
}

#[test]
fn empty_outputs_are_still_valid() {
    let dir = tree(&[("ok.js", "fetch('https://api.au.whispir.com/messages');\n")]);
    let sarif = check(dir.path(), "sarif", &["."]);
    assert_eq!(sarif.code, 0, "{}", sarif.stderr);
    let sarif = sarif.json();
    assert_valid(&sarif);
    assert!(results(&sarif).is_empty());
    assert_eq!(
        run0(&sarif)["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let gitlab = check(dir.path(), "gitlab", &["."]);
    assert_eq!(gitlab.json(), Value::Array(vec![]));
}

#[test]
fn scan_errors_become_notifications() {
    let dir = tree(&[("client.js", &keyed_js())]);
    let out = check(dir.path(), "sarif", &[".", "missing.js"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let sarif = out.json();
    assert_valid(&sarif);
    let invocation = &run0(&sarif)["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert!(notes.iter().any(|n| {
        n["message"]["text"]
            .as_str()
            .unwrap()
            .contains("missing.js")
    }));
}

/// A finding whose value is defined in another file names the definition as a related
/// location (a relative URI, its region, and what the value is), and the document stays valid.
#[test]
fn cross_file_findings_carry_their_definition_as_a_related_location() {
    let out = check(manifest_dir(), "sarif", &["fixtures/cross-file"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let sarif = out.json();
    assert_valid(&sarif);
    let mut lines = Vec::new();
    for r in results(&sarif) {
        let Some(related) = r["relatedLocations"].as_array() else {
            continue;
        };
        let at = &r["locations"][0]["physicalLocation"];
        for rel in related {
            let p = &rel["physicalLocation"];
            lines.push(format!(
                "{} {}:{}:{} -> {}:{}:{}-{} (id {}) {}",
                r["ruleId"].as_str().unwrap(),
                at["artifactLocation"]["uri"].as_str().unwrap(),
                at["region"]["startLine"],
                at["region"]["startColumn"],
                p["artifactLocation"]["uri"].as_str().unwrap(),
                p["region"]["startLine"],
                p["region"]["startColumn"],
                p["region"]["endColumn"],
                rel["id"],
                rel["message"]["text"].as_str().unwrap(),
            ));
        }
    }
    insta::assert_snapshot!(lines.join("\n"));
}
