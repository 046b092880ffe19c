//! A strict reader of `wikimedia/common-passwords` 0.5's `common.php`, never evaluating PHP:
//!
//! ```text
//! <?php return [
//! '123456' => 1,
//! 'pic\\\'s' => 1,
//! ];
//! ```
//!
//! Accepted: `<?php`, whitespace, `return`, `[`, entries `'key' => 1` separated by commas
//! (a trailing comma allowed), `]`, `;`, whitespace to the end. Whitespace is PHP's: space,
//! tab, `\r`, `\n`, anywhere between tokens. Keys are PHP single-quoted strings: `\\` is one
//! backslash, `\'` a quote, every other backslash is literal, and any byte (newlines, NUL,
//! invalid UTF-8) may occur. Anything else is an error naming its line.

use crate::error::{Error, ErrorKind};

/// PHP's whitespace between tokens.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

/// The first line of the `<?php return [` shape, which tells this format from others.
pub(super) fn looks_like_php(file: &[u8]) -> bool {
    file.starts_with(b"<?php")
}

struct Reader<'a> {
    file: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    /// "line N: expected X, found Y" for the current position.
    fn error(&self, expected: &str) -> Error {
        self.error_at(self.at, expected)
    }

    fn error_at(&self, at: usize, expected: &str) -> Error {
        let line = memchr::memchr_iter(b'\n', &self.file[..at]).count() + 1;
        let rest = &self.file[at..];
        let found = if rest.is_empty() {
            "the end of the file".to_owned()
        } else {
            let shown = &rest[..rest.len().min(24)];
            let shown = shown.split(|&b| b == b'\n').next().unwrap_or(shown);
            // A single quote (the keys' delimiter) is shown as it is, other bytes as Rust escapes them.
            let shown: String = shown
                .iter()
                .map(|&b| match b {
                    b'\'' => "'".to_owned(),
                    _ => b.escape_ascii().to_string(),
                })
                .collect();
            format!("\"{shown}\"")
        };
        Error::new(ErrorKind::InvalidFile(format!(
            "not a common-password list (PHP array): line {line}: expected {expected}, found {found}"
        )))
    }

    fn skip_space(&mut self) {
        while self.file.get(self.at).is_some_and(|&b| is_space(b)) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.file.get(self.at).copied()
    }

    fn expect(&mut self, token: &[u8], expected: &str) -> Result<(), Error> {
        if self.file[self.at..].starts_with(token) {
            self.at += token.len();
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    /// A single-quoted string at the opening quote; its value goes to `key` (a slice of the
    /// file when it has no escape, else decoded into `scratch`).
    fn string(&mut self, scratch: &mut Vec<u8>, key: &mut impl FnMut(&[u8])) -> Result<(), Error> {
        let start = self.at;
        self.at += 1;
        let body = self.at;
        let mut decoded = false;
        scratch.clear();
        loop {
            let Some(offset) = memchr::memchr2(b'\'', b'\\', &self.file[self.at..]) else {
                return Err(self.error_at(start, "a string closed by '"));
            };
            let special = self.at + offset;
            if self.file[special] == b'\'' {
                if decoded {
                    scratch.extend_from_slice(&self.file[self.at..special]);
                    key(scratch);
                } else {
                    key(&self.file[body..special]);
                }
                self.at = special + 1;
                return Ok(());
            }
            // A backslash: only `\\` and `\'` are escapes; any other stays as it is.
            match self.file.get(special + 1) {
                Some(&escaped @ (b'\\' | b'\'')) => {
                    if !decoded {
                        scratch.extend_from_slice(&self.file[body..special]);
                        decoded = true;
                    } else {
                        scratch.extend_from_slice(&self.file[self.at..special]);
                    }
                    scratch.push(escaped);
                    self.at = special + 2;
                }
                _ => {
                    if decoded {
                        scratch.extend_from_slice(&self.file[self.at..special + 1]);
                    }
                    self.at = special + 1;
                }
            }
        }
    }
}

/// Calls `key` with each key of the array, in file order (duplicates included), or says
/// which line is not of the shape.
pub(super) fn read_keys(file: &[u8], mut key: impl FnMut(&[u8])) -> Result<(), Error> {
    let mut reader = Reader { file, at: 0 };
    reader.expect(b"<?php", "'<?php' at the start of the file")?;
    if !reader.peek().is_some_and(is_space) {
        return Err(reader.error("whitespace after '<?php'"));
    }
    reader.skip_space();
    reader.expect(b"return", "'return'")?;
    reader.skip_space();
    reader.expect(b"[", "'[' after 'return'")?;
    let mut scratch = Vec::new();
    loop {
        reader.skip_space();
        match reader.peek() {
            Some(b']') => break,
            Some(b'\'') => reader.string(&mut scratch, &mut key)?,
            _ => return Err(reader.error("a single-quoted key or ']'")),
        }
        // The spelling of every entry of the shipped file, taken in one step.
        if reader.file[reader.at..].starts_with(b" => 1,") {
            reader.at += 6;
            continue;
        }
        reader.skip_space();
        reader.expect(b"=>", "'=>' after the key")?;
        reader.skip_space();
        reader.expect(b"1", "the value 1")?;
        reader.skip_space();
        match reader.peek() {
            Some(b',') => reader.at += 1,
            Some(b']') => break,
            _ => return Err(reader.error("',' or ']' after the value 1")),
        }
    }
    reader.at += 1;
    reader.skip_space();
    reader.expect(b";", "';' after ']'")?;
    reader.skip_space();
    if reader.at != file.len() {
        return Err(reader.error("nothing after '];'"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(file: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
        let mut keys = Vec::new();
        read_keys(file, |key| keys.push(key.to_vec()))?;
        Ok(keys)
    }

    #[test]
    fn reads_the_shape_of_common_php() {
        let file = b"<?php return [\n'123456' => 1,\n'password' => 1,\n\n];\n";
        assert_eq!(keys(file).unwrap(), [&b"123456"[..], b"password"]);
        assert_eq!(
            keys(b"<?php return [\n];\n").unwrap(),
            Vec::<Vec<u8>>::new()
        );
        assert_eq!(keys(b"<?php return [];").unwrap(), Vec::<Vec<u8>>::new());
    }

    #[test]
    fn whitespace_as_php_allows_it() {
        let file = b"<?php\r\n\treturn\n[ 'a'=>1 ,\r\n'b'\t=>\n1\n]\n;\r\n\n";
        assert_eq!(keys(file).unwrap(), [b"a", b"b"]);
        assert_eq!(
            keys(b"<?php return['a'=>1];").unwrap(),
            [b"a"],
            "no comma after the last"
        );
    }

    #[test]
    fn single_quoted_escapes() {
        let file = br"<?php return [
'pic\\\'s' => 1,
'\\' => 1,
'\'' => 1,
'a\nb' => 1,
'\x41\0' => 1,
'ends in \\\\' => 1,
'\\\\\\' => 1,
'\q\\q' => 1,
];";
        assert_eq!(
            keys(file).unwrap(),
            [
                &br"pic\'s"[..],
                br"\",
                b"'",
                br"a\nb",
                br"\x41\0",
                br"ends in \\",
                br"\\\",
                br"\q\q",
            ]
        );
    }

    #[test]
    fn keys_hold_any_bytes() {
        let file = b"<?php return [\n'' => 1,\n'two\nlines' => 1,\n'\0\xff\xfe\r' => 1,\n'  spaced ' => 1,\n];\n";
        assert_eq!(
            keys(file).unwrap(),
            [&b""[..], b"two\nlines", b"\0\xff\xfe\r", b"  spaced "]
        );
    }

    #[test]
    fn duplicates_are_passed_on() {
        assert_eq!(
            keys(b"<?php return ['a' => 1, 'a' => 1];").unwrap(),
            [b"a", b"a"]
        );
    }

    #[test]
    fn anything_else_is_an_error_with_its_line() {
        let cases: [(&[u8], &str); 20] = [
            (
                b"",
                "line 1: expected '<?php' at the start of the file, found the end of the file",
            ),
            (
                b" <?php return [];",
                "line 1: expected '<?php' at the start",
            ),
            (
                b"<?phpreturn [];",
                "line 1: expected whitespace after '<?php', found \"return [];\"",
            ),
            (
                b"<?php\n/** doc */\nreturn [];",
                "line 2: expected 'return', found \"/** doc */\"",
            ),
            (b"<?php RETURN [];", "line 1: expected 'return'"),
            (
                b"<?php return array(\n'a' => 1);",
                "line 1: expected '[' after 'return'",
            ),
            (
                b"<?php return [\n'a' => 1,\n\"b\" => 1,\n];",
                "line 3: expected a single-quoted key or ']', found \"\\\"b\\\" => 1,\"",
            ),
            (
                b"<?php return [\n'a' => 1,\n'b' = 1,\n];",
                "line 3: expected '=>' after the key",
            ),
            (
                b"<?php return [\n'a' => true,\n];",
                "line 2: expected the value 1, found \"true,\"",
            ),
            (
                b"<?php return [\n'a' => 10,\n];",
                "line 2: expected ',' or ']' after the value 1, found \"0,\"",
            ),
            (
                b"<?php return [\n'a' => 1.5,\n];",
                "line 2: expected ',' or ']' after the value 1",
            ),
            (
                b"<?php return [\n'a' => 1\n'b' => 1,\n];",
                "line 3: expected ',' or ']' after the value 1",
            ),
            (
                b"<?php return [\n'a' => 1,,\n];",
                "line 2: expected a single-quoted key or ']', found \",\"",
            ),
            (
                b"<?php return [\n'a\nb\n' => 1,\n'c' => 1 // x\n];",
                "line 5: expected ',' or ']'",
            ),
            (
                b"<?php return [\n'a' => 1,\n'open => 1,\n];\n",
                "line 3: expected a string closed by ', found \"'open => 1,\"",
            ),
            (
                b"<?php return [\n'a\\' => 1,\n];",
                "line 2: expected a string closed by '",
            ),
            (
                b"<?php return [\n'a' => 1,\n]",
                "line 3: expected ';' after ']', found the end of the file",
            ),
            (
                b"<?php return [\n'a' => 1,\n];\n?>\n",
                "line 4: expected nothing after '];', found \"?>\"",
            ),
            (
                b"<?php return [\n'a' => 1,\n];\nreturn [];",
                "line 4: expected nothing after '];'",
            ),
            (
                b"<?php return [\n'a' => 1,\n",
                "line 3: expected a single-quoted key or ']', found the end of the file",
            ),
        ];
        for (file, message) in cases {
            let error = keys(file).unwrap_err();
            assert_eq!(error.code(), "invalid-file");
            let error = error.to_string();
            let message =
                format!("invalid file: not a common-password list (PHP array): {message}");
            assert!(
                error.starts_with(&message),
                "{:?}: {error:?} does not start with {message:?}",
                file.escape_ascii().to_string()
            );
        }
    }
}
