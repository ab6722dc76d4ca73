//! Strategies for sampling (`sampling/createMessage`): messages, content blocks with tool use,
//! model preferences, params and result.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use serde_json::Value;

use super::common::*;
use crate::methods::*;
use crate::types::*;

impl Arbitrary for IncludeContext {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            Just(Self::None),
            Just(Self::ThisServer),
            Just(Self::AllServers)
        ]
        .boxed()
    }
}

impl Arbitrary for ToolChoiceMode {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![Just(Self::Auto), Just(Self::Required), Just(Self::None)].boxed()
    }
}

impl Arbitrary for ToolChoice {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (option::of(any::<ToolChoiceMode>()), extra())
            .prop_map(|(mode, extra)| Self { mode, extra })
            .boxed()
    }
}

impl Arbitrary for ModelHint {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (option::of(text()), extra())
            .prop_map(|(name, extra)| Self { name, extra })
            .boxed()
    }
}

impl Arbitrary for ModelPreferences {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Priorities lie in `0..=1`, as every schema requires.
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(vec(any::<ModelHint>(), 0..3)),
            option::of(0.0..=1.0f64),
            option::of(0.0..=1.0f64),
            option::of(0.0..=1.0f64),
            extra(),
        )
            .prop_map(
                |(hints, cost_priority, speed_priority, intelligence_priority, extra)| Self {
                    hints,
                    cost_priority,
                    speed_priority,
                    intelligence_priority,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for StopReason {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Mostly the named reasons; sometimes a provider-specific one (the set is open).
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            3 => prop::sample::select(vec![
                Self::END_TURN,
                Self::STOP_SEQUENCE,
                Self::MAX_TOKENS,
                Self::TOOL_USE,
            ])
            .prop_map(|r| Self(r.to_owned())),
            1 => name().prop_map(Self),
        ]
        .boxed()
    }
}

impl Arbitrary for ToolUseContent {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            "call_[a-z0-9]{1,8}",
            name(),
            json_object(),
            option::of(meta()),
            extra(),
        )
            .prop_map(|(id, name, input, meta, extra)| Self {
                id,
                name,
                input,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for ToolResultContent {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            "call_[a-z0-9]{1,8}",
            vec(any::<ContentBlock>(), 0..3),
            // Any value in 2026-07-28 (shaping wraps a non-object for 2025-11-25); `null`
            // would decode as absent.
            option::of(prop_oneof![
                json_object().prop_map(Value::Object),
                json_value().prop_filter("null means absent", |v| !v.is_null()),
            ]),
            option::of(any::<bool>()),
            option::of(meta()),
            extra(),
        )
            .prop_map(
                |(tool_use_id, content, structured_content, is_error, meta, extra)| Self {
                    tool_use_id,
                    content,
                    structured_content,
                    is_error,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for SamplingMessageContentBlock {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            3 => any::<TextContent>().prop_map(Self::Text),
            1 => any::<ImageContent>().prop_map(Self::Image),
            1 => any::<AudioContent>().prop_map(Self::Audio),
            1 => any::<ToolUseContent>().prop_map(Self::ToolUse),
            1 => any::<ToolResultContent>().prop_map(Self::ToolResult),
        ]
        .boxed()
    }
}

impl Arbitrary for SamplingContent {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            2 => any::<SamplingMessageContentBlock>().prop_map(Self::Single),
            1 => vec(any::<SamplingMessageContentBlock>(), 0..3).prop_map(Self::Multiple),
        ]
        .boxed()
    }
}

impl Arbitrary for SamplingMessage {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<Role>(),
            any::<SamplingContent>(),
            option::of(meta()),
            extra(),
        )
            .prop_map(|(role, content, meta, extra)| Self {
                role,
                content,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for CreateMessageParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            (
                vec(any::<SamplingMessage>(), 0..3),
                option::of(any::<ModelPreferences>()),
                option::of(text()),
                option::of(any::<IncludeContext>()),
            ),
            (
                option::of(0.0..=2.0f64),
                1u64..100_000,
                option::of(vec(text(), 0..3)),
                option::of(json_object()),
            ),
            (
                option::of(vec(any::<Tool>(), 0..2)),
                option::of(any::<ToolChoice>()),
                option::of(any::<TaskMetadata>()),
            ),
            (option::of(meta()), extra()),
        )
            .prop_map(
                |(
                    (messages, model_preferences, system_prompt, include_context),
                    (temperature, max_tokens, stop_sequences, metadata),
                    (tools, tool_choice, task),
                    (meta, extra),
                )| Self {
                    messages,
                    model_preferences,
                    system_prompt,
                    include_context,
                    temperature,
                    max_tokens,
                    stop_sequences,
                    metadata,
                    tools,
                    tool_choice,
                    task,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for CreateMessageResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<Role>(),
            any::<SamplingContent>(),
            "[a-z]{1,6}-[0-9]{1,2}(-[a-z]{1,6})?",
            option::of(any::<StopReason>()),
            option::of(meta()),
            extra(),
        )
            .prop_map(|(role, content, model, stop_reason, meta, extra)| Self {
                role,
                content,
                model,
                stop_reason,
                meta,
                extra,
            })
            .boxed()
    }
}
