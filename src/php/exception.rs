//! The module's exception class and the guard every exported method runs in.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ext_php_rs::builders::ClassBuilder;
use ext_php_rs::describe::DocComments;
use ext_php_rs::exception::{PhpException, PhpResult};
use ext_php_rs::flags::ConstantFlags;
use ext_php_rs::zend::{ClassEntry, ce};

use crate::error::{Error, ErrorKind};
use crate::policy::Unavailable;

/// PHP name of the exception class every failure of the module is thrown as.
pub(super) const CLASS_NAME: &str = "NativePasswordPolicy\\EngineException";

/// Exception codes, exposed as class constants so PHP can tell them apart.
const CODES: [(&str, i32); 4] = [
    ("CODE_CONFIG", 1),
    ("CODE_UNAVAILABLE", 2),
    ("CODE_INVALID_ARGUMENT", 3),
    ("CODE_INTERNAL", 4),
];

/// Everything an exported method can fail with.
pub(super) enum EngineError {
    /// The configuration could not be used.
    Config(Error),
    /// A check could not run (a file it needs is not loaded).
    Unavailable(Unavailable),
    /// The core could not do its work for another reason (random generator, memory).
    Failed(Error),
    /// PHP passed a value the method cannot take.
    InvalidArgument(String),
    /// A bug: a panic was caught.
    Internal(String),
}

impl EngineError {
    fn code(&self) -> i32 {
        match self {
            EngineError::Config(_) => CODES[0].1,
            EngineError::Unavailable(_) => CODES[1].1,
            EngineError::Failed(error) => match error.kind() {
                ErrorKind::InvalidConfig(_) => CODES[0].1,
                ErrorKind::Internal(_) => CODES[3].1,
                _ => CODES[1].1,
            },
            EngineError::InvalidArgument(_) => CODES[2].1,
            EngineError::Internal(_) => CODES[3].1,
        }
    }

    fn message(&self) -> String {
        match self {
            EngineError::Config(error) => error.to_string(),
            EngineError::Unavailable(why) => format!("check unavailable: {why}"),
            EngineError::Failed(error) => error.to_string(),
            EngineError::InvalidArgument(message) => format!("invalid argument: {message}"),
            EngineError::Internal(message) => {
                format!("internal error in native_password_policy: {message}")
            }
        }
    }
}

impl From<Error> for EngineError {
    fn from(error: Error) -> Self {
        match error.kind() {
            ErrorKind::InvalidConfig(_) => EngineError::Config(error),
            _ => EngineError::Failed(error),
        }
    }
}

impl From<EngineError> for PhpException {
    fn from(error: EngineError) -> Self {
        let message = error.message();
        match ClassEntry::try_find(CLASS_NAME) {
            Some(class) => PhpException::new(message, error.code(), class),
            // Only if module startup failed to register the class.
            None => PhpException::new(message, error.code(), ce::exception()),
        }
    }
}

/// Runs an exported method's body: a panic becomes an `EngineException` with CODE_INTERNAL
/// instead of unwinding into PHP. Panic payloads never contain passwords: the core formats
/// no input into its messages.
pub(super) fn guard<T>(body: impl FnOnce() -> Result<T, EngineError>) -> PhpResult<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result.map_err(PhpException::from),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic without message".to_owned());
            Err(EngineError::Internal(message).into())
        }
    }
}

/// Registers the exception class; called from module startup, where a panic would abort PHP,
/// so every step is checked and a failure is reported as a failed startup.
pub(super) fn register_class() -> i32 {
    let registered = catch_unwind(|| {
        let mut builder = ClassBuilder::new(CLASS_NAME).extends((ce::exception, "\\Exception"));
        for (name, code) in CODES {
            builder = builder.constant(
                name,
                i64::from(code),
                DocComments::default(),
                ConstantFlags::Public,
            )?;
        }
        builder
            // The arg-info tables must outlive the class, which lives as long as the process.
            .registration(|_class, arg_info| std::mem::forget(arg_info))
            .register()
    });
    match registered {
        Ok(Ok(())) => 0,
        _ => -1,
    }
}
