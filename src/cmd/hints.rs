//! What the summary tells a user about fixes they did not get because of a missing flag.

use crate::codes::RuleCode;
use crate::engine::{Outcome, Settings};

/// Retired hosts found with no region given: none of them can be fixed without `--region`.
/// (With a region most get a safe fix; a host whose request cannot take the key's header,
/// or a base URL of a partial run, stays manual or unsafe. Telling those apart would mean
/// analysing every such file a second time, which is what `fix --region` does.)
pub(crate) fn fixes_needing_region(outcome: &Outcome, settings: &Settings) -> usize {
    if settings.rules.region.is_some() {
        return 0;
    }
    outcome
        .reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| d.code == RuleCode::WM001 && d.fix.is_none())
        .count()
}
