use super::*;
use crate::crossfile::{Index, uses as uses_in};
use crate::engine::check_file_collecting;
use std::path::PathBuf;

/// The scan of `files` as the run makes it (each file's findings, then the uses of the
/// bindings in the others), then the fixes across them: each changed file's new text.
fn fixed(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    let settings = Settings::with_region(Some("au"));
    let sources: Vec<SourceFile> = files
        .iter()
        .map(|(p, t)| SourceFile::new(p.to_string(), PathBuf::from(p), t.as_bytes().to_vec()))
        .collect();
    let mut bindings = Vec::new();
    let mut diagnostics: Vec<Vec<Diagnostic>> = sources
        .iter()
        .map(|f| {
            check_file_collecting(f.clone(), &settings, Some(&mut bindings))
                .map_or_else(Vec::new, |r| r.diagnostics)
        })
        .collect();
    let index = Index::new(&bindings).expect("the files bind legacy values");
    for (f, d) in sources.iter().zip(diagnostics.iter_mut()) {
        let lang = crate::lang::for_file_name(&f.file_name());
        let tokens = lang.tokenize(&f.bytes);
        let found = uses_in(f, lang, &tokens, &index, settings.rules.region, d);
        d.extend(found);
        d.sort_by_key(|d| (d.span.start, d.code, d.span.end));
    }
    let current: Vec<Current> = sources
        .iter()
        .zip(&diagnostics)
        .map(|(file, diagnostics)| Current {
            file,
            text: &file.bytes,
            diagnostics,
            usable: true,
        })
        .collect();
    plan(&current, &settings, &|_, _| Some(Vec::new()))
        .into_iter()
        .filter(|c| !c.edits.is_empty())
        .map(|c| {
            let fix = Fix {
                applicability: Applicability::Unsafe,
                message: "".into(),
                edits: c.edits.into(),
            };
            let text = crate::diagnostic::apply(&sources[c.file].bytes, &[&fix]).0;
            (
                files[c.file].0.to_string(),
                String::from_utf8(text).unwrap(),
            )
        })
        .collect()
}

const CONSTANTS: &str = r#"package a;

public final class WhispirConstants {
    public static final String BASE_URL = "https://api.whispir.com";
    public static final String QUERY_PREFIX = "?apikey=";
}
"#;

const SENDER: &str = r#"package a;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

public class Sender {
    private final HttpClient http = HttpClient.newHttpClient();

    public int send(String key) throws Exception {
        String url = WhispirConstants.BASE_URL + "/messages" + WhispirConstants.QUERY_PREFIX + key;
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
"#;

#[test]
fn a_request_built_from_another_files_constants_moves_with_them() {
    let fixed = fixed(&[
        ("a/WhispirConstants.java", CONSTANTS),
        ("a/Sender.java", SENDER),
    ]);
    assert_eq!(
        fixed["a/WhispirConstants.java"],
        CONSTANTS
            .replace("api.whispir.com", "api.au.whispir.com")
            .replace("\"?apikey=\"", "\"\"")
    );
    assert_eq!(
        fixed["a/Sender.java"],
        SENDER
            .replace(" + WhispirConstants.QUERY_PREFIX + key", "")
            .replace(
                "newBuilder(URI.create(url))",
                "newBuilder(URI.create(url)).header(\"x-api-key\", key)"
            )
    );
}

#[test]
fn one_use_that_cannot_be_fixed_leaves_every_file_as_it_was() {
    // Sent by a client the fixer does not know: no place for the header.
    let other = "package a;\n\nclass Other {\n    private final Legacy legacy = new Legacy();\n\n    \
                 int send(String key) {\n        \
                 String url = WhispirConstants.BASE_URL + \"/events\" + WhispirConstants.QUERY_PREFIX + key;\n        \
                 return legacy.call(url);\n    }\n}\n";
    assert_nothing_moves_beside(other);
}

/// The constants and their sender, with `other` beside them: no file changes.
fn assert_nothing_moves_beside(other: &str) {
    let fixed = fixed(&[
        ("a/WhispirConstants.java", CONSTANTS),
        ("a/Sender.java", SENDER),
        ("a/Other.java", other),
    ]);
    assert!(fixed.is_empty(), "{fixed:?}");
}

#[test]
fn a_bare_mention_the_scan_did_not_connect_leaves_every_file_as_it_was() {
    // A static import used outside a request: the scan cannot vouch for what it builds.
    let other = "package a;\n\nimport static a.WhispirConstants.QUERY_PREFIX;\n\n\
                 class Other {\n    String suffix() {\n        return QUERY_PREFIX;\n    }\n}\n";
    assert_nothing_moves_beside(other);
}

#[test]
fn a_constants_file_that_still_sends_a_key_itself_keeps_its_constants() {
    let own_request = CONSTANTS.replace(
        "}\n",
        "    public static final String OTHER = \"https://api.whispir.com/events?apikey=\" + System.getenv(\"K\");\n}\n",
    );
    let fixed_with_own = fixed(&[
        ("a/WhispirConstants.java", &own_request),
        ("a/Sender.java", SENDER),
    ]);
    assert!(fixed_with_own.is_empty(), "{fixed_with_own:?}");
    // In a comment, the same URL is no request.
    let in_comment = CONSTANTS.replace(
        "public final class",
        "/** Was {@code https://api.whispir.com/messages?apikey=KEY}. */\npublic final class",
    );
    let fixed_with_comment = fixed(&[
        ("a/WhispirConstants.java", &in_comment),
        ("a/Sender.java", SENDER),
    ]);
    assert_eq!(fixed_with_comment.len(), 2, "{fixed_with_comment:?}");
}

#[test]
fn a_commonjs_module_exports_its_constants_and_they_move_with_the_request() {
    let config = "// Whispir client configuration.\nconst WHISPIR_BASE = 'https://api.whispir.com';\n\n\
                  module.exports = {\n  WHISPIR_BASE,\n  KEY_SUFFIX: '&apikey=',\n};\n";
    let notify = "const request = require('request');\nconst { WHISPIR_BASE } = require('./config');\n\
                  const config = require('./config');\n\nfunction contacts(key, cb) {\n  \
                  request.get(WHISPIR_BASE + '/contacts?limit=20' + config.KEY_SUFFIX + key, cb);\n}\n";
    let fixed = fixed(&[("lib/config.js", config), ("lib/notify.js", notify)]);
    assert_eq!(
        fixed["lib/config.js"],
        config
            .replace("api.whispir.com", "api.au.whispir.com")
            .replace("'&apikey='", "''")
    );
    assert_eq!(
        fixed["lib/notify.js"],
        notify.replace(
            "WHISPIR_BASE + '/contacts?limit=20' + config.KEY_SUFFIX + key",
            "{ url: WHISPIR_BASE + '/contacts?limit=20', headers: { 'x-api-key': key } }"
        )
    );
}

#[test]
fn a_use_inside_an_interpolated_string_keeps_its_string() {
    let config = "module Whispir\n  API_BASE = \"https://api.whispir.com\".freeze\nend\n";
    let client = "require \"httparty\"\n\nmodule Whispir\n  class Client\n    def send_message(key, body)\n      \
                  HTTParty.post(\"#{Whispir::API_BASE}/messages\", body: body, headers: { \"x-api-key\" => key })\n    \
                  end\n  end\nend\n";
    let fixed = fixed(&[("lib/config.rb", config), ("lib/client.rb", client)]);
    // The request already sends the header: only the constant changes.
    assert_eq!(
        fixed.keys().collect::<Vec<_>>(),
        ["lib/config.rb"],
        "{fixed:?}"
    );
    assert_eq!(
        fixed["lib/config.rb"],
        config.replace("api.whispir.com", "api.au.whispir.com")
    );
}

#[test]
fn a_literal_is_found_again_in_an_edit_that_rewrote_the_expression_around_it() {
    // `request.get(BASE + '/contacts' + SUFFIX + key, cb)` once inlined: the fixer wraps the
    // URL in an options object, the base's literal moved inside it and the suffix gone.
    let src = b"get(C.BASE + '/c' + C.SUFFIX + key, cb)";
    let v = b"get('https://api.whispir.com' + '/c' + '&apikey=' + key, cb)";
    let inlined = [
        Inlined {
            at: 4..29,
            written: 4..10,
            uses: vec![0],
            string: None,
            map: None,
        },
        Inlined {
            at: 39..49,
            written: 20..28,
            uses: vec![1],
            string: None,
            map: None,
        },
    ];
    let uses = [
        Use {
            file: 0,
            span: 4..10,
            code: RuleCode::WM001,
            binding: 0,
        },
        Use {
            file: 0,
            span: 20..28,
            code: RuleCode::WM002,
            binding: 1,
        },
    ];
    let wrap = Edit::replace(
        4..55,
        "{ url: 'https://api.au.whispir.com' + '/c', headers: { 'x-api-key': key } }",
    );
    let (edits, wants) = map_back(
        src,
        v,
        &inlined,
        &[&wrap],
        &uses,
        Some(Region::Au),
        RequestStyle::Jvm,
    )
    .expect("mapped");
    assert_eq!(
        edits,
        [Edit::replace(
            4..34,
            "{ url: C.BASE + '/c', headers: { 'x-api-key': key } }"
        )]
    );
    assert_eq!(
        wants[&0],
        Wants::Value(b"'https://api.au.whispir.com'".to_vec())
    );
    assert_eq!(wants[&1], Wants::Gone);
    // An edit that keeps the key parameter somewhere cannot have dropped the suffix.
    let kept = Edit::replace(
        4..55,
        "{ url: 'https://api.au.whispir.com' + '/c&apikey=' }",
    );
    assert!(
        map_back(
            src,
            v,
            &inlined,
            &[&kept],
            &uses,
            Some(Region::Au),
            RequestStyle::Jvm
        )
        .is_none()
    );
    // A host literal that is not found again (folded into another) cannot be written back.
    let folded = Edit::replace(4..55, "'https://api.au.whispir.com/c', { headers: {} }");
    assert!(
        map_back(
            src,
            v,
            &inlined,
            &[&folded],
            &uses,
            Some(Region::Au),
            RequestStyle::Jvm
        )
        .is_none()
    );
}

#[test]
fn nothing_of_an_interpolated_string_but_the_literal_may_change() {
    // `f"{settings.BASE}/m"` inlined as `f"{'https://api.whispir.com'}/m"`.
    let src = b"get(f\"{settings.BASE}/m\")";
    let v = b"get(f\"{'https://api.whispir.com'}/m\")";
    let inlined = [Inlined {
        at: 7..32,
        written: 7..20,
        uses: vec![0],
        string: Some(4..37),
        map: None,
    }];
    let uses = [Use {
        file: 0,
        span: 7..20,
        code: RuleCode::WM001,
        binding: 0,
    }];
    let host = Edit::replace(16..31, "api.au.whispir.com");
    assert!(
        map_back(
            src,
            v,
            &inlined,
            &[&host],
            &uses,
            Some(Region::Au),
            RequestStyle::Jvm
        )
        .is_some()
    );
    // Dropping the `f` would drop it from the file's string, which still interpolates.
    let prefix = Edit::delete(4..5);
    assert!(
        map_back(
            src,
            v,
            &inlined,
            &[&prefix, &host],
            &uses,
            Some(Region::Au),
            RequestStyle::Jvm
        )
        .is_none()
    );
}

#[test]
fn the_key_parameter_is_stripped_from_the_end_of_a_literal_only() {
    assert_eq!(strip_key(b"\"?apikey=\""), Some(b"\"\"".to_vec()));
    assert_eq!(
        strip_key(b"'https://h/m?a=1&APIKEY='"),
        Some(b"'https://h/m?a=1'".to_vec())
    );
    assert_eq!(strip_key(b"\"?apikey=&a=1\""), None);
    assert_eq!(strip_key(b"\"?myapikey=\""), None);
    assert_eq!(
        move_host(b"\"http://API.whispir.com/m\"", Region::Au),
        Some(b"\"https://api.au.whispir.com/m\"".to_vec())
    );
}

const PY_SETTINGS: &str = r#"import os

WHISPIR_API_KEY = os.environ["WHISPIR_API_KEY"]
WHISPIR_PARAMS = {"apikey": WHISPIR_API_KEY}
"#;

#[test]
fn a_params_map_from_another_module_leaves_it_and_its_key_is_read_through_the_module() {
    let client = r#"import requests

from app import settings
from app.settings import WHISPIR_PARAMS


def send(body):
    return requests.post("https://api.au.whispir.com/messages", json=body, params=WHISPIR_PARAMS)


def contacts():
    return requests.get("https://api.au.whispir.com/contacts", params={**settings.WHISPIR_PARAMS, "limit": 20})
"#;
    let fixed = fixed(&[("app/settings.py", PY_SETTINGS), ("app/client.py", client)]);
    assert_eq!(
        fixed["app/settings.py"],
        PY_SETTINGS.replace(r#"{"apikey": WHISPIR_API_KEY}"#, "{}")
    );
    assert_eq!(
        fixed["app/client.py"],
        client
            .replace(
                "json=body, params=WHISPIR_PARAMS)",
                r#"json=body, headers={"x-api-key": settings.WHISPIR_API_KEY})"#
            )
            .replace(
                r#"params={**settings.WHISPIR_PARAMS, "limit": 20})"#,
                r#"params={"limit": 20}, headers={"x-api-key": settings.WHISPIR_API_KEY})"#
            )
    );
}

#[test]
fn a_params_map_whose_key_the_using_file_cannot_name_stays() {
    // `settings` is not imported under that name: `WHISPIR_API_KEY` has no spelling here.
    let client = "import requests\nfrom app.settings import WHISPIR_PARAMS\n\n\ndef send(body):\n    \
                  return requests.post(\"https://api.au.whispir.com/messages\", json=body, params=WHISPIR_PARAMS)\n";
    assert!(fixed(&[("app/settings.py", PY_SETTINGS), ("app/client.py", client)]).is_empty());
}

#[test]
fn a_params_map_with_more_than_the_key_keeps_the_rest_where_it_is_defined() {
    let settings = PY_SETTINGS.replace(
        r#"{"apikey": WHISPIR_API_KEY}"#,
        r#"{"apikey": WHISPIR_API_KEY, "format": "json"}"#,
    );
    let client = "import requests\nfrom app import settings\n\n\ndef send(body):\n    \
                  return requests.post(\"https://api.au.whispir.com/messages\", json=body, params=settings.WHISPIR_PARAMS)\n";
    let fixed = fixed(&[("app/settings.py", &settings), ("app/client.py", client)]);
    assert_eq!(
        fixed["app/settings.py"],
        PY_SETTINGS.replace(r#"{"apikey": WHISPIR_API_KEY}"#, r#"{"format": "json"}"#)
    );
    assert_eq!(
        fixed["app/client.py"],
        client.replace(
            "params=settings.WHISPIR_PARAMS)",
            r#"params=settings.WHISPIR_PARAMS, headers={"x-api-key": settings.WHISPIR_API_KEY})"#
        )
    );
    // Spread into a request's own dict, its other entries would join that dict: it stays.
    let spread = client.replace(
        "params=settings.WHISPIR_PARAMS)",
        r#"params={**settings.WHISPIR_PARAMS, "limit": 5})"#,
    );
    assert!(fixed_is_empty(&[
        ("app/settings.py", &settings),
        ("app/client.py", &spread)
    ]));
}

fn fixed_is_empty(files: &[(&str, &str)]) -> bool {
    fixed(files).is_empty()
}

#[test]
fn a_javascript_query_object_from_a_config_module_moves_into_the_headers() {
    let config = "const WHISPIR_QUERY = { apikey: process.env.WHISPIR_API_KEY };\n\
                  module.exports = { WHISPIR_QUERY };\n";
    let notify = "const request = require('request');\n\
                  const { WHISPIR_QUERY } = require('./config');\n\n\
                  function send(body, cb) {\n  \
                  request.post({\n    url: 'https://api.au.whispir.com/messages',\n    \
                  qs: WHISPIR_QUERY,\n    json: body,\n  }, cb);\n}\n\n\
                  function show() {\n  console.log('Whispir query keys: ' + Object.keys(WHISPIR_QUERY));\n}\n";
    let fixed_files = fixed(&[("lib/config.js", config), ("lib/notify.js", notify)]);
    assert_eq!(
        fixed_files["lib/config.js"],
        config.replace("{ apikey: process.env.WHISPIR_API_KEY }", "{}")
    );
    assert!(
        fixed_files["lib/notify.js"].contains(
            "request.post({\n    headers: { 'x-api-key': process.env.WHISPIR_API_KEY },\n    url:"
        ) && !fixed_files["lib/notify.js"].contains("qs:"),
        "{}",
        fixed_files["lib/notify.js"]
    );
    // The bare read in `show` is one the scan judged no request. In a file that still sends
    // a key in a query it might feed that request through a variable: nothing moves.
    let leaky = notify.replace(
        "function show() {",
        "function legacy(k) {\n  return post('https://api.whispir.com/m?apikey=' + k);\n}\n\nfunction show() {",
    );
    assert!(fixed(&[("lib/config.js", config), ("lib/notify.js", &leaky)]).is_empty());
}

#[test]
fn only_code_of_the_same_family_can_read_a_binding() {
    use crate::lang::RequestStyle::*;
    assert!(can_read(Python, Python));
    assert!(can_read(Code, Python), "a template may read it");
    for other in [Config, Json, Document, Shell, JavaScript] {
        assert!(!can_read(other, Python), "{other:?}");
    }
}
