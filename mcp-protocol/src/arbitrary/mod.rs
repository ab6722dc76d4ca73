//! proptest strategies for every wire type (feature `proptest`).
//!
//! Each type implements [`proptest::arbitrary::Arbitrary`], so `any::<CallToolParams>()`
//! generates values. Generated values are *schema-valid*: they satisfy the constraints the
//! official JSON Schemas state (a tool's `inputSchema` has `type: "object"`, `priority` lies
//! in `0..=1`, numbers are finite, unknown fields never collide with known ones), so the same
//! strategies drive the round-trip laws, the per-version schema tests and the conformance
//! suite's probing. Shape a value for a version before validating it against that version's
//! schema.

mod common;
mod methods;

// -- lifecycle, discovery, resources, prompts, completion, logging, subscriptions --
mod completion;
mod lifecycle;
mod logging;
mod prompts;
mod resources;
mod subscriptions;

// -- sampling, elicitation, roots, tasks, MRTR --
mod elicitation;
mod mrtr;
mod roots;
mod sampling;
mod tasks;

pub use common::*;
pub use lifecycle::{result_meta, version_string};
pub use methods::object_schema;
pub use resources::uri_template;
pub use subscriptions::notification_meta;
