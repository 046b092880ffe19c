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

/// What a loaded file says about itself, for operators (`php --ri`, Special:Version).
pub trait Describe {
    /// Entries (words, passwords) the file holds, when that is known.
    fn entries(&self) -> Option<u64>;
    /// A short description of the loaded data, e.g. "exact list of 100000 passwords, 1337260
    /// bytes in memory".
    fn detail(&self) -> String;
}

/// One file a [`FileCache`] holds: loaded, or the error loading it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedFile {
    /// What the file is, e.g. "common passwords".
    pub kind: &'static str,
    /// The file, as configured.
    pub path: PathBuf,
    /// Its size when it was loaded.
    pub file_bytes: u64,
    /// Entries it holds, when known.
    pub entries: Option<u64>,
    /// The loaded data, or why it could not be loaded.
    pub detail: Result<String, Error>,
}

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

    /// The files this cache holds, sorted by path, labelled with `kind`. Never panics (it runs
    /// in PHP's info function, which is not protected against panics).
    pub fn snapshot(&self, kind: &'static str) -> Vec<LoadedFile>
    where
        T: Describe,
    {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let mut files: Vec<LoadedFile> = entries
            .iter()
            .map(|(path, entry)| LoadedFile {
                kind,
                path: path.clone(),
                file_bytes: entry.stamp.len,
                entries: entry
                    .loaded
                    .as_ref()
                    .ok()
                    .and_then(|loaded| loaded.entries()),
                detail: match &entry.loaded {
                    Ok(loaded) => Ok(loaded.detail()),
                    Err(error) => Err(error.clone()),
                },
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
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

    impl Describe for String {
        fn entries(&self) -> Option<u64> {
            Some(self.lines().count() as u64)
        }
        fn detail(&self) -> String {
            format!("{} bytes of text", self.len())
        }
    }

    #[test]
    fn snapshot_lists_loaded_and_broken_files() {
        let dir = std::env::temp_dir().join(format!("npp-cache-snapshot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("b-good.txt");
        let bad = dir.join("a-bad.txt");
        std::fs::write(&good, "one\ntwo\n").unwrap();
        std::fs::write(&bad, "x").unwrap();
        let cache: FileCache<String> = FileCache::default();
        assert!(cache.snapshot("list").is_empty());
        cache
            .get(&good, |p| {
                std::fs::read_to_string(p).map_err(|e| Error::io(p, e))
            })
            .unwrap();
        let _ = cache.get(&bad, |p| {
            Err(Error::config(format!("{} is broken", p.display())))
        });
        // A file that does not exist is not cached, so it is not listed.
        let _ = cache.get(&dir.join("missing.txt"), |_| Ok(String::new()));
        let files = cache.snapshot("list");
        assert_eq!(files.len(), 2, "{files:?}");
        assert_eq!(files[0].path, bad);
        assert!(
            files[0]
                .detail
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("is broken")
        );
        assert_eq!(files[0].entries, None);
        assert_eq!(files[1].kind, "list");
        assert_eq!(files[1].file_bytes, 8);
        assert_eq!(files[1].entries, Some(2));
        assert_eq!(files[1].detail, Ok("8 bytes of text".to_owned()));
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
