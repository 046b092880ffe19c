//! EngineConfig from arbitrary bytes and JSON; engines from any configuration.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Value, json};

use native_password_policy::engine::{Engine, EngineConfig, WordListConfig};

use crate::strategies::bytes;

const KEYS: [&str; 8] = [
    "commonPasswordsFile",
    "breachCorpusFile",
    "wordLists",
    "normalizeNfkc",
    "siteName",
    "denyWords",
    "denyPatterns",
    "unknownKey",
];

/// Any JSON value, a few levels deep, with keys that are often the configuration's own.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::from),
            btree_map(
                prop_oneof![
                    prop::sample::select(&KEYS[..]).prop_map(str::to_owned),
                    "[a-z]{1,8}"
                ],
                inner,
                0..5
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A valid configuration, and the JSON the PHP side would send for it.
fn valid_config() -> impl Strategy<Value = (EngineConfig, Value)> {
    (
        prop::option::of("/[a-z]{1,8}/[a-z.]{1,8}"),
        prop::option::of("/[a-z]{1,8}\\.npp"),
        vec(("/[a-z]{1,8}\\.txt", any::<bool>()), 0..3),
        any::<bool>(),
        ".{0,20}",
        vec("[a-z]{1,8}", 0..3),
        vec("\\^[a-z]{1,5}", 0..3),
    )
        .prop_map(|(common, breach, lists, nfkc, site, words, patterns)| {
            let config = EngineConfig {
                common_passwords_file: common.clone().map(Into::into),
                breach_corpus_file: breach.clone().map(Into::into),
                word_lists: lists
                    .iter()
                    .map(|(path, ci)| WordListConfig { path: path.into(), case_insensitive: *ci })
                    .collect(),
                normalize_nfkc: nfkc,
                site_name: site.clone(),
                deny_words: words.clone(),
                deny_patterns: patterns.clone(),
            };
            let json = json!({
                "commonPasswordsFile": common,
                "breachCorpusFile": breach,
                "wordLists": lists.iter().map(|(path, ci)| json!({"path": path, "caseInsensitive": ci})).collect::<Vec<_>>(),
                "normalizeNfkc": nfkc,
                "siteName": site,
                "denyWords": words,
                "denyPatterns": patterns,
            });
            (config, json)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn any_bytes_parse_or_give_a_config_error(input in bytes()) {
        if let Err(error) = EngineConfig::from_json(&input) {
            prop_assert_eq!(error.code(), "invalid-config");
        }
    }

    #[test]
    fn any_json_parses_or_gives_a_config_error(value in json_value()) {
        let text = serde_json::to_vec(&value).unwrap();
        match EngineConfig::from_json(&text) {
            Ok(config) => {
                prop_assert!(value.is_object());
                prop_assert!(value.as_object().unwrap().keys().all(|k| KEYS[..7].contains(&k.as_str())));
                Engine::new(&config);
            }
            Err(error) => prop_assert_eq!(error.code(), "invalid-config"),
        }
    }

    #[test]
    fn valid_configurations_parse_to_what_they_say((config, json) in valid_config()) {
        let parsed = EngineConfig::from_json(json.to_string().as_bytes()).unwrap();
        prop_assert_eq!(&parsed, &config);
        // An unknown key is refused, by name.
        let mut wrong = json.clone();
        wrong["denyWord"] = json!(["x"]);
        let error = EngineConfig::from_json(wrong.to_string().as_bytes()).unwrap_err();
        prop_assert!(error.to_string().contains("denyWord"), "{}", error);
    }

    #[test]
    fn every_missing_file_is_one_problem((config, _) in valid_config()) {
        // The paths are made up: none exists.
        let engine = Engine::new(&config);
        let files = usize::from(config.common_passwords_file.is_some())
            + usize::from(config.breach_corpus_file.is_some())
            + config.word_lists.len();
        let problems = engine.problems();
        prop_assert_eq!(problems.len(), files, "{:?}", problems);
    }
}
