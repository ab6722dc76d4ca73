//! One outgoing request on the wire: shaped for the version, stamped with the stateless
//! era's `_meta`, sent with a timeout, and its failure turned into an [`Error`].
//!
//! Requests leave as JSON values rather than typed params, because the client adds fields the
//! typed params do not know generically (`_meta` keys, MRTR's `inputResponses` and
//! `requestState`). The [`Wire`] marker keeps the method's name and lets the engine's typed
//! API (timeouts, progress, cancel on drop) carry such a value; the typed result is decoded
//! afterwards by the method's own marker, so decode errors still name the field.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::Duration;

use mcp_protocol::Side;
use mcp_protocol::engine::RequestOptions;
use mcp_protocol::jsonrpc::{ResponseMessage, ResultOrError};
use mcp_protocol::method::Request;
use mcp_protocol::methods::ProgressParams;
use mcp_protocol::rt::{Peer, RequestError, ResponseFuture};
use mcp_protocol::types::{ClientCapabilities, Implementation, LoggingLevel, Meta};
use mcp_protocol::{ProtocolVersion, RequestId, Shape, SupportedVersions};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::cancel::CancelHandle;
use crate::error::{Error, Result};
use crate::handler::Handlers;

/// Searches encoded params for a `_meta` key (built once).
static META_KEY: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(b"\"_meta\""));

/// Searches answers for a `resultType` key (built once).
static RESULT_TYPE_KEY: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(b"\"resultType\""));

/// Params with our `_meta` in front of their own fields.
#[derive(Serialize)]
struct Stamped<'a, T> {
    #[serde(rename = "_meta")]
    meta: &'a RawValue,
    #[serde(flatten)]
    params: &'a T,
}

/// Settings of one call: its timeout and what to do with progress.
///
/// ```
/// use std::time::Duration;
/// use mcp_client::CallOptions;
/// let options = CallOptions::new()
///     .timeout(Duration::from_secs(5))
///     .on_progress(|p| println!("{} of {:?}", p.progress, p.total));
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_total: Option<Duration>,
    pub(crate) on_progress: Option<Arc<dyn Fn(ProgressParams) + Send + Sync>>,
    pub(crate) cancel: Option<CancelHandle>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("max_total", &self.max_total)
            .field("on_progress", &self.on_progress.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

impl CallOptions {
    /// The client's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fails the call (and cancels it on the server) after `timeout` without an answer, or
    /// without progress when progress is asked for.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The hard cap on the call's duration, however much progress the server reports.
    pub fn max_total(mut self, max_total: Duration) -> Self {
        self.max_total = Some(max_total);
        self
    }

    /// Asks the server for progress and hands each notification to `f`; each one restarts
    /// the timeout (up to the hard cap).
    pub fn on_progress(mut self, f: impl Fn(ProgressParams) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(f));
        self
    }

    /// Lets `handle` cancel the call: it then fails with [`Error::Cancelled`] and the server
    /// is told, as when the call's future is dropped.
    pub fn cancel_with(mut self, handle: CancelHandle) -> Self {
        self.cancel = Some(handle);
        self
    }
}

/// The connection settings that outlive the builder.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) client_info: Implementation,
    pub(crate) versions: SupportedVersions,
    pub(crate) request_timeout: Duration,
    pub(crate) max_request_duration: Duration,
    pub(crate) discover_timeout: Duration,
    pub(crate) max_input_rounds: usize,
    pub(crate) log_level: Option<LoggingLevel>,
    pub(crate) tasks_extension: bool,
    /// The largest message accepted from a child process's stdout.
    pub(crate) max_message_size: usize,
    /// Start a new session when the server ended ours (HTTP 404), and retry the call once.
    pub(crate) reinitialize_on_expiry: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            client_info: Implementation::new("mcp-client", env!("CARGO_PKG_VERSION")),
            versions: SupportedVersions::default(),
            request_timeout: Duration::from_secs(60),
            max_request_duration: Duration::from_secs(600),
            discover_timeout: Duration::from_secs(5),
            max_input_rounds: 8,
            log_level: None,
            tasks_extension: false,
            max_message_size: mcp_protocol::codec::ndjson::LineDecoder::DEFAULT_MAX_LEN,
            reinitialize_on_expiry: true,
        }
    }
}

/// A request marker carrying `R`'s name with params and result left as JSON.
pub(crate) enum Wire<R> {
    #[allow(dead_code, reason = "uninhabited: a marker is never built")]
    Never(std::convert::Infallible, PhantomData<fn() -> R>),
}

/// Params already encoded (and stamped) for the wire.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct WireParams(pub(crate) Box<RawValue>);

impl PartialEq for WireParams {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

/// A result not decoded yet.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct WireResult(pub(crate) Box<RawValue>);

impl PartialEq for WireResult {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

mcp_protocol::shape_unchanged!(WireParams, WireResult);

impl<R: Request> Request for Wire<R> {
    const METHOD: &'static str = R::METHOD;
    const SINCE: ProtocolVersion = R::SINCE;
    const UNTIL: Option<ProtocolVersion> = R::UNTIL;
    type Params = WireParams;
    type Result = WireResult;
}

/// Decodes an answer of `R` as `T` (an `InputRequiredResult`, a task), so that decode
/// errors still name `R`'s method.
pub(crate) enum AnswerAs<R, T> {
    #[allow(dead_code, reason = "uninhabited: a marker is never built")]
    Never(std::convert::Infallible, PhantomData<fn() -> (R, T)>),
}

impl<R, T> Request for AnswerAs<R, T>
where
    R: Request,
    T: Serialize + serde::de::DeserializeOwned + Shape + Clone + fmt::Debug + PartialEq,
    T: Send + Sync + 'static,
{
    const METHOD: &'static str = R::METHOD;
    const SINCE: ProtocolVersion = R::SINCE;
    type Params = R::Params;
    type Result = T;
}

/// A raw answer and the id of the request it answers (for decode errors).
#[derive(Debug)]
pub(crate) struct RawAnswer {
    pub(crate) id: Option<RequestId>,
    pub(crate) raw: Box<RawValue>,
}

impl RawAnswer {
    /// Decodes the answer as the result of `R`; the error names the field.
    pub(crate) fn decode<R: Request>(self) -> Result<R::Result> {
        let response = ResponseMessage {
            id: self.id,
            outcome: ResultOrError::Result(self.raw),
        };
        match response.decode_result::<R>()? {
            Ok(r) => Ok(r),
            Err(error) => Err(Error::Remote {
                method: R::METHOD.to_owned(),
                error,
            }),
        }
    }

    /// Whether the answer's `resultType` is `kind`. A byte scan for a `"resultType"` key
    /// whose value is the quoted `kind` rules out nearly every answer before any parsing,
    /// so a complete result is parsed once, not twice.
    pub(crate) fn has_result_type(&self, kind: &str) -> bool {
        let raw = self.raw.get().as_bytes();
        let want = kind.as_bytes();
        // `"resultType"`, optional blanks, `:`, optional blanks, then `"kind"`.
        let quoted = RESULT_TYPE_KEY.find_iter(raw).any(|at| {
            let rest = raw[at + b"\"resultType\"".len()..].trim_ascii_start();
            rest.strip_prefix(b":")
                .map(<[u8]>::trim_ascii_start)
                .and_then(|v| v.strip_prefix(b"\""))
                .and_then(|v| v.strip_prefix(want))
                .is_some_and(|v| v.starts_with(b"\""))
        });
        quoted && self.result_type().as_deref() == Some(kind)
    }

    /// The `resultType`; absent means complete.
    pub(crate) fn result_type(&self) -> Option<String> {
        #[derive(Deserialize)]
        struct Kind {
            #[serde(rename = "resultType")]
            result_type: Option<String>,
        }
        serde_json::from_str::<Kind>(self.raw.get())
            .ok()
            .and_then(|k| k.result_type)
    }
}

/// What connecting and calling share: the engine handle, the settings and the handlers.
#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) peer: Peer,
    pub(crate) config: Config,
    pub(crate) handlers: Arc<Handlers>,
    /// The encoded `clientCapabilities` and `clientInfo` of each version, computed on first
    /// use: both are fixed once the client is built, and encoding them on every request was a
    /// measurable share of a call's cost.
    pub(crate) stamps: [OnceLock<Box<RawValue>>; ProtocolVersion::ALL.len()],
}

impl Conn {
    /// The client capabilities as `version` knows them.
    pub(crate) fn capabilities(&self, version: ProtocolVersion) -> ClientCapabilities {
        let mut caps = self.handlers.capabilities();
        if self.config.tasks_extension {
            caps.extensions.get_or_insert_with(Map::new).insert(
                mcp_protocol::methods::TASKS_EXTENSION.to_owned(),
                Value::Object(Map::new()),
            );
        }
        caps.shaped(version)
    }

    /// Encodes `params` for `version`; in the stateless era, adds the `_meta` every request
    /// must carry (basic §`_meta`: protocol version, client capabilities, client info).
    pub(crate) fn encode<R: Request>(
        &self,
        params: &R::Params,
        version: ProtocolVersion,
    ) -> Result<Box<RawValue>> {
        let failed = |e: serde_json::Error| Error::Encode {
            method: R::METHOD,
            source: e.into(),
        };
        let shaped = params.clone().shaped(version);
        if version.has_handshake() {
            return serde_json::value::to_raw_value(&shaped).map_err(failed);
        }
        let stamp = self.stamp(version);
        // Fast path: our `_meta` goes in front of the params' fields in one pass, with no
        // JSON tree and no re-validation. Params with a `_meta` of their own (a progress
        // token, the caller's keys) would then carry two: those are merged instead.
        let stamped = serde_json::value::to_raw_value(&Stamped {
            meta: stamp,
            params: &shaped,
        });
        if let Ok(raw) = stamped
            && META_KEY.find_iter(raw.get().as_bytes()).nth(1).is_none()
        {
            return Ok(raw);
        }
        let mut value = serde_json::to_value(&shaped).map_err(failed)?;
        if !value.is_object() {
            value = Value::Object(Map::new());
        }
        if let Value::Object(object) = &mut value {
            let meta = object
                .entry("_meta")
                .or_insert_with(|| Value::Object(Map::new()));
            if !meta.is_object() {
                *meta = Value::Object(Map::new());
            }
            let ours: Map<String, Value> = serde_json::from_str(stamp.get()).map_err(failed)?;
            if let Value::Object(meta) = meta {
                meta.extend(ours);
            }
        }
        serde_json::value::to_raw_value(&value).map_err(failed)
    }

    /// The `_meta` object every stateless request of `version` carries, encoded once: the
    /// client's capabilities, info and log level are fixed once it is built, and encoding
    /// them per request was a measurable share of a call's cost.
    fn stamp(&self, version: ProtocolVersion) -> &RawValue {
        let slot = ProtocolVersion::ALL
            .iter()
            .position(|v| *v == version)
            .unwrap_or(0);
        self.stamps[slot].get_or_init(|| {
            let mut meta = Map::new();
            let mut put = |key: &str, v: Value| {
                meta.insert(key.to_owned(), v);
            };
            put(Meta::PROTOCOL_VERSION, Value::from(version.as_str()));
            put(
                Meta::CLIENT_CAPABILITIES,
                serde_json::to_value(self.capabilities(version)).unwrap_or_default(),
            );
            put(
                Meta::CLIENT_INFO,
                serde_json::to_value(self.config.client_info.clone().shaped(version))
                    .unwrap_or_default(),
            );
            if let Some(level) = &self.config.log_level {
                put(
                    Meta::LOG_LEVEL,
                    serde_json::to_value(level).unwrap_or_default(),
                );
            }
            // A map of JSON values always encodes.
            serde_json::value::to_raw_value(&meta).unwrap_or_default()
        })
    }

    /// The hard cap on one call: all its wire requests (MRTR rounds, a version retry) and
    /// the handlers answering its input requests together.
    /// A cap shorter than the timeout wins: it is the documented hard limit.
    pub(crate) fn call_cap(&self, options: &CallOptions) -> Duration {
        options
            .max_total
            .unwrap_or(self.config.max_request_duration)
    }

    /// `options` for the part of a call left before `deadline`: neither the timeout nor the
    /// cap of the next wire request may reach past it. `None` once it has passed.
    pub(crate) fn remaining(
        &self,
        options: &CallOptions,
        deadline: tokio::time::Instant,
    ) -> Option<CallOptions> {
        let left = deadline.checked_duration_since(tokio::time::Instant::now())?;
        if left.is_zero() {
            return None;
        }
        let timeout = options.timeout.unwrap_or(self.config.request_timeout);
        Some(CallOptions {
            timeout: Some(timeout.min(left)),
            max_total: Some(left),
            on_progress: options.on_progress.clone(),
            cancel: options.cancel.clone(),
        })
    }

    /// The engine's options for a call.
    pub(crate) fn request_options(&self, options: &CallOptions) -> (RequestOptions, Duration) {
        let cap = self.call_cap(options);
        let timeout = options
            .timeout
            .unwrap_or(self.config.request_timeout)
            .min(cap);
        let mut opts = RequestOptions::new().timeout(timeout).max_total(cap);
        if options.on_progress.is_some() {
            opts = opts.with_progress();
        }
        (opts, timeout)
    }

    /// Sends `params` (already encoded) as a request of `R` and waits for the raw answer.
    pub(crate) async fn send<R: Request>(
        &self,
        params: Box<RawValue>,
        options: &CallOptions,
    ) -> Result<RawAnswer> {
        let sending = self.send_uncancelled::<R>(params, options);
        match &options.cancel {
            None => sending.await,
            Some(cancel) => tokio::select! {
                // Dropping `sending` drops the request's future: the engine cancels it.
                biased;
                () = cancel.cancelled() => Err(Error::Cancelled {
                    method: R::METHOD.to_owned(),
                }),
                r = sending => r,
            },
        }
    }

    /// [`Conn::send`] without the [`CancelHandle`].
    async fn send_uncancelled<R: Request>(
        &self,
        params: Box<RawValue>,
        options: &CallOptions,
    ) -> Result<RawAnswer> {
        let (opts, timeout) = self.request_options(options);
        let params = WireParams(params);
        let result = match &options.on_progress {
            None => {
                let future = self.peer.request::<Wire<R>>(&params, opts);
                let id = future.id();
                future.await.map(|r| (id, r))
            }
            Some(on_progress) => {
                let (future, mut progress) =
                    self.peer.request_with_progress::<Wire<R>>(&params, opts);
                let id = future.id();
                let mut future = std::pin::pin!(future);
                let r = loop {
                    tokio::select! {
                        // Progress first: it came before the answer on the wire.
                        biased;
                        Some(p) = progress.recv() => on_progress(p),
                        r = &mut future => break r,
                    }
                };
                // Progress sent just before the answer may still be queued; hand it over
                // rather than drop it.
                while let Ok(p) = progress.try_recv() {
                    on_progress(p);
                }
                r.map(|r| (id, r))
            }
        };
        match result {
            Ok((id, WireResult(raw))) => Ok(RawAnswer { id, raw }),
            Err(e) => Err(request_error(e, R::METHOD, timeout)),
        }
    }

    /// Starts a request without waiting for it (for long-lived requests such as
    /// `subscriptions/listen`).
    pub(crate) fn start<R: Request>(
        &self,
        params: Box<RawValue>,
        opts: RequestOptions,
    ) -> ResponseFuture<Wire<R>> {
        self.peer.request::<Wire<R>>(&WireParams(params), opts)
    }
}

/// Turns the engine's failure of one request into the client's error.
pub(crate) fn request_error(e: RequestError, method: &str, timeout: Duration) -> Error {
    let method = method.to_owned();
    match e {
        RequestError::Remote(error) => Error::Remote { method, error },
        RequestError::TimedOut => Error::Timeout {
            method,
            after: timeout,
        },
        RequestError::Cancelled => Error::Cancelled { method },
        RequestError::Closed(reason) => Error::Closed { reason },
        RequestError::Decode(e) => Error::Decode(e),
        RequestError::Send(e) => Error::from_send(e),
        RequestError::Failed(failure) => Error::from_failure(method, failure),
        _ => Error::Cancelled { method },
    }
}

/// The side a client's engine plays.
pub(crate) const SIDE: Side = Side::Client;

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(text: &str) -> RawAnswer {
        RawAnswer {
            id: None,
            raw: RawValue::from_string(text.to_owned()).unwrap(),
        }
    }

    #[test]
    fn result_type_is_found_only_as_the_value_of_the_key() {
        const IR: &str = "input_required";
        assert!(
            answer(r#"{"resultType":"input_required","inputRequests":{}}"#).has_result_type(IR)
        );
        assert!(answer("{ \"resultType\" :\n \"input_required\" }").has_result_type(IR));
        assert!(!answer(r#"{"resultType":"complete"}"#).has_result_type(IR));
        assert!(
            !answer(r#"{"content":[{"type":"text","text":"input_required"}]}"#).has_result_type(IR)
        );
        assert!(!answer(r#"{"resultType":"input_required_not"}"#).has_result_type(IR));
        // A nested key with that value is not the result's own.
        assert!(
            !answer(
                r#"{"structuredContent":{"resultType":"input_required"},"resultType":"complete"}"#
            )
            .has_result_type(IR)
        );
    }
}
