//! Writing a fixed file without losing anyone's data.
//!
//! The fixed text goes to a temporary file in the same directory (created `0600`, named
//! `.whispir-migrate-<pid>-<random>.tmp`), gets the original's owner, group and mode, and is
//! synced. Right before the replace the file is opened under a read lease (Linux: refused
//! while anyone has it open for writing, broken by anyone who opens it for writing) and
//! compared with what was read; then `renameat2(RENAME_EXCHANGE)` swaps the two files, and the
//! swapped-out one is compared again and the lease checked: if someone wrote to it or opened
//! it for writing in between, the swap is undone and their change kept. Elsewhere (or on a
//! filesystem without the exchange) a plain rename follows the last check.
//!
//! Files that a replace would silently harm are refused: symbolic links, files without write
//! permission (for root too), files with several hard links.
//!
//! Temporary files are registered while they exist: SIGINT, SIGTERM and SIGHUP remove them
//! before the process dies, and a later run removes those left by a process that is gone
//! (SIGKILL cannot be caught).

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, RwLock};

/// Test hook, read from the environment: `append-after-sync` appends a line to the file once
/// the temporary file is synced; `append-before-exchange` has another process append one after
/// the last check, and gives it 300 ms to open the file (a concurrent edit, made repeatable);
/// `pause-after-temp` sleeps once the temporary file exists, so a test can signal the process.
pub const TEST_HOOK_ENV: &str = "WHISPIR_MIGRATE_TEST_HOOK";

const TEMP_PREFIX: &str = ".whispir-migrate-";
const TEMP_SUFFIX: &str = ".tmp";

/// Why a fixed file was not written. The file is left as it was in every case.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("is a symbolic link; not written through (fix the file it points to)")]
    Symlink,
    #[error("is not a regular file; not written")]
    NotRegular,
    #[error(
        "has {0} hard links; not written (replacing it would split them: make the changes `fix --diff` shows by hand)"
    )]
    HardLinks(u64),
    #[error("is read-only (mode {0:o}); not written")]
    ReadOnly(u32),
    #[error("no write permission; not written")]
    NoWritePermission,
    #[error("cannot keep its owner and group ({uid}:{gid}): {cause}; not written")]
    Owner { uid: u32, gid: u32, cause: String },
    #[error("changed on disk since it was read; not written (the change is kept)")]
    Changed,
    #[error("is open for writing in another process; not written")]
    OpenForWriting,
    #[error(
        "changed on disk while it was being replaced, and written to again under its name meanwhile; not written (the first change is kept in the file, the fixed text with the second change at {0})"
    )]
    ChangedTwice(PathBuf),
    #[error("{what}: {cause}")]
    Io { what: String, cause: String },
    #[error("{0}; not written")]
    Encoding(&'static str),
}

fn io_error(what: impl Into<String>, e: &std::io::Error) -> WriteError {
    WriteError::Io {
        what: what.into(),
        cause: crate::discover::io_cause(e),
    }
}

/// Points in [`write_fixed_with`] where a test hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// The temporary file exists (still empty).
    TempCreated,
    /// The temporary file is complete and synced; the last check comes next.
    Synced,
    /// The last check passed; the replace comes next.
    Checked,
    /// The files are swapped; the swapped-out one is checked next.
    Exchanged,
}

/// Replaces `path`'s contents with `fixed` if it still holds `original`.
pub fn write_fixed(path: &Path, original: &[u8], fixed: &[u8]) -> Result<(), WriteError> {
    write_fixed_with(path, original, fixed, &env_hook)
}

/// [`write_fixed`] with `hook` called at each [`Stage`].
pub(crate) fn write_fixed_with(
    path: &Path,
    original: &[u8],
    fixed: &[u8],
    hook: &dyn Fn(Stage, &Path),
) -> Result<(), WriteError> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| io_error("reading", &e))?;
    check_replaceable(path, &meta)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    remove_stale_temp_files_once(dir);
    let mut tmp = TempFile::create(dir)?;
    hook(Stage::TempCreated, path);
    tmp.file
        .write_all(fixed)
        .map_err(|e| io_error("writing a temporary file", &e))?;
    keep_owner(&tmp.file, &meta)?;
    // After the chown, which clears set-id bits.
    tmp.file
        .set_permissions(meta.permissions())
        .map_err(|e| io_error("copying permissions", &e))?;
    tmp.file
        .sync_all()
        .map_err(|e| io_error("syncing a temporary file", &e))?;
    hook(Stage::Synced, path);
    replace(path, tmp, original, fixed, hook)
}

fn check_replaceable(path: &Path, meta: &std::fs::Metadata) -> Result<(), WriteError> {
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(WriteError::Symlink);
    }
    if !kind.is_file() {
        return Err(WriteError::NotRegular);
    }
    if meta.nlink() > 1 {
        return Err(WriteError::HardLinks(meta.nlink()));
    }
    // A rename needs only the directory's permission, and root passes every access check:
    // the file's own write bits decide.
    let mode = meta.mode() & 0o7777;
    if mode & 0o222 == 0 {
        return Err(WriteError::ReadOnly(mode));
    }
    if !may_write(path) {
        return Err(WriteError::NoWritePermission);
    }
    Ok(())
}

fn c_path(path: &Path) -> Result<CString, WriteError> {
    CString::new(path.as_os_str().as_bytes()).map_err(|_| WriteError::Io {
        what: "path".into(),
        cause: "contains a NUL byte".into(),
    })
}

/// Whether this process, with its effective ids, may write to `path`.
fn may_write(path: &Path) -> bool {
    let Ok(c) = c_path(path) else { return false };
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::W_OK, libc::AT_EACCESS) == 0 }
}

/// Gives the temporary file the original's owner and group (root fixing someone else's file).
fn keep_owner(tmp: &File, original: &std::fs::Metadata) -> Result<(), WriteError> {
    let ours = tmp
        .metadata()
        .map_err(|e| io_error("reading a temporary file", &e))?;
    if ours.uid() == original.uid() && ours.gid() == original.gid() {
        return Ok(());
    }
    std::os::unix::fs::fchown(tmp, Some(original.uid()), Some(original.gid())).map_err(|e| {
        WriteError::Owner {
            uid: original.uid(),
            gid: original.gid(),
            cause: crate::discover::io_cause(&e),
        }
    })
}

/// Whether the file at `path` holds exactly `expected`.
fn holds(path: &Path, expected: &[u8]) -> Result<bool, WriteError> {
    match File::open(path) {
        Ok(f) => file_holds(&f, expected),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_error("reading", &e)),
    }
}

/// Whether `file`, from its start, holds exactly `expected`.
fn file_holds(mut file: &File, expected: &[u8]) -> Result<bool, WriteError> {
    use std::io::Seek;
    let len = file.metadata().map_err(|e| io_error("reading", &e))?.len();
    if len != expected.len() as u64 {
        return Ok(false);
    }
    let mut now = Vec::with_capacity(expected.len());
    file.rewind()
        .and_then(|_| file.read_to_end(&mut now))
        .map_err(|e| io_error("reading", &e))?;
    Ok(now == expected)
}

/// How many times a lease refused because the file is open for writing is asked again, 10 ms
/// apart.
const LEASE_RETRIES: usize = 10;

/// The file about to be replaced, open with a read lease where Linux grants one (its owner, or
/// root): the lease can only be taken while nobody has the file open for writing, and anyone
/// opening it for writing meanwhile breaks it and waits until it is released. So a writer
/// that opened the file before the swap, and would write into the replaced version, is seen.
struct Watched {
    file: File,
    leased: bool,
}

impl Watched {
    fn open(path: &Path) -> Result<Watched, WriteError> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(WriteError::Changed),
            Err(e) => return Err(io_error("reading", &e)),
        };
        // A descriptor open for writing can be a passing one: a process forked elsewhere
        // holds copies of its parent's descriptors until it runs its program. Such a moment
        // is waited out; a writer that keeps the file open is not.
        let mut attempt = set_lease(&file, libc::F_RDLCK);
        for _ in 0..LEASE_RETRIES {
            if !matches!(&attempt, Err(e) if e.raw_os_error() == Some(libc::EAGAIN)) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
            attempt = set_lease(&file, libc::F_RDLCK);
        }
        let leased = match attempt {
            Ok(()) => true,
            Err(e) if e.raw_os_error() == Some(libc::EAGAIN) => {
                return Err(WriteError::OpenForWriting);
            }
            // Someone else's file without CAP_LEASE, or a filesystem without leases: the
            // content checks alone.
            Err(_) => false,
        };
        Ok(Watched { file, leased })
    }

    /// Whether nobody opened the file for writing since the lease was taken.
    fn undisturbed(&self) -> bool {
        // SAFETY: F_GETLEASE on a valid descriptor has no memory effects.
        !self.leased
            || unsafe { libc::fcntl(self.file.as_raw_fd(), libc::F_GETLEASE) } == libc::F_RDLCK
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if self.leased {
            let _ = set_lease(&self.file, libc::F_UNLCK);
        }
    }
}

#[cfg(target_os = "linux")]
fn set_lease(file: &File, kind: libc::c_int) -> std::io::Result<()> {
    // A lease break is announced with SIGIO, whose default action ends the process.
    static IGNORE_SIGIO: OnceLock<()> = OnceLock::new();
    IGNORE_SIGIO.get_or_init(|| {
        // SAFETY: installs the "ignore" disposition; no handler code runs.
        unsafe { libc::signal(libc::SIGIO, libc::SIG_IGN) };
    });
    // SAFETY: F_SETLEASE on a valid descriptor has no memory effects.
    if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLEASE, kind) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn set_lease(_: &File, _: libc::c_int) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

fn replace(
    path: &Path,
    mut tmp: TempFile,
    original: &[u8],
    fixed: &[u8],
    hook: &dyn Fn(Stage, &Path),
) -> Result<(), WriteError> {
    // Released (dropped) last, after the replaced version is gone or back in place.
    let watched = Watched::open(path)?;
    if !file_holds(&watched.file, original)? {
        return Err(WriteError::Changed);
    }
    hook(Stage::Checked, path);
    // A signal's cleanup waits until the files are where they belong.
    let _no_cleanup = cleanup_gate().read().unwrap_or_else(|e| e.into_inner());
    match exchange(&tmp.path, path) {
        Ok(()) => {}
        Err(e) if exchange_unsupported(&e) => {
            if !watched.undisturbed() {
                return Err(WriteError::Changed);
            }
            std::fs::rename(&tmp.path, path).map_err(|e| io_error("replacing the file", &e))?;
            tmp.disarm();
            return Ok(());
        }
        Err(e) => return Err(io_error("replacing the file", &e)),
    }
    hook(Stage::Exchanged, path);
    // `tmp.path` now names the file as it was: anything written to it before the swap shows,
    // and a writer that opened it meanwhile broke the lease. A read error counts as a change:
    // undo the swap rather than risk the user's version.
    if file_holds(&watched.file, original).unwrap_or(false) && watched.undisturbed() {
        std::fs::remove_file(&tmp.path).map_err(|e| io_error("removing the replaced file", &e))?;
        tmp.disarm();
        return Ok(());
    }
    if let Err(e) = exchange(&tmp.path, path) {
        // It holds the user's version now: never delete it.
        let kept = keep_aside(&mut tmp, path);
        return Err(WriteError::Io {
            what: format!(
                "changed on disk while it was being replaced, and putting it back failed; that version is at {}",
                kept.display()
            ),
            cause: crate::discover::io_cause(&e),
        });
    }
    if holds(&tmp.path, fixed).unwrap_or(false) {
        return Err(WriteError::Changed); // dropping `tmp` removes the fixed text
    }
    // Written to through its new name too: two versions, neither may be lost.
    Err(WriteError::ChangedTwice(keep_aside(&mut tmp, path)))
}

/// Moves a temporary file that holds someone's data out of the temporary name, which a later
/// run would remove, to `<path>.whispir-migrate-kept-<random>`; returns where it is.
fn keep_aside(tmp: &mut TempFile, path: &Path) -> PathBuf {
    tmp.disarm();
    let mut kept = path.as_os_str().to_owned();
    kept.push(format!(".whispir-migrate-kept-{:016x}", random_u64()));
    let kept = PathBuf::from(kept);
    match std::fs::rename(&tmp.path, &kept) {
        Ok(()) => kept,
        Err(_) => tmp.path.clone(),
    }
}

/// Atomically swaps the files at `a` and `b`.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    let to_c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (to_c(a)?, to_c(b)?);
    // SAFETY: both strings are valid and NUL-terminated for the duration of the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// An old kernel or a filesystem without `RENAME_EXCHANGE`.
fn exchange_unsupported(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Unsupported
        || matches!(
            e.raw_os_error(),
            Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
        )
}

fn env_hook(stage: Stage, path: &Path) {
    static HOOK: OnceLock<Option<String>> = OnceLock::new();
    let Some(hook) = HOOK.get_or_init(|| std::env::var(TEST_HOOK_ENV).ok()) else {
        return;
    };
    match (hook.as_str(), stage) {
        ("append-after-sync", Stage::Synced) => {
            if let Ok(mut f) = OpenOptions::new().append(true).open(path) {
                let _ = f.write_all(b"# concurrent edit\n");
            }
        }
        // Another process appends: its open waits while the file is leased.
        ("append-before-exchange", Stage::Checked) => {
            let _ = std::process::Command::new("sh")
                .args(["-c", "printf '# concurrent edit\\n' >> \"$1\"", "sh"])
                .arg(path)
                .spawn();
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        ("pause-after-temp", Stage::TempCreated) => {
            std::thread::sleep(std::time::Duration::from_secs(60))
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Temporary files: registered while they exist, removed on SIGINT/SIGTERM/SIGHUP.

/// The temporary files that exist now.
static LIVE_TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Held shared while a temporary file is created or swapped; the signal cleanup takes it
/// exclusively (and never lets go: the process ends), so it never runs in the middle of
/// either.
fn cleanup_gate() -> &'static RwLock<()> {
    static GATE: RwLock<()> = RwLock::new(());
    &GATE
}

fn live_temp_files() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE_TEMP_FILES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs, once, the thread that removes the temporary files when a signal ends the run.
fn install_signal_cleanup() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return; // no handler: the default action, as before
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _gate = cleanup_gate().write().unwrap_or_else(|e| e.into_inner());
                for path in live_temp_files().iter() {
                    let _ = std::fs::remove_file(path);
                }
                // Die of the signal, as the caller expects (exit status 128 + signal).
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    });
}

struct TempFile {
    path: PathBuf,
    file: File,
    /// Removed on drop unless disarmed (renamed into place, or holding someone's data).
    armed: bool,
}

impl TempFile {
    /// Creates `.whispir-migrate-<pid>-<random>.tmp` in `dir`, mode 0600, registered for the
    /// signal cleanup before it exists.
    fn create(dir: &Path) -> Result<TempFile, WriteError> {
        install_signal_cleanup();
        let _no_cleanup = cleanup_gate().read().unwrap_or_else(|e| e.into_inner());
        let mut attempts = 0;
        loop {
            let path = dir.join(format!(
                "{TEMP_PREFIX}{}-{:016x}{TEMP_SUFFIX}",
                std::process::id(),
                random_u64()
            ));
            live_temp_files().push(path.clone());
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
            {
                Ok(file) => {
                    return Ok(TempFile {
                        path,
                        file,
                        armed: true,
                    });
                }
                Err(e) => {
                    unregister(&path);
                    attempts += 1;
                    if e.kind() != std::io::ErrorKind::AlreadyExists || attempts == 10 {
                        return Err(WriteError::Io {
                            what: format!("creating a temporary file in {}", dir.display()),
                            cause: crate::discover::io_cause(&e),
                        });
                    }
                }
            }
        }
    }

    fn disarm(&mut self) {
        self.armed = false;
        unregister(&self.path);
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_file(&self.path);
            unregister(&self.path);
        }
    }
}

fn unregister(path: &Path) {
    let mut live = live_temp_files();
    if let Some(i) = live.iter().position(|p| p == path) {
        live.swap_remove(i);
    }
}

fn random_u64() -> u64 {
    use std::hash::BuildHasher;
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::collections::hash_map::RandomState::new().hash_one(n)
}

/// Removes, once per directory and run, the temporary files of runs whose process is gone.
fn remove_stale_temp_files_once(dir: &Path) {
    static DONE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    {
        let mut done = DONE.lock().unwrap_or_else(|e| e.into_inner());
        if done.iter().any(|d| d == dir) {
            return;
        }
        done.push(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if let Some(pid) = temp_file_pid(name.as_bytes())
            && pid != std::process::id()
            && !process_alive(pid)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The pid in a name of the form `.whispir-migrate-<pid>-<16 hex digits>.tmp`.
fn temp_file_pid(name: &[u8]) -> Option<u32> {
    let rest = name
        .strip_prefix(TEMP_PREFIX.as_bytes())?
        .strip_suffix(TEMP_SUFFIX.as_bytes())?;
    let dash = rest.iter().position(|&b| b == b'-')?;
    let (pid, random) = (&rest[..dash], &rest[dash + 1..]);
    if random.len() != 16 || !random.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    std::str::from_utf8(pid).ok()?.parse().ok()
}

fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return true; // not a process: leave the file alone
    }
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::os::unix::fs::PermissionsExt;

    fn append(path: &Path, line: &[u8]) {
        OpenOptions::new()
            .append(true)
            .open(path)
            .unwrap()
            .write_all(line)
            .unwrap();
    }

    fn dir_with(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    fn entries(dir: &Path) -> usize {
        std::fs::read_dir(dir).unwrap().count()
    }

    #[test]
    fn keeps_mode_and_refuses_changed_files_and_symlinks() {
        let (dir, path) = dir_with("run.sh", b"old");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        write_fixed(&path, b"old", b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o755
        );

        let err = write_fixed(&path, b"old", b"newer").unwrap_err();
        assert!(matches!(err, WriteError::Changed), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"new");

        let link = dir.path().join("link.sh");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let err = write_fixed(&link, b"new", b"x").unwrap_err();
        assert!(matches!(err, WriteError::Symlink), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(entries(dir.path()), 2, "no temporary file left behind");
    }

    #[test]
    fn an_edit_after_the_sync_is_kept() {
        let (dir, path) = dir_with("a.sh", b"old\n");
        let err = write_fixed_with(&path, b"old\n", b"new\n", &|stage, p| {
            if stage == Stage::Synced {
                append(p, b"edit\n");
            }
        })
        .unwrap_err();
        assert!(matches!(err, WriteError::Changed), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old\nedit\n");
        assert_eq!(entries(dir.path()), 1, "no temporary file left behind");
    }

    /// A writer that opens the file between the last check and the swap (it waits on the
    /// lease, then writes into the version it opened) keeps its edit.
    #[test]
    fn an_edit_between_the_check_and_the_swap_is_kept() {
        let (dir, path) = dir_with("a.sh", b"old\n");
        let writer = std::cell::RefCell::new(None);
        let err = write_fixed_with(&path, b"old\n", b"new\n", &|stage, p| {
            if stage == Stage::Checked {
                let p = p.to_path_buf();
                *writer.borrow_mut() = Some(std::thread::spawn(move || append(&p, b"edit\n")));
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
        })
        .unwrap_err();
        writer.into_inner().unwrap().join().unwrap();
        assert!(matches!(err, WriteError::Changed), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old\nedit\n");
        assert_eq!(entries(dir.path()), 1, "no temporary file left behind");
    }

    /// One writer waits on the lease to write into the file as it was, another writes into
    /// the fixed version while it is in place: the first edit stays in the file, the second is
    /// kept beside it under a name no later run removes.
    #[test]
    fn edits_to_both_versions_are_both_kept() {
        let (dir, path) = dir_with("a.sh", b"old\n");
        let writer = std::cell::RefCell::new(None);
        let err = write_fixed_with(&path, b"old\n", b"new\n", &|stage, p| match stage {
            Stage::Checked => {
                let p = p.to_path_buf();
                *writer.borrow_mut() = Some(std::thread::spawn(move || append(&p, b"edit 1\n")));
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
            Stage::Exchanged => append(p, b"edit 2\n"),
            _ => {}
        })
        .unwrap_err();
        writer.into_inner().unwrap().join().unwrap();
        let WriteError::ChangedTwice(kept) = &err else {
            panic!("{err}")
        };
        assert_eq!(std::fs::read(&path).unwrap(), b"old\nedit 1\n");
        assert_eq!(std::fs::read(kept).unwrap(), b"new\nedit 2\n");
        assert!(
            kept.to_string_lossy()
                .contains("a.sh.whispir-migrate-kept-"),
            "{}",
            kept.display()
        );
        assert_eq!(temp_file_pid(kept.file_name().unwrap().as_bytes()), None);
        assert_eq!(entries(dir.path()), 2, "the file and the kept version");
    }

    /// Someone holding the file open for writing could write after any check: refused.
    #[test]
    fn a_file_open_for_writing_elsewhere_is_refused() {
        let (dir, path) = dir_with("a.sh", b"old\n");
        let open = OpenOptions::new().append(true).open(&path).unwrap();
        let err = write_fixed(&path, b"old\n", b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::OpenForWriting), "{err}");
        drop(open);
        assert_eq!(std::fs::read(&path).unwrap(), b"old\n");
        assert_eq!(entries(dir.path()), 1, "no temporary file left behind");
    }

    #[test]
    fn the_temporary_file_is_private_and_named_for_this_process() {
        let (dir, path) = dir_with("a.sh", b"old\n");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let seen = Cell::new(None);
        write_fixed_with(&path, b"old\n", b"new\n", &|stage, _| {
            if stage == Stage::TempCreated {
                let tmp = std::fs::read_dir(dir.path())
                    .unwrap()
                    .flatten()
                    .find(|e| e.file_name() != "a.sh")
                    .unwrap();
                let mode = tmp.metadata().unwrap().mode() & 0o777;
                seen.set(Some((temp_file_pid(tmp.file_name().as_bytes()), mode)));
            }
        })
        .unwrap();
        assert_eq!(seen.get(), Some((Some(std::process::id()), 0o600)));
        assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o644);
    }

    #[test]
    fn hard_links_and_read_only_files_are_refused() {
        let (dir, path) = dir_with("a.sh", b"old\n");
        let link = dir.path().join("b.sh");
        std::fs::hard_link(&path, &link).unwrap();
        let err = write_fixed(&path, b"old\n", b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::HardLinks(2)), "{err}");
        std::fs::remove_file(&link).unwrap();

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = write_fixed(&path, b"old\n", b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::ReadOnly(0o444)), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old\n");
        assert_eq!(entries(dir.path()), 1);
    }

    #[test]
    fn stale_temporary_files_of_dead_processes_are_removed() {
        let (dir, path) = dir_with("a.sh", b"old\n");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = dir
            .path()
            .join(format!(".whispir-migrate-{dead}-0123456789abcdef.tmp"));
        let ours = dir.path().join(format!(
            ".whispir-migrate-{}-0123456789abcdef.tmp",
            std::process::id()
        ));
        let unrelated = dir.path().join(".whispir-migrate-notes.tmp");
        for p in [&stale, &ours, &unrelated] {
            std::fs::write(p, b"x").unwrap();
        }
        write_fixed(&path, b"old\n", b"new\n").unwrap();
        assert!(
            !stale.exists(),
            "a dead process's temporary file is removed"
        );
        assert!(ours.exists(), "a live process's temporary file is kept");
        assert!(unrelated.exists(), "other names are not ours to remove");
    }

    #[test]
    fn temp_file_names_parse() {
        assert_eq!(
            temp_file_pid(b".whispir-migrate-42-0123456789abcdef.tmp"),
            Some(42)
        );
        assert_eq!(temp_file_pid(b".whispir-migrate-42-0123.tmp"), None);
        assert_eq!(
            temp_file_pid(b".whispir-migrate-x-0123456789abcdef.tmp"),
            None
        );
        assert_eq!(
            temp_file_pid(b"whispir-migrate-42-0123456789abcdef.tmp"),
            None
        );
    }
}
