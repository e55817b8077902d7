//! WM003 hardcoded-api-key: the key value itself is written in the file.

use super::{RuleCode, RuleContext, RuleInfo, Severity};
use crate::detect::Facts;
use crate::diagnostic::Diagnostic;
use crate::secrets::{KeyPlace, ValueKind};
use crate::source::SourceFile;

pub const RULE: RuleInfo = RuleInfo {
    code: RuleCode::WM003,
    name: "hardcoded-api-key",
    severity: Severity::Warning,
    summary: "Whispir API key or password written in the file",
    explanation: "\
## What it finds

A Whispir API key (or password) written as a literal wherever it lives:

- an `apikey` query parameter or query builder;
- an `x-api-key` header in any form (`-H \"x-api-key: …\"`, `headers: {'x-api-key': …}`,
  `.header(\"x-api-key\", …)`, `setRequestProperty`, a raw header line) in a file that talks to
  Whispir — also after `fix` moved the key there from the query;
- a settings entry whose name says it is the Whispir key (`WHISPIR_API_KEY=`,
  `whispir.api.key=`, `whispirApiKey:`, `<add key=\"Whispir:ApiKey\" value=\"…\"/>`), or an
  `ApiKey`/`api_key` entry inside a JSON/YAML object, or an INI section, whose key path names
  Whispir (`\"Whispir\": {\"ApiKey\": …}`);
- the password of a URL to a Whispir API host (`https://user:password@api.au.whispir.com/…`).

Any value counts unless it is empty, an environment reference or template (`${KEY}`, `$KEY`,
`%s`, `{{apikey}}`, `process.env.KEY`), or a recognised placeholder (`<key>`, `<your key>`,
`[your_api_key]`, `{key}`, words such as `YOUR_API_KEY_HERE`, one repeated character such as
`xxxxxxxx`): a real key can look like anything. The same test decides what is redacted in
every output. The value is never printed: its first four characters then `…`, or `…` alone
under 8 characters (unless `--show-secrets`). `fix --report` lists each distinct key once
under \"Rotate these keys\", with its locations.

## Why

A key in source control is readable by everyone with access to the repository and its
history. The key moves to the `x-api-key` header during the migration anyway: read it from the
environment or a secret store then, and rotate the exposed one.

## Fix

None: where the key should come from is your decision.

## Example

Before:

    WHISPIR_URL = \"https://api.au.whispir.com/messages?apikey=9f86d081884c7d659a2feaa0c55ad015\"

After:

    WHISPIR_URL = \"https://api.au.whispir.com/messages\"
    headers = {\"x-api-key\": os.environ[\"WHISPIR_API_KEY\"]}
",
    check,
};

/// Where a literal sits, for the label.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Key(KeyPlace),
    Url,
}

fn check(facts: &Facts, file: &SourceFile, _ctx: &RuleContext) -> Vec<Diagnostic> {
    let in_query = facts
        .params
        .iter()
        .filter(|p| p.value_kind == ValueKind::Literal)
        .map(|p| (p.value.clone(), None::<Place>));
    // An `x-api-key` header is Whispir's only in a file that talks to Whispir; a settings
    // entry says so by its name or key path.
    let elsewhere = facts
        .secrets
        .keys()
        .iter()
        .filter(|(_, place)| *place == KeyPlace::Setting || facts.whispir_context)
        .map(|(range, place)| (range.clone(), Some(Place::Key(*place))));
    let in_urls = facts
        .url_credentials
        .iter()
        .map(|c| (c.clone(), Some(Place::Url)));
    // The values reported so far, by (start, end). They do not overlap, so their ends rise
    // with their starts: of those starting before a value ends, only the last can reach
    // into it. One look-up per value, where a scan of all before was quadratic in a file
    // of many literal keys.
    let mut seen: std::collections::BTreeSet<(usize, usize)> = Default::default();
    let mut out = Vec::new();
    for (value, place) in in_query.chain(elsewhere).chain(in_urls) {
        if seen
            .range(..(value.end, 0))
            .next_back()
            .is_some_and(|&(start, end)| start < value.end && value.start < end)
        {
            continue;
        }
        seen.insert((value.start, value.end));
        let text = String::from_utf8_lossy(&file.bytes[value.clone()]);
        let what = if place == Some(Place::Url) {
            "Hard-coded credentials in a Whispir API URL"
        } else {
            "Hard-coded Whispir API key"
        };
        let label = match place {
            None => "API key value",
            Some(Place::Key(KeyPlace::Header)) => "API key value in the `x-api-key` header",
            Some(Place::Key(KeyPlace::Setting)) => "API key value in a settings entry",
            Some(Place::Url) => "credentials in the URL",
        };
        out.push(
            Diagnostic::new(RuleCode::WM003, value, format!("{what} `{text}`"))
                .with_label(label)
                .with_help(if place == Some(Place::Url) {
                    "send the credentials in an `Authorization: Basic` header built from the environment or a secret store (`whispir-migrate auth-header`), and change this password: it is in the repository"
                } else {
                    "read the key from the environment or a secret store, and rotate this one: it is in the repository"
                }),
        );
    }
    out
}
