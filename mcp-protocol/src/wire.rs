//! The decoding machinery behind every wire struct: a `Deserialize` that keeps unknown
//! fields without serde's `flatten`.
//!
//! `#[serde(flatten)]` on an `extra` map would keep unknown fields too, but it makes serde
//! buffer the whole object into an intermediate tree before decoding any field, which costs
//! as much as decoding into an untyped `serde_json::Value` (measured by
//! `benches/codec.rs`). [`wire_struct!`](crate::wire_struct) instead declares the struct and
//! generates a visitor that decodes each known key straight into its field and only the
//! unknown ones into `extra`. Serialization keeps serde's derive (flatten costs nothing there).
//!
//! Each field and its wire name are written once, in the struct declaration: the macro gives
//! the same name to serde's derive (`#[serde(rename)]`) and to the visitor.

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
                f.write_str("a string")
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

/// Declares a wire struct and its `Deserialize`, writing each field and its wire name once.
///
/// ```ignore
/// wire_struct! {
///     /// Params of `tools/call`.
///     #[derive(Clone, Debug, PartialEq, Serialize)]
///     pub struct CallToolParams {
///         /// The tool.
///         pub name: String,
///         /// Metadata; `None` when absent, and not written when `None`.
///         pub meta: Option<Meta> = "_meta" [optional],
///         /// Lifetime; `Default::default()` when absent.
///         #[serde(skip_serializing_if = "TaskTtl::is_unset")]
///         pub ttl: TaskTtl [default],
///     }
/// }
/// ```
/// A field's wire name is its Rust name unless written after `=`; the macro puts it into a
/// `#[serde(rename)]` for `Serialize` (derived: flatten costs nothing when encoding) and into
/// the generated visitor, so the two cannot drift. It appends the last field,
/// `pub extra: Extra` (`#[serde(flatten)]`): every key the struct does not name is kept there.
/// The struct is `#[non_exhaustive]`: a later revision may add fields without breaking users,
/// who build it with its constructors (see "Building messages" in the crate docs).
///
/// A field's marker says what its absence means, on the wire and in Rust:
/// - `[optional]`: the field is an `Option`; absent decodes as `None`, and `None` is not
///   written (the macro adds `#[serde(skip_serializing_if = "Option::is_none")]`). This is the
///   schema's optional property, the common case.
/// - `[default]`: absent decodes as `Default::default()`; the field is always written unless
///   it carries its own `skip_serializing_if`.
/// - none: the field is required; decoding fails with "missing field" when it is absent (an
///   unmarked `Option` decodes an absent field as `None` but writes `null`).
///
/// The generated `Deserialize` decodes each known key straight into its field and only the
/// unknown ones into `extra` (no `flatten` buffering, see the module docs). A key given twice
/// is an error.
///
/// Written after the struct, `cacheable_result;` appends the fields every cacheable result of
/// 2026-07-28 has (`ttlMs`, `cacheScope`, `resultType`, `_meta`), as
/// [`list_result!`](crate::list_result) and `DiscoverResult` use.
#[macro_export]
#[doc(hidden)]
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($body:tt)*
        }
        cacheable_result;
    ) => {
        $crate::wire_struct! {
            $(#[$meta])*
            pub struct $name {
                $($body)*
                /// Cache lifetime hint in milliseconds (2026-07-28).
                pub ttl_ms: ::core::option::Option<u64> = "ttlMs" [optional],
                /// Cache scope hint (2026-07-28).
                pub cache_scope: ::core::option::Option<$crate::types::CacheScope> = "cacheScope" [optional],
                /// Result kind (2026-07-28).
                pub result_type: ::core::option::Option<$crate::types::ResultType> = "resultType" [optional],
                /// Result metadata.
                pub meta: ::core::option::Option<$crate::types::Meta> = "_meta" [optional],
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($body:tt)*
        }
    ) => {
        $crate::wire_struct!(@field [$(#[$meta])* $name] [] $($body)*);
    };
    // One field at a time, into `{ [attributes] vis name: type [wire name] [marker] }`: an
    // `[optional]` field gets its serde attribute here (an attribute cannot come from a macro
    // call in place, so the fields are rewritten before the struct is written).
    (@field $head:tt [$($done:tt)*]
        $(#[$fmeta:meta])*
        $vis:vis $field:ident : $ty:ty $(= $wire:literal)? [optional],
        $($rest:tt)*
    ) => {
        $crate::wire_struct!(@field $head [$($done)* {
            [$(#[$fmeta])* #[serde(skip_serializing_if = "Option::is_none")]]
            $vis $field: $ty [$($wire)?] [optional]
        }] $($rest)*);
    };
    (@field $head:tt [$($done:tt)*]
        $(#[$fmeta:meta])*
        $vis:vis $field:ident : $ty:ty $(= $wire:literal)? $([$marker:ident])?,
        $($rest:tt)*
    ) => {
        $crate::wire_struct!(@field $head [$($done)* {
            [$(#[$fmeta])*] $vis $field: $ty [$($wire)?] [$($marker)?]
        }] $($rest)*);
    };
    (@field [$(#[$meta:meta])* $name:ident] [$({
        [$(#[$fmeta:meta])*] $vis:vis $field:ident : $ty:ty [$($wire:literal)?] [$($marker:ident)?]
    })*]) => {
        $(#[$meta])*
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                $(#[serde(rename = $wire)])?
                $vis $field: $ty,
            )*
            /// Unknown fields, kept.
            #[serde(flatten)]
            pub extra: $crate::types::Extra,
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                struct V;
                impl<'de> ::serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($name), ")"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> ::core::result::Result<$name, A::Error> {
                        $(let mut $field = ::core::option::Option::None;)*
                        let mut extra = $crate::types::Extra::new();
                        while let ::core::option::Option::Some(key) =
                            map.next_key::<$crate::wire::Key<'de>>()?
                        {
                            match key.as_str() {
                                $($crate::wire_struct!(@wire $field $($wire)?) => {
                                    if $field.is_some() {
                                        return ::core::result::Result::Err(
                                            <A::Error as ::serde::de::Error>::duplicate_field(
                                                $crate::wire_struct!(@wire $field $($wire)?),
                                            ),
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
                        ::core::result::Result::Ok($name {
                            $($field: match $field {
                                ::core::option::Option::Some(v) => v,
                                ::core::option::Option::None => $crate::wire_struct!(
                                    @absent ($crate::wire_struct!(@wire $field $($wire)?)) $($marker)?
                                ),
                            },)*
                            extra,
                        })
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
    (@wire $field:ident $wire:literal) => { $wire };
    (@wire $field:ident) => { stringify!($field) };
    (@absent ($($wire:tt)*) optional) => { ::core::option::Option::None };
    (@absent ($($wire:tt)*) default) => { ::core::default::Default::default() };
    (@absent ($($wire:tt)*)) => { $crate::wire::missing($($wire)*)? };
}

/// Declares a page of a list result (`tools/list`, `prompts/list`, …): the items, the next
/// cursor and the cacheable-result fields, with `new(items)` and its [`Shape`](crate::shape::Shape)
/// (items shaped, cache hints and `resultType` as the version requires).
///
/// ```ignore
/// list_result! {
///     /// Result of `tools/list` (`ListToolsResult`).
///     ListToolsResult {
///         /// The tools on this page.
///         tools: Tool
///     }
/// }
/// ```
/// The items' wire name is their Rust name unless written after `=` (as in `wire_struct!`).
/// ```ignore
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! list_result {
    (
        $(#[$meta:meta])*
        $name:ident { $(#[$fmeta:meta])* $items:ident : $item:ty $(= $wire:literal)? }
    ) => {
        $crate::wire_struct! {
            $(#[$meta])*
            #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize)]
            pub struct $name {
                $(#[$fmeta])*
                pub $items: ::std::vec::Vec<$item> $(= $wire)?,
                /// Cursor of the next page, if any.
                pub next_cursor: ::core::option::Option<$crate::types::Cursor> = "nextCursor" [optional],
            }
            cacheable_result;
        }

        impl $name {
            /// A page with these items and no next page.
            pub fn new($items: ::std::vec::Vec<$item>) -> Self {
                Self {
                    $items,
                    ..Self::default()
                }
            }

            /// Sets the cursor of the next page.
            pub fn with_next_cursor(mut self, cursor: impl ::core::convert::Into<$crate::types::Cursor>) -> Self {
                self.next_cursor = ::core::option::Option::Some(cursor.into());
                self
            }
        }

        impl $crate::shape::Shape for $name {
            fn shape(&mut self, version: $crate::version::ProtocolVersion) {
                $crate::shape::Shape::shape(&mut self.$items, version);
                $crate::types::shape_cache_hints(&mut self.ttl_ms, &mut self.cache_scope, version);
                $crate::types::shape_result_type(&mut self.result_type, version);
            }
        }
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

/// Declares a string enumeration the spec may extend (an *open set*): the known values as
/// variants, plus `Unknown(String)` holding a value from a later revision exactly as it was
/// sent, so that it is encoded back unchanged. The enum is `#[non_exhaustive]`; `Unknown`
/// is its last variant (a derived `Ord` puts unknown values after every known one).
///
/// ```ignore
/// open_enum! {
///     /// The sender or recipient of a message (`Role`).
///     pub enum Role {
///         /// The user.
///         User = "user",
///     }
/// }
/// ```
/// Generates `as_str`, `Display`, `From<&str>`, `Serialize` and a `Deserialize` that borrows
/// the string from the input when it can.
#[macro_export]
#[doc(hidden)]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this crate does not know (from a later revision), kept as it was sent
            /// and sent back unchanged.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(s) => s,
                }
            }

            /// Whether this is a value this crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                let key = <$crate::wire::Key<'de> as ::serde::Deserialize<'de>>::deserialize(d)?;
                ::core::result::Result::Ok(Self::from(key.as_str()))
            }
        }
    };
}

/// Implements `Deserialize` for an enum tagged by `type` whose every variant holds one struct,
/// plus `Unknown(UnknownObject)` for a type this crate does not know, without buffering the
/// object (see [`decode_tagged`]).
///
/// ```ignore
/// deserialize_tagged!(ContentBlock { "text" => Text(TextContent), "image" => Image(ImageContent) });
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! deserialize_tagged {
    ($ty:ident { $($wire:literal => $variant:ident($inner:ty)),+ $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                struct V;
                impl<'de> ::serde::de::Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(concat!("an object with a `type` (", stringify!($ty), ")"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> ::core::result::Result<$ty, A::Error> {
                        $crate::wire::decode_tagged(map, "type", |kind, rest| match kind {
                            $($wire => <$inner as ::serde::Deserialize>::deserialize(rest).map($ty::$variant),)+
                            other => $crate::types::UnknownObject::decode(other, rest).map($ty::Unknown),
                        })
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}
