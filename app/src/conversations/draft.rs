//! Drafts live in the browser's localStorage, one per conversation: the composer
//! keeps its text there, and the offline queue puts back a reply the server refused.
#[cfg(feature = "hydrate")]
fn storage() -> Option<leptos::web_sys::Storage> {
    leptos::prelude::window().local_storage().ok().flatten()
}

pub fn load(conversation_id: i64) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        storage()?
            .get_item(&format!("charla:draft:{conversation_id}"))
            .ok()
            .flatten()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = conversation_id;
        None
    }
}

pub fn save(conversation_id: i64, text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = storage() {
        let key = format!("charla:draft:{conversation_id}");
        let _ = if text.is_empty() {
            storage.remove_item(&key)
        } else {
            storage.set_item(&key, text)
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (conversation_id, text);
}
