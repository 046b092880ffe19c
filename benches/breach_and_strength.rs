//! Benchmark of the breach corpus (build time, peak memory, bytes per entry, false negatives,
//! false-positive rate, lookup cost) at the sizes given on the command line (default 1M and
//! 10M entries), and of the strength estimate's worst case on 4096-character adversarial
//! passwords.
//!
//! `cargo bench --bench breach_and_strength -- [--keep DIR] [ENTRIES...]`
//! With `--keep DIR`, each size's corpus, probe list and sorted key file are left in
//! `DIR/<entries>/` for the PHP side (benches/breach_lookup.php).

#[path = "../tests/support/synthetic.rs"]
mod synthetic;

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use native_password_policy::lists::breach::{
    BreachCorpus, CorpusBuilder, CorpusInput, FALSE_POSITIVE_BOUND, password_digest,
};
use native_password_policy::policy::{STRENGTH_PREFIX_CHARS, Subject, estimate};

/// The strength estimate's cost budget per password, in CPU milliseconds.
const STRENGTH_BUDGET_MS: u32 = 10;

/// Probes written for the PHP side: half members, half outsiders.
const PHP_PROBES: u64 = 200_000;

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Resets the peak resident set size (Linux: `echo 5 > /proc/self/clear_refs`).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// CPU time of the calling thread: unlike wall-clock time, not inflated when other
/// processes share the cores.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the pointer it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Runs `work` and returns (wall-clock time, thread CPU time).
fn timed(work: impl FnOnce()) -> (Duration, Duration) {
    let (wall, cpu) = (Instant::now(), thread_cpu_time());
    work();
    (wall.elapsed(), thread_cpu_time().saturating_sub(cpu))
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn per_op(elapsed: Duration, ops: u64) -> f64 {
    elapsed.as_nanos() as f64 / ops as f64
}

fn mix_probe(i: u64, entries: u64, salt: u64) -> String {
    let r = synthetic::mix(i ^ salt);
    if i % 2 == 0 {
        synthetic::member(r % entries)
    } else {
        synthetic::outsider(r)
    }
}

fn bench_corpus(entries: u64, keep: Option<&Path>) {
    let scratch = tempfile::tempdir_in(keep.unwrap_or(&std::env::temp_dir())).unwrap();
    let dir = match keep {
        Some(keep) => {
            let dir = keep.join(entries.to_string());
            std::fs::create_dir_all(&dir).unwrap();
            dir
        }
        None => scratch.path().to_path_buf(),
    };
    let started = Instant::now();
    let (plain, pwned) = synthetic::write_inputs(scratch.path(), entries);
    let generated = started.elapsed();
    let input_bytes =
        std::fs::metadata(&plain).unwrap().len() + std::fs::metadata(&pwned).unwrap().len();
    let output = dir.join("corpus.npp");

    let rss_before = status_kib("VmRSS:");
    reset_peak();
    let started = Instant::now();
    CorpusBuilder::new()
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
    let build_time = started.elapsed();
    let peak = status_kib("VmHWM:");
    std::fs::remove_file(&plain).unwrap();
    std::fs::remove_file(&pwned).unwrap();

    let opens = 1000;
    let started = Instant::now();
    for _ in 0..opens {
        black_box(BreachCorpus::open(&output).unwrap());
    }
    let open_time = started.elapsed() / opens;
    let corpus = BreachCorpus::open(&output).unwrap();
    let info = corpus.info().clone();

    let started = Instant::now();
    let false_negatives = (0..entries)
        .filter(|i| !corpus.contains_password(synthetic::member(*i).as_bytes()))
        .count();
    let member_scan = started.elapsed();
    let probes = entries.max(10_000_000);
    let false_positives = (0..probes)
        .filter(|i| corpus.contains_password(synthetic::outsider(*i).as_bytes()))
        .count();
    let rate = false_positives as f64 / probes as f64;

    // Lookup cost: a mix of members and outsiders, prepared up front.
    let lookups = 1_000_000u64;
    let passwords: Vec<String> = (0..lookups)
        .map(|i| mix_probe(i, entries, 0xABCD))
        .collect();
    let digests: Vec<[u8; 20]> = passwords
        .iter()
        .map(|p| password_digest(p.as_bytes()))
        .collect();
    let started = Instant::now();
    let found = digests.iter().filter(|d| corpus.contains_digest(d)).count();
    let throughput = per_op(started.elapsed(), lookups);
    black_box(found);
    // One dependent call at a time, hashing included: each lookup's input depends on the
    // previous answer, so calls cannot overlap (what one PHP call sees).
    let started = Instant::now();
    let mut chain = 0usize;
    for i in 0..lookups as usize {
        let password = &passwords[(i + chain) % passwords.len()];
        chain = chain.wrapping_add(usize::from(corpus.contains_password(password.as_bytes())));
    }
    let dependent = per_op(started.elapsed(), lookups);
    black_box(chain);

    println!(
        "| {entries} | {input_mb:.0} MB | {build:.2} s | {gen:.1} s | {peak} MiB (+{grow} MiB) | {size:.1} MB | {bpe:.3} | {shards} | {open:.1} µs | {fneg} of {entries} | {fpos} of {probes} = {rate:.2e} (bound {bound:.2e}) | {thr:.0} ns | {dep:.0} ns | {scan:.0} ns |",
        input_mb = input_bytes as f64 / 1e6,
        build = build_time.as_secs_f64(),
        gen = generated.as_secs_f64(),
        peak = peak / 1024,
        grow = peak.saturating_sub(rss_before) / 1024,
        size = info.file_len as f64 / 1e6,
        bpe = info.bytes_per_entry(),
        shards = info.shard_count,
        open = open_time.as_secs_f64() * 1e6,
        fneg = false_negatives,
        fpos = false_positives,
        bound = 1.0 / FALSE_POSITIVE_BOUND as f64,
        thr = throughput,
        dep = dependent,
        scan = per_op(member_scan, entries),
    );
    let _ = std::io::stdout().flush();
    assert_eq!(false_negatives, 0, "false negatives");

    if keep.is_some() {
        // For benches/breach_lookup.php: probes, and the members' SHA-1 prefixes sorted, as a
        // PHP-only implementation would search them in a file.
        let mut probes_file =
            std::io::BufWriter::new(std::fs::File::create(dir.join("probes.txt")).unwrap());
        for i in 0..PHP_PROBES {
            writeln!(probes_file, "{}", mix_probe(i, entries, 0x1234)).unwrap();
        }
        probes_file.flush().unwrap();
        let mut keys: Vec<u64> = (0..entries)
            .map(|i| {
                let digest = password_digest(synthetic::member(i).as_bytes());
                u64::from_be_bytes(digest[..8].try_into().unwrap())
            })
            .collect();
        keys.sort_unstable();
        let bytes: Vec<u8> = keys.iter().flat_map(|k| k.to_be_bytes()).collect();
        std::fs::write(dir.join("sorted-keys.bin"), bytes).unwrap();
    }
}

/// Adversarial 4096-character passwords for the strength estimate.
fn adversarial_inputs() -> Vec<(&'static str, String)> {
    let len = 4096;
    let cycle = |unit: &str| unit.chars().cycle().take(len).collect::<String>();
    let printable: String = (0..len)
        .map(|i| char::from(b' ' + (synthetic::mix(i as u64) % 95) as u8))
        .collect();
    let pool = ['密', '码', 'é', 'ß', '😀', 'Ж', 'λ', 'ﬁ', 'Ａ', '٣'];
    let unicode: String = (0..len)
        .map(|i| pool[(synthetic::mix(i as u64) % pool.len() as u64) as usize])
        .collect();
    vec![
        ("random printable ASCII", printable),
        ("random mixed Unicode", unicode),
        ("one repeated character", cycle("a")),
        ("digit sequence", cycle("0123456789")),
        ("keyboard rows", cycle("qwertyuiopasdfghjklzxcvbnm")),
        (
            "dictionary words",
            cycle("passworddragonmonkeyletmeinfootballiloveyou"),
        ),
        ("leetspeak words", cycle("p@ssw0rdDr4g0nm0nk3y")),
        ("dates", cycle("19/08/1987")),
        ("short repeated block", cycle("aB3$")),
        ("user name repeated", cycle("ExampleUser")),
    ]
}

fn bench_strength() {
    let subject = Subject {
        username: b"ExampleUser",
        real_name: b"Example User",
        email: b"example@example.org",
    };
    // The first estimate builds zxcvbn's dictionaries (once per process).
    let started = Instant::now();
    black_box(estimate(&subject, b"Bench Wiki", b"warm-up"));
    println!(
        "\nFirst estimate in a process (dictionary setup): {:.1} ms\n",
        started.elapsed().as_secs_f64() * 1e3
    );
    println!(
        "Times are thread CPU time (the work done) and wall-clock time (also waits when other processes share the cores).\n"
    );
    println!(
        "| 4096-character input | score | CPU median | CPU worst of 20 | wall median | wall worst of 20 |"
    );
    println!("|---|---|---|---|---|---|");
    let mut worst_cpu = Duration::ZERO;
    let mut worst_wall = Duration::ZERO;
    for (name, password) in adversarial_inputs() {
        let mut cpu = Vec::new();
        let mut wall = Vec::new();
        let mut score = 0;
        for _ in 0..20 {
            let (w, c) = timed(|| {
                score = black_box(estimate(&subject, b"Bench Wiki", password.as_bytes())).0;
            });
            wall.push(w);
            cpu.push(c);
        }
        cpu.sort();
        wall.sort();
        worst_cpu = worst_cpu.max(cpu[19]);
        worst_wall = worst_wall.max(wall[19]);
        println!(
            "| {name} | {score} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
            ms(cpu[10]),
            ms(cpu[19]),
            ms(wall[10]),
            ms(wall[19])
        );
    }
    println!(
        "\nWorst case with the {STRENGTH_PREFIX_CHARS}-character prefix: {:.2} ms CPU, {:.2} ms wall-clock \
         (budget {STRENGTH_BUDGET_MS} ms CPU: {})",
        ms(worst_cpu),
        ms(worst_wall),
        if ms(worst_cpu) <= STRENGTH_BUDGET_MS as f64 {
            "within"
        } else {
            "EXCEEDED"
        }
    );

    // How the cost grows with the prefix length, on the two costliest kinds of input.
    println!(
        "\n| prefix (characters) | random printable, CPU worst of 10 | digit sequence, CPU worst of 10 |"
    );
    println!("|---|---|---|");
    let inputs = adversarial_inputs();
    for prefix in [16, 32, 48, 64, 80, 100] {
        let worst = |text: &str| {
            let head: String = text.chars().take(prefix).collect();
            (0..10)
                .map(|_| timed(|| drop(black_box(zxcvbn::zxcvbn(&head, &[])))).1)
                .max()
                .unwrap_or_default()
        };
        println!(
            "| {prefix} | {:.2} ms | {:.2} ms |",
            ms(worst(&inputs[0].1)),
            ms(worst(&inputs[3].1))
        );
    }
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut keep: Option<PathBuf> = None;
    let mut sizes = Vec::new();
    let mut strength_only = false;
    while let Some(arg) = args.next() {
        if arg == "--keep" {
            keep = args.next().map(PathBuf::from);
        } else if arg == "--strength-only" {
            strength_only = true;
        } else if let Ok(size) = arg.replace('_', "").parse::<u64>() {
            sizes.push(size);
        } else {
            eprintln!("usage: breach_and_strength [--keep DIR] [--strength-only] [ENTRIES...]");
            std::process::exit(2);
        }
    }
    if sizes.is_empty() {
        sizes = vec![1_000_000, 10_000_000];
    }
    if !strength_only {
        println!(
            "Breach corpus (BinaryFuse16 shards, 2 build threads). Lookups mix members and outsiders.\n"
        );
        println!(
            "| entries | input | build | (generate input) | peak RSS while building | file | bytes/entry | shards | open | false negatives | false positives | lookup, throughput (digest given) | lookup, dependent (SHA-1 included) | member scan |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for size in sizes {
            bench_corpus(size, keep.as_deref());
        }
    }
    bench_strength();
}
