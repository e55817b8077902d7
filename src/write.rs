//! Writing a fixed file without ever losing the original: a temporary file in the same
//! directory, the original's permissions, fsync, a check that the file did not change since
//! it was read, then an atomic rename. Symbolic links are never written through.

use std::io::Write;
use std::path::Path;

/// Test hook: when set, the file is modified right before the "changed on disk" check, so
/// tests can exercise that path deterministically.
pub const TEST_HOOK_ENV: &str = "WHISPIR_MIGRATE_TEST_MODIFY_BEFORE_WRITE";

/// Replaces `path`'s contents with `fixed` if it still holds `original`.
pub fn write_fixed(path: &Path, original: &[u8], fixed: &[u8]) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| crate::discover::io_cause(&e))?;
    if meta.file_type().is_symlink() {
        return Err("is a symbolic link; not written through (fix the file it points to)".into());
    }
    if std::env::var_os(TEST_HOOK_ENV).is_some() {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| crate::discover::io_cause(&e))?;
        let _ = f.write_all(b"\n");
    }
    let current = std::fs::read(path).map_err(|e| crate::discover::io_cause(&e))?;
    if current != original {
        return Err("changed on disk since it was read; not written".into());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".whispir-migrate-")
        .tempfile_in(dir)
        .map_err(|e| {
            format!(
                "creating a temporary file in {}: {}",
                dir.display(),
                crate::discover::io_cause(&e)
            )
        })?;
    tmp.write_all(fixed)
        .map_err(|e| format!("writing a temporary file: {e}"))?;
    tmp.as_file()
        .set_permissions(meta.permissions())
        .map_err(|e| format!("copying permissions: {e}"))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| format!("syncing a temporary file: {e}"))?;
    tmp.persist(path).map_err(|e| {
        format!(
            "replacing the file: {}",
            crate::discover::io_cause(&e.error)
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn keeps_mode_and_refuses_changed_files_and_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.sh");
        std::fs::write(&path, b"old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        write_fixed(&path, b"old", b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o755
        );

        let err = write_fixed(&path, b"old", b"newer").unwrap_err();
        assert!(err.contains("changed on disk"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"new");

        let link = dir.path().join("link.sh");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let err = write_fixed(&link, b"new", b"x").unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary file left behind"
        );
    }
}
