//! What `check` and `fix` read — the walked paths and standard input — and the steps both
//! apply the same way: `--force-exclude` (also for standard input), suppression errors (an
//! unknown code in `ignore[…]` is an error) and the baseline.

use super::resolve::Resolved;
use crate::baseline::{self, Baseline};
use crate::engine::{self, BaselineStats, Outcome, RunInput, StdinText};
use crate::own_output::OwnFiles;
use anyhow::Context as _;
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;

pub(crate) struct Input {
    /// Standard input, read once: `fix -` prints it back when there is nothing to fix.
    pub stdin: Option<StdinText>,
    /// The baseline (`--baseline` or the config's), loaded before any scanning so a bad file
    /// stops the run at once.
    baseline: Option<(PathBuf, Baseline)>,
}

impl Input {
    pub fn read(resolved: &Resolved) -> anyhow::Result<Input> {
        let baseline = match &resolved.baseline {
            Some(path) => Some((path.clone(), baseline::load(path)?)),
            None => None,
        };
        let stdin = match &resolved.stdin_name {
            Some(name) => {
                let mut bytes = Vec::new();
                engine::read_capped(std::io::stdin(), &mut bytes)
                    .context("reading standard input")?;
                Some(StdinText {
                    name: name.clone(),
                    bytes,
                })
            }
            None => None,
        };
        Ok(Input { stdin, baseline })
    }

    /// Scans every input; suppression problems are among the outcome's errors.
    pub fn scan(
        &self,
        resolved: &Resolved,
        own_files: OwnFiles,
        progress: Option<&AtomicUsize>,
    ) -> anyhow::Result<Outcome> {
        let input = RunInput {
            paths: &resolved.paths,
            walk: resolved.walk.clone(),
            stdin: self.stdin.as_ref(),
            own_files,
        };
        Ok(engine::run(&input, &resolved.settings, progress)?)
    }

    /// Hides the findings the baseline accepts from what is reported and counted.
    pub fn apply_baseline(&self, outcome: &mut Outcome) {
        if let Some((path, b)) = &self.baseline {
            let (hidden, stale) = baseline::apply(b, path, outcome);
            outcome.baseline = Some(BaselineStats { hidden, stale });
        }
    }
}
