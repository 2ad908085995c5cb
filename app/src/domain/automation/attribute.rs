//! What a condition looks at and how it compares, by the keys Chatwoot uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    Content,
    MailSubject,
    InboxId,
    Channel,
    Email,
    Labels,
    Priority,
    Status,
    AssigneeId,
    TeamId,
    BusinessHours,
    CountryCode,
    MessageType,
}

impl Attribute {
    pub const ALL: [Attribute; 13] = [
        Attribute::Content,
        Attribute::MailSubject,
        Attribute::InboxId,
        Attribute::Channel,
        Attribute::Email,
        Attribute::Labels,
        Attribute::Priority,
        Attribute::Status,
        Attribute::AssigneeId,
        Attribute::TeamId,
        Attribute::BusinessHours,
        Attribute::CountryCode,
        Attribute::MessageType,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Attribute::Content => "content",
            Attribute::MailSubject => "mail_subject",
            Attribute::InboxId => "inbox_id",
            Attribute::Channel => "channel",
            Attribute::Email => "email",
            Attribute::Labels => "labels",
            Attribute::Priority => "priority",
            Attribute::Status => "status",
            Attribute::AssigneeId => "assignee_id",
            Attribute::TeamId => "team_id",
            Attribute::BusinessHours => "business_hours",
            Attribute::CountryCode => "country_code",
            Attribute::MessageType => "message_type",
        }
    }

    pub fn parse(key: &str) -> Option<Attribute> {
        Attribute::ALL.into_iter().find(|a| a.key() == key)
    }

    /// The operators that make sense for it.
    pub fn operators(self) -> &'static [Operator] {
        use Operator::*;
        match self {
            Attribute::Content | Attribute::MailSubject | Attribute::Email => &[
                EqualTo,
                NotEqualTo,
                Contains,
                DoesNotContain,
                StartsWith,
                IsPresent,
                IsNotPresent,
            ],
            Attribute::AssigneeId | Attribute::TeamId | Attribute::Labels => {
                &[EqualTo, NotEqualTo, IsPresent, IsNotPresent]
            }
            _ => &[EqualTo, NotEqualTo],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    EqualTo,
    NotEqualTo,
    Contains,
    DoesNotContain,
    StartsWith,
    IsPresent,
    IsNotPresent,
}

impl Operator {
    pub const ALL: [Operator; 7] = [
        Operator::EqualTo,
        Operator::NotEqualTo,
        Operator::Contains,
        Operator::DoesNotContain,
        Operator::StartsWith,
        Operator::IsPresent,
        Operator::IsNotPresent,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Operator::EqualTo => "equal_to",
            Operator::NotEqualTo => "not_equal_to",
            Operator::Contains => "contains",
            Operator::DoesNotContain => "does_not_contain",
            Operator::StartsWith => "starts_with",
            Operator::IsPresent => "is_present",
            Operator::IsNotPresent => "is_not_present",
        }
    }

    pub fn parse(key: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|o| o.key() == key)
    }

    pub fn needs_values(self) -> bool {
        !matches!(self, Operator::IsPresent | Operator::IsNotPresent)
    }
}
