//! Checks every request passes before it is read: Host and Origin against the allow-list
//! (DNS rebinding), `Accept` and `Content-Type`. Each failure has its status.

use http::{HeaderMap, header};

use super::config::HttpConfig;

/// Host and Origin must name an allowed host (basic/transports §Security Warning: servers
/// MUST validate `Origin`; a foreign `Host` is how DNS rebinding shows up on a loopback
/// server). An absent `Origin` (not a browser) passes.
pub(crate) fn host_and_origin_allowed(
    config: &HttpConfig,
    headers: &HeaderMap,
    authority: Option<&str>,
) -> bool {
    let Some(hosts) = &config.allowed_hosts else {
        return true;
    };
    let host_ok = match headers.get(header::HOST).map(|h| h.to_str()) {
        Some(Ok(host)) => host_allowed(hosts, host),
        Some(Err(_)) => false,
        // HTTP/2 carries the host in the `:authority` pseudo-header (the URI); a request
        // with neither names no host to rebind.
        None => authority.is_none_or(|a| host_allowed(hosts, a)),
    };
    if !host_ok {
        return false;
    }
    match headers.get(header::ORIGIN).map(|o| o.to_str()) {
        None => true,
        Some(Err(_)) => false,
        Some(Ok(origin)) => {
            let origin = origin.to_ascii_lowercase();
            if config.allowed_origins.contains(&origin) {
                return true;
            }
            match origin.split_once("://") {
                Some((scheme, host)) if scheme == "http" || scheme == "https" => {
                    host_allowed(hosts, host)
                }
                _ => false,
            }
        }
    }
}

/// Whether `authority` (`host[:port]`) is allowed: an entry without a port matches the host
/// on any port, an entry with one only that port.
fn host_allowed(hosts: &[String], authority: &str) -> bool {
    let authority = authority.to_ascii_lowercase();
    let name = strip_port(&authority);
    hosts.iter().any(|h| *h == authority || *h == name)
}

fn strip_port(authority: &str) -> &str {
    if authority.starts_with('[') {
        // [v6]:port
        return match authority.find(']') {
            Some(end) => &authority[..=end],
            None => authority,
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// Whether `Accept` lists `mime` (or a wildcard covering it).
pub(crate) fn accepts(headers: &HeaderMap, mime: &str) -> bool {
    let (kind, _) = mime.split_once('/').unwrap_or((mime, ""));
    headers.get_all(header::ACCEPT).iter().any(|value| {
        value.to_str().is_ok_and(|v| {
            v.split(',').any(|item| {
                let item = item.split(';').next().unwrap_or_default().trim();
                item.eq_ignore_ascii_case(mime)
                    || item == "*/*"
                    || item
                        .strip_suffix("/*")
                        .is_some_and(|k| k.eq_ignore_ascii_case(kind))
            })
        })
    })
}

/// Whether the body is declared JSON (`application/json`, any parameters).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn loopback_hosts_pass_and_foreign_ones_do_not() {
        let config = HttpConfig::default();
        let ok = |pairs| host_and_origin_allowed(&config, &headers(pairs), None);
        assert!(ok(&[("host", "127.0.0.1:8080")]));
        assert!(ok(&[("host", "localhost")]));
        assert!(ok(&[
            ("host", "[::1]:3000"),
            ("origin", "http://localhost:5173")
        ]));
        assert!(!ok(&[("host", "evil.example.com")]));
        assert!(!ok(&[
            ("host", "localhost:1"),
            ("origin", "http://evil.example.com")
        ]));
        assert!(!ok(&[("host", "localhost.evil.com:80")]));
        assert!(!ok(&[("host", "127.0.0.1"), ("origin", "null")]));
        assert!(!host_and_origin_allowed(
            &config,
            &HeaderMap::new(),
            Some("evil.example.com:80")
        ));
        assert!(host_and_origin_allowed(
            &config,
            &HeaderMap::new(),
            Some("localhost:80")
        ));
    }

    #[test]
    fn accept_lists_are_read_item_by_item() {
        let h = headers(&[("accept", "application/json, text/event-stream;q=0.9")]);
        assert!(accepts(&h, "application/json"));
        assert!(accepts(&h, "text/event-stream"));
        assert!(!accepts(
            &headers(&[("accept", "text/html")]),
            "application/json"
        ));
        assert!(accepts(&headers(&[("accept", "*/*")]), "text/event-stream"));
        assert!(accepts(
            &headers(&[("accept", "text/*")]),
            "text/event-stream"
        ));
    }
}
