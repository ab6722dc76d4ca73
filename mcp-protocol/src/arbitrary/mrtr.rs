//! Strategies for Multi Round-Trip Requests (2026-07-28): input requests and responses,
//! `InputRequiredResult`, the retry params and [`ResultOrFollowUp`].

use std::fmt::Debug;

use proptest::collection::btree_map;
use proptest::option;
use proptest::prelude::*;

use super::common::*;
use super::lifecycle::result_meta;
use crate::methods::*;
use crate::shape::Shape;
use crate::types::*;
use crate::version::ProtocolVersion;

/// A key of an input request, chosen by the server.
fn input_key() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,12}"
}

impl Arbitrary for InputRequestKind {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            any::<CreateMessageParams>().prop_map(Self::CreateMessage),
            option::of(any::<RequestParams>()).prop_map(Self::ListRoots),
            any::<ElicitParams>().prop_map(Self::Elicit),
        ]
        .boxed()
    }
}

impl Arbitrary for InputRequest {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (any::<InputRequestKind>(), extra())
            .prop_map(|(kind, extra)| Self { kind, extra })
            .boxed()
    }
}

impl Arbitrary for InputRequests {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        btree_map(input_key(), any::<InputRequest>(), 0..3)
            .prop_map(Self)
            .boxed()
    }
}

impl Arbitrary for InputResponse {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            any::<CreateMessageResult>().prop_map(|r| Self::CreateMessage(Box::new(r))),
            any::<ListRootsResult>().prop_map(Self::ListRoots),
            any::<ElicitResult>().prop_map(Self::Elicit),
        ]
        .boxed()
    }
}

impl Arbitrary for InputResponses {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Answers of every kind under server-chosen keys. The map is raw JSON and only exists in
    /// 2026-07-28, so each answer is stored as that version sends it (shaped for it).
    fn arbitrary_with((): ()) -> Self::Strategy {
        btree_map(input_key(), any::<InputResponse>(), 0..3)
            .prop_map(|answers| {
                answers
                    .into_iter()
                    .fold(Self::new(), |responses, (key, answer)| {
                        responses.with(key, &answer.shaped(ProtocolVersion::V2026_07_28))
                    })
            })
            .boxed()
    }
}

impl Arbitrary for InputRequiredResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// At least one of `inputRequests` and `requestState`, as the schema's prose requires.
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(Just(ResultType::input_required())),
            prop_oneof![
                (any::<InputRequests>(), option::of(text()))
                    .prop_map(|(requests, state)| (Some(requests), state)),
                text().prop_map(|state| (None, Some(state))),
            ],
            option::of(result_meta()),
            extra(),
        )
            .prop_map(
                |(result_type, (input_requests, request_state), meta, extra)| Self {
                    result_type,
                    input_requests,
                    request_state,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for InputResponseRequestParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(any::<InputResponses>()),
            option::of(text()),
            option::of(meta()),
            extra(),
        )
            .prop_map(|(input_responses, request_state, meta, extra)| Self {
                input_responses,
                request_state,
                meta,
                extra,
            })
            .boxed()
    }
}

impl<T: Arbitrary + Debug + 'static> Arbitrary for ResultOrFollowUp<T> {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// A final result of `T` (whose `resultType` is `"complete"` or absent), an
    /// `InputRequiredResult` or an inline task: each with the `resultType` that decodes to it.
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            any::<T>().prop_map(Self::Complete),
            any::<InputRequiredResult>().prop_map(|mut r| {
                r.result_type = Some(ResultType::input_required());
                Self::InputRequired(r)
            }),
            any::<CreateTaskResult>().prop_map(|mut r| {
                r.result_type = Some(CreateTaskResult::task_result_type());
                r.task.extra.extend(std::mem::take(&mut r.extra));
                Self::Task(r)
            }),
        ]
        .boxed()
    }
}
