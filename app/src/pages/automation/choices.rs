//! What the rule and macro forms' pickers offer: the account's inboxes, agents, teams,
//! labels and canned responses.
use crate::agents::list_team;
use crate::automation::macros::list_action_templates;
use crate::canned::list_canned;
use crate::error::AppError;
use crate::inboxes::my_inboxes;
use crate::labels::list_labels;
use crate::teams::list_teams;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Choices {
    pub inboxes: Vec<(i64, String)>,
    pub agents: Vec<(i64, String)>,
    pub teams: Vec<(i64, String)>,
    pub labels: Vec<String>,
    /// `(short code, text)`: a message or note can start from one.
    pub canned: Vec<(String, String)>,
    /// WhatsApp templates, `(name, language)`.
    pub templates: Vec<(String, String)>,
}

pub async fn load() -> Result<Choices, AppError> {
    Ok(Choices {
        inboxes: my_inboxes()
            .await?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect(),
        agents: list_team()
            .await?
            .into_iter()
            .map(|a| (a.id, a.shown_name().to_owned()))
            .collect(),
        teams: list_teams()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect(),
        labels: list_labels().await?.into_iter().map(|l| l.name).collect(),
        canned: list_canned()
            .await?
            .into_iter()
            .map(|c| (c.short_code, c.content))
            .collect(),
        templates: list_action_templates().await?,
    })
}
