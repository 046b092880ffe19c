//! Breach corpus: a compact, memory-mapped filter of passwords seen in data breaches.
//!
//! An operator builds the file once from a breach list (plain passwords, one per line, or the
//! SHA-1 lines of the Pwned Passwords downloads, `HEX` or `HEX:COUNT`) with the
//! `npp-breach-corpus` tool; PHP workers map it read-only and look passwords up in well under a
//! microsecond. The filter is a set of binary fuse filters with 16-bit fingerprints: no false
//! negatives, and a false-positive rate of at most about 1/65,536 per lookup.
//!
//! # Keys
//!
//! Every entry is keyed by the SHA-1 digest of the password's bytes, exactly as given (no
//! trimming, no case folding, no Unicode normalisation). Plain lines are hashed by the builder;
//! SHA-1 lines already are such digests, so both kinds of list share one key space and a lookup
//! only needs the password's SHA-1. The top `shard_bits` bits of digest byte 0 choose a shard;
//! digest bytes 8..16, read as a little-endian `u64`, are the key given to that shard's filter.
//!
//! # File format (version 1, little-endian)
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `NPPBRCH\0` |
//! | 8 | 4 | format version (1) |
//! | 12 | 4 | header length `H`: 128 + 48 × shard count, where fingerprints may start |
//! | 16 | 8 | entry count (distinct keys stored) |
//! | 24 | 8 | file length in bytes |
//! | 32 | 4 | fingerprint bits (16) |
//! | 36 | 4 | shard bits `k` (0–8): 2^k shards |
//! | 40 | 4 | key scheme (1: SHA-1 as described above) |
//! | 44 | 4 | minimum count: entries seen fewer times were left out at build time |
//! | 48 | 8 | false-positive bound: the rate is at most 1 / this value (65,536) |
//! | 56 | 8 | input records read |
//! | 64 | 8 | distinct keys left out for being below the minimum count |
//! | 72 | 20 | SHA-1 of bytes `H..` (all fingerprints and padding), checked on demand |
//! | 92 | 28 | reserved, zero |
//! | 120 | 8 | header checksum: first 8 bytes of the SHA-1 of bytes `0..H` with this field zeroed |
//! | 128 | 48 × 2^k | shard descriptors |
//!
//! A shard descriptor: seed (u64), segment length (u32), segment length mask (u32), segment
//! count length (u32), reserved (u32), fingerprint offset in the file (u64, a multiple of 8),
//! fingerprint count (u64, = segment count length + 2 × segment length), key count (u64).
//! Fingerprints are little-endian `u16`s. Opening a file reads and checks only the header and
//! the descriptors, so a billion-entry file opens in microseconds.
//!
//! Files are replaced atomically (the builder writes a temporary file and renames it): a file
//! truncated in place while mapped would make reads fault, so never overwrite one in place.

mod builder;
mod format;
mod reader;

pub use builder::{
    BuildProgress, BuildReport, BuildStage, CorpusBuilder, CorpusInput, InputFormat,
};
pub use format::{CorpusInfo, FALSE_POSITIVE_BOUND, FORMAT_VERSION};
pub use reader::BreachCorpus;

use sha1::{Digest, Sha1};

/// The SHA-1 digest of a password, the key of every corpus entry.
pub fn password_digest(password: &[u8]) -> [u8; 20] {
    Sha1::digest(password).into()
}

/// The shard of a digest in a file with `shard_bits` shard bits.
fn shard_of(digest: &[u8; 20], shard_bits: u32) -> usize {
    if shard_bits == 0 {
        0
    } else {
        usize::from(digest[0] >> (8 - shard_bits))
    }
}

/// The key a digest has inside its shard's filter.
fn filter_key(digest: &[u8; 20]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[8..16]);
    u64::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests;
