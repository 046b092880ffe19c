//! A synthetic breach corpus of one million entries through the real builder and reader:
//! no false negatives, and a false-positive rate within the bound the file states.

#[path = "support/synthetic.rs"]
mod synthetic;

use native_password_policy::lists::breach::{
    BreachCorpus, CorpusBuilder, CorpusInput, FALSE_POSITIVE_BOUND, InputFormat,
};

const ENTRIES: u64 = 1_000_000;
const PROBES: u64 = 1_000_000;

#[test]
fn million_entries_no_false_negatives_bounded_false_positives() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, pwned) = synthetic::write_inputs(dir.path(), ENTRIES);
    let output = dir.path().join("corpus.npp");
    let report = CorpusBuilder::new()
        .threads(2)
        .build(
            vec![
                CorpusInput::file(&plain).unwrap(),
                CorpusInput::file(&pwned).unwrap(),
            ],
            &output,
            &(),
        )
        .unwrap();
    assert_eq!(report.formats, [InputFormat::Plain, InputFormat::Sha1]);
    let corpus = BreachCorpus::open(&output).unwrap();
    let info = corpus.info();
    assert_eq!(info.entry_count, ENTRIES);
    assert_eq!(info.input_records, ENTRIES);
    assert!(
        info.bytes_per_entry() <= 2.5,
        "{} bytes per entry",
        info.bytes_per_entry()
    );
    corpus.verify_data().unwrap();

    let missing = (0..ENTRIES)
        .filter(|i| !corpus.contains_password(synthetic::member(*i).as_bytes()))
        .count();
    assert_eq!(missing, 0, "false negatives");

    // Deterministic inputs, so this count is the same on every run (about 15 expected).
    let false_positives = (0..PROBES)
        .filter(|i| corpus.contains_password(synthetic::outsider(*i).as_bytes()))
        .count() as f64;
    let rate = false_positives / PROBES as f64;
    let bound = 1.0 / FALSE_POSITIVE_BOUND as f64;
    assert!(
        rate <= 1.5 * bound,
        "false-positive rate {rate:e} above the stated bound {bound:e}"
    );
}
