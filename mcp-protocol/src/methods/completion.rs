//! Completion (server/utilities/completion): `completion/complete` suggests values for an
//! argument of a prompt or of a resource template, as the user types.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::method::{ClientRequest, Request};
use crate::shape::Shape;
use crate::types::{Extra, Meta, ResultType, UnknownObject, shape_result_type};
use crate::version::ProtocolVersion;

/// `completion/complete`: completion values for one argument.
#[derive(Debug)]
pub enum Complete {}

impl Request for Complete {
    const METHOD: &'static str = "completion/complete";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = CompleteParams;
    type Result = CompleteResult;
}
impl ClientRequest for Complete {}

/// What is being completed, tagged by `type`. An open set: a reference of a type from a
/// later revision is kept whole as [`CompletionReference::Unknown`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum CompletionReference {
    /// `"ref/prompt"`: an argument of a prompt.
    #[serde(rename = "ref/prompt")]
    Prompt(PromptReference),
    /// `"ref/resource"`: a variable of a resource template.
    #[serde(rename = "ref/resource")]
    Resource(ResourceTemplateReference),
    /// A reference of a type this crate does not know, kept as it was sent.
    #[serde(untagged)]
    Unknown(UnknownObject),
}

crate::deserialize_tagged!(CompletionReference {
    "ref/prompt" => Prompt(PromptReference),
    "ref/resource" => Resource(ResourceTemplateReference),
});

impl CompletionReference {
    /// A reference to the prompt `name`.
    pub fn prompt(name: impl Into<String>) -> Self {
        Self::Prompt(PromptReference::new(name))
    }

    /// A reference to the resource template `uri_template`.
    pub fn resource(uri_template: impl Into<String>) -> Self {
        Self::Resource(ResourceTemplateReference::new(uri_template))
    }
}

impl Shape for CompletionReference {
    fn shape(&mut self, version: ProtocolVersion) {
        if let Self::Prompt(p) = self {
            p.shape(version);
        }
    }
}

crate::wire_struct! {
    /// A reference to a prompt (`PromptReference`, `type: "ref/prompt"`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct PromptReference {
        /// The prompt's name.
        pub name: String,
        /// Display name (2025-06-18 on).
        pub title: Option<String> [optional],
    }
}

impl PromptReference {
    /// A reference to the prompt `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            title: None,
            extra: Extra::new(),
        }
    }
}

impl Shape for PromptReference {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_06_18 {
            self.title = None;
        }
    }
}

crate::wire_struct! {
    /// A reference to a resource template (`ResourceTemplateReference`, `type: "ref/resource"`;
    /// called `ResourceReference` before 2025-06-18, with the same shape).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ResourceTemplateReference {
        /// The URI template, or a URI.
        pub uri: String,
    }
}

impl ResourceTemplateReference {
    /// A reference to `uri_template`.
    pub fn new(uri_template: impl Into<String>) -> Self {
        Self {
            uri: uri_template.into(),
            extra: Extra::new(),
        }
    }
}

crate::wire_struct! {
    /// The argument being completed (`CompleteRequestParams.argument`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct CompletionArgument {
        /// The argument's name.
        pub name: String,
        /// What the user typed so far.
        pub value: String,
    }
}

crate::wire_struct! {
    /// Context for a completion (`CompleteRequestParams.context`, 2025-06-18 on).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct CompletionContext {
        /// Arguments already resolved, so that later ones can be completed in their light.
        pub arguments: Option<BTreeMap<String, String>> [optional],
    }
}

crate::wire_struct! {
    /// Params of `completion/complete` (`CompleteRequestParams`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct CompleteParams {
        /// What is being completed.
        pub reference: CompletionReference = "ref",
        /// The argument and its partial value.
        pub argument: CompletionArgument,
        /// Already-resolved arguments (2025-06-18 on).
        pub context: Option<CompletionContext> [optional],
        /// Request metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl CompleteParams {
    /// Completes argument `name`, typed so far as `value`, of `reference`.
    pub fn new(
        reference: CompletionReference,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        Self {
            reference,
            argument: CompletionArgument {
                name: name.into(),
                value: value.into(),
                extra: Extra::new(),
            },
            context: None,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// Adds an already-resolved argument to the context.
    pub fn with_context_argument(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.context
            .get_or_insert_with(CompletionContext::default)
            .arguments
            .get_or_insert_with(BTreeMap::new)
            .insert(name.into(), value.into());
        self
    }
}

impl Shape for CompleteParams {
    fn shape(&mut self, version: ProtocolVersion) {
        self.reference.shape(version);
        if version < ProtocolVersion::V2025_06_18 {
            self.context = None;
        }
    }
}

crate::wire_struct! {
    /// The completion values (`CompleteResult.completion`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct Completion {
        /// The suggestions, best first; at most [`Completion::MAX_VALUES`].
        pub values: Vec<String>,
        /// How many values exist in all, which may exceed those sent.
        pub total: Option<u64> [optional],
        /// More values exist than were sent.
        pub has_more: Option<bool> = "hasMore" [optional],
    }
}

impl Completion {
    /// The most values a result may carry, in every revision.
    pub const MAX_VALUES: usize = 100;
}

crate::wire_struct! {
    /// Result of `completion/complete` (`CompleteResult`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct CompleteResult {
        /// The values.
        pub completion: Completion,
        /// Result kind (2026-07-28).
        pub result_type: Option<ResultType> = "resultType" [optional],
        /// Result metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl CompleteResult {
    /// A result with these values (all of them: no `total`, no `hasMore`).
    pub fn new(values: Vec<String>) -> Self {
        Self {
            completion: Completion {
                values,
                ..Completion::default()
            },
            ..Self::default()
        }
    }
}

impl Shape for CompleteResult {
    /// Besides the result type, enforces the 100-value limit every revision states: a longer
    /// list is cut, and `hasMore` says so, rather than sending something a peer may reject.
    fn shape(&mut self, version: ProtocolVersion) {
        let c = &mut self.completion;
        if c.values.len() > Completion::MAX_VALUES {
            let all = c.values.len() as u64;
            c.values.truncate(Completion::MAX_VALUES);
            c.has_more = Some(true);
            c.total = Some(c.total.map_or(all, |t| t.max(all)));
        }
        shape_result_type(&mut self.result_type, version);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn params_round_trip_with_a_prompt_reference() {
        let v = json!({
            "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"},
            "ref": {"type": "ref/prompt", "name": "code_review", "title": "Review"},
            "argument": {"name": "framework", "value": "fla"},
            "context": {"arguments": {"language": "python"}},
            "extraField": 1
        });
        let p: CompleteParams = serde_json::from_value(v.clone()).unwrap();
        assert!(matches!(&p.reference, CompletionReference::Prompt(r) if r.name == "code_review"));
        assert_eq!(p.extra["extraField"], 1);
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
    }

    #[test]
    fn params_with_a_resource_reference_and_old_shape() {
        let p = CompleteParams::new(
            CompletionReference::resource("file:///{path}"),
            "path",
            "sr",
        )
        .with_context_argument("root", "/");
        let v = serde_json::to_value(p.shaped(ProtocolVersion::V2025_03_26)).unwrap();
        assert_eq!(
            v,
            json!({
                "ref": {"type": "ref/resource", "uri": "file:///{path}"},
                "argument": {"name": "path", "value": "sr"}
            })
        );
        let back: CompleteParams = serde_json::from_value(v).unwrap();
        assert!(matches!(back.reference, CompletionReference::Resource(_)));
    }

    #[test]
    fn prompt_reference_loses_title_before_2025_06_18() {
        let mut r = CompletionReference::Prompt(PromptReference {
            title: Some("T".into()),
            ..PromptReference::new("p")
        });
        r.shape(ProtocolVersion::V2024_11_05);
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"type": "ref/prompt", "name": "p"})
        );
    }

    #[test]
    fn unknown_reference_type_is_kept_and_a_missing_one_is_an_error() {
        let v = json!({"ref": {"type": "ref/tool", "name": "x"}, "argument": {"name": "a", "value": ""}});
        let p: CompleteParams = serde_json::from_value(v.clone()).unwrap();
        assert!(matches!(&p.reference, CompletionReference::Unknown(u) if u.kind() == "ref/tool"));
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        let v = json!({"ref": {"name": "x"}, "argument": {"name": "a", "value": ""}});
        assert!(serde_json::from_value::<CompleteParams>(v).is_err());
    }

    #[test]
    fn result_round_trips() {
        let v = json!({
            "resultType": "complete",
            "completion": {"values": ["python", "pytorch"], "total": 10, "hasMore": true, "x": 0}
        });
        let r: CompleteResult = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(r.completion.extra["x"], 0);
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
        let old = serde_json::to_value(r.shaped(ProtocolVersion::V2025_11_25)).unwrap();
        assert!(old.get("resultType").is_none());
    }

    // requirement: 5.17
    #[test]
    fn shaping_cuts_to_a_hundred_values() {
        let values = (0..150).map(|i| i.to_string()).collect();
        let r = CompleteResult::new(values).shaped(ProtocolVersion::V2026_07_28);
        assert_eq!(r.completion.values.len(), 100);
        assert_eq!(r.completion.has_more, Some(true));
        assert_eq!(r.completion.total, Some(150));
        assert!(r.result_type.unwrap().is_complete());
    }
}
