//! Policy values as PHP holds them, with PHP 8's comparison and truthiness rules.
//!
//! Core's checks compare the configured value with `strlen($password)` using PHP's `>` and `<`
//! and test flags with PHP truthiness. Operators may configure ints, floats, bools, null or
//! strings, so exact parity needs PHP's rules for each of them, not Rust's.

use std::cmp::Ordering;

/// A scalar policy value exactly as PHP holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyValue {
    /// PHP `null`.
    Null,
    /// PHP `true` / `false`.
    Bool(bool),
    /// PHP integer.
    Int(i64),
    /// PHP float.
    Float(f64),
    /// PHP string (bytes, not necessarily UTF-8).
    Str(Vec<u8>),
}

/// A PHP number, as produced by `is_numeric_string`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    Int(i64),
    Float(f64),
}

impl PolicyValue {
    /// PHP truthiness (`zend_is_true`), as used by `if ( $policyVal && ... )`.
    pub fn is_truthy(&self) -> bool {
        match self {
            Self::Null => false,
            Self::Bool(b) => *b,
            Self::Int(i) => *i != 0,
            // NaN is truthy in PHP, as `NaN != 0.0` is in Rust.
            Self::Float(f) => *f != 0.0,
            Self::Str(s) => !(s.is_empty() || s.as_slice() == b"0"),
        }
    }

    /// PHP's `$this > $len` for a non-negative integer `$len`.
    pub fn php_greater_than(&self, len: i64) -> bool {
        match self {
            // The VM compares a float and an int as two floats with C's `<`: NaN is never greater.
            Self::Float(f) => (len as f64) < *f,
            _ => compare_int_with(len, self) == Ordering::Less,
        }
    }

    /// True when `$this` compares with integers as a number (every value but a non-numeric
    /// string): then [`Self::php_greater_than`] and [`Self::php_less_than`] are monotone in
    /// `$len`, and a range of lengths that agree at both ends agree throughout.
    pub(crate) fn compares_as_number(&self) -> bool {
        match self {
            Self::Str(s) => numeric_string(s).is_some(),
            _ => true,
        }
    }

    /// PHP's `$this < $len` for a non-negative integer `$len`.
    pub fn php_less_than(&self, len: i64) -> bool {
        match self {
            Self::Float(f) => *f < len as f64,
            _ => compare_int_with(len, self) == Ordering::Greater,
        }
    }
}

/// `zend_compare($len, $value)` for an integer on the left.
fn compare_int_with(len: i64, value: &PolicyValue) -> Ordering {
    match value {
        // null and bools compare as booleans.
        PolicyValue::Null => bool_compare(len != 0, false),
        PolicyValue::Bool(b) => bool_compare(len != 0, *b),
        PolicyValue::Int(i) => len.cmp(i),
        PolicyValue::Float(f) => float_three_way(len as f64, *f),
        PolicyValue::Str(s) => match numeric_string(s) {
            Some(Number::Int(i)) => len.cmp(&i),
            Some(Number::Float(f)) => float_three_way(len as f64, f),
            // A non-numeric string is compared with the integer's decimal form, byte by byte.
            None => len.to_string().as_bytes().cmp(s.as_slice()),
        },
    }
}

fn bool_compare(left: bool, right: bool) -> Ordering {
    left.cmp(&right)
}

/// `ZEND_THREEWAY_COMPARE` for doubles: anything involving NaN counts as "greater".
fn float_three_way(left: f64, right: f64) -> Ordering {
    if left == right {
        Ordering::Equal
    } else if left < right {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

fn is_php_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// PHP 8's `is_numeric_string` without errors allowed: optional surrounding whitespace, an
/// optional sign, digits with an optional fraction and exponent. Anything else is not numeric.
fn numeric_string(bytes: &[u8]) -> Option<Number> {
    let start = bytes.iter().position(|b| !is_php_whitespace(*b))?;
    let end = bytes.iter().rposition(|b| !is_php_whitespace(*b))? + 1;
    let body = &bytes[start..end];

    let mut pos = 0;
    if matches!(body.first(), Some(b'+' | b'-')) {
        pos += 1;
    }
    let int_start = pos;
    while body.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    let int_digits = pos - int_start;
    let mut is_float = false;
    if body.get(pos) == Some(&b'.') {
        let frac_start = pos + 1;
        let mut frac_end = frac_start;
        while body.get(frac_end).is_some_and(u8::is_ascii_digit) {
            frac_end += 1;
        }
        if int_digits == 0 && frac_end == frac_start {
            return None;
        }
        is_float = true;
        pos = frac_end;
    } else if int_digits == 0 {
        return None;
    }
    if matches!(body.get(pos), Some(b'e' | b'E')) {
        let mut exp = pos + 1;
        if matches!(body.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        if body.get(exp).is_some_and(u8::is_ascii_digit) {
            while body.get(exp).is_some_and(u8::is_ascii_digit) {
                exp += 1;
            }
            is_float = true;
            pos = exp;
        }
    }
    if pos != body.len() {
        return None;
    }
    // The grammar above only admits ASCII, so this cannot fail.
    let text = std::str::from_utf8(body).ok()?;
    if !is_float {
        // Integers that overflow a PHP int become floats, as in PHP.
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::Int(i));
        }
    }
    text.parse::<f64>().ok().map(Number::Float)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> PolicyValue {
        PolicyValue::Str(text.as_bytes().to_vec())
    }

    macro_rules! numeric {
        ($name:ident, $input:expr, $expected:expr) => {
            #[test]
            fn $name() {
                assert_eq!(numeric_string($input), $expected);
            }
        };
    }

    numeric!(numeric_plain_int, b"10", Some(Number::Int(10)));
    numeric!(
        numeric_surrounding_space,
        b" \t10\n ",
        Some(Number::Int(10))
    );
    numeric!(numeric_signed, b"-3", Some(Number::Int(-3)));
    numeric!(numeric_plus, b"+7", Some(Number::Int(7)));
    numeric!(numeric_fraction, b"7.5", Some(Number::Float(7.5)));
    numeric!(numeric_leading_dot, b".5", Some(Number::Float(0.5)));
    numeric!(numeric_trailing_dot, b"5.", Some(Number::Float(5.0)));
    numeric!(numeric_exponent, b"1e3", Some(Number::Float(1000.0)));
    numeric!(numeric_signed_exponent, b"1E-1", Some(Number::Float(0.1)));
    numeric!(
        numeric_overflow,
        b"99999999999999999999",
        Some(Number::Float(1e20))
    );
    numeric!(not_numeric_empty, b"", None);
    numeric!(not_numeric_space, b"   ", None);
    numeric!(not_numeric_dot, b".", None);
    numeric!(not_numeric_trailing_garbage, b"10abc", None);
    numeric!(not_numeric_hex, b"0x1A", None);
    numeric!(not_numeric_bare_exponent, b"1e", None);
    numeric!(not_numeric_nul, b"1\0", None);
    numeric!(not_numeric_inner_space, b"1 0", None);
    numeric!(not_numeric_inf, b"inf", None);

    #[test]
    fn comparisons_follow_php_8() {
        // `$v > 5` and `$v < 5` as PHP 8 evaluates them.
        let cases: Vec<(PolicyValue, bool, bool)> = vec![
            (PolicyValue::Int(10), true, false),
            (PolicyValue::Int(5), false, false),
            (PolicyValue::Float(5.5), true, false),
            (PolicyValue::Float(f64::NAN), false, false),
            (PolicyValue::Null, false, true),
            (PolicyValue::Bool(true), false, false),
            (PolicyValue::Bool(false), false, true),
            (s("10"), true, false),
            (s(" 4 "), false, true),
            (s("abc"), true, false),
            (s("10abc"), false, true),
            (s(""), false, true),
        ];
        for (value, greater, less) in cases {
            assert_eq!(value.php_greater_than(5), greater, "{value:?} > 5");
            assert_eq!(value.php_less_than(5), less, "{value:?} < 5");
        }
        // Against zero, booleans and null flip.
        assert!(PolicyValue::Bool(true).php_greater_than(0));
        assert!(!PolicyValue::Null.php_less_than(0));
    }

    #[test]
    fn truthiness_follows_php() {
        assert!(!PolicyValue::Null.is_truthy());
        assert!(!s("0").is_truthy());
        assert!(!s("").is_truthy());
        assert!(s("0.0").is_truthy());
        assert!(s(" ").is_truthy());
        assert!(!PolicyValue::Int(0).is_truthy());
        assert!(!PolicyValue::Float(0.0).is_truthy());
        assert!(!PolicyValue::Float(-0.0).is_truthy());
        assert!(PolicyValue::Float(f64::NAN).is_truthy());
        assert!(PolicyValue::Int(-1).is_truthy());
    }
}
