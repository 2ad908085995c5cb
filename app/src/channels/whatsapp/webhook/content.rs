//! What one inbound message says, by its type: the text an agent reads, the file to
//! fetch, and what a channel adds (a location, an ad the customer came from…).
use serde_json::Value;

use crate::conversations::model::MessageExtra;

/// A file the customer sent, still at Meta.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaRef {
    pub id: String,
    pub mime_type: Option<String>,
    pub file_name: Option<String>,
    pub voice: bool,
}

/// What one message says, by its type.
pub(super) struct Content {
    pub body: String,
    pub content_type: String,
    pub extra: Option<MessageExtra>,
    pub media: Option<MediaRef>,
}

pub(super) fn read(kind: &str, message: &Value) -> Content {
    let mut body = String::new();
    let mut extra = None;
    let mut media = None;
    let mut content_type = kind.to_owned();
    match kind {
        "text" => {
            body = str_at(message, &["text", "body"])
                .unwrap_or_default()
                .to_owned()
        }
        "image" | "video" | "audio" | "document" | "sticker" => {
            let part = &message[kind];
            match part.get("id").and_then(Value::as_str) {
                Some(media_id) => {
                    body = str_at(part, &["caption"]).unwrap_or_default().to_owned();
                    media = Some(MediaRef {
                        id: media_id.to_owned(),
                        mime_type: str_at(part, &["mime_type"]).map(str::to_owned),
                        file_name: str_at(part, &["filename"]).map(str::to_owned),
                        voice: part.get("voice").and_then(Value::as_bool).unwrap_or(false),
                    });
                }
                None => {
                    content_type = "unsupported".into();
                    extra = Some(MessageExtra::Unsupported {
                        message_type: kind.to_owned(),
                    });
                }
            }
        }
        "location" => {
            let loc = &message["location"];
            let latitude = loc
                .get("latitude")
                .and_then(Value::as_f64)
                .unwrap_or_default();
            let longitude = loc
                .get("longitude")
                .and_then(Value::as_f64)
                .unwrap_or_default();
            let name = str_at(loc, &["name"]).map(str::to_owned);
            let address = str_at(loc, &["address"]).map(str::to_owned);
            body = [name.clone(), address.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n");
            if body.is_empty() {
                body = format!("{latitude}, {longitude}");
            }
            extra = Some(MessageExtra::Location {
                latitude,
                longitude,
                name,
                address,
            });
        }
        "contacts" => {
            let cards = message["contacts"].as_array().cloned().unwrap_or_default();
            body = cards
                .iter()
                .map(|card| {
                    let name = str_at(card, &["name", "formatted_name"]).unwrap_or_default();
                    let phones: Vec<&str> = card["phones"]
                        .as_array()
                        .map(|p| p.iter().filter_map(|p| str_at(p, &["phone"])).collect())
                        .unwrap_or_default();
                    let emails: Vec<&str> = card["emails"]
                        .as_array()
                        .map(|e| e.iter().filter_map(|e| str_at(e, &["email"])).collect())
                        .unwrap_or_default();
                    let details: Vec<&str> = phones.into_iter().chain(emails).collect();
                    if details.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{name}: {}", details.join(", "))
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
        }
        "reaction" => {
            let emoji = str_at(message, &["reaction", "emoji"])
                .unwrap_or_default()
                .to_owned();
            body = emoji.clone();
            extra = Some(MessageExtra::Reaction {
                emoji,
                to_external_id: str_at(message, &["reaction", "message_id"])
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
        "button" => {
            body = str_at(message, &["button", "text"])
                .or_else(|| str_at(message, &["button", "payload"]))
                .unwrap_or_default()
                .to_owned();
        }
        "interactive" => {
            let reply = &message["interactive"];
            let title = str_at(reply, &["button_reply", "title"])
                .or_else(|| str_at(reply, &["list_reply", "title"]))
                .map(str::to_owned)
                .or_else(|| flow_answers(reply));
            match title {
                Some(title) => {
                    body = title;
                    if let Some(description) = str_at(reply, &["list_reply", "description"]) {
                        body.push_str(&format!("\n{description}"));
                    }
                }
                None => {
                    content_type = "unsupported".into();
                    extra = Some(MessageExtra::Unsupported {
                        message_type: format!(
                            "interactive/{}",
                            str_at(reply, &["type"]).unwrap_or("unknown")
                        ),
                    });
                }
            }
        }
        "order" => body = order_lines(&message["order"]),
        "system" => {
            // Number and id changes are handled before anything is stored; any other
            // notice is Meta's words, not hers: kept, marked as such.
            body = str_at(message, &["system", "body"])
                .unwrap_or_default()
                .to_owned();
            content_type = "unsupported".into();
            extra = Some(MessageExtra::Unsupported {
                message_type: format!(
                    "system/{}",
                    str_at(message, &["system", "type"]).unwrap_or("unknown")
                )
                .chars()
                .take(60)
                .collect(),
            });
        }
        other => {
            content_type = "unsupported".into();
            extra = Some(MessageExtra::Unsupported {
                message_type: other.chars().take(40).collect(),
            });
        }
    }
    if extra.is_none() {
        extra = referral(message);
    }
    Content {
        body,
        content_type,
        extra,
        media,
    }
}

/// A WhatsApp Flow's answers (`nfm_reply.response_json`, a JSON string) as
/// "field: value" lines in the flow's order, without the flow's own token; its `body`
/// when unreadable.
fn flow_answers(reply: &Value) -> Option<String> {
    let nfm = reply.get("nfm_reply")?;
    let answers = str_at(nfm, &["response_json"])
        .and_then(|json| serde_json::from_str::<InOrder>(json).ok())
        .map(|InOrder(fields)| {
            fields
                .iter()
                .filter(|(key, _)| key.as_str() != "flow_token")
                .map(|(key, value)| match value {
                    Value::String(text) => format!("{key}: {text}"),
                    other => format!("{key}: {other}"),
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|lines| !lines.is_empty());
    answers.or_else(|| str_at(nfm, &["body"]).map(str::to_owned))
}

/// A JSON object's fields in the order written (`serde_json`'s map sorts them).
struct InOrder(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for InOrder {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = InOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<InOrder, A::Error> {
                let mut fields = Vec::new();
                while let Some(field) = map.next_entry::<String, Value>()? {
                    fields.push(field);
                }
                Ok(InOrder(fields))
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

/// A cart sent from the catalogue: its note, then one line per product.
fn order_lines(order: &Value) -> String {
    let items = order["product_items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let lines = items.iter().map(|item| {
        let quantity = scalar(&item["quantity"]).unwrap_or_else(|| "1".into());
        let product = str_at(item, &["product_retailer_id"]).unwrap_or("?");
        match (scalar(&item["item_price"]), str_at(item, &["currency"])) {
            (Some(price), Some(currency)) => format!("{quantity} × {product} ({price} {currency})"),
            (Some(price), None) => format!("{quantity} × {product} ({price})"),
            _ => format!("{quantity} × {product}"),
        }
    });
    str_at(order, &["text"])
        .map(str::to_owned)
        .into_iter()
        .chain(lines)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Meta sends numbers in orders sometimes as strings, sometimes as numbers.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The ad or post a customer tapped to start writing (click-to-WhatsApp).
fn referral(message: &Value) -> Option<MessageExtra> {
    let referral = message.get("referral")?;
    let source_url = str_at(referral, &["source_url"])?.to_owned();
    Some(MessageExtra::Referral {
        source_url,
        source_type: str_at(referral, &["source_type"])
            .unwrap_or("ad")
            .chars()
            .take(20)
            .collect(),
        headline: str_at(referral, &["headline"]).map(|h| h.chars().take(200).collect()),
    })
}

/// The text at `path` inside `value`.
pub(super) fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut v = value;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str()
}
