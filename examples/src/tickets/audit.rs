//! The audit trail: one JSON record per tool call, resource read and prompt, and one per
//! request the HTTP endpoint refuses before it reaches them (401, 403, 413, 429), emitted as a `tracing` event with target
//! [`TARGET`] whose message is the record (so any subscriber that prints messages writes
//! JSON lines; `tickets-server` sends them to stderr or a file).

use std::fmt;
use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record as SpanRecord};
use tracing::{Event, Metadata, Subscriber};

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `tracing` target of audit events.
pub const TARGET: &str = "tickets::audit";

/// One audit record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// When the call ended (milliseconds since the Unix epoch).
    pub time_ms: u128,
    /// The caller's issuer and subject (`issuer#subject`), if authenticated.
    pub principal: Option<String>,
    /// The caller's tenant.
    pub tenant: Option<String>,
    /// The OAuth client the caller's token was issued to.
    pub client_id: Option<String>,
    /// The MCP method (`tools/call`, `resources/read`, `prompts/get`); for a refused HTTP
    /// request its `Mcp-Method` header, or the HTTP method and path when it has none.
    pub method: String,
    /// The tool, the resource's URI or the prompt.
    pub name: String,
    /// SHA-256 of the arguments' JSON, hex, first 16 characters: enough to correlate, no
    /// ticket text in the log.
    pub args_digest: String,
    /// `ok`, or the error's text.
    pub outcome: String,
    /// How long the call took, in milliseconds.
    pub latency_ms: u128,
}

/// The digest of `args` as [`Record::args_digest`] has it.
pub fn digest(args: &impl Serialize) -> String {
    let json = serde_json::to_vec(args).unwrap_or_default();
    Sha256::digest(&json)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The record of a request refused before it reached a tool, resource or prompt: `outcome`
/// says why (`refused: HTTP 403 insufficient_scope`, `refused: HTTP 429 rate limited`), the
/// arguments were never read (empty digest).
pub fn refusal(
    principal: Option<&mcp_auth::Principal>,
    method: String,
    name: String,
    outcome: String,
    latency: Duration,
) -> Record {
    Record {
        time_ms: now_ms(),
        principal: principal.map(|p| format!("{}#{}", p.issuer, p.subject)),
        tenant: principal.and_then(|p| p.tenant.clone()),
        client_id: principal.and_then(|p| p.client_id.clone()),
        method,
        name,
        args_digest: String::new(),
        outcome,
        latency_ms: latency.as_millis(),
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis()
}

/// Emits `record` as one JSON line (an `info` event of target [`TARGET`]).
pub fn emit(record: &Record) {
    if let Ok(line) = serde_json::to_string(record) {
        tracing::info!(target: TARGET, "{line}");
    }
}

/// A `tracing` subscriber that writes the audit events (target [`TARGET`]), one JSON line
/// each, to a writer, and ignores everything else. Install it with
/// `tracing::subscriber::set_global_default(AuditWriter::new(std::io::stderr()))`.
#[derive(Debug)]
pub struct AuditWriter<W> {
    out: Mutex<W>,
}

impl<W: Write + Send + 'static> AuditWriter<W> {
    /// Audit lines go to `out`.
    pub fn new(out: W) -> Self {
        Self {
            out: Mutex::new(out),
        }
    }
}

/// Takes an event's message.
struct MessageOf(Option<String>);

impl Visit for MessageOf {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

impl<W: Write + Send + 'static> Subscriber for AuditWriter<W> {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == TARGET
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &SpanRecord<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut message = MessageOf(None);
        event.record(&mut message);
        if let (Some(line), Ok(mut out)) = (message.0, self.out.lock()) {
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_stable_and_hides_the_arguments() {
        let a = digest(&serde_json::json!({"text": "secret"}));
        assert_eq!(a, digest(&serde_json::json!({"text": "secret"})));
        assert_ne!(a, digest(&serde_json::json!({"text": "other"})));
        assert_eq!(a.len(), 16);
        assert!(!a.contains("secret"));
    }

    /// A writer into a shared buffer.
    #[derive(Clone, Default)]
    struct Buffer(std::sync::Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("buffer").extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_writer_prints_audit_records_as_json_lines_and_nothing_else() {
        let buffer = Buffer::default();
        let record = Record {
            time_ms: 1,
            principal: Some("iss#alice".into()),
            tenant: Some("acme".into()),
            client_id: None,
            method: "tools/call".into(),
            name: "getTicket".into(),
            args_digest: digest(&serde_json::json!({"id": 1})),
            outcome: "ok".into(),
            latency_ms: 3,
        };
        tracing::subscriber::with_default(AuditWriter::new(buffer.clone()), || {
            tracing::info!(target: "elsewhere", "not audit");
            emit(&record);
        });
        let text = String::from_utf8(buffer.0.lock().expect("buffer").clone()).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1, "{text}");
        let parsed: serde_json::Value = serde_json::from_str(lines[0]).expect("json");
        assert_eq!(parsed["name"], "getTicket");
        assert_eq!(parsed["principal"], "iss#alice");
        assert_eq!(parsed["latencyMs"], 3);
    }
}
