//! Secrets in memory: buffers that are wiped when dropped and never show their content.
//!
//! Every copy the engine makes of a password, of something derived from it (a normalised or
//! folded form, a digest) or of a generated password or hash lives in one of these types, so it
//! is overwritten with zeros when it is dropped (the `zeroize` crate). Two rules follow:
//! - a buffer that grows must not reallocate behind our back, since the old allocation would be
//!   freed unwiped: [`SecretBuf`] grows by copying into a fresh wiped buffer itself;
//! - `Debug` never prints a secret: [`SecretString`] prints its length only.

use std::fmt;
use std::ops::Deref;

use zeroize::Zeroizing;

/// A byte buffer holding secret data, wiped when dropped (including every allocation it grew
/// out of).
#[derive(Default)]
pub(crate) struct SecretBuf {
    bytes: Zeroizing<Vec<u8>>,
}

impl SecretBuf {
    /// An empty buffer with room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        SecretBuf {
            bytes: Zeroizing::new(Vec::with_capacity(capacity)),
        }
    }

    /// Makes room for `additional` more bytes. When the buffer must grow, the content moves to
    /// a new allocation and the old one is wiped as it is dropped.
    fn reserve(&mut self, additional: usize) {
        let needed = self.bytes.len().saturating_add(additional);
        if needed <= self.bytes.capacity() {
            return;
        }
        let capacity = needed.max(self.bytes.capacity().saturating_mul(2)).max(16);
        let mut grown = Zeroizing::new(Vec::with_capacity(capacity));
        grown.extend_from_slice(&self.bytes);
        self.bytes = grown;
    }

    /// Appends bytes.
    pub(crate) fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.reserve(bytes.len());
        self.bytes.extend_from_slice(bytes);
    }

    /// Appends one byte.
    pub(crate) fn push(&mut self, byte: u8) {
        self.reserve(1);
        self.bytes.push(byte);
    }

    /// Appends a character, UTF-8 encoded.
    pub(crate) fn push_char(&mut self, c: char) {
        let mut encoded = [0u8; 4];
        self.extend_from_slice(c.encode_utf8(&mut encoded).as_bytes());
    }

    /// The bytes as text, when they are UTF-8 (they are whenever only `push_char` and UTF-8
    /// slices were appended).
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes).unwrap_or_default()
    }

    /// Turns the buffer into a [`SecretString`]; `None` when it is not UTF-8.
    pub(crate) fn into_secret_string(mut self) -> Option<SecretString> {
        let bytes = std::mem::take(&mut *self.bytes);
        match String::from_utf8(bytes) {
            Ok(text) => Some(SecretString(Zeroizing::new(text))),
            Err(error) => {
                // Wipe the bytes the error hands back.
                drop(Zeroizing::new(error.into_bytes()));
                None
            }
        }
    }
}

impl Deref for SecretBuf {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for SecretBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBuf(<{} bytes, not shown>)", self.bytes.len())
    }
}

/// A secret text the engine hands out (a generated password or token, a password hash): wiped
/// when dropped, and shown by `Debug` as its length only. Read it with [`SecretString::expose`]
/// (or through `Deref`), and do not keep copies.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Takes a string (which should not have reallocated while it was built: its earlier
    /// allocations are beyond reach).
    pub fn new(text: String) -> Self {
        SecretString(Zeroizing::new(text))
    }

    /// The secret text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Deref for SecretString {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretString(<{} bytes, not shown>)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growing_keeps_the_content() {
        let mut buf = SecretBuf::with_capacity(2);
        for i in 0..1000u32 {
            buf.push((i % 251) as u8);
        }
        buf.push_char('ß');
        buf.extend_from_slice(b"end");
        assert_eq!(buf.len(), 1005);
        assert_eq!(buf[999], (999 % 251) as u8);
        assert_eq!(&buf[1000..], "ßend".as_bytes());
    }

    #[test]
    fn debug_shows_no_content() {
        let secret = SecretString::new("hunter2-correct-horse".to_owned());
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("21 bytes"), "{shown}");
        let mut buf = SecretBuf::default();
        buf.extend_from_slice(b"hunter2");
        assert!(!format!("{buf:?}").contains("hunter2"));
        assert_eq!(buf.into_secret_string().unwrap().expose(), "hunter2");
        let mut invalid = SecretBuf::default();
        invalid.push(0xff);
        assert!(invalid.into_secret_string().is_none());
    }
}
