//! The matrix (issue 18 point 2): every public call of `mcp-client` against our
//! `everything-server`, over every transport (in memory, stdio, Streamable HTTP with
//! sessions, stateless Streamable HTTP of 2026-07-28, the legacy HTTP+SSE of 2024-11-05),
//! in every protocol version, each cell asserting its outcome by value.
//!
//! ```text
//!  cells::Call × cells::Transport × cells::VERSIONS
//!     ├─ excused (cells::EXCUSED: the spec rules the combination out, with the reason)
//!     ├─ run (run::run): the call, or, where its method does not exist in the version,
//!     │   the client's local refusal / the server's restraint
//!     └─ known broken (cells::KNOWN_BROKEN, an audit row): must still fail (strict xfail)
//! ```
//!
//! One server per (transport, version) on memory and stdio, one `--http` process per HTTP
//! transport (its versions run in sequence on it); the calls of a session run in sequence,
//! the sessions of different transports side by side. Every wait is bounded
//! (`peers::WAIT`).

use std::collections::BTreeMap;
use std::time::Instant;

use mcp_protocol::ProtocolVersion as V;

#[path = "matrix/api.rs"]
mod api;
#[path = "matrix/cells.rs"]
mod cells;
#[path = "matrix/others.rs"]
mod others;
#[path = "matrix/peers.rs"]
mod peers;
#[path = "matrix/run.rs"]
mod run;
#[path = "common/user.rs"]
mod user;

use cells::{Call, Transport};

/// The outcome of one cell.
#[derive(Debug)]
enum Outcome {
    Passed,
    Failed(String),
    Excused(&'static str),
}

type Results = BTreeMap<(Transport, V, Call), Outcome>;

/// Runs every version of `transport`, in sequence.
async fn run_transport(transport: Transport) -> Results {
    let mut results = Results::new();
    let http = match transport {
        Transport::HttpSession | Transport::HttpStateless | Transport::LegacySse => {
            Some(peers::HttpServer::start().await)
        }
        Transport::Memory | Transport::Stdio => None,
    };
    for version in cells::VERSIONS {
        let runnable: Vec<Call> = Call::ALL
            .into_iter()
            .filter(|call| match cells::excused(*call, transport, version) {
                Some(reason) => {
                    results.insert((transport, version, *call), Outcome::Excused(reason));
                    false
                }
                None => true,
            })
            .collect();
        if runnable.is_empty() {
            continue;
        }
        let seen = peers::Seen::default();
        let client = match peers::connect(transport, version, http.as_ref(), &seen).await {
            Ok(client) => client,
            Err(e) => {
                for call in runnable {
                    results.insert((transport, version, call), Outcome::Failed(e.clone()));
                }
                continue;
            }
        };
        let mut session = run::Session {
            client: client.clone(),
            version,
            seen,
            task: None,
        };
        for call in runnable {
            let outcome =
                tokio::time::timeout(peers::WAIT + peers::WAIT, run::run(call, &mut session))
                    .await
                    .unwrap_or_else(|_| Err("the cell hung".to_owned()));
            results.insert(
                (transport, version, call),
                match outcome {
                    Ok(()) => Outcome::Passed,
                    Err(e) => Outcome::Failed(e),
                },
            );
        }
        client.close();
    }
    results
}

// requirement: 1.20, 1.26, 2.2, 2.3, 2.4, 2.6, 5.4, 5.5, 5.12, 5.17, 5.19, 5.24, 5.25, 6.1, 6.2, 6.7, 7.1, 7.2, 7.6, 7.8, 7.15, 7.16, 7.18, 7.21, 7.25
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_over_every_transport_in_every_version() {
    let started = Instant::now();
    let mut handles = Vec::new();
    for transport in Transport::ALL {
        handles.push(tokio::spawn(run_transport(transport)));
    }
    let mut results = Results::new();
    for handle in handles {
        results.extend(handle.await.expect("a transport's run panicked"));
    }

    let mut problems = Vec::new();
    let (mut passed, mut broken) = (0, 0);
    let mut excused: BTreeMap<&str, usize> = BTreeMap::new();
    for transport in Transport::ALL {
        for version in cells::VERSIONS {
            for call in Call::ALL {
                let cell = format!("{call:?} × {transport:?} × {version}");
                let known = cells::known_broken(call, transport, version);
                match (results.get(&(transport, version, call)), known) {
                    (None, _) => problems.push(format!("{cell}: neither run nor excused")),
                    (Some(Outcome::Passed), None) => passed += 1,
                    (Some(Outcome::Excused(reason)), None) => {
                        *excused.entry(reason).or_default() += 1;
                    }
                    (Some(Outcome::Failed(e)), None) => problems.push(format!("{cell}: {e}")),
                    (Some(Outcome::Failed(e)), Some(row)) => {
                        broken += 1;
                        println!("known broken {cell} ({row}): {e}");
                    }
                    (Some(other), Some(row)) => problems.push(format!(
                        "{cell} is listed as broken ({row}) but is {other:?}: remove it from \
                         KNOWN_BROKEN"
                    )),
                }
            }
        }
    }
    for (reason, n) in &excused {
        println!("excused {n} cells: {reason}");
    }
    println!(
        "matrix: {passed} passed, {} excused, {broken} known broken, {} problems, in {:.1} s",
        excused.values().sum::<usize>(),
        problems.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The same calls against other SDKs' servers (`MCP_MATRIX_PEERS`, see `others`), over each
/// of their transports, in every version the transport has: the session-era ones, and
/// 2026-07-28 on stdio and stateless HTTP. Skips, saying why, without the variable or a peer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calls_against_other_sdks() {
    let Ok(cache) = std::env::var("MCP_MATRIX_PEERS") else {
        println!(
            "skipped: MCP_MATRIX_PEERS is not set (target/conformance-cache after \
             scripts/interop-http.sh)"
        );
        return;
    };
    let mut problems = Vec::new();
    for peer in others::Peer::installed(std::path::Path::new(&cache)) {
        let peer = match peer {
            Ok(peer) => peer,
            Err(why) => {
                println!("{why}");
                continue;
            }
        };
        let mut passed = 0;
        for (mode, transport) in peer.modes {
            let server = if *transport == Transport::Stdio {
                None
            } else {
                Some(
                    others::PeerServer::start(&peer, mode)
                        .await
                        .expect("the server starts"),
                )
            };
            for version in cells::VERSIONS {
                if cells::excused(Call::Initialize, *transport, version).is_some() {
                    continue;
                }
                let connected =
                    others::connect(&peer, mode, *transport, server.as_ref(), version).await;
                if version > peer.newest {
                    // The server lacks the version: the connect fails, it does not hang.
                    match connected {
                        Err(_) => passed += 1,
                        Ok(_) => problems.push(format!(
                            "{} {mode} {version}: connected past its newest version",
                            peer.name
                        )),
                    }
                    continue;
                }
                let client = match connected {
                    Ok(client) => client,
                    Err(e) => {
                        problems.push(format!("{} {mode} {version}: {e}", peer.name));
                        continue;
                    }
                };
                for call in Call::ALL {
                    let outcome = tokio::time::timeout(
                        peers::WAIT,
                        others::generic(&peer, call, &client, version),
                    )
                    .await
                    .unwrap_or_else(|_| Err("the cell hung".to_owned()));
                    match outcome {
                        Ok(()) => passed += 1,
                        Err(e) if e == others::NOT_APPLICABLE => {}
                        Err(e) => problems
                            .push(format!("{call:?} × {} {mode} × {version}: {e}", peer.name)),
                    }
                }
                client.close();
            }
        }
        println!("{}: {passed} cells passed", peer.name);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_call_is_in_all() {
    for (i, call) in Call::ALL.into_iter().enumerate() {
        assert_eq!(call.position(), i, "{call:?}");
        // Its method is in the version table.
        cells::exists(call.method(), V::V2025_11_25);
    }
}

#[test]
fn every_method_has_a_call() {
    for (method, _, _) in cells::METHODS {
        let by_call = Call::ALL.iter().any(|c| c.method() == *method);
        let other = cells::OTHER_METHODS.iter().any(|(m, _)| m == method);
        assert!(
            by_call != other,
            "{method}: a Call is about it ({by_call}), OTHER_METHODS lists it ({other}); exactly one"
        );
    }
}

#[test]
fn versions_are_the_protocols() {
    assert_eq!(
        cells::VERSIONS,
        V::ALL,
        "a new version needs its column in METHODS"
    );
}

/// The version table of `cells::METHODS` says what METHODS.md says (the table the spec's
/// schemas give; `ext` rows are the 2026-07-28 tasks extension, outside the schema).
#[test]
fn methods_agree_with_the_spec_table() {
    let Ok(dir) = std::env::var("MCP_SPEC_DIR") else {
        println!("skipped: MCP_SPEC_DIR is not set (the spec folder with METHODS.md)");
        return;
    };
    let Ok(table) = std::fs::read_to_string(format!("{dir}/METHODS.md")) else {
        println!("skipped: no {dir}/METHODS.md (set MCP_SPEC_DIR)");
        return;
    };
    let mut checked = 0;
    for line in table.lines() {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(method) = cols
            .get(1)
            .and_then(|m| m.strip_prefix('`')?.strip_suffix('`'))
        else {
            continue;
        };
        let Some((_, present, note)) = cells::METHODS.iter().find(|(m, _, _)| *m == method) else {
            panic!("{method} of METHODS.md is not in cells::METHODS");
        };
        let spec: Vec<bool> = cols[3..8].iter().map(|c| *c == "✔").collect();
        for (i, version) in cells::VERSIONS.into_iter().enumerate() {
            if *note == "ext" && version == V::V2026_07_28 {
                continue;
            }
            assert_eq!(present[i], spec[i], "{method} in {version}");
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} methods read from METHODS.md");
}

#[test]
fn every_public_client_call_has_a_cell() {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/../mcp-client/src");
    let mut found = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(src)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("mcp-client/src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).expect("source");
                found.extend(api::public_fns(&source));
            }
        }
    }
    assert!(found.len() > 40, "the scan found only {found:?}");
    let missing: Vec<_> = found
        .iter()
        .filter(|f| {
            !api::API.iter().any(|(name, _)| name == f) && !api::SETTINGS.contains(&f.as_str())
        })
        .collect();
    assert!(
        missing.is_empty(),
        "public client calls without a cell (add a Call and a line in matrix/api.rs): {missing:?}"
    );
    for (name, covered) in api::API {
        match covered {
            api::Covered::By(call) => assert!(Call::ALL.contains(call), "{name}: {call:?}"),
            api::Covered::Not(reason) => assert!(!reason.is_empty(), "{name}: say why"),
        }
        assert!(
            found.iter().any(|f| f == name),
            "{name} is no longer public"
        );
    }
}
