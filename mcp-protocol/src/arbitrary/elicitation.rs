//! Strategies for elicitation (`elicitation/create`, `notifications/elicitation/complete`)
//! and the restricted JSON Schema of its forms.

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::{Number, Value};

use super::common::*;
use crate::methods::*;
use crate::types::*;

/// A value a form field offers or an option's `const`.
fn choice() -> impl Strategy<Value = String> {
    "[A-Za-z#0-9]{1,8}"
}

/// The options of a select: distinct values, at least one.
fn choices() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::btree_set(choice(), 1..4).prop_map(|s| s.into_iter().collect())
}

/// Some of `values`, for a multi-select's `default`.
fn some_of(values: Vec<String>) -> impl Strategy<Value = (Vec<String>, Option<Vec<String>>)> {
    let n = values.len();
    (
        Just(values),
        option::of(proptest::sample::subsequence(
            (0..n).collect::<Vec<_>>(),
            0..=n,
        )),
    )
        .prop_map(|(values, picked)| {
            let default = picked.map(|ix| ix.into_iter().map(|i| values[i].clone()).collect());
            (values, default)
        })
}

/// One of `values` or nothing, for a single-select's `default`.
fn one_of(values: Vec<String>) -> impl Strategy<Value = (Vec<String>, Option<String>)> {
    let n = values.len();
    (Just(values), option::of(0..n)).prop_map(|(values, i)| {
        let default = i.map(|i| values[i].clone());
        (values, default)
    })
}

/// Label and help text.
fn labels() -> impl Strategy<Value = (Option<String>, Option<String>)> {
    (option::of(text()), option::of(text()))
}

/// `minItems` ≤ `maxItems` when both are given.
fn item_bounds() -> impl Strategy<Value = (Option<u64>, Option<u64>)> {
    (option::of(0u64..3), option::of(0u64..4)).prop_map(|(min, extra)| {
        let max = extra.map(|e| min.unwrap_or(0) + e);
        (min, max)
    })
}

impl Arbitrary for StringFormat {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// The four formats the schemas allow.
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop::sample::select(vec![Self::EMAIL, Self::URI, Self::DATE, Self::DATE_TIME])
            .prop_map(|f| Self(f.to_owned()))
            .boxed()
    }
}

impl Arbitrary for StringSchema {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            labels(),
            item_bounds(),
            option::of(any::<StringFormat>()),
            option::of(text()),
            extra(),
        )
            .prop_map(
                |((title, description), (min_length, max_length), format, default, extra)| Self {
                    kind: StringType::String,
                    title,
                    description,
                    min_length,
                    max_length,
                    format,
                    default,
                    extra,
                },
            )
            .boxed()
    }
}

/// A bound or default of a number field: whole for `integer`, any finite number otherwise.
fn number_of(kind: NumberType) -> BoxedStrategy<Number> {
    match kind {
        NumberType::Integer => (-1000i64..1000).prop_map(Number::from).boxed(),
        NumberType::Number => prop_oneof![
            (-1000i64..1000).prop_map(Number::from),
            finite().prop_filter_map("finite", Number::from_f64),
        ]
        .boxed(),
    }
}

impl Arbitrary for NumberSchema {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![Just(NumberType::Number), Just(NumberType::Integer)]
            .prop_flat_map(|kind| {
                (
                    Just(kind),
                    labels(),
                    option::of(number_of(kind)),
                    option::of(number_of(kind)),
                    option::of(number_of(kind)),
                    extra(),
                )
            })
            .prop_map(
                |(kind, (title, description), minimum, maximum, default, extra)| Self {
                    kind,
                    title,
                    description,
                    minimum,
                    maximum,
                    default,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for BooleanSchema {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (labels(), option::of(any::<bool>()), extra())
            .prop_map(|((title, description), default, extra)| Self {
                kind: BooleanType::Boolean,
                title,
                description,
                default,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for UntitledSingleSelectEnumSchema {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (labels(), choices().prop_flat_map(one_of), extra())
            .prop_map(|((title, description), (values, default), extra)| Self {
                kind: StringType::String,
                title,
                description,
                values,
                default,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for TitledEnumOption {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (choice(), text(), extra())
            .prop_map(|(value, title, extra)| Self {
                value,
                title,
                extra,
            })
            .boxed()
    }
}

/// Titled options with distinct values, at least one.
fn titled_options() -> impl Strategy<Value = Vec<TitledEnumOption>> {
    vec(any::<TitledEnumOption>(), 1..4).prop_map(|mut options| {
        let mut seen = std::collections::BTreeSet::new();
        options.retain(|o| seen.insert(o.value.clone()));
        options
    })
}

fn values_of(options: &[TitledEnumOption]) -> Vec<String> {
    options.iter().map(|o| o.value.clone()).collect()
}

impl Arbitrary for TitledSingleSelectEnumSchema {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            labels(),
            titled_options().prop_flat_map(|o| (Just(o.clone()), one_of(values_of(&o)))),
            extra(),
        )
            .prop_map(
                |((title, description), (options, (_, default)), extra)| Self {
                    kind: StringType::String,
                    title,
                    description,
                    one_of: options,
                    default,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for UntitledEnumItems {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (choices(), extra())
            .prop_map(|(values, extra)| Self {
                kind: StringType::String,
                values,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for TitledEnumItems {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (titled_options(), extra())
            .prop_map(|(any_of, extra)| Self { any_of, extra })
            .boxed()
    }
}

impl Arbitrary for UntitledMultiSelectEnumSchema {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            labels(),
            item_bounds(),
            any::<UntitledEnumItems>()
                .prop_flat_map(|items| (Just(items.clone()), some_of(items.values))),
            extra(),
        )
            .prop_map(
                |((title, description), (min_items, max_items), (items, (_, default)), extra)| {
                    Self {
                        kind: ArrayType::Array,
                        title,
                        description,
                        min_items,
                        max_items,
                        items,
                        default,
                        extra,
                    }
                },
            )
            .boxed()
    }
}

impl Arbitrary for TitledMultiSelectEnumSchema {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            labels(),
            item_bounds(),
            any::<TitledEnumItems>()
                .prop_flat_map(|items| (Just(items.clone()), some_of(values_of(&items.any_of)))),
            extra(),
        )
            .prop_map(
                |((title, description), (min_items, max_items), (items, (_, default)), extra)| {
                    Self {
                        kind: ArrayType::Array,
                        title,
                        description,
                        min_items,
                        max_items,
                        items,
                        default,
                        extra,
                    }
                },
            )
            .boxed()
    }
}

impl Arbitrary for LegacyTitledEnumSchema {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Always with `enumNames`, one per value: without them it is an untitled single-select
    /// (and decodes as one).
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            labels(),
            titled_options().prop_flat_map(|o| (Just(o.clone()), one_of(values_of(&o)))),
            extra(),
        )
            .prop_map(
                |((title, description), (options, (values, default)), extra)| Self {
                    kind: StringType::String,
                    title,
                    description,
                    values,
                    enum_names: Some(options.into_iter().map(|o| o.title).collect()),
                    default,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for PrimitiveSchemaDefinition {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            any::<StringSchema>().prop_map(Self::String),
            any::<NumberSchema>().prop_map(Self::Number),
            any::<BooleanSchema>().prop_map(Self::Boolean),
            any::<UntitledSingleSelectEnumSchema>().prop_map(Self::UntitledSingleSelect),
            any::<TitledSingleSelectEnumSchema>().prop_map(Self::TitledSingleSelect),
            any::<UntitledMultiSelectEnumSchema>().prop_map(Self::UntitledMultiSelect),
            any::<TitledMultiSelectEnumSchema>().prop_map(Self::TitledMultiSelect),
            any::<LegacyTitledEnumSchema>().prop_map(Self::LegacyTitled),
        ]
        .boxed()
    }
}

impl Arbitrary for RequestedSchema {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// `required` names fields the form has.
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(Just(
                "https://json-schema.org/draft/2020-12/schema".to_owned(),
            )),
            btree_map(name(), any::<PrimitiveSchemaDefinition>(), 0..4),
            any::<bool>(),
            extra(),
        )
            .prop_map(|(schema, properties, with_required, extra)| {
                let required =
                    with_required.then(|| properties.keys().step_by(2).cloned().collect());
                Self {
                    schema,
                    kind: ObjectType::Object,
                    properties,
                    required,
                    extra,
                }
            })
            .boxed()
    }
}

impl Arbitrary for ElicitFormParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// `mode` is `"form"` or absent: any other value decodes as another mode.
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(Just(ElicitMode::Form)),
            text(),
            any::<RequestedSchema>(),
            option::of(any::<TaskMetadata>()),
            option::of(meta()),
            extra(),
        )
            .prop_map(
                |(mode, message, requested_schema, task, meta, extra)| Self {
                    mode,
                    message,
                    requested_schema,
                    task,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

fn elicitation_id() -> impl Strategy<Value = String> {
    "[a-z0-9-]{1,12}"
}

impl Arbitrary for ElicitUrlParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Mostly with an `elicitationId`, which 2025-11-25 requires (shaping drops it for
    /// 2026-07-28, which has none); without one the params only suit 2026-07-28, see
    /// [`ElicitParams::is_supported_in`].
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            text(),
            uri(),
            prop_oneof![3 => elicitation_id().prop_map(Some), 1 => Just(None)],
            option::of(any::<TaskMetadata>()),
            option::of(meta()),
            extra(),
        )
            .prop_map(|(message, url, elicitation_id, task, meta, extra)| Self {
                mode: ElicitMode::Url,
                message,
                url,
                elicitation_id,
                task,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for ElicitParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Not every value suits every version (URL mode before 2025-11-25 or without its id in
    /// 2025-11-25, multi-select forms before 2025-11-25): check
    /// [`ElicitParams::is_supported_in`] before validating against a version's schema.
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            3 => any::<ElicitFormParams>().prop_map(Self::Form),
            1 => any::<ElicitUrlParams>().prop_map(Self::Url),
        ]
        .boxed()
    }
}

impl Arbitrary for ElicitAction {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![Just(Self::Accept), Just(Self::Decline), Just(Self::Cancel)].boxed()
    }
}

/// One submitted form value: a string, a whole number, a boolean or (multi-select, 2025-11-25
/// on) an array of strings. Every schema types the numbers as `integer`.
fn form_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => text().prop_map(Value::String),
        2 => any::<i64>().prop_map(Value::from),
        2 => any::<bool>().prop_map(Value::Bool),
        1 => vec(choice().prop_map(Value::String), 0..3).prop_map(Value::Array),
    ]
}

impl Arbitrary for ElicitResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Answers with an array need 2025-11-25: check [`ElicitResult::is_supported_in`].
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<ElicitAction>(),
            option::of(btree_map(name(), form_value(), 0..4)),
            option::of(meta()),
            extra(),
        )
            .prop_map(|(action, content, meta, extra)| Self {
                action,
                content: content.map(|m| m.into_iter().collect()),
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for ElicitationCompleteParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (elicitation_id(), option::of(meta()), extra())
            .prop_map(|(elicitation_id, meta, extra)| Self {
                elicitation_id,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for UrlElicitationRequiredData {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Each elicitation with the id the error's 2025-11-25 schema requires.
    fn arbitrary_with((): ()) -> Self::Strategy {
        let with_id = (any::<ElicitUrlParams>(), elicitation_id()).prop_map(|(mut p, id)| {
            p.elicitation_id.get_or_insert(id);
            p
        });
        (vec(with_id, 1..3), extra())
            .prop_map(|(elicitations, extra)| Self {
                elicitations,
                extra,
            })
            .boxed()
    }
}
