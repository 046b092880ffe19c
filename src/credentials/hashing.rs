//! Argon2i / Argon2id password hashes in the PHC string format of PHP's `password_hash()`
//! (`$argon2id$v=19$m=65536,t=4,p=1$<salt>$<hash>`, 16-byte salt, 32-byte hash), so PHP's
//! `password_verify()` checks hashes made here and [`verify`] checks hashes PHP made.
//!
//! Argon2's working memory is allocated here (a failed allocation is an error, not an abort)
//! and wiped after use, as libargon2 does, like every copy of a hash; outputs are compared in
//! constant time.

use std::fmt;

use argon2::{Block, Params, PasswordHash, Version};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use ctutils::CtEq;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, ErrorKind};
use crate::secret::{SecretBuf, SecretString};

/// Salt length PHP uses, in bytes.
const SALT_LENGTH: usize = 16;

/// Hash length PHP uses, in bytes.
const OUTPUT_LENGTH: usize = 32;

/// Largest memory cost accepted, in KiB (4 GiB). Hashes asking for more are not verified.
pub const MAX_MEMORY_COST: u32 = 4 * 1024 * 1024;

/// Largest time cost (passes) accepted. Hashes asking for more are not verified.
pub const MAX_TIME_COST: u32 = 1024;

/// Largest number of lanes ("threads") accepted. Hashes asking for more are not verified.
pub const MAX_THREADS: u32 = 255;

/// PHP's defaults for `password_hash()` (`PASSWORD_ARGON2_DEFAULT_MEMORY_COST`, `…_TIME_COST`,
/// `…_THREADS`): what core's `Argon2Password` writes when `$wgPasswordConfig['argon2']` sets
/// no costs. (memory in KiB, passes, lanes)
pub const PHP_DEFAULT: (u32, u32, u32) = (65536, 4, 1);

/// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
pub const OWASP_MINIMUM: (u32, u32, u32) = (19456, 2, 1);

/// The Argon2 variants PHP's `password_hash()` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Data-independent memory access (`PASSWORD_ARGON2I`).
    Argon2i,
    /// Hybrid, resistant to side channels and GPU cracking (`PASSWORD_ARGON2ID`).
    Argon2id,
}

impl Algorithm {
    /// The algorithm of a `$wgPasswordConfig['argon2']['algo']` value: `argon2i`, `argon2id`,
    /// or `auto` (Argon2id, always available here).
    pub fn from_config(name: &[u8]) -> Result<Self, Error> {
        match name {
            b"argon2id" | b"auto" => Ok(Algorithm::Argon2id),
            b"argon2i" => Ok(Algorithm::Argon2i),
            _ => Err(Error::config(format!(
                "algo must be 'argon2id', 'argon2i' or 'auto', not '{}'",
                String::from_utf8_lossy(name)
            ))),
        }
    }

    /// The identifier in PHC strings and PHP's algorithm name.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Argon2i => "argon2i",
            Algorithm::Argon2id => "argon2id",
        }
    }

    fn from_ident(ident: &[u8]) -> Option<Self> {
        match ident {
            b"argon2i" => Some(Algorithm::Argon2i),
            b"argon2id" => Some(Algorithm::Argon2id),
            _ => None,
        }
    }

    fn variant(self) -> argon2::Algorithm {
        match self {
            Algorithm::Argon2i => argon2::Algorithm::Argon2i,
            Algorithm::Argon2id => argon2::Algorithm::Argon2id,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Checked Argon2 parameters, as `password_hash()` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Config {
    algorithm: Algorithm,
    memory_cost: u32,
    time_cost: u32,
    threads: u32,
}

impl Argon2Config {
    /// Checks parameters (PHP integers, hence `i64`). `memory_cost` is in KiB and must be at
    /// least 8 KiB per thread (Argon2's minimum) and at most [`MAX_MEMORY_COST`]; `time_cost`
    /// is 1 to [`MAX_TIME_COST`]; `threads` (lanes) is 1 to [`MAX_THREADS`]. Errors name the
    /// parameter, its accepted range and the value given.
    pub fn new(
        algorithm: Algorithm,
        memory_cost: i64,
        time_cost: i64,
        threads: i64,
    ) -> Result<Self, Error> {
        let threads = in_range("threads", threads, 1, MAX_THREADS)?;
        let time_cost = in_range("time_cost", time_cost, 1, MAX_TIME_COST)?;
        let minimum_memory = 8 * threads;
        if memory_cost < i64::from(minimum_memory) {
            return Err(Error::config(format!(
                "memory_cost must be at least 8 KiB per thread ({minimum_memory} KiB with \
                 {threads} thread{}), not {memory_cost}",
                if threads == 1 { "" } else { "s" }
            )));
        }
        let memory_cost = in_range("memory_cost", memory_cost, minimum_memory, MAX_MEMORY_COST)?;
        Ok(Argon2Config {
            algorithm,
            memory_cost,
            time_cost,
            threads,
        })
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Memory cost in KiB.
    pub fn memory_cost(&self) -> u32 {
        self.memory_cost
    }

    /// Time cost (passes over memory).
    pub fn time_cost(&self) -> u32 {
        self.time_cost
    }

    /// Lanes, `threads` in PHP's terms.
    pub fn threads(&self) -> u32 {
        self.threads
    }

    /// Whether these parameters reach OWASP's minimum for Argon2id (memory and passes).
    pub fn meets_owasp_minimum(&self) -> bool {
        self.memory_cost >= OWASP_MINIMUM.0 && self.time_cost >= OWASP_MINIMUM.1
    }

    /// Hashes `password` with a fresh 16-byte salt from the OS CSPRNG, as
    /// `password_hash( $password, PASSWORD_ARGON2ID, [...] )` would. The hash and every buffer
    /// it was built in are wiped when dropped.
    pub fn hash(&self, password: &[u8]) -> Result<SecretString, Error> {
        let mut salt = Zeroizing::new([0u8; SALT_LENGTH]);
        getrandom::fill(&mut salt[..]).map_err(|e| Error::new(ErrorKind::Random(e.to_string())))?;
        let params = Params::new(
            self.memory_cost,
            self.time_cost,
            self.threads,
            Some(OUTPUT_LENGTH),
        )
        .map_err(hashing_error)?;
        let mut output = Zeroizing::new([0u8; OUTPUT_LENGTH]);
        compute(
            self.algorithm,
            Version::V0x13,
            params,
            password,
            &salt[..],
            &mut output[..],
        )?;
        let header = format!(
            "${}$v={}$m={},t={},p={}$",
            self.algorithm,
            u32::from(Version::V0x13),
            self.memory_cost,
            self.time_cost,
            self.threads,
        );
        // Unpadded base64 of 16 and 32 bytes: 22 and 43 characters.
        let mut encoded = Zeroizing::new([0u8; 64]);
        let mut phc = SecretBuf::with_capacity(header.len() + 22 + 1 + 43);
        phc.extend_from_slice(header.as_bytes());
        let n = encode(&salt[..], &mut encoded[..])?;
        phc.extend_from_slice(&encoded[..n]);
        phc.push(b'$');
        let n = encode(&output[..], &mut encoded[..])?;
        phc.extend_from_slice(&encoded[..n]);
        phc.into_secret_string()
            .ok_or_else(|| Error::new(ErrorKind::Internal("a PHC string is not ASCII".into())))
    }

    /// `password_needs_rehash( $hash, ALGO, [ memory_cost, time_cost, threads ] )` of PHP 8:
    /// true unless the hash names this algorithm and its `v`, `m`, `t` and `p` fields parse,
    /// with `m`, `t` and `p` equal to these parameters. The salt and hash parts are not read.
    pub fn needs_rehash(&self, hash: &[u8]) -> bool {
        let Some((ident, rest)) = phc_ident(hash) else {
            return true;
        };
        if Algorithm::from_ident(ident) != Some(self.algorithm) {
            return true;
        }
        // sscanf( rest, "v=%ld$m=%lu,t=%lu,p=%lu", ... ): fields that do not parse stay 0,
        // which never equals a valid parameter.
        let mut scanner = Scanner(rest);
        let fields = scanner
            .literal(b"v=")
            .and_then(|_| scanner.number())
            .and_then(|_| scanner.literal(b"$m="))
            .and_then(|_| scanner.number())
            .and_then(|m| {
                scanner.literal(b",t=")?;
                let t = scanner.number()?;
                scanner.literal(b",p=")?;
                Some((m, t, scanner.number()?))
            });
        fields
            != Some((
                u64::from(self.memory_cost),
                u64::from(self.time_cost),
                u64::from(self.threads),
            ))
    }
}

fn in_range(name: &str, value: i64, min: u32, max: u32) -> Result<u32, Error> {
    u32::try_from(value)
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| Error::config(format!("{name} must be {min} to {max}, not {value}")))
}

/// Unpadded standard base64 (the PHC strings' "B64") into `out`, returning its length.
fn encode(bytes: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    STANDARD_NO_PAD
        .encode_slice(bytes, out)
        .map_err(|e| Error::new(ErrorKind::Internal(format!("base64: {e}"))))
}

fn hashing_error(error: argon2::Error) -> Error {
    Error::new(ErrorKind::Hashing(error.to_string()))
}

/// Splits `$ident$rest` (PHP's `php_password_algo_extract_ident`).
fn phc_ident(hash: &[u8]) -> Option<(&[u8], &[u8])> {
    let body = hash.strip_prefix(b"$")?;
    let end = body.iter().position(|&b| b == b'$')?;
    Some((&body[..end], &body[end + 1..]))
}

/// Just enough of `sscanf` for the needs-rehash format: literals and unsigned decimals.
struct Scanner<'a>(&'a [u8]);

impl Scanner<'_> {
    fn literal(&mut self, literal: &[u8]) -> Option<()> {
        self.0 = self.0.strip_prefix(literal)?;
        Some(())
    }

    /// `%lu`: optional leading whitespace and `+`, then digits. Values that would not fit
    /// (or negative ones, which `%lu` wraps around) can never equal a valid parameter, so
    /// they count as not parsed.
    fn number(&mut self) -> Option<u64> {
        let start = self.0.iter().position(|b| !b.is_ascii_whitespace())?;
        let mut rest = &self.0[start..];
        if let Some(unsigned) = rest.strip_prefix(b"+") {
            rest = unsigned;
        }
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let value = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
        self.0 = &rest[digits..];
        Some(value)
    }
}

/// Runs Argon2 into `out` with memory allocated (fallibly) and wiped here.
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), Error> {
    let blocks = params.block_count();
    let mut memory: Vec<Block> = Vec::new();
    memory.try_reserve_exact(blocks).map_err(|_| {
        Error::new(ErrorKind::Hashing(format!(
            "cannot allocate {} KiB of memory",
            params.m_cost()
        )))
    })?;
    memory.resize(blocks, Block::default());
    let result = argon2::Argon2::new(algorithm.variant(), version, params)
        .hash_password_into_with_memory(password, salt, out, &mut memory[..]);
    memory.zeroize();
    result.map_err(hashing_error)
}

/// `password_verify()` for Argon2i and Argon2id PHC strings, whoever wrote them (PHP's
/// libargon2 or [`Argon2Config::hash`]). False for anything else: other algorithms (PHP's
/// `password_verify` does not know Argon2d either), malformed strings, parameters outside
/// this module's limits, a failed allocation.
///
/// The stored hash is decoded into a wiped buffer here (the PHC parser sees the string without
/// it), the computed one is wiped after use, and the two are compared in constant time.
pub fn verify(password: &[u8], hash: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(hash) else {
        return false;
    };
    let Some((head, stored)) = text.rsplit_once('$') else {
        return false;
    };
    let Some(expected) = decode_output(stored) else {
        return false;
    };
    let Ok(parsed) = PasswordHash::new(head) else {
        return false;
    };
    let Some(algorithm) = Algorithm::from_ident(parsed.algorithm.as_bytes()) else {
        return false;
    };
    // libargon2 reads a missing version as 0x10.
    let version = match parsed.version.map(Version::try_from) {
        None => Version::V0x10,
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let (Some(salt), None) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    // Exactly PHP's "m=…,t=…,p=…" (no key id or associated data, which libargon2 cannot
    // read either), and within the limits.
    let canonical = format!(
        "m={},t={},p={}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost()
    );
    if parsed.params.as_str() != canonical
        || params.m_cost() > MAX_MEMORY_COST
        || params.t_cost() > MAX_TIME_COST
        || params.p_cost() > MAX_THREADS
    {
        return false;
    }
    let mut output = Zeroizing::new(vec![0u8; expected.len()]);
    if compute(algorithm, version, params, password, salt, &mut output).is_err() {
        return false;
    }
    output.ct_eq(&expected[..]).to_bool()
}

/// The hash part of a PHC string: unpadded, canonical base64 of 10 to 64 bytes (the PHC
/// format's limits, as the argon2 crate's parser applies them), in a wiped buffer.
fn decode_output(encoded: &str) -> Option<Zeroizing<Vec<u8>>> {
    const MIN_OUTPUT: usize = 10;
    const MAX_OUTPUT: usize = 64;
    if encoded.len() > MAX_OUTPUT.div_ceil(3) * 4 {
        return None;
    }
    let mut decoded = Zeroizing::new([0u8; MAX_OUTPUT]);
    let n = STANDARD_NO_PAD
        .decode_slice(encoded.as_bytes(), &mut decoded[..])
        .ok()?;
    (MIN_OUTPUT..=MAX_OUTPUT)
        .contains(&n)
        .then(|| Zeroizing::new(decoded[..n].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Fast parameters for tests that are not about cost.
    fn quick(algorithm: Algorithm) -> Argon2Config {
        Argon2Config::new(algorithm, 64, 1, 1).unwrap()
    }

    // Made by PHP 8.2's password_hash() (libargon2), e.g.
    // php -r 'echo password_hash("correct horse", PASSWORD_ARGON2ID, ["memory_cost" => 64, "time_cost" => 1, "threads" => 1]);'
    const PHP_ARGON2ID: &str = "$argon2id$v=19$m=64,t=1,p=1$aTZlcUVtS0szR1pvZFNrTg$uuOLU8NDHLaGc69PRWbtyEmt1Q2S17q0lhNA7LBU3c4";
    const PHP_ARGON2I: &str = "$argon2i$v=19$m=64,t=2,p=2$bkR3L0lKa3FIRllHUnB4Mw$63RLCxAxa8UD1/oodNv5+05AlYjV0Z8ANIjX/ynR8kY";

    #[test]
    fn hashes_have_php_s_shape_and_verify() {
        for algorithm in [Algorithm::Argon2id, Algorithm::Argon2i] {
            let config = quick(algorithm);
            let hash = config.hash(b"correct horse").unwrap();
            let prefix = format!("${algorithm}$v=19$m=64,t=1,p=1$");
            assert!(hash.starts_with(&prefix), "{}", hash.expose());
            let parts: Vec<&str> = hash.split('$').collect();
            assert_eq!(parts.len(), 6);
            assert_eq!(parts[4].len(), 22, "16-byte salt, unpadded base64");
            assert_eq!(parts[5].len(), 43, "32-byte hash, unpadded base64");
            assert!(verify(b"correct horse", hash.as_bytes()));
            assert!(!verify(b"correct horsf", hash.as_bytes()));
            assert!(!verify(b"", hash.as_bytes()));
            assert!(!config.needs_rehash(hash.as_bytes()));
        }
    }

    #[test]
    fn salts_differ() {
        let config = quick(Algorithm::Argon2id);
        assert_ne!(config.hash(b"x").unwrap(), config.hash(b"x").unwrap());
    }

    #[test]
    fn php_hashes_verify() {
        assert!(verify(b"correct horse", PHP_ARGON2ID.as_bytes()));
        assert!(!verify(b"correct horse ", PHP_ARGON2ID.as_bytes()));
        assert!(verify(b"correct horse", PHP_ARGON2I.as_bytes()));
        assert!(!verify(b"Correct horse", PHP_ARGON2I.as_bytes()));
    }

    #[test]
    fn known_answers_of_the_reference_implementation() {
        // From libargon2's command-line tool (Debian package argon2), fixed salt "somesalt":
        // echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -e   (and -i, and -v 10)
        for hash in [
            "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo",
            "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$IMit9qkFULCMA/ViizL57cnTLOa5DiVM9eMwpAvPwr4",
            "$argon2id$v=16$m=65536,t=2,p=4$c29tZXNhbHQ$1JMdJ6UAAvFTk9xkHu7v4GzA8w04DM32TzBCxVUK7o8",
            // libargon2 reads a hash without a version as version 0x10.
            "$argon2id$m=65536,t=2,p=4$c29tZXNhbHQ$1JMdJ6UAAvFTk9xkHu7v4GzA8w04DM32TzBCxVUK7o8",
        ] {
            assert!(verify(b"password", hash.as_bytes()), "{hash}");
            assert!(!verify(b"passwore", hash.as_bytes()), "{hash}");
        }
    }

    #[test]
    fn unsupported_or_malformed_hashes_do_not_verify() {
        let argon2d = "$argon2d$v=19$m=64,t=1,p=1$aTZlcUVtS0szR1pvZFNrTg$uuOLU8NDHLaGc69PRWbtyEmt1Q2S17q0lhNA7LBU3c4";
        for hash in [
            "",
            "$",
            "$argon2id$",
            argon2d,
            // Truncated hash, bad base64, extra parameter, reordered parameters, bad version.
            &PHP_ARGON2ID[..PHP_ARGON2ID.len() - 5],
            "$argon2id$v=19$m=64,t=1,p=1$aTZlcUVtS0szR1pvZFNrTg$!!!",
            "$argon2id$v=19$m=64,t=1,p=1,keyid=AAAA$aTZlcUVtS0szR1pvZFNrTg$uuOLU8NDHLaGc69PRWbtyEmt1Q2S17q0lhNA7LBU3c4",
            "$argon2id$v=19$t=1,m=64,p=1$aTZlcUVtS0szR1pvZFNrTg$uuOLU8NDHLaGc69PRWbtyEmt1Q2S17q0lhNA7LBU3c4",
            "$argon2id$v=18$m=64,t=1,p=1$aTZlcUVtS0szR1pvZFNrTg$uuOLU8NDHLaGc69PRWbtyEmt1Q2S17q0lhNA7LBU3c4",
            ":argon2:$argon2id$v=19$m=64,t=1,p=1$aTZlcUVtS0szR1pvZFNrTg$uuOLU8NDHLaGc69PRWbtyEmt1Q2S17q0lhNA7LBU3c4",
            "$2y$10$abcdefghijklmnopqrstuu5Wc0dZ7bF2tqQd8oTqCiW9Kx0Q1Qj1a",
        ] {
            assert!(!verify(b"correct horse", hash.as_bytes()), "{hash}");
        }
        assert!(!verify(b"x", b"\xff\xfe"));
    }

    #[test]
    fn hashes_beyond_the_limits_are_refused_without_running() {
        // 8 TiB of memory or 2^32-1 passes would take the process down or run for hours.
        for params in [
            "m=8589934592,t=1,p=1",
            "m=4194305,t=1,p=1",
            "m=64,t=4294967295,p=1",
            "m=4096,t=1,p=256",
        ] {
            let hash = format!(
                "$argon2id$v=19${params}$aTZlcUVtS0szR1pvZFNrTg$uuOLU8NDHLaGc69PRWbtyEmt1Q2S17q0lhNA7LBU3c4"
            );
            assert!(!verify(b"correct horse", hash.as_bytes()), "{hash}");
        }
    }

    #[test]
    fn needs_rehash_follows_php() {
        let config = Argon2Config::new(Algorithm::Argon2i, 1024, 2, 2).unwrap();
        // The cases of core's Argon2PasswordTest::provideNeedsUpdate, without ":argon2:".
        for (expected, hash) in [
            (
                false,
                "$argon2i$v=19$m=1024,t=2,p=2$bFJ4TzM5RWh2T0VmeFhDTA$AHFUFZRh69aZYBqyxn6tpujpEcf2JP8wgRCPU3nw3W4",
            ),
            (false, "$argon2i$v=19$m=1024,t=2,p=2$<whatever>"),
            (true, "$argon2i$v=19$m=666,t=2,p=2$<whatever>"),
            (true, "$argon2i$v=19$m=1024,t=666,p=2$<whatever>"),
            (true, "$argon2i$v=19$m=1024,t=2,p=666$<whatever>"),
            // Another algorithm, a missing field, no version, not a PHC string.
            (true, "$argon2id$v=19$m=1024,t=2,p=2$<whatever>"),
            (true, "$argon2i$v=19$m=1024,t=2"),
            (true, "$argon2i$m=1024,t=2,p=2$x$y"),
            (true, "$argon2i"),
            (true, ""),
            // sscanf skips blanks and takes a '+' before a number; the version is not compared.
            (false, "$argon2i$v=16$m= 1024,t=+2,p=2"),
            (false, "$argon2i$v=19$m=1024,t=2,p=2"),
        ] {
            assert_eq!(config.needs_rehash(hash.as_bytes()), expected, "{hash}");
        }
    }

    #[test]
    fn php_defaults_and_owasp_minimum() {
        let (m, t, p) = PHP_DEFAULT;
        let php = Argon2Config::new(Algorithm::Argon2id, m.into(), t.into(), p.into()).unwrap();
        assert!(php.meets_owasp_minimum());
        let (m, t, p) = OWASP_MINIMUM;
        let owasp = Argon2Config::new(Algorithm::Argon2id, m.into(), t.into(), p.into()).unwrap();
        assert!(owasp.meets_owasp_minimum());
        assert!(!quick(Algorithm::Argon2id).meets_owasp_minimum());
    }

    #[test]
    fn bad_parameters_are_named() {
        let error = |m, t, p| {
            Argon2Config::new(Algorithm::Argon2id, m, t, p)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error(15, 2, 2),
            "invalid configuration: memory_cost must be at least 8 KiB per thread (16 KiB with 2 threads), not 15"
        );
        assert!(error(7, 2, 1).contains("(8 KiB with 1 thread), not 7"));
        assert!(error(-1, 2, 1).contains("memory_cost"));
        assert!(
            error(i64::from(MAX_MEMORY_COST) + 1, 2, 1)
                .contains("memory_cost must be 8 to 4194304")
        );
        assert!(error(65536, 0, 1).contains("time_cost must be 1 to 1024, not 0"));
        assert!(error(65536, 2, 0).contains("threads must be 1 to 255, not 0"));
        assert!(error(65536, 2, i64::MAX).contains("threads"));
        assert_eq!(
            Algorithm::from_config(b"argon2d").unwrap_err().to_string(),
            "invalid configuration: algo must be 'argon2id', 'argon2i' or 'auto', not 'argon2d'"
        );
        assert_eq!(
            Algorithm::from_config(b"auto").unwrap(),
            Algorithm::Argon2id
        );
        assert_eq!(
            Algorithm::from_config(b"argon2i").unwrap(),
            Algorithm::Argon2i
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn verify_and_needs_rehash_take_any_bytes(password in proptest::collection::vec(any::<u8>(), 0..64), hash in proptest::collection::vec(any::<u8>(), 0..200)) {
            prop_assert!(!verify(&password, &hash));
            prop_assert!(quick(Algorithm::Argon2id).needs_rehash(&hash));
        }

        #[test]
        fn verify_takes_any_php_shaped_string(
            ident in prop_oneof![Just("argon2id".to_owned()), Just("argon2i".to_owned()), Just("argon2d".to_owned()), "[a-z0-9]{0,9}"],
            version in prop_oneof![Just("v=19$".to_owned()), Just("v=16$".to_owned()), Just(String::new()), "v=[0-9]{1,12}\\$"],
            m in prop_oneof![0u64..200, any::<u64>()],
            t in prop_oneof![0u64..3, any::<u64>()],
            p in prop_oneof![0u64..3, any::<u64>()],
            salt in "[A-Za-z0-9+/]{0,70}",
            output in "[A-Za-z0-9+/]{0,90}",
        ) {
            let hash = format!("${ident}${version}m={m},t={t},p={p}${salt}${output}");
            // Random outputs never match; what matters is that nothing panics or hangs.
            prop_assert!(!verify(b"password", hash.as_bytes()));
        }

        #[test]
        fn any_parameters_are_accepted_or_named(m in any::<i64>(), t in any::<i64>(), p in any::<i64>()) {
            match Argon2Config::new(Algorithm::Argon2id, m, t, p) {
                Ok(config) => prop_assert!(config.memory_cost() >= 8 * config.threads()),
                Err(error) => prop_assert_eq!(error.code(), "invalid-config"),
            }
        }

        #[test]
        fn hashes_of_any_password_verify(password in proptest::collection::vec(any::<u8>(), 0..300)) {
            let config = quick(Algorithm::Argon2id);
            let hash = config.hash(&password).unwrap();
            prop_assert!(verify(&password, hash.as_bytes()));
            prop_assert!(!config.needs_rehash(hash.as_bytes()));
        }
    }
}
