//! The SSRF guard: which URLs taken from servers and metadata may be fetched.
//!
//! 2026-07-28 `basic/authorization/security-considerations` §SSRF and best-practices
//! §Server-Side Request Forgery: a malicious MCP server can point `resource_metadata`,
//! `authorization_servers` or any endpoint at `169.254.169.254`, `localhost:6379` or an
//! intranet host. Every such URL is checked here before it is fetched: `https` only (plain `http`
//! only to loopback, and only when allowed), and every address the host resolves to must be
//! public (loopback and private ranges only when allowed). The HTTP client also resolves through
//! [`GuardedResolver`], so a name that re-resolves to a private address between the check and the
//! connection (DNS rebinding) still cannot be reached, and it never follows redirects.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use url::{Host, Url};

use super::error::{AuthError, BlockReason};

/// Which destinations the client may fetch metadata and tokens from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct UrlPolicy {
    /// Allow loopback addresses, over `http` or `https` (development and tests). Default off.
    pub allow_loopback: bool,
    /// Allow private, link-local and unique-local addresses over `https` (an intranet AS).
    /// Default off.
    pub allow_private: bool,
}

impl UrlPolicy {
    /// The production default: public `https` destinations only.
    pub fn public_only() -> Self {
        Self::default()
    }

    /// Also allows loopback destinations, `http` included: for development and tests.
    pub fn allow_loopback() -> Self {
        Self {
            allow_loopback: true,
            allow_private: false,
        }
    }

    /// Whether the guard lets a connection go to `ip`.
    pub fn allows_address(&self, ip: IpAddr) -> Result<(), BlockReason> {
        match classify(ip) {
            Class::Public => Ok(()),
            Class::Loopback if self.allow_loopback => Ok(()),
            Class::Loopback => Err(BlockReason::Loopback),
            Class::Private if self.allow_private => Ok(()),
            Class::Private => Err(BlockReason::PrivateAddress),
        }
    }

    /// Parses `url` and checks its scheme and every address its host resolves to.
    pub async fn check(&self, url: &str) -> Result<Url, AuthError> {
        let parsed = Url::parse(url).map_err(|_| AuthError::InvalidUrl {
            url: url.to_owned(),
        })?;
        let blocked = |reason| AuthError::Blocked {
            url: url.to_owned(),
            reason,
        };
        let https = match parsed.scheme() {
            "https" => true,
            "http" if self.allow_loopback => false,
            _ => return Err(blocked(BlockReason::Scheme)),
        };
        let addresses: Vec<IpAddr> = match parsed.host() {
            Some(Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
            Some(Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
            Some(Host::Domain(name)) => {
                let port = parsed.port_or_known_default().unwrap_or(443);
                tokio::net::lookup_host((name, port))
                    .await
                    .map_err(|_| blocked(BlockReason::Unresolvable))?
                    .map(|a| a.ip())
                    .collect()
            }
            None => {
                return Err(AuthError::InvalidUrl {
                    url: url.to_owned(),
                });
            }
        };
        if addresses.is_empty() {
            return Err(blocked(BlockReason::Unresolvable));
        }
        for ip in addresses {
            self.allows_address(ip).map_err(blocked)?;
            // Plain http only ever goes to loopback.
            if !https && classify(ip) != Class::Loopback {
                return Err(blocked(BlockReason::Scheme));
            }
        }
        Ok(parsed)
    }

    /// An HTTP client that never follows redirects and resolves names through the guard.
    pub(crate) fn http_client(&self) -> Result<reqwest::Client, AuthError> {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver { policy: *self }))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| AuthError::Http {
                url: String::new(),
                reason: e.to_string(),
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Public,
    Loopback,
    Private,
}

/// Sorts an address with the standard library's predicates; 169.254.169.254 (cloud metadata)
/// is link-local, and an IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
fn classify(ip: IpAddr) -> Class {
    match ip {
        IpAddr::V4(v4) if v4.is_loopback() => Class::Loopback,
        IpAddr::V4(v4)
            if v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation() =>
        {
            Class::Private
        }
        IpAddr::V4(_) => Class::Public,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => classify(IpAddr::V4(v4)),
            None if v6.is_loopback() => Class::Loopback,
            None if v6.is_unique_local()
                || v6.is_unicast_link_local()
                || v6.is_unspecified()
                || v6.is_multicast() =>
            {
                Class::Private
            }
            None => Class::Public,
        },
    }
}

/// Resolves host names for the HTTP client and drops every address the policy refuses.
#[derive(Debug)]
struct GuardedResolver {
    policy: UrlPolicy,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        Box::pin(async move {
            let allowed: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| policy.allows_address(a.ip()).is_ok())
                .collect();
            if allowed.is_empty() {
                return Err("every address of the host is refused by the SSRF guard".into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn reason(policy: UrlPolicy, url: &str) -> Option<BlockReason> {
        match policy.check(url).await {
            Ok(_) => None,
            Err(AuthError::Blocked { reason, .. }) => Some(reason),
            Err(other) => panic!("{other}"),
        }
    }

    #[tokio::test]
    async fn refuses_private_metadata_and_loopback_by_default() {
        let strict = UrlPolicy::public_only();
        for url in [
            "https://169.254.169.254/latest",
            "https://10.0.0.1/x",
            "https://192.168.1.1/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://0.0.0.0/",
        ] {
            assert_eq!(
                reason(strict, url).await,
                Some(BlockReason::PrivateAddress),
                "{url}"
            );
        }
        for url in [
            "https://127.0.0.1/",
            "https://0x7f.1/",
            "https://2130706433/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
        ] {
            assert_eq!(
                reason(strict, url).await,
                Some(BlockReason::Loopback),
                "{url}"
            );
        }
        assert_eq!(
            reason(strict, "http://127.0.0.1/").await,
            Some(BlockReason::Scheme)
        );
        assert_eq!(
            reason(strict, "javascript:alert(1)").await,
            Some(BlockReason::Scheme)
        );
        assert_eq!(
            reason(strict, "file:///etc/passwd").await,
            Some(BlockReason::Scheme)
        );
        assert_eq!(reason(strict, "https://93.184.215.14/").await, None);
    }

    #[tokio::test]
    async fn loopback_policy_allows_only_loopback_http() {
        let dev = UrlPolicy::allow_loopback();
        assert_eq!(reason(dev, "http://127.0.0.1:8080/x").await, None);
        assert_eq!(reason(dev, "http://[::1]:8080/x").await, None);
        assert_eq!(
            reason(dev, "http://93.184.215.14/").await,
            Some(BlockReason::Scheme)
        );
        assert_eq!(
            reason(dev, "http://10.0.0.1/").await,
            Some(BlockReason::PrivateAddress)
        );
    }
}
