//! Proptest strategies for a tool's arguments, built from the tool's own `inputSchema`: a
//! subset of JSON Schema 2020-12 (`type` object/string/integer/number/boolean/array/null,
//! `properties`, `required`, `enum`, `const`, `minimum`/`maximum` and their exclusive forms,
//! `minLength`/`maxLength`, `minItems`/`maxItems`, `items`, `default`, `anyOf`/`oneOf`).
//! A keyword outside it is honoured by generating its `default` when the schema gives one;
//! otherwise the tool cannot be probed, and the error says which keyword stopped it.
//!
//! What is generated is only a candidate: the caller checks each value against the schema
//! with a real validator, so a gap here costs a discarded case, never a false verdict.
//!
//! Nothing generated points outside this machine (see `local_values`): a string whose
//! `format` names a place (`uri`, `hostname`, `email`, `ipv4`, …) is one on `.invalid` or
//! loopback, a free string has no character that could make it a URL, an address or a
//! domain, and a `default`, `enum` or `const` of the schema that names an outside place is
//! never used (a schema that offers nothing else cannot be probed).

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::scenario::server::local_values::{FREE_CHAR_EXCLUDED, for_format, points_outside};

/// Keywords that only annotate, or that the generator can ignore because it never produces
/// what they forbid (no properties beyond `properties`, so `additionalProperties` holds).
const IGNORED: [&str; 17] = [
    "$schema",
    "$id",
    "$comment",
    "$defs",
    "definitions",
    "title",
    "description",
    "examples",
    "format",
    "deprecated",
    "readOnly",
    "writeOnly",
    "contentMediaType",
    "contentEncoding",
    "additionalProperties",
    "unevaluatedProperties",
    "nullable",
];

/// Keywords the generator honours.
const UNDERSTOOD: [&str; 17] = [
    "type",
    "properties",
    "required",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "items",
    "default",
    "anyOf",
    "oneOf",
];

/// Deeper than this, a nested schema is generated from its `default` or not at all.
const MAX_DEPTH: usize = 4;

/// Integers stay within 32 bits unless the schema bounds them otherwise: large enough to
/// reach a server's overflow and range bugs, small enough that a sum of two fits anywhere.
const INT_SPAN: i64 = i32::MAX as i64;

/// Numbers stay within ±this unless the schema bounds them.
const NUMBER_SPAN: f64 = 1e6;

/// The longest string generated beyond `minLength`, and the most extra array items.
const EXTRA_CHARS: usize = 24;
const EXTRA_ITEMS: usize = 4;

/// Values `schema` should accept.
pub(super) fn valid(schema: &Value) -> Result<BoxedStrategy<Value>, String> {
    strategy(schema, 0)
}

/// Values `schema` should refuse: a valid object with one required property removed or one
/// property of the wrong type. `None` when the schema names no property to break.
pub(super) fn invalid(schema: &Value) -> Result<Option<BoxedStrategy<Value>>, String> {
    let breaks = mutations(schema);
    if breaks.is_empty() {
        return Ok(None);
    }
    let base = valid(schema)?;
    Ok(Some(
        (base, proptest::sample::select(breaks))
            .prop_map(|(value, mutation)| mutation.apply(value))
            .boxed(),
    ))
}

/// One way to break a valid object.
#[derive(Clone, Debug)]
enum Mutation {
    /// A required property left out.
    Remove(String),
    /// A property given a value of a type its schema does not allow.
    WrongType(String, Value),
}

impl Mutation {
    fn apply(self, mut value: Value) -> Value {
        if let Value::Object(map) = &mut value {
            match self {
                Self::Remove(name) => {
                    map.remove(&name);
                }
                Self::WrongType(name, wrong) => {
                    map.insert(name, wrong);
                }
            }
        }
        value
    }
}

/// Every mutation of the top-level object `schema` describes.
fn mutations(schema: &Value) -> Vec<Mutation> {
    let mut all: Vec<Mutation> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|name| Mutation::Remove(name.to_owned()))
        .collect();
    if let Some(props) = schema["properties"].as_object() {
        for (name, def) in props {
            let allowed = types_of(def);
            if allowed.is_empty() {
                continue;
            }
            let wrong = [
                json!("a string"),
                json!(12345),
                json!(1.5),
                json!(true),
                json!([]),
                json!({}),
            ]
            .into_iter()
            .find(|v| !allowed.iter().any(|t| is_of_type(v, t)));
            if let Some(wrong) = wrong {
                all.push(Mutation::WrongType(name.clone(), wrong));
            }
        }
    }
    all
}

/// The types `def` allows, from `type` (a name or a list of names).
fn types_of(def: &Value) -> Vec<&str> {
    match &def["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

/// Whether `v` is of JSON Schema type `t` (an integer is a number too).
fn is_of_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => false,
    }
}

fn strategy(schema: &Value, depth: usize) -> Result<BoxedStrategy<Value>, String> {
    // A default that names an outside place is the server's business, not a value to send.
    let default = schema
        .get("default")
        .filter(|d| !points_outside(d))
        .cloned();
    let fallback = |why: String| match &default {
        Some(d) => Ok(Just(d.clone()).boxed()),
        None => Err(why),
    };
    let def = match schema {
        Value::Bool(true) => return Ok(plain()),
        Value::Bool(false) => return Err("a `false` schema accepts nothing".into()),
        Value::Object(def) => def,
        other => return Err(format!("a schema that is not an object: {other}")),
    };
    if depth > MAX_DEPTH {
        return fallback(format!("nested deeper than {MAX_DEPTH}"));
    }
    if let Some(keyword) = def
        .keys()
        .find(|k| !IGNORED.contains(&k.as_str()) && !UNDERSTOOD.contains(&k.as_str()))
    {
        return fallback(format!("`{keyword}` is not supported"));
    }
    if let Some(c) = def.get("const") {
        if points_outside(c) {
            return fallback(format!("its `const` {c} names a place off this machine"));
        }
        return Ok(Just(c.clone()).boxed());
    }
    if let Some(Value::Array(options)) = def.get("enum") {
        if options.is_empty() {
            return Err("an empty `enum` accepts nothing".into());
        }
        let local: Vec<Value> = options
            .iter()
            .filter(|o| !points_outside(o))
            .cloned()
            .collect();
        if local.is_empty() {
            return fallback("every `enum` value names a place off this machine".into());
        }
        return Ok(proptest::sample::select(local).boxed());
    }
    if let Some(Value::Array(branches)) = def.get("anyOf").or_else(|| def.get("oneOf")) {
        let each = branches
            .iter()
            .map(|b| strategy(b, depth + 1))
            .collect::<Result<Vec<_>, _>>();
        return match each {
            Ok(each) if !each.is_empty() => Ok(proptest::strategy::Union::new(each).boxed()),
            Ok(_) => Err("an empty `anyOf`/`oneOf`".into()),
            Err(why) => fallback(why),
        };
    }
    let mut types = types_of(schema);
    if types.is_empty() {
        if def.contains_key("properties") || def.contains_key("required") {
            types.push("object");
        } else {
            return Ok(plain());
        }
    }
    let each = types
        .iter()
        .map(|t| of_type(def, t, depth))
        .collect::<Result<Vec<_>, _>>();
    match each {
        Ok(mut each) if each.len() == 1 => Ok(each.remove(0)),
        Ok(each) => Ok(proptest::strategy::Union::new(each).boxed()),
        Err(why) => fallback(why),
    }
}

/// A value with no constraint: null, a boolean, a small integer or a short string.
fn plain() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-1000i64..=1000).prop_map(Value::from),
        "[a-z]{0,8}".prop_map(Value::from),
    ]
    .boxed()
}

fn of_type(
    def: &Map<String, Value>,
    t: &str,
    depth: usize,
) -> Result<BoxedStrategy<Value>, String> {
    let number = |k: &str| def.get(k).and_then(Value::as_f64);
    Ok(match t {
        "null" => Just(Value::Null).boxed(),
        "boolean" => any::<bool>().prop_map(Value::from).boxed(),
        "integer" => {
            let mut lo = -INT_SPAN;
            let mut hi = INT_SPAN;
            if let Some(m) = number("minimum") {
                lo = lo.max(m.ceil() as i64);
            }
            if let Some(m) = number("exclusiveMinimum") {
                lo = lo.max(m.floor() as i64 + 1);
            }
            if let Some(m) = number("maximum") {
                hi = hi.min(m.floor() as i64);
            }
            if let Some(m) = number("exclusiveMaximum") {
                hi = hi.min(m.ceil() as i64 - 1);
            }
            if lo > hi {
                return Err(format!("no integer lies between {lo} and {hi}"));
            }
            (lo..=hi).prop_map(Value::from).boxed()
        }
        "number" => {
            // Exclusive bounds are met by the validator's filter, not here.
            let lo = number("minimum")
                .or_else(|| number("exclusiveMinimum"))
                .unwrap_or(-NUMBER_SPAN);
            let hi = number("maximum")
                .or_else(|| number("exclusiveMaximum"))
                .unwrap_or(NUMBER_SPAN)
                .max(lo);
            (lo..=hi).prop_map(Value::from).boxed()
        }
        "string" => {
            // A place on this machine or nowhere; its length is the validator's to judge.
            if let Some(format) = def.get("format").and_then(Value::as_str)
                && for_format(format, "").is_some()
            {
                let format = format.to_owned();
                return Ok("[a-z0-9]{0,8}"
                    .prop_map(move |path| Value::from(for_format(&format, &path)))
                    .boxed());
            }
            let (min, max) = span(def, "minLength", "maxLength", EXTRA_CHARS)?;
            let char = proptest::char::any()
                .prop_filter("a character that could form a URL", |c| {
                    !FREE_CHAR_EXCLUDED.contains(c)
                });
            proptest::collection::vec(char, min..=max)
                .prop_map(|chars| Value::String(chars.into_iter().collect()))
                .boxed()
        }
        "array" => {
            let (min, max) = span(def, "minItems", "maxItems", EXTRA_ITEMS)?;
            let item = match def.get("items") {
                Some(items) => strategy(items, depth + 1)?,
                None => plain(),
            };
            proptest::collection::vec(item, min..=max)
                .prop_map(Value::Array)
                .boxed()
        }
        "object" => object(def, depth)?,
        other => return Err(format!("unknown type {other:?}")),
    })
}

/// The lengths to generate for a string or an array: from its `min` keyword (0 without
/// one) to its `max` keyword, at most `extra` beyond the minimum.
fn span(
    def: &Map<String, Value>,
    min: &str,
    max: &str,
    extra: usize,
) -> Result<(usize, usize), String> {
    let count = |k: &str| {
        def.get(k)
            .and_then(Value::as_u64)
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
    };
    let lo = count(min).unwrap_or(0);
    let hi = count(max)
        .unwrap_or(usize::MAX)
        .min(lo.saturating_add(extra));
    if lo > hi {
        return Err(format!("`{min}` {lo} is above `{max}` {hi}"));
    }
    Ok((lo, hi))
}

/// An object with every required property and any of the optional ones.
fn object(def: &Map<String, Value>, depth: usize) -> Result<BoxedStrategy<Value>, String> {
    let required: Vec<&str> = def
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let empty = Map::new();
    let props = def
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    for (name, sub) in props {
        let name = name.clone();
        let value = strategy(sub, depth + 1).map_err(|why| format!("`{name}`: {why}"))?;
        if required.contains(&name.as_str()) {
            fields.push(value.prop_map(move |v| Some((name.clone(), v))).boxed());
        } else {
            fields.push(proptest::option::of(value.prop_map(move |v| (name.clone(), v))).boxed());
        }
    }
    // A required property the schema does not describe takes any value.
    for name in required.iter().filter(|n| !props.contains_key(**n)) {
        let name = (*name).to_owned();
        fields.push(plain().prop_map(move |v| Some((name.clone(), v))).boxed());
    }
    Ok(fields
        .prop_map(|fields| Value::Object(fields.into_iter().flatten().collect()))
        .boxed())
}

#[cfg(test)]
mod tests {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    use super::*;

    fn samples(strategy: &BoxedStrategy<Value>, n: usize) -> Vec<Value> {
        let mut runner = TestRunner::deterministic();
        (0..n)
            .filter_map(|_| strategy.new_tree(&mut runner).ok())
            .map(|t| t.current())
            .collect()
    }

    #[test]
    fn generated_values_match_the_schema_they_come_from() {
        let schema = json!({"type": "object", "required": ["n", "s"], "properties": {
            "n": {"type": "integer", "minimum": 1, "maximum": 9},
            "s": {"type": "string", "minLength": 2, "maxLength": 3},
            "k": {"enum": ["a", "b"]},
            "xs": {"type": "array", "items": {"type": "boolean"}, "maxItems": 2},
            "o": {"type": ["object", "null"], "properties": {"x": {"const": 1}}}
        }});
        let validator = jsonschema::validator_for(&schema).expect("a valid schema");
        let valid = valid(&schema).expect("a strategy");
        for v in samples(&valid, 64) {
            assert!(validator.is_valid(&v), "{v}");
        }
        let invalid = invalid(&schema).expect("a strategy").expect("mutations");
        for v in samples(&invalid, 64) {
            assert!(!validator.is_valid(&v), "{v}");
        }
    }

    #[test]
    fn nothing_generated_points_outside_this_machine() {
        let schema = json!({"type": "object", "required": ["u", "h", "e", "ip", "s", "k", "d"],
        "properties": {
            "u": {"type": "string", "format": "uri"},
            "h": {"type": "string", "format": "hostname"},
            "e": {"type": "string", "format": "email"},
            "ip": {"type": "string", "format": "ipv4"},
            "s": {"type": "string", "minLength": 20},
            "k": {"enum": ["https://example.com/a", "local"]},
            "d": {"type": "string", "pattern": "^h", "default": "https://example.com/"}
        }});
        // `d` has an outside default and a pattern the generator cannot honour.
        let why = valid(&schema).expect_err("no value for d");
        assert!(why.contains("`d`"), "{why}");
        let mut schema = schema;
        schema["properties"]["d"]["default"] = json!("http://127.0.0.1:9/");
        let strategy = valid(&schema).expect("a strategy");
        let drawn = samples(&strategy, 128);
        assert!(!drawn.is_empty());
        for v in drawn {
            assert!(!points_outside(&v), "{v}");
            assert_eq!(v["k"], "local", "{v}");
            assert!(
                v["u"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("http://mcp-conformance.invalid/")),
                "{v}"
            );
            let free = v["s"].as_str().expect("a string");
            assert!(!free.contains(FREE_CHAR_EXCLUDED), "{v}");
        }
        let only_outside = json!({"const": "https://example.com/"});
        assert!(valid(&only_outside).is_err());
    }

    #[test]
    fn an_unsupported_keyword_falls_back_to_the_default_or_says_which() {
        let with_default = json!({"type": "string", "pattern": "^a+$", "default": "aa"});
        let s = valid(&with_default).expect("the default");
        assert_eq!(samples(&s, 3), vec![json!("aa"); 3]);
        let without = json!({"type": "object", "properties": {"p": {"$ref": "#/$defs/x"}}});
        let why = valid(&without).expect_err("no strategy");
        assert!(why.contains("`p`") && why.contains("$ref"), "{why}");
    }
}
