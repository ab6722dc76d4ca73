//! Abuse limits per principal: a token bucket for the rate of requests and a cap on tool
//! calls in flight, plus the per-call timeout. One principal over its limits never slows
//! another: each has its own bucket and its own cap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mcp_auth::PrincipalKey;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The limits, configurable; the defaults are sane for a demo.
#[derive(Clone, Debug)]
pub struct LimitsConfig {
    /// Requests per second a principal may make, on average.
    pub rate_per_sec: f64,
    /// How many requests a principal may make at once after being quiet.
    pub burst: u32,
    /// Tool calls of one principal in flight at once.
    pub max_in_flight: usize,
    /// How long one tool call may run.
    pub call_timeout: Duration,
}

impl Default for LimitsConfig {
    /// 10 requests/s with bursts of 20, 4 calls in flight, 10 s per call.
    fn default() -> Self {
        Self {
            rate_per_sec: 10.0,
            burst: 20,
            max_in_flight: 4,
            call_timeout: Duration::from_secs(10),
        }
    }
}

/// Past this many principals tracked, idle state is dropped (a full bucket, no call in
/// flight), so a stream of new identities cannot grow the maps without bound.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The limits' state: one bucket and one in-flight cap per principal.
#[derive(Debug)]
pub struct Limits {
    config: LimitsConfig,
    buckets: Mutex<HashMap<PrincipalKey, Bucket>>,
    in_flight: Mutex<HashMap<PrincipalKey, Arc<Semaphore>>>,
}

impl Limits {
    /// Fresh state for `config`.
    pub fn new(config: LimitsConfig) -> Self {
        Self {
            config,
            buckets: Mutex::new(HashMap::new()),
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &LimitsConfig {
        &self.config
    }

    /// Takes one token from `who`'s bucket, or says how long until one is there (rounded
    /// up to whole seconds, as `Retry-After` counts).
    pub fn take(&self, who: &PrincipalKey, now: Instant) -> Result<(), Duration> {
        let rate = self.config.rate_per_sec.max(f64::MIN_POSITIVE);
        let burst = f64::from(self.config.burst.max(1));
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < burst
            });
        }
        let bucket = buckets.entry(who.clone()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - bucket.tokens) / rate).ceil().max(1.0);
            Err(Duration::from_secs_f64(wait.min(86_400.0)))
        }
    }

    /// Admits one more tool call of `who`, or refuses when the cap is reached (the permit
    /// ends the call's slot when dropped).
    pub fn enter(&self, who: &PrincipalKey) -> Result<OwnedSemaphorePermit, usize> {
        let cap = self.config.max_in_flight.max(1);
        let semaphore = match self.in_flight.lock() {
            Ok(mut map) => {
                if map.len() > PRUNE_ABOVE {
                    map.retain(|_, s| s.available_permits() < cap);
                }
                map.entry(who.clone())
                    .or_insert_with(|| Arc::new(Semaphore::new(cap)))
                    .clone()
            }
            Err(_) => return Err(cap),
        };
        semaphore.try_acquire_owned().map_err(|_| cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_auth::Principal;

    fn limits(rate: f64, burst: u32, in_flight: usize) -> Limits {
        Limits::new(LimitsConfig {
            rate_per_sec: rate,
            burst,
            max_in_flight: in_flight,
            call_timeout: Duration::from_secs(1),
        })
    }

    #[test]
    fn the_bucket_allows_a_burst_then_refills_at_the_rate() {
        let limits = limits(2.0, 3, 1);
        let alice = Principal::new("iss", "alice").key();
        let bob = Principal::new("iss", "bob").key();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limits.take(&alice, t0), Ok(()));
        }
        assert_eq!(limits.take(&alice, t0), Err(Duration::from_secs(1)));
        // Another principal is untouched.
        assert_eq!(limits.take(&bob, t0), Ok(()));
        // Half a second at 2/s is one token.
        assert_eq!(limits.take(&alice, t0 + Duration::from_millis(500)), Ok(()));
        assert!(
            limits
                .take(&alice, t0 + Duration::from_millis(500))
                .is_err()
        );
    }

    #[test]
    fn idle_principals_are_forgotten_past_the_prune_threshold() {
        let limits = limits(1.0, 2, 1);
        let t0 = Instant::now();
        let busy = Principal::new("iss", "busy").key();
        assert_eq!(limits.take(&busy, t0), Ok(()));
        let _slot = limits.enter(&busy).expect("slot");
        for n in 0..=PRUNE_ABOVE {
            let key = Principal::new("iss", format!("u{n}")).key();
            limits.take(&key, t0).expect("first request");
            drop(limits.enter(&key).expect("slot"));
        }
        // Everyone refilled a minute later; the next new principal triggers the pruning.
        let later = t0 + Duration::from_secs(60);
        let newcomer = Principal::new("iss", "new").key();
        assert_eq!(limits.take(&newcomer, later), Ok(()));
        assert!(limits.enter(&newcomer).is_ok());
        assert!(limits.buckets.lock().expect("buckets").len() <= 2);
        // The busy principal's call in flight is kept, and still counts.
        assert_eq!(limits.enter(&busy).err(), Some(1));
    }

    #[test]
    fn the_in_flight_cap_is_per_principal_and_released_on_drop() {
        let limits = limits(1.0, 1, 2);
        let alice = Principal::new("iss", "alice").key();
        let bob = Principal::new("iss", "bob").key();
        let first = limits.enter(&alice).expect("first");
        let _second = limits.enter(&alice).expect("second");
        assert_eq!(limits.enter(&alice).err(), Some(2));
        assert!(limits.enter(&bob).is_ok());
        drop(first);
        assert!(limits.enter(&alice).is_ok());
    }
}
