//! The server functions' codec: JSON by serde_json, like server_fn's own `Json`, except
//! that answers are decoded from text (`serde_json::from_str`) rather than from bytes.
//!
//! The client decodes the same types from text elsewhere: the data the server renders
//! into the page for hydration (Leptos's resource codec uses `from_str`) and the live
//! socket's frames. serde_json compiles every decoder once per reader, so with
//! server_fn's `from_slice` each type reaching the client both ways was decoded by two
//! copies of the same code in the WASM (BENCHMARKS.md, client weight). Every
//! `#[server]` here names `input = Json, output = Json` from this module.
#[cfg(feature = "ssr")]
pub mod request;

use serde::{de::DeserializeOwned, Serialize};
use server_fn::codec::Post;
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

/// The header that carries a visitor's token on uploads and discards (never the
/// address, which logs and histories keep).
pub const VISITOR_HEADER: &str = "x-charla-visitor";

/// JSON in the body of a `POST`, both ways.
pub type Json = Post<JsonText>;

pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_and_bad_bytes_are_an_error() {
        let bytes = <JsonText as Encodes<Vec<String>>>::encode(&vec!["ñandú".into()]).unwrap();
        let back: Vec<String> = <JsonText as Decodes<Vec<String>>>::decode(bytes).unwrap();
        assert_eq!(back, ["ñandú"]);
        let bad = <JsonText as Decodes<Vec<String>>>::decode(Bytes::from_static(b"[\"\xff\"]"));
        assert!(bad.is_err());
    }
}
