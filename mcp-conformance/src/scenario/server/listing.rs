//! Lists: capability honesty, pagination walks, and the tools' input schemas
//! (server/tools, server/prompts, server/resources; server/utilities/pagination).

use std::collections::HashSet;

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::{Halt, ServerScenario, scenario, with_session};
use crate::scenario::Outcome;
use crate::scenario::Severity;
use crate::target::{Conversation, Reply, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "capabilities/honest",
            "basic/lifecycle §Operation (both parties MUST \"Only use capabilities that were \
             successfully negotiated\"); server/tools, server/prompts, server/resources \
             §Capabilities; JSON-RPC 2.0 §5.1 (-32601 for what is not served)",
            Severity::Must,
            |t, v| honest(t, v).boxed(),
        )
        .checks(&["2.8", "5.1"]),
        scenario(
            "pagination/walk",
            "server/utilities/pagination §Response Format, §Implementation Guidelines (\"Provide \
             stable cursors\"; an item twice or a cursor that comes back never ends the walk)",
            Severity::Must,
            |t, v| walk_all(t, v).boxed(),
        )
        .checks(&["5.4"]),
        scenario(
            "pagination/invalid-cursor",
            "server/utilities/pagination §Error Handling (\"Invalid cursors SHOULD result in an error \
             with code -32602 (Invalid params)\")",
            Severity::Should,
            |t, v| invalid_cursor(t, v).boxed(),
        )
        .checks(&["5.4"]),
        scenario(
            "tools/input-schemas",
            "server/tools §Tool (inputSchema \"MUST be a valid JSON Schema object (not null)\", \
             2025-11-25; 2020-12 by default from 2025-11-25, basic §JSON Schema Usage)",
            Severity::Must,
            |t, v| input_schemas(t, v).boxed(),
        )
        .checks(&["1.23", "5.8"]),
    ]
}

/// The list methods: (capability, method, the key of the items, the key naming an item).
const LISTS: [(&str, &str, &str, &str); 4] = [
    ("tools", "tools/list", "tools", "name"),
    ("prompts", "prompts/list", "prompts", "name"),
    ("resources", "resources/list", "resources", "uri"),
    (
        "resources",
        "resources/templates/list",
        "resourceTemplates",
        "uriTemplate",
    ),
];

/// The most pages a walk reads before it calls the list endless.
const MAX_PAGES: usize = 100;

/// Every item of list `method`, page by page: cursors must not repeat, and items (but tools,
/// whose unique names are a SHOULD) not twice.
pub(super) async fn walk(
    c: &mut Conversation,
    method: &str,
    items: &str,
    key: &str,
) -> Result<Vec<Value>, String> {
    let mut all = Vec::new();
    let mut seen_cursors = HashSet::new();
    let mut seen_items = HashSet::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let params = match &cursor {
            Some(cur) => json!({"cursor": cur}),
            None => json!({}),
        };
        let page = c.request(method, params).await?.result(method)?;
        let Some(list) = page[items].as_array() else {
            return Err(format!("{method}: `{items}` is not an array"));
        };
        for item in list {
            let name = item[key].to_string();
            // A tool name listed twice breaks a SHOULD (2025-11-25 server/tools §Tool Names),
            // which `tools/names` reports; it is no failure of the walk.
            if !seen_items.insert(name.clone()) && method != "tools/list" {
                return Err(format!("{method}: {key} {name} is listed twice"));
            }
            all.push(item.clone());
        }
        match page.get("nextCursor") {
            None | Some(Value::Null) => return Ok(all),
            Some(Value::String(next)) => {
                if !seen_cursors.insert(next.clone()) {
                    return Err(format!(
                        "{method}: nextCursor {next:?} came back: the walk would never end"
                    ));
                }
                cursor = Some(next.clone());
            }
            Some(other) => {
                return Err(format!("{method}: nextCursor is not a string: {other}"));
            }
        }
    }
    Err(format!("{method}: more than {MAX_PAGES} pages"))
}

/// Every tool the server lists; a server that advertises no tools skips the check.
pub(super) async fn listed_tools(c: &mut Conversation) -> Result<Vec<Value>, Halt> {
    if !c.has_capability("tools") {
        return Err(Halt::Skip("the server advertises no tools".into()));
    }
    Ok(walk(c, "tools/list", "tools", "name").await?)
}

/// The names of the first `max` of `tools` whose input schema accepts `{}`.
pub(super) fn callable_with_nothing(tools: &[Value], max: usize) -> Vec<String> {
    tools
        .iter()
        .filter(|t| {
            jsonschema::validator_for(&t["inputSchema"]).is_ok_and(|v| v.is_valid(&json!({})))
        })
        .filter_map(|t| t["name"].as_str().map(str::to_owned))
        .take(max)
        .collect()
}

/// A capability advertised is served; one not advertised is refused with -32601.
async fn honest(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        for (capability, method, _, _) in LISTS {
            let advertised = c.has_capability(capability);
            match c.request(method, json!({})).await? {
                Reply::Result(_) if advertised => {}
                Reply::Error(code, e) if advertised => {
                    return Err(format!(
                        "`{capability}` is advertised, but {method} failed with {code}: {e}"
                    )
                    .into());
                }
                Reply::Result(r) => {
                    return Err(format!(
                        "`{capability}` is not advertised, but {method} was served: {r}"
                    )
                    .into());
                }
                Reply::Error(-32601, _) => {}
                Reply::Error(code, e) => {
                    return Err(format!(
                        "`{capability}` is not advertised: {method} must get -32601, not {code}: {e}"
                    ).into());
                }
            }
        }
        Ok(())
    })
}

/// Every advertised list walks to its end.
async fn walk_all(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        let mut walked = 0;
        for (capability, method, items, key) in LISTS {
            if c.has_capability(capability) {
                walk(&mut c, method, items, key).await?;
                walked += 1;
            }
        }
        if walked == 0 {
            return Err(Halt::Skip("the server advertises no lists".into()));
        }
        Ok(())
    })
}

/// A cursor the server never gave is refused with -32602.
async fn invalid_cursor(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        let Some((_, method, _, _)) = LISTS.iter().find(|(cap, ..)| c.has_capability(cap)) else {
            return Err(Halt::Skip("the server advertises no lists".into()));
        };
        match c
            .request(method, json!({"cursor": "not-a-cursor-this-server-gave"}))
            .await?
        {
            Reply::Error(-32602, _) => Ok(()),
            Reply::Error(code, e) => Err(format!(
                "{method} with an invalid cursor: error {code} instead of -32602: {e}"
            )
            .into()),
            Reply::Result(r) => Err(format!(
                "{method} with an invalid cursor: a result instead of -32602: {r}"
            )
            .into()),
        }
    })
}

/// Every tool's `inputSchema` is an object schema that compiles.
async fn input_schemas(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        let tools = listed_tools(&mut c).await?;
        // Every tool the policy withholds is named in the evidence here, in the one
        // scenario that reads every tool and calls none: the table's summary of the tools
        // not called has them even when every scenario that calls tools skips.
        super::callable::split(&mut c, &tools);
        for tool in &tools {
            let name = &tool["name"];
            let schema = &tool["inputSchema"];
            if schema["type"] != "object" {
                return Err(
                    format!("tool {name}: inputSchema.type must be \"object\": {schema}").into(),
                );
            }
            if let Err(e) = jsonschema::validator_for(schema) {
                return Err(
                    format!("tool {name}: inputSchema is not a valid JSON Schema: {e}").into(),
                );
            }
        }
        Ok(())
    })
}
