//! WM005 insecure-scheme: plain `http://` to a Whispir API host.

use super::{RuleCode, RuleContext, RuleInfo, Severity};
use crate::detect::Facts;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::source::SourceFile;

pub const RULE: RuleInfo = RuleInfo {
    code: RuleCode::WM005,
    name: "insecure-scheme",
    severity: Severity::Warning,
    summary: "Plain http:// to a Whispir API host",
    explanation: "\
## What it finds

`http://` in front of a Whispir API host, retired or regional.

## Why

The regional gateway refuses plain HTTP (403), and over HTTP the `Authorization: Basic` header
and the API key cross the network readable by anyone on the path.

## Fix

`http` becomes `https` (safe).

## Example

Before:

    curl http://api.au.whispir.com/messages -H \"x-api-key: $KEY\"

After:

    curl https://api.au.whispir.com/messages -H \"x-api-key: $KEY\"
",
    check,
};

fn check(facts: &Facts, file: &SourceFile, _ctx: &RuleContext) -> Vec<Diagnostic> {
    facts
        .hosts
        .iter()
        .filter(|h| h.insecure && h.kind.is_api())
        .filter_map(|h| {
            let scheme = h.scheme.clone()?;
            let host = String::from_utf8_lossy(&file.bytes[h.host.clone()]);
            Some(
                Diagnostic::new(
                    RuleCode::WM005,
                    scheme.clone(),
                    format!("Plain `http://` to Whispir API host `{host}`"),
                )
                .with_label("insecure scheme")
                .with_help("use `https://`")
                .with_fix(Some(Fix {
                    applicability: Applicability::Safe,
                    message: "Use `https`".into(),
                    edits: [Edit::replace(scheme, "https")].into(),
                })),
            )
        })
        .collect()
}
