//! Stage-by-stage costs of the codec (phase one, phase two, encode), for profiling.
use criterion::{Criterion, criterion_group, criterion_main};
use mcp_protocol::Message;
use mcp_protocol::jsonrpc::RequestMessage;
use mcp_protocol::methods::{CallTool, CallToolParams};
use std::hint::black_box;
const REQUEST: &str = r#"{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello world"},"_meta":{"progressToken":7}}}"#;
fn bench(c: &mut Criterion) {
    let Ok(Message::Request(req)) = Message::from_slice(REQUEST.as_bytes()) else {
        panic!()
    };
    let params = req.decode_params::<CallTool>().unwrap();
    c.bench_function("phase1", |b| {
        b.iter(|| Message::from_slice(black_box(REQUEST.as_bytes())))
    });
    c.bench_function("ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(REQUEST.as_bytes())))
    });
    c.bench_function("ignored_any_str", |b| {
        b.iter(|| serde_json::from_str::<serde::de::IgnoredAny>(black_box(REQUEST)))
    });
    c.bench_function("raw_box", |b| {
        b.iter(|| serde_json::from_str::<Box<serde_json::value::RawValue>>(black_box(REQUEST)))
    });
    c.bench_function("raw_borrow", |b| {
        b.iter(|| {
            serde_json::from_str::<&serde_json::value::RawValue>(black_box(REQUEST))
                .map(|r| r.get().len())
        })
    });
    c.bench_function("phase2", |b| {
        b.iter(|| black_box(&req).decode_params::<CallTool>())
    });
    c.bench_function("params_only_serde", |b| {
        b.iter(|| {
            serde_json::from_str::<CallToolParams>(black_box(req.params.as_ref().unwrap().get()))
        })
    });
    c.bench_function("encode_params", |b| {
        b.iter(|| RequestMessage::new::<CallTool>(42.into(), black_box(&params)))
    });
    let out = Message::Request(RequestMessage::new::<CallTool>(42.into(), &params).unwrap());
    c.bench_function("encode_msg", |b| b.iter(|| black_box(&out).to_vec()));
    const RESULT: &str = r#"{"content":[{"type":"text","text":"hello world"}],"isError":false}"#;
    let result: mcp_protocol::methods::CallToolResult = serde_json::from_str(RESULT).unwrap();
    c.bench_function("result_decode", |b| {
        b.iter(|| serde_json::from_str::<mcp_protocol::methods::CallToolResult>(black_box(RESULT)))
    });
    c.bench_function("result_encode", |b| {
        b.iter(|| mcp_protocol::jsonrpc::to_raw(black_box(&result)))
    });
    c.bench_function("content_decode", |b| {
        b.iter(|| {
            serde_json::from_str::<mcp_protocol::types::ContentBlock>(black_box(
                r#"{"type":"text","text":"hello world"}"#,
            ))
        })
    });
    c.bench_function("text_decode", |b| {
        b.iter(|| {
            serde_json::from_str::<mcp_protocol::types::TextContent>(black_box(
                r#"{"text":"hello world"}"#,
            ))
        })
    });
    c.bench_function("text_with_type_as_extra", |b| {
        b.iter(|| {
            serde_json::from_str::<mcp_protocol::types::TextContent>(black_box(
                r#"{"type":"text","text":"hello world"}"#,
            ))
        })
    });
    c.bench_function("content_value", |b| {
        b.iter(|| {
            serde_json::from_str::<serde_json::Value>(black_box(
                r#"{"type":"text","text":"hello world"}"#,
            ))
        })
    });
    c.bench_function("result_value_decode", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(RESULT)))
    });
    c.bench_function("drop_params", |b| {
        b.iter(|| drop(black_box(params.clone())))
    });
}
criterion_group!(benches, bench);
criterion_main!(benches);
