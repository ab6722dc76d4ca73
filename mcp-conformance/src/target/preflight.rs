//! Before any scenario runs: can the target be spoken to at all? A closed port, a malformed
//! URL, a path that is not an MCP endpoint, a command that is not found or exits, or one
//! that never writes a JSON-RPC message would otherwise fail every scenario for the same
//! reason, one that says nothing about conformance. Such a target is a usage error (exit 2,
//! with the reason), found by asking, not guessed from the scenarios' failures.
//!
//! The question is the first one every scenario asks: open a session (`initialize` in the
//! session era, `server/discover` from 2026-07-28). Whatever the answer, even an error or a
//! refusal of the version, one JSON-RPC message back means the target is there; judging the
//! answer is the scenarios' job.

use mcp_protocol::ProtocolVersion;

use super::{Conversation, Place, Target, clip_at};

/// The most characters of the reason given.
const REASON_CHARS: usize = 400;

/// `Ok` when `target` answers the opening of a session in one of `versions` with at least
/// one JSON-RPC message; the reason, on one line, when it does not. Tries the newest
/// session-era version and the newest stateless one among `versions` (a server may speak only
/// one family), each bounded by the target's answer wait.
pub(crate) async fn preflight(target: &Target, versions: &[ProtocolVersion]) -> Result<(), String> {
    if let Place::Url(endpoint) = &target.place {
        match reqwest::Url::parse(&endpoint.url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            Ok(url) => return Err(format!("{:?} is not an http(s) URL", url.as_str())),
            Err(e) => return Err(format!("{:?} is not a URL: {e}", endpoint.url)),
        }
    }
    let newest = |handshake: bool| {
        versions
            .iter()
            .filter(|v| v.has_handshake() == handshake)
            .max()
            .copied()
    };
    // The first attempt's reason: the session era's, which most servers speak.
    let mut reason = None;
    for version in [newest(true), newest(false)].into_iter().flatten() {
        let mut c = Conversation::new(target, version)?;
        let opened = c.handshake().await;
        if c.heard() {
            return Ok(());
        }
        let why = match opened {
            Err(super::OpenError::Failed(why)) => why,
            Err(super::OpenError::NotServed(why)) => why,
            Ok(()) => "no JSON-RPC message".to_owned(),
        };
        if matches!(target.place, Place::Command(_)) {
            // A command that is not found or fails fails at once; give `sh` a moment to exit
            // and its stderr to arrive, so the reason says why.
            for _ in 0..20 {
                if c.evidence().iter().any(|l| l.contains("the server exited")) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
        if reason.is_none() {
            // What the target said: its messages, exit status and stderr (not ours).
            let said: Vec<String> = c
                .evidence()
                .iter()
                .filter(|l| !l.starts_with('→'))
                .flat_map(|l| l.lines().map(str::trim).map(str::to_owned))
                .filter(|l| !l.is_empty())
                .collect();
            let mut why = format!("opening a {version} session: {why}");
            if !said.is_empty() {
                why = format!("{why} ({})", said.join("; "));
            }
            reason = Some(why);
        }
    }
    let reason = reason.unwrap_or_else(|| "no protocol version to try".to_owned());
    Err(clip_at(&reason.replace(['\n', '\r'], " "), REASON_CHARS))
}
