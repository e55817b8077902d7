//! `auth-header` (to be written).

use crate::ExitStatus;
use crate::cli::AuthHeaderArgs;

pub fn run(_args: &AuthHeaderArgs) -> Result<ExitStatus, String> {
    Err("auth-header is not implemented yet".into())
}
