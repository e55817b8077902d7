//! WM003 hardcoded-api-key: the key value itself is written in the file.

use super::{RuleCode, RuleContext, RuleInfo, Severity};
use crate::detect::Facts;
use crate::diagnostic::Diagnostic;
use crate::secrets::ValueKind;
use crate::source::SourceFile;

pub const RULE: RuleInfo = RuleInfo {
    code: RuleCode::WM003,
    name: "hardcoded-api-key",
    severity: Severity::Warning,
    summary: "Whispir API key value written in the file",
    explanation: "\
## What it finds

A Whispir API key value written as a literal where the key is sent: in an `apikey` query
parameter or query builder. Any value counts unless it is a recognised placeholder (`<key>`,
`[key]`, `{key}`, `${KEY}`, `$KEY`, `%s`, `{{apikey}}`, words such as `YOUR_API_KEY_HERE`, one
repeated character such as `xxxxxxxx`) or a variable: a real key can look like anything. The
same test decides what is redacted in every output. The value is never printed: its first four
characters then `…`, or `…` alone under 8 characters (unless `--show-secrets`).

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

fn check(facts: &Facts, file: &SourceFile, _ctx: &RuleContext) -> Vec<Diagnostic> {
    facts
        .params
        .iter()
        .filter(|p| p.value_kind == ValueKind::Literal)
        .map(|p| {
            let value = String::from_utf8_lossy(&file.bytes[p.value.clone()]);
            Diagnostic::new(RuleCode::WM003, p.value.clone(), format!("Hard-coded Whispir API key `{value}`"))
                .with_label("API key value")
                .with_help("read the key from the environment or a secret store, and rotate this one: it is in the repository")
        })
        .collect()
}
