//! Decoding of internally tagged enums (`{"type": "…", …the variant's fields}`) without
//! serde's buffering.
//!
//! serde decodes a `#[serde(tag = …)]` enum by first reading the whole object into its
//! private `Content` tree (the tag may come anywhere), so every type beneath it is
//! decoded twice over in the client's code: from JSON and from that tree. For the live
//! event frames and message extras that was most of a 14 % share of the main WASM
//! module (BENCHMARKS.md, client weight). Charla only ever decodes such JSON that it
//! wrote itself with serde, which puts the tag first (and keeps it first: these columns
//! are TEXT, and PostgreSQL's NOTIFY embeds the stored text as `json`, never `jsonb`).
//! So these enums read the tag, then hand the rest of the object straight to the
//! variant: one decoding path, shared with every other struct decoded from JSON.
//!
//! An enum keeps its derived `Serialize` with `tag`, and gets its `Deserialize` from an
//! externally tagged `#[serde(remote = …)]` twin (the compiler checks the twin's fields
//! against the enum's; the round-trip tests check that no variant is missing):
//!
//! ```ignore
//! #[derive(Serialize)]
//! #[serde(tag = "type", rename_all = "snake_case")]
//! pub enum Event { Opened { id: i64 } }
//!
//! #[derive(Deserialize)]
//! #[serde(remote = "Event", rename_all = "snake_case")]
//! enum EventTwin { Opened { id: i64 } }
//!
//! impl TagFirst for Event {
//!     const TAG: &'static str = "type";
//!     fn from_variant<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
//!         EventTwin::deserialize(d)
//!     }
//! }
//! crate::tag_first::tag_first_deserialize!(Event);
//! ```
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, IntoDeserializer, MapAccess,
    VariantAccess, Visitor,
};

/// An internally tagged enum whose tag comes first in its JSON object.
pub trait TagFirst: Sized {
    /// The tag's key.
    const TAG: &'static str;
    /// Decodes the enum from a deserializer that presents it externally tagged (the
    /// twin's derived `deserialize`).
    fn from_variant<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// Implements `Deserialize` for a [`TagFirst`] enum.
macro_rules! tag_first_deserialize {
    ($ty:ty) => {
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::tag_first::deserialize(d)
            }
        }
    };
}
pub(crate) use tag_first_deserialize;

/// Reads `{"<TAG>": "<variant>", …}` as `T`.
pub fn deserialize<'de, D: Deserializer<'de>, T: TagFirst>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(TaggedVisitor(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: TagFirst> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object whose first key is \"{}\"", T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        match map.next_key::<String>()? {
            Some(key) if key == T::TAG => {}
            Some(key) => {
                return Err(de::Error::custom(format_args!(
                    "expected \"{}\" as the first key, found \"{key}\"",
                    T::TAG
                )))
            }
            None => return Err(de::Error::missing_field(T::TAG)),
        }
        let tag: String = map.next_value()?;
        T::from_variant(Tagged { tag, rest: map })
    }
}

/// The object once its tag is read: an enum to the twin's derived visitor.
struct Tagged<A> {
    tag: String,
    rest: A,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Tagged<A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for Tagged<A> {
    type Error = A::Error;
    type Variant = Rest<A>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Rest<A>), A::Error> {
        let variant = seed.deserialize(self.tag.into_deserializer())?;
        Ok((variant, Rest(self.rest)))
    }
}

/// The object's other keys: the variant's fields.
struct Rest<A>(A);

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for Rest<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        while self.0.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    /// A newtype variant of a struct: the struct's fields follow the tag.
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        seed.deserialize(de::value::MapAccessDeserializer::new(self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, A::Error> {
        Err(de::Error::custom(
            "tuple variants cannot be internally tagged",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Inner {
        a: i64,
        #[serde(default)]
        b: Option<String>,
    }

    #[derive(Debug, PartialEq, Serialize)]
    #[serde(tag = "t", rename_all = "snake_case")]
    enum Sample {
        Unit,
        Fields {
            x: i64,
            #[serde(default)]
            y: Vec<u8>,
        },
        Wrapped(Inner),
    }

    #[derive(Deserialize)]
    #[serde(remote = "Sample", rename_all = "snake_case")]
    enum SampleTwin {
        Unit,
        Fields {
            x: i64,
            #[serde(default)]
            y: Vec<u8>,
        },
        Wrapped(Inner),
    }

    impl TagFirst for Sample {
        const TAG: &'static str = "t";
        fn from_variant<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            SampleTwin::deserialize(d)
        }
    }
    tag_first_deserialize!(Sample);

    fn round_trip(value: Sample) {
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(
            serde_json::from_str::<Sample>(&text).unwrap(),
            value,
            "{text}"
        );
    }

    #[test]
    fn every_kind_of_variant_reads_back_what_serde_wrote() {
        round_trip(Sample::Unit);
        round_trip(Sample::Fields {
            x: -3,
            y: vec![1, 2],
        });
        round_trip(Sample::Wrapped(Inner {
            a: 7,
            b: Some("é\"".into()),
        }));
        assert_eq!(
            serde_json::from_str::<Sample>(r#"{"t":"fields","x":1}"#).unwrap(),
            Sample::Fields { x: 1, y: vec![] },
            "a field's default applies"
        );
        assert_eq!(
            serde_json::from_str::<Vec<Sample>>(
                r#"[{"t":"unit","extra":[1,{"z":2}]},{"t":"wrapped","a":1}]"#
            )
            .unwrap(),
            vec![Sample::Unit, Sample::Wrapped(Inner { a: 1, b: None })],
            "unknown keys are skipped and the next value still reads"
        );
    }

    #[test]
    fn bad_objects_are_refused_with_a_reason() {
        let err = |text: &str| {
            serde_json::from_str::<Sample>(text)
                .unwrap_err()
                .to_string()
        };
        assert!(
            err(r#"{"x":1,"t":"fields"}"#).contains(r#"expected "t" as the first key, found "x""#)
        );
        assert!(err(r#"{}"#).contains("missing field `t`"));
        assert!(err(r#"{"t":"nope"}"#).contains("unknown variant `nope`"));
        assert!(err(r#"{"t":"fields"}"#).contains("missing field `x`"));
        assert!(err(r#"{"t":"fields","x":"one"}"#).contains("invalid type"));
        assert!(err(r#"[1]"#).contains("invalid type"));
    }
}
