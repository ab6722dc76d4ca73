//! The SEP-2640 skills extension (`io.modelcontextprotocol/skills`, with
//! `directoryRead: true`), as the official suite's `sep-2640-skills-*` scenarios expect it:
//! one skill, `pdf-processing`, whose `SKILL.md` (YAML frontmatter `name` and
//! `description`) and `references/FORMS.md` are resources (`resources/list`,
//! `resources/read`); `skills/list` and `skills/get` give its entry (`uri`, `frontmatter`,
//! and `resources` with each file's `sha256:` digest and byte size); and
//! `resources/directory/read` lists a skill directory's direct children, a subdirectory as
//! `inode/directory`.
//!
//! Served through [`mcp_server::ServerBuilder::extension`] and
//! [`mcp_server::ServerBuilder::method`]; the extension is declared from 2026-07-28
//! (`capabilities.extensions` is a 2026-07-28 field), the methods answer in every version.

use mcp_protocol::ErrorObject;
use mcp_protocol::methods::Resource;
use mcp_server::{MethodCall, MethodOutcome, ResourceDef, ServerBuilder};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::CACHE_TTL_MS;

/// The extension's identifier.
pub const EXTENSION: &str = "io.modelcontextprotocol/skills";

/// The skill's name (its directory, and its frontmatter `name`).
pub const SKILL_NAME: &str = "pdf-processing";

/// The skill's frontmatter `description`.
pub const SKILL_DESCRIPTION: &str = "Extract, fill, and assemble PDF documents";

/// The skill's directory.
pub const SKILL_DIR: &str = "skill://pdf-processing";

/// The skill's `SKILL.md` (the skill's own URI).
pub const SKILL_MD_URI: &str = "skill://pdf-processing/SKILL.md";

/// The skill's subdirectory.
pub const REFERENCES_DIR: &str = "skill://pdf-processing/references";

/// The supporting file in the subdirectory.
pub const FORMS_URI: &str = "skill://pdf-processing/references/FORMS.md";

/// The MIME type of a directory resource.
pub const DIRECTORY_MIME: &str = "inode/directory";

/// The text of `SKILL.md`: YAML frontmatter, then the body.
pub const SKILL_MD: &str = "---\n\
name: pdf-processing\n\
description: Extract, fill, and assemble PDF documents\n\
---\n\
\n\
# PDF processing\n\
\n\
Skill body. The form fields are described in references/FORMS.md.\n";

/// The text of `references/FORMS.md`.
pub const FORMS_MD: &str = "# Forms\n\nEach form field has a name, a type and a page.\n";

/// `sha256:` and the lowercase hex SHA-256 of `text`'s bytes.
pub fn digest(text: &str) -> String {
    let hash = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in hash {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// The skill's entry, as `skills/list` and `skills/get` give it.
pub fn entry() -> Value {
    let file =
        |uri: &str, text: &str| json!({"uri": uri, "digest": digest(text), "size": text.len()});
    json!({
        "uri": SKILL_MD_URI,
        "frontmatter": {"name": SKILL_NAME, "description": SKILL_DESCRIPTION},
        "resources": [file(SKILL_MD_URI, SKILL_MD), file(FORMS_URI, FORMS_MD)],
    })
}

/// The skill's files as resources (`SKILL.md` named and described from its frontmatter).
pub fn resources() -> Vec<ResourceDef> {
    vec![
        ResourceDef::text(
            Resource::new(SKILL_MD_URI, SKILL_NAME)
                .with_description(SKILL_DESCRIPTION)
                .with_mime_type("text/markdown"),
            SKILL_MD,
        ),
        ResourceDef::text(
            Resource::new(FORMS_URI, "FORMS.md")
                .with_description("The form fields the pdf-processing skill fills")
                .with_mime_type("text/markdown"),
            FORMS_MD,
        ),
    ]
}

/// Declares the extension and registers its three methods.
pub fn serve(builder: ServerBuilder) -> ServerBuilder {
    builder
        .extension(EXTENSION, json!({"directoryRead": true}))
        .method("skills/list", |_call| async move {
            Ok(cached(json!({"skills": [entry()]})))
        })
        .method("skills/get", |call| async move { get(&call) })
        .method("resources/directory/read", |call| async move {
            directory_read(&call)
        })
}

/// A result with the 2026-07-28 cache attributes (SEP-2549), as the lists carry them.
fn cached(mut result: Value) -> Value {
    result["ttlMs"] = json!(CACHE_TTL_MS);
    result["cacheScope"] = json!("public");
    result
}

/// The `uri` param; a missing or non-string one is -32602.
fn uri_param(call: &MethodCall) -> Result<&str, ErrorObject> {
    call.params()["uri"]
        .as_str()
        .ok_or_else(|| ErrorObject::invalid_params("`uri` (a string) is required"))
}

/// `skills/get`: the entry of the skill named by `uri`; any other URI is -32602.
fn get(call: &MethodCall) -> MethodOutcome {
    let uri = uri_param(call)?;
    if uri != SKILL_MD_URI {
        return Err(ErrorObject::invalid_params(format!(
            "{uri:?} does not identify a skill this server serves"
        )));
    }
    Ok(cached(json!({"skill": entry()})))
}

/// `resources/directory/read`: the direct children of a served directory; a file or an
/// unknown URI is -32602.
fn directory_read(call: &MethodCall) -> MethodOutcome {
    let uri = uri_param(call)?;
    let child =
        |uri: &str, name: &str, mime: &str| json!({"uri": uri, "name": name, "mimeType": mime});
    let children = match uri.trim_end_matches('/') {
        SKILL_DIR => vec![
            child(SKILL_MD_URI, "SKILL.md", "text/markdown"),
            child(REFERENCES_DIR, "references", DIRECTORY_MIME),
        ],
        REFERENCES_DIR => vec![child(FORMS_URI, "FORMS.md", "text/markdown")],
        _ => {
            return Err(ErrorObject::invalid_params(format!(
                "{uri:?} is not a directory this server serves"
            )));
        }
    };
    Ok(cached(json!({"resources": children})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_sha256_of_the_bytes() {
        // SHA-256 of the empty string.
        assert_eq!(
            digest(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(entry()["resources"][0]["size"], SKILL_MD.len());
    }
}
