//! NativePasswordPolicy: MediaWiki's password policy checks, temporary passwords and Argon2
//! hashes, evaluated natively.
//!
//! The crate is a pure-Rust core (`policy`, `lists`, `engine`, `credentials`) plus a thin PHP
//! binding (`php`, built into the PHP module `native_password_policy`; only with the cargo
//! feature `php`, on by default). The core never sees a PHP type.
//!
//! ```
//! use native_password_policy::policy::{evaluate, CheckId, PolicyEntry, PolicyValue, Resources, Subject};
//!
//! let policy = [PolicyEntry::Native {
//!     check: CheckId::MinimalPasswordLength,
//!     value: PolicyValue::Int(10),
//!     force_change: false,
//!     suggest_change_on_login: true,
//! }];
//! let subject = Subject { username: b"Example", ..Subject::default() };
//! let verdict = evaluate(&policy, &subject, b"short", &Resources::default()).unwrap();
//! assert_eq!(verdict.failures[0].1.message, "passwordtooshort");
//! assert!(verdict.suggest_change_on_login);
//! ```
#![deny(missing_docs)]

pub mod build_info;
pub mod credentials;
pub mod engine;
mod error;
pub mod lists;
pub mod policy;
mod secret;

#[cfg(feature = "php")]
#[doc(hidden)]
pub mod php;

pub use error::{Error, ErrorKind};
pub use secret::SecretString;
