//! Decode + encode of a `tools/call` request and its result: the per-message cost on the hot
//! path. Target (issue: foundation): under 1 µs each on the project machine; serde_json
//! through an untyped `Value` is about 1.8 µs there. The `value_baseline` rows measure that
//! untyped path in the same run, so the ratio is what to read on a noisy machine.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mcp_protocol::Message;
use mcp_protocol::jsonrpc::{RequestMessage, ResponseMessage};
use mcp_protocol::methods::CallTool;

const REQUEST: &str = r#"{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello world"},"_meta":{"progressToken":7}}}"#;
const RESULT: &str = r#"{"jsonrpc":"2.0","id":42,"result":{"content":[{"type":"text","text":"hello world"}],"isError":false}}"#;

fn request_round_trip(bytes: &[u8]) -> Vec<u8> {
    let Ok(Message::Request(req)) = Message::from_slice(bytes) else {
        unreachable!("the bench input is a request")
    };
    let params = req.decode_params::<CallTool>().expect("valid params");
    let out = RequestMessage::new::<CallTool>(req.id, &params).expect("encodes");
    Message::Request(out).to_vec()
}

fn result_round_trip(bytes: &[u8]) -> Vec<u8> {
    let Ok(Message::Response(resp)) = Message::from_slice(bytes) else {
        unreachable!("the bench input is a response")
    };
    let result = resp
        .decode_result::<CallTool>()
        .expect("valid")
        .expect("not an error");
    let out = ResponseMessage::result(resp.id.expect("has id"), &result).expect("encodes");
    Message::Response(out).to_vec()
}

fn value_round_trip(bytes: &[u8]) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(bytes).expect("json");
    serde_json::to_vec(&v).expect("encodes")
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("tools_call");
    g.bench_function("request_decode_encode", |b| {
        b.iter(|| request_round_trip(black_box(REQUEST.as_bytes())))
    });
    g.bench_function("result_decode_encode", |b| {
        b.iter(|| result_round_trip(black_box(RESULT.as_bytes())))
    });
    g.bench_function("request_value_baseline", |b| {
        b.iter(|| value_round_trip(black_box(REQUEST.as_bytes())))
    });
    g.bench_function("result_value_baseline", |b| {
        b.iter(|| value_round_trip(black_box(RESULT.as_bytes())))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
