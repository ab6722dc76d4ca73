//! Multi Round-Trip Requests (2026-07-28, basic/patterns/mrtr): how a handler that asks the
//! client for input is run across several requests.
//!
//! # The replay model
//!
//! A 2026-07-28 server keeps no state between requests, so a handler that asks for input
//! cannot be suspended and resumed later. Instead:
//!
//! 1. The handler runs. Each question it asks ([`RequestContext::elicit`] and friends) gets a
//!    key from the order of asking (`elicit-0`, `sample-1`, …), or the key the handler chose
//!    ([`RequestContext::elicit_as`] and friends). A question without an answer
//!    is recorded and its future never resolves.
//! 2. As soon as the handler cannot go on (it returned `Pending` with questions unanswered),
//!    it is dropped and the call answers `resultType: "input_required"` with every
//!    unanswered question in `inputRequests`, and a `requestState` carrying every answer
//!    received so far.
//! 3. The client answers and retries with `inputResponses` and the `requestState`. The
//!    handler runs **again from the start**; this time questions `0..n` find their answers
//!    at once and it gets further, to the end or to the next questions.
//!
//! So a handler must be **deterministic up to its input requests**: the same arguments must
//! lead to the same questions in the same order, and work done before a question may run
//! more than once (do side effects after the last question, or make them idempotent).
//!
//! # Tamper evidence
//!
//! The `requestState` is `base64url(payload) "." base64url(HMAC-SHA256(key, payload))`
//! under a random key made when the [`Server`](crate::Server) is built. The payload binds
//! the answers to the method, a digest of the request's salient params (tool name and
//! arguments, prompt name and arguments, resource URI), the caller's principal, and an
//! expiry, as the spec's replay guidance asks. State that fails any check is refused with
//! -32602. Answers sealed in an earlier round cannot be replaced by the client in a later
//! one. The state is not encrypted: it holds the client's own answers.
//!
//! # Answers only to questions asked
//!
//! An answer is taken only for a question the server asked in this request's exchange:
//! the state also seals the keys of the questions its `input_required` result asked, and
//! `inputResponses` under any other key are ignored. An answer sent without a state, on the
//! first request, is ignored too: otherwise a client (or a model steered by injected text)
//! could pre-answer a confirmation the user never saw, and a destructive tool would run in
//! one request (basic/patterns/mrtr lets servers ignore responses they do not recognise).
//! Each state carries a one-time nonce: a state presented a second time is refused with
//! -32602, so an answered round cannot be replayed to repeat its effect. The used nonces
//! live in this process (until the state's expiry), so a deployment of several instances
//! behind one endpoint must route a request's rounds to one instance, or accept that a
//! state may be replayed once per instance.
//!
//! A tool may opt in to answers it did not ask for
//! ([`ToolDef::accept_unsolicited_answers`](crate::ToolDef::accept_unsolicited_answers)),
//! at the risk described there.
//!
//! [`RequestContext::elicit`]: crate::RequestContext::elicit
//! [`RequestContext::elicit_as`]: crate::RequestContext::elicit_as

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::Poll;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use mcp_auth::PrincipalKey;
use mcp_protocol::ErrorObject;
use mcp_protocol::types::{InputRequest, InputRequests, InputResponses};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Seals and opens `requestState` under this server's key.
pub(crate) struct Sealer {
    key: [u8; 32],
    ttl: Duration,
    /// Nonces of the states already opened, with their expiry (ms): a state opens once.
    used: Mutex<Spent>,
}

/// The nonces of opened states and when each state expires (ms). Expired ones are dropped
/// in a sweep whenever the map has doubled since the last one, not on every open: a sweep
/// costs a pass over the map, and a stale entry refuses nothing (an expired state is
/// refused before its nonce is looked at), so the map holds at most twice the states of
/// one TTL.
#[derive(Debug, Default)]
struct Spent {
    nonces: HashMap<String, u64>,
    sweep_at: usize,
}

/// The size below which the used nonces are never swept.
const SWEEP_FLOOR: usize = 1024;

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// What a state is bound to: the request it may be presented on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Binding {
    pub(crate) method: &'static str,
    pub(crate) digest: String,
    pub(crate) principal: Option<PrincipalKey>,
}

impl Binding {
    /// Binds to `method` and the salient params `salient` (hashed).
    pub(crate) fn new(
        method: &'static str,
        salient: &Value,
        principal: Option<PrincipalKey>,
    ) -> Self {
        let digest = Sha256::digest(salient.to_string().as_bytes());
        Self {
            method,
            digest: B64.encode(digest),
            principal,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Payload {
    /// Method.
    m: String,
    /// Digest of the salient params.
    d: String,
    /// The caller's identity (issuer + subject).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    p: Option<PrincipalKey>,
    /// Expiry, milliseconds since the Unix epoch.
    e: u64,
    /// Answers so far, by key.
    r: Map<String, Value>,
    /// The keys of the questions this state's `input_required` result asked: the only
    /// new answers the retry may carry.
    #[serde(default)]
    q: BTreeSet<String>,
    /// One-time nonce: the state opens once.
    n: String,
}

/// What an opened state holds.
#[derive(Debug, Default)]
pub(crate) struct Opened {
    /// The answers of earlier rounds.
    pub(crate) answers: Map<String, Value>,
    /// The keys of the questions the server asked last.
    pub(crate) asked: BTreeSet<String>,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Sealer {
    /// A sealer with a fresh random key.
    pub(crate) fn new(ttl: Duration) -> Self {
        let mut key = [0u8; 32];
        // Without an OS random source there is no safe key; refusing to start is right.
        getrandom::fill(&mut key).expect("the OS random source failed");
        Self {
            key,
            ttl,
            used: Mutex::default(),
        }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length.
        HmacSha256::new_from_slice(&self.key).expect("HMAC accepts any key length")
    }

    /// The state carrying `answers` and the keys of the questions `asked`, bound to
    /// `binding`.
    pub(crate) fn seal(
        &self,
        binding: &Binding,
        answers: Map<String, Value>,
        asked: BTreeSet<String>,
    ) -> String {
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).expect("the OS random source failed");
        let payload = Payload {
            m: binding.method.to_owned(),
            d: binding.digest.clone(),
            p: binding.principal.clone(),
            e: now_ms().saturating_add(self.ttl.as_millis() as u64),
            r: answers,
            q: asked,
            n: B64.encode(nonce),
        };
        let body = B64.encode(serde_json::to_vec(&payload).unwrap_or_default());
        let mut mac = self.mac();
        mac.update(body.as_bytes());
        let tag = B64.encode(mac.finalize().into_bytes());
        format!("{body}.{tag}")
    }

    /// The answers and questions in `state`, if it is ours, unexpired, bound to `binding`
    /// and not opened before (it is spent by this call).
    pub(crate) fn open(&self, state: &str, binding: &Binding) -> Result<Opened, ErrorObject> {
        let bad = |why: &str| ErrorObject::invalid_params(format!("invalid requestState: {why}"));
        let (body, tag) = state.split_once('.').ok_or_else(|| bad("malformed"))?;
        let tag = B64.decode(tag).map_err(|_| bad("malformed"))?;
        let mut mac = self.mac();
        mac.update(body.as_bytes());
        mac.verify_slice(&tag)
            .map_err(|_| bad("integrity check failed"))?;
        let payload: Payload = B64
            .decode(body)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| bad("malformed"))?;
        if payload.e < now_ms() {
            return Err(bad("expired"));
        }
        if payload.m != binding.method || payload.d != binding.digest {
            return Err(bad("it belongs to another request"));
        }
        if payload.p != binding.principal {
            return Err(bad("it belongs to another caller"));
        }
        self.spend(&payload.n, payload.e)
            .map_err(|()| bad("it was used already (start the request again)"))?;
        Ok(Opened {
            answers: payload.r,
            asked: payload.q,
        })
    }

    /// Records `nonce` as used until `expiry`; `Err` if it was used already. Expired
    /// entries are swept as [`Spent`] says.
    fn spend(&self, nonce: &str, expiry: u64) -> Result<(), ()> {
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        if used.nonces.len() >= used.sweep_at {
            let now = now_ms();
            used.nonces.retain(|_, e| *e >= now);
            used.sweep_at = (used.nonces.len() * 2).max(SWEEP_FLOOR);
        }
        if used.nonces.insert(nonce.to_owned(), expiry).is_some() {
            return Err(());
        }
        Ok(())
    }
}

/// One run of a handler under MRTR: the answers it may use, the questions it asked.
#[derive(Debug, Default)]
pub(crate) struct Round {
    answers: Map<String, Value>,
    asked: Mutex<BTreeMap<String, InputRequest>>,
    next: AtomicUsize,
    /// An answer that is not what its question asks for: the call fails with -32602.
    invalid: Mutex<Option<ErrorObject>>,
}

impl Round {
    /// A round with the `sealed` answers and questions (from `requestState`) and the
    /// client's new `responses`. A new response is taken only for a question the sealed
    /// state asked (or any, when `unsolicited` answers are accepted); a sealed answer is
    /// never replaced.
    pub(crate) fn new(
        sealed: Opened,
        responses: Option<InputResponses>,
        unsolicited: bool,
    ) -> Self {
        let Opened { mut answers, asked } = sealed;
        for (k, v) in responses.map(|r| r.0).unwrap_or_default() {
            if unsolicited || asked.contains(&k) {
                answers.entry(k).or_insert(v);
            }
        }
        Self {
            answers,
            ..Self::default()
        }
    }

    /// The answer to `request` (with its key) if the client gave it; otherwise records the
    /// question. Its key is `key` if given, else generated from the order of asking
    /// (`elicit-0`, …).
    pub(crate) fn answer_or_ask(
        &self,
        request: InputRequest,
        key: Option<String>,
    ) -> Option<(String, Value)> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let kind = match request.method() {
            "elicitation/create" => "elicit",
            "sampling/createMessage" => "sample",
            _ => "roots",
        };
        let key = key.unwrap_or_else(|| format!("{kind}-{n}"));
        if let Some(answer) = self.answers.get(&key) {
            return Some((key, answer.clone()));
        }
        self.asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, request);
        None
    }

    /// Records that the answer under `key` does not fit its question; the round ends with
    /// -32602 (an answer the client sent is a protocol error, not the handler's to absorb).
    pub(crate) fn reject(&self, key: &str, why: &str) {
        let error = ErrorObject::invalid_params(format!("invalid inputResponses[{key:?}]: {why}"));
        self.invalid
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(error);
    }

    fn take_invalid(&self) -> Option<ErrorObject> {
        self.invalid
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    fn take_asked(&self) -> BTreeMap<String, InputRequest> {
        std::mem::take(&mut *self.asked.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Every answer received so far (to seal into the next state).
    pub(crate) fn answers(&self) -> Map<String, Value> {
        self.answers.clone()
    }
}

/// How a handler run under MRTR ended.
pub(crate) enum RoundEnd<T> {
    /// It finished.
    Done(T),
    /// It stopped at questions without answers.
    InputRequired(InputRequests),
    /// An answer did not fit its question.
    Invalid(ErrorObject),
}

/// Polls `handler` until it finishes or waits with unanswered questions.
pub(crate) async fn run<T>(round: &Round, handler: impl Future<Output = T>) -> RoundEnd<T> {
    let mut handler = pin!(handler);
    std::future::poll_fn(|cx| match handler.as_mut().poll(cx) {
        Poll::Ready(v) => Poll::Ready(RoundEnd::Done(v)),
        Poll::Pending => {
            if let Some(error) = round.take_invalid() {
                return Poll::Ready(RoundEnd::Invalid(error));
            }
            let asked = round.take_asked();
            if asked.is_empty() {
                Poll::Pending
            } else {
                Poll::Ready(RoundEnd::InputRequired(InputRequests(asked)))
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn state_round_trips_and_detects_tampering() {
        let sealer = Sealer::new(Duration::from_secs(60));
        let b = Binding::new("tools/call", &json!({"name": "x"}), None);
        let mut answers = Map::new();
        answers.insert("elicit-0".into(), json!({"action": "accept"}));
        let state = sealer.seal(&b, answers.clone(), BTreeSet::new());
        let other = Binding::new("tools/call", &json!({"name": "y"}), None);
        assert!(sealer.open(&state, &other).is_err());
        assert_eq!(sealer.open(&state, &b).unwrap().answers, answers);
        // Once opened, the state is spent.
        assert!(sealer.open(&state, &b).is_err());

        let mut forged = state.clone().into_bytes();
        forged[3] ^= 1;
        assert!(
            sealer
                .open(&String::from_utf8(forged).unwrap(), &b)
                .is_err()
        );
        assert!(
            Sealer::new(Duration::from_secs(60))
                .open(&state, &b)
                .is_err()
        );
        let expired = Sealer {
            key: sealer.key,
            ttl: Duration::ZERO,
            used: Mutex::default(),
        };
        let old = expired.seal(&b, Map::new(), BTreeSet::new());
        std::thread::sleep(Duration::from_millis(2));
        assert!(expired.open(&old, &b).is_err());
    }

    #[test]
    fn used_nonces_are_refused_and_expired_ones_swept_in_bounded_memory() {
        let sealer = Sealer::new(Duration::from_secs(60));
        let later = now_ms() + 60_000;
        assert!(sealer.spend("live", later).is_ok());
        assert!(sealer.spend("live", later).is_err(), "a nonce opens once");
        // Many states that have expired by the time the next sweep runs.
        for n in 0..10 * SWEEP_FLOOR {
            assert!(sealer.spend(&format!("old-{n}"), 0).is_ok());
        }
        let used = sealer.used.lock().expect("lock");
        assert!(
            used.nonces.len() <= 2 * SWEEP_FLOOR,
            "expired nonces are swept: {} kept",
            used.nonces.len()
        );
        assert!(used.nonces.contains_key("live"), "a live nonce stays spent");
    }

    #[test]
    fn sealed_answers_win_over_new_ones() {
        let mut sealed = Map::new();
        sealed.insert("elicit-0".into(), json!(1));
        let mut new = Map::new();
        new.insert("elicit-0".into(), json!(2));
        new.insert("sample-1".into(), json!(3));
        let opened = Opened {
            answers: sealed,
            asked: BTreeSet::from(["sample-1".to_owned()]),
        };
        let round = Round::new(opened, Some(InputResponses(new)), false);
        assert_eq!(round.answers["elicit-0"], 1);
        assert_eq!(round.answers["sample-1"], 3);
    }

    #[test]
    fn answers_to_questions_not_asked_are_ignored() {
        let mut new = Map::new();
        new.insert("confirm".into(), json!({"action": "accept"}));
        new.insert("elicit-1".into(), json!({"action": "accept"}));
        // First request, no state: nothing was asked, nothing is taken.
        let round = Round::new(Opened::default(), Some(InputResponses(new.clone())), false);
        assert!(round.answers.is_empty());
        // A state that asked `elicit-1` takes that answer only.
        let opened = Opened {
            answers: Map::new(),
            asked: BTreeSet::from(["elicit-1".to_owned()]),
        };
        let round = Round::new(opened, Some(InputResponses(new.clone())), false);
        assert_eq!(round.answers.keys().collect::<Vec<_>>(), ["elicit-1"]);
        // A tool that opted in takes them all.
        let round = Round::new(Opened::default(), Some(InputResponses(new)), true);
        assert_eq!(round.answers.len(), 2);
    }
}
