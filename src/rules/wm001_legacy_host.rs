//! WM001 legacy-host: a retired region-less gateway host.

use super::{RuleCode, RuleContext, RuleInfo, Severity};
use crate::detect::{Facts, HostUse};
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::hosts::{HostKind, Region};
use crate::request::host::host_edits;
use crate::source::SourceFile;
use std::sync::Arc;

pub const RULE: RuleInfo = RuleInfo {
    code: RuleCode::WM001,
    name: "legacy-host",
    severity: Severity::Error,
    summary: "Retired region-less Whispir gateway host (api.whispir.com)",
    explanation: "\
## What it finds

A retired region-less gateway: `api.whispir.com`, `api.app.whispir.it` or
`api-sni.whispir.com`, in a URL (credentials before the host included:
`https://user:password@api.whispir.com/…`, whose password WM003 reports), a host setting, a
server list, a Postman `host` array or an options object.

In recorded HTTP traffic (VCR cassettes, HAR files, WireMock mappings) a recorded request is
migrated like any request, host and key together, so that replay matches the migrated client;
the legacy hosts inside recorded responses are the server's output and make one note per file
(\"recorded against the retired gateway; re-record\"), never rewritten.

## Why

Whispir retired the region-less gateway (sunset announced for 30 April 2019). Every account
now belongs to a region and is served by `https://api.<region>.whispir.com`:
au, ap, ap1, nz, us, it, education.

## Fix

The host becomes `api.<region>.whispir.com` for the region given with `--region`,
`WHISPIR_REGION` or `region = \"…\"` in the config file; `http://` and port 80 are upgraded
with it. Without a region no fix is offered.

## Example

Before:

    const url = 'https://api.whispir.com/messages';

After (`--region au`):

    const url = 'https://api.au.whispir.com/messages';
",
    check,
};

fn check(facts: &Facts, file: &SourceFile, ctx: &RuleContext) -> Vec<Diagnostic> {
    // One text for every finding of the file (a dump can hold hundreds of thousands).
    let help: Arc<str> = match ctx.region {
        Some(region) => format!("use the regional host `{}`", region.host()).into(),
        None => format!(
            "use `api.<region>.whispir.com` for your account's region ({}); pass `--region` to get a fix",
            Region::labels()
        )
        .into(),
    };
    let title = ctx.region.map(fix_title);
    facts
        .hosts
        .iter()
        .filter(|h| h.kind == HostKind::Legacy)
        .map(|h| {
            let shown = String::from_utf8_lossy(&file.bytes[h.host.clone()]).into_owned();
            let is_array = file.bytes.get(h.host.start) == Some(&b'[');
            let shown = if is_array {
                "`api.whispir.com` in a Postman host array".to_string()
            } else {
                format!("`{shown}`")
            };
            let d = Diagnostic::new(
                RuleCode::WM001,
                h.host.clone(),
                format!("Retired Whispir gateway {shown}"),
            )
            .with_label("retired gateway host")
            .with_help(help.clone());
            match (ctx.region, &title) {
                (Some(region), Some(title)) => {
                    d.with_fix(Some(host_fix(file, h, region, title.clone())))
                }
                _ => d,
            }
        })
        .collect()
}

/// `Replace with `api.au.whispir.com``: one text for all of a file's host fixes.
fn fix_title(region: Region) -> Arc<str> {
    format!("Replace with `{}`", region.host()).into()
}

/// Rewrites the host (and an `http` scheme or port 80 with it) for `region`.
fn host_fix(file: &SourceFile, h: &HostUse, region: Region, title: Arc<str>) -> Fix {
    Fix {
        applicability: Applicability::Safe,
        message: title,
        edits: host_edits(file, h, region).into(),
    }
}
