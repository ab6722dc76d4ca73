//! Strategies for shared building blocks: JSON values, `_meta`, unknown-field bags, content,
//! capabilities.

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::jsonrpc::{ProgressToken, RequestId};
use crate::types::*;

/// Short printable text, including non-ASCII and characters JSON must escape.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _.-]{0,12}",
        "\\PC{0,8}",
        Just("quote\" backslash\\ newline\n tab\t".to_owned()),
    ]
}

/// A non-empty identifier-like name.
pub fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,10}"
}

/// A URI of one of the schemes MCP examples use.
pub fn uri() -> impl Strategy<Value = String> {
    prop_oneof![
        "file:///[a-z]{1,8}/[a-z]{1,8}\\.txt",
        "https://example\\.com/[a-z]{1,8}",
        "test://[a-z]{1,8}",
    ]
}

/// A finite JSON number (NaN and infinities have no JSON form).
pub fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![(-1.0e6..1.0e6f64), (0u32..1000).prop_map(f64::from)]
}

/// Any JSON value, up to a small depth.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        finite().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(name(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON value as 2026-07-28's `JSONValue` allows it: no `null` and no fractions.
pub fn json_value_strict() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(name(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON object (`JSONObject`): string keys and [`json_value_strict`] values, valid in
/// every revision.
pub fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    btree_map(name(), json_value_strict(), 0..4).prop_map(|m| m.into_iter().collect())
}

/// Unknown fields: keys that no MCP type defines (`x-…`), so they can never collide with a
/// known field.
pub fn extra() -> impl Strategy<Value = Extra> {
    btree_map("x-[a-z]{1,6}", json_value(), 0..3).prop_map(|m| m.into_iter().collect())
}

/// A `_meta` object with a mix of reserved and custom keys.
pub fn meta() -> impl Strategy<Value = Meta> {
    (
        option::of(any::<ProgressToken>()),
        btree_map("com\\.example/[a-z]{1,6}", json_value(), 0..3),
    )
        .prop_map(|(token, custom)| {
            let mut meta = Meta(custom.into_iter().collect());
            if let Some(token) = token {
                meta.set(Meta::PROGRESS_TOKEN, &token);
            }
            meta
        })
}

impl Arbitrary for RequestId {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            any::<i64>().prop_map(Self::Number),
            text().prop_map(Self::String)
        ]
        .boxed()
    }
}

impl Arbitrary for ProgressToken {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            any::<i64>().prop_map(Self::Number),
            text().prop_map(Self::String)
        ]
        .boxed()
    }
}

impl Arbitrary for Meta {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        meta().boxed()
    }
}

impl Arbitrary for Icon {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            uri(),
            option::of(Just("image/png".to_owned())),
            option::of(vec(Just("48x48".to_owned()), 1..3)),
            option::of(prop_oneof![
                Just("light".to_owned()),
                Just("dark".to_owned())
            ]),
            extra(),
        )
            .prop_map(|(src, mime_type, sizes, theme, extra)| Self {
                src,
                mime_type,
                sizes,
                theme,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for Implementation {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            name(),
            "[0-9]\\.[0-9]\\.[0-9]",
            option::of(text()),
            option::of(vec(any::<Icon>(), 0..2)),
            option::of(Just("https://example.com".to_owned())),
            extra(),
        )
            .prop_map(|(name, version, title, icons, website_url, extra)| Self {
                name,
                version,
                title,
                icons,
                website_url,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for Role {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![Just(Self::User), Just(Self::Assistant)].boxed()
    }
}

impl Arbitrary for LoggingLevel {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            Just(Self::Debug),
            Just(Self::Info),
            Just(Self::Notice),
            Just(Self::Warning),
            Just(Self::Error),
            Just(Self::Critical),
            Just(Self::Alert),
            Just(Self::Emergency),
        ]
        .boxed()
    }
}

impl Arbitrary for Annotations {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(vec(any::<Role>(), 0..3)),
            option::of(0.0..=1.0f64),
            option::of(Just("2025-01-12T15:00:58Z".to_owned())),
            extra(),
        )
            .prop_map(|(audience, priority, last_modified, extra)| Self {
                audience,
                priority,
                last_modified,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for CacheScope {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![Just(Self::Private), Just(Self::Public)].boxed()
    }
}

impl Arbitrary for ResultType {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    /// Only `"complete"`: an `input_required` result has its own type.
    fn arbitrary_with((): ()) -> Self::Strategy {
        Just(Self::complete()).boxed()
    }
}

fn content_parts() -> impl Strategy<Value = (Option<Annotations>, Option<Meta>, Extra)> {
    (
        option::of(any::<Annotations>()),
        option::of(meta()),
        extra(),
    )
}

impl Arbitrary for TextContent {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (text(), content_parts())
            .prop_map(|(text, (annotations, meta, extra))| Self {
                text,
                annotations,
                meta,
                extra,
            })
            .boxed()
    }
}

/// Base64 text.
pub fn base64() -> impl Strategy<Value = String> {
    "([A-Za-z0-9+/]{4}){0,6}"
}

impl Arbitrary for ImageContent {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (base64(), content_parts())
            .prop_map(|(data, (annotations, meta, extra))| Self {
                data,
                mime_type: "image/png".to_owned(),
                annotations,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for AudioContent {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (base64(), content_parts())
            .prop_map(|(data, (annotations, meta, extra))| Self {
                data,
                mime_type: "audio/wav".to_owned(),
                annotations,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for ResourceLink {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            (uri(), name(), option::of(text()), option::of(text())),
            (
                option::of(Just("text/plain".to_owned())),
                option::of(0u64..1_000_000),
                option::of(vec(any::<Icon>(), 0..2)),
            ),
            content_parts(),
        )
            .prop_map(
                |(
                    (uri, name, title, description),
                    (mime_type, size, icons),
                    (annotations, meta, extra),
                )| Self {
                    uri,
                    name,
                    title,
                    description,
                    mime_type,
                    size,
                    icons,
                    annotations,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for ResourceContents {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        let mime = option::of(Just("text/plain".to_owned()));
        prop_oneof![
            (uri(), text(), mime.clone(), option::of(meta()), extra()).prop_map(
                |(uri, text, mime_type, meta, extra)| Self::Text(TextResourceContents {
                    uri,
                    text,
                    mime_type,
                    meta,
                    extra,
                })
            ),
            (uri(), base64(), mime, option::of(meta()), extra()).prop_map(
                |(uri, blob, mime_type, meta, extra)| Self::Blob(BlobResourceContents {
                    uri,
                    blob,
                    mime_type,
                    meta,
                    extra,
                })
            ),
        ]
        .boxed()
    }
}

impl Arbitrary for EmbeddedResource {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (any::<ResourceContents>(), content_parts())
            .prop_map(|(resource, (annotations, meta, extra))| Self {
                resource,
                annotations,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for ContentBlock {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        prop_oneof![
            3 => any::<TextContent>().prop_map(Self::Text),
            1 => any::<ImageContent>().prop_map(Self::Image),
            1 => any::<AudioContent>().prop_map(Self::Audio),
            1 => any::<ResourceLink>().prop_map(Self::ResourceLink),
            1 => any::<EmbeddedResource>().prop_map(Self::Resource),
        ]
        .boxed()
    }
}

/// An empty-or-small settings object, as capability flags carry.
fn flag() -> impl Strategy<Value = Option<JsonObject>> {
    option::of(prop_oneof![Just(JsonObject::new()), json_object()])
}

impl Arbitrary for ClientCapabilities {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(btree_map(
                name(),
                json_object().prop_map(Value::Object),
                0..2,
            )),
            option::of(
                (option::of(any::<bool>()), extra()).prop_map(|(list_changed, extra)| {
                    RootsCapability {
                        list_changed,
                        extra,
                    }
                }),
            ),
            option::of(
                (flag(), flag(), extra()).prop_map(|(context, tools, extra)| SamplingCapability {
                    context,
                    tools,
                    extra,
                }),
            ),
            option::of(
                (flag(), flag(), extra()).prop_map(|(form, url, extra)| ElicitationCapability {
                    form,
                    url,
                    extra,
                }),
            ),
            flag(),
            option::of(btree_map(
                "io\\.example/[a-z]{1,6}",
                json_object().prop_map(Value::Object),
                0..2,
            )),
            extra(),
        )
            .prop_map(
                |(experimental, roots, sampling, elicitation, tasks, extensions, extra)| Self {
                    experimental: experimental.map(|m| m.into_iter().collect()),
                    roots,
                    sampling,
                    elicitation,
                    tasks,
                    extensions: extensions.map(|m| m.into_iter().collect()),
                    extra,
                },
            )
            .boxed()
    }
}

fn list_changed() -> impl Strategy<Value = Option<ListChangedCapability>> {
    option::of(
        (option::of(any::<bool>()), extra()).prop_map(|(list_changed, extra)| {
            ListChangedCapability {
                list_changed,
                extra,
            }
        }),
    )
}

impl Arbitrary for ServerCapabilities {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            option::of(btree_map(
                name(),
                json_object().prop_map(Value::Object),
                0..2,
            )),
            (flag(), flag()),
            list_changed(),
            option::of(
                (
                    option::of(any::<bool>()),
                    option::of(any::<bool>()),
                    extra(),
                )
                    .prop_map(|(subscribe, list_changed, extra)| {
                        ResourcesCapability {
                            subscribe,
                            list_changed,
                            extra,
                        }
                    }),
            ),
            list_changed(),
            flag(),
            option::of(btree_map(
                "io\\.example/[a-z]{1,6}",
                json_object().prop_map(Value::Object),
                0..2,
            )),
            extra(),
        )
            .prop_map(
                |(
                    experimental,
                    (logging, completions),
                    prompts,
                    resources,
                    tools,
                    tasks,
                    extensions,
                    extra,
                )| Self {
                    experimental: experimental.map(|m| m.into_iter().collect()),
                    logging,
                    completions,
                    prompts,
                    resources,
                    tools,
                    tasks,
                    extensions: extensions.map(|m| m.into_iter().collect()),
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for PaginatedParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (option::of(text()), option::of(meta()), extra())
            .prop_map(|(cursor, meta, extra)| Self {
                cursor,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for RequestParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (option::of(meta()), extra())
            .prop_map(|(meta, extra)| Self { meta, extra })
            .boxed()
    }
}

impl Arbitrary for NotificationParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (option::of(meta()), extra())
            .prop_map(|(meta, extra)| Self { meta, extra })
            .boxed()
    }
}

impl Arbitrary for EmptyResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (option::of(any::<ResultType>()), option::of(meta()), extra())
            .prop_map(|(result_type, meta, extra)| Self {
                result_type,
                meta,
                extra,
            })
            .boxed()
    }
}

impl Arbitrary for TaskMetadata {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (option::of(0u64..100_000), extra())
            .prop_map(|(ttl, extra)| Self { ttl, extra })
            .boxed()
    }
}
