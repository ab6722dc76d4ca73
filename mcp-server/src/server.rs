//! [`Server`] and its builder: identity, versions served, limits and cache hints; run-time
//! registration of tools, resources, templates and prompts; the `list_changed` and
//! `resources/updated` broadcasts to every connected client that can receive them.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use mcp_protocol::SupportedVersions;
use mcp_protocol::method::Notification;
use mcp_protocol::methods::{
    PromptListChanged, ResourceListChanged, ResourceUpdated, ResourceUpdatedParams,
    TASKS_EXTENSION, ToolListChanged,
};
use mcp_protocol::types::{
    CacheScope, Implementation, ListChangedCapability, Meta, NotificationParams,
    ResourcesCapability, ServerCapabilities,
};
use tokio_util::sync::CancellationToken;

use crate::mrtr::Sealer;
use crate::registry::{
    ListKind, PromptDef, Registry, ResourceDef, States, TemplateDef, ToolDef, ToolEntry,
};
use crate::session::Session;
use crate::tasks::TaskStore;

/// A cache hint for a list, read or discovery result (2026-07-28 `ttlMs` / `cacheScope`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheHint {
    /// How long the client may reuse the answer, in milliseconds.
    pub ttl_ms: u64,
    /// Who may share the cached answer.
    pub scope: CacheScope,
}

impl CacheHint {
    /// A hint of `ttl_ms` for `scope`.
    pub fn new(ttl_ms: u64, scope: CacheScope) -> Self {
        Self { ttl_ms, scope }
    }
}

/// A registration was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// A tool's input or output schema is not a valid JSON Schema.
    #[error("the schema of tool {tool:?} is invalid: {reason}")]
    InvalidSchema {
        /// The tool.
        tool: String,
        /// What the validator said.
        reason: String,
    },
    /// A tool's name breaks server/tools §Tool Names (1 to 128 characters of ASCII letters,
    /// digits, `_`, `-` and `.`; a SHOULD this crate enforces).
    #[error("tool name {tool:?} is invalid: {reason}")]
    InvalidToolName {
        /// The tool.
        tool: String,
        /// Which rule it breaks.
        reason: String,
    },
    /// A tool's `x-mcp-header` annotations break 2026-07-28 basic/transports/streamable-http
    /// §Schema Extension; clients would drop the tool.
    #[error("the x-mcp-header annotations of tool {tool:?} are invalid: {reason}")]
    InvalidHeaderAnnotation {
        /// The tool.
        tool: String,
        /// Which rule they break.
        reason: String,
    },
    /// The item's handler takes a [`State<S>`](crate::State), and the server was built
    /// without a state of that type ([`ServerBuilder::state`]).
    #[error(
        "{item:?} needs a server state of type {state}, and the server has none (ServerBuilder::state)"
    )]
    MissingState {
        /// The tool or prompt name, or the resource URI (template).
        item: String,
        /// The Rust type name of the missing state.
        state: &'static str,
    },
}

impl RegistryError {
    pub(crate) fn missing_state(item: &str, state: &'static str) -> Self {
        Self::MissingState {
            item: item.to_owned(),
            state,
        }
    }
}

/// Builds a [`Server`].
#[derive(Debug)]
pub struct ServerBuilder {
    info: Implementation,
    instructions: Option<String>,
    versions: SupportedVersions,
    page_size: usize,
    cache: HashMap<ListKind, CacheHint>,
    discover_cache: Option<CacheHint>,
    read_cache: Option<CacheHint>,
    tasks: bool,
    pub(crate) logging: bool,
    list_changed: bool,
    declared: Vec<ListKind>,
    states: States,
    state_ttl: Duration,
    task_poll_ms: u64,
    task_max_ttl: Duration,
    pub(crate) server_info_meta: bool,
    pub(crate) max_requests_in_flight: usize,
    pub(crate) on_roots_list_changed: Option<RootsListChanged>,
    pub(crate) max_message_size: usize,
    /// Declared extensions and extension methods ([`crate::extension`]).
    pub(crate) extensions: crate::extension::Extensions,
}

/// What runs when a client says its roots changed.
#[derive(Clone)]
pub(crate) struct RootsListChanged(pub(crate) Arc<dyn Fn() + Send + Sync>);

impl std::fmt::Debug for RootsListChanged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RootsListChanged(..)")
    }
}

impl ServerBuilder {
    pub(crate) fn task_poll_ms_value(&self) -> u64 {
        self.task_poll_ms
    }

    pub(crate) fn task_max_ttl_value(&self) -> Duration {
        self.task_max_ttl
    }

    /// Sets a display title for `serverInfo`.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.info.title = Some(title.into());
        self
    }

    /// Instructions for the model (in `initialize` and `server/discover`).
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// The protocol versions to serve (default: all).
    pub fn versions(mut self, versions: SupportedVersions) -> Self {
        self.versions = versions;
        self
    }

    /// Items per page of every list (default 100).
    pub fn page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The cache hint of one list (2026-07-28; default: `ttlMs: 0`, private).
    pub fn cache_hint(mut self, list: ListKind, hint: CacheHint) -> Self {
        self.cache.insert(list, hint);
        self
    }

    /// The cache hint of `server/discover`.
    pub fn discover_cache_hint(mut self, hint: CacheHint) -> Self {
        self.discover_cache = Some(hint);
        self
    }

    /// The cache hint of every `resources/read` result (2026-07-28; default: `ttlMs: 0`,
    /// private).
    pub fn read_cache_hint(mut self, hint: CacheHint) -> Self {
        self.read_cache = Some(hint);
        self
    }

    /// Runs tool calls as tasks where the tool allows it (2025-11-25 tasks and the
    /// 2026-07-28 extension), and declares the capability. Off by default.
    pub fn tasks(mut self, enabled: bool) -> Self {
        self.tasks = enabled;
        self
    }

    /// Declares the `logging` capability (default on). Off, handlers' log messages are
    /// dropped ([`RequestContext::log`](crate::RequestContext::log) returns false) and
    /// `logging/setLevel` does not exist: a server that emits `notifications/message` MUST
    /// declare `logging` (server/utilities/logging §Capabilities).
    ///
    /// 2026-07-28 deprecates logging (SEP-2577: new implementations SHOULD NOT adopt it);
    /// it stays on by default because session-era clients expect it, and a request in
    /// 2026-07-28 gets no log unless it names a level in `_meta`.
    pub fn logging(mut self, enabled: bool) -> Self {
        self.logging = enabled;
        self
    }

    /// Declares `listChanged` and sends `list_changed` notifications (default on).
    pub fn list_changed(mut self, enabled: bool) -> Self {
        self.list_changed = enabled;
        self
    }

    /// Declares a capability even while nothing of that kind is registered (for servers
    /// that register later). Otherwise a capability is declared when something is there.
    pub fn declare(mut self, list: ListKind) -> Self {
        self.declared.push(list);
        self
    }

    /// Shared state for handlers: every handler made with a `with_state` constructor
    /// ([`ToolDef::with_state`], [`ResourceDef::with_state`], [`TemplateDef::with_state`],
    /// [`PromptDef::with_state`]) whose [`State<S>`](crate::State) has this type gets a clone
    /// of `state`, bound when it is registered. One state per type: call this once per type
    /// (a second value of the same type replaces the first). Registering a handler whose
    /// state type was never given fails with [`RegistryError::MissingState`].
    pub fn state<S: Clone + Send + Sync + 'static>(mut self, state: S) -> Self {
        self.states.insert(state);
        self
    }

    /// How long an MRTR `requestState` stays valid (default 10 minutes).
    pub fn request_state_ttl(mut self, ttl: Duration) -> Self {
        self.state_ttl = ttl;
        self
    }

    /// Whether every 2026-07-28 result carries `_meta["io.modelcontextprotocol/serverInfo"]`
    /// (default on: the 2026-07-28 `ResultMetaObject` says servers SHOULD include it on
    /// every response unless configured not to). Session-era results never carry it (their
    /// `serverInfo` is in `initialize`); `server/discover` always does.
    pub fn server_info_meta(mut self, enabled: bool) -> Self {
        self.server_info_meta = enabled;
        self
    }

    /// How many of one client's requests may be unanswered at once (default
    /// [`DEFAULT_MAX_REQUESTS_IN_FLIGHT`](mcp_protocol::engine::DEFAULT_MAX_REQUESTS_IN_FLIGHT));
    /// one more is refused with -31000
    /// ([`ErrorCode::TOO_MANY_REQUESTS`](mcp_protocol::ErrorCode::TOO_MANY_REQUESTS)) before
    /// any handler runs, so a flood of calls on one
    /// connection cannot grow memory without bound. `usize::MAX`: no limit.
    ///
    /// A limit takes the number, as every limit of this crate's builders does (before 0.2
    /// this took an `Option<usize>`, `None` for no limit).
    pub fn max_requests_in_flight(mut self, limit: usize) -> Self {
        self.max_requests_in_flight = limit;
        self
    }

    /// The largest message [`Server::serve_stdio`] accepts (default 4 MiB): a longer line is
    /// discarded and answered with -32600, and the connection carries on.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// Runs `callback` each time a client sends `notifications/roots/list_changed` (session
    /// era; a 2026-07-28 client sends its roots with each request that needs them instead).
    /// The roots themselves are asked for with [`RequestContext::list_roots`](crate::RequestContext::list_roots)
    /// from the next request that needs them.
    pub fn on_roots_list_changed(mut self, callback: impl Fn() + Send + Sync + 'static) -> Self {
        self.on_roots_list_changed = Some(RootsListChanged(Arc::new(callback)));
        self
    }

    /// The polling interval suggested for tasks (default 500 ms).
    pub fn task_poll_interval(mut self, interval: Duration) -> Self {
        self.task_poll_ms = interval.as_millis() as u64;
        self
    }

    /// The longest lifetime a task gets (default one hour), and the lifetime of one whose
    /// requestor asked for none. A 2025-11-25 requestor's `params.task.ttl` is granted up to
    /// this; every task response reports the lifetime granted (`ttl`, or `ttlMs` in the
    /// 2026-07-28 extension). Once it is over, an ended task and its result are dropped
    /// (`tasks/get` then answers -32602); a task still running is kept until it ends.
    pub fn task_max_ttl(mut self, ttl: Duration) -> Self {
        self.task_max_ttl = ttl;
        self
    }

    /// The server.
    pub fn build(self) -> Server {
        Server {
            inner: Arc::new(Inner {
                sealer: Sealer::new(self.state_ttl),
                server_info_meta: server_info_meta(&self.info),
                config: self,
                registry: RwLock::default(),
                sessions: Mutex::default(),
                next_session: AtomicU64::new(1),
                tasks: TaskStore::default(),
                shutdown: CancellationToken::new(),
            }),
        }
    }
}

/// An MCP server: what it offers, and the connections it serves. Cheap to clone; every
/// clone is the same server. See the [crate docs](crate) for the design.
#[derive(Clone, Debug)]
pub struct Server {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: ServerBuilder,
    pub(crate) registry: RwLock<Registry>,
    pub(crate) sessions: Mutex<HashMap<u64, Arc<Session>>>,
    pub(crate) next_session: AtomicU64,
    pub(crate) sealer: Sealer,
    /// `"_meta":{"io.modelcontextprotocol/serverInfo":…}` encoded once, for splicing into
    /// every 2026-07-28 result.
    pub(crate) server_info_meta: String,
    pub(crate) tasks: TaskStore,
    pub(crate) shutdown: CancellationToken,
}

/// The `_meta` member naming the server, as JSON text: `"_meta":{"…/serverInfo":{…}}`.
fn server_info_meta(info: &Implementation) -> String {
    let info = serde_json::to_string(info).unwrap_or_else(|_| "{}".to_owned());
    format!("\"_meta\":{{\"{}\":{info}}}", Meta::SERVER_INFO)
}

impl Server {
    /// A builder for a server that calls itself `name` `version` in `serverInfo`.
    pub fn builder(name: impl Into<String>, version: impl Into<String>) -> ServerBuilder {
        ServerBuilder {
            info: Implementation::new(name, version),
            instructions: None,
            versions: SupportedVersions::default(),
            page_size: 100,
            cache: HashMap::new(),
            discover_cache: None,
            read_cache: None,
            tasks: false,
            logging: true,
            list_changed: true,
            declared: Vec::new(),
            states: States::default(),
            state_ttl: Duration::from_secs(600),
            task_poll_ms: 500,
            task_max_ttl: crate::tasks::DEFAULT_MAX_TASK_TTL,
            server_info_meta: true,
            max_requests_in_flight: mcp_protocol::engine::DEFAULT_MAX_REQUESTS_IN_FLIGHT,
            on_roots_list_changed: None,
            max_message_size: mcp_protocol::codec::ndjson::LineDecoder::DEFAULT_MAX_LEN,
            extensions: crate::extension::Extensions::default(),
        }
    }

    pub(crate) fn registry(&self) -> std::sync::RwLockReadGuard<'_, Registry> {
        self.inner
            .registry
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn sessions(&self) -> MutexGuard<'_, HashMap<u64, Arc<Session>>> {
        self.inner
            .sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn config(&self) -> &ServerBuilder {
        &self.inner.config
    }

    pub(crate) fn info(&self) -> &Implementation {
        &self.inner.config.info
    }

    pub(crate) fn instructions(&self) -> Option<&str> {
        self.inner.config.instructions.as_deref()
    }

    pub(crate) fn versions(&self) -> &SupportedVersions {
        &self.inner.config.versions
    }

    pub(crate) fn page_size(&self) -> usize {
        self.inner.config.page_size
    }

    pub(crate) fn cache_hint(&self, list: ListKind) -> Option<CacheHint> {
        self.inner.config.cache.get(&list).cloned()
    }

    pub(crate) fn discover_cache(&self) -> Option<CacheHint> {
        self.inner.config.discover_cache.clone()
    }

    pub(crate) fn read_cache(&self) -> Option<CacheHint> {
        self.inner.config.read_cache.clone()
    }

    pub(crate) fn tasks_enabled(&self) -> bool {
        self.inner.config.tasks
    }

    /// Applies `change` to the registry and, if it changed something visible, announces it.
    fn change(&self, list: ListKind, change: impl FnOnce(&mut Registry) -> bool) -> bool {
        let changed = {
            let mut reg = self
                .inner
                .registry
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            change(&mut reg)
        };
        if changed {
            self.broadcast_list_changed(list);
        }
        changed
    }

    /// Adds (or replaces) a tool. Refused if its schemas are invalid or its handler needs a
    /// state the server does not have.
    pub fn add_tool(&self, def: ToolDef) -> Result<(), RegistryError> {
        let name = def.name().to_owned();
        let entry = ToolEntry::new(def, &self.inner.config.states)?;
        self.change(ListKind::Tools, |r| {
            r.tools.insert(name, entry);
            true
        });
        Ok(())
    }

    /// Adds a typed tool (see [`ToolDef::new`]); for a description, annotations and the
    /// rest, build a [`ToolDef`] and use [`Server::add_tool`].
    ///
    /// # Panics
    /// If the schema generated for `A` does not compile, which schemars does not produce.
    pub fn tool<A, F, Fut, R>(&self, name: impl Into<String>, handler: F)
    where
        A: serde::de::DeserializeOwned + schemars::JsonSchema + Send + 'static,
        F: Fn(A, crate::RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: crate::IntoToolResult,
    {
        self.add_tool(ToolDef::new(name, handler))
            .expect("schemars generates valid schemas");
    }

    /// Removes a tool; whether it was there.
    pub fn remove_tool(&self, name: &str) -> bool {
        self.change(ListKind::Tools, |r| r.tools.remove(name))
    }

    /// Enables or disables a tool (a disabled tool is not listed and cannot be called);
    /// whether anything changed.
    pub fn set_tool_enabled(&self, name: &str, enabled: bool) -> bool {
        self.change(ListKind::Tools, |r| r.tools.set_enabled(name, enabled))
    }

    /// Adds (or replaces) a resource. Refused if its handler needs a state the server does
    /// not have.
    pub fn add_resource(&self, def: ResourceDef) -> Result<(), RegistryError> {
        let uri = def.uri().to_owned();
        let entry = def.bind(&self.inner.config.states)?;
        self.change(ListKind::Resources, |r| {
            r.resources.insert(uri, entry);
            true
        });
        Ok(())
    }

    /// Removes a resource; whether it was there.
    pub fn remove_resource(&self, uri: &str) -> bool {
        self.change(ListKind::Resources, |r| r.resources.remove(uri))
    }

    /// Enables or disables a resource; whether anything changed.
    pub fn set_resource_enabled(&self, uri: &str, enabled: bool) -> bool {
        self.change(ListKind::Resources, |r| {
            r.resources.set_enabled(uri, enabled)
        })
    }

    /// Adds (or replaces) a resource template. Refused if its handler needs a state the
    /// server does not have.
    pub fn add_resource_template(&self, def: TemplateDef) -> Result<(), RegistryError> {
        let uri_template = def.uri_template().to_owned();
        let entry = def.bind(&self.inner.config.states)?;
        self.change(ListKind::ResourceTemplates, |r| {
            r.templates.insert(uri_template, entry);
            true
        });
        Ok(())
    }

    /// Removes a resource template (by its URI template); whether it was there.
    pub fn remove_resource_template(&self, uri_template: &str) -> bool {
        self.change(ListKind::ResourceTemplates, |r| {
            r.templates.remove(uri_template)
        })
    }

    /// Enables or disables a resource template; whether anything changed.
    pub fn set_resource_template_enabled(&self, uri_template: &str, enabled: bool) -> bool {
        self.change(ListKind::ResourceTemplates, |r| {
            r.templates.set_enabled(uri_template, enabled)
        })
    }

    /// Adds (or replaces) a prompt. Refused if its handler needs a state the server does not
    /// have.
    pub fn add_prompt(&self, def: PromptDef) -> Result<(), RegistryError> {
        let name = def.name().to_owned();
        let entry = def.bind(&self.inner.config.states)?;
        self.change(ListKind::Prompts, |r| {
            r.prompts.insert(name, entry);
            true
        });
        Ok(())
    }

    /// Removes a prompt; whether it was there.
    pub fn remove_prompt(&self, name: &str) -> bool {
        self.change(ListKind::Prompts, |r| r.prompts.remove(name))
    }

    /// Enables or disables a prompt; whether anything changed.
    pub fn set_prompt_enabled(&self, name: &str, enabled: bool) -> bool {
        self.change(ListKind::Prompts, |r| r.prompts.set_enabled(name, enabled))
    }

    /// The capabilities the server declares now, derived from what is registered and
    /// configured (the session era fixes them per session at `initialize`).
    pub fn capabilities(&self) -> ServerCapabilities {
        let cfg = &self.inner.config;
        let reg = self.registry();
        let declared = |k| cfg.declared.contains(&k);
        let list_changed = {
            let mut list_changed_capability = ListChangedCapability::default();
            list_changed_capability.list_changed = cfg.list_changed.then_some(true);
            list_changed_capability
        };
        let has_resources = !reg.resources.is_empty()
            || !reg.templates.is_empty()
            || declared(ListKind::Resources)
            || declared(ListKind::ResourceTemplates);
        let has_prompts = !reg.prompts.is_empty() || declared(ListKind::Prompts);
        let mut caps = {
            let mut server_capabilities = ServerCapabilities::default();
            server_capabilities.tools =
                (!reg.tools.is_empty() || declared(ListKind::Tools)).then(|| list_changed.clone());
            server_capabilities.prompts = has_prompts.then(|| list_changed.clone());
            server_capabilities.resources = has_resources.then(|| {
                let mut resources_capability = ResourcesCapability::default();
                resources_capability.subscribe = Some(true);
                resources_capability.list_changed = cfg.list_changed.then_some(true);
                resources_capability
            });
            server_capabilities.logging = cfg.logging.then(Default::default);
            // Completion answers for any prompt argument or template variable (empty when
            // nothing is attached), so it goes with prompts and templates.
            server_capabilities.completions =
                (has_prompts || !reg.templates.is_empty()).then(Default::default);
            server_capabilities
        };
        if cfg.tasks {
            let tasks = serde_json::json!({
                "list": {}, "cancel": {}, "requests": { "tools": { "call": {} } }
            });
            caps.tasks = tasks.as_object().cloned();
            let mut ext = serde_json::Map::new();
            ext.insert(TASKS_EXTENSION.to_owned(), serde_json::json!({}));
            caps.extensions = Some(ext);
        }
        let declared = cfg.extensions.declared();
        if !declared.is_empty() {
            let ext = caps.extensions.get_or_insert_with(serde_json::Map::new);
            ext.extend(declared.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        caps
    }

    /// Tells every client watching `uri` that it changed (`notifications/resources/updated`
    /// to session-era subscribers and to 2026-07-28 listen streams that name it).
    pub fn notify_resource_updated(&self, uri: &str) {
        for session in self.sessions().values() {
            if session.negotiated().is_some() && session.is_subscribed(uri) {
                session
                    .outbound
                    .notify::<ResourceUpdated>(ResourceUpdatedParams::new(uri));
            }
            for id in session.listens_where(|f| f.watches(uri)) {
                let mut params = ResourceUpdatedParams::new(uri);
                params.meta = Some(Meta::new().with(Meta::SUBSCRIPTION_ID, &id));
                session.outbound.notify::<ResourceUpdated>(params);
            }
        }
    }

    fn broadcast_list_changed(&self, list: ListKind) {
        if !self.inner.config.list_changed {
            return;
        }
        match list {
            ListKind::Tools => self.broadcast::<ToolListChanged>(
                |c| c.tools.as_ref().and_then(|t| t.list_changed),
                |f| f.tools(),
            ),
            ListKind::Prompts => self.broadcast::<PromptListChanged>(
                |c| c.prompts.as_ref().and_then(|t| t.list_changed),
                |f| f.prompts(),
            ),
            ListKind::Resources | ListKind::ResourceTemplates => self
                .broadcast::<ResourceListChanged>(
                    |c| c.resources.as_ref().and_then(|t| t.list_changed),
                    |f| f.resources(),
                ),
        }
    }

    /// Sends `N` to sessions whose negotiated capabilities say `declared`, and to listen
    /// streams whose filter `wants` it.
    fn broadcast<N: Notification<Params = NotificationParams>>(
        &self,
        declared: impl Fn(&ServerCapabilities) -> Option<bool>,
        wants: impl Fn(&mcp_protocol::methods::SubscriptionFilter) -> bool,
    ) {
        for session in self.sessions().values() {
            if session
                .negotiated()
                .is_some_and(|n| declared(&n.server_capabilities) == Some(true))
            {
                session.outbound.notify::<N>(NotificationParams::default());
            }
            for id in session.listens_where(&wants) {
                let params = {
                    let mut notification_params = NotificationParams::default();
                    notification_params.meta = Some(Meta::new().with(Meta::SUBSCRIPTION_ID, &id));
                    notification_params
                };
                session.outbound.notify::<N>(params);
            }
        }
    }

    /// Stops every connection gracefully: no new requests are read, open listen streams
    /// end, in-flight requests get a moment to finish, then the connections close.
    pub fn shutdown(&self) {
        self.inner.shutdown.cancel();
    }
}
