//! The orchestrator: from a 401 or 403 to a usable access token.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;

use super::discovery::{self, AuthorizationServerMetadata};
use super::error::AuthError;
use super::grant::{refresh, token_request};
use super::guard::UrlPolicy;
use super::pkce::{Pkce, random_string};
use super::redirect::{CallbackParams, RedirectHandler};
use super::registration::{ClientCredentials, RegistrationRequest, register};
use super::secret::Secret;
use super::token::{MemoryTokenStore, TokenKey, TokenSet, TokenStore};
use super::www_authenticate::BearerChallenge;

/// How the client obtains tokens.
#[derive(Clone)]
#[non_exhaustive]
pub enum Grant {
    /// Authorization code with PKCE, the user agent driven by the handler.
    AuthorizationCode(Arc<dyn RedirectHandler>),
    /// OAuth client credentials (machine to machine; ext-auth `oauth-client-credentials`),
    /// authenticated with a secret or a `private_key_jwt` assertion (see
    /// [`ClientCredentials`](crate::client::ClientCredentials)).
    ClientCredentials,
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AuthorizationCode(handler) => {
                f.debug_tuple("AuthorizationCode").field(handler).finish()
            }
            Self::ClientCredentials => f.write_str("ClientCredentials"),
        }
    }
}

/// A step-up the server asks for: more scopes for `resource`. The application decides,
/// usually by asking its user ([`AuthorizerBuilder::on_step_up`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StepUp {
    /// The MCP server.
    pub resource: String,
    /// The scopes asked for so far.
    pub current: BTreeSet<String>,
    /// The scopes the new authorization would ask for (the current ones and the challenge's).
    pub requested: BTreeSet<String>,
}

type ConsentFuture = Pin<Box<dyn Future<Output = bool> + Send>>;

/// The application's answer to a [`StepUp`].
#[derive(Clone)]
struct StepUpConsent(Arc<dyn Fn(StepUp) -> ConsentFuture + Send + Sync>);

impl fmt::Debug for StepUpConsent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StepUpConsent")
    }
}

/// Configures an [`Authorizer`].
#[derive(Debug)]
pub struct AuthorizerBuilder {
    resource: String,
    grant: Grant,
    policy: UrlPolicy,
    pre_registered: HashMap<String, ClientCredentials>,
    metadata_document: Option<String>,
    client_name: String,
    store: Arc<dyn TokenStore>,
    max_step_up: u32,
    refresh_margin: Duration,
    legacy_discovery: bool,
    step_up_consent: Option<StepUpConsent>,
}

impl AuthorizerBuilder {
    /// Who approves a step-up authorization (a 403 `insufficient_scope` asking for more
    /// scopes): `consent` gets the scopes asked so far and those the new authorization would
    /// ask for, and the step-up goes ahead only if it answers `true`. Without it, no step-up
    /// happens ([`AuthError::StepUpDeclined`]): a server (or text a model read) must not widen
    /// a client's privileges silently; the user decides, through the application.
    pub fn on_step_up<F, Fut>(mut self, consent: F) -> Self
    where
        F: Fn(StepUp) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.step_up_consent = Some(StepUpConsent(Arc::new(move |s| Box::pin(consent(s)))));
        self
    }

    /// Which destinations metadata and token requests may go to (default: public `https` only).
    pub fn url_policy(mut self, policy: UrlPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Credentials registered beforehand at the authorization server `issuer`; used before
    /// any other way of registering, and only at that issuer.
    pub fn pre_registered(mut self, issuer: impl Into<String>, client: ClientCredentials) -> Self {
        self.pre_registered.insert(issuer.into(), client);
        self
    }

    /// The `https` URL of this client's ID metadata document, used as `client_id` at servers
    /// that advertise `client_id_metadata_document_supported`.
    pub fn client_metadata_document(mut self, url: impl Into<String>) -> Self {
        self.metadata_document = Some(url.into());
        self
    }

    /// The `client_name` sent in dynamic registration (default `mcp-rs client`).
    pub fn client_name(mut self, name: impl Into<String>) -> Self {
        self.client_name = name.into();
        self
    }

    /// Where tokens are kept (default: a [`MemoryTokenStore`]).
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = store;
        self
    }

    /// How many step-up authorizations may follow each other for this resource without a
    /// successful request in between (default 2).
    pub fn max_step_up(mut self, limit: u32) -> Self {
        self.max_step_up = limit;
        self
    }

    /// A token expiring within this margin is refreshed before use (default 30 s).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Whether a server without protected-resource metadata is treated as a 2025-03-26
    /// server (default `true`): its origin is the authorization server, with RFC 8414
    /// metadata there or the default `/authorize`, `/token` and `/register` endpoints. The 401
    /// comes before a protocol version is negotiated, so the authorizer cannot tell; a client
    /// that speaks only 2025-06-18 and later (where the metadata is required) turns it off
    /// and gets [`AuthError::ResourceMetadataNotFound`] instead.
    pub fn legacy_discovery(mut self, enabled: bool) -> Self {
        self.legacy_discovery = enabled;
        self
    }

    /// The authorizer.
    pub fn build(self) -> Result<Authorizer, AuthError> {
        Ok(Authorizer {
            http: self.policy.http_client()?,
            resource: self.resource,
            grant: self.grant,
            policy: self.policy,
            pre_registered: self.pre_registered,
            metadata_document: self.metadata_document,
            client_name: self.client_name,
            store: self.store,
            max_step_up: self.max_step_up,
            refresh_margin: self.refresh_margin,
            legacy_discovery: self.legacy_discovery,
            step_up_consent: self.step_up_consent,
            step_ups: AtomicU32::new(0),
            session: Mutex::new(Session::default()),
        })
    }
}

/// What the last discovery found, and the registrations made, per issuer.
#[derive(Debug, Default)]
struct Session {
    server: Option<AuthorizationServerMetadata>,
    /// The RFC 8707 resource indicator: the `resource` of the protected-resource metadata
    /// (the server URL, or its origin when the root metadata names the origin).
    indicator: Option<String>,
    registrations: HashMap<String, ClientCredentials>,
    scope: BTreeSet<String>,
}

/// Obtains and keeps access tokens for one MCP server (one RFC 8707 resource).
///
/// A transport asks [`bearer`](Self::bearer) before each request, calls
/// [`unauthorized`](Self::unauthorized) on a 401 and [`forbidden`](Self::forbidden) on a 403,
/// retries once with the token they return, and reports success with
/// [`request_succeeded`](Self::request_succeeded). One authorization runs at a time.
#[derive(Debug)]
pub struct Authorizer {
    resource: String,
    grant: Grant,
    policy: UrlPolicy,
    http: reqwest::Client,
    pre_registered: HashMap<String, ClientCredentials>,
    metadata_document: Option<String>,
    client_name: String,
    store: Arc<dyn TokenStore>,
    max_step_up: u32,
    refresh_margin: Duration,
    legacy_discovery: bool,
    step_up_consent: Option<StepUpConsent>,
    step_ups: AtomicU32,
    session: Mutex<Session>,
}

impl Authorizer {
    /// A builder for the MCP server at `resource` (its canonical URI, e.g.
    /// `https://mcp.example/mcp`), obtaining tokens by `grant`.
    pub fn builder(resource: impl Into<String>, grant: Grant) -> AuthorizerBuilder {
        AuthorizerBuilder {
            resource: resource.into(),
            grant,
            policy: UrlPolicy::public_only(),
            pre_registered: HashMap::new(),
            metadata_document: None,
            client_name: "mcp-rs client".to_owned(),
            store: Arc::new(MemoryTokenStore::default()),
            max_step_up: 2,
            refresh_margin: Duration::from_secs(30),
            legacy_discovery: true,
            step_up_consent: None,
        }
    }

    /// The MCP server URI tokens are obtained for.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The access token to send now, refreshed first if it is about to expire; `None` before
    /// any authorization (send the request without one and handle the 401).
    pub async fn bearer(&self) -> Result<Option<Secret>, AuthError> {
        let session = self.session.lock().await;
        let Some(server) = &session.server else {
            return Ok(None);
        };
        let key = self.key(server);
        let Some(tokens) = self.store.get(&key) else {
            return Ok(None);
        };
        if !tokens.expires_within(self.refresh_margin) {
            return Ok(Some(tokens.access_token));
        }
        Ok(self
            .try_refresh(&session, server, &key, &tokens)
            .await?
            .map(|t| t.access_token))
    }

    /// Handles a 401: discovers the resource and its authorization server (from the
    /// `WWW-Authenticate` value, if any), refreshes or authorizes, and returns the new token.
    ///
    /// `rejected` is the token the refused request carried: when another request has already
    /// replaced it, the replacement is returned without authorizing again.
    pub async fn unauthorized(
        &self,
        www_authenticate: Option<&str>,
        rejected: Option<&Secret>,
    ) -> Result<Secret, AuthError> {
        let challenge = www_authenticate
            .and_then(BearerChallenge::parse)
            .unwrap_or_default();
        let mut session = self.session.lock().await;
        if let Some(newer) = self.replaced(&session, rejected) {
            return Ok(newer);
        }
        let found = discovery::resource_metadata(
            &self.http,
            &self.policy,
            &self.resource,
            challenge.resource_metadata.as_deref(),
        )
        .await;
        let scopes_supported = match found {
            Ok(resource_metadata) => {
                // RFC 9728 §7.6: the client chooses; the first listed is the server's preference.
                let issuer = &resource_metadata.authorization_servers[0];
                if session.server.as_ref().is_none_or(|s| s.issuer != *issuer) {
                    session.server =
                        Some(discovery::server_metadata(&self.http, &self.policy, issuer).await?);
                }
                session.indicator = Some(resource_metadata.resource);
                resource_metadata.scopes_supported
            }
            Err(AuthError::ResourceMetadataNotFound { .. }) if self.legacy_discovery => {
                session.server = Some(
                    discovery::legacy_server_metadata(&self.http, &self.policy, &self.resource)
                        .await?,
                );
                session.indicator = Some(self.resource.clone());
                Vec::new()
            }
            Err(other) => return Err(other),
        };
        let Some(server) = session.server.clone() else {
            return Err(AuthError::NoAuthorizationServer);
        };
        let key = self.key(&server);
        if let Some(previous) = self.store.get(&key)
            && let Some(tokens) = self.try_refresh(&session, &server, &key, &previous).await?
        {
            return Ok(tokens.access_token);
        }
        // 2026-07-28 index §Scope Selection Strategy: the challenge's scope, else everything
        // the metadata lists, else none.
        session.scope = if challenge.scope.is_some() {
            challenge.scopes().map(str::to_owned).collect()
        } else {
            scopes_supported.into_iter().collect()
        };
        self.authorize(&mut session, &server, &key).await
    }

    /// Handles a 403: with `error="insufficient_scope"`, authorizes again for the union of the
    /// scopes asked before and the scopes challenged (2026-07-28 index §Step-Up Authorization
    /// Flow), at most [`max_step_up`](AuthorizerBuilder::max_step_up) times in a row, and
    /// only when the application's [`on_step_up`](AuthorizerBuilder::on_step_up) consents.
    /// `rejected` as for [`unauthorized`](Self::unauthorized).
    pub async fn forbidden(
        &self,
        www_authenticate: Option<&str>,
        rejected: Option<&Secret>,
    ) -> Result<Secret, AuthError> {
        let challenge = www_authenticate
            .and_then(BearerChallenge::parse)
            .unwrap_or_default();
        if challenge.error.as_deref() != Some("insufficient_scope") {
            return Err(AuthError::NotInsufficientScope);
        }
        let mut session = self.session.lock().await;
        if let Some(newer) = self.replaced(&session, rejected) {
            return Ok(newer);
        }
        if self.step_ups.fetch_add(1, Ordering::SeqCst) >= self.max_step_up {
            return Err(AuthError::StepUpLimit {
                resource: self.resource.clone(),
                limit: self.max_step_up,
            });
        }
        let Some(server) = session.server.clone() else {
            drop(session);
            return self.unauthorized(www_authenticate, rejected).await;
        };
        let key = self.key(&server);
        let mut requested = session.scope.clone();
        requested.extend(challenge.scopes().map(str::to_owned));
        let declined = || AuthError::StepUpDeclined {
            resource: self.resource.clone(),
            scope: requested.iter().cloned().collect::<Vec<_>>().join(" "),
        };
        let Some(consent) = &self.step_up_consent else {
            return Err(declined());
        };
        let asked = StepUp {
            resource: self.resource.clone(),
            current: session.scope.clone(),
            requested: requested.clone(),
        };
        if !(consent.0)(asked).await {
            return Err(declined());
        }
        session.scope = requested;
        self.authorize(&mut session, &server, &key).await
    }

    /// Tells the authorizer a request went through, which resets the step-up count.
    pub fn request_succeeded(&self) {
        self.step_ups.store(0, Ordering::SeqCst);
    }

    /// The stored token, if it is no longer the `rejected` one (a concurrent request got a
    /// new token while this one waited for the lock).
    fn replaced(&self, session: &Session, rejected: Option<&Secret>) -> Option<Secret> {
        let server = session.server.as_ref()?;
        let stored = self.store.get(&self.key(server))?;
        (Some(&stored.access_token) != rejected && !stored.expires_within(self.refresh_margin))
            .then_some(stored.access_token)
    }

    /// The RFC 8707 `resource` to send: what discovery settled on, else the server URL.
    fn indicator<'a>(&'a self, session: &'a Session) -> &'a str {
        session.indicator.as_deref().unwrap_or(&self.resource)
    }

    fn key(&self, server: &AuthorizationServerMetadata) -> TokenKey {
        TokenKey {
            issuer: server.issuer.clone(),
            resource: self.resource.clone(),
        }
    }

    /// Refreshes `previous` if it has a refresh token. A refused refresh forgets the tokens
    /// (no refresh loop) and gives `None`, so the caller authorizes from the start.
    async fn try_refresh(
        &self,
        session: &Session,
        server: &AuthorizationServerMetadata,
        key: &TokenKey,
        previous: &TokenSet,
    ) -> Result<Option<TokenSet>, AuthError> {
        let (Some(client), Some(endpoint)) = (
            session.registrations.get(&server.issuer),
            server.token_endpoint.as_deref(),
        ) else {
            return Ok(None);
        };
        let indicator = self.indicator(session);
        match refresh(&self.http, server, endpoint, client, indicator, previous).await {
            Ok(Some(tokens)) => {
                self.store.put(key, tokens.clone());
                Ok(Some(tokens))
            }
            Ok(None) => Ok(None),
            Err(AuthError::TokenRefused { .. }) => {
                self.store.remove(key);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Registers if needed (per issuer, never reusing another issuer's client) and runs the grant.
    async fn authorize(
        &self,
        session: &mut Session,
        server: &AuthorizationServerMetadata,
        key: &TokenKey,
    ) -> Result<Secret, AuthError> {
        let token_endpoint = required(&server.token_endpoint, "token_endpoint")?;
        let client = match session.registrations.get(&server.issuer) {
            Some(client) => client.clone(),
            None => {
                let redirect_uri = match &self.grant {
                    Grant::AuthorizationCode(handler) => Some(handler.redirect_uri()),
                    Grant::ClientCredentials => None,
                };
                let client = register(
                    &self.http,
                    server,
                    self.pre_registered.get(&server.issuer),
                    self.metadata_document.as_deref(),
                    &RegistrationRequest {
                        client_name: &self.client_name,
                        redirect_uri,
                    },
                )
                .await?;
                session
                    .registrations
                    .insert(server.issuer.clone(), client.clone());
                client
            }
        };
        let scope = session
            .scope
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let tokens = match &self.grant {
            Grant::AuthorizationCode(handler) => {
                let indicator = self.indicator(session);
                self.code_flow(
                    handler.as_ref(),
                    server,
                    &client,
                    token_endpoint,
                    &scope,
                    indicator,
                )
                .await?
            }
            Grant::ClientCredentials => {
                let mut form = vec![
                    ("grant_type", "client_credentials"),
                    ("resource", self.indicator(session)),
                ];
                if !scope.is_empty() {
                    form.push(("scope", &scope));
                }
                token_request(&self.http, server, token_endpoint, &client, form).await?
            }
        };
        let access = tokens.access_token.clone();
        self.store.put(key, tokens);
        Ok(access)
    }

    /// OAuth 2.1 §4.1 with PKCE S256, `resource` on both requests (RFC 8707) and the RFC 9207
    /// `iss` check.
    async fn code_flow(
        &self,
        handler: &dyn RedirectHandler,
        server: &AuthorizationServerMetadata,
        client: &ClientCredentials,
        token_endpoint: &str,
        scope: &str,
        indicator: &str,
    ) -> Result<TokenSet, AuthError> {
        let endpoint = required(&server.authorization_endpoint, "authorization_endpoint")?;
        let pkce = Pkce::generate()?;
        let state = random_string()?;
        let mut url = url::Url::parse(endpoint).map_err(|_| AuthError::InvalidUrl {
            url: endpoint.to_owned(),
        })?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &client.client_id)
                .append_pair("redirect_uri", handler.redirect_uri())
                .append_pair("code_challenge", &pkce.challenge)
                .append_pair("code_challenge_method", "S256")
                .append_pair("state", &state)
                .append_pair("resource", indicator);
            if !scope.is_empty() {
                query.append_pair("scope", scope);
            }
        }
        let response = handler.authorize(url.as_str()).await?;
        let code = check_response(&response, &state, server)?;
        token_request(
            &self.http,
            server,
            token_endpoint,
            client,
            vec![
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", handler.redirect_uri()),
                ("code_verifier", pkce.verifier.expose()),
                ("resource", indicator),
            ],
        )
        .await
    }
}

/// The endpoint the flow needs, or which metadata member is missing.
fn required<'a>(endpoint: &'a Option<String>, name: &'static str) -> Result<&'a str, AuthError> {
    endpoint
        .as_deref()
        .ok_or(AuthError::MissingEndpoint { endpoint: name })
}

/// Checks an authorization response and gives its code. `state` first (CSRF), then RFC 9207
/// `iss` by exact string comparison (2026-07-28 index §Authorization Response Issuer
/// Validation); only then is an `error` read, so a mix-up attacker's error is never shown.
pub(crate) fn check_response<'a>(
    response: &'a CallbackParams,
    state: &str,
    server: &AuthorizationServerMetadata,
) -> Result<&'a str, AuthError> {
    if response.get("state") != Some(state) {
        return Err(AuthError::StateMismatch);
    }
    match response.get("iss") {
        Some(iss) if iss != server.issuer => {
            return Err(AuthError::IssMismatch {
                expected: server.issuer.clone(),
                found: iss.to_owned(),
            });
        }
        None if server.authorization_response_iss_parameter_supported => {
            return Err(AuthError::IssMissing);
        }
        _ => {}
    }
    if let Some(error) = response.get("error") {
        return Err(AuthError::AuthorizationDenied {
            error: error.to_owned(),
            description: response.get("error_description").map(str::to_owned),
        });
    }
    response.get("code").ok_or(AuthError::MissingCode)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(iss_supported: bool) -> AuthorizationServerMetadata {
        serde_json::from_value(serde_json::json!({
            "issuer": "https://as.example",
            "authorization_response_iss_parameter_supported": iss_supported,
        }))
        .unwrap()
    }

    #[test]
    fn iss_is_compared_exactly_and_before_errors() {
        let q = |s: &str| CallbackParams::from_query(s);
        let good = q("code=c&state=s&iss=https%3A%2F%2Fas.example");
        assert_eq!(check_response(&good, "s", &server(true)), Ok("c"));
        for iss in [
            "https://as.example/",
            "https://AS.example",
            "https://as.example:443",
        ] {
            let mut bad = q("error=access_denied&state=s");
            bad.set("iss", iss);
            assert!(matches!(
                check_response(&bad, "s", &server(false)),
                Err(AuthError::IssMismatch { .. })
            ));
        }
        assert_eq!(
            check_response(&q("code=c&state=s"), "s", &server(true)),
            Err(AuthError::IssMissing)
        );
        assert_eq!(
            check_response(&q("code=c&state=s"), "s", &server(false)),
            Ok("c")
        );
        assert_eq!(
            check_response(&q("code=c&state=t"), "s", &server(false)),
            Err(AuthError::StateMismatch)
        );
        assert_eq!(
            check_response(&q("code=c"), "s", &server(false)),
            Err(AuthError::StateMismatch)
        );
        assert!(matches!(
            check_response(&q("error=access_denied&state=s"), "s", &server(false)),
            Err(AuthError::AuthorizationDenied { .. })
        ));
    }
}
