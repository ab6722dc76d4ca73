//! Golden transcripts: the exact exchange of the reference client with the reference
//! server in a handful of scripted scenarios ([`script`]), per protocol version, checked in
//! as `mcp-conformance/golden/<version>/<scenario>.jsonl` and compared on every run, so
//! that any change in what goes on the wire shows up as a diff to review.
//!
//! Each line is one JSON-RPC message as the client's transport sent or received it,
//! `{"dir":"c2s"|"s2c","message":{...}}`, keys sorted at every level. The messages are
//! recorded by a [`tap`] around the client's transport, the one point every transport
//! shares, so one transcript holds in memory and over stdio alike (the tests check both).
//!
//! Normalisation ([`normalize`]) replaces only what differs between runs or releases:
//! - request ids, renumbered 0, 1, … per side in order of first appearance (keyed by the
//!   side that sent the request, as the two sides number independently);
//! - the `version` of `serverInfo` and `clientInfo` (the crate version), also in their
//!   2026-07-28 `_meta` forms, by `"<implementation-version>"`;
//! - MRTR `requestState` tokens (signed, with a nonce and an expiry), by
//!   `"<request-state-N>"` numbered in order of first appearance, so that the client's echo
//!   of a token still visibly matches it;
//! - task ids (they end in a random part), by `"<task-id-N>"` likewise;
//! - timestamps (`createdAt`, `lastUpdatedAt`, `timestamp` strings), by `"<timestamp>"`.
//!
//! No session ids or cursors occur in these exchanges (stdio and memory carry no session
//! header; every list fits one page), so none are replaced; should one appear, the next
//! run differs and shows it. Nothing else is normalised: progress tokens and the ids
//! quoted in error messages are the client's own deterministic numbering and stay. A message the client's transport could not decode is not recorded (there
//! is none in these scenarios).
//!
//! `mcp-conformance golden` re-runs every scenario and exits 1 on any difference (a line
//! diff per transcript), on a golden file no scenario writes, on a scenario with no file,
//! and on a message its version's schema rejects ([`schema`]).
//! `mcp-conformance golden --bless` writes the files anew; review `git diff` before
//! committing them. `mcp-conformance run` includes each as scenario `golden/<name>` over
//! memory and stdio ([`scenarios`]), skipped when the folder is not next to the manifest
//! (an installed binary).

mod diff;
mod normalize;
mod record;
mod schema;
mod script;
mod tap;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mcp_protocol::ProtocolVersion;
use serde_json::Value;

use crate::scenario::{Outcome, Run, Scenario, Severity, Transport};

/// The checked-in transcripts: `golden/` next to this crate's manifest.
pub(crate) fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden")
}

/// What `mcp-conformance golden` does.
pub(crate) struct Options {
    /// Write the transcripts instead of comparing.
    pub(crate) bless: bool,
    /// The versions (all when the caller gives none).
    pub(crate) versions: Vec<ProtocolVersion>,
    /// The transports to record over (memory and/or stdio).
    pub(crate) transports: Vec<Transport>,
    /// Only scenarios whose name contains this.
    pub(crate) filter: Option<String>,
    /// Where the transcripts live.
    pub(crate) dir: PathBuf,
}

/// Checks (or blesses) the golden transcripts; prints one line per transcript and
/// transport, and what is wrong.
pub(crate) fn run(options: &Options) -> ExitCode {
    let mut failed = 0usize;
    let scenarios: Vec<_> = script::all()
        .into_iter()
        .filter(|g| options.filter.as_deref().is_none_or(|f| g.name.contains(f)))
        .collect();
    for golden in &scenarios {
        for &version in options.versions.iter().filter(|v| (golden.applies)(**v)) {
            let path = file(&options.dir, version, golden.stem());
            for (k, &transport) in options.transports.iter().enumerate() {
                let label = format!("{:<21} {version} {:<6}", golden.name, transport.as_str());
                let got = match record::record(golden, version, transport) {
                    Ok(messages) => normalize::lines(messages),
                    Err(e) => {
                        println!("{label} fail: {e}");
                        failed += 1;
                        continue;
                    }
                };
                if options.bless && k == 0 {
                    match write(&path, &got) {
                        Ok(()) => println!("{label} blessed {}", path.display()),
                        Err(e) => {
                            println!("{label} fail: writing {}: {e}", path.display());
                            failed += 1;
                        }
                    }
                    continue;
                }
                match compare(&path, &got) {
                    Ok(()) => println!("{label} same"),
                    Err(why) => {
                        println!("{label} DIFFERS: {why}");
                        failed += 1;
                    }
                }
            }
        }
    }
    if options.filter.is_none() {
        failed += strays(options, &scenarios);
    }
    failed += schema_problems(options, &scenarios);
    if failed == 0 {
        println!("golden: all transcripts match");
        ExitCode::SUCCESS
    } else {
        println!(
            "golden: {failed} problem(s); if the change on the wire is intended, run \
             `cargo run -p mcp-conformance -- golden --bless` and review the diff"
        );
        ExitCode::FAILURE
    }
}

/// The file of `scenario` for `version` under `dir`.
fn file(dir: &Path, version: ProtocolVersion, scenario: &str) -> PathBuf {
    dir.join(version.as_str()).join(format!("{scenario}.jsonl"))
}

fn write(path: &Path, lines: &[String]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text)
}

/// `Ok` when the file at `path` holds exactly `got`; else why not, with a diff.
fn compare(path: &Path, got: &[String]) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "no golden file {} ({e}); bless it with `mcp-conformance golden --bless`",
            path.display()
        )
    })?;
    let want: Vec<String> = text.lines().map(str::to_owned).collect();
    if want == got {
        return Ok(());
    }
    Err(format!(
        "{} (- golden, + now):\n{}",
        path.display(),
        diff::diff(&want, got)
    ))
}

/// Files and folders under the golden directory that no scenario and version writes:
/// reported, or removed when blessing. Gives how many were reported.
fn strays(options: &Options, scenarios: &[script::Golden]) -> usize {
    let mut found = 0;
    let entries = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect())
            .unwrap_or_default()
    };
    for path in entries(&options.dir) {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some(version) = ProtocolVersion::parse(name).filter(|_| path.is_dir()) else {
            println!(
                "golden: {} is not a protocol version's folder",
                path.display()
            );
            found += 1;
            continue;
        };
        if !options.versions.contains(&version) {
            continue;
        }
        for file in entries(&path) {
            let stem = file
                .file_stem()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let known = file.extension().is_some_and(|e| e == "jsonl")
                && scenarios
                    .iter()
                    .any(|g| g.stem() == stem && (g.applies)(version));
            if known {
                continue;
            }
            if options.bless && std::fs::remove_file(&file).is_ok() {
                println!(
                    "golden: removed {}, which no scenario writes",
                    file.display()
                );
            } else {
                println!("golden: {} has no scenario", file.display());
                found += 1;
            }
        }
    }
    found
}

/// Every message of every selected transcript against its version's schema; gives how
/// many transcripts have problems.
fn schema_problems(options: &Options, scenarios: &[script::Golden]) -> usize {
    let (mut bad, mut checked) = (0, 0);
    for golden in scenarios {
        for &version in options.versions.iter().filter(|v| (golden.applies)(**v)) {
            let path = file(&options.dir, version, golden.stem());
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let (n, problems) = schema_check(golden, version, &text);
            checked += n;
            if !problems.is_empty() {
                bad += 1;
                println!("golden: {} against the {version} schema:", path.display());
                for p in problems {
                    println!("  {p}");
                }
            }
        }
    }
    println!("golden: schema: {checked} messages checked, {bad} transcript(s) with problems");
    bad
}

/// The messages of transcript `text` of `golden` for `version`, and what its schema says
/// against them.
fn schema_check(
    golden: &script::Golden,
    version: ProtocolVersion,
    text: &str,
) -> (usize, Vec<String>) {
    let lines: Result<Vec<Value>, _> = text.lines().map(serde_json::from_str).collect();
    match lines {
        Ok(lines) => (
            lines.len(),
            schema::check(version, &lines, golden.invalid_on_purpose),
        ),
        Err(e) => (0, vec![format!("not JSON lines: {e}")]),
    }
}

/// The golden scenarios as scenarios of `mcp-conformance run`, over memory and stdio:
/// each compares a fresh run with its checked-in transcript and validates the file.
pub(crate) fn scenarios() -> Vec<Scenario> {
    Transport::ALL
        .into_iter()
        .flat_map(|transport| {
            script::all().into_iter().map(move |g| Scenario {
                name: g.name,
                spec: "every message on the wire (golden transcripts, mcp-conformance/golden)",
                severity: Severity::Must,
                requirements: &[],
                transport: Some(transport),
                run: Run::Golden,
            })
        })
        .collect()
}

/// Runs golden scenario `name` for `version` over `transport` against the transcripts
/// next to this crate's manifest; skips when they are not there (an installed binary).
pub(crate) fn outcome(name: &str, version: ProtocolVersion, transport: Transport) -> Outcome {
    let dir = default_dir();
    if !dir.is_dir() {
        return Outcome::skip(format!(
            "no golden transcripts at {} (run from the source tree)",
            dir.display()
        ));
    }
    let Some(golden) = script::all().into_iter().find(|g| g.name == name) else {
        return Outcome::fail(format!("no golden scenario {name}"), vec![]);
    };
    if !(golden.applies)(version) {
        return Outcome::skip(format!("{name} has no transcript for {version}"));
    }
    let path = file(&dir, version, golden.stem());
    let got = match record::record(&golden, version, transport) {
        Ok(messages) => normalize::lines(messages),
        Err(e) => return Outcome::fail(e, vec![]),
    };
    if let Err(why) = compare(&path, &got) {
        let mut lines = why.lines().map(str::to_owned);
        let reason = lines.next().unwrap_or_default();
        return Outcome::fail(reason, lines.collect());
    }
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let (_, problems) = schema_check(&golden, version, &text);
    if !problems.is_empty() {
        return Outcome::fail(
            format!("{} against the {version} schema", path.display()),
            problems,
        );
    }
    // The evidence of a pass is the transcript itself, as it is on the wire after
    // normalisation.
    Outcome::pass_with(got)
}
