//! Temporary passwords and tokens, drawn from the operating system's CSPRNG.
//!
//! Every symbol is drawn uniformly from the alphabet by rejection sampling (a byte is used only
//! when it falls below the largest multiple of the alphabet's size, so no symbol is favoured),
//! and every buffer that held random bytes or a password is zeroed when dropped.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind};
use crate::policy::{self, CheckId, PolicyEntry, Resources, Subject};
use crate::secret::{SecretBuf, SecretString};

/// The default alphabet: digits and ASCII letters without the look-alikes `0 O o 1 l I i`, and
/// no punctuation, so a password survives copy-paste from a mail (a double click selects it
/// whole) and reading it aloud. 55 symbols, about 5.78 bits each.
pub const DEFAULT_ALPHABET: &str = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/// Entropy of a generated password when no length is configured.
pub const DEFAULT_ENTROPY_BITS: u32 = 128;

/// The least entropy a configured alphabet and length may give.
pub const MINIMUM_ENTROPY_BITS: u32 = 64;

/// The longest password the generator makes: core's default `MaximalPasswordLength`.
pub const MAX_LENGTH: usize = 4096;

/// How many passwords [`PasswordGenerator::generate_for`] draws before it gives up. A random
/// password fails a default policy only as a false positive of the common-password filter
/// (about one in a million), so 32 failures in a row mean the policy rejects everything.
const MAX_ATTEMPTS: usize = 32;

/// Random bytes drawn per call to the operating system.
const CHUNK: usize = 256;

/// A source of random bytes: the OS CSPRNG in production, a fixed sequence in tests.
type RandomFill<'a> = dyn FnMut(&mut [u8]) -> Result<(), Error> + 'a;

fn os_random(buffer: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buffer).map_err(|e| Error::new(ErrorKind::Random(e.to_string())))
}

/// The symbols passwords are made of: printable ASCII (no space), each at most once.
#[derive(Clone, PartialEq, Eq)]
pub struct Alphabet {
    symbols: Vec<u8>,
}

impl Alphabet {
    /// Checks and takes an alphabet.
    ///
    /// Refused: fewer than two symbols, a symbol outside printable ASCII (`!` to `~`; spaces and
    /// non-ASCII characters do not survive copy-paste and make byte lengths differ from
    /// character counts), or a symbol given twice (it would be drawn twice as often).
    pub fn new(symbols: &[u8]) -> Result<Self, Error> {
        if let Some(bad) = symbols.iter().find(|b| !b.is_ascii_graphic()) {
            return Err(Error::config(format!(
                "the alphabet may only hold printable ASCII characters other than space; \
                 it holds byte 0x{bad:02x}"
            )));
        }
        let mut seen = [false; 128];
        for &symbol in symbols {
            if std::mem::replace(&mut seen[usize::from(symbol)], true) {
                return Err(Error::config(format!(
                    "the alphabet holds '{}' more than once",
                    char::from(symbol)
                )));
            }
        }
        if symbols.len() < 2 {
            return Err(Error::config(format!(
                "the alphabet needs at least 2 different characters, it has {}",
                symbols.len()
            )));
        }
        Ok(Alphabet {
            symbols: symbols.to_vec(),
        })
    }

    /// The symbols, in the order given.
    pub fn symbols(&self) -> &[u8] {
        &self.symbols
    }

    /// How many symbols there are.
    pub fn size(&self) -> usize {
        self.symbols.len()
    }

    /// Entropy of one uniformly drawn symbol, in bits.
    pub fn bits_per_symbol(&self) -> f64 {
        (self.symbols.len() as f64).log2()
    }

    /// Whether every byte of `text` is a symbol of this alphabet.
    pub fn contains_all(&self, text: &[u8]) -> bool {
        text.iter().all(|b| self.symbols.contains(b))
    }

    /// Appends `count` uniformly drawn symbols to `out`.
    fn draw(
        &self,
        count: usize,
        out: &mut SecretBuf,
        random: &mut RandomFill<'_>,
    ) -> Result<(), Error> {
        let size = self.symbols.len();
        // Bytes at or above `limit` would favour the first `256 % size` symbols: reject them.
        let limit = 256 - 256 % size;
        let mut buffer = Zeroizing::new([0u8; CHUNK]);
        let target = out.len() + count;
        while out.len() < target {
            // Enough bytes for the rest on average, plus slack for rejections.
            let wanted = ((target - out.len()) * 256 / limit + 8).min(CHUNK);
            random(&mut buffer[..wanted])?;
            for &byte in &buffer[..wanted] {
                let byte = usize::from(byte);
                if byte < limit {
                    out.push(self.symbols[byte % size]);
                    if out.len() == target {
                        break;
                    }
                }
            }
        }
        Ok(())
    }
}

impl Default for Alphabet {
    fn default() -> Self {
        Alphabet {
            symbols: DEFAULT_ALPHABET.as_bytes().to_vec(),
        }
    }
}

impl fmt::Debug for Alphabet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Alphabet")
            .field(&String::from_utf8_lossy(&self.symbols))
            .finish()
    }
}

/// Makes temporary passwords of a configured alphabet and length.
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordGenerator {
    alphabet: Alphabet,
    length: usize,
}

impl PasswordGenerator {
    /// A generator of passwords of `length` symbols, or, when `length` is `None`, of the
    /// shortest length reaching [`DEFAULT_ENTROPY_BITS`] with this alphabet.
    ///
    /// Refused: a length giving less than [`MINIMUM_ENTROPY_BITS`], or above [`MAX_LENGTH`].
    pub fn new(alphabet: Alphabet, length: Option<usize>) -> Result<Self, Error> {
        let bits = alphabet.bits_per_symbol();
        let length = match length {
            None => (f64::from(DEFAULT_ENTROPY_BITS) / bits).ceil() as usize,
            Some(length) => {
                let entropy = length as f64 * bits;
                if entropy < f64::from(MINIMUM_ENTROPY_BITS) {
                    let needed = (f64::from(MINIMUM_ENTROPY_BITS) / bits).ceil();
                    return Err(Error::config(format!(
                        "{length} characters of a {}-character alphabet give {entropy:.1} bits \
                         of entropy; at least {MINIMUM_ENTROPY_BITS} bits ({needed} characters) \
                         are required",
                        alphabet.size()
                    )));
                }
                length
            }
        };
        if length > MAX_LENGTH {
            return Err(Error::config(format!(
                "temporary passwords of {length} characters are longer than the limit of \
                 {MAX_LENGTH}"
            )));
        }
        Ok(PasswordGenerator { alphabet, length })
    }

    /// The alphabet.
    pub fn alphabet(&self) -> &Alphabet {
        &self.alphabet
    }

    /// The configured (or derived) length; a policy may ask for more.
    pub fn length(&self) -> usize {
        self.length
    }

    /// Entropy of a password of the configured length, in bits.
    pub fn entropy_bits(&self) -> f64 {
        self.length as f64 * self.alphabet.bits_per_symbol()
    }

    /// A password of `max(length, min_length)` symbols (at most [`MAX_LENGTH`]).
    pub fn generate(&self, min_length: usize) -> Result<SecretString, Error> {
        self.generate_exact(self.length.max(min_length).min(MAX_LENGTH), &mut os_random)
    }

    /// A password that passes every native check of `policy` (a user's effective policy) for
    /// `subject`, as long as the length checks require and at least the configured length.
    ///
    /// Passwords are drawn until one passes; a random password fails a sane policy only by
    /// freak chance (a false positive of the common-password filter), so this normally draws
    /// once. Entries the caller evaluated itself ([`PolicyEntry::External`]) are ignored: the
    /// caller checks the result against them.
    ///
    /// Errors: the length checks accept no length from the configured one up to [`MAX_LENGTH`]
    /// or the policy rejected every attempt (both [`ErrorKind::InvalidConfig`]), a check could
    /// not run ([`ErrorKind::Unavailable`]), the OS random generator failed.
    pub fn generate_for(
        &self,
        policy: &[PolicyEntry],
        subject: &Subject<'_>,
        resources: &Resources<'_>,
    ) -> Result<SecretString, Error> {
        self.generate_for_with(policy, subject, resources, &mut os_random)
    }

    fn generate_for_with(
        &self,
        policy: &[PolicyEntry],
        subject: &Subject<'_>,
        resources: &Resources<'_>,
        random: &mut RandomFill<'_>,
    ) -> Result<SecretString, Error> {
        let length = required_length(self.length, policy)?;
        for _ in 0..MAX_ATTEMPTS {
            let password = self.generate_exact(length, random)?;
            let verdict = policy::evaluate(policy, subject, password.as_bytes(), resources)?;
            if verdict.failures.is_empty() {
                return Ok(password);
            }
        }
        Err(Error::config(format!(
            "the password policy rejected {MAX_ATTEMPTS} random passwords in a row; it seems to \
             reject every password"
        )))
    }

    fn generate_exact(
        &self,
        length: usize,
        random: &mut RandomFill<'_>,
    ) -> Result<SecretString, Error> {
        let mut symbols = SecretBuf::with_capacity(length);
        self.alphabet.draw(length, &mut symbols, random)?;
        // Printable ASCII only (checked by `Alphabet::new`), so always UTF-8.
        symbols
            .into_secret_string()
            .ok_or_else(|| Error::new(ErrorKind::Internal("alphabet is not ASCII".into())))
    }
}

/// The shortest length from `base` up to [`MAX_LENGTH`] that every length check of `policy`
/// accepts, with PHP's comparison rules for the configured values. Generated passwords are
/// printable ASCII, so their length in code points is their length in bytes.
fn required_length(base: usize, policy: &[PolicyEntry]) -> Result<usize, Error> {
    let accepts = |length: usize| {
        let length = i64::try_from(length).unwrap_or(i64::MAX);
        policy.iter().all(|entry| match entry {
            PolicyEntry::Native {
                check:
                    CheckId::MinimalPasswordLength
                    | CheckId::MinimumPasswordLengthToLogin
                    | CheckId::MinimalPasswordCodePoints,
                value,
                ..
            } => !value.php_greater_than(length),
            PolicyEntry::Native {
                check: CheckId::MaximalPasswordLength | CheckId::MaximalPasswordCodePoints,
                value,
                ..
            } => !value.php_less_than(length),
            _ => true,
        })
    };
    (base..=MAX_LENGTH)
        .find(|&length| accepts(length))
        .ok_or_else(|| {
            Error::config(format!(
                "the password policy's length checks accept no temporary password of {base} to \
             {MAX_LENGTH} characters (is MaximalPasswordLength below {base}?)"
            ))
        })
}

/// A token of `bytes` random bytes, as lowercase hexadecimal (URL- and mail-safe).
/// `bytes` must be 16 (128 bits) to 1024.
pub fn random_token(bytes: usize) -> Result<SecretString, Error> {
    if !(16..=1024).contains(&bytes) {
        return Err(Error::config(format!(
            "a token must have 16 to 1024 random bytes, not {bytes}"
        )));
    }
    let mut random = Zeroizing::new(vec![0u8; bytes]);
    os_random(&mut random)?;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut token = SecretBuf::with_capacity(bytes * 2);
    for byte in random.iter() {
        token.push(HEX[usize::from(byte >> 4)]);
        token.push(HEX[usize::from(byte & 0x0f)]);
    }
    token
        .into_secret_string()
        .ok_or_else(|| Error::new(ErrorKind::Internal("hexadecimal is not ASCII".into())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::CommonPasswords;
    use crate::policy::PolicyValue;
    use proptest::prelude::*;
    use std::path::Path;

    fn generator(alphabet: &str, length: Option<usize>) -> PasswordGenerator {
        PasswordGenerator::new(Alphabet::new(alphabet.as_bytes()).unwrap(), length).unwrap()
    }

    fn config_error(result: Result<impl fmt::Debug, Error>) -> String {
        let error = result.unwrap_err();
        assert_eq!(error.code(), "invalid-config", "{error}");
        error.to_string()
    }

    // ---- alphabet and length configuration

    #[test]
    fn code_point_checks_set_the_length_like_byte_checks() {
        let entry = |check, value| PolicyEntry::Native {
            check,
            value: PolicyValue::Int(value),
            force_change: false,
            suggest_change_on_login: false,
        };
        let policy = [entry(CheckId::MinimalPasswordCodePoints, 30)];
        assert_eq!(required_length(23, &policy).unwrap(), 30);
        let impossible = [
            entry(CheckId::MinimalPasswordCodePoints, 30),
            entry(CheckId::MaximalPasswordCodePoints, 25),
        ];
        assert!(required_length(23, &impossible).is_err());
    }

    #[test]
    fn default_is_at_least_128_bits() {
        let generator = PasswordGenerator::new(Alphabet::default(), None).unwrap();
        assert_eq!(generator.alphabet().size(), 55);
        assert_eq!(generator.length(), 23);
        assert!(
            generator.entropy_bits() >= 128.0,
            "{}",
            generator.entropy_bits()
        );
        // One symbol less would not reach 128 bits.
        assert!(22.0 * generator.alphabet().bits_per_symbol() < 128.0);
    }

    #[test]
    fn default_alphabet_has_no_look_alikes_or_punctuation() {
        for look_alike in b"0Oo1lIi" {
            assert!(!DEFAULT_ALPHABET.as_bytes().contains(look_alike));
        }
        assert!(DEFAULT_ALPHABET.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(Alphabet::new(DEFAULT_ALPHABET.as_bytes()).is_ok());
    }

    macro_rules! derived_length {
        ($name:ident, $alphabet:expr, $length:expr) => {
            #[test]
            fn $name() {
                let generator = generator($alphabet, None);
                assert_eq!(generator.length(), $length);
                assert!(generator.entropy_bits() >= 128.0);
            }
        };
    }
    derived_length!(derived_binary, "ab", 128);
    derived_length!(derived_hex, "0123456789abcdef", 32);
    derived_length!(derived_base32, "abcdefghijklmnopqrstuvwxyz234567", 26);
    derived_length!(
        derived_printable_ascii,
        "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
        20
    );

    #[test]
    fn explicit_length_is_kept() {
        let generator = generator(DEFAULT_ALPHABET, Some(40));
        assert_eq!(generator.length(), 40);
        let password = generator.generate(0).unwrap();
        assert_eq!(password.len(), 40);
        assert!(generator.alphabet().contains_all(password.as_bytes()));
    }

    #[test]
    fn policy_minimum_lengthens_the_password() {
        let generator = generator(DEFAULT_ALPHABET, None);
        assert_eq!(generator.generate(64).unwrap().len(), 64);
        assert_eq!(generator.generate(5).unwrap().len(), 23);
        assert_eq!(generator.generate(usize::MAX).unwrap().len(), MAX_LENGTH);
    }

    #[test]
    fn bad_alphabets_are_refused_with_a_reason() {
        assert!(config_error(Alphabet::new(b"abca")).contains("'a' more than once"));
        assert!(config_error(Alphabet::new(b"a")).contains("at least 2"));
        assert!(config_error(Alphabet::new(b"")).contains("at least 2"));
        assert!(config_error(Alphabet::new(b"ab c")).contains("0x20"));
        assert!(config_error(Alphabet::new("abé".as_bytes())).contains("0xc3"));
        assert!(config_error(Alphabet::new(b"ab\0")).contains("0x00"));
    }

    #[test]
    fn weak_or_huge_lengths_are_refused_with_a_reason() {
        let message = config_error(PasswordGenerator::new(Alphabet::default(), Some(10)));
        assert!(message.contains("57.8 bits"), "{message}");
        assert!(message.contains("12 characters"), "{message}");
        assert!(PasswordGenerator::new(Alphabet::default(), Some(12)).is_ok());
        let message = config_error(PasswordGenerator::new(Alphabet::default(), Some(5000)));
        assert!(message.contains("4096"), "{message}");
    }

    #[test]
    fn passwords_differ() {
        let generator = generator(DEFAULT_ALPHABET, None);
        let passwords: std::collections::HashSet<String> = (0..1000)
            .map(|_| generator.generate(0).unwrap().to_string())
            .collect();
        assert_eq!(passwords.len(), 1000);
    }

    #[test]
    fn tokens_are_hex_of_the_asked_size() {
        let token = random_token(32).unwrap();
        assert_eq!(token.len(), 64);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(*token, *random_token(32).unwrap());
        assert!(config_error(random_token(15)).contains("16 to 1024"));
        assert!(random_token(1025).is_err());
    }

    // ---- distribution

    /// Pearson's χ² statistic of symbol counts against the uniform distribution.
    fn chi_square(counts: &[u64]) -> f64 {
        let total: u64 = counts.iter().sum();
        let expected = total as f64 / counts.len() as f64;
        counts
            .iter()
            .map(|&observed| (observed as f64 - expected).powi(2) / expected)
            .sum()
    }

    fn symbol_counts(alphabet: &Alphabet, text: &[u8]) -> Vec<u64> {
        let mut counts = vec![0u64; alphabet.size()];
        for byte in text {
            let index = alphabet.symbols().iter().position(|s| s == byte).unwrap();
            counts[index] += 1;
        }
        counts
    }

    /// Critical values of χ² with `df` degrees of freedom at significance level 10⁻⁶: a
    /// uniform generator exceeds them once in a million runs, so the test is not flaky, and
    /// the modulo bias rejection sampling avoids is thousands of times larger (see
    /// `chi_square_detects_modulo_bias`). Computed as the inverse of the regularized upper
    /// incomplete gamma function Q(df/2, x/2) = 10⁻⁶.
    fn critical_value(df: usize) -> f64 {
        match df {
            1 => 23.928,
            30 => 82.044,
            54 => 118.452,
            93 => 172.747,
            _ => unreachable!("no critical value tabulated for {df} degrees of freedom"),
        }
    }

    const SAMPLE: usize = 1_000_000;

    fn assert_uniform(alphabet: &str) {
        let generator = generator(alphabet, None);
        // One million symbols, drawn as real passwords are: many passwords, one call each.
        let mut text = Vec::with_capacity(SAMPLE);
        while text.len() < SAMPLE {
            let password = generator.generate(0).unwrap();
            let take = password.len().min(SAMPLE - text.len());
            text.extend_from_slice(&password.as_bytes()[..take]);
        }
        let counts = symbol_counts(generator.alphabet(), &text);
        let statistic = chi_square(&counts);
        let limit = critical_value(counts.len() - 1);
        assert!(
            statistic < limit,
            "χ² = {statistic:.1} over {} symbols exceeds {limit} (p < 1e-6)",
            counts.len()
        );
    }

    #[test]
    fn chi_square_on_a_million_symbols_of_the_default_alphabet() {
        assert_uniform(DEFAULT_ALPHABET);
    }

    #[test]
    fn chi_square_on_a_million_symbols_of_other_alphabet_sizes() {
        assert_uniform("ab");
        assert_uniform("23456789abcdefghjkmnpqrstuvwxyz");
        assert_uniform(
            "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
        );
    }

    #[test]
    fn chi_square_detects_modulo_bias() {
        // What rejection sampling prevents: `byte % 55` favours the first 36 symbols (5/256
        // against 4/256). The test above must catch such a generator.
        let alphabet = Alphabet::default();
        let mut random = vec![0u8; SAMPLE];
        getrandom::fill(&mut random).unwrap();
        let biased: Vec<u8> = random
            .iter()
            .map(|b| alphabet.symbols()[usize::from(*b) % alphabet.size()])
            .collect();
        let statistic = chi_square(&symbol_counts(&alphabet, &biased));
        assert!(statistic > 50.0 * critical_value(54), "χ² = {statistic}");
    }

    #[test]
    fn rejection_sampling_skips_biased_bytes() {
        // 55 symbols: bytes 220..=255 are rejected, the rest map to byte % 55.
        let alphabet = Alphabet::default();
        let mut bytes = vec![255u8, 220, 0, 54, 219, 55];
        let mut random = |buffer: &mut [u8]| {
            for slot in buffer.iter_mut() {
                *slot = if bytes.is_empty() { 0 } else { bytes.remove(0) };
            }
            Ok(())
        };
        let mut out = SecretBuf::default();
        alphabet.draw(4, &mut out, &mut random).unwrap();
        let symbols = alphabet.symbols();
        assert_eq!(
            &*out,
            [symbols[0], symbols[54], symbols[219 % 55], symbols[0]]
        );
    }

    // ---- policy compliance

    fn common_passwords() -> CommonPasswords {
        let path = std::env::var("NPP_COMMON_PASSWORDS").unwrap_or_else(|_| {
            "/usr/share/mediawiki/vendor/wikimedia/common-passwords/src/CommonPasswords/common-x64.json"
                .to_owned()
        });
        CommonPasswords::load(Path::new(&path)).unwrap_or_else(|e| {
            panic!("MediaWiki's common-password filter is needed (install mediawiki or set NPP_COMMON_PASSWORDS): {e}")
        })
    }

    fn entry(check: CheckId, value: PolicyValue) -> PolicyEntry {
        PolicyEntry::Native {
            check,
            value,
            force_change: false,
            suggest_change_on_login: true,
        }
    }

    /// MediaWiki 1.39's `$wgPasswordPolicy['policies']`, merged for `group` as
    /// `UserPasswordPolicy::getPoliciesForGroups` does (default first, then the group's maxima).
    fn effective_policy(group: &str) -> Vec<PolicyEntry> {
        use CheckId::*;
        use PolicyValue::{Bool, Int};
        let mut policy = vec![
            entry(MinimalPasswordLength, Int(1)),
            entry(PasswordCannotBeSubstringInUsername, Bool(true)),
            entry(PasswordCannotMatchDefaults, Bool(true)),
            entry(MaximalPasswordLength, Int(4096)),
            entry(PasswordNotInCommonList, Bool(true)),
        ];
        if matches!(group, "sysop" | "bureaucrat" | "interface-admin" | "bot") {
            policy[0] = entry(MinimalPasswordLength, Int(10));
            policy.push(entry(MinimumPasswordLengthToLogin, Int(1)));
        }
        policy
    }

    const DEFAULT_GROUPS: [&str; 5] = ["default", "sysop", "bureaucrat", "interface-admin", "bot"];

    #[test]
    fn passwords_satisfy_every_default_group_policy() {
        let filter = common_passwords();
        let resources = Resources {
            common_passwords: Some(&filter),
            ..Resources::default()
        };
        let generator = PasswordGenerator::new(Alphabet::default(), None).unwrap();
        for group in DEFAULT_GROUPS {
            let policy = effective_policy(group);
            for username in ["Useruser", "Admin", "Apitestsysop", "A", "Ünïcode user"] {
                let subject = Subject {
                    username: username.as_bytes(),
                    ..Subject::default()
                };
                for _ in 0..200 {
                    let password = generator
                        .generate_for(&policy, &subject, &resources)
                        .unwrap();
                    assert_eq!(password.len(), 23);
                    let verdict =
                        policy::evaluate(&policy, &subject, password.as_bytes(), &resources)
                            .unwrap();
                    assert!(verdict.failures.is_empty(), "{group}: {verdict:?}");
                    assert!(!verdict.force_change && !verdict.suggest_change_on_login);
                }
            }
        }
    }

    #[test]
    fn short_alphabet_passwords_still_meet_group_minimum_lengths() {
        // A wide alphabet gives short passwords: the sysop minimum of 10 must still hold, and a
        // stricter operator minimum wins over the configured length.
        let filter = common_passwords();
        let resources = Resources {
            common_passwords: Some(&filter),
            ..Resources::default()
        };
        let wide = "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
        let generator = generator(wide, Some(10));
        let subject = Subject {
            username: b"Admin",
            ..Subject::default()
        };
        let password = generator
            .generate_for(&effective_policy("sysop"), &subject, &resources)
            .unwrap();
        assert_eq!(password.len(), 10);

        let mut strict = effective_policy("sysop");
        strict.push(entry(
            CheckId::MinimumPasswordLengthToLogin,
            PolicyValue::Int(31),
        ));
        let password = generator
            .generate_for(&strict, &subject, &resources)
            .unwrap();
        assert_eq!(password.len(), 31);

        // Values as PHP holds them: "40" and 39.5 compare like numbers.
        let policy = [
            entry(
                CheckId::MinimalPasswordLength,
                PolicyValue::Str(b"40".to_vec()),
            ),
            entry(
                CheckId::MinimumPasswordLengthToLogin,
                PolicyValue::Float(39.5),
            ),
        ];
        let password = generator
            .generate_for(&policy, &subject, &resources)
            .unwrap();
        assert_eq!(password.len(), 40);
    }

    #[test]
    fn contradictory_length_policy_is_a_config_error() {
        let generator = PasswordGenerator::new(Alphabet::default(), None).unwrap();
        let policy = [entry(CheckId::MaximalPasswordLength, PolicyValue::Int(20))];
        let message = config_error(generator.generate_for(
            &policy,
            &Subject::default(),
            &Resources::default(),
        ));
        assert!(
            message.contains("MaximalPasswordLength below 23"),
            "{message}"
        );
        // A maximum at or above the length is fine.
        let policy = [entry(CheckId::MaximalPasswordLength, PolicyValue::Int(23))];
        assert!(
            generator
                .generate_for(&policy, &Subject::default(), &Resources::default())
                .is_ok()
        );
    }

    #[test]
    fn a_rejected_password_is_replaced() {
        // The first draw spells a password contained in the user name; the generator must
        // notice and draw again.
        let generator = generator("ab", Some(64));
        let first = vec![0u8; 64]; // "aaaa…"
        let second = vec![1u8; 64]; // "bbbb…"
        let mut draws = vec![first, second].into_iter();
        let mut random = |buffer: &mut [u8]| {
            let draw = draws.next().expect("only two draws are needed");
            buffer.fill(0);
            let n = buffer.len().min(draw.len());
            buffer[..n].copy_from_slice(&draw[..n]);
            Ok(())
        };
        let username = format!("X{}Y", "a".repeat(64));
        let subject = Subject {
            username: username.as_bytes(),
            ..Subject::default()
        };
        let policy = [entry(
            CheckId::PasswordCannotBeSubstringInUsername,
            PolicyValue::Bool(true),
        )];
        let password = generator
            .generate_for_with(&policy, &subject, &Resources::default(), &mut random)
            .unwrap();
        assert_eq!(*password, "b".repeat(64));
    }

    #[test]
    fn a_policy_rejecting_everything_is_reported() {
        // Every draw is "aaaa…", always inside the user name.
        let generator = generator("ab", Some(64));
        let mut random = |buffer: &mut [u8]| {
            buffer.fill(0);
            Ok(())
        };
        let username = "a".repeat(100);
        let subject = Subject {
            username: username.as_bytes(),
            ..Subject::default()
        };
        let policy = [entry(
            CheckId::PasswordCannotBeSubstringInUsername,
            PolicyValue::Bool(true),
        )];
        let message = config_error(generator.generate_for_with(
            &policy,
            &subject,
            &Resources::default(),
            &mut random,
        ));
        assert!(
            message.contains("rejected 32 random passwords"),
            "{message}"
        );
    }

    #[test]
    fn missing_filter_is_unavailable_not_a_pass() {
        let generator = PasswordGenerator::new(Alphabet::default(), None).unwrap();
        let error = generator
            .generate_for(
                &effective_policy("default"),
                &Subject {
                    username: b"A",
                    ..Subject::default()
                },
                &Resources::default(),
            )
            .unwrap_err();
        assert_eq!(error.code(), "unavailable");
    }

    #[test]
    fn random_failure_is_reported() {
        let generator = PasswordGenerator::new(Alphabet::default(), None).unwrap();
        let mut broken = |_: &mut [u8]| Err(Error::new(ErrorKind::Random("no entropy".to_owned())));
        let error = generator
            .generate_for_with(&[], &Subject::default(), &Resources::default(), &mut broken)
            .unwrap_err();
        assert_eq!(error.code(), "random");
    }

    // ---- no panics on any input

    fn policy_value() -> impl Strategy<Value = PolicyValue> {
        prop_oneof![
            Just(PolicyValue::Null),
            any::<bool>().prop_map(PolicyValue::Bool),
            any::<i64>().prop_map(PolicyValue::Int),
            (-100i64..5000).prop_map(PolicyValue::Int),
            any::<f64>().prop_map(PolicyValue::Float),
            proptest::collection::vec(any::<u8>(), 0..8).prop_map(PolicyValue::Str),
        ]
    }

    fn policy_entry() -> impl Strategy<Value = PolicyEntry> {
        (
            0..CheckId::ALL.len(),
            policy_value(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(check, value, force_change, suggest_change_on_login)| {
                PolicyEntry::Native {
                    check: CheckId::ALL[check],
                    value,
                    force_change,
                    suggest_change_on_login,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_alphabet_and_length_is_accepted_or_refused(
            symbols in proptest::collection::vec(any::<u8>(), 0..100),
            length in proptest::option::of(0usize..6000),
        ) {
            if let Ok(alphabet) = Alphabet::new(&symbols) {
                if let Ok(generator) = PasswordGenerator::new(alphabet, length) {
                    prop_assert!(generator.entropy_bits() >= f64::from(MINIMUM_ENTROPY_BITS));
                    let password = generator.generate(0).unwrap();
                    prop_assert_eq!(password.len(), generator.length());
                    prop_assert!(generator.alphabet().contains_all(password.as_bytes()));
                }
            }
        }

        #[test]
        fn any_policy_gives_a_compliant_password_or_an_error(
            policy in proptest::collection::vec(policy_entry(), 0..8),
            username in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            // Without the filter, so a policy using it must report Unavailable.
            let generator = PasswordGenerator::new(Alphabet::default(), None).unwrap();
            let subject = Subject { username: &username, ..Subject::default() };
            match generator.generate_for(&policy, &subject, &Resources::default()) {
                Ok(password) => {
                    let verdict = policy::evaluate(&policy, &subject, password.as_bytes(), &Resources::default()).unwrap();
                    prop_assert!(verdict.failures.is_empty());
                }
                Err(error) => prop_assert!(matches!(error.code(), "invalid-config" | "unavailable")),
            }
        }
    }
}
