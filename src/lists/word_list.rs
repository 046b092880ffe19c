//! Operator word lists: files of forbidden passwords, one per line (site-specific lists,
//! dictionaries of other languages), loaded once per process.
//!
//! A list is stored compactly (all words in one buffer, sorted, with 4-byte offsets; about
//! 4 bytes per word beyond the text) and searched by binary search.

use std::cell::OnceCell;
use std::path::Path;

use crate::error::{Error, ErrorKind};
use crate::lists::Describe;
use crate::policy::text::{MAX_LOWERCASE_SHRINK, lower_chars, lower_password};

/// Largest list file accepted (offsets are 32-bit).
pub const MAX_WORD_LIST_BYTES: u64 = u32::MAX as u64;

/// A sorted, deduplicated set of words.
#[derive(Debug, Clone)]
pub struct WordList {
    text: Vec<u8>,
    /// Start of each word in `text`, plus the end of the last one.
    bounds: Vec<u32>,
    case_insensitive: bool,
    /// Bytes of the longest word: longer passwords are not looked up.
    longest: usize,
}

/// Lower-cases text for case-insensitive lists (lossy for invalid UTF-8).
fn lower(bytes: &[u8]) -> Vec<u8> {
    lower_chars(bytes).collect::<String>().into_bytes()
}

impl WordList {
    /// Reads a list file: every non-empty line (without its `\n` or `\r\n`) is one word, taken
    /// as bytes. With `case_insensitive`, words and passwords are compared in lower case
    /// (Unicode lower case of each character, final sigma read as sigma; invalid UTF-8 is
    /// decoded lossily).
    pub fn load(path: &Path, case_insensitive: bool) -> Result<Self, Error> {
        let len = std::fs::metadata(path)
            .map_err(|e| Error::io(path, e))?
            .len();
        if len > MAX_WORD_LIST_BYTES {
            return Err(Error::new(ErrorKind::InvalidFile(format!(
                "word list of {len} bytes is larger than the {MAX_WORD_LIST_BYTES}-byte limit"
            )))
            .with_path(path));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(&bytes, case_insensitive).map_err(|e| e.with_path(path))
    }

    /// Builds a list from the content of a list file.
    pub fn from_bytes(bytes: &[u8], case_insensitive: bool) -> Result<Self, Error> {
        let folded;
        let source: &[u8] = if case_insensitive {
            folded = lower(bytes);
            &folded
        } else {
            bytes
        };
        if source.len() as u64 > MAX_WORD_LIST_BYTES {
            return Err(Error::new(ErrorKind::InvalidFile(
                "word list is larger than 4 GiB".into(),
            )));
        }
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        let mut start = 0usize;
        for line in source.split(|b| *b == b'\n') {
            let end = start + line.len();
            let word_end = if line.ends_with(b"\r") { end - 1 } else { end };
            if word_end > start {
                ranges.push((start as u32, word_end as u32));
            }
            start = end + 1;
        }
        let word = |(s, e): (u32, u32)| &source[s as usize..e as usize];
        ranges.sort_unstable_by(|a, b| word(*a).cmp(word(*b)));
        ranges.dedup_by(|a, b| word(*a) == word(*b));
        let mut text = Vec::with_capacity(ranges.iter().map(|(s, e)| (e - s) as usize).sum());
        let mut bounds = Vec::with_capacity(ranges.len() + 1);
        let mut longest = 0;
        for range in ranges {
            bounds.push(text.len() as u32);
            text.extend_from_slice(word(range));
            longest = longest.max((range.1 - range.0) as usize);
        }
        bounds.push(text.len() as u32);
        Ok(WordList {
            text,
            bounds,
            case_insensitive,
            longest,
        })
    }

    fn word(&self, index: usize) -> &[u8] {
        &self.text[self.bounds[index] as usize..self.bounds[index + 1] as usize]
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.bounds.len() - 1
    }

    /// True when the list has no word.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the password is one of the words (compared as the list was loaded).
    ///
    /// A password longer than any word (after lower-casing, which never shrinks text below a
    /// third of its bytes) is not looked up, so the cost is bounded by the longest word, not by
    /// the password. A lower-cased copy of the password is wiped after use.
    pub fn contains(&self, password: &[u8]) -> bool {
        let lowered = OnceCell::new();
        self.contains_with(password, || {
            lowered.get_or_init(|| lower_password(password))
        })
    }

    /// [`WordList::contains`], taking the password's lower-cased form ([`lower_password`])
    /// from `lowered`, called only when this list needs it: one evaluation lower-cases a
    /// password once for all its case-insensitive lists.
    pub(crate) fn contains_with<'l>(
        &self,
        password: &[u8],
        lowered: impl FnOnce() -> &'l [u8],
    ) -> bool {
        if self.case_insensitive {
            if password.len() > self.longest.saturating_mul(MAX_LOWERCASE_SHRINK) {
                return false;
            }
            self.search(lowered())
        } else {
            password.len() <= self.longest && self.search(password)
        }
    }

    fn search(&self, needle: &[u8]) -> bool {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.word(middle).cmp(needle) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

impl Describe for WordList {
    fn entries(&self) -> Option<u64> {
        Some(self.len() as u64)
    }

    fn detail(&self) -> String {
        let comparison = if self.case_insensitive {
            "case-insensitive"
        } else {
            "exact bytes"
        };
        format!(
            "{} words, {comparison}, {} bytes in memory",
            self.len(),
            self.text.len() + self.bounds.len() * 4
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exact_lists() {
        let list =
            WordList::from_bytes(b"Zebra\r\napple\n\nApple\napple\n\xff\xfe\nlast", false).unwrap();
        assert_eq!(list.len(), 5);
        assert!(list.contains(b"apple"));
        assert!(list.contains(b"Apple"));
        assert!(!list.contains(b"APPLE"));
        assert!(list.contains(b"Zebra"));
        assert!(!list.contains(b"Zebra\r"));
        assert!(list.contains(b"\xff\xfe"));
        assert!(list.contains(b"last"));
        assert!(!list.contains(b""));
    }

    #[test]
    fn case_insensitive_lists() {
        let list = WordList::from_bytes("Wikipédia\nSTRASSE\n".as_bytes(), true).unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.contains("WIKIPÉDIA".as_bytes()));
        assert!(list.contains(b"strasse"));
        assert!(!list.contains(b"wikipedia"));
    }

    #[test]
    fn passwords_longer_than_every_word_are_not_members() {
        let list = WordList::from_bytes("abc\nKelvin\n".as_bytes(), true).unwrap();
        assert_eq!(list.longest, 6);
        // U+212A KELVIN SIGN (3 bytes) lowers to "k": 8 bytes that lower to a 6-byte word.
        assert!(list.contains("\u{212a}ELVIN".as_bytes()));
        assert!(!list.contains(&vec![b'a'; 1 << 20]));
        let exact = WordList::from_bytes(b"abc\n", false).unwrap();
        assert!(!exact.contains(b"abcd"));
        assert!(exact.contains(b"abc"));
    }

    #[test]
    fn final_sigma_matches_sigma() {
        let list = WordList::from_bytes("ΟΔΟΣ\n".as_bytes(), true).unwrap();
        assert!(list.contains("οδος".as_bytes()));
        assert!(list.contains("οδοσ".as_bytes()));
    }

    #[test]
    fn empty_list() {
        let list = WordList::from_bytes(b"\n\r\n", false).unwrap();
        assert!(list.is_empty());
        assert!(!list.contains(b"x"));
    }

    proptest! {
        #[test]
        fn finds_exactly_its_words(
            words in proptest::collection::vec(proptest::collection::vec(1u8..=255, 1..12), 0..50),
            probe in proptest::collection::vec(1u8..=255, 1..12),
        ) {
            let words: Vec<Vec<u8>> = words
                .into_iter()
                .map(|w| w.into_iter().filter(|b| *b != b'\n' && *b != b'\r').collect::<Vec<u8>>())
                .filter(|w| !w.is_empty())
                .collect();
            let file = words.join(&b'\n');
            let list = WordList::from_bytes(&file, false).unwrap();
            for word in &words {
                prop_assert!(list.contains(word));
            }
            prop_assert_eq!(list.contains(&probe), words.contains(&probe));
        }
    }
}
