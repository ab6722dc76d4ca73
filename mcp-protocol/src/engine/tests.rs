//! The engine with no runtime: two engines wired back to back, a virtual clock, and a driver
//! that moves messages by hand, so every interleaving can be written down.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::*;
use crate::jsonrpc::ErrorCode;
use crate::methods::Ping;
use crate::types::RequestParams;

/// Two engines (client `a`, server `b`), what each sent that the other has not received yet,
/// and the events each reported.
struct Pair {
    now: Instant,
    a: Engine,
    b: Engine,
    a_to_b: Vec<Message>,
    b_to_a: Vec<Message>,
    a_events: Vec<Event>,
    b_events: Vec<Event>,
}

impl Pair {
    fn new() -> Self {
        Self::with_config(EngineConfig::new())
    }

    fn with_config(config: EngineConfig) -> Self {
        Self {
            now: Instant::now(),
            a: Engine::new(Side::Client, config.clone()),
            b: Engine::new(Side::Server, config),
            a_to_b: Vec::new(),
            b_to_a: Vec::new(),
            a_events: Vec::new(),
            b_events: Vec::new(),
        }
    }

    /// Collects what both engines queued (nothing is delivered).
    fn collect(&mut self) {
        while let Some(m) = self.a.poll_transmit() {
            self.a_to_b.push(m);
        }
        while let Some(m) = self.b.poll_transmit() {
            self.b_to_a.push(m);
        }
        while let Some(e) = self.a.poll_event() {
            self.a_events.push(e);
        }
        while let Some(e) = self.b.poll_event() {
            self.b_events.push(e);
        }
    }

    /// Delivers everything in flight, both ways, until nothing moves.
    fn drive(&mut self) {
        loop {
            self.collect();
            if self.a_to_b.is_empty() && self.b_to_a.is_empty() {
                return;
            }
            for m in std::mem::take(&mut self.a_to_b) {
                self.b.handle_message(m, self.now);
            }
            for m in std::mem::take(&mut self.b_to_a) {
                self.a.handle_message(m, self.now);
            }
        }
    }

    fn advance(&mut self, by: Duration) {
        self.now += by;
        self.a.handle_timeout(self.now);
        self.b.handle_timeout(self.now);
    }

    fn ping(&mut self, opts: RequestOptions) -> RequestId {
        self.a
            .send_request::<Ping>(&RequestParams::default(), opts, self.now)
            .unwrap()
    }

    /// Ids of the requests `b` received, in order.
    fn b_requests(&self) -> Vec<RequestId> {
        self.b_events
            .iter()
            .filter_map(|e| match e {
                Event::Request(r) => Some(r.id.clone()),
                _ => None,
            })
            .collect()
    }

    /// `a`'s completions, by id.
    fn a_completions(&self) -> Vec<(RequestId, Completion)> {
        completions(&self.a_events)
    }
}

fn completions(events: &[Event]) -> Vec<(RequestId, Completion)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Completed(c) => Some((c.id.clone(), c.completion.clone())),
            _ => None,
        })
        .collect()
}

fn ok(text: &str) -> ResultOrError {
    ResultOrError::Result(RawValue::from_string(text.to_owned()).unwrap())
}

fn raw(text: &str) -> Option<Box<RawValue>> {
    Some(RawValue::from_string(text.to_owned()).unwrap())
}

fn cancelled_ids(msgs: &[Message]) -> Vec<(RequestId, Option<String>)> {
    msgs.iter()
        .filter_map(|m| match m {
            Message::Notification(n) if n.method == Cancelled::METHOD => {
                let p = n.decode_params::<Cancelled>().unwrap();
                Some((p.request_id.unwrap(), p.reason))
            }
            _ => None,
        })
        .collect()
}

// requirement: 1.3
#[test]
fn ids_are_increasing_and_responses_route_out_of_order() {
    let mut p = Pair::new();
    let ids: Vec<_> = (0..3).map(|_| p.ping(RequestOptions::new())).collect();
    assert_eq!(ids, [0.into(), 1.into(), 2.into()]);
    p.drive();
    assert_eq!(p.b_requests(), ids);
    for (i, id) in ids.iter().enumerate().rev() {
        assert!(p.b.respond(id, ok(&format!("{{\"n\":{i}}}"))));
    }
    p.drive();
    let got = p.a_completions();
    assert_eq!(got.len(), 3);
    for (id, c) in got {
        let RequestId::Number(n) = id else { panic!() };
        assert_eq!(c, Completion::Response(ok(&format!("{{\"n\":{n}}}"))));
    }
    let Event::Completed(c) = &p.a_events[0] else {
        panic!()
    };
    assert_eq!(c.method, "ping");
    assert_eq!(p.a.pending_requests(), 0);
    assert_eq!(p.b.requests_in_flight(), 0);
    // Answering twice does nothing.
    assert!(!p.b.respond(&ids[0], ok("{}")));
}

#[test]
fn a_transport_failure_ends_one_request_sends_nothing_and_a_late_answer_is_dropped() {
    let mut p = Pair::new();
    let failed = p.ping(RequestOptions::new().timeout(Duration::from_secs(5)));
    let other = p.ping(RequestOptions::new());
    p.drive();
    let failure = RequestFailure::new(std::io::Error::other("HTTP 502"));
    assert!(p.a.fail(&failed, failure.clone()));
    assert!(
        !p.a.fail(&failed, failure.clone()),
        "only a pending request fails"
    );
    assert!(
        p.a.poll_transmit().is_none(),
        "no cancellation for a failed request"
    );
    assert_eq!(p.a.poll_timeout(), None, "its deadline is gone");
    assert!(p.b.respond(&failed, ok("{}")));
    assert!(p.b.respond(&other, ok("{}")));
    p.drive();
    assert_eq!(
        p.a_completions(),
        [
            (failed, Completion::Failed(failure)),
            (other, Completion::Response(ok("{}")))
        ]
    );
    assert!(p.a.close_reason().is_none(), "the connection goes on");
    assert!(!p.a_events.iter().any(|e| matches!(e, Event::Violation(_))));
}

#[test]
fn unknown_response_ids_are_violations_and_never_delivered() {
    let mut p = Pair::new();
    let id = p.ping(RequestOptions::new());
    p.drive();
    for bad in [
        Some(RequestId::Number(99)),
        Some(RequestId::from("0")),
        None,
    ] {
        p.a.handle_message(
            Message::Response(ResponseMessage {
                id: bad,
                outcome: ok("{}"),
            }),
            p.now,
        );
    }
    p.collect();
    let violations = p
        .a_events
        .iter()
        .filter(|e| matches!(e, Event::Violation(Violation::UnknownResponse { .. })))
        .count();
    assert_eq!(violations, 3);
    assert!(p.a_completions().is_empty());
    assert!(p.b.respond(&id, ok("{}")));
    p.drive();
    assert_eq!(p.a_completions(), [(id, Completion::Response(ok("{}")))]);
}

// requirement: 1.3
#[test]
fn a_duplicate_request_id_is_refused_and_the_first_carries_on() {
    let mut p = Pair::new();
    let req = |id: i64| {
        Message::Request(RequestMessage {
            id: id.into(),
            method: "x".into(),
            params: None,
        })
    };
    p.b.handle_message(req(7), p.now);
    p.b.handle_message(req(7), p.now);
    p.collect();
    assert_eq!(p.b_requests(), [7.into()]);
    let [Message::Response(r)] = &p.b_to_a[..] else {
        panic!("{:?}", p.b_to_a)
    };
    assert_eq!(r.id, Some(7.into()));
    let ResultOrError::Error(e) = &r.outcome else {
        panic!()
    };
    assert_eq!(e.code, ErrorCode::INVALID_REQUEST);
    assert!(p.b.respond(&7.into(), ok("{}")));
    // Once answered, the id may be used again.
    p.b.handle_message(req(7), p.now);
    p.collect();
    assert_eq!(p.b_requests(), [7.into(), 7.into()]);
}

// requirement: 7.2
#[test]
fn cancelling_sends_the_notification_and_the_peer_swallows_its_answer() {
    let mut p = Pair::new();
    let id = p.ping(RequestOptions::new());
    p.drive();
    assert!(p.a.cancel(&id, Some("user gave up".into())));
    assert!(!p.a.cancel(&id, None), "cancelling twice is ignored");
    p.collect();
    assert_eq!(p.a_completions(), [(id.clone(), Completion::Cancelled)]);
    assert_eq!(
        cancelled_ids(&p.a_to_b),
        [(id.clone(), Some("user gave up".into()))]
    );
    p.drive();
    assert!(p.b_events.iter().any(
        |e| matches!(e, Event::Cancelled { id: i, reason: Some(r) } if *i == id && r == "user gave up")
    ));
    assert!(!p.b.respond(&id, ok("{}")), "the answer is not sent");
    p.collect();
    assert!(p.b_to_a.is_empty());
    assert_eq!(p.b.requests_in_flight(), 0);
}

#[test]
fn a_response_crossing_a_cancel_is_dropped_and_completes_nothing_twice() {
    let mut p = Pair::new();
    let id = p.ping(RequestOptions::new());
    p.drive();
    // b answers; before the answer arrives a cancels.
    assert!(p.b.respond(&id, ok("{}")));
    assert!(p.a.cancel(&id, None));
    p.drive();
    assert_eq!(p.a_completions(), [(id, Completion::Cancelled)]);
    assert!(
        !p.a_events.iter().any(|e| matches!(e, Event::Violation(_))),
        "a late answer to our own request is not a violation"
    );
    // b got a cancellation for a request it already finished: ignored.
    assert!(
        !p.b_events
            .iter()
            .any(|e| matches!(e, Event::Cancelled { .. }))
    );
    // The next request gets a new id and its own answer only.
    let next = p.ping(RequestOptions::new());
    assert_eq!(next, 1.into());
}

// requirement: 7.2
#[test]
fn cancelling_unknown_or_foreign_ids_is_ignored() {
    let mut p = Pair::new();
    assert!(!p.a.cancel(&5.into(), None));
    assert!(!p.a.cancel(&"x".into(), None));
    let n = NotificationMessage::new::<Cancelled>(&CancelledParams::new(5.into(), None)).unwrap();
    p.b.handle_message(Message::Notification(n), p.now);
    p.collect();
    assert!(p.a_to_b.is_empty() && p.b_events.is_empty());
}

// requirement: 2.10
#[test]
fn timeouts_cancel_the_request_and_report_it() {
    let mut p = Pair::with_config(EngineConfig::new().default_timeout(Duration::from_secs(5)));
    let slow = p.ping(RequestOptions::new());
    let fast = p.ping(RequestOptions::new().timeout(Duration::from_secs(1)));
    let never = p.ping(RequestOptions::new().without_timeout());
    assert_eq!(p.a.poll_timeout(), Some(p.now + Duration::from_secs(1)));
    p.drive();
    p.advance(Duration::from_millis(999));
    p.collect();
    assert!(p.a_completions().is_empty());
    p.advance(Duration::from_millis(1));
    p.collect();
    assert_eq!(p.a_completions(), [(fast.clone(), Completion::TimedOut)]);
    let cancels = cancelled_ids(&p.a_to_b);
    assert_eq!(cancels[0].0, fast);
    assert!(cancels[0].1.as_deref().unwrap().contains("timed out"));
    p.advance(Duration::from_secs(10));
    p.drive();
    assert_eq!(
        p.a_completions(),
        [(fast, Completion::TimedOut), (slow, Completion::TimedOut)]
    );
    assert_eq!(p.a.poll_timeout(), None);
    assert_eq!(p.a.pending_requests(), 1);
    assert!(p.b.respond(&never, ok("{}")));
    p.drive();
    assert_eq!(p.a_completions().len(), 3);
}

// requirement: 7.5
#[test]
fn progress_is_routed_resets_the_timeout_and_respects_the_cap() {
    let mut p = Pair::new();
    let opts = RequestOptions::new()
        .with_progress()
        .timeout(Duration::from_secs(2))
        .max_total(Duration::from_secs(5));
    let id = p.ping(opts);
    let other = p.ping(RequestOptions::new());
    p.drive();
    // The engine wrote the token into `_meta`; b sees it; the request without one has none.
    assert_eq!(p.b.progress_token(&id), Some(&ProgressToken::Number(0)));
    assert!(!p.b.notify_progress(&other, 1.0, None, None));
    for step in 1..=4 {
        p.advance(Duration::from_millis(1500));
        assert!(p.b.notify_progress(&id, f64::from(step), Some(10.0), None));
        p.drive();
    }
    let progress: Vec<_> = p
        .a_events
        .iter()
        .filter_map(|e| match e {
            Event::Progress { id, params } => Some((id.clone(), params.progress)),
            _ => None,
        })
        .collect();
    // Resets at 1.5 s, 3 s and 4.5 s kept it alive well past 2 s; the 5 s cap ended it before
    // the fourth progress (at 6 s) arrived, which was dropped.
    assert_eq!(
        progress,
        [(id.clone(), 1.0), (id.clone(), 2.0), (id.clone(), 3.0)]
    );
    assert!(
        p.a_completions()
            .iter()
            .any(|(i, c)| *i == id && *c == Completion::TimedOut)
    );
    // b learnt of the timeout through `notifications/cancelled` and stops reporting; progress
    // for a finished or unknown token is ignored.
    assert!(!p.b.notify_progress(&id, 5.0, None, None));
    let stray = ProgressParams::new(ProgressToken::from("nope"), 1.0, None);
    p.b.notify::<Progress>(&stray).unwrap();
    p.drive();
    assert_eq!(
        p.a_events
            .iter()
            .filter(|e| matches!(e, Event::Progress { .. }))
            .count(),
        3
    );
}

// requirement: 7.6
#[test]
fn a_caller_chosen_progress_token_is_used_and_must_be_unique() {
    let mut p = Pair::new();
    let params = raw(r#"{"_meta":{"progressToken":"mine"}}"#);
    let id =
        p.a.send_raw_request(
            Cow::Borrowed("x"),
            params.clone(),
            RequestOptions::new(),
            p.now,
        )
        .unwrap();
    let dup =
        p.a.send_raw_request(Cow::Borrowed("x"), params, RequestOptions::new(), p.now);
    assert!(matches!(dup, Err(SendError::DuplicateProgressToken(_))));
    p.drive();
    assert_eq!(p.b.progress_token(&id), Some(&ProgressToken::from("mine")));
    p.b.notify_progress(&id, 0.5, None, Some("half".into()));
    p.drive();
    assert!(p.a_events.iter().any(|e| matches!(e, Event::Progress { id: i, params } if *i == id && params.message.as_deref() == Some("half"))));
    // Auto tokens avoid a caller's integer token.
    let taken = raw(r#"{"_meta":{"progressToken":2}}"#);
    p.a.send_raw_request(Cow::Borrowed("x"), taken, RequestOptions::new(), p.now)
        .unwrap();
    let auto =
        p.a.send_raw_request(
            Cow::Borrowed("x"),
            raw(r#"{"a":1}"#),
            RequestOptions::new().with_progress(),
            p.now,
        )
        .unwrap();
    p.drive();
    assert_eq!(
        p.b.progress_token(&auto),
        Some(&ProgressToken::from("mcp-progress-2"))
    );
}

#[test]
fn bad_input_gets_the_right_error_and_nothing_else_breaks() {
    let mut p = Pair::new();
    let id = p.ping(RequestOptions::new());
    p.drive();
    let inputs = [
        Message::from_str("{nope"),
        Message::from_str(r#"{"jsonrpc":"1.0","id":9,"method":"ping"}"#),
        Message::from_str(
            r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{}}}"#,
        ),
        Message::from_str(r#"{"jsonrpc":"2.0","method":"notifications/progress","params":{}}"#),
    ];
    for input in inputs {
        p.b.handle_input(input, p.now);
    }
    p.b.handle_decode_error(DecodeError::InvalidResult {
        id: Some(1.into()),
        method: "ping".into(),
        path: ".".into(),
        message: "x".into(),
    });
    p.collect();
    let answers: Vec<_> = p
        .b_to_a
        .iter()
        .map(|m| match m {
            Message::Response(ResponseMessage {
                id,
                outcome: ResultOrError::Error(e),
            }) => (id.clone(), e.code),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        answers,
        [
            (None, ErrorCode::PARSE_ERROR),
            (Some(9.into()), ErrorCode::INVALID_REQUEST)
        ]
    );
    let violations = p
        .b_events
        .iter()
        .filter(|e| matches!(e, Event::Violation(Violation::Decode(_))))
        .count();
    assert_eq!(violations, 5);
    p.b_to_a.clear();
    assert!(p.b.respond(&id, ok("{}")));
    p.drive();
    assert_eq!(p.a_completions(), [(id, Completion::Response(ok("{}")))]);
}

// requirement: 1.9
#[test]
fn notifications_pass_through_and_are_never_answered() {
    let mut p = Pair::new();
    p.a.send_raw_notification("notifications/initialized".into(), None)
        .unwrap();
    p.drive();
    assert!(
        matches!(&p.b_events[..], [Event::Notification(n)] if n.method == "notifications/initialized")
    );
    assert!(p.b_to_a.is_empty());
}

#[test]
fn close_fails_every_pending_request_once() {
    let mut p = Pair::new();
    let ids: Vec<_> = (0..3)
        .map(|_| p.ping(RequestOptions::new().timeout(Duration::from_secs(1))))
        .collect();
    p.a.close(CloseReason::PeerClosed);
    p.a.close(CloseReason::Local);
    p.collect();
    let want: Vec<_> = ids
        .iter()
        .map(|id| (id.clone(), Completion::Closed(CloseReason::PeerClosed)))
        .collect();
    assert_eq!(p.a_completions(), want);
    assert!(matches!(
        p.a_events.last(),
        Some(Event::Closed(CloseReason::PeerClosed))
    ));
    assert!(matches!(p.ping_result(), Err(SendError::Closed(_))));
    assert_eq!(p.a.poll_timeout(), None);
    p.a.handle_message(
        Message::Response(ResponseMessage {
            id: Some(0.into()),
            outcome: ok("{}"),
        }),
        p.now,
    );
    p.advance(Duration::from_secs(5));
    p.collect();
    assert_eq!(p.a_completions().len(), 3);
}

#[test]
fn after_the_peer_stops_sending_its_requests_are_still_answered_then_the_engine_closes() {
    let mut p = Pair::new();
    // `a` pings `b` twice, and `b` pings `a` once; then `a`'s stream ends (as when a client
    // closes a server's stdin).
    let pings = [p.ping(RequestOptions::new()), p.ping(RequestOptions::new())];
    let ours =
        p.b.send_request::<Ping>(&RequestParams::default(), RequestOptions::new(), p.now)
            .unwrap();
    p.collect();
    for m in std::mem::take(&mut p.a_to_b) {
        p.b.handle_message(m, p.now);
    }
    p.b.input_ended();
    p.collect();
    assert!(p.b.is_input_ended());
    // Our own request can never be answered now, and no new one can be sent.
    let b_done = completions(&p.b_events);
    assert_eq!(
        b_done,
        vec![(ours, Completion::Closed(CloseReason::PeerClosed))]
    );
    assert!(matches!(
        p.b.send_request::<Ping>(&RequestParams::default(), RequestOptions::new(), p.now),
        Err(SendError::Closed(CloseReason::PeerClosed))
    ));
    // The peer's requests are still ours to answer, and the answers leave.
    assert_eq!(p.b_requests(), pings.to_vec());
    assert_eq!(p.b.close_reason(), None);
    assert!(p.b.respond(&pings[0], ok("{}")));
    assert_eq!(p.b.close_reason(), None, "one answer is still owed");
    assert!(p.b.respond(&pings[1], ok("{}")));
    assert_eq!(p.b.close_reason(), Some(&CloseReason::PeerClosed));
    p.collect();
    let answered: Vec<_> = p
        .b_to_a
        .iter()
        .filter_map(|m| match m {
            Message::Response(r) => r.id.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(answered, pings.to_vec());
}

#[test]
fn a_stream_ending_with_nothing_owed_closes_at_once() {
    let mut p = Pair::new();
    p.b.input_ended();
    assert_eq!(p.b.close_reason(), Some(&CloseReason::PeerClosed));
}

#[test]
fn requests_beyond_the_in_flight_limit_are_refused_and_the_rest_carry_on() {
    let mut p = Pair::with_config(EngineConfig::new().max_requests_in_flight(2));
    let ids: Vec<_> = (0..3).map(|_| p.ping(RequestOptions::new())).collect();
    p.collect();
    for m in std::mem::take(&mut p.a_to_b) {
        p.b.handle_message(m, p.now);
    }
    p.collect();
    // Two reach the application; the third is answered -31000 at once and never does.
    assert_eq!(p.b_requests(), ids[..2].to_vec());
    assert!(p.b_events.iter().any(|e| matches!(
        e,
        Event::Violation(Violation::TooManyRequests(id)) if *id == ids[2]
    )));
    let refused: Vec<_> = p
        .b_to_a
        .iter()
        .filter_map(|m| match m {
            Message::Response(ResponseMessage {
                id,
                outcome: ResultOrError::Error(e),
            }) => Some((id.clone(), e.code)),
            _ => None,
        })
        .collect();
    assert_eq!(
        refused,
        vec![(Some(ids[2].clone()), ErrorCode::TOO_MANY_REQUESTS)]
    );
    // Once one is answered there is room again.
    assert!(p.b.respond(&ids[0], ok("{}")));
    let again = p.ping(RequestOptions::new());
    p.drive();
    assert!(p.b_requests().contains(&again));
    assert_eq!(p.b.requests_in_flight(), 2);
}

#[test]
fn usize_max_in_flight_means_no_limit() {
    let mut p = Pair::with_config(EngineConfig::new().max_requests_in_flight(usize::MAX));
    let n = DEFAULT_MAX_REQUESTS_IN_FLIGHT + 8;
    let ids: Vec<_> = (0..n).map(|_| p.ping(RequestOptions::new())).collect();
    p.drive();
    assert_eq!(p.b.requests_in_flight(), n);
    assert_eq!(p.b_requests(), ids);
    assert!(
        !p.b_events
            .iter()
            .any(|e| matches!(e, Event::Violation(Violation::TooManyRequests(_))))
    );
}

impl Pair {
    fn ping_result(&mut self) -> Result<RequestId, SendError> {
        self.a
            .send_request::<Ping>(&RequestParams::default(), RequestOptions::new(), self.now)
    }
}

/// One step of the proptest: what may happen to a connection with pending requests.
#[derive(Clone, Debug)]
enum Step {
    Send { timeout_ms: Option<u64> },
    Deliver { to_b: bool },
    Respond(usize),
    Cancel(usize),
    TransportFails(usize),
    PeerCancelled(usize),
    Advance(u64),
    Close,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => proptest::option::of(1u64..50).prop_map(|timeout_ms| Step::Send { timeout_ms }),
        4 => any::<bool>().prop_map(|to_b| Step::Deliver { to_b }),
        3 => (0usize..16).prop_map(Step::Respond),
        2 => (0usize..16).prop_map(Step::Cancel),
        1 => (0usize..16).prop_map(Step::TransportFails),
        1 => (0usize..16).prop_map(Step::PeerCancelled),
        2 => (0u64..30).prop_map(Step::Advance),
        1 => Just(Step::Close),
    ]
}

proptest! {
    /// Whatever the interleaving of answers, cancels, transport failures, timeouts and close:
    /// every request we
    /// sent completes exactly once, an answer is only ever delivered to the request it
    /// answers, and b never answers a request twice.
    #[test]
    fn every_request_completes_exactly_once(steps in proptest::collection::vec(step(), 1..80)) {
        let mut p = Pair::new();
        let mut sent: Vec<RequestId> = Vec::new();
        for s in steps {
            match s {
                Step::Send { timeout_ms } => {
                    let opts = match timeout_ms {
                        Some(ms) => RequestOptions::new().timeout(Duration::from_millis(ms)),
                        None => RequestOptions::new(),
                    };
                    // The params name the id they belong to, and b echoes them.
                    let n = sent.len();
                    if let Ok(id) = p.a.send_raw_request(Cow::Borrowed("echo"), raw(&format!("{{\"n\":{n}}}")), opts, p.now) {
                        prop_assert_eq!(&id, &RequestId::Number(n as i64));
                        sent.push(id);
                    }
                }
                Step::Deliver { to_b } => {
                    p.collect();
                    if to_b {
                        for m in std::mem::take(&mut p.a_to_b) { p.b.handle_message(m, p.now); }
                    } else {
                        for m in std::mem::take(&mut p.b_to_a) { p.a.handle_message(m, p.now); }
                    }
                }
                Step::Respond(i) => {
                    if let Some(id) = p.b_requests().get(i).cloned() {
                        let RequestId::Number(n) = id else { unreachable!() };
                        p.b.respond(&id, ok(&format!("{{\"n\":{n}}}")));
                    }
                }
                Step::Cancel(i) => { if let Some(id) = sent.get(i) { p.a.cancel(id, None); } }
                Step::TransportFails(i) => {
                    if let Some(id) = sent.get(i) {
                        p.a.fail(id, RequestFailure::new(std::io::Error::other("broken")));
                    }
                }
                Step::PeerCancelled(i) => {
                    if let Some(id) = sent.get(i) {
                        let n = NotificationMessage::new::<Cancelled>(&CancelledParams::new(id.clone(), None)).unwrap();
                        p.b.handle_message(Message::Notification(n), p.now);
                    }
                }
                Step::Advance(ms) => p.advance(Duration::from_millis(ms)),
                Step::Close => p.a.close(CloseReason::Local),
            }
        }
        p.drive();
        p.a.close(CloseReason::Local);
        p.collect();
        let mut seen: HashMap<RequestId, usize> = HashMap::new();
        for (id, c) in p.a_completions() {
            *seen.entry(id.clone()).or_default() += 1;
            if let Completion::Response(o) = c {
                let RequestId::Number(n) = id else { unreachable!() };
                prop_assert_eq!(o, ok(&format!("{{\"n\":{n}}}")));
            }
        }
        for id in &sent {
            prop_assert_eq!(seen.get(id).copied(), Some(1), "request {} completed {:?} times", id, seen.get(id));
        }
        prop_assert_eq!(seen.len(), sent.len());
        prop_assert!(!p.a_events.iter().any(|e| matches!(e, Event::Violation(_))));
        let answers = p.b_to_a.iter().filter(|m| matches!(m, Message::Response(_))).count();
        prop_assert!(answers <= p.b_requests().len());
    }
}
