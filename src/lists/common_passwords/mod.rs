//! MediaWiki's common-password list, in either form `wikimedia/common-passwords` ships it:
//!
//! - up to 0.4 (MediaWiki 1.39), `src/CommonPasswords/common-x64.json`, a Bloom filter
//!   ([`bloom`]), evaluated as the PHP library does, false positives included;
//! - 0.5 (MediaWiki 1.43), `src/common.php`, `<?php return [ '123456' => 1, ... ];` read by a
//!   strict parser ([`php_array`]) into an exact set ([`exact`]) that answers as
//!   `isset( $array[$password] )`.
//!
//! Which one a file is, is read from its content, never from the MediaWiki version.

mod bloom;
mod exact;
mod php_array;

use std::path::Path;

use crate::error::{Error, ErrorKind};
use crate::lists::Describe;

use bloom::BloomFilter;
use exact::ExactList;

/// Largest file accepted: the exact list's offsets are 32-bit.
const MAX_COMMON_PASSWORDS_BYTES: u64 = u32::MAX as u64;

/// MediaWiki's common-password list, loaded and ready for lookups.
#[derive(Debug, Clone)]
pub struct CommonPasswords {
    set: Set,
}

#[derive(Debug, Clone)]
enum Set {
    Bloom(BloomFilter),
    Exact(ExactList),
}

fn invalid(why: String) -> Error {
    Error::new(ErrorKind::InvalidFile(why))
}

impl CommonPasswords {
    /// Reads MediaWiki's file (`common-x64.json` or `common.php`), of either form.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let len = std::fs::metadata(path)
            .map_err(|e| Error::io(path, e))?
            .len();
        if len > MAX_COMMON_PASSWORDS_BYTES {
            return Err(invalid(format!(
                "common-password file of {len} bytes is larger than the \
                 {MAX_COMMON_PASSWORDS_BYTES}-byte limit"
            ))
            .with_path(path));
        }
        let file = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(&file).map_err(|e| e.with_path(path))
    }

    /// Parses a file of either form, telling them apart by content: `<?php` at the start is
    /// the PHP list, a JSON object the Bloom filter.
    pub fn from_bytes(file: &[u8]) -> Result<Self, Error> {
        if php_array::looks_like_php(file) {
            return Self::from_php(file);
        }
        let first = file
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        if first == Some(&b'{') {
            return Self::from_json(file);
        }
        Err(invalid(
            "not a common-password file: neither a Bloom filter (a JSON object, \
             common-x64.json) nor a PHP list ('<?php return [', common.php)"
                .to_owned(),
        ))
    }

    /// Parses the Bloom filter from the JSON text of `common-x64.json`.
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        Ok(CommonPasswords {
            set: Set::Bloom(BloomFilter::from_json(json)?),
        })
    }

    /// Parses the exact list from the PHP text of `common.php`.
    pub fn from_php(file: &[u8]) -> Result<Self, Error> {
        if file.len() as u64 > MAX_COMMON_PASSWORDS_BYTES {
            return Err(invalid("common-password list is larger than 4 GiB".into()));
        }
        // Keys collected in one buffer (the file is never larger than 4 GiB, nor are they).
        let mut text = Vec::with_capacity(file.len() / 2);
        let mut ends = Vec::new();
        php_array::read_keys(file, |key| {
            text.extend_from_slice(key);
            ends.push(text.len() as u32);
        })?;
        Ok(CommonPasswords {
            set: Set::Exact(ExactList::build(&text, &ends)?),
        })
    }

    /// True when core's `CommonPasswords::isCommon( $password )` is true for this file.
    /// Reads the password in place; what a lookup derives from it is wiped (see each form).
    pub fn contains(&self, password: &[u8]) -> bool {
        match &self.set {
            Set::Bloom(filter) => filter.contains(password),
            Set::Exact(list) => list.contains(password),
        }
    }

    /// True for the exact list of 0.5, false for the Bloom filter.
    pub fn is_exact(&self) -> bool {
        matches!(self.set, Set::Exact(_))
    }

    /// Bytes held in memory.
    pub fn byte_size(&self) -> usize {
        match &self.set {
            Set::Bloom(filter) => filter.byte_size(),
            Set::Exact(list) => list.byte_size(),
        }
    }

    /// Hash functions of the Bloom filter; `None` for the exact list.
    pub fn hasher_count(&self) -> Option<usize> {
        match &self.set {
            Set::Bloom(filter) => Some(filter.hasher_count()),
            Set::Exact(_) => None,
        }
    }
}

impl Describe for CommonPasswords {
    fn entries(&self) -> Option<u64> {
        match &self.set {
            // A Bloom filter does not know how many passwords went into it.
            Set::Bloom(_) => None,
            Set::Exact(list) => Some(list.len() as u64),
        }
    }

    fn detail(&self) -> String {
        match &self.set {
            Set::Bloom(filter) => filter.detail(),
            Set::Exact(list) => format!(
                "exact list of {} passwords, {} bytes in memory",
                list.len(),
                list.byte_size()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOOM: &str = r#"{"bit_array":{"len":64,"arr":"AAAAAAAAAAA="},"hashers":{"algo":"sha1","count":3,"max":64}}"#;

    #[test]
    fn the_form_is_read_from_the_content() {
        let exact = CommonPasswords::from_bytes(
            b"<?php return [\n'123456' => 1,\n'a' => 1,\n'a' => 1,\n];\n",
        )
        .unwrap();
        assert!(exact.is_exact());
        assert_eq!(exact.entries(), Some(2));
        assert_eq!(exact.hasher_count(), None);
        assert!(exact.contains(b"123456") && exact.contains(b"a"));
        assert!(!exact.contains(b"0123456") && !exact.contains(b"A"));
        assert_eq!(
            exact.detail(),
            format!(
                "exact list of 2 passwords, {} bytes in memory",
                exact.byte_size()
            )
        );

        let bloom = CommonPasswords::from_bytes(format!("\n  {BLOOM}").as_bytes()).unwrap();
        assert!(!bloom.is_exact());
        assert_eq!(bloom.entries(), None);
        assert_eq!(bloom.hasher_count(), Some(3));
        assert!(
            !bloom.contains(b"password"),
            "an empty filter holds nothing"
        );
        assert_eq!(
            bloom.detail(),
            "Bloom filter of 64 bits, 3 hashers, 8 bytes in memory"
        );
    }

    #[test]
    fn errors_say_which_form_was_expected() {
        let error = |file: &[u8]| CommonPasswords::from_bytes(file).unwrap_err().to_string();
        assert_eq!(
            error(b"<?php\nreturn [\n'a' => 1,\n'b' => 2,\n];"),
            "invalid file: not a common-password list (PHP array): line 4: expected the value 1, found \"2,\""
        );
        assert!(error(b"{\"bit_array\": 1}").starts_with("invalid file: not a Bloom filter file"));
        for other in [
            &b""[..],
            b"123456\npassword\n",
            b"[1]",
            b"\xef\xbb\xbf<?php return [];",
        ] {
            assert!(error(other).contains("neither a Bloom filter"), "{other:?}");
        }
        assert_eq!(
            CommonPasswords::from_bytes(b"").unwrap_err().code(),
            "invalid-file"
        );
    }

    #[test]
    fn load_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("common.php");
        std::fs::write(&path, "<?php return [\n'x' => 1,\n];\n").unwrap();
        assert!(CommonPasswords::load(&path).unwrap().contains(b"x"));
        std::fs::write(&path, "<?php return [\n'x' => 1,\n").unwrap();
        let error = CommonPasswords::load(&path).unwrap_err();
        assert_eq!(error.path(), Some(path.as_path()));
        assert!(error.to_string().contains("line 3"), "{error}");
        let missing = CommonPasswords::load(&dir.path().join("missing.php")).unwrap_err();
        assert_eq!(missing.code(), "io");
    }
}
