//! Text handling shared by the checks beyond core: Unicode normalisation, code point
//! counting and the folding used to compare passwords with names and words.
//!
//! Passwords are bytes. Where a check needs text, invalid UTF-8 is decoded lossily: each
//! invalid sequence becomes one U+FFFD, as MediaWiki's own request handling would have
//! replaced it before the password reached core.
//!
//! Every copy of a password made here is a [`SecretBuf`], wiped when dropped. Every function
//! has a cost bound that does not depend on how long the password is beyond a fixed prefix, or
//! is linear with a small constant (see benches/RESULTS.md, "Input size bounds").

use std::ops::Deref;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use crate::secret::SecretBuf;

/// Passwords longer than this (in bytes) are not NFKC-normalised by the `normalizeNfkc`
/// option: they are checked as given. Normalising costs up to about 100 ns per byte for text
/// that needs it, and no real password comes near this length (core's `MaximalPasswordLength`
/// is 4096 bytes by default).
pub const MAX_NORMALIZED_BYTES: usize = 16 * 1024;

/// Context words and deny words are searched for in the first this many bytes of a password
/// (folding Unicode text costs up to about 100 ns per byte).
pub const MAX_WORD_SEARCH_BYTES: usize = 16 * 1024;

/// Every character's canonical decomposition (NFD) has at most this many code points, so
/// composing never shrinks a text to less than a quarter of its decomposed length.
pub(crate) const MAX_CANONICAL_DECOMPOSITION: usize = 4;

/// Every character's compatibility decomposition (NFKD) has at most this many code points
/// (U+FDFA has 18).
pub(crate) const MAX_COMPATIBILITY_DECOMPOSITION: usize = 18;

/// The characters of bytes read as text: valid UTF-8 as it is, each invalid sequence as one
/// U+FFFD (exactly what `String::from_utf8_lossy` gives), without allocating.
pub(crate) fn lossy_chars(bytes: &[u8]) -> impl Iterator<Item = char> + Clone + '_ {
    bytes.utf8_chunks().flat_map(|chunk| {
        let replacement = (!chunk.invalid().is_empty()).then_some(char::REPLACEMENT_CHARACTER);
        chunk.valid().chars().chain(replacement)
    })
}

/// Number of characters of the lossy reading of `bytes` (before any normalisation).
pub(crate) fn lossy_char_count(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|chunk| chunk.valid().chars().count() + usize::from(!chunk.invalid().is_empty()))
        .sum()
}

/// A password as a check reads it: the bytes given, or a wiped copy of a transformed form.
pub(crate) enum Form<'a> {
    /// The bytes as given.
    Given(&'a [u8]),
    /// A transformed copy (normalised, lossily decoded).
    Owned(SecretBuf),
}

impl Deref for Form<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Form::Given(bytes) => bytes,
            Form::Owned(buf) => buf,
        }
    }
}

/// The NFKC form of the password's bytes (lossy UTF-8 first; the bytes as given when nothing
/// changes), always valid UTF-8; `None` when the password is longer than
/// [`MAX_NORMALIZED_BYTES`] (it is then checked as given).
pub(crate) fn nfkc_bytes(password: &[u8]) -> Option<Form<'_>> {
    if password.len() > MAX_NORMALIZED_BYTES {
        return None;
    }
    if password.is_ascii() {
        return Some(Form::Given(password));
    }
    if is_nfkc_quick(lossy_chars(password)) == IsNormalized::Yes {
        return Some(match std::str::from_utf8(password) {
            Ok(_) => Form::Given(password),
            Err(_) => Form::Owned(collect(lossy_chars(password), password.len())),
        });
    }
    Some(Form::Owned(collect(
        normalize_password(lossy_chars(password)),
        password.len(),
    )))
}

/// The normaliser over (the reading of) a password: the one costly step of NFKC, which an
/// evaluation runs at most once per derived form (counted in unit tests to show it).
fn normalize_password(chars: impl Iterator<Item = char>) -> impl Iterator<Item = char> {
    #[cfg(test)]
    derivations::record(|counts| counts.normalizations += 1);
    chars.nfkc()
}

/// Counts of the derivations of a password on this thread, for unit tests that show an
/// evaluation derives each form once, however many checks use it.
#[cfg(test)]
pub(crate) mod derivations {
    use std::cell::Cell;

    /// What was derived from passwords since the last [`take`].
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub(crate) struct Counts {
        /// Runs of the NFKC normaliser over a password.
        pub(crate) normalizations: usize,
        /// Folded forms (context and deny words).
        pub(crate) folds: usize,
        /// Lower-cased forms (case-insensitive word lists).
        pub(crate) lowerings: usize,
        /// Exact code point counts after NFKC.
        pub(crate) code_point_counts: usize,
    }

    thread_local! {
        static COUNTS: Cell<Counts> = Cell::new(Counts::default());
    }

    pub(super) fn record(change: impl FnOnce(&mut Counts)) {
        COUNTS.with(|cell| {
            let mut counts = cell.get();
            change(&mut counts);
            cell.set(counts);
        });
    }

    /// The counts so far, which start again from zero.
    pub(crate) fn take() -> Counts {
        COUNTS.with(Cell::take)
    }
}

fn collect(chars: impl Iterator<Item = char>, capacity: usize) -> SecretBuf {
    let mut buf = SecretBuf::with_capacity(capacity);
    for c in chars {
        buf.push_char(c);
    }
    buf
}

/// Exact number of Unicode code points after NFKC normalisation (NIST SP 800-63B rev. 4
/// length). Linear: free for ASCII, a few ns per character for text already in NFKC, up to
/// about 100 ns per byte for text that needs normalising. `is_nfkc`: the bytes are known to be
/// an NFKC form already (the `normalizeNfkc` option made them), so they are only counted.
pub(crate) fn nfkc_code_points(password: &[u8], is_nfkc: bool) -> usize {
    #[cfg(test)]
    derivations::record(|counts| counts.code_point_counts += 1);
    if password.is_ascii() {
        return password.len();
    }
    if is_nfkc || is_nfkc_quick(lossy_chars(password)) == IsNormalized::Yes {
        return lossy_char_count(password);
    }
    normalize_password(lossy_chars(password)).count()
}

/// Bounds on [`nfkc_code_points`] from the plain character count: decomposing never shrinks
/// a text and grows each character to at most [`MAX_COMPATIBILITY_DECOMPOSITION`] code points;
/// composing shrinks it to no less than 1 / [`MAX_CANONICAL_DECOMPOSITION`] of that.
///
/// Counts at most `max_chars + 1` characters: a password with more gets the lower bound of
/// `max_chars` characters and no upper bound (`usize::MAX`). The cost is linear in
/// `min(length, max_chars)` with a tiny constant.
pub(crate) fn nfkc_code_point_bounds(password: &[u8], max_chars: usize) -> (usize, usize) {
    if password.is_ascii() {
        return (password.len(), password.len());
    }
    let characters = if password.len() <= max_chars {
        lossy_char_count(password)
    } else {
        lossy_chars(password)
            .take(max_chars.saturating_add(1))
            .count()
    };
    if characters > max_chars {
        return (max_chars.div_ceil(MAX_CANONICAL_DECOMPOSITION), usize::MAX);
    }
    (
        characters.div_ceil(MAX_CANONICAL_DECOMPOSITION),
        characters.saturating_mul(MAX_COMPATIBILITY_DECOMPOSITION),
    )
}

/// The look-alike class of a lower-case character, or `None` for characters folding drops.
fn fold_char(c: char) -> Option<char> {
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
    c.is_alphanumeric().then_some(c)
}

/// Folds characters already in NFKC for "contains" comparisons: lower case, common look-alike
/// substitutions (leetspeak) mapped to one letter, and everything that is not a letter or
/// digit dropped.
fn fold_nfkc_chars(chars: impl Iterator<Item = char>, out: &mut impl FnMut(char)) {
    chars
        .flat_map(char::to_lowercase)
        .filter_map(fold_char)
        .for_each(out);
}

/// Folds text (see [`fold_password`]); for context fields, which are not secret. NFKC first;
/// text that is already in NFKC (all ASCII, most other text) is not run through the normaliser.
///
/// Both sides of a comparison are folded the same way, so letters that a digit may stand for
/// share one class: `1`, `!`, `|`, `i` and `l` all fold to `i`.
pub(crate) fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut push = |c| folded.push(c);
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        fold_nfkc_chars(text.chars(), &mut push);
    } else {
        fold_nfkc_chars(text.chars().nfkc(), &mut push);
    }
    folded
}

/// The folded form (NFKC, then as [`fold`]) of a password's first [`MAX_WORD_SEARCH_BYTES`]
/// bytes (lossy UTF-8), in a wiped buffer. ASCII takes a byte-wise path of about 1 ns per byte.
/// `is_nfkc`: the bytes are known to be an NFKC form already (the `normalizeNfkc` option made
/// them), so the normaliser is not run again (a prefix of an NFKC text is in NFKC too).
pub(crate) fn fold_password(password: &[u8], is_nfkc: bool) -> SecretBuf {
    #[cfg(test)]
    derivations::record(|counts| counts.folds += 1);
    let password = &password[..password.len().min(MAX_WORD_SEARCH_BYTES)];
    let mut folded = SecretBuf::with_capacity(password.len());
    if password.is_ascii() {
        for &byte in password {
            if let Some(c) = fold_char(char::from(byte.to_ascii_lowercase())) {
                folded.push(c as u8);
            }
        }
        return folded;
    }
    let chars = lossy_chars(password);
    let mut push = |c| folded.push_char(c);
    if is_nfkc || is_nfkc_quick(chars.clone()) == IsNormalized::Yes {
        fold_nfkc_chars(chars, &mut push);
    } else {
        fold_nfkc_chars(normalize_password(chars), &mut push);
    }
    folded
}

/// The characters of bytes in lower case (lossy UTF-8), as case-insensitive word lists
/// compare them: each character's Unicode lower case, with the final sigma ς read as σ (so a
/// Greek word matches whether or not its last letter was typed in final form).
pub(crate) fn lower_chars(bytes: &[u8]) -> impl Iterator<Item = char> + '_ {
    lossy_chars(bytes)
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ς' { 'σ' } else { c })
}

/// [`lower_chars`] of a password, in a wiped buffer.
pub(crate) fn lower_password(password: &[u8]) -> SecretBuf {
    #[cfg(test)]
    derivations::record(|counts| counts.lowerings += 1);
    collect(lower_chars(password), password.len())
}

/// Lower-casing never shrinks text to less than a third of its bytes (U+212A KELVIN SIGN,
/// 3 bytes, lowers to `k`); word lists use this to skip passwords longer than any word.
pub(crate) const MAX_LOWERCASE_SHRINK: usize = 3;

/// The first `chars` characters of the lossy reading of a password, in a wiped buffer. Reads
/// at most `4 × chars` bytes whatever the password's length.
pub(crate) fn prefix_chars(password: &[u8], chars: usize) -> SecretBuf {
    collect(lossy_chars(password).take(chars), chars.min(password.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nfkc_code_points_of(password: &[u8]) -> usize {
        nfkc_code_points(password, false)
    }

    fn folded(password: &str) -> String {
        fold_password(password.as_bytes(), false)
            .as_str()
            .to_owned()
    }

    #[test]
    fn code_points_after_nfkc() {
        assert_eq!(nfkc_code_points_of(b"abc"), 3);
        assert_eq!(nfkc_code_points_of("é".as_bytes()), 1);
        // e + combining acute composes to one code point.
        assert_eq!(nfkc_code_points_of("e\u{301}".as_bytes()), 1);
        // The ligature "ﬁ" is two code points after NFKC.
        assert_eq!(nfkc_code_points_of("ﬁ".as_bytes()), 2);
        assert_eq!(nfkc_code_points_of("😀".as_bytes()), 1);
        // Invalid bytes count as one replacement character each.
        assert_eq!(nfkc_code_points_of(b"a\xffb"), 3);
        assert_eq!(nfkc_code_points_of(b"\xe2\x82"), 1);
        assert_eq!(nfkc_code_points_of(b""), 0);
        assert_eq!(nfkc_code_points_of("\u{fdfa}".as_bytes()), 18);
    }

    #[test]
    fn lossy_chars_match_the_standard_library() {
        for bytes in [
            &b"plain"[..],
            b"a\xffb",
            b"\xe2\x82",
            b"\xe2\x82a\xf0\x9f\x98",
            b"\xed\xa0\x80",
            "ｐäß😀".as_bytes(),
            b"",
        ] {
            let expected: String = String::from_utf8_lossy(bytes).into_owned();
            assert_eq!(lossy_chars(bytes).collect::<String>(), expected);
            assert_eq!(lossy_char_count(bytes), expected.chars().count());
        }
    }

    /// The two constants the code point bounds rest on, checked for every character.
    #[test]
    fn decomposition_limits_hold_for_every_character() {
        let mut longest_canonical = 0;
        let mut longest_compatibility = 0;
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            longest_canonical = longest_canonical.max(c.nfd().count());
            longest_compatibility = longest_compatibility.max(c.nfkd().count());
        }
        assert_eq!(longest_canonical, MAX_CANONICAL_DECOMPOSITION);
        assert_eq!(longest_compatibility, MAX_COMPATIBILITY_DECOMPOSITION);
    }

    #[test]
    fn lower_case_shrink_limit_holds_for_every_character() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let lowered: usize = c.to_lowercase().map(char::len_utf8).sum();
            assert!(
                lowered * MAX_LOWERCASE_SHRINK >= c.len_utf8(),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn code_point_bounds_enclose_the_count() {
        for text in [
            "abc",
            "e\u{301}\u{301}",
            "\u{fdfa}x",
            "ｐａｓｓ",
            "한국어",
            "",
        ] {
            for max_chars in [0, 1, 2, 1000] {
                let (low, high) = nfkc_code_point_bounds(text.as_bytes(), max_chars);
                let exact = nfkc_code_points(text.as_bytes(), false);
                assert!(
                    low <= exact && exact <= high,
                    "{text}: {low} {exact} {high}"
                );
            }
        }
    }

    #[test]
    fn nfkc_form() {
        fn nfkc(password: &[u8]) -> Form<'_> {
            nfkc_bytes(password).expect("short enough")
        }
        assert!(matches!(nfkc(b"plain"), Form::Given(_)));
        assert!(matches!(nfkc("ok ß".as_bytes()), Form::Given(_)));
        assert_eq!(&*nfkc("ｐａｓｓ".as_bytes()), b"pass");
        assert_eq!(&*nfkc(b"a\xff"), "a\u{fffd}".as_bytes());
        // Beyond the limit, the password is checked as given.
        let long = "ｐ".repeat(MAX_NORMALIZED_BYTES / 3 + 1);
        assert!(nfkc_bytes(long.as_bytes()).is_none());
        let just = "ｐ".repeat(MAX_NORMALIZED_BYTES / 3);
        assert_eq!(nfkc(just.as_bytes()).len(), MAX_NORMALIZED_BYTES / 3);
    }

    #[test]
    fn folding() {
        assert_eq!(fold("P@$$w0rd!"), "passwordi");
        assert_eq!(fold("J.Smith-1990"), "jsmithiggo");
        assert_eq!(fold("ÉCOLE"), "écoie");
        assert_eq!(fold("Ｗｉｋｉ"), "wiki");
        assert_eq!(fold("l1!|"), "iiii");
        assert_eq!(fold("  "), "");
        // Passwords fold the same way, on the ASCII path and on the Unicode path.
        assert_eq!(folded("P@$$w0rd!"), "passwordi");
        assert_eq!(folded("ÉCOLE"), "écoie");
        assert_eq!(folded("Ｗｉｋｉ 4"), "wikia");
        assert_eq!(fold_password(b"W\xffiki", false).as_str(), "wiki");
    }

    #[test]
    fn folding_reads_a_bounded_prefix() {
        let mut password = "x".repeat(MAX_WORD_SEARCH_BYTES - 4);
        password.push_str("acme");
        assert!(folded(&password).ends_with("acme"));
        password.insert(0, 'y');
        assert!(folded(&password).ends_with("acm"));
    }

    #[test]
    fn lower_case_of_words() {
        let lower = |text: &str| lower_chars(text.as_bytes()).collect::<String>();
        assert_eq!(lower("FUßBALL"), "fußball");
        assert_eq!(lower("ΟΔΟΣ"), "οδοσ");
        assert_eq!(lower("οδος"), "οδοσ");
        assert_eq!(lower("İ"), "i\u{307}");
        assert_eq!(&*lower_password(b"A\xff"), "a\u{fffd}".as_bytes());
    }

    /// The normaliser is skipped for a form known to be in NFKC: reading it so gives what
    /// normalising again gives, and what the password as given gives.
    fn assert_hint_changes_nothing(password: &[u8]) {
        let Some(form) = nfkc_bytes(password) else {
            return;
        };
        let hinted = fold_password(&form, true);
        assert_eq!(hinted.as_str(), fold_password(&form, false).as_str());
        assert_eq!(hinted.as_str(), fold_password(password, false).as_str());
        let count = nfkc_code_points(&form, true);
        assert_eq!(count, nfkc_code_points(&form, false));
        assert_eq!(count, nfkc_code_points(password, false));
    }

    #[test]
    fn known_nfkc_forms_read_as_without_the_hint() {
        for password in [
            &b"plain"[..],
            "x\u{301}".as_bytes(),
            "e\u{301}\u{327}".as_bytes(),
            "Ｗｉｋｉ 4".as_bytes(),
            "ﬁ\u{fdfa}".as_bytes(),
            "가\u{11a8}".as_bytes(),
            "ẛ\u{323}".as_bytes(),
            "İSTANBUL ΟΔΟΣ".as_bytes(),
            b"a\xffb\xe2\x82",
        ] {
            assert_hint_changes_nothing(password);
        }
        // Forms longer than the folded prefix: cut within a character, and within a
        // decomposition the option made (U+FDFA is 18 code points).
        for password in ["\u{fdfa}x\u{301}".repeat(500), "\u{fdfa}".repeat(1000)] {
            let form = nfkc_bytes(password.as_bytes()).unwrap();
            assert!(form.len() > MAX_WORD_SEARCH_BYTES);
            assert_eq!(
                fold_password(&form, true).as_str(),
                fold_password(&form, false).as_str()
            );
            assert_eq!(
                nfkc_code_points(&form, true),
                nfkc_code_points(&form, false)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_nfkc_form_reads_as_without_the_hint(
            chars in proptest::collection::vec(proptest::prop_oneof![
                proptest::prelude::any::<char>(),
                proptest::sample::select(vec![
                    '\u{301}', '\u{323}', '\u{327}', '\u{11a8}', '\u{1161}', 'ｐ', 'ﬁ', '가', 'ẛ',
                    'ς', 'İ', 'e', 'K', '\u{212a}',
                ]),
            ], 0..24),
            invalid in proptest::prelude::any::<bool>(),
        ) {
            let mut password = chars.into_iter().collect::<String>().into_bytes();
            if invalid {
                password.insert(password.len() / 2, 0xff);
            }
            assert_hint_changes_nothing(&password);
        }
    }

    #[test]
    fn prefixes() {
        assert_eq!(prefix_chars("añb😀c".as_bytes(), 4).as_str(), "añb😀");
        assert_eq!(prefix_chars(b"a\xffb", 2).as_str(), "a\u{fffd}");
        assert_eq!(prefix_chars(b"ab", 10).as_str(), "ab");
    }
}
