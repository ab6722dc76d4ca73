//! Strategies for resources and resource subscriptions.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::common::*;
use super::lifecycle::result_meta;
use super::subscriptions::notification_meta;
use crate::methods::*;
use crate::types::*;

/// An RFC 6570 URI template (level 1–3 expressions), or a plain URI, which is also a template.
pub fn uri_template() -> impl Strategy<Value = String> {
    prop_oneof![
        "file:///\\{[a-z]{1,6}\\}",
        "https://example\\.com/[a-z]{1,6}/\\{[a-z]{1,6}\\}",
        "test://[a-z]{1,6}\\{/[a-z]{1,6}\\}\\{\\?[a-z]{1,4},[a-z]{1,4}\\}",
        uri(),
    ]
}

/// A MIME type.
fn mime_type() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "text/plain".to_owned(),
        "text/x-rust".to_owned(),
        "application/json".to_owned(),
        "application/octet-stream".to_owned(),
    ])
}

impl Arbitrary for Resource {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            (uri(), name(), option::of(text()), option::of(text())),
            (
                option::of(mime_type()),
                option::of(0u64..10_000_000),
                option::of(any::<Annotations>()),
                option::of(vec(any::<Icon>(), 0..2)),
            ),
            (option::of(meta()), extra()),
        )
            .prop_map(
                |(
                    (uri, name, title, description),
                    (mime_type, size, annotations, icons),
                    (meta, extra),
                )| Self {
                    uri,
                    name,
                    title,
                    description,
                    mime_type,
                    size,
                    annotations,
                    icons,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for ResourceTemplate {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            (
                uri_template(),
                name(),
                option::of(text()),
                option::of(text()),
            ),
            (
                option::of(mime_type()),
                option::of(any::<Annotations>()),
                option::of(vec(any::<Icon>(), 0..2)),
            ),
            (option::of(meta()), extra()),
        )
            .prop_map(
                |(
                    (uri_template, name, title, description),
                    (mime_type, annotations, icons),
                    (meta, extra),
                )| Self {
                    uri_template,
                    name,
                    title,
                    description,
                    mime_type,
                    annotations,
                    icons,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

/// The fields every cacheable result shares: cache hints, result type, `_meta`, unknown fields.
#[allow(clippy::type_complexity)]
pub(crate) fn cacheable_parts() -> impl Strategy<
    Value = (
        Option<u64>,
        Option<CacheScope>,
        Option<ResultType>,
        Option<Meta>,
        Extra,
    ),
> {
    (
        option::of(0u64..10_000_000),
        option::of(any::<CacheScope>()),
        option::of(any::<ResultType>()),
        option::of(result_meta()),
        extra(),
    )
}

impl Arbitrary for ListResourcesResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            vec(any::<Resource>(), 0..3),
            option::of(text()),
            cacheable_parts(),
        )
            .prop_map(
                |(resources, next_cursor, (ttl_ms, cache_scope, result_type, meta, extra))| Self {
                    resources,
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

impl Arbitrary for ListResourceTemplatesResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            vec(any::<ResourceTemplate>(), 0..3),
            option::of(text()),
            cacheable_parts(),
        )
            .prop_map(
                |(
                    resource_templates,
                    next_cursor,
                    (ttl_ms, cache_scope, result_type, meta, extra),
                )| Self {
                    resource_templates,
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

impl Arbitrary for ReadResourceParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            uri(),
            option::of(any::<InputResponses>()),
            option::of(text()),
            option::of(meta()),
            extra(),
        )
            .prop_map(|(uri, input_responses, request_state, meta, extra)| Self {
                uri,
                input_responses,
                request_state,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for ReadResourceResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (vec(any::<ResourceContents>(), 0..3), cacheable_parts())
            .prop_map(
                |(contents, (ttl_ms, cache_scope, result_type, meta, extra))| Self {
                    contents,
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

impl Arbitrary for SubscribeParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (uri(), option::of(meta()), extra())
            .prop_map(|(uri, meta, extra)| Self { uri, meta, extra })
            .boxed()
    }
}

impl Arbitrary for ResourceUpdatedParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (uri(), option::of(notification_meta()), extra())
            .prop_map(|(uri, meta, extra)| Self { uri, meta, extra })
            .boxed()
    }
}
