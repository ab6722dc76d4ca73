//! URI templates (RFC 6570) for resource templates: levels 1 and 2 (`{var}`, `{+var}`,
//! `{#var}`), matched against a concrete URI to recover the variables.
//!
//! Matching is the inverse of expansion: a simple `{var}` expands with every reserved
//! character percent-encoded, so it matches a run of characters without `/`, `?`, `#` (and
//! is percent-decoded); `{+var}` and `{#var}` keep reserved characters, so they match any
//! run. Where two splits are possible the first variable takes as little as it can, which is
//! what the literal that follows it asks for.

use std::collections::BTreeMap;

/// One piece of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Var { name: String, op: Op },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `{var}`: level 1.
    Simple,
    /// `{+var}`: reserved expansion.
    Reserved,
    /// `{#var}`: fragment expansion.
    Fragment,
}

/// A parsed URI template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UriTemplate {
    source: String,
    parts: Vec<Part>,
}

/// The template is not a level-1/2 RFC 6570 template.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid URI template {template:?}: {reason}")]
pub struct TemplateError {
    template: String,
    reason: &'static str,
}

impl UriTemplate {
    /// Parses `template`.
    pub fn parse(template: &str) -> Result<Self, TemplateError> {
        let err = |reason| TemplateError {
            template: template.to_owned(),
            reason,
        };
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_owned()));
            }
            let close = rest[open..].find('}').ok_or_else(|| err("unclosed `{`"))? + open;
            let expr = &rest[open + 1..close];
            let (op, name) = match expr.as_bytes().first() {
                Some(b'+') => (Op::Reserved, &expr[1..]),
                Some(b'#') => (Op::Fragment, &expr[1..]),
                _ => (Op::Simple, expr),
            };
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            {
                return Err(err(
                    "variable names are letters, digits, `_` and `.` (levels 1 and 2 only)",
                ));
            }
            if matches!(parts.last(), Some(Part::Var { .. })) {
                return Err(err("two variables must be separated by a literal"));
            }
            parts.push(Part::Var {
                name: name.to_owned(),
                op,
            });
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err(err("unopened `}`"));
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Ok(Self {
            source: template.to_owned(),
            parts,
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The variable names, in order.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var { name, .. } => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// The variables of `uri` if it is an expansion of this template.
    ///
    /// The URI comes from the client, and matching several variables backtracks: without a
    /// bound, a crafted URI (`x://` and thousands of `-` against `x://{a}-{b}-{c}.json`)
    /// costs polynomial time on a runtime thread. So a URI longer than 8 KiB is not matched,
    /// and matching gives up (no match) after 10,000 attempts; either way the caller answers
    /// "resource not found".
    pub fn matches(&self, uri: &str) -> Option<BTreeMap<String, String>> {
        if uri.len() > MAX_MATCH_URI_LEN {
            return None;
        }
        let mut out = BTreeMap::new();
        let mut budget = MAX_MATCH_STEPS;
        match_parts(&self.parts, uri, &mut out, &mut budget).then_some(out)
    }
}

/// The longest URI a template is matched against (browsers and proxies commonly stop at
/// 8 KiB for a whole URL).
pub(crate) const MAX_MATCH_URI_LEN: usize = 8 * 1024;

/// How many partial matches one [`UriTemplate::matches`] may try before it gives up.
pub(crate) const MAX_MATCH_STEPS: u32 = 10_000;

fn match_parts(
    parts: &[Part],
    input: &str,
    out: &mut BTreeMap<String, String>,
    budget: &mut u32,
) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let Some((first, rest)) = parts.split_first() else {
        return input.is_empty();
    };
    match first {
        Part::Literal(lit) => input
            .strip_prefix(lit.as_str())
            .is_some_and(|tail| match_parts(rest, tail, out, budget)),
        Part::Var { name, op } => {
            let input = match op {
                Op::Fragment => match input.strip_prefix('#') {
                    Some(tail) => tail,
                    None => return false,
                },
                _ => input,
            };
            // Candidate ends of the value, shortest first; a simple variable stops at a
            // reserved delimiter.
            let stop = input
                .char_indices()
                .find(|&(_, c)| *op == Op::Simple && matches!(c, '/' | '?' | '#' | '&'))
                .map_or(input.len(), |(i, _)| i);
            let ends = input[..stop]
                .char_indices()
                .map(|(i, _)| i)
                .skip(1)
                .chain(std::iter::once(stop))
                // An empty value would match anything; a variable names something.
                .filter(|&end| end > 0);
            for end in ends {
                if match_parts(rest, &input[end..], out, budget) {
                    out.insert(name.clone(), percent_decode(&input[..end]));
                    return true;
                }
            }
            false
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16)),
                bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_one_variables_match_one_segment() {
        let t = UriTemplate::parse("test://template/{id}/data").unwrap();
        let vars = t.matches("test://template/123/data").unwrap();
        assert_eq!(vars["id"], "123");
        assert!(t.matches("test://template/1/2/data").is_none());
        assert!(t.matches("test://template//data").is_none());
        assert_eq!(
            t.matches("test://template/a%20b/data").unwrap()["id"],
            "a b"
        );
    }

    #[test]
    fn level_two_reserved_and_fragment_expansion() {
        let t = UriTemplate::parse("file:///{+path}").unwrap();
        assert_eq!(t.matches("file:///a/b/c.txt").unwrap()["path"], "a/b/c.txt");
        let f = UriTemplate::parse("doc://x{#section}").unwrap();
        assert_eq!(f.matches("doc://x#intro").unwrap()["section"], "intro");
        let two = UriTemplate::parse("db://{table}/{id}").unwrap();
        let v = two.matches("db://users/42").unwrap();
        assert_eq!((v["table"].as_str(), v["id"].as_str()), ("users", "42"));
        assert_eq!(two.variables().collect::<Vec<_>>(), ["table", "id"]);
    }

    #[test]
    fn bad_templates_are_refused() {
        assert!(UriTemplate::parse("x://{a").is_err());
        assert!(UriTemplate::parse("x://{a}{b}").is_err());
        assert!(UriTemplate::parse("x://{?q}").is_err());
    }

    #[test]
    fn a_crafted_uri_cannot_make_matching_run_away() {
        // Without the step budget this is about n^3 partial matches for n = 8000.
        let t = UriTemplate::parse("x://{a}-{b}-{c}.json").unwrap();
        let crafted = format!("x://{}", "-".repeat(8000));
        assert_eq!(t.matches(&crafted), None);
        let too_long = format!("x://a-b-{}.json", "c".repeat(MAX_MATCH_URI_LEN));
        assert_eq!(t.matches(&too_long), None);
        // Ordinary URIs still match.
        let ok = t.matches("x://one-two-three.json").unwrap();
        assert_eq!(ok["a"], "one");
        assert_eq!(ok["c"], "three");
    }
}
