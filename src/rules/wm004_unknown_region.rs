//! WM004 unknown-region: `api.<label>.whispir.com` with a label that is no region.

use super::{RuleCode, RuleContext, RuleInfo, Severity};
use crate::detect::Facts;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::hosts::{HostKind, Region, nearest_region};
use crate::source::SourceFile;

pub const RULE: RuleInfo = RuleInfo {
    code: RuleCode::WM004,
    name: "unknown-region",
    severity: Severity::Error,
    summary: "Whispir API host with an unknown region label",
    explanation: "\
## What it finds

A host `api.<label>.whispir.com` whose label is none of the regions au, ap, ap1, nz, us, it,
education (or edu). Placeholders such as `api.<region>.whispir.com`, `api.{0}.whispir.com`
and `api.region.whispir.com` are not reported.

## Why

No such gateway exists: requests fail to resolve or reach the wrong place.

## Fix

When exactly one region is closest to the label (a typo such as `aus`), the label is
replaced by it. The fix is unsafe: only you know which region the account is in.

## Example

Before:

    base_url: https://api.aus.whispir.com

After:

    base_url: https://api.au.whispir.com
",
    check,
};

fn check(facts: &Facts, file: &SourceFile, _ctx: &RuleContext) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for h in &facts.hosts {
        let HostKind::UnknownRegion(label) = &h.kind else {
            continue;
        };
        let host = String::from_utf8_lossy(&file.bytes[h.host.clone()]);
        let d = Diagnostic::new(
            RuleCode::WM004,
            h.host.clone(),
            format!("Unknown Whispir region `{label}` in `{host}`"),
        )
        .with_label("no such region");
        let d = match nearest_region(label) {
            Some(r) => {
                // `api.` is 4 bytes: the label starts right after it.
                let label_range = h.host.start + 4..h.host.start + 4 + label.len();
                d.with_help(format!("did you mean `{}`?", r.host()))
                    .with_fix(Some(Fix {
                        applicability: Applicability::Unsafe,
                        message: format!("Replace region `{label}` with `{}`", r.label()).into(),
                        edits: [Edit::replace(label_range, r.label())].into(),
                    }))
            }
            None => d.with_help(format!("known regions: {}", Region::labels())),
        };
        out.push(d);
    }
    out
}
