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

/// Decodes a request in two phases, then encodes it again into `out` (cleared first and
/// reused across iterations, as a transport's write buffer is).
fn request_round_trip(bytes: &[u8], out: &mut Vec<u8>) {
    let Ok(Message::Request(req)) = Message::from_slice(bytes) else {
        unreachable!("the bench input is a request")
    };
    let params = req.decode_params::<CallTool>().expect("valid params");
    let msg = RequestMessage::new::<CallTool>(req.id, &params).expect("encodes");
    out.clear();
    Message::Request(msg).write_to(out);
}

/// The same for a response carrying a `CallToolResult`.
fn result_round_trip(bytes: &[u8], out: &mut Vec<u8>) {
    let Ok(Message::Response(resp)) = Message::from_slice(bytes) else {
        unreachable!("the bench input is a response")
    };
    let result = resp
        .decode_result::<CallTool>()
        .expect("valid")
        .expect("not an error");
    let msg = ResponseMessage::result(resp.id.expect("has id"), &result).expect("encodes");
    out.clear();
    Message::Response(msg).write_to(out);
}

/// The untyped baseline: bytes → `serde_json::Value` → bytes, into the same kind of buffer.
fn value_round_trip(bytes: &[u8], out: &mut Vec<u8>) {
    let v: serde_json::Value = serde_json::from_slice(bytes).expect("json");
    out.clear();
    serde_json::to_writer(out, &v).expect("encodes");
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("tools_call");
    let mut out = Vec::with_capacity(1024);
    g.bench_function("request_decode_encode", |b| {
        b.iter(|| request_round_trip(black_box(REQUEST.as_bytes()), &mut out))
    });
    g.bench_function("result_decode_encode", |b| {
        b.iter(|| result_round_trip(black_box(RESULT.as_bytes()), &mut out))
    });
    g.bench_function("request_value_baseline", |b| {
        b.iter(|| value_round_trip(black_box(REQUEST.as_bytes()), &mut out))
    });
    g.bench_function("result_value_baseline", |b| {
        b.iter(|| value_round_trip(black_box(RESULT.as_bytes()), &mut out))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
