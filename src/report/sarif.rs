//! SARIF 2.1.0 (to be written).

use super::ReportOptions;
use crate::engine::Outcome;
use std::io::{self, Write};

pub fn write(out: &mut dyn Write, _outcome: &Outcome, _opts: &ReportOptions) -> io::Result<()> {
    writeln!(out, "{{}}")
}
