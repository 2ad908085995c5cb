//! The API channel's adapter (Chatwoot's `Channel::Api`). Its customers live in an
//! integrator's software, which reads agents' replies through the Client API or is
//! told of them by the inbox's webhook (the webhook queue, which retries and keeps a
//! log); handing a reply over therefore means it is now visible to them: "sent".
use super::adapter::{Adapter, Delivery, OutboundMessage};
use futures::future::BoxFuture;

pub struct ApiInbox;

impl Adapter for ApiInbox {
    fn deliver<'a>(&'a self, _message: &'a OutboundMessage) -> BoxFuture<'a, Delivery> {
        Box::pin(async { Delivery::Sent { external_id: None } })
    }

    fn repeatable(&self) -> bool {
        true
    }
}
