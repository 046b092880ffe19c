//! The write side: streams breach lists into a corpus file with bounded memory.
//!
//! Two passes. First, input is read in chunks; worker threads parse and hash the lines and
//! append 12-byte records (filter key, count) to 256 temporary bucket files chosen by the first
//! digest byte. Then each shard (a range of buckets, sized to hold at most a few million keys)
//! is read back, sorted, deduplicated (counts summed, the minimum count applied) and turned into
//! a binary fuse filter; finished shards are written in order. Memory is bounded by one shard
//! per thread (about 50 bytes per key of the shard), whatever the size of the input. Temporary
//! disk space is 12 bytes per input record.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};

use sha1::{Digest, Sha1};
use xorf::BinaryFuse16;

use super::format::{self, CorpusInfo, FALSE_POSITIVE_BOUND, FORMAT_VERSION, ShardDescriptor};
use super::{filter_key, password_digest};
use crate::error::{Error, ErrorKind};

/// Bytes of one temporary record: filter key (u64) and count (u32), little-endian.
const RECORD_LEN: usize = 12;
/// Buckets of the first pass: one per value of the first digest byte.
const BUCKETS: usize = 256;
/// Input is handed to the workers in chunks of about this size.
const CHUNK_LEN: usize = 4 << 20;
/// Lines sampled to tell a SHA-1 list from a plain one.
const DETECT_LINES: usize = 64;

/// How the lines of an input are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Decide per input from its first lines: SHA-1 if they all are, plain otherwise.
    Auto,
    /// One password per line, taken as bytes (only a trailing `\r` is removed); empty lines
    /// are skipped; each occurrence counts once.
    Plain,
    /// One SHA-1 digest per line, 40 hex digits in either case, optionally followed by
    /// `:COUNT` (the Pwned Passwords layout). Any other non-empty line is an error.
    Sha1,
}

/// Stages of a build, for progress reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildStage {
    /// Reading and hashing input; progress in bytes (total known when every input's size is).
    Partition,
    /// Building filters; progress in records.
    Build,
}

/// Receives progress while a corpus is built. Methods may be called from several threads.
pub trait BuildProgress: Sync {
    /// A stage begins, with its total when known.
    fn stage(&self, _stage: BuildStage, _total: Option<u64>) {}
    /// Some work of the current stage is done.
    fn advance(&self, _amount: u64) {}
}

/// No progress reporting.
impl BuildProgress for () {}

/// One input of a build.
pub struct CorpusInput {
    name: String,
    reader: Box<dyn Read + Send>,
    len: Option<u64>,
}

impl CorpusInput {
    /// An input file (its size drives progress).
    pub fn file(path: &Path) -> Result<Self, Error> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let len = file.metadata().ok().map(|m| m.len());
        Ok(CorpusInput {
            name: path.display().to_string(),
            reader: Box::new(file),
            len,
        })
    }

    /// Any reader, e.g. standard input; `len` when known.
    pub fn reader(name: impl Into<String>, reader: Box<dyn Read + Send>, len: Option<u64>) -> Self {
        CorpusInput {
            name: name.into(),
            reader,
            len,
        }
    }
}

/// What a build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The header of the written file.
    pub info: CorpusInfo,
    /// The format each input was read as.
    pub formats: Vec<InputFormat>,
}

/// Builds breach corpus files.
///
/// ```no_run
/// use native_password_policy::lists::breach::{CorpusBuilder, CorpusInput, InputFormat};
/// # use std::path::Path;
/// let report = CorpusBuilder::new()
///     .format(InputFormat::Sha1)
///     .min_count(2)
///     .build(vec![CorpusInput::file(Path::new("pwned.txt"))?], Path::new("breach.npp"), &())?;
/// println!("{} entries", report.info.entry_count);
/// # Ok::<(), native_password_policy::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CorpusBuilder {
    format: InputFormat,
    min_count: u32,
    threads: usize,
    temp_dir: Option<PathBuf>,
    max_shard_keys: u64,
}

impl Default for CorpusBuilder {
    fn default() -> Self {
        CorpusBuilder {
            format: InputFormat::Auto,
            min_count: 1,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            temp_dir: None,
            max_shard_keys: 1 << 22,
        }
    }
}

impl CorpusBuilder {
    /// A builder with defaults: auto-detected format, minimum count 1, one thread per core,
    /// temporary files next to the output.
    pub fn new() -> Self {
        Self::default()
    }

    /// Input format.
    pub fn format(mut self, format: InputFormat) -> Self {
        self.format = format;
        self
    }

    /// Leave out entries seen fewer than `min_count` times (counts of repeated lines and of
    /// `:COUNT` suffixes are summed). Recorded in the file header; 0 and 1 keep everything.
    pub fn min_count(mut self, min_count: u32) -> Self {
        self.min_count = min_count.max(1);
        self
    }

    /// Worker threads (at least 1).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Directory for temporary bucket files (default: the output's directory).
    pub fn temp_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.temp_dir = Some(dir.into());
        self
    }

    /// Most keys per shard before the builder splits the corpus into more shards (bounds
    /// memory: about 50 bytes per key per thread). Mostly for tests.
    pub fn max_shard_keys(mut self, keys: u64) -> Self {
        self.max_shard_keys = keys.max(1);
        self
    }

    /// Reads every input and writes the corpus to `output`, replacing it atomically.
    pub fn build(
        &self,
        inputs: Vec<CorpusInput>,
        output: &Path,
        progress: &dyn BuildProgress,
    ) -> Result<BuildReport, Error> {
        let out_dir = match output.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let temp_root = self.temp_dir.clone().unwrap_or_else(|| out_dir.clone());
        let temp = TempDir::create(&temp_root)?;

        let total_len = inputs.iter().map(|i| i.len).sum::<Option<u64>>();
        progress.stage(BuildStage::Partition, total_len);
        let partition = Partition::create(&temp.path)?;
        let formats = self.partition(inputs, &partition, progress)?;
        let (bucket_records, input_records) = partition.finish()?;

        let total_records: u64 = bucket_records.iter().sum();
        let shard_bits = (0..=format::MAX_SHARD_BITS)
            .find(|bits| total_records.div_ceil(1 << bits) <= self.max_shard_keys)
            .unwrap_or(format::MAX_SHARD_BITS);

        let partial = output.with_file_name(format!(
            "{}.partial-{}",
            output
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "breach".into()),
            std::process::id()
        ));
        progress.stage(BuildStage::Build, Some(total_records));
        let written = self.write_shards(&temp.path, shard_bits, input_records, &partial, progress);
        let info = match written {
            Ok(info) => info,
            Err(error) => {
                let _ = fs::remove_file(&partial);
                return Err(error);
            }
        };
        fs::rename(&partial, output).map_err(|e| {
            let _ = fs::remove_file(&partial);
            Error::io(output, e)
        })?;
        Ok(BuildReport { info, formats })
    }

    /// First pass: every input into the bucket files.
    fn partition(
        &self,
        inputs: Vec<CorpusInput>,
        partition: &Partition,
        progress: &dyn BuildProgress,
    ) -> Result<Vec<InputFormat>, Error> {
        let (sender, receiver) = mpsc::sync_channel::<Chunk>(self.threads * 2);
        let receiver = Mutex::new(receiver);
        let failed = AtomicBool::new(false);
        let first_error: Mutex<Option<Error>> = Mutex::new(None);
        let record_error = |error: Error| {
            failed.store(true, Ordering::Relaxed);
            let mut slot = first_error.lock().unwrap_or_else(PoisonError::into_inner);
            slot.get_or_insert(error);
        };

        let formats = std::thread::scope(|scope| {
            for _ in 0..self.threads {
                scope.spawn(|| {
                    let mut buckets: Vec<Vec<u8>> = vec![Vec::new(); BUCKETS];
                    loop {
                        let chunk = {
                            let receiver = receiver.lock().unwrap_or_else(PoisonError::into_inner);
                            receiver.recv()
                        };
                        let Ok(chunk) = chunk else { break };
                        if failed.load(Ordering::Relaxed) {
                            continue;
                        }
                        let result = parse_chunk(&chunk, &mut buckets)
                            .and_then(|records| partition.append(&mut buckets, records));
                        match result {
                            Ok(()) => progress.advance(chunk.data.len() as u64),
                            Err(error) => record_error(error),
                        }
                    }
                });
            }
            let mut formats = Vec::new();
            for input in inputs {
                if failed.load(Ordering::Relaxed) {
                    break;
                }
                match read_input(input, self.format, &sender, &failed) {
                    Ok(format) => formats.push(format),
                    Err(error) => record_error(error),
                }
            }
            drop(sender);
            formats
        });
        match first_error
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
        {
            Some(error) => Err(error),
            None => Ok(formats),
        }
    }

    /// Second pass: builds every shard (in parallel) and writes them in order.
    fn write_shards(
        &self,
        bucket_dir: &Path,
        shard_bits: u32,
        input_records: u64,
        partial: &Path,
        progress: &dyn BuildProgress,
    ) -> Result<CorpusInfo, Error> {
        let shard_count = 1usize << shard_bits;
        let header_len = format::header_len(shard_count);
        let file = File::create(partial).map_err(|e| Error::io(partial, e))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let io = |e| Error::io(partial, e);
        out.write_all(&vec![0u8; header_len]).map_err(io)?;

        let next_shard = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let (sender, receiver) = mpsc::channel::<(usize, Result<BuiltShard, Error>)>();
        let min_count = self.min_count;
        let mut descriptors = Vec::with_capacity(shard_count);
        let mut data_hasher = Sha1::new();
        let mut position = header_len as u64;
        let mut entry_count = 0u64;
        let mut below_min_count = 0u64;

        let written: Result<(), Error> = std::thread::scope(|scope| {
            for _ in 0..self.threads.min(shard_count) {
                let sender = sender.clone();
                let (next_shard, failed) = (&next_shard, &failed);
                scope.spawn(move || {
                    loop {
                        let shard = next_shard.fetch_add(1, Ordering::Relaxed);
                        if shard >= shard_count || failed.load(Ordering::Relaxed) {
                            break;
                        }
                        let built = build_shard(bucket_dir, shard, shard_bits, min_count, progress);
                        if built.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        if sender.send((shard, built)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(sender);
            let mut pending = BTreeMap::new();
            for (index, built) in receiver {
                pending.insert(index, built);
                while let Some(built) = pending.remove(&descriptors.len()) {
                    let built = built?;
                    let padding = (8 - position % 8) % 8;
                    let zeros = [0u8; 8];
                    out.write_all(&zeros[..padding as usize]).map_err(io)?;
                    data_hasher.update(&zeros[..padding as usize]);
                    position += padding;
                    let bytes = fingerprint_bytes(&built.filter.fingerprints);
                    out.write_all(&bytes).map_err(io)?;
                    data_hasher.update(&bytes);
                    let descriptor = &built.filter.descriptor;
                    descriptors.push(ShardDescriptor {
                        seed: descriptor.seed,
                        segment_length: descriptor.segment_length,
                        segment_length_mask: descriptor.segment_length_mask,
                        segment_count_length: descriptor.segment_count_length,
                        fingerprint_offset: position,
                        fingerprint_count: built.filter.fingerprints.len() as u64,
                        key_count: built.key_count,
                    });
                    position += bytes.len() as u64;
                    entry_count += built.key_count;
                    below_min_count += built.below_min_count;
                }
            }
            Ok(())
        });
        written?;
        if descriptors.len() != shard_count {
            return Err(Error::new(ErrorKind::Internal(format!(
                "{} of {shard_count} shards were built",
                descriptors.len()
            ))));
        }
        let info = CorpusInfo {
            format_version: FORMAT_VERSION,
            entry_count,
            file_len: position,
            fingerprint_bits: 16,
            shard_count,
            min_count: self.min_count,
            false_positive_bound: FALSE_POSITIVE_BOUND,
            input_records,
            below_min_count,
            data_checksum: data_hasher.finalize().into(),
        };
        let header = format::encode_header(&info, shard_bits, &descriptors);
        let mut file = out.into_inner().map_err(|e| io(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(&header).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(info)
    }
}

/// Little-endian bytes of the fingerprints.
fn fingerprint_bytes(fingerprints: &[u16]) -> Vec<u8> {
    fingerprints.iter().flat_map(|f| f.to_le_bytes()).collect()
}

/// A temporary directory removed (with its content) when dropped.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn create(root: &Path) -> Result<Self, Error> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = root.join(format!(".npp-breach-build-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// The bucket files of the first pass.
struct Partition {
    dir: PathBuf,
    writers: Mutex<(Vec<BufWriter<File>>, Vec<u64>, u64)>,
}

fn bucket_path(dir: &Path, bucket: usize) -> PathBuf {
    dir.join(format!("bucket-{bucket:03}"))
}

impl Partition {
    fn create(dir: &Path) -> Result<Self, Error> {
        let writers = (0..BUCKETS)
            .map(|bucket| {
                let path = bucket_path(dir, bucket);
                File::create(&path)
                    .map(|f| BufWriter::with_capacity(64 << 10, f))
                    .map_err(|e| Error::io(&path, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Partition {
            dir: dir.to_path_buf(),
            writers: Mutex::new((writers, vec![0; BUCKETS], 0)),
        })
    }

    /// Appends a worker's parsed records and empties its buffers.
    fn append(&self, buckets: &mut [Vec<u8>], records: u64) -> Result<(), Error> {
        let mut guard = self.writers.lock().unwrap_or_else(PoisonError::into_inner);
        let (writers, counts, total) = &mut *guard;
        *total += records;
        for (bucket, data) in buckets.iter_mut().enumerate() {
            if data.is_empty() {
                continue;
            }
            writers[bucket]
                .write_all(data)
                .map_err(|e| Error::io(&bucket_path(&self.dir, bucket), e))?;
            counts[bucket] += (data.len() / RECORD_LEN) as u64;
            data.clear();
        }
        Ok(())
    }

    /// Flushes every bucket; returns the records per bucket and the input records read.
    fn finish(self) -> Result<(Vec<u64>, u64), Error> {
        let (writers, counts, total) = self
            .writers
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        for (bucket, mut writer) in writers.into_iter().enumerate() {
            writer
                .flush()
                .map_err(|e| Error::io(&bucket_path(&self.dir, bucket), e))?;
        }
        Ok((counts, total))
    }
}

/// A piece of one input that ends at a line boundary.
struct Chunk {
    input: String,
    offset: u64,
    format: InputFormat,
    data: Vec<u8>,
}

/// Reads one input into chunks for the workers. Returns the format it was read as.
fn read_input(
    input: CorpusInput,
    format: InputFormat,
    sender: &mpsc::SyncSender<Chunk>,
    failed: &AtomicBool,
) -> Result<InputFormat, Error> {
    let CorpusInput { name, reader, .. } = input;
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let read_error = |e: std::io::Error| Error::new(ErrorKind::Io(format!("reading {name}: {e}")));
    let mut format = format;
    let mut offset = 0u64;
    let mut carry: Vec<u8> = Vec::new();
    loop {
        if failed.load(Ordering::Relaxed) {
            return Ok(format);
        }
        let mut data = Vec::with_capacity(CHUNK_LEN + carry.len());
        data.append(&mut carry);
        let mut at_end = false;
        // Read until the chunk holds at least one complete line, or the input ends.
        loop {
            let before = data.len();
            (&mut reader)
                .take(CHUNK_LEN as u64)
                .read_to_end(&mut data)
                .map_err(read_error)?;
            if data.len() == before {
                at_end = true;
                break;
            }
            if data[before..].contains(&b'\n') {
                break;
            }
        }
        if !at_end {
            if let Some(last) = data.iter().rposition(|b| *b == b'\n') {
                carry.extend_from_slice(&data[last + 1..]);
                data.truncate(last + 1);
            }
        }
        if data.is_empty() {
            return Ok(format);
        }
        if format == InputFormat::Auto {
            format = detect_format(&data);
        }
        let len = data.len() as u64;
        let chunk = Chunk {
            input: name.clone(),
            offset,
            format,
            data,
        };
        if sender.send(chunk).is_err() {
            return Ok(format);
        }
        offset += len;
        if at_end && carry.is_empty() {
            return Ok(format);
        }
    }
}

/// SHA-1 when every one of the first non-empty lines is a SHA-1 line, plain otherwise.
fn detect_format(data: &[u8]) -> InputFormat {
    let mut lines = data
        .split(|b| *b == b'\n')
        .map(strip_cr)
        .filter(|line| !line.is_empty())
        .take(DETECT_LINES)
        .peekable();
    if lines.peek().is_none() {
        return InputFormat::Plain;
    }
    if lines.all(|line| parse_sha1_line(line).is_some()) {
        InputFormat::Sha1
    } else {
        InputFormat::Plain
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// `HEX40` or `HEX40:COUNT`, surrounding spaces and tabs allowed. The count saturates.
fn parse_sha1_line(line: &[u8]) -> Option<([u8; 20], u32)> {
    let line = line.trim_ascii();
    if line.len() < 40 {
        return None;
    }
    let mut digest = [0u8; 20];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = hex_value(line[2 * i])? << 4 | hex_value(line[2 * i + 1])?;
    }
    let rest = &line[40..];
    let count = match rest.split_first() {
        None => 1,
        Some((b':', digits)) if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => {
            digits.iter().fold(0u32, |n, d| {
                n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
            })
        }
        _ => return None,
    };
    Some((digest, count))
}

/// Parses a chunk into per-bucket record buffers; returns the number of records.
fn parse_chunk(chunk: &Chunk, buckets: &mut [Vec<u8>]) -> Result<u64, Error> {
    let mut records = 0u64;
    let mut line_start = 0usize;
    for line in chunk.data.split(|b| *b == b'\n') {
        let start = line_start;
        line_start += line.len() + 1;
        let line = strip_cr(line);
        if line.is_empty() {
            continue;
        }
        let (digest, count) = match chunk.format {
            InputFormat::Sha1 => parse_sha1_line(line).ok_or_else(|| {
                Error::new(ErrorKind::InvalidFile(format!(
                    "{}: the line at byte {} is not a SHA-1 line (40 hex digits, optionally ':COUNT'); use --format plain for a password list",
                    chunk.input,
                    chunk.offset + start as u64
                )))
            })?,
            _ => (password_digest(line), 1),
        };
        let bucket = &mut buckets[usize::from(digest[0])];
        bucket.extend_from_slice(&filter_key(&digest).to_le_bytes());
        bucket.extend_from_slice(&count.to_le_bytes());
        records += 1;
    }
    Ok(records)
}

struct BuiltShard {
    filter: BinaryFuse16,
    key_count: u64,
    below_min_count: u64,
}

/// Reads a shard's buckets, merges duplicate keys and builds its filter.
fn build_shard(
    bucket_dir: &Path,
    shard: usize,
    shard_bits: u32,
    min_count: u32,
    progress: &dyn BuildProgress,
) -> Result<BuiltShard, Error> {
    let buckets_per_shard = BUCKETS >> shard_bits;
    let first = shard * buckets_per_shard;
    let mut records: Vec<(u64, u32)> = Vec::new();
    for bucket in first..first + buckets_per_shard {
        let path = bucket_path(bucket_dir, bucket);
        let len = fs::metadata(&path).map_err(|e| Error::io(&path, e))?.len();
        records.reserve((len / RECORD_LEN as u64) as usize);
        let mut reader =
            BufReader::with_capacity(1 << 20, File::open(&path).map_err(|e| Error::io(&path, e))?);
        let mut record = [0u8; RECORD_LEN];
        for _ in 0..len / RECORD_LEN as u64 {
            reader
                .read_exact(&mut record)
                .map_err(|e| Error::io(&path, e))?;
            let mut key = [0u8; 8];
            key.copy_from_slice(&record[..8]);
            let mut count = [0u8; 4];
            count.copy_from_slice(&record[8..]);
            records.push((u64::from_le_bytes(key), u32::from_le_bytes(count)));
        }
        drop(reader);
        // The bucket is no longer needed: give its disk space back early.
        let _ = fs::remove_file(&path);
    }
    let record_count = records.len() as u64;
    records.sort_unstable_by_key(|(key, _)| *key);
    let mut keys: Vec<u64> = Vec::with_capacity(records.len());
    let mut below_min_count = 0u64;
    let mut index = 0;
    while index < records.len() {
        let key = records[index].0;
        let mut count = 0u32;
        while index < records.len() && records[index].0 == key {
            count = count.saturating_add(records[index].1);
            index += 1;
        }
        if count >= min_count {
            keys.push(key);
        } else {
            below_min_count += 1;
        }
    }
    drop(records);
    let filter = BinaryFuse16::try_from(&keys).map_err(|why| {
        Error::new(ErrorKind::Internal(format!(
            "building the filter of shard {shard} failed: {why}"
        )))
    })?;
    progress.advance(record_count);
    Ok(BuiltShard {
        filter,
        key_count: keys.len() as u64,
        below_min_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_lines() {
        let hex = "7C4A8D09CA3762AF61E59520943DC26494F8941B";
        let (digest, count) = parse_sha1_line(format!("{hex}:24230577").as_bytes()).unwrap();
        assert_eq!(digest, password_digest(b"123456"));
        assert_eq!(count, 24230577);
        assert_eq!(parse_sha1_line(hex.to_lowercase().as_bytes()).unwrap().1, 1);
        assert_eq!(
            parse_sha1_line(format!("{hex}:99999999999").as_bytes())
                .unwrap()
                .1,
            u32::MAX
        );
        assert!(parse_sha1_line(format!("{hex}:").as_bytes()).is_none());
        assert!(parse_sha1_line(format!("{hex}x").as_bytes()).is_none());
        assert!(parse_sha1_line(&hex.as_bytes()[..39]).is_none());
        assert!(parse_sha1_line(b"password").is_none());
    }

    #[test]
    fn detection() {
        let hex = "7C4A8D09CA3762AF61E59520943DC26494F8941B:3\r\n";
        assert_eq!(detect_format(hex.repeat(3).as_bytes()), InputFormat::Sha1);
        assert_eq!(
            detect_format(format!("{hex}hunter2\n").as_bytes()),
            InputFormat::Plain
        );
        assert_eq!(detect_format(b"\n\n"), InputFormat::Plain);
    }
}
