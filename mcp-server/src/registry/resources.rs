//! Resources and resource templates: [`ResourceDef`] (a fixed URI) and [`TemplateDef`] (an
//! RFC 6570 URI template whose variables are decoded into a typed value).
//!
//! URI checks (audit row 5.15, server/resources §Security Considerations): a read reaches a
//! handler only for a listed URI or one a template matches, with the template's variables
//! decoded into the handler's type. What a variable *names* (a file path, an id) is the
//! handler's to check: the library serves no files itself, so it cannot know the root a path
//! must stay under. A handler that maps a variable to a path must refuse `..` segments and
//! absolute paths (directory traversal) before it opens anything. A template whose handler
//! returns no contents is answered as not found in 2026-07-28 (see the dispatcher).

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_protocol::methods::{Resource, ResourceTemplate};
use mcp_protocol::types::ResourceContents;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::completion::{CompleteFn, CompletionQuery, complete_fn};
use super::state::{Binding, State, States};
use super::template::{TemplateError, UriTemplate};
use crate::context::RequestContext;
use crate::error::Error;
use crate::server::RegistryError;

/// What reading a resource gives.
pub type ReadResult = Result<Vec<ResourceContents>, Error>;

pub(crate) type ReadFn =
    Arc<dyn Fn(String, RequestContext) -> BoxFuture<'static, ReadResult> + Send + Sync>;

type TemplateFn = Arc<
    dyn Fn(String, BTreeMap<String, String>, RequestContext) -> BoxFuture<'static, ReadResult>
        + Send
        + Sync,
>;

/// A resource with a fixed URI and the handler that reads it.
pub struct ResourceDef {
    resource: Resource,
    read: Binding<ReadFn>,
}

/// A registered resource: its handler bound to the server's state.
pub(crate) struct ResourceEntry {
    pub(crate) resource: Resource,
    pub(crate) read: ReadFn,
}

impl std::fmt::Debug for ResourceDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceDef")
            .field("resource", &self.resource)
            .finish_non_exhaustive()
    }
}

impl ResourceDef {
    /// `resource`, read by `handler` (which gets the URI).
    pub fn new<F, Fut>(resource: Resource, handler: F) -> Self
    where
        F: Fn(String, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ReadResult> + Send + 'static,
    {
        Self {
            resource,
            read: Binding::Ready(Arc::new(move |uri, ctx| handler(uri, ctx).boxed())),
        }
    }

    /// `resource`, read by `handler`, which also gets the server's shared state of type `S`
    /// first (see [`ToolDef::with_state`](crate::ToolDef::with_state)); registering it on a
    /// server without that state fails with
    /// [`RegistryError::MissingState`](crate::RegistryError::MissingState).
    pub fn with_state<S, F, Fut>(resource: Resource, handler: F) -> Self
    where
        S: Clone + Send + Sync + 'static,
        F: Fn(State<S>, String, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ReadResult> + Send + 'static,
    {
        Self {
            resource,
            read: Binding::needing(move |state: S| -> ReadFn {
                Arc::new(move |uri, ctx| handler(State(state.clone()), uri, ctx).boxed())
            }),
        }
    }

    /// `resource` with fixed text content (its MIME type is the resource's).
    pub fn text(resource: Resource, text: impl Into<String>) -> Self {
        let text = text.into();
        let mime = resource.mime_type.clone();
        Self::new(resource, move |uri, _| {
            let mut contents = ResourceContents::text(uri, text.clone());
            if let ResourceContents::Text(t) = &mut contents {
                t.mime_type = mime.clone();
            }
            futures::future::ready(Ok(vec![contents]))
        })
    }

    /// The URI.
    pub fn uri(&self) -> &str {
        &self.resource.uri
    }

    /// The resource with its handler bound to the server's `states`.
    pub(crate) fn bind(self, states: &States) -> Result<ResourceEntry, RegistryError> {
        Ok(ResourceEntry {
            read: (self.read.bind(states))
                .map_err(|state| RegistryError::missing_state(&self.resource.uri, state))?,
            resource: self.resource,
        })
    }
}

/// A resource template and the handler that reads the resources it describes.
pub struct TemplateDef {
    template: ResourceTemplate,
    parsed: UriTemplate,
    read: Binding<TemplateFn>,
    completions: HashMap<String, CompleteFn>,
}

/// A registered resource template: its handler bound to the server's state.
pub(crate) struct TemplateEntry {
    pub(crate) template: ResourceTemplate,
    parsed: UriTemplate,
    read: TemplateFn,
    pub(crate) completions: HashMap<String, CompleteFn>,
}

impl std::fmt::Debug for TemplateDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateDef")
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

impl TemplateDef {
    /// `template`, read by `handler`, which gets the URI and the variables decoded as `A`
    /// (a struct whose fields are the variable names; numbers and booleans are parsed from
    /// the text of the URI). A URI whose variables do not decode is "not found".
    ///
    /// ```
    /// use mcp_protocol::methods::ResourceTemplate;
    /// use mcp_protocol::types::ResourceContents;
    /// use mcp_server::TemplateDef;
    /// #[derive(serde::Deserialize)]
    /// struct Item { id: u32 }
    /// let def = TemplateDef::new(
    ///     ResourceTemplate::new("test://item/{id}", "item"),
    ///     |uri: String, item: Item, _ctx| async move {
    ///         Ok(vec![ResourceContents::text(uri, format!("item {}", item.id))])
    ///     },
    /// ).unwrap();
    /// # let _ = def;
    /// ```
    pub fn new<A, F, Fut>(template: ResourceTemplate, handler: F) -> Result<Self, TemplateError>
    where
        A: DeserializeOwned + Send + 'static,
        F: Fn(String, A, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ReadResult> + Send + 'static,
    {
        Self::from_parts(template, Binding::Ready(template_fn(handler)))
    }

    /// `template`, read by `handler` (as with [`TemplateDef::new`]), which also gets the
    /// server's shared state of type `S` first (see
    /// [`ToolDef::with_state`](crate::ToolDef::with_state)); registering it on a server
    /// without that state fails with
    /// [`RegistryError::MissingState`](crate::RegistryError::MissingState).
    pub fn with_state<S, A, F, Fut>(
        template: ResourceTemplate,
        handler: F,
    ) -> Result<Self, TemplateError>
    where
        S: Clone + Send + Sync + 'static,
        A: DeserializeOwned + Send + 'static,
        F: Fn(State<S>, String, A, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ReadResult> + Send + 'static,
    {
        let read = Binding::needing(move |state: S| {
            template_fn(move |uri, args: A, ctx| handler(State(state.clone()), uri, args, ctx))
        });
        Self::from_parts(template, read)
    }

    fn from_parts(
        template: ResourceTemplate,
        read: Binding<TemplateFn>,
    ) -> Result<Self, TemplateError> {
        Ok(Self {
            parsed: UriTemplate::parse(&template.uri_template)?,
            template,
            read,
            completions: HashMap::new(),
        })
    }

    /// Suggests values for the variable `variable` (`completion/complete` with a
    /// `ref/resource` reference).
    pub fn complete<F, Fut>(mut self, variable: impl Into<String>, completer: F) -> Self
    where
        F: Fn(CompletionQuery) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<String>> + Send + 'static,
    {
        self.completions
            .insert(variable.into(), complete_fn(completer));
        self
    }

    /// The template string.
    pub fn uri_template(&self) -> &str {
        &self.template.uri_template
    }

    /// The template with its handler bound to the server's `states`.
    pub(crate) fn bind(self, states: &States) -> Result<TemplateEntry, RegistryError> {
        Ok(TemplateEntry {
            read: (self.read.bind(states)).map_err(|state| {
                RegistryError::missing_state(&self.template.uri_template, state)
            })?,
            template: self.template,
            parsed: self.parsed,
            completions: self.completions,
        })
    }
}

/// Erases a template handler: variables that do not decode as `A` make the URI "not found".
fn template_fn<A, F, Fut>(handler: F) -> TemplateFn
where
    A: DeserializeOwned + Send + 'static,
    F: Fn(String, A, RequestContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ReadResult> + Send + 'static,
{
    Arc::new(move |uri, vars, ctx| match decode_vars::<A>(&vars) {
        Some(args) => handler(uri, args, ctx).boxed(),
        None => futures::future::ready(Err(Error::resource_not_found(&uri))).boxed(),
    })
}

impl TemplateEntry {
    /// Reads `uri` if it matches; `None` if it does not.
    pub(crate) fn read(
        &self,
        uri: &str,
        ctx: RequestContext,
    ) -> Option<BoxFuture<'static, ReadResult>> {
        let vars = self.parsed.matches(uri)?;
        Some((self.read)(uri.to_owned(), vars, ctx))
    }
}

/// Decodes template variables as `A`: first as strings, then with numbers and booleans
/// parsed, so that both `id: String` and `id: u32` work.
fn decode_vars<A: DeserializeOwned>(vars: &BTreeMap<String, String>) -> Option<A> {
    let strings: Map<String, Value> = vars
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    if let Ok(a) = serde_json::from_value(Value::Object(strings)) {
        return Some(a);
    }
    let typed: Map<String, Value> = vars
        .iter()
        .map(|(k, v)| {
            let parsed = match serde_json::from_str::<Value>(v) {
                Ok(n @ (Value::Number(_) | Value::Bool(_))) => n,
                _ => Value::String(v.clone()),
            };
            (k.clone(), parsed)
        })
        .collect();
    serde_json::from_value(Value::Object(typed)).ok()
}
