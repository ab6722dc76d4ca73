//! Normalisation of a recorded exchange (see the module doc of [`super`] for what is
//! replaced and why nothing else is).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::tap::Dir;

/// One transcript line: `{"dir":"c2s","message":{...}}`, keys sorted at every level.
pub(crate) fn lines(messages: Vec<(Dir, Value)>) -> Vec<String> {
    let (mut ids, mut placeholders) = (Ids::default(), Placeholders::default());
    messages
        .into_iter()
        .map(|(dir, mut message)| {
            ids.renumber(dir, &mut message);
            placeholders.replace(&mut message);
            let line = Value::Object(Map::from_iter([
                ("dir".to_owned(), Value::from(dir.as_str())),
                ("message".to_owned(), sorted(message)),
            ]));
            line.to_string()
        })
        .collect()
}

/// Request ids, renumbered 0, 1, … per side in order of first appearance. The two sides
/// number their requests independently, so an id is keyed by the side that sent the
/// request: a request by its own direction, a response by the reverse.
#[derive(Default)]
struct Ids {
    seen: HashMap<(&'static str, String), u64>,
    next: HashMap<&'static str, u64>,
}

impl Ids {
    fn renumber(&mut self, dir: Dir, message: &mut Value) {
        let Some(obj) = message.as_object_mut() else {
            return;
        };
        let requester = if obj.contains_key("method") {
            dir
        } else {
            dir.reverse()
        };
        let Some(id) = obj.get_mut("id").filter(|id| !id.is_null()) else {
            return;
        };
        let key = (requester.as_str(), id.to_string());
        let n = match self.seen.get(&key) {
            Some(n) => *n,
            None => {
                let next = self.next.entry(requester.as_str()).or_default();
                let n = *next;
                *next += 1;
                self.seen.insert(key, n);
                n
            }
        };
        *id = Value::from(n);
    }
}

/// The placeholders of the values that differ from run to run or release to release.
#[derive(Default)]
struct Placeholders {
    /// MRTR `requestState` tokens (they hold a nonce and an expiry), numbered in order of
    /// first appearance so that the client's echo of a token still matches it.
    states: HashMap<String, usize>,
    /// Task ids (they end in a random part), numbered likewise.
    tasks: HashMap<String, usize>,
}

/// The number of `token` in `seen`, by first appearance.
fn numbered(seen: &mut HashMap<String, usize>, token: &str) -> usize {
    let next = seen.len();
    *seen.entry(token.to_owned()).or_insert(next)
}

impl Placeholders {
    fn replace(&mut self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    match (key.as_str(), &*v) {
                        ("requestState", Value::String(token)) => {
                            let n = numbered(&mut self.states, token);
                            *v = Value::from(format!("<request-state-{n}>"));
                        }
                        ("taskId", Value::String(id)) => {
                            let n = numbered(&mut self.tasks, id);
                            *v = Value::from(format!("<task-id-{n}>"));
                        }
                        ("createdAt" | "lastUpdatedAt" | "timestamp", Value::String(_)) => {
                            *v = Value::from("<timestamp>");
                        }
                        (k, Value::Object(info)) if is_implementation(k) => {
                            if info.contains_key("version") {
                                v["version"] = Value::from("<implementation-version>");
                            }
                            self.replace(v);
                        }
                        _ => self.replace(v),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.replace(v)),
            _ => {}
        }
    }
}

/// Whether `key` holds an `Implementation` (name and version of a side): `serverInfo`,
/// `clientInfo`, and their 2026-07-28 `_meta` forms (`io.modelcontextprotocol/serverInfo`).
fn is_implementation(key: &str) -> bool {
    let last = key.rsplit('/').next().unwrap_or(key);
    matches!(last, "serverInfo" | "clientInfo")
}

/// `value` with the keys of every object in sorted order (whatever map serde_json uses).
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn ids_are_renumbered_per_side_and_varying_values_replaced() {
        let token = "eyJ.abc";
        let got = lines(vec![
            (
                Dir::C2s,
                json!({"jsonrpc": "2.0", "id": "x7", "method": "initialize",
                "params": {"clientInfo": {"name": "c", "version": "9.9"}}}),
            ),
            (
                Dir::S2c,
                json!({"jsonrpc": "2.0", "id": 40, "method": "roots/list"}),
            ),
            (
                Dir::C2s,
                json!({"jsonrpc": "2.0", "id": 40, "result": {"roots": []}}),
            ),
            (
                Dir::S2c,
                json!({"jsonrpc": "2.0", "id": "x7", "result": {"requestState": token,
                "task": {"createdAt": "2026-01-01T00:00:00Z", "taskId": "t-1f"},
                "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "s", "version": "1"}}}}),
            ),
            (
                Dir::C2s,
                json!({"jsonrpc": "2.0", "id": 8, "method": "ping",
                "params": {"requestState": token, "z": 1, "a": 2}}),
            ),
        ]);
        assert_eq!(
            got,
            [
                r#"{"dir":"c2s","message":{"id":0,"jsonrpc":"2.0","method":"initialize","params":{"clientInfo":{"name":"c","version":"<implementation-version>"}}}}"#,
                r#"{"dir":"s2c","message":{"id":0,"jsonrpc":"2.0","method":"roots/list"}}"#,
                r#"{"dir":"c2s","message":{"id":0,"jsonrpc":"2.0","result":{"roots":[]}}}"#,
                r#"{"dir":"s2c","message":{"id":0,"jsonrpc":"2.0","result":{"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"<implementation-version>"}},"requestState":"<request-state-0>","task":{"createdAt":"<timestamp>","taskId":"<task-id-0>"}}}}"#,
                r#"{"dir":"c2s","message":{"id":1,"jsonrpc":"2.0","method":"ping","params":{"a":2,"requestState":"<request-state-0>","z":1}}}"#,
            ]
        );
    }
}
