//! The module's exception class and the guard every exported method runs in.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
#[cfg(feature = "fault-injection")]
use std::sync::OnceLock;

use ext_php_rs::builders::ClassBuilder;
use ext_php_rs::describe::DocComments;
use ext_php_rs::exception::{PhpException, PhpResult};
use ext_php_rs::flags::ConstantFlags;
use ext_php_rs::zend::{ClassEntry, ce};

use crate::error::{Error, ErrorKind};

/// PHP name of the exception class every failure of the module is thrown as.
pub(super) const CLASS_NAME: &str = "NativePasswordPolicy\\EngineException";

/// Exception codes, exposed as class constants so PHP can tell them apart.
const CODES: [(&str, i32); 4] = [
    ("CODE_CONFIG", 1),
    ("CODE_UNAVAILABLE", 2),
    ("CODE_INVALID_ARGUMENT", 3),
    ("CODE_INTERNAL", 4),
];

/// Everything an exported method can fail with: the core's error, or what only the binding
/// can tell (a PHP value it cannot take, a caught panic). Exists to give each its PHP code.
pub(super) enum EngineError {
    /// The core could not do its work; its kind decides the code.
    Core(Error),
    /// PHP passed a value the method cannot take.
    InvalidArgument(String),
    /// A bug: a panic was caught.
    Internal(String),
}

impl EngineError {
    fn code(&self) -> i32 {
        match self {
            EngineError::Core(error) => match error.kind() {
                ErrorKind::InvalidConfig(_) => CODES[0].1,
                ErrorKind::Internal(_) => CODES[3].1,
                // Files, checks, randomness and Argon2: the PHP side falls back or reports.
                _ => CODES[1].1,
            },
            EngineError::InvalidArgument(_) => CODES[2].1,
            EngineError::Internal(_) => CODES[3].1,
        }
    }

    fn message(&self) -> String {
        match self {
            EngineError::Core(error) => error.to_string(),
            EngineError::InvalidArgument(message) => format!("invalid argument: {message}"),
            EngineError::Internal(message) => {
                format!("internal error in native_password_policy: {message}")
            }
        }
    }
}

impl From<Error> for EngineError {
    fn from(error: Error) -> Self {
        EngineError::Core(error)
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

/// Whether this build has the test-only fault injection (cargo feature `fault-injection`), as
/// `php --ri native_password_policy` says it.
pub(super) const FAULT_INJECTION_STATUS: &str = if cfg!(feature = "fault-injection") {
    "compiled in (a test build: NATIVE_PASSWORD_POLICY_FAULT_INJECTION is read at startup)"
} else {
    "not compiled in"
};

/// The environment variable of the test-only fault injection (see [`FaultInjection`]).
#[cfg(feature = "fault-injection")]
pub(super) const FAULT_INJECTION_VARIABLE: &str = "NATIVE_PASSWORD_POLICY_FAULT_INJECTION";

/// TEST ONLY, and only in a build with the cargo feature `fault-injection` (never the module
/// operators install: without the feature nothing reads the variable).
/// `NATIVE_PASSWORD_POLICY_FAULT_INJECTION=panic:Engine::check,Argon2Hasher::hash` (or `panic:*`
/// for every method) makes the named exported methods panic on purpose, so that tests can show
/// the panic is caught, becomes an `EngineException` with CODE_INTERNAL and leaves PHP running.
/// Method names are PHP's (`Class::method`, classes without namespace).
///
/// The variable is read once, at module startup, from the environment of the PHP process
/// (set by whoever starts PHP): nothing a request sends (headers, parameters, `putenv()` in a
/// script) can turn it on.
// The parser is also compiled for unit tests, so the default `cargo test` covers it.
#[cfg(any(test, feature = "fault-injection"))]
#[derive(Debug, Default, PartialEq)]
struct FaultInjection {
    panic_in: Vec<String>,
}

#[cfg(any(test, feature = "fault-injection"))]
impl FaultInjection {
    /// Parses the variable's value; anything but `panic:NAME[,NAME...]` injects nothing.
    fn parse(spec: &str) -> Self {
        let panic_in = spec
            .strip_prefix("panic:")
            .map(|names| {
                names
                    .split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        FaultInjection { panic_in }
    }

    fn panics_in(&self, method: &str) -> bool {
        self.panic_in
            .iter()
            .any(|name| name == "*" || name == method)
    }
}

#[cfg(feature = "fault-injection")]
static FAULT_INJECTION: OnceLock<FaultInjection> = OnceLock::new();

/// Reads the fault injection variable; called once from module startup.
#[cfg(feature = "fault-injection")]
pub(super) fn load_fault_injection() {
    let spec = std::env::var(FAULT_INJECTION_VARIABLE).unwrap_or_default();
    let _ = FAULT_INJECTION.set(FaultInjection::parse(&spec));
}

/// Panics when the fault injection names `method`.
#[cfg(feature = "fault-injection")]
fn inject_fault(method: &str) {
    if FAULT_INJECTION
        .get()
        .is_some_and(|faults| faults.panics_in(method))
    {
        panic!("fault injected by NATIVE_PASSWORD_POLICY_FAULT_INJECTION (test only)");
    }
}

thread_local! {
    /// Where the last panic on this thread happened, recorded by the panic hook for the guard.
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The module's panic hook: prints nothing (panics are reported through exceptions, and a
/// panic message must never reach a log), only records where the panic happened so that the
/// exception can name it.
pub(super) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
        // try_with: during thread teardown the slot may be gone; then nothing is recorded.
        let _ = PANIC_LOCATION.try_with(|slot| *slot.borrow_mut() = location);
    }));
}

/// Runs the body of the exported method `method` (PHP's name, `Class::method`): a panic
/// becomes an `EngineException` with CODE_INTERNAL instead of unwinding into PHP.
///
/// The exception names where the panic happened, and its message only when the message is a
/// fixed text of this crate (`panic!("literal")`): a formatted panic message could contain a
/// caller's input, so it is left out.
pub(super) fn guard<T>(
    method: &'static str,
    body: impl FnOnce() -> Result<T, EngineError>,
) -> PhpResult<T> {
    let run = || {
        #[cfg(feature = "fault-injection")]
        inject_fault(method);
        body()
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(result) => result.map_err(PhpException::from),
        Err(payload) => {
            let location = PANIC_LOCATION
                .try_with(|slot| slot.borrow_mut().take())
                .ok()
                .flatten()
                .unwrap_or_else(|| "an unknown place".to_owned());
            let detail = match payload.downcast_ref::<&'static str>() {
                Some(text) => format!(": {text}"),
                None => " (its message is not shown: it may contain input)".to_owned(),
            };
            Err(EngineError::Internal(format!("{method} panicked at {location}{detail}")).into())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_injection_names_methods() {
        let faults = FaultInjection::parse("panic:Engine::check, Argon2Hasher::hash");
        assert!(faults.panics_in("Engine::check"));
        assert!(faults.panics_in("Argon2Hasher::hash"));
        assert!(!faults.panics_in("Engine::evaluate"));
        assert!(FaultInjection::parse("panic:*").panics_in("Engine::evaluate"));
        for ignored in ["", "panic:", "panik:*", "*", "Engine::check"] {
            assert_eq!(FaultInjection::parse(ignored), FaultInjection::default());
        }
    }
}
