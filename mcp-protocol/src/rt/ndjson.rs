//! A [`Transport`] over any byte stream pair (a reader and a writer), framed as
//! newline-delimited JSON with [`crate::codec::ndjson`].
//!
//! Reads go straight into the decoder's buffer and frames are decoded in place; writes are
//! encoded into one buffer and leave in as few `write` calls as the stream allows, so a burst
//! of messages is one system call.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::transport::{Received, Transport, TransportError};
use crate::codec::ndjson::{LineDecoder, encode};
use crate::jsonrpc::Message;

/// How much to read at a time.
const READ_CHUNK: usize = 16 * 1024;
/// Above this many unwritten bytes, [`Transport::poll_ready`] flushes first (backpressure).
const WRITE_HIGH_WATER: usize = 64 * 1024;

/// Newline-delimited JSON over a reader and a writer.
#[derive(Debug)]
pub struct NdjsonTransport<R, W> {
    reader: R,
    writer: W,
    decoder: LineDecoder,
    /// Encoded messages; `written..` still has to go out.
    out: Vec<u8>,
    written: usize,
    eof: bool,
}

impl<R, W> NdjsonTransport<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    /// A transport reading from `reader` and writing to `writer`, with the default message
    /// size limit ([`LineDecoder::DEFAULT_MAX_LEN`]).
    pub fn new(reader: R, writer: W) -> Self {
        Self {
            reader,
            writer,
            decoder: LineDecoder::default(),
            out: Vec::with_capacity(READ_CHUNK),
            written: 0,
            eof: false,
        }
    }

    /// Sets the largest message accepted; longer lines are answered with -32600 and skipped.
    pub fn with_max_message_len(mut self, max_len: usize) -> Self {
        self.set_max_message_len(max_len);
        self
    }

    /// Sets the largest message accepted; bytes already buffered are dropped, so call it
    /// before the first read.
    pub fn set_max_message_len(&mut self, max_len: usize) {
        self.decoder = LineDecoder::new(max_len);
    }

    fn poll_write_out(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.out.len() {
            let n = ready!(Pin::new(&mut self.writer).poll_write(cx, &self.out[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.out.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }
}

impl<R, W> Transport for NdjsonTransport<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    fn poll_recv(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Received, TransportError>>> {
        loop {
            if let Some(msg) = self.decoder.next_message() {
                return Poll::Ready(Some(Ok(msg)));
            }
            if self.eof {
                return Poll::Ready(self.decoder.finish_message().map(Ok));
            }
            let mut buf = ReadBuf::new(self.decoder.read_buf(READ_CHUNK));
            ready!(Pin::new(&mut self.reader).poll_read(cx, &mut buf))?;
            let n = buf.filled().len();
            if n == 0 {
                self.eof = true;
            } else {
                self.decoder.commit(n);
            }
        }
    }

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        if self.out.len() - self.written > WRITE_HIGH_WATER {
            ready!(self.poll_write_out(cx))?;
        }
        Poll::Ready(Ok(()))
    }

    fn start_send(&mut self, msg: Message) -> Result<(), TransportError> {
        encode(&msg, &mut self.out);
        Ok(())
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        ready!(self.poll_write_out(cx))?;
        ready!(Pin::new(&mut self.writer).poll_flush(cx))?;
        Poll::Ready(Ok(()))
    }

    fn poll_close(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        ready!(self.poll_flush(cx))?;
        ready!(Pin::new(&mut self.writer).poll_shutdown(cx))?;
        Poll::Ready(Ok(()))
    }
}
