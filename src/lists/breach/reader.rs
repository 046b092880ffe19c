//! The read side: a corpus file mapped read-only, validated once, looked up in place.

use std::fs::File;
use std::path::Path;

use memmap2::{Advice, Mmap};
use xorf::{BinaryFuse16Ref, Filter, FilterRef};
use zeroize::Zeroizing;

use super::format::{self, CorpusInfo, Layout};
use super::{filter_key, password_digest, shard_of};
use crate::error::{Error, ErrorKind};
use crate::lists::Describe;

/// The bytes of a corpus: a read-only memory map, or (for tests and tools) an owned,
/// 8-byte-aligned buffer.
enum Backing {
    Mapped(Mmap),
    Owned(Vec<u64>, usize),
}

impl Backing {
    fn bytes(&self) -> &[u8] {
        match self {
            Backing::Mapped(map) => map,
            Backing::Owned(words, len) => &bytemuck::cast_slice(words)[..*len],
        }
    }
}

/// A breach corpus, ready for lookups. Cheap to share: lookups only read the mapping.
pub struct BreachCorpus {
    backing: Backing,
    layout: Layout,
}

impl std::fmt::Debug for BreachCorpus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BreachCorpus")
            .field("info", &self.layout.info)
            .finish()
    }
}

impl BreachCorpus {
    /// Maps a corpus file read-only and validates its header. Reads only the header pages;
    /// the fingerprints are paged in on demand, one page per lookup (random access advised).
    pub fn open(path: &Path) -> Result<Self, Error> {
        if cfg!(target_endian = "big") {
            return Err(Error::new(ErrorKind::InvalidFile(
                "breach corpus files are little-endian and this machine is not".into(),
            ))
            .with_path(path));
        }
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        // SAFETY: the map is read-only and private to this process. Files are replaced by
        // rename, never modified in place (documented for operators; the builder does so).
        let map = unsafe { Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        // Lookups touch one random page each: read-around would only waste I/O and memory.
        // Advice is a hint, so failing to give it changes nothing.
        let _ = map.advise(Advice::Random);
        let layout = format::parse(&map).map_err(|e| e.with_path(path))?;
        Ok(BreachCorpus {
            backing: Backing::Mapped(map),
            layout,
        })
    }

    /// Validates a corpus held in memory (copied into an aligned buffer).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
        let backing = Backing::Owned(words, bytes.len());
        let layout = format::parse(backing.bytes())?;
        Ok(BreachCorpus { backing, layout })
    }

    /// What the file says about itself.
    pub fn info(&self) -> &CorpusInfo {
        &self.layout.info
    }

    /// True when the password (its bytes, exactly) is in the corpus, or is a false positive
    /// (rate at most 1/65,536).
    pub fn contains_password(&self, password: &[u8]) -> bool {
        // The digest stands for the password (an unsalted hash): wiped after the lookup.
        let digest = Zeroizing::new(password_digest(password));
        self.contains_digest(&digest)
    }

    /// True when the SHA-1 digest of a password is in the corpus (or a false positive).
    pub fn contains_digest(&self, digest: &[u8; 20]) -> bool {
        let shard = &self.layout.shards[shard_of(digest, self.layout.shard_bits)];
        let start = shard.fingerprint_offset as usize;
        let end = start + shard.fingerprint_count as usize * 2;
        let fingerprints = &self.backing.bytes()[start..end];
        // Offsets, lengths and alignment were validated by `format::parse`, so from_dma's
        // assertions hold and every index the filter computes is in bounds.
        let filter = BinaryFuse16Ref::from_dma(&shard.xorf_descriptor(), fingerprints);
        filter.contains(&filter_key(digest))
    }

    /// Recomputes the checksum of all fingerprints (reads the whole file) and compares it
    /// with the header's.
    pub fn verify_data(&self) -> Result<(), Error> {
        let data = &self.backing.bytes()[self.layout.header_len..];
        if format::data_checksum(data) != self.layout.info.data_checksum {
            return Err(Error::new(ErrorKind::InvalidFile(
                "data checksum mismatch: the fingerprints are corrupt".into(),
            )));
        }
        Ok(())
    }
}

impl Describe for BreachCorpus {
    fn entries(&self) -> Option<u64> {
        Some(self.info().entry_count)
    }

    fn detail(&self) -> String {
        let info = self.info();
        format!(
            "{} passwords in {} filters of {}-bit fingerprints (false positives at most 1/{}), format {}, memory-mapped",
            info.entry_count,
            info.shard_count,
            info.fingerprint_bits,
            info.false_positive_bound,
            info.format_version
        )
    }
}
