//! Core's six checks against naive reference models, on any bytes.

use std::collections::HashSet;
use std::sync::LazyLock;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use regex::bytes::Regex;
use sha1::Sha1;
use unicode_normalization::UnicodeNormalization;

use native_password_policy::lists::{CommonPasswords, Describe};
use native_password_policy::policy::{
    CheckId, MAX_NORMALIZED_BYTES, PolicyValue, Resources, Severity, Subject, run_check,
};

use crate::strategies::{bytes, long, policy_value, short_bytes};

fn messages(
    check: CheckId,
    value: &PolicyValue,
    username: &[u8],
    password: &[u8],
    resources: &Resources<'_>,
) -> Vec<(&'static str, Severity)> {
    let subject = Subject {
        username,
        ..Subject::default()
    };
    run_check(check, value, &subject, password, resources)
        .unwrap()
        .into_iter()
        .map(|f| (f.message, f.severity))
        .collect()
}

/// `strlen()` of what the checks see: the bytes, or with normalizeNfkc their NFKC form
/// (lossy UTF-8 first) unless the password is over the documented limit.
fn checked_len(password: &[u8], normalize: bool) -> i64 {
    if !normalize || password.len() > MAX_NORMALIZED_BYTES {
        return password.len() as i64;
    }
    String::from_utf8_lossy(password)
        .nfkc()
        .collect::<String>()
        .len() as i64
}

/// `stripos( $haystack, $needle ) !== false`, naively: every window, ASCII case folding only.
fn naive_stripos(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

/// User names and passwords over a small alphabet, so that substrings are frequent.
fn near_bytes() -> impl Strategy<Value = Vec<u8>> {
    vec(prop::sample::select(&b"aAbB\0\xc3\xa9\xff"[..]), 0..12)
}

type HmacSha1 = Hmac<Sha1>;

/// `CommonPasswords::isCommon()` as the PHP library computes it, from the JSON file's fields:
/// `hash_hmac( 'sha1', $password, (string)$i, true )`, the first 8 bytes big-endian with the
/// top bit cleared, modulo `max`; common when every bit is set.
fn naive_is_common(json: &serde_json::Value, password: &[u8]) -> bool {
    let bits = base64::engine::general_purpose::STANDARD
        .decode(json["bit_array"]["arr"].as_str().unwrap())
        .unwrap();
    let max = json["hashers"]["max"].as_u64().unwrap();
    (0..json["hashers"]["count"].as_u64().unwrap()).all(|i| {
        let mut mac = HmacSha1::new_from_slice(i.to_string().as_bytes()).unwrap();
        mac.update(password);
        let digest = mac.finalize().into_bytes();
        let value = u64::from_be_bytes(digest[..8].try_into().unwrap()) & (u64::MAX >> 1);
        let position = value % max;
        bits[(position / 8) as usize] & (1 << (position % 8)) != 0
    })
}

/// A filter file holding `members`, built the way the PHP library adds an entry.
fn filter_json(members: &[Vec<u8>], bits: u64, count: u64) -> serde_json::Value {
    let mut array = vec![0u8; bits.div_ceil(8) as usize];
    for member in members {
        for i in 0..count {
            let mut mac = HmacSha1::new_from_slice(i.to_string().as_bytes()).unwrap();
            mac.update(member);
            let digest = mac.finalize().into_bytes();
            let position =
                (u64::from_be_bytes(digest[..8].try_into().unwrap()) & (u64::MAX >> 1)) % bits;
            array[(position / 8) as usize] |= 1 << (position % 8);
        }
    }
    serde_json::json!({
        "bit_array": { "len": bits, "arr": base64::engine::general_purpose::STANDARD.encode(&array) },
        "hashers": { "algo": "sha1", "count": count, "max": bits },
    })
}

/// MediaWiki's own filter file, when MediaWiki is installed (it is wherever the test stages run).
static MEDIAWIKI_FILTER: LazyLock<Option<(serde_json::Value, CommonPasswords)>> = LazyLock::new(
    || {
        let path = "/usr/share/mediawiki/vendor/wikimedia/common-passwords/src/CommonPasswords/common-x64.json";
        let text = std::fs::read(path).ok()?;
        Some((
            serde_json::from_slice(&text).ok()?,
            CommonPasswords::from_json(&text).ok()?,
        ))
    },
);

/// An array key as PHP 8 stores it. `ZEND_HANDLE_NUMERIC_STR` (zend_hash.c) makes a string
/// an integer key when it is an optional '-' and at most 19 digits without a leading zero
/// ("0" itself is one; "-0" is not), and its value fits a 64-bit integer. Literal keys of a
/// PHP file and lookups with `isset( $array[$string] )` go through the same rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum PhpKey {
    Int(i64),
    Str(Vec<u8>),
}

fn php_key(key: &[u8]) -> PhpKey {
    static NUMERIC: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\A(?:0|-?[1-9][0-9]{0,18})\z").unwrap());
    if NUMERIC.is_match(key)
        && let Ok(number) = std::str::from_utf8(key).unwrap().parse::<i64>()
    {
        return PhpKey::Int(number);
    }
    PhpKey::Str(key.to_vec())
}

/// Keys near PHP's integer-key rule: canonical integers on both sides of the 64-bit range,
/// and strings that look numeric but stay strings.
const NUMERIC_EDGES: [&[u8]; 22] = [
    b"0",
    b"-0",
    b"00",
    b"123456",
    b"0123456",
    b"+123456",
    b"-123456",
    b" 123456",
    b"123456 ",
    b"123456.0",
    b"1e3",
    b"0x1A",
    b"9223372036854775807",
    b"9223372036854775808",
    b"-9223372036854775808",
    b"-9223372036854775809",
    b"09223372036854775807",
    b"18446744073709551616",
    b"99999999999999999999",
    b"-",
    b"123456\0",
    b"\xd9\xa1\xd9\xa2",
];

fn list_key() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        3 => short_bytes(),
        2 => select(&NUMERIC_EDGES[..]).prop_map(<[u8]>::to_vec),
        2 => any::<i64>().prop_map(|n| n.to_string().into_bytes()),
        1 => "[0-9'\\\\ \n-]{0,6}".prop_map(String::into_bytes),
    ]
    .boxed()
}

/// Variants of a key that PHP must not take for it (and numeric neighbours).
fn variants(key: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![
        [key, b" "].concat(),
        [b" ", key].concat(),
        [b"0", key].concat(),
        [b"+", key].concat(),
        [b"-", key].concat(),
        [key, b".0"].concat(),
        [key, b"\0"].concat(),
        key.to_ascii_uppercase(),
        key.to_ascii_lowercase(),
    ];
    if let Some((_, head)) = key.split_last() {
        out.push(head.to_vec());
    }
    if let Ok(n) = std::str::from_utf8(key).unwrap_or("x").parse::<i64>() {
        out.extend(
            [n.wrapping_add(1), n.wrapping_sub(1), n.wrapping_neg()]
                .map(|m| m.to_string().into_bytes()),
        );
    }
    out
}

/// `common.php` holding `keys`, written as PHP source: each `'` and each backslash that
/// would otherwise escape as `\'`/`\\` (before `\`, `'` or the closing quote) escaped, other
/// backslashes escaped or not as `choices` say; whitespace between tokens varied.
fn php_list(keys: &[Vec<u8>], choices: &[bool]) -> Vec<u8> {
    let mut choice = choices.iter().copied().cycle();
    let mut space = || match (choice.next().unwrap(), choice.next().unwrap()) {
        (false, false) => &b""[..],
        (false, true) => b" ",
        (true, false) => b"\n",
        (true, true) => b"\r\n\t ",
    };
    let mut file = b"<?php return [\n".to_vec();
    for key in keys {
        file.push(b'\'');
        for (i, &byte) in key.iter().enumerate() {
            let next = key.get(i + 1).copied();
            match byte {
                b'\'' => file.extend_from_slice(b"\\'"),
                b'\\'
                    if matches!(next, None | Some(b'\\' | b'\'')) || choices[i % choices.len()] =>
                {
                    file.extend_from_slice(b"\\\\")
                }
                _ => file.push(byte),
            }
        }
        file.push(b'\'');
        file.extend_from_slice(space());
        file.extend_from_slice(b"=>");
        file.extend_from_slice(space());
        file.push(b'1');
        file.extend_from_slice(space());
        file.extend_from_slice(b",\n");
    }
    file.extend_from_slice(b"\n];\n");
    file
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn length_checks_count_bytes(password in bytes(), value in policy_value(), normalize in any::<bool>()) {
        let resources = Resources { normalize_nfkc: normalize, ..Resources::default() };
        let len = checked_len(&password, normalize);
        let short = value.php_greater_than(len);
        let long = value.php_less_than(len);
        for (check, failed, severity) in [
            (CheckId::MinimalPasswordLength, short, Severity::Error),
            (CheckId::MinimumPasswordLengthToLogin, short, Severity::Fatal),
            (CheckId::MaximalPasswordLength, long, Severity::Fatal),
        ] {
            let found = messages(check, &value, b"User", &password, &resources);
            let message = if check == CheckId::MaximalPasswordLength { "passwordtoolong" } else { "passwordtooshort" };
            let expected = if failed { vec![(message, severity)] } else { vec![] };
            prop_assert_eq!(found, expected, "{} {:?} len {}", check, value, len);
        }
    }

    #[test]
    fn length_checks_with_integers(password in bytes(), min in -2i64..100) {
        // The plain integer case, against the byte count itself.
        let failed = !messages(CheckId::MinimalPasswordLength, &PolicyValue::Int(min), b"U", &password, &Resources::default()).is_empty();
        prop_assert_eq!(failed, (password.len() as i64) < min);
        // Longer passwords never fail a minimum that a shorter one passed.
        let mut longer = password.clone();
        longer.push(b'x');
        let longer_failed = !messages(CheckId::MinimalPasswordLength, &PolicyValue::Int(min), b"U", &longer, &Resources::default()).is_empty();
        prop_assert!(failed || !longer_failed);
    }

    #[test]
    fn substring_check_is_stripos(
        username in prop_oneof![near_bytes(), short_bytes()],
        password in prop_oneof![near_bytes(), short_bytes()],
        value in policy_value(),
    ) {
        let found = messages(CheckId::PasswordCannotBeSubstringInUsername, &value, &username, &password, &Resources::default());
        let expected = value.is_truthy() && naive_stripos(&username, &password);
        prop_assert_eq!(found.len(), usize::from(expected));
    }

    #[test]
    fn a_password_cut_from_the_user_name_is_found_in_any_case(
        username in short_bytes(), start in 0usize..40, len in 0usize..40, flips in vec(any::<bool>(), 40),
    ) {
        let start = start.min(username.len());
        let end = (start + len).min(username.len());
        let password: Vec<u8> = username[start..end].iter().zip(&flips).map(|(&b, &flip)| {
            if flip && b.is_ascii_alphabetic() { b ^ 0x20 } else { b }
        }).collect();
        let found = messages(CheckId::PasswordCannotBeSubstringInUsername, &PolicyValue::Bool(true), &username, &password, &Resources::default());
        prop_assert_eq!(found, vec![("password-substring-username-match", Severity::Error)]);
    }

    #[test]
    fn defaults_are_exact_pairs(
        username in prop_oneof![Just(b"Useruser".to_vec()), Just(b"Apitestuser".to_vec()), short_bytes()],
        password in prop_oneof![Just(b"Passpass".to_vec()), Just(b"testpass".to_vec()), Just(b"ExamplePassword".to_vec()), short_bytes()],
        value in policy_value(),
    ) {
        let pairs: [(&[u8], &[u8]); 4] = [
            (b"Useruser", b"Passpass"), (b"Useruser1", b"Passpass1"),
            (b"Apitestsysop", b"testpass"), (b"Apitestuser", b"testpass"),
        ];
        let expected = if value.is_truthy() {
            usize::from(pairs.contains(&(username.as_slice(), password.as_slice())))
                + usize::from(password == b"ExamplePassword")
        } else {
            0
        };
        let found = messages(CheckId::PasswordCannotMatchDefaults, &value, &username, &password, &Resources::default());
        prop_assert_eq!(found.len(), expected);
    }

    #[test]
    fn bloom_filter_matches_the_php_algorithm(
        members in vec(short_bytes(), 0..20),
        probes in vec(bytes(), 1..8),
        bits in 64u64..4096,
        count in 1u64..24,
    ) {
        let json = filter_json(&members, bits, count);
        let filter = CommonPasswords::from_json(json.to_string().as_bytes()).unwrap();
        for member in &members {
            prop_assert!(filter.contains(member), "no false negatives");
        }
        for probe in &probes {
            prop_assert_eq!(filter.contains(probe), naive_is_common(&json, probe));
        }
    }

    #[test]
    fn mediawiki_filter_matches_the_php_algorithm(password in bytes()) {
        let Some((json, filter)) = MEDIAWIKI_FILTER.as_ref() else {
            panic!("MediaWiki's common-password filter is not installed (scripts/install-deps.sh)");
        };
        let resources = Resources { common_passwords: Some(filter), ..Resources::default() };
        let common = naive_is_common(json, &password);
        let found = messages(CheckId::PasswordNotInCommonList, &PolicyValue::Bool(true), b"U", &password, &resources);
        prop_assert_eq!(found.len(), usize::from(common));
    }

    #[test]
    fn filter_files_of_any_bytes_load_or_fail_cleanly(file in prop_oneof![
        bytes(),
        short_bytes().prop_map(|junk| {
            let mut text = br#"{"bit_array":{"len":64,"arr":"AAAAAAAAAAA="},"hashers":{"algo":"sha1","count":3,"max":64}}"#.to_vec();
            let at = junk.len() % text.len();
            text.splice(at..at, junk);
            text
        }),
    ]) {
        match CommonPasswords::from_json(&file) {
            Ok(filter) => { filter.contains(b"password"); }
            Err(error) => prop_assert_eq!(error.code(), "invalid-file"),
        }
    }

    #[test]
    fn exact_list_answers_as_php_isset(
        keys in vec(list_key(), 0..40),
        others in vec(list_key(), 0..20),
        choices in vec(any::<bool>(), 1..16),
    ) {
        let file = php_list(&keys, &choices);
        let list = CommonPasswords::from_php(&file).unwrap();
        // What `isset( ( require 'common.php' )[$password] )` answers.
        let array: HashSet<PhpKey> = keys.iter().map(|k| php_key(k)).collect();
        prop_assert_eq!(list.entries(), Some(array.len() as u64), "duplicates collapse as PHP's keys do");
        let probes = keys.iter().chain(&others).flat_map(|k| variants(k).into_iter().chain([k.clone()]));
        for probe in probes.chain(NUMERIC_EDGES.iter().map(|k| k.to_vec())) {
            prop_assert_eq!(list.contains(&probe), array.contains(&php_key(&probe)), "{:?}", probe.escape_ascii().to_string());
        }
    }

    #[test]
    fn php_list_files_of_any_bytes_load_or_fail_with_a_line(file in prop_oneof![
        bytes(),
        (vec(list_key(), 0..6), short_bytes(), any::<usize>()).prop_map(|(keys, junk, at)| {
            let mut file = php_list(&keys, &[false, true]);
            let at = at % (file.len() + 1);
            file.splice(at..at, junk);
            file
        }),
    ]) {
        match CommonPasswords::from_bytes(&file) {
            Ok(list) => { list.contains(b"password"); }
            Err(error) => {
                prop_assert_eq!(error.code(), "invalid-file");
                let text = error.to_string();
                prop_assert!(!file.starts_with(b"<?php") || text.contains(": line "), "{}", text);
            }
        }
    }
}

#[test]
fn known_common_passwords_are_common_and_long_ones_cost_no_panic() {
    let Some((json, filter)) = MEDIAWIKI_FILTER.as_ref() else {
        panic!("MediaWiki's common-password filter is not installed (scripts/install-deps.sh)");
    };
    for common in [&b"password"[..], b"123456", b"qwerty"] {
        assert!(filter.contains(common));
    }
    let big = long(b"correct horse \xff\0", 1 << 20);
    assert_eq!(filter.contains(&big), naive_is_common(json, &big));
}
