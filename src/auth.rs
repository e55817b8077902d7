//! `auth-header`: prints the `Authorization: Basic …` header every Whispir request carries.
//!
//! The password comes from a no-echo prompt on the terminal or, with `--password-stdin`, from
//! the first line of standard input. It is never written anywhere but into the header on
//! standard output: not to disk, not to logs, not into error messages. The buffers that held
//! it are overwritten before they are freed.

use crate::ExitStatus;
use crate::cli::AuthHeaderArgs;
use base64::Engine as _;
use std::io::{BufRead, IsTerminal, Write};

/// Printed on standard error after the header.
const REMINDER: &str = "note: regenerate this header whenever the account password changes; \
the API key travels separately, in an `x-api-key` header (never `?apikey=` in the URL)";

/// Why no header was printed. No variant holds the password or the user name (which may
/// well be `user:password`).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the username is empty")]
    EmptyUsername,
    #[error(
        "the username contains `:`, which HTTP Basic authentication cannot carry \
         (the first `:` separates the user name from the password); pass the user name \
         alone with `--username` and give the password at the prompt or with \
         `--password-stdin`"
    )]
    ColonInUsername,
    #[error("the username contains a control character")]
    ControlCharacterInUsername,
    #[error(
        "standard input is not a terminal, so the password cannot be prompted for; \
         pipe it in and pass `--password-stdin`"
    )]
    NoTerminal,
    #[error("the password is empty")]
    EmptyPassword,
    #[error("no password was entered")]
    NoPasswordEntered,
    #[error("interrupted")]
    Interrupted,
    #[error("reading the password from {from}: {cause}")]
    ReadPassword {
        from: &'static str,
        cause: std::io::Error,
    },
    #[error("writing the header to standard output: {0}")]
    WriteHeader(std::io::Error),
}

pub fn run(args: &AuthHeaderArgs) -> Result<ExitStatus, AuthError> {
    validate_username(&args.username)?;
    let password = if args.password_stdin {
        read_stdin_password()?
    } else if std::io::stdin().is_terminal() {
        prompt_password(&args.username)?
    } else {
        return Err(AuthError::NoTerminal);
    };
    if password.0.is_empty() {
        return Err(AuthError::EmptyPassword);
    }
    let line = header_line(&args.username, &password.0);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(line.0.as_slice())
        .and_then(|()| stdout.flush())
        .map_err(AuthError::WriteHeader)?;
    eprintln!("{REMINDER}");
    Ok(ExitStatus::Clean)
}

/// Basic authentication joins user and password with the first `:`, so a user name cannot
/// contain one. The name is not repeated in the message: it may well be `user:password`.
fn validate_username(username: &str) -> Result<(), AuthError> {
    if username.is_empty() {
        return Err(AuthError::EmptyUsername);
    }
    if username.contains(':') {
        return Err(AuthError::ColonInUsername);
    }
    if username.chars().any(char::is_control) {
        return Err(AuthError::ControlCharacterInUsername);
    }
    Ok(())
}

/// `Authorization: Basic <base64(user:password)>` and a newline.
fn header_line(username: &str, password: &[u8]) -> Secret {
    let mut credentials = Secret(Vec::with_capacity(username.len() + 1 + password.len()));
    credentials.0.extend_from_slice(username.as_bytes());
    credentials.0.push(b':');
    credentials.0.extend_from_slice(password);
    let encoded = Secret(
        base64::engine::general_purpose::STANDARD
            .encode(&credentials.0)
            .into_bytes(),
    );
    let mut line = Secret(Vec::with_capacity(encoded.0.len() + 24));
    line.0.extend_from_slice(b"Authorization: Basic ");
    line.0.extend_from_slice(&encoded.0);
    line.0.push(b'\n');
    line
}

/// The first line of standard input, without its `\n` or `\r\n`. Bytes, not text: a password
/// need not be UTF-8 to be sent.
fn read_stdin_password() -> Result<Secret, AuthError> {
    let mut line = Secret(Vec::new());
    std::io::stdin()
        .lock()
        .read_until(b'\n', &mut line.0)
        .map_err(|cause| AuthError::ReadPassword {
            from: "standard input",
            cause,
        })?;
    if line.0.last() == Some(&b'\n') {
        line.0.pop();
        if line.0.last() == Some(&b'\r') {
            line.0.pop();
        }
    }
    Ok(line)
}

/// A no-echo prompt on the terminal; the prompt itself goes to standard error.
fn prompt_password(username: &str) -> Result<Secret, AuthError> {
    let config = rpassword::ConfigBuilder::new()
        .output_writer(std::io::stderr())
        .build();
    let guard = interrupt::Deferred::new();
    let result =
        rpassword::prompt_password_with_config(format!("Password for {username}: "), config);
    // The terminal's echo is back on here, whatever happened.
    match result {
        Ok(p) => Ok(Secret(p.into_bytes())),
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
            guard.reraise();
            Err(AuthError::Interrupted)
        }
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Err(AuthError::NoPasswordEntered)
        }
        Err(cause) => Err(AuthError::ReadPassword {
            from: "the terminal",
            cause,
        }),
    }
}

/// Ctrl-C at the prompt. `rpassword` turns the terminal's signal keys off, reads Ctrl-C as a
/// character and then raises `SIGINT` itself, before it restores echo: with the default
/// disposition the process would die with the terminal still silent. So `SIGINT` is ignored
/// while the prompt is up, and re-raised (default disposition) once echo is back.
#[cfg(unix)]
mod interrupt {
    use std::ffi::c_int;

    const SIGINT: c_int = 2;
    const SIG_ERR: usize = usize::MAX;
    const SIG_IGN: usize = 1;

    unsafe extern "C" {
        fn signal(signum: c_int, handler: usize) -> usize;
        fn raise(sig: c_int) -> c_int;
    }

    pub struct Deferred {
        previous: usize,
    }

    impl Deferred {
        pub fn new() -> Deferred {
            // SAFETY: installs the `SIG_IGN` disposition (no handler code runs).
            let previous = unsafe { signal(SIGINT, SIG_IGN) };
            Deferred { previous }
        }

        /// Dies of `SIGINT` as the shell expects of an interrupted command (unless the parent
        /// had it ignored, in which case this returns).
        pub fn reraise(self) {
            drop(self);
            // SAFETY: raising a signal whose disposition was just restored.
            unsafe { raise(SIGINT) };
        }
    }

    impl Drop for Deferred {
        fn drop(&mut self) {
            // `SIG_ERR` (all ones): nothing was changed, nothing to restore.
            if self.previous != SIG_ERR {
                // SAFETY: restores the disposition `signal` returned (default, ignore or the
                // handler that was installed before).
                unsafe { signal(SIGINT, self.previous) };
            }
        }
    }
}

#[cfg(not(unix))]
mod interrupt {
    pub struct Deferred;

    impl Deferred {
        pub fn new() -> Deferred {
            Deferred
        }
        pub fn reraise(self) {}
    }
}

/// Bytes that held the password; overwritten with zeros when dropped.
struct Secret(Vec<u8>);

impl Drop for Secret {
    fn drop(&mut self) {
        for b in self.0.iter_mut() {
            // SAFETY: `b` is a valid, aligned, exclusive reference into the vector.
            unsafe { std::ptr::write_volatile(b, 0) };
        }
        std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_standard_base64_with_padding() {
        // RFC 7617's example.
        let line = header_line("Aladdin", b"open sesame");
        assert_eq!(
            line.0.as_slice(),
            b"Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\n"
        );
        // `+` and `/` of the standard alphabet, one `=` of padding.
        let line = header_line("u", b"\xfb\xff");
        assert_eq!(line.0.as_slice(), b"Authorization: Basic dTr7/w==\n");
    }

    #[test]
    fn usernames_with_colon_are_rejected_without_echoing_them() {
        let err = validate_username("alice:s3cret").unwrap_err().to_string();
        assert!(!err.contains("s3cret"), "{err}");
        assert!(validate_username("").is_err());
        assert!(validate_username("a\nb").is_err());
        assert!(validate_username("alice@example.com").is_ok());
    }
}
