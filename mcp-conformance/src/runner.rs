//! Running scenarios concurrently: every scenario × version is independent (each opens its
//! own connection, or starts its own process), so up to `--jobs` of them run at once. The
//! records come back in the order the scenarios were listed, whatever order they finish in;
//! progress shows them as they finish.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_protocol::ProtocolVersion;
use tokio::task::JoinSet;

use crate::progress::Progress;
use crate::report::Record;
use crate::scenario::{self, Outcome, Severity};
use crate::target::Target;

/// The number of cores: the worker threads of a run, and how many target processes start
/// at once (`crate::target::Target::command`).
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// The default `--jobs`: four scenarios in flight per core (at least 4, at most 32). A
/// scenario spends nearly all its time waiting on its target (an answer, a busy tool's call
/// wait, a replay going quiet), not on a core: with one per core, two scenarios waiting out a
/// tool held a 2-core run. What does need a core, starting a target process and its
/// handshake, is bounded by [`cores`] on its own, so more jobs do not start more processes at
/// once than the machine runs.
pub(crate) fn default_jobs() -> usize {
    (cores() * 4).clamp(4, 32)
}

/// A runtime for `jobs` concurrent scenarios: worker threads up to the number of cores (the
/// scenarios mostly wait on their targets; the threads are for the schema checks and the
/// argument generation between the waits).
pub(crate) fn runtime(jobs: usize) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(jobs.clamp(1, cores()))
        .enable_all()
        .build()
}

/// One scenario × version to run: what its record says about it, and the work, which gives
/// the version it ran in (a client scenario learns it from the client) and the outcome.
pub(crate) struct Task {
    pub(crate) scenario: &'static str,
    pub(crate) spec: &'static str,
    /// The scenario's headline level (a finding may carry its own).
    pub(crate) severity: Severity,
    pub(crate) transport: &'static str,
    pub(crate) version: &'static str,
    /// Where it starts: the scenarios of [`STARTS_FIRST`] in the order listed there, before
    /// all the others (`STARTS_FIRST.len()`), which start in the order given.
    pub(crate) rank: usize,
    pub(crate) work: BoxFuture<'static, (&'static str, Outcome)>,
}

/// Scenarios that take long on some servers whatever `--jobs` is, longest first:
/// resumability reads a numbered stream to its end and a replay until it goes quiet (22 s
/// against server-everything over HTTP), the probe runs up to its own time budget, and
/// progress waits out every busy tool it calls. They start first, so that they run alongside
/// the many short ones instead of ending the run alone.
const STARTS_FIRST: [&str; 3] = ["http/resumability", "tools/probe", "utilities/progress"];

/// Where scenario `name` starts: see [`Task::rank`].
fn rank(name: &str) -> usize {
    STARTS_FIRST
        .iter()
        .position(|first| *first == name)
        .unwrap_or(STARTS_FIRST.len())
}

/// The tasks of the `chosen` server scenarios against `target`, scenario by scenario, each in
/// every version of `versions`.
pub(crate) fn server_tasks(
    target: &Target,
    chosen: &[scenario::server::ServerScenario],
    versions: &[ProtocolVersion],
) -> Vec<Task> {
    let mut tasks = Vec::with_capacity(chosen.len() * versions.len());
    for s in chosen {
        for &version in versions {
            let target = target.clone();
            let check = s.check;
            tasks.push(Task {
                scenario: s.name,
                spec: s.spec,
                severity: s.severity,
                transport: target.transport(),
                version: version.as_str(),
                rank: rank(s.name),
                work: async move { (version.as_str(), check(&target, version).await) }.boxed(),
            });
        }
    }
    tasks
}

/// The tasks of the `chosen` client scenarios, each run against the client `command` starts
/// (killed after `within`).
pub(crate) fn client_tasks(
    command: &str,
    chosen: Vec<scenario::client::ClientScenario>,
    within: Duration,
) -> Vec<Task> {
    chosen
        .into_iter()
        .map(|s| {
            let command = command.to_owned();
            Task {
                scenario: s.name,
                spec: s.spec,
                severity: s.severity,
                transport: "http",
                version: "-",
                rank: rank(s.name),
                work: async move { scenario::client::run(&s, &command, within).await }.boxed(),
            }
        })
        .collect()
}

/// Runs the `chosen` scenarios of the protocol layer and the reference pair in every version
/// of `versions`, on up to `jobs` threads (each check makes its own runtime, and some block);
/// their records in the order of `chosen`, version by version.
pub(crate) fn run_blocking(
    jobs: usize,
    progress: &Progress,
    chosen: &[scenario::Scenario],
    versions: &[ProtocolVersion],
) -> Vec<Record> {
    let work: Vec<_> = chosen
        .iter()
        .flat_map(|s| versions.iter().map(move |&v| (s, v)))
        .collect();
    progress.expect(work.len());
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Record>>> = work.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        // These scenarios compute rather than wait: no more threads than cores.
        for _ in 0..jobs.min(cores()).clamp(1, work.len().max(1)) {
            scope.spawn(|| {
                // Bounded: each pass takes the next item, and there are `work.len()`.
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(s, version)) = work.get(i) else {
                        break;
                    };
                    progress.start(s.name, s.transport_name(), version.as_str());
                    let t = Instant::now();
                    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| s.run(version)))
                        .unwrap_or_else(|_| Outcome::fail(PANICKED, vec![]));
                    let record = Record {
                        scenario: s.name,
                        spec: s.spec,
                        severity: outcome.severity(s.severity).as_str(),
                        transport: s.transport_name(),
                        version: version.as_str(),
                        outcome,
                        millis: t.elapsed().as_secs_f64() * 1e3,
                    };
                    progress.record(&record);
                    *slots[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(record);
                }
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|m| m.into_inner().unwrap_or_else(PoisonError::into_inner))
        .collect()
}

/// The failure of a scenario whose check panicked.
const PANICKED: &str = "the scenario panicked (a bug of mcp-conformance, not of the target)";

/// Runs `tasks` on `runtime`, at most `jobs` at once; their records in the order of `tasks`.
pub(crate) fn run_tasks(
    runtime: &tokio::runtime::Runtime,
    jobs: usize,
    progress: &Progress,
    tasks: Vec<Task>,
) -> Vec<Record> {
    progress.expect(tasks.len());
    let mut slots: Vec<Option<Record>> =
        std::iter::repeat_with(|| None).take(tasks.len()).collect();
    runtime.block_on(async {
        let mut queue: Vec<_> = tasks.into_iter().enumerate().collect();
        // Stable: in the order given within each rank.
        queue.sort_by_key(|(_, task)| task.rank);
        let mut queue = queue.into_iter();
        let mut running = JoinSet::new();
        loop {
            while running.len() < jobs.max(1) {
                let Some((i, task)) = queue.next() else { break };
                progress.start(task.scenario, task.transport, task.version);
                running.spawn(run_task(i, task));
            }
            let Some(joined) = running.join_next().await else {
                break;
            };
            // A task that panicked is caught in `run_task`; a join error is only a runtime
            // shutting down, which does not happen while it is blocked on here.
            if let Ok((i, record)) = joined {
                progress.record(&record);
                slots[i] = Some(record);
            }
        }
    });
    slots.into_iter().flatten().collect()
}

/// Runs one task, timing it; a panic in a scenario is its failure, not the run's end.
async fn run_task(i: usize, task: Task) -> (usize, Record) {
    let Task {
        scenario,
        spec,
        severity,
        transport,
        version,
        work,
        ..
    } = task;
    let t = Instant::now();
    let (version, outcome) = AssertUnwindSafe(work)
        .catch_unwind()
        .await
        .unwrap_or_else(|_| (version, Outcome::fail(PANICKED, vec![])));
    let record = Record {
        scenario,
        spec,
        // A finding may be at another level than the scenario's headline.
        severity: outcome.severity(severity).as_str(),
        transport,
        version,
        outcome,
        millis: t.elapsed().as_secs_f64() * 1e3,
    };
    (i, record)
}
