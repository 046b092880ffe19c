//! Word lists and filters the checks consult, loaded once per process.

pub mod breach;
mod cache;
mod common_passwords;
mod word_list;

pub use breach::BreachCorpus;
pub use cache::{Describe, FileCache, LoadedFile};
pub use common_passwords::CommonPasswords;
pub use word_list::{MAX_WORD_LIST_BYTES, WordList};
