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

pub use crate::codes::{RuleCode, Severity};
pub use crate::request::{BaseUrlPolicy, RuleContext};

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

impl RuleCode {
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
