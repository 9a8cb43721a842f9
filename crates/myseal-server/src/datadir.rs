//! `--datadir DIR`: the whole server state in one file, loaded at start and saved at shutdown
//! and on FLUSH TABLES.
//!
//! The file (`myseal-state.sql`) is the SQL script of [`Engine::dump`] (see the engine's
//! `dump.rs` for the format and why it is SQL): a header with the format version, the
//! statements, and a last line with a checksum of everything before it, so a file cut short
//! or damaged is refused at start with a clear error instead of half-loading.
//!
//! A save never leaves a state that fails to load: the text goes to `myseal-state.sql.tmp`,
//! which is fsynced, then renamed over `myseal-state.sql` (atomic on POSIX file systems), then
//! the directory is fsynced so the rename itself survives a power cut. Until the rename the
//! previous file is untouched; a crash before it leaves the previous file plus a stale `.tmp`,
//! which loading ignores. Saves are serialized, so two FLUSH TABLES never write the same
//! temporary file at once.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use myseal_engine::Engine;

use crate::ServerError;

/// The state file inside the data directory.
pub const STATE_FILE: &str = "myseal-state.sql";
/// Where a save writes before the rename.
const TEMP_FILE: &str = "myseal-state.sql.tmp";

/// An open data directory.
#[derive(Debug)]
pub(crate) struct Datadir {
    dir: PathBuf,
    /// Held while saving.
    saving: Mutex<()>,
}

fn io_error(what: String) -> impl FnOnce(std::io::Error) -> ServerError {
    move |source| ServerError::Io { what, source }
}

impl Datadir {
    /// Opens `dir`, creating it (and its parents) when missing.
    pub(crate) fn open(dir: &Path) -> Result<Datadir, ServerError> {
        std::fs::create_dir_all(dir).map_err(io_error(format!(
            "cannot create the data directory {}",
            dir.display()
        )))?;
        if !dir.is_dir() {
            return Err(ServerError::Config(format!(
                "--datadir {} is not a directory",
                dir.display()
            )));
        }
        Ok(Datadir {
            dir: dir.to_path_buf(),
            saving: Mutex::new(()),
        })
    }

    /// The state file's path.
    pub(crate) fn state_file(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// Loads the saved state into `engine` (a fresh one). Ok(false) when there is none yet.
    pub(crate) fn load(&self, engine: &Engine) -> Result<bool, ServerError> {
        let path = self.state_file();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => {
                return Err(ServerError::Io {
                    what: format!("cannot read {}", path.display()),
                    source: e,
                });
            }
        };
        let text = String::from_utf8(bytes).map_err(|e| {
            ServerError::Datadir(format!(
                "{}: not a myseal state file (not UTF-8 at byte {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ))
        })?;
        engine
            .load(&text)
            .map_err(|e| ServerError::Datadir(format!("{}: {e}", path.display())))?;
        tracing::info!(
            "state loaded from {} ({} bytes)",
            path.display(),
            text.len()
        );
        Ok(true)
    }

    /// Saves `engine`'s whole state, atomically. The error names the file and the cause.
    pub(crate) fn save(&self, engine: &Engine) -> Result<(), SaveError> {
        let _one_at_a_time = self
            .saving
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let text = engine.dump().map_err(|e| SaveError {
            path: self.state_file(),
            errno: 0,
            reason: format!("ERROR {} ({}): {}", e.code, e.sql_state, e.message),
        })?;
        let temp = self.dir.join(TEMP_FILE);
        let fail = |path: &Path| {
            let path = path.to_path_buf();
            move |e: std::io::Error| SaveError {
                path,
                errno: e.raw_os_error().unwrap_or(0),
                reason: e.to_string(),
            }
        };
        {
            let mut f = std::fs::File::create(&temp).map_err(fail(&temp))?;
            f.write_all(text.as_bytes()).map_err(fail(&temp))?;
            f.sync_all().map_err(fail(&temp))?;
        }
        let path = self.state_file();
        std::fs::rename(&temp, &path).map_err(fail(&path))?;
        // The rename is durable once the directory is.
        std::fs::File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(fail(&self.dir))?;
        tracing::info!("state saved to {} ({} bytes)", path.display(), text.len());
        Ok(())
    }
}

/// A save that failed.
#[derive(Debug)]
pub(crate) struct SaveError {
    path: PathBuf,
    errno: i32,
    reason: String,
}

impl std::fmt::Display for SaveError {
    /// MySQL's ER_ERROR_ON_WRITE text (1026).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Error writing file '{}' (errno: {} - {})",
            self.path.display(),
            self.errno,
            self.reason
        )
    }
}

impl myseal_engine::Persist for Datadir {
    fn save(&self, engine: &Engine) -> Result<(), String> {
        Datadir::save(self, engine).map_err(|e| e.to_string())
    }
}
