//! The official `resources-*`, `sep-2164-resource-not-found` and `prompts-*` scenarios:
//! the fixture's resources, template and prompts by name (server/resources, server/prompts).

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::{Name, SESSION_ERA, STATELESS, ensure, filled, with_fixture, within};
use crate::scenario::server::listing::walk;
use crate::scenario::server::{Halt, ServerScenario, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Reply, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "official/resources-list",
            "server/resources §Listing Resources: every resource has a uri and a name",
            Severity::Must,
            |t, v| resources_list(t, v).boxed(),
        ),
        scenario(
            "official/resources-read-text",
            "server/resources §Reading Resources, §Text Content (test://static-text)",
            Severity::Must,
            |t, v| read_text(t, v).boxed(),
        ),
        scenario(
            "official/resources-read-binary",
            "server/resources §Reading Resources, §Binary Content: base64 blob (test://static-binary)",
            Severity::Must,
            |t, v| read_binary(t, v).boxed(),
        ),
        scenario(
            "official/resources-templates-read",
            "server/resources §Resource Templates: a URI of the template read, its parameter in the \
             content (test://template/{id}/data)",
            Severity::Must,
            |t, v| templates_read(t, v).boxed(),
        ),
        scenario(
            "official/resources-subscribe",
            "2024-11-05..2025-11-25 server/resources §Subscriptions (test://watched-resource)",
            Severity::Must,
            |t, v| subscribe(t, v, false).boxed(),
        )
        .checks(&["5.12"]),
        scenario(
            "official/resources-unsubscribe",
            "2024-11-05..2025-11-25 server/resources §Subscriptions: unsubscribe after subscribe",
            Severity::Must,
            |t, v| subscribe(t, v, true).boxed(),
        ),
        scenario(
            "official/sep-2164-resource-not-found",
            "2026-07-28 server/resources §Error Handling (SEP-2164): no empty contents (MUST NOT), \
             -32602 with the uri in data (SHOULD)",
            Severity::Must,
            |t, v| not_found(t, v).boxed(),
        )
        .checks(&["5.13", "5.14"]),
        scenario(
            "official/prompts-list",
            "server/prompts §Listing Prompts; the official contract: every prompt has a name and a \
             description",
            Severity::Must,
            |t, v| prompts_list(t, v).boxed(),
        ),
        scenario(
            "official/prompts-get-simple",
            "server/prompts §Getting a Prompt, §PromptMessage (test_simple_prompt)",
            Severity::Must,
            |t, v| prompts_get_simple(t, v).boxed(),
        ),
        scenario(
            "official/prompts-get-with-args",
            "server/prompts §Getting a Prompt: the arguments reach the messages \
             (test_prompt_with_arguments)",
            Severity::Must,
            |t, v| prompts_get_with_args(t, v).boxed(),
        ),
        scenario(
            "official/prompts-get-embedded-resource",
            "server/prompts §Embedded Resources (test_prompt_with_embedded_resource)",
            Severity::Must,
            |t, v| prompts_get_embedded(t, v).boxed(),
        ),
        scenario(
            "official/prompts-get-with-image",
            "server/prompts §Image Content (test_prompt_with_image)",
            Severity::Must,
            |t, v| prompts_get_image(t, v).boxed(),
        ),
    ]
}

async fn resources_list(target: &Target, version: ProtocolVersion) -> Outcome {
    with_fixture!(
        target,
        version,
        None,
        &[Name::Resource("test://static-text")],
        |c| {
            for r in walk(c, "resources/list", "resources", "uri").await? {
                ensure(filled(&r["uri"]) && filled(&r["name"]), || {
                    format!("a resource without uri or name: {r}")
                })?;
            }
            Ok(())
        }
    )
}

/// The single `contents` item of reading `uri`, which must be that URI with a mimeType.
async fn read_one(c: &mut Conversation, uri: &str) -> Result<Value, Halt> {
    let result = c
        .request("resources/read", json!({"uri": uri}))
        .await?
        .result(&format!("resources/read {uri}"))?;
    let item = result["contents"]
        .as_array()
        .and_then(|items| items.first())
        .cloned()
        .ok_or_else(|| Halt::Fail(format!("resources/read {uri}: no contents: {result}")))?;
    ensure(item["uri"] == uri, || {
        format!("resources/read {uri}: the contents name {}", item["uri"])
    })?;
    Ok(item)
}

async fn read_text(target: &Target, version: ProtocolVersion) -> Outcome {
    let uri = "test://static-text";
    with_fixture!(target, version, None, &[Name::Resource(uri)], |c| {
        let item = read_one(c, uri).await?;
        ensure(filled(&item["mimeType"]), || {
            format!("{uri}: no mimeType: {item}")
        })?;
        ensure(filled(&item["text"]), || format!("{uri}: no text: {item}"))
    })
}

async fn read_binary(target: &Target, version: ProtocolVersion) -> Outcome {
    use base64::Engine as _;
    let uri = "test://static-binary";
    with_fixture!(target, version, None, &[Name::Resource(uri)], |c| {
        let item = read_one(c, uri).await?;
        ensure(filled(&item["mimeType"]), || {
            format!("{uri}: no mimeType: {item}")
        })?;
        let blob = item["blob"].as_str().unwrap_or_default();
        ensure(!blob.is_empty(), || format!("{uri}: no blob: {item}"))?;
        base64::engine::general_purpose::STANDARD
            .decode(blob)
            .map(drop)
            .map_err(|e| Halt::Fail(format!("{uri}: the blob is not base64 ({e})")))
    })
}

async fn templates_read(target: &Target, version: ProtocolVersion) -> Outcome {
    let names = [Name::Template("test://template/{id}/data")];
    with_fixture!(target, version, None, &names, |c| {
        let uri = "test://template/123/data";
        let item = read_one(c, uri).await?;
        let text = item["text"].as_str().map(str::to_owned);
        ensure(text.is_some() || item["blob"].is_string(), || {
            format!("{uri}: neither text nor blob: {item}")
        })?;
        ensure(text.is_some_and(|t| t.contains("123")), || {
            format!("{uri}: the parameter 123 is not in the content: {item}")
        })
    })
}

async fn subscribe(target: &Target, version: ProtocolVersion, then_unsubscribe: bool) -> Outcome {
    if let Err(skip) = within(
        version,
        SESSION_ERA,
        "resources/subscribe was removed (subscriptions/listen)",
    ) {
        return skip;
    }
    let uri = "test://watched-resource";
    with_fixture!(target, version, None, &[Name::Resource(uri)], |c| {
        ensure(c.capabilities["resources"]["subscribe"] == true, || {
            "the fixture does not advertise resources.subscribe".into()
        })?;
        c.request("resources/subscribe", json!({"uri": uri}))
            .await?
            .result("resources/subscribe")?;
        if then_unsubscribe {
            c.request("resources/unsubscribe", json!({"uri": uri}))
                .await?
                .result("resources/unsubscribe")?;
        }
        Ok(())
    })
}

async fn not_found(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        STATELESS,
        "SEP-2164 (-32602 for an unknown resource) is 2026-07-28",
    ) {
        return skip;
    }
    with_fixture!(target, version, None, &[], |c| {
        let uri = "test://nonexistent-resource-for-conformance-testing";
        match c.request("resources/read", json!({"uri": uri})).await? {
            Reply::Result(r) => Err(Halt::Fail(format!(
                "reading the unknown {uri} gave a result{}: {r}",
                if r["contents"].as_array().is_some_and(Vec::is_empty) {
                    " with empty contents (MUST NOT)"
                } else {
                    ""
                }
            ))),
            Reply::Error(-32602, e) => ensure(e["data"]["uri"] == uri, || {
                format!("the -32602 does not carry the uri in data (SHOULD): {e}")
            }),
            Reply::Error(code, e) => Err(Halt::Fail(format!(
                "error {code} instead of -32602 (SHOULD): {e}"
            ))),
        }
    })
}

async fn prompts_list(target: &Target, version: ProtocolVersion) -> Outcome {
    with_fixture!(
        target,
        version,
        None,
        &[Name::Prompt("test_simple_prompt")],
        |c| {
            for p in walk(c, "prompts/list", "prompts", "name").await? {
                ensure(filled(&p["name"]), || {
                    format!("a prompt without a name: {p}")
                })?;
                ensure(filled(&p["description"]), || {
                    format!("prompt {} has no description", p["name"])
                })?;
            }
            Ok(())
        }
    )
}

/// The messages of prompt `name` got with `arguments`; at least one, each with a role and
/// a content.
async fn messages(
    c: &mut Conversation,
    name: &str,
    arguments: Option<Value>,
) -> Result<Vec<Value>, Halt> {
    let mut params = json!({"name": name});
    if let Some(a) = arguments {
        params["arguments"] = a;
    }
    let result = c
        .request("prompts/get", params)
        .await?
        .result(&format!("prompts/get {name}"))?;
    let messages = result["messages"].as_array().cloned().unwrap_or_default();
    ensure(!messages.is_empty(), || {
        format!("prompts/get {name}: no messages: {result}")
    })?;
    for m in &messages {
        ensure(filled(&m["role"]) && m["content"].is_object(), || {
            format!("prompts/get {name}: a message without role or content: {m}")
        })?;
    }
    Ok(messages)
}

async fn prompts_get_simple(target: &Target, version: ProtocolVersion) -> Outcome {
    with_fixture!(
        target,
        version,
        None,
        &[Name::Prompt("test_simple_prompt")],
        |c| { messages(c, "test_simple_prompt", None).await.map(drop) }
    )
}

async fn prompts_get_with_args(target: &Target, version: ProtocolVersion) -> Outcome {
    let name = "test_prompt_with_arguments";
    with_fixture!(target, version, None, &[Name::Prompt(name)], |c| {
        let args = json!({"arg1": "testValue1", "arg2": "testValue2"});
        let all = Value::Array(messages(c, name, Some(args)).await?).to_string();
        ensure(
            all.contains("testValue1") && all.contains("testValue2"),
            || format!("{name}: the argument values are not in the messages: {all}"),
        )
    })
}

async fn prompts_get_embedded(target: &Target, version: ProtocolVersion) -> Outcome {
    let name = "test_prompt_with_embedded_resource";
    with_fixture!(target, version, None, &[Name::Prompt(name)], |c| {
        let args = json!({"resourceUri": "test://example-resource"});
        let all = messages(c, name, Some(args)).await?;
        let embedded = all.iter().find(|m| m["content"]["type"] == "resource");
        let r = embedded.map(|m| &m["content"]["resource"]);
        ensure(
            r.is_some_and(|r| {
                filled(&r["uri"]) && (r["text"].is_string() || r["blob"].is_string())
            }),
            || format!("{name}: no message embeds a resource with a uri and text or blob"),
        )
    })
}

async fn prompts_get_image(target: &Target, version: ProtocolVersion) -> Outcome {
    let name = "test_prompt_with_image";
    with_fixture!(target, version, None, &[Name::Prompt(name)], |c| {
        let all = messages(c, name, None).await?;
        let image = all.iter().find(|m| m["content"]["type"] == "image");
        ensure(
            image.is_some_and(|m| {
                filled(&m["content"]["data"]) && filled(&m["content"]["mimeType"])
            }),
            || format!("{name}: no image message with data and a mimeType"),
        )
    })
}
