//! A per-process cache of files loaded by the engine, reloaded when the file changes.
//!
//! PHP workers live for many requests: each file is parsed once per process, and a `stat`
//! notices when an operator replaces it. A `stat` costs about 2 µs on a virtual machine, more
//! than the rest of a request's engine setup, so a file is looked at again at most once per
//! [`REVALIDATE_AFTER`] (as opcache's `revalidate_freq` does for PHP files).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

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

/// How long a file's stamp is trusted before it is read again: a replaced file is used at most
/// this long after the change.
pub const REVALIDATE_AFTER: Duration = Duration::from_secs(1);

struct Entry<T> {
    stamp: FileStamp,
    checked: Instant,
    loaded: Loaded<T>,
}

/// Files of one kind, by path. Failures are cached too, so a broken file is not re-parsed on
/// every request; fixing the file changes its stamp and triggers a reload.
pub struct FileCache<T> {
    entries: Mutex<HashMap<PathBuf, Entry<T>>>,
    revalidate_after: Duration,
}

impl<T> Default for FileCache<T> {
    fn default() -> Self {
        Self::with_revalidation(REVALIDATE_AFTER)
    }
}

impl<T> FileCache<T> {
    /// A cache that trusts a file's stamp for `revalidate_after` (zero: look every time).
    pub fn with_revalidation(revalidate_after: Duration) -> Self {
        FileCache {
            entries: Mutex::new(HashMap::new()),
            revalidate_after,
        }
    }

    /// Returns the loaded file, loading it with `load` when it is new or has changed.
    pub fn get(&self, path: &Path, load: impl FnOnce(&Path) -> Result<T, Error>) -> Loaded<T> {
        // A panic while loading poisons nothing we rely on: the map only holds finished entries.
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = entries.get_mut(path) {
            if entry.checked.elapsed() < self.revalidate_after {
                return entry.loaded.clone();
            }
            let stamp = FileStamp::of(path)?;
            if entry.stamp == stamp {
                entry.checked = Instant::now();
                return entry.loaded.clone();
            }
        }
        let stamp = FileStamp::of(path)?;
        let loaded = load(path).map(Arc::new);
        entries.insert(
            path.to_path_buf(),
            Entry {
                stamp,
                checked: Instant::now(),
                loaded: loaded.clone(),
            },
        );
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
        let cache: FileCache<String> = FileCache::with_revalidation(Duration::ZERO);
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

    #[test]
    fn trusts_a_recent_stamp_then_looks_again() {
        let dir = std::env::temp_dir().join(format!("npp-cache-revalidate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("list.txt");
        std::fs::write(&path, "one").unwrap();
        let cache: FileCache<String> = FileCache::with_revalidation(Duration::from_millis(200));
        let load = |p: &Path| std::fs::read_to_string(p).map_err(|e| Error::io(p, e));
        assert_eq!(*cache.get(&path, load).unwrap(), "one");
        std::fs::write(&path, "three").unwrap();
        // Within the interval the cached version is used without looking at the file.
        assert_eq!(*cache.get(&path, load).unwrap(), "one");
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(*cache.get(&path, load).unwrap(), "three");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
