//! The results of one run as markdown: machine facts, the tables, the ratios ours/theirs.

use std::fmt::Write;

use crate::clients::Side;
use crate::measure::Stats;
use crate::sessions::Sessions;

/// The rmcp version the harness is pinned to (Cargo.toml says `=3.11.0`).
pub const RMCP_VERSION: &str = "3.11.0";

/// One measured call row.
#[derive(Clone, Debug)]
pub struct CallRow {
    /// `in-memory`, `stdio` or `HTTP`.
    pub transport: &'static str,
    /// Calls in flight.
    pub c: usize,
    /// `echo` or `add`.
    pub tool: &'static str,
    /// The client's implementation.
    pub client: Side,
    /// The server's implementation.
    pub server: Side,
    /// What was measured.
    pub stats: Stats,
}

/// Everything one run measured.
#[derive(Debug, Default)]
pub struct Results {
    /// Tool-call rows.
    pub calls: Vec<CallRow>,
    /// Sessions runs, by server.
    pub sessions: Vec<(Side, Sessions)>,
    /// Cold start medians in ms, by server.
    pub cold_ms: Vec<(Side, f64)>,
    /// Physical limits: name and stats.
    pub limits: Vec<(&'static str, Stats)>,
    /// Counts and time limits used, for the header.
    pub settings: String,
}

fn ratio(ours: f64, theirs: f64) -> String {
    if theirs > 0.0 && ours.is_finite() {
        format!("{:.2}", ours / theirs)
    } else {
        "–".into()
    }
}

fn num(x: f64) -> String {
    if x >= 100.0 {
        let s = format!("{x:.0}");
        // Thousands separators keep the table readable.
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        out
    } else {
        format!("{x:.1}")
    }
}

impl Results {
    fn call(
        &self,
        transport: &str,
        c: usize,
        tool: &str,
        client: Side,
        server: Side,
    ) -> Option<&Stats> {
        self.calls
            .iter()
            .find(|r| {
                r.transport == transport
                    && r.c == c
                    && r.tool == tool
                    && r.client == client
                    && r.server == server
            })
            .map(|r| &r.stats)
    }

    fn limit(&self, name: &str) -> Option<&Stats> {
        self.limits.iter().find(|(n, _)| *n == name).map(|(_, s)| s)
    }

    /// The tables and the ratios, as markdown.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "Settings: {}\n", self.settings);
        let _ = writeln!(md, "### Tool calls\n");
        let _ = writeln!(
            md,
            "`x / rmcp→rmcp` is the row's calls/s over the rmcp→rmcp row of the same group: the \
             ours→ours row gives ours/theirs; the mixed rows show what swapping one side does.\n"
        );
        let _ = writeln!(
            md,
            "| transport | in flight | tool | client → server | calls/s | p50 µs | p99 µs | x / rmcp→rmcp |"
        );
        let _ = writeln!(md, "|---|---|---|---|---|---|---|---|");
        for row in &self.calls {
            let base = self.call(row.transport, row.c, row.tool, Side::Rmcp, Side::Rmcp);
            let _ = writeln!(
                md,
                "| {} | c{} | {} | {} → {} | {} | {} | {} | {} |",
                row.transport,
                row.c,
                row.tool,
                row.client.name(),
                row.server.name(),
                num(row.stats.per_s),
                num(row.stats.p50_us),
                num(row.stats.p99_us),
                base.map_or_else(|| "–".into(), |b| ratio(row.stats.per_s, b.per_s)),
            );
        }
        let _ = writeln!(md, "\n### Sessions, memory, cold start\n");
        let _ = writeln!(
            md,
            "| server | sessions/s | p50 µs | p99 µs | RSS per idle session | cold start (median) |"
        );
        let _ = writeln!(md, "|---|---|---|---|---|---|");
        for side in [Side::Ours, Side::Rmcp] {
            let s = self
                .sessions
                .iter()
                .find(|(x, _)| *x == side)
                .map(|(_, s)| s);
            let cold = self
                .cold_ms
                .iter()
                .find(|(x, _)| *x == side)
                .map(|(_, c)| *c);
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                side.name(),
                s.map_or_else(|| "–".into(), |s| num(s.stats.per_s)),
                s.map_or_else(|| "–".into(), |s| num(s.stats.p50_us)),
                s.map_or_else(|| "–".into(), |s| num(s.stats.p99_us)),
                s.map_or_else(
                    || "–".into(),
                    |s| format!("{:.1} KiB", s.bytes_per_session / 1024.0)
                ),
                cold.map_or_else(|| "–".into(), |c| format!("{c:.2} ms")),
            );
        }
        let _ = writeln!(md, "\n### Physical limits (same run)\n");
        let _ = writeln!(md, "| what | ops/s | p50 µs | p99 µs |");
        let _ = writeln!(md, "|---|---|---|---|");
        for (name, s) in &self.limits {
            let _ = writeln!(
                md,
                "| {name} | {} | {} | {} |",
                num(s.per_s),
                num(s.p50_us),
                num(s.p99_us)
            );
        }
        md.push_str(&self.ratios());
        md
    }

    /// Every ratio ours/theirs, and each side against the physical limit under it.
    fn ratios(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "\n### Ratios ours / theirs\n");
        let _ = writeln!(
            md,
            "Throughput and sessions/s: above 1 is ours faster. Memory and cold start: below 1 is ours smaller/faster.\n"
        );
        let _ = writeln!(md, "| figure | ours | rmcp | ours / rmcp |");
        let _ = writeln!(md, "|---|---|---|---|");
        let mut groups: Vec<(&str, usize, &str)> = Vec::new();
        for r in &self.calls {
            if !groups.contains(&(r.transport, r.c, r.tool)) {
                groups.push((r.transport, r.c, r.tool));
            }
        }
        for (t, c, tool) in groups {
            if let (Some(o), Some(r)) = (
                self.call(t, c, tool, Side::Ours, Side::Ours),
                self.call(t, c, tool, Side::Rmcp, Side::Rmcp),
            ) {
                let _ = writeln!(
                    md,
                    "| {t} c{c} {tool}, calls/s | {} | {} | {} |",
                    num(o.per_s),
                    num(r.per_s),
                    ratio(o.per_s, r.per_s)
                );
                let _ = writeln!(
                    md,
                    "| {t} c{c} {tool}, p50 latency µs | {} | {} | {} |",
                    num(o.p50_us),
                    num(r.p50_us),
                    ratio(o.p50_us, r.p50_us)
                );
            }
        }
        let find = |side| {
            self.sessions
                .iter()
                .find(|(x, _)| *x == side)
                .map(|(_, s)| *s)
        };
        if let (Some(o), Some(r)) = (find(Side::Ours), find(Side::Rmcp)) {
            let _ = writeln!(
                md,
                "| HTTP sessions/s | {} | {} | {} |",
                num(o.stats.per_s),
                num(r.stats.per_s),
                ratio(o.stats.per_s, r.stats.per_s)
            );
            let _ = writeln!(
                md,
                "| RSS per idle session, KiB | {:.1} | {:.1} | {} |",
                o.bytes_per_session / 1024.0,
                r.bytes_per_session / 1024.0,
                ratio(o.bytes_per_session, r.bytes_per_session)
            );
        }
        let cold = |side| {
            self.cold_ms
                .iter()
                .find(|(x, _)| *x == side)
                .map(|(_, c)| *c)
        };
        if let (Some(o), Some(r)) = (cold(Side::Ours), cold(Side::Rmcp)) {
            let _ = writeln!(md, "| cold start, ms | {o:.2} | {r:.2} | {} |", ratio(o, r));
        }
        let _ = writeln!(
            md,
            "\n### Against the physical limits (calls/s over the limit's ops/s)\n"
        );
        let _ = writeln!(md, "| figure | ours→ours | rmcp→rmcp |");
        let _ = writeln!(md, "|---|---|---|");
        for (t, c, limit) in [
            ("stdio", 1, "pipe ping-pong c1"),
            ("HTTP", 1, "hyper POST c1"),
            ("HTTP", 16, "hyper POST c16"),
        ] {
            if let Some(l) = self.limit(limit) {
                let of = |side| {
                    self.call(t, c, "echo", side, side)
                        .map_or_else(|| "–".into(), |s: &Stats| ratio(s.per_s, l.per_s))
                };
                let _ = writeln!(
                    md,
                    "| {t} c{c} echo / {limit} | {} | {} |",
                    of(Side::Ours),
                    of(Side::Rmcp)
                );
            }
        }
        md
    }
}
