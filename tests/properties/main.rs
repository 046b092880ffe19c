//! Property tests of every core function on byte-level inputs: invalid UTF-8, NUL bytes, empty
//! strings, long strings. Each property compares the engine with a simple reference model
//! written here independently (naive counts and searches, PHP's rules spelled out with a
//! regular expression, the Bloom filter recomputed with plain HMAC-SHA1, ...) or asserts an
//! invariant (determinism, monotonicity, bounds), never only "does not panic".
//!
//! Case counts are sized for CI on two shared cores: the whole file runs in well under a
//! minute in a debug build.

mod config;
mod core_checks;
mod credentials;
mod evaluate;
mod extended_checks;
mod lists;
mod strategies;
mod value;
