//! Timing: calls through a [`Caller`], `c` in flight, bounded in count and in time.

use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::clients::Caller;

/// Throughput and latency of one measured run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    /// Operations completed in the measured part.
    pub n: usize,
    /// Operations per second (n / wall time).
    pub per_s: f64,
    /// Median latency, µs.
    pub p50_us: f64,
    /// 99th percentile latency, µs.
    pub p99_us: f64,
}

impl Stats {
    /// Stats of `latencies` completed in `elapsed`.
    pub fn of(mut latencies: Vec<Duration>, elapsed: Duration) -> Self {
        latencies.sort_unstable();
        let at = |p: f64| {
            if latencies.is_empty() {
                return 0.0;
            }
            let i = ((latencies.len() - 1) as f64 * p).round() as usize;
            latencies[i].as_secs_f64() * 1e6
        };
        Self {
            n: latencies.len(),
            per_s: latencies.len() as f64 / elapsed.as_secs_f64().max(1e-9),
            p50_us: at(0.50),
            p99_us: at(0.99),
        }
    }
}

/// How much one run may do.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Measured operations (at most).
    pub n: usize,
    /// Unmeasured calls first.
    pub warmup: usize,
    /// Wall-clock limit of the measured part; a run that hits it reports what it completed.
    pub time: Duration,
}

impl Budget {
    /// `n` shared out among `c` workers (at least one) as evenly as it goes.
    pub fn shares(&self, c: usize) -> impl Iterator<Item = usize> + use<> {
        let (n, c) = (self.n, c.max(1));
        (0..c).map(move |worker| n / c + usize::from(worker < n % c))
    }
}

/// The arguments of `tool` in every run.
pub fn args_of(tool: &str) -> Map<String, Value> {
    let value = match tool {
        "add" => serde_json::json!({"a": 1, "b": 2}),
        _ => serde_json::json!({"text": "hello world"}),
    };
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `budget.n` calls of `tool`, `c` in flight (each of `c` tasks keeps one call open).
pub async fn calls(
    caller: &Caller,
    tool: &'static str,
    c: usize,
    budget: Budget,
) -> Result<Stats, String> {
    let args = args_of(tool);
    let warm_deadline = Instant::now() + budget.time;
    for _ in 0..budget.warmup {
        if Instant::now() > warm_deadline {
            break;
        }
        caller.call(tool, &args).await?;
    }
    let start = Instant::now();
    let deadline = start + budget.time;
    let mut tasks = Vec::new();
    for share in budget.shares(c) {
        let caller = caller.clone();
        let args = args.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(share);
            for _ in 0..share {
                if Instant::now() > deadline {
                    break;
                }
                let t = Instant::now();
                caller.call(tool, &args).await?;
                latencies.push(t.elapsed());
            }
            Ok::<_, String>(latencies)
        }));
    }
    let mut latencies = Vec::with_capacity(budget.n);
    for task in tasks {
        latencies.extend(task.await.map_err(|e| e.to_string())??);
    }
    Ok(Stats::of(latencies, start.elapsed()))
}
