//! Settings: per engine ([`EngineConfig`]) and per request ([`RequestOptions`]).

use std::time::Duration;

/// How many of the peer's requests may be in flight at once by default
/// ([`EngineConfig::max_requests_in_flight`]).
pub const DEFAULT_MAX_REQUESTS_IN_FLIGHT: usize = 1024;

/// Settings of an [`Engine`](super::Engine).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EngineConfig {
    /// The timeout of requests whose [`RequestOptions`] do not set one. `None`: no timeout.
    pub default_timeout: Option<Duration>,
    /// How many of the peer's requests may be unanswered at once; one more is refused with
    /// [`ErrorCode::TOO_MANY_REQUESTS`](crate::ErrorCode::TOO_MANY_REQUESTS) and never
    /// reaches the application, so a flood of requests cannot grow memory without bound.
    /// `usize::MAX`: no limit.
    pub max_requests_in_flight: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            default_timeout: None,
            max_requests_in_flight: DEFAULT_MAX_REQUESTS_IN_FLIGHT,
        }
    }
}

impl EngineConfig {
    /// No default timeout; at most [`DEFAULT_MAX_REQUESTS_IN_FLIGHT`] of the peer's requests
    /// in flight.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets how many of the peer's requests may be in flight at once (`usize::MAX`: no
    /// limit). A limit takes the number, as in every builder of these crates; before 0.2 this
    /// took an `Option<usize>`.
    pub fn max_requests_in_flight(mut self, limit: usize) -> Self {
        self.max_requests_in_flight = limit;
        self
    }

    /// Sets the timeout of requests that do not choose their own.
    pub fn default_timeout(mut self, timeout: Duration) -> Self {
        self.default_timeout = Some(timeout);
        self
    }
}

/// How long a request may stay pending.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum TimeoutSetting {
    /// The engine's [`EngineConfig::default_timeout`].
    #[default]
    Default,
    /// None at all.
    Never,
    /// This long.
    After(Duration),
}

/// Settings of one outgoing request.
///
/// ```
/// use std::time::Duration;
/// use mcp_protocol::engine::RequestOptions;
/// // Ask for progress; give up after 10 s of silence, and after 60 s whatever happens.
/// let opts = RequestOptions::new()
///     .with_progress()
///     .timeout(Duration::from_secs(10))
///     .max_total(Duration::from_secs(60));
/// # let _ = opts;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    pub(crate) timeout: TimeoutSetting,
    pub(crate) max_total: Option<Duration>,
    pub(crate) progress: bool,
}

impl RequestOptions {
    /// The defaults: the engine's default timeout, no progress.
    pub fn new() -> Self {
        Self::default()
    }

    /// Times the request out `timeout` after it was sent (or after the last progress, see
    /// [`RequestOptions::max_total`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = TimeoutSetting::After(timeout);
        self
    }

    /// Never times the request out, whatever the engine's default.
    pub fn without_timeout(mut self) -> Self {
        self.timeout = TimeoutSetting::Never;
        self
    }

    /// Restarts the timeout at each progress notification, but never lets the request run
    /// longer than `max_total` in all (basic/lifecycle §Timeouts: implementations "MAY choose
    /// to reset the timeout clock when receiving a progress notification" and "SHOULD always
    /// enforce a maximum timeout"). The same name and meaning as `mcp_client::CallOptions::max_total`.
    pub fn max_total(mut self, max_total: Duration) -> Self {
        self.max_total = Some(max_total);
        self
    }

    /// The former name of [`RequestOptions::max_total`].
    #[deprecated(
        since = "0.2.0",
        note = "renamed `max_total`, as in `mcp_client::CallOptions`"
    )]
    pub fn reset_timeout_on_progress(self, max_total: Duration) -> Self {
        self.max_total(max_total)
    }

    /// Asks for progress: unless the params already carry `_meta.progressToken`, the engine
    /// writes one (the request's id). Progress arrives as
    /// [`Event::Progress`](super::Event::Progress).
    pub fn with_progress(mut self) -> Self {
        self.progress = true;
        self
    }

    /// Whether progress was asked for.
    pub fn wants_progress(&self) -> bool {
        self.progress
    }
}
