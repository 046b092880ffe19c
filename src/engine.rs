//! The engine: a configuration plus the resources it names, ready to check passwords.
//!
//! The PHP side builds one [`Engine`] per request from its configuration; everything expensive
//! (filter files, lists, compiled patterns) comes from per-process caches, so building an
//! engine costs a few `stat` calls.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use serde::Deserialize;

use crate::credentials::PasswordGenerator;
use crate::error::Error;
use crate::lists::{BreachCorpus, CommonPasswords, FileCache, LoadedFile, WordList};
use crate::policy::{
    self, CheckId, DenyPatterns, DenyWords, Failure, PolicyEntry, PolicyValue, Resources, Subject,
    Verdict,
};
use crate::secret::SecretString;

/// The engine's configuration, as the PHP side sends it (JSON, camelCase keys). Every key is
/// optional; the defaults leave every check beyond core without resources.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EngineConfig {
    /// MediaWiki's common-password file of `wikimedia/common-passwords`: the Bloom filter
    /// `common-x64.json` (up to 0.4) or the list `common.php` (0.5), told apart by content.
    pub common_passwords_file: Option<PathBuf>,
    /// A breach corpus file built by `npp-breach-corpus` (`PasswordNotInBreachCorpus`).
    pub breach_corpus_file: Option<PathBuf>,
    /// Operator word list files (`PasswordNotInWordLists`).
    #[serde(default)]
    pub word_lists: Vec<WordListConfig>,
    /// Normalise passwords to NFKC before every check (default false), core's six included:
    /// with it, the byte-length checks count the bytes of the NFKC form, and
    /// `PasswordNotInBreachCorpus` looks up both the given and the NFKC form. Invalid UTF-8
    /// is decoded lossily (one U+FFFD per invalid sequence) first. The password that is
    /// stored is never changed.
    #[serde(default)]
    pub normalize_nfkc: bool,
    /// The site name (`$wgSitename`), a source of context words and of the strength
    /// estimate's known words.
    #[serde(default)]
    pub site_name: String,
    /// Words no password may contain (`PasswordCannotContainDeniedWords`), compared like
    /// context words: case-insensitive, look-alike characters folded, separators ignored.
    #[serde(default)]
    pub deny_words: Vec<String>,
    /// Regular expressions no password may match (`PasswordCannotMatchDeniedPatterns`), in the
    /// regex crate's syntax, matched against the password's bytes (unanchored: use `^`/`$`;
    /// `(?i)` for case-insensitive). At most 256 patterns of 1024 bytes, compiled size
    /// limited; a pattern over the limits or invalid disables this check and is reported by
    /// [`Engine::problems`].
    #[serde(default)]
    pub deny_patterns: Vec<String>,
}

/// One operator word list file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WordListConfig {
    /// The file: one word per line.
    pub path: PathBuf,
    /// Compare in lower case (default false: exact bytes).
    #[serde(default)]
    pub case_insensitive: bool,
}

impl EngineConfig {
    /// Parses the JSON configuration, naming the offending key on error. Only a JSON object
    /// is a configuration (serde would also read the fields from an array, by position).
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        let first = json
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        if first == Some(&b'[') {
            return Err(Error::config(
                "invalid type: array, expected a JSON object (the configuration)",
            ));
        }
        serde_json::from_slice(json).map_err(|e| Error::config(e.to_string()))
    }
}

type Loaded<T> = Result<Arc<T>, Error>;

/// Values compiled from configuration lists, per process, keyed by the list. Configurations
/// rarely differ within a process, so a handful of entries is plenty.
struct Compiled<T> {
    entries: Mutex<Vec<(Vec<String>, Loaded<T>)>>,
}

impl<T> Compiled<T> {
    const CAPACITY: usize = 8;

    const fn new() -> Self {
        Compiled {
            entries: Mutex::new(Vec::new()),
        }
    }

    fn get(
        &self,
        key: &[String],
        compile: impl FnOnce(&[String]) -> Result<T, Error>,
    ) -> Loaded<T> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, loaded)) = entries.iter().find(|(k, _)| k.as_slice() == key) {
            return loaded.clone();
        }
        let loaded = compile(key).map(Arc::new);
        if entries.len() >= Self::CAPACITY {
            drop(entries.remove(0));
        }
        entries.push((key.to_vec(), loaded.clone()));
        loaded
    }
}

static COMMON_PASSWORDS: LazyLock<FileCache<CommonPasswords>> = LazyLock::new(FileCache::default);
static BREACH_CORPORA: LazyLock<FileCache<BreachCorpus>> = LazyLock::new(FileCache::default);
static WORD_LISTS_EXACT: LazyLock<FileCache<WordList>> = LazyLock::new(FileCache::default);
static WORD_LISTS_FOLDED: LazyLock<FileCache<WordList>> = LazyLock::new(FileCache::default);
static DENY_WORDS: Compiled<DenyWords> = Compiled::new();
static DENY_PATTERNS: Compiled<DenyPatterns> = Compiled::new();

/// The files engines of this process have loaded (or failed to load), by kind then path:
/// what `php --ri native_password_policy` and phpinfo() list. Never panics.
pub fn loaded_files() -> Vec<LoadedFile> {
    let mut files = COMMON_PASSWORDS.snapshot("common passwords");
    files.extend(BREACH_CORPORA.snapshot("breach corpus"));
    files.extend(WORD_LISTS_EXACT.snapshot("word list"));
    files.extend(WORD_LISTS_FOLDED.snapshot("word list"));
    files
}

/// A configured engine.
#[derive(Debug, Clone)]
pub struct Engine {
    common_passwords: Option<Loaded<CommonPasswords>>,
    breach_corpus: Option<Loaded<BreachCorpus>>,
    word_lists: Vec<Loaded<WordList>>,
    /// Every configured word list, when there is one and all loaded.
    usable_word_lists: Option<Vec<Arc<WordList>>>,
    deny_words: Loaded<DenyWords>,
    deny_patterns: Loaded<DenyPatterns>,
    site_name: Vec<u8>,
    normalize_nfkc: bool,
}

impl Engine {
    /// Builds an engine, loading (or reusing) the files the configuration names. A file or
    /// list that cannot be loaded does not fail the engine: the checks that need it fail with
    /// [`crate::ErrorKind::Unavailable`] and [`Engine::problems`] says why.
    pub fn new(config: &EngineConfig) -> Self {
        let common_passwords = config
            .common_passwords_file
            .as_deref()
            .map(|path| COMMON_PASSWORDS.get(path, CommonPasswords::load));
        let breach_corpus = config
            .breach_corpus_file
            .as_deref()
            .map(|path| BREACH_CORPORA.get(path, BreachCorpus::open));
        let word_lists: Vec<_> = config
            .word_lists
            .iter()
            .map(|list| {
                let cache = if list.case_insensitive {
                    &WORD_LISTS_FOLDED
                } else {
                    &WORD_LISTS_EXACT
                };
                cache.get(&list.path, |path| {
                    WordList::load(path, list.case_insensitive)
                })
            })
            .collect();
        let usable_word_lists = if word_lists.is_empty() {
            None
        } else {
            word_lists
                .iter()
                .cloned()
                .collect::<Result<Vec<_>, _>>()
                .ok()
        };
        let deny_words = if config.deny_words.is_empty() {
            Ok(Arc::new(DenyWords::default()))
        } else {
            DENY_WORDS.get(&config.deny_words, DenyWords::new)
        };
        let deny_patterns = if config.deny_patterns.is_empty() {
            Ok(Arc::new(DenyPatterns::default()))
        } else {
            DENY_PATTERNS.get(&config.deny_patterns, DenyPatterns::new)
        };
        Engine {
            common_passwords,
            breach_corpus,
            word_lists,
            usable_word_lists,
            deny_words,
            deny_patterns,
            site_name: config.site_name.clone().into_bytes(),
            normalize_nfkc: config.normalize_nfkc,
        }
    }

    /// Errors met while loading the configured files and compiling the configured lists.
    pub fn problems(&self) -> Vec<&Error> {
        let files = self
            .common_passwords
            .iter()
            .filter_map(|loaded| loaded.as_ref().err())
            .chain(
                self.breach_corpus
                    .iter()
                    .filter_map(|loaded| loaded.as_ref().err()),
            )
            .chain(
                self.word_lists
                    .iter()
                    .filter_map(|loaded| loaded.as_ref().err()),
            );
        files
            .chain(self.deny_words.as_ref().err())
            .chain(self.deny_patterns.as_ref().err())
            .collect()
    }

    /// The common-password filter, when configured and loaded.
    pub fn common_passwords(&self) -> Option<&CommonPasswords> {
        self.common_passwords
            .as_ref()
            .and_then(|loaded| loaded.as_deref().ok())
    }

    /// The breach corpus, when configured and loaded.
    pub fn breach_corpus(&self) -> Option<&BreachCorpus> {
        self.breach_corpus
            .as_ref()
            .and_then(|loaded| loaded.as_deref().ok())
    }

    fn resources(&self) -> Resources<'_> {
        Resources {
            common_passwords: self.common_passwords(),
            breach_corpus: self.breach_corpus(),
            word_lists: self.usable_word_lists.as_deref(),
            deny_words: self.deny_words.as_deref().ok(),
            deny_patterns: self.deny_patterns.as_deref().ok(),
            site_name: &self.site_name,
            normalize_nfkc: self.normalize_nfkc,
        }
    }

    /// Runs one check (see [`policy::run_check`]).
    pub fn check(
        &self,
        check: CheckId,
        value: &PolicyValue,
        subject: &Subject<'_>,
        password: &[u8],
    ) -> Result<Vec<Failure>, Error> {
        policy::run_check(check, value, subject, password, &self.resources())
    }

    /// The breach corpus lookup alone (see [`policy::in_breach_corpus`]).
    pub fn in_breach_corpus(&self, password: &[u8]) -> Result<bool, Error> {
        policy::in_breach_corpus(password, &self.resources())
    }

    /// Evaluates a whole effective policy (see [`policy::evaluate`]).
    pub fn evaluate(
        &self,
        entries: &[PolicyEntry],
        subject: &Subject<'_>,
        password: &[u8],
    ) -> Result<Verdict, Error> {
        policy::evaluate(entries, subject, password, &self.resources())
    }

    /// Each check of a policy, one by one on one derivation of the password (see
    /// [`policy::evaluate_each`]).
    pub fn evaluate_each<'v>(
        &self,
        checks: impl IntoIterator<Item = (CheckId, &'v PolicyValue)>,
        subject: &Subject<'_>,
        password: &[u8],
    ) -> Vec<Result<Vec<Failure>, Error>> {
        policy::evaluate_each(checks, subject, password, &self.resources())
    }

    /// A temporary password that passes every native check of `entries` (a user's effective
    /// policy), evaluated with this engine's resources (see [`PasswordGenerator::generate_for`]).
    pub fn generate_password(
        &self,
        generator: &PasswordGenerator,
        entries: &[PolicyEntry],
        subject: &Subject<'_>,
    ) -> Result<SecretString, Error> {
        generator.generate_for(entries, subject, &self.resources())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> Subject<'static> {
        Subject {
            username: b"A",
            ..Subject::default()
        }
    }

    #[test]
    fn unknown_config_keys_are_named() {
        let error = EngineConfig::from_json(br#"{"commonPasswordFile": "/x"}"#).unwrap_err();
        assert!(error.to_string().contains("commonPasswordFile"), "{error}");
        let error =
            EngineConfig::from_json(br#"{"wordLists": [{"path": "/x", "caseSensitive": true}]}"#)
                .unwrap_err();
        assert!(error.to_string().contains("caseSensitive"), "{error}");
    }

    #[test]
    fn only_objects_are_configurations() {
        for json in [&b"[]"[..], b" [null]", b"\n[null, null]"] {
            let error = EngineConfig::from_json(json).unwrap_err();
            assert!(
                error.to_string().contains("expected a JSON object"),
                "{error}"
            );
        }
        for json in [&b"null"[..], b"1", b"\"x\"", b"true"] {
            assert_eq!(
                EngineConfig::from_json(json).unwrap_err().code(),
                "invalid-config"
            );
        }
    }

    #[test]
    fn full_config_parses() {
        let config = EngineConfig::from_json(
            br#"{"commonPasswordsFile": "/c.json", "breachCorpusFile": "/b.npp",
                "wordLists": [{"path": "/w.txt"}, {"path": "/v.txt", "caseInsensitive": true}],
                "normalizeNfkc": true, "siteName": "My Wiki",
                "denyWords": ["acme"], "denyPatterns": ["^x"]}"#,
        )
        .unwrap();
        assert!(config.word_lists[1].case_insensitive);
        assert!(!config.word_lists[0].case_insensitive);
        assert!(config.normalize_nfkc);
        assert_eq!(
            EngineConfig::from_json(b"{}").unwrap(),
            EngineConfig::default()
        );
    }

    #[test]
    fn missing_file_is_a_problem_not_a_failure() {
        let config =
            EngineConfig::from_json(br#"{"commonPasswordsFile": "/nonexistent/common.json"}"#)
                .unwrap();
        let engine = Engine::new(&config);
        assert_eq!(engine.problems().len(), 1);
        assert!(
            engine.problems()[0]
                .to_string()
                .contains("/nonexistent/common.json")
        );
        assert!(
            engine
                .check(
                    CheckId::PasswordNotInCommonList,
                    &PolicyValue::Bool(true),
                    &subject(),
                    b"x"
                )
                .is_err()
        );
        // Checks that need no file still work.
        assert!(
            engine
                .check(
                    CheckId::MinimalPasswordLength,
                    &PolicyValue::Int(1),
                    &subject(),
                    b"x"
                )
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn loaded_files_lists_what_engines_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let words = dir.path().join("words.txt");
        std::fs::write(&words, "alpha\nbeta\nalpha\n").unwrap();
        let missing = dir.path().join("missing-corpus.npp");
        let config = EngineConfig {
            word_lists: vec![WordListConfig {
                path: words.clone(),
                case_insensitive: true,
            }],
            breach_corpus_file: Some(missing.clone()),
            ..EngineConfig::default()
        };
        let engine = Engine::new(&config);
        assert_eq!(engine.problems().len(), 1);
        let files = loaded_files();
        let listed = files
            .iter()
            .find(|f| f.path == words)
            .expect("word list listed");
        assert_eq!(listed.kind, "word list");
        assert_eq!(listed.entries, Some(2));
        assert_eq!(listed.file_bytes, 17);
        assert!(listed.detail.as_ref().unwrap().contains("case-insensitive"));
        // A file that could not even be looked at is not cached, so not listed.
        assert!(files.iter().all(|f| f.path != missing));
    }

    #[test]
    fn broken_patterns_disable_only_their_check() {
        let config = EngineConfig {
            deny_patterns: vec!["(".into()],
            deny_words: vec!["acme".into()],
            breach_corpus_file: Some("/nonexistent/breach.npp".into()),
            word_lists: vec![WordListConfig {
                path: "/nonexistent/words.txt".into(),
                case_insensitive: false,
            }],
            ..EngineConfig::default()
        };
        let engine = Engine::new(&config);
        let problems: Vec<String> = engine.problems().iter().map(|e| e.to_string()).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("denyPatterns[0]")));
        let on = PolicyValue::Bool(true);
        for check in [
            CheckId::PasswordCannotMatchDeniedPatterns,
            CheckId::PasswordNotInBreachCorpus,
            CheckId::PasswordNotInWordLists,
        ] {
            assert!(
                engine.check(check, &on, &subject(), b"x").is_err(),
                "{check}"
            );
        }
        let failures = engine
            .check(
                CheckId::PasswordCannotContainDeniedWords,
                &on,
                &subject(),
                b"my-acme",
            )
            .unwrap();
        assert_eq!(
            failures[0].message,
            "nativepasswordpolicy-password-contains-denied-word"
        );
        // Nothing configured: nothing denied.
        let plain = Engine::new(&EngineConfig::default());
        assert!(plain.problems().is_empty());
        assert!(
            plain
                .check(
                    CheckId::PasswordCannotMatchDeniedPatterns,
                    &on,
                    &subject(),
                    b"x"
                )
                .unwrap()
                .is_empty()
        );
        assert!(
            plain
                .check(CheckId::PasswordNotInWordLists, &on, &subject(), b"x")
                .is_err()
        );
    }
}
