//! Immediate TCP acknowledgements on the client's plain connections (Linux `TCP_QUICKACK`).
//!
//! A Streamable HTTP server answers a POST with an SSE stream in pieces: the headers (and,
//! from 2025-11-25, a priming event) first, the JSON-RPC response when it is ready. A server
//! that leaves Nagle's algorithm on (as `axum::serve` does unless told otherwise, and so
//! rmcp's servers as its README writes them) holds the second piece until the client
//! acknowledges the first; and on a kept-alive connection, where the client has just sent its
//! request, Linux delays that acknowledgement by up to 40 ms. Every call then takes 40 ms:
//! `benches/compare` measured 45 calls/s from this client to an rmcp server before this
//! module, against thousands with it.
//!
//! The fix is on our side of the wire: each time the connection is read, `TCP_QUICKACK`
//! is set, which sends any acknowledgement the kernel was holding back (Linux makes the flag
//! temporary, so it is set again on every read). It costs one `setsockopt` per read. Other
//! systems do not have the option and are left as they are; TLS connections are wrapped
//! the same way underneath.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// [`HttpConnector`] whose connections send their acknowledgements at once.
#[derive(Clone, Debug)]
pub(crate) struct QuickAckConnector(pub(crate) HttpConnector);

impl tower_service::Service<Uri> for QuickAckConnector {
    type Response = QuickAck;
    type Error = <HttpConnector as tower_service::Service<Uri>>::Error;
    type Future = BoxFuture<'static, Result<QuickAck, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.0.call(uri);
        Box::pin(async move { connecting.await.map(QuickAck) })
    }
}

/// A TCP connection that acknowledges what it receives without delay (see the module docs).
#[derive(Debug)]
pub(crate) struct QuickAck(TokioIo<TcpStream>);

impl QuickAck {
    /// Sends the acknowledgement the kernel is holding back, if any.
    fn ack_now(&self) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            // A failure only means the acknowledgement goes out on the kernel's own schedule.
            let _ = socket2::SockRef::from(self.0.inner()).set_tcp_quickack(true);
        }
    }
}

impl Read for QuickAck {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.ack_now();
        Pin::new(&mut this.0).poll_read(cx, buf)
    }
}

impl Write for QuickAck {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

impl Connection for QuickAck {
    fn connected(&self) -> Connected {
        self.0.connected()
    }
}
