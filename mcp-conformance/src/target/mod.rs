//! Third-party targets, spoken to at the wire level: what is sent is exactly what the
//! scenario wrote (malformed input included), and everything the target sends is kept as
//! evidence and validated against the schema of the version in use.
//!
//! [`Conversation`] is one connection to a target server: it opens the session (the
//! `initialize` handshake up to 2025-11-25, `server/discover` from 2026-07-28), sends
//! requests stamped as the version requires, answers the target's own requests with
//! "method not found" (the conformance client offers no capabilities), and records every
//! line both ways.

mod http;
mod learned;
mod memory;
mod policy;
mod preflight;
mod sessions;
mod sse;
mod stdio;

use std::collections::HashMap;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use crate::schema_book;
pub(crate) use http::HttpWire;
use learned::Learned;
pub(crate) use policy::{CallTools, ToolPolicy};
pub(crate) use preflight::preflight;
use sessions::{Idle, Sessions};
pub(crate) use stdio::StdioWire;
/// Raw HTTP, for the scenarios that judge the transport itself.
pub(crate) mod raw {
    pub(crate) use super::http::{
        ACCEPT_BOTH, PROTOCOL_VERSION, SESSION_ID, header_value, is_sse, read_bounded,
    };
    pub(crate) use super::sse::{Event, EventReader};
}

/// How long the target may take to answer one request.
pub(crate) const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// How long a tool call with generated arguments waits before it is cancelled and the server
/// is asked whether it is busy or hung ([`Conversation::request_or_cancel`]). Shorter than
/// [`ANSWER_WITHIN`] because such a call is not judged when the server turns out busy, so a
/// longer wait only buys verdicts on calls that take between the two, while every busy call
/// (a tool asked by generated arguments to work for hours) costs the whole wait; the ping
/// after the cancellation still tells a hung server from a busy one.
pub(crate) const CALL_WITHIN: Duration = Duration::from_secs(3);

/// A target server: where it is, and how this run treats it.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    /// Where it is.
    pub(crate) place: Place,
    /// How this run treats it.
    pub(crate) options: Options,
    /// The versions this run found it does not serve ([`learned`]).
    unserved: Learned,
    /// The versions in which this run found it does not offer the official fixture's
    /// contract ([`learned`]).
    pub(crate) without_fixture: Learned,
    /// Open sessions no scenario uses now, shared over stdio ([`sessions`]).
    sessions: Sessions,
    /// Target processes being started: one permit per core, held from the start of a process
    /// until its first message ([`Conversation::send_message`]). Starting an interpreter and
    /// its libraries is the one part of a scenario that needs a core, so more jobs than cores
    /// wait here rather than slow every start down.
    starts: Arc<tokio::sync::Semaphore>,
}

/// Where a target server is.
#[derive(Clone, Debug)]
pub(crate) enum Place {
    /// A command that starts the server; spoken to over stdio.
    Command(String),
    /// The URL of an MCP endpoint; spoken to over Streamable HTTP.
    Url(Endpoint),
    /// A server in this process, spoken to over an in-memory pipe with the framing of stdio
    /// (each connection served on a task of the running runtime).
    Memory(mcp_server::Server),
}

/// How a run treats its target: options of the command line, carried by the [`Target`]
/// rather than kept in globals, so that runs with other options can share a process (tests,
/// and a crate that checks its own server).
#[derive(Clone, Debug)]
pub(crate) struct Options {
    /// How long a request waits for its answer ([`ANSWER_WITHIN`] by default).
    pub(crate) answer_wait: Duration,
    /// How long a tool call with generated arguments waits before it is cancelled
    /// ([`CALL_WITHIN`] by default; never longer than `answer_wait`).
    pub(crate) call_wait: Duration,
    /// How many scenarios run at once, each on its own connection (`--jobs`; by default
    /// [`crate::runner::default_jobs`]).
    pub(crate) jobs: usize,
    /// Which tools may be called (read-only ones by default).
    pub(crate) tools: ToolPolicy,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            answer_wait: ANSWER_WITHIN,
            call_wait: CALL_WITHIN,
            jobs: crate::runner::default_jobs(),
            tools: ToolPolicy::default(),
        }
    }
}

/// An MCP endpoint at a URL, and the headers every request to it carries (`--header`: an
/// `Authorization` bearer token for a protected server, for example).
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    /// The endpoint's URL.
    pub(crate) url: String,
    /// Sent with every request, by the conversations and by the HTTP scenarios' own requests.
    pub(crate) headers: reqwest::header::HeaderMap,
}

impl Endpoint {
    /// The endpoint at `url`, with no extra headers.
    pub(crate) fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            headers: reqwest::header::HeaderMap::new(),
        }
    }
}

impl Target {
    /// The server `command` starts, with default options.
    pub(crate) fn command(command: impl Into<String>) -> Self {
        Self::at(Place::Command(command.into()))
    }

    /// The server at `endpoint`, with default options.
    pub(crate) fn url(endpoint: Endpoint) -> Self {
        Self::at(Place::Url(endpoint))
    }

    /// The server in this process, with default options.
    pub(crate) fn memory(server: mcp_server::Server) -> Self {
        Self::at(Place::Memory(server))
    }

    /// The target at `place`, with default options and nothing learned; sessions are shared
    /// over stdio only ([`sessions`]).
    fn at(place: Place) -> Self {
        let share = matches!(place, Place::Command(_));
        Self {
            place,
            options: Options::default(),
            unserved: Learned::default(),
            without_fixture: Learned::default(),
            sessions: Sessions::new(share),
            starts: Arc::new(tokio::sync::Semaphore::new(crate::runner::cores())),
        }
    }

    /// This target for a new run: the same place and options, nothing learned yet about
    /// which versions it serves (a server may have changed since an earlier run).
    pub(crate) fn for_new_run(&self) -> Self {
        Self {
            unserved: Learned::default(),
            without_fixture: Learned::default(),
            sessions: Sessions::new(self.sessions.on()),
            ..self.clone()
        }
    }

    /// A new connection: for a command, a new process.
    pub(crate) fn connect(&self) -> io::Result<Box<dyn Wire>> {
        match &self.place {
            Place::Command(c) => Ok(Box::new(StdioWire::spawn(c)?)),
            Place::Url(e) => Ok(Box::new(HttpWire::new(e, self.options.answer_wait)?)),
            Place::Memory(server) => Ok(Box::new(memory::MemoryWire::connect(server)?)),
        }
    }

    /// The URL of an HTTP target.
    pub(crate) fn http_url(&self) -> Option<&str> {
        match &self.place {
            Place::Url(e) => Some(&e.url),
            Place::Command(_) | Place::Memory(_) => None,
        }
    }

    /// An HTTP client for an HTTP target's own scenarios, sending the target's headers.
    pub(crate) fn http_client(&self) -> io::Result<reqwest::Client> {
        match &self.place {
            Place::Url(e) => http::client(&e.headers, false),
            Place::Command(_) | Place::Memory(_) => Err(io::Error::other("not an HTTP target")),
        }
    }

    /// How long a request waits for its answer.
    pub(crate) fn answer_wait(&self) -> Duration {
        self.options.answer_wait
    }

    /// Its name in reports.
    pub(crate) fn transport(&self) -> &'static str {
        match &self.place {
            Place::Command(_) => "stdio",
            Place::Url(_) => "http",
            Place::Memory(_) => "memory",
        }
    }
}

/// One message at a time, both ways.
pub(crate) trait Wire: Send {
    /// Sends one message (its bytes exactly).
    fn send<'a>(&'a mut self, message: &'a [u8]) -> BoxFuture<'a, io::Result<()>>;
    /// The next message the target sent; `None` when it closed the connection.
    fn recv(&mut self) -> BoxFuture<'_, io::Result<Option<Vec<u8>>>>;
    /// What the target said about itself (an exit status, stderr), for a failure report.
    fn diagnostics(&mut self) -> Option<String> {
        None
    }
    /// The session the target assigned (`Mcp-Session-Id`, HTTP of the session era only).
    fn session_id(&self) -> Option<&str> {
        None
    }
    /// The HTTP status of the last message sent (HTTP only): a status that answers a
    /// message with no JSON-RPC body (413 for a body too large) is a verdict of its own.
    fn last_status(&self) -> Option<u16> {
        None
    }
    /// How the last message went on the wire, for the evidence: over HTTP the request line,
    /// the headers sent (the values of `--header` ones withheld) and the response status;
    /// `None` where there is nothing to add (stdio), or once taken.
    fn take_exchange(&mut self) -> Option<String> {
        None
    }
    /// Stops waiting for the answer to the request sent last (given up on and cancelled),
    /// so the answers to later ones are not queued behind it (HTTP, where each request has
    /// its own answer stream, kept in the order sent; over stdio there is nothing to let go
    /// of).
    fn abandon_newest(&mut self) {}
    /// Lets go of the connections kept for later requests, after a message that may make the
    /// server close them (an oversize body it refused unread), so the next request opens a
    /// new one instead of racing that close (HTTP; nothing to do over stdio).
    fn drop_connections(&mut self) {}
    /// Whether the connection may still carry messages (over stdio: the process has not
    /// exited), before an idle session is used again.
    fn alive(&mut self) -> bool {
        true
    }
}

/// The target's answer to a request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply {
    /// `result`.
    Result(Value),
    /// `error`: its code, and the whole error object.
    Error(i64, Value),
}

impl Reply {
    /// The result, or a description of the error for a failure reason.
    pub(crate) fn result(self, method: &str) -> Result<Value, String> {
        match self {
            Self::Result(v) => Ok(v),
            Self::Error(code, e) => Err(format!("{method} failed with error {code}: {e}")),
        }
    }
}

/// Why a conversation could not be opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// The server does not serve the version asked for (a reason to skip, not a failure).
    NotServed(String),
    /// The handshake failed; the reason holds the evidence.
    Failed(String),
}

impl From<String> for OpenError {
    fn from(reason: String) -> Self {
        Self::Failed(reason)
    }
}

/// One connection to a target server, with its evidence.
pub(crate) struct Conversation {
    /// The connection, made on first use ([`Conversation::wire`]): a handshake in a version
    /// the target is known not to serve needs none.
    wire: Option<Box<dyn Wire>>,
    /// Whom it connects to.
    target: Target,
    /// The version this conversation speaks.
    pub(crate) version: ProtocolVersion,
    /// The server's capabilities, from `initialize` or `server/discover`.
    pub(crate) capabilities: Value,
    /// The versions the server says it supports (`server/discover`, 2026-07-28 on; `null`
    /// before, where `initialize` agrees on one).
    pub(crate) supported_versions: Value,
    next_id: i64,
    /// The first [`EVIDENCE_LINES`] lines exchanged; `omitted` counts the rest.
    evidence: Vec<String>,
    omitted: usize,
    /// Schema violations in what the target sent (the first [`VIOLATIONS_KEPT`]).
    violations: Vec<String>,
    /// What makes each schema violation kept one defect ([`violation_kind`]): the same
    /// defect met again, in another message, is not kept twice.
    violation_kinds: Vec<String>,
    /// Notifications the target sent, not yet taken (the first [`NOTIFICATIONS_KEPT`]).
    notifications: Vec<Value>,
    /// The client capabilities every request of 2026-07-28 declares (none unless a
    /// scenario [declares](Conversation::declare) some).
    client_capabilities: Value,
    /// Ids of requests given up on and cancelled: a late answer to one is no violation.
    cancelled: Vec<Value>,
    /// How long a request waits for its answer (the target's option).
    answer_wait: Duration,
    /// How long a tool call with generated arguments waits (the target's option).
    call_wait: Duration,
    /// The request waited for may be unreadable (malformed JSON, an invalid request, a body
    /// too large): an error without its id may answer it (JSON-RPC 2.0 §5).
    pending_unreadable: bool,
    /// The liveness request sent right after bad input over a stream that carries
    /// everything in order (stdio, memory): see [`Conversation::answer_to_bad_input`].
    overtaking: Overtaking,
    /// Which tools may be called (the target's option), enforced on every `tools/call` this
    /// conversation sends.
    policy: ToolPolicy,
    /// The tools seen in `tools/list` results, by name: what the policy judges a call by.
    listed: HashMap<String, Value>,
    /// Whether the target has sent one JSON-RPC message yet (see [`preflight()`]).
    heard: bool,
    /// Answers the target's own requests, when a scenario set one ([`Responder`]).
    responder: Option<Responder>,
    /// Whether the session was opened by this conversation's first exchange (or taken from
    /// the idle ones) and everything since left it as it was ([`sessions`]): then it is
    /// given back when the conversation ends.
    reusable: bool,
    /// The evidence of the handshake, shown again by a conversation that reuses the session.
    opening: Vec<String>,
    /// While the target process this conversation started has not yet said anything: its
    /// share of [`Target::starts`].
    starting: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// Answers a request of the target (`sampling/createMessage`, `elicitation/create`,
/// `roots/list`, …): `Some(result)` is sent as the result, `None` as "method not found".
/// Only the scenarios that set one (the official suite's counterparts) answer such requests;
/// the others offer no client capabilities.
pub(crate) type Responder = Box<dyn FnMut(&str, &Value) -> Option<Value> + Send>;

/// Where the liveness request that follows bad input is ([`Conversation::answer_to_bad_input`]).
#[derive(Debug, Default)]
enum Overtaking {
    /// None was sent.
    #[default]
    None,
    /// Sent with this id, not yet answered.
    Sent(Value),
    /// Answered while the answer to the bad input was still awaited.
    Answered,
}

/// How many answer waits the first answer of a process just started may take, its start
/// included ([`Conversation::answer_within`]): 30 s with the default wait; `--answer-within`
/// scales it.
const START_FACTOR: u32 = 3;

/// How long bad input may still be answered once a request sent after it was answered
/// ([`Conversation::answer_to_bad_input`]).
const OVERTAKEN_GRACE: Duration = Duration::from_secs(1);

/// The most notifications kept until a scenario takes them.
const NOTIFICATIONS_KEPT: usize = 100;

/// The most lines of evidence kept: a target flooding notifications cannot grow a report
/// (or this process) without end.
const EVIDENCE_LINES: usize = 300;

/// The most schema violations kept; one is enough to fail, a few help to fix.
const VIOLATIONS_KEPT: usize = 20;

/// The most bytes of one line of evidence (a message, a note, a server's stderr): a
/// server that dumps its environment or a large file into an answer cannot swallow a report.
const EVIDENCE_BYTES: usize = 4096;

/// `text`, cut after [`EVIDENCE_BYTES`] bytes (on a character boundary), the cut marked.
pub(crate) fn clip(text: &str) -> String {
    if text.len() <= EVIDENCE_BYTES {
        return text.to_owned();
    }
    let mut at = EVIDENCE_BYTES;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    format!(
        "{}… [cut: {} of {} bytes shown]",
        &text[..at],
        at,
        text.len()
    )
}

/// `text`, cut after `chars` characters, saying how long it was.
pub(crate) fn clip_at(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}… ({} bytes)", &text[..at], text.len()),
        None => text.to_owned(),
    }
}

impl Conversation {
    /// A connection to `target` speaking `version`, not yet opened. The connection itself
    /// (for a command, its process) is made when the first message is sent or awaited, so
    /// this does not fail today: a target that cannot be started fails that first exchange.
    pub(crate) fn new(target: &Target, version: ProtocolVersion) -> Result<Self, String> {
        Ok(Self {
            wire: None,
            target: target.clone(),
            version,
            capabilities: Value::Null,
            supported_versions: Value::Null,
            next_id: 0,
            evidence: Vec::new(),
            omitted: 0,
            violations: Vec::new(),
            violation_kinds: Vec::new(),
            notifications: Vec::new(),
            cancelled: Vec::new(),
            client_capabilities: json!({}),
            answer_wait: target.answer_wait(),
            call_wait: target.options.call_wait.min(target.answer_wait()),
            pending_unreadable: false,
            overtaking: Overtaking::None,
            policy: target.options.tools.clone(),
            listed: HashMap::new(),
            heard: false,
            responder: None,
            reusable: false,
            opening: Vec::new(),
            starting: None,
        })
    }

    /// A connection to `target`, opened: `initialize` + `notifications/initialized`, or
    /// `server/discover` from 2026-07-28.
    pub(crate) async fn open(target: &Target, version: ProtocolVersion) -> Result<Self, OpenError> {
        let mut c = Self::new(target, version).map_err(OpenError::Failed)?;
        c.handshake().await.map_err(|e| match e {
            OpenError::Failed(reason) => {
                OpenError::Failed(format!("{reason}\n{}", c.evidence().join("\n")))
            }
            other => other,
        })?;
        Ok(c)
    }

    /// The connection, made now if it is not yet (for a command, its process is started).
    fn wire(&mut self) -> Result<&mut dyn Wire, String> {
        let wire = match self.wire.take() {
            Some(wire) => wire,
            None => self
                .target
                .connect()
                .map_err(|e| format!("could not start the target: {e}"))?,
        };
        Ok(&mut **self.wire.insert(wire))
    }

    /// Opens the session on a connection made by [`Conversation::new`]: for a scenario that
    /// sends something first. As the first exchange of the connection, in a version another
    /// conversation of this run found the target does not serve, it is not served here
    /// either, for the same reason, and no connection is made ([`learned`]).
    pub(crate) async fn handshake(&mut self) -> Result<(), OpenError> {
        let first = self.wire.is_none();
        if first && let Some(why) = self.target.unserved.why(self.version) {
            return Err(OpenError::NotServed(why));
        }
        if first
            && let Some(idle) = self
                .target
                .sessions
                .take(self.version, &self.declared_key())
        {
            self.reuse(idle);
            return Ok(());
        }
        let opened = self.open_session().await;
        match &opened {
            Err(OpenError::NotServed(why)) if first => {
                self.target.unserved.learn(self.version, why);
            }
            Ok(()) if first && self.violations.is_empty() => {
                self.reusable = true;
                self.opening = self.evidence.clone();
            }
            _ => {}
        }
        opened
    }

    /// What a shared session is kept under besides its version: the client capabilities
    /// declared (in `initialize`, or in each request of 2026-07-28).
    fn declared_key(&self) -> String {
        format!("{} {}", self.responder.is_some(), self.client_capabilities)
    }

    /// Continues the idle session `idle` as this conversation's.
    fn reuse(&mut self, idle: Idle) {
        self.wire = Some(idle.wire);
        self.capabilities = idle.capabilities;
        self.supported_versions = idle.supported_versions;
        self.next_id = idle.next_id;
        self.heard = true;
        self.reusable = true;
        self.opening = idle.opening;
        self.evidence = self.opening.clone();
        self.keep(|| {
            "(the session above was opened for an earlier scenario, which only listed or \
             pinged: its process is reused)"
                .to_owned()
        });
    }

    /// The handshake's messages: `initialize` and `notifications/initialized`, or
    /// `server/discover`.
    async fn open_session(&mut self) -> Result<(), OpenError> {
        let c = self;
        let version = c.version;
        if c.stateless() {
            let discovered = match c.request("server/discover", json!({})).await? {
                // Every 2026-07-28 server implements it (basic/versioning §Discovery); a
                // client falls back to `initialize` when it is refused (§Backward
                // Compatibility): a session-era server answers -32601 on stdio, and over HTTP
                // typically 400 "no session". Either way this version is not served.
                Reply::Error(code, e) => {
                    return Err(OpenError::NotServed(format!(
                        "server/discover was refused ({code} {}): a server of the session era",
                        e["message"].as_str().unwrap_or_default()
                    )));
                }
                other => other.result("server/discover")?,
            };
            c.capabilities = discovered["capabilities"].clone();
            c.supported_versions = discovered["supportedVersions"].clone();
            let served = discovered["supportedVersions"]
                .as_array()
                .is_some_and(|a| a.contains(&json!(version.as_str())));
            if !served {
                return Err(OpenError::NotServed(format!(
                    "server/discover lists {}",
                    discovered["supportedVersions"]
                )));
            }
        } else {
            let init = c.request("initialize", c.initialize_params()).await?;
            let init = init.result("initialize")?;
            c.capabilities = init["capabilities"].clone();
            let agreed = init["protocolVersion"].as_str().unwrap_or_default();
            if agreed != version.as_str() {
                return Err(OpenError::NotServed(format!(
                    "asked for {version}, the server answered {agreed:?}"
                )));
            }
            c.notify("notifications/initialized", json!({})).await?;
        }
        Ok(())
    }

    /// How long a request waits for its answer (the target's option).
    pub(crate) fn answer_wait(&self) -> Duration {
        self.answer_wait
    }

    /// Whether this version has no handshake (2026-07-28 on).
    pub(crate) fn stateless(&self) -> bool {
        !self.version.has_handshake()
    }

    /// `initialize` params for this conversation's version: the declared capabilities when
    /// a [`Responder`] answers the requests they allow, none otherwise.
    pub(crate) fn initialize_params(&self) -> Value {
        let capabilities = if self.responder.is_some() {
            self.client_capabilities.clone()
        } else {
            json!({})
        };
        json!({
            "protocolVersion": self.version.as_str(),
            "capabilities": capabilities,
            "clientInfo": {"name": "mcp-conformance", "version": env!("CARGO_PKG_VERSION")},
        })
    }

    /// Declares `capabilities` in every later request of 2026-07-28 (MRTR: a server may ask
    /// only for what the client declares). The conformance client answers no
    /// server-to-client request of the session era whatever it declares here.
    pub(crate) fn declare(&mut self, capabilities: Value) {
        self.reusable &= self.wire.is_none();
        self.client_capabilities = capabilities;
    }

    /// Answers the target's requests with `responder` from now on (set before the
    /// [handshake](Conversation::handshake), with [`Conversation::declare`], so `initialize`
    /// declares the capabilities it serves). Each request it sees is validated against the
    /// version's `ServerRequest`.
    pub(crate) fn respond_with(&mut self, responder: Responder) {
        self.reusable &= self.wire.is_none();
        self.responder = Some(responder);
    }

    /// Whether the server advertised capability `name`.
    pub(crate) fn has_capability(&self, name: &str) -> bool {
        self.capabilities.get(name).is_some_and(|c| !c.is_null())
    }

    /// Sends raw bytes as one message (the session is not shared after it: what a raw
    /// message does is not known).
    pub(crate) async fn send_raw(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.reusable = false;
        self.send_message(bytes).await
    }

    /// Sends `bytes` as one message, keeping it as evidence.
    async fn send_message(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.keep(|| format!("→ {}", String::from_utf8_lossy(bytes)));
        if self.wire.is_none() && matches!(self.target.place, Place::Command(_)) {
            // The semaphore is never closed: acquiring fails only then.
            self.starting = Arc::clone(&self.target.starts).acquire_owned().await.ok();
        }
        let sent = self
            .wire()?
            .send(bytes)
            .await
            .map_err(|e| format!("sending failed: {e}"));
        if let Some(exchange) = self.wire.as_mut().and_then(|w| w.take_exchange()) {
            self.keep(|| exchange);
        }
        sent
    }

    /// Stamps `params` as the version requires: from 2026-07-28 every request names its
    /// version, client and capabilities in `_meta` (basic/versioning).
    pub(crate) fn stamp(&self, mut params: Value) -> Value {
        if self.stateless() && params.is_object() {
            let meta = params
                .as_object_mut()
                .map(|p| p.entry("_meta").or_insert_with(|| json!({})));
            if let Some(Value::Object(meta)) = meta {
                meta.insert(
                    "io.modelcontextprotocol/protocolVersion".into(),
                    self.version.as_str().into(),
                );
                meta.insert(
                    "io.modelcontextprotocol/clientInfo".into(),
                    json!({"name": "mcp-conformance", "version": env!("CARGO_PKG_VERSION")}),
                );
                meta.insert(
                    "io.modelcontextprotocol/clientCapabilities".into(),
                    self.client_capabilities.clone(),
                );
            }
        }
        params
    }

    /// Sends a notification.
    pub(crate) async fn notify(&mut self, method: &str, params: Value) -> Result<(), String> {
        let params = self.stamp(params);
        let message = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.reusable &= method == "notifications/initialized";
        self.send_message(message.to_string().as_bytes()).await
    }

    /// Sends request `method` and waits for its answer.
    pub(crate) async fn request(&mut self, method: &str, params: Value) -> Result<Reply, String> {
        self.check_call(method, &params)?;
        self.next_id += 1;
        let id = json!(self.next_id);
        let params = self.stamp(params);
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.reusable &= sessions::LEAVE_AS_IT_WAS.contains(&method);
        self.send_message(message.to_string().as_bytes()).await?;
        let answer = self.answer_to(&id, Some(method)).await;
        self.reusable &= answer.is_ok();
        answer
    }

    /// Waits for the response with `id` (the answer to a request sent raw, or to `method`),
    /// validating it and everything before it.
    pub(crate) async fn answer_to(
        &mut self,
        id: &Value,
        method: Option<&str>,
    ) -> Result<Reply, String> {
        self.answer_within(id, method, self.answer_wait).await
    }

    /// [`Conversation::answer_to`], waiting at most `within`.
    pub(crate) async fn answer_within(
        &mut self,
        id: &Value,
        method: Option<&str>,
        within: Duration,
    ) -> Result<Reply, String> {
        // A process this conversation started and that has not said anything yet is still
        // starting: on a loaded machine an interpreter and its libraries take longer than
        // any answer should, and that is no fault of the server's ([`START_FACTOR`]).
        let within = if self.starting.is_some() {
            within.max(self.answer_wait * START_FACTOR)
        } else {
            within
        };
        self.answer_or_timeout(id, method, within)
            .await?
            .ok_or_else(|| {
                format!(
                    "no answer to {} within {:.1} s",
                    method.unwrap_or("the request"),
                    within.as_secs_f64()
                )
            })
    }

    /// The request that shows the server still answers: `ping`, or `server/discover` in
    /// 2026-07-28, which has no ping.
    pub(crate) fn liveness_method(&self) -> &'static str {
        if self.stateless() {
            "server/discover"
        } else {
            "ping"
        }
    }

    /// Waits at most `within` for the answer to bad input sent raw with `id` (`null` when
    /// the input has no id to read): an error whose id is null or absent answers it, as
    /// JSON-RPC 2.0 §5 has it for input whose id could not be read ("Parse error/Invalid
    /// Request"), as does an error with `id`.
    ///
    /// Over stdio (and in memory) a liveness request (`ping`, `server/discover` in
    /// 2026-07-28) follows the bad input at once, so that a server that drops bad input does
    /// not cost the whole wait: once it has answered the later request, the bad input gets
    /// [`OVERTAKEN_GRACE`] more, then counts as unanswered. JSON-RPC 2.0 does not order
    /// responses, but an error for unreadable input needs no work, and a server that has
    /// answered what came after it and stays silent a second longer has dropped it. Over HTTP
    /// every message has its own exchange and the bad input's own response is awaited.
    pub(crate) async fn answer_to_bad_input(
        &mut self,
        id: &Value,
        within: Duration,
    ) -> Result<Reply, String> {
        self.pending_unreadable = true;
        let alive = self.liveness_method();
        if self.target.http_url().is_none() {
            self.next_id += 1;
            let probe = json!(format!("after-bad-input-{}", self.next_id));
            let params = self.stamp(json!({}));
            let message = json!({"jsonrpc": "2.0", "id": probe, "method": alive, "params": params});
            if self
                .send_message(message.to_string().as_bytes())
                .await
                .is_ok()
            {
                self.overtaking = Overtaking::Sent(probe);
            }
        }
        let answer = self.answer_or_timeout(id, None, within).await;
        self.pending_unreadable = false;
        let overtaken = match std::mem::take(&mut self.overtaking) {
            Overtaking::Answered => true,
            Overtaking::Sent(probe) => {
                self.cancelled.push(probe); // its answer may still come: not judged
                false
            }
            Overtaking::None => false,
        };
        match answer? {
            Some(reply) => Ok(reply),
            None if overtaken => Err(format!(
                "no answer to the bad input: the server answered a {alive} sent after it, and \
                 {:.1} s later still had not answered the bad input",
                OVERTAKEN_GRACE.as_secs_f64()
            )),
            None => Err(format!(
                "no answer to the request within {:.1} s",
                within.as_secs_f64()
            )),
        }
    }

    /// Sends request `method`, which may rightly take long (a tool called with arguments
    /// drawn from its schema may be asked to work for hours): `Ok(None)` when it is not
    /// answered within the target's call wait ([`CALL_WITHIN`]) but the server is busy rather
    /// than hung, that is,
    /// after the request is cancelled (`notifications/cancelled`) it still answers a `ping`
    /// (`server/discover` in 2026-07-28). A server that answers neither has hung: `Err`.
    pub(crate) async fn request_or_cancel(
        &mut self,
        id: Value,
        method: &str,
        params: Value,
    ) -> Result<Option<Reply>, String> {
        self.check_call(method, &params)?;
        let params = self.stamp(params);
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.reusable = false;
        self.send_message(message.to_string().as_bytes()).await?;
        if let Some(reply) = self
            .answer_or_timeout(&id, Some(method), self.call_wait)
            .await?
        {
            return Ok(Some(reply));
        }
        if let Some(wire) = &mut self.wire {
            wire.abandon_newest();
        }
        let reason = format!("no answer within {:.1} s", self.call_wait.as_secs_f64());
        self.notify(
            "notifications/cancelled",
            json!({"requestId": id, "reason": reason}),
        )
        .await?;
        self.cancelled.push(id);
        let alive = self.liveness_method();
        match self.request(alive, json!({})).await {
            Ok(_) => Ok(None),
            Err(e) => Err(format!(
                "no answer to {method} within {:.1} s, and none to {alive} after it was \
                 cancelled: the server hung ({e})",
                self.call_wait.as_secs_f64()
            )),
        }
    }

    /// Why the tool called `name` may not be called under the run's tool policy, judged by
    /// the annotations of its last listing in this conversation; `None` when it may.
    pub(crate) fn withheld(&self, name: &str) -> Option<String> {
        match self.listed.get(name) {
            Some(tool) => self.policy.withheld(tool),
            None => self.policy.withheld_unlisted(name),
        }
    }

    /// The run's tool policy.
    pub(crate) fn policy(&self) -> &ToolPolicy {
        &self.policy
    }

    /// The last line of defence of the tool policy: a `tools/call` of a tool the policy
    /// withholds is not sent, whichever scenario asked (they choose their tools with the
    /// policy; this catches one that forgot).
    fn check_call(&self, method: &str, params: &Value) -> Result<(), String> {
        if method != "tools/call" {
            return Ok(());
        }
        let name = params["name"].as_str().unwrap_or_default();
        match self.withheld(name) {
            None => Ok(()),
            Some(why) => Err(format!(
                "mcp-conformance refused to call tool {name}: {why} (a bug of the scenario: \
                 it must choose tools with the tool policy)"
            )),
        }
    }

    /// Waits for the response with `id`, validating it and everything before it; `None`
    /// when none came within `within`.
    async fn answer_or_timeout(
        &mut self,
        id: &Value,
        method: Option<&str>,
        within: Duration,
    ) -> Result<Option<Reply>, String> {
        // Bounded: every message the target sends either ends the wait or is kept, and the
        // whole wait is bounded in time.
        let mut deadline = tokio::time::Instant::now() + within;
        loop {
            let Ok(message) = tokio::time::timeout_at(deadline, self.next_message()).await else {
                return Ok(None);
            };
            let message = message?;
            let Some(message) = message else {
                return Err("the server closed the connection without answering".into());
            };
            let is_response = message.get("method").is_none()
                && (message.get("result").is_some() || message.get("error").is_some());
            if !is_response {
                self.on_unsolicited(message).await?;
                continue;
            }
            if matches!(&self.overtaking, Overtaking::Sent(probe) if message.get("id") == Some(probe))
            {
                // The liveness request sent after bad input was answered first: the bad
                // input gets a last grace ([`Conversation::answer_to_bad_input`]).
                self.overtaking = Overtaking::Answered;
                deadline = deadline.min(tokio::time::Instant::now() + OVERTAKEN_GRACE);
                continue;
            }
            if message
                .get("id")
                .is_some_and(|late| self.cancelled.contains(late))
            {
                continue; // the answer to a request given up on: allowed, not judged
            }
            if message.get("id") != Some(id) {
                if message.get("id").is_none_or(Value::is_null) && message.get("error").is_some() {
                    // An error with no id to echo answers the request waited for; it may
                    // drop the id only when it answers input whose id could not be read, or
                    // over HTTP as the body of an error status (basic/transports §Sending
                    // Messages 4: "a JSON-RPC error response that has no id"). A readable
                    // request answered so has lost its id: JSON-RPC 2.0 §5, the id "MUST
                    // be the same as the value of the id member in the Request Object".
                    let refusal = self.last_status().is_some_and(|s| s >= 400);
                    if !(self.pending_unreadable || refusal) {
                        self.violate(format!(
                            "an error without the request's id answered {} (id {id}), a \
                             readable request: a response MUST carry the id of the request it \
                             answers (JSON-RPC 2.0 §5; basic §Responses)",
                            method.unwrap_or("the request")
                        ));
                    }
                    return Ok(Some(error_reply(&message)));
                }
                self.violate(format!("a response to an unknown id: {message}"));
                continue;
            }
            if message.get("error").is_some() {
                return Ok(Some(error_reply(&message)));
            }
            let result = message["result"].clone();
            let def = method.and_then(|m| schema_book::result_def(self.version, m, &result));
            if let Some(def) = def {
                self.validate(def, &result, method.unwrap_or_default());
            }
            if method == Some("tools/list")
                && let Some(tools) = result["tools"].as_array()
            {
                for tool in tools {
                    if let Some(name) = tool["name"].as_str() {
                        self.listed.insert(name.to_owned(), tool.clone());
                    }
                }
            }
            if let Some(why) = undeclared_input_request(&self.client_capabilities, &result) {
                self.violate(why);
            }
            return Ok(Some(Reply::Result(result)));
        }
    }

    /// The next message, parsed and validated as a JSON-RPC message of this version.
    pub(crate) async fn next_message(&mut self) -> Result<Option<Value>, String> {
        let received = self.wire()?.recv().await;
        self.starting = None; // the process has started (or ended): its core is free
        let bytes = match received {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Ok(None),
            Err(e) => return Err(format!("reading from the server failed: {e}")),
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        self.keep(|| format!("← {text}"));
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| format!("the server sent something that is not JSON ({e})"))?;
        self.heard |= value["jsonrpc"] == "2.0";
        match value.get("id") {
            Some(id) if !id.is_null() => self.validate("JSONRPCMessage", &value, "a message"),
            _ if value.get("error").is_some() => self.judge_idless_error(&value),
            _ => self.validate("JSONRPCMessage", &value, "a message"),
        }
        Ok(Some(value))
    }

    /// Validates an error whose id is null or absent. Two normative texts spell "no id"
    /// differently: JSON-RPC 2.0 §5 says the id "MUST be Null" when it could not be read;
    /// the schemas up to 2025-06-18 require a string or number id, and from 2025-11-25
    /// make it optional but not nullable (basic §Error Responses: "except in error cases
    /// where the ID could not be read"). Either spelling is accepted in every version, with
    /// a note where the schema prefers the other; the rest of the error is validated as the
    /// schema has it. Whether the id could be dropped at all is judged where the error is
    /// taken as an answer ([`Conversation::answer_or_timeout`]).
    fn judge_idless_error(&mut self, value: &Value) {
        let null = value.get("id").is_some_and(Value::is_null);
        let note = match (null, self.version >= ProtocolVersion::V2025_11_25) {
            (true, true) => Some(format!(
                "note: an error with \"id\": null; JSON-RPC 2.0 §5 requires null when the id \
                 could not be read, the {} schema prefers leaving id out: either is accepted",
                self.version
            )),
            (false, false) => Some(format!(
                "note: an error without an id; the {} schema requires one and JSON-RPC 2.0 §5 \
                 spells it null, 2025-11-25 on allow leaving it out: either is accepted",
                self.version
            )),
            _ => None,
        };
        if let Some(note) = note {
            self.keep(|| note);
        }
        let mut stand_in = value.clone();
        stand_in["id"] = json!(0);
        self.validate("JSONRPCMessage", &stand_in, "an error without an id");
    }

    /// A notification or a request from the target: notifications are validated (and are in
    /// the evidence), requests get "method not found" (this client declares no capabilities).
    async fn on_unsolicited(&mut self, message: Value) -> Result<(), String> {
        match message.get("id") {
            Some(id) if message.get("method").is_some() => {
                self.reusable = false;
                let id = id.clone();
                if let Some(result) = self.respond(&message) {
                    let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
                    return self.send_message(reply.to_string().as_bytes()).await;
                }
                let reply = json!({"jsonrpc": "2.0", "id": id,
                    "error": {"code": -32601, "message": "the conformance client offers no capabilities"}});
                self.send_message(reply.to_string().as_bytes()).await
            }
            _ => {
                if message.get("method").is_some() {
                    self.validate("ServerNotification", &message, "a notification");
                    if self.notifications.len() < NOTIFICATIONS_KEPT {
                        self.notifications.push(message);
                    }
                }
                Ok(())
            }
        }
    }

    /// The [`Responder`]'s answer to the target's request `message`, if one is set.
    fn respond(&mut self, message: &Value) -> Option<Value> {
        let responder = self.responder.as_mut()?;
        let method = message["method"].as_str().unwrap_or_default().to_owned();
        let answer = responder(&method, &message["params"]);
        // 2026-07-28 has no server-to-client requests (input goes by MRTR).
        if schema_book::defines(self.version, "ServerRequest") {
            self.validate("ServerRequest", message, "a request");
        }
        answer
    }

    /// Adds `line` to the evidence: an exchange made outside the conversation (a raw HTTP
    /// request of a transport scenario) that shows what the verdict rests on.
    pub(crate) fn note(&mut self, line: String) {
        self.keep(|| line);
    }

    /// Adds a line of evidence (at most [`EVIDENCE_BYTES`] of it), while there is room.
    fn keep(&mut self, line: impl FnOnce() -> String) {
        if self.evidence.len() < EVIDENCE_LINES {
            self.evidence.push(clip(&line()));
        } else {
            self.omitted += 1;
        }
    }

    fn validate(&mut self, def: &str, value: &Value, what: &str) {
        if let Err(errors) = schema_book::check(self.version, def, value) {
            // An error met on several paths of a union is one error.
            let mut seen = std::collections::HashSet::new();
            let mut errors = errors;
            errors.retain(|e| seen.insert(e.clone()));
            // One defect (a content type the version lacks, say) met in another message, or
            // at another index of the same one, is the same finding.
            let kind = violation_kind(what, def, &errors);
            if self.violation_kinds.contains(&kind) {
                return;
            }
            self.violation_kinds.push(kind);
            self.violate(clip(&format!(
                "{what} does not match {def} of the {} schema: {}",
                self.version,
                errors.join("; ")
            )));
        }
    }

    /// Keeps violation `why`, unless it is kept already (one defect met twice, a tool called
    /// twice with the same bad result, is one finding) or enough are.
    fn violate(&mut self, why: String) {
        if self.violations.len() < VIOLATIONS_KEPT && !self.violations.contains(&why) {
            self.violations.push(why);
        }
    }

    /// Whether the target has sent at least one JSON-RPC message (`"jsonrpc": "2.0"`) on
    /// this connection, whatever it said.
    pub(crate) fn heard(&self) -> bool {
        self.heard
    }

    /// The session the target assigned over HTTP, if it did.
    pub(crate) fn session_id(&self) -> Option<&str> {
        self.wire.as_ref()?.session_id()
    }

    /// The HTTP status of the last message sent, over HTTP.
    pub(crate) fn last_status(&self) -> Option<u16> {
        self.wire.as_ref()?.last_status()
    }

    /// The notifications the target sent since the last call, oldest first.
    pub(crate) fn take_notifications(&mut self) -> Vec<Value> {
        std::mem::take(&mut self.notifications)
    }

    /// Lets go of the kept connections ([`Wire::drop_connections`]).
    pub(crate) fn drop_connections(&mut self) {
        self.reusable = false;
        if let Some(wire) = &mut self.wire {
            wire.drop_connections();
        }
    }

    /// Schema violations so far.
    pub(crate) fn violations(&self) -> &[String] {
        &self.violations
    }

    /// The lines exchanged so far, and what the target said about itself.
    pub(crate) fn evidence(&mut self) -> Vec<String> {
        let mut out = self.evidence.clone();
        if self.omitted > 0 {
            out.push(format!("… and {} more lines", self.omitted));
        }
        if let Some(d) = self.wire.as_mut().and_then(|w| w.diagnostics()) {
            out.push(clip(&d));
        }
        out
    }
}

impl Drop for Conversation {
    /// Gives the session back for a later scenario when it is as it was opened
    /// ([`sessions`]).
    fn drop(&mut self) {
        if !self.reusable || !self.violations.is_empty() || !self.target.sessions.on() {
            return;
        }
        let Some(wire) = self.wire.take() else {
            return;
        };
        let key = self.declared_key();
        let idle = Idle {
            wire,
            capabilities: std::mem::take(&mut self.capabilities),
            supported_versions: std::mem::take(&mut self.supported_versions),
            next_id: self.next_id,
            opening: std::mem::take(&mut self.opening),
        };
        self.target.sessions.give(self.version, key, idle);
    }
}

/// Why `result` breaks 2026-07-28 basic/patterns/mrtr §Server Requirements 7: an input
/// request for a capability the client did not declare (`declared`).
fn undeclared_input_request(declared: &Value, result: &Value) -> Option<String> {
    if result["resultType"] != "input_required" {
        return None;
    }
    let requests = result["inputRequests"].as_object()?;
    requests.iter().find_map(|(key, request)| {
        let method = request["method"].as_str()?;
        let capability = match method {
            "elicitation/create" => "elicitation",
            "sampling/createMessage" => "sampling",
            "roots/list" => "roots",
            _ => return None, // not an input request at all: the schema says so
        };
        declared.get(capability).is_none_or(Value::is_null).then(|| {
            format!(
                "input request {key:?} is {method}, but the client did not declare `{capability}` \
                 (MUST NOT: basic/patterns/mrtr §Server Requirements 7)"
            )
        })
    })
}

/// What makes schema `errors` of `what` against `def` one defect: each error with the
/// offending value (an object or array quoted at its start) left out and the indexes of
/// its path made alike, as a set.
fn violation_kind(what: &str, def: &str, errors: &[String]) -> String {
    let mut kinds: Vec<String> = errors
        .iter()
        .map(|e| {
            let close = match e.chars().next() {
                Some('{') => Some("} is "),
                Some('[') => Some("] is "),
                _ => None,
            };
            let rest = close
                .and_then(|c| e.rfind(c).map(|at| &e[at + 1..]))
                .unwrap_or(e);
            rest.chars()
                .map(|c| if c.is_ascii_digit() { '*' } else { c })
                .collect()
        })
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    format!("{what} {def}: {}", kinds.join("; "))
}

fn error_reply(message: &Value) -> Reply {
    let error = message["error"].clone();
    Reply::Error(error["code"].as_i64().unwrap_or(0), error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_cut_at_4_kib_on_a_character_boundary_and_says_so() {
        assert_eq!(clip("short"), "short");
        let dump = "é".repeat(5000); // 10,000 bytes, two per character
        let cut = clip(&dump);
        let (kept, marker) = cut.split_once('…').expect("the cut is marked");
        assert_eq!(kept.len(), EVIDENCE_BYTES);
        assert!(kept.chars().all(|c| c == 'é'));
        assert_eq!(marker, " [cut: 4096 of 10000 bytes shown]");
        let odd = format!("a{dump}");
        let (kept, _) = clip(&odd)
            .split_once('…')
            .map(|(k, m)| (k.to_owned(), m.to_owned()))
            .expect("cut");
        assert_eq!(kept.len(), EVIDENCE_BYTES - 1, "backs off to the boundary");
    }

    #[test]
    fn one_schema_defect_in_two_messages_is_one_kind() {
        let at = |value: &str, index: u32| {
            format!(
                "{value} is not valid under any of the schemas listed in the 'anyOf' keyword (at /content/{index})"
            )
        };
        let one = [at(r#"{"type":"resource_link","uri":"a"}"#, 1)];
        let two = [
            at(r#"{"type":"resource_link","uri":"b"}"#, 1),
            at(r#"{"type":"resource_link","uri":"c"}"#, 2),
        ];
        assert_eq!(
            violation_kind("a", "CallToolResult", &one),
            violation_kind("a", "CallToolResult", &two)
        );
        // A missing property is named by its value: two properties, two defects.
        let name = ["\"name\" is a required property (at /tools/0)".to_owned()];
        let uri = ["\"uri\" is a required property (at /tools/0)".to_owned()];
        assert_ne!(
            violation_kind("a", "ListToolsResult", &name),
            violation_kind("a", "ListToolsResult", &uri)
        );
    }
}
