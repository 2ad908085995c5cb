//! `PUT /api/v1/profile`: the caller changes her own name, display name, signature and
//! availability under Mi perfil's rules (a refused value changes nothing). A password is
//! changed in Mi perfil, where the current one is asked and her other sessions end; a
//! token never changes it.
use serde_json::Value;

use super::body::{field, fields};
use super::Caller;
use crate::agents::AgentProfile;
use crate::chatwoot::model as cw;
use crate::domain::Availability;
use crate::error::AppError;

pub async fn update(caller: &Caller<'_>, body: &Value) -> Result<cw::Profile, AppError> {
    let fields = fields(body, "profile")?;
    for key in ["password", "current_password", "password_confirmation"] {
        if fields.get(key).is_some_and(|v| !v.is_null()) {
            return Err(AppError::validation("password", "not_through_the_api"));
        }
    }
    let availability = match field::<String>(fields, "availability")?
        .or(field::<String>(fields, "availability_status")?)
        .as_deref()
    {
        None => None,
        Some("available") => Some(Availability::Online),
        Some(text) => Some(
            Availability::parse(text)
                .ok_or_else(|| AppError::validation("availability", "invalid"))?,
        ),
    };
    let agent = caller.agent;
    let mut view = crate::agents::profile::ssr::get(caller.db(), agent.id).await?;
    if let Some(name) = field::<String>(fields, "name")? {
        view.name = name;
    }
    if let Some(display_name) = field::<String>(fields, "display_name")? {
        view.display_name = display_name;
    }
    if let Some(signature) = field::<String>(fields, "message_signature")? {
        view.signature = signature;
    }
    crate::agents::profile::ssr::save(caller.db(), agent.id, &view).await?;
    let mut now = AgentProfile {
        name: view.name.trim().to_owned(),
        display_name: Some(view.display_name.trim().to_owned()).filter(|d| !d.is_empty()),
        ..agent.clone()
    };
    if let Some(availability) = availability {
        crate::agents::ssr::set_availability(caller.db(), &caller.state.hub, agent, availability)
            .await?;
        now.availability = availability;
    }
    let caller = Caller {
        agent: &now,
        ..*caller
    };
    super::account::profile(&caller).await
}
