//! Recorded HTTP traffic: each recorded request is migrated as one fix (host, `apikey`
//! parameter, `x-api-key` header), recorded responses are one note per file and never
//! rewritten, and every fixed recording still parses.

use std::path::Path;
use std::process::Command;

fn copy_fixtures(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/recorded");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn run(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_whispir-migrate"))
        .current_dir(cwd)
        .args(args)
        .args(["--no-config", "--color", "never"])
        .env_remove("WHISPIR_REGION")
        .output()
        .expect("runs")
}

/// The recordings of the fixture folder, parsed: (path, document).
fn parsed(root: &Path) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = path.to_string_lossy().into_owned();
        let bytes = match path.extension().and_then(|e| e.to_str()) {
            Some("json" | "har" | "yml" | "yaml") => std::fs::read(path).unwrap(),
            _ => continue,
        };
        let doc: serde_json::Value = if name.ends_with(".yml") || name.ends_with(".yaml") {
            serde_yaml::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        out.push((
            name.trim_start_matches(&*root.to_string_lossy())
                .to_string(),
            doc,
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every (request, response) pair of a VCR cassette, HAR file or WireMock mapping.
fn interactions(doc: &serde_json::Value) -> Vec<(&serde_json::Value, &serde_json::Value)> {
    let list = doc
        .get("http_interactions")
        .or_else(|| doc.get("interactions"))
        .or_else(|| doc.pointer("/log/entries"))
        .or_else(|| doc.get("mappings"))
        .and_then(|l| l.as_array())
        .map(|l| l.iter().collect::<Vec<_>>())
        .unwrap_or_else(|| vec![doc]);
    list.into_iter()
        .map(|i| (&i["request"], &i["response"]))
        .collect()
}

fn lower(v: &serde_json::Value) -> String {
    v.to_string().to_ascii_lowercase()
}

/// Where a recorded request sends the key: its URL's query, a HAR `queryString` entry, a
/// WireMock `queryParameters` member.
fn key_in_query(request: &serde_json::Value) -> bool {
    let url = ["uri", "url", "urlPattern"]
        .iter()
        .filter_map(|k| request[*k].as_str())
        .any(|u| u.to_ascii_lowercase().contains("apikey="));
    let har = request["queryString"]
        .as_array()
        .is_some_and(|q| q.iter().any(|e| lower(&e["name"]) == "\"apikey\""));
    let wiremock = request["queryParameters"]
        .as_object()
        .is_some_and(|q| q.keys().any(|k| k.eq_ignore_ascii_case("apikey")));
    url || har || wiremock
}

/// Whether a recorded request records an `x-api-key` header, in its format's shape.
fn records_header(request: &serde_json::Value) -> bool {
    match &request["headers"] {
        serde_json::Value::Object(m) => m.keys().any(|k| k.eq_ignore_ascii_case("x-api-key")),
        serde_json::Value::Array(a) => a.iter().any(|h| lower(&h["name"]) == "\"x-api-key\""),
        _ => false,
    }
}

#[test]
fn recorded_requests_are_migrated_and_responses_never_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixtures(dir.path());
    let before = parsed(dir.path());
    let out = run(dir.path(), &["fix", ".", "--region", "au", "--allow-dirty"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "notes and hard-coded keys remain: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = parsed(dir.path());
    assert_eq!(before.len(), after.len());
    let mut migrated = 0;
    for ((path, old), (_, new)) in before.iter().zip(&after) {
        let (old, new) = (interactions(old), interactions(new));
        assert_eq!(old.len(), new.len(), "{path}");
        for ((old_req, old_resp), (new_req, new_resp)) in old.iter().zip(&new) {
            assert_eq!(
                old_resp, new_resp,
                "{path}: a recorded response was rewritten"
            );
            assert!(
                !key_in_query(new_req),
                "{path}: the key stayed in the query: {new_req}"
            );
            if key_in_query(old_req) {
                assert!(records_header(new_req), "{path}: no header: {new_req}");
                migrated += 1;
            }
            assert!(
                !lower(new_req).contains("api.whispir.com"),
                "{path}: a request still goes to the retired gateway: {new_req}"
            );
        }
    }
    assert_eq!(
        migrated, 13,
        "recorded requests that sent the key in the query"
    );

    // Nothing left to fix; each file with legacy responses is one note; the literal keys
    // that moved into headers are still reported.
    let out = run(
        dir.path(),
        &["check", ".", "--region", "au", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut notes = std::collections::BTreeMap::<String, usize>::new();
    let mut keys = 0;
    for d in report["diagnostics"].as_array().unwrap() {
        assert!(d["fix"].is_null(), "a fix left after fix: {d}");
        match (d["code"].as_str(), d["severity"].as_str()) {
            (_, Some("note")) => {
                *notes
                    .entry(d["path"].as_str().unwrap().to_string())
                    .or_default() += 1
            }
            (Some("WM003"), _) => keys += 1,
            _ => panic!("left after fix: {d}"),
        }
    }
    assert_eq!(notes.len(), 9, "{notes:?}");
    assert!(notes.values().all(|&n| n == 1), "{notes:?}");
    assert_eq!(keys, 3, "the literal keys, now in headers");
}

#[test]
fn without_a_region_recorded_requests_to_the_retired_gateway_stay() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixtures(dir.path());
    let out = run(dir.path(), &["check", ".", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for d in report["diagnostics"].as_array().unwrap() {
        if d["code"] == "WM001" && d["severity"] == "error" {
            assert!(d["fix"].is_null(), "{d}");
            assert!(d["help"].as_str().unwrap().contains("`--region`"), "{d}");
        }
    }
}

#[test]
fn a_crlf_cassette_keeps_its_line_ends_and_an_encoded_key_stays_manual() {
    let dir = tempfile::tempdir().unwrap();
    let cassette = "interactions:\r\n- request:\r\n    headers: {}\r\n    method: GET\r\n    uri: https://api.whispir.com/m?apikey=<WHISPIR_API_KEY>\r\n  response:\r\n    status: {code: 200}\r\n- request:\r\n    method: GET\r\n    uri: \"https://api.au.whispir.com/m?apikey=a%2Bb\"\r\n  response:\r\n    status: {code: 200}\r\nversion: 1\r\n";
    let path = dir.path().join("cassette.yaml");
    std::fs::write(&path, cassette).unwrap();
    let out = run(dir.path(), &["fix", ".", "--region", "au", "--allow-dirty"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        cassette
            .replace(
                "    headers: {}\r\n",
                "    headers:\r\n      x-api-key:\r\n      - \"<WHISPIR_API_KEY>\"\r\n"
            )
            .replace(
                "https://api.whispir.com/m?apikey=<WHISPIR_API_KEY>",
                "https://api.au.whispir.com/m"
            )
    );
    let report: serde_json::Value =
        serde_json::from_slice(&run(dir.path(), &["check", ".", "--format", "json"]).stdout)
            .unwrap();
    let left = &report["diagnostics"][0];
    assert_eq!(left["code"], "WM002", "{report}");
    assert!(
        left["help"].as_str().unwrap().contains("percent-encoded"),
        "{left}"
    );
}

#[test]
fn a_wiremock_url_pattern_loses_its_key_only_when_the_parameter_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = |pattern: &str| {
        format!(
            "{{\n  \"request\": {{\n    \"method\": \"GET\",\n    \"urlPattern\": \"{pattern}\",\n    \"headers\": {{ \"Accept\": {{ \"equalTo\": \"application/vnd.whispir.message-v1+json\" }} }}\n  }},\n  \"response\": {{ \"status\": 200 }}\n}}\n"
        )
    };
    let ends = mapping(r"/messages/.*\\?apikey=[0-9a-f]{32}");
    let goes_on = mapping(r"/messages\\?apikey=[^&]+&limit=[0-9]+");
    std::fs::write(dir.path().join("ends.json"), &ends).unwrap();
    std::fs::write(dir.path().join("goes-on.json"), &goes_on).unwrap();
    let out = run(
        dir.path(),
        &["check", ".", "--region", "au", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["path"].as_str().unwrap(),
                d["code"].as_str().unwrap()
            )
        })
        .collect();
    // The value is a pattern the key must match, not a hard-coded key (no WM003).
    assert_eq!(codes, ["./ends.json WM002", "./goes-on.json WM002"]);
    run(dir.path(), &["fix", ".", "--region", "au", "--allow-dirty"]);
    let fixed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("ends.json")).unwrap()).unwrap();
    assert_eq!(fixed["request"]["urlPattern"], r"/messages/.*");
    assert_eq!(
        fixed["request"]["headers"]["X-Api-Key"]["matches"], "[0-9a-f]{32}",
        "{fixed}"
    );
    // The pattern goes on after the parameter: left for a person.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("goes-on.json")).unwrap(),
        goes_on
    );
}
