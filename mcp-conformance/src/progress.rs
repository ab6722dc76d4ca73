//! Progress while scenarios run, on standard error: a bar (with the scenario started last)
//! when standard error is a terminal, otherwise one plain line per result as it finishes
//! (scenarios run concurrently, so in the order they finish; the table after them is in
//! the order of `list`), so a CI log shows what ran even if the run is killed before the
//! summary table. `--quiet` turns both off. Each line is written whole, by one call.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::Record;
use crate::scenario::Outcome;

/// How progress is shown.
pub(crate) enum Progress {
    /// A bar on a terminal.
    Bar(ProgressBar),
    /// One line per result.
    Lines,
    /// Nothing.
    Quiet,
}

impl Progress {
    /// A bar if standard error is a terminal, plain lines otherwise, nothing if `quiet`.
    pub(crate) fn new(quiet: bool) -> Self {
        if quiet {
            return Self::Quiet;
        }
        if !std::io::stderr().is_terminal() {
            return Self::Lines;
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:32.cyan/blue} {pos:>4}/{len:4} {elapsed:>4} {msg}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        Self::Bar(bar)
    }

    /// `more` results are to come.
    pub(crate) fn expect(&self, more: usize) {
        if let Self::Bar(bar) = self {
            bar.inc_length(u64::try_from(more).unwrap_or(u64::MAX));
        }
    }

    /// `scenario` starts.
    pub(crate) fn start(&self, scenario: &str, transport: &str, version: &str) {
        if let Self::Bar(bar) = self {
            bar.set_message(format!("{scenario} ({transport}, {version})"));
        }
    }

    /// Shows `record`, just finished.
    pub(crate) fn record(&self, record: &Record) {
        match self {
            Self::Bar(bar) => bar.inc(1),
            Self::Lines => {
                let status = match record.outcome {
                    Outcome::Pass { .. } => "pass",
                    Outcome::Fail { .. } => "FAIL",
                    Outcome::Skip { .. } => "skip",
                };
                eprintln!(
                    "{status} {} ({}, {}) {:.0} ms",
                    record.scenario, record.transport, record.version, record.millis
                );
            }
            Self::Quiet => {}
        }
    }

    /// Clears the bar before the summary is printed.
    pub(crate) fn finish(&self) {
        if let Self::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
