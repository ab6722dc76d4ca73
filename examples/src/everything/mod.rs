//! The server that the official conformance suite (`@modelcontextprotocol/conformance`)
//! expects under test: every tool, resource, template and prompt of its contract, with the
//! exact names, arguments, texts and behaviours of the suite's reference server.
//!
//! - [`tools`]: the 0.1.x contract's tools (content kinds, logging, progress, errors,
//!   sampling, elicitation, JSON Schema 2020-12, reconnection).
//! - [`catalog`]: its resources, resource template and prompts (with completions).
//! - [`stateless`]: what the 0.2.x line (2026-07-28 scenarios) adds: the MRTR tools and
//!   prompt with their fixed `inputRequests` keys, the stateless diagnostics
//!   (`test_logging_tool`, `test_streaming_elicitation`), the list-change hooks, and
//!   `test_tool_with_task`.
//! - [`tasks`]: the fixtures of the 0.2.x tasks scenarios (`greet`, `slow_compute`, …).
//! - [`skills`]: the SEP-2640 skills extension of the 0.2.x `sep-2640-skills-*` scenarios
//!   (`skills/list`, `skills/get`, `resources/directory/read`, one skill's files).
//!
//! Everything is served in every protocol version: input (sampling, elicitation, roots) goes
//! as a server-to-client request in the session era and as MRTR in 2026-07-28, through the
//! same [`mcp_server::RequestContext`] calls.

pub mod catalog;
pub mod skills;
pub mod stateless;
pub mod tasks;
pub mod tools;

use std::time::Duration;

use mcp_protocol::types::CacheScope;
use mcp_server::{CacheHint, ListKind, Server};

/// The URI of the resource that changes periodically.
pub const WATCHED_URI: &str = "test://watched-resource";

/// How often `test://watched-resource` changes by default (as the reference server does).
pub const DEFAULT_WATCH_INTERVAL: Duration = Duration::from_secs(3);

/// A 1×1 red PNG (RGBA), base64: the image of every image content and of
/// `test://static-binary` (the reference server's image; its chunk CRCs are valid).
pub const PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

/// A 10 ms WAV (PCM, mono, 16 bit, 8 kHz, 80 samples of a 400 Hz sine), base64: the audio
/// of `test_audio_content`. (The reference server's WAV has a wrong RIFF size and an empty
/// `data` chunk that claims 2 bytes; this one is well formed.)
pub const WAV_BASE64: &str = "UklGRsQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YaAAAAAAAKgJXhJIGbgdQB+4HUgZXhKoCQAAWPai7bjmSOLA4EjiuOai7Vj2AACoCV4SSBm4HUAfuB1IGV4SqAkAAFj2ou245kjiwOBI4rjmou1Y9gAAqAleEkgZuB1AH7gdSBleEqgJAABY9qLtuOZI4sDgSOK45qLtWPYAAKgJXhJIGbgdQB+4HUgZXhKoCQAAWPai7bjmSOLA4EjiuOai7Vj2";

/// How long (ms) 2026-07-28 clients may cache lists and reads (the reference's `ttlMs`).
pub const CACHE_TTL_MS: u64 = 300_000;

/// The server's name in `serverInfo` (the reference server's).
pub const SERVER_NAME: &str = "mcp-conformance-test-server";

/// The everything server, with every tool, resource, template and prompt registered.
/// Call [`watch`] to make `test://watched-resource` change periodically.
pub fn server() -> Server {
    let list_hint = CacheHint::new(CACHE_TTL_MS, CacheScope::Public);
    let builder = Server::builder(SERVER_NAME, env!("CARGO_PKG_VERSION"))
        // `test_tool_with_task` runs as a task (2025-11-25 tasks, 2026-07-28 extension).
        .tasks(true)
        // The reference's 2026-07-28 cache hints (SEP-2549): lists for five minutes to
        // anyone, reads for five minutes to this caller; discovery keeps the default
        // (`ttlMs: 0`, private), as the reference stamps it.
        .cache_hint(ListKind::Tools, list_hint.clone())
        .cache_hint(ListKind::Prompts, list_hint.clone())
        .cache_hint(ListKind::Resources, list_hint.clone())
        .cache_hint(ListKind::ResourceTemplates, list_hint)
        .read_cache_hint(CacheHint::new(CACHE_TTL_MS, CacheScope::Private));
    let server = skills::serve(builder).build();
    for tool in tools::all() {
        server
            .add_tool(tool)
            .expect("the contract's schemas are valid");
    }
    for tool in tasks::tools() {
        server
            .add_tool(tool)
            .expect("the contract's schemas are valid");
    }
    for tool in stateless::tools(&server) {
        server
            .add_tool(tool)
            .expect("the contract's schemas are valid");
    }
    for resource in catalog::resources() {
        server
            .add_resource(resource)
            .expect("a handler without state is always accepted");
    }
    for resource in skills::resources() {
        server
            .add_resource(resource)
            .expect("a handler without state is always accepted");
    }
    server
        .add_resource_template(catalog::template())
        .expect("a handler without state is always accepted");
    for prompt in catalog::prompts() {
        server
            .add_prompt(prompt)
            .expect("a handler without state is always accepted");
    }
    server
        .add_prompt(stateless::prompt())
        .expect("a handler without state is always accepted");
    server
}

/// Announces a change of `test://watched-resource` every `interval` to every subscriber
/// (`notifications/resources/updated`), until the server shuts down.
pub async fn watch(server: Server, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick is immediate; the first change comes one interval in.
    ticks.tick().await;
    loop {
        ticks.tick().await;
        catalog::bump_watched();
        server.notify_resource_updated(WATCHED_URI);
    }
}
