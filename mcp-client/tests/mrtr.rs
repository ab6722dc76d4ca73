//! Multi round-trip requests in 2026-07-28: input requests answered by the same handlers,
//! retries carrying `inputResponses` and `requestState`, the round limit.

use mcp_client::Error;
use mcp_protocol::methods::{CreateMessageResult, ElicitResult, Root, SamplingMessageContentBlock};
use serde_json::{Value, json};

use crate::handlers::defaults_schema;
use crate::support::{builder, params, reply, stateless, within};

fn mrtr_builder() -> mcp_client::ClientBuilder {
    builder()
        .on_sampling(|_| async {
            Ok(CreateMessageResult::new(
                "test-model",
                SamplingMessageContentBlock::text("Paris"),
            ))
        })
        .on_elicitation(|_| async { Ok(ElicitResult::accept(None)) })
        .roots(vec![Root::new("file:///project")])
}

fn input_required(requests: Value, state: Option<&str>) -> Value {
    let mut v = json!({"resultType": "input_required", "inputRequests": requests});
    if let Some(s) = state {
        v["requestState"] = json!(s);
    }
    v
}

fn done() -> Value {
    json!({"resultType": "complete", "content": [{"type": "text", "text": "done"}]})
}

// requirement: 6.7
#[tokio::test]
async fn input_requests_are_fulfilled_and_the_call_retried() {
    let (client, mut server) = stateless(mrtr_builder(), json!({"tools": {}})).await;
    let call =
        tokio::spawn(async move { client.call_tool("book", json!({"city": "Paris"})).await });

    let first = server.expect_request("tools/call").await;
    let first_id = first.id().clone();
    assert!(params(&first).get("inputResponses").is_none());
    reply(
        first,
        input_required(
            json!({
                "form": {"method": "elicitation/create", "params": {"mode": "form",
                    "message": "Details?", "requestedSchema": defaults_schema()}},
                "llm": {"method": "sampling/createMessage", "params": {"messages": [
                    {"role": "user", "content": {"type": "text", "text": "Capital?"}}], "maxTokens": 50}},
                "roots": {"method": "roots/list"}
            }),
            Some("state-1"),
        ),
    );

    let retry = server.expect_request("tools/call").await;
    assert_ne!(retry.id(), &first_id, "a retry is a new request");
    let p = params(&retry);
    assert_eq!(p["requestState"], "state-1");
    assert_eq!(p["arguments"]["city"], "Paris");
    let responses = &p["inputResponses"];
    assert_eq!(responses["form"]["action"], "accept");
    assert_eq!(responses["form"]["content"]["name"], "John Doe");
    assert_eq!(responses["form"]["content"]["verified"], true);
    assert_eq!(responses["llm"]["model"], "test-model");
    assert_eq!(responses["roots"]["roots"][0]["uri"], "file:///project");
    assert_eq!(
        p["_meta"]["io.modelcontextprotocol/protocolVersion"],
        "2026-07-28"
    );
    reply(retry, done());

    let result = within(call).await.unwrap().unwrap();
    assert_eq!(
        serde_json::to_value(&result.content).unwrap()[0]["text"],
        "done"
    );
}

// requirement: 6.7
#[tokio::test]
async fn several_rounds_each_carry_only_their_own_state() {
    let (client, mut server) = stateless(mrtr_builder(), json!({"prompts": {}})).await;
    let call = tokio::spawn(async move { client.get_prompt("p", [("k", "v")]).await });

    let first = server.expect_request("prompts/get").await;
    reply(
        first,
        input_required(json!({"roots": {"method": "roots/list"}}), Some("s1")),
    );
    let second = server.expect_request("prompts/get").await;
    assert_eq!(params(&second)["requestState"], "s1");
    // Round two: state only, no input requests.
    reply(
        second,
        json!({"resultType": "input_required", "requestState": "s2"}),
    );
    let third = server.expect_request("prompts/get").await;
    let p = params(&third);
    assert_eq!(p["requestState"], "s2");
    assert!(p.get("inputResponses").is_none(), "{p}");
    assert_eq!(p["arguments"]["k"], "v");
    // Round three: input requests without state: the retry must carry no state.
    reply(
        third,
        input_required(json!({"roots": {"method": "roots/list"}}), None),
    );
    let fourth = server.expect_request("prompts/get").await;
    assert!(params(&fourth).get("requestState").is_none());
    reply(fourth, json!({"resultType": "complete", "messages": []}));
    assert!(within(call).await.unwrap().unwrap().messages.is_empty());
}

#[tokio::test]
async fn the_number_of_rounds_is_bounded() {
    let (client, mut server) =
        stateless(mrtr_builder().max_input_rounds(2), json!({"tools": {}})).await;
    let call = tokio::spawn(async move { client.call_tool("loop", ()).await });
    for _ in 0..3 {
        let req = server.expect_request("tools/call").await;
        reply(
            req,
            input_required(json!({"r": {"method": "roots/list"}}), Some("again")),
        );
    }
    let err = within(call).await.unwrap().unwrap_err();
    assert!(
        matches!(err, Error::InputRoundsExceeded { rounds: 2, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn an_input_request_without_a_handler_fails_the_call() {
    let (client, mut server) = stateless(builder(), json!({"tools": {}})).await;
    let call = tokio::spawn(async move { client.call_tool("needs-llm", ()).await });
    let req = server.expect_request("tools/call").await;
    reply(
        req,
        input_required(
            json!({"llm": {"method": "sampling/createMessage", "params": {"messages": [], "maxTokens": 5}}}),
            None,
        ),
    );
    let err = within(call).await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            Error::NoHandler {
                method: "sampling/createMessage"
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn the_hard_cap_covers_every_round_of_a_call() {
    // A server that keeps asking for input, ~50 ms a round: with a 300 ms cap on the call,
    // the call must end as timed out, not run on for 20 rounds (each round used to get a
    // fresh cap of its own, and the call then ended with InputRoundsExceeded instead).
    let (client, mut server) =
        stateless(mrtr_builder().max_input_rounds(20), json!({"tools": {}})).await;
    let script = tokio::spawn(async move {
        loop {
            let Some(mcp_protocol::rt::Incoming::Request(req)) = server.next().await else {
                continue;
            };
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            reply(
                req,
                input_required(json!({"r": {"method": "roots/list"}}), Some("again")),
            );
        }
    });
    let options = mcp_client::CallOptions::new().max_total(std::time::Duration::from_millis(300));
    let call = tokio::spawn(async move {
        client
            .call_tool_with(mcp_protocol::methods::CallToolParams::new("loop"), options)
            .await
    });
    let err = within(call).await.unwrap().unwrap_err();
    script.abort();
    assert!(err.is_timeout(), "{err}");
}
