//! The checks beyond core against reference models: code points, context and deny words,
//! deny patterns, the strength estimate.

use proptest::collection::vec;
use proptest::prelude::*;
use regex::bytes::Regex;
use unicode_normalization::UnicodeNormalization;

use native_password_policy::policy::{
    CheckId, DenyPatterns, DenyWords, MAX_WORD_SEARCH_BYTES, PolicyValue, Resources,
    STRENGTH_PREFIX_CHARS, Subject, estimate, run_check,
};

use crate::strategies::{bytes, long, policy_value, short_bytes};

fn failed(
    check: CheckId,
    value: &PolicyValue,
    subject: &Subject<'_>,
    password: &[u8],
    resources: &Resources<'_>,
) -> Vec<&'static str> {
    run_check(check, value, subject, password, resources)
        .unwrap()
        .into_iter()
        .map(|f| f.message)
        .collect()
}

/// The NIST length: code points of the NFKC form of the lossy text, counted naively.
fn naive_code_points(password: &[u8]) -> i64 {
    String::from_utf8_lossy(password).nfkc().count() as i64
}

/// Values around a count, where a wrong count would change the answer, and any others.
fn value_near(count: i64) -> impl Strategy<Value = PolicyValue> {
    prop_oneof![
        (-1i64..=1).prop_map(move |d| PolicyValue::Int(count + d)),
        (-1i64..=1).prop_map(move |d| PolicyValue::Float(count as f64 + d as f64 * 0.5)),
        (-1i64..=1).prop_map(move |d| PolicyValue::Str(format!(" {}", count + d).into_bytes())),
        policy_value(),
    ]
}

/// Context folding for ASCII, written out: lower case, look-alikes to one letter, only
/// letters and digits kept.
fn naive_ascii_fold(text: &[u8]) -> String {
    text.iter()
        .map(|b| match b.to_ascii_lowercase() {
            b'4' | b'@' => 'a',
            b'8' => 'b',
            b'3' => 'e',
            b'6' | b'9' => 'g',
            b'1' | b'!' | b'|' | b'l' => 'i',
            b'0' => 'o',
            b'5' | b'$' => 's',
            b'7' | b'+' => 't',
            other => char::from(other),
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn code_point_checks_count_nfkc_code_points(
        (password, value) in bytes().prop_flat_map(|p| {
            let count = naive_code_points(&p);
            (Just(p), value_near(count))
        }),
        normalize in any::<bool>(),
    ) {
        let resources = Resources { normalize_nfkc: normalize, ..Resources::default() };
        let count = naive_code_points(&password);
        let subject = Subject::default();
        let too_few = !failed(CheckId::MinimalPasswordCodePoints, &value, &subject, &password, &resources).is_empty();
        let too_many = !failed(CheckId::MaximalPasswordCodePoints, &value, &subject, &password, &resources).is_empty();
        prop_assert_eq!(too_few, value.php_greater_than(count), "{:?} > {}", value, count);
        prop_assert_eq!(too_many, value.php_less_than(count), "{:?} < {}", value, count);
    }

    #[test]
    fn appending_a_letter_adds_one_code_point(password in bytes(), extra in "[a-zA-Z0-9]") {
        // An ASCII letter never composes with what precedes it.
        let count = naive_code_points(&password);
        let mut longer = password.clone();
        longer.extend_from_slice(extra.as_bytes());
        let minimum = PolicyValue::Int(count + 1);
        let subject = Subject::default();
        let r = Resources::default();
        prop_assert_eq!(failed(CheckId::MinimalPasswordCodePoints, &minimum, &subject, &password, &r).len(), 1);
        prop_assert!(failed(CheckId::MinimalPasswordCodePoints, &minimum, &subject, &longer, &r).is_empty());
    }

    #[test]
    fn a_user_name_inside_the_password_is_found(
        name in "[A-Za-z]{4,12}", before in bytes(), after in short_bytes(), upper in any::<bool>(),
    ) {
        prop_assume!(before.len() + name.len() <= MAX_WORD_SEARCH_BYTES);
        let shown = if upper { name.to_uppercase() } else { name.to_lowercase() };
        // A separator after the name: a combining mark there would change its last letter.
        let password = [before, shown.into_bytes(), b"-".to_vec(), after].concat();
        let subject = Subject { username: name.as_bytes(), ..Subject::default() };
        let found = failed(CheckId::PasswordCannotContainContextWords, &PolicyValue::Bool(true), &subject, &password, &Resources::default());
        prop_assert!(found.contains(&"nativepasswordpolicy-password-contains-username"), "{:?}", found);
    }

    #[test]
    fn passwords_without_letters_or_digits_contain_no_context(
        password in vec(prop::sample::select(&b" #%^&*()-_=[]{};:'\",.<>/?~`\\"[..]), 0..60),
        username in short_bytes(), real_name in short_bytes(), email in short_bytes(),
    ) {
        let subject = Subject { username: &username, real_name: &real_name, email: &email };
        let r = Resources { site_name: b"Some Wiki", ..Resources::default() };
        prop_assert!(failed(CheckId::PasswordCannotContainContextWords, &PolicyValue::Bool(true), &subject, &password, &r).is_empty());
    }

    #[test]
    fn context_check_ignores_ascii_case_and_is_deterministic(
        password in bytes(), username in bytes(), real_name in short_bytes(), email in short_bytes(),
    ) {
        let subject = Subject { username: &username, real_name: &real_name, email: &email };
        let r = Resources { site_name: b"Acme Wiki", ..Resources::default() };
        let on = PolicyValue::Bool(true);
        let first = failed(CheckId::PasswordCannotContainContextWords, &on, &subject, &password, &r);
        prop_assert_eq!(&first, &failed(CheckId::PasswordCannotContainContextWords, &on, &subject, &password, &r));
        let upper = password.to_ascii_uppercase();
        prop_assert_eq!(&first, &failed(CheckId::PasswordCannotContainContextWords, &on, &subject, &upper, &r));
        prop_assert!(failed(CheckId::PasswordCannotContainContextWords, &PolicyValue::Bool(false), &subject, &password, &r).is_empty());
    }

    #[test]
    fn deny_words_are_a_folded_substring_search(
        words in vec("[a-z0-9@$!|+]{1,6}", 1..6),
        password in prop_oneof![
            "[a-zA-Z0-9@$!|+ .-]{0,40}".prop_map(String::into_bytes),
            ("[a-zA-Z .-]{0,20}", "[a-z0-9@$!|+]{1,6}", "[a-zA-Z .-]{0,20}").prop_map(|(a, b, c)| format!("{a}{b}{c}").into_bytes()),
            ("[a-z0-9 ]{0,3}", 1usize..3).prop_map(|(unit, k)| long(unit.as_bytes(), MAX_WORD_SEARCH_BYTES + k * 8)),
        ],
    ) {
        let folded_words: Vec<String> = words.iter().map(|w| naive_ascii_fold(w.as_bytes())).collect();
        prop_assume!(folded_words.iter().all(|w| !w.is_empty()));
        prop_assume!(password.is_ascii());
        let deny = DenyWords::new(&words).unwrap();
        let r = Resources { deny_words: Some(&deny), ..Resources::default() };
        let searched = &password[..password.len().min(MAX_WORD_SEARCH_BYTES)];
        let folded = naive_ascii_fold(searched);
        let expected = folded_words.iter().any(|w| folded.contains(w.as_str()));
        let found = failed(CheckId::PasswordCannotContainDeniedWords, &PolicyValue::Bool(true), &Subject::default(), &password, &r);
        prop_assert_eq!(found.len(), usize::from(expected), "{:?} in {:?}", folded_words, folded);
    }

    #[test]
    fn deny_patterns_match_as_any_of_their_regexes(password in bytes(), chosen in vec(0usize..6, 1..4)) {
        let all = [r"^\d+$", r"(?i)^summer\d{4}", r"\x00", r"(?-u)\xff", r"(?i)acme.?corp", r"^.{0,7}$"];
        let patterns: Vec<&str> = chosen.iter().map(|&i| all[i]).collect();
        let deny = DenyPatterns::new(&patterns).unwrap();
        let r = Resources { deny_patterns: Some(&deny), ..Resources::default() };
        let expected = patterns.iter().any(|p| Regex::new(p).unwrap().is_match(&password));
        let found = failed(CheckId::PasswordCannotMatchDeniedPatterns, &PolicyValue::Bool(true), &Subject::default(), &password, &r);
        prop_assert_eq!(found.len(), usize::from(expected));
    }
}

proptest! {
    // zxcvbn takes milliseconds per estimate in a debug build: few cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn strength_reads_only_a_bounded_prefix(
        head in bytes(), tail_a in bytes(), tail_b in short_bytes(), username in bytes(),
    ) {
        let subject = Subject { username: &username, ..Subject::default() };
        // A head holding the whole prefix, and the 3 bytes that may decide how its last
        // (invalid) character decodes: the tails must not matter.
        let head = long(&head, STRENGTH_PREFIX_CHARS * 4 + 3);
        let (score, _) = estimate(&subject, b"Wiki", &[head.as_slice(), &tail_a].concat());
        let (again, _) = estimate(&subject, b"Wiki", &[head.as_slice(), &tail_b].concat());
        prop_assert!(score <= 4);
        prop_assert_eq!(score, again);
        prop_assert_eq!(estimate(&subject, b"Wiki", &head).0, score);
    }

    #[test]
    fn strength_check_agrees_with_the_estimate(password in bytes(), required in 0i64..6) {
        let (score, _) = estimate(&Subject::default(), b"", &password);
        let found = failed(CheckId::MinimalPasswordStrength, &PolicyValue::Int(required), &Subject::default(), &password, &Resources::default());
        prop_assert_eq!(!found.is_empty(), required > i64::from(score));
        if !found.is_empty() {
            prop_assert_eq!(found[0], "nativepasswordpolicy-password-too-weak");
        }
    }
}
