//! The strength estimate: zxcvbn's score with a hard bound on its cost.
//!
//! zxcvbn's matching cost grows steeply with the length (it caps input at 100 characters,
//! where adversarial strings still cost over 100 ms). Only the first [`STRENGTH_PREFIX_CHARS`]
//! characters are estimated, which keeps the worst case at a few milliseconds of CPU
//! (benches/breach-and-strength.sh measures it: at most about 4–6 ms at 48 characters, against
//! 6–10 ms at 64 and over 100 ms at 100, on a shared 2-vCPU machine).
//! Appending characters rarely lowers an estimate, so a prefix that is strong enough means the
//! password is; a password whose first 48 characters are weak is rejected even when later
//! characters would have helped.

use zxcvbn::feedback::{Suggestion, Warning};

use super::context::strength_inputs;
use super::text::prefix_chars;
use super::{Failure, MessageParam, PolicyValue, Severity, Subject};

/// Characters (code points) of the password given to the estimator.
pub const STRENGTH_PREFIX_CHARS: usize = 48;

/// The score (0–4) of a password, estimated on its bounded prefix, with the context of the
/// account counted as known words. Also returns the feedback.
///
/// The prefix is copied into a wiped buffer; zxcvbn's own copies of parts of it (the tokens of
/// its matches) are freed without being wiped, beyond this crate's reach.
pub fn estimate(
    subject: &Subject<'_>,
    site_name: &[u8],
    password: &[u8],
) -> (u8, Option<zxcvbn::feedback::Feedback>) {
    let prefix = prefix_chars(password, STRENGTH_PREFIX_CHARS);
    let inputs = strength_inputs(subject, site_name);
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let entropy = zxcvbn::zxcvbn(prefix.as_str(), &inputs);
    (u8::from(entropy.score()), entropy.feedback().cloned())
}

pub(super) fn failures(
    value: &PolicyValue,
    subject: &Subject<'_>,
    site_name: &[u8],
    password: &[u8],
) -> Vec<Failure> {
    // A required score of 0 or less (or a non-numeric value PHP compares as such) needs no estimate.
    if !value.php_greater_than(0) {
        return Vec::new();
    }
    let (score, feedback) = estimate(subject, site_name, password);
    if !value.php_greater_than(i64::from(score)) {
        return Vec::new();
    }
    let mut failures = vec![Failure {
        message: "nativepasswordpolicy-password-too-weak",
        params: vec![
            MessageParam::PolicyValue,
            MessageParam::Int(i64::from(score)),
        ],
        severity: Severity::Error,
    }];
    if let Some(feedback) = feedback {
        if let Some(warning) = feedback.warning() {
            failures.push(Failure::new(warning_key(warning), Severity::Error));
        }
        failures.extend(
            feedback
                .suggestions()
                .iter()
                .map(|s| Failure::new(suggestion_key(*s), Severity::Error)),
        );
    }
    failures
}

/// The message key of a zxcvbn warning.
pub fn warning_key(warning: Warning) -> &'static str {
    match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess => {
            "nativepasswordpolicy-strength-warning-straight-rows"
        }
        Warning::ShortKeyboardPatternsAreEasyToGuess => {
            "nativepasswordpolicy-strength-warning-short-keyboard-patterns"
        }
        Warning::RepeatsLikeAaaAreEasyToGuess => "nativepasswordpolicy-strength-warning-repeats",
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "nativepasswordpolicy-strength-warning-repeated-patterns"
        }
        Warning::ThisIsATop10Password => "nativepasswordpolicy-strength-warning-top10",
        Warning::ThisIsATop100Password => "nativepasswordpolicy-strength-warning-top100",
        Warning::ThisIsACommonPassword => "nativepasswordpolicy-strength-warning-common",
        Warning::ThisIsSimilarToACommonlyUsedPassword => {
            "nativepasswordpolicy-strength-warning-similar-to-common"
        }
        Warning::SequencesLikeAbcAreEasyToGuess => {
            "nativepasswordpolicy-strength-warning-sequences"
        }
        Warning::RecentYearsAreEasyToGuess => "nativepasswordpolicy-strength-warning-recent-years",
        Warning::AWordByItselfIsEasyToGuess => "nativepasswordpolicy-strength-warning-single-word",
        Warning::DatesAreOftenEasyToGuess => "nativepasswordpolicy-strength-warning-dates",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => {
            "nativepasswordpolicy-strength-warning-names"
        }
        Warning::CommonNamesAndSurnamesAreEasyToGuess => {
            "nativepasswordpolicy-strength-warning-common-names"
        }
    }
}

/// The message key of a zxcvbn suggestion.
pub fn suggestion_key(suggestion: Suggestion) -> &'static str {
    match suggestion {
        Suggestion::UseAFewWordsAvoidCommonPhrases => {
            "nativepasswordpolicy-strength-suggestion-few-words"
        }
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => {
            "nativepasswordpolicy-strength-suggestion-no-symbols-needed"
        }
        Suggestion::AddAnotherWordOrTwo => "nativepasswordpolicy-strength-suggestion-another-word",
        Suggestion::CapitalizationDoesntHelpVeryMuch => {
            "nativepasswordpolicy-strength-suggestion-capitalization"
        }
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            "nativepasswordpolicy-strength-suggestion-all-uppercase"
        }
        Suggestion::ReversedWordsArentMuchHarderToGuess => {
            "nativepasswordpolicy-strength-suggestion-reversed-words"
        }
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
            "nativepasswordpolicy-strength-suggestion-substitutions"
        }
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => {
            "nativepasswordpolicy-strength-suggestion-keyboard-pattern"
        }
        Suggestion::AvoidRepeatedWordsAndCharacters => {
            "nativepasswordpolicy-strength-suggestion-avoid-repeats"
        }
        Suggestion::AvoidSequences => "nativepasswordpolicy-strength-suggestion-avoid-sequences",
        Suggestion::AvoidRecentYears => {
            "nativepasswordpolicy-strength-suggestion-avoid-recent-years"
        }
        Suggestion::AvoidYearsThatAreAssociatedWithYou => {
            "nativepasswordpolicy-strength-suggestion-avoid-personal-years"
        }
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => {
            "nativepasswordpolicy-strength-suggestion-avoid-personal-dates"
        }
    }
}

/// Every message key the strength check can return (for i18n completeness tests).
pub fn all_message_keys() -> Vec<&'static str> {
    use Suggestion as S;
    use Warning as W;
    let warnings = [
        W::StraightRowsOfKeysAreEasyToGuess,
        W::ShortKeyboardPatternsAreEasyToGuess,
        W::RepeatsLikeAaaAreEasyToGuess,
        W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
        W::ThisIsATop10Password,
        W::ThisIsATop100Password,
        W::ThisIsACommonPassword,
        W::ThisIsSimilarToACommonlyUsedPassword,
        W::SequencesLikeAbcAreEasyToGuess,
        W::RecentYearsAreEasyToGuess,
        W::AWordByItselfIsEasyToGuess,
        W::DatesAreOftenEasyToGuess,
        W::NamesAndSurnamesByThemselvesAreEasyToGuess,
        W::CommonNamesAndSurnamesAreEasyToGuess,
    ];
    let suggestions = [
        S::UseAFewWordsAvoidCommonPhrases,
        S::NoNeedForSymbolsDigitsOrUppercaseLetters,
        S::AddAnotherWordOrTwo,
        S::CapitalizationDoesntHelpVeryMuch,
        S::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase,
        S::ReversedWordsArentMuchHarderToGuess,
        S::PredictableSubstitutionsDontHelpVeryMuch,
        S::UseALongerKeyboardPatternWithMoreTurns,
        S::AvoidRepeatedWordsAndCharacters,
        S::AvoidSequences,
        S::AvoidRecentYears,
        S::AvoidYearsThatAreAssociatedWithYou,
        S::AvoidDatesAndYearsThatAreAssociatedWithYou,
    ];
    let mut keys = vec!["nativepasswordpolicy-password-too-weak"];
    keys.extend(warnings.into_iter().map(warning_key));
    keys.extend(suggestions.into_iter().map(suggestion_key));
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(required: i64, password: &str) -> Vec<&'static str> {
        let subject = Subject {
            username: b"Example",
            ..Subject::default()
        };
        failures(
            &PolicyValue::Int(required),
            &subject,
            b"",
            password.as_bytes(),
        )
        .into_iter()
        .map(|f| f.message)
        .collect()
    }

    #[test]
    fn long_keyboard_patterns_get_a_score() {
        // zxcvbn's guess count of this keyboard pattern overflows u64 (found by the property
        // tests); its estimate as a repeated pair is the one that counts: weak.
        let password = "'/".repeat(40);
        let (score, _) = estimate(&Subject::default(), b"", password.as_bytes());
        assert_eq!(score, 1);
    }

    #[test]
    fn weak_passwords_fail_with_feedback() {
        let found = messages(3, "password");
        assert_eq!(found[0], "nativepasswordpolicy-password-too-weak");
        assert!(
            found.contains(&"nativepasswordpolicy-strength-warning-top10"),
            "{found:?}"
        );
        assert!(found.len() > 1);
    }

    #[test]
    fn strong_passwords_pass() {
        assert!(messages(4, "correct-horse-battery-staple-7Qx!").is_empty());
        assert!(messages(0, "").is_empty());
    }

    #[test]
    fn score_is_a_parameter() {
        let subject = Subject::default();
        let failure = &failures(&PolicyValue::Int(4), &subject, b"", b"abcdef12")[0];
        assert_eq!(failure.params[0], MessageParam::PolicyValue);
        assert!(matches!(failure.params[1], MessageParam::Int(0..=3)));
    }

    #[test]
    fn user_context_lowers_the_score() {
        let with = Subject {
            username: b"Quixotically",
            ..Subject::default()
        };
        let (with_score, _) = estimate(&with, b"", b"quixotically");
        let (without_score, _) = estimate(&Subject::default(), b"", b"quixotically");
        assert!(with_score < without_score, "{with_score} < {without_score}");
    }

    #[test]
    fn only_the_prefix_is_estimated() {
        let weak_start = format!("{}{}", "a".repeat(STRENGTH_PREFIX_CHARS), "7Qx!k9#Lm2@Zp");
        assert!(!messages(3, &weak_start).is_empty());
        // Invalid UTF-8 is estimated lossily, never a panic.
        let subject = Subject::default();
        let _ = estimate(&subject, b"", b"\xff\xfe\xfd pass");
    }

    #[test]
    fn keys_are_unique() {
        let keys = all_message_keys();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len());
    }
}
