//! The checks beyond core (NIST SP 800-63B rev. 4 and OWASP ASVS 5 guidance). Each is off
//! unless its policy value enables it; none changes the results of core's six checks.
//!
//! Policy values follow PHP's rules, as core's checks do: numeric checks compare with PHP's
//! `>`/`<`, flag checks use PHP truthiness.

use super::text::nfkc_code_points;
use super::{
    Candidate, CheckId, Failure, PolicyValue, Resources, Severity, Subject, Unavailable, context,
    strength,
};

pub(super) fn run(
    check: CheckId,
    value: &PolicyValue,
    subject: &Subject<'_>,
    password: Candidate<'_>,
    resources: &Resources<'_>,
) -> Result<Vec<Failure>, Unavailable> {
    let checked = password.checked;
    let failures = match check {
        CheckId::MinimalPasswordCodePoints if value.php_greater_than(nfkc_code_points(checked)) => {
            vec![Failure::with_policy_value(
                "nativepasswordpolicy-password-too-few-characters",
                Severity::Error,
            )]
        }
        CheckId::MaximalPasswordCodePoints if value.php_less_than(nfkc_code_points(checked)) => {
            vec![Failure::with_policy_value(
                "nativepasswordpolicy-password-too-many-characters",
                Severity::Error,
            )]
        }
        CheckId::PasswordNotInBreachCorpus if value.is_truthy() => {
            let corpus = resources
                .breach_corpus
                .ok_or(Unavailable::MissingResource("the breach corpus"))?;
            // Both forms are looked up: lists hold passwords as people typed them.
            let breached = corpus.contains_password(checked)
                || (password.given != checked && corpus.contains_password(password.given));
            flag(
                breached,
                "nativepasswordpolicy-password-in-breach-corpus",
            )
        }
        CheckId::PasswordCannotContainContextWords if value.is_truthy() => {
            context::context_failures(subject, resources.site_name, checked)
        }
        CheckId::PasswordCannotContainDeniedWords if value.is_truthy() => {
            let words = resources
                .deny_words
                .ok_or(Unavailable::MissingResource("the deny words"))?;
            flag(
                words.matches(checked),
                "nativepasswordpolicy-password-contains-denied-word",
            )
        }
        CheckId::PasswordCannotMatchDeniedPatterns if value.is_truthy() => {
            let patterns = resources
                .deny_patterns
                .ok_or(Unavailable::MissingResource("the deny patterns"))?;
            flag(
                patterns.matches(checked),
                "nativepasswordpolicy-password-matches-denied-pattern",
            )
        }
        CheckId::PasswordNotInWordLists if value.is_truthy() => {
            let lists = resources
                .word_lists
                .ok_or(Unavailable::MissingResource("the operator word lists"))?;
            flag(
                lists.iter().any(|list| list.contains(checked)),
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
