use leptos::prelude::*;

use super::model::EmojiGroup;
use crate::error::AppError;

/// The whole catalog, named in `lang` ("es" or "en"; anything else is English).
#[server(endpoint = "emoji", output = crate::wire::Json)]
pub async fn emoji_catalog(lang: String) -> Result<Vec<EmojiGroup>, AppError> {
    crate::auth::permission::signed_in()?;
    Ok(super::ssr::catalog(&lang).to_vec())
}
