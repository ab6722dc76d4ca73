//! The decoding machinery behind every wire struct: a `Deserialize` that keeps unknown
//! fields without serde's `flatten`.
//!
//! `#[serde(flatten)]` on an `extra` map would keep unknown fields too, but it makes serde
//! buffer the whole object into an intermediate tree before decoding any field, which costs
//! as much as decoding into an untyped `serde_json::Value` (measured by
//! `benches/codec.rs`). [`deserialize_with_extra!`](crate::deserialize_with_extra) instead
//! generates a visitor that decodes each known key straight into its field and only the
//! unknown ones into `extra`. Serialization keeps serde's derive (flatten costs nothing there).
//!
//! The wire names listed in the macro must match the struct's `#[serde]` names; the
//! round-trip property tests (`decode(encode(x)) == x` for every type) fail if they drift.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

/// A map key, borrowed from the input when it has no escapes.
#[doc(hidden)]
#[derive(Debug)]
pub enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    #[doc(hidden)]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Borrowed(s) => s,
            Self::Owned(s) => s,
        }
    }

    #[doc(hidden)]
    pub fn into_string(self) -> String {
        match self {
            Self::Borrowed(s) => s.to_owned(),
            Self::Owned(s) => s,
        }
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(s))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s.to_owned()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s))
            }
        }
        d.deserialize_str(V)
    }
}

/// The value of a field that was absent: `None` for an `Option`, an error naming the field
/// for anything else. Works like serde's own handling of missing fields.
#[doc(hidden)]
pub fn missing<'de, T: de::Deserialize<'de>, E: de::Error>(field: &'static str) -> Result<T, E> {
    T::deserialize(Missing::<E>(field, PhantomData))
}

struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// Implements `Deserialize` for a wire struct whose last field is `extra: Extra`.
///
/// ```ignore
/// deserialize_with_extra!(CallToolParams {
///     name: "name",
///     arguments: "arguments",
///     meta: "_meta",
/// });
/// ```
/// Each `field: "wireName"` pair decodes that key into that field; a field written
/// `field: "wireName" = default` takes `Default::default()` when absent; any other absent
/// field must be an `Option` or decoding fails with "missing field". A key given twice is an
/// error. Every other key goes into `extra`.
#[macro_export]
#[doc(hidden)]
macro_rules! deserialize_with_extra {
    ($ty:ident { $($field:ident : $wire:literal $(= $default:ident)?),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                struct V;
                impl<'de> ::serde::de::Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($ty), ")"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> ::core::result::Result<$ty, A::Error> {
                        $(let mut $field = ::core::option::Option::None;)*
                        let mut extra = $crate::types::Extra::new();
                        while let ::core::option::Option::Some(key) =
                            map.next_key::<$crate::wire::Key<'de>>()?
                        {
                            match key.as_str() {
                                $($wire => {
                                    if $field.is_some() {
                                        return ::core::result::Result::Err(
                                            <A::Error as ::serde::de::Error>::duplicate_field($wire),
                                        );
                                    }
                                    $field = ::core::option::Option::Some(map.next_value()?);
                                })*
                                _ => {
                                    let value: ::serde_json::Value = map.next_value()?;
                                    extra.insert(key.into_string(), value);
                                }
                            }
                        }
                        ::core::result::Result::Ok($ty {
                            $($field: match $field {
                                ::core::option::Option::Some(v) => v,
                                ::core::option::Option::None => {
                                    $crate::deserialize_with_extra!(@absent $wire $(, $default)?)
                                }
                            },)*
                            extra,
                        })
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
    (@absent $wire:literal, default) => {
        ::core::default::Default::default()
    };
    (@absent $wire:literal) => {
        $crate::wire::missing($wire)?
    };
}

/// Decodes an internally tagged union (`{"type": "text", …}`) without buffering the whole
/// object, unlike serde's `#[serde(tag = "…")]`.
///
/// Entries are read until `tag`; those before it (usually none: peers write the tag first) are
/// kept aside as values. `pick` then gets the tag's value and a deserializer over the other
/// entries (the kept ones first, then the rest, streamed from the input) to decode the variant.
#[doc(hidden)]
pub fn decode_tagged<'de, A, T>(
    mut map: A,
    tag: &'static str,
    pick: impl FnOnce(&str, de::value::MapAccessDeserializer<Rest<'de, A>>) -> Result<T, A::Error>,
) -> Result<T, A::Error>
where
    A: de::MapAccess<'de>,
{
    let mut before = Vec::new();
    loop {
        let Some(key) = map.next_key::<Key<'de>>()? else {
            return Err(de::Error::missing_field(tag));
        };
        if key.as_str() == tag {
            let value: Key<'de> = map.next_value()?;
            let rest = Rest {
                before: before.into_iter(),
                pending: None,
                map,
                _de: PhantomData,
            };
            return pick(value.as_str(), de::value::MapAccessDeserializer::new(rest));
        }
        let value: serde_json::Value = map.next_value()?;
        before.push((key.into_string(), value));
    }
}

/// The entries of a tagged object other than its tag; see [`decode_tagged`].
#[doc(hidden)]
#[derive(Debug)]
pub struct Rest<'de, A> {
    before: std::vec::IntoIter<(String, serde_json::Value)>,
    pending: Option<serde_json::Value>,
    map: A,
    _de: PhantomData<&'de ()>,
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Rest<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.before.next() {
            Some((key, value)) => {
                self.pending = Some(value);
                seed.deserialize(de::value::StringDeserializer::<A::Error>::new(key))
                    .map(Some)
            }
            None => self.map.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        match self.pending.take() {
            Some(value) => seed.deserialize(value).map_err(de::Error::custom),
            None => self.map.next_value_seed(seed),
        }
    }
}
