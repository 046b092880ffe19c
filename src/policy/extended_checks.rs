//! The checks beyond core (NIST SP 800-63B rev. 4 and OWASP ASVS 5 guidance). Each is off
//! unless its policy value enables it; none changes the results of core's six checks.
//!
//! Policy values follow PHP's rules, as core's checks do: numeric checks compare with PHP's
//! `>`/`<`, flag checks use PHP truthiness.

use super::text::nfkc_code_point_bounds;
use super::{
    Candidate, CheckId, Failure, PolicyValue, Resources, Severity, Subject, context, strength,
};
use crate::error::Error;

pub(super) fn run(
    check: CheckId,
    value: &PolicyValue,
    subject: &Subject<'_>,
    password: &Candidate<'_>,
    resources: &Resources<'_>,
) -> Result<Vec<Failure>, Error> {
    let checked = password.checked();
    let failures = match check {
        CheckId::MinimalPasswordCodePoints
            if code_points_fail(value, password, PolicyValue::php_greater_than) =>
        {
            vec![Failure::with_policy_value(
                "nativepasswordpolicy-password-too-few-characters",
                Severity::Error,
            )]
        }
        CheckId::MaximalPasswordCodePoints
            if code_points_fail(value, password, PolicyValue::php_less_than) =>
        {
            vec![Failure::with_policy_value(
                "nativepasswordpolicy-password-too-many-characters",
                Severity::Error,
            )]
        }
        CheckId::PasswordNotInBreachCorpus if value.is_truthy() => flag(
            in_breach_corpus(password, resources)?,
            "nativepasswordpolicy-password-in-breach-corpus",
        ),
        CheckId::PasswordCannotContainContextWords if value.is_truthy() => {
            context::context_failures(subject, resources.site_name, || password.folded())
        }
        CheckId::PasswordCannotContainDeniedWords if value.is_truthy() => {
            let words = resources
                .deny_words
                .ok_or_else(|| Error::unavailable("the deny-word set"))?;
            flag(
                words.matches_folded(|| password.folded()),
                "nativepasswordpolicy-password-contains-denied-word",
            )
        }
        CheckId::PasswordCannotMatchDeniedPatterns if value.is_truthy() => {
            let patterns = resources
                .deny_patterns
                .ok_or_else(|| Error::unavailable("the deny-pattern set"))?;
            flag(
                patterns.matches(checked),
                "nativepasswordpolicy-password-matches-denied-pattern",
            )
        }
        CheckId::PasswordNotInWordLists if value.is_truthy() => {
            let lists = resources
                .word_lists
                .ok_or_else(|| Error::unavailable("the set of operator word lists"))?;
            flag(
                lists
                    .iter()
                    .any(|list| list.contains_with(checked, || password.lowered())),
                "nativepasswordpolicy-password-in-word-list",
            )
        }
        CheckId::MinimalPasswordStrength => {
            strength::failures(value, subject, resources.site_name, checked)
        }
        _ => Vec::new(),
    };
    Ok(failures)
}

/// Characters counted before the code point checks settle for a lower bound: enough to
/// decide for any configured value below 1024.
const CODE_POINTS_COUNTED: usize = 4096;

/// Whether `fails(value, n)` holds for the NFKC code point count `n` of the password (its
/// checked form; the exact count is the candidate's, shared by both code point checks).
///
/// The exact count needs the normaliser (up to about 100 ns per byte). Cheap bounds on it,
/// from the first [`CODE_POINTS_COUNTED`] characters and then from all of them, decide the
/// comparison unless the value is near the count: the work is bounded for values below 1024
/// (the first step decides), linear with a tiny constant beyond that, plus normalising at most
/// about 4 × the value in characters. Only a non-numeric string value (compared as text by
/// PHP, not monotone in the count) always needs the exact count.
fn code_points_fail(
    value: &PolicyValue,
    password: &Candidate<'_>,
    fails: fn(&PolicyValue, i64) -> bool,
) -> bool {
    let as_len = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    if value.compares_as_number() {
        for counted in [CODE_POINTS_COUNTED, usize::MAX] {
            let (low, high) = nfkc_code_point_bounds(password.checked(), counted);
            let at_low = fails(value, as_len(low));
            if at_low == fails(value, as_len(high)) {
                return at_low;
            }
        }
    }
    fails(value, as_len(password.code_points()))
}

/// The breach corpus lookup of `PasswordNotInBreachCorpus`. Both forms of the password are
/// looked up when they differ: lists hold passwords as people typed them.
pub(super) fn in_breach_corpus(
    password: &Candidate<'_>,
    resources: &Resources<'_>,
) -> Result<bool, Error> {
    let corpus = resources
        .breach_corpus
        .ok_or_else(|| Error::unavailable("the breach corpus"))?;
    let checked = password.checked();
    Ok(corpus.contains_password(checked)
        || (password.given != checked && corpus.contains_password(password.given)))
}

fn flag(failed: bool, message: &'static str) -> Vec<Failure> {
    if failed {
        vec![Failure::new(message, Severity::Error)]
    } else {
        Vec::new()
    }
}

/// Every message key the checks beyond core can return.
pub fn message_keys() -> Vec<&'static str> {
    let mut keys = vec![
        "nativepasswordpolicy-password-too-few-characters",
        "nativepasswordpolicy-password-too-many-characters",
        "nativepasswordpolicy-password-in-breach-corpus",
        "nativepasswordpolicy-password-contains-username",
        "nativepasswordpolicy-password-contains-realname",
        "nativepasswordpolicy-password-contains-email",
        "nativepasswordpolicy-password-contains-sitename",
        "nativepasswordpolicy-password-contains-denied-word",
        "nativepasswordpolicy-password-matches-denied-pattern",
        "nativepasswordpolicy-password-in-word-list",
    ];
    keys.extend(strength::all_message_keys());
    keys
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use proptest::prelude::*;

    use super::super::{PolicyEntry, evaluate, run_check};
    use super::*;
    use crate::lists::breach::{CorpusBuilder, CorpusInput};
    use crate::lists::{BreachCorpus, WordList};

    fn messages(
        check: CheckId,
        value: PolicyValue,
        password: &[u8],
        resources: &Resources<'_>,
    ) -> Vec<&'static str> {
        let subject = Subject {
            username: b"Example User",
            real_name: "Jöhn Smith".as_bytes(),
            email: b"jsmith@mailhost.test",
        };
        run_check(check, &value, &subject, password, resources)
            .unwrap()
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    fn corpus(passwords: &str) -> BreachCorpus {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("corpus.npp");
        let bytes = passwords.as_bytes().to_vec();
        CorpusBuilder::new()
            .build(
                vec![CorpusInput::reader(
                    "test",
                    Box::new(std::io::Cursor::new(bytes)),
                    None,
                )],
                &path,
                &(),
            )
            .unwrap();
        BreachCorpus::open(&path).unwrap()
    }

    use PolicyValue::{Bool, Int};

    #[test]
    fn code_points_after_nfkc() {
        let r = Resources::default();
        let too_few = ["nativepasswordpolicy-password-too-few-characters"];
        // 15 characters, 30 bytes: core's byte count would pass it, code points do not.
        let greek = "αβγδεζηθικλμνξο".as_bytes();
        assert!(messages(CheckId::MinimalPasswordCodePoints, Int(15), greek, &r).is_empty());
        assert_eq!(
            messages(CheckId::MinimalPasswordCodePoints, Int(16), greek, &r),
            too_few
        );
        // e + combining accent: two code points, one after NFKC.
        assert_eq!(
            messages(
                CheckId::MinimalPasswordCodePoints,
                Int(2),
                "e\u{301}".as_bytes(),
                &r
            ),
            too_few
        );
        assert_eq!(
            messages(CheckId::MaximalPasswordCodePoints, Int(14), greek, &r),
            ["nativepasswordpolicy-password-too-many-characters"]
        );
        assert!(messages(CheckId::MaximalPasswordCodePoints, Int(64), greek, &r).is_empty());
        // PHP comparison rules, as for core's length checks.
        assert!(messages(CheckId::MinimalPasswordCodePoints, Bool(false), b"", &r).is_empty());
        assert_eq!(
            messages(
                CheckId::MinimalPasswordCodePoints,
                PolicyValue::Str(b"8".to_vec()),
                b"1234567",
                &r
            ),
            too_few
        );
        // Invalid UTF-8 counts lossily and never panics.
        assert_eq!(
            messages(
                CheckId::MinimalPasswordCodePoints,
                Int(4),
                b"\xff\xfe\xfd",
                &r
            ),
            too_few
        );
    }

    #[test]
    fn code_point_failures_carry_the_policy_value() {
        let failures = run_check(
            CheckId::MinimalPasswordCodePoints,
            &Int(8),
            &Subject::default(),
            b"short",
            &Resources::default(),
        )
        .unwrap();
        assert_eq!(
            failures[0].params,
            [super::super::MessageParam::PolicyValue]
        );
        assert_eq!(failures[0].severity, Severity::Error);
    }

    #[test]
    fn breach_corpus_check() {
        let corpus = corpus("hunter2\npässwörd\n");
        let r = Resources {
            breach_corpus: Some(&corpus),
            ..Resources::default()
        };
        let breached = ["nativepasswordpolicy-password-in-breach-corpus"];
        assert_eq!(
            messages(
                CheckId::PasswordNotInBreachCorpus,
                Bool(true),
                b"hunter2",
                &r
            ),
            breached
        );
        assert!(
            messages(
                CheckId::PasswordNotInBreachCorpus,
                Bool(false),
                b"hunter2",
                &r
            )
            .is_empty()
        );
        assert!(
            messages(
                CheckId::PasswordNotInBreachCorpus,
                Bool(true),
                b"Hunter2",
                &r
            )
            .is_empty()
        );
        let missing = run_check(
            CheckId::PasswordNotInBreachCorpus,
            &Bool(true),
            &Subject::default(),
            b"x",
            &Resources::default(),
        );
        assert_eq!(missing, Err(Error::unavailable("the breach corpus")));
        // Disabled checks need no resource.
        assert!(
            messages(
                CheckId::PasswordNotInBreachCorpus,
                Int(0),
                b"x",
                &Resources::default()
            )
            .is_empty()
        );
    }

    #[test]
    fn nfkc_option_normalises_every_check_and_breach_looks_up_both_forms() {
        let corpus = corpus("ｈｕｎｔｅｒ２\npass\n");
        let normalized = Resources {
            breach_corpus: Some(&corpus),
            normalize_nfkc: true,
            ..Resources::default()
        };
        let raw = Resources {
            normalize_nfkc: false,
            ..normalized
        };
        // The fullwidth form is in the list as typed.
        assert_eq!(
            messages(
                CheckId::PasswordNotInBreachCorpus,
                Bool(true),
                "ｈｕｎｔｅｒ２".as_bytes(),
                &normalized
            )
            .len(),
            1
        );
        // Its NFKC form "pass" is in the list.
        assert_eq!(
            messages(
                CheckId::PasswordNotInBreachCorpus,
                Bool(true),
                "ｐａｓｓ".as_bytes(),
                &normalized
            )
            .len(),
            1
        );
        assert!(
            messages(
                CheckId::PasswordNotInBreachCorpus,
                Bool(true),
                "ｐａｓｓ".as_bytes(),
                &raw
            )
            .is_empty()
        );
        // Core's byte length sees the normalised form: "ｐａｓｓ" is 12 bytes, "pass" 4.
        assert_eq!(
            messages(
                CheckId::MinimalPasswordLength,
                Int(5),
                "ｐａｓｓ".as_bytes(),
                &normalized
            ),
            ["passwordtooshort"]
        );
        assert!(
            messages(
                CheckId::MinimalPasswordLength,
                Int(5),
                "ｐａｓｓ".as_bytes(),
                &raw
            )
            .is_empty()
        );
    }

    #[test]
    fn context_words_check() {
        let r = Resources {
            site_name: b"Acme Wiki",
            ..Resources::default()
        };
        let check = CheckId::PasswordCannotContainContextWords;
        assert_eq!(
            messages(check, Bool(true), b"s-m-1-t-h!", &r),
            ["nativepasswordpolicy-password-contains-realname"]
        );
        assert_eq!(
            messages(check, Bool(true), "JÖHNNY".as_bytes(), &r),
            ["nativepasswordpolicy-password-contains-realname"]
        );
        assert_eq!(
            messages(check, Bool(true), b"4cme-r0cks", &r),
            ["nativepasswordpolicy-password-contains-sitename"]
        );
        assert!(messages(check, Bool(true), b"unrelated passphrase", &r).is_empty());
        assert!(messages(check, Bool(false), b"example", &r).is_empty());
    }

    #[test]
    fn deny_words_and_patterns_checks() {
        let words = super::super::DenyWords::new(&["acme"]).unwrap();
        let patterns = super::super::DenyPatterns::new(&[r"(?i)^winter\d+$"]).unwrap();
        let r = Resources {
            deny_words: Some(&words),
            deny_patterns: Some(&patterns),
            ..Resources::default()
        };
        assert_eq!(
            messages(
                CheckId::PasswordCannotContainDeniedWords,
                Bool(true),
                b"I<3ACME",
                &r
            ),
            ["nativepasswordpolicy-password-contains-denied-word"]
        );
        assert_eq!(
            messages(
                CheckId::PasswordCannotMatchDeniedPatterns,
                Bool(true),
                b"Winter2025",
                &r
            ),
            ["nativepasswordpolicy-password-matches-denied-pattern"]
        );
        assert!(
            messages(
                CheckId::PasswordCannotMatchDeniedPatterns,
                Bool(true),
                b"Winter2025!",
                &r
            )
            .is_empty()
        );
    }

    #[test]
    fn word_lists_check() {
        let exact = Arc::new(WordList::from_bytes(b"Sommerferien\n", false).unwrap());
        let folded = Arc::new(WordList::from_bytes("Fußball\n".as_bytes(), true).unwrap());
        let lists = [exact, folded];
        let r = Resources {
            word_lists: Some(&lists),
            ..Resources::default()
        };
        let listed = ["nativepasswordpolicy-password-in-word-list"];
        let check = CheckId::PasswordNotInWordLists;
        assert_eq!(messages(check, Bool(true), b"Sommerferien", &r), listed);
        assert!(messages(check, Bool(true), b"sommerferien", &r).is_empty());
        assert_eq!(
            messages(check, Bool(true), "FUßBALL".as_bytes(), &r),
            listed
        );
        assert!(messages(check, Bool(true), b"Fussball", &r).is_empty());
    }

    #[test]
    fn strength_check_in_a_whole_policy() {
        let entries = [
            PolicyEntry::Native {
                check: CheckId::MinimalPasswordStrength,
                value: Int(3),
                force_change: false,
                suggest_change_on_login: true,
            },
            PolicyEntry::Native {
                check: CheckId::MinimalPasswordCodePoints,
                value: Int(8),
                force_change: false,
                suggest_change_on_login: false,
            },
        ];
        let verdict = evaluate(
            &entries,
            &Subject::default(),
            b"password",
            &Resources::default(),
        )
        .unwrap();
        assert!(verdict.failures.iter().all(|(entry, _)| *entry == 0));
        assert_eq!(
            verdict.failures[0].1.message,
            "nativepasswordpolicy-password-too-weak"
        );
        assert!(verdict.suggest_change_on_login);
    }

    #[test]
    fn every_message_key_is_translated_and_documented() {
        let en: serde_json::Value =
            serde_json::from_str(include_str!("../../i18n/en.json")).unwrap();
        let qqq: serde_json::Value =
            serde_json::from_str(include_str!("../../i18n/qqq.json")).unwrap();
        for key in message_keys() {
            assert!(
                en.get(key)
                    .and_then(|v| v.as_str())
                    .is_some_and(|v| !v.is_empty()),
                "en: {key}"
            );
            assert!(
                qqq.get(key)
                    .and_then(|v| v.as_str())
                    .is_some_and(|v| !v.is_empty()),
                "qqq: {key}"
            );
        }
    }

    fn all_on() -> Vec<(CheckId, PolicyValue)> {
        vec![
            (CheckId::MinimalPasswordCodePoints, Int(15)),
            (CheckId::MaximalPasswordCodePoints, Int(64)),
            (CheckId::PasswordCannotContainContextWords, Bool(true)),
            (CheckId::PasswordCannotContainDeniedWords, Bool(true)),
            (CheckId::PasswordCannotMatchDeniedPatterns, Bool(true)),
            (CheckId::MinimalPasswordStrength, Int(3)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Any bytes, any context: every check answers, and only with known keys.
        #[test]
        fn checks_never_panic_and_use_known_keys(
            password in proptest::collection::vec(any::<u8>(), 0..200),
            username in proptest::collection::vec(any::<u8>(), 0..30),
            email in proptest::collection::vec(any::<u8>(), 0..30),
            normalize in any::<bool>(),
        ) {
            let words = super::super::DenyWords::new(&["acme"]).unwrap();
            let patterns = super::super::DenyPatterns::new(&[r"^\d+$"]).unwrap();
            let r = Resources {
                deny_words: Some(&words),
                deny_patterns: Some(&patterns),
                site_name: b"Site",
                normalize_nfkc: normalize,
                ..Resources::default()
            };
            let subject = Subject { username: &username, real_name: b"", email: &email };
            let keys = message_keys();
            for (check, value) in all_on() {
                for failure in run_check(check, &value, &subject, &password, &r).unwrap() {
                    prop_assert!(keys.contains(&failure.message), "{}", failure.message);
                }
            }
        }

        /// A password containing a context token always fails, whatever surrounds it.
        #[test]
        fn embedded_username_always_fails(
            name in "[A-Za-z]{4,12}",
            before in "[ -~]{0,10}",
            after in "[ -~]{0,10}",
        ) {
            let password = format!("{before}{name}{after}");
            let subject = Subject { username: name.as_bytes(), ..Subject::default() };
            let failures = run_check(
                CheckId::PasswordCannotContainContextWords,
                &Bool(true),
                &subject,
                password.as_bytes(),
                &Resources::default(),
            ).unwrap();
            prop_assert!(failures.iter().any(|f| f.message == "nativepasswordpolicy-password-contains-username"));
        }

        /// For ASCII, code points are bytes: the check agrees with a plain character count.
        #[test]
        fn code_point_minimum_matches_char_count_for_nfc_ascii(password in "[ -~]{0,40}", min in 0i64..50) {
            let failed = !run_check(
                CheckId::MinimalPasswordCodePoints,
                &Int(min),
                &Subject::default(),
                password.as_bytes(),
                &Resources::default(),
            ).unwrap().is_empty();
            prop_assert_eq!(failed, (password.len() as i64) < min);
        }
    }
}
