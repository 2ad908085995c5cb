//! What a message carries besides its body (`messages.content_attributes`), and the
//! twin serde reads it through.
use serde::{Deserialize, Serialize};

/// What a message carries besides its body.
// Decoded by `crate::tag_first` (its twin is `MessageExtraTwin` below); stored as this
// JSON in `messages.content_attributes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageExtra {
    /// Activity in an older conversation: the thread goes on in a newer one (S12).
    ContinuedIn {
        conversation_id: i64,
        display_id: i64,
    },
    /// An email that named another contact's conversation in its In-Reply-To or
    /// References: kept out of it (anyone can write those headers), said here.
    ThreadRefused { display_id: i64 },
    /// A customer's email larger than the configured limit: not downloaded, only its
    /// headers read (the message's body is its subject), so the agents know it came.
    MailRefused { byte_size: u64, limit_bytes: u64 },
    /// Activity after a customer's email: its files that were not kept (a program, a
    /// disguised or unaccepted type, over the size limit), each with its reason.
    FilesRefused {
        files: Vec<crate::domain::attachment::FileRefusal>,
    },
    /// A WhatsApp template send; `body` holds the rendered text.
    Template {
        name: String,
        language: String,
        /// The body's values.
        params: Vec<String>,
        #[serde(default)]
        header_params: Vec<String>,
        /// (button index, URL suffix).
        #[serde(default)]
        button_params: Vec<(usize, String)>,
        /// The variables' names, for a NAMED template (sent as `parameter_name`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        param_names: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        header_param_names: Vec<String>,
        /// The header's file, which is the message's attachment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        header_media: Option<crate::domain::template::HeaderMedia>,
    },
    /// An email's subject line; for a customer's email also the quoted earlier text
    /// trimmed from `body`, and its HTML (sanitised on arrival).
    Email {
        subject: String,
        #[serde(default)]
        quoted: Option<String>,
        #[serde(default)]
        html: Option<String>,
    },
    /// A shared location (WhatsApp).
    Location {
        latitude: f64,
        longitude: f64,
        name: Option<String>,
        address: Option<String>,
    },
    /// A reaction to an earlier message (empty `emoji`: the reaction was removed).
    Reaction {
        emoji: String,
        to_external_id: String,
    },
    /// A message type the channel sent that Charla cannot show; kept, never dropped.
    Unsupported { message_type: String },
    /// The customer's file is still being fetched from her channel (WhatsApp's media
    /// arrive after the webhook has been answered): it joins the message when it comes.
    FileComing,
    /// The customer's WhatsApp number changed from `from` to `to` (E.164).
    NumberChanged { from: String, to: String },
    /// The customer came from an ad or a post (WhatsApp click-to-chat): where it is.
    Referral {
        source_url: String,
        source_type: String,
        headline: Option<String>,
    },
    /// A change of hands: to `assignee` (`None`: unassigned), by the agent named in
    /// `by` or by automatic assignment (`by: None`). Names as they were then.
    Assigned {
        assignee: Option<String>,
        by: Option<String>,
    },
    /// Into a team's queue (`None`: out of its team's), by the agent named in `by`.
    TeamChanged {
        team: Option<String>,
        by: Option<String>,
    },
    /// Out of an agent bot's hands into the team's queue: by the bot named in `by`, or
    /// (`None`) because the customer asked for a person.
    HandedOff { by: Option<String> },
    /// The customer wrote outside the inbox's business hours and got its
    /// out-of-office reply (the message just before).
    OutOfOffice,
    /// The satisfaction survey sent when the conversation was resolved (`input_csat`),
    /// and the customer's answer once she gives it. Its link's token is not here: agents
    /// receive this, and the token is the customer's alone (`csat_surveys`).
    Survey {
        #[serde(default)]
        rating: Option<u8>,
        #[serde(default)]
        comment: Option<String>,
    },
    /// The customer rated the conversation (1-5), with her comment.
    SurveyAnswered { rating: u8, comment: String },
    /// Replies a website visitor had not read were mailed to her at `address`.
    MailedToVisitor { address: String },
    /// An automation rule acted on the conversation (Chatwoot's action names).
    AutomationRan { rule: String, actions: Vec<String> },
    /// An agent ran a macro on the conversation (Chatwoot's action names).
    MacroRan {
        name: String,
        by: String,
        actions: Vec<String>,
    },
    /// The agent named in `by` muted the conversation (blocked its customer), or
    /// (`muted: false`) unmuted it.
    Muted { muted: bool, by: String },
}

// Never built: it only gives serde the enum's shape.
#[allow(clippy::large_enum_variant)]
#[derive(Deserialize)]
#[serde(remote = "MessageExtra", rename_all = "snake_case")]
enum MessageExtraTwin {
    ContinuedIn {
        conversation_id: i64,
        display_id: i64,
    },
    ThreadRefused {
        display_id: i64,
    },
    MailRefused {
        byte_size: u64,
        limit_bytes: u64,
    },
    FilesRefused {
        files: Vec<crate::domain::attachment::FileRefusal>,
    },
    Template {
        name: String,
        language: String,
        params: Vec<String>,
        #[serde(default)]
        header_params: Vec<String>,
        #[serde(default)]
        button_params: Vec<(usize, String)>,
        #[serde(default)]
        param_names: Vec<String>,
        #[serde(default)]
        header_param_names: Vec<String>,
        #[serde(default)]
        header_media: Option<crate::domain::template::HeaderMedia>,
    },
    Email {
        subject: String,
        #[serde(default)]
        quoted: Option<String>,
        #[serde(default)]
        html: Option<String>,
    },
    Location {
        latitude: f64,
        longitude: f64,
        name: Option<String>,
        address: Option<String>,
    },
    Reaction {
        emoji: String,
        to_external_id: String,
    },
    Unsupported {
        message_type: String,
    },
    FileComing,
    NumberChanged {
        from: String,
        to: String,
    },
    Referral {
        source_url: String,
        source_type: String,
        headline: Option<String>,
    },
    Assigned {
        assignee: Option<String>,
        by: Option<String>,
    },
    TeamChanged {
        team: Option<String>,
        by: Option<String>,
    },
    HandedOff {
        by: Option<String>,
    },
    OutOfOffice,
    Survey {
        #[serde(default)]
        rating: Option<u8>,
        #[serde(default)]
        comment: Option<String>,
    },
    SurveyAnswered {
        rating: u8,
        comment: String,
    },
    MailedToVisitor {
        address: String,
    },
    AutomationRan {
        rule: String,
        actions: Vec<String>,
    },
    MacroRan {
        name: String,
        by: String,
        actions: Vec<String>,
    },
    Muted {
        muted: bool,
        by: String,
    },
}

impl crate::tag_first::TagFirst for MessageExtra {
    const TAG: &'static str = "kind";
    fn from_variant<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        MessageExtraTwin::deserialize(d)
    }
}
crate::tag_first::tag_first_deserialize!(MessageExtra);
