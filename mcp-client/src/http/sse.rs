//! Server-Sent Events framing, as the HTML Living Standard §9.2.6 "Interpreting an event
//! stream" defines it: lines end with CRLF, LF or CR; `data:` lines accumulate; a blank line
//! dispatches; `id:` sets the last event id (even on an event with no data: the "priming"
//! event of 2025-11-25 basic/transports §Resumability is `id` + empty `data`); `retry:` sets
//! the reconnection delay; lines starting with `:` are comments (keep-alives).

use std::time::Duration;

/// One dispatched event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The event type (`message` unless the stream named one).
    pub(crate) event: String,
    /// The data lines, joined with `\n`.
    pub(crate) data: String,
}

/// An incremental parser: feed it chunks as they arrive, in any split.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended in CR: a LF at the start of the next one belongs to it.
    after_cr: bool,
    data: String,
    has_data: bool,
    event: String,
    /// The last event id the stream set (the value to send as `Last-Event-ID`).
    pub(crate) last_event_id: Option<String>,
    /// The reconnection delay the stream asked for, if it did.
    pub(crate) retry: Option<Duration>,
    /// Lines longer than this are cut (a hostile server cannot grow one line without end).
    max_line: usize,
}

/// The longest line kept by default: 16 MiB (a large tool result fits on one `data:` line).
const MAX_LINE: usize = 16 << 20;

impl SseParser {
    pub(crate) fn new() -> Self {
        Self {
            max_line: MAX_LINE,
            ..Self::default()
        }
    }

    /// Parses `chunk`, appending each completed event to `out`.
    pub(crate) fn push(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) {
        let mut rest = chunk;
        if self.after_cr {
            self.after_cr = false;
            if let Some(b'\n') = rest.first() {
                rest = &rest[1..];
            }
        }
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            let line_end = rest[end];
            self.extend_line(&rest[..end]);
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, out);
            rest = &rest[end + 1..];
            if line_end == b'\r' {
                match rest.first() {
                    Some(b'\n') => rest = &rest[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.extend_line(rest);
    }

    /// Drops a half-read line and event after the stream broke, keeping the last event id
    /// and the retry delay for the reconnection.
    pub(crate) fn reset_partial(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.data.clear();
        self.has_data = false;
        self.event.clear();
    }

    fn extend_line(&mut self, bytes: &[u8]) {
        let room = self.max_line.saturating_sub(self.line.len());
        self.line.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    fn process_line(&mut self, line: &[u8], out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line[0] == b':' {
            return; // a comment
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (&*line, ""),
        };
        match field {
            // The event is capped like a line: a hostile server cannot grow it without end.
            "data" if self.data.len() + value.len() < self.max_line => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = value.to_owned(),
            "id" if !value.contains('\0') => self.last_event_id = Some(value.to_owned()),
            "retry" => {
                if let Ok(ms) = value.parse::<u64>() {
                    self.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        let data = std::mem::take(&mut self.data);
        let event = std::mem::take(&mut self.event);
        let had_data = std::mem::replace(&mut self.has_data, false);
        // An event with an empty data buffer is not dispatched (but its id stays set).
        if !had_data || data.is_empty() {
            return;
        }
        let event = if event.is_empty() {
            "message".to_owned()
        } else {
            event
        };
        out.push(SseEvent { event, data });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in_pieces(input: &str, piece: usize) -> (Vec<SseEvent>, SseParser) {
        let mut parser = SseParser::new();
        let mut out = Vec::new();
        for chunk in input.as_bytes().chunks(piece) {
            parser.push(chunk, &mut out);
        }
        (out, parser)
    }

    #[test]
    fn events_are_the_same_whatever_the_chunking() {
        let input = "id: 1\r\nretry: 500\r\ndata: \r\n\r\n: keep-alive\n\nevent: message\nid: 2\ndata: {\"a\":\ndata: 1}\n\nevent: endpoint\rdata: /messages?s=1\r\r";
        for piece in 1..=input.len() {
            let (events, parser) = parse_in_pieces(input, piece);
            assert_eq!(
                events,
                vec![
                    SseEvent {
                        event: "message".into(),
                        data: "{\"a\":\n1}".into()
                    },
                    SseEvent {
                        event: "endpoint".into(),
                        data: "/messages?s=1".into()
                    },
                ],
                "piece size {piece}"
            );
            assert_eq!(parser.last_event_id.as_deref(), Some("2"));
            assert_eq!(parser.retry, Some(Duration::from_millis(500)));
        }
    }

    #[test]
    fn a_priming_event_sets_the_id_without_dispatching() {
        let (events, parser) = parse_in_pieces("id: ev-7\ndata:\n\n", 64);
        assert!(events.is_empty());
        assert_eq!(parser.last_event_id.as_deref(), Some("ev-7"));
    }

    #[test]
    fn an_unfinished_event_is_not_dispatched_and_bad_retry_is_ignored() {
        let (events, parser) = parse_in_pieces("retry: soon\ndata: x\n", 64);
        assert!(events.is_empty());
        assert_eq!(parser.retry, None);
    }

    proptest::proptest! {
        /// Any bytes, cut anywhere, give the same events and the same last id as in one
        /// piece, and never a panic.
        #[test]
        fn chunking_never_changes_what_is_parsed(
            tokens in proptest::collection::vec(proptest::sample::select(vec![
                "data: x", "data:", "id: 7", "id", "event: e", "retry: 5", ": c", "\n", "\r",
                "\r\n", "\n\n", "é", "\u{0}", "junk",
            ]), 0..60),
            cut in 1usize..17,
        ) {
            let bytes = tokens.concat().into_bytes();
            let mut whole = SseParser::new();
            let mut expected = Vec::new();
            whole.push(&bytes, &mut expected);
            let mut pieces = SseParser::new();
            let mut got = Vec::new();
            for chunk in bytes.chunks(cut) {
                pieces.push(chunk, &mut got);
            }
            proptest::prop_assert_eq!(got, expected);
            proptest::prop_assert_eq!(pieces.last_event_id, whole.last_event_id);
        }
    }

    #[test]
    fn an_overlong_line_is_cut_not_grown() {
        let mut parser = SseParser::new();
        parser.max_line = 8;
        let mut out = Vec::new();
        parser.push(b"data: 0123456789abcdef\n\n", &mut out);
        assert_eq!(out[0].data, "01");
    }
}
