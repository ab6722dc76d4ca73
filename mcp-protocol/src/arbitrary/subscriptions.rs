//! Strategies for `subscriptions/listen` and its acknowledgement.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::common::*;
use super::lifecycle::result_meta;
use crate::jsonrpc::RequestId;
use crate::methods::*;
use crate::types::*;

/// Notification metadata: sometimes tagged with the listen stream it travels on
/// (`io.modelcontextprotocol/subscriptionId`).
pub fn notification_meta() -> impl Strategy<Value = Meta> {
    (meta(), option::of(any::<RequestId>())).prop_map(|(mut meta, id)| {
        if let Some(id) = id {
            meta.set(Meta::SUBSCRIPTION_ID, &id);
        }
        meta
    })
}

impl Arbitrary for SubscriptionFilter {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(any::<bool>()),
            option::of(any::<bool>()),
            option::of(any::<bool>()),
            option::of(vec(uri(), 0..3)),
            extra(),
        )
            .prop_map(
                |(
                    tools_list_changed,
                    prompts_list_changed,
                    resources_list_changed,
                    resource_subscriptions,
                    extra,
                )| Self {
                    tools_list_changed,
                    prompts_list_changed,
                    resources_list_changed,
                    resource_subscriptions,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for SubscriptionsListenParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (any::<SubscriptionFilter>(), option::of(meta()), extra())
            .prop_map(|(notifications, meta, extra)| Self {
                notifications,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for SubscriptionsAcknowledgedParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<SubscriptionFilter>(),
            option::of(notification_meta()),
            extra(),
        )
            .prop_map(|(notifications, meta, extra)| Self {
                notifications,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for SubscriptionsListenResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// `_meta` always names the subscription it closes: the schema requires it.
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(any::<ResultType>()),
            result_meta(),
            any::<RequestId>(),
            extra(),
        )
            .prop_map(|(result_type, mut meta, id, extra)| {
                meta.set(Meta::SUBSCRIPTION_ID, &id);
                Self {
                    result_type,
                    meta: Some(meta),
                    extra,
                }
            })
            .boxed()
    }
}
