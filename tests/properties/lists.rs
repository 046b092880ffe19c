//! Word lists and the breach corpus against plain sets, and corpus files of any bytes.

use std::collections::HashSet;
use std::sync::LazyLock;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

use native_password_policy::lists::breach::{CorpusBuilder, CorpusInput, InputFormat};
use native_password_policy::lists::{BreachCorpus, WordList};
use native_password_policy::policy::{
    CheckId, MAX_NORMALIZED_BYTES, PolicyValue, Resources, Subject, run_check,
};
use unicode_normalization::UnicodeNormalization;

use crate::strategies::{bytes, short_bytes};

/// The words of a list file, by its documented rule: lines split at `\n`, one trailing `\r`
/// removed, empty lines skipped.
fn naive_words(file: &[u8], lower: bool) -> HashSet<Vec<u8>> {
    let file = if lower {
        naive_lower(file)
    } else {
        file.to_vec()
    };
    file.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line).to_vec())
        .filter(|word| !word.is_empty())
        .collect()
}

/// Lower case as documented for case-insensitive lists: lossy UTF-8, each character's lower
/// case, final sigma as sigma.
fn naive_lower(bytes: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(bytes)
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ς' { 'σ' } else { c })
        .collect::<String>()
        .into_bytes()
}

/// A list file: words of any bytes, some with `\r\n` endings, some repeated, empty lines.
fn list_file() -> impl Strategy<Value = (Vec<Vec<u8>>, Vec<u8>)> {
    vec((short_bytes(), any::<bool>()), 0..30).prop_map(|entries| {
        let mut file = Vec::new();
        let mut words = Vec::new();
        for (word, crlf) in entries {
            file.extend_from_slice(&word);
            file.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            words.push(word);
        }
        (words, file)
    })
}

/// Passwords that are not corpus members: a prefix no member has.
fn outsider(i: u64) -> Vec<u8> {
    format!("\u{1}outsider-{i}").into_bytes()
}

const MEMBERS: usize = 2000;

/// Members of every kind of bytes (no line breaks, which end a line), the corpus file built
/// from them as plain lines, and the corpus.
static CORPUS: LazyLock<(Vec<Vec<u8>>, Vec<u8>, BreachCorpus)> = LazyLock::new(|| {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = vec(short_bytes(), MEMBERS);
    let members: Vec<Vec<u8>> = strategy
        .new_tree(&mut runner)
        .unwrap()
        .current()
        .into_iter()
        .enumerate()
        .map(|(i, mut member)| {
            member.retain(|&b| b != b'\n' && b != b'\r');
            member.extend_from_slice(format!("#{i}").as_bytes());
            member
        })
        .collect();
    let mut file = Vec::new();
    for member in &members {
        file.extend_from_slice(member);
        file.push(b'\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.npp");
    CorpusBuilder::new()
        .format(InputFormat::Plain)
        .build(
            vec![CorpusInput::reader(
                "members",
                Box::new(std::io::Cursor::new(file)),
                None,
            )],
            &path,
            &(),
        )
        .unwrap();
    let corpus = BreachCorpus::open(&path).unwrap();
    (members, std::fs::read(&path).unwrap(), corpus)
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn word_lists_hold_exactly_their_lines((words, file) in list_file(), probe in bytes(), lower in any::<bool>()) {
        let list = WordList::from_bytes(&file, lower).unwrap();
        let expected = naive_words(&file, lower);
        prop_assert_eq!(list.len(), expected.len());
        for word in &words {
            let clean = word.strip_suffix(b"\r").unwrap_or(word);
            if !clean.is_empty() && !clean.contains(&b'\n') {
                let key = if lower { naive_lower(clean) } else { clean.to_vec() };
                prop_assert_eq!(list.contains(clean), expected.contains(&key));
            }
        }
        let key = if lower { naive_lower(&probe) } else { probe.clone() };
        prop_assert_eq!(list.contains(&probe), expected.contains(&key));
        // Through the check, with any other lists beside it.
        let lists = [std::sync::Arc::new(list)];
        let r = Resources { word_lists: Some(&lists), ..Resources::default() };
        let failures = run_check(CheckId::PasswordNotInWordLists, &PolicyValue::Bool(true), &Subject::default(), &probe, &r).unwrap();
        prop_assert_eq!(failures.len(), usize::from(expected.contains(&key)));
    }

    #[test]
    fn breach_corpus_finds_every_member(index in 0..MEMBERS, normalize in any::<bool>()) {
        let (members, _, corpus) = &*CORPUS;
        let member = &members[index];
        prop_assert!(corpus.contains_password(member));
        let r = Resources { breach_corpus: Some(corpus), normalize_nfkc: normalize, ..Resources::default() };
        // As typed, the member is found, whatever normalisation does to it.
        let failures = run_check(CheckId::PasswordNotInBreachCorpus, &PolicyValue::Bool(true), &Subject::default(), member, &r).unwrap();
        prop_assert_eq!(failures.len(), 1);
    }

    #[test]
    fn breach_check_looks_up_both_forms(password in bytes(), normalize in any::<bool>()) {
        let (_, _, corpus) = &*CORPUS;
        let nfkc = if normalize && password.len() <= MAX_NORMALIZED_BYTES && !password.is_ascii() {
            String::from_utf8_lossy(&password).nfkc().collect::<String>().into_bytes()
        } else {
            password.clone()
        };
        let expected = corpus.contains_password(&password) || corpus.contains_password(&nfkc);
        let r = Resources { breach_corpus: Some(corpus), normalize_nfkc: normalize, ..Resources::default() };
        let failures = run_check(CheckId::PasswordNotInBreachCorpus, &PolicyValue::Bool(true), &Subject::default(), &password, &r).unwrap();
        prop_assert_eq!(failures.len(), usize::from(expected));
    }

    #[test]
    fn corpus_files_of_any_bytes_open_or_fail_cleanly(file in bytes()) {
        if let Ok(corpus) = BreachCorpus::from_bytes(&file) {
            corpus.contains_password(b"anything");
        }
    }

    #[test]
    fn a_changed_header_byte_is_refused_and_changed_data_is_caught(at in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let (_, file, corpus) = &*CORPUS;
        let mut bytes = file.clone();
        let header = 128 + 48 * corpus.info().shard_count;
        let position = at.index(bytes.len());
        bytes[position] ^= flip;
        match BreachCorpus::from_bytes(&bytes) {
            Err(error) => prop_assert!(position < header, "data byte {} refused: {}", position, error),
            Ok(changed) => {
                prop_assert!(position >= header, "header byte {} accepted", position);
                prop_assert!(changed.verify_data().is_err());
                changed.contains_password(b"anything");
            }
        }
    }
}

#[test]
fn breach_corpus_false_positives_are_rare() {
    let (members, _, corpus) = &*CORPUS;
    let members: HashSet<&Vec<u8>> = members.iter().collect();
    let probes = 20_000u64;
    let false_positives = (0..probes)
        .map(outsider)
        .filter(|probe| !members.contains(probe) && corpus.contains_password(probe))
        .count();
    // The bound is 1/65,536 per lookup: 0.3 expected here; 5 or more has odds below 1e-5.
    assert!(
        false_positives < 5,
        "{false_positives} false positives in {probes}"
    );
}
