//! Strategies for method params and results.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Value};

use super::common::*;
use crate::jsonrpc::{ProgressToken, RequestId};
use crate::methods::*;
use crate::types::*;

/// A JSON Schema for a tool's input: always an object schema, as the schema requires.
pub fn object_schema() -> impl Strategy<Value = Map<String, Value>> {
    (
        vec(
            (
                name(),
                prop_oneof![Just("string"), Just("number"), Just("boolean")],
            ),
            0..4,
        ),
        any::<bool>(),
    )
        .prop_map(|(props, require_first)| {
            let mut properties = Map::new();
            for (name, ty) in &props {
                properties.insert(name.clone(), serde_json::json!({ "type": ty }));
            }
            let mut schema = Map::new();
            schema.insert("type".into(), "object".into());
            schema.insert("properties".into(), Value::Object(properties));
            if require_first && let Some((first, _)) = props.first() {
                schema.insert("required".into(), serde_json::json!([first]));
            }
            schema
        })
}

impl Arbitrary for ToolAnnotations {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(text()),
            option::of(any::<bool>()),
            option::of(any::<bool>()),
            option::of(any::<bool>()),
            option::of(any::<bool>()),
            extra(),
        )
            .prop_map(|(title, ro, de, id, ow, extra)| Self {
                title,
                read_only_hint: ro,
                destructive_hint: de,
                idempotent_hint: id,
                open_world_hint: ow,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for ToolExecution {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(prop_oneof![
                Just("forbidden".to_owned()),
                Just("optional".to_owned()),
                Just("required".to_owned())
            ]),
            extra(),
        )
            .prop_map(|(task_support, extra)| Self {
                task_support,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for Tool {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            (name(), option::of(text()), option::of(text())),
            (object_schema(), option::of(object_schema())),
            (
                option::of(any::<ToolAnnotations>()),
                option::of(any::<ToolExecution>()),
                option::of(vec(any::<Icon>(), 0..2)),
            ),
            (option::of(meta()), extra()),
        )
            .prop_map(
                |(
                    (name, title, description),
                    (input_schema, output_schema),
                    (annotations, execution, icons),
                    (meta, extra),
                )| Self {
                    name,
                    title,
                    description,
                    input_schema,
                    output_schema,
                    annotations,
                    execution,
                    icons,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for CallToolParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            name(),
            option::of(json_object()),
            option::of(any::<TaskMetadata>()),
            option::of(any::<InputResponses>()),
            option::of(text()),
            option::of(meta()),
            extra(),
        )
            .prop_map(
                |(name, arguments, task, input_responses, request_state, meta, extra)| Self {
                    name,
                    arguments,
                    task,
                    input_responses,
                    request_state,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for ListToolsResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            vec(any::<Tool>(), 0..3),
            option::of(text()),
            option::of(0u64..1_000_000),
            option::of(any::<CacheScope>()),
            option::of(any::<ResultType>()),
            option::of(meta()),
            extra(),
        )
            .prop_map(
                |(tools, next_cursor, ttl_ms, cache_scope, result_type, meta, extra)| Self {
                    tools,
                    next_cursor,
                    ttl_ms,
                    cache_scope,
                    result_type,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for CallToolResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            vec(any::<ContentBlock>(), 0..3),
            // `null` would decode as absent; a tool with no structured content leaves it out.
            option::of(prop_oneof![
                json_object().prop_map(Value::Object),
                json_value().prop_filter("null means absent", |v| !v.is_null()),
            ]),
            option::of(any::<bool>()),
            option::of(any::<ResultType>()),
            option::of(meta()),
            extra(),
        )
            .prop_map(
                |(content, structured_content, is_error, result_type, meta, extra)| Self {
                    content,
                    structured_content,
                    is_error,
                    result_type,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for CancelledParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<RequestId>(),
            option::of(text()),
            option::of(meta()),
            extra(),
        )
            .prop_map(|(id, reason, meta, extra)| Self {
                request_id: Some(id),
                reason,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for ProgressParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<ProgressToken>(),
            finite(),
            option::of(finite()),
            option::of(text()),
            option::of(meta()),
            extra(),
        )
            .prop_map(
                |(progress_token, progress, total, message, meta, extra)| Self {
                    progress_token,
                    progress,
                    total,
                    message,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}
