//! Strategies for the lifecycle (`initialize`) and discovery (`server/discover`) types.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::common::*;
use crate::methods::*;
use crate::types::*;

/// A protocol version string: mostly ones we know, sometimes one from the future (a peer may
/// propose or list a version we do not know, and the field is a plain string in every
/// revision).
pub fn version_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(
            crate::ProtocolVersion::ALL
                .iter()
                .map(|v| v.as_str().to_owned())
                .collect::<Vec<_>>()
        ),
        1 => "20[3-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9])",
    ]
}

impl Arbitrary for InitializeParams {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            version_string(),
            any::<ClientCapabilities>(),
            any::<Implementation>(),
            option::of(meta()),
            extra(),
        )
            .prop_map(
                |(protocol_version, capabilities, client_info, meta, extra)| Self {
                    protocol_version,
                    capabilities,
                    client_info,
                    meta,
                    extra,
                },
            )
            .boxed()
    }
}

impl Arbitrary for InitializeResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            version_string(),
            any::<ServerCapabilities>(),
            any::<Implementation>(),
            option::of(text()),
            option::of(any::<ResultType>()),
            option::of(meta()),
            extra(),
        )
            .prop_map(
                |(
                    protocol_version,
                    capabilities,
                    server_info,
                    instructions,
                    result_type,
                    meta,
                    extra,
                )| {
                    Self {
                        protocol_version,
                        capabilities,
                        server_info,
                        instructions,
                        result_type,
                        meta,
                        extra,
                    }
                },
            )
            .boxed()
    }
}

/// Result metadata as a server sends it: sometimes with its identity
/// (`io.modelcontextprotocol/serverInfo`).
pub fn result_meta() -> impl Strategy<Value = Meta> {
    (meta(), option::of(any::<Implementation>())).prop_map(|(mut meta, info)| {
        if let Some(info) = info {
            meta.set(Meta::SERVER_INFO, &info);
        }
        meta
    })
}

impl Arbitrary for DiscoverResult {
    type Parameters = ();
    type Strategy = BoxedStrategy<Self>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (
            vec(version_string(), 0..4),
            any::<ServerCapabilities>(),
            option::of(text()),
            option::of(0u64..10_000_000),
            option::of(any::<CacheScope>()),
            option::of(any::<ResultType>()),
            option::of(result_meta()),
            extra(),
        )
            .prop_map(
                |(
                    supported_versions,
                    capabilities,
                    instructions,
                    ttl_ms,
                    cache_scope,
                    result_type,
                    meta,
                    extra,
                )| Self {
                    supported_versions,
                    capabilities,
                    instructions,
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
