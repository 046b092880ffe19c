//! A synthetic breach corpus: deterministic random passwords, written as a mix of plain lines
//! and Pwned-Passwords-style `SHA1:COUNT` lines, plus probes known not to be in it.
//! Shared by the corpus test and the benchmark.

#![allow(dead_code)]

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use sha1::{Digest, Sha1};

/// splitmix64: a fast, well-mixed deterministic sequence.
pub fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The `index`-th member of the corpus (8 to 19 bytes, varied alphabet).
pub fn member(index: u64) -> String {
    let r = mix(index);
    let len = 4 + (r % 12) as usize;
    format!("{:x}{}", index, &format!("{:016x}", mix(r))[..len])
}

/// The `index`-th probe: never a member (members have no '~').
pub fn outsider(index: u64) -> String {
    let r = mix(index ^ 0x5555_0000_0000_0000);
    format!("~{index:x}{:x}", r)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Writes `count` members: even indices as plain lines, odd ones as `SHA1:COUNT` lines
/// (two files, as an operator would have them). Returns (plain file, SHA-1 file).
pub fn write_inputs(dir: &Path, count: u64) -> (std::path::PathBuf, std::path::PathBuf) {
    let plain_path = dir.join("plain.txt");
    let sha1_path = dir.join("pwned.txt");
    let mut plain = BufWriter::with_capacity(1 << 20, File::create(&plain_path).unwrap());
    let mut hashed = BufWriter::with_capacity(1 << 20, File::create(&sha1_path).unwrap());
    for index in 0..count {
        let password = member(index);
        if index % 2 == 0 {
            writeln!(plain, "{password}").unwrap();
        } else {
            let digest = Sha1::digest(password.as_bytes());
            writeln!(hashed, "{}:{}", hex(&digest), 1 + mix(index) % 1000).unwrap();
        }
    }
    plain.flush().unwrap();
    hashed.flush().unwrap();
    (plain_path, sha1_path)
}
