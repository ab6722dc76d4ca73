//! The resources, the resource template and the prompts of the conformance contract, with
//! completions for the arguments of `test_prompt_with_arguments` and the template's `id`.

use std::sync::atomic::{AtomicU64, Ordering};

use mcp_protocol::methods::{
    GetPromptResult, Prompt, PromptArgument, PromptMessage, Resource, ResourceTemplate,
};
use mcp_protocol::types::{ContentBlock, ResourceContents, Role};
use mcp_server::{PromptDef, ResourceDef, TemplateDef, from_list};
use serde::Deserialize;
use serde_json::json;

use super::tools::block;
use super::{PNG_BASE64, WATCHED_URI};

/// The text of `test://static-text`.
pub const STATIC_TEXT: &str = "This is the content of the static text resource.";
/// The text of `test://watched-resource` before its first change.
pub const WATCHED_TEXT: &str = "Watched resource content";
/// Suggestions for `arg1` of `test_prompt_with_arguments`.
pub const ARG1_VALUES: [&str; 3] = ["testValue1", "testValue2", "otherValue"];
/// Suggestions for `arg2` of `test_prompt_with_arguments`.
pub const ARG2_VALUES: [&str; 3] = ["testValue2", "secondValue", "thirdValue"];
/// Suggestions for `id` of `test://template/{id}/data`.
pub const ID_VALUES: [&str; 3] = ["123", "456", "789"];

/// How many times `test://watched-resource` changed.
static WATCHED_VERSION: AtomicU64 = AtomicU64::new(0);

/// Changes `test://watched-resource` (its text names the change).
pub(crate) fn bump_watched() {
    WATCHED_VERSION.fetch_add(1, Ordering::Relaxed);
}

/// The current text of `test://watched-resource`: [`WATCHED_TEXT`], then
/// `"Watched resource content (update N)"` after the N-th change.
pub fn watched_text() -> String {
    match WATCHED_VERSION.load(Ordering::Relaxed) {
        0 => WATCHED_TEXT.to_owned(),
        n => format!("{WATCHED_TEXT} (update {n})"),
    }
}

fn resource(uri: &str, name: &str, title: &str, description: &str, mime: &str) -> Resource {
    let mut r = Resource::new(uri, name)
        .with_description(description)
        .with_mime_type(mime);
    r.title = Some(title.to_owned());
    r
}

/// `test://static-text`, `test://static-binary` (a PNG) and `test://watched-resource`.
pub fn resources() -> Vec<ResourceDef> {
    vec![
        ResourceDef::text(
            resource(
                "test://static-text",
                "static-text",
                "Static Text Resource",
                "A static text resource for testing",
                "text/plain",
            ),
            STATIC_TEXT,
        ),
        ResourceDef::new(
            resource(
                "test://static-binary",
                "static-binary",
                "Static Binary Resource",
                "A static binary resource (image) for testing",
                "image/png",
            ),
            |uri, _| async move {
                let mut contents = ResourceContents::blob(uri, PNG_BASE64);
                if let ResourceContents::Blob(b) = &mut contents {
                    b.mime_type = Some("image/png".to_owned());
                }
                Ok(vec![contents])
            },
        ),
        ResourceDef::new(
            resource(
                WATCHED_URI,
                "watched-resource",
                "Watched Resource",
                "A resource that auto-updates every 3 seconds",
                "text/plain",
            ),
            |uri, _| async move {
                let mut contents = ResourceContents::text(uri, watched_text());
                if let ResourceContents::Text(t) = &mut contents {
                    t.mime_type = Some("text/plain".to_owned());
                }
                Ok(vec![contents])
            },
        ),
    ]
}

/// The variables of `test://template/{id}/data`.
#[derive(Debug, Deserialize)]
struct TemplateVars {
    id: String,
}

/// The text of `test://template/{id}/data`: `{"id":…,"templateTest":true,"data":"Data for
/// ID: …"}`, keys in the reference's order.
pub fn template_text(id: &str) -> String {
    format!(
        r#"{{"id":{},"templateTest":true,"data":{}}}"#,
        json!(id),
        json!(format!("Data for ID: {id}"))
    )
}

/// `test://template/{id}/data`.
pub fn template() -> TemplateDef {
    let mut t = ResourceTemplate::new("test://template/{id}/data", "template")
        .with_description("A resource template with parameter substitution");
    t.title = Some("Resource Template".to_owned());
    t.mime_type = Some("application/json".to_owned());
    TemplateDef::new(t, |uri, vars: TemplateVars, _| async move {
        let mut contents = ResourceContents::text(uri, template_text(&vars.id));
        if let ResourceContents::Text(t) = &mut contents {
            t.mime_type = Some("application/json".to_owned());
        }
        Ok(vec![contents])
    })
    .expect("a valid URI template")
    .complete("id", from_list(ID_VALUES))
}

fn prompt(name: &str, title: &str, description: &str) -> Prompt {
    let mut p = Prompt::new(name).with_description(description);
    p.title = Some(title.to_owned());
    p
}

/// `test_simple_prompt` (also re-registered by `test_trigger_prompt_change`).
pub fn simple_prompt() -> PromptDef {
    PromptDef::new(
        prompt(
            "test_simple_prompt",
            "Simple Test Prompt",
            "A simple prompt without arguments",
        ),
        |_, _| async {
            Ok(GetPromptResult::new(vec![PromptMessage::user_text(
                "This is a simple prompt for testing.",
            )]))
        },
    )
}

/// The four prompts of the contract.
pub fn prompts() -> Vec<PromptDef> {
    vec![
        simple_prompt(),
        PromptDef::new(
            prompt(
                "test_prompt_with_arguments",
                "Prompt With Arguments",
                "A prompt with required arguments",
            )
            .with_argument(PromptArgument::required("arg1").with_description("First test argument"))
            .with_argument(
                PromptArgument::required("arg2").with_description("Second test argument"),
            ),
            |args, _| async move {
                let arg = |k: &str| args.get(k).cloned().unwrap_or_default();
                Ok(GetPromptResult::new(vec![PromptMessage::user_text(
                    format!(
                        "Prompt with arguments: arg1='{}', arg2='{}'",
                        arg("arg1"),
                        arg("arg2")
                    ),
                )]))
            },
        )
        .complete("arg1", from_list(ARG1_VALUES))
        .complete("arg2", from_list(ARG2_VALUES)),
        PromptDef::new(
            prompt(
                "test_prompt_with_embedded_resource",
                "Prompt With Embedded Resource",
                "A prompt that includes an embedded resource",
            )
            .with_argument(
                PromptArgument::required("resourceUri")
                    .with_description("URI of the resource to embed"),
            ),
            |args, _| async move {
                let uri = args.get("resourceUri").cloned().unwrap_or_default();
                let resource = block(json!({
                    "type": "resource",
                    "resource": {
                        "uri": uri,
                        "mimeType": "text/plain",
                        "text": "Embedded resource content for testing."
                    }
                }));
                Ok(GetPromptResult::new(vec![
                    PromptMessage::new(Role::User, resource),
                    PromptMessage::user_text("Please process the embedded resource above."),
                ]))
            },
        ),
        PromptDef::new(
            prompt(
                "test_prompt_with_image",
                "Prompt With Image",
                "A prompt that includes image content",
            ),
            |_, _| async {
                Ok(GetPromptResult::new(vec![
                    PromptMessage::new(Role::User, ContentBlock::image(PNG_BASE64, "image/png")),
                    PromptMessage::user_text("Please analyze the image above."),
                ]))
            },
        ),
    ]
}
