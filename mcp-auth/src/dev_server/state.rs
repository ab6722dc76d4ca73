//! The server's in-memory state: configuration, clients, codes and token families.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::keys::{SigningKey, random_token};
use super::{DevAuthServerBuilder, DevUser};

/// How a client authenticates at the token endpoint (RFC 7591 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthMethod {
    None,
    SecretBasic,
    SecretPost,
}

impl AuthMethod {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(Self::None),
            "client_secret_basic" => Some(Self::SecretBasic),
            "client_secret_post" => Some(Self::SecretPost),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::SecretBasic => "client_secret_basic",
            Self::SecretPost => "client_secret_post",
        }
    }
}

/// A registered (DCR) or fetched (CIMD) client.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub(crate) redirect_uris: Vec<String>,
    pub(crate) grant_types: Vec<String>,
    pub(crate) auth_method: AuthMethod,
    pub(crate) secret: Option<String>,
}

/// An issued authorization code.
#[derive(Debug)]
pub(crate) struct CodeGrant {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) resource: String,
    pub(crate) scope: String,
    pub(crate) challenge: String,
    pub(crate) user: DevUser,
    pub(crate) expires: Instant,
    /// When the user signed in (seconds since the epoch): the tokens' `auth_time`.
    pub(crate) auth_time: u64,
}

/// A code already redeemed: what was issued from it, revoked if the code comes again.
#[derive(Debug)]
pub(crate) struct RedeemedCode {
    pub(crate) family: String,
    pub(crate) access_token: String,
    pub(crate) expires: Instant,
}

/// A refresh token; `used` marks one already rotated away.
#[derive(Debug)]
pub(crate) struct RefreshGrant {
    pub(crate) family: String,
    pub(crate) client_id: String,
    pub(crate) resource: String,
    pub(crate) scope: String,
    pub(crate) user: DevUser,
    pub(crate) expires: Instant,
    pub(crate) used: bool,
    /// When the user signed in: carried over by refresh, so a refreshed token is no fresher.
    pub(crate) auth_time: u64,
}

/// A client ID metadata document's client and when it was fetched.
#[derive(Debug)]
pub(crate) struct FetchedClient {
    pub(crate) client: Client,
    pub(crate) fetched: Instant,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    /// Dynamically registered clients, bounded by [`State::admit_client`].
    pub(crate) clients: HashMap<String, Client>,
    /// Registered client ids, oldest first.
    pub(crate) registered: VecDeque<String>,
    /// Clients from client ID metadata documents, bounded by [`State::remember_document`].
    pub(crate) documents: HashMap<String, FetchedClient>,
    pub(crate) codes: HashMap<String, CodeGrant>,
    pub(crate) refresh: HashMap<String, RefreshGrant>,
    pub(crate) revoked_families: HashSet<String>,
    /// Codes already redeemed, kept for the refresh-token lifetime so that a replay revokes
    /// what the first redemption issued (OAuth 2.1 §4.1.3).
    pub(crate) redeemed: HashMap<String, RedeemedCode>,
    /// Claims of issued access tokens, by token, for introspection.
    pub(crate) access: HashMap<String, Value>,
}

impl State {
    /// Forgets expired codes, refresh tokens and access tokens, so a long-running server (or
    /// a client looping on `/authorize`) does not grow without bound. Called whenever
    /// something is issued; refresh tokens already rotated away are kept until they expire,
    /// so a replay is still recognised and revokes its family.
    /// Keeps `client` fetched from the document at `url`, within `capacity` entries: the
    /// entries older than `ttl` go first, then the oldest.
    pub(crate) fn remember_document(
        &mut self,
        url: &str,
        client: Client,
        capacity: usize,
        ttl: Duration,
    ) {
        if capacity == 0 {
            return;
        }
        let now = Instant::now();
        self.documents
            .retain(|_, d| now.duration_since(d.fetched) < ttl);
        while self.documents.len() >= capacity {
            let oldest = self
                .documents
                .iter()
                .min_by_key(|(_, d)| d.fetched)
                .map(|(url, _)| url.clone());
            match oldest {
                Some(url) => self.documents.remove(&url),
                None => break,
            };
        }
        self.documents.insert(
            url.to_owned(),
            FetchedClient {
                client,
                fetched: now,
            },
        );
    }

    /// Registers `client` under `id` within `capacity` registrations. When full, the oldest
    /// registration that holds no live authorization code or refresh token goes; when every
    /// one does, nothing goes and the registration is refused (`false`): a client in the middle
    /// of a flow is never forgotten under it.
    pub(crate) fn admit_client(&mut self, id: String, client: Client, capacity: usize) -> bool {
        if self.clients.len() >= capacity {
            self.prune();
            let busy: HashSet<&str> = self
                .codes
                .values()
                .map(|c| c.client_id.as_str())
                .chain(self.refresh.values().map(|r| r.client_id.as_str()))
                .collect();
            let idle = self
                .registered
                .iter()
                .position(|id| !busy.contains(id.as_str()));
            match idle {
                Some(i) if capacity > 0 => {
                    if let Some(gone) = self.registered.remove(i) {
                        self.clients.remove(&gone);
                    }
                }
                _ => return false,
            }
        }
        self.registered.push_back(id.clone());
        self.clients.insert(id, client);
        true
    }

    pub(crate) fn prune(&mut self) {
        let now = Instant::now();
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.codes.retain(|_, c| c.expires > now);
        self.refresh.retain(|_, r| r.expires > now);
        self.redeemed.retain(|_, r| r.expires > now);
        self.access.retain(|_, claims| {
            claims
                .get("exp")
                .and_then(Value::as_u64)
                .is_some_and(|e| e > epoch)
        });
    }
}

/// What every handler sees.
pub(crate) struct Shared {
    pub(crate) config: DevAuthServerBuilder,
    pub(crate) issuer: String,
    pub(crate) key: SigningKey,
    pub(crate) http: Option<reqwest::Client>,
    state: Mutex<State>,
}

impl Shared {
    pub(crate) fn new(config: DevAuthServerBuilder, issuer: String, key: SigningKey) -> Self {
        // Client ID metadata documents: through the client's SSRF guard (no redirects, names
        // resolved and every loopback, private, link-local and unique-local address dropped
        // before connecting); the size cap is applied while reading the body.
        let http = config.cimd_policy().http_client().ok();
        Self {
            config,
            issuer,
            key,
            http,
            state: Mutex::new(State::default()),
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves maps that are still consistent entry by entry.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Mints an access token and remembers it for introspection.
    pub(crate) fn access_token(
        &self,
        subject: &str,
        tenant: Option<&str>,
        client_id: &str,
        resource: &str,
        scope: &str,
        auth_time: Option<u64>,
    ) -> Result<(String, u64), String> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs();
        let ttl = self.config.access_token_ttl.as_secs();
        let mut claims = json!({
            "iss": self.issuer, "sub": subject, "aud": resource, "iat": now, "nbf": now,
            "exp": now + ttl, "jti": random_token()?, "client_id": client_id, "scope": scope,
        });
        if let (Some(tenant), Some(map)) = (tenant, claims.as_object_mut()) {
            map.insert("tenant".into(), tenant.into());
        }
        if let (Some(auth_time), Some(map)) = (auth_time, claims.as_object_mut()) {
            map.insert("auth_time".into(), auth_time.into());
        }
        let token = self.key.sign(&claims)?;
        let mut state = self.state();
        state.prune();
        state.access.insert(token.clone(), claims);
        Ok((token, ttl))
    }

    /// `scope` if every scope in it is configured; an absent or empty scope means the
    /// default scopes (least privilege: a client that asks for nothing gets the least, never
    /// everything), else all of them when no default is configured.
    pub(crate) fn grantable_scope(&self, requested: Option<&str>) -> Option<String> {
        match requested.map(str::trim).filter(|s| !s.is_empty()) {
            None if !self.config.default_scopes.is_empty() => {
                Some(self.config.default_scopes.join(" "))
            }
            None => Some(self.config.scopes.join(" ")),
            Some(s) => s
                .split(' ')
                .filter(|s| !s.is_empty())
                .all(|one| self.config.scopes.iter().any(|c| c == one))
                .then(|| s.to_owned()),
        }
    }

    /// The `login_hint` user if configured, else the first user.
    pub(crate) fn login(&self, hint: Option<&str>) -> DevUser {
        let users = &self.config.users;
        hint.and_then(|h| users.iter().find(|u| u.subject == h))
            .or_else(|| users.first())
            .cloned()
            .unwrap_or_else(|| DevUser {
                subject: "dev".into(),
                tenant: "dev".into(),
            })
    }
}
