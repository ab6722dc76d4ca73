//! The typed calls, one per client request of every version, plus the walks over
//! paginated lists. Each is a thin layer over [`Client::request`].

use mcp_protocol::DecodeError;
use mcp_protocol::method::{ClientRequest, Notification, Request};
use mcp_protocol::methods::{
    CallTool, CallToolParams, CallToolResult, Complete, CompleteParams, CompleteResult, Discover,
    DiscoverResult, GetPrompt, GetPromptParams, GetPromptResult, ListPrompts, ListPromptsResult,
    ListResourceTemplates, ListResourceTemplatesResult, ListResources, ListResourcesResult,
    ListTools, ListToolsResult, Ping, Prompt, ReadResource, ReadResourceParams, ReadResourceResult,
    Resource, ResourceTemplate, Root, RootsListChanged, SetLevel, SetLevelParams, Subscribe,
    SubscribeParams, Tool, Unsubscribe, UnsubscribeParams,
};
use mcp_protocol::types::{
    Cursor, EmptyResult, LoggingLevel, NotificationParams, PaginatedParams, RequestParams,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::call::CallOptions;
use crate::client::Client;
use crate::error::{Error, Result};

impl Client {
    /// `ping` (session era): checks the server is alive.
    pub async fn ping(&self) -> Result<()> {
        self.request::<Ping>(RequestParams::default())
            .await
            .map(drop)
    }

    /// `server/discover` (2026-07-28): the server's versions, capabilities and instructions.
    pub async fn discover(&self) -> Result<DiscoverResult> {
        self.request::<Discover>(RequestParams::default()).await
    }

    /// `tools/list`: one page (`cursor` from the previous page's `next_cursor`).
    ///
    /// The tools' output schemas are kept to check later calls (feature `validate`).
    pub async fn list_tools(&self, cursor: Option<Cursor>) -> Result<ListToolsResult> {
        let result = self.request::<ListTools>(page(cursor)).await?;
        self.inner.output_schemas.record(&result.tools);
        Ok(result)
    }

    /// Every tool, walking `tools/list` page by page.
    ///
    /// The tools' output schemas are kept to check later calls (feature `validate`).
    pub async fn list_all_tools(&self) -> Result<Vec<Tool>> {
        let tools = self
            .list_all::<ListTools, _>(|r| (r.tools, r.next_cursor))
            .await?;
        self.inner.output_schemas.record(&tools);
        Ok(tools)
    }

    /// `tools/call` of `name` with `arguments` (any value that encodes as a JSON object,
    /// such as `serde_json::json!({"a": 1})` or a struct; `()` or `null` for none). A tool
    /// that fails returns `Ok` with `is_error` set: tool errors are results.
    ///
    /// With feature `validate`, the structured content of a tool listed earlier in this
    /// connection is checked against its `outputSchema` ([`Error::ToolOutputInvalid`]).
    pub async fn call_tool(&self, name: &str, arguments: impl Serialize) -> Result<CallToolResult> {
        let params = tool_params::<CallTool>(name, arguments)?;
        let result = self.request::<CallTool>(params).await?;
        self.inner.output_schemas.check(name, result)
    }

    /// `tools/call` with full control over the params and the call's options.
    pub async fn call_tool_with(
        &self,
        params: CallToolParams,
        options: CallOptions,
    ) -> Result<CallToolResult> {
        let name = params.name.clone();
        let result = self.request_with::<CallTool>(params, options).await?;
        self.inner.output_schemas.check(&name, result)
    }

    /// `tools/call`, decoding the tool's `structuredContent` as `T`. Fails with
    /// [`Error::ToolFailed`] when the tool reports an error, and with a decode error naming
    /// the field when the content does not fit `T`.
    pub async fn call_tool_structured<T: DeserializeOwned>(
        &self,
        name: &str,
        arguments: impl Serialize,
    ) -> Result<T> {
        let result = self.call_tool(name, arguments).await?;
        if result.is_error() {
            return Err(Error::ToolFailed {
                name: name.to_owned(),
                result: Box::new(result),
            });
        }
        let value = result.structured_content.unwrap_or(Value::Null);
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            Error::Decode(DecodeError::InvalidResult {
                id: None,
                method: CallTool::METHOD.to_owned(),
                path: format!("structuredContent{}", if path == "." { "" } else { &path }),
                message: e.into_inner().to_string(),
            })
        })
    }

    /// `resources/list`: one page.
    pub async fn list_resources(&self, cursor: Option<Cursor>) -> Result<ListResourcesResult> {
        self.request::<ListResources>(page(cursor)).await
    }

    /// Every resource, walking `resources/list`.
    pub async fn list_all_resources(&self) -> Result<Vec<Resource>> {
        self.list_all::<ListResources, _>(|r| (r.resources, r.next_cursor))
            .await
    }

    /// `resources/templates/list`: one page.
    pub async fn list_resource_templates(
        &self,
        cursor: Option<Cursor>,
    ) -> Result<ListResourceTemplatesResult> {
        self.request::<ListResourceTemplates>(page(cursor)).await
    }

    /// Every resource template, walking `resources/templates/list`.
    pub async fn list_all_resource_templates(&self) -> Result<Vec<ResourceTemplate>> {
        self.list_all::<ListResourceTemplates, _>(|r| (r.resource_templates, r.next_cursor))
            .await
    }

    /// `resources/read` of `uri`.
    pub async fn read_resource(&self, uri: impl Into<String>) -> Result<ReadResourceResult> {
        self.request::<ReadResource>(ReadResourceParams::new(uri))
            .await
    }

    /// `resources/subscribe` (session era): the server sends
    /// [`ServerNotification::ResourceUpdated`](crate::ServerNotification::ResourceUpdated)
    /// when `uri` changes. In 2026-07-28 use [`Client::listen`].
    pub async fn subscribe_resource(&self, uri: impl Into<String>) -> Result<()> {
        self.request::<Subscribe>(SubscribeParams::new(uri))
            .await
            .map(drop)
    }

    /// `resources/unsubscribe` (session era).
    pub async fn unsubscribe_resource(&self, uri: impl Into<String>) -> Result<()> {
        self.request::<Unsubscribe>(UnsubscribeParams::new(uri))
            .await
            .map(drop)
    }

    /// `prompts/list`: one page.
    pub async fn list_prompts(&self, cursor: Option<Cursor>) -> Result<ListPromptsResult> {
        self.request::<ListPrompts>(page(cursor)).await
    }

    /// Every prompt, walking `prompts/list`.
    pub async fn list_all_prompts(&self) -> Result<Vec<Prompt>> {
        self.list_all::<ListPrompts, _>(|r| (r.prompts, r.next_cursor))
            .await
    }

    /// `prompts/get` of `name` with string `arguments`.
    pub async fn get_prompt<K, V>(
        &self,
        name: impl Into<String>,
        arguments: impl IntoIterator<Item = (K, V)>,
    ) -> Result<GetPromptResult>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let params = arguments
            .into_iter()
            .fold(GetPromptParams::new(name), |p, (k, v)| {
                p.with_argument(k, v)
            });
        self.request::<GetPrompt>(params).await
    }

    /// `completion/complete`.
    pub async fn complete(&self, params: CompleteParams) -> Result<CompleteResult> {
        self.request::<Complete>(params).await
    }

    /// `logging/setLevel` (session era): log messages of `level` and above arrive as
    /// [`ServerNotification::Log`](crate::ServerNotification::Log). In 2026-07-28 set
    /// [`ClientBuilder::log_level`](crate::ClientBuilder::log_level) instead.
    pub async fn set_log_level(&self, level: LoggingLevel) -> Result<()> {
        self.request::<SetLevel>(SetLevelParams::new(level))
            .await
            .map(drop::<EmptyResult>)
    }

    /// Replaces the roots offered to the server and, in the session era, tells it
    /// (`notifications/roots/list_changed`); in 2026-07-28 the server asks again when it
    /// needs them. Does nothing if the client was built without
    /// [`ClientBuilder::roots`](crate::ClientBuilder::roots).
    pub fn set_roots(&self, roots: Vec<Root>) -> Result<()> {
        let Some(current) = &self.inner.conn.handlers.roots else {
            return Ok(());
        };
        *current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = roots;
        if RootsListChanged::exists_in(self.protocol_version()) {
            self.inner
                .conn
                .peer
                .notify::<RootsListChanged>(&NotificationParams::default())
                .map_err(Error::from_send)?;
        }
        Ok(())
    }

    /// Walks a paginated list until the server gives no next cursor. A server that hands
    /// back the cursor it was given would loop forever; the walk stops there.
    async fn list_all<R, T>(
        &self,
        split: impl Fn(R::Result) -> (Vec<T>, Option<Cursor>),
    ) -> Result<Vec<T>>
    where
        R: ClientRequest<Params = PaginatedParams>,
    {
        let mut all = Vec::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let (items, next) = split(self.request::<R>(page(cursor.clone())).await?);
            all.extend(items);
            match next {
                Some(next) if cursor.as_ref() != Some(&next) => cursor = Some(next),
                Some(_) => {
                    tracing::warn!(method = R::METHOD, "the server repeated a cursor; stopping");
                    return Ok(all);
                }
                None => return Ok(all),
            }
        }
    }
}

fn page(cursor: Option<Cursor>) -> PaginatedParams {
    cursor.map_or_else(PaginatedParams::first, PaginatedParams::after)
}

/// Builds `tools/call` params from any arguments value.
pub(crate) fn tool_params<R: Request>(
    name: &str,
    arguments: impl Serialize,
) -> Result<CallToolParams> {
    let arguments = match serde_json::to_value(arguments) {
        Ok(Value::Object(map)) => Some(map),
        Ok(Value::Null) => None,
        Ok(other) => {
            let e = <serde_json::Error as serde::ser::Error>::custom(format_args!(
                "tool arguments must be a JSON object, not {other}"
            ));
            return Err(Error::Encode {
                method: R::METHOD,
                source: e.into(),
            });
        }
        Err(e) => {
            return Err(Error::Encode {
                method: R::METHOD,
                source: e.into(),
            });
        }
    };
    let mut params = CallToolParams::new(name);
    params.arguments = arguments;
    Ok(params)
}
