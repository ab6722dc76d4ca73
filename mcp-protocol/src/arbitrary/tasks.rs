//! Strategies for tasks: the task model of 2025-11-25 and of the 2026-07-28 extension, the
//! task methods (`tasks/get`, `tasks/result`, `tasks/list`, `tasks/cancel`, `tasks/update`)
//! and `notifications/tasks/status`.
//!
//! [`TaskMetadata`]'s strategy is in `common` (every task-augmentable request uses it).

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::common::*;
use crate::jsonrpc::{ErrorCode, ErrorObject};
use crate::methods::*;
use crate::shape::Shape;
use crate::types::{TaskStatus as Status, *};
use crate::version::ProtocolVersion;

/// A task id as receivers mint them.
fn task_id() -> impl Strategy<Value = String> {
    "[a-z0-9-]{1,16}"
}

/// An ISO 8601 timestamp.
fn timestamp() -> impl Strategy<Value = String> {
    "20[23][0-9]-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z"
}

impl Arbitrary for Status {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            Just(Self::Working),
            Just(Self::InputRequired),
            Just(Self::Completed),
            Just(Self::Failed),
            Just(Self::Cancelled),
        ]
        .boxed()
    }
}

impl Arbitrary for TaskTtl {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            Just(Self::Unset),
            Just(Self::Unlimited),
            (0u64..10_000_000).prop_map(Self::Ms),
        ]
        .boxed()
    }
}

impl Arbitrary for Task {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Either spelling of the timings, both or neither: shaping moves them to the one the
    /// version knows and fills a required lifetime.
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            (task_id(), any::<Status>(), option::of(text())),
            (timestamp(), timestamp()),
            (any::<TaskTtl>(), any::<TaskTtl>()),
            (option::of(0u64..60_000), option::of(0u64..60_000)),
            extra(),
        )
            .prop_map(
                |(
                    (task_id, status, status_message),
                    (created_at, last_updated_at),
                    (ttl, ttl_ms),
                    (poll_interval, poll_interval_ms),
                    extra,
                )| Self {
                    task_id,
                    status,
                    status_message,
                    created_at,
                    last_updated_at,
                    ttl,
                    ttl_ms,
                    poll_interval,
                    poll_interval_ms,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for RelatedTaskMetadata {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (task_id(), extra())
            .prop_map(|(task_id, extra)| Self { task_id, extra })
            .boxed()
    }
}

impl Arbitrary for CreateTaskResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Nested (no `resultType`, 2025-11-25) or inline (`resultType: "task"`, the extension).
    /// Inline, the result's unknown fields and the task's share one object and decode as the
    /// task's, so an inline value carries them in `task.extra` only.
    fn arbitrary_with((): ()) -> Self::Strategy {
        (any::<Task>(), any::<bool>(), option::of(meta()), extra())
            .prop_map(|(task, inline, meta, extra)| Self {
                task,
                result_type: inline.then(Self::task_result_type),
                meta,
                extra: if inline { Extra::new() } else { extra },
            })
            .boxed()
    }
}

impl Arbitrary for TaskIdParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (task_id(), option::of(meta()), extra())
            .prop_map(|(task_id, meta, extra)| Self {
                task_id,
                meta,
                extra,
            })
            .boxed()
    }
}

/// A JSON-RPC error as a failed task reports it.
fn task_error() -> impl Strategy<Value = ErrorObject> {
    (
        prop::sample::select(vec![
            ErrorCode::INTERNAL_ERROR,
            ErrorCode::INVALID_PARAMS,
            ErrorCode::REQUEST_TIMEOUT,
            ErrorCode(-32000),
        ]),
        text(),
        option::of(json_value_strict()),
    )
        .prop_map(|(code, message, data)| {
            let error = ErrorObject::new(code, message);
            match data {
                Some(data) => error.with_data(data),
                None => error,
            }
        })
}

impl Arbitrary for DetailedTask {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// The details follow the status, as the extension specifies: `inputRequests` when
    /// `input_required`, `result` when `completed`, `error` when `failed`.
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<Task>(),
            any::<InputRequests>(),
            json_object(),
            task_error(),
        )
            .prop_map(|(task, input_requests, result, error)| {
                let status = task.status.clone();
                Self {
                    task,
                    input_requests: (status == Status::InputRequired).then_some(input_requests),
                    result: (status == Status::Completed).then_some(result),
                    error: (status == Status::Failed).then_some(error),
                }
            })
            .boxed()
    }
}

impl Arbitrary for GetTaskResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<DetailedTask>(),
            option::of(any::<ResultType>()),
            option::of(meta()),
        )
            .prop_map(|(task, result_type, meta)| Self {
                task,
                result_type,
                meta,
            })
            .boxed()
    }
}

impl Arbitrary for TaskStatusParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (any::<DetailedTask>(), option::of(meta()))
            .prop_map(|(task, meta)| Self { task, meta })
            .boxed()
    }
}

impl Arbitrary for CancelTaskResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Always with the task, which 2025-11-25 requires (shaping drops it for the extension);
    /// its unknown fields and the result's share one object, so they are all the task's.
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<Task>(),
            option::of(any::<ResultType>()),
            option::of(meta()),
        )
            .prop_map(|(task, result_type, meta)| Self {
                task: Some(task),
                result_type,
                meta,
                extra: Extra::new(),
            })
            .boxed()
    }
}

impl Arbitrary for GetTaskPayloadResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// The result of a task-augmentable request (`tools/call`, `sampling/createMessage`,
    /// `elicitation/create`) as 2025-11-25 sends it, or an opaque one; `_meta` sometimes names
    /// the task.
    fn arbitrary_with((): ()) -> Self::Strategy {
        let v = ProtocolVersion::V2025_11_25;
        let payload = prop_oneof![
            any::<CallToolResult>().prop_map(move |r| to_payload(&r.shaped(v))),
            any::<CreateMessageResult>().prop_map(move |r| to_payload(&r.shaped(v))),
            any::<ElicitResult>().prop_map(move |r| to_payload(&r.shaped(v))),
            (option::of(meta()), extra()).prop_map(|(meta, extra)| Self { meta, extra }),
        ];
        (payload, option::of(task_id()))
            .prop_map(|(mut payload, related)| {
                if let Some(task_id) = related {
                    payload.meta.get_or_insert_with(Meta::new).set(
                        Meta::RELATED_TASK,
                        &RelatedTaskMetadata {
                            task_id,
                            extra: Extra::new(),
                        },
                    );
                }
                payload
            })
            .boxed()
    }
}

fn to_payload<T: serde::Serialize>(result: &T) -> GetTaskPayloadResult {
    // Our generated results always encode as objects.
    GetTaskPayloadResult::from_result(result).expect("a result encodes as an object")
}

impl Arbitrary for ListTasksResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            vec(any::<Task>(), 0..3),
            option::of(text()),
            option::of(any::<ResultType>()),
            option::of(meta()),
            extra(),
        )
            .prop_map(|(tasks, next_cursor, result_type, meta, extra)| Self {
                tasks,
                next_cursor,
                result_type,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for UpdateTaskParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            task_id(),
            any::<InputResponses>(),
            option::of(meta()),
            extra(),
        )
            .prop_map(|(task_id, input_responses, meta, extra)| Self {
                task_id,
                input_responses,
                meta,
                extra,
            })
            .boxed()
    }
}
