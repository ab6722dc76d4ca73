//! `http/resumability` (2025-03-26..2025-11-25 basic/transports §Resumability and
//! Redelivery): when the server numbers the events of an SSE answer, a GET with the
//! `Last-Event-ID` of one of them gets the later events of that stream, and only of that
//! stream; or the server says it does not resume (a 4xx, 405 typically).
//!
//! A stream is found by calling tools that accept `{}` with a progress token, over raw HTTP
//! in the conversation's session, until one is answered as an event stream whose events
//! carry ids with data after one of them. The same call is made once more for a second
//! stream: event ids must be unique across both (a MUST), and nothing of the second may be
//! replayed for the first (a MUST NOT). Partial: only the answers to POSTs are looked at, not
//! the GET stream's own events; and the raw events are not schema-validated here (every
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
        "2025-03-26..2025-11-25 basic/transports §Resumability and Redelivery (ids unique across the \
         session's streams; a GET with Last-Event-ID replays only that stream's later events); \
         2026-07-28 has no resumption",
        Severity::Should,
        |t, v| resumability(t, v).boxed(),
    )]
}

/// The most tools called looking for a numbered stream.
const MAX_TOOLS: usize = 8;
/// The most events read from one stream.
const MAX_EVENTS: usize = 256;
/// The most bytes of one SSE line or event.
const MAX_EVENT_BYTES: usize = 1024 * 1024;
/// How long a replay may take to arrive.
const REPLAY_WITHIN: Duration = Duration::from_secs(3);

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

    /// Calls tool `name` with `{}` and a progress token; the events of its answer, or
    /// nothing when it was answered with plain JSON.
    async fn call(&self, c: &mut Conversation, name: &str, n: usize) -> Result<Vec<Event>, String> {
        // These calls bypass the conversation, so its guard of the tool policy too.
        if let Some(why) = c.withheld(name) {
            return Err(format!(
                "mcp-conformance refused to call tool {name}: {why}"
            ));
        }
        let id = format!("resume-{n}");
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
        let answered = |events: &[Event]| {
            events.iter().any(|e| {
                serde_json::from_slice::<Value>(&e.data).is_ok_and(|m| m["id"] == id.as_str())
            })
        };
        let events = read_events(response, c.answer_wait(), answered).await?;
        note_events(c, "the POST's stream", &events);
        Ok(events)
    }
}

/// Events of `response` until `enough` holds, the stream ends, [`MAX_EVENTS`] came, or
/// `within` passed.
async fn read_events(
    mut response: reqwest::Response,
    within: Duration,
    enough: impl Fn(&[Event]) -> bool,
) -> Result<Vec<Event>, String> {
    let deadline = Instant::now() + within;
    let mut reader = EventReader::new(MAX_EVENT_BYTES);
    let mut events = Vec::new();
    while events.len() < MAX_EVENTS && !enough(&events) {
        let chunk = match tokio::time::timeout_at(deadline, response.chunk()).await {
            Err(_) | Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => chunk,
            Ok(Err(e)) => return Err(format!("reading an event stream: {e}")),
        };
        reader
            .feed_events(&chunk, &mut events)
            .map_err(|e| format!("an SSE event or line longer than {} bytes", e.0))?;
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
/// and the data that comes after it.
fn cut(events: &[Event]) -> Option<(String, Vec<Vec<u8>>)> {
    events.iter().enumerate().find_map(|(at, e)| {
        let id = e.id.clone()?;
        let later = data_of(&events[at + 1..]);
        (!later.is_empty()).then_some((id, later))
    })
}

/// The non-empty data of `events`.
fn data_of(events: &[Event]) -> Vec<Vec<u8>> {
    events
        .iter()
        .filter(|e| !e.data.is_empty())
        .map(|e| e.data.clone())
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
        for (n, name) in callable.iter().enumerate() {
            let events = s.call(&mut c, name, n).await?;
            if let Some(at) = cut(&events) {
                found = Some((name, events, at));
                break;
            }
        }
        let Some((name, first, (last_id, later))) = found else {
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
        let second = s.call(&mut c, name, callable.len()).await?;
        let first_ids: HashSet<_> = first.iter().filter_map(|e| e.id.clone()).collect();
        let second_ids: HashSet<_> = second.iter().filter_map(|e| e.id.clone()).collect();
        if let Some(twice) = first_ids.intersection(&second_ids).next() {
            return Err(Halt::Fail(format!(
                "event id {twice:?} was used on two streams of the session: ids MUST be unique \
                 across them"
            )));
        }
        resume(&s, &mut c, &last_id, &later, &second).await
    }
    .await;
    judge(&mut c, verdict)
}

/// A GET with `Last-Event-ID: last_id` replays `later`, and nothing of `other`.
async fn resume(
    s: &Session<'_>,
    c: &mut Conversation,
    last_id: &str,
    later: &[Vec<u8>],
    other: &[Event],
) -> Result<(), Halt> {
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
        // Replaying is a MAY: a server that does not resume says so.
        c.note(format!("← HTTP {status}: the server does not resume"));
        return Ok(());
    }
    if status != StatusCode::OK || !is_sse(&response) {
        return Err(Halt::Fail(format!(
            "the GET with Last-Event-ID {last_id} got HTTP {status}, not an event stream nor a \
             refusal"
        )));
    }
    let wanted = later.len();
    let replay = read_events(response, REPLAY_WITHIN, |events| {
        data_of(events).len() >= wanted
    })
    .await?;
    note_events(c, "the replay", &replay);
    let other_ids: HashSet<_> = other.iter().filter_map(|e| e.id.as_deref()).collect();
    let other_data = data_of(other);
    if let Some(e) = replay.iter().find(|e| {
        e.id.as_deref().is_some_and(|id| other_ids.contains(id)) || other_data.contains(&e.data)
    }) {
        return Err(Halt::Fail(format!(
            "the replay after {last_id} carries an event of another stream (MUST NOT): id {:?}",
            e.id
        )));
    }
    let replayed = data_of(&replay);
    if replayed.len() < wanted || replayed[..wanted] != *later {
        return Err(Halt::Fail(format!(
            "the GET with Last-Event-ID {last_id} opened a stream, but it did not replay the \
             {wanted} later events of that stream in order within {} s ({} came): they are lost",
            REPLAY_WITHIN.as_secs(),
            replayed.len()
        )));
    }
    Ok(())
}
