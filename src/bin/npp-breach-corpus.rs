//! `npp-breach-corpus`: builds, inspects and queries the breach corpus files of
//! NativePasswordPolicy. A thin front end over `native_password_policy::lists::breach`.
//!
//! Exit codes: 0 success (for `query`: every password found), 1 failure (unreadable or invalid
//! input, corrupt file; for `query`: some password not found), 2 usage error.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use native_password_policy::Error;
use native_password_policy::lists::breach::{
    BreachCorpus, BuildProgress, BuildStage, CorpusBuilder, CorpusInfo, CorpusInput, InputFormat,
};

#[derive(Parser)]
#[command(
    name = "npp-breach-corpus",
    version,
    about = "Builds and inspects breach corpus files for NativePasswordPolicy's PasswordNotInBreachCorpus check"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Builds a corpus file from breach lists (plain passwords or SHA-1[:COUNT] lines).
    Build {
        /// Input files; `-` (or none) reads standard input.
        inputs: Vec<PathBuf>,
        /// The corpus file to write (replaced atomically).
        #[arg(short, long)]
        output: PathBuf,
        /// Line format of the inputs.
        #[arg(short, long, value_enum, default_value_t = Format::Auto)]
        format: Format,
        /// Leave out passwords seen fewer than N times (counts summed over the inputs).
        #[arg(short = 'm', long, default_value_t = 1, value_name = "N")]
        min_count: u32,
        /// Worker threads (default: one per core).
        #[arg(short = 'j', long, value_name = "N")]
        threads: Option<usize>,
        /// Directory for temporary files (12 bytes per input line; default: next to the output).
        #[arg(long, value_name = "DIR")]
        temp_dir: Option<PathBuf>,
        /// No progress bar.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Prints the header of a corpus file.
    Info {
        /// The corpus file.
        file: PathBuf,
        /// Also verify the checksum of all fingerprints (reads the whole file).
        #[arg(long)]
        verify: bool,
    },
    /// Looks passwords up (one per line on standard input) and prints `found` or `absent` for each.
    Query {
        /// The corpus file.
        file: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Decide per input from its first lines.
    Auto,
    /// One password per line.
    Plain,
    /// One SHA-1 digest per line, optionally `:COUNT` (Pwned Passwords).
    Sha1,
}

impl From<Format> for InputFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Auto => InputFormat::Auto,
            Format::Plain => InputFormat::Plain,
            Format::Sha1 => InputFormat::Sha1,
        }
    }
}

/// Progress on standard error: bytes with rate and ETA while reading, records while building.
/// One bar per stage, so no frame mixes two stages.
struct Bar {
    quiet: bool,
    bar: Mutex<ProgressBar>,
}

impl Bar {
    fn new(quiet: bool) -> Self {
        let quiet = quiet || !std::io::stderr().is_terminal();
        Bar {
            quiet,
            bar: Mutex::new(ProgressBar::hidden()),
        }
    }

    fn finish(&self) {
        self.bar
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .finish_and_clear();
    }
}

impl BuildProgress for Bar {
    fn stage(&self, stage: BuildStage, total: Option<u64>) {
        let (label, template) = match (stage, total) {
            (BuildStage::Partition, Some(_)) => (
                "reading",
                "{prefix:>9} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
            ),
            (BuildStage::Partition, None) => (
                "reading",
                "{prefix:>9} {spinner} {bytes} {bytes_per_sec} {elapsed}",
            ),
            (BuildStage::Build, _) => (
                "filtering",
                "{prefix:>9} [{bar:40}] {human_pos}/{human_len} records, {elapsed} elapsed, ETA {eta}",
            ),
        };
        let target = if self.quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let mut bar = ProgressBar::with_draw_target(total, target).with_prefix(label);
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar = bar.with_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        let mut current = self.bar.lock().unwrap_or_else(PoisonError::into_inner);
        current.finish_and_clear();
        *current = bar;
    }

    fn advance(&self, amount: u64) {
        self.bar
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .inc(amount);
    }
}

fn print_info(info: &CorpusInfo) {
    println!("format version:      {}", info.format_version);
    println!("entries:             {}", info.entry_count);
    println!("file size:           {} bytes", info.file_len);
    println!("bytes per entry:     {:.3}", info.bytes_per_entry());
    println!("shards:              {}", info.shard_count);
    println!("fingerprint bits:    {}", info.fingerprint_bits);
    println!(
        "false-positive rate: at most 1/{}",
        info.false_positive_bound
    );
    println!("minimum count:       {}", info.min_count);
    println!("input records:       {}", info.input_records);
    println!("below minimum count: {}", info.below_min_count);
}

fn build(
    inputs: &[PathBuf],
    output: &Path,
    format: Format,
    min_count: u32,
    threads: Option<usize>,
    temp_dir: Option<&Path>,
    quiet: bool,
) -> Result<(), Error> {
    let stdin = || CorpusInput::reader("standard input", Box::new(std::io::stdin()), None);
    let mut sources = Vec::new();
    for path in inputs {
        sources.push(if path.as_os_str() == "-" {
            stdin()
        } else {
            CorpusInput::file(path)?
        });
    }
    if sources.is_empty() {
        sources.push(stdin());
    }
    let mut builder = CorpusBuilder::new()
        .format(format.into())
        .min_count(min_count);
    if let Some(threads) = threads {
        builder = builder.threads(threads);
    }
    if let Some(dir) = temp_dir {
        builder = builder.temp_dir(dir);
    }
    let started = Instant::now();
    let bar = Bar::new(quiet);
    let result = builder.build(sources, output, &bar);
    bar.finish();
    let report = result?;
    if !quiet {
        eprintln!(
            "wrote {} in {:.1} s",
            output.display(),
            started.elapsed().as_secs_f64()
        );
        print_info(&report.info);
    }
    Ok(())
}

fn query(file: &Path) -> Result<bool, Error> {
    let corpus = BreachCorpus::open(file)?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut all_found = true;
    for line in stdin.lock().split(b'\n') {
        let line = line.map_err(|e| Error::io(Path::new("standard input"), e))?;
        let password = line.strip_suffix(b"\r").unwrap_or(&line);
        let found = corpus.contains_password(password);
        all_found &= found;
        let _ = writeln!(out, "{}", if found { "found" } else { "absent" });
    }
    Ok(all_found)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Build {
            inputs,
            output,
            format,
            min_count,
            threads,
            temp_dir,
            quiet,
        } => build(
            inputs,
            output,
            *format,
            *min_count,
            *threads,
            temp_dir.as_deref(),
            *quiet,
        )
        .map(|()| true),
        Command::Info { file, verify } => BreachCorpus::open(file).and_then(|corpus| {
            print_info(corpus.info());
            if *verify {
                corpus.verify_data().map_err(|e| e.with_path(file))?;
                println!("data checksum:       ok");
            }
            Ok(true)
        }),
        Command::Query { file } => query(file),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("npp-breach-corpus: {error}");
            ExitCode::FAILURE
        }
    }
}
