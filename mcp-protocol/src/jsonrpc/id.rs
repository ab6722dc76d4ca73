//! Request ids and progress tokens: a JSON number or a JSON string.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! number_or_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            /// An integer id. JSON-RPC allows fractions; MCP ids are integers in practice and
            /// a fractional id is rejected as an invalid request.
            Number(i64),
            /// A string id.
            String(String),
        }

        impl From<i64> for $name {
            fn from(n: i64) -> Self {
                Self::Number(n)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::String(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::String(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    Self::Number(n) => write!(f, "{n}"),
                    Self::String(s) => write!(f, "{s:?}"),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    Self::Number(n) => s.serialize_i64(*n),
                    Self::String(v) => s.serialize_str(v),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("an integer or a string")
                    }
                    fn visit_i64<E: de::Error>(self, n: i64) -> Result<$name, E> {
                        Ok($name::Number(n))
                    }
                    fn visit_u64<E: de::Error>(self, n: u64) -> Result<$name, E> {
                        i64::try_from(n)
                            .map($name::Number)
                            .map_err(|_| E::custom("integer id out of range"))
                    }
                    fn visit_str<E: de::Error>(self, s: &str) -> Result<$name, E> {
                        Ok($name::String(s.to_owned()))
                    }
                    fn visit_string<E: de::Error>(self, s: String) -> Result<$name, E> {
                        Ok($name::String(s))
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

number_or_string! {
    /// A JSON-RPC request id (`RequestId` in every schema). MCP forbids `null` ids.
    RequestId
}

number_or_string! {
    /// A progress token (`ProgressToken`), chosen by the requester and echoed in
    /// `notifications/progress`.
    ProgressToken
}

#[cfg(test)]
mod tests {
    use super::*;

    // requirement: 1.2
    #[test]
    fn ids_round_trip_as_number_or_string() {
        let n: RequestId = serde_json::from_str("7").unwrap();
        assert_eq!(n, RequestId::Number(7));
        let s: RequestId = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(s, RequestId::String("abc".into()));
        assert_eq!(serde_json::to_string(&n).unwrap(), "7");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"abc\"");
        assert!(serde_json::from_str::<RequestId>("null").is_err());
        assert!(serde_json::from_str::<RequestId>("1.5").is_err());
        assert!(serde_json::from_str::<RequestId>("{}").is_err());
    }
}
