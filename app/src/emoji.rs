//! Emoji (S4): a searchable picker with categories, skin tones and recently used first.
//! The catalog comes from the `emojis` crate on the server, named and searchable in the
//! agent's language from Unicode CLDR's annotations, and is fetched only when the picker
//! opens, so none of it is part of the WASM download.
mod api;
pub mod model;
mod picker;
#[cfg(feature = "ssr")]
mod ssr;

pub use picker::EmojiPicker;
