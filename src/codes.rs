//! The bottom of the tool: rule codes and severities, which every other layer names.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// Worth knowing, not a request to change (legacy hosts quoted by recorded responses).
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
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
