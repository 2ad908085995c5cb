//! The website chat adapter. The visitor's widget reads the conversation through its
//! own socket and history endpoint, so handing a reply over means it is now visible
//! to the visitor: "sent". Replies she has not read once she has left go to her by
//! email (`mailing`), and her answer by email comes back (`answers`).
pub mod answers;
pub mod mailing;

use super::adapter::{Adapter, Delivery, OutboundMessage};
use futures::future::BoxFuture;

pub struct WebChat;

impl Adapter for WebChat {
    fn deliver<'a>(&'a self, _message: &'a OutboundMessage) -> BoxFuture<'a, Delivery> {
        Box::pin(async { Delivery::Sent { external_id: None } })
    }

    fn repeatable(&self) -> bool {
        true
    }
}
