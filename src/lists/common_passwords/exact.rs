//! The exact list of `wikimedia/common-passwords` 0.5 (`common.php`): a set of byte strings
//! answering as PHP's `isset( $array[$password] )` does.
//!
//! PHP stores a key that is a canonical decimal integer (`'123456'`, `'-7'`, `'0'`; not
//! `'0123'`, `'-0'`, `'+1'`, `' 1'`, `'1.0'` nor one outside the 64-bit range) as an integer,
//! and converts a lookup key by the same rule. A canonical decimal is the only string that
//! becomes its integer, so two different strings never meet as one key: membership in the
//! array is byte equality with one of its keys, which is what this set compares.
//!
//! Layout: an open-addressing table (linear probing, at most 4/5 full) whose keys are stored
//! in slot order in one arena, slot `i` holding `arena[bounds[i]..bounds[i + 1]]`, and one tag
//! byte per slot (0 empty, else 8 bits of the key's hash) so that most probes never touch the
//! arena. About 5 bytes per slot beyond the keys' text; no allocation per key.

use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, ErrorKind};

/// A set of byte strings, built once and then only looked up.
#[derive(Clone)]
pub(super) struct ExactList {
    arena: Vec<u8>,
    /// `slots + 1` offsets into `arena`.
    bounds: Vec<u32>,
    /// Per slot: 0 when empty, else [`tag`] of the key's hash.
    tags: Vec<u8>,
    /// `64 - log2(slots)`: the hash's top bits pick the first slot.
    shift: u32,
    len: usize,
    /// Bytes of the longest key: longer passwords are not looked up (nor hashed).
    longest: usize,
}

impl std::fmt::Debug for ExactList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExactList")
            .field("len", &self.len)
            .field("slots", &self.tags.len())
            .field("bytes", &self.byte_size())
            .finish()
    }
}

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

/// A 64-bit hash of `bytes`. Each step is a bijection of the state, so keys of one length up
/// to 7 bytes never collide. The state and the last partial word, which hold bytes of the
/// password, are wiped.
fn hash(bytes: &[u8]) -> u64 {
    let mut state = SEED ^ (bytes.len() as u64).wrapping_mul(MULTIPLIER);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        state ^= u64::from_le_bytes(word.try_into().expect("chunks of 8 bytes"));
        state = state.wrapping_mul(MULTIPLIER);
        state ^= state >> 32;
    }
    let mut last = 0u64;
    for (i, &byte) in words.remainder().iter().enumerate() {
        last |= u64::from(byte) << (8 * i);
    }
    state ^= last;
    // MurmurHash3's 64-bit finaliser: every input bit reaches every output bit.
    state ^= state >> 33;
    state = state.wrapping_mul(0xff51_afd7_ed55_8ccd);
    state ^= state >> 33;
    state = state.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    state ^= state >> 33;
    let out = state;
    state.zeroize();
    last.zeroize();
    out
}

/// The slot tag of a hash: never 0, which marks an empty slot.
fn tag(hash: u64) -> u8 {
    (hash as u8).max(1)
}

impl ExactList {
    /// Builds the set from keys given as `text[ends[i - 1]..ends[i]]` (`ends` ascending, the
    /// first key starting at 0), duplicates collapsing.
    pub(super) fn build(text: &[u8], ends: &[u32]) -> Result<Self, Error> {
        let too_big = || {
            Error::new(ErrorKind::InvalidFile(
                "the list's keys exceed 4 GiB or 2^32 entries".to_owned(),
            ))
        };
        u32::try_from(text.len()).map_err(|_| too_big())?;
        u32::try_from(ends.len()).map_err(|_| too_big())?;
        let key = |i: usize| {
            let start = if i == 0 { 0 } else { ends[i - 1] as usize };
            &text[start..ends[i] as usize]
        };
        // At most 4/5 full, so probe runs stay short and an empty slot always ends a search.
        let slots = (ends.len() + ends.len() / 4 + 1).next_power_of_two().max(8);
        let shift = 64 - slots.trailing_zeros();
        let mask = slots - 1;
        let mut tags = vec![0u8; slots];
        // Which key each slot holds, while building.
        let mut holder = vec![0u32; slots];
        let mut len = 0;
        let mut longest = 0;
        for i in 0..ends.len() {
            let new = key(i);
            let hash = hash(new);
            let mut slot = (hash >> shift) as usize;
            loop {
                if tags[slot] == 0 {
                    tags[slot] = tag(hash);
                    holder[slot] = i as u32;
                    len += 1;
                    longest = longest.max(new.len());
                    break;
                }
                if tags[slot] == tag(hash) && key(holder[slot] as usize) == new {
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        let mut arena = Vec::with_capacity(text.len());
        let mut bounds = Vec::with_capacity(slots + 1);
        for slot in 0..slots {
            bounds.push(arena.len() as u32);
            if tags[slot] != 0 {
                arena.extend_from_slice(key(holder[slot] as usize));
            }
        }
        bounds.push(arena.len() as u32);
        arena.shrink_to_fit();
        Ok(ExactList {
            arena,
            bounds,
            tags,
            shift,
            len,
            longest,
        })
    }

    fn key(&self, slot: usize) -> &[u8] {
        &self.arena[self.bounds[slot] as usize..self.bounds[slot + 1] as usize]
    }

    /// True when `password` is one of the keys. Reads the password in place; the hash of it
    /// is wiped. A password longer than every key costs one comparison.
    pub(super) fn contains(&self, password: &[u8]) -> bool {
        if password.len() > self.longest {
            return false;
        }
        let hash = Zeroizing::new(hash(password));
        let tag = tag(*hash);
        let mask = self.tags.len() - 1;
        let mut slot = (*hash >> self.shift) as usize;
        loop {
            match self.tags[slot] {
                0 => return false,
                t if t == tag && self.key(slot) == password => return true,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// Number of distinct keys.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Bytes the set holds in memory (arena, offsets, tags).
    pub(super) fn byte_size(&self) -> usize {
        self.arena.len() + self.bounds.len() * 4 + self.tags.len()
    }

    /// Slots a lookup of each key visits, for tests of the hash's spread.
    #[cfg(test)]
    fn probe_lengths(&self) -> Vec<usize> {
        let mask = self.tags.len() - 1;
        (0..self.tags.len())
            .filter(|&slot| self.tags[slot] != 0)
            .map(|slot| {
                let home = (hash(self.key(slot)) >> self.shift) as usize;
                ((slot + self.tags.len() - home) & mask) + 1
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(keys: &[&[u8]]) -> ExactList {
        let mut text = Vec::new();
        let mut ends = Vec::new();
        for key in keys {
            text.extend_from_slice(key);
            ends.push(text.len() as u32);
        }
        ExactList::build(&text, &ends).unwrap()
    }

    #[test]
    fn finds_exactly_its_keys() {
        let set = list(&[
            b"123456",
            b"password",
            b"",
            b"\0\xff",
            b"pic\\'s",
            b"two\nlines",
        ]);
        assert_eq!(set.len(), 6);
        for key in [
            &b"123456"[..],
            b"password",
            b"",
            b"\0\xff",
            b"pic\\'s",
            b"two\nlines",
        ] {
            assert!(set.contains(key), "{key:?}");
        }
        for other in [
            &b"123456 "[..],
            b"0123456",
            b"+123456",
            b"123456.0",
            b"PASSWORD",
            b"\0",
            b"pic's",
            b"passwordpassword",
        ] {
            assert!(!set.contains(other), "{other:?}");
        }
        assert_eq!(set.longest, 9);
        assert!(!set.contains(&[b'a'; 1 << 20]));
    }

    #[test]
    fn duplicates_collapse() {
        let set = list(&[b"a", b"b", b"a", b"", b"", b"b"]);
        assert_eq!(set.len(), 2 + 1);
        assert!(set.contains(b"a") && set.contains(b"b") && set.contains(b""));
    }

    #[test]
    fn empty_set() {
        let set = list(&[]);
        assert_eq!(set.len(), 0);
        assert!(!set.contains(b""));
        assert!(!set.contains(b"x"));
    }

    #[test]
    fn structured_keys_spread_over_the_table() {
        // Decimal numbers and near-identical words, as in the real list.
        let keys: Vec<Vec<u8>> = (0..60_000)
            .map(|i: u32| i.to_string().into_bytes())
            .chain((0..40_000).map(|i| format!("password{i}").into_bytes()))
            .collect();
        let refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
        let set = list(&refs);
        assert_eq!(set.len(), 100_000);
        let probes = set.probe_lengths();
        let mean = probes.iter().sum::<usize>() as f64 / probes.len() as f64;
        // Linear probing at this load (0.76) visits about 2.6 slots per member on average.
        assert!(mean < 3.5, "mean probe length {mean}");
        assert!(
            *probes.iter().max().unwrap() < 200,
            "{:?}",
            probes.iter().max()
        );
        for key in &refs {
            assert!(set.contains(key));
        }
        assert!(!set.contains(b"60000") && !set.contains(b"password40000"));
    }

    #[test]
    fn hash_is_a_bijection_on_short_keys_of_one_length() {
        let mut seen = std::collections::HashSet::new();
        for i in 0u32..1 << 16 {
            assert!(seen.insert(hash(&i.to_le_bytes()[..2])));
        }
    }
}
