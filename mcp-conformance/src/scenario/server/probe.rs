//! `tools/probe`: property-based probing of every tool with arguments generated from its own
//! `inputSchema` (server/tools §Calling Tools, §Error Handling).
//!
//! - Arguments the schema accepts must get a result (a tool error, `isError: true`, is a
//!   result: the tool may refuse for its own reasons), never a JSON-RPC error.
//! - Arguments it refuses (a valid object with a required property removed, or a property of
//!   the wrong type) should get `isError: true` or `-32602`. A server may be more lenient
//!   than its schema, so a success is only noted (SHOULD); a crash, a hang, or any other
//!   JSON-RPC error fails.
//!
//! A failing case is shrunk to a minimal one with proptest's `ValueTree` (the [`cases`]
//! thread), re-running each simpler case on the same connection, or on a new one when the
//! last case took the connection down. The seed is fixed, so a report can be reproduced.
//! Everything is bounded: [`MAX_TOOLS`] tools, [`CASES`] cases of each kind per tool,
//! [`MAX_SHRINK_STEPS`] shrink steps, and [`BUDGET`] for the whole run. A tool that is still
//! working at the call wait ([`crate::target::CALL_WITHIN`]) for [`BUSY_CALLS`] cases of one
//! kind (asked by its arguments to work for long: a duration, a number of steps) gets no
//! more cases of that kind: such a call is not judged, and each costs the whole wait.

mod arguments;
mod cases;

use std::collections::HashSet;
use std::time::Duration;

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};
use tokio::time::Instant;

use self::cases::{Cases, Step};
use super::callable::callable_tools;
use super::listing::listed_tools;
use super::{Halt, ServerScenario, judge, open, scenario, still_answers};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Reply, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![scenario(
        "tools/probe",
        "server/tools §Calling Tools, §Error Handling (arguments generated from each tool's inputSchema: \
         accepted ones get a result, refused ones a tool error or -32602; never a crash or a hang)",
        Severity::Must,
        |t, v| probe(t, v).boxed(),
    )
        .checks(&["5.5"])]
}

/// The most tools probed.
const MAX_TOOLS: usize = 16;
/// Cases of each kind (accepted, refused) per tool.
const CASES: usize = 24;
/// Candidates drawn per kind and tool, duplicates and misfits included.
const ATTEMPTS: usize = CASES * 4;
/// The most simpler cases tried while shrinking a failure.
const MAX_SHRINK_STEPS: usize = 128;
/// The whole scenario's time; past it no new case starts.
const BUDGET: Duration = Duration::from_secs(20);
/// Cases of one kind that find a tool still working at the call wait before that tool gets no
/// more cases of the kind.
const BUSY_CALLS: usize = 1;
/// The most notes kept for the evidence.
const MAX_NOTES: usize = 12;

/// Which side of the schema a case is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Arguments the schema accepts.
    Accepted,
    /// Arguments it refuses.
    Refused,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Refused => "refused",
        }
    }
}

/// What one call showed.
enum Verdict {
    /// As the spec wants.
    Fine,
    /// Still working at the call wait, and the server answers: not judged.
    Busy,
    /// Refused arguments were served (the result, clipped): allowed, noted.
    Lenient(String),
    /// A failure; `lost` when the connection is gone with it.
    Broken { why: String, lost: bool },
}

/// The connections a probe uses: the scenario's own, then new ones after a crash.
struct Probe<'a> {
    target: &'a Target,
    version: ProtocolVersion,
    main: Conversation,
    main_lost: bool,
    spare: Option<Conversation>,
    deadline: Instant,
    next_id: u64,
    notes: Vec<String>,
    cut_short: bool,
}

async fn probe(target: &Target, version: ProtocolVersion) -> Outcome {
    let main = match open(target, version).await {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let mut p = Probe {
        target,
        version,
        main,
        main_lost: false,
        spare: None,
        deadline: Instant::now() + BUDGET,
        next_id: 0,
        notes: Vec::new(),
        cut_short: false,
    };
    let verdict = p.all_tools().await;
    let mut header = vec![format!(
        "tools/probe seed (ChaCha, hex): {}; {CASES} cases of each kind per tool",
        cases::seed_hex()
    )];
    if p.cut_short {
        header.push(format!(
            "cut short: the {} s budget ran out",
            BUDGET.as_secs()
        ));
    }
    header.append(&mut p.notes);
    let mut outcome = judge(&mut p.main, verdict);
    if let Outcome::Fail { evidence, .. } | Outcome::Pass { evidence } = &mut outcome {
        header.append(evidence);
        *evidence = header;
    }
    outcome
}

impl Probe<'_> {
    fn note(&mut self, note: String) {
        if self.notes.len() < MAX_NOTES {
            self.notes.push(note);
        }
    }

    async fn all_tools(&mut self) -> Result<(), Halt> {
        let tools = callable_tools(&mut self.main).await?;
        let mut probed = 0;
        for tool in tools.iter().take(MAX_TOOLS) {
            let name = tool["name"].as_str().unwrap_or_default().to_owned();
            let schema = tool["inputSchema"].clone();
            let validator = match jsonschema::validator_for(&schema) {
                Ok(v) => v,
                Err(e) => {
                    self.note(format!(
                        "tool {name} skipped: its inputSchema does not compile: {e}"
                    ));
                    continue;
                }
            };
            if let Err(why) = arguments::valid(&schema) {
                self.note(format!("tool {name} skipped: {why}"));
                continue;
            }
            probed += 1;
            for kind in [Kind::Accepted, Kind::Refused] {
                self.tool(&name, &schema, &validator, kind).await?;
                if self.cut_short {
                    return Ok(self.finish().await?);
                }
            }
        }
        if probed == 0 {
            return Err(Halt::Skip(format!(
                "no tool could be probed: {}",
                self.notes.join("; ")
            )));
        }
        Ok(self.finish().await?)
    }

    /// After everything: the connection still answers (when no case took it down).
    async fn finish(&mut self) -> Result<(), String> {
        if self.main_lost {
            return Ok(());
        }
        still_answers(&mut self.main).await
    }

    /// Up to [`CASES`] distinct cases of `kind` for tool `name`.
    async fn tool(
        &mut self,
        name: &str,
        schema: &Value,
        validator: &jsonschema::Validator,
        kind: Kind,
    ) -> Result<(), Halt> {
        let owned = schema.clone();
        let cases = Cases::start(move || match kind {
            Kind::Accepted => arguments::valid(&owned),
            Kind::Refused => arguments::invalid(&owned)?.ok_or_else(|| "nothing to break".into()),
        });
        let mut seen = HashSet::new();
        let mut busy = 0;
        for _ in 0..ATTEMPTS {
            if seen.len() >= CASES {
                break;
            }
            if Instant::now() >= self.deadline {
                self.cut_short = true;
                break;
            }
            let Some(args) = cases.next(Step::Fresh).await else {
                break;
            };
            // The validator decides what a case is: a candidate on the wrong side of the
            // schema, or one already tried, is drawn again.
            if validator.is_valid(&args) != (kind == Kind::Accepted)
                || !seen.insert(args.to_string())
            {
                continue;
            }
            match self.run(name, &args, kind).await? {
                Verdict::Fine => {}
                Verdict::Busy => {
                    busy += 1;
                    if busy >= BUSY_CALLS {
                        self.note(format!(
                            "tool {name}: {busy} {} cases were still running at the call wait \
                             (not judged); its other {} cases were not drawn",
                            kind.as_str(),
                            kind.as_str()
                        ));
                        break;
                    }
                }
                Verdict::Lenient(result) => self.note(format!(
                    "SHOULD: tool {name} served arguments its inputSchema refuses, {args}: {result}"
                )),
                Verdict::Broken { why, .. } => {
                    let reason = self.shrink(&cases, name, validator, kind, args, why).await;
                    return Err(Halt::Fail(reason));
                }
            }
        }
        Ok(())
    }

    /// Shrinks the failing case `first` to a minimal one; the failure's reason.
    async fn shrink(
        &mut self,
        cases: &Cases,
        name: &str,
        validator: &jsonschema::Validator,
        kind: Kind,
        first: Value,
        why: String,
    ) -> String {
        let mut minimal = (first.clone(), why);
        let mut step = Step::Simplify;
        let mut steps = 0;
        while steps < MAX_SHRINK_STEPS && Instant::now() < self.deadline {
            let Some(args) = cases.next(step).await else {
                break;
            };
            steps += 1;
            // A simpler value on the other side of the schema is not this failure.
            let failed = validator.is_valid(&args) == (kind == Kind::Accepted)
                && match self.run(name, &args, kind).await {
                    Ok(Verdict::Broken { why, .. }) => {
                        minimal = (args, why);
                        true
                    }
                    Ok(_) => false,
                    // The target cannot be reached any more: keep what was found.
                    Err(_) => break,
                };
            step = if failed {
                Step::Simplify
            } else {
                Step::Complicate
            };
        }
        let (args, why) = minimal;
        let cut = if Instant::now() >= self.deadline {
            " (shrinking cut short by the time budget)"
        } else {
            ""
        };
        self.notes.insert(
            0,
            format!("first failing case: {first}; minimal after {steps} shrink steps{cut}: {args}"),
        );
        format!(
            "tool {name}, {} arguments {args} (minimal, seed {}…): {why}",
            kind.as_str(),
            &cases::seed_hex()[..8]
        )
    }

    /// Calls tool `name` with `args` and judges the answer. `Err` when no connection to the
    /// target can be opened any more.
    async fn run(&mut self, name: &str, args: &Value, kind: Kind) -> Result<Verdict, String> {
        if self.main_lost && self.spare.is_none() {
            let mut c = Conversation::open(self.target, self.version)
                .await
                .map_err(|e| format!("reopening the target failed: {e:?}"))?;
            // The tool policy judges a call by the annotations this connection was given.
            listed_tools(&mut c)
                .await
                .map_err(|e| format!("listing the tools again after reopening: {e:?}"))?;
            self.spare = Some(c);
        }
        self.next_id += 1;
        let id = json!(format!("probe-{}", self.next_id));
        let c = match self.spare.as_mut() {
            Some(c) if self.main_lost => c,
            _ => &mut self.main,
        };
        let params = json!({"name": name, "arguments": args});
        let verdict = match c.request_or_cancel(id, "tools/call", params).await {
            // Still working after the wait, and the server answers a ping: a long-running
            // tool (asked to sleep for hours, say), not a hang. Nothing to judge.
            Ok(None) => Verdict::Busy,
            Ok(Some(reply)) => judge_reply(kind, Ok(reply)),
            Err(why) => judge_reply(kind, Err(why)),
        };
        if let Verdict::Broken { lost: true, .. } = verdict {
            if self.main_lost {
                self.spare = None;
            }
            self.main_lost = true;
        }
        Ok(verdict)
    }
}

/// Up to `n` distinct arguments `schema` accepts, drawn as the probe draws them (same seed),
/// each checked by a real validator; `{}` when the generator cannot handle the schema but
/// the schema accepts an empty object; none otherwise.
pub(super) async fn accepted_arguments(schema: &Value, n: usize) -> Vec<Value> {
    let Ok(validator) = jsonschema::validator_for(schema) else {
        return Vec::new();
    };
    if arguments::valid(schema).is_err() {
        let empty = json!({});
        return if validator.is_valid(&empty) {
            vec![empty]
        } else {
            Vec::new()
        };
    }
    let owned = schema.clone();
    let cases = Cases::start(move || arguments::valid(&owned));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    // Bounded: a few draws per argument wanted.
    for _ in 0..n * 4 {
        if out.len() >= n {
            break;
        }
        let Some(args) = cases.next(Step::Fresh).await else {
            break;
        };
        if validator.is_valid(&args) && seen.insert(args.to_string()) {
            out.push(args);
        }
    }
    out
}

/// What the answer to one case shows.
fn judge_reply(kind: Kind, reply: Result<Reply, String>) -> Verdict {
    match (kind, reply) {
        // A crash (the connection closed) or a hang (no answer in time).
        (_, Err(why)) => Verdict::Broken { why, lost: true },
        (Kind::Accepted, Ok(Reply::Result(_))) => Verdict::Fine,
        // 2026-07-28 basic/index §Per-request protocol fields: a tool that needs a client
        // capability the request did not declare (the probe declares none) MUST answer
        // -32021 whatever its arguments.
        (_, Ok(Reply::Error(-32021, _))) => Verdict::Fine,
        (Kind::Accepted, Ok(Reply::Error(code, e))) => Verdict::Broken {
            why: format!("error {code} for arguments the inputSchema accepts: {e}"),
            lost: false,
        },
        (Kind::Refused, Ok(Reply::Result(r))) if r["isError"] == true => Verdict::Fine,
        (Kind::Refused, Ok(Reply::Result(r))) => {
            Verdict::Lenient(crate::target::clip_at(&r.to_string(), 200))
        }
        (Kind::Refused, Ok(Reply::Error(-32602, _))) => Verdict::Fine,
        (Kind::Refused, Ok(Reply::Error(code, e))) => Verdict::Broken {
            why: format!("error {code} instead of a tool error or -32602: {e}"),
            lost: false,
        },
    }
}
