//! Strategies for prompts.

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;

use super::common::*;
use super::lifecycle::result_meta;
use super::resources::cacheable_parts;
use crate::methods::*;
use crate::types::*;

impl Arbitrary for PromptArgument {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            name(),
            option::of(text()),
            option::of(text()),
            option::of(any::<bool>()),
            extra(),
        )
            .prop_map(|(name, title, description, required, extra)| Self {
                name,
                title,
                description,
                required,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for Prompt {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            (name(), option::of(text()), option::of(text())),
            option::of(vec(any::<PromptArgument>(), 0..3)),
            option::of(vec(any::<Icon>(), 0..2)),
            (option::of(meta()), extra()),
        )
            .prop_map(
                |((name, title, description), arguments, icons, (meta, extra))| Self {
                    name,
                    title,
                    description,
                    arguments,
                    icons,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for ListPromptsResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            vec(any::<Prompt>(), 0..3),
            option::of(text()),
            cacheable_parts(),
        )
            .prop_map(
                |(prompts, next_cursor, (ttl_ms, cache_scope, result_type, meta, extra))| Self {
                    prompts,
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

impl Arbitrary for GetPromptParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            name(),
            option::of(btree_map(name(), text(), 0..3)),
            option::of(any::<InputResponses>()),
            option::of(text()),
            option::of(meta()),
            extra(),
        )
            .prop_map(
                |(name, arguments, input_responses, request_state, meta, extra)| Self {
                    name,
                    arguments,
                    input_responses,
                    request_state,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for PromptMessage {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (any::<Role>(), any::<ContentBlock>(), extra())
            .prop_map(|(role, content, extra)| Self {
                role,
                content,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for GetPromptResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(text()),
            vec(any::<PromptMessage>(), 0..3),
            option::of(any::<ResultType>()),
            option::of(result_meta()),
            extra(),
        )
            .prop_map(|(description, messages, result_type, meta, extra)| Self {
                description,
                messages,
                result_type,
                meta,
                extra,
            })
            .boxed()
    }
}
