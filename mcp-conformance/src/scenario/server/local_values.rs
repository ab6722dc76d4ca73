//! Values a scenario makes up never point outside this machine: a tool given a URL, a host
//! or an address to contact must find nothing there but this machine or nowhere at all.
//!
//! - A string of a `format` that names a place gets one on the reserved top-level domain
//!   `.invalid` (RFC 2606 §2, RFC 6761 §6.4: such names never resolve), or the loopback
//!   address for an IP address: [`for_format`].
//! - A free string is drawn from characters that cannot form a URL, an email address or a
//!   domain name: no `:`, `/`, `\`, `@` or `.` ([`FREE_CHAR_EXCLUDED`]).
//! - A value the schema itself offers (`default`, `enum`, `const`) is used only when it does
//!   not name an outside place ([`points_outside`]): a server's default URL is its own
//!   business, but this suite does not pass it on.

use serde_json::Value;

/// The host of every URL, email address and host name made up.
pub(crate) const HOST: &str = "mcp-conformance.invalid";

/// An email address on [`HOST`].
pub(crate) const EMAIL: &str = "probe@mcp-conformance.invalid";

/// A URL on [`HOST`].
pub(crate) const URL: &str = "http://mcp-conformance.invalid/";

/// Characters a free string never holds, so that it cannot form a URL (`:`, `/`, `\`), an
/// email address (`@`) or a domain name (`.`).
pub(crate) const FREE_CHAR_EXCLUDED: [char; 5] = [':', '/', '\\', '@', '.'];

/// A value of JSON Schema `format` that names a place, on this machine or nowhere; `None`
/// for a format that names none (a date, say). `path` tells made-up URLs apart.
pub(crate) fn for_format(format: &str, path: &str) -> Option<String> {
    Some(match format {
        "uri" | "url" | "iri" | "uri-reference" | "iri-reference" => format!("{URL}{path}"),
        "uri-template" => format!("{URL}{path}{{id}}"),
        "hostname" | "idn-hostname" => HOST.to_owned(),
        "email" | "idn-email" => EMAIL.to_owned(),
        "ipv4" => "127.0.0.1".to_owned(),
        "ipv6" => "::1".to_owned(),
        _ => return None,
    })
}

/// Whether `value` holds a string that names a place off this machine: a URL (anything with
/// `://`, or starting with `//`) or an email address whose host is not `.invalid`, loopback
/// or `localhost`.
pub(crate) fn points_outside(value: &Value) -> bool {
    match value {
        Value::String(s) => string_points_outside(s),
        Value::Array(items) => items.iter().any(points_outside),
        Value::Object(map) => map.values().any(points_outside),
        _ => false,
    }
}

fn string_points_outside(s: &str) -> bool {
    let after_scheme = s
        .find("://")
        .map(|at| &s[at + 3..])
        .or_else(|| s.strip_prefix("//"));
    if let Some(rest) = after_scheme {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit('@').next().unwrap_or_default();
        return !is_local_host(host);
    }
    // `mailto:` URLs and bare addresses alike.
    if let Some((_, domain)) = s.rsplit_once('@') {
        return !domain.is_empty() && !is_local_host(domain);
    }
    false
}

/// Whether `host` (maybe with a port) is this machine or nowhere.
fn is_local_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let bare = match host.strip_prefix('[') {
        // An IPv6 literal: `[::1]:8080`.
        Some(v6) => v6.split(']').next().unwrap_or_default().to_owned(),
        None => host.split(':').next().unwrap_or_default().to_owned(),
    };
    let bare = bare.trim_end_matches('.');
    bare == "localhost"
        || bare.ends_with(".localhost")
        || bare == "invalid"
        || bare.ends_with(".invalid")
        || bare == "::1"
        || bare.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn made_up_places_are_local_and_the_check_says_so() {
        for format in [
            "uri",
            "url",
            "iri",
            "uri-reference",
            "iri-reference",
            "uri-template",
            "hostname",
            "email",
            "ipv4",
            "ipv6",
        ] {
            let v = for_format(format, "x").expect(format);
            assert!(!points_outside(&json!(v)), "{format}: {v}");
        }
        assert_eq!(for_format("date", "x"), None);
        assert_eq!(for_format("hostname", "x").as_deref(), Some(HOST));
    }

    #[test]
    fn urls_and_addresses_elsewhere_point_outside() {
        for outside in [
            "https://example.com/",
            "http://user@evil.example:8080/x",
            "//cdn.example.org/a.js",
            "ftp://10.0.0.1/",
            "someone@example.com",
            "mailto:someone@example.com",
            "http://invalid.example.com/",
        ] {
            assert!(points_outside(&json!(outside)), "{outside}");
        }
        for local in [
            "http://127.0.0.1:9/",
            "http://[::1]:80/",
            "http://localhost/x",
            "https://a.b.invalid./",
            "probe@mcp-conformance.invalid",
            "plain text",
            "a@",
        ] {
            assert!(!points_outside(&json!(local)), "{local}");
        }
        assert!(points_outside(
            &json!({"list": [1, {"url": "https://example.com"}]})
        ));
    }
}
