//! Password policy checks and the evaluation of a whole merged policy.
//!
//! A failed check is data, not an error: [`evaluate`] returns a [`Verdict`] listing the
//! failures in policy order, with the message key and severity MediaWiki core would report.

mod context;
mod core_checks;
mod extended_checks;
mod strength;
pub(crate) mod text;
mod value;

pub use context::{
    DENY_PATTERNS_DFA_SIZE_LIMIT, DENY_PATTERNS_SIZE_LIMIT, DenyPatterns, DenyWords,
    MAX_CONTEXT_FIELD_BYTES, MAX_DENY_PATTERN_LEN, MAX_DENY_PATTERNS, MAX_DENY_WORDS,
    MIN_CONTEXT_TOKEN_CHARS,
};
pub use extended_checks::message_keys as extended_message_keys;
pub use strength::{STRENGTH_PREFIX_CHARS, all_message_keys as strength_message_keys, estimate};
pub use text::{MAX_NORMALIZED_BYTES, MAX_WORD_SEARCH_BYTES};
pub use value::PolicyValue;

use std::cell::OnceCell;
use std::fmt;
use std::sync::Arc;

use crate::error::Error;
use crate::lists::{BreachCorpus, CommonPasswords, WordList};
use crate::secret::SecretBuf;

/// The account a password is checked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject<'a> {
    /// The user name, as MediaWiki stores it (bytes, normally UTF-8).
    pub username: &'a [u8],
    /// The user's real name (empty when unknown).
    pub real_name: &'a [u8],
    /// The user's e-mail address (empty when unknown).
    pub email: &'a [u8],
}

/// A check this engine implements, named as in `$wgPasswordPolicy['checks']`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckId {
    /// Byte length below the value: error.
    MinimalPasswordLength,
    /// Byte length below the value: fatal (the user cannot log in).
    MinimumPasswordLengthToLogin,
    /// Byte length above the value: fatal.
    MaximalPasswordLength,
    /// The password is an ASCII-case-insensitive substring of the user name.
    PasswordCannotBeSubstringInUsername,
    /// One of the default credentials MediaWiki once shipped.
    PasswordCannotMatchDefaults,
    /// In MediaWiki's common-password list (its Bloom filter or its exact list).
    PasswordNotInCommonList,
    /// Fewer Unicode code points (after NFKC) than the value: error. NIST SP 800-63B rev. 4 length.
    MinimalPasswordCodePoints,
    /// More Unicode code points (after NFKC) than the value: error.
    MaximalPasswordCodePoints,
    /// In the operator's breach corpus file.
    PasswordNotInBreachCorpus,
    /// Contains the user name, real name, e-mail local part or domain, or the site name.
    PasswordCannotContainContextWords,
    /// Contains one of the operator's deny words.
    PasswordCannotContainDeniedWords,
    /// Matches one of the operator's deny patterns.
    PasswordCannotMatchDeniedPatterns,
    /// Is a word of one of the operator's word list files.
    PasswordNotInWordLists,
    /// zxcvbn's score (0–4) below the value.
    MinimalPasswordStrength,
}

impl CheckId {
    /// Core's six checks, in the order of core's `checks` map.
    pub const CORE: [CheckId; 6] = [
        CheckId::MinimalPasswordLength,
        CheckId::MinimumPasswordLengthToLogin,
        CheckId::PasswordCannotBeSubstringInUsername,
        CheckId::PasswordCannotMatchDefaults,
        CheckId::MaximalPasswordLength,
        CheckId::PasswordNotInCommonList,
    ];

    /// Every check: core's six, then the checks beyond core (all off unless configured).
    pub const ALL: [CheckId; 14] = [
        CheckId::MinimalPasswordLength,
        CheckId::MinimumPasswordLengthToLogin,
        CheckId::PasswordCannotBeSubstringInUsername,
        CheckId::PasswordCannotMatchDefaults,
        CheckId::MaximalPasswordLength,
        CheckId::PasswordNotInCommonList,
        CheckId::MinimalPasswordCodePoints,
        CheckId::MaximalPasswordCodePoints,
        CheckId::PasswordNotInBreachCorpus,
        CheckId::PasswordCannotContainContextWords,
        CheckId::PasswordCannotContainDeniedWords,
        CheckId::PasswordCannotMatchDeniedPatterns,
        CheckId::PasswordNotInWordLists,
        CheckId::MinimalPasswordStrength,
    ];

    /// True for core's six checks, whose results equal core's PHP implementation.
    pub fn is_core(self) -> bool {
        Self::CORE.contains(&self)
    }

    /// The name used as key in `$wgPasswordPolicy['checks']`.
    pub fn name(self) -> &'static str {
        match self {
            CheckId::MinimalPasswordLength => "MinimalPasswordLength",
            CheckId::MinimumPasswordLengthToLogin => "MinimumPasswordLengthToLogin",
            CheckId::MaximalPasswordLength => "MaximalPasswordLength",
            CheckId::PasswordCannotBeSubstringInUsername => "PasswordCannotBeSubstringInUsername",
            CheckId::PasswordCannotMatchDefaults => "PasswordCannotMatchDefaults",
            CheckId::PasswordNotInCommonList => "PasswordNotInCommonList",
            CheckId::MinimalPasswordCodePoints => "MinimalPasswordCodePoints",
            CheckId::MaximalPasswordCodePoints => "MaximalPasswordCodePoints",
            CheckId::PasswordNotInBreachCorpus => "PasswordNotInBreachCorpus",
            CheckId::PasswordCannotContainContextWords => "PasswordCannotContainContextWords",
            CheckId::PasswordCannotContainDeniedWords => "PasswordCannotContainDeniedWords",
            CheckId::PasswordCannotMatchDeniedPatterns => "PasswordCannotMatchDeniedPatterns",
            CheckId::PasswordNotInWordLists => "PasswordNotInWordLists",
            CheckId::MinimalPasswordStrength => "MinimalPasswordStrength",
        }
    }

    /// Looks a check up by its policy name (case-sensitive, as PHP array keys are).
    pub fn from_name(name: &[u8]) -> Option<CheckId> {
        Self::ALL
            .into_iter()
            .find(|id| id.name().as_bytes() == name)
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a failure only blocks setting the password or also blocks logging in with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// `StatusValue::error()`: the password cannot be set, but login still works.
    Error,
    /// `StatusValue::fatal()`: login with this password is refused.
    Fatal,
}

/// A parameter of a failure message.
#[derive(Debug, Clone, PartialEq)]
pub enum MessageParam {
    /// The configured value of the check, passed back exactly as the caller gave it.
    PolicyValue,
    /// A number computed by the check (e.g. the estimated strength score).
    Int(i64),
}

/// One failed check, as one message of a MediaWiki `StatusValue`.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Message key, e.g. `passwordtooshort`.
    pub message: &'static str,
    /// Message parameters.
    pub params: Vec<MessageParam>,
    /// Error or fatal.
    pub severity: Severity,
}

impl Failure {
    fn new(message: &'static str, severity: Severity) -> Self {
        Failure {
            message,
            params: Vec::new(),
            severity,
        }
    }

    fn with_policy_value(message: &'static str, severity: Severity) -> Self {
        Failure {
            message,
            params: vec![MessageParam::PolicyValue],
            severity,
        }
    }
}

/// What the checks consult besides the password: loaded lists and files, and settings.
/// A `None` resource is not loaded (or broken): checks that need it fail with
/// [`crate::ErrorKind::Unavailable`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Resources<'a> {
    /// MediaWiki's common-password filter, when it could be loaded.
    pub common_passwords: Option<&'a CommonPasswords>,
    /// The breach corpus, when configured and loaded.
    pub breach_corpus: Option<&'a BreachCorpus>,
    /// The operator word lists, when at least one is configured and all are loaded.
    pub word_lists: Option<&'a [Arc<WordList>]>,
    /// The operator deny words (possibly none), unless their configuration is broken.
    pub deny_words: Option<&'a DenyWords>,
    /// The operator deny patterns (possibly none), unless their configuration is broken.
    pub deny_patterns: Option<&'a DenyPatterns>,
    /// The site name (`$wgSitename`), a context word source.
    pub site_name: &'a [u8],
    /// Normalise the password to NFKC before every check.
    pub normalize_nfkc: bool,
}

/// A password as given, and as the checks see it (NFKC-normalised when so configured), with
/// what several checks derive from it: made once per evaluation, each derived form computed on
/// first use and shared by every check of that evaluation (wiped when the evaluation ends).
/// Deliberately not `Debug`: it holds the password.
struct Candidate<'a> {
    given: &'a [u8],
    checked: text::Form<'a>,
    /// `checked` is the password's NFKC form (the option is on and the password was not too
    /// long to normalise): no later step runs the normaliser again.
    checked_is_nfkc: bool,
    /// The folded form: context words and deny words.
    folded: OnceCell<SecretBuf>,
    /// The lower-cased form: every case-insensitive word list.
    lowered: OnceCell<SecretBuf>,
    /// The exact code point count after NFKC: both code point checks.
    code_points: OnceCell<usize>,
}

impl<'a> Candidate<'a> {
    fn new(password: &'a [u8], resources: &Resources<'_>) -> Self {
        let nfkc = if resources.normalize_nfkc {
            text::nfkc_bytes(password)
        } else {
            None
        };
        let checked_is_nfkc = nfkc.is_some();
        Candidate {
            given: password,
            checked: nfkc.unwrap_or(text::Form::Given(password)),
            checked_is_nfkc,
            folded: OnceCell::new(),
            lowered: OnceCell::new(),
            code_points: OnceCell::new(),
        }
    }

    fn checked(&self) -> &[u8] {
        &self.checked
    }

    fn folded(&self) -> &str {
        self.folded
            .get_or_init(|| text::fold_password(self.checked(), self.checked_is_nfkc))
            .as_str()
    }

    fn lowered(&self) -> &[u8] {
        self.lowered
            .get_or_init(|| text::lower_password(self.checked()))
    }

    fn code_points(&self) -> usize {
        *self
            .code_points
            .get_or_init(|| text::nfkc_code_points(self.checked(), self.checked_is_nfkc))
    }
}

fn run_candidate(
    check: CheckId,
    value: &PolicyValue,
    subject: &Subject<'_>,
    password: &Candidate<'_>,
    resources: &Resources<'_>,
) -> Result<Vec<Failure>, Error> {
    if check.is_core() {
        core_checks::run(check, value, subject, password.checked(), resources)
    } else {
        extended_checks::run(check, value, subject, password, resources)
    }
}

/// Runs one check. Returns its failures (usually none or one) in the order core reports them,
/// or [`crate::ErrorKind::Unavailable`] when a resource it needs is not loaded (callers then
/// fall back to MediaWiki's own implementation).
pub fn run_check(
    check: CheckId,
    value: &PolicyValue,
    subject: &Subject<'_>,
    password: &[u8],
    resources: &Resources<'_>,
) -> Result<Vec<Failure>, Error> {
    let candidate = Candidate::new(password, resources);
    run_candidate(check, value, subject, &candidate, resources)
}

/// True when the password is in the breach corpus: the lookup of `PasswordNotInBreachCorpus`
/// alone, for callers that want a plain answer (NFKC option and both-forms rule included).
pub fn in_breach_corpus(password: &[u8], resources: &Resources<'_>) -> Result<bool, Error> {
    extended_checks::in_breach_corpus(&Candidate::new(password, resources), resources)
}

/// One entry of a user's effective (merged) policy.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyEntry {
    /// A check this engine runs.
    Native {
        /// Which check.
        check: CheckId,
        /// Its configured value.
        value: PolicyValue,
        /// `forceChange` was set for this entry.
        force_change: bool,
        /// `suggestChangeOnLogin` was set for this entry.
        suggest_change_on_login: bool,
    },
    /// A check the caller already ran (a PHP callable this engine does not know).
    External {
        /// Its status was good (no messages at all).
        good: bool,
        /// Its status was OK (no fatal).
        ok: bool,
        /// `forceChange` was set for this entry.
        force_change: bool,
        /// `suggestChangeOnLogin` was set for this entry.
        suggest_change_on_login: bool,
    },
}

/// The outcome of a whole policy, as `UserPasswordPolicy::checkPolicies` computes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Verdict {
    /// Failures of native entries, each with the index of its entry, in policy order.
    pub failures: Vec<(usize, Failure)>,
    /// The password must be changed at login (only when no failure is fatal).
    pub force_change: bool,
    /// A change is suggested at login (only when no failure is fatal and none forces it).
    pub suggest_change_on_login: bool,
}

impl Verdict {
    /// True when any failure, native or external, blocks login.
    fn has_fatal(&self, external_not_ok: bool) -> bool {
        external_not_ok
            || self
                .failures
                .iter()
                .any(|(_, f)| f.severity == Severity::Fatal)
    }
}

/// Evaluates every entry of an effective policy in one pass, with core's rules for
/// `forceChange` and `suggestChangeOnLogin`.
pub fn evaluate(
    entries: &[PolicyEntry],
    subject: &Subject<'_>,
    password: &[u8],
    resources: &Resources<'_>,
) -> Result<Verdict, Error> {
    let mut verdict = Verdict::default();
    let mut force_change = false;
    let mut suggest_change = false;
    let mut external_not_ok = false;
    // Normalised (with the option) once, whatever the number of checks.
    let candidate = Candidate::new(password, resources);
    for (index, entry) in entries.iter().enumerate() {
        let (passed, force, suggest) = match entry {
            PolicyEntry::Native {
                check,
                value,
                force_change,
                suggest_change_on_login,
            } => {
                let failures = run_candidate(*check, value, subject, &candidate, resources)?;
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
                external_not_ok |= !ok;
                (*good, *force_change, *suggest_change_on_login)
            }
        };
        if !passed {
            force_change |= force;
            suggest_change |= suggest;
        }
    }
    if !verdict.has_fatal(external_not_ok) {
        verdict.force_change = force_change;
        verdict.suggest_change_on_login = !force_change && suggest_change;
    }
    Ok(verdict)
}

/// Each check of a policy on one derivation of the password (normalised, folded, … once for
/// all of them, as in [`evaluate`]): the failures of each entry, or why its check cannot run,
/// which concerns that entry alone. What a caller needs to answer check by check.
pub fn evaluate_each<'v>(
    checks: impl IntoIterator<Item = (CheckId, &'v PolicyValue)>,
    subject: &Subject<'_>,
    password: &[u8],
    resources: &Resources<'_>,
) -> Vec<Result<Vec<Failure>, Error>> {
    let candidate = Candidate::new(password, resources);
    checks
        .into_iter()
        .map(|(check, value)| run_candidate(check, value, subject, &candidate, resources))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn native(check: CheckId, value: PolicyValue, force: bool, suggest: bool) -> PolicyEntry {
        PolicyEntry::Native {
            check,
            value,
            force_change: force,
            suggest_change_on_login: suggest,
        }
    }

    fn run(entries: &[PolicyEntry], password: &[u8]) -> Verdict {
        let subject = Subject {
            username: b"Example",
            ..Subject::default()
        };
        evaluate(entries, &subject, password, &Resources::default()).unwrap()
    }

    #[test]
    fn evaluate_each_answers_entry_by_entry() {
        let subject = Subject {
            username: b"Example",
            ..Subject::default()
        };
        let ten = PolicyValue::Int(10);
        let yes = PolicyValue::Bool(true);
        let checks = [
            (CheckId::MinimalPasswordLength, &ten),
            (CheckId::PasswordCannotBeSubstringInUsername, &yes),
            (CheckId::PasswordNotInCommonList, &yes),
        ];
        let outcomes = evaluate_each(checks, &subject, b"amp", &Resources::default());
        assert_eq!(outcomes.len(), 3);
        assert_eq!(outcomes[0].as_ref().unwrap()[0].message, "passwordtooshort");
        assert_eq!(
            outcomes[1].as_ref().unwrap()[0].message,
            "password-substring-username-match"
        );
        // No common-password file: that entry alone cannot run.
        assert!(outcomes[2].is_err());
        for ((check, value), outcome) in checks.iter().zip(&outcomes) {
            let alone = run_check(*check, value, &subject, b"amp", &Resources::default());
            assert_eq!(alone.as_ref().ok(), outcome.as_ref().ok());
        }
    }

    #[test]
    fn names_round_trip() {
        for id in CheckId::ALL {
            assert_eq!(CheckId::from_name(id.name().as_bytes()), Some(id));
        }
        assert_eq!(CheckId::from_name(b"minimalpasswordlength"), None);
    }

    #[test]
    fn suggest_change_only_for_failed_entries() {
        let entries = [
            native(
                CheckId::MinimalPasswordLength,
                PolicyValue::Int(1),
                false,
                true,
            ),
            native(
                CheckId::MaximalPasswordLength,
                PolicyValue::Int(4096),
                false,
                false,
            ),
        ];
        assert_eq!(run(&entries, b"long enough"), Verdict::default());
        let verdict = run(
            &[native(
                CheckId::MinimalPasswordLength,
                PolicyValue::Int(20),
                false,
                true,
            )],
            b"short",
        );
        assert!(verdict.suggest_change_on_login);
        assert!(!verdict.force_change);
    }

    #[test]
    fn force_change_wins_over_suggest() {
        let entries = [
            native(
                CheckId::MinimalPasswordLength,
                PolicyValue::Int(20),
                false,
                true,
            ),
            native(
                CheckId::PasswordCannotMatchDefaults,
                PolicyValue::Bool(true),
                true,
                false,
            ),
        ];
        let verdict = run(&entries, b"ExamplePassword");
        assert!(verdict.force_change);
        assert!(!verdict.suggest_change_on_login);
        assert_eq!(verdict.failures.len(), 2);
        assert_eq!(verdict.failures[1].0, 1);
    }

    #[test]
    fn fatal_failure_drops_flags() {
        let entries = [
            native(
                CheckId::MinimalPasswordLength,
                PolicyValue::Int(20),
                true,
                true,
            ),
            native(
                CheckId::MinimumPasswordLengthToLogin,
                PolicyValue::Int(10),
                false,
                false,
            ),
        ];
        let verdict = run(&entries, b"short");
        assert!(!verdict.force_change && !verdict.suggest_change_on_login);
        assert_eq!(verdict.failures[1].1.severity, Severity::Fatal);
    }

    #[test]
    fn external_entries_take_part_in_flags() {
        let external = |good, ok| PolicyEntry::External {
            good,
            ok,
            force_change: true,
            suggest_change_on_login: false,
        };
        assert!(run(&[external(false, true)], b"x").force_change);
        assert!(!run(&[external(false, false)], b"x").force_change);
        assert!(!run(&[external(true, true)], b"x").force_change);
    }

    /// Every check but the two needing a file, enabled, with code point values the cheap
    /// bounds cannot decide for an 8-character password (so the exact count is needed).
    fn every_check_without_files() -> Vec<PolicyEntry> {
        CheckId::ALL
            .into_iter()
            .filter(|check| {
                !matches!(
                    check,
                    CheckId::PasswordNotInCommonList | CheckId::PasswordNotInBreachCorpus
                )
            })
            .map(|check| {
                let value = match check {
                    CheckId::MinimalPasswordLength => PolicyValue::Int(8),
                    CheckId::MinimumPasswordLengthToLogin => PolicyValue::Int(1),
                    CheckId::MaximalPasswordLength => PolicyValue::Int(4096),
                    CheckId::MinimalPasswordCodePoints => PolicyValue::Int(9),
                    CheckId::MaximalPasswordCodePoints => PolicyValue::Int(100),
                    CheckId::MinimalPasswordStrength => PolicyValue::Int(1),
                    _ => PolicyValue::Bool(true),
                };
                native(check, value, false, false)
            })
            .collect()
    }

    #[test]
    fn one_evaluation_derives_each_form_of_the_password_once() {
        use text::derivations::{self, Counts};

        let lists = [
            Arc::new(WordList::from_bytes(b"alpha\n", true).unwrap()),
            Arc::new(WordList::from_bytes("passwört\nwort\n".as_bytes(), true).unwrap()),
            Arc::new(WordList::from_bytes(b"exact\n", false).unwrap()),
        ];
        let deny_words = DenyWords::new(&["acme"]).unwrap();
        let deny_patterns = DenyPatterns::default();
        let resources = |normalize_nfkc| Resources {
            word_lists: Some(&lists),
            deny_words: Some(&deny_words),
            deny_patterns: Some(&deny_patterns),
            site_name: b"Example Wiki",
            normalize_nfkc,
            ..Resources::default()
        };
        let subject = Subject {
            username: b"Example User",
            real_name: b"Jane Doeson",
            email: b"jane@mailhost.test",
        };
        let entries = every_check_without_files();
        // Full-width letters: not in NFKC, so the option really normalises.
        let password = "Ｐａｓｓｗöｒｔ".as_bytes();

        // With the option: one normalisation, and each form derived from the normalised
        // password once, though two checks use the folded form, two the code point count and
        // two word lists the lower-cased form.
        derivations::take();
        let verdict = evaluate(&entries, &subject, password, &resources(true)).unwrap();
        let once = Counts {
            normalizations: 1,
            folds: 1,
            lowerings: 1,
            code_point_counts: 1,
        };
        assert_eq!(derivations::take(), once);
        // Check by check, each derives its own (what one evaluation saves).
        let mut one_by_one = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            let PolicyEntry::Native { check, value, .. } = entry else {
                unreachable!()
            };
            let failures = run_check(*check, value, &subject, password, &resources(true)).unwrap();
            one_by_one.extend(failures.into_iter().map(|f| (index, f)));
        }
        assert_eq!(verdict.failures, one_by_one, "same answers");
        let separately = derivations::take();
        assert_eq!(separately.normalizations, entries.len());
        assert_eq!(separately.folds, 2);
        assert_eq!(separately.code_point_counts, 2);

        // Without it: no normalisation of the password for its own sake; the code point count
        // and the folded form each normalise what they read, once.
        evaluate(&entries, &subject, password, &resources(false)).unwrap();
        assert_eq!(
            derivations::take(),
            Counts {
                normalizations: 2,
                ..once
            }
        );
    }

    #[test]
    fn common_list_without_filter_is_unavailable() {
        let entries = [native(
            CheckId::PasswordNotInCommonList,
            PolicyValue::Bool(true),
            false,
            false,
        )];
        let subject = Subject {
            username: b"A",
            ..Subject::default()
        };
        assert_eq!(
            evaluate(&entries, &subject, b"password", &Resources::default()),
            Err(Error::unavailable("the common-password filter"))
        );
    }
}
