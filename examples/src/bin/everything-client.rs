//! `everything-client`: the client that the official MCP conformance suite
//! (`@modelcontextprotocol/conformance`, 0.1.x and 0.2.x) runs in client mode.
//!
//! ```text
//! MCP_CONFORMANCE_SCENARIO=NAME [MCP_CONFORMANCE_CONTEXT=JSON] everything-client URL
//! ```
//!
//! The suite starts a mock server per scenario and runs this program with the server's URL
//! as the last argument. The program connects with `mcp-client` over Streamable HTTP
//! (era detection, fallbacks and headers are the client's own; nothing here is
//! scenario-specific below the calls it makes), then makes the calls the scenario expects:
//!
//! | scenario | calls |
//! |---|---|
//! | `initialize`, `request-metadata`, `json-schema-ref-no-deref` | connect (`server/discover` or `initialize`), `tools/list` |
//! | `tools_call` | `tools/list`, `add_numbers {a: 5, b: 10}` |
//! | `elicitation-sep1034-client-defaults` | `test_client_elicitation_defaults`; the client fills the schema's defaults |
//! | `sse-retry` | `test_reconnection` (the stream breaks; the client resumes it) |
//! | `json-schema-2020-12-preservation` | `json_schema_echo {schema: <listed inputSchema>}` |
//! | `sep-2322-client-request-state` | the `test_mrtr_*` tools (MRTR rounds are the client's) |
//! | `http-standard-headers` | every tool, resource and prompt listed |
//! | `http-custom-headers` | the `toolCalls` of `MCP_CONFORMANCE_CONTEXT` |
//! | `http-invalid-tool-headers` | every tool listed (invalid ones never are) |
//!
//! The client declares elicitation (it accepts every form), sampling (a fixed answer) and
//! roots (one root). Exit status 1 means the scenario's calls failed.
//!
//! Authorization scenarios (`auth/*`): the connection goes through an
//! [`mcp_auth::client::Authorizer`] (the suite's authorization server approves at once, so a
//! [`HeadlessRedirect`] completes the code flow; the mock servers are on loopback, so the URL
//! policy allows it). The client registers as the scenario offers: credentials from
//! `MCP_CONFORMANCE_CONTEXT` (`client_id`, `client_secret`; the client-credentials grant for
//! `auth/client-credentials-*`), else its client ID metadata document URL where the server
//! supports it, else dynamic registration. Then `tools/list` and `tools/call` of the first tool.
//! `auth/client-credentials-jwt` passes `private_key_pem` and `signing_algorithm` instead of a
//! secret: the client authenticates with `private_key_jwt` assertions signed by that key.
//! The token endpoint authentication method, a protected-resource `resource` that names the
//! origin, and 2025-03-26 servers without protected-resource metadata are all the
//! authorizer's own.

use std::process::ExitCode;
use std::sync::Arc;

use mcp_auth::client::{
    Authorizer, ClientAssertionKey, ClientCredentials, Grant, HeadlessRedirect, UrlPolicy,
};
use mcp_client::Client;
use mcp_client::http::HttpTransport;
use mcp_protocol::methods::{
    CreateMessageParams, CreateMessageResult, ElicitParams, ElicitResult, Root,
    SamplingMessageContentBlock,
};
use mcp_protocol::types::{JsonObject, TextContent};
use serde_json::{Map, Value, json};

fn main() -> ExitCode {
    let Some(url) = std::env::args().skip(1).last() else {
        eprintln!("usage: MCP_CONFORMANCE_SCENARIO=NAME everything-client URL");
        return ExitCode::from(2);
    };
    let scenario = std::env::var("MCP_CONFORMANCE_SCENARIO").unwrap_or_default();
    let context: Value = std::env::var("MCP_CONFORMANCE_CONTEXT")
        .ok()
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or(Value::Null);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("everything-client: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&scenario, &url, &context)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("everything-client: scenario `{scenario}` failed: {e}");
            ExitCode::FAILURE
        }
    }
}

type Failure = Box<dyn std::error::Error>;

/// The `client_id` the suite's authorization server accepts as a client ID metadata document.
const CLIENT_METADATA_DOCUMENT: &str = "https://conformance-test.local/client-metadata.json";

async fn run(scenario: &str, url: &str, context: &Value) -> Result<(), Failure> {
    let builder = Client::builder()
        .client_info("mcp-rs-everything-client", env!("CARGO_PKG_VERSION"))
        .on_elicitation(answer_form)
        .on_sampling(answer_sampling)
        .roots(vec![Root::new("file:///tmp/everything-client")]);
    let client = if scenario.starts_with("auth/") {
        let transport = HttpTransport::builder(url)
            .authorizer(Arc::new(authorizer(scenario, url, context).await?))
            .build()?;
        builder.connect(transport).await?
    } else {
        builder.connect_http(url).await?
    };
    eprintln!(
        "connected: version {}, server {}",
        client.protocol_version(),
        client.server_info().name
    );
    let tools = if client.server_capabilities().tools.is_some() {
        client.list_all_tools().await?
    } else {
        Vec::new()
    };
    match scenario {
        "initialize" | "request-metadata" | "json-schema-ref-no-deref" => {}
        "tools_call" | "tools-call" => {
            let (name, args) = if tools.iter().any(|t| t.name == "add_numbers") {
                ("add_numbers", json!({"a": 5, "b": 10}))
            } else {
                let first = tools.first().ok_or("the server lists no tools")?;
                (first.name.as_str(), json!({"a": 2, "b": 3}))
            };
            client.call_tool(name, args).await?;
        }
        "elicitation-sep1034-client-defaults" | "elicitation-defaults" => {
            client
                .call_tool("test_client_elicitation_defaults", json!({}))
                .await?;
        }
        "sse-retry" => {
            client.call_tool("test_reconnection", json!({})).await?;
        }
        "json-schema-2020-12-preservation" => {
            let focal = tools
                .iter()
                .find(|t| t.name == "json_schema_2020_12_tool")
                .ok_or("the server does not list json_schema_2020_12_tool")?;
            let schema = Value::Object(focal.input_schema.clone());
            client
                .call_tool("json_schema_echo", json!({"schema": schema}))
                .await?;
        }
        "sep-2322-client-request-state" => {
            for name in [
                "test_mrtr_echo_state",
                "test_mrtr_unrelated",
                "test_mrtr_no_state",
                "test_mrtr_no_result_type",
            ] {
                if tools.iter().any(|t| t.name == name) {
                    client.call_tool(name, json!({})).await?;
                }
            }
        }
        "http-custom-headers" => {
            let calls = context
                .get("toolCalls")
                .and_then(Value::as_array)
                .ok_or("MCP_CONFORMANCE_CONTEXT has no toolCalls")?;
            for call in calls {
                let name = call.get("name").and_then(Value::as_str).unwrap_or_default();
                let args = call.get("arguments").cloned().unwrap_or_else(|| json!({}));
                client.call_tool(name, args).await?;
            }
        }
        "http-standard-headers" | "http-invalid-tool-headers" => {
            for tool in &tools {
                let args = sample_arguments(&tool.input_schema);
                if let Err(e) = client.call_tool(&tool.name, args).await {
                    eprintln!("tool {}: {e}", tool.name);
                }
            }
            if scenario == "http-standard-headers" {
                exercise_resources_and_prompts(&client).await;
            }
        }
        auth if auth.starts_with("auth/") => {
            let first = tools.first().ok_or("the server lists no tools")?;
            client.call_tool(&first.name, json!({})).await?;
        }
        other => return Err(format!("unknown scenario `{other}`").into()),
    }
    client.close();
    // Let the transport end the session (DELETE) before the process exits.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    Ok(())
}

/// The authorizer for an `auth/*` scenario at `url` (see the module docs).
async fn authorizer(scenario: &str, url: &str, context: &Value) -> Result<Authorizer, Failure> {
    let grant = if scenario.starts_with("auth/client-credentials") {
        Grant::ClientCredentials
    } else {
        Grant::AuthorizationCode(Arc::new(HeadlessRedirect::new(
            "http://127.0.0.1:9/callback",
        )))
    };
    let mut builder = Authorizer::builder(url, grant)
        .url_policy(UrlPolicy::allow_loopback())
        .client_name("mcp-rs-everything-client")
        .client_metadata_document(CLIENT_METADATA_DOCUMENT)
        // A conformance client runs unattended: the run stands in for the user and approves
        // the step-ups the scenarios ask for (auth/scope-step-up).
        .on_step_up(|_| async { true });
    if let Some(client_id) = context.get("client_id").and_then(Value::as_str) {
        let text = |name: &str| context.get(name).and_then(Value::as_str);
        let credentials = match (text("private_key_pem"), text("client_secret")) {
            (Some(pem), _) => ClientCredentials::private_key_jwt(
                client_id,
                ClientAssertionKey::from_pkcs8_pem(
                    pem,
                    text("signing_algorithm").unwrap_or("ES256"),
                )?,
            ),
            (None, Some(secret)) => ClientCredentials::confidential(client_id, secret),
            (None, None) => ClientCredentials::public(client_id),
        };
        builder = builder.pre_registered(issuer_of(url).await?, credentials);
    }
    Ok(builder.build()?)
}

/// The first authorization server named by the protected-resource metadata of `url`
/// (RFC 9728 §3.1, the path-inserted well-known URL): pre-registered credentials belong to
/// that issuer, and the suite's context does not name it.
async fn issuer_of(url: &str) -> Result<String, Failure> {
    let parsed = reqwest::Url::parse(url)?;
    let path = parsed.path().trim_end_matches('/');
    let metadata = parsed.join(&format!("/.well-known/oauth-protected-resource{path}"))?;
    let prm: Value = reqwest::get(metadata)
        .await?
        .error_for_status()?
        .json()
        .await?;
    let issuer = prm["authorization_servers"][0]
        .as_str()
        .ok_or("the protected-resource metadata names no authorization server")?;
    Ok(issuer.to_owned())
}

/// Reads every resource and gets every prompt (their failures are only reported: the
/// scenario looks at the requests' headers).
async fn exercise_resources_and_prompts(client: &Client) {
    match client.list_all_resources().await {
        Ok(resources) => {
            for r in resources {
                if let Err(e) = client.read_resource(r.uri.clone()).await {
                    eprintln!("resource {}: {e}", r.uri);
                }
            }
        }
        Err(e) => eprintln!("resources/list: {e}"),
    }
    match client.list_all_prompts().await {
        Ok(prompts) => {
            for p in prompts {
                let args: Vec<(String, String)> = p
                    .arguments
                    .iter()
                    .flatten()
                    .map(|a| (a.name.clone(), "test".to_owned()))
                    .collect();
                if let Err(e) = client.get_prompt(p.name.clone(), args).await {
                    eprintln!("prompt {}: {e}", p.name);
                }
            }
        }
        Err(e) => eprintln!("prompts/list: {e}"),
    }
}

/// Arguments that satisfy a simple input schema: a value of the right type for every
/// property.
fn sample_arguments(schema: &Map<String, Value>) -> Value {
    let mut args = Map::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let value = match prop.get("type").and_then(Value::as_str) {
                Some("integer" | "number") => json!(1),
                Some("boolean") => json!(true),
                Some("array") => json!([]),
                Some("object") => json!({}),
                _ => json!("test"),
            };
            args.insert(name.clone(), value);
        }
    }
    Value::Object(args)
}

/// A stand-in for a language model: a fixed answer (the suite's scenarios only check that
/// sampling is declared and answered).
async fn answer_sampling(
    _params: CreateMessageParams,
) -> Result<CreateMessageResult, mcp_protocol::ErrorObject> {
    Ok(CreateMessageResult::new(
        "everything-client",
        SamplingMessageContentBlock::Text(TextContent::new("This is a sampled answer.")),
    ))
}

/// The "user" accepts every form and fills the fields that have no default (the client
/// itself applies the schema's defaults to the rest, SEP-1034).
async fn answer_form(params: ElicitParams) -> Result<ElicitResult, mcp_protocol::ErrorObject> {
    let ElicitParams::Form(form) = params else {
        return Ok(ElicitResult::decline());
    };
    let schema = serde_json::to_value(&form.requested_schema).unwrap_or_default();
    let mut content = JsonObject::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            if prop.get("default").is_some() {
                continue;
            }
            let value = match prop.get("type").and_then(Value::as_str) {
                Some("boolean") => json!(true),
                Some("integer" | "number") => json!(1),
                _ => match prop.get("enum").and_then(Value::as_array) {
                    Some(options) if !options.is_empty() => options[0].clone(),
                    _ => json!("test"),
                },
            };
            content.insert(name.clone(), value);
        }
    }
    Ok(ElicitResult::accept(Some(content)))
}
