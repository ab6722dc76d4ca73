//! What the application answers when the server asks the client for something: sampling
//! (`sampling/createMessage`), elicitation (`elicitation/create`) and roots (`roots/list`).
//!
//! The same handlers serve both eras: in the session era the server sends these as requests
//! of its own; in 2026-07-28 they arrive as MRTR `inputRequests` inside a result, and the
//! client answers them and retries (see [`crate::Client::call_tool`]). Which handlers are
//! registered decides the capabilities the client declares, so a server never asks for what
//! the application cannot give.
//!
//! Any `async` closure of the right shape is a handler:
//!
//! ```
//! use mcp_client::Client;
//! use mcp_protocol::methods::{CreateMessageResult, ElicitResult, SamplingMessageContentBlock};
//!
//! let builder = Client::builder()
//!     .on_sampling(|_params| async {
//!         Ok(CreateMessageResult::new("my-model", SamplingMessageContentBlock::text("hi")))
//!     })
//!     .on_elicitation(|_params| async { Ok(ElicitResult::decline()) });
//! # let _ = builder;
//! ```

use std::future::Future;
use std::sync::{Mutex, PoisonError};

use futures::future::BoxFuture;
use mcp_protocol::ErrorObject;
use mcp_protocol::methods::{
    CreateMessageParams, CreateMessageResult, ElicitAction, ElicitParams, ElicitResult,
    RequestedSchema, Root,
};
use mcp_protocol::types::{
    ClientCapabilities, ElicitationCapability, JsonObject, RootsCapability, SamplingCapability,
};
use serde_json::Value;

/// What a handler returns: its answer, or the JSON-RPC error to send instead.
pub type HandlerFuture<T> = BoxFuture<'static, Result<T, ErrorObject>>;

/// Answers `sampling/createMessage`: runs the messages through a language model (usually
/// after the user approved). Implemented by any `Fn(CreateMessageParams) -> impl Future`.
pub trait SamplingHandler: Send + Sync + 'static {
    /// Produces the model's message.
    fn create_message(&self, params: CreateMessageParams) -> HandlerFuture<CreateMessageResult>;
}

impl<F, Fut> SamplingHandler for F
where
    F: Fn(CreateMessageParams) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<CreateMessageResult, ErrorObject>> + Send + 'static,
{
    fn create_message(&self, params: CreateMessageParams) -> HandlerFuture<CreateMessageResult> {
        Box::pin(self(params))
    }
}

/// Answers `elicitation/create`: asks the user, in a form ([`ElicitParams::Form`]) or by
/// sending them to a URL ([`ElicitParams::Url`]). Implemented by any
/// `Fn(ElicitParams) -> impl Future`.
///
/// When a form is accepted, the client fills in the schema's `default` of every field the
/// user left out before answering (client/elicitation §Requested Schema, SEP-1034), so the
/// handler may return only what the user touched.
pub trait ElicitationHandler: Send + Sync + 'static {
    /// Asks the user.
    fn elicit(&self, params: ElicitParams) -> HandlerFuture<ElicitResult>;
}

impl<F, Fut> ElicitationHandler for F
where
    F: Fn(ElicitParams) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ElicitResult, ErrorObject>> + Send + 'static,
{
    fn elicit(&self, params: ElicitParams) -> HandlerFuture<ElicitResult> {
        Box::pin(self(params))
    }
}

/// The handlers and roots of one client, and the capabilities they imply.
pub(crate) struct Handlers {
    pub(crate) sampling: Option<Box<dyn SamplingHandler>>,
    pub(crate) elicitation: Option<Box<dyn ElicitationHandler>>,
    /// URL-mode elicitation is declared too.
    pub(crate) elicitation_url: bool,
    /// `sampling.tools` is declared: the sampling handler takes `tools`/`toolChoice`.
    pub(crate) sampling_tools: bool,
    /// `sampling.context` is declared: the sampling handler honours `includeContext`.
    pub(crate) sampling_context: bool,
    /// `None`: the client does not offer roots.
    pub(crate) roots: Option<Mutex<Vec<Root>>>,
}

impl std::fmt::Debug for Handlers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handlers")
            .field("sampling", &self.sampling.is_some())
            .field("elicitation", &self.elicitation.is_some())
            .field("elicitation_url", &self.elicitation_url)
            .field("sampling_tools", &self.sampling_tools)
            .field("sampling_context", &self.sampling_context)
            .field("roots", &self.roots)
            .finish()
    }
}

impl Handlers {
    /// The capabilities that follow from what is registered (before shaping for a version).
    pub(crate) fn capabilities(&self) -> ClientCapabilities {
        let mut caps = ClientCapabilities::default();
        if self.sampling.is_some() {
            let mut sampling = SamplingCapability::default();
            sampling.tools = self.sampling_tools.then(JsonObject::new);
            sampling.context = self.sampling_context.then(JsonObject::new);
            caps.sampling = Some(sampling);
        }
        if self.elicitation.is_some() {
            let mut elicitation = ElicitationCapability::default();
            elicitation.form = Some(JsonObject::new());
            elicitation.url = self.elicitation_url.then(JsonObject::new);
            caps.elicitation = Some(elicitation);
        }
        if self.roots.is_some() {
            // `listChanged` holds: `Client::set_roots` is the only way to change the roots,
            // and it sends `notifications/roots/list_changed` (client/roots, 2025-11-25:
            // "clients that support `listChanged` MUST send a notification").
            let mut roots = RootsCapability::default();
            roots.list_changed = Some(true);
            caps.roots = Some(roots);
        }
        caps
    }

    pub(crate) async fn create_message(
        &self,
        params: CreateMessageParams,
    ) -> Result<CreateMessageResult, ErrorObject> {
        let Some(h) = &self.sampling else {
            return Err(ErrorObject::method_not_found("sampling/createMessage"));
        };
        if (params.tools.is_some() || params.tool_choice.is_some()) && !self.sampling_tools {
            // client/sampling: servers MUST NOT send tool-enabled sampling to a client
            // that did not declare `sampling.tools`; the handler was not written for it.
            return Err(ErrorObject::invalid_params(
                "this client does not support tool use in sampling (no sampling.tools)",
            ));
        }
        h.create_message(params).await
    }

    pub(crate) async fn elicit(&self, params: ElicitParams) -> Result<ElicitResult, ErrorObject> {
        let Some(h) = &self.elicitation else {
            return Err(ErrorObject::method_not_found("elicitation/create"));
        };
        let schema = match &params {
            ElicitParams::Form(form) => Some(form.requested_schema.clone()),
            ElicitParams::Url(_) if !self.elicitation_url => {
                return Err(ErrorObject::invalid_params(
                    "this client does not support URL-mode elicitation",
                ));
            }
            ElicitParams::Url(_) => None,
        };
        let mut result = h.elicit(params).await?;
        if let Some(schema) = schema
            && result.action == ElicitAction::Accept
        {
            apply_defaults(&schema, result.content.get_or_insert_with(JsonObject::new));
        }
        Ok(result)
    }

    /// The roots to answer `roots/list` with. A root whose URI is not `file://` is left
    /// out, with a warning (client/roots §Root: "This MUST be a `file://` URI in the
    /// current specification"; `Root::new` takes any string).
    pub(crate) fn roots(&self) -> Option<Vec<Root>> {
        let roots = self
            .roots
            .as_ref()?
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Some(
            roots
                .into_iter()
                .filter(|root| {
                    let file = root.uri.starts_with("file://");
                    if !file {
                        tracing::warn!(uri = %root.uri, "root left out: not a file:// URI");
                    }
                    file
                })
                .collect(),
        )
    }
}

/// Fills every field of `schema` that has a `default` and is missing from `content`.
pub fn apply_defaults(schema: &RequestedSchema, content: &mut JsonObject) {
    for (name, field) in &schema.properties {
        if content.contains_key(name) {
            continue;
        }
        // Every schema variant spells its default as `default`; reading it from the encoded
        // field covers all of them, including ones added later.
        if let Ok(Value::Object(encoded)) = serde_json::to_value(field)
            && let Some(default) = encoded.get("default")
            && !default.is_null()
        {
            content.insert(name.clone(), default.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_fill_only_missing_fields() {
        let schema: RequestedSchema = serde_json::from_value(json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "default": "John Doe"},
                "age": {"type": "integer", "default": 30},
                "score": {"type": "number", "default": 95.5},
                "status": {"type": "string", "enum": ["active", "inactive"], "default": "active"},
                "verified": {"type": "boolean", "default": true},
                "nick": {"type": "string"}
            }
        }))
        .unwrap();
        let mut content = JsonObject::new();
        content.insert("age".into(), json!(41));
        apply_defaults(&schema, &mut content);
        assert_eq!(
            Value::Object(content),
            json!({"name": "John Doe", "age": 41, "score": 95.5, "status": "active", "verified": true})
        );
    }
}
