//! `evaluate` of a whole policy against a reference built from single checks and core's
//! rules for forceChange / suggestChangeOnLogin; no password in what callers may print.

use proptest::collection::vec;
use proptest::prelude::*;

use native_password_policy::policy::{
    CheckId, DenyPatterns, DenyWords, PolicyEntry, Resources, Severity, Subject, Verdict, evaluate,
    run_check,
};

use crate::strategies::{bytes, policy_value, short_bytes};

/// Checks that need no file (the others are Unavailable without one, tested below).
const FILE_FREE: [CheckId; 11] = [
    CheckId::MinimalPasswordLength,
    CheckId::MinimumPasswordLengthToLogin,
    CheckId::MaximalPasswordLength,
    CheckId::PasswordCannotBeSubstringInUsername,
    CheckId::PasswordCannotMatchDefaults,
    CheckId::MinimalPasswordCodePoints,
    CheckId::MaximalPasswordCodePoints,
    CheckId::PasswordCannotContainContextWords,
    CheckId::PasswordCannotContainDeniedWords,
    CheckId::PasswordCannotMatchDeniedPatterns,
    CheckId::MinimalPasswordStrength,
];

fn entry(checks: &'static [CheckId]) -> impl Strategy<Value = PolicyEntry> {
    prop_oneof![
        4 => (prop::sample::select(checks), policy_value(), any::<bool>(), any::<bool>()).prop_map(
            |(check, value, force_change, suggest_change_on_login)| PolicyEntry::Native {
                check, value, force_change, suggest_change_on_login,
            }
        ),
        1 => (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
            |(good, ok, force_change, suggest_change_on_login)| PolicyEntry::External {
                good: good && ok, ok, force_change, suggest_change_on_login,
            }
        ),
    ]
}

/// `UserPasswordPolicy::checkPolicies` spelled out over single checks.
fn reference(
    entries: &[PolicyEntry],
    subject: &Subject<'_>,
    password: &[u8],
    r: &Resources<'_>,
) -> Verdict {
    let mut verdict = Verdict::default();
    let (mut force, mut suggest, mut fatal) = (false, false, false);
    for (index, entry) in entries.iter().enumerate() {
        let (passed, f, s) = match entry {
            PolicyEntry::Native {
                check,
                value,
                force_change,
                suggest_change_on_login,
            } => {
                let failures = run_check(*check, value, subject, password, r).unwrap();
                fatal |= failures.iter().any(|f| f.severity == Severity::Fatal);
                let passed = failures.is_empty();
                verdict
                    .failures
                    .extend(failures.into_iter().map(|f| (index, f)));
                (passed, *force_change, *suggest_change_on_login)
            }
            PolicyEntry::External {
                good,
                ok,
                force_change,
                suggest_change_on_login,
            } => {
                fatal |= !ok;
                (*good, *force_change, *suggest_change_on_login)
            }
        };
        if !passed {
            force |= f;
            suggest |= s;
        }
    }
    if !fatal {
        verdict.force_change = force;
        verdict.suggest_change_on_login = suggest && !force;
    }
    verdict
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn evaluate_equals_its_checks_combined_as_core_does(
        entries in vec(entry(&FILE_FREE), 0..8),
        password in bytes(),
        username in short_bytes(),
        normalize in any::<bool>(),
    ) {
        let words = DenyWords::new(&["acme", "wiki"]).unwrap();
        let patterns = DenyPatterns::new(&[r"^\d+$", r"(?i)pass"]).unwrap();
        let r = Resources {
            deny_words: Some(&words),
            deny_patterns: Some(&patterns),
            site_name: b"Acme Wiki",
            normalize_nfkc: normalize,
            ..Resources::default()
        };
        let subject = Subject { username: &username, real_name: b"Jane Roe", email: b"jane@example.org" };
        let verdict = evaluate(&entries, &subject, &password, &r).unwrap();
        prop_assert_eq!(&verdict, &reference(&entries, &subject, &password, &r));
        // Nothing a caller might log holds the password.
        if password.len() >= 6 {
            let shown = format!("{verdict:?}");
            prop_assert!(!shown.as_bytes().windows(password.len()).any(|w| w == password.as_slice()));
        }
    }

    #[test]
    fn missing_files_make_evaluate_unavailable_exactly_when_a_check_needs_them(
        entries in vec(entry(&CheckId::ALL), 0..6),
        password in short_bytes(),
    ) {
        let r = Resources::default();
        let subject = Subject { username: b"User", ..Subject::default() };
        let single = entries.iter().find_map(|entry| match entry {
            PolicyEntry::Native { check, value, .. } => run_check(*check, value, &subject, &password, &r).err(),
            _ => None,
        });
        match evaluate(&entries, &subject, &password, &r) {
            Ok(verdict) => {
                prop_assert!(single.is_none());
                prop_assert_eq!(verdict, reference(&entries, &subject, &password, &r));
            }
            Err(why) => {
                prop_assert_eq!(Some(why.clone()), single);
                prop_assert!(why.to_string().ends_with(" is not loaded"), "names the resource only: {}", why);
            }
        }
    }
}
