//! Input size bounds: the cost of every check, and of `evaluate` with README's strict preset,
//! at password and user name sizes of 1 KiB, 64 KiB and 1 MiB.
//!
//! `cargo bench --bench input_size` (benches/run.sh runs it). After criterion has measured, the
//! bench prints a Markdown table of the medians (criterion's `estimates.json`), the marginal
//! cost per byte between 64 KiB and 1 MiB, and the growth factor from 64 KiB to 1 MiB (16 for
//! linear work, 1 for bounded work); with `NPP_INPUT_SIZE_TABLE=FILE` it also writes the table
//! there.
//!
//! Inputs are deterministic:
//! - `ascii`: pseudo-random printable ASCII (no early exit helps any check);
//! - `unicode`: pseudo-random pieces chosen to be dear for Unicode handling: NFKC-expanding
//!   ligatures (U+FDFA expands to 18 characters), runs of combining marks, fullwidth letters,
//!   CJK, emoji, invalid UTF-8 and NUL bytes;
//! - user names: ASCII words of 4 to 8 letters separated by spaces (the most context tokens per
//!   byte), with a password of half the user name's size.
//!
//! Resources: MediaWiki's common-password filter (`NPP_COMMON_PASSWORDS_FILE` to override), a
//! small breach corpus, word lists and deny lists built here. `PasswordNotInCommonList (every
//! hasher)` uses a filter with every bit set: each lookup is then a "member" and runs all 20
//! HMAC-SHA1s, the worst case of a real lookup (a false positive of the real filter).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use criterion::{BenchmarkId, Criterion, Throughput};
use native_password_policy::lists::breach::{CorpusBuilder, CorpusInput};
use native_password_policy::lists::{BreachCorpus, CommonPasswords, WordList};
use native_password_policy::policy::{
    self, CheckId, DenyPatterns, DenyWords, PolicyEntry, PolicyValue, Resources, Subject,
};

const DEFAULT_FILTER: &str =
    "/usr/share/mediawiki/vendor/wikimedia/common-passwords/src/CommonPasswords/common-x64.json";

const SIZES: [(usize, &str); 3] = [(1 << 10, "1KiB"), (64 << 10, "64KiB"), (1 << 20, "1MiB")];

/// A small, fast pseudo-random sequence (splitmix64): the inputs are the same in every run.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn ascii_password(size: usize) -> Vec<u8> {
    // One seed for every size: the shorter inputs are prefixes of the longer ones, so bounded
    // work (a prefix, a first few characters) is the same work at every size.
    let mut sequence = Sequence(1);
    (0..size).map(|_| b' ' + sequence.below(95) as u8).collect()
}

fn unicode_password(size: usize) -> Vec<u8> {
    let pieces: [&[u8]; 9] = [
        "\u{fdfa}".as_bytes(),
        "a\u{301}\u{316}\u{301}\u{316}\u{301}".as_bytes(),
        "ＰＡＳＳ".as_bytes(),
        "密码".as_bytes(),
        "😀".as_bytes(),
        "ﬁ".as_bytes(),
        b"\xff\xfe\xe2\x82",
        b"\0",
        "Ä".as_bytes(),
    ];
    let mut sequence = Sequence(2);
    let mut out = Vec::with_capacity(size + 32);
    while out.len() < size {
        out.extend_from_slice(pieces[sequence.below(pieces.len())]);
    }
    out.truncate(size);
    out
}

fn word_username(size: usize) -> Vec<u8> {
    let mut sequence = Sequence(3);
    let mut out = Vec::with_capacity(size + 16);
    while out.len() < size {
        for _ in 0..4 + sequence.below(5) {
            out.push(b'a' + sequence.below(26) as u8);
        }
        out.push(b' ');
    }
    out.truncate(size);
    out
}

fn filter_path() -> PathBuf {
    std::env::var_os("NPP_COMMON_PASSWORDS_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_FILTER))
}

/// A filter of MediaWiki's shape (20 hashers) with every bit set.
fn saturated_filter() -> CommonPasswords {
    let bits = 1u64 << 16;
    let json = serde_json::json!({
        "bit_array": {
            "len": bits,
            "arr": base64::engine::general_purpose::STANDARD.encode(vec![0xffu8; (bits / 8) as usize]),
        },
        "hashers": { "algo": "sha1", "count": 20, "max": bits },
    });
    CommonPasswords::from_json(json.to_string().as_bytes()).expect("saturated filter")
}

fn breach_corpus(dir: &Path) -> BreachCorpus {
    let path = dir.join("corpus.npp");
    let mut lines = String::new();
    for i in 0..10_000 {
        lines.push_str(&format!("breached-password-{i}\n"));
    }
    CorpusBuilder::new()
        .build(
            vec![CorpusInput::reader(
                "bench",
                Box::new(std::io::Cursor::new(lines.into_bytes())),
                None,
            )],
            &path,
            &(),
        )
        .expect("breach corpus");
    BreachCorpus::open(&path).expect("breach corpus")
}

fn word_lists() -> Vec<Arc<WordList>> {
    let mut words = String::new();
    for i in 0..10_000 {
        words.push_str(&format!("Wort{i}\n"));
    }
    vec![
        Arc::new(WordList::from_bytes(words.as_bytes(), false).unwrap()),
        Arc::new(WordList::from_bytes(words.as_bytes(), true).unwrap()),
    ]
}

fn value_of(check: CheckId) -> PolicyValue {
    match check {
        CheckId::MinimalPasswordLength => PolicyValue::Int(10),
        CheckId::MinimumPasswordLengthToLogin => PolicyValue::Int(10),
        CheckId::MaximalPasswordLength => PolicyValue::Int(4096),
        CheckId::MinimalPasswordCodePoints => PolicyValue::Int(15),
        CheckId::MaximalPasswordCodePoints => PolicyValue::Int(64),
        CheckId::MinimalPasswordStrength => PolicyValue::Int(3),
        _ => PolicyValue::Bool(true),
    }
}

fn entry(check: CheckId, value: PolicyValue, force_change: bool) -> PolicyEntry {
    PolicyEntry::Native {
        check,
        value,
        force_change,
        suggest_change_on_login: false,
    }
}

/// README's strict preset, merged for the sysop group (a superset of the default group's):
/// core's defaults, then the preset's entries, as `UserPasswordPolicy` merges them.
fn strict_sysop_policy() -> Vec<PolicyEntry> {
    use CheckId::*;
    use PolicyValue::{Bool, Int};
    vec![
        entry(MinimalPasswordLength, Int(10), false),
        entry(PasswordCannotBeSubstringInUsername, Bool(true), false),
        entry(PasswordCannotMatchDefaults, Bool(true), false),
        entry(MaximalPasswordLength, Int(4096), false),
        entry(PasswordNotInCommonList, Bool(true), true),
        entry(MinimumPasswordLengthToLogin, Int(10), false),
        entry(MinimalPasswordCodePoints, Int(16), true),
        entry(PasswordNotInBreachCorpus, Bool(true), true),
        entry(PasswordCannotContainContextWords, Bool(true), true),
        entry(MinimalPasswordStrength, Int(3), true),
    ]
}

/// What one row of the table measures.
#[derive(Clone, Copy)]
enum Row {
    Check(CheckId),
    CommonEveryHasher,
    Strict { nfkc: bool },
}

impl Row {
    fn name(self) -> String {
        match self {
            Row::Check(check) => check.name().to_owned(),
            Row::CommonEveryHasher => "PasswordNotInCommonList (every hasher)".to_owned(),
            Row::Strict { nfkc: false } => "evaluate, strict preset (sysop)".to_owned(),
            Row::Strict { nfkc: true } => {
                "evaluate, strict preset (sysop), normalizeNfkc".to_owned()
            }
        }
    }

    /// The benchmark's directory name under target/criterion.
    fn id(self) -> String {
        match self {
            Row::Check(check) => check.name().to_owned(),
            Row::CommonEveryHasher => "PasswordNotInCommonList-every-hasher".to_owned(),
            Row::Strict { nfkc: false } => "evaluate-strict".to_owned(),
            Row::Strict { nfkc: true } => "evaluate-strict-nfkc".to_owned(),
        }
    }

    /// Whether the row reads the user name (the others are not run with large user names).
    fn reads_username(self) -> bool {
        matches!(
            self,
            Row::Check(
                CheckId::PasswordCannotBeSubstringInUsername
                    | CheckId::PasswordCannotMatchDefaults
                    | CheckId::PasswordCannotContainContextWords
                    | CheckId::MinimalPasswordStrength
            ) | Row::Strict { .. }
        )
    }
}

fn rows() -> Vec<Row> {
    let mut rows: Vec<Row> = CheckId::ALL.into_iter().map(Row::Check).collect();
    rows.push(Row::CommonEveryHasher);
    rows.push(Row::Strict { nfkc: false });
    rows.push(Row::Strict { nfkc: true });
    rows
}

struct Fixtures {
    common: CommonPasswords,
    saturated: CommonPasswords,
    corpus: BreachCorpus,
    lists: Vec<Arc<WordList>>,
    deny_words: DenyWords,
    deny_patterns: DenyPatterns,
    strict: Vec<PolicyEntry>,
}

impl Fixtures {
    fn resources(&self, row: Row) -> Resources<'_> {
        Resources {
            common_passwords: Some(match row {
                Row::CommonEveryHasher => &self.saturated,
                _ => &self.common,
            }),
            breach_corpus: Some(&self.corpus),
            word_lists: Some(&self.lists),
            deny_words: Some(&self.deny_words),
            deny_patterns: Some(&self.deny_patterns),
            site_name: b"Acme Wiki",
            normalize_nfkc: matches!(row, Row::Strict { nfkc: true }),
        }
    }

    fn run(&self, row: Row, subject: &Subject<'_>, password: &[u8]) {
        let resources = self.resources(row);
        match row {
            Row::Check(check) => {
                black_box(
                    policy::run_check(check, &value_of(check), subject, password, &resources)
                        .unwrap(),
                );
            }
            Row::CommonEveryHasher => {
                let check = CheckId::PasswordNotInCommonList;
                let failures =
                    policy::run_check(check, &value_of(check), subject, password, &resources)
                        .unwrap();
                assert_eq!(failures.len(), 1, "every password is a member");
            }
            Row::Strict { .. } => {
                black_box(policy::evaluate(&self.strict, subject, password, &resources).unwrap());
            }
        }
    }
}

fn bench_sizes(c: &mut Criterion, fixtures: &Fixtures) {
    let plain_subject = Subject {
        username: b"Example User",
        real_name: b"Jane Example",
        email: b"jane@example.org",
    };
    for (shape, make) in [
        ("password-ascii", ascii_password as fn(usize) -> Vec<u8>),
        ("password-unicode", unicode_password),
    ] {
        let mut group = c.benchmark_group(shape);
        for (size, label) in SIZES {
            let password = make(size);
            group.throughput(Throughput::Bytes(size as u64));
            for row in rows() {
                group.bench_with_input(BenchmarkId::new(row.id(), label), &password, |b, p| {
                    b.iter(|| fixtures.run(row, &plain_subject, black_box(p)))
                });
            }
        }
        group.finish();
    }

    let mut group = c.benchmark_group("username");
    for (size, label) in SIZES {
        let username = word_username(size);
        let password = ascii_password(size / 2);
        let subject = Subject {
            username: &username,
            real_name: b"Jane Example",
            email: b"jane@example.org",
        };
        group.throughput(Throughput::Bytes(size as u64));
        for row in rows().into_iter().filter(|row| row.reads_username()) {
            group.bench_with_input(BenchmarkId::new(row.id(), label), &password, |b, p| {
                b.iter(|| fixtures.run(row, &subject, black_box(p)))
            });
        }
    }
    group.finish();
}

/// The median of one benchmark, in nanoseconds, from criterion's saved estimates.
fn median_ns(group: &str, id: &str, label: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let home = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| target.join("criterion"));
    let file = home
        .join(group)
        .join(id)
        .join(label)
        .join("new/estimates.json");
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(file).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

fn format_time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// One table: rows by check, columns by size, then the marginal cost per byte and the growth.
fn table(group: &str, rows: &[Row], title: &str) -> String {
    let mut out = format!(
        "{title}\n\n| Check | 1 KiB | 64 KiB | 1 MiB | ns/byte (64 KiB→1 MiB) | ×(1 MiB / 64 KiB) |\n|---|--:|--:|--:|--:|--:|\n"
    );
    for row in rows {
        let times: Vec<Option<f64>> = SIZES
            .iter()
            .map(|(_, label)| median_ns(group, &row.id(), label))
            .collect();
        let cell = |t: Option<f64>| t.map_or_else(|| "–".to_owned(), format_time);
        let (per_byte, growth) = match (times[1], times[2]) {
            (Some(mid), Some(big)) => (
                format!("{:.3}", (big - mid) / (SIZES[2].0 - SIZES[1].0) as f64),
                format!("{:.1}", big / mid),
            ),
            _ => ("–".to_owned(), "–".to_owned()),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {per_byte} | {growth} |\n",
            row.name(),
            cell(times[0]),
            cell(times[1]),
            cell(times[2]),
        ));
    }
    out
}

fn main() {
    let table_file = std::env::var_os("NPP_INPUT_SIZE_TABLE").map(PathBuf::from);
    let common = match CommonPasswords::load(&filter_path()) {
        Ok(filter) => filter,
        Err(error) => {
            eprintln!(
                "cannot load the common-password filter ({error}); set NPP_COMMON_PASSWORDS_FILE"
            );
            std::process::exit(1);
        }
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let fixtures = Fixtures {
        common,
        saturated: saturated_filter(),
        corpus: breach_corpus(dir.path()),
        lists: word_lists(),
        deny_words: DenyWords::new(&["acme", "wikipedia", "sommer"]).unwrap(),
        deny_patterns: DenyPatterns::new(&[
            r"(?i)^(winter|spring|summer|autumn)\d{2,4}!?$",
            r"^\d+$",
            r"(?i)acme.?corp",
        ])
        .unwrap(),
        strict: strict_sysop_policy(),
    };

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(10)
        .configure_from_args();
    bench_sizes(&mut criterion, &fixtures);
    criterion.final_summary();

    let all = rows();
    let username_rows: Vec<Row> = all.iter().copied().filter(|r| r.reads_username()).collect();
    let mut report = String::new();
    report.push_str(&table(
        "password-ascii",
        &all,
        "Password of printable ASCII (user name \"Example User\"):",
    ));
    report.push('\n');
    report.push_str(&table(
        "password-unicode",
        &all,
        "Password of dear Unicode (ligatures expanding 18× under NFKC, combining marks, fullwidth, CJK, emoji, invalid UTF-8, NUL):",
    ));
    report.push('\n');
    report.push_str(&table(
        "username",
        &username_rows,
        "User name of that size (ASCII words of 4–8 letters), password of half its size (printable ASCII):",
    ));
    println!("\n{report}");
    if let Some(file) = table_file {
        std::fs::write(&file, &report).expect("cannot write the table");
    }
}
