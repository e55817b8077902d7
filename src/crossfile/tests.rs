use super::*;
use crate::engine::{Settings, check_file_collecting};
use crate::lang::for_file_name;
use crate::rules::RuleContext;
use std::path::PathBuf;

fn settings() -> Settings {
    Settings {
        rules: RuleContext {
            region: None,
            base_urls: None,
            closed_builders: None,
        },
        ignored: Vec::new(),
        per_file_ignores: Vec::new(),
        config_root: None,
    }
}

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile::new(path.into(), PathBuf::from(path), text.as_bytes().to_vec())
}

/// Pass 1 on one file: `(qualifier.name, carries, shown)` of each binding.
fn bindings_of(path: &str, text: &str) -> Vec<Binding> {
    let mut out = Vec::new();
    check_file_collecting(file(path, text), &settings(), Some(&mut out));
    out
}

fn described(bindings: &[Binding]) -> Vec<String> {
    let mut d: Vec<String> = bindings
        .iter()
        .map(|b| format!("{}.{} {:?} {}", b.qualifier, b.name, b.carries, b.shown))
        .collect();
    d.sort();
    d
}

/// Pass 2 on one file: its findings.
fn findings_of(bindings: &[Binding], path: &str, text: &str) -> Vec<Diagnostic> {
    let f = file(path, text);
    let lang = for_file_name(path);
    let tokens = lang.tokenize(&f.bytes);
    let index = Index::new(bindings).expect("bindings");
    uses(&f, lang, &tokens, &index, None, &[])
}

/// Pass 2 on one file: `CODE text-of-the-use` for each finding.
fn uses_of(bindings: &[Binding], path: &str, text: &str) -> Vec<String> {
    findings_of(bindings, path, text)
        .into_iter()
        .map(|d| format!("{} {}", d.code, &text[d.span.clone()]))
        .collect()
}

const JAVA_CONSTANTS: &str = r#"package a;
public final class WhispirConstants {
    public static final String BASE_URL = "https://api.whispir.com";
    public static final String QUERY_PREFIX = "?apikey=";
    public static final String WITH_KEY = "https://api.whispir.com/messages?apikey=s3cr3tK3yValue123";
    public String local() {
        String inner = "https://api.whispir.com/local";
        return inner;
    }
}
"#;

#[test]
fn class_constants_are_bindings_and_locals_are_not() {
    assert_eq!(
        described(&bindings_of("WhispirConstants.java", JAVA_CONSTANTS)),
        [
            "WhispirConstants.BASE_URL LegacyHost `https://api.whispir.com`",
            "WhispirConstants.QUERY_PREFIX QueryKey `?apikey=`",
            "WhispirConstants.WITH_KEY LegacyHost `https://api.whispir.com`",
            // The value shown is the parameter name, never the key.
            "WhispirConstants.WITH_KEY QueryKey `?apikey=`",
        ]
    );
}

#[test]
fn module_variables_maps_and_exports_are_bindings() {
    let py = "WHISPIR = 1\nBASE = 'https://api.whispir.com'\nPARAMS = {'apikey': KEY}\n\
              def f():\n    url = 'https://api.whispir.com/x'\n\nclass Endpoints:\n    SEND = 'https://api.whispir.com/messages'\n";
    assert_eq!(
        described(&bindings_of("app/settings.py", py)),
        [
            "Endpoints.SEND LegacyHost `https://api.whispir.com`",
            "settings.BASE LegacyHost `https://api.whispir.com`",
            "settings.PARAMS ParamsMap a params map with an `apikey` entry",
        ]
    );
    let js = "const BASE = 'https://api.whispir.com';\nfunction f() { const inner = 'https://api.whispir.com/x'; }\nmodule.exports = { BASE, SUFFIX: '&apikey=' };\n";
    assert_eq!(
        described(&bindings_of("lib/index.js", js)),
        [
            "lib.BASE LegacyHost `https://api.whispir.com`",
            "lib.SUFFIX QueryKey `&apikey=`",
        ]
    );
    let go = "package whispir\nconst (\n\tBaseURL = \"https://api.whispir.com\"\n\tinner = \"https://api.whispir.com\"\n)\nfunc f() { u := \"https://api.whispir.com\" }\n";
    assert_eq!(
        described(&bindings_of("whispir/endpoints.go", go)),
        ["whispir.BaseURL LegacyHost `https://api.whispir.com`"]
    );
}

#[test]
fn a_suppressed_definition_is_not_followed() {
    let text = "class C {\n  // whispir-migrate: ignore\n  static final String BASE = \"https://api.whispir.com\";\n}\n";
    assert!(bindings_of("C.java", text).is_empty());
}

#[test]
fn uses_in_requests_are_found_by_qualified_or_imported_name() {
    let b = bindings_of("WhispirConstants.java", JAVA_CONSTANTS);
    let sender = r#"import static a.WhispirConstants.QUERY_PREFIX;
class Sender {
    void send(String key) {
        LOG.info("gateway " + WhispirConstants.BASE_URL);
        String url = WhispirConstants.BASE_URL + "/messages" + QUERY_PREFIX + key;
        String other = MailConstants.BASE_URL + "/send" + MailConstants.QUERY_PREFIX + key;
        String f = String.format("%s/contacts%s%s", WhispirConstants.BASE_URL, QUERY_PREFIX, key);
        String g = String.format("gateway %s", WhispirConstants.BASE_URL);
        System.out.println(QUERY_PREFIX);
    }
}
"#;
    assert_eq!(
        uses_of(&b, "Sender.java", sender),
        [
            "WM001 WhispirConstants.BASE_URL",
            "WM002 QUERY_PREFIX",
            "WM001 WhispirConstants.BASE_URL",
            "WM002 QUERY_PREFIX",
        ]
    );
}

#[test]
fn a_bare_name_needs_an_import_from_its_qualifier() {
    let b = bindings_of("WhispirConstants.java", JAVA_CONSTANTS);
    let not_imported =
        "class S { String u(String k) { return BASE_URL + \"/messages\" + QUERY_PREFIX + k; } }\n";
    assert!(uses_of(&b, "S.java", not_imported).is_empty());
    let star = format!("import static a.WhispirConstants.*;\n{not_imported}");
    assert_eq!(
        uses_of(&b, "S.java", &star),
        ["WM001 BASE_URL", "WM002 QUERY_PREFIX"]
    );
}

#[test]
fn python_and_javascript_imports_params_and_interpolation() {
    let b = bindings_of(
        "app/settings.py",
        "BASE = 'https://api.whispir.com'\nPARAMS = {'apikey': KEY}\n",
    );
    let client = "from app.settings import PARAMS\nfrom app import settings\n\
                  r = requests.get(f'{settings.BASE}/messages', params=PARAMS)\n\
                  s = requests.get(settings.BASE + '/x', params={**settings.PARAMS, 'n': 1})\n\
                  log.info(f'using {settings.BASE}')\nconfig = {'PARAMS': 1}\n";
    assert_eq!(
        uses_of(&b, "app/client.py", client),
        [
            "WM001 settings.BASE",
            "WM002 PARAMS",
            "WM001 settings.BASE",
            "WM002 settings.PARAMS",
        ]
    );
    let b = bindings_of(
        "lib/config.js",
        "const BASE = 'https://api.whispir.com';\nconst DEFAULT_QUERY = { apikey: k };\nmodule.exports = { BASE, DEFAULT_QUERY };\n",
    );
    let consumer = "const { BASE, DEFAULT_QUERY } = require('./config');\n\
                    request({ url: `${BASE}/messages`, qs: DEFAULT_QUERY });\n\
                    console.log('base ' + BASE);\n";
    assert_eq!(
        uses_of(&b, "lib/notify.js", consumer),
        ["WM001 BASE", "WM002 DEFAULT_QUERY"]
    );
}

#[test]
fn uses_in_the_defining_file_are_left_to_the_per_file_analysis() {
    let b = bindings_of("WhispirConstants.java", JAVA_CONSTANTS);
    let same =
        format!("{JAVA_CONSTANTS}\nclass X {{ String u = WhispirConstants.BASE_URL + \"/m\"; }}\n");
    assert!(uses_of(&b, "WhispirConstants.java", &same).is_empty());
}

#[test]
fn dotenv_settings_are_followed_to_environment_reads() {
    let env = "# settings\nexport WHISPIR_URL=https://api.whispir.com/messages?apikey=${KEY}\nPORT=80\nNOTE=see https://api.whispir.com\n";
    let b = bindings_of(".env", env);
    assert_eq!(
        described(&b),
        [
            "env.NOTE LegacyHost `https://api.whispir.com`",
            "env.WHISPIR_URL LegacyHost `https://api.whispir.com`",
            "env.WHISPIR_URL QueryKey `?apikey=`",
        ]
    );
    let b: Vec<Binding> = b.into_iter().filter(|b| b.name == "WHISPIR_URL").collect();
    let js =
        "fetch(process.env.WHISPIR_URL + key);\nconsole.log('url ' + process.env.WHISPIR_URL);\n";
    assert_eq!(
        uses_of(&b, "a.js", js),
        [
            "WM001 process.env.WHISPIR_URL",
            "WM002 process.env.WHISPIR_URL"
        ]
    );
    let py =
        "r = requests.get(os.environ.get('WHISPIR_URL') + key)\nprint(os.getenv('WHISPIR_URL'))\n";
    assert_eq!(
        uses_of(&b, "a.py", py),
        [
            "WM001 os.environ.get('WHISPIR_URL')",
            "WM002 os.environ.get('WHISPIR_URL')"
        ]
    );
    let go = "req, _ := http.NewRequest(\"GET\", os.Getenv(\"WHISPIR_URL\")+key, nil)\n";
    assert_eq!(
        uses_of(&b, "a.go", go),
        [
            "WM001 os.Getenv(\"WHISPIR_URL\")",
            "WM002 os.Getenv(\"WHISPIR_URL\")"
        ]
    );
    // A string that only names the variable is no read of it.
    assert!(uses_of(&b, "b.js", "const names = ['WHISPIR_URL' + x];\n").is_empty());
}

#[test]
fn in_php_a_dot_joins_strings_not_a_qualified_chain() {
    let b = bindings_of(
        "WhispirConfig.php",
        "<?php\nclass WhispirConfig {\n  const URL = 'https://api.whispir.com/messages';\n  const EXT = '?apikey=';\n}\n",
    );
    let php = "<?php\n$ch = curl_init(WhispirConfig::URL . WhispirConfig::EXT . $key);\n";
    assert_eq!(
        uses_of(&b, "Gateway.php", php),
        ["WM001 WhispirConfig::URL", "WM002 WhispirConfig::EXT"]
    );
}

#[test]
fn the_help_names_the_key_appended_after_the_use() {
    let helps = |bindings: &[Binding], path: &str, text: &str| -> Vec<String> {
        findings_of(bindings, path, text)
            .into_iter()
            .filter(|d| d.code == RuleCode::WM002)
            .map(|d| d.help.map(|h| h.to_string()).unwrap_or_default())
            .collect()
    };
    let b = bindings_of("WhispirConstants.java", JAVA_CONSTANTS);
    let sender = "import static a.WhispirConstants.QUERY_PREFIX;\nclass Sender {\n    void send() {\n        String url = WhispirConstants.BASE_URL + \"/m\" + QUERY_PREFIX + this.apiKey;\n        String other = WhispirConstants.BASE_URL + \"/n\" + QUERY_PREFIX + key() + \"&x=1\";\n    }\n}\n";
    let found = helps(&b, "Sender.java", sender);
    assert!(
        found[0].starts_with("add `.header(\"x-api-key\", this.apiKey)"),
        "{found:?}"
    );
    // A call, or more text after the key: not named.
    assert!(found[1].contains("<the key>"), "{found:?}");
    // PHP: `.` joins strings, `->` reaches a member.
    let b = bindings_of(
        "WhispirConfig.php",
        "<?php\nclass WhispirConfig {\n  const URL = 'https://api.whispir.com/messages';\n  const EXT = '?apikey=';\n}\n",
    );
    let php = "<?php\n$a = curl_init(WhispirConfig::URL . WhispirConfig::EXT . $this->key);\n$b = curl_init(WhispirConfig::URL . WhispirConfig::EXT . $k . $more);\n";
    let found = helps(&b, "Gateway.php", php);
    assert!(found[0].contains("=> $this->key]"), "{found:?}");
    assert!(found[1].contains("<the key>"), "{found:?}");
}

#[test]
fn spans_answer_whether_one_holds_an_offset_or_overlaps_a_range() {
    // Overlapping and nested ranges, given out of order and twice.
    let s = Spans::new(vec![30..40, 0..10, 5..8, 30..40, 12..50]);
    for (at, held) in [
        (0, true),
        (9, true),
        (10, false),
        (11, false),
        (12, true),
        (45, true),
        (49, true),
        (50, false),
        (100, false),
    ] {
        assert_eq!(s.hold(at), held, "{at}");
    }
    assert!(!Spans::default().hold(0));
    assert!(s.overlap(&(10..13)) && s.overlap(&(48..60)) && !s.overlap(&(10..12)));
    assert!(!s.overlap(&(50..60)));
}
