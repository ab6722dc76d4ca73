//! Framing: how messages are cut out of a byte stream and written back into one, without I/O.
//!
//! A codec owns a byte buffer. The transport copies what it read into the buffer and takes
//! complete frames out; to send, it asks the codec to append a message's bytes to its write
//! buffer. Nothing here blocks, allocates per frame, or knows about tokio.
//!
//! - [`ndjson`]: newline-delimited JSON, the stdio transport's framing (basic/transports §stdio).

pub mod ndjson;
