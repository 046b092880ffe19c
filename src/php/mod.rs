//! The PHP binding: the only module that knows ext-php-rs.
//!
//! Each exported method converts PHP values to core types, calls one core function inside
//! [`guard`] (so no panic reaches PHP) and converts the result back. Strings arrive as bytes:
//! invalid UTF-8 is data, never an error.

mod convert;
mod credentials;
mod exception;

use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

use crate::build_info;
use crate::engine::{self, Engine, EngineConfig};
use crate::lists::LoadedFile;
use crate::policy::{CheckId, Subject};

use credentials::{PhpArgon2Hasher, PhpPasswordGenerator, PhpSecret};
use exception::guard;

/// A configured password policy engine. Build one per request from the extension's
/// configuration; files it names are loaded once per process.
#[php_class]
#[php(name = "NativePasswordPolicy\\Engine")]
pub struct PhpEngine {
    engine: Engine,
}

#[php_impl]
impl PhpEngine {
    /// Builds an engine from its JSON configuration.
    ///
    /// @param string $configJson The configuration, a JSON object with camelCase keys.
    /// @throws \NativePasswordPolicy\EngineException CODE_CONFIG when the configuration is invalid.
    pub fn __construct(config_json: BinarySlice<u8>) -> PhpResult<Self> {
        guard("Engine::__construct", || {
            let config = EngineConfig::from_json(&config_json)?;
            Ok(PhpEngine {
                engine: Engine::new(&config),
            })
        })
    }

    /// Runs one check of `$wgPasswordPolicy['checks']`.
    ///
    /// @param string $check The check's name, e.g. "MinimalPasswordLength".
    /// @param mixed $value The check's configured value (null, bool, int, float or string).
    /// @param string $username The user name.
    /// @param string $password The password (bytes).
    /// @param array|null $context More about the account, for the checks beyond core:
    ///   ['realName' => string, 'email' => string] (each optional).
    /// @return array|null Null when the password passes (no array is built on the common path),
    ///   else a list of failures: each ['message' => string, 'params' => array, 'fatal' => bool].
    /// @throws \NativePasswordPolicy\EngineException CODE_UNAVAILABLE when a file the check needs is not loaded.
    pub fn check(
        &self,
        check: BinarySlice<u8>,
        value: &Zval,
        username: BinarySlice<u8>,
        password: BinarySlice<u8>,
        context: Option<&ZendHashTable>,
    ) -> PhpResult<Option<ZBox<ZendHashTable>>> {
        guard("Engine::check", || {
            let check = CheckId::from_name(&check).ok_or_else(|| convert::unknown_check(&check))?;
            let policy_value = convert::policy_value(value)?;
            let context = convert::SubjectContext::from_table(context)?;
            let subject = context.subject(&username);
            let failures = self
                .engine
                .check(check, &policy_value, &subject, &password)?;
            if failures.is_empty() {
                return Ok(None);
            }
            convert::failure_list(failures.iter().map(|f| (None, f)), value).map(Some)
        })
    }

    /// Evaluates a user's whole effective policy in one call.
    ///
    /// @param string $username The user name.
    /// @param string $password The password (bytes).
    /// @param array $entries The effective policy, in order: native entries
    ///   ['check' => string, 'value' => mixed, 'forceChange' => bool, 'suggestChangeOnLogin' => bool]
    ///   and entries already evaluated in PHP ['good' => bool, 'ok' => bool, 'forceChange' => bool,
    ///   'suggestChangeOnLogin' => bool].
    /// @param array|null $context More about the account, for the checks beyond core:
    ///   ['realName' => string, 'email' => string] (each optional).
    /// @return array ['failures' => list of ['entry' => int, 'message' => string, 'params' => array,
    ///   'fatal' => bool], 'forceChange' => bool, 'suggestChangeOnLogin' => bool].
    pub fn evaluate(
        &self,
        username: BinarySlice<u8>,
        password: BinarySlice<u8>,
        entries: &ZendHashTable,
        context: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        guard("Engine::evaluate", || {
            let (entries, values) = convert::policy_entries(entries)?;
            let context = convert::SubjectContext::from_table(context)?;
            let subject = context.subject(&username);
            let verdict = self.engine.evaluate(&entries, &subject, &password)?;
            convert::verdict(&verdict, &values)
        })
    }

    /// Evaluates the native checks of a MediaWiki effective policy in one call, entry by entry,
    /// for a caller that answers MediaWiki's check callables one by one from the result.
    ///
    /// @param string $username The user name.
    /// @param string $password The password (bytes).
    /// @param array $policy The effective policy as MediaWiki holds it: name => value, or
    ///   name => ['value' => value, ...].
    /// @param array $checks Policy name => the native check it runs ("MinimalPasswordLength", ...).
    ///   Entries whose name is not here, or whose value is not null, bool, int, float or string,
    ///   are not evaluated.
    /// @param array|null $context As for check().
    /// @return int|array The number of entries evaluated when each of them passes (no array is
    ///   built on the common path); else ['evaluated' => int, 'failures' => [name => list of
    ///   ['message' => string, 'params' => array, 'fatal' => bool]], 'unavailable' => [name =>
    ///   why the check cannot run]]. Entries that passed are in neither.
    pub fn evaluate_policy(
        &self,
        username: BinarySlice<u8>,
        password: BinarySlice<u8>,
        policy: &ZendHashTable,
        checks: &ZendHashTable,
        context: Option<&ZendHashTable>,
    ) -> PhpResult<Zval> {
        guard("Engine::evaluatePolicy", || {
            let entries = convert::mediawiki_policy(policy, checks)?;
            let context = convert::SubjectContext::from_table(context)?;
            let subject = context.subject(&username);
            let checks = entries.iter().map(|e| (e.check, &e.value));
            let outcomes = self.engine.evaluate_each(checks, &subject, &password);
            convert::outcomes_by_name(&entries, &outcomes)
        })
    }

    /// A temporary password for a user: at least as long as the generator's length and the
    /// policy's length checks, and passing every native check of the policy (drawn again in
    /// the rare case it does not). Entries evaluated in PHP are ignored.
    ///
    /// @param \NativePasswordPolicy\PasswordGenerator $generator
    /// @param string $username The user name.
    /// @param array $entries The effective policy, as for evaluate().
    /// @return string
    /// @throws \NativePasswordPolicy\EngineException CODE_CONFIG when the policy accepts no
    ///   generated password, CODE_UNAVAILABLE when a check cannot run or randomness fails.
    pub fn generate_password(
        &self,
        generator: &PhpPasswordGenerator,
        username: BinarySlice<u8>,
        entries: &ZendHashTable,
    ) -> PhpResult<PhpSecret> {
        guard("Engine::generatePassword", || {
            let (entries, _) = convert::policy_entries(entries)?;
            let subject = Subject {
                username: &username,
                ..Subject::default()
            };
            let password =
                self.engine
                    .generate_password(&generator.generator, &entries, &subject)?;
            Ok(PhpSecret(password))
        })
    }

    /// Looks a password up in the breach corpus: the test of `PasswordNotInBreachCorpus`
    /// alone, returning a plain bool (cheaper than `check()`, which builds an array).
    ///
    /// @param string $password The password (bytes).
    /// @return bool True when the password is in the corpus (false-positive rate about 1/65,536).
    /// @throws \NativePasswordPolicy\EngineException CODE_UNAVAILABLE when no corpus is loaded.
    pub fn in_breach_corpus(&self, password: BinarySlice<u8>) -> PhpResult<bool> {
        guard("Engine::inBreachCorpus", || {
            Ok(self.engine.in_breach_corpus(&password)?)
        })
    }

    /// How the module was built (what `php --ri native_password_policy` shows).
    ///
    /// @return array<string,string> ['version' => string, 'commit' => string, 'rustc' => string,
    ///   'profile' => string, 'target' => string, 'phpApi' => string]
    pub fn build_info() -> PhpResult<ZBox<ZendHashTable>> {
        guard("Engine::buildInfo", || {
            let mut table = ZendHashTable::new();
            for (name, value) in build_info::fields() {
                table.insert(name, value).map_err(convert::table_error)?;
            }
            table
                .insert("phpApi", ext_php_rs::ffi::ZEND_MODULE_API_NO.to_string())
                .map_err(convert::table_error)?;
            Ok(table)
        })
    }

    /// The files engines of this PHP process have loaded, or failed to load (each process
    /// loads a file on first use and keeps it while it is unchanged).
    ///
    /// @return array[] Each ['kind' => string, 'path' => string, 'bytes' => int,
    ///   'entries' => int|null, 'detail' => string|null, 'error' => string|null].
    pub fn loaded_files() -> PhpResult<ZBox<ZendHashTable>> {
        guard("Engine::loadedFiles", || {
            convert::loaded_files(&engine::loaded_files())
        })
    }

    /// Problems met while loading the files the configuration names (empty when all is well).
    ///
    /// @return string[] One line per problem, naming the file.
    pub fn problems(&self) -> PhpResult<Vec<String>> {
        guard("Engine::problems", || {
            Ok(self
                .engine
                .problems()
                .iter()
                .map(|e| e.to_string())
                .collect())
        })
    }
}

/// The `php --ri native_password_policy` / phpinfo() section: the build, then the files this
/// process has loaded. Not protected against panics by PHP: nothing here may panic.
extern "C" fn module_info(_module: *mut ModuleEntry) {
    info_table_start!();
    info_row("native_password_policy support", "enabled");
    for (name, value) in build_info::fields() {
        info_row(name, value);
    }
    info_row("PHP API", &ext_php_rs::ffi::ZEND_MODULE_API_NO.to_string());
    info_row("fault injection", exception::FAULT_INJECTION_STATUS);
    let files = engine::loaded_files();
    if files.is_empty() {
        info_row(
            "files loaded by this process",
            "none yet (each PHP process loads a file on first use)",
        );
    }
    for file in &files {
        info_row(file.kind, &describe_file(file));
    }
    info_table_end!();
}

/// One line about a loaded file: path, size, what was loaded (its detail names the entries
/// when they are known) or why it was not.
fn describe_file(file: &LoadedFile) -> String {
    let detail = match &file.detail {
        Ok(detail) => detail.clone(),
        Err(error) => format!("NOT LOADED: {error}"),
    };
    format!(
        "{} (file of {} bytes): {detail}",
        file.path.display(),
        file.file_bytes
    )
}

/// A row of the info table. `info_table_row!` panics on a NUL byte, which a configured path
/// may contain: those are replaced first.
fn info_row(name: &str, value: &str) {
    let name = name.replace('\0', "\u{fffd}");
    let value = value.replace('\0', "\u{fffd}");
    info_table_row!(name.as_str(), value.as_str());
}

/// Module startup: replaces the default panic output by a silent hook (panics are reported
/// through exceptions, and a panic message must never reach a log), in a test build reads the
/// fault injection variable from the process environment, and registers the exception class.
extern "C" fn module_startup(_type: i32, _module_number: i32) -> i32 {
    exception::install_panic_hook();
    #[cfg(feature = "fault-injection")]
    exception::load_fault_injection();
    exception::register_class()
}

/// The module entry point PHP loads.
#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .startup_function(module_startup)
        .class::<PhpEngine>()
        .class::<PhpPasswordGenerator>()
        .class::<PhpArgon2Hasher>()
        .info_function(module_info)
}
