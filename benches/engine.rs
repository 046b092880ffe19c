//! The engine's core without PHP: each check, whole-policy evaluation, the Bloom filter
//! lookup and loading of MediaWiki's common-password filter.
//!
//! `cargo bench --bench engine`. The passwords come from `benches/passwords.json`, the mix the
//! PHP benchmark uses too; the filter is the installed MediaWiki's `common-x64.json` (override
//! with `NPP_COMMON_PASSWORDS_FILE`, e.g. with 1.43's exact list `common.php`). Per-password times are the reported time per iteration
//! divided by the number of passwords (criterion prints the rate as elements/s).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use native_password_policy::engine::{Engine, EngineConfig};
use native_password_policy::lists::CommonPasswords;
use native_password_policy::policy::{self, CheckId, PolicyEntry, PolicyValue, Resources, Subject};
use serde::Deserialize;

const DEFAULT_FILTER: &str =
    "/usr/share/mediawiki/vendor/wikimedia/common-passwords/src/CommonPasswords/common-x64.json";

#[derive(Deserialize)]
struct MixFile {
    entries: Vec<MixEntry>,
}

#[derive(Deserialize)]
struct MixEntry {
    user: String,
    password: Option<String>,
    #[serde(rename = "passwordHex")]
    password_hex: Option<String>,
    repeat: Option<usize>,
}

/// One user name / password pair of the mix.
struct Sample {
    username: Vec<u8>,
    password: Vec<u8>,
}

fn decode_hex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("passwords.json: bad hex"))
        .collect()
}

fn load_mix() -> Vec<Sample> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/passwords.json");
    let file: MixFile =
        serde_json::from_slice(&std::fs::read(&path).expect("benches/passwords.json"))
            .expect("benches/passwords.json is valid");
    file.entries
        .into_iter()
        .map(|entry| {
            let once = match (entry.password, entry.password_hex) {
                (Some(text), None) => text.into_bytes(),
                (None, Some(hex)) => decode_hex(&hex),
                _ => panic!("passwords.json: give exactly one of password and passwordHex"),
            };
            Sample {
                username: entry.user.into_bytes(),
                password: once.repeat(entry.repeat.unwrap_or(1)),
            }
        })
        .collect()
}

fn filter_path() -> PathBuf {
    std::env::var_os("NPP_COMMON_PASSWORDS_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_FILTER))
}

fn entry(check: CheckId, value: PolicyValue) -> PolicyEntry {
    PolicyEntry::Native {
        check,
        value,
        force_change: false,
        suggest_change_on_login: true,
    }
}

/// MediaWiki 1.39's default policy (`$wgPasswordPolicy['policies']['default']`).
fn default_policy() -> Vec<PolicyEntry> {
    vec![
        entry(CheckId::MinimalPasswordLength, PolicyValue::Int(1)),
        entry(
            CheckId::PasswordCannotBeSubstringInUsername,
            PolicyValue::Bool(true),
        ),
        entry(
            CheckId::PasswordCannotMatchDefaults,
            PolicyValue::Bool(true),
        ),
        entry(CheckId::MaximalPasswordLength, PolicyValue::Int(4096)),
        entry(CheckId::PasswordNotInCommonList, PolicyValue::Bool(true)),
    ]
}

/// The default policy merged with the sysop (or bot) group's, as `UserPasswordPolicy` merges it.
fn sysop_policy() -> Vec<PolicyEntry> {
    let mut policy = default_policy();
    policy[0] = entry(CheckId::MinimalPasswordLength, PolicyValue::Int(10));
    policy.push(PolicyEntry::Native {
        check: CheckId::MinimumPasswordLengthToLogin,
        value: PolicyValue::Int(1),
        force_change: false,
        suggest_change_on_login: false,
    });
    policy
}

/// The value each check gets in the per-check benchmarks (the sysop policy's values).
fn check_value(check: CheckId) -> PolicyValue {
    match check {
        CheckId::MinimalPasswordLength => PolicyValue::Int(10),
        CheckId::MinimumPasswordLengthToLogin => PolicyValue::Int(1),
        CheckId::MaximalPasswordLength => PolicyValue::Int(4096),
        _ => PolicyValue::Bool(true),
    }
}

fn benchmarks(c: &mut Criterion) {
    let mix = load_mix();
    let path = filter_path();
    let filter = match CommonPasswords::load(&path) {
        Ok(filter) => filter,
        Err(error) => {
            eprintln!(
                "cannot load the common-password filter ({error}); set NPP_COMMON_PASSWORDS_FILE"
            );
            std::process::exit(1);
        }
    };
    let resources = Resources {
        common_passwords: Some(&filter),
        ..Resources::default()
    };
    let samples = mix.len() as u64;

    let mut checks = c.benchmark_group("check");
    checks.throughput(Throughput::Elements(samples));
    for check in CheckId::ALL {
        let value = check_value(check);
        // Checks that need a file this benchmark does not load (the breach corpus, word lists)
        // are measured by the breach_and_strength benchmark.
        let probe = Subject {
            username: b"Example",
            ..Subject::default()
        };
        if policy::run_check(check, &value, &probe, b"probe", &resources).is_err() {
            continue;
        }
        checks.bench_function(check.name(), |b| {
            b.iter(|| {
                for sample in &mix {
                    let subject = Subject {
                        username: &sample.username,
                        ..Subject::default()
                    };
                    black_box(
                        policy::run_check(
                            check,
                            &value,
                            &subject,
                            black_box(&sample.password),
                            &resources,
                        )
                        .unwrap(),
                    );
                }
            })
        });
    }
    checks.finish();

    let mut evaluate = c.benchmark_group("evaluate");
    evaluate.throughput(Throughput::Elements(samples));
    for (name, entries) in [("default", default_policy()), ("sysop", sysop_policy())] {
        evaluate.bench_function(name, |b| {
            b.iter(|| {
                for sample in &mix {
                    let subject = Subject {
                        username: &sample.username,
                        ..Subject::default()
                    };
                    black_box(
                        policy::evaluate(
                            &entries,
                            &subject,
                            black_box(&sample.password),
                            &resources,
                        )
                        .unwrap(),
                    );
                }
            })
        });
    }
    evaluate.finish();

    let (members, non_members): (Vec<&Sample>, Vec<&Sample>) = mix
        .iter()
        .partition(|sample| filter.contains(&sample.password));
    let mut lookup = c.benchmark_group("common_passwords");
    for (name, group) in [("member", &members), ("non_member", &non_members)] {
        lookup.throughput(Throughput::Elements(group.len() as u64));
        lookup.bench_function(format!("contains_{name}"), |b| {
            b.iter(|| {
                for sample in group.iter() {
                    black_box(filter.contains(black_box(&sample.password)));
                }
            })
        });
    }
    lookup.throughput(Throughput::Elements(1));
    lookup.bench_function("load", |b| {
        b.iter(|| black_box(CommonPasswords::load(black_box(&path)).unwrap()))
    });
    lookup.finish();

    // What a request pays to build its engine once the filter is in the process cache.
    let config_json = serde_json::json!({ "commonPasswordsFile": path }).to_string();
    let config = EngineConfig::from_json(config_json.as_bytes()).unwrap();
    let warm = Engine::new(&config);
    assert!(warm.problems().is_empty(), "{:?}", warm.problems());
    let mut engine = c.benchmark_group("engine");
    engine.bench_function("new_cached", |b| {
        b.iter(|| {
            let config = EngineConfig::from_json(black_box(config_json.as_bytes())).unwrap();
            black_box(Engine::new(&config))
        })
    });
    engine.finish();
}

fn configured() -> Criterion {
    // Short runs: the whole suite stays well under a minute on two shared cores.
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
}

criterion_group! {
    name = engine;
    config = configured();
    targets = benchmarks
}
criterion_main!(engine);
