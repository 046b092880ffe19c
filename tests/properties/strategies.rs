//! Inputs: byte strings built from fragments that stress decoding and normalisation.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use native_password_policy::policy::PolicyValue;

/// Invalid UTF-8: stray continuation bytes, truncated sequences, surrogates, overlong forms,
/// bytes that never occur in UTF-8.
const INVALID: [&[u8]; 8] = [
    b"\xff",
    b"\x80",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
    b"\xf5\x80\x80\x80",
];

/// Text that normalisation, case mapping or folding change: ligatures, fullwidth and
/// compatibility forms, combining marks, Hangul, characters whose case mapping changes length.
const UNICODE: [&str; 16] = [
    "\u{fdfa}",
    "e\u{301}",
    "\u{301}\u{316}",
    "ｐａｓｓ",
    "ﬁ",
    "İ",
    "\u{212a}",
    "Σ",
    "ς",
    "한국",
    "\u{1100}\u{1161}",
    "ß",
    "😀",
    "Ⅻ",
    "①",
    "Ǆ",
];

/// One piece of a password.
pub fn fragment() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        4 => vec(any::<u8>(), 0..12),
        3 => "[a-zA-Z0-9 @$!|+.-]{1,10}".prop_map(String::into_bytes),
        2 => any::<String>().prop_map(|s| s.chars().take(6).collect::<String>().into_bytes()),
        2 => select(&INVALID[..]).prop_map(<[u8]>::to_vec),
        2 => select(&UNICODE[..]).prop_map(|s| s.as_bytes().to_vec()),
        1 => Just(b"\0".to_vec()),
    ]
    .boxed()
}

/// Passwords (or names) of up to a few dozen bytes, empty strings included.
pub fn short_bytes() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        1 => Just(Vec::new()),
        9 => vec(fragment(), 1..6).prop_map(|parts| parts.concat()),
    ]
    .boxed()
}

/// Mostly short inputs, some of 1 KiB to 70 KiB (fragments repeated).
pub fn bytes() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        9 => short_bytes(),
        1 => (vec(fragment(), 1..4), 1_000usize..70_000).prop_map(|(parts, len)| long(&parts.concat(), len)),
    ]
    .boxed()
}

/// `unit` repeated to `len` bytes (`len` bytes of "x" for an empty unit).
pub fn long(unit: &[u8], len: usize) -> Vec<u8> {
    let unit = if unit.is_empty() { &b"x"[..] } else { unit };
    unit.iter().copied().cycle().take(len).collect()
}

/// Every kind of PHP scalar a policy value can be, near the interesting lengths.
pub fn policy_value() -> BoxedStrategy<PolicyValue> {
    prop_oneof![
        Just(PolicyValue::Null),
        any::<bool>().prop_map(PolicyValue::Bool),
        (-3i64..80).prop_map(PolicyValue::Int),
        any::<i64>().prop_map(PolicyValue::Int),
        (-3.0f64..80.0).prop_map(PolicyValue::Float),
        prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)]
            .prop_map(PolicyValue::Float),
        "[ ]?[+-]?[0-9]{0,3}(\\.[0-9]{0,2})?(e[0-9])?[ ]?"
            .prop_map(|s| PolicyValue::Str(s.into_bytes())),
        short_bytes().prop_map(PolicyValue::Str),
    ]
    .boxed()
}
