//! Word lists and filters the checks consult, loaded once per process.

mod cache;
mod common_passwords;

pub use cache::FileCache;
pub use common_passwords::CommonPasswords;
