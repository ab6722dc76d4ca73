//! MCP extensions a server offers: the identifiers it declares under
//! `capabilities.extensions` ([`ServerBuilder::extension`]) and the extra request methods
//! those extensions define ([`ServerBuilder::method`]), served in both eras.
//!
//! An extension method is answered like any other request: its version and client facts
//! come from the session's `initialize` or, in 2026-07-28, from the request's own `_meta`
//! (a malformed `_meta` is -32602 before the handler runs); a result object is shaped for the
//! version like every other result (2026-07-28: `resultType: "complete"` unless the handler
//! set one, and `_meta["io.modelcontextprotocol/serverInfo"]`; earlier versions: no
//! `resultType`); a handler that
//! panics fails its own call with -32603. A method that is neither a spec method nor
//! registered here is still -32601 (404 over 2026-07-28 Streamable HTTP).
//!
//! `capabilities.extensions` is a 2026-07-28 field (SEP-2133): a session-era `initialize`
//! result is shaped for its version and leaves it out, while the methods are served in
//! every version.
//!
//! Extension methods carry no capability check of their own: registering one is the
//! server's commitment to answer it, whether or not an extension is declared.
//!
//! ```
//! use mcp_protocol::ErrorObject;
//! use mcp_server::Server;
//! use serde_json::json;
//!
//! let server = Server::builder("greeter", "1.0.0")
//!     .extension("com.example/greetings", json!({ "loud": true }))
//!     .method("greetings/get", |call| async move {
//!         let who = call.params()["who"]
//!             .as_str()
//!             .ok_or_else(|| ErrorObject::invalid_params("`who` is required"))?
//!             .to_owned();
//!         Ok(json!({ "greeting": format!("Hello, {who}!") }))
//!     })
//!     .build();
//! let caps = server.capabilities();
//! assert_eq!(caps.extensions.unwrap()["com.example/greetings"], json!({ "loud": true }));
//! ```

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use mcp_protocol::method::MethodInfo;
use mcp_protocol::types::{ResultType, shape_result_type};
use mcp_protocol::{ErrorObject, ProtocolVersion};
use serde_json::{Map, Value};

use crate::server::ServerBuilder;

/// One call of an extension method: its params and the protocol version it was made in.
#[derive(Debug, Clone)]
pub struct MethodCall {
    method: String,
    params: Value,
    version: ProtocolVersion,
}

impl MethodCall {
    /// The method called.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The request's `params` as sent, `_meta` included (an empty object when the request
    /// had none).
    pub fn params(&self) -> &Value {
        &self.params
    }

    /// The params decoded as `T`; one that does not decode is -32602 (Invalid params).
    pub fn params_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, ErrorObject> {
        T::deserialize(&self.params)
            .map_err(|e| ErrorObject::invalid_params(format!("invalid params: {e}")))
    }

    /// The protocol version the request was made in (the session's, or the one named in
    /// its 2026-07-28 `_meta`).
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }
}

/// What an extension method's handler returns: the JSON-RPC `result`, or an error (with
/// its code) to answer instead.
pub type MethodOutcome = Result<Value, ErrorObject>;

type BoxFuture = Pin<Box<dyn Future<Output = MethodOutcome> + Send>>;

/// A registered extension method handler.
#[derive(Clone)]
pub(crate) struct MethodHandler(Arc<dyn Fn(MethodCall) -> BoxFuture + Send + Sync>);

impl std::fmt::Debug for MethodHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MethodHandler(..)")
    }
}

/// The extensions a server declares and the extension methods it serves.
#[derive(Debug, Default)]
pub(crate) struct Extensions {
    declared: Map<String, Value>,
    methods: HashMap<String, MethodHandler>,
}

impl Extensions {
    /// The declared extensions, by identifier, with their settings.
    pub(crate) fn declared(&self) -> &Map<String, Value> {
        &self.declared
    }

    /// The handler of extension method `method`, if one is registered.
    pub(crate) fn handler(&self, method: &str) -> Option<&MethodHandler> {
        self.methods.get(method)
    }
}

impl MethodHandler {
    /// Runs the handler for one call of `method`.
    pub(crate) async fn call(
        &self,
        method: &str,
        params: Option<&serde_json::value::RawValue>,
        version: ProtocolVersion,
    ) -> MethodOutcome {
        let params = match params {
            Some(raw) => serde_json::from_str(raw.get())
                .map_err(|e| ErrorObject::invalid_params(format!("invalid params: {e}")))?,
            None => Value::Object(Map::new()),
        };
        let call = MethodCall {
            method: method.to_owned(),
            params,
            version,
        };
        let mut result = (self.0)(call).await?;
        shape(&mut result, version);
        Ok(result)
    }
}

/// Shapes an extension result for `version` as every result is shaped: 2026-07-28 requires
/// `resultType` (`"complete"` unless the handler set one); earlier versions do not know it.
fn shape(result: &mut Value, version: ProtocolVersion) {
    let Some(object) = result.as_object_mut() else {
        return;
    };
    let mut result_type = object
        .remove("resultType")
        .and_then(|v| serde_json::from_value::<ResultType>(v).ok());
    shape_result_type(&mut result_type, version);
    if let Some(t) = result_type {
        object.insert("resultType".to_owned(), Value::String(t.0));
    }
}

impl ServerBuilder {
    /// Declares extension `id` under `capabilities.extensions` (2026-07-28
    /// `server/discover`; [`Server::capabilities`](crate::Server::capabilities)) with `settings` as its settings object (`json!({})` for an
    /// extension with no optional features). Declaring the same `id` again replaces its
    /// settings.
    pub fn extension(mut self, id: impl Into<String>, settings: Value) -> Self {
        self.extensions.declared.insert(id.into(), settings);
        self
    }

    /// Serves the extension request method `name` with `handler`, which gets the call's
    /// params and version and returns the JSON-RPC `result` or an error with its code.
    /// Registering `name` again replaces its handler. See the [module docs](crate::extension).
    ///
    /// # Panics
    ///
    /// If `name` is a method of the protocol itself (`tools/call`, `resources/read`, …):
    /// those are the server's own, and an extension cannot take them over.
    pub fn method<F, Fut>(mut self, name: impl Into<String>, handler: F) -> Self
    where
        F: Fn(MethodCall) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = MethodOutcome> + Send + 'static,
    {
        let name = name.into();
        assert!(
            MethodInfo::lookup(&name).is_none(),
            "{name:?} is a method of the protocol; an extension method needs a name of its own"
        );
        let handler = MethodHandler(Arc::new(move |call| Box::pin(handler(call))));
        self.extensions.methods.insert(name, handler);
        self
    }
}
