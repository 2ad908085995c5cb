//! Charla's types in Chatwoot's shapes. Pure functions: the reads that feed them are
//! in the sibling modules.
use serde_json::{json, Value};

use crate::agents::model::AgentProfile;
use crate::chatwoot::model as cw;
use crate::contacts::model::ContactRow;
use crate::conversations::model::{
    AttachmentKind, AttachmentView, ConversationSummary, MessageView,
};
use crate::domain::{ChannelKind, ConversationStatus, DeliveryStatus, MessageDirection, Priority};
use crate::inboxes::model::InboxView;

/// Unix seconds from Charla's milliseconds.
pub fn secs(ms: i64) -> i64 {
    ms.div_euclid(1000)
}

pub fn channel_type(channel: ChannelKind) -> &'static str {
    match channel {
        ChannelKind::WebChat => "Channel::WebWidget",
        ChannelKind::WhatsApp => "Channel::Whatsapp",
        ChannelKind::Email => "Channel::Email",
        ChannelKind::Api => "Channel::Api",
    }
}

fn provider(channel: ChannelKind) -> Option<&'static str> {
    match channel {
        ChannelKind::WhatsApp => Some("whatsapp_cloud"),
        _ => None,
    }
}

pub fn role(profile: &AgentProfile) -> &'static str {
    profile.role.as_str()
}

pub fn agent(profile: &AgentProfile) -> cw::Agent {
    cw::Agent {
        id: profile.id,
        account_id: profile.account_id,
        availability_status: profile.availability.as_str(),
        auto_offline: true,
        confirmed: true,
        email: profile.email.clone(),
        provider: "email",
        available_name: profile.shown_name().to_owned(),
        name: profile.name.clone(),
        role: role(profile),
        thumbnail: String::new(),
    }
}

pub fn inbox(
    view: &InboxView,
    auto_assign: bool,
    address: Option<String>,
    traits: super::inbox_traits::InboxTraits,
) -> cw::Inbox {
    let (phone_number, email) = match view.channel {
        ChannelKind::WhatsApp => (address, None),
        ChannelKind::Email => (None, address),
        ChannelKind::WebChat | ChannelKind::Api => (None, None),
    };
    cw::Inbox {
        id: view.id,
        avatar_url: String::new(),
        channel_id: view.id,
        name: view.name.clone(),
        channel_type: channel_type(view.channel),
        greeting_enabled: traits.greeting.is_some(),
        greeting_message: traits.greeting,
        working_hours_enabled: traits.working_hours_enabled,
        working_hours: traits.working_hours,
        enable_email_collect: traits.enable_email_collect,
        csat_survey_enabled: traits.csat_survey_enabled,
        enable_auto_assignment: auto_assign,
        allow_messages_after_resolved: true,
        lock_to_single_conversation: false,
        timezone: traits.timezone,
        out_of_office_message: traits.out_of_office_message,
        reply_time: traits.reply_time,
        website_token: view
            .web_token
            .clone()
            .filter(|_| view.channel == ChannelKind::WebChat),
        phone_number,
        email,
        provider: provider(view.channel),
        inbox_identifier: view
            .web_token
            .clone()
            .filter(|_| view.channel == ChannelKind::Api),
        webhook_url: None,
    }
}

pub fn inbox_slim(view: &InboxView) -> cw::InboxSlim {
    cw::InboxSlim {
        id: view.id,
        avatar_url: String::new(),
        channel_id: view.id,
        name: view.name.clone(),
        channel_type: channel_type(view.channel),
        provider: provider(view.channel),
    }
}

pub fn team(team: &crate::teams::model::Team, account_id: i64, me: i64) -> cw::Team {
    cw::Team {
        id: team.id,
        name: team.name.clone(),
        description: team.description.clone(),
        allow_auto_assign: true,
        account_id,
        is_member: team.member_ids.contains(&me),
    }
}

pub fn label(label: &crate::labels::model::Label) -> cw::Label {
    cw::Label {
        id: label.id,
        title: label.name.clone(),
        description: label.description.clone(),
        color: label.color.clone(),
        show_on_sidebar: true,
    }
}

pub fn contact(row: &ContactRow) -> cw::Contact {
    cw::Contact {
        id: row.id,
        name: row.name.clone(),
        email: row.email.clone(),
        phone_number: row.phone.clone(),
        identifier: row.identifier.clone(),
        thumbnail: String::new(),
        availability_status: "offline",
        blocked: row.blocked,
        additional_attributes: json!({ "company_name": row.company.clone().unwrap_or_default() }),
        custom_attributes: serde_json::Value::Object(row.custom_attributes.clone()),
        last_activity_at: secs(row.last_activity_at),
        created_at: secs(row.created_at),
        kind: "contact",
        contact_inboxes: None,
    }
}

pub fn status(status: ConversationStatus) -> &'static str {
    status.as_str()
}

pub fn priority(priority: Priority) -> Option<&'static str> {
    (priority != Priority::None).then(|| priority.as_str())
}

fn message_type(direction: MessageDirection) -> i64 {
    match direction {
        MessageDirection::Incoming => 0,
        MessageDirection::Outgoing => 1,
        MessageDirection::Activity => 2,
    }
}

/// Chatwoot's message status: a message is "sent" from the moment it is stored.
fn message_status(status: Option<DeliveryStatus>) -> &'static str {
    match status {
        Some(DeliveryStatus::Delivered) => "delivered",
        Some(DeliveryStatus::Read) => "read",
        Some(DeliveryStatus::Failed) => "failed",
        _ => "sent",
    }
}

fn file_type(file: &AttachmentView) -> &'static str {
    match file.kind() {
        AttachmentKind::Image => "image",
        AttachmentKind::Audio => "audio",
        AttachmentKind::Video => "video",
        AttachmentKind::File => "file",
    }
}

/// Where a message's pieces come from besides the message itself.
pub struct MessageContext<'a> {
    pub account_id: i64,
    pub display_id: i64,
    /// The address files are served from (`https://charla.example`), for `data_url`.
    pub base_url: &'a str,
    pub contact: &'a cw::Contact,
    pub agents: &'a [AgentProfile],
    /// The push form (inside a conversation) names the sender's type and id.
    pub with_sender_ids: bool,
}

/// A message of `conversation` (already shaped) as the caller's API shows it.
pub fn message_in(
    view: &MessageView,
    conversation: &cw::Conversation,
    caller: &super::Caller<'_>,
    agents: &[AgentProfile],
    with_sender_ids: bool,
) -> cw::Message {
    message(
        view,
        &MessageContext {
            account_id: caller.agent.account_id,
            display_id: conversation.id,
            base_url: caller.base_url,
            contact: &conversation.meta.sender,
            agents,
            with_sender_ids,
        },
    )
}

pub fn message(view: &MessageView, cx: &MessageContext<'_>) -> cw::Message {
    use crate::conversations::model::SenderKind;
    let sender = match view.sender_kind {
        SenderKind::Agent => {
            let found = view
                .sender_id
                .and_then(|id| cx.agents.iter().find(|a| a.id == id));
            Some(cw::Sender::User(cw::UserSender {
                id: view.sender_id.unwrap_or(0),
                name: found.map_or_else(
                    || view.sender_name.clone().unwrap_or_default(),
                    |a| a.name.clone(),
                ),
                available_name: found.map_or_else(
                    || view.sender_name.clone().unwrap_or_default(),
                    |a| a.shown_name().to_owned(),
                ),
                avatar_url: String::new(),
                kind: "user",
                availability_status: found.map_or("offline", |a| a.availability.as_str()),
                thumbnail: String::new(),
            }))
        }
        SenderKind::Contact => Some(cw::Sender::Contact(Box::new(cx.contact.clone()))),
        SenderKind::Bot => Some(cw::Sender::Bot(cw::BotSender {
            id: view.sender_id.unwrap_or(0),
            name: view.sender_name.clone().unwrap_or_default(),
            avatar_url: String::new(),
            kind: "agent_bot",
        })),
        SenderKind::System => None,
    };
    let sender_type = match view.sender_kind {
        SenderKind::Agent => Some("User"),
        SenderKind::Contact => Some("Contact"),
        SenderKind::Bot => Some("AgentBot"),
        SenderKind::System => None,
    };
    let mut attributes = json!({});
    if let Some(error) = &view.delivery_error {
        attributes["external_error"] = Value::String(error.clone());
    }
    if let Some(quoted) = &view.reply_to {
        attributes["in_reply_to"] = json!(quoted.id);
    }
    // A survey card is Chatwoot's `input_csat`, with the answer where its clients read it.
    let (mut content_type, mut kind) = ("text", message_type(view.direction));
    if let Some(crate::conversations::model::MessageExtra::Survey { rating, comment }) = &view.extra
    {
        // Chatwoot sends its survey as a template message (3).
        (content_type, kind) = ("input_csat", 3);
        if let Some(rating) = rating {
            attributes["submitted_values"] = json!({"csat_survey_response": {
                "rating": rating,
                "feedback_message": comment.clone().unwrap_or_default(),
            }});
        }
    }
    cw::Message {
        id: view.id,
        content: (!view.body.is_empty() || view.attachments.is_empty()).then(|| view.body.clone()),
        inbox_id: view.inbox_id,
        conversation_id: cx.display_id,
        message_type: kind,
        content_type,
        status: message_status(view.delivery_status),
        content_attributes: attributes,
        created_at: secs(view.created_at),
        private: view.private,
        source_id: None,
        sender,
        sender_type: sender_type.filter(|_| cx.with_sender_ids),
        sender_id: view.sender_id.filter(|_| cx.with_sender_ids),
        attachments: view
            .attachments
            .iter()
            .map(|file| {
                let url = format!("{}{}", cx.base_url, file.url());
                cw::Attachment {
                    id: file.id,
                    message_id: view.id,
                    file_type: file_type(file),
                    account_id: cx.account_id,
                    extension: file
                        .file_name
                        .rsplit_once('.')
                        .map(|(_, ext)| ext.to_lowercase()),
                    data_url: url.clone(),
                    thumb_url: url,
                    file_size: file.byte_size,
                    file_name: file.file_name.clone(),
                }
            })
            .collect(),
    }
}

/// Everything a conversation's shape needs beyond its list row.
pub struct ConversationParts<'a> {
    pub account_id: i64,
    pub contact: cw::Contact,
    pub assignee: Option<&'a AgentProfile>,
    pub team: Option<cw::Team>,
    pub labels: Vec<String>,
    pub last: Option<cw::Message>,
    pub custom_attributes: crate::attributes::model::AttributeValues,
    pub moments: super::moments::Moments,
}

/// A stable UUID-shaped name of a conversation (Chatwoot's clients keep `uuid`): the
/// same in the Application API, the Client API and webhooks.
pub fn uuid_of(id: i64) -> String {
    format!("00000000-0000-4000-8000-{:012x}", id & 0xffff_ffff_ffff)
}

pub fn conversation(row: &ConversationSummary, parts: ConversationParts<'_>) -> cw::Conversation {
    let moments = parts.moments;
    cw::Conversation {
        meta: cw::ConversationMeta {
            sender: parts.contact,
            channel: channel_type(row.channel),
            assignee: parts.assignee.map(agent),
            team: parts.team,
            hmac_verified: false,
        },
        id: row.display_id,
        uuid: uuid_of(row.id),
        messages: parts.last.clone().into_iter().collect(),
        last_non_activity_message: parts.last,
        account_id: parts.account_id,
        inbox_id: row.inbox_id,
        status: status(row.status),
        priority: priority(row.priority),
        labels: parts.labels,
        unread_count: row.unread_count,
        can_reply: row.channel != ChannelKind::WhatsApp
            || crate::domain::whatsapp::Window::at(
                row.last_customer_message_at,
                crate::db::now_ms(),
            )
            .is_open(),
        muted: row.muted,
        snoozed_until: row.snoozed_until.map(secs),
        additional_attributes: json!({}),
        custom_attributes: serde_json::Value::Object(parts.custom_attributes),
        agent_last_seen_at: moments.agent_seen.map_or(0, secs),
        assignee_last_seen_at: moments.assignee_seen.map_or(0, secs),
        contact_last_seen_at: moments.contact_seen.map_or(0, secs),
        first_reply_created_at: moments.first_reply.map_or(0, secs),
        waiting_since: row.waiting_since.map_or(0, secs),
        created_at: secs(row.created_at),
        updated_at: moments.updated as f64 / 1000.0,
        sla_policy_id: None,
        timestamp: secs(row.last_activity_at),
        last_activity_at: secs(row.last_activity_at),
    }
}
