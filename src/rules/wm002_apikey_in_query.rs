//! WM002 apikey-in-query: the API key travels as an `apikey` query parameter.

use super::{RuleCode, RuleContext, RuleInfo, Severity};
use crate::detect::{ApiKeyParam, Facts, ParamShape, Target};
use crate::diagnostic::Diagnostic;
use crate::hosts::HostKind;
use crate::request::plan::{Plan, plan};
use crate::source::SourceFile;

pub const RULE: RuleInfo = RuleInfo {
    code: RuleCode::WM002,
    name: "apikey-in-query",
    severity: Severity::Error,
    summary: "API key sent as an `apikey` query parameter instead of an `x-api-key` header",
    explanation: "\
## What it finds

An `apikey` query parameter (any case, first or later position) sent to a Whispir API host,
retired or regional: in a literal URL, a concatenation, a template, f- or format string, a
relative path in a file that talks to Whispir, a query builder (`params={\"apikey\": k}`,
axios `params`, `qs`, `.query(&[(\"apikey\", k)])`, `addQueryParameter`, `queryParam`,
`URLSearchParams({ apikey: k })`, `url.searchParams.set('apikey', k)`, Go `url.Values`,
Ruby `URI.encode_www_form(apikey: k)`, Faraday `req.params['apikey'] = k` and the query
Faraday's `get`, `head` and `delete` take second (`conn.get('/m', apikey: k)`), C#
`HttpUtility.ParseQueryString` entries (`query[\"apikey\"] = k`) and
`QueryHelpers.AddQueryString(url, \"apikey\", k)`, ColdFusion's
`<cfhttpparam type=\"url\" name=\"apikey\">`, `cfhttpparam(…)` and `addParam(…)`), the
options of a .NET query-string authentication handler (`Name = \"apikey\"` for a
`QueryString…` handler, or with `Location = ApiKeyLocation.QueryString`), a Postman `query`
entry, an OpenAPI/Swagger security scheme with `in: query` and `name: apikey`, or a recorded
request (a VCR cassette's `uri`, a HAR entry's `url` and `queryString`, a WireMock mapping's
`url`, `urlPattern` or `queryParameters`). Query builders count only in a file that talks to Whispir:
another vendor's `apikey` elsewhere is not reported.

## Why

The regional gateway accepts the API key only in the `x-api-key` request header. A request
that still sends `?apikey=` without the header is answered `403 Forbidden`. Keys in URLs also
end up in proxy and server logs.

## Fix

Remove the parameter (the next `&` becomes `?`) and send the same value in an `x-api-key`
header of the same request (in ColdFusion, a `<cfhttpparam type=\"header\">` of the same
`<cfhttp>`; a `type=\"url\"` parameter simply becomes that header parameter). When the request already sends `x-api-key`, the parameter is
simply dropped. When the header cannot be placed safely, the finding says which header line
to add and where.

A recorded request gets the header where its format records headers — VCR `X-Api-Key:
[\"KEY\"]`, HAR `{\"name\": \"x-api-key\", \"value\": \"KEY\"}`, WireMock `\"x-api-key\":
{\"equalTo\": \"KEY\"}` — with the recorded value unchanged, in the same fix that moves its
retired host, so that replay matches the migrated client. A WireMock `urlPattern` that ends
with the parameter gets a matcher of the value's own pattern (`{\"matches\": \"[0-9a-f]{32}\"}`);
one that goes on after it is left to a person.

A request on an axios instance made once in the file (`api = axios.create({…})`) takes its
headers like `axios` itself; when the instance already sends `x-api-key` with the same key,
the parameter just goes.

A request to the retired gateway moves its host in the same fix (with `--region`). When that
host is a base URL bound in the same file and read by several requests, the fix is one for
the binding and all of them (`--unsafe-fixes`), offered only when every use of the binding is
such a request and each can take the header (a use that builds a local read only by them
counts as theirs; commented-out code does not count); otherwise (a use outside them, in this
file or another, or more than 64 requests on one base) nothing in the group moves and the
findings name the lines that block it.

## Example

Before:

    fetch(`https://api.au.whispir.com/messages?apikey=${key}`, { method: 'POST' })

After:

    fetch(`https://api.au.whispir.com/messages`, { method: 'POST', headers: { 'x-api-key': key } })
",
    check,
};

fn check(facts: &Facts, file: &SourceFile, ctx: &RuleContext) -> Vec<Diagnostic> {
    let lang = crate::lang::for_file_name(&file.file_name());
    facts
        .params
        .iter()
        .map(|p| diagnostic(p, facts, file, lang, ctx))
        .collect()
}

/// The keyword of the request body (`data`) that the parameter is encoded into, if it is.
fn body_keyword(
    p: &ApiKeyParam,
    facts: &Facts,
    lang: &dyn crate::lang::Language,
    file: &SourceFile,
) -> Option<String> {
    // Only a query builder's entry can be encoded into a body; a URL's parameter is not
    // (and looking for the dict around each of thousands of URLs in a list would read the
    // list once per URL).
    (lang.request_style() == crate::lang::RequestStyle::Python
        && p.shape == crate::detect::ParamShape::Builder)
        .then(|| {
            crate::request::place::python_urlencoded_body(
                crate::request::place::Script::of_facts(&file.bytes, facts),
                p.span.start,
            )
        })
        .flatten()
}

fn diagnostic(
    p: &ApiKeyParam,
    facts: &Facts,
    file: &SourceFile,
    lang: &dyn crate::lang::Language,
    ctx: &RuleContext,
) -> Diagnostic {
    let target = match &p.target {
        Target::Host(HostKind::Legacy) => "the retired gateway",
        Target::Host(HostKind::Regional(_)) => "a regional Whispir host",
        Target::Host(_) => "a Whispir host",
        Target::WhispirContext => "the Whispir API",
    };
    let in_body = body_keyword(p, facts, lang, file);
    let (message, label) = match p.shape {
        ParamShape::Url | ParamShape::Fragment => (
            format!("API key sent to {target} as `apikey` query parameter"),
            "`apikey` in the query",
        ),
        // Python's `data=urlencode({"apikey": k, …})`: a form field of the body, not the query.
        ParamShape::Builder if let Some(keyword) = &in_body => (
            format!(
                "API key sent to {target} as an `apikey` field of the request body (`{keyword}=`)"
            ),
            "`apikey` in the body",
        ),
        ParamShape::Builder => (
            format!("API key sent to {target} as `apikey` query parameter by a query builder"),
            "query parameter `apikey`",
        ),
        ParamShape::SecurityScheme => (
            "API key declared as `apikey` query parameter (`in: query`)".to_string(),
            "security scheme in the query",
        ),
    };
    let d = Diagnostic::new(RuleCode::WM002, p.span.clone(), message).with_label(label);
    match plan(file, facts, lang, p, ctx) {
        Plan::Fix { fix, through, key } => {
            let help = match p.shape {
                ParamShape::SecurityScheme => {
                    "declare the key `in: header` with `name: x-api-key`".to_string()
                }
                _ => format!("send the key as header `x-api-key: {key}` and drop the parameter"),
            };
            let mut d = d.with_help(help).with_fix(Some(fix));
            d.through_variable = through;
            d
        }
        Plan::Manual { header, reason } => {
            let entry = if in_body.is_some() {
                "field"
            } else {
                "parameter"
            };
            d.with_help(format!(
                "add `{header}` to this request, then remove the {entry} (not automatic: {reason})"
            ))
        }
        Plan::Instruction(help) => d.with_help(help),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostics(name: &str, src: &str) -> Vec<Diagnostic> {
        let file = SourceFile::new(name.into(), name.into(), src.as_bytes().to_vec());
        let facts = crate::detect::analyze(&file, crate::lang::for_file_name(name));
        let ctx = RuleContext {
            region: None,
            base_urls: None,
            closed_builders: None,
        };
        check(&facts, &file, &ctx)
    }

    #[test]
    fn a_key_urlencoded_into_the_body_is_called_a_field_of_the_body() {
        let body = "import requests\n# Whispir\ndef f(k):\n    return requests.post(B, data=urlencode({'apikey': k, 'n': 1}))\n";
        let d = &diagnostics("a.py", body)[0];
        assert_eq!(
            d.message,
            "API key sent to the Whispir API as an `apikey` field of the request body (`data=`)"
        );
        assert_eq!(d.label, "`apikey` in the body");
        let help = d.help.as_deref().unwrap();
        assert!(help.contains("then remove the field"), "{help}");
        assert!(!help.contains("remove the parameter"), "{help}");
        // Through the variable the body is assigned to: the same, and its fix says so.
        let held = "import requests\n# Whispir\ndef f(k):\n    body = urlencode({'apikey': k, 'n': 1})\n    return requests.post(B, data=body)\n";
        let d = &diagnostics("a.py", held)[0];
        assert!(
            d.message.ends_with("field of the request body (`data=`)"),
            "{}",
            d.message
        );
        let fix = d.fix.as_ref().expect("a fix");
        assert!(
            fix.message
                .ends_with("through the variable holding the request body)")
        );
        // Encoded into the URL, it is the query.
        let query = "import requests\n# Whispir\ndef f(k):\n    return requests.get(B + '?' + urlencode({'apikey': k, 'n': 1}))\n";
        assert!(
            diagnostics("a.py", query)[0]
                .message
                .contains("query parameter")
        );
    }

    #[test]
    fn a_fix_through_a_variable_names_what_the_variable_holds() {
        let through = |held: &str| {
            let src = format!(
                "import requests\n# Whispir\ndef f(k):\n    {held}\n    return requests.get(u)\n"
            );
            let d = &diagnostics("a.py", &src)[0];
            d.fix.as_ref().expect("a fix").message.to_string()
        };
        let url = through("u = B + '?' + urlencode({'apikey': k, 'n': 1})");
        assert!(
            url.contains("through the variable holding the URL"),
            "{url}"
        );
        let dict = "import requests\n# Whispir\ndef f(k):\n    query = {'apikey': k, 'n': 1}\n    return requests.get(B, params=query)\n";
        let fix = diagnostics("a.py", dict)[0].fix.clone().expect("a fix");
        assert!(
            fix.message
                .contains("through the variable holding the query"),
            "{}",
            fix.message
        );
    }
}
