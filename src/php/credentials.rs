//! PHP classes for credentials: `NativePasswordPolicy\PasswordGenerator` and
//! `NativePasswordPolicy\Argon2Hasher`.

use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::flags::DataType;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use crate::SecretString;
use crate::credentials::{
    Algorithm, Alphabet, Argon2Config, DEFAULT_ALPHABET, PasswordGenerator, random_token, verify,
};

use super::exception::{EngineError, guard};

/// A secret returned to PHP as a string. PHP gets its own copy (which PHP frees without
/// wiping: beyond this module's reach); the Rust copy is wiped when this value is dropped,
/// right after the conversion.
pub struct PhpSecret(pub(super) SecretString);

impl IntoZval for PhpSecret {
    const TYPE: DataType = DataType::String;
    const NULLABLE: bool = false;

    fn set_zval(self, zval: &mut Zval, persistent: bool) -> ext_php_rs::error::Result<()> {
        zval.set_string(self.0.expose(), persistent)
    }
}

/// Makes temporary passwords from the OS CSPRNG: a configured alphabet and length.
#[php_class]
#[php(name = "NativePasswordPolicy\\PasswordGenerator")]
pub struct PhpPasswordGenerator {
    pub(super) generator: PasswordGenerator,
}

#[php_impl]
impl PhpPasswordGenerator {
    /// @param string $alphabet The symbols (printable ASCII, no space, each once); "" for the default.
    /// @param int|null $length Password length; null for the shortest reaching 128 bits.
    /// @throws \NativePasswordPolicy\EngineException CODE_CONFIG when the alphabet or length is refused.
    pub fn __construct(alphabet: BinarySlice<u8>, length: Option<i64>) -> PhpResult<Self> {
        guard("PasswordGenerator::__construct", || {
            let alphabet = if alphabet.is_empty() {
                Alphabet::default()
            } else {
                Alphabet::new(&alphabet)?
            };
            let length = length
                .map(|l| {
                    usize::try_from(l).map_err(|_| {
                        EngineError::from(crate::Error::config(format!(
                            "the length must be positive, not {l}"
                        )))
                    })
                })
                .transpose()?;
            Ok(PhpPasswordGenerator {
                generator: PasswordGenerator::new(alphabet, length)?,
            })
        })
    }

    /// @return string The default alphabet.
    pub fn default_alphabet() -> PhpResult<&'static str> {
        guard("PasswordGenerator::defaultAlphabet", || {
            Ok(DEFAULT_ALPHABET)
        })
    }

    /// @return string The alphabet.
    pub fn alphabet(&self) -> PhpResult<String> {
        guard("PasswordGenerator::alphabet", || {
            Ok(String::from_utf8_lossy(self.generator.alphabet().symbols()).into_owned())
        })
    }

    /// @return int The configured (or derived) length.
    pub fn length(&self) -> PhpResult<i64> {
        guard("PasswordGenerator::length", || {
            Ok(i64::try_from(self.generator.length()).unwrap_or(i64::MAX))
        })
    }

    /// @return float Entropy of a password of the configured length, in bits.
    pub fn entropy_bits(&self) -> PhpResult<f64> {
        guard("PasswordGenerator::entropyBits", || {
            Ok(self.generator.entropy_bits())
        })
    }

    /// A password of max(length, $minLength) symbols, with no policy check.
    ///
    /// @param int $minLength
    /// @return string
    pub fn generate(&self, min_length: i64) -> PhpResult<PhpSecret> {
        guard("PasswordGenerator::generate", || {
            let password = self
                .generator
                .generate(usize::try_from(min_length).unwrap_or(0))?;
            Ok(PhpSecret(password))
        })
    }

    /// A random token of $bytes bytes (16 to 1024), lowercase hexadecimal.
    ///
    /// @param int $bytes
    /// @return string
    pub fn token(bytes: i64) -> PhpResult<PhpSecret> {
        guard("PasswordGenerator::token", || {
            let token = random_token(usize::try_from(bytes).unwrap_or(0))?;
            Ok(PhpSecret(token))
        })
    }
}

/// Argon2i/Argon2id hashing with `password_hash()`'s parameters and PHC strings.
#[php_class]
#[php(name = "NativePasswordPolicy\\Argon2Hasher")]
pub struct PhpArgon2Hasher {
    config: Argon2Config,
}

#[php_impl]
impl PhpArgon2Hasher {
    /// @param string $algo "argon2id", "argon2i" or "auto" (Argon2id).
    /// @param int $memoryCost KiB.
    /// @param int $timeCost Passes.
    /// @param int $threads Lanes.
    /// @throws \NativePasswordPolicy\EngineException CODE_CONFIG naming the refused parameter.
    pub fn __construct(
        algo: BinarySlice<u8>,
        memory_cost: i64,
        time_cost: i64,
        threads: i64,
    ) -> PhpResult<Self> {
        guard("Argon2Hasher::__construct", || {
            let algorithm = Algorithm::from_config(&algo)?;
            Ok(PhpArgon2Hasher {
                config: Argon2Config::new(algorithm, memory_cost, time_cost, threads)?,
            })
        })
    }

    /// @return string "argon2id" or "argon2i".
    pub fn algorithm(&self) -> PhpResult<&'static str> {
        guard("Argon2Hasher::algorithm", || {
            Ok(self.config.algorithm().name())
        })
    }

    /// @return bool Whether memory and time costs reach OWASP's minimum (19456 KiB, 2 passes).
    pub fn meets_owasp_minimum(&self) -> PhpResult<bool> {
        guard("Argon2Hasher::meetsOwaspMinimum", || {
            Ok(self.config.meets_owasp_minimum())
        })
    }

    /// @param string $password
    /// @return string PHC string, as password_hash() writes it.
    /// @throws \NativePasswordPolicy\EngineException CODE_UNAVAILABLE when memory or randomness fail.
    pub fn hash(&self, password: BinarySlice<u8>) -> PhpResult<PhpSecret> {
        guard("Argon2Hasher::hash", || {
            Ok(PhpSecret(self.config.hash(&password)?))
        })
    }

    /// password_verify() for Argon2i/Argon2id PHC strings, in constant time.
    ///
    /// @param string $password
    /// @param string $hash
    /// @return bool
    pub fn verify(password: BinarySlice<u8>, hash: BinarySlice<u8>) -> PhpResult<bool> {
        guard("Argon2Hasher::verify", || Ok(verify(&password, &hash)))
    }

    /// password_needs_rehash() against these parameters.
    ///
    /// @param string $hash
    /// @return bool
    pub fn needs_rehash(&self, hash: BinarySlice<u8>) -> PhpResult<bool> {
        guard("Argon2Hasher::needsRehash", || {
            Ok(self.config.needs_rehash(&hash))
        })
    }
}
