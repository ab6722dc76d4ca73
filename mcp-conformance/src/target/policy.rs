//! Which of a target's tools a run may call: a conformance run must not harm the server it
//! tests, and a tool call may do anything (write files, drop tables, send mail).
//!
//! The default, `--call-tools readonly`, calls only a tool its server describes as harmless:
//! annotated `readOnlyHint: true` (2025-03-26 on, server/tools §Tool annotations: "If true,
//! the tool does not modify its environment"), and not `destructiveHint: true` nor
//! `openWorldHint: true`. An absent annotation counts as its spec default, which for
//! `readOnlyHint` is `false`: a tool that says nothing is not called.
//!
//! `openWorldHint: true` ("this tool may interact with an 'open world' of external
//! entities") withholds a read-only tool too: generated arguments never point outside this
//! machine (see the probe's argument generation), but such a tool may fetch a fixed address
//! of its own, and a conformance run makes no traffic beyond the target on the user's
//! behalf. Only the explicit `true` counts here: the spec default of `openWorldHint` is
//! `true` as well, but a tool that says `readOnlyHint: true` and nothing about the world is
//! taken at its word (withholding it would leave almost every server with nothing to call).
//!
//! `--call-tools all` calls every tool (the command line warns first), `none` calls none;
//! `--allow-tool NAME` widens either, `--deny-tool NAME` narrows it, and a tool both allowed
//! and denied is not called. Annotations are hints, not guarantees (server/tools §Tool
//! annotations: "clients MUST consider tool annotations to be untrusted unless they come
//! from trusted servers"): a server that lies about them is not protected from itself.

use serde_json::Value;

/// Which tools a run may call, before `--allow-tool` and `--deny-tool`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CallTools {
    /// Only tools annotated `readOnlyHint: true`, not `destructiveHint: true` nor
    /// `openWorldHint: true`.
    #[default]
    #[value(name = "readonly")]
    ReadOnly,
    /// Every tool, whatever it may do.
    All,
    /// No tool.
    None,
}

impl CallTools {
    /// Its name on the command line.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::ReadOnly => "readonly",
            Self::All => "all",
            Self::None => "none",
        }
    }
}

/// The tool policy of a run: `--call-tools`, `--allow-tool`, `--deny-tool`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ToolPolicy {
    /// The base rule.
    pub(crate) call: CallTools,
    /// Tools called whatever the base rule says (unless denied).
    pub(crate) allow: Vec<String>,
    /// Tools never called.
    pub(crate) deny: Vec<String>,
}

impl ToolPolicy {
    /// Every tool may be called: for this workspace's own reference server, whose tools are
    /// known to be harmless.
    pub(crate) fn all() -> Self {
        Self {
            call: CallTools::All,
            ..Self::default()
        }
    }

    /// Why `tool` (an entry of a `tools/list` result) is not to be called; `None` when it
    /// may be.
    pub(crate) fn withheld(&self, tool: &Value) -> Option<String> {
        let name = tool["name"].as_str().unwrap_or_default();
        if self.deny.iter().any(|d| d == name) {
            return Some("--deny-tool".into());
        }
        if self.allow.iter().any(|a| a == name) {
            return None;
        }
        match self.call {
            CallTools::All => None,
            CallTools::None => Some("--call-tools none".into()),
            CallTools::ReadOnly => unsafe_annotation(&tool["annotations"]),
        }
    }

    /// Why the tool named `name`, never seen in a `tools/list` result, is not to be called:
    /// its annotations are unknown, so only an explicit allowance or `all` lets it through.
    pub(crate) fn withheld_unlisted(&self, name: &str) -> Option<String> {
        self.withheld(&serde_json::json!({"name": name}))
            .map(|why| format!("not listed, so its annotations are unknown ({why})"))
    }
}

/// Why a tool with `annotations` may change something or reach outside; `None` when it says
/// it does neither.
fn unsafe_annotation(annotations: &Value) -> Option<String> {
    let hint = |name: &str| annotations.get(name).and_then(Value::as_bool);
    match hint("readOnlyHint") {
        None => return Some("no readOnlyHint".into()),
        Some(false) => return Some("readOnlyHint: false".into()),
        Some(true) => {}
    }
    if hint("destructiveHint") == Some(true) {
        return Some("destructiveHint: true".into());
    }
    if hint("openWorldHint") == Some(true) {
        return Some("openWorldHint: true (it may reach outside this machine)".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tool(name: &str, annotations: Value) -> Value {
        json!({"name": name, "inputSchema": {"type": "object"}, "annotations": annotations})
    }

    #[test]
    fn by_default_only_tools_that_say_they_are_harmless_are_called() {
        let p = ToolPolicy::default();
        assert_eq!(
            p.withheld(&tool("read", json!({"readOnlyHint": true}))),
            None
        );
        let read_local =
            json!({"readOnlyHint": true, "openWorldHint": false, "destructiveHint": false});
        assert_eq!(p.withheld(&tool("read", read_local)), None);
        let why = |annotations| p.withheld(&tool("t", annotations)).expect("withheld");
        assert_eq!(why(Value::Null), "no readOnlyHint");
        assert_eq!(why(json!({})), "no readOnlyHint");
        assert_eq!(why(json!({"readOnlyHint": "yes"})), "no readOnlyHint");
        assert_eq!(why(json!({"readOnlyHint": false})), "readOnlyHint: false");
        assert_eq!(
            why(json!({"destructiveHint": true})),
            "no readOnlyHint",
            "destructive without readOnlyHint"
        );
        let contradictory = json!({"readOnlyHint": true, "destructiveHint": true});
        assert_eq!(why(contradictory), "destructiveHint: true");
        let fetches = json!({"readOnlyHint": true, "openWorldHint": true});
        assert!(why(fetches).starts_with("openWorldHint: true"));
    }

    #[test]
    fn all_and_none_and_the_lists_widen_and_narrow_with_deny_winning() {
        let writer = tool("write", json!({"destructiveHint": true}));
        let reader = tool("read", json!({"readOnlyHint": true}));
        assert_eq!(ToolPolicy::all().withheld(&writer), None);
        let none = ToolPolicy {
            call: CallTools::None,
            ..ToolPolicy::default()
        };
        assert_eq!(none.withheld(&reader).as_deref(), Some("--call-tools none"));
        let allowed = ToolPolicy {
            allow: vec!["write".into()],
            ..ToolPolicy::default()
        };
        assert_eq!(allowed.withheld(&writer), None);
        let widened_none = ToolPolicy {
            allow: vec!["write".into()],
            ..none
        };
        assert_eq!(widened_none.withheld(&writer), None);
        assert!(widened_none.withheld(&reader).is_some());
        let both = ToolPolicy {
            call: CallTools::All,
            allow: vec!["read".into()],
            deny: vec!["read".into()],
        };
        assert_eq!(both.withheld(&reader).as_deref(), Some("--deny-tool"));
        assert_eq!(both.withheld(&writer), None);
    }

    #[test]
    fn a_tool_never_listed_is_called_only_when_allowed_by_name_or_all() {
        let p = ToolPolicy::default();
        assert!(
            p.withheld_unlisted("x")
                .is_some_and(|w| w.contains("not listed"))
        );
        assert_eq!(ToolPolicy::all().withheld_unlisted("x"), None);
        let allowed = ToolPolicy {
            allow: vec!["x".into()],
            ..p
        };
        assert_eq!(allowed.withheld_unlisted("x"), None);
    }
}
