//! Writing a fixed file atomically: a temporary file in the same directory, renamed over the
//! original, with the original's permissions, so a crash leaves either the old or the new text.

use std::io::Write;
use std::path::Path;

/// Replaces the file at `real` (a canonical path, so a symlink's target is written and the link
/// kept) with `text`.
pub fn atomic(real: &Path, text: &str) -> std::io::Result<()> {
    let dir = real.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let perms = std::fs::metadata(real)?.permissions();
    let mut tmp = tempfile::Builder::new().prefix(".trustlint-fix-").tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(tmp.path(), perms)?;
    tmp.persist(real).map_err(|e| e.error)?;
    Ok(())
}
