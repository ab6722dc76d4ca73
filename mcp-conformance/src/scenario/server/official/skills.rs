//! The official `sep-2640-skills-*` scenarios: the SEP-2640 skills extension
//! (`io.modelcontextprotocol/skills`, 2026-07-28). Each runs only when the target declares
//! the extension under `capabilities.extensions` (else it skips, as the official ones do),
//! finds the skill to look at from `skills/list` (or `resources/list`), and judges what it
//! reads with the pure functions below ([`judge_entries`], [`judge_skill_md`],
//! [`judge_directory`], [`judge_manifest`]), unit-tested on a good fixture and on faults.
//!
//! The requirements are quoted from SEP-2640 §Specification (the excerpts the official
//! scenarios carry). A MUST broken fails the scenario; with every MUST kept, a SHOULD broken
//! fails it at SHOULD. The extension's messages have no schema in the spec's `schema.json`,
//! so beyond the JSON-RPC envelope and `resultType` (which the conversation validates) their
//! shapes are checked here field by field.
//!
//! Partial: the YAML frontmatter of a `SKILL.md` is read by a small reader of flat
//! `key: value` lines (plain, single- or double-quoted scalars); a frontmatter with nested
//! values (a `metadata:` map, lists) is not compared with the entry's field by field, and
//! the scenario says so in its evidence instead of judging it.

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Map, Value, json};

use super::{STATELESS, open, within};
use crate::scenario::server::listing::walk;
use crate::scenario::server::{Halt, ServerScenario, judge, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Reply, Target};

/// The extension's identifier.
const SKILLS: &str = "io.modelcontextprotocol/skills";
/// The MIME type of a directory resource.
const DIRECTORY: &str = "inode/directory";
/// A URI no conformant server serves as a skill.
const UNSERVED: &str = "skill://mcp-conformance-nonexistent-skill-9f3a2b/SKILL.md";
/// At most this many pages of one list are read.
const MAX_PAGES: usize = 50;
/// SEP-2640 §Specification: SHOULD NOT serve more entries per skill than this.
const MAX_ENTRIES: usize = 512;
/// SEP-2640 §Specification: SHOULD NOT serve a skill bigger than this (bytes).
const MAX_TOTAL: u64 = 16 * 1024 * 1024;

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "official/sep-2640-skills-enumeration",
            "SEP-2640 §Specification (skills extension, 2026-07-28): declaring the extension commits \
             the server to skills/list and skills/get; every entry carries uri, frontmatter and \
             resources ({uri, digest, size}, complete, within the skill); skills/get answers a \
             listed skill and -32602 for an unknown URI; SKILL.md begins with frontmatter \
             identical to the entry's",
            Severity::Must,
            |t, v| enumeration(t, v).boxed(),
        ),
        scenario(
            "official/sep-2640-skills-directory",
            "SEP-2640 §Specification (skills extension, directoryRead): a server that declares \
             directoryRead MUST support resources/directory/read on a served skill directory \
             (resources[] of its direct children, subdirectories as inode/directory) and MUST \
             answer -32602 for a non-directory URI",
            Severity::Must,
            |t, v| directory(t, v).boxed(),
        ),
        scenario(
            "official/sep-2640-skills-manifest",
            "SEP-2640 §Specification (skills extension): the final <skill-path> segment of a \
             SKILL.md URI MUST equal its frontmatter name; its resource SHOULD be text/markdown, \
             named and described from the frontmatter; skill _meta keys SHOULD be namespaced",
            Severity::Must,
            |t, v| manifest(t, v).boxed(),
        ),
    ]
}

/// A finding: the level of the text broken, and how.
type Finding = (Severity, String);

/// The verdict of `findings`: the MUSTs broken fail; else the SHOULDs broken fail at SHOULD.
fn verdict(findings: Vec<Finding>) -> Result<(), Halt> {
    let of = |level: Severity| -> Vec<String> {
        findings
            .iter()
            .filter(|(l, _)| *l == level)
            .map(|(_, why)| why.clone())
            .collect()
    };
    let must = of(Severity::Must);
    if !must.is_empty() {
        return Err(Halt::Fail(must.join("; ")));
    }
    let should = of(Severity::Should);
    if !should.is_empty() {
        return Err(Halt::FailAt(Severity::Should, should.join("; ")));
    }
    Ok(())
}

/// Runs `body` on a 2026-07-28 conversation with a target that declares the extension
/// (its settings object passed in); skips otherwise.
macro_rules! skills {
    ($target:expr, $version:expr, |$c:ident, $settings:ident| $body:block) => {{
        if let Err(skip) = within(
            $version,
            STATELESS,
            "the skills extension (SEP-2640) is declared under capabilities.extensions, a \
             2026-07-28 field",
        ) {
            return skip;
        }
        let mut $c = match open($target, $version, None).await {
            Ok(c) => c,
            Err(outcome) => return outcome,
        };
        let Some($settings) = $c.capabilities["extensions"].get(SKILLS).cloned() else {
            return judge(
                &mut $c,
                Err(Halt::Skip(format!("the target does not declare {SKILLS}"))),
            );
        };
        let verdict: Result<(), Halt> = {
            let $c = &mut $c;
            async move { $body }.await
        };
        judge(&mut $c, verdict)
    }};
}

/// Every `skills/list` page, following `nextCursor` (at most [`MAX_PAGES`]).
async fn list_pages(c: &mut Conversation) -> Result<Vec<Value>, Halt> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..MAX_PAGES {
        let params = cursor
            .as_ref()
            .map_or_else(|| json!({}), |c| json!({"cursor": c}));
        let page = c.request("skills/list", params).await?.result(
            "skills/list (SEP-2640 §Specification: a server declaring the extension MUST \
             implement the skills/list method)",
        )?;
        let next = page["nextCursor"].as_str().map(str::to_owned);
        pages.push(page);
        match next {
            Some(n) if !n.is_empty() && seen.insert(n.clone()) => cursor = Some(n),
            Some(n) if !n.is_empty() => {
                return Err(Halt::Fail(format!(
                    "skills/list repeats nextCursor {n:?}: the listing does not terminate"
                )));
            }
            _ => return Ok(pages),
        }
    }
    Err(Halt::Fail(format!(
        "skills/list did not end within {MAX_PAGES} pages"
    )))
}

/// The skill name an URI ending in `/SKILL.md` gives (its last directory segment).
fn skill_name(uri: &str) -> Option<&str> {
    let path = &uri[uri.find("://")? + 3..];
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [.., name, "SKILL.md"] => Some(name),
        _ => None,
    }
}

/// The directory of a `SKILL.md` URI.
fn skill_dir(uri: &str) -> Option<&str> {
    skill_name(uri)?;
    uri.strip_suffix("/SKILL.md")
}

/// The Agent Skills naming rules: 1-64 of lowercase letters, digits and hyphens, no
/// leading, trailing or consecutive hyphens.
fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// An RFC 3986 reg-name: unreserved, sub-delims and percent-encodings.
fn reg_name(authority: &str) -> bool {
    let bytes = authority.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b)) {
            return false;
        }
        i += 1;
    }
    true
}

/// `sha256:` and 64 lowercase hex digits.
fn digest_format(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// The findings on the settings object the target declared for the extension and on its
/// `resources` capability.
fn judge_declaration(settings: &Value, resources: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    match settings.as_object() {
        None => out.push((
            Severity::Must,
            format!(
                "capabilities.extensions[{SKILLS:?}] is {settings}, not a settings object \
                 (SEP-2640 §Specification: an empty object indicates support with no optional \
                 features)"
            ),
        )),
        Some(obj) => {
            let envelope: Vec<&str> = ["config", "specVersion", "stability", "id"]
                .into_iter()
                .filter(|k| obj.contains_key(*k))
                .collect();
            if !envelope.is_empty() {
                out.push((
                    Severity::Must,
                    format!(
                        "the extension's settings carry envelope keys {envelope:?}: settings sit \
                         directly under the identifier (SEP-2133, SEP-2640 capability block)"
                    ),
                ));
            }
        }
    }
    if !resources {
        out.push((
            Severity::Must,
            "the resources capability is not declared (SEP-2640 §Specification: a server \
             declaring this extension MUST also declare the resources capability)"
                .into(),
        ));
    }
    out
}

/// The findings on the `skills/list` pages: entries atomic across pages, the 2026-07-28
/// cache attributes on the first page, then every entry ([`judge_entries`]).
fn judge_pages(pages: &[Value]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut page_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        if !page["skills"].is_array() {
            out.push((
                Severity::Must,
                format!("skills/list page {i}: `skills` is not an array"),
            ));
        }
        for entry in page["skills"].as_array().into_iter().flatten() {
            if let Some(uri) = entry["uri"].as_str()
                && let Some(first) = page_of.insert(uri.to_owned(), i)
                && first != i
            {
                out.push((
                    Severity::Must,
                    format!(
                        "{uri} appears on pages {first} and {i} (SEP-2640: an entry is atomic, \
                         never split across pages)"
                    ),
                ));
            }
        }
    }
    if let Some(first) = pages.first() {
        for key in ["ttlMs", "cacheScope"] {
            if first.get(key).is_none() {
                out.push((
                    Severity::Must,
                    format!(
                        "the skills/list result has no {key} (SEP-2640: in 2026-07-28 and later \
                         it carries the list-caching attributes ttlMs and cacheScope, SEP-2549)"
                    ),
                ));
            }
        }
    }
    let entries: Vec<Value> = pages
        .iter()
        .flat_map(|p| p["skills"].as_array().cloned().unwrap_or_default())
        .collect();
    out.extend(judge_entries(&entries));
    out
}

/// The findings on skill entries (SEP-2640 §Specification, the skill entry).
fn judge_entries(entries: &[Value]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut must = |why: String| out.push((Severity::Must, why));
    let mut names: std::collections::HashMap<String, Vec<String>> = Default::default();
    let mut should = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(uri) = entry["uri"].as_str().filter(|u| !u.is_empty()) else {
            must(format!(
                "skills[{i}] has no uri (every entry carries uri, the full resource URI of the \
                 skill's SKILL.md)"
            ));
            continue;
        };
        let fm = &entry["frontmatter"];
        for key in ["name", "description"] {
            if fm[key].as_str().is_none_or(str::is_empty) {
                must(format!(
                    "{uri}: frontmatter.{key} is missing or empty (the Agent Skills \
                     specification requires name and description, so those fields are always \
                     present)"
                ));
            }
        }
        let name = skill_name(uri);
        match (name, fm["name"].as_str()) {
            (None, _) => must(format!(
                "{uri} does not end in /SKILL.md, so the skill name is not recoverable from it"
            )),
            (Some(n), Some(f)) if n != f => must(format!(
                "{uri}: final skill-path segment {n:?} is not frontmatter.name {f:?} (MUST equal)"
            )),
            _ => {}
        }
        if let Some(n) = name {
            if !valid_name(n) {
                must(format!(
                    "{uri}: name {n:?} breaks the Agent Skills naming rules (1-64 lowercase \
                     alphanumerics and hyphens, no leading, trailing or consecutive hyphens)"
                ));
            }
            names.entry(n.to_owned()).or_default().push(uri.to_owned());
        }
        if !uri.starts_with("skill://") {
            should.push(format!("{uri}: servers SHOULD use the skill:// URI scheme"));
        }
        if let Some(authority) = uri
            .split_once("://")
            .and_then(|(_, rest)| rest.split('/').find(|s| !s.is_empty()))
            && !reg_name(authority)
        {
            should.push(format!(
                "{uri}: the first <skill-path> segment {authority:?} SHOULD be an RFC 3986 \
                 reg-name"
            ));
        }
        if let Some(meta) = fm["metadata"].as_object() {
            for key in meta
                .keys()
                .filter(|k| k.starts_with("io.modelcontextprotocol/"))
            {
                should.push(format!(
                    "{uri}: frontmatter.metadata[{key:?}] uses the reserved \
                     io.modelcontextprotocol/ prefix, for which this extension defines no keys"
                ));
            }
        }
        let files = match &entry["resources"] {
            Value::String(s) if s == "dynamic" => continue,
            Value::Array(files) => files,
            other => {
                must(format!(
                    "{uri}: resources is {other}, neither an array of {{uri, digest, size}} nor \
                     \"dynamic\" (resources is REQUIRED on every entry)"
                ));
                continue;
            }
        };
        if !files.iter().any(|f| f["uri"] == uri) {
            must(format!(
                "{uri}: resources has no entry for the skill's own uri (resources MUST be \
                 complete, including an entry carrying the digest and size of SKILL.md)"
            ));
        }
        let mut seen = std::collections::HashSet::new();
        let dir = skill_dir(uri).map(|d| format!("{d}/"));
        let mut total: u64 = 0;
        for f in files {
            let Some(furi) = f["uri"].as_str() else {
                must(format!("{uri}: a resources entry has no uri"));
                continue;
            };
            if !seen.insert(furi) {
                must(format!("{uri}: resources lists {furi} more than once"));
            }
            if furi != uri && dir.as_deref().is_some_and(|d| !furi.starts_with(d)) {
                must(format!(
                    "{uri}: {furi} is outside the skill's directory (each uri MUST be the \
                     skill's SKILL.md or a file within the skill's directory)"
                ));
            }
            if !f["digest"].as_str().is_some_and(digest_format) {
                must(format!(
                    "{uri}: {furi} digest {} is not sha256:{{64 lowercase hex}}",
                    f["digest"]
                ));
            }
            match f["size"].as_u64() {
                Some(size) => total = total.saturating_add(size),
                None => must(format!(
                    "{uri}: {furi} size {} is not a non-negative integer (each entry MUST carry \
                     size, the length in bytes of the file)",
                    f["size"]
                )),
            }
        }
        if files.len() > MAX_ENTRIES {
            should.push(format!(
                "{uri}: {} resource entries (servers SHOULD NOT serve a skill exceeding \
                 {MAX_ENTRIES})",
                files.len()
            ));
        }
        if total > MAX_TOTAL {
            should.push(format!(
                "{uri}: {total} bytes in all (servers SHOULD NOT serve a skill whose total file \
                 size exceeds 16 MiB)"
            ));
        }
    }
    for (name, uris) in names.iter().filter(|(_, u)| u.len() > 1) {
        should.push(format!(
            "name {name:?} is served at {} (names SHOULD be unique within a listing)",
            uris.join(" and ")
        ));
    }
    out.extend(should.into_iter().map(|why| (Severity::Should, why)));
    out
}

/// A `SKILL.md`'s YAML frontmatter, read as flat `key: value` lines. `Ok(None)`: no
/// `---` block at the start; `Err`: a block this reader cannot read (nested values).
fn frontmatter(text: &str) -> Result<Option<Map<String, Value>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Ok(None);
    };
    let mut map = Map::new();
    for line in rest.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim_end() == "---" {
            return Ok(Some(map));
        }
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t', '-']) {
            return Err(format!("nested YAML ({line:?}) is beyond this reader"));
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!("{line:?} is not a key: value line"));
        };
        let value = value.trim();
        let value = if value.len() >= 2
            && ((value.starts_with('"') && value.ends_with('"'))
                || (value.starts_with('\'') && value.ends_with('\'')))
        {
            value[1..value.len() - 1].to_owned()
        } else if value.is_empty() {
            return Err(format!(
                "{key:?} has a nested or empty value, beyond this reader"
            ));
        } else {
            value.to_owned()
        };
        map.insert(key.trim().to_owned(), Value::String(value));
    }
    Ok(None)
}

/// The findings on the text of the first entry's `SKILL.md` against that entry; the notes
/// say what could not be judged.
fn judge_skill_md(entry: &Value, text: &str, notes: &mut Vec<String>) -> Vec<Finding> {
    let uri = entry["uri"].as_str().unwrap_or_default();
    match frontmatter(text) {
        Ok(None) => vec![(
            Severity::Must,
            format!(
                "{uri}: no leading --- delimited YAML frontmatter (SKILL.md MUST begin with YAML \
                 frontmatter containing at minimum the name and description fields)"
            ),
        )],
        Err(why) => {
            notes.push(format!(
                "{uri}: frontmatter not compared with the entry's: {why}"
            ));
            Vec::new()
        }
        Ok(Some(file)) => {
            let mut out = Vec::new();
            for key in ["name", "description"] {
                if file
                    .get(key)
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    out.push((
                        Severity::Must,
                        format!("{uri}: the frontmatter has no non-empty {key}"),
                    ));
                }
            }
            let Some(listed) = entry["frontmatter"].as_object() else {
                return out;
            };
            if listed.values().any(|v| !v.is_string()) {
                notes.push(format!(
                    "{uri}: the entry's frontmatter has non-string values, not compared by this \
                     reader"
                ));
                return out;
            }
            let keys: std::collections::BTreeSet<&String> =
                file.keys().chain(listed.keys()).collect();
            for key in keys {
                if file.get(key) != listed.get(key) {
                    out.push((
                        Severity::Must,
                        format!(
                            "{uri}: frontmatter {key}: file {} but entry {} (the frontmatter \
                             object MUST be identical in content to the SKILL.md's)",
                            file.get(key).unwrap_or(&Value::Null),
                            listed.get(key).unwrap_or(&Value::Null)
                        ),
                    ));
                }
            }
            out
        }
    }
}

/// The findings on `skills/get` for `uri` (listed) and for an unserved URI.
fn judge_get(uri: &str, got: &Reply, unserved: &Reply) -> Vec<Finding> {
    let mut out = Vec::new();
    match got {
        Reply::Error(code, e) => out.push((
            Severity::Must,
            format!(
                "skills/get {uri} failed with {code}: {e} (a server declaring the extension MUST \
                 also implement skills/get)"
            ),
        )),
        Reply::Result(r) => {
            let skill = &r["skill"];
            if skill["uri"] != uri {
                out.push((
                    Severity::Must,
                    format!("skills/get {uri}: result.skill.uri is {}", skill["uri"]),
                ));
            }
            if !skill["frontmatter"].is_object() {
                out.push((
                    Severity::Must,
                    format!("skills/get {uri}: result.skill.frontmatter is not an object"),
                ));
            }
            out.extend(judge_entries(std::slice::from_ref(skill)));
            if r.get("nextCursor").is_some() {
                out.push((
                    Severity::Must,
                    format!("skills/get {uri} carries nextCursor: a single entry is not a list"),
                ));
            }
            for key in ["ttlMs", "cacheScope"] {
                if r.get(key).is_none() {
                    out.push((
                        Severity::Must,
                        format!(
                            "skills/get {uri} has no {key} (GetSkillResult extends \
                             CacheableResult: ttlMs and cacheScope are REQUIRED)"
                        ),
                    ));
                }
            }
        }
    }
    match unserved {
        Reply::Error(-32602, _) => {}
        other => out.push((
            Severity::Must,
            format!(
                "skills/get {UNSERVED}: expected -32602 (if the URI does not identify a skill \
                 the server serves, the server MUST return -32602), got {other:?}"
            ),
        )),
    }
    out
}

async fn enumeration(target: &Target, version: ProtocolVersion) -> Outcome {
    skills!(target, version, |c, settings| {
        let mut findings = judge_declaration(&settings, c.has_capability("resources"));
        let pages = list_pages(c).await?;
        findings.extend(judge_pages(&pages));
        let first = pages
            .iter()
            .find_map(|p| p["skills"].as_array().and_then(|s| s.first()).cloned());
        let mut notes = Vec::new();
        if let Some(entry) = first
            && let Some(uri) = entry["uri"].as_str()
        {
            let got = c.request("skills/get", json!({"uri": uri})).await?;
            let unserved = c.request("skills/get", json!({"uri": UNSERVED})).await?;
            findings.extend(judge_get(uri, &got, &unserved));
            if uri.ends_with("/SKILL.md") {
                match read_text(c, uri).await? {
                    Some((text, _)) => findings.extend(judge_skill_md(&entry, &text, &mut notes)),
                    None => findings.push((
                        Severity::Must,
                        format!(
                            "resources/read {uri} gave no text (every skill MUST contain a \
                             SKILL.md file at its root)"
                        ),
                    )),
                }
            }
        } else {
            notes.push("skills/list is empty (permitted): no entry-level checks".into());
        }
        for note in notes {
            c.note(note);
        }
        verdict(findings)
    })
}

/// The first text content of `resources/read` of `uri` and its `mimeType`, if any.
async fn read_text(c: &mut Conversation, uri: &str) -> Result<Option<(String, Value)>, Halt> {
    let read = c
        .request("resources/read", json!({"uri": uri}))
        .await?
        .result(&format!("resources/read {uri}"))?;
    Ok(read["contents"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|item| {
            let text = item["text"].as_str()?;
            Some((text.to_owned(), item.clone()))
        }))
}

/// A skill directory and a file in it: from the first `skills/list` entry naming a
/// `SKILL.md`, else from `resources/list`.
async fn find_directory(c: &mut Conversation) -> Result<Option<(String, String)>, Halt> {
    if let Ok(pages) = list_pages(c).await {
        let found = pages
            .iter()
            .flat_map(|p| p["skills"].as_array().cloned().unwrap_or_default())
            .find_map(|e| {
                let uri = e["uri"].as_str()?;
                Some((skill_dir(uri)?.to_owned(), uri.to_owned()))
            });
        if found.is_some() {
            return Ok(found);
        }
    }
    let listed = walk(c, "resources/list", "resources", "uri").await?;
    Ok(listed.iter().find_map(|r| {
        let uri = r["uri"].as_str()?;
        Some((skill_dir(uri)?.to_owned(), uri.to_owned()))
    }))
}

/// The findings on a `resources/directory/read` of a served directory (`children`, every
/// page) and of a file in it (`file`).
fn judge_directory(dir: &str, children: &[Value], file_uri: &str, file: &Reply) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, child) in children.iter().enumerate() {
        if !child["uri"].is_string() {
            out.push((
                Severity::Must,
                format!("resources/directory/read {dir}: resources[{i}].uri is not a string"),
            ));
        }
    }
    if !children.iter().any(|ch| ch["mimeType"] == DIRECTORY) {
        out.push((
            Severity::Must,
            format!(
                "resources/directory/read {dir}: no child with mimeType {DIRECTORY} (a \
                 subdirectory is listed as a directory resource so clients can descend; the \
                 served directory exposes none to check)"
            ),
        ));
    }
    match file {
        Reply::Error(-32602, _) => {}
        other => out.push((
            Severity::Must,
            format!(
                "resources/directory/read {file_uri} (not a directory): expected -32602, got \
                 {other:?}"
            ),
        )),
    }
    out
}

async fn directory(target: &Target, version: ProtocolVersion) -> Outcome {
    skills!(target, version, |c, settings| {
        if settings["directoryRead"] != true {
            return Err(Halt::Skip(
                "the target declares the skills extension without directoryRead: true".into(),
            ));
        }
        let Some((dir, file_uri)) = find_directory(c).await? else {
            return Err(Halt::Fail(
                "no skill directory found via skills/list or resources/list to read".into(),
            ));
        };
        let mut children = Vec::new();
        let mut cursor: Option<String> = None;
        for page in 0.. {
            if page == MAX_PAGES {
                return Err(Halt::Fail(format!(
                    "resources/directory/read {dir} did not end within {MAX_PAGES} pages"
                )));
            }
            let mut params = json!({"uri": dir});
            if let Some(cur) = &cursor {
                params["cursor"] = json!(cur);
            }
            let result = c
                .request("resources/directory/read", params)
                .await?
                .result(&format!(
                    "resources/directory/read {dir} (a server that declares directoryRead MUST \
                     support it on a served skill directory)"
                ))?;
            let Some(items) = result["resources"].as_array() else {
                return Err(Halt::Fail(format!(
                    "resources/directory/read {dir}: result.resources is not an array"
                )));
            };
            children.extend(items.iter().cloned());
            match result["nextCursor"].as_str() {
                Some(next) if !next.is_empty() && cursor.as_deref() != Some(next) => {
                    cursor = Some(next.to_owned());
                }
                _ => break,
            }
        }
        let file = c
            .request("resources/directory/read", json!({"uri": file_uri}))
            .await?;
        verdict(judge_directory(&dir, &children, &file_uri, &file))
    })
}

/// The findings on a `SKILL.md` resource: its `resources/list` entry (if listed), what
/// `resources/read` gave (text and the content item), by SEP-2640's levels.
fn judge_manifest(uri: &str, listed: Option<&Value>, text: &str, item: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    let fm = frontmatter(text).ok().flatten().unwrap_or_default();
    let name = fm.get("name").and_then(Value::as_str);
    match (skill_name(uri), name) {
        (Some(seg), Some(name)) if seg == name => {}
        (seg, name) => out.push((
            Severity::Must,
            format!(
                "{uri}: final <skill-path> segment {seg:?} is not the frontmatter name {name:?} \
                 (MUST equal)"
            ),
        )),
    }
    let mime = item
        .get("mimeType")
        .or_else(|| listed.and_then(|l| l.get("mimeType")));
    if mime.and_then(Value::as_str) != Some("text/markdown") {
        out.push((
            Severity::Should,
            format!("{uri}: mimeType {mime:?}, not text/markdown (SHOULD be text/markdown)"),
        ));
    }
    if let Some(listed) = listed {
        for key in ["name", "description"] {
            if let Some(want) = fm.get(key)
                && listed.get(key) != Some(want)
            {
                out.push((
                    Severity::Should,
                    format!(
                        "{uri}: the listed resource's {key} {} is not the frontmatter's {want} \
                         (SHOULD be set from it)",
                        listed.get(key).unwrap_or(&Value::Null)
                    ),
                ));
            }
        }
    }
    let namespaced = |key: &&String| {
        key.split_once('/')
            .is_some_and(|(prefix, _)| prefix.contains('.') && !prefix.starts_with('.'))
    };
    for meta in [item.get("_meta"), listed.and_then(|l| l.get("_meta"))]
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        for key in meta.keys().filter(|k| !namespaced(k)) {
            out.push((
                Severity::Should,
                format!(
                    "{uri}: _meta key {key:?} is not namespaced (SHOULD use the \
                     io.modelcontextprotocol.skills/ prefix)"
                ),
            ));
        }
    }
    out
}

async fn manifest(target: &Target, version: ProtocolVersion) -> Outcome {
    skills!(target, version, |c, _settings| {
        let listed = if c.has_capability("resources") {
            walk(c, "resources/list", "resources", "uri").await?
        } else {
            Vec::new()
        };
        let entry = listed
            .iter()
            .find(|r| r["uri"].as_str().and_then(skill_name).is_some())
            .cloned();
        let uri: Option<String> = match &entry {
            Some(e) => e["uri"].as_str().map(str::to_owned),
            None => find_directory(c).await?.map(|(_, uri)| uri),
        };
        let Some(uri) = uri else {
            return Err(Halt::Fail(
                "no skill://<skill-path>/SKILL.md found via resources/list or skills/list".into(),
            ));
        };
        if entry.is_none() {
            c.note(format!(
                "{uri} is not in resources/list: its name and description metadata are not \
                 observable"
            ));
        }
        let Some((text, item)) = read_text(c, &uri).await? else {
            return Err(Halt::Fail(format!("resources/read {uri} gave no text")));
        };
        verdict(judge_manifest(&uri, entry.as_ref(), &text, &item))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: &str = "---\nname: pdf-processing\ndescription: Extract PDFs\n---\n\n# Body\n";
    const SHA: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const URI: &str = "skill://pdf-processing/SKILL.md";

    fn entry() -> Value {
        json!({
            "uri": URI,
            "frontmatter": {"name": "pdf-processing", "description": "Extract PDFs"},
            "resources": [
                {"uri": URI, "digest": SHA, "size": 10},
                {"uri": "skill://pdf-processing/references/FORMS.md", "digest": SHA, "size": 3},
            ],
        })
    }

    fn levels(findings: &[Finding]) -> Vec<Severity> {
        findings.iter().map(|(l, _)| *l).collect()
    }

    #[test]
    fn a_good_entry_has_no_findings() {
        assert!(judge_entries(&[entry()]).is_empty());
        let page = json!({"skills": [entry()], "ttlMs": 0, "cacheScope": "private"});
        assert!(judge_pages(&[page]).is_empty());
    }

    #[test]
    fn entry_faults_are_musts() {
        let faults: [(&str, Value); 6] = [
            ("frontmatter", json!({"name": "pdf-processing"})),
            ("resources", json!(null)),
            (
                "resources",
                json!([{"uri": "skill://pdf-processing/a.md", "digest": SHA, "size": 1}]),
            ),
            (
                "resources",
                json!([{"uri": URI, "digest": "sha256:ABC", "size": 1}]),
            ),
            (
                "resources",
                json!([{"uri": URI, "digest": SHA, "size": -1}]),
            ),
            (
                "resources",
                json!([{"uri": URI, "digest": SHA, "size": 1},
                                 {"uri": "skill://other/x.md", "digest": SHA, "size": 1}]),
            ),
        ];
        for (key, bad) in faults {
            let mut e = entry();
            e[key] = bad.clone();
            let found = judge_entries(&[e]);
            assert!(
                levels(&found).contains(&Severity::Must),
                "{key}={bad}: {found:?}"
            );
        }
        let mut e = entry();
        e["frontmatter"]["name"] = json!("other");
        assert!(verdict(judge_entries(&[e])).is_err());
        assert!(
            !valid_name("Pdf") && !valid_name("a--b") && !valid_name("-a") && valid_name("a-b")
        );
    }

    #[test]
    fn should_level_faults_fail_at_should() {
        let mut e = entry();
        e["frontmatter"]["metadata"] = json!({"io.modelcontextprotocol/x": 1});
        let found = judge_entries(&[e.clone(), e]);
        assert_eq!(levels(&found), vec![Severity::Should; 3], "{found:?}");
        assert!(matches!(
            verdict(found),
            Err(Halt::FailAt(Severity::Should, _))
        ));
    }

    #[test]
    fn pages_need_cache_attributes_and_atomic_entries() {
        let page = json!({"skills": [entry()]});
        assert_eq!(
            judge_pages(std::slice::from_ref(&page)).len(),
            2,
            "ttlMs and cacheScope"
        );
        let paged = json!({"skills": [entry()], "ttlMs": 0, "cacheScope": "public"});
        assert_eq!(judge_pages(&[paged, page]).len(), 1 + 1, "split entry");
    }

    #[test]
    fn declaration_is_an_inline_object_with_resources() {
        assert!(judge_declaration(&json!({"directoryRead": true}), true).is_empty());
        assert_eq!(judge_declaration(&json!(true), true).len(), 1);
        assert_eq!(judge_declaration(&json!({"config": {}}), true).len(), 1);
        assert_eq!(judge_declaration(&json!({}), false).len(), 1);
    }

    #[test]
    fn skill_md_frontmatter_matches_the_entry() {
        let mut notes = Vec::new();
        assert!(judge_skill_md(&entry(), MD, &mut notes).is_empty());
        let changed = MD.replace("Extract PDFs", "Exfiltrate credentials");
        assert_eq!(judge_skill_md(&entry(), &changed, &mut notes).len(), 1);
        assert_eq!(
            judge_skill_md(&entry(), "# no frontmatter", &mut notes).len(),
            1
        );
        assert!(notes.is_empty());
        let nested = "---\nname: x\nmetadata:\n  a: b\n---\n";
        assert!(judge_skill_md(&entry(), nested, &mut notes).is_empty());
        assert_eq!(notes.len(), 1, "nested YAML is noted, not judged");
    }

    #[test]
    fn skills_get_echoes_and_refuses_unknown_uris() {
        let ok = Reply::Result(json!({"skill": entry(), "ttlMs": 0, "cacheScope": "private"}));
        let refused = Reply::Error(-32602, json!({}));
        assert!(judge_get(URI, &ok, &refused).is_empty());
        let wrong = Reply::Error(-32603, json!({}));
        assert_eq!(judge_get(URI, &ok, &wrong).len(), 1);
        let paged = Reply::Result(json!({"skill": entry(), "nextCursor": "x"}));
        assert_eq!(judge_get(URI, &paged, &refused).len(), 3);
        assert_eq!(judge_get(URI, &refused, &refused).len(), 1);
    }

    #[test]
    fn directory_needs_a_subdirectory_and_refuses_files() {
        let children = [
            json!({"uri": URI, "name": "SKILL.md"}),
            json!({"uri": "skill://pdf-processing/references", "name": "references", "mimeType": DIRECTORY}),
        ];
        let refused = Reply::Error(-32602, json!({}));
        let dir = "skill://pdf-processing";
        assert!(judge_directory(dir, &children, URI, &refused).is_empty());
        assert_eq!(judge_directory(dir, &children[..1], URI, &refused).len(), 1);
        let served = Reply::Result(json!({"resources": []}));
        assert_eq!(judge_directory(dir, &children, URI, &served).len(), 1);
    }

    #[test]
    fn manifest_levels() {
        let listed = json!({"uri": URI, "name": "pdf-processing", "description": "Extract PDFs",
                            "mimeType": "text/markdown"});
        let item = json!({"uri": URI, "text": MD, "mimeType": "text/markdown"});
        assert!(judge_manifest(URI, Some(&listed), MD, &item).is_empty());
        let renamed = MD.replace("name: pdf-processing", "name: other");
        assert_eq!(
            levels(&judge_manifest(URI, Some(&listed), &renamed, &item))[0],
            Severity::Must
        );
        let plain = json!({"uri": URI, "text": MD, "mimeType": "text/plain", "_meta": {"k": 1}});
        let mut unnamed = listed;
        unnamed["name"] = json!("SKILL.md");
        unnamed["mimeType"] = json!("text/plain");
        let found = judge_manifest(URI, Some(&unnamed), MD, &plain);
        assert_eq!(levels(&found), vec![Severity::Should; 3], "{found:?}");
        let namespaced = json!({"uri": URI, "mimeType": "text/markdown",
                                "_meta": {"io.modelcontextprotocol.skills/x": 1}});
        assert!(judge_manifest(URI, None, MD, &namespaced).is_empty());
    }
}
