//! The core's one error type: what went wrong while loading configuration or files, running a
//! check, drawing random bytes, hashing or building a breach corpus.
//!
//! A failed password check is not an error (see [`crate::policy::Verdict`]); an `Error` means the
//! engine could not do its work, and the PHP side then falls back to MediaWiki's own code.

use std::fmt;
use std::path::{Path, PathBuf};

/// An error of the engine, with the file it concerns when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    path: Option<PathBuf>,
}

/// The kinds of [`Error`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Occurs when a file cannot be opened or read.
    Io(String),
    /// Occurs when a file is read but its content is not what the engine expects.
    InvalidFile(String),
    /// Occurs when a configuration value is missing, of the wrong type or out of range.
    InvalidConfig(String),
    /// Occurs when the operating system's random number generator fails.
    Random(String),
    /// Occurs when a password policy check an operation needs cannot run (a file or list it
    /// needs is not loaded); the message names what is missing, never the password.
    Unavailable(String),
    /// Occurs when Argon2 cannot run, e.g. because its memory cannot be allocated.
    Hashing(String),
    /// Occurs when the engine hit a bug (a caught panic). Never expected.
    Internal(String),
}

impl Error {
    /// An error of the given kind, not tied to a file.
    pub fn new(kind: ErrorKind) -> Self {
        Error { kind, path: None }
    }

    /// A configuration error.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidConfig(message.into()))
    }

    /// A check cannot run: `what` (e.g. "the breach corpus") is not loaded.
    pub fn unavailable(what: &str) -> Self {
        Self::new(ErrorKind::Unavailable(format!("{what} is not loaded")))
    }

    /// An I/O error on `path`.
    pub fn io(path: &Path, error: std::io::Error) -> Self {
        Self::new(ErrorKind::Io(error.to_string())).with_path(path)
    }

    /// The same error, naming the file it concerns.
    pub fn with_path(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The file concerned, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A stable code for the kind, for callers that map errors to messages.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::Io(_) => "io",
            ErrorKind::InvalidFile(_) => "invalid-file",
            ErrorKind::InvalidConfig(_) => "invalid-config",
            ErrorKind::Random(_) => "random",
            ErrorKind::Unavailable(_) => "unavailable",
            ErrorKind::Hashing(_) => "hashing",
            ErrorKind::Internal(_) => "internal",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Io(message) => write!(f, "cannot read file: {message}"),
            ErrorKind::InvalidFile(message) => write!(f, "invalid file: {message}"),
            ErrorKind::InvalidConfig(message) => write!(f, "invalid configuration: {message}"),
            ErrorKind::Random(message) => {
                write!(f, "the system's random number generator failed: {message}")
            }
            ErrorKind::Unavailable(message) => write!(f, "check unavailable: {message}"),
            ErrorKind::Hashing(message) => write!(f, "Argon2 failed: {message}"),
            ErrorKind::Internal(message) => write!(f, "internal error: {message}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{}: {}", path.display(), self.kind),
            None => self.kind.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_file() {
        let error =
            Error::new(ErrorKind::InvalidFile("truncated".into())).with_path(Path::new("/x/y.bin"));
        assert_eq!(error.to_string(), "/x/y.bin: invalid file: truncated");
        assert_eq!(error.code(), "invalid-file");
        assert_eq!(
            Error::config("bad").to_string(),
            "invalid configuration: bad"
        );
        let missing = Error::unavailable("the breach corpus");
        assert_eq!(
            missing.to_string(),
            "check unavailable: the breach corpus is not loaded"
        );
        assert_eq!(missing.code(), "unavailable");
    }
}
