//! PHP 8's comparison of a configured value with a length, and PHP truthiness.

use std::cmp::Ordering;

use proptest::prelude::*;
use regex::Regex;

use native_password_policy::policy::PolicyValue;

use crate::strategies::{policy_value, short_bytes};

/// PHP 8's numeric strings, spelled out as a regular expression: optional leading and trailing
/// whitespace, a sign, digits with an optional fraction, an optional exponent.
fn php_numeric(text: &[u8]) -> Option<f64> {
    let pattern =
        Regex::new(r"^[ \t\n\r\x0b\x0c]*([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?)[ \t\n\r\x0b\x0c]*$")
            .unwrap();
    let text = std::str::from_utf8(text).ok()?;
    let number = pattern.captures(text)?.get(1)?.as_str();
    number.parse::<f64>().ok()
}

/// `$len <=> $value` as PHP 8 evaluates it, written from the language's rules.
fn php_compare(len: i64, value: &PolicyValue) -> Option<Ordering> {
    match value {
        PolicyValue::Null => Some((len != 0).cmp(&false)),
        PolicyValue::Bool(b) => Some((len != 0).cmp(b)),
        PolicyValue::Int(i) => Some(len.cmp(i)),
        // None: NaN, which is neither smaller nor greater.
        PolicyValue::Float(f) => (len as f64).partial_cmp(f),
        PolicyValue::Str(s) => match php_numeric(s) {
            Some(_) => {
                // Integers stay integers when they fit; everything else compares as a float.
                let text = std::str::from_utf8(s)
                    .unwrap()
                    .trim_matches(|c: char| " \t\n\r\x0b\x0c".contains(c));
                match text.parse::<i64>() {
                    Ok(i) => Some(len.cmp(&i)),
                    Err(_) => (len as f64).partial_cmp(&php_numeric(s).unwrap()),
                }
            }
            None => Some(len.to_string().as_bytes().cmp(s.as_slice())),
        },
    }
}

fn lengths() -> impl Strategy<Value = i64> {
    prop_oneof![0i64..100, 0i64..i64::MAX]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn comparisons_follow_php_8(value in policy_value(), len in lengths()) {
        let expected = php_compare(len, &value);
        prop_assert_eq!(value.php_greater_than(len), expected == Some(Ordering::Less), "{:?} > {}", value, len);
        prop_assert_eq!(value.php_less_than(len), expected == Some(Ordering::Greater), "{:?} < {}", value, len);
    }

    #[test]
    fn any_string_compares_as_php_8_does(text in prop_oneof![
        short_bytes(),
        "[ \t\n+.eE0-9-]{0,8}".prop_map(String::into_bytes),
        "[0-9]{1,25}".prop_map(String::into_bytes),
    ], len in lengths()) {
        let value = PolicyValue::Str(text);
        let expected = php_compare(len, &value);
        prop_assert_eq!(value.php_greater_than(len), expected == Some(Ordering::Less), "{:?} > {}", value, len);
        prop_assert_eq!(value.php_less_than(len), expected == Some(Ordering::Greater), "{:?} < {}", value, len);
    }

    #[test]
    fn numbers_are_monotone_in_the_length(value in policy_value(), len in 0i64..1000) {
        prop_assume!(!matches!(&value, PolicyValue::Str(s) if php_numeric(s).is_none()));
        // Once the length reaches the value, it stays there.
        prop_assert!(value.php_greater_than(len) >= value.php_greater_than(len + 1));
        prop_assert!(value.php_less_than(len) <= value.php_less_than(len + 1));
        prop_assert!(!(value.php_greater_than(len) && value.php_less_than(len)));
    }

    #[test]
    fn truthiness_follows_php(value in policy_value()) {
        let expected = match &value {
            PolicyValue::Null => false,
            PolicyValue::Bool(b) => *b,
            PolicyValue::Int(i) => *i != 0,
            PolicyValue::Float(f) => f.is_nan() || *f != 0.0,
            PolicyValue::Str(s) => !(s.is_empty() || s.as_slice() == b"0"),
        };
        prop_assert_eq!(value.is_truthy(), expected);
    }
}
