//! A one-shot HTTP listener on 127.0.0.1 that receives the authorization response.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;

use super::{CallbackParams, RedirectHandler};
use crate::BoxFuture;
use crate::client::error::AuthError;

const CALLBACK_PATH: &str = "/callback";
/// Requests that are not the callback (favicon, probes) tolerated per authorization.
const MAX_STRAY_REQUESTS: usize = 16;
const MAX_REQUEST_HEAD: usize = 8 * 1024;

type ShowUrl = Arc<dyn Fn(&str) + Send + Sync>;

/// Listens on `127.0.0.1:<port>/callback` (RFC 8252 §7.3) and hands the authorization URL to a
/// callback that shows or opens it (never through a shell).
pub struct LoopbackRedirect {
    listener: Mutex<TcpListener>,
    redirect_uri: String,
    show: ShowUrl,
    timeout: Duration,
}

impl fmt::Debug for LoopbackRedirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopbackRedirect")
            .field("redirect_uri", &self.redirect_uri)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl LoopbackRedirect {
    /// Binds a free port on 127.0.0.1. `show` receives each authorization URL; it should print
    /// it or open a browser. The wait for the callback is bounded (default five minutes).
    pub async fn bind(show: impl Fn(&str) + Send + Sync + 'static) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            listener: Mutex::new(listener),
            redirect_uri: format!("http://127.0.0.1:{port}{CALLBACK_PATH}"),
            show: Arc::new(show),
            timeout: Duration::from_secs(300),
        })
    }

    /// How long to wait for the user to finish.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn receive(&self) -> Result<CallbackParams, AuthError> {
        let listener = self.listener.lock().await;
        for _ in 0..MAX_STRAY_REQUESTS {
            let (mut stream, _) = listener
                .accept()
                .await
                .map_err(|e| AuthError::Redirect(e.to_string()))?;
            let Ok(target) = read_target(&mut stream).await else {
                continue;
            };
            match target.split_once('?') {
                Some((CALLBACK_PATH, query)) => {
                    let _ = respond(
                        &mut stream,
                        "200 OK",
                        "Authorization complete. You may close this window.",
                    )
                    .await;
                    return Ok(CallbackParams::from_query(query));
                }
                _ => {
                    let _ = respond(&mut stream, "404 Not Found", "Not found.").await;
                }
            }
        }
        Err(AuthError::Redirect("too many stray requests".into()))
    }
}

/// The request target of a `GET` request.
async fn read_target(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST_HEAD {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Ok(target.to_owned()),
        _ => Err(std::io::ErrorKind::InvalidData.into()),
    }
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) -> std::io::Result<()> {
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n{text}",
        text.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

impl RedirectHandler for LoopbackRedirect {
    fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    fn authorize<'a>(
        &'a self,
        authorization_url: &'a str,
    ) -> BoxFuture<'a, Result<CallbackParams, AuthError>> {
        Box::pin(async move {
            (self.show)(authorization_url);
            tokio::time::timeout(self.timeout, self.receive())
                .await
                .map_err(|_| AuthError::Redirect("timed out waiting for the callback".into()))?
        })
    }
}
