//! Conversions between PHP values and core types.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::ffi::{Bucket, IS_UNDEF};
use ext_php_rs::flags::DataType;
use ext_php_rs::types::{ArrayKey, ZendHashTable, ZendStr, Zval};

use super::exception::EngineError;
use crate::Error;
use crate::lists::LoadedFile;
use crate::policy::{
    CheckId, Failure, MessageParam, PolicyEntry, PolicyValue, Severity, Subject, Verdict,
};

type Converted<T> = Result<T, EngineError>;

fn invalid(message: impl Into<String>) -> EngineError {
    EngineError::InvalidArgument(message.into())
}

pub(super) fn table_error(error: ext_php_rs::error::Error) -> EngineError {
    EngineError::Internal(format!("building a PHP array failed: {error}"))
}

pub(super) fn unknown_check(name: &[u8]) -> EngineError {
    invalid(format!("unknown check '{}'", String::from_utf8_lossy(name)))
}

/// A scalar policy value; arrays and objects are refused (the PHP side keeps core's check for them).
pub(super) fn policy_value(value: &Zval) -> Converted<PolicyValue> {
    let value = value.dereference();
    Ok(match value.get_type() {
        DataType::Null | DataType::Undef => PolicyValue::Null,
        DataType::True => PolicyValue::Bool(true),
        DataType::False => PolicyValue::Bool(false),
        DataType::Bool => PolicyValue::Bool(value.is_true()),
        DataType::Long => PolicyValue::Int(value.long().unwrap_or_default()),
        DataType::Double => PolicyValue::Float(value.double().unwrap_or_default()),
        DataType::String => PolicyValue::Str(
            value
                .zend_str()
                .map(|s| s.as_bytes().to_vec())
                .unwrap_or_default(),
        ),
        other => {
            return Err(invalid(format!(
                "policy values must be scalars, got {other}"
            )));
        }
    })
}

/// The optional `$context` array: more about the account than its name.
#[derive(Default)]
pub(super) struct SubjectContext {
    real_name: Vec<u8>,
    email: Vec<u8>,
}

impl SubjectContext {
    const KEYS: [&str; 2] = ["realName", "email"];

    /// Reads `['realName' => string, 'email' => string]`; null values count as absent, other
    /// keys are refused so that a misspelt key is noticed.
    pub(super) fn from_table(table: Option<&ZendHashTable>) -> Converted<Self> {
        let mut context = SubjectContext::default();
        let Some(table) = table else {
            return Ok(context);
        };
        for (key, value) in table.iter() {
            let key = key.to_string();
            let slot = match key.as_str() {
                "realName" => &mut context.real_name,
                "email" => &mut context.email,
                _ => {
                    return Err(invalid(format!(
                        "unknown context key '{key}' (known: {})",
                        Self::KEYS.join(", ")
                    )));
                }
            };
            let value = value.dereference();
            if value.is_null() {
                continue;
            }
            let text = value
                .zend_str()
                .ok_or_else(|| invalid(format!("context '{key}' must be a string or null")))?;
            *slot = text.as_bytes().to_vec();
        }
        Ok(context)
    }

    pub(super) fn subject<'a>(&'a self, username: &'a [u8]) -> Subject<'a> {
        Subject {
            username,
            real_name: &self.real_name,
            email: &self.email,
        }
    }
}

fn flag(table: &ZendHashTable, key: &str) -> bool {
    table.get(key).is_some_and(|v| v.dereference().is_true())
}

/// The entries of an effective policy, plus the PHP value of each native entry (echoed back
/// as message parameter, exactly as given).
pub(super) fn policy_entries(
    table: &ZendHashTable,
) -> Converted<(Vec<PolicyEntry>, Vec<Option<Zval>>)> {
    let mut entries = Vec::with_capacity(table.len());
    let mut values = Vec::with_capacity(table.len());
    for (_, entry) in table.iter() {
        let entry = entry
            .dereference()
            .array()
            .ok_or_else(|| invalid("each policy entry must be an array"))?;
        let force_change = flag(entry, "forceChange");
        let suggest_change_on_login = flag(entry, "suggestChangeOnLogin");
        match entry.get("check") {
            Some(name) => {
                let name = name
                    .dereference()
                    .zend_str()
                    .ok_or_else(|| invalid("'check' must be a string"))?
                    .as_bytes();
                let check = CheckId::from_name(name).ok_or_else(|| unknown_check(name))?;
                let value = entry
                    .get("value")
                    .ok_or_else(|| invalid("native entry without 'value'"))?;
                entries.push(PolicyEntry::Native {
                    check,
                    value: policy_value(value)?,
                    force_change,
                    suggest_change_on_login,
                });
                values.push(Some(value.dereference().shallow_clone()));
            }
            None => {
                entries.push(PolicyEntry::External {
                    good: flag(entry, "good"),
                    ok: flag(entry, "ok"),
                    force_change,
                    suggest_change_on_login,
                });
                values.push(None);
            }
        }
    }
    Ok((entries, values))
}

fn failure_table(
    entry: Option<usize>,
    failure: &Failure,
    value: Option<&Zval>,
) -> Converted<ZBox<ZendHashTable>> {
    let mut table = ZendHashTable::new();
    if let Some(entry) = entry {
        table.insert("entry", entry as i64).map_err(table_error)?;
    }
    table
        .insert("message", failure.message)
        .map_err(table_error)?;
    let mut params = ZendHashTable::new();
    for param in &failure.params {
        match param {
            MessageParam::PolicyValue => {
                let value = value.map(Zval::shallow_clone).unwrap_or_default();
                params.push(value).map_err(table_error)?;
            }
            MessageParam::Int(number) => params.push(*number).map_err(table_error)?,
        }
    }
    table.insert("params", params).map_err(table_error)?;
    table
        .insert("fatal", failure.severity == Severity::Fatal)
        .map_err(table_error)?;
    Ok(table)
}

/// A list of failures of one check, whose configured value is `value`.
pub(super) fn failure_list<'a>(
    failures: impl Iterator<Item = (Option<usize>, &'a Failure)>,
    value: &Zval,
) -> Converted<ZBox<ZendHashTable>> {
    let mut list = ZendHashTable::new();
    for (entry, failure) in failures {
        list.push(failure_table(entry, failure, Some(value.dereference()))?)
            .map_err(table_error)?;
    }
    Ok(list)
}

pub(super) fn verdict(
    verdict: &Verdict,
    values: &[Option<Zval>],
) -> Converted<ZBox<ZendHashTable>> {
    let mut failures = ZendHashTable::new();
    for (index, failure) in &verdict.failures {
        let value = values.get(*index).and_then(Option::as_ref);
        failures
            .push(failure_table(Some(*index), failure, value)?)
            .map_err(table_error)?;
    }
    let mut table = ZendHashTable::new();
    table.insert("failures", failures).map_err(table_error)?;
    table
        .insert("forceChange", verdict.force_change)
        .map_err(table_error)?;
    table
        .insert("suggestChangeOnLogin", verdict.suggest_change_on_login)
        .map_err(table_error)?;
    Ok(table)
}

/// `HASH_FLAG_PACKED` of zend_hash.h (a macro, so not in the bindings): the array is a list,
/// whose elements have no string keys.
const HASH_FLAG_PACKED: u32 = 1 << 2;

/// The string-keyed elements of a PHP array, in order, read from its buckets. ext-php-rs's
/// iterator calls into PHP three times a step (about 125 instructions); an effective policy is
/// read this way on every evaluation.
fn string_keyed(table: &ZendHashTable) -> impl Iterator<Item = (&ZendStr, &Zval)> {
    // SAFETY: `u.flags` is always initialised. An array that is not packed keeps its elements
    // in `arData`, `nNumUsed` buckets; the array is borrowed for as long as the slice.
    let buckets: &[Bucket] = unsafe {
        if table.u.flags & HASH_FLAG_PACKED != 0 || table.nNumUsed == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(table.__bindgen_anon_1.arData, table.nNumUsed as usize)
        }
    };
    buckets.iter().filter_map(|bucket| {
        // A deleted element stays as an UNDEF bucket (Z_TYPE, the low byte of type_info, read
        // directly: get_type() is a call); an integer key has no key string.
        // SAFETY: every zval's type_info is initialised.
        if unsafe { bucket.val.u1.type_info } & 0xff == IS_UNDEF {
            return None;
        }
        // SAFETY: a non-null key of a live bucket is a zend_string owned by the array.
        let key = unsafe { bucket.key.as_ref() }?;
        Some((key, &bucket.val))
    })
}

/// One entry of a MediaWiki effective policy that the module evaluates.
pub(super) struct NamedEntry<'a> {
    /// The entry's key in the policy (PHP's string, referenced, not copied).
    name: &'a ZendStr,
    pub(super) check: CheckId,
    pub(super) value: PolicyValue,
    /// The configured value itself, for the failures' parameters.
    zval: &'a Zval,
}

/// The entries of `policy` (name => value or ['value' => value, ...]) that `checks` (name =>
/// native check) names, with a value of a type the module takes; the others are left out.
/// Keys are read as PHP holds them, so that skipped entries cost no allocation.
pub(super) fn mediawiki_policy<'a>(
    policy: &'a ZendHashTable,
    checks: &ZendHashTable,
) -> Converted<Vec<NamedEntry<'a>>> {
    let mut entries = Vec::with_capacity(checks.len().min(policy.len()));
    for (name, settings) in string_keyed(policy) {
        // Looked up with the hash PHP already computed for the key.
        let Some(check) = checks.get(ArrayKey::ZendString(name)) else {
            continue;
        };
        let check = check
            .dereference()
            .zend_str()
            .ok_or_else(|| invalid("check names must be strings"))?
            .as_bytes();
        let check = CheckId::from_name(check).ok_or_else(|| unknown_check(check))?;
        let settings = settings.dereference();
        let value = match settings.array() {
            Some(table) => match string_keyed(table).find(|(key, _)| key.as_bytes() == b"value") {
                Some((_, value)) => value.dereference(),
                None => continue,
            },
            None => settings,
        };
        let Ok(policy_value) = policy_value(value) else {
            continue;
        };
        entries.push(NamedEntry {
            name,
            check,
            value: policy_value,
            zval: value,
        });
    }
    Ok(entries)
}

/// What `Engine::evaluatePolicy()` returns for the outcomes of `entries`.
pub(super) fn outcomes_by_name(
    entries: &[NamedEntry],
    outcomes: &[Result<Vec<Failure>, Error>],
) -> Converted<Zval> {
    let evaluated = i64::try_from(entries.len()).unwrap_or(i64::MAX);
    let mut result = Zval::new();
    if outcomes
        .iter()
        .all(|outcome| outcome.as_ref().is_ok_and(Vec::is_empty))
    {
        result.set_long(evaluated);
        return Ok(result);
    }
    let mut failures = ZendHashTable::new();
    let mut unavailable = ZendHashTable::new();
    for (entry, outcome) in entries.iter().zip(outcomes) {
        let name = ArrayKey::ZendString(entry.name);
        match outcome {
            Ok(list) if list.is_empty() => {}
            Ok(list) => {
                let list = failure_list(list.iter().map(|f| (None, f)), entry.zval)?;
                failures.insert(name, list).map_err(table_error)?;
            }
            Err(error) => {
                unavailable
                    .insert(name, error.to_string())
                    .map_err(table_error)?;
            }
        }
    }
    let mut table = ZendHashTable::new();
    table.insert("evaluated", evaluated).map_err(table_error)?;
    table.insert("failures", failures).map_err(table_error)?;
    table
        .insert("unavailable", unavailable)
        .map_err(table_error)?;
    result.set_hashtable(table);
    Ok(result)
}

/// The files engines have loaded, as a list of arrays (see `Engine::loadedFiles()`).
pub(super) fn loaded_files(files: &[LoadedFile]) -> Converted<ZBox<ZendHashTable>> {
    let mut list = ZendHashTable::new();
    for file in files {
        let mut row = ZendHashTable::new();
        row.insert("kind", file.kind).map_err(table_error)?;
        row.insert("path", file.path.to_string_lossy().into_owned())
            .map_err(table_error)?;
        row.insert("bytes", i64::try_from(file.file_bytes).unwrap_or(i64::MAX))
            .map_err(table_error)?;
        let entries = file.entries.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        row.insert("entries", entries).map_err(table_error)?;
        row.insert("detail", file.detail.as_ref().ok().cloned())
            .map_err(table_error)?;
        row.insert("error", file.detail.as_ref().err().map(|e| e.to_string()))
            .map_err(table_error)?;
        list.push(row).map_err(table_error)?;
    }
    Ok(list)
}
