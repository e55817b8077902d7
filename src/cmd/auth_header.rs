//! `whispir-migrate auth-header`: the work (and the care with the password) is in `auth`.

use crate::ExitStatus;
use crate::cli::AuthHeaderArgs;

pub(crate) fn run(args: &AuthHeaderArgs) -> anyhow::Result<ExitStatus> {
    Ok(crate::auth::run(args)?)
}
