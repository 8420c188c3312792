//! `file()` and `templatefile()` read the user's repository, which may be hostile: only regular
//! files whose real path (symlinks resolved) lies inside a scanned root are read, and only up to
//! a size cap. Anything else (a FIFO, a device, `/proc`, a symlink out of the repository) is
//! unknown: never opened for reading, never shown.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Larger files are unknown: no policy is near this size (IAM's largest quota is 10 KiB).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The canonical form of each root, for [`read_contained`]; roots that do not exist are dropped.
pub fn canonical_roots(roots: &[PathBuf]) -> Vec<PathBuf> {
    roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(if r.as_os_str().is_empty() { Path::new(".") } else { r }).ok())
        .collect()
}

/// The canonical path of `path` when it is a regular file inside one of `roots` (canonical).
pub fn contained(path: &Path, roots: &[PathBuf]) -> Option<PathBuf> {
    let real = std::fs::canonicalize(path).ok()?;
    if !roots.iter().any(|r| real.starts_with(r)) {
        return None;
    }
    let meta = std::fs::metadata(&real).ok()?;
    (meta.is_file() && meta.len() <= MAX_FILE_BYTES).then_some(real)
}

/// The UTF-8 text of `path` when [`contained`] allows it.
pub fn read_contained(path: &Path, roots: &[PathBuf]) -> Option<String> {
    let real = contained(path, roots)?;
    let file = open_nonblocking(&real)?;
    // Checked again on the open handle: the path may have changed since `contained` looked.
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).ok()?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return None;
    }
    String::from_utf8(bytes).ok()
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> Option<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Non-blocking so that a FIFO swapped in after the check cannot hang the run.
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW).open(path).ok()
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> Option<std::fs::File> {
    std::fs::File::open(path).ok()
}
