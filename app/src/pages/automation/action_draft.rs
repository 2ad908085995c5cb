//! An action row while it is being written (a rule's or a macro's): which actions a
//! form offers, what each one's parameter is, and Chatwoot's shape to save.
use serde_json::Value;

use crate::domain::automation::ActionInput;

pub(super) fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// What an action's one parameter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    None,
    Agent,
    Team,
    Label,
    Priority,
    Text,
    /// A web address (a rule's webhook).
    Url,
    /// A teammate and a message (a rule's email).
    Mail,
    /// A WhatsApp template and its variables' values.
    Template,
}

/// The actions a macro may hold, with their parameter (a rule's are these and
/// [`RULE_ONLY_ACTIONS`]).
pub const ACTIONS: [(&str, Param); 14] = [
    ("assign_agent", Param::Agent),
    ("assign_team", Param::Team),
    ("add_label", Param::Label),
    ("remove_label", Param::Label),
    ("change_priority", Param::Priority),
    ("send_message", Param::Text),
    ("add_private_note", Param::Text),
    ("send_template", Param::Template),
    ("remove_assigned_agent", Param::None),
    ("remove_assigned_team", Param::None),
    ("snooze_conversation", Param::None),
    ("resolve_conversation", Param::None),
    ("open_conversation", Param::None),
    ("mute_conversation", Param::None),
];

/// What only a rule does: reach other software and mail teammates.
pub const RULE_ONLY_ACTIONS: [(&str, Param); 2] = [
    ("send_webhook_event", Param::Url),
    ("send_email_to_team", Param::Mail),
];

pub fn param_of(action: &str) -> Param {
    ACTIONS
        .iter()
        .chain(RULE_ONLY_ACTIONS.iter())
        .find(|(name, _)| *name == action)
        .map_or(Param::Text, |(_, p)| *p)
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionDraft {
    pub key: u32,
    pub name: String,
    pub params: Vec<Value>,
}

impl ActionDraft {
    pub fn new(key: u32) -> Self {
        ActionDraft {
            key,
            name: ACTIONS[0].0.to_owned(),
            params: Vec::new(),
        }
    }

    pub fn param(&self) -> String {
        self.params.first().map(text).unwrap_or_default()
    }

    fn mail_spec(&self) -> serde_json::Map<String, Value> {
        self.params
            .first()
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }

    /// The teammate an email goes to (the first named).
    pub fn mail_agent(&self) -> String {
        let spec = self.mail_spec();
        let first = spec
            .get("agent_ids")
            .and_then(Value::as_array)
            .and_then(|ids| ids.first().cloned());
        first.as_ref().map(text).unwrap_or_default()
    }

    pub fn mail_message(&self) -> String {
        self.mail_spec()
            .get("message")
            .map(text)
            .unwrap_or_default()
    }

    /// Changes the email's teammate or message (Chatwoot's
    /// `[{"agent_ids": [..], "team_ids": [..], "message": ".."}]`), keeping the rest.
    pub fn set_mail(&mut self, agent: Option<String>, message: Option<String>) {
        let mut spec = self.mail_spec();
        if let Some(agent) = agent {
            let ids = agent
                .parse::<i64>()
                .map(|id| vec![Value::from(id)])
                .unwrap_or_default();
            spec.insert("agent_ids".into(), Value::Array(ids));
        }
        if let Some(message) = message {
            spec.insert("message".into(), Value::String(message));
        }
        self.params = vec![Value::Object(spec)];
    }

    /// The template as `name|language` (its option's value), and its values one per line.
    pub fn template(&self) -> (String, String) {
        let spec = self.mail_spec();
        let field = |key: &str| spec.get(key).map(text).unwrap_or_default();
        let key = match field("name") {
            name if name.is_empty() => String::new(),
            name => format!("{name}|{}", field("language")),
        };
        let values = spec
            .get("params")
            .and_then(Value::as_array)
            .map(|list| list.iter().map(text).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default();
        (key, values)
    }

    /// Chatwoot-style `[{"name": "…", "language": "…", "params": [...]}]`.
    pub fn set_template(&mut self, key: Option<String>, values: Option<String>) {
        let mut spec = self.mail_spec();
        if let Some(key) = key {
            let (name, language) = key.split_once('|').unwrap_or((&key, ""));
            spec.insert("name".into(), Value::String(name.to_owned()));
            spec.insert("language".into(), Value::String(language.to_owned()));
        }
        if let Some(values) = values {
            // Every line as typed, a last empty one too: the box shows back exactly
            // what it holds (an Enter is not undone); `input` leaves the empty tail out.
            let list = values
                .split('\n')
                .map(|v| Value::String(v.trim_end_matches('\r').to_owned()))
                .collect();
            spec.insert("params".into(), Value::Array(list));
        }
        self.params = vec![Value::Object(spec)];
    }

    pub fn set_param(&mut self, value: String) {
        let value = match param_of(&self.name) {
            // Ids go as numbers, as Chatwoot sends them.
            Param::Agent | Param::Team => value
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or(Value::String(value)),
            _ => Value::String(value),
        };
        match self.params.first_mut() {
            Some(first) => *first = value,
            None => self.params.push(value),
        }
    }

    pub fn of(key: u32, saved: &ActionInput) -> Self {
        ActionDraft {
            key,
            name: saved.action_name.clone(),
            params: saved.action_params.clone(),
        }
    }

    /// Chatwoot's shape; a parameter the action does not take is left out.
    pub fn input(&self) -> ActionInput {
        let mut params = match param_of(&self.name) {
            Param::None => Vec::new(),
            _ => self.params.clone(),
        };
        if param_of(&self.name) == Param::Template {
            if let Some(Value::Array(values)) =
                params.first_mut().and_then(|spec| spec.get_mut("params"))
            {
                while values.last().is_some_and(|v| text(v).is_empty()) {
                    values.pop();
                }
            }
        }
        ActionInput {
            action_name: self.name.clone(),
            action_params: params,
        }
    }

    pub fn set_name(&mut self, name: String) {
        if name != self.name {
            self.name = name;
            self.params.clear();
        }
    }
}

/// A draft that holds action rows: a rule's, or a macro's.
pub trait ActionHost: Send + Sync + 'static {
    fn actions(&self) -> &[ActionDraft];
    fn actions_mut(&mut self) -> &mut Vec<ActionDraft>;
    /// The actions its form offers.
    fn offered() -> Vec<(&'static str, Param)> {
        ACTIONS.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_email_row_keeps_chatwoots_shape() {
        let mut row = ActionDraft::new(1);
        row.set_name("send_email_to_team".into());
        assert_eq!(param_of(&row.name), Param::Mail);
        row.set_mail(Some("7".into()), None);
        row.set_mail(None, Some("Mira esto".into()));
        assert_eq!(
            (row.mail_agent(), row.mail_message()),
            ("7".into(), "Mira esto".into())
        );
        assert_eq!(
            row.input().action_params,
            vec![json!({"agent_ids": [7], "message": "Mira esto"})]
        );
        // Teams named through the API are kept when the form changes the message.
        let mut saved = ActionDraft::of(
            2,
            &ActionInput {
                action_name: "send_email_to_team".into(),
                action_params: vec![json!({"team_ids": [3], "message": "a"})],
            },
        );
        saved.set_mail(None, Some("b".into()));
        assert_eq!(
            saved.input().action_params,
            vec![json!({"team_ids": [3], "message": "b"})]
        );
    }

    #[test]
    fn a_template_row_names_it_and_its_values() {
        let mut row = ActionDraft::new(1);
        row.set_name("send_template".into());
        row.set_template(Some("pedido_listo|es".into()), None);
        // Typed line by line: each Enter stays in the box.
        row.set_template(None, Some("Nerea\n".into()));
        assert_eq!(row.template().1, "Nerea\n");
        row.set_template(None, Some("Nerea\n1234\n".into()));
        assert_eq!(
            row.template(),
            ("pedido_listo|es".into(), "Nerea\n1234\n".into())
        );
        assert_eq!(
            row.input().action_params,
            vec![json!({"name": "pedido_listo", "language": "es", "params": ["Nerea", "1234"]})]
        );
    }

    #[test]
    fn only_a_rule_offers_webhooks_and_email() {
        struct Bare;
        impl ActionHost for Bare {
            fn actions(&self) -> &[ActionDraft] {
                &[]
            }
            fn actions_mut(&mut self) -> &mut Vec<ActionDraft> {
                unreachable!()
            }
        }
        let offered =
            |list: Vec<(&str, Param)>| list.iter().any(|(n, _)| *n == "send_webhook_event");
        assert!(!offered(Bare::offered()));
        assert!(offered(super::super::draft::RuleDraft::offered()));
        assert_eq!(param_of("send_webhook_event"), Param::Url);
    }
}
