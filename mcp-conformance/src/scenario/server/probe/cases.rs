//! Generated cases and their shrinking, driven by hand through proptest's `ValueTree`
//! (`new_tree`, `current`, `simplify`, `complicate`), because each case is an async call to
//! the target.
//!
//! Proptest's trees are not `Send`, and a scenario's future must be: so the trees live on a
//! thread of their own, and the scenario asks it for values over a channel. The thread is
//! pure computation; it ends when the [`Cases`] handle is dropped.

use std::sync::mpsc;

use futures::channel::oneshot;
use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;

/// The seed of every run: the same target gets the same cases, so a report can be
/// reproduced.
pub(super) const SEED: [u8; 32] = *b"mcp-conformance tools/probe seed";

/// The seed as hex, for the evidence.
pub(super) fn seed_hex() -> String {
    SEED.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the scenario asks of the generator.
#[derive(Clone, Copy, Debug)]
pub(super) enum Step {
    /// A fresh case.
    Fresh,
    /// A simpler version of the current case (after it failed).
    Simplify,
    /// A less simple one, between the last failing and the current one (after a simplified
    /// case passed).
    Complicate,
}

type Ask = (Step, oneshot::Sender<Option<Value>>);

/// A handle on the generator thread of one strategy.
pub(super) struct Cases {
    asks: mpsc::Sender<Ask>,
}

impl Cases {
    /// Starts generating from the strategy `build` makes (on the generator thread, since a
    /// strategy is not `Send` either).
    pub(super) fn start(
        build: impl FnOnce() -> Result<BoxedStrategy<Value>, String> + Send + 'static,
    ) -> Self {
        let (asks, inbox) = mpsc::channel::<Ask>();
        std::thread::spawn(move || {
            let Ok(strategy) = build() else { return };
            let mut runner = TestRunner::new_with_rng(
                Config::default(),
                TestRng::from_seed(RngAlgorithm::ChaCha, &SEED),
            );
            let mut tree: Option<Box<dyn ValueTree<Value = Value>>> = None;
            // Bounded: one answer per ask, and the asks end when the handle is dropped.
            while let Ok((step, answer)) = inbox.recv() {
                let value = match (step, tree.as_mut()) {
                    (Step::Fresh, _) => {
                        tree = strategy
                            .new_tree(&mut runner)
                            .ok()
                            .map(|t| Box::new(t) as _);
                        tree.as_ref().map(|t| t.current())
                    }
                    (Step::Simplify, Some(t)) => t.simplify().then(|| t.current()),
                    (Step::Complicate, Some(t)) => t.complicate().then(|| t.current()),
                    (_, None) => None,
                };
                let _ = answer.send(value);
            }
        });
        Self { asks }
    }

    /// The value for `step`; `None` when there is none (no simpler or more complex value,
    /// or a strategy that could not be built).
    pub(super) async fn next(&self, step: Step) -> Option<Value> {
        let (answer, value) = oneshot::channel();
        self.asks.send((step, answer)).ok()?;
        value.await.ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shrinking by hand finds the boundary of a failure.
    #[test]
    fn shrinking_finds_the_smallest_failing_integer() {
        let cases = Cases::start(|| Ok((0i64..1_000_000).prop_map(Value::from).boxed()));
        let fails = |v: &Value| v.as_i64().is_some_and(|n| n > 1000);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let mut first = None;
            for _ in 0..100 {
                let v = cases.next(Step::Fresh).await.expect("a case");
                if fails(&v) {
                    first = Some(v);
                    break;
                }
            }
            let mut minimal = first.expect("a failing case");
            let mut step = Step::Simplify;
            for _ in 0..200 {
                let Some(v) = cases.next(step).await else {
                    break;
                };
                step = if fails(&v) {
                    minimal = v;
                    Step::Simplify
                } else {
                    Step::Complicate
                };
            }
            assert_eq!(minimal, Value::from(1001));
        });
    }
}
