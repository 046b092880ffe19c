//! The engine: a configuration plus the resources it names, ready to check passwords.
//!
//! The PHP side builds one [`Engine`] per request from its configuration; everything expensive
//! (filter files, lists) comes from per-process caches, so building an engine costs a few
//! `stat` calls.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use serde::Deserialize;

use zeroize::Zeroizing;

use crate::credentials::PasswordGenerator;
use crate::error::Error;
use crate::lists::{CommonPasswords, FileCache};
use crate::policy::{
    self, CheckId, Failure, PolicyEntry, PolicyValue, Resources, Subject, Unavailable, Verdict,
};

/// The engine's configuration, as the PHP side sends it (JSON, camelCase keys).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EngineConfig {
    /// MediaWiki's common-password filter (`common-x64.json` of `wikimedia/common-passwords`).
    pub common_passwords_file: Option<PathBuf>,
}

impl EngineConfig {
    /// Parses the JSON configuration, naming the offending key on error.
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        serde_json::from_slice(json).map_err(|e| Error::config(e.to_string()))
    }
}

static COMMON_PASSWORDS: LazyLock<FileCache<CommonPasswords>> = LazyLock::new(FileCache::default);

/// A configured engine.
#[derive(Debug, Clone)]
pub struct Engine {
    common_passwords: Option<Result<Arc<CommonPasswords>, Error>>,
}

impl Engine {
    /// Builds an engine, loading (or reusing) the files the configuration names. A file that
    /// cannot be loaded does not fail the engine: the checks that need it report
    /// [`Unavailable`] and [`Engine::problems`] says why.
    pub fn new(config: &EngineConfig) -> Self {
        let common_passwords = config
            .common_passwords_file
            .as_deref()
            .map(|path| COMMON_PASSWORDS.get(path, CommonPasswords::load));
        Engine { common_passwords }
    }

    /// Errors met while loading the configured files.
    pub fn problems(&self) -> Vec<&Error> {
        self.common_passwords
            .iter()
            .filter_map(|loaded| loaded.as_ref().err())
            .collect()
    }

    /// The common-password filter, when configured and loaded.
    pub fn common_passwords(&self) -> Option<&CommonPasswords> {
        self.common_passwords
            .as_ref()
            .and_then(|loaded| loaded.as_deref().ok())
    }

    fn resources(&self) -> Resources<'_> {
        Resources {
            common_passwords: self.common_passwords(),
        }
    }

    /// Runs one check (see [`policy::run_check`]).
    pub fn check(
        &self,
        check: CheckId,
        value: &PolicyValue,
        subject: &Subject<'_>,
        password: &[u8],
    ) -> Result<Vec<Failure>, Unavailable> {
        policy::run_check(check, value, subject, password, &self.resources())
    }

    /// Evaluates a whole effective policy (see [`policy::evaluate`]).
    pub fn evaluate(
        &self,
        entries: &[PolicyEntry],
        subject: &Subject<'_>,
        password: &[u8],
    ) -> Result<Verdict, Unavailable> {
        policy::evaluate(entries, subject, password, &self.resources())
    }

    /// A temporary password that passes every native check of `entries` (a user's effective
    /// policy), evaluated with this engine's resources (see [`PasswordGenerator::generate_for`]).
    pub fn generate_password(
        &self,
        generator: &PasswordGenerator,
        entries: &[PolicyEntry],
        subject: &Subject<'_>,
    ) -> Result<Zeroizing<String>, Error> {
        generator.generate_for(entries, subject, &self.resources())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_config_keys_are_named() {
        let error = EngineConfig::from_json(br#"{"commonPasswordFile": "/x"}"#).unwrap_err();
        assert!(error.to_string().contains("commonPasswordFile"), "{error}");
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
        let subject = Subject { username: b"A" };
        assert!(
            engine
                .check(
                    CheckId::PasswordNotInCommonList,
                    &PolicyValue::Bool(true),
                    &subject,
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
                    &subject,
                    b"x"
                )
                .unwrap()
                .is_empty()
        );
    }
}
