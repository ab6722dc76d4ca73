//! Ping (basic/utilities/ping): either side checks that the other is alive. Session era only;
//! 2026-07-28 has no `ping`.

use crate::method::{ClientRequest, Request, ServerRequest};
use crate::types::{EmptyResult, RequestParams};
use crate::version::ProtocolVersion;

/// `ping`: answered promptly with an empty result.
#[derive(Debug)]
pub enum Ping {}

impl Request for Ping {
    const METHOD: &'static str = "ping";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = RequestParams;
    type Result = EmptyResult;
}
impl ClientRequest for Ping {}
impl ServerRequest for Ping {}
