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
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use mcp_protocol::Side;
use mcp_protocol::engine::RequestOptions;
use mcp_protocol::jsonrpc::{Outcome as JsonRpcOutcome, ResponseMessage};
use mcp_protocol::method::Request;
use mcp_protocol::methods::ProgressParams;
use mcp_protocol::rt::{Peer, RequestError, ResponseFuture};
use mcp_protocol::types::{ClientCapabilities, Implementation, LoggingLevel, Meta};
use mcp_protocol::{ProtocolVersion, RequestId, Shape, SupportedVersions};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::handler::Handlers;

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
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("max_total", &self.max_total)
            .field("on_progress", &self.on_progress.is_some())
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
        }
    }
}

/// A request marker carrying `R`'s name with params and result left as JSON.
pub(crate) enum Wire<R> {
    #[allow(dead_code, reason = "uninhabited: a marker is never built")]
    Never(std::convert::Infallible, PhantomData<fn() -> R>),
}

/// Params already encoded (and stamped) for the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct WireParams(pub(crate) Value);

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
            outcome: JsonRpcOutcome::Result(self.raw),
        };
        match response.decode_result::<R>()? {
            Ok(r) => Ok(r),
            Err(error) => Err(Error::Remote {
                method: R::METHOD.to_owned(),
                error,
            }),
        }
    }

    /// Whether the answer's `resultType` is `kind`. A substring search rules out nearly every
    /// answer before any parsing (`kind` cannot be the value unless its quoted text occurs),
    /// so a complete result is parsed once, not twice.
    pub(crate) fn has_result_type(&self, kind: &str) -> bool {
        let raw = self.raw.get();
        let quoted = raw
            .match_indices(kind)
            .any(|(i, _)| raw[..i].ends_with('"') && raw[i + kind.len()..].starts_with('"'));
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
    pub(crate) stamps: [OnceLock<(Value, Value)>; ProtocolVersion::ALL.len()],
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
    ) -> Result<Value> {
        let shaped = params.clone().shaped(version);
        let mut value = serde_json::to_value(&shaped).map_err(|e| Error::Encode {
            method: R::METHOD,
            source: e.into(),
        })?;
        if !version.has_handshake() {
            self.stamp(&mut value, version);
        }
        Ok(value)
    }

    fn stamp(&self, value: &mut Value, version: ProtocolVersion) {
        if !value.is_object() {
            *value = Value::Object(Map::new());
        }
        let Value::Object(object) = value else { return };
        let meta = object
            .entry("_meta")
            .or_insert_with(|| Value::Object(Map::new()));
        if !meta.is_object() {
            *meta = Value::Object(Map::new());
        }
        let Value::Object(meta) = meta else { return };
        let mut put = |key: &str, v: Value| {
            meta.insert(key.to_owned(), v);
        };
        let slot = ProtocolVersion::ALL
            .iter()
            .position(|v| *v == version)
            .unwrap_or(0);
        let (capabilities, client_info) = self.stamps[slot].get_or_init(|| {
            (
                serde_json::to_value(self.capabilities(version)).unwrap_or_default(),
                serde_json::to_value(self.config.client_info.clone().shaped(version))
                    .unwrap_or_default(),
            )
        });
        put(Meta::PROTOCOL_VERSION, Value::from(version.as_str()));
        put(Meta::CLIENT_CAPABILITIES, capabilities.clone());
        put(Meta::CLIENT_INFO, client_info.clone());
        if let Some(level) = self.config.log_level {
            put(
                Meta::LOG_LEVEL,
                serde_json::to_value(level).unwrap_or_default(),
            );
        }
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
        })
    }

    /// The engine's options for a call.
    pub(crate) fn request_options(&self, options: &CallOptions) -> (RequestOptions, Duration) {
        let cap = self.call_cap(options);
        let timeout = options
            .timeout
            .unwrap_or(self.config.request_timeout)
            .min(cap);
        let mut opts = RequestOptions::new()
            .timeout(timeout)
            .reset_timeout_on_progress(cap);
        if options.on_progress.is_some() {
            opts = opts.with_progress();
        }
        (opts, timeout)
    }

    /// Sends `params` (already encoded) as a request of `R` and waits for the raw answer.
    pub(crate) async fn send<R: Request>(
        &self,
        params: Value,
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
        params: Value,
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
        _ => Error::Cancelled { method },
    }
}

/// The side a client's engine plays.
pub(crate) const SIDE: Side = Side::Client;
