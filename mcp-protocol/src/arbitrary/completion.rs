//! Strategies for `completion/complete`.

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;

use super::common::*;
use super::lifecycle::result_meta;
use super::resources::uri_template;
use crate::methods::*;
use crate::types::*;

impl Arbitrary for PromptReference {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (name(), option::of(text()), extra())
            .prop_map(|(name, title, extra)| Self { name, title, extra })
            .boxed()
    }
}

impl Arbitrary for ResourceTemplateReference {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (uri_template(), extra())
            .prop_map(|(uri, extra)| Self { uri, extra })
            .boxed()
    }
}

impl Arbitrary for CompletionReference {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            any::<PromptReference>().prop_map(Self::Prompt),
            any::<ResourceTemplateReference>().prop_map(Self::Resource),
        ]
        .boxed()
    }
}

impl Arbitrary for CompletionArgument {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (name(), text(), extra())
            .prop_map(|(name, value, extra)| Self { name, value, extra })
            .boxed()
    }
}

impl Arbitrary for CompletionContext {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (option::of(btree_map(name(), text(), 0..3)), extra())
            .prop_map(|(arguments, extra)| Self { arguments, extra })
            .boxed()
    }
}

impl Arbitrary for CompleteParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<CompletionReference>(),
            any::<CompletionArgument>(),
            option::of(any::<CompletionContext>()),
            option::of(meta()),
            extra(),
        )
            .prop_map(|(reference, argument, context, meta, extra)| Self {
                reference,
                argument,
                context,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for Completion {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Mostly a few values; now and then more than [`Completion::MAX_VALUES`], which shaping
    /// must cut to the limit.
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            prop_oneof![
                8 => vec(text(), 0..5),
                1 => vec(name(), 95..110),
            ],
            option::of(0u64..1_000),
            option::of(any::<bool>()),
            extra(),
        )
            .prop_map(|(values, total, has_more, extra)| Self {
                values,
                total,
                has_more,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for CompleteResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<Completion>(),
            option::of(any::<ResultType>()),
            option::of(result_meta()),
            extra(),
        )
            .prop_map(|(completion, result_type, meta, extra)| Self {
                completion,
                result_type,
                meta,
                extra,
            })
            .boxed()
    }
}
