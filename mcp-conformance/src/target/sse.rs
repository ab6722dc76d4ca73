//! Server-Sent Events, read incrementally (HTML Living Standard §9.2.6 "Interpreting an event
//! stream"): bytes in, the `data` of each complete event out ([`EventReader::feed`]), or each
//! event with its `id` ([`EventReader::feed_events`], for the resumability scenario).
//! `event:`, `retry:` and comments are read past. Sizes are bounded: a line or an event
//! longer than the limit is an error, not unbounded memory.

/// Why the stream cannot be read further.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooLong(pub(crate) usize);

/// One event: its `id` field, when it had one, and its data (empty for an event with an id
/// and no data, such as the priming event of 2025-11-25).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    /// The event's own `id` field (not the last event id carried over from earlier events).
    pub(crate) id: Option<String>,
    /// Its data lines, joined with `\n`.
    pub(crate) data: Vec<u8>,
}

/// An event stream being read.
#[derive(Debug)]
pub(crate) struct EventReader {
    line: Vec<u8>,
    data: Vec<u8>,
    /// The line ended with `\r`: a `\n` right after it belongs to that line ending.
    after_cr: bool,
    /// Whether the event being read has had a `data` field.
    has_data: bool,
    /// The `id` field of the event being read.
    id: Option<String>,
    limit: usize,
}

impl EventReader {
    /// A reader refusing lines and events over `limit` bytes.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            line: Vec::new(),
            data: Vec::new(),
            after_cr: false,
            has_data: false,
            id: None,
            limit,
        }
    }

    /// Reads `bytes`, pushing the data of each event they complete onto `out`. Events with
    /// empty data (the priming event of 2025-11-25 §Resumability) are dropped.
    pub(crate) fn feed(&mut self, bytes: &[u8], out: &mut Vec<Vec<u8>>) -> Result<(), TooLong> {
        let mut events = Vec::new();
        let read = self.feed_events(bytes, &mut events);
        out.extend(
            events
                .into_iter()
                .filter(|e| !e.data.is_empty())
                .map(|e| e.data),
        );
        read
    }

    /// Reads `bytes`, pushing each event they complete onto `out`, with its id: every event
    /// that had an `id` or a `data` field.
    pub(crate) fn feed_events(
        &mut self,
        bytes: &[u8],
        out: &mut Vec<Event>,
    ) -> Result<(), TooLong> {
        for &b in bytes {
            let after_cr = std::mem::replace(&mut self.after_cr, false);
            match b {
                b'\n' if after_cr => {}
                b'\n' | b'\r' => {
                    self.after_cr = b == b'\r';
                    self.end_line(out);
                }
                _ => {
                    if self.line.len() >= self.limit {
                        return Err(TooLong(self.limit));
                    }
                    self.line.push(b);
                }
            }
        }
        if self.data.len() > self.limit {
            return Err(TooLong(self.limit));
        }
        Ok(())
    }

    fn end_line(&mut self, out: &mut Vec<Event>) {
        let line = std::mem::take(&mut self.line);
        if line.is_empty() {
            let data = std::mem::take(&mut self.data);
            let id = self.id.take();
            if std::mem::replace(&mut self.has_data, false) || id.is_some() {
                out.push(Event { id, data });
            }
            return;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(0) => return,
            Some(at) => {
                let value = &line[at + 1..];
                (&line[..at], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (&line[..], &[][..]),
        };
        if field == b"id" {
            self.id = Some(String::from_utf8_lossy(value).into_owned());
        } else if field == b"data" {
            if self.has_data {
                self.data.push(b'\n');
            }
            self.has_data = true;
            self.data.extend_from_slice(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(chunks: &[&[u8]]) -> Vec<String> {
        let mut reader = EventReader::new(64);
        let mut out = Vec::new();
        for chunk in chunks {
            reader.feed(chunk, &mut out).expect("within the limit");
        }
        out.into_iter()
            .map(|d| String::from_utf8(d).expect("UTF-8"))
            .collect()
    }

    #[test]
    fn events_split_anywhere_and_any_line_ending_give_their_data() {
        let stream: &[u8] = b"id: 1\ndata:\n\n: comment\r\nevent: message\r\ndata: {\"a\":1}\r\n\r\ndata: x\rdata:y\r\r";
        let whole = events(&[stream]);
        assert_eq!(whole, ["{\"a\":1}", "x\ny"]);
        for at in 0..stream.len() {
            assert_eq!(
                events(&[&stream[..at], &stream[at..]]),
                whole,
                "split at {at}"
            );
        }
    }

    #[test]
    fn events_keep_their_own_ids_and_an_id_alone_is_an_event() {
        let mut reader = EventReader::new(64);
        let mut out = Vec::new();
        reader
            .feed_events(
                b"id: s.1\ndata:\n\nid: s.2\ndata: a\n\ndata: b\n\n",
                &mut out,
            )
            .expect("within the limit");
        let event = |id: Option<&str>, data: &[u8]| Event {
            id: id.map(str::to_owned),
            data: data.to_vec(),
        };
        assert_eq!(
            out,
            [
                event(Some("s.1"), b""),
                event(Some("s.2"), b"a"),
                event(None, b"b")
            ]
        );
    }

    #[test]
    fn an_unfinished_event_gives_nothing_and_a_long_line_is_refused() {
        assert!(events(&[b"data: {}\n"]).is_empty());
        let mut reader = EventReader::new(4);
        assert_eq!(
            reader.feed(b"data: 12345\n\n", &mut Vec::new()),
            Err(TooLong(4))
        );
    }
}
