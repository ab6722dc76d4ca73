//! The development authorization server for a test, and a confidential client of it,
//! registered and given a `client_credentials` token over plain HTTP: shared by mcp-auth's
//! and mcp-server's tests (each includes this file by path).
#![allow(dead_code, unreachable_pub, missing_docs)]

use mcp_auth::dev_server::DevAuthServer;
use serde_json::{Value, json};

/// A development authorization server on 127.0.0.1 for `resource`, offering `mcp:read`,
/// with one user (alice, tenant acme).
pub async fn dev_server(resource: &str) -> DevAuthServer {
    DevAuthServer::builder()
        .resource(resource)
        .scopes(["mcp:read"])
        .user("alice", "acme")
        .bind("127.0.0.1:0")
        .await
        .unwrap()
}

/// A registered `client_secret_basic` client and a token it got for `resource`.
pub struct DevClient {
    pub id: String,
    pub secret: String,
    pub access_token: String,
}

async fn json_of(request: reqwest::RequestBuilder) -> Value {
    let bytes = request.send().await.unwrap().bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

impl DevClient {
    /// Registers a client at `dev` and gets a token for `resource` with `scope`.
    pub async fn register(dev: &DevAuthServer, resource: &str, scope: &str) -> Self {
        let http = reqwest::Client::new();
        let metadata = json!({"grant_types": ["client_credentials"],
                              "token_endpoint_auth_method": "client_secret_basic"});
        let registration = json_of(
            http.post(format!("{}/register", dev.issuer()))
                .header("content-type", "application/json")
                .body(metadata.to_string()),
        )
        .await;
        let id = registration["client_id"].as_str().unwrap().to_owned();
        let secret = registration["client_secret"].as_str().unwrap().to_owned();
        let form = [
            ("grant_type", "client_credentials"),
            ("resource", resource),
            ("scope", scope),
        ];
        let grant = json_of(
            http.post(format!("{}/token", dev.issuer()))
                .basic_auth(&id, Some(&secret))
                .form(&form),
        )
        .await;
        let access_token = grant["access_token"].as_str().unwrap().to_owned();
        Self {
            id,
            secret,
            access_token,
        }
    }
}
