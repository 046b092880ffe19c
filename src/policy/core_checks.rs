//! The six checks of MediaWiki 1.39's `PasswordPolicyChecks`, with core's exact semantics:
//! lengths in bytes, `stripos` with ASCII case folding, `hash_equals` on exact pairs.

use ctutils::CtEq;

use super::{CheckId, Failure, PolicyValue, Resources, Severity, Subject};
use crate::error::Error;
use crate::secret::SecretBuf;

/// User name / password pairs that MediaWiki once shipped as defaults (`PasswordCannotMatchDefaults`).
const BLOCKED_LOGINS: [(&[u8], &[u8]); 4] = [
    (b"Useruser", b"Passpass"),
    (b"Useruser1", b"Passpass1"),
    (b"Apitestsysop", b"testpass"),
    (b"Apitestuser", b"testpass"),
];

/// The example password of `ApiChangeAuthenticationRequest`, refused for everyone.
const EXAMPLE_PASSWORD: &[u8] = b"ExamplePassword";

pub(super) fn run(
    check: CheckId,
    value: &PolicyValue,
    subject: &Subject<'_>,
    password: &[u8],
    resources: &Resources<'_>,
) -> Result<Vec<Failure>, Error> {
    let length = byte_length(password);
    let failures = match check {
        CheckId::MinimalPasswordLength if value.php_greater_than(length) => {
            vec![Failure::with_policy_value(
                "passwordtooshort",
                Severity::Error,
            )]
        }
        CheckId::MinimumPasswordLengthToLogin if value.php_greater_than(length) => {
            vec![Failure::with_policy_value(
                "passwordtooshort",
                Severity::Fatal,
            )]
        }
        CheckId::MaximalPasswordLength if value.php_less_than(length) => {
            vec![Failure::with_policy_value(
                "passwordtoolong",
                Severity::Fatal,
            )]
        }
        CheckId::PasswordCannotBeSubstringInUsername
            if value.is_truthy() && contains_ignore_ascii_case(subject.username, password) =>
        {
            vec![Failure::new(
                "password-substring-username-match",
                Severity::Error,
            )]
        }
        CheckId::PasswordCannotMatchDefaults if value.is_truthy() => {
            let mut failures = Vec::new();
            let blocked = BLOCKED_LOGINS
                .iter()
                .any(|(name, pass)| *name == subject.username && constant_time_eq(pass, password));
            if blocked {
                failures.push(Failure::new("password-login-forbidden", Severity::Error));
            }
            if constant_time_eq(EXAMPLE_PASSWORD, password) {
                failures.push(Failure::new("password-login-forbidden", Severity::Error));
            }
            failures
        }
        CheckId::PasswordNotInCommonList if value.is_truthy() => {
            let filter = resources
                .common_passwords
                .ok_or_else(|| Error::unavailable("the common-password filter"))?;
            if filter.contains(password) {
                vec![Failure::new("passwordincommonlist", Severity::Error)]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    };
    Ok(failures)
}

/// `strlen()`: PHP strings are at most `i64::MAX` bytes long.
fn byte_length(password: &[u8]) -> i64 {
    i64::try_from(password.len()).unwrap_or(i64::MAX)
}

/// `stripos( $haystack, $needle ) !== false` in PHP 8.2: ASCII-only case folding, and an
/// empty needle is found in any haystack. Linear time whatever the inputs. The needle is the
/// password: its lower-cased copy is wiped.
fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    if needle.len() > haystack.len() {
        return false;
    }
    let mut lowered = SecretBuf::with_capacity(needle.len());
    for byte in needle {
        lowered.push(byte.to_ascii_lowercase());
    }
    memchr::memmem::find(&haystack.to_ascii_lowercase(), &lowered).is_some()
}

/// `hash_equals()`: the time depends on the length of the secret, never on where the bytes
/// differ (`ctutils`, the constant-time crate of RustCrypto's password hashes). As in PHP, a
/// length difference answers at once: the known value's length is public.
fn constant_time_eq(known: &[u8], given: &[u8]) -> bool {
    known.len() == given.len() && known.ct_eq(given).to_bool()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(
        check: CheckId,
        value: PolicyValue,
        username: &str,
        password: &[u8],
    ) -> Vec<&'static str> {
        let subject = Subject {
            username: username.as_bytes(),
            ..Subject::default()
        };
        run(check, &value, &subject, password, &Resources::default())
            .unwrap()
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    macro_rules! check_case {
        ($name:ident, $check:ident, $value:expr, $user:expr, $password:expr, [$($message:expr),*]) => {
            #[test]
            fn $name() {
                let expected: Vec<&str> = vec![$($message),*];
                assert_eq!(messages(CheckId::$check, $value, $user, $password), expected);
            }
        };
    }

    use PolicyValue::{Bool, Int};

    check_case!(
        minimal_below,
        MinimalPasswordLength,
        Int(10),
        "A",
        b"123456789",
        ["passwordtooshort"]
    );
    check_case!(
        minimal_equal,
        MinimalPasswordLength,
        Int(10),
        "A",
        b"1234567890",
        []
    );
    check_case!(
        minimal_counts_bytes,
        MinimalPasswordLength,
        Int(4),
        "A",
        "é1".as_bytes(),
        ["passwordtooshort"]
    );
    check_case!(
        minimal_empty,
        MinimalPasswordLength,
        Int(1),
        "A",
        b"",
        ["passwordtooshort"]
    );
    check_case!(
        login_below,
        MinimumPasswordLengthToLogin,
        Int(1),
        "A",
        b"",
        ["passwordtooshort"]
    );
    check_case!(
        maximal_above,
        MaximalPasswordLength,
        Int(4),
        "A",
        b"12345",
        ["passwordtoolong"]
    );
    check_case!(
        maximal_equal,
        MaximalPasswordLength,
        Int(4),
        "A",
        b"1234",
        []
    );
    check_case!(
        substring_case_folded,
        PasswordCannotBeSubstringInUsername,
        Bool(true),
        "ExampleUser",
        b"PLEUS",
        ["password-substring-username-match"]
    );
    check_case!(
        substring_empty_password,
        PasswordCannotBeSubstringInUsername,
        Bool(true),
        "A",
        b"",
        ["password-substring-username-match"]
    );
    check_case!(
        substring_disabled,
        PasswordCannotBeSubstringInUsername,
        Bool(false),
        "ExampleUser",
        b"Example",
        []
    );
    check_case!(
        substring_no_unicode_folding,
        PasswordCannotBeSubstringInUsername,
        Bool(true),
        "Ábc",
        "áb".as_bytes(),
        []
    );
    check_case!(
        substring_longer_password,
        PasswordCannotBeSubstringInUsername,
        Bool(true),
        "Ab",
        b"Abc",
        []
    );
    check_case!(
        defaults_pair,
        PasswordCannotMatchDefaults,
        Bool(true),
        "Useruser",
        b"Passpass",
        ["password-login-forbidden"]
    );
    check_case!(
        defaults_pair_other_user,
        PasswordCannotMatchDefaults,
        Bool(true),
        "Useruser1",
        b"Passpass",
        []
    );
    check_case!(
        defaults_pair_case,
        PasswordCannotMatchDefaults,
        Bool(true),
        "useruser",
        b"Passpass",
        []
    );
    check_case!(
        defaults_example,
        PasswordCannotMatchDefaults,
        Int(1),
        "Anyone",
        b"ExamplePassword",
        ["password-login-forbidden"]
    );
    check_case!(
        defaults_disabled,
        PasswordCannotMatchDefaults,
        Int(0),
        "Anyone",
        b"ExamplePassword",
        []
    );
    check_case!(
        common_list_disabled_needs_no_filter,
        PasswordNotInCommonList,
        Bool(false),
        "A",
        b"password",
        []
    );

    #[test]
    fn length_failures_carry_the_policy_value() {
        let subject = Subject {
            username: b"A",
            ..Subject::default()
        };
        let failures = run(
            CheckId::MinimumPasswordLengthToLogin,
            &Int(3),
            &subject,
            b"ab",
            &Resources::default(),
        )
        .unwrap();
        assert_eq!(
            failures[0].params,
            vec![crate::policy::MessageParam::PolicyValue]
        );
        assert_eq!(failures[0].severity, Severity::Fatal);
    }

    #[test]
    fn substring_search_handles_adversarial_lengths() {
        let haystack = vec![b'a'; 1 << 20];
        let mut needle = vec![b'A'; 1 << 19];
        needle.push(b'b');
        assert!(!contains_ignore_ascii_case(&haystack, &needle));
        needle.pop();
        assert!(contains_ignore_ascii_case(&haystack, &needle));
    }

    #[test]
    fn constant_time_eq_matches_plain_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
