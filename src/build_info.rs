//! How this library was built, recorded by `build.rs`: shown by `php --ri
//! native_password_policy`, phpinfo() and Special:Version, so an operator can tell which
//! build a server runs.

/// The crate version, which is also the PHP module's version (`phpversion()`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The compiler, as `rustc --version` prints it.
pub const RUSTC: &str = env!("NPP_BUILD_RUSTC");

/// The cargo profile (`release` for the module operators install).
pub const PROFILE: &str = env!("NPP_BUILD_PROFILE");

/// The target triple.
pub const TARGET: &str = env!("NPP_BUILD_TARGET");

/// The git commit of the checkout (12 hex digits), `NPP_BUILD_COMMIT`, or `unknown`.
pub const COMMIT: &str = env!("NPP_BUILD_COMMIT");

/// Every field, as (name, value) pairs in display order.
pub fn fields() -> [(&'static str, &'static str); 5] {
    [
        ("version", VERSION),
        ("commit", COMMIT),
        ("rustc", RUSTC),
        ("profile", PROFILE),
        ("target", TARGET),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_recorded() {
        assert!(RUSTC.starts_with("rustc "), "{RUSTC}");
        assert!(matches!(PROFILE, "debug" | "release"), "{PROFILE}");
        assert!(TARGET.contains('-'), "{TARGET}");
        assert!(
            COMMIT == "unknown" || COMMIT.bytes().all(|b| b.is_ascii_hexdigit()),
            "{COMMIT}"
        );
        assert_eq!(fields()[0], ("version", VERSION));
    }
}
