//! Round trips through the builder and the reader, and the reader's defences against
//! corrupt, truncated and hostile files.

use std::io::Cursor;
use std::path::Path;

use proptest::prelude::*;

use super::*;

fn hex(digest: &[u8; 20]) -> String {
    digest.iter().map(|b| format!("{b:02X}")).collect()
}

fn input(name: &str, text: impl Into<Vec<u8>>) -> CorpusInput {
    let bytes = text.into();
    let len = bytes.len() as u64;
    CorpusInput::reader(name, Box::new(Cursor::new(bytes)), Some(len))
}

fn build_bytes(builder: CorpusBuilder, inputs: Vec<CorpusInput>) -> (Vec<u8>, BuildReport) {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("corpus.npp");
    let report = builder.threads(2).build(inputs, &output, &()).unwrap();
    // Nothing but the output is left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1);
    (std::fs::read(&output).unwrap(), report)
}

fn small_corpus() -> Vec<u8> {
    let passwords: String = (0..3000).map(|i| format!("password-{i}\n")).collect();
    build_bytes(
        CorpusBuilder::new().max_shard_keys(500),
        vec![input("plain", passwords)],
    )
    .0
}

#[test]
fn plain_and_sha1_inputs_share_keys() {
    let sha1_lines = format!(
        "{}:3\n{}\r\n",
        hex(&password_digest(b"hunter2")),
        hex(&password_digest("pässwörd".as_bytes())).to_lowercase()
    );
    let (bytes, report) = build_bytes(
        CorpusBuilder::new(),
        vec![
            input("plain", "123456\npassword\n\nqwerty\r\n123456\n"),
            input("sha1", sha1_lines),
        ],
    );
    assert_eq!(report.formats, [InputFormat::Plain, InputFormat::Sha1]);
    let corpus = BreachCorpus::from_bytes(&bytes).unwrap();
    for member in ["123456", "password", "qwerty", "hunter2", "pässwörd"] {
        assert!(corpus.contains_password(member.as_bytes()), "{member}");
    }
    assert!(!corpus.contains_password(b"qwerty\r"));
    assert!(!corpus.contains_password(b"correct horse battery staple"));
    let info = corpus.info();
    assert_eq!(info.entry_count, 5);
    assert_eq!(info.input_records, 6);
    assert_eq!(info.min_count, 1);
    assert_eq!(info.false_positive_bound, 65536);
    assert_eq!(info.file_len, bytes.len() as u64);
    corpus.verify_data().unwrap();
}

#[test]
fn min_count_sums_repeats_and_counts() {
    let lines = format!(
        "{}:5\n{}:1\n{}:1\n",
        hex(&password_digest(b"often")),
        hex(&password_digest(b"twice")),
        hex(&password_digest(b"once")),
    );
    let (bytes, report) = build_bytes(
        CorpusBuilder::new().min_count(2),
        vec![input("a", lines), input("b", "twice\n")],
    );
    let corpus = BreachCorpus::from_bytes(&bytes).unwrap();
    assert!(corpus.contains_password(b"often"));
    assert!(corpus.contains_password(b"twice"));
    assert!(!corpus.contains_password(b"once"));
    assert_eq!(report.info.entry_count, 2);
    assert_eq!(report.info.below_min_count, 1);
    assert_eq!(corpus.info().min_count, 2);
}

#[test]
fn many_shards() {
    let bytes = small_corpus();
    let corpus = BreachCorpus::from_bytes(&bytes).unwrap();
    assert_eq!(corpus.info().shard_count, 8);
    assert_eq!(corpus.info().entry_count, 3000);
    for i in 0..3000 {
        assert!(corpus.contains_password(format!("password-{i}").as_bytes()));
    }
    corpus.verify_data().unwrap();
}

#[test]
fn builds_are_reproducible() {
    let text: String = (0..2000).map(|i| format!("{i}\n")).collect();
    let one = build_bytes(
        CorpusBuilder::new().max_shard_keys(300),
        vec![input("a", text.clone())],
    )
    .0;
    let two = build_bytes(
        CorpusBuilder::new().max_shard_keys(300).threads(1),
        vec![input("a", text)],
    )
    .0;
    assert_eq!(one, two);
}

#[test]
fn empty_input_gives_an_empty_corpus() {
    let (bytes, _) = build_bytes(CorpusBuilder::new(), vec![input("empty", "")]);
    let corpus = BreachCorpus::from_bytes(&bytes).unwrap();
    assert_eq!(corpus.info().entry_count, 0);
    assert_eq!(corpus.info().shard_count, 1);
    let _ = corpus.contains_password(b"anything");
}

#[test]
fn long_lines_and_chunk_boundaries() {
    // A line longer than a read chunk, and no final newline.
    let long = "x".repeat(9 << 20);
    let text = format!("first\n{long}\nlast");
    let (bytes, _) = build_bytes(CorpusBuilder::new(), vec![input("long", text)]);
    let corpus = BreachCorpus::from_bytes(&bytes).unwrap();
    assert!(corpus.contains_password(long.as_bytes()));
    assert!(corpus.contains_password(b"first"));
    assert!(corpus.contains_password(b"last"));
    assert_eq!(corpus.info().entry_count, 3);
}

#[test]
fn invalid_sha1_line_names_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("corpus.npp");
    let lines = format!("{}\nnot a hash\n", hex(&password_digest(b"x")));
    let error = CorpusBuilder::new()
        .format(InputFormat::Sha1)
        .build(vec![input("list.txt", lines)], &output, &())
        .unwrap_err();
    assert!(error.to_string().contains("list.txt"), "{error}");
    assert!(error.to_string().contains("byte 41"), "{error}");
    // No output, no temporary files.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn open_maps_the_file_and_names_it_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.npp");
    std::fs::write(&path, small_corpus()).unwrap();
    let corpus = BreachCorpus::open(&path).unwrap();
    assert!(corpus.contains_password(b"password-17"));
    std::fs::write(&path, b"garbage").unwrap();
    let error = BreachCorpus::open(&path).unwrap_err();
    assert!(error.to_string().contains("corpus.npp"), "{error}");
    assert!(error.to_string().contains("truncated"), "{error}");
    assert!(BreachCorpus::open(Path::new("/nonexistent/corpus.npp")).is_err());
}

#[test]
fn clear_errors_for_damaged_headers() {
    let good = small_corpus();
    let reject = |bytes: &[u8]| BreachCorpus::from_bytes(bytes).unwrap_err().to_string();
    assert!(reject(&good[..100]).contains("truncated"));
    assert!(reject(&good[..good.len() - 2]).contains("truncated or appended"));
    let mut appended = good.clone();
    appended.push(0);
    assert!(reject(&appended).contains("truncated or appended"));
    let mut magic = good.clone();
    magic[0] = b'X';
    assert!(reject(&magic).contains("magic"));
    let mut version = good.clone();
    version[8] = 2;
    assert!(reject(&version).contains("version 2"));
    let mut flipped = good.clone();
    flipped[130] ^= 1;
    assert!(reject(&flipped).contains("checksum"));
    // Data corruption passes the cheap open but not the full verification.
    let mut data = good.clone();
    let last = data.len() - 1;
    data[last] ^= 0xff;
    let corpus = BreachCorpus::from_bytes(&data).unwrap();
    assert!(
        corpus
            .verify_data()
            .unwrap_err()
            .to_string()
            .contains("data checksum")
    );
}

/// Re-signs a header after editing it, as a hostile file would be.
fn resign(bytes: &mut [u8]) {
    let shard_bits = u32::from_le_bytes(bytes[36..40].try_into().unwrap()).min(8);
    let header_len = format::header_len(1 << shard_bits).min(bytes.len());
    let mut header = bytes[..header_len].to_vec();
    header[120..128].fill(0);
    let digest = password_digest(&header);
    bytes[120..128].copy_from_slice(&digest[..8]);
}

#[test]
fn hostile_descriptors_are_rejected_even_with_a_valid_checksum() {
    let good = small_corpus();
    let descriptor = format::FIXED_HEADER_LEN;
    let cases: Vec<(usize, Vec<u8>, &str)> = vec![
        (descriptor + 8, 3u32.to_le_bytes().to_vec(), "power of two"),
        (descriptor + 12, 0u32.to_le_bytes().to_vec(), "mask"),
        (descriptor + 16, u32::MAX.to_le_bytes().to_vec(), "segment"),
        (descriptor + 24, 1u64.to_le_bytes().to_vec(), "aligned"),
        (descriptor + 24, 0u64.to_le_bytes().to_vec(), "overlap"),
        (
            descriptor + 24,
            (1u64 << 40).to_le_bytes().to_vec(),
            "past the end",
        ),
        (
            descriptor + 32,
            1u64.to_le_bytes().to_vec(),
            "fingerprints stored",
        ),
        (descriptor + 40, (1u64 << 40).to_le_bytes().to_vec(), "keys"),
        (16, 1u64.to_le_bytes().to_vec(), "header says"),
        (32, 8u32.to_le_bytes().to_vec(), "fingerprint width"),
        (36, 9u32.to_le_bytes().to_vec(), "shard bits"),
        (36, 2u32.to_le_bytes().to_vec(), "header length"),
        (40, 7u32.to_le_bytes().to_vec(), "key scheme"),
        (48, 256u64.to_le_bytes().to_vec(), "false-positive bound"),
    ];
    for (at, value, expected) in cases {
        let mut bytes = good.clone();
        bytes[at..at + value.len()].copy_from_slice(&value);
        resign(&mut bytes);
        let error = BreachCorpus::from_bytes(&bytes).unwrap_err().to_string();
        assert!(error.contains(expected), "offset {at}: {error}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        prop_assert!(BreachCorpus::from_bytes(&bytes).is_err());
    }

    #[test]
    fn random_headers_after_the_magic_never_panic(
        tail in proptest::collection::vec(any::<u8>(), 0..2048),
        version in 0u32..3,
        shard_bits in 0u32..10,
    ) {
        let mut bytes = format::MAGIC.to_vec();
        bytes.extend_from_slice(&version.to_le_bytes());
        bytes.extend_from_slice(&tail);
        if bytes.len() >= 40 {
            bytes[36..40].copy_from_slice(&shard_bits.to_le_bytes());
        }
        if bytes.len() >= 128 {
            resign(&mut bytes);
        }
        if let Ok(corpus) = BreachCorpus::from_bytes(&bytes) {
            let _ = corpus.contains_password(b"x");
        }
    }

    #[test]
    fn truncation_is_always_an_error(cut in 0usize..4096) {
        let good = small_corpus_cached();
        let cut = cut.min(good.len() - 1);
        prop_assert!(BreachCorpus::from_bytes(&good[..cut]).is_err());
    }

    #[test]
    fn corruption_is_an_error_or_harmless(at in any::<prop::sample::Index>(), xor in 1u8..=255, resigned in any::<bool>()) {
        let mut bytes = small_corpus_cached().to_vec();
        let at = at.index(bytes.len());
        bytes[at] ^= xor;
        if resigned {
            resign(&mut bytes);
        }
        // Either rejected, or the damage is in the fingerprints: lookups still work
        // (answers may change) and verification catches it.
        if let Ok(corpus) = BreachCorpus::from_bytes(&bytes) {
            for i in 0..50 {
                let _ = corpus.contains_password(format!("password-{i}").as_bytes());
            }
            if at >= format::header_len(corpus.info().shard_count) {
                prop_assert!(corpus.verify_data().is_err());
            }
        }
    }
}

fn small_corpus_cached() -> &'static [u8] {
    static CORPUS: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(small_corpus)
}
