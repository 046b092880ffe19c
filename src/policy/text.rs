//! Text handling shared by the checks beyond core: Unicode normalisation, code point
//! counting and the folding used to compare passwords with names and words.
//!
//! Passwords are bytes. Where a check needs text, invalid UTF-8 is decoded lossily: each
//! invalid sequence becomes one U+FFFD, as MediaWiki's own request handling would have
//! replaced it before the password reached core.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// The password as text (lossy for invalid UTF-8).
pub(crate) fn lossy(password: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(password)
}

/// The NFKC form of the password's bytes; borrowed when nothing changes.
pub(crate) fn nfkc_bytes(password: &[u8]) -> Cow<'_, [u8]> {
    let text = lossy(password);
    if unicode_normalization::is_nfkc_quick(text.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        return match text {
            Cow::Borrowed(_) => Cow::Borrowed(password),
            Cow::Owned(text) => Cow::Owned(text.into_bytes()),
        };
    }
    Cow::Owned(text.nfkc().collect::<String>().into_bytes())
}

/// Number of Unicode code points after NFKC normalisation (NIST SP 800-63B rev. 4 length).
pub(crate) fn nfkc_code_points(password: &[u8]) -> i64 {
    let count = lossy(password).nfkc().count();
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// Folds text for "contains" comparisons: NFKC, lower case, common look-alike substitutions
/// (leetspeak) mapped to one letter, and everything that is not a letter or digit dropped.
///
/// Both sides of a comparison are folded the same way, so letters that a digit may stand for
/// share one class: `1`, `!`, `|`, `i` and `l` all fold to `i`.
pub(crate) fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfkc().flat_map(char::to_lowercase) {
        let c = match c {
            '4' | '@' => 'a',
            '8' => 'b',
            '3' => 'e',
            '6' | '9' => 'g',
            '1' | '!' | '|' | 'l' => 'i',
            '0' => 'o',
            '5' | '$' => 's',
            '7' | '+' => 't',
            c => c,
        };
        if c.is_alphanumeric() {
            folded.push(c);
        }
    }
    folded
}

/// Folds bytes (lossy UTF-8).
pub(crate) fn fold_bytes(bytes: &[u8]) -> String {
    fold(&lossy(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_after_nfkc() {
        assert_eq!(nfkc_code_points(b"abc"), 3);
        assert_eq!(nfkc_code_points("é".as_bytes()), 1);
        // e + combining acute composes to one code point.
        assert_eq!(nfkc_code_points("e\u{301}".as_bytes()), 1);
        // The ligature "ﬁ" is two code points after NFKC.
        assert_eq!(nfkc_code_points("ﬁ".as_bytes()), 2);
        assert_eq!(nfkc_code_points("😀".as_bytes()), 1);
        // Invalid bytes count as one replacement character each.
        assert_eq!(nfkc_code_points(b"a\xffb"), 3);
        assert_eq!(nfkc_code_points(b""), 0);
    }

    #[test]
    fn nfkc_borrows_when_unchanged() {
        assert!(matches!(nfkc_bytes(b"plain"), Cow::Borrowed(_)));
        assert_eq!(nfkc_bytes("ｐａｓｓ".as_bytes()).as_ref(), b"pass");
        assert_eq!(nfkc_bytes(b"a\xff").as_ref(), "a\u{fffd}".as_bytes());
    }

    #[test]
    fn folding() {
        assert_eq!(fold("P@$$w0rd!"), "passwordi");
        assert_eq!(fold("J.Smith-1990"), "jsmithiggo");
        assert_eq!(fold("ÉCOLE"), "écoie");
        assert_eq!(fold("Ｗｉｋｉ"), "wiki");
        assert_eq!(fold("l1!|"), "iiii");
        assert_eq!(fold("  "), "");
    }
}
