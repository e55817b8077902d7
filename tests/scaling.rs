//! No hostile input takes super-linear time: each shape is run at size N and 8N, with `check`
//! and with `fix --diff`, and the time may grow at most 12-fold (linear is 8; quadratic would
//! be 64). Sizes are small enough for a debug build in CI. Each time is the child's CPU time
//! (getrusage), the best of three runs (of five more when the ratio is over the bound), so a
//! busy machine does not fail the test; one test function, so no other child runs meanwhile.
//!
//! A longer run at other sizes: `SCALING_N=4 cargo test --release --test scaling -- --nocapture`
//! multiplies every N by 4 and prints the times; `SCALING_ONLY=Postman` runs only the shapes
//! whose name holds that text.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Linear is 8; quadratic would be 64.
const MAX_RATIO: f64 = 12.0;

const KEY: &str = "9f86d081884c7d659a2feaa0c55ad015";

/// A hostile shape: its file name and the text at size `n`.
struct Shape {
    name: &'static str,
    file: &'static str,
    n: usize,
    make: fn(usize) -> String,
    /// A file written beside it (name, text), for shapes that span files; the run then
    /// walks the directory instead of naming the file.
    companion: Option<(&'static str, &'static str)>,
    /// `fix` refuses its fixes (an error: exit status 2), as the file cannot be parsed to
    /// check them against.
    refuses_fix: bool,
}

fn url() -> String {
    format!("https://api.whispir.com/messages?apikey={KEY}")
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "one URL with n `apikey=` parameters",
        file: "params.js",
        n: 1000,
        make: |n| {
            let params: Vec<String> = (0..n).map(|i| format!("apikey=k{i:08}")).collect();
            format!(
                "fetch(\"https://api.whispir.com/messages?{}\");\n",
                params.join("&")
            )
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "a Go slice literal of n URLs with the key",
        file: "table.go",
        n: 500,
        make: |n| {
            // Each URL's statement is the whole literal: read once, not once per URL.
            let urls: String = (0..n)
                .map(|i| format!("\t\t\"https://api.whispir.com/m{i}?apikey=\" + k,\n"))
                .collect();
            format!(
                "package main\n\nfunc urls(k string) []string {{\n\treturn []string{{\n{urls}\t}}\n}}\n"
            )
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "a YAML list of n URLs with the key",
        file: "requests.yaml",
        n: 1000,
        make: |n| {
            // Each URL's search for a format call around it went back to the start of the
            // file, there being no bracket around it.
            let items: String = (0..n)
                .map(|i| {
                    format!("  - name: r{i}\n    url: https://api.whispir.com/m/{i}?apikey={KEY}\n")
                })
                .collect();
            format!("requests:\n{items}")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "a Python list of n URLs with the key",
        file: "table.py",
        n: 500,
        make: |n| {
            let urls: String = (0..n)
                .map(|i| format!("    'https://api.whispir.com/m{i}?apikey=' + k,\n"))
                .collect();
            format!("def urls(k):\n  return [\n{urls}  ]\n")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "a JavaScript array of n URLs with the key",
        file: "table.js",
        n: 500,
        make: |n| {
            let urls: String = (0..n)
                .map(|i| format!("  `https://api.whispir.com/m{i}?apikey=${{k}}`,\n"))
                .collect();
            format!("const urls = (k) => [\n{urls}];\n")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "JSON objects nested n deep around a URL",
        file: "nested.json",
        n: 12_500,
        make: |n| format!("{}\"{}\"{}\n", "{\"a\":".repeat(n), url(), "}".repeat(n)),
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "JSON arrays nested n deep around a URL",
        file: "arrays.json",
        n: 12_500,
        make: |n| format!("{}\"{}\"{}\n", "[".repeat(n), url(), "]".repeat(n)),
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n suppression comments, each above a finding",
        file: "suppress.py",
        n: 1000,
        make: |n| {
            (0..n)
                .map(|i| {
                    format!(
                        "# whispir-migrate: ignore[WM001]\nu{i} = \"https://api.whispir.com/m{i}\"\n"
                    )
                })
                .collect()
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n unclosed brackets before a request",
        file: "unclosed.js",
        n: 12_500,
        make: |n| format!("{}fetch(\"{}\")\n", "(".repeat(n), url()),
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n hosts on one line",
        file: "hosts.txt",
        n: 1000,
        make: |n| {
            let urls: Vec<String> = (0..n)
                .map(|i| format!("https://api.whispir.com/m{i}"))
                .collect();
            urls.join(" ") + "\n"
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "JavaScript objects nested n deep around a request",
        file: "nested.js",
        n: 12_500,
        make: |n| {
            format!(
                "x = {}fetch(\"{}\"){};\n",
                "{a: ".repeat(n),
                url(),
                "}".repeat(n)
            )
        },
        companion: None,
        // Its syntax tree takes over 100 bytes per byte: at 8n it does not fit in the
        // file's memory allowance, and the fix is refused.
        refuses_fix: true,
    },
    Shape {
        name: "YAML flow mappings nested n deep around a URL",
        file: "nested.yaml",
        n: 12_500,
        make: |n| format!("a: {}{}{}\n", "{k: ".repeat(n), url(), "}".repeat(n)),
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n ColdFusion `<cfhttp>` requests with a url parameter",
        file: "requests.cfm",
        n: 500,
        make: |n| {
            (0..n)
                .map(|i| {
                    format!(
                        "<cfhttp url=\"https://api.whispir.com/m{i}?apikey=#k#\" method=\"get\">\n    <cfhttpparam type=\"url\" name=\"apikey\" value=\"#k#\">\n</cfhttp>\n"
                    )
                })
                .collect()
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n requests with the key on one base URL constant",
        file: "base.js",
        n: 500,
        make: |n| {
            let requests: String = (0..n)
                .map(|i| format!("fetch(BASE + '/m{i}?apikey=' + k);\n"))
                .collect();
            format!("const BASE = 'https://api.whispir.com';\n{requests}")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n locals built on one base URL, each read by a request",
        file: "locals.js",
        n: 500,
        make: |n| {
            let requests: String = (0..n)
                .map(|i| format!("const u = BASE + '/m{i}'; fetch(u + '?apikey=' + k);\n"))
                .collect();
            format!("const BASE = 'https://api.whispir.com';\n{requests}")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n requests on one axios instance, each beside a regional host",
        file: "instance.js",
        n: 500,
        make: |n| {
            let requests: String = (0..n)
                .map(|i| {
                    format!(
                        "const h{i} = 'https://api.au.whispir.com/h{i}'; api.get('/m{i}?apikey=' + k);\n"
                    )
                })
                .collect();
            format!(
                "const api = axios.create({{ baseURL: BASE, headers: {{ 'x-api-key': k }} }});\n{requests}"
            )
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n requests on typed axios clients, each in its own function",
        file: "clients.ts",
        n: 500,
        make: |n| {
            // Each request looks up its receiver's declaration: not through the whole file.
            let functions: String = (0..n)
                .map(|i| {
                    format!(
                        "async function f{i}(client: AxiosInstance, k: string) {{\n  return client.post(`https://api.whispir.com/m{i}?apikey=${{k}}`, {{}});\n}}\n"
                    )
                })
                .collect();
            format!("import {{ AxiosInstance }} from 'axios';\n{functions}")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "one function of n locals, each holding a URL read by one request",
        file: "locals.js",
        n: 250,
        make: |n| {
            // Each request's proof that its local is read once walked the rest of the
            // function, and the way back to the bracket around the URL crossed all of it.
            let body: String = (0..n)
                .map(|i| {
                    format!(
                        "  const u{i} = 'https://api.whispir.com/m/{i}?apikey=' + k;\n  await fetch(u{i});\n"
                    )
                })
                .collect();
            format!("async function f(k) {{\n{body}}}\n")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n private URL builders in one file, each called by one request",
        file: "builders.py",
        n: 250,
        make: |n| {
            // Each builder's calls were found by walking the whole file's tree.
            let body: String = (0..n)
                .map(|i| {
                    format!(
                        "def _u{i}(key):\n    return API + \"/m/{i}?apikey=\" + key\n\n\ndef s{i}(key):\n    return requests.get(_u{i}(key)).json()\n\n\n"
                    )
                })
                .collect();
            format!("import requests\n\nAPI = \"https://api.au.whispir.com\"\n\n\n{body}")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n Rust functions, each a `let` URL read by one request",
        file: "client.rs",
        n: 125,
        make: |n| {
            // Each proof that the `let` is a local of its request read the whole file again.
            (0..n)
                .map(|i| {
                    format!(
                        "fn m{i}(c: &reqwest::blocking::Client, key: &str) {{\n    let url = format!(\"https://api.au.whispir.com/m{i}?apikey={{}}\", key);\n    let _ = c.get(&url).send();\n}}\n\n"
                    )
                })
                .collect()
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n Ruby methods, each a request through `URI(…)`",
        file: "client.rb",
        n: 250,
        make: |n| {
            // Ruby's `def … end` holds no bracket: each URL's walk back went to the file's start.
            let methods: String = (0..n)
                .map(|i| {
                    format!(
                        "  def m{i}(key)\n    uri = URI(\"https://api.au.whispir.com/m{i}?apikey=#{{key}}\")\n    req = Net::HTTP::Get.new(uri)\n    Net::HTTP.start(uri.host, uri.port) {{ |h| h.request(req) }}\n  end\n\n"
                    )
                })
                .collect();
            format!("require 'net/http'\n\nclass Client\n{methods}end\n")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n Go functions, each a `fmt.Sprintf` URL sent by `http.NewRequest`",
        file: "client.go",
        n: 250,
        make: |n| {
            // Each fix counted every use of `fmt` in the file.
            let funcs: String = (0..n)
                .map(|i| {
                    format!(
                        "func m{i}(key string) {{\n\turl := fmt.Sprintf(\"https://api.au.whispir.com/m{i}?apikey=%s\", key)\n\treq, _ := http.NewRequest(\"GET\", url, nil)\n\thttp.DefaultClient.Do(req)\n}}\n\n"
                    )
                })
                .collect();
            format!("package client\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\n{funcs}")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n C# methods, each a `GetAsync` on its own `HttpClient`",
        file: "Client.cs",
        n: 250,
        make: |n| {
            // Each request looked through the whole file for where its client is declared.
            let methods: String = (0..n)
                .map(|i| {
                    format!(
                        "    async Task M{i}(string key)\n    {{\n        var client{i} = new HttpClient();\n        await client{i}.GetAsync(\"https://api.au.whispir.com/m{i}?apikey=\" + key);\n    }}\n\n"
                    )
                })
                .collect();
            format!("using System.Net.Http;\n\nclass Client\n{{\n{methods}}}\n")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "one PHP function of n curl handles, each with its headers",
        file: "client.php",
        // (At 2 000 handles the syntax check of the fixed function passes its memory allowance.)
        n: 125,
        make: |n| {
            // Each handle's options were looked for in the whole function body.
            let handles: String = (0..n)
                .map(|i| {
                    format!(
                        "    $ch{i} = curl_init('https://api.au.whispir.com/m{i}?apikey=' . $key);\n    curl_setopt($ch{i}, CURLOPT_HTTPHEADER, ['Accept: application/json']);\n    curl_exec($ch{i});\n"
                    )
                })
                .collect();
            format!("<?php\nfunction all($key)\n{{\n{handles}}}\n")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "one PHP function reusing one curl handle for n requests",
        file: "reuse.php",
        n: 250,
        make: |n| {
            // Each request read every use of the handle in the function, and the whole file
            // for its array style.
            let requests: String = (0..n)
                .map(|i| {
                    format!(
                        "    curl_setopt($ch, CURLOPT_URL, 'https://api.whispir.com/m{i}?apikey=' . $key);\n    curl_exec($ch);\n"
                    )
                })
                .collect();
            format!("<?php\nfunction all($key)\n{{\n    $ch = curl_init();\n{requests}}}\n")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "one Java method of n OkHttp requests",
        file: "Calls.java",
        // (At 4 000 requests the syntax check of the fixed method passes its memory allowance.)
        n: 250,
        make: |n| {
            // Each request looked through the whole file for a method of its callee's name
            // returning an HttpURLConnection.
            let requests: String = (0..n)
                .map(|i| {
                    format!(
                        "    Request q{i} = new Request.Builder().url(\"https://api.au.whispir.com/m{i}?apikey=\" + key).build();\n    client.newCall(q{i}).execute();\n"
                    )
                })
                .collect();
            format!(
                "import okhttp3.*;\n\nclass Calls {{\n  void all(OkHttpClient client, String key) throws Exception {{\n{requests}  }}\n}}\n"
            )
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "one JavaScript function of n URLs keyed through `searchParams` aliases",
        file: "query.js",
        n: 250,
        make: |n| {
            // Each statement walked its block back to the URL's declaration and forward to
            // the block's end, for its reads and the alias's.
            let requests: String = (0..n)
                .map(|i| {
                    format!(
                        "  const u{i} = new URL('https://api.au.whispir.com/m{i}');\n  const q{i} = u{i}.searchParams;\n  q{i}.set('apikey', key);\n  await fetch(u{i});\n"
                    )
                })
                .collect();
            format!("async function all(key) {{\n{requests}}}\n")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n C# methods, each returning `GetStringAsync` on a URL with the key",
        file: "Reads.cs",
        n: 250,
        make: |n| {
            // Each rewrite to `SendAsync(…).ContinueWith(…)` looked through the whole file for
            // a free name, and for `using System.Threading.Tasks;`.
            let methods: String = (0..n)
                .map(|i| {
                    format!(
                        "    public Task<string> M{i}(string key)\n    {{\n        var url = \"https://api.au.whispir.com/m{i}?apikey=\" + key;\n        return client.GetStringAsync(url);\n    }}\n"
                    )
                })
                .collect();
            format!(
                "using System.Net.Http;\nusing System.Threading.Tasks;\n\nclass Reads\n{{\n    HttpClient client = new HttpClient();\n{methods}}}\n"
            )
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n Go functions, each setting the key on a `url.Values` named alike",
        file: "values.go",
        n: 500,
        make: |n| {
            // Whether `q` is assigned from a query was asked of every assignment of `q` in
            // the file, once per key.
            let functions: String = (0..n)
                .map(|i| {
                    format!(
                        "func f{i}(key string) {{\n\tq := url.Values{{}}\n\tq.Set(\"apikey\", key)\n\treq, _ := http.NewRequest(\"GET\", \"https://api.au.whispir.com/m{i}?\"+q.Encode(), nil)\n\thttp.DefaultClient.Do(req)\n}}\n"
                    )
                })
                .collect();
            format!("package main\n\nimport (\n\t\"net/http\"\n\t\"net/url\"\n)\n\n{functions}")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n JavaScript helpers that add the key to a query, each called once",
        file: "helpers.js",
        n: 250,
        make: |n| {
            // Each helper's one call was looked for by a walk of the whole syntax tree.
            let pairs: String = (0..n)
                .map(|i| {
                    format!(
                        "function withKey{i}(params, apiKey) {{\n  params.set('apikey', apiKey);\n  return params;\n}}\n\nasync function report{i}(apiKey) {{\n  const params = withKey{i}(new URLSearchParams({{ period: 'month' }}), apiKey);\n  return fetch(`https://api.au.whispir.com/reports/{i}?${{params}}`);\n}}\n\n"
                    )
                })
                .collect();
            pairs
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "a template literal of n `${` after a request keyed through `searchParams`",
        file: "dollars.js",
        n: 2000,
        make: |n| {
            // Each `${` was indexed by the text up to the next `}`: the rest of the file,
            // n times over (2.4 GB for 50 000 of them).
            format!(
                "async function f(key) {{\n  const u = new URL('https://api.au.whispir.com/m');\n  u.searchParams.set('apikey', key);\n  await fetch(u);\n  const t = `{}`;\n}}\n",
                "${".repeat(n)
            )
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n `curl_setopt` calls nested in one another's header list",
        file: "nested.php",
        n: 1000,
        make: |n| {
            // Each call's arguments were read by a walk to its close: everything inside it.
            format!(
                "<?php\nfunction f($key) {{\n  $ch = curl_init('https://api.au.whispir.com/m?apikey=' . $key);\n  {}[]{};\n  curl_exec($ch);\n}}\n",
                "curl_setopt($ch, CURLOPT_HTTPHEADER, ".repeat(n),
                ")".repeat(n)
            )
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n JavaScript functions setting the key on one module-level URLSearchParams",
        file: "shared-query.js",
        n: 500,
        make: |n| {
            // Each statement's query was looked for by a walk back to the file's start.
            let functions: String = (0..n)
                .map(|i| {
                    format!(
                        "async function f{i}(key) {{\n  q.set('apikey', key);\n  return fetch('https://api.au.whispir.com/m{i}?' + q);\n}}\n"
                    )
                })
                .collect();
            format!("const q = new URLSearchParams();\n{functions}")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "one ColdFusion function of n `new http()` objects",
        file: "Client.cfc",
        n: 250,
        make: |n| {
            // Each object's statements were read to the end of the function.
            let objects: String = (0..n)
                .map(|i| {
                    format!(
                        "        var s{i} = new http(method = \"GET\", url = \"https://api.au.whispir.com/m{i}?apikey=\" & arguments.key);\n        s{i}.send();\n"
                    )
                })
                .collect();
            format!(
                "component {{\n    public void function all(required string key) {{\n{objects}    }}\n}}\n"
            )
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "one Rust function of n `let` URLs, each read by one request",
        file: "all.rs",
        n: 250,
        make: |n| {
            // Each proof read the whole function's block.
            let lets: String = (0..n)
                .map(|i| {
                    format!(
                        "    let url{i} = format!(\"https://api.au.whispir.com/m{i}?apikey={{}}\", key);\n    let _ = c.get(&url{i}).send();\n"
                    )
                })
                .collect();
            format!("fn all(c: &reqwest::blocking::Client, key: &str) {{\n{lets}}}\n")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n Go functions, each `return http.Get(url)` with the key",
        file: "get.go",
        n: 100,
        make: |n| {
            // Each rewrite of `http.Get` parsed the whole file again.
            let funcs: String = (0..n)
                .map(|i| {
                    format!(
                        "func M{i}(key string) (*http.Response, error) {{\n\turl := \"https://api.au.whispir.com/m{i}?apikey=\" + key\n\treturn http.Get(url)\n}}\n\n"
                    )
                })
                .collect();
            format!("package api\n\nimport \"net/http\"\n\n{funcs}")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "a Postman collection of n requests with the key in the query",
        file: "big.postman_collection.json",
        n: 125,
        make: |n| {
            // The fix goes in over two passes; in the second, each request counted every
            // `x-api-key` the first had added to learn how the file spells it. (That part
            // shows at thousands of requests in a release build, not at these sizes.)
            let items: Vec<String> = (0..n)
                .map(|i| {
                    format!(
                        r#"    {{
      "name": "Send {i}",
      "request": {{
        "method": "POST",
        "header": [{{ "key": "Content-Type", "value": "application/json" }}],
        "url": {{
          "raw": "https://api.whispir.com/messages/{i}?apikey={{{{apikey}}}}",
          "protocol": "https",
          "host": ["api", "whispir", "com"],
          "path": ["messages", "{i}"],
          "query": [{{ "key": "apikey", "value": "{{{{apikey}}}}" }}]
        }}
      }},
      "response": []
    }}"#
                    )
                })
                .collect();
            format!(
                "{{\n  \"info\": {{\n    \"name\": \"Big\",\n    \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"\n  }},\n  \"item\": [\n{}\n  ]\n}}\n",
                items.join(",\n")
            )
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n base URL constants, each read by its own request",
        file: "bases.js",
        // Sizes on both sides of where the file's tree no longer fits the trees `fix` keeps
        // (about 2 000 such lines): past it, analysis proved every window and the guard then
        // proved them all again, twice the cost per fix (a ratio of 12.4 at 300 and 2 400
        // lines). Release, CPU time with `--unsafe-fixes`: 0.05 s at 600, 0.11 s at 1 200,
        // 0.25 s at 2 400, 0.50 s at 4 800 (0.06, 0.13, 0.43 and 0.92 s before).
        n: 600,
        make: |n| {
            (0..n)
                .map(|i| {
                    format!(
                        "const B{i} = 'https://api.whispir.com'; fetch(B{i} + '/m?apikey=' + k);\n"
                    )
                })
                .collect()
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "YAML block sequence n deep on one line",
        file: "sequence.yaml",
        n: 12_500,
        make: |n| format!("{}{}\n", "- ".repeat(n), url()),
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "a Python request after n comment lines (commented-out code)",
        file: "commented.py",
        n: 1000,
        make: |n| {
            // tree-sitter-python's scanner looks past every following comment line at each
            // line of the run: its reads grow with the square of the run. The request's
            // dict is proved a local on the syntax tree, so the file is parsed.
            let run = "# requests.get(BASE + '/messages', params={'apikey': old_key})\n".repeat(n);
            format!(
                "import requests\n{run}\ndef send(k):\n    params = {{\"apikey\": k}}\n    return requests.get(\"https://api.au.whispir.com/messages\", params=params)\n"
            )
        },
        companion: None,
        refuses_fix: true,
    },
    Shape {
        name: "a Java request after a line of n stray tokens",
        file: "Stray.java",
        n: 256,
        make: |n| {
            // tree-sitter-java's error recovery on such a line does work (parse operations,
            // not reads of the text) that grows with the square of its length.
            let stray = "a b c . , ; : = + ( ) ".repeat(n);
            format!(
                "{stray}\nclass Client {{\n    HttpResponse send(String apiKey) throws Exception {{\n        HttpGet get = new HttpGet(\"https://api.au.whispir.com/messages?apikey=\" + apiKey);\n        return client.execute(get);\n    }}\n}}\n"
            )
        },
        companion: None,
        refuses_fix: true,
    },
    Shape {
        name: "n uses of a name imported (at the end) from another file",
        file: "client.py",
        n: 500,
        make: |n| {
            let uses: String = (0..n)
                .map(|i| format!("    requests.get(u{i}, params=WHISPIR_PARAMS)\n"))
                .collect();
            // The import comes last: each use looked for it through the whole file.
            format!("# Whispir client\ndef send():\n{uses}from settings import WHISPIR_PARAMS\n")
        },
        companion: Some((
            "settings.py",
            "WHISPIR_BASE = 'https://api.whispir.com'\nWHISPIR_PARAMS = {'apikey': KEY}\n",
        )),
        refuses_fix: false,
    },
    Shape {
        name: "n Java requests on another file's constants",
        file: "Sender.java",
        n: 100,
        make: |n| {
            // Each use is inlined and the whole group fixed across the two files at once
            // (`fix::across`): a group of n uses made n copies of an n-long member list.
            let sends: String = (0..n)
                .map(|i| {
                    format!(
                        "    int send{i}(String key) throws Exception {{\n        \
                         String url = WhispirConstants.BASE_URL + \"/m/{i}\" + WhispirConstants.QUERY_PREFIX + key;\n        \
                         HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();\n        \
                         return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();\n    }}\n"
                    )
                })
                .collect();
            format!(
                "import java.net.URI;\nimport java.net.http.*;\n\nclass Sender {{\n    \
                 private final HttpClient http = HttpClient.newHttpClient();\n\n{sends}}}\n"
            )
        },
        companion: Some((
            "WhispirConstants.java",
            "final class WhispirConstants {\n    static final String BASE_URL = \"https://api.whispir.com\";\n    \
             static final String QUERY_PREFIX = \"?apikey=\";\n}\n",
        )),
        refuses_fix: false,
    },
    Shape {
        name: "n requests keyed by another file's map that cannot move",
        file: "notify.js",
        n: 2000,
        make: |n| {
            // Each request's own host fix is taken back (its key is in the query through
            // the map): the uses and the findings they cover were matched pairwise.
            let sends: String = (0..n)
                .map(|i| {
                    format!(
                        "function s{i}(cb) {{ request.get({{ url: 'https://api.whispir.com/m/{i}', qs: WHISPIR_QUERY }}, cb); }}\n"
                    )
                })
                .collect();
            format!("const {{ WHISPIR_QUERY }} = require('./config');\n{sends}")
        },
        companion: Some((
            "config.js",
            "const KEY = process.env.WHISPIR_API_KEY;\nconst WHISPIR_QUERY = { apikey: KEY };\nmodule.exports = { WHISPIR_QUERY };\n",
        )),
        refuses_fix: false,
    },
    Shape {
        name: "n Python requests on another module's params map",
        file: "client.py",
        n: 100,
        make: |n| {
            // Each use inlines the map with its names written for this file, and reads which
            // names the file imports: once per file, not once per use.
            let sends: String = (0..n)
                .map(|i| {
                    format!(
                        "\n\ndef send{i}(body):\n    \
                         return requests.post(\"https://api.au.whispir.com/m/{i}\", json=body, params=WHISPIR_PARAMS)\n"
                    )
                })
                .collect();
            format!(
                "import requests\n\nimport settings\nfrom settings import WHISPIR_PARAMS\n{sends}"
            )
        },
        companion: Some((
            "settings.py",
            "import os\n\nWHISPIR_API_KEY = os.environ[\"WHISPIR_API_KEY\"]\nWHISPIR_PARAMS = {\"apikey\": WHISPIR_API_KEY}\n",
        )),
        refuses_fix: false,
    },
    Shape {
        name: "one Python function of n loops, each assigning `url` again",
        file: "loops.py",
        n: 150,
        make: |n| {
            // Each request's proof that `url` is a local read once counted every `url` of the
            // function (and walked the tree down to each): 24 s at 2 000 loops. It stops at
            // the third.
            let loops: String = (0..n)
                .map(|i| {
                    format!(
                        "    for x in ids:\n        url = f'https://api.whispir.com/m{i}/{{x}}?apikey={{key}}'\n        requests.get(url, headers={{'Accept': 'application/json'}})\n"
                    )
                })
                .collect();
            format!("import requests\n\n\ndef main(key, ids):\n{loops}")
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "a Python script of n top-level host and path pairs",
        file: "pairs.py",
        n: 250,
        make: |n| {
            // Each key piece at module level joins the script's retired hosts outside every
            // function: each asked the tree for every host's function (`parent()` walks down
            // from the root), joined every host, and a statement walk built the file's bracket
            // depths. 8 s at 2 000 pairs.
            (0..n)
                .map(|i| format!("h{i} = 'api.whispir.com'; p{i} = '/m?apikey=' + k\n"))
                .collect()
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "a JavaScript script of n top-level host and path constants",
        file: "pairs.js",
        n: 250,
        make: |n| {
            (0..n)
                .map(|i| {
                    format!("const h{i} = 'api.whispir.com';\nconst p{i} = '/m?apikey=' + k;\n")
                })
                .collect()
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "a Ruby class of n methods on one Faraday connection",
        file: "client.rb",
        n: 250,
        make: |n| {
            // Each query's connection was looked for among every use of its name, and each
            // keyword argument's call receiver among every token of the file.
            let methods: String = (0..n)
                .map(|i| {
                    format!("  def m{i}\n    @conn.get('/m{i}', apikey: @key, page: {i})\n  end\n")
                })
                .collect();
            format!(
                "require 'faraday'\n\nclass Client\n  def initialize(key)\n    @key = key\n    @conn = Faraday.new(url: 'https://api.au.whispir.com')\n  end\n{methods}end\n"
            )
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "a Kotlin class of n expression-bodied requests on one base",
        file: "Api.kt",
        n: 250,
        make: |n| {
            // Without semicolons a statement ran from brace to brace: each request's
            // statement was the whole class body, read once per request for the base it names.
            let members: String = (0..n)
                .map(|i| {
                    format!("  fun m{i}() = client.newCall(Request.Builder().url(\"$BASE/m{i}?apikey=$key\").build()).execute()\n")
                })
                .collect();
            format!(
                "import okhttp3.*\n\nconst val BASE = \"https://api.whispir.com\"\n\nclass Api(private val key: String) {{\n  private val client = OkHttpClient()\n{members}}}\n"
            )
        },
        companion: None,
        refuses_fix: false,
    },
    Shape {
        name: "n names set to the retired host in one .env file",
        file: ".env",
        n: 1000,
        make: |n| {
            // Each name is a binding other files may read (`B0` … `B{n-1}`): the automaton
            // over the names, the cross-file prefilter, was built with a step quadratic in
            // the names that share a prefix.
            (0..n)
                .map(|i| format!("B{i}=https://api.whispir.com\n"))
                .collect()
        },
        companion: None,
        refuses_fix: false,
    },
];

/// CPU time (user and system) of every child reaped so far.
fn children_cpu() -> Duration {
    // SAFETY: `rusage` is plain data the kernel fills.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// The least CPU time of `runs` runs of the binary. CPU time, not wall time: other
/// processes on the machine do not count (this file holds one test, so no other child of
/// this process runs meanwhile).
fn best_time(dir: &Path, args: &[&str], runs: usize, may_refuse: bool) -> Duration {
    (0..runs)
        .map(|_| {
            let before = children_cpu();
            let status = Command::new(env!("CARGO_BIN_EXE_whispir-migrate"))
                .args(args)
                .current_dir(dir)
                .env_remove("WHISPIR_REGION")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("binary runs");
            let took = children_cpu() - before;
            assert!(
                matches!(status.code(), Some(0 | 1)) || may_refuse && status.code() == Some(2),
                "{args:?} in {}: {status}",
                dir.display()
            );
            took
        })
        .min()
        .expect("at least one run")
}

#[test]
fn every_hostile_shape_scales_linearly() {
    let factor: usize = std::env::var("SCALING_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let only = std::env::var("SCALING_ONLY").ok();
    let mut failures = Vec::new();
    for shape in SHAPES {
        if only
            .as_ref()
            .is_some_and(|only| !shape.name.contains(only.as_str()))
        {
            continue;
        }
        let dirs: Vec<tempfile::TempDir> = [1, 8]
            .iter()
            .map(|k| {
                let dir = tempfile::tempdir().unwrap();
                let text = (shape.make)(shape.n * factor * k);
                std::fs::write(dir.path().join(shape.file), text).unwrap();
                if let Some((name, text)) = shape.companion {
                    std::fs::write(dir.path().join(name), text).unwrap();
                }
                dir
            })
            .collect();
        for (mode, args) in [
            (
                "check",
                &["check", "--no-config", "--region", "au", "--format", "json"][..],
            ),
            (
                "fix --diff",
                &[
                    "fix",
                    "--no-config",
                    "--region",
                    "au",
                    "--unsafe-fixes",
                    "--diff",
                ][..],
            ),
        ] {
            let mut args = args.to_vec();
            args.push(if shape.companion.is_some() {
                "."
            } else {
                shape.file
            });
            let measure = |runs| {
                let may_refuse = shape.refuses_fix && mode == "fix --diff";
                let small = best_time(dirs[0].path(), &args, runs, may_refuse);
                let large = best_time(dirs[1].path(), &args, runs, may_refuse);
                (small, large, large.as_secs_f64() / small.as_secs_f64())
            };
            let (mut small, mut large, mut ratio) = measure(3);
            if ratio > MAX_RATIO {
                // A busy machine can slow one run down; a quadratic path stays 64-fold.
                (small, large, ratio) = measure(5);
            }
            eprintln!(
                "{:<52} {mode:<10} n={:>7}: {:>8.3} s, 8n: {:>8.3} s, ratio {ratio:>5.1}",
                shape.name,
                shape.n * factor,
                small.as_secs_f64(),
                large.as_secs_f64()
            );
            if ratio > MAX_RATIO {
                failures.push(format!(
                    "{} ({mode}): {small:?} at n={}, {large:?} at 8n (ratio {ratio:.1} > 12)",
                    shape.name,
                    shape.n * factor
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "super-linear:\n{}",
        failures.join("\n")
    );
}
