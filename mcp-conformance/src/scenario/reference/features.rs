//! Server features through the reference client: tools (with structured output and
//! progress), resources and templates, prompts, completion.

use std::sync::{Arc, Mutex, PoisonError};

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_client::CallOptions;
use mcp_protocol::ProtocolVersion as V;
use mcp_protocol::methods::{CallToolParams, CallToolResult, CompleteParams, CompletionReference};
use serde_json::{Value, json};

use super::{Ctx, ensure, same};

/// The text of a tool result's first content block.
fn text(r: &CallToolResult) -> String {
    r.content
        .first()
        .and_then(|b| b.as_text())
        .unwrap_or_default()
        .to_owned()
}

pub(super) fn tools(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let v = ctx.version;
        let client = ctx.client().await?;
        let list = client.list_all_tools().await.map_err(|e| e.to_string())?;
        let names: Vec<_> = list.iter().map(|t| t.name.as_str()).collect();
        ctx.note("tools/list names", &names);
        for want in [
            "echo", "add", "fail", "progress", "confirm", "sample", "roots", "slow",
        ] {
            ensure!(names.contains(&want), "tool {want} is not listed");
        }
        let echo = list.iter().find(|t| t.name == "echo").ok_or("no echo")?;
        let echo_json = ctx.note("tools/list echo", echo);
        same!(
            echo_json["inputSchema"]["properties"]["text"]["type"],
            json!("string"),
            "echo's inputSchema"
        );
        same!(
            echo_json["description"],
            json!("Echoes the text"),
            "echo's description"
        );
        // Fields the version's schema has, and only those.
        same!(
            echo_json.get("title").is_some(),
            v >= V::V2025_06_18,
            "echo has a title (2025-06-18 on)"
        );
        let add = ctx.note(
            "tools/list add",
            list.iter().find(|t| t.name == "add").ok_or("no add")?,
        );
        same!(
            add.get("outputSchema").is_some(),
            v >= V::V2025_06_18,
            "add has an outputSchema (2025-06-18 on)"
        );

        let r = client
            .call_tool("echo", json!({"text": "héllo wörld"}))
            .await
            .map_err(|e| e.to_string())?;
        ctx.note("tools/call echo", &r);
        same!(
            (text(&r), r.is_error()),
            ("héllo wörld".to_owned(), false),
            "echo's result"
        );

        let r = client
            .call_tool("add", json!({"a": 40, "b": 2}))
            .await
            .map_err(|e| e.to_string())?;
        ctx.note("tools/call add", &r);
        let content: Value =
            serde_json::from_str(&text(&r)).map_err(|e| format!("add's text is not JSON: {e}"))?;
        same!(content, json!({"sum": 42}), "add's text content");
        let structured = if v >= V::V2025_06_18 {
            Some(json!({"sum": 42}))
        } else {
            None
        };
        same!(r.structured_content, structured, "add's structuredContent");

        let r = client
            .call_tool("fail", json!({}))
            .await
            .map_err(|e| e.to_string())?;
        ctx.note("tools/call fail", &r);
        same!(
            (text(&r), r.is_error()),
            ("this tool always fails".to_owned(), true),
            "a failing tool's result"
        );

        match client.call_tool("echo", json!({"text": 7})).await {
            Ok(r) => {
                ctx.note("tools/call echo {text: 7}", &r);
                ensure!(r.is_error(), "invalid arguments were accepted");
            }
            Err(e) => {
                ctx.note("tools/call echo {text: 7}", &e.to_string());
                same!(
                    e.code().map(|c| c.0),
                    Some(-32602),
                    "invalid arguments' error code"
                );
            }
        }
        let e = client.call_tool("no-such-tool", json!({})).await;
        ctx.note("tools/call no-such-tool", &format!("{e:?}"));
        ensure!(
            e.as_ref().is_ok_and(CallToolResult::is_error)
                || e.as_ref()
                    .err()
                    .and_then(|e| e.code())
                    .is_some_and(|c| c.0 == -32602),
            "an unknown tool must be a -32602 error or an error result"
        );
        Ok(())
    }
    .boxed()
}

pub(super) fn progress(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let client = ctx.client().await?;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let options = CallOptions::new().on_progress({
            let seen = seen.clone();
            move |p| {
                seen.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push((p.progress, p.total, p.message))
            }
        });
        let r = client
            .call_tool_with(CallToolParams::new("progress"), options)
            .await
            .map_err(|e| e.to_string())?;
        ctx.note("tools/call progress", &r);
        same!(text(&r), "done", "the result");
        let got = seen.lock().unwrap_or_else(PoisonError::into_inner).clone();
        ctx.note("notifications/progress", &got);
        // `message` exists from 2025-03-26.
        let msg = |s: &str| (ctx.version >= V::V2025_03_26).then(|| s.to_owned());
        let want: Vec<_> = [(1.0, "step 1"), (2.0, "step 2"), (3.0, "step 3")]
            .into_iter()
            .map(|(p, m)| (p, Some(3.0), msg(m)))
            .collect();
        same!(got, want, "progress received before the result");
        Ok(())
    }
    .boxed()
}

pub(super) fn resources(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let client = ctx.client().await?;
        let list = client.list_all_resources().await.map_err(|e| e.to_string())?;
        let list = ctx.note("resources/list", &list);
        same!(
            list,
            json!([{"uri": "test://static-text", "name": "static", "mimeType": "text/plain"},
                   {"uri": "test://watched", "name": "watched", "mimeType": "text/plain"}]),
            "resources"
        );
        let read = client.read_resource("test://static-text").await.map_err(|e| e.to_string())?;
        let read = ctx.note("resources/read test://static-text", &read.contents);
        same!(read, json!([{"uri": "test://static-text", "mimeType": "text/plain", "text": "Static text."}]), "contents");

        let templates = client.list_all_resource_templates().await.map_err(|e| e.to_string())?;
        let templates = ctx.note("resources/templates/list", &templates);
        same!(templates, json!([{"uriTemplate": "test://items/{id}", "name": "item"}]), "templates");
        let read = client.read_resource("test://items/42").await.map_err(|e| e.to_string())?;
        let read = ctx.note("resources/read test://items/42", &read.contents);
        same!(read, json!([{"uri": "test://items/42", "text": "item 42"}]), "templated contents");

        let missing = client.read_resource("test://missing").await;
        ctx.note("resources/read test://missing", &format!("{missing:?}"));
        let want = if ctx.version.has_handshake() { -32002 } else { -32602 };
        let got = missing.err().and_then(|e| e.remote().cloned());
        same!(got.as_ref().map(|e| e.code.0), Some(want), "a missing resource's error code");
        same!(got.and_then(|e| e.data).map(|d| d["uri"].clone()), Some(json!("test://missing")), "error data uri");
        Ok(())
    }
    .boxed()
}

pub(super) fn prompts(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let client = ctx.client().await?;
        let list = client.list_all_prompts().await.map_err(|e| e.to_string())?;
        let list = ctx.note("prompts/list", &list);
        same!(
            list,
            json!([{"name": "greet", "description": "Greets someone",
                    "arguments": [{"name": "name", "required": true}]}]),
            "prompts"
        );
        let got = client
            .get_prompt("greet", [("name", "Ada")])
            .await
            .map_err(|e| e.to_string())?;
        let got = ctx.note("prompts/get greet", &got.messages);
        same!(
            got,
            json!([{"role": "user", "content": {"type": "text", "text": "Hello, Ada!"}}]),
            "messages"
        );
        let missing = client.get_prompt("nope", [("name", "x")]).await;
        ctx.note("prompts/get nope", &format!("{missing:?}"));
        same!(
            missing.err().and_then(|e| e.code()).map(|c| c.0),
            Some(-32602),
            "an unknown prompt's error code"
        );
        Ok(())
    }
    .boxed()
}

pub(super) fn completion(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let client = ctx.client().await?;
        let c = client
            .complete(CompleteParams::new(
                CompletionReference::prompt("greet"),
                "name",
                "A",
            ))
            .await
            .map_err(|e| e.to_string())?;
        ctx.note("completion/complete greet.name=A", &c);
        same!(
            c.completion.values,
            ["Ada", "Alan"],
            "prompt argument completions"
        );
        let c = client
            .complete(CompleteParams::new(
                CompletionReference::resource("test://items/{id}"),
                "id",
                "1",
            ))
            .await
            .map_err(|e| e.to_string())?;
        ctx.note("completion/complete test://items/{id}.id=1", &c);
        same!(
            c.completion.values,
            ["1", "12"],
            "template variable completions"
        );
        Ok(())
    }
    .boxed()
}
