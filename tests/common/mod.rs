//! Helpers shared by the integration test crates (each `tests/*.rs` that says `mod common;`).

use std::process::{Child, Command, Output};
use std::sync::mpsc;
use std::time::Duration;

/// Waits for `child` to finish, or kills it and fails the test after 60 s: a hang becomes a
/// clear failure instead of a CI run that never ends.
pub fn wait_or_fail(child: Child, what: &str) -> Output {
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(out) => out.unwrap_or_else(|e| panic!("{what}: {e}")),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("{what} did not finish within 60 s (hang?)");
        }
    }
}
