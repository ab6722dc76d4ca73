//! Strategies for logging.

use proptest::option;
use proptest::prelude::*;

use super::common::*;
use super::subscriptions::notification_meta;
use crate::methods::*;
use crate::types::*;

impl Arbitrary for SetLevelParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (any::<LoggingLevel>(), option::of(meta()), extra())
            .prop_map(|(level, meta, extra)| Self { level, meta, extra })
            .boxed()
    }
}

impl Arbitrary for LoggingMessageParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// `data` is any JSON value in every revision, `null` included (it is required, not
    /// optional, so `null` survives the round trip).
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            any::<LoggingLevel>(),
            option::of(name()),
            json_value(),
            option::of(notification_meta()),
            extra(),
        )
            .prop_map(|(level, logger, data, meta, extra)| Self {
                level,
                logger,
                data,
                meta,
                extra,
            })
            .boxed()
    }
}
