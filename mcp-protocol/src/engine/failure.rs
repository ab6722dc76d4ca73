//! [`RequestFailure`]: why the transport could not get one request answered, as data the
//! engine carries from the transport to the request's caller without looking inside.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// Why the transport could not get one request of ours answered, while the connection
/// itself goes on: an HTTP error status, a refused connection, a response stream that broke
/// off, an authorization the client itself refused.
///
/// Message-stream transports (stdio, in-memory) never make one: for them a failure of the
/// pipe ends the whole connection ([`CloseReason::Transport`](super::CloseReason)). A
/// request-per-message transport such as Streamable HTTP hands one to the engine with
/// [`Engine::fail`](super::Engine::fail), and the request ends as
/// [`Completion::Failed`](super::Completion::Failed).
///
/// The engine does not look inside: the transport puts its own error type in, and the layer
/// above it that knows the transport gets it back with [`RequestFailure::downcast_ref`].
/// It is cheap to clone (shared), and behaves as the error it holds: the same `Display`, the
/// same [`source`](StdError::source).
///
/// ```
/// use mcp_protocol::engine::RequestFailure;
///
/// let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
/// let failure = RequestFailure::new(io);
/// assert_eq!(failure.to_string(), "refused");
/// let io = failure.downcast_ref::<std::io::Error>().unwrap();
/// assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
/// ```
#[derive(Clone)]
pub struct RequestFailure(Arc<dyn StdError + Send + Sync + 'static>);

impl RequestFailure {
    /// Wraps the transport's error.
    pub fn new(error: impl StdError + Send + Sync + 'static) -> Self {
        Self(Arc::new(error))
    }

    /// Wraps an error that is already shared.
    pub fn from_shared(error: Arc<dyn StdError + Send + Sync + 'static>) -> Self {
        Self(error)
    }

    /// The error the transport put in.
    pub fn get_ref(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.0
    }

    /// The error the transport put in, if it is a `T`.
    pub fn downcast_ref<T: StdError + 'static>(&self) -> Option<&T> {
        self.0.downcast_ref::<T>()
    }
}

impl fmt::Debug for RequestFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for RequestFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

/// Transparent: the held error's own causes.
impl StdError for RequestFailure {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

/// Two failures are equal when they are the same failure (clones of one another).
impl PartialEq for RequestFailure {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
