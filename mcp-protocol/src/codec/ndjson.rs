//! Newline-delimited JSON: one message per line, as the stdio transport frames them.
//!
//! basic/transports §stdio: "Messages are delimited by newlines, and MUST NOT contain embedded
//! newlines." Compact JSON never contains a raw newline (inside strings it is escaped as `\n`),
//! so a frame is simply the bytes up to the next `\n`.
//!
//! The [`LineDecoder`] is lenient in what it accepts: a `\r` before the `\n` is dropped, empty and
//! blank lines are skipped, and a last line without a newline is still a frame at end of stream.
//! It is strict about size: a line longer than the limit is discarded up to its newline and
//! reported once as [`FrameError::TooLong`], and the stream carries on with the next line, so
//! one oversized message costs neither the connection nor unbounded memory.
//!
//! ```
//! use mcp_protocol::codec::ndjson::{LineDecoder, encode};
//! use mcp_protocol::Message;
//!
//! let msg = Message::from_str(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#).unwrap();
//! let mut wire = Vec::new();
//! encode(&msg, &mut wire);
//! encode(&msg, &mut wire);
//!
//! let mut decoder = LineDecoder::new(1024);
//! decoder.extend(&wire);
//! assert_eq!(decoder.next_message().unwrap().unwrap(), msg);
//! assert_eq!(decoder.next_message().unwrap().unwrap(), msg);
//! assert!(decoder.next_message().is_none());
//! ```

use std::collections::VecDeque;

use crate::error::DecodeError;
use crate::jsonrpc::{Message, decode_batch};

/// Whether a frame is a JSON-RPC batch (an array): the rare case, kept off the path of
/// single messages so they cost no queue and no extra allocation.
fn is_batch(frame: &[u8]) -> bool {
    frame.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// A frame could not be cut from the stream.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// A line was longer than the decoder's limit; it was discarded up to its newline.
    #[error("message longer than the limit of {limit} bytes")]
    TooLong {
        /// The limit.
        limit: usize,
    },
}

impl From<FrameError> for DecodeError {
    /// A frame that could not be read is an invalid request (-32600) whose id is unknown: the
    /// message was never parsed, so JSON-RPC's answer carries `"id": null`.
    fn from(err: FrameError) -> Self {
        Self::InvalidRequest {
            id: None,
            reason: err.to_string(),
        }
    }
}

/// Cuts newline-delimited frames out of a byte buffer it owns.
///
/// Feed it with [`LineDecoder::extend`] (or read straight into [`LineDecoder::read_buf`] and
/// [`LineDecoder::commit`]), then take frames with [`LineDecoder::next_frame`] until `None`.
/// Frames borrow the buffer: nothing is copied per frame.
#[derive(Debug)]
pub struct LineDecoder {
    /// Always initialized; `start..end` holds unread bytes.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes in `start..scanned` are known to hold no newline.
    scanned: usize,
    max_len: usize,
    /// Inside an oversized line: drop bytes up to the next newline.
    discarding: bool,
    /// The rest of a JSON-RPC batch line, handed out one message at a time.
    batch: VecDeque<Result<Message, DecodeError>>,
}

impl Default for LineDecoder {
    fn default() -> Self {
        Self::new(Self::DEFAULT_MAX_LEN)
    }
}

impl LineDecoder {
    /// The default limit on one message: 4 MiB.
    pub const DEFAULT_MAX_LEN: usize = 4 * 1024 * 1024;

    /// A decoder that accepts lines of up to `max_len` bytes (not counting `\r\n`).
    pub fn new(max_len: usize) -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            end: 0,
            scanned: 0,
            max_len,
            discarding: false,
            batch: VecDeque::new(),
        }
    }

    /// The limit on one line.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// How many bytes are buffered and not yet part of a returned frame.
    pub fn buffered(&self) -> usize {
        self.end - self.start
    }

    /// Appends bytes read from the stream.
    pub fn extend(&mut self, bytes: &[u8]) {
        let free = self.read_buf(bytes.len());
        free[..bytes.len()].copy_from_slice(bytes);
        self.commit(bytes.len());
    }

    /// Free space at the end of the buffer, at least `min` bytes long, to read into directly;
    /// then call [`LineDecoder::commit`] with the number of bytes read.
    pub fn read_buf(&mut self, min: usize) -> &mut [u8] {
        if self.start == self.end {
            (self.start, self.end, self.scanned) = (0, 0, 0);
        } else if self.start > 0 && self.buf.len() - self.end < min {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.scanned -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < min {
            self.buf.resize(self.end + min, 0);
        }
        &mut self.buf[self.end..]
    }

    /// Marks `n` bytes of [`LineDecoder::read_buf`] as read.
    ///
    /// # Panics
    /// If `n` is more than the space `read_buf` offered.
    pub fn commit(&mut self, n: usize) {
        assert!(
            self.end + n <= self.buf.len(),
            "committed more than read_buf offered"
        );
        self.end += n;
    }

    /// The next complete frame (without its line ending), or `None` until more bytes arrive.
    pub fn next_frame(&mut self) -> Option<Result<&[u8], FrameError>> {
        loop {
            let Some(offset) = memchr::memchr(b'\n', &self.buf[self.scanned..self.end]) else {
                self.scanned = self.end;
                if self.discarding {
                    // Still inside the oversized line: drop what arrived.
                    self.start = self.end;
                } else if self.end - self.start > self.max_len + 1 {
                    // Longer than the limit (+1 for a '\r') and no end in sight: report it now,
                    // keep nothing, and skip the rest of the line as it arrives.
                    self.discarding = true;
                    self.start = self.end;
                    return Some(Err(self.too_long()));
                }
                return None;
            };
            let newline = self.scanned + offset;
            let line_start = self.start;
            self.start = newline + 1;
            self.scanned = self.start;
            if self.discarding {
                self.discarding = false;
                continue;
            }
            match self.line(line_start, newline) {
                Some(Ok((from, to))) => return Some(Ok(&self.buf[from..to])),
                Some(Err(e)) => return Some(Err(e)),
                None => continue,
            }
        }
    }

    /// At end of stream: the last line if it had no newline. Call after
    /// [`LineDecoder::next_frame`] returned `None` and the stream ended.
    pub fn finish(&mut self) -> Option<Result<&[u8], FrameError>> {
        let (from, to) = (self.start, self.end);
        self.start = self.end;
        self.scanned = self.end;
        if std::mem::take(&mut self.discarding) {
            return None;
        }
        match self.line(from, to)? {
            Ok((from, to)) => Some(Ok(&self.buf[from..to])),
            Err(e) => Some(Err(e)),
        }
    }

    /// The next message (phase one only); oversized frames come back as
    /// [`DecodeError::InvalidRequest`].
    ///
    /// A line holding a JSON-RPC batch (an array) yields its messages one by one: 2025-03-26
    /// requires a receiver to accept batches (basic §Batching), and later revisions removed
    /// them, so accepting them everywhere costs nothing and breaks no one. Each message is
    /// then answered on its own; JSON-RPC 2.0 §6 only says an array reply SHOULD be sent, and
    /// stdio readers of other SDKs parse single messages only.
    pub fn next_message(&mut self) -> Option<Result<Message, DecodeError>> {
        if let Some(msg) = self.batch.pop_front() {
            return Some(msg);
        }
        match self.next_frame()? {
            Ok(frame) if is_batch(frame) => {
                let decoded = decode_batch(frame);
                self.take_batch(decoded)
            }
            Ok(frame) => Some(Message::from_slice(frame)),
            Err(e) => Some(Err(e.into())),
        }
    }

    /// [`LineDecoder::finish`], decoded like [`LineDecoder::next_message`].
    pub fn finish_message(&mut self) -> Option<Result<Message, DecodeError>> {
        if let Some(msg) = self.batch.pop_front() {
            return Some(msg);
        }
        match self.finish()? {
            Ok(frame) if is_batch(frame) => {
                let decoded = decode_batch(frame);
                self.take_batch(decoded)
            }
            Ok(frame) => Some(Message::from_slice(frame)),
            Err(e) => Some(Err(e.into())),
        }
    }

    fn take_batch(
        &mut self,
        decoded: Result<Vec<Result<Message, DecodeError>>, DecodeError>,
    ) -> Option<Result<Message, DecodeError>> {
        match decoded {
            Ok(items) => {
                self.batch.extend(items);
                self.batch.pop_front()
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// The frame in `from..to` (a line without its `\n`): trims a `\r`, skips blank lines,
    /// enforces the limit.
    fn line(&self, from: usize, mut to: usize) -> Option<Result<(usize, usize), FrameError>> {
        if to > from && self.buf[to - 1] == b'\r' {
            to -= 1;
        }
        if self.buf[from..to].iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        if to - from > self.max_len {
            return Some(Err(self.too_long()));
        }
        Some(Ok((from, to)))
    }

    fn too_long(&self) -> FrameError {
        FrameError::TooLong {
            limit: self.max_len,
        }
    }
}

/// Appends `msg` as one line (compact JSON and `\n`) to `out`.
///
/// Compact JSON from serde never holds a raw newline, but a [`RawValue`] built by hand from
/// pretty-printed text can. A raw `\r` or `\n` can only be whitespace between JSON tokens
/// (inside strings JSON requires them escaped), so they are replaced by spaces: the message
/// means the same and the framing holds.
///
/// [`RawValue`]: serde_json::value::RawValue
pub fn encode(msg: &Message, out: &mut Vec<u8>) {
    let at = out.len();
    msg.write_to(out);
    let mut from = at;
    while let Some(i) = memchr::memchr2(b'\n', b'\r', &out[from..]) {
        out[from + i] = b' ';
        from += i + 1;
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_batch_line_yields_its_messages_one_by_one() {
        let mut d = LineDecoder::new(1024);
        d.extend(br#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"bad":1},{"jsonrpc":"2.0","method":"n"}]"#);
        d.extend(b"\n[]\n");
        d.extend(br#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#);
        assert!(matches!(d.next_message(), Some(Ok(Message::Request(r))) if r.id == 1.into()));
        let bad = d.next_message().unwrap().unwrap_err();
        assert_eq!(bad.code(), crate::ErrorCode::INVALID_REQUEST);
        assert!(matches!(
            d.next_message(),
            Some(Ok(Message::Notification(_)))
        ));
        let empty = d.next_message().unwrap().unwrap_err();
        assert_eq!(
            empty.code(),
            crate::ErrorCode::INVALID_REQUEST,
            "an empty batch is invalid"
        );
        assert!(
            d.next_message().is_none(),
            "the last line has no newline yet"
        );
        assert!(matches!(d.finish_message(), Some(Ok(Message::Request(r))) if r.id == 2.into()));
    }

    fn frames(decoder: &mut LineDecoder) -> Vec<Result<Vec<u8>, FrameError>> {
        let mut out = Vec::new();
        while let Some(f) = decoder.next_frame() {
            out.push(f.map(<[u8]>::to_vec));
        }
        out
    }

    #[test]
    fn one_frame_per_line_with_crlf_and_blank_lines() {
        let mut d = LineDecoder::new(100);
        d.extend(b"{\"a\":1}\r\n\n  \r\n{\"b\":2}\n{\"c\"");
        assert_eq!(
            frames(&mut d),
            vec![Ok(b"{\"a\":1}".to_vec()), Ok(b"{\"b\":2}".to_vec())]
        );
        d.extend(b":3}");
        assert!(d.next_frame().is_none());
        assert_eq!(d.finish().unwrap().unwrap(), b"{\"c\":3}");
        assert!(d.finish().is_none());
    }

    #[test]
    fn frames_split_across_reads() {
        let mut d = LineDecoder::new(100);
        for b in b"{\"x\":1}\n{\"y\":2}\n" {
            d.extend(&[*b]);
        }
        assert_eq!(frames(&mut d).len(), 2);
        assert_eq!(d.buffered(), 0);
    }

    #[test]
    fn oversized_lines_are_discarded_and_the_stream_carries_on() {
        let mut d = LineDecoder::new(8);
        // Complete oversized line in one read.
        d.extend(b"0123456789\nok\n");
        assert_eq!(
            frames(&mut d),
            vec![Err(FrameError::TooLong { limit: 8 }), Ok(b"ok".to_vec())]
        );
        // Oversized line arriving in pieces: reported once, memory stays bounded.
        d.extend(b"0123456789");
        assert_eq!(frames(&mut d), vec![Err(FrameError::TooLong { limit: 8 })]);
        for _ in 0..1000 {
            d.extend(b"abcdefghij");
            assert!(d.next_frame().is_none());
            assert!(d.buffered() <= 10);
        }
        d.extend(b"tail\nnext\n");
        assert_eq!(frames(&mut d), vec![Ok(b"next".to_vec())]);
        // Exactly at the limit is fine, with or without '\r'.
        d.extend(b"12345678\r\n12345678\n");
        assert_eq!(frames(&mut d).len(), 2);
    }

    #[test]
    fn encode_writes_one_line_even_for_pretty_raw_values() {
        let raw =
            serde_json::value::RawValue::from_string("{\n  \"a\": \"x\\ny\"\r\n}".into()).unwrap();
        let msg = Message::Request(crate::jsonrpc::RequestMessage {
            id: 1.into(),
            method: "m".into(),
            params: Some(raw),
        });
        let mut out = Vec::new();
        encode(&msg, &mut out);
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
        assert_eq!(out.last(), Some(&b'\n'));
        let back = Message::from_slice(&out[..out.len() - 1]).unwrap();
        let Message::Request(r) = back else { panic!() };
        let v: serde_json::Value = serde_json::from_str(r.params.unwrap().get()).unwrap();
        assert_eq!(v["a"], "x\ny");
    }

    proptest! {
        /// Any bytes, cut anywhere, never panic, and every frame respects the limit and holds
        /// no newline.
        #[test]
        fn arbitrary_bytes_never_panic(
            data in proptest::collection::vec(any::<u8>(), 0..2048),
            cuts in proptest::collection::vec(0usize..64, 0..64),
            max in 1usize..64,
        ) {
            let mut d = LineDecoder::new(max);
            let mut rest = &data[..];
            let mut cuts = cuts.into_iter();
            while !rest.is_empty() {
                let n = cuts.next().unwrap_or(rest.len()).min(rest.len()).max(1);
                d.extend(&rest[..n]);
                rest = &rest[n..];
                while let Some(f) = d.next_message() {
                    let _ = f;
                }
                prop_assert!(d.buffered() <= max + 2 + 64);
            }
            while let Some(f) = d.next_frame() {
                let f = f.ok();
                prop_assert!(f.is_none_or(|f| f.len() <= max && !f.contains(&b'\n')));
            }
            let _ = d.finish_message();
        }

        /// Encoded messages decode back to themselves, whatever the read sizes.
        #[test]
        fn encode_then_decode_round_trips(texts in proptest::collection::vec("[a-z\\n\" ]{0,20}", 1..10), chunk in 1usize..50) {
            let msgs: Vec<Message> = texts.iter().enumerate().map(|(i, t)| {
                let params = crate::jsonrpc::to_raw(&serde_json::json!({ "t": t })).unwrap();
                Message::Request(crate::jsonrpc::RequestMessage { id: (i as i64).into(), method: "m".into(), params: Some(params) })
            }).collect();
            let mut wire = Vec::new();
            for m in &msgs { encode(m, &mut wire); }
            let mut d = LineDecoder::new(1 << 16);
            let mut got = Vec::new();
            for piece in wire.chunks(chunk) {
                d.extend(piece);
                while let Some(m) = d.next_message() { got.push(m.unwrap()); }
            }
            prop_assert_eq!(got, msgs);
        }
    }
}
