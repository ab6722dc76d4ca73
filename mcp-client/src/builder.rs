//! [`ClientBuilder`]: who the client is, what it can answer, how long it waits.

use std::sync::Mutex;
use std::time::Duration;

use mcp_protocol::SupportedVersions;
use mcp_protocol::methods::Root;
use mcp_protocol::rt::Transport;
use mcp_protocol::types::{Implementation, LoggingLevel};

use crate::call::Config;
use crate::client::Client;
use crate::error::Result;
use crate::handler::{ElicitationHandler, Handlers, SamplingHandler};

/// Builds a [`Client`]: identity, versions, timeouts, and the handlers that answer the
/// server. The declared client capabilities follow from the handlers: `sampling` from
/// [`ClientBuilder::on_sampling`], `elicitation` from [`ClientBuilder::on_elicitation`]
/// (plus URL mode with [`ClientBuilder::elicitation_url_mode`]), `roots` from
/// [`ClientBuilder::roots`].
#[derive(Debug)]
pub struct ClientBuilder {
    pub(crate) config: Config,
    handlers: Handlers,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            config: Config::default(),
            handlers: Handlers {
                sampling: None,
                elicitation: None,
                elicitation_url: false,
                sampling_tools: false,
                sampling_context: false,
                roots: None,
            },
        }
    }
}

impl ClientBuilder {
    /// Defaults: every protocol version, a 60 s timeout per request (reset by progress, at
    /// most 10 min in all), a 5 s `server/discover` probe, 8 MRTR rounds, no handlers.
    pub fn new() -> Self {
        Self::default()
    }

    /// The client's name and version (`clientInfo`).
    pub fn client_info(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.config.client_info = Implementation::new(name, version);
        self
    }

    /// The full `clientInfo` (title, icons, website).
    pub fn implementation(mut self, info: Implementation) -> Self {
        self.config.client_info = info;
        self
    }

    /// The protocol versions the client may speak (all by default). Without 2026-07-28
    /// there is no `server/discover` probe; without any session-era version there is no
    /// fallback to `initialize`.
    pub fn versions(mut self, versions: SupportedVersions) -> Self {
        self.config.versions = versions;
        self
    }

    /// How long a request may wait for its answer (or, with progress, for its next
    /// progress notification) before it fails and is cancelled on the server.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.config.request_timeout = timeout;
        self
    }

    /// The hard cap on a request's duration, however much progress it reports
    /// (basic/lifecycle §Timeouts).
    pub fn max_request_duration(mut self, max: Duration) -> Self {
        self.config.max_request_duration = max;
        self
    }

    /// How long the `server/discover` probe waits before the server is taken for a legacy
    /// one that ignores unknown methods.
    pub fn discover_timeout(mut self, timeout: Duration) -> Self {
        self.config.discover_timeout = timeout;
        self
    }

    /// The largest message accepted from a server run as a child process (default 4 MiB):
    /// a longer line is discarded and reported, and the connection carries on.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.config.max_message_size = bytes;
        self
    }

    /// How many `input_required` rounds one call may go through before it fails with
    /// [`Error::InputRoundsExceeded`](crate::Error::InputRoundsExceeded).
    pub fn max_input_rounds(mut self, rounds: usize) -> Self {
        self.config.max_input_rounds = rounds;
        self
    }

    /// In 2026-07-28, asks for log messages of `level` and above on every request
    /// (`_meta["io.modelcontextprotocol/logLevel"]`; absent means none). In the session era
    /// use [`Client::set_log_level`].
    pub fn log_level(mut self, level: LoggingLevel) -> Self {
        self.config.log_level = Some(level);
        self
    }

    /// Declares the 2026-07-28 tasks extension (`io.modelcontextprotocol/tasks`), which lets
    /// the server answer with a task; see [`Client::call_tool_as_task`].
    pub fn tasks_extension(mut self, on: bool) -> Self {
        self.config.tasks_extension = on;
        self
    }

    /// Whether to start a new session when the server ends ours (on by default; Streamable
    /// HTTP in the session era, 2025-03-26 to 2025-11-25).
    ///
    /// basic/transports §Session Management: a client that gets HTTP 404 to a request
    /// carrying `Mcp-Session-Id` MUST start a new session with an `initialize` that carries
    /// none. When on, the call that got the 404 runs the handshake again (the same client
    /// info, capabilities and offered versions; the negotiated version and the server's
    /// capabilities are then those of the new session) and is sent once more in the new
    /// session. At most one new session per call: a server that ends every new session at
    /// once fails the call with its 404 rather than looping. Concurrent calls that hit the
    /// same 404 share one new session.
    ///
    /// Not carried over: whatever the old session held on the server (resource
    /// subscriptions, the log level set with `logging/setLevel`). Not sent again: a
    /// notification, or an answer to a server request, that got the 404 (only requests are
    /// retried). When off, the call fails with
    /// [`Error::SessionExpired`](crate::Error::SessionExpired), and so does every later call:
    /// connect again.
    pub fn reinitialize_on_expiry(mut self, on: bool) -> Self {
        self.config.reinitialize_on_expiry = on;
        self
    }

    /// Answers sampling requests with `handler`, and declares `sampling`.
    pub fn on_sampling(mut self, handler: impl SamplingHandler) -> Self {
        self.handlers.sampling = Some(Box::new(handler));
        self
    }

    /// Declares `sampling.tools`: the sampling handler can run tool use (`tools` and
    /// `toolChoice` in [`CreateMessageParams`](mcp_protocol::methods::CreateMessageParams)).
    /// Without it servers must not send tool-enabled sampling (client/sampling, both
    /// revisions: "Clients MUST declare support for tool use via the `sampling.tools`
    /// capability to receive tool-enabled sampling requests"), and the client refuses one
    /// that arrives anyway with -32602. Needs [`ClientBuilder::on_sampling`].
    pub fn sampling_tools(mut self, on: bool) -> Self {
        self.handlers.sampling_tools = on;
        self
    }

    /// Declares `sampling.context`: the sampling handler honours `includeContext`
    /// `thisServer`/`allServers` (deprecated values; servers SHOULD NOT use them unless
    /// the client declares this). Needs [`ClientBuilder::on_sampling`].
    pub fn sampling_context(mut self, on: bool) -> Self {
        self.handlers.sampling_context = on;
        self
    }

    /// Answers elicitation requests with `handler`, and declares `elicitation` (form mode).
    pub fn on_elicitation(mut self, handler: impl ElicitationHandler) -> Self {
        self.handlers.elicitation = Some(Box::new(handler));
        self
    }

    /// Declares URL-mode elicitation too (2025-11-25 on): the elicitation handler may then
    /// receive [`ElicitParams::Url`](mcp_protocol::methods::ElicitParams::Url).
    pub fn elicitation_url_mode(mut self, on: bool) -> Self {
        self.handlers.elicitation_url = on;
        self
    }

    /// Offers `roots` to the server, and declares `roots` (with `listChanged`); change them
    /// later with [`Client::set_roots`].
    pub fn roots(mut self, roots: Vec<Root>) -> Self {
        self.handlers.roots = Some(Mutex::new(roots));
        self
    }

    /// Connects over `transport` and negotiates the protocol version.
    pub async fn connect<T: Transport>(self, transport: T) -> Result<Client> {
        crate::connect::connect(transport, self.config, self.handlers).await
    }
}
