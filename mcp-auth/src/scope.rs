//! Which scopes each tool, resource, prompt or method needs.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, SystemTime};

use crate::{Challenge, ErrorCode, Principal};

/// What a request touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target<'a> {
    /// `tools/call` of this tool.
    Tool(&'a str),
    /// `resources/read` (or subscribe) of this URI.
    Resource(&'a str),
    /// `prompts/get` of this prompt.
    Prompt(&'a str),
    /// Any other method, by name.
    Method(&'a str),
}

/// Required scopes per target, with a default, and an optional hierarchy.
///
/// Resources are matched by exact URI first, then by the longest configured prefix (a URI
/// template's literal part such as `file:///docs/`).
#[derive(Debug, Clone, Default)]
pub struct ScopePolicy {
    default: BTreeSet<String>,
    tools: HashMap<String, BTreeSet<String>>,
    prompts: HashMap<String, BTreeSet<String>>,
    methods: HashMap<String, BTreeSet<String>>,
    resources: Vec<(String, BTreeSet<String>)>,
    /// broader scope → the narrower scopes it implies.
    implies: HashMap<String, BTreeSet<String>>,
    /// tool → the most time since the user's authentication a call may come.
    recent: HashMap<String, Duration>,
}

fn set<I: IntoIterator<Item = S>, S: Into<String>>(scopes: I) -> BTreeSet<String> {
    scopes.into_iter().map(Into::into).collect()
}

impl ScopePolicy {
    /// A policy requiring nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Scopes every target without its own rule needs.
    #[must_use]
    pub fn default_scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.default = set(scopes);
        self
    }

    /// Scopes a tool needs.
    #[must_use]
    pub fn tool<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        name: &str,
        scopes: I,
    ) -> Self {
        self.tools.insert(name.to_owned(), set(scopes));
        self
    }

    /// Scopes a prompt needs.
    #[must_use]
    pub fn prompt<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        name: &str,
        scopes: I,
    ) -> Self {
        self.prompts.insert(name.to_owned(), set(scopes));
        self
    }

    /// Scopes a method needs.
    #[must_use]
    pub fn method<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        name: &str,
        scopes: I,
    ) -> Self {
        self.methods.insert(name.to_owned(), set(scopes));
        self
    }

    /// Scopes a resource URI, or every URI starting with this prefix, needs.
    #[must_use]
    pub fn resource<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        uri_or_prefix: &str,
        scopes: I,
    ) -> Self {
        self.resources.push((uri_or_prefix.to_owned(), set(scopes)));
        self
    }

    /// Declares that holding `broader` grants each of `narrower` (e.g. `files:admin` implies
    /// `files:read`). One level: implications do not chain.
    #[must_use]
    pub fn implies<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        broader: &str,
        narrower: I,
    ) -> Self {
        self.implies
            .entry(broader.to_owned())
            .or_default()
            .extend(set(narrower));
        self
    }

    /// A call of `tool` needs a recent user authentication: the token's `auth_time` (else
    /// `iat`) at most `max_age` ago (RFC 9470). Meant for destructive tools, so that a token
    /// obtained long ago (or stolen) cannot do the worst on its own.
    #[must_use]
    pub fn recent_authentication(mut self, tool: &str, max_age: Duration) -> Self {
        self.recent.insert(tool.to_owned(), max_age);
        self
    }

    /// The most time since the user's authentication a call of `target` may come, if it
    /// has such a rule.
    pub fn max_auth_age(&self, target: Target<'_>) -> Option<Duration> {
        match target {
            Target::Tool(name) => self.recent.get(name).copied(),
            _ => None,
        }
    }

    /// Whether `principal` authenticated recently enough for `target`
    /// ([`recent_authentication`](Self::recent_authentication)); if not (or if the token says
    /// nothing of when), 403 `insufficient_user_authentication` with `max_age` (RFC 9470 §3).
    pub fn check_recent(
        &self,
        principal: &Principal,
        target: Target<'_>,
        resource_metadata: &str,
        now: SystemTime,
    ) -> Result<(), Challenge> {
        let Some(max_age) = self.max_auth_age(target) else {
            return Ok(());
        };
        let recent = principal
            .authenticated_at
            .is_some_and(|at| now.duration_since(at).map_or(true, |age| age <= max_age));
        if recent {
            return Ok(());
        }
        Err(Challenge::insufficient_user_authentication(
            resource_metadata,
            max_age.as_secs(),
        ))
    }

    /// The scopes `target` needs.
    pub fn required(&self, target: Target<'_>) -> &BTreeSet<String> {
        let found = match target {
            Target::Tool(name) => self.tools.get(name),
            Target::Prompt(name) => self.prompts.get(name),
            Target::Method(name) => self.methods.get(name),
            Target::Resource(uri) => self
                .resources
                .iter()
                .filter(|(prefix, _)| uri.starts_with(prefix.as_str()))
                .max_by_key(|(prefix, _)| (prefix == uri, prefix.len()))
                .map(|(_, scopes)| scopes),
        };
        found.unwrap_or(&self.default)
    }

    /// Whether `principal` may act on `target`; if not, a 403 `insufficient_scope` challenge
    /// whose `scope` lists every scope the target needs (RFC 6750 §3.1), so one step-up suffices.
    pub fn check(
        &self,
        principal: &Principal,
        target: Target<'_>,
        resource_metadata: &str,
    ) -> Result<(), Challenge> {
        let required = self.required(target);
        let held = |scope: &String| {
            principal.scopes.contains(scope)
                || principal
                    .scopes
                    .iter()
                    .any(|have| self.implies.get(have).is_some_and(|n| n.contains(scope)))
        };
        if required.iter().all(held) {
            return Ok(());
        }
        Err(Challenge::error(
            ErrorCode::InsufficientScope,
            resource_metadata,
            Some("the token lacks a required scope"),
            required,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: &str = "https://h/.well-known/oauth-protected-resource/mcp";

    #[test]
    fn missing_scope_gives_403_with_all_needed() {
        let policy = ScopePolicy::new()
            .default_scopes(["mcp:read"])
            .tool("delete", ["files:write", "files:admin"]);
        let p = Principal::new("iss", "alice").with_scopes(["mcp:read", "files:write"]);
        assert_eq!(policy.check(&p, Target::Tool("list"), MD), Ok(()));
        let c = policy.check(&p, Target::Tool("delete"), MD).unwrap_err();
        assert_eq!(c.status(), 403);
        assert_eq!(
            c.www_authenticate(),
            format!(
                "Bearer error=\"insufficient_scope\", error_description=\"the token lacks a required scope\", scope=\"files:admin files:write\", resource_metadata=\"{MD}\""
            )
        );
    }

    // requirement: 4.8
    #[test]
    fn hierarchy_and_resource_prefixes() {
        let policy = ScopePolicy::new()
            .resource("file:///docs/", ["docs:read"])
            .resource("file:///docs/secret", ["docs:secret"])
            .implies("docs:admin", ["docs:read", "docs:secret"]);
        let reader = Principal::new("iss", "r").with_scopes(["docs:read"]);
        let admin = Principal::new("iss", "a").with_scopes(["docs:admin"]);
        assert_eq!(
            policy.check(&reader, Target::Resource("file:///docs/a.md"), MD),
            Ok(())
        );
        assert_eq!(
            policy
                .check(&reader, Target::Resource("file:///docs/secret"), MD)
                .unwrap_err()
                .status(),
            403
        );
        assert_eq!(
            policy.check(&admin, Target::Resource("file:///docs/secret"), MD),
            Ok(())
        );
        assert_eq!(policy.check(&reader, Target::Prompt("any"), MD), Ok(()));
    }
}
