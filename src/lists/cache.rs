//! A per-process cache of files loaded by the engine, reloaded when the file changes.
//!
//! PHP workers live for many requests: each file is parsed once per process, and a cheap
//! `stat` per lookup notices when an operator replaces it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use crate::error::Error;

/// What identifies one version of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
}

impl FileStamp {
    fn of(path: &Path) -> Result<Self, Error> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        Ok(FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino())
            },
        })
    }
}

type Loaded<T> = Result<Arc<T>, Error>;

/// Files of one kind, by path. Failures are cached too, so a broken file is not re-parsed on
/// every request; fixing the file changes its stamp and triggers a reload.
pub struct FileCache<T> {
    entries: Mutex<HashMap<PathBuf, (FileStamp, Loaded<T>)>>,
}

impl<T> Default for FileCache<T> {
    fn default() -> Self {
        FileCache {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> FileCache<T> {
    /// Returns the loaded file, loading it with `load` when it is new or has changed.
    pub fn get(&self, path: &Path, load: impl FnOnce(&Path) -> Result<T, Error>) -> Loaded<T> {
        let stamp = FileStamp::of(path)?;
        // A panic while loading poisons nothing we rely on: the map only holds finished entries.
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((cached_stamp, loaded)) = entries.get(path) {
            if *cached_stamp == stamp {
                return loaded.clone();
            }
        }
        let loaded = load(path).map(Arc::new);
        entries.insert(path.to_path_buf(), (stamp, loaded.clone()));
        loaded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn loads_once_and_reloads_on_change() {
        let dir = std::env::temp_dir().join(format!("npp-cache-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("list.txt");
        std::fs::write(&path, "one").unwrap();
        let cache: FileCache<String> = FileCache::default();
        let loads = Cell::new(0);
        let load = |p: &Path| {
            loads.set(loads.get() + 1);
            std::fs::read_to_string(p).map_err(|e| Error::io(p, e))
        };
        assert_eq!(*cache.get(&path, load).unwrap(), "one");
        assert_eq!(*cache.get(&path, load).unwrap(), "one");
        assert_eq!(loads.get(), 1);
        std::fs::write(&path, "three").unwrap();
        assert_eq!(*cache.get(&path, load).unwrap(), "three");
        assert_eq!(loads.get(), 2);
        std::fs::remove_file(&path).unwrap();
        assert!(cache.get(&path, load).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
