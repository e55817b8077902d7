//! Detection of query builders that add `apikey` without any `apikey=` text.

use super::{ParamShape, analyze};
use crate::source::SourceFile;

/// The text of each builder key found in `src` (a file named `name`).
fn builder_keys(name: &str, src: &str) -> Vec<String> {
    let file = SourceFile::new(name.into(), name.into(), src.as_bytes().to_vec());
    let facts = analyze(&file, crate::lang::for_file_name(name));
    facts
        .params
        .iter()
        .filter(|p| p.shape == ParamShape::Builder)
        .map(|p| {
            let value = &src[p.value.clone()];
            format!("{} = {value}", &src[p.span.clone()])
        })
        .collect()
}

#[test]
fn an_indexed_query_entry_is_a_builder_key_when_assigned() {
    let ruby = "# Whispir\nconn.get('/m') do |req|\n  req.params['apikey'] = @key\nend\n";
    assert_eq!(builder_keys("a.rb", ruby), ["'apikey' = @key"]);
    // Read, compared, or set on the headers: no query parameter.
    for other in [
        "# Whispir\nlog(req.params['apikey'])\n",
        "# Whispir\nok = req.params['apikey'] == key\n",
        "# Whispir\nreq.headers['apikey'] = key\n",
        "# Whispir\nsettings['apikey'] = key\n",
    ] {
        assert_eq!(builder_keys("a.rb", other), Vec::<String>::new(), "{other}");
    }
}

#[test]
fn a_collection_from_parse_query_string_is_a_query_under_any_name() {
    let cs = "// Whispir\nvar nvc = HttpUtility.ParseQueryString(string.Empty);\nnvc[\"apikey\"] = key;\n";
    assert_eq!(builder_keys("a.cs", cs), ["\"apikey\" = key"]);
    let named = "// Whispir\nvar query = HttpUtility.ParseQueryString(uri.Query);\nquery[\"apikey\"] = _options.Key;\n";
    assert_eq!(builder_keys("a.cs", named), ["\"apikey\" = _options.Key"]);
    let other = "// Whispir\nvar d = new Dictionary<string, string>();\nd[\"apikey\"] = key;\n";
    assert_eq!(builder_keys("a.cs", other), Vec::<String>::new());
}

#[test]
fn add_query_string_names_the_parameter_in_its_arguments() {
    let cs = "// Whispir\nvar u = QueryHelpers.AddQueryString(baseUrl, \"apikey\", key);\n";
    assert_eq!(builder_keys("a.cs", cs), ["\"apikey\" = key"]);
    // Another call with the same argument shape is not a query builder.
    let other = "// Whispir\nLog(baseUrl, \"apikey\", key);\n";
    assert_eq!(builder_keys("a.cs", other), Vec::<String>::new());
}

#[test]
fn handler_options_say_where_the_key_goes() {
    let query = "// Whispir\nservices.Configure<ApiKeyOptions>(o => { o.Location = ApiKeyLocation.QueryString; o.Name = \"apikey\"; o.Value = key; });\n";
    assert_eq!(builder_keys("a.cs", query), ["\"apikey\" = key"]);
    let header = query.replace("QueryString", "Header");
    assert_eq!(builder_keys("a.cs", &header), Vec::<String>::new());
    let unsaid = "// Whispir\nservices.Configure<ApiKeyOptions>(o => { o.Name = \"apikey\"; });\n";
    assert_eq!(builder_keys("a.cs", unsaid), Vec::<String>::new());
    let handler = "// Whispir\nvar h = new QueryStringApiKeyHandler(new ApiKeyOptions { Name = \"apikey\", Value = key });\n";
    assert_eq!(builder_keys("a.cs", handler), ["\"apikey\" = key"]);
    let header_handler = handler.replace("QueryString", "Header");
    assert_eq!(builder_keys("a.cs", &header_handler), Vec::<String>::new());
}

#[test]
fn builders_need_whispir_context() {
    // The company's web site is no API context.
    let ruby = "# https://www.whispir.com/\nreq.params['apikey'] = key\nuri.query = URI.encode_www_form(apikey: key)\n";
    assert_eq!(builder_keys("a.rb", ruby), Vec::<String>::new());
    let cs = "// https://www.whispir.com/\nvar q = HttpUtility.ParseQueryString(string.Empty);\nq[\"apikey\"] = key;\n";
    assert_eq!(builder_keys("a.cs", cs), Vec::<String>::new());
}

#[test]
fn url_search_params_are_a_query_under_any_name() {
    let built = "// Whispir\nconst q = new URLSearchParams();\nq.append('apikey', key);\n";
    assert_eq!(builder_keys("a.js", built), ["'apikey' = key"]);
    let borrowed = "// Whispir\nconst q = url.searchParams;\nq.set('apikey', key);\n";
    assert_eq!(builder_keys("a.js", borrowed), ["'apikey' = key"]);
    // A name that holds something else is no query.
    let other = "// Whispir\nconst q = new Map();\nq.set('apikey', key);\n";
    assert_eq!(builder_keys("a.js", other), Vec::<String>::new());
}

#[test]
fn a_query_encoded_in_an_f_string_field_is_a_builder_key() {
    let python = "import requests\nrequests.get(f\"https://api.au.whispir.com/m?{urlencode({'apikey': key})}\")\n";
    assert_eq!(builder_keys("a.py", python), ["'apikey' = key"]);
    let call = "# Whispir\nurl = f\"/m?{{id}}&{urlencode(dict(apikey=self.key))}\"\n";
    assert_eq!(builder_keys("a.py", call), ["apikey = self.key"]);
    // Text of a string that is no f-string, and another vendor's host, are not.
    for other in [
        "# Whispir\nurl = \"/m?{urlencode({'apikey': key})}\"\n",
        "# Whispir\nurl = f\"https://api.example.com/m?{urlencode({'apikey': key})}\"\n",
    ] {
        assert_eq!(builder_keys("a.py", other), Vec::<String>::new(), "{other}");
    }
}

#[test]
fn a_name_before_an_f_string_field_is_looked_up_among_the_fields_tokens() {
    // `url` is bound far into the file: its token index is the file's, not the field's.
    let filler: String = (0..300).map(|i| format!("x{i} = {i}\n")).collect();
    let python = format!(
        "{filler}url = \"https://api.whispir.com/m\"\nr = requests.get(url + f\"?{{urlencode({{'apikey': k}})}}\")\n"
    );
    assert_eq!(builder_keys("a.py", &python), ["'apikey' = k"]);
}

#[test]
fn a_name_holds_the_literal_it_was_last_given_before_it_is_read() {
    let src = "def status():\n    url = \"https://api.au.whispir.com/status\"\n    return get(url)\n\
               def callbacks(k):\n    url = \"https://api.whispir.com/callbacks\"\n    return get(url, params={\"apikey\": k})\n";
    let file = SourceFile::new("a.py".into(), "a.py".into(), src.as_bytes().to_vec());
    let facts = analyze(&file, crate::lang::for_file_name("a.py"));
    let key = facts.params.iter().find(|p| p.shape == ParamShape::Builder);
    let host = key.and_then(|p| p.host).expect("a host for the key");
    assert_eq!(host.at, src.find("api.whispir.com").unwrap());
    assert_eq!(
        key.unwrap().target,
        super::Target::Host(crate::hosts::HostKind::Legacy)
    );
}

#[test]
fn a_query_encoded_in_a_template_literal_field_is_a_builder_key() {
    let js = "fetch(`https://api.au.whispir.com/m?${new URLSearchParams({ apikey: key })}`);\n";
    assert_eq!(builder_keys("a.js", js), ["apikey = key"]);
    // `{…}` without `$` is text in a template, and a quoted string interpolates nothing.
    for other in [
        "// Whispir\nfetch(`/m?{new URLSearchParams({ apikey: key })}`);\n",
        "// Whispir\nfetch('/m?${new URLSearchParams({ apikey: key })}');\n",
    ] {
        assert_eq!(builder_keys("a.js", other), Vec::<String>::new(), "{other}");
    }
}

#[test]
fn a_question_about_one_python_function_parses_that_function_alone() {
    let src = "import requests\n\ndef send(key):\n    url = 'https://api.whispir.com/m?apikey=' + key\n    return requests.get(url)\n\nOTHER = 1\n";
    let file = SourceFile::new("a.py".into(), "a.py".into(), src.as_bytes().to_vec());
    let lang = crate::lang::for_file_name("a.py");
    let facts = analyze(&file, lang);
    let at = src.find("url =").unwrap();
    let tree = facts.tree_around(&file, &[at]).expect("a tree");
    assert_eq!(tree.root_node().start_byte(), src.find("def").unwrap());
    assert!(facts.tree.get().is_none(), "the file was parsed whole");
    // Bytes of two statements: the file's tree answers.
    let whole = facts.tree_around(&file, &[0, at]).expect("a tree");
    assert_eq!(whole.root_node().start_byte(), 0);
    assert!(facts.tree.get().is_some());
}

#[test]
fn a_python_dict_call_passed_as_params_to_a_whispir_request_is_a_query_under_any_name() {
    for dict in [
        "dict(apikey=k, limit=5)",
        "dict(apikey=k)",
        "dict(\n        apikey=k,\n    )",
    ] {
        let python = format!(
            "def f(k):\n    q = {dict}\n    return requests.get('https://api.au.whispir.com/m', params=q)\n"
        );
        assert_eq!(builder_keys("a.py", &python), ["apikey = k"], "{python}");
    }
    // Another vendor's request, another callee, or not a keyword of the call: not Whispir's.
    for other in [
        "# Whispir\ndef f(k):\n    cfg = dict(apikey=k)\n    return requests.get('https://api.openweathermap.org/w', params=cfg)\n",
        "# Whispir\ndef f(k):\n    cfg = self.dict(apikey=k)\n    return requests.get('https://api.au.whispir.com/m', params=cfg)\n",
        "# Whispir\ndef f(k):\n    cfg = settings(apikey=k)\n    return requests.get('https://api.au.whispir.com/m', params=cfg)\n",
        "# Whispir\ndef f(k):\n    cfg = dict(apikey)\n    return requests.get('https://api.au.whispir.com/m', params=cfg)\n",
    ] {
        assert_eq!(builder_keys("a.py", other), Vec::<String>::new(), "{other}");
    }
}

#[test]
fn a_python_dict_passed_as_params_to_a_whispir_request_is_a_query_under_any_name() {
    for (call, name) in [
        (
            "requests.get('https://api.au.whispir.com/m', params=q)",
            "q",
        ),
        ("httpx.post(BASE + '/m', params=opts, json=body)", "opts"),
        (
            "session.get(\n        'https://api.whispir.com/m',\n        params=extra,\n    )",
            "extra",
        ),
        ("s.get('https://api.au.whispir.com/m', params=args)", "args"),
        (
            "client.request('GET', 'https://api.au.whispir.com/m', params=args)",
            "args",
        ),
    ] {
        let python = format!(
            "BASE = 'https://api.au.whispir.com'\n\ndef f(k, body):\n    {name} = {{'apikey': k, 'limit': 5}}\n    return {call}\n"
        );
        assert_eq!(builder_keys("a.py", &python), ["'apikey' = k"], "{python}");
    }
    // The request goes to another vendor, or to a host the file does not show, the name is
    // read by something else first, or the dict is not a plain name's: not Whispir's query.
    for other in [
        "# Whispir\ndef f(k):\n    cfg = {'apikey': k}\n    return requests.get('https://api.openweathermap.org/w', params=cfg)\n",
        "# Whispir\ndef f(k, url):\n    cfg = {'apikey': k}\n    return requests.get(url, params=cfg)\n",
        "# Whispir\ndef f(k):\n    cfg = {'apikey': k}\n    log(cfg)\n    return requests.get('https://api.au.whispir.com/m', params=cfg)\n",
        "# Whispir\ndef f(k):\n    cfg = {'apikey': k}\n    return requests.post('https://api.au.whispir.com/m', json=cfg)\n",
        "# Whispir\ndef f(k):\n    self.cfg = {'apikey': k}\n    return requests.get('https://api.au.whispir.com/m', params=cfg)\n",
        "# Whispir\ndef f(k):\n    cfg = {'apikey': k}\n    return render('https://api.au.whispir.com/m', params=cfg)\n",
    ] {
        assert_eq!(builder_keys("a.py", other), Vec::<String>::new(), "{other}");
    }
}

/// The `apikey` fragments (text pieces with no URL in sight) found in `src`.
fn fragment_count(name: &str, src: &str) -> usize {
    let file = SourceFile::new(name.into(), name.into(), src.as_bytes().to_vec());
    let facts = analyze(&file, crate::lang::for_file_name(name));
    facts
        .params
        .iter()
        .filter(|p| p.shape == ParamShape::Fragment)
        .count()
}

#[test]
fn a_key_piece_written_to_a_log_is_not_a_query_parameter() {
    let head = "const BASE = 'https://api.au.whispir.com';\n";
    for logged in [
        "console.log('apikey=' + v);\n",
        "console.log('rotating', 'apikey=' + v);\n",
        "logger.info(\"apikey=%s\", v);\n",
    ] {
        assert_eq!(
            fragment_count("a.js", &format!("{head}{logged}")),
            0,
            "{logged}"
        );
    }
    // Joined to a query, or passed to anything else, it is one.
    for sent in [
        "fetch(url + '?' + 'apikey=' + v);\n",
        "fetch('apikey=' + v);\n",
        "console.log(fetch(url + '?' + 'apikey=' + v));\n",
    ] {
        assert_eq!(
            fragment_count("a.js", &format!("{head}{sent}")),
            1,
            "{sent}"
        );
    }
}
