//! Clients: RFC 7591 registration, client ID metadata documents, and client authentication.

use std::sync::Arc;

use axum::Json;
use axum::extract::State as AxState;
use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::keys::{random_token, secrets_equal};
use super::state::{AuthMethod, Client, Shared};

/// Largest client ID metadata document read.
const CIMD_MAX_BYTES: usize = 64 * 1024;
/// Largest registration request body (the router caps it; RFC 7591 metadata is small).
pub(crate) const REGISTER_MAX_BYTES: usize = 16 * 1024;
/// Most redirect URIs one client may register.
const MAX_REDIRECT_URIS: usize = 16;
/// Longest string member (a URI, a name) of client metadata.
const MAX_STRING_BYTES: usize = 2048;
/// Longest `client_name`.
const MAX_NAME_BYTES: usize = 256;
/// Most members of a metadata object, and of any array in it.
const MAX_MEMBERS: usize = 64;

/// Whether client metadata stays within the bounds above; `Err` says which is exceeded.
/// Unauthenticated registration must not let anyone store megabytes per client.
fn within_bounds(meta: &Value) -> Result<(), String> {
    let Some(map) = meta.as_object() else {
        return Err("the metadata is not a JSON object".into());
    };
    if map.len() > MAX_MEMBERS {
        return Err(format!("more than {MAX_MEMBERS} metadata members"));
    }
    for (name, value) in map {
        let strings: Vec<&Value> = match value {
            Value::Array(items) if items.len() > MAX_MEMBERS => {
                return Err(format!("{name} has more than {MAX_MEMBERS} entries"));
            }
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) => return Err(format!("{name} is an object")),
            other => vec![other],
        };
        let longest = strings
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::len)
            .max()
            .unwrap_or(0);
        let limit = if name == "client_name" {
            MAX_NAME_BYTES
        } else {
            MAX_STRING_BYTES
        };
        if longest > limit {
            return Err(format!("{name} is longer than {limit} bytes"));
        }
    }
    if map
        .get("redirect_uris")
        .and_then(Value::as_array)
        .is_some_and(|uris| uris.len() > MAX_REDIRECT_URIS)
    {
        return Err(format!("more than {MAX_REDIRECT_URIS} redirect_uris"));
    }
    Ok(())
}

/// `https` anything, or `http` on a loopback host (OAuth 2.1 §8.4.2 / RFC 8252 §7.3).
pub(crate) fn redirect_uri_allowed(uri: &str) -> bool {
    if uri.contains('#') {
        return false;
    }
    if let Some(rest) = uri.strip_prefix("https://") {
        return !rest.is_empty();
    }
    let Some(rest) = uri.strip_prefix("http://") else {
        return false;
    };
    ["127.0.0.1", "localhost", "[::1]"].iter().any(|host| {
        rest.strip_prefix(host).is_some_and(|after| {
            after.is_empty() || after.starts_with(':') || after.starts_with('/')
        })
    })
}

fn invalid_metadata(code: &str, description: &str) -> (StatusCode, Json<Value>) {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": code, "error_description": description })),
    )
}

fn string_list(meta: &Value, field: &str) -> Result<Option<Vec<String>>, ()> {
    match meta.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or(()))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(()),
    }
}

/// Checks client metadata (RFC 7591 §2) into a [`Client`]; `Err` is (error code, description).
fn client_from_metadata(meta: &Value) -> Result<Client, (&'static str, String)> {
    within_bounds(meta).map_err(|why| ("invalid_client_metadata", why))?;
    let redirect_uris = string_list(meta, "redirect_uris")
        .map_err(|()| {
            (
                "invalid_redirect_uri",
                "redirect_uris must be an array of strings".into(),
            )
        })?
        .unwrap_or_default();
    if let Some(bad) = redirect_uris.iter().find(|u| !redirect_uri_allowed(u)) {
        return Err((
            "invalid_redirect_uri",
            format!("not https or loopback http: {bad}"),
        ));
    }
    match meta.get("application_type").map(Value::as_str) {
        None | Some(Some("web" | "native")) => {}
        _ => {
            return Err((
                "invalid_client_metadata",
                "application_type is web or native".into(),
            ));
        }
    }
    let grant_types = string_list(meta, "grant_types")
        .map_err(|()| {
            (
                "invalid_client_metadata",
                "grant_types must be an array".into(),
            )
        })?
        .unwrap_or_else(|| vec!["authorization_code".into()]);
    const GRANTS: [&str; 3] = ["authorization_code", "refresh_token", "client_credentials"];
    if let Some(bad) = grant_types.iter().find(|g| !GRANTS.contains(&g.as_str())) {
        return Err((
            "invalid_client_metadata",
            format!("unsupported grant type {bad}"),
        ));
    }
    let auth_method = match meta.get("token_endpoint_auth_method") {
        None => AuthMethod::SecretBasic,
        Some(v) => v.as_str().and_then(AuthMethod::parse).ok_or_else(|| {
            (
                "invalid_client_metadata",
                "token_endpoint_auth_method is none, client_secret_basic or client_secret_post"
                    .into(),
            )
        })?,
    };
    if grant_types.iter().any(|g| g == "authorization_code") && redirect_uris.is_empty() {
        return Err((
            "invalid_redirect_uri",
            "authorization_code needs redirect_uris".into(),
        ));
    }
    if auth_method == AuthMethod::None && grant_types.iter().any(|g| g == "client_credentials") {
        return Err((
            "invalid_client_metadata",
            "client_credentials needs a confidential client".into(),
        ));
    }
    Ok(Client {
        redirect_uris,
        grant_types,
        auth_method,
        secret: None,
    })
}

/// `POST /register` (RFC 7591 §3).
pub(crate) async fn register(
    AxState(shared): AxState<Arc<Shared>>,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> (StatusCode, Json<Value>) {
    let meta = match body {
        Ok(Json(meta)) => meta,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return invalid_metadata(
                "invalid_client_metadata",
                &format!("the metadata is larger than {REGISTER_MAX_BYTES} bytes"),
            );
        }
        Err(_) => {
            return invalid_metadata("invalid_client_metadata", "body is not a JSON object");
        }
    };
    let mut client = match client_from_metadata(&meta) {
        Ok(client) => client,
        Err((code, description)) => return invalid_metadata(code, &description),
    };
    let (Ok(client_id), Ok(secret)) = (random_token(), random_token()) else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": "server_error" })),
        );
    };
    let mut response = json!({
        "client_id": client_id,
        "client_id_issued_at": std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
        "redirect_uris": client.redirect_uris,
        "grant_types": client.grant_types,
        "response_types": ["code"],
        "token_endpoint_auth_method": client.auth_method.as_str(),
        "application_type": meta.get("application_type").cloned().unwrap_or_else(|| "web".into()),
    });
    if client.auth_method != AuthMethod::None {
        client.secret = Some(secret.clone());
        if let Some(map) = response.as_object_mut() {
            map.insert("client_secret".into(), secret.into());
            map.insert("client_secret_expires_at".into(), 0.into());
        }
    }
    for field in ["client_name", "scope", "client_uri", "logo_uri"] {
        if let (Some(v), Some(map)) = (meta.get(field), response.as_object_mut()) {
            map.insert(field.into(), v.clone());
        }
    }
    let capacity = shared.config.max_clients;
    if !shared.state().admit_client(client_id, client, capacity) {
        // RFC 7591 has no error code for this; `temporarily_unavailable` is OAuth's (RFC
        // 6749 §4.1.2.1) for a server that cannot take the request now.
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "error": "temporarily_unavailable",
                "error_description": format!("{capacity} registered clients are in use; try again later"),
            })),
        );
    }
    (StatusCode::CREATED, Json(response))
}

impl Shared {
    /// Whether `client_id` is a URL this server would fetch as a metadata document.
    fn is_cimd_url(&self, client_id: &str) -> bool {
        client_id
            .strip_prefix("https://")
            .is_some_and(|rest| rest.contains('/'))
            || (self.config.allow_loopback_cimd
                && client_id
                    .strip_prefix("http://127.0.0.1")
                    .is_some_and(|r| r.starts_with([':', '/'])))
    }

    /// The client named `client_id`: registered, or fetched as a client ID metadata document
    /// (draft-ietf-oauth-client-id-metadata-document: `client_id` in the document must equal the
    /// URL exactly). Fetched clients are remembered for `cimd_cache`'s time, in a bounded cache.
    pub(crate) async fn client(&self, client_id: &str) -> Result<Client, String> {
        {
            let state = self.state();
            if let Some(client) = state.clients.get(client_id) {
                return Ok(client.clone());
            }
            if let Some(doc) = state.documents.get(client_id)
                && doc.fetched.elapsed() < self.config.cimd_ttl
            {
                return Ok(doc.client.clone());
            }
        }
        if !self.is_cimd_url(client_id) {
            return Err("unknown client_id".into());
        }
        let client = self.fetch_cimd(client_id).await?;
        self.state().remember_document(
            client_id,
            client.clone(),
            self.config.cimd_capacity,
            self.config.cimd_ttl,
        );
        Ok(client)
    }

    async fn fetch_cimd(&self, url: &str) -> Result<Client, String> {
        let http = self.http.as_ref().ok_or("no HTTP client")?;
        // The SSRF guard (auth.md C7): an IP literal is judged here, before any connection;
        // a name is resolved and every address judged, and the client's resolver drops
        // refused addresses again at connect time (no rebinding between check and connect).
        // `/authorize` is a GET any web page can trigger, so without this any page could
        // make this server probe the developer's loopback and intranet.
        self.config
            .cimd_policy()
            .check(url)
            .await
            .map_err(|e| format!("client metadata URL refused: {e}"))?;
        let mut response = http
            .get(url)
            .timeout(self.config.cimd_fetch_timeout)
            .header(header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| format!("cannot fetch client metadata: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("client metadata fetch: HTTP {}", response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
            if body.len() + chunk.len() > CIMD_MAX_BYTES {
                return Err("client metadata document too large".into());
            }
            body.extend_from_slice(&chunk);
        }
        let meta: Value = serde_json::from_slice(&body)
            .map_err(|e| format!("client metadata is not JSON: {e}"))?;
        if meta.get("client_id").and_then(Value::as_str) != Some(url) {
            return Err("client metadata client_id does not equal its URL".into());
        }
        let mut meta = meta;
        // A metadata document has no secret to share: absent means a public client.
        if let Some(map) = meta.as_object_mut() {
            map.entry("token_endpoint_auth_method")
                .or_insert("none".into());
        }
        let client = client_from_metadata(&meta).map_err(|(_, d)| d)?;
        if client.auth_method != AuthMethod::None {
            return Err(
                "a metadata-document client must use token_endpoint_auth_method none".into(),
            );
        }
        Ok(client)
    }

    /// Authenticates the client of a token or introspection request (RFC 6749 §2.3).
    /// Returns the client id and client, or `None` for `invalid_client`.
    pub(crate) async fn authenticate_client(
        &self,
        headers: &HeaderMap,
        form_id: Option<&str>,
        form_secret: Option<&str>,
    ) -> Option<(String, Client)> {
        let basic = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|b| STANDARD.decode(b.trim()).ok())
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|pair| {
                let (id, secret) = pair.split_once(':')?;
                // RFC 6749 §2.3.1: both parts are form-urlencoded.
                let id: String =
                    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("i={id}"))
                        .ok()?
                        .pop()?
                        .1;
                let secret: String =
                    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("s={secret}"))
                        .ok()?
                        .pop()?
                        .1;
                Some((id, secret))
            });
        let (id, secret, method) = match (basic, form_id, form_secret) {
            (Some((id, secret)), _, None) => (id, Some(secret), AuthMethod::SecretBasic),
            (None, Some(id), Some(secret)) => (
                id.to_owned(),
                Some(secret.to_owned()),
                AuthMethod::SecretPost,
            ),
            (None, Some(id), None) => (id.to_owned(), None, AuthMethod::None),
            _ => return None,
        };
        let client = self.client(&id).await.ok()?;
        if client.auth_method != method {
            return None;
        }
        match (&client.secret, secret) {
            (None, None) => Some((id, client)),
            (Some(expected), Some(given)) if secrets_equal(expected, &given) => Some((id, client)),
            _ => None,
        }
    }
}
