//! Strategies for roots (`roots/list`, `notifications/roots/list_changed`).

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::common::*;
use crate::methods::*;

impl Arbitrary for Root {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (uri(), option::of(text()), option::of(meta()), extra())
            .prop_map(|(uri, name, meta, extra)| Self {
                uri,
                name,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for ListRootsResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (vec(any::<Root>(), 0..3), option::of(meta()), extra())
            .prop_map(|(roots, meta, extra)| Self { roots, meta, extra })
            .boxed()
    }
}
