//! The rule registry. Each rule lives in its own module with its code, name, default
//! severity, one-line summary, long explanation, and the function that turns detected
//! facts into diagnostics. Adding a rule means adding a module and one line to `ALL`.

pub mod wm001_legacy_host;
pub mod wm002_apikey_in_query;
pub mod wm003_hardcoded_api_key;
pub mod wm004_unknown_region;
pub mod wm005_insecure_scheme;

use crate::detect::Facts;
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Everything the tool knows about one rule, independent of any file.
pub struct RuleInfo {
    pub code: RuleCode,
    pub name: &'static str,
    pub severity: Severity,
    /// One line, used by `rules` and SARIF short descriptions.
    pub summary: &'static str,
    /// Markdown-ish text shown by `explain`: why, what is flagged, the fix, before/after.
    pub explanation: &'static str,
    /// Turns the facts detected in one file into this rule's diagnostics.
    pub check: fn(&Facts, &SourceFile, &RuleContext) -> Vec<Diagnostic>,
}

/// Settings rules need that do not come from the file itself.
#[derive(Debug, Clone, Default)]
pub struct RuleContext {
    /// The region label chosen with `--region`, `WHISPIR_REGION` or the config file.
    pub region: Option<crate::hosts::Region>,
    /// What the whole run allows for base URLs; `None` until the run has been scanned.
    pub base_urls: Option<BaseUrlPolicy>,
}

/// Moving a base URL (a constant, a settings entry) moves every request built on it, and
/// those the tool cannot see may still send the key in the query. So its host fix is safe
/// only in a run over the whole repository that leaves no key in a query (SPEC).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaseUrlPolicy {
    /// The run walked one repository from its root (not a list of files, not a subfolder).
    pub whole_repository: bool,
    /// `path:line` of each key-in-query finding that plain `fix` leaves in place.
    pub sites: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleCode {
    WM001,
    WM002,
    WM003,
    WM004,
    WM005,
}

impl RuleCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleCode::WM001 => "WM001",
            RuleCode::WM002 => "WM002",
            RuleCode::WM003 => "WM003",
            RuleCode::WM004 => "WM004",
            RuleCode::WM005 => "WM005",
        }
    }

    /// Parses a code such as `WM002` (case-insensitively) or a rule name such as
    /// `apikey-in-query`.
    pub fn parse(text: &str) -> Option<RuleCode> {
        let t = text.trim();
        ALL.iter()
            .find(|r| r.code.as_str().eq_ignore_ascii_case(t) || r.name.eq_ignore_ascii_case(t))
            .map(|r| r.code)
    }

    pub fn info(self) -> &'static RuleInfo {
        ALL.iter()
            .find(|r| r.code == self)
            .expect("every code is registered")
    }
}

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for RuleCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

pub static ALL: &[RuleInfo] = &[
    wm001_legacy_host::RULE,
    wm002_apikey_in_query::RULE,
    wm003_hardcoded_api_key::RULE,
    wm004_unknown_region::RULE,
    wm005_insecure_scheme::RULE,
];

/// The comma-separated list of known codes, for error messages.
pub fn known_codes() -> String {
    ALL.iter()
        .map(|r| r.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
