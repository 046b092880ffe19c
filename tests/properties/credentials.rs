//! Generated passwords and tokens, Argon2 hashes and their verification with any PHC string.

use std::sync::LazyLock;

use argon2::{PasswordHash, PasswordVerifier};
use proptest::collection::vec;
use proptest::prelude::*;

use native_password_policy::credentials::{
    Algorithm, Alphabet, Argon2Config, MAX_LENGTH, MINIMUM_ENTROPY_BITS, PasswordGenerator,
    random_token, verify,
};
use native_password_policy::policy::{CheckId, PolicyEntry, PolicyValue, Resources, Subject};

use crate::strategies::{bytes, short_bytes};

/// A hash of a known password with fast parameters, made once.
static HASHED: LazyLock<(Vec<u8>, String)> = LazyLock::new(|| {
    let password = b"correct horse \xff\0 battery".to_vec();
    let hash = Argon2Config::new(Algorithm::Argon2id, 64, 1, 1)
        .unwrap()
        .hash(&password)
        .unwrap()
        .expose()
        .to_owned();
    (password, hash)
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn generated_passwords_have_their_length_and_alphabet(
        symbols in vec(33u8..127, 2..40).prop_map(|mut s| { s.sort_unstable(); s.dedup(); s }),
        length in prop::option::of(0usize..200),
        min_length in 0usize..300,
    ) {
        prop_assume!(symbols.len() >= 2);
        let alphabet = Alphabet::new(&symbols).unwrap();
        match PasswordGenerator::new(alphabet, length) {
            Ok(generator) => {
                prop_assert!(generator.entropy_bits() >= f64::from(MINIMUM_ENTROPY_BITS));
                let password = generator.generate(min_length).unwrap();
                prop_assert_eq!(password.len(), generator.length().max(min_length).min(MAX_LENGTH));
                prop_assert!(password.bytes().all(|b| symbols.contains(&b)));
                // Debug shows the length, never the password.
                let shown = format!("{password:?} {generator:?}");
                prop_assert!(!shown.contains(password.expose()), "{}", shown);
            }
            Err(error) => {
                prop_assert_eq!(error.code(), "invalid-config");
                let bits = (symbols.len() as f64).log2() * length.unwrap_or(usize::MAX) as f64;
                prop_assert!(bits < f64::from(MINIMUM_ENTROPY_BITS) || length.unwrap() > MAX_LENGTH);
            }
        }
    }

    #[test]
    fn tokens_are_hex_of_their_size(bytes in 0usize..2000) {
        match random_token(bytes) {
            Ok(token) => {
                prop_assert!((16..=1024).contains(&bytes));
                prop_assert_eq!(token.len(), 2 * bytes);
                prop_assert!(token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
            }
            Err(error) => {
                prop_assert!(!(16..=1024).contains(&bytes));
                prop_assert_eq!(error.code(), "invalid-config");
            }
        }
    }

    #[test]
    fn a_policy_that_rejects_everything_says_so_without_the_passwords(username in short_bytes()) {
        // Every password of the alphabet "ab" is inside this user name.
        let name = [username.as_slice(), &b"ab".repeat(64)].concat();
        let generator = PasswordGenerator::new(Alphabet::new(b"ab").unwrap(), Some(64)).unwrap();
        let policy = [PolicyEntry::Native {
            check: CheckId::PasswordCannotBeSubstringInUsername,
            value: PolicyValue::Bool(true),
            force_change: false,
            suggest_change_on_login: false,
        }, PolicyEntry::Native {
            check: CheckId::MaximalPasswordCodePoints,
            value: PolicyValue::Int(63),
            force_change: false,
            suggest_change_on_login: false,
        }];
        let subject = Subject { username: &name, ..Subject::default() };
        let error = generator.generate_for(&policy, &subject, &Resources::default()).unwrap_err();
        prop_assert_eq!(error.code(), "invalid-config");
        let shown = format!("{error:?} {error}");
        prop_assert!(!shown.contains("abab"), "{}", shown);
    }
}

proptest! {
    // Each case runs Argon2 (64 KiB, 1 pass) once or twice.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn hashes_verify_here_and_with_the_argon2_crate(
        password in bytes(), m in 8u32..128, t in 1u32..3, p in 1u32..3, argon2i in any::<bool>(),
    ) {
        prop_assume!(m >= 8 * p);
        let algorithm = if argon2i { Algorithm::Argon2i } else { Algorithm::Argon2id };
        let config = Argon2Config::new(algorithm, m.into(), t.into(), p.into()).unwrap();
        let hash = config.hash(&password).unwrap();
        prop_assert!(verify(&password, hash.as_bytes()));
        // The reference implementation's own PHC verification agrees.
        let parsed = PasswordHash::new(hash.expose()).unwrap();
        prop_assert!(argon2::Argon2::default().verify_password(&password, &parsed).is_ok());
        let shown = format!("{hash:?}");
        prop_assert!(!shown.contains(hash.expose()));
    }

    #[test]
    fn a_changed_hash_string_never_verifies(at in any::<prop::sample::Index>(), replacement in any::<u8>(), cut in any::<bool>()) {
        let (password, hash) = &*HASHED;
        let mut changed = hash.clone().into_bytes();
        let position = at.index(changed.len());
        if cut {
            changed.truncate(position);
        } else {
            prop_assume!(changed[position] != replacement);
            changed[position] = replacement;
        }
        // Changing a salt or hash character, a parameter, the version, the algorithm or the
        // layout all make verification fail; so does a NUL or a byte that is not UTF-8.
        prop_assert!(!verify(password, &changed), "{:?}", String::from_utf8_lossy(&changed));
    }

    #[test]
    fn only_the_right_password_verifies(other in bytes()) {
        let (password, hash) = &*HASHED;
        prop_assert_eq!(verify(&other, hash.as_bytes()), &other == password);
    }

    #[test]
    fn garbage_strings_never_verify(password in short_bytes(), hash in prop_oneof![
        bytes(),
        short_bytes().prop_map(|tail| [&b"$argon2id$v=19$m=64,t=1,p=1$"[..], &tail].concat()),
        short_bytes().prop_map(|tail| [HASHED.1.as_bytes(), &tail].concat()),
    ]) {
        prop_assert!(!verify(&password, &hash));
    }
}
