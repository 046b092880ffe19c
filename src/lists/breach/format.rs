//! The on-disk layout of a breach corpus file (see the module docs of `breach` for the table),
//! and its validation: nothing in a file is trusted before every size, offset and count has
//! been checked against the others and against the file's real length.

use sha1::{Digest, Sha1};

use crate::error::{Error, ErrorKind};

/// File magic.
pub(super) const MAGIC: [u8; 8] = *b"NPPBRCH\0";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Fingerprint width of the filters.
pub(super) const FINGERPRINT_BITS: u32 = 16;
/// Key scheme 1: SHA-1 of the password, shard from byte 0, filter key from bytes 8..16.
pub(super) const KEY_SCHEME_SHA1: u32 = 1;
/// The false-positive rate of a 16-bit binary fuse filter is at most 1 / this.
pub const FALSE_POSITIVE_BOUND: u64 = 1 << 16;
/// Most shard bits a file may use: 256 shards.
pub(super) const MAX_SHARD_BITS: u32 = 8;
/// Size of the fixed part of the header.
pub(super) const FIXED_HEADER_LEN: usize = 128;
/// Size of one shard descriptor.
pub(super) const DESCRIPTOR_LEN: usize = 48;
/// Where the header checksum sits.
const HEADER_CHECKSUM_AT: usize = 120;
/// Where the data checksum sits.
const DATA_CHECKSUM_AT: usize = 72;

/// What a corpus file says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusInfo {
    /// Format version.
    pub format_version: u32,
    /// Distinct passwords (keys) stored.
    pub entry_count: u64,
    /// Total file size in bytes.
    pub file_len: u64,
    /// Fingerprint width in bits.
    pub fingerprint_bits: u32,
    /// Number of shards (filters).
    pub shard_count: usize,
    /// Entries seen fewer times than this in the input were left out when building.
    pub min_count: u32,
    /// The false-positive rate is at most 1 / this.
    pub false_positive_bound: u64,
    /// Records (lines) read from the input when building.
    pub input_records: u64,
    /// Distinct keys left out for being seen fewer than `min_count` times.
    pub below_min_count: u64,
    /// SHA-1 of everything after the header.
    pub data_checksum: [u8; 20],
}

impl CorpusInfo {
    /// File bytes per stored entry.
    pub fn bytes_per_entry(&self) -> f64 {
        if self.entry_count == 0 {
            0.0
        } else {
            self.file_len as f64 / self.entry_count as f64
        }
    }
}

/// One shard's filter parameters and where its fingerprints are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ShardDescriptor {
    pub seed: u64,
    pub segment_length: u32,
    pub segment_length_mask: u32,
    pub segment_count_length: u32,
    pub fingerprint_offset: u64,
    pub fingerprint_count: u64,
    pub key_count: u64,
}

impl ShardDescriptor {
    /// The descriptor in xorf's DMA layout (seed, segment length, mask, segment count length).
    pub fn xorf_descriptor(&self) -> [u8; 20] {
        let mut out = [0u8; 20];
        out[0..8].copy_from_slice(&self.seed.to_le_bytes());
        out[8..12].copy_from_slice(&self.segment_length.to_le_bytes());
        out[12..16].copy_from_slice(&self.segment_length_mask.to_le_bytes());
        out[16..20].copy_from_slice(&self.segment_count_length.to_le_bytes());
        out
    }

    fn encode(&self, out: &mut [u8]) {
        out[0..8].copy_from_slice(&self.seed.to_le_bytes());
        out[8..12].copy_from_slice(&self.segment_length.to_le_bytes());
        out[12..16].copy_from_slice(&self.segment_length_mask.to_le_bytes());
        out[16..20].copy_from_slice(&self.segment_count_length.to_le_bytes());
        out[20..24].fill(0);
        out[24..32].copy_from_slice(&self.fingerprint_offset.to_le_bytes());
        out[32..40].copy_from_slice(&self.fingerprint_count.to_le_bytes());
        out[40..48].copy_from_slice(&self.key_count.to_le_bytes());
    }

    fn decode(bytes: &[u8]) -> Self {
        ShardDescriptor {
            seed: read_u64(bytes, 0),
            segment_length: read_u32(bytes, 8),
            segment_length_mask: read_u32(bytes, 12),
            segment_count_length: read_u32(bytes, 16),
            fingerprint_offset: read_u64(bytes, 24),
            fingerprint_count: read_u64(bytes, 32),
            key_count: read_u64(bytes, 40),
        }
    }
}

/// A validated file: its info, shard bits and shard descriptors.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    pub info: CorpusInfo,
    pub shard_bits: u32,
    pub header_len: usize,
    pub shards: Vec<ShardDescriptor>,
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(b)
}

fn read_u64(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Header length for a number of shards.
pub(super) fn header_len(shard_count: usize) -> usize {
    FIXED_HEADER_LEN + DESCRIPTOR_LEN * shard_count
}

fn header_checksum(header: &[u8]) -> [u8; 8] {
    let mut hasher = Sha1::new();
    hasher.update(&header[..HEADER_CHECKSUM_AT]);
    hasher.update([0u8; 8]);
    hasher.update(&header[HEADER_CHECKSUM_AT + 8..]);
    let digest = hasher.finalize();
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest[..8]);
    out
}

/// Encodes a complete header, checksum included.
pub(super) fn encode_header(
    info: &CorpusInfo,
    shard_bits: u32,
    shards: &[ShardDescriptor],
) -> Vec<u8> {
    let len = header_len(shards.len());
    let mut out = vec![0u8; len];
    out[0..8].copy_from_slice(&MAGIC);
    out[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    out[12..16].copy_from_slice(&(len as u32).to_le_bytes());
    out[16..24].copy_from_slice(&info.entry_count.to_le_bytes());
    out[24..32].copy_from_slice(&info.file_len.to_le_bytes());
    out[32..36].copy_from_slice(&FINGERPRINT_BITS.to_le_bytes());
    out[36..40].copy_from_slice(&shard_bits.to_le_bytes());
    out[40..44].copy_from_slice(&KEY_SCHEME_SHA1.to_le_bytes());
    out[44..48].copy_from_slice(&info.min_count.to_le_bytes());
    out[48..56].copy_from_slice(&FALSE_POSITIVE_BOUND.to_le_bytes());
    out[56..64].copy_from_slice(&info.input_records.to_le_bytes());
    out[64..72].copy_from_slice(&info.below_min_count.to_le_bytes());
    out[DATA_CHECKSUM_AT..DATA_CHECKSUM_AT + 20].copy_from_slice(&info.data_checksum);
    for (i, shard) in shards.iter().enumerate() {
        let at = FIXED_HEADER_LEN + i * DESCRIPTOR_LEN;
        shard.encode(&mut out[at..at + DESCRIPTOR_LEN]);
    }
    let checksum = header_checksum(&out);
    out[HEADER_CHECKSUM_AT..HEADER_CHECKSUM_AT + 8].copy_from_slice(&checksum);
    out
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidFile(message))
}

/// Validates a whole file image (only the header and descriptors are read) and returns its
/// layout. `bytes` must be the complete file; its address must be 8-byte aligned for the
/// fingerprints to be usable in place (a memory map always is).
pub(super) fn parse(bytes: &[u8]) -> Result<Layout, Error> {
    if bytes.len() < FIXED_HEADER_LEN {
        return Err(invalid(format!(
            "truncated: {} bytes, a breach corpus header needs at least {FIXED_HEADER_LEN}",
            bytes.len()
        )));
    }
    if bytes[0..8] != MAGIC {
        return Err(invalid(
            "not a breach corpus file (wrong magic number); build one with npp-breach-corpus"
                .into(),
        ));
    }
    let version = read_u32(bytes, 8);
    if version != FORMAT_VERSION {
        return Err(invalid(format!(
            "format version {version} is not supported (this build reads version {FORMAT_VERSION}); rebuild the file"
        )));
    }
    let shard_bits = read_u32(bytes, 36);
    if shard_bits > MAX_SHARD_BITS {
        return Err(invalid(format!(
            "shard bits {shard_bits} out of range 0..={MAX_SHARD_BITS}"
        )));
    }
    let shard_count = 1usize << shard_bits;
    let expected_header_len = header_len(shard_count);
    let stated_header_len = read_u32(bytes, 12) as usize;
    if stated_header_len != expected_header_len {
        return Err(invalid(format!(
            "header length {stated_header_len} does not match {shard_count} shards ({expected_header_len} expected)"
        )));
    }
    if bytes.len() < expected_header_len {
        return Err(invalid(format!(
            "truncated: {} bytes, the header alone needs {expected_header_len}",
            bytes.len()
        )));
    }
    let header = &bytes[..expected_header_len];
    if header[HEADER_CHECKSUM_AT..HEADER_CHECKSUM_AT + 8] != header_checksum(header) {
        return Err(invalid(
            "header checksum mismatch: the file is corrupt".into(),
        ));
    }
    let file_len = read_u64(bytes, 24);
    if file_len != bytes.len() as u64 {
        return Err(invalid(format!(
            "file is {} bytes but its header says {file_len}: truncated or appended to",
            bytes.len()
        )));
    }
    let fingerprint_bits = read_u32(bytes, 32);
    if fingerprint_bits != FINGERPRINT_BITS {
        return Err(invalid(format!(
            "fingerprint width {fingerprint_bits} bits is not supported (only {FINGERPRINT_BITS})"
        )));
    }
    let key_scheme = read_u32(bytes, 40);
    if key_scheme != KEY_SCHEME_SHA1 {
        return Err(invalid(format!("key scheme {key_scheme} is not supported")));
    }
    let false_positive_bound = read_u64(bytes, 48);
    if false_positive_bound != FALSE_POSITIVE_BOUND {
        return Err(invalid(format!(
            "false-positive bound 1/{false_positive_bound} does not match 16-bit fingerprints"
        )));
    }
    let mut data_checksum = [0u8; 20];
    data_checksum.copy_from_slice(&bytes[DATA_CHECKSUM_AT..DATA_CHECKSUM_AT + 20]);
    let info = CorpusInfo {
        format_version: version,
        entry_count: read_u64(bytes, 16),
        file_len,
        fingerprint_bits,
        shard_count,
        min_count: read_u32(bytes, 44),
        false_positive_bound,
        input_records: read_u64(bytes, 56),
        below_min_count: read_u64(bytes, 64),
        data_checksum,
    };

    let mut shards = Vec::with_capacity(shard_count);
    let mut next_free = expected_header_len as u64;
    let mut key_total: u64 = 0;
    for index in 0..shard_count {
        let at = FIXED_HEADER_LEN + index * DESCRIPTOR_LEN;
        let shard = ShardDescriptor::decode(&bytes[at..at + DESCRIPTOR_LEN]);
        validate_shard(index, &shard, next_free, file_len, bytes)?;
        next_free = shard.fingerprint_offset + shard.fingerprint_count * 2;
        key_total = key_total.saturating_add(shard.key_count);
        shards.push(shard);
    }
    if key_total != info.entry_count {
        return Err(invalid(format!(
            "shards hold {key_total} keys but the header says {}",
            info.entry_count
        )));
    }
    Ok(Layout {
        info,
        shard_bits,
        header_len: expected_header_len,
        shards,
    })
}

/// Checks one descriptor so that every index xorf can compute from it lies inside its
/// fingerprints, and the fingerprints lie inside the file, aligned, after the previous shard.
fn validate_shard(
    index: usize,
    shard: &ShardDescriptor,
    next_free: u64,
    file_len: u64,
    bytes: &[u8],
) -> Result<(), Error> {
    let bad = |why: String| invalid(format!("shard {index}: {why}"));
    let length = shard.segment_length;
    if length == 0 || !length.is_power_of_two() {
        return Err(bad(format!(
            "segment length {length} is not a power of two"
        )));
    }
    if shard.segment_length_mask != length - 1 {
        return Err(bad(format!(
            "segment length mask {} does not match segment length {length}",
            shard.segment_length_mask
        )));
    }
    if shard.segment_count_length == 0 || shard.segment_count_length % length != 0 {
        return Err(bad(format!(
            "segment count length {} is not a positive multiple of the segment length {length}",
            shard.segment_count_length
        )));
    }
    // xorf computes indices in u32: h0 < segment_count_length, h1, h2 < h0 + 2 * length.
    let expected_count = u64::from(shard.segment_count_length) + 2 * u64::from(length);
    if expected_count > u64::from(u32::MAX) {
        return Err(bad("filter too large for 32-bit indices".into()));
    }
    if shard.fingerprint_count != expected_count {
        return Err(bad(format!(
            "{} fingerprints stored, the segment layout needs {expected_count}",
            shard.fingerprint_count
        )));
    }
    if shard.key_count > shard.fingerprint_count {
        return Err(bad(format!(
            "{} keys cannot fit {} fingerprints",
            shard.key_count, shard.fingerprint_count
        )));
    }
    let offset = shard.fingerprint_offset;
    if offset % 8 != 0 {
        return Err(bad(format!(
            "fingerprint offset {offset} is not 8-byte aligned"
        )));
    }
    if offset < next_free {
        return Err(bad(format!(
            "fingerprints at {offset} overlap the header or the previous shard (free from {next_free})"
        )));
    }
    let end = offset + shard.fingerprint_count * 2;
    if end > file_len {
        return Err(bad(format!(
            "fingerprints end at byte {end}, past the end of the {file_len}-byte file"
        )));
    }
    // The mapping's base address decides whether the fingerprints are u16-aligned in memory.
    if (bytes.as_ptr() as usize + offset as usize) % 2 != 0 {
        return Err(bad("fingerprints are not 2-byte aligned in memory".into()));
    }
    Ok(())
}

/// SHA-1 of the data part of a file (everything after the header).
pub(super) fn data_checksum(data: &[u8]) -> [u8; 20] {
    Sha1::digest(data).into()
}
