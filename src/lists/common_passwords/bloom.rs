//! The Bloom filter file of `wikimedia/common-passwords` up to 0.4 (MediaWiki 1.39's
//! `common-x64.json`).
//!
//! The file is a JSON-serialised `pleonasm/bloom-filter`: a bit array (base64, bit `i` is bit
//! `i % 8` of byte `i / 8`) and `count` hashers, hasher `i` being
//! `hash_hmac( 'sha1', $password, (string)$i, true )` read as a big-endian 64-bit number with
//! its top bit cleared, modulo `max`. A password is "common" when all its bits are set.
//! Evaluating this same file gives core's answers, false positives included.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha1::Sha1;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, ErrorKind};

type HmacSha1 = Hmac<Sha1>;

/// Upper bound on hashers: the shipped file has 20; more would make every lookup slow.
const MAX_HASHERS: u32 = 64;

/// MediaWiki's common-password Bloom filter, loaded and ready for lookups.
#[derive(Clone)]
pub(super) struct BloomFilter {
    bits: Vec<u8>,
    modulus: u64,
    /// One keyed HMAC state per hasher, so a lookup never re-derives the key pads.
    hashers: Vec<HmacSha1>,
}

impl std::fmt::Debug for BloomFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BloomFilter")
            .field("bits", &(self.bits.len() * 8))
            .field("modulus", &self.modulus)
            .field("hashers", &self.hashers.len())
            .finish()
    }
}

#[derive(Deserialize)]
struct FilterFile {
    bit_array: BitArrayFile,
    hashers: HashersFile,
}

#[derive(Deserialize)]
struct BitArrayFile {
    len: u64,
    arr: String,
}

#[derive(Deserialize)]
struct HashersFile {
    algo: String,
    count: u32,
    max: u64,
}

impl BloomFilter {
    /// Parses the filter from the JSON text of the file.
    pub(super) fn from_json(json: &[u8]) -> Result<Self, Error> {
        let file: FilterFile = serde_json::from_slice(json).map_err(|e| {
            Error::new(ErrorKind::InvalidFile(format!(
                "not a Bloom filter file: {e}"
            )))
        })?;
        let invalid = |why: String| Error::new(ErrorKind::InvalidFile(why));
        if file.hashers.algo != "sha1" {
            return Err(invalid(format!(
                "hash algorithm '{}' is not supported (only sha1)",
                file.hashers.algo
            )));
        }
        if file.hashers.count == 0 || file.hashers.count > MAX_HASHERS {
            return Err(invalid(format!(
                "hasher count {} is outside 1..={MAX_HASHERS}",
                file.hashers.count
            )));
        }
        // Every position is below `max`; it must address a bit inside the array.
        if file.hashers.max == 0 || file.hashers.max > file.bit_array.len {
            return Err(invalid(format!(
                "hasher range {} does not fit the bit array of {} bits",
                file.hashers.max, file.bit_array.len
            )));
        }
        let bits = base64::engine::general_purpose::STANDARD
            .decode(file.bit_array.arr.as_bytes())
            .map_err(|e| invalid(format!("bit array is not valid base64: {e}")))?;
        if (bits.len() as u64) * 8 < file.bit_array.len {
            return Err(invalid(format!(
                "bit array holds {} bits, the header says {}",
                bits.len() * 8,
                file.bit_array.len
            )));
        }
        let hashers = (0..file.hashers.count)
            .map(|i| {
                HmacSha1::new_from_slice(i.to_string().as_bytes())
                    .expect("HMAC accepts keys of any length")
            })
            .collect();
        Ok(BloomFilter {
            bits,
            modulus: file.hashers.max,
            hashers,
        })
    }

    /// True when every hasher's bit is set, i.e. core's `CommonPasswords::isCommon()` is true.
    /// Stops at the first unset bit. The HMAC states and digests, which hold or derive from the
    /// password, are wiped after use.
    ///
    /// Linear in the password's length, as core's check is: each hasher is one HMAC-SHA1 over
    /// the whole password (a member, or a false positive, costs all of them).
    pub(super) fn contains(&self, password: &[u8]) -> bool {
        self.hashers.iter().all(|keyed| {
            let mut mac = keyed.clone();
            mac.update(password);
            let mut digest = mac.finalize().into_bytes();
            let mut head = Zeroizing::new([0u8; 8]);
            head.copy_from_slice(&digest[..8]);
            digest.as_mut_slice().zeroize();
            let position = (u64::from_be_bytes(*head) & (u64::MAX >> 1)) % self.modulus;
            self.bits[(position / 8) as usize] & (1 << (position % 8)) != 0
        })
    }

    /// Size of the bit array in bytes.
    pub(super) fn byte_size(&self) -> usize {
        self.bits.len()
    }

    /// Number of hash functions.
    pub(super) fn hasher_count(&self) -> usize {
        self.hashers.len()
    }

    /// What `Describe::detail` says of the filter (it does not know how many passwords went
    /// into it).
    pub(super) fn detail(&self) -> String {
        format!(
            "Bloom filter of {} bits, {} hashers, {} bytes in memory",
            self.modulus,
            self.hashers.len(),
            self.bits.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a filter file the way `pleonasm/bloom-filter` serialises one, with `members` added.
    fn filter_with(members: &[&[u8]], len: u64, count: u32) -> Vec<u8> {
        let mut filter = BloomFilter {
            bits: vec![0; len.div_ceil(8) as usize],
            modulus: len,
            hashers: (0..count)
                .map(|i| HmacSha1::new_from_slice(i.to_string().as_bytes()).unwrap())
                .collect(),
        };
        for member in members {
            for keyed in filter.hashers.clone() {
                let mut mac = keyed;
                mac.update(member);
                let digest = mac.finalize().into_bytes();
                let position =
                    (u64::from_be_bytes(digest[..8].try_into().unwrap()) & (u64::MAX >> 1)) % len;
                filter.bits[(position / 8) as usize] |= 1 << (position % 8);
            }
        }
        serde_json::to_vec(&serde_json::json!({
            "bit_array": {"len": len, "arr": base64::engine::general_purpose::STANDARD.encode(&filter.bits)},
            "hashers": {"algo": "sha1", "count": count, "max": len},
        }))
        .unwrap()
    }

    #[test]
    fn members_are_found() {
        let json = filter_with(&[b"password", b"123456", b"\xff\x00binary"], 4096, 7);
        let filter = BloomFilter::from_json(&json).unwrap();
        assert!(filter.contains(b"password"));
        assert!(filter.contains(b"123456"));
        assert!(filter.contains(b"\xff\x00binary"));
        assert!(!filter.contains(b"correct horse battery staple"));
        assert_eq!(filter.hasher_count(), 7);
    }

    #[test]
    fn bad_files_are_rejected_with_a_reason() {
        let reject = |json: &str| {
            BloomFilter::from_json(json.as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert!(reject("{").contains("not a Bloom filter file"));
        assert!(
            reject(
                r#"{"bit_array":{"len":8,"arr":"AA=="},"hashers":{"algo":"md5","count":1,"max":8}}"#
            )
            .contains("md5")
        );
        assert!(reject(r#"{"bit_array":{"len":8,"arr":"AA=="},"hashers":{"algo":"sha1","count":0,"max":8}}"#)
            .contains("hasher count"));
        assert!(reject(r#"{"bit_array":{"len":64,"arr":"AA=="},"hashers":{"algo":"sha1","count":1,"max":64}}"#)
            .contains("holds 8 bits"));
        assert!(reject(r#"{"bit_array":{"len":8,"arr":"AA=="},"hashers":{"algo":"sha1","count":1,"max":9}}"#)
            .contains("does not fit"));
        assert!(
            reject(
                r#"{"bit_array":{"len":8,"arr":"!!"},"hashers":{"algo":"sha1","count":1,"max":8}}"#
            )
            .contains("base64")
        );
    }
}
