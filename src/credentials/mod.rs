//! Credentials: temporary passwords and tokens from the operating system's CSPRNG, and Argon2
//! password hashes in the PHC format PHP's `password_hash()` writes.
//!
//! ```
//! use native_password_policy::credentials::{Alphabet, PasswordGenerator, Argon2Config, Algorithm, verify};
//!
//! let generator = PasswordGenerator::new(Alphabet::default(), None).unwrap();
//! let password = generator.generate(0).unwrap();
//! assert!(generator.entropy_bits() >= 128.0);
//!
//! let config = Argon2Config::new(Algorithm::Argon2id, 19456, 2, 1).unwrap();
//! let hash = config.hash(password.as_bytes()).unwrap();
//! assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
//! assert!(verify(password.as_bytes(), hash.as_bytes()));
//! assert!(!config.needs_rehash(hash.as_bytes()));
//! ```

mod generator;
mod hashing;

pub use generator::{
    Alphabet, DEFAULT_ALPHABET, DEFAULT_ENTROPY_BITS, MAX_LENGTH, MINIMUM_ENTROPY_BITS,
    PasswordGenerator, random_token,
};
pub use hashing::{
    Algorithm, Argon2Config, MAX_MEMORY_COST, MAX_THREADS, MAX_TIME_COST, OWASP_MINIMUM,
    PHP_DEFAULT, verify,
};
