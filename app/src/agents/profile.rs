//! Mi perfil: what an agent changes about themselves. A password change needs the
//! current password and ends every other session of the agent.
use crate::error::AppError;
use crate::wire::Json;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub name: String,
    pub display_name: String,
    /// An `https://` image address (uploaded avatars come with attachment storage).
    pub avatar_url: String,
    /// Appended to email replies.
    pub signature: String,
    /// `es` or `en`; empty follows the browser.
    pub locale: String,
}

pub const SIGNATURE_MAX_CHARS: usize = 1000;

impl ProfileView {
    /// The rules shared by the form and the server; the first failure.
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(("name", "required"));
        }
        if name.chars().count() > 120 || self.display_name.trim().chars().count() > 120 {
            return Err(("name", "too_long"));
        }
        let avatar = self.avatar_url.trim();
        if !avatar.is_empty()
            && (!avatar.starts_with("https://")
                || avatar.len() > 500
                || avatar.contains(char::is_whitespace))
        {
            return Err(("avatar_url", "invalid"));
        }
        if self.signature.chars().count() > SIGNATURE_MAX_CHARS {
            return Err(("signature", "too_long"));
        }
        if !["", "es", "en"].contains(&self.locale.as_str()) {
            return Err(("locale", "invalid"));
        }
        Ok(())
    }
}

#[server(endpoint = "profile/get", input = Json, output = Json)]
pub async fn get_profile() -> Result<ProfileView, AppError> {
    crate::error::with_status(
        async move {
            let session = crate::state::current_session()?;
            let state = crate::state::app_state()?;
            ssr::get(&state.db, session.agent.id).await
        }
        .await,
    )
}

#[server(endpoint = "profile/save", input = Json, output = Json)]
pub async fn save_profile(profile: ProfileView) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let session = crate::state::current_session()?;
            let state = crate::state::app_state()?;
            ssr::save(&state.db, session.agent.id, &profile).await
        }
        .await,
    )
}

#[server(endpoint = "profile/password", input = Json, output = Json)]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let session = crate::state::current_session()?;
            let state = crate::state::app_state()?;
            let limits = state.settings.sign_in;
            ssr::change_password(&state.db, &state.hub, &limits, &session, &current, &new).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use sqlx::Row;

    use super::ProfileView;
    use crate::auth::model::Session;
    use crate::db::{now_ms, Db};
    use crate::domain::check_password;
    use crate::error::AppError;
    use crate::secrets::password::{hash_password, verify_password};

    pub async fn get(db: &Db, agent_id: i64) -> Result<ProfileView, AppError> {
        let row = sqlx::query(
            "SELECT name, display_name, avatar_url, signature, locale FROM agents WHERE id = $1",
        )
        .bind(agent_id)
        .fetch_one(&db.pool)
        .await?;
        let text = |column: &str| -> Result<String, sqlx::Error> {
            Ok(row
                .try_get::<Option<String>, _>(column)?
                .unwrap_or_default())
        };
        Ok(ProfileView {
            name: row.try_get("name")?,
            display_name: text("display_name")?,
            avatar_url: text("avatar_url")?,
            signature: text("signature")?,
            locale: text("locale")?,
        })
    }

    pub async fn save(db: &Db, agent_id: i64, profile: &ProfileView) -> Result<(), AppError> {
        profile
            .check()
            .map_err(|(field, code)| AppError::validation(field, code))?;
        let optional = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut tx = db.begin_write().await?;
        sqlx::query(
            "UPDATE agents SET name = $1, display_name = $2, avatar_url = $3, signature = $4, locale = $5, \
             updated_at = $6 WHERE id = $7",
        )
        .bind(profile.name.trim())
        .bind(optional(&profile.display_name))
        .bind(optional(&profile.avatar_url))
        .bind(optional(&profile.signature))
        .bind(optional(&profile.locale))
        .bind(now_ms())
        .bind(agent_id)
        .execute(tx.conn())
        .await?;
        tx.finish().await?;
        Ok(())
    }

    pub async fn change_password(
        db: &Db,
        hub: &crate::live::hub::Hub,
        limits: &crate::auth::model::SignInLimits,
        session: &Session,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        check_password(new).map_err(|code| AppError::validation("new", code))?;
        let (hash, email): (String, String) =
            sqlx::query_as("SELECT password_hash, email FROM agents WHERE id = $1")
                .bind(session.agent.id)
                .fetch_one(&db.pool)
                .await?;
        // A stolen session must not become unlimited guesses at the password: the current
        // password's check counts against the account as a sign-in attempt does.
        let attempt =
            crate::auth::throttle::begin_attempt(db, limits, &email, None, now_ms()).await?;
        let (current, new) = (current.to_owned(), new.to_owned());
        let new_hash = crate::secrets::hashing::run(move || {
            if verify_password(&hash, &current) {
                hash_password(&new).map(Some)
            } else {
                Ok(None)
            }
        })
        .await??
        .ok_or_else(|| AppError::validation("current", "invalid"))?;
        crate::auth::throttle::succeeded(db, &email, attempt).await?;
        let mut tx = db.begin_write().await?;
        sqlx::query("UPDATE agents SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(new_hash)
            .bind(now_ms())
            .bind(session.agent.id)
            .execute(tx.conn())
            .await?;
        // Every other browser signs in again; this one stays signed in.
        sqlx::query("DELETE FROM sessions WHERE agent_id = $1 AND token_hash <> $2")
            .bind(session.agent.id)
            .bind(&session.token_hash)
            .execute(tx.conn())
            .await?;
        // …and their live sockets close, on every replica.
        let except = Some(crate::events::session_tag(&session.token_hash));
        crate::auth::ssr::sessions_ended_in_tx(
            &mut tx,
            session.agent.account_id,
            session.agent.id,
            None,
            except,
        )
        .await?;
        hub.commit(tx).await?;
        Ok(())
    }
}
