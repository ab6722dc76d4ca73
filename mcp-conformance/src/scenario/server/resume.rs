//! `http/resumability` (2025-03-26..2025-11-25 basic/transports §Resumability and
//! Redelivery): when the server numbers the events of an SSE answer, a GET with the
//! `Last-Event-ID` of one of them gets the later messages of that stream, and only of that
//! stream; or the server says it does not resume (a 4xx, 405 typically).
//!
//! The texts it checks, each at its own level:
//! - "If present, the ID MUST be globally unique across all streams within that session"
//!   (MUST): event ids of two streams of the session never meet;
//! - "The server MUST NOT replay messages that would have been delivered on a different
//!   stream" (MUST NOT): nothing in the replay belongs elsewhere, whether it is a response or
//!   progress for another request id or token, a message of the second POST stream, one the
//!   resumed stream never carried (the standalone stream's, when the resumed stream was read
//!   to its end), or data that is no JSON-RPC message at all (`data: {}`);
//! - "The server MAY use this header to replay messages that would have been sent after the
//!   last event ID, on the stream that was disconnected" (MAY): a server that accepts the GET
//!   and then leaves out or reorders the stream's later messages is reported at MAY level,
//!   separately, saying how many came.
//!
//! A stream is found by calling tools that accept `{}` with a progress token, over raw HTTP
//! in the conversation's session, until one is answered as an event stream whose events
//! carry ids with data after one of them. The same call is made once more for a second
//! stream. The replay is read until it goes quiet ([`QUIET`]), ends, or carries a message of
//! another stream (then the MUST NOT is broken whatever comes next), bounded by
//! [`REPLAY_MAX`] and [`MAX_EVENTS`], not by how many events were expected. Partial: the
//! standalone GET stream is not opened (its events are recognised only as messages the
//! resumed stream never carried), and the raw events are not schema-validated here (every
//! other scenario validates the same messages through its conversation).

use std::collections::HashSet;
use std::time::Duration;

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::callable::callable_tools;
use super::http::in_session;
use super::listing::callable_with_nothing;
use super::{Halt, ServerScenario, judge, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::raw::{ACCEPT_BOTH, Event, EventReader, PROTOCOL_VERSION, SESSION_ID, is_sse};
use crate::target::{Conversation, Target, clip_at};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![scenario(
        "http/resumability",
        "2025-03-26..2025-11-25 basic/transports §Resumability and Redelivery (\"the ID MUST be \
         globally unique across all streams within that session\"; \"The server MUST NOT replay \
         messages that would have been delivered on a different stream\"; replaying the \
         stream's later messages is a MAY); 2026-07-28 has no resumption",
        Severity::Must,
        |t, v| resumability(t, v).boxed(),
    )
        .checks(&["3.18"])]
}

/// The most tools called looking for a numbered stream.
const MAX_TOOLS: usize = 8;
/// The most events read from one stream.
const MAX_EVENTS: usize = 256;
/// The most bytes of one SSE line or event.
const MAX_EVENT_BYTES: usize = 1024 * 1024;
/// How long the stream to resume is read to its response once its events carry ids: long
/// enough for a tool that reports progress for seconds, whatever `--answer-within` is (with
/// the stream read whole, every message of it is known, and any other in the replay is
/// known to be foreign).
const NUMBERED_MAX: Duration = Duration::from_secs(15);
/// The replay has gone quiet when no event came for this long.
const QUIET: Duration = Duration::from_secs(2);
/// The events read of the second stream.
const SECOND_EVENTS: usize = 2;
/// The longest a replay is read.
const REPLAY_MAX: Duration = Duration::from_secs(10);

/// What the scenario needs of the session.
struct Session<'a> {
    client: reqwest::Client,
    url: &'a str,
    id: String,
    version: ProtocolVersion,
}

impl Session<'_> {
    /// `request` with the session's headers.
    fn stamp(&self, request: RequestBuilder) -> RequestBuilder {
        let request = request.header(SESSION_ID, &self.id);
        if self.version >= ProtocolVersion::V2025_06_18 {
            request.header(PROTOCOL_VERSION, self.version.as_str())
        } else {
            request
        }
    }

    /// Calls tool `name` with `{}` and progress token [`call_id`]`(n)`; the events of its
    /// answer read within `limits`, or nothing when it was answered with plain JSON.
    async fn call(
        &self,
        c: &mut Conversation,
        name: &str,
        n: usize,
        limits: Limits,
    ) -> Result<Vec<Event>, String> {
        // These calls bypass the conversation, so its guard of the tool policy too.
        if let Some(why) = c.withheld(name) {
            return Err(format!(
                "mcp-conformance refused to call tool {name}: {why}"
            ));
        }
        let id = call_id(n);
        let body = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": name, "arguments": {}, "_meta": {"progressToken": id}}});
        let post = self.stamp(
            self.client
                .post(self.url)
                .header(ACCEPT, ACCEPT_BOTH)
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string()),
        );
        c.note(format!("→ POST {body}"));
        let response = post
            .send()
            .await
            .map_err(|e| format!("POST tools/call {name}: {e}"))?;
        if !is_sse(&response) {
            c.note(format!(
                "← HTTP {} (not an event stream)",
                response.status()
            ));
            return Ok(Vec::new());
        }
        let events = read_until(response, limits, |events| answered(events, &id)).await?;
        note_events(c, "the POST's stream", &events);
        Ok(events)
    }
}

/// The id (and progress token) of the `n`th call.
fn call_id(n: usize) -> String {
    format!("resume-{n}")
}

/// Whether `events` hold the response to request `id`: the stream's last message.
fn answered(events: &[Event], id: &str) -> bool {
    events.iter().any(|e| {
        serde_json::from_slice::<Value>(&e.data)
            .is_ok_and(|m| m["id"] == id && m.get("method").is_none())
    })
}

/// How long an event stream is read.
#[derive(Clone, Copy)]
struct Limits {
    /// The longest it is read.
    within: Duration,
    /// It has gone quiet, and is read no further, when no event came for this long.
    quiet: Option<Duration>,
    /// A stream none of whose events carried an id by then is read no further (it cannot
    /// be resumed).
    unnumbered: Option<Duration>,
    /// It is read no further once this many events came.
    events: Option<usize>,
}

impl Limits {
    /// Read for `within`, however it goes.
    fn plain(within: Duration) -> Self {
        Self {
            within,
            quiet: None,
            unnumbered: None,
            events: None,
        }
    }
}

/// Events of `response` until `enough` holds, the stream ends, [`MAX_EVENTS`] came, or a
/// limit of `limits` is reached.
async fn read_until(
    mut response: reqwest::Response,
    limits: Limits,
    mut enough: impl FnMut(&[Event]) -> bool,
) -> Result<Vec<Event>, String> {
    let start = Instant::now();
    let end = start + limits.within;
    let mut reader = EventReader::new(MAX_EVENT_BYTES);
    let mut events: Vec<Event> = Vec::new();
    let mut last_event = start;
    let most = limits.events.unwrap_or(MAX_EVENTS).min(MAX_EVENTS);
    while events.len() < most && !enough(&events) {
        let mut deadline = limits.quiet.map_or(end, |q| end.min(last_event + q));
        if let Some(u) = limits.unnumbered
            && !events.iter().any(|e| e.id.is_some())
        {
            deadline = deadline.min(start + u);
        }
        let before = events.len();
        let chunk = match tokio::time::timeout_at(deadline, response.chunk()).await {
            Err(_) | Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => chunk,
            Ok(Err(e)) => return Err(format!("reading an event stream: {e}")),
        };
        reader
            .feed_events(&chunk, &mut events)
            .map_err(|e| format!("an SSE event or line longer than {} bytes", e.0))?;
        if events.len() > before {
            last_event = Instant::now();
        }
    }
    Ok(events)
}

fn note_events(c: &mut Conversation, what: &str, events: &[Event]) {
    for e in events {
        let data = clip_at(&String::from_utf8_lossy(&e.data), 300);
        c.note(format!("← {what}: id {:?} data {data}", e.id));
    }
}

/// Where `events` can be resumed from: the first event with an id that has data after it,
/// and the messages (parsed data) of the whole stream.
fn cut(events: &[Event]) -> Option<String> {
    events.iter().enumerate().find_map(|(at, e)| {
        let id = e.id.clone()?;
        events[at + 1..]
            .iter()
            .any(|later| !later.data.is_empty())
            .then_some(id)
    })
}

/// The messages of `events`: the data of each event that has some, parsed (`None` for data
/// that is not JSON).
fn messages(events: &[Event]) -> Vec<Option<Value>> {
    events
        .iter()
        .filter(|e| !e.data.is_empty())
        .map(|e| serde_json::from_slice(&e.data).ok())
        .collect()
}

async fn resumability(target: &Target, version: ProtocolVersion) -> Outcome {
    let (url, mut c, session) = match in_session(target, version).await {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let verdict = async {
        let id = session?;
        let client = target.http_client().map_err(|e| e.to_string())?;
        let s = Session {
            client,
            url,
            id,
            version,
        };
        let callable = callable_with_nothing(&callable_tools(&mut c).await?, MAX_TOOLS);
        let mut found = None;
        // A numbered stream is read to its response (bounded by NUMBERED_MAX, not by the
        // answer wait); one whose events carry no id is given up after the answer wait.
        let wait = c.answer_wait();
        let search = Limits {
            unnumbered: Some(wait),
            ..Limits::plain(NUMBERED_MAX.max(wait))
        };
        for (n, name) in callable.iter().enumerate() {
            let events = s.call(&mut c, name, n, search).await?;
            if let Some(at) = cut(&events) {
                found = Some((n, name, events, at));
                break;
            }
        }
        let Some((n, name, first, last_id)) = found else {
            return Err(Halt::Skip(format!(
                "no POST was answered with an event stream whose events carry ids (tools \
                 called with {{}}: {})",
                if callable.is_empty() {
                    "none".to_owned()
                } else {
                    callable.join(", ")
                }
            )));
        };
        // The second stream's first events are enough: their ids for the uniqueness across
        // streams, their messages to recognise in a replay (the rest of it carries its own
        // request id or progress token, which a replay is judged by anyway).
        let second = Limits {
            events: Some(SECOND_EVENTS),
            ..Limits::plain(wait)
        };
        let second = s.call(&mut c, name, callable.len(), second).await?;
        let first_ids: HashSet<_> = first.iter().filter_map(|e| e.id.clone()).collect();
        let second_ids: HashSet<_> = second.iter().filter_map(|e| e.id.clone()).collect();
        if let Some(twice) = first_ids.intersection(&second_ids).next() {
            return Err(Halt::Fail(format!(
                "event id {twice:?} was used on two streams of the session: ids MUST be unique \
                 across them"
            )));
        }
        let streams = Streams {
            id: call_id(n),
            complete: answered(&first, &call_id(n)),
            first,
            other: messages(&second),
            other_id: call_id(callable.len()),
        };
        // A refusal: the server does not resume, which it may.
        let Some(replay) = replay(&s, &mut c, &streams, &last_id).await? else {
            return Ok(());
        };
        judge_replay(&streams, &last_id, &replay)
    }
    .await;
    judge(&mut c, verdict)
}

/// What the scenario knows of the two streams of its session.
struct Streams {
    /// The request (and progress token) of the resumed stream.
    id: String,
    /// The resumed stream's events, as read.
    first: Vec<Event>,
    /// Whether the resumed stream was read to its response, its last message: then every
    /// message it carries is known.
    complete: bool,
    /// The other POST stream's messages.
    other: Vec<Option<Value>>,
    /// The other stream's request (and progress token).
    other_id: String,
}

/// The GET with `Last-Event-ID: last_id`: the events replayed, read until quiet or until one
/// of them belongs to another stream of `streams` (the verdict is then certain); `None` when
/// the server refuses to resume (a 4xx: replaying is a MAY).
async fn replay(
    s: &Session<'_>,
    c: &mut Conversation,
    streams: &Streams,
    last_id: &str,
) -> Result<Option<Vec<Event>>, Halt> {
    let get = s.stamp(
        s.client
            .get(s.url)
            .header(ACCEPT, "text/event-stream")
            .header("last-event-id", last_id),
    );
    c.note(format!("→ GET with Last-Event-ID {last_id}"));
    let response = get
        .send()
        .await
        .map_err(|e| format!("the GET with Last-Event-ID: {e}"))?;
    let status = response.status();
    if status.is_client_error() {
        c.note(format!("← HTTP {status}: the server does not resume"));
        return Ok(None);
    }
    if status != StatusCode::OK || !is_sse(&response) {
        return Err(Halt::Fail(format!(
            "the GET with Last-Event-ID {last_id} got HTTP {status}, not an event stream nor a \
             refusal"
        )));
    }
    // Until it goes quiet, not until as many events came as were expected: a message that
    // does not belong may come before, between or after the ones that do.
    let limits = Limits {
        quiet: Some(QUIET),
        ..Limits::plain(REPLAY_MAX)
    };
    let first = messages(&streams.first);
    // Each event is judged once, as it comes (the earlier ones were not foreign).
    let mut judged = 0;
    let foreign = |events: &[Event]| {
        let new = events.get(judged..).unwrap_or_default();
        judged = events.len();
        messages(new)
            .iter()
            .any(|m| matches!(belongs(streams, &first, m.as_ref()), Belongs::Elsewhere(_)))
    };
    let replay = read_until(response, limits, foreign).await?;
    note_events(c, "the replay", &replay);
    Ok(Some(replay))
}

/// Where one replayed message belongs.
#[derive(Debug, PartialEq)]
enum Belongs {
    /// To the resumed stream.
    Here,
    /// Elsewhere: why it is known not to be the resumed stream's.
    Elsewhere(String),
    /// Cannot be told (a notification of a stream not read to its end).
    Unknown,
}

/// Where replayed message `m` (`None`: data that is not JSON) belongs.
fn belongs(streams: &Streams, first: &[Option<Value>], m: Option<&Value>) -> Belongs {
    let Some(m) = m.filter(|m| m.is_object() && m["jsonrpc"] == "2.0") else {
        return Belongs::Elsewhere(format!(
            "data that is no JSON-RPC message ({})",
            m.map_or_else(|| "not JSON".to_owned(), |m| clip_at(&m.to_string(), 80))
        ));
    };
    if first.iter().any(|f| f.as_ref() == Some(m)) {
        return Belongs::Here;
    }
    if streams.other.iter().any(|o| o.as_ref() == Some(m)) {
        return Belongs::Elsewhere(format!(
            "a message of the other POST stream (request {}): {}",
            streams.other_id,
            clip_at(&m.to_string(), 120)
        ));
    }
    if m.get("method").is_none() {
        return if m["id"] == streams.id.as_str() {
            Belongs::Here
        } else {
            Belongs::Elsewhere(format!("the response to request {}", m["id"]))
        };
    }
    if m["method"] == "notifications/progress" {
        let token = &m["params"]["progressToken"];
        return if *token == streams.id.as_str() {
            Belongs::Here
        } else {
            Belongs::Elsewhere(format!("progress for token {token}"))
        };
    }
    if streams.complete {
        // The resumed stream was read to its response: it never carried this.
        Belongs::Elsewhere(format!(
            "{} {}, which the resumed stream never carried (the standalone stream's?)",
            if m.get("id").is_some() {
                "a request"
            } else {
                "a notification"
            },
            m["method"]
        ))
    } else {
        Belongs::Unknown
    }
}

/// The verdict on `replay`, the events replayed after `last_id`: a message of another stream
/// breaks the MUST NOT; a replay that leaves out or reorders the later messages the resumed
/// stream carried is a MAY-level finding of its own.
fn judge_replay(streams: &Streams, last_id: &str, replay: &[Event]) -> Result<(), Halt> {
    let first = messages(&streams.first);
    let at = streams
        .first
        .iter()
        .position(|e| e.id.as_deref() == Some(last_id))
        .unwrap_or(0);
    let later = messages(&streams.first[at + 1..]);
    let mut here = Vec::new();
    let mut elsewhere = Vec::new();
    for m in messages(replay) {
        match belongs(streams, &first, m.as_ref()) {
            Belongs::Here => here.push(m),
            Belongs::Elsewhere(why) => elsewhere.push(why),
            Belongs::Unknown => {}
        }
    }
    if !elsewhere.is_empty() {
        // Each kind once, with how often it came. The event id is in the evidence, not the
        // reason: the same fault in two versions is one finding.
        let mut kinds: Vec<(String, usize)> = Vec::new();
        for why in &elsewhere {
            match kinds.iter_mut().find(|(k, _)| k == why) {
                Some((_, n)) => *n += 1,
                None => kinds.push((why.clone(), 1)),
            }
        }
        let shown: Vec<String> = kinds
            .iter()
            .take(3)
            .map(|(k, n)| {
                if *n > 1 {
                    format!("{n} × {k}")
                } else {
                    k.clone()
                }
            })
            .collect();
        return Err(Halt::FailAt(
            Severity::Must,
            format!(
                "the replay (a GET with the Last-Event-ID of the resumed stream) carries {} \
                 message(s) of another stream (MUST NOT): {}",
                elsewhere.len(),
                shown.join("; ")
            ),
        ));
    }
    // The later messages read before, in order, then whatever the stream sent after.
    if here.len() < later.len() || here[..later.len()] != later[..] {
        let came = later.iter().filter(|l| here.contains(l)).count();
        return Err(Halt::FailAt(
            Severity::May,
            format!(
                "the GET with the Last-Event-ID of the resumed stream was accepted (an event \
                 stream), but of the \
                 {} message(s) the stream carried after that event {came} came back{}, and \
                 nothing of another stream: a server that resumes MAY replay them, one that \
                 cannot should refuse the GET",
                later.len(),
                if came == later.len() {
                    " out of order"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, data: Value) -> Event {
        Event {
            id: Some(id.to_owned()),
            data: if data.is_null() {
                Vec::new()
            } else {
                data.to_string().into_bytes()
            },
        }
    }

    fn progress(token: &str, n: u32) -> Value {
        json!({"jsonrpc": "2.0", "method": "notifications/progress",
            "params": {"progressToken": token, "progress": n}})
    }

    fn done(id: &str) -> Value {
        json!({"jsonrpc": "2.0", "id": id, "result": {"content": []}})
    }

    fn streams(complete: bool) -> Streams {
        let mut first = vec![
            event("a0", Value::Null),
            event("a1", progress("resume-0", 1)),
            event("a2", progress("resume-0", 2)),
        ];
        if complete {
            first.push(event("a3", done("resume-0")));
        }
        Streams {
            id: "resume-0".into(),
            first,
            complete,
            other: vec![Some(progress("resume-1", 1)), Some(done("resume-1"))],
            other_id: "resume-1".into(),
        }
    }

    fn level(verdict: Result<(), Halt>) -> Option<Severity> {
        match verdict {
            Err(Halt::FailAt(level, _)) => Some(level),
            Err(other) => panic!("{other:?}"),
            Ok(()) => None,
        }
    }

    #[test]
    fn a_faithful_replay_passes() {
        let s = streams(true);
        let replay = [s.first[2].clone(), s.first[3].clone()];
        assert_eq!(level(judge_replay(&s, "a1", &replay)), None);
    }

    #[test]
    fn a_message_of_another_stream_breaks_the_must_not_wherever_it_comes() {
        let s = streams(true);
        // server-everything's store: the other POST stream's progress in between.
        let replay = [
            s.first[2].clone(),
            event("b1", progress("resume-1", 1)),
            s.first[3].clone(),
        ];
        assert_eq!(level(judge_replay(&s, "a1", &replay)), Some(Severity::Must));
        // A log message of the standalone stream, when the resumed stream was read whole.
        let log = json!({"jsonrpc": "2.0", "method": "notifications/message",
            "params": {"level": "emergency", "data": "x"}});
        let replay = [
            s.first[2].clone(),
            event("g1", log.clone()),
            s.first[3].clone(),
        ];
        assert_eq!(level(judge_replay(&s, "a1", &replay)), Some(Severity::Must));
        // The other stream's priming event replayed as `data: {}`, then its response.
        let replay = [
            s.first[2].clone(),
            s.first[3].clone(),
            event("b0", json!({})),
            event("b2", done("resume-1")),
        ];
        let verdict = judge_replay(&s, "a1", &replay);
        let Err(Halt::FailAt(Severity::Must, reason)) = verdict else {
            panic!("{verdict:?}");
        };
        assert!(
            reason.contains("2 message(s)") && reason.contains("no JSON-RPC"),
            "{reason}"
        );
        // Of a stream not read to its end, such a notification cannot be told apart.
        let s = streams(false);
        let replay = [s.first[2].clone(), event("g1", log)];
        assert_eq!(level(judge_replay(&s, "a1", &replay)), None);
    }

    #[test]
    fn an_incomplete_replay_is_a_may_finding_that_says_how_many_came() {
        let s = streams(true);
        let verdict = judge_replay(&s, "a1", &[s.first[2].clone()]);
        let Err(Halt::FailAt(Severity::May, reason)) = verdict else {
            panic!("{verdict:?}");
        };
        assert!(
            reason.contains("of the 2 message(s)") && reason.contains("1 came"),
            "{reason}"
        );
        let reordered = [s.first[3].clone(), s.first[2].clone()];
        let verdict = judge_replay(&s, "a1", &reordered);
        let Err(Halt::FailAt(Severity::May, reason)) = verdict else {
            panic!("{verdict:?}");
        };
        assert!(reason.contains("2 came back out of order"), "{reason}");
    }
}
