//! Checks against words: the account's own context (user name, real name, e-mail address,
//! site name), operator deny words and operator deny patterns.

use std::cell::OnceCell;
use std::collections::HashSet;

use aho_corasick::AhoCorasick;
use regex::bytes::{RegexSet, RegexSetBuilder};

use super::text::{fold, fold_password, lossy_chars};
use super::{Failure, Severity, Subject};
use crate::error::Error;

/// Context tokens shorter than this (in folded characters) are ignored.
pub const MIN_CONTEXT_TOKEN_CHARS: usize = 4;

/// Context fields (user name, real name, e-mail address, site name) are read up to this many
/// bytes, cut back to the last whole token. MediaWiki stores at most 255 bytes of each of the
/// account's fields (`user_name`, `user_real_name`, `user_email`), so real accounts are
/// always read whole; the limit bounds the work for whatever else a caller passes.
pub const MAX_CONTEXT_FIELD_BYTES: usize = 256;

/// Most deny patterns accepted.
pub const MAX_DENY_PATTERNS: usize = 256;
/// Longest deny pattern accepted, in bytes.
pub const MAX_DENY_PATTERN_LEN: usize = 1024;
/// Size limit of the compiled patterns (the regex crate's `size_limit`).
pub const DENY_PATTERNS_SIZE_LIMIT: usize = 1 << 20;
/// Size limit of the lazy DFA cache (the regex crate's `dfa_size_limit`).
pub const DENY_PATTERNS_DFA_SIZE_LIMIT: usize = 2 << 20;
/// Most deny words accepted.
pub const MAX_DENY_WORDS: usize = 100_000;

/// Above this many words, a field's words are searched for in one pass (Aho-Corasick) rather
/// than one by one.
const WORDS_SEARCHED_ONE_BY_ONE: usize = 8;

/// The fields a context word can come from, each with its own message.
const CONTEXT_MESSAGES: [&str; 4] = [
    "nativepasswordpolicy-password-contains-username",
    "nativepasswordpolicy-password-contains-realname",
    "nativepasswordpolicy-password-contains-email",
    "nativepasswordpolicy-password-contains-sitename",
];

/// A context field as read: lossy UTF-8, at most [`MAX_CONTEXT_FIELD_BYTES`] bytes, and when
/// cut, without the token the cut went through.
fn field_text(field: &[u8]) -> String {
    if field.len() <= MAX_CONTEXT_FIELD_BYTES {
        return lossy_chars(field).collect();
    }
    let mut text: String = lossy_chars(&field[..MAX_CONTEXT_FIELD_BYTES]).collect();
    let whole = text
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(0, |(at, _)| at);
    text.truncate(whole);
    text
}

/// The folded words a password must not contain, from one field.
fn context_words(field: &[u8], is_email: bool) -> Vec<String> {
    let text = field_text(field);
    let parts: Vec<&str> = if is_email {
        match text.rsplit_once('@') {
            Some((local, domain)) => vec![local, domain],
            None => vec![&text],
        }
    } else {
        vec![&text]
    };
    let mut words = Vec::new();
    let mut seen = HashSet::new();
    for part in parts {
        let tokens = part
            .split(|c: char| !c.is_alphanumeric())
            .map(fold)
            .chain(std::iter::once(fold(part)));
        for token in tokens {
            if token.chars().count() >= MIN_CONTEXT_TOKEN_CHARS && seen.insert(token.clone()) {
                words.push(token);
            }
        }
    }
    words
}

/// Whether the folded password contains one of the words: one pass over the password
/// whatever the number of words.
fn contains_any(folded: &str, words: &[String]) -> bool {
    if words.len() <= WORDS_SEARCHED_ONE_BY_ONE {
        return words.iter().any(|word| folded.contains(word.as_str()));
    }
    match AhoCorasick::new(words) {
        Ok(matcher) => matcher.is_match(folded),
        // Only if the automaton outgrew its limits; the words are bounded, so this is not
        // expected. Searching one by one is slower but gives the same answer.
        Err(_) => words.iter().any(|word| folded.contains(word.as_str())),
    }
}

/// One failure per context field whose words the folded password contains; `folded` gives the
/// folded password ([`fold_password`]), called only when there are words to look for.
pub(super) fn context_failures<'f>(
    subject: &Subject<'_>,
    site_name: &[u8],
    folded: impl FnOnce() -> &'f str,
) -> Vec<Failure> {
    let fields = [
        (subject.username, false),
        (subject.real_name, false),
        (subject.email, true),
        (site_name, false),
    ];
    let words: Vec<Vec<String>> = fields
        .iter()
        .map(|(field, is_email)| context_words(field, *is_email))
        .collect();
    if words.iter().all(Vec::is_empty) {
        return Vec::new();
    }
    let folded = folded();
    words
        .iter()
        .zip(CONTEXT_MESSAGES)
        .filter(|(words, _)| contains_any(folded, words))
        .map(|(_, message)| Failure::new(message, Severity::Error))
        .collect()
}

/// Words that count as context for the strength estimate (zxcvbn's "user inputs"), from the
/// fields as [`field_text`] reads them.
pub(super) fn strength_inputs(subject: &Subject<'_>, site_name: &[u8]) -> Vec<String> {
    let mut inputs = Vec::new();
    for field in [
        subject.username,
        subject.real_name,
        site_name,
        subject.email,
    ] {
        let text = field_text(field);
        inputs.extend(
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        );
    }
    inputs
}

/// Operator deny words: a password containing one (folded as context words are) fails.
#[derive(Debug, Clone, Default)]
pub struct DenyWords {
    matcher: Option<AhoCorasick>,
}

impl DenyWords {
    /// Folds and compiles the words. A word with no letter or digit is a configuration error.
    pub fn new<S: AsRef<str>>(words: &[S]) -> Result<Self, Error> {
        if words.len() > MAX_DENY_WORDS {
            return Err(Error::config(format!(
                "denyWords: {} words, at most {MAX_DENY_WORDS} are accepted (use a word list file)",
                words.len()
            )));
        }
        let mut folded = Vec::with_capacity(words.len());
        for (index, word) in words.iter().enumerate() {
            let word = fold(word.as_ref());
            if word.is_empty() {
                return Err(Error::config(format!(
                    "denyWords[{index}] has no letter or digit"
                )));
            }
            folded.push(word);
        }
        if folded.is_empty() {
            return Ok(DenyWords::default());
        }
        let matcher = AhoCorasick::new(&folded)
            .map_err(|e| Error::config(format!("denyWords cannot be compiled: {e}")))?;
        Ok(DenyWords {
            matcher: Some(matcher),
        })
    }

    /// True when the folded password (its first [`super::MAX_WORD_SEARCH_BYTES`] bytes)
    /// contains a deny word.
    pub fn matches(&self, password: &[u8]) -> bool {
        let folded = OnceCell::new();
        self.matches_folded(|| {
            folded
                .get_or_init(|| fold_password(password, false))
                .as_str()
        })
    }

    /// [`DenyWords::matches`], taking the folded password from `folded`, called only when
    /// there are deny words: one evaluation folds a password once for this and the context words.
    pub(crate) fn matches_folded<'f>(&self, folded: impl FnOnce() -> &'f str) -> bool {
        self.matcher.as_ref().is_some_and(|m| m.is_match(folded()))
    }
}

/// Operator deny patterns: a password matching any fails.
#[derive(Debug, Clone, Default)]
pub struct DenyPatterns {
    set: Option<RegexSet>,
}

impl DenyPatterns {
    /// Compiles the patterns (regex crate syntax, matched against the password's bytes as
    /// UTF-8) with bounded size; an invalid or over-large pattern is a configuration error
    /// naming it by index.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, Error> {
        if patterns.len() > MAX_DENY_PATTERNS {
            return Err(Error::config(format!(
                "denyPatterns: {} patterns, at most {MAX_DENY_PATTERNS} are accepted",
                patterns.len()
            )));
        }
        let builder = |patterns: &[&str]| {
            RegexSetBuilder::new(patterns)
                .size_limit(DENY_PATTERNS_SIZE_LIMIT)
                .dfa_size_limit(DENY_PATTERNS_DFA_SIZE_LIMIT)
                .build()
        };
        let patterns: Vec<&str> = patterns.iter().map(AsRef::as_ref).collect();
        for (index, pattern) in patterns.iter().enumerate() {
            if pattern.len() > MAX_DENY_PATTERN_LEN {
                return Err(Error::config(format!(
                    "denyPatterns[{index}] is {} bytes long, at most {MAX_DENY_PATTERN_LEN} are accepted",
                    pattern.len()
                )));
            }
            builder(&[pattern]).map_err(|e| pattern_error(Some(index), &e))?;
        }
        if patterns.is_empty() {
            return Ok(DenyPatterns::default());
        }
        let set = builder(&patterns).map_err(|e| pattern_error(None, &e))?;
        Ok(DenyPatterns { set: Some(set) })
    }

    /// True when any pattern matches the password.
    pub fn matches(&self, password: &[u8]) -> bool {
        self.set.as_ref().is_some_and(|set| set.is_match(password))
    }
}

fn pattern_error(index: Option<usize>, error: &regex::Error) -> Error {
    let which = index.map_or_else(
        || "denyPatterns".to_owned(),
        |i| format!("denyPatterns[{i}]"),
    );
    match error {
        regex::Error::CompiledTooBig(limit) => Error::config(format!(
            "{which}: the compiled pattern exceeds the size limit of {limit} bytes; simplify it"
        )),
        other => Error::config(format!("{which}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject<'a>(username: &'a str, real_name: &'a str, email: &'a str) -> Subject<'a> {
        Subject {
            username: username.as_bytes(),
            real_name: real_name.as_bytes(),
            email: email.as_bytes(),
        }
    }

    fn failures(subject: &Subject<'_>, site: &str, password: &str) -> Vec<&'static str> {
        let folded = fold_password(password.as_bytes(), false);
        context_failures(subject, site.as_bytes(), || folded.as_str())
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn context_words_of_fields() {
        assert_eq!(
            context_words(b"John Smith", false),
            vec!["john", "smith", "johnsmith"]
        );
        assert_eq!(
            context_words(b"j.smith+wiki@example.org", true),
            vec!["smith", "wiki", "jsmithtwiki", "exampie", "exampieorg"]
        );
        assert_eq!(context_words(b"Al Bo", false), vec!["aibo"]);
        assert!(context_words(b"", true).is_empty());
        assert!(context_words(b"abc", false).is_empty());
    }

    #[test]
    fn each_field_has_its_message() {
        let s = subject("Example User", "Jane Doeson", "jane@mailhost.test");
        assert!(failures(&s, "MyWiki", "correct horse battery").is_empty());
        assert_eq!(
            failures(&s, "MyWiki", "xxEXAMPLExx"),
            ["nativepasswordpolicy-password-contains-username"]
        );
        assert_eq!(
            failures(&s, "MyWiki", "d0es0n!!"),
            ["nativepasswordpolicy-password-contains-realname"]
        );
        assert_eq!(
            failures(&s, "MyWiki", "m4ilh0st-2024"),
            ["nativepasswordpolicy-password-contains-email"]
        );
        assert_eq!(
            failures(&s, "MyWiki", "my-w1k1 rocks"),
            ["nativepasswordpolicy-password-contains-sitename"]
        );
        // "jane" is both in the real name and the e-mail address.
        assert_eq!(
            failures(&s, "MyWiki", "JANE!"),
            [
                "nativepasswordpolicy-password-contains-realname",
                "nativepasswordpolicy-password-contains-email"
            ]
        );
    }

    #[test]
    fn long_fields_are_read_up_to_the_limit_in_whole_tokens() {
        let mut name = "word ".repeat(MAX_CONTEXT_FIELD_BYTES / 5);
        name.push_str("Zebrafinch");
        let text = field_text(name.as_bytes());
        assert!(text.len() <= MAX_CONTEXT_FIELD_BYTES);
        assert!(!text.contains("Zebra"), "the cut token is dropped: {text}");
        // A field at the limit is read whole.
        let exact = "a".repeat(MAX_CONTEXT_FIELD_BYTES);
        assert_eq!(field_text(exact.as_bytes()), exact);
        // So a name word past the limit is not context, one before it is.
        let s = subject(&name, "", "");
        assert!(failures(&s, "", "zebrafinch!").is_empty());
        assert_eq!(failures(&s, "", "my-word-1").len(), 1);
    }

    #[test]
    fn many_words_are_searched_in_one_pass_with_the_same_answer() {
        let many = "alpha bravo charlie delta echoes foxtrot golfing hotel indigo juliet kilos";
        assert!(context_words(many.as_bytes(), false).len() > WORDS_SEARCHED_ONE_BY_ONE);
        let s = subject(many, "", "");
        assert_eq!(failures(&s, "", "xx-Jul1et-xx").len(), 1);
        assert!(failures(&s, "", "unrelated").is_empty());
    }

    #[test]
    fn short_tokens_are_ignored() {
        let s = subject("Bob", "", "");
        assert!(failures(&s, "", "bob").is_empty());
        let s = subject("Bobby", "", "");
        assert_eq!(failures(&s, "", "8o88y").len(), 1);
    }

    #[test]
    fn unicode_case_folding() {
        let s = subject("Ärger", "", "");
        assert_eq!(failures(&s, "", "xÄRGERx").len(), 1);
        assert_eq!(failures(&s, "", "ｘäｒｇｅｒ").len(), 1);
    }

    #[test]
    fn deny_words() {
        let words = DenyWords::new(&["Acme", "wikimedia"]).unwrap();
        assert!(words.matches(b"I love 4CME!"));
        assert!(words.matches(b"w1k1med1a"));
        assert!(!words.matches(b"correct horse"));
        assert!(!DenyWords::new::<&str>(&[]).unwrap().matches(b"anything"));
        let error = DenyWords::new(&["ok", "--"]).unwrap_err();
        assert!(error.to_string().contains("denyWords[1]"), "{error}");
    }

    #[test]
    fn deny_patterns() {
        let patterns = DenyPatterns::new(&[r"^\d+$", r"(?i)^summer\d{4}"]).unwrap();
        assert!(patterns.matches(b"12345678"));
        assert!(patterns.matches(b"SUMMER2024!"));
        assert!(!patterns.matches(b"1234a"));
        assert!(!patterns.matches(b"\xff\xfe"));
        let error = DenyPatterns::new(&["ok", "(unclosed"]).unwrap_err();
        assert!(error.to_string().contains("denyPatterns[1]"), "{error}");
        let huge = r"\w{1000}\w{1000}\w{1000}";
        let error = DenyPatterns::new(&[huge]).unwrap_err();
        assert!(error.to_string().contains("size limit"), "{error}");
        let long = "a".repeat(MAX_DENY_PATTERN_LEN + 1);
        assert!(DenyPatterns::new(&[long]).is_err());
    }
}
