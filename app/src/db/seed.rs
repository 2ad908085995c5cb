//! Demo data for a first start: an administrator and two agents, one inbox of each
//! channel, contacts, conversations with messages and WhatsApp templates. Runs only
//! on an empty database, so a real installation is never touched.
use sqlx::Row;

use super::{now_ms, Db};
use crate::error::AppError;
use crate::secrets::password::hash_password;

pub const DEMO_PASSWORD: &str = "charla-demo";

/// (email, name, role) of the demo agents, printed at start-up.
pub const DEMO_AGENTS: &[(&str, &str, &str)] = &[
    ("admin@charla.local", "Ana Administradora", "administrator"),
    ("lucia@charla.local", "Lucía Fernández", "agent"),
    ("marcos@charla.local", "Marcos Ruiz", "agent"),
];

const INBOXES: &[(&str, &str, &str)] = &[
    (
        "Chat del sitio web",
        "web_chat",
        r##"{"colour":"#1f6feb","greeting":"¡Hola! ¿En qué podemos ayudarte?","allowed_origins":[]}"##,
    ),
    (
        "WhatsApp Ventas",
        "whatsapp",
        r#"{"phone_number_id":"100000000000001","business_account_id":"200000000000001","api_base_url":"https://graph.facebook.com","api_version":"v21.0"}"#,
    ),
    (
        "Soporte por correo",
        "email",
        r#"{"from_name":"Soporte Charla","from_address":"soporte@charla.local"}"#,
    ),
];

/// (name, email, phone, company)
type DemoContact = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);
const CONTACTS: &[DemoContact] = &[
    (
        "José Martínez",
        Some("jose.martinez@example.com"),
        Some("+34612345678"),
        Some("Ferretería Martínez"),
    ),
    (
        "María González",
        Some("maria.gonzalez@example.com"),
        None,
        Some("Estudio Luz"),
    ),
    ("Carlos Pérez", None, Some("+525512345678"), None),
    (
        "Sofía Ramírez",
        Some("sofia@example.org"),
        Some("+34698765432"),
        Some("Café Sofía"),
    ),
    ("Andrés López", Some("andres.lopez@example.net"), None, None),
];

/// (contact index, inbox index, assignee email, status, messages as (direction, private, text))
type DemoConversation = (
    usize,
    usize,
    Option<&'static str>,
    &'static str,
    &'static [(&'static str, bool, &'static str)],
);
const CONVERSATIONS: &[DemoConversation] = &[
    (
        0,
        0,
        Some("lucia@charla.local"),
        "open",
        &[
            (
                "incoming",
                false,
                "Hola, ¿tienen stock del taladro inalámbrico de 18 V?",
            ),
            (
                "outgoing",
                false,
                "¡Hola José! Sí, nos quedan tres unidades. ¿Quieres que te reserve una?",
            ),
            (
                "outgoing",
                true,
                "Revisar con almacén antes de confirmar la reserva.",
            ),
        ],
    ),
    (
        2,
        1,
        None,
        "open",
        &[(
            "incoming",
            false,
            "Buenas tardes, quiero información sobre los planes de envío a México.",
        )],
    ),
    (
        1,
        2,
        Some("marcos@charla.local"),
        "pending",
        &[
            (
                "incoming",
                false,
                "No me llegó la factura de octubre. ¿Me la pueden reenviar?",
            ),
            (
                "outgoing",
                false,
                "Hola María, te la reenviamos ahora mismo a este correo.",
            ),
        ],
    ),
    (
        3,
        1,
        Some("lucia@charla.local"),
        "resolved",
        &[
            ("incoming", false, "¿A qué hora abren los sábados?"),
            (
                "outgoing",
                false,
                "Los sábados abrimos de 9:00 a 14:00. ¡Te esperamos!",
            ),
            ("incoming", false, "¡Gracias!"),
        ],
    ),
    (
        4,
        0,
        None,
        "open",
        &[("incoming", false, "Hello, do you ship to Portugal?")],
    ),
];

const TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "seguimiento_pedido",
        "es",
        r#"[{"type":"BODY","text":"Hola {{1}}, tu pedido {{2}} ya está en camino."}]"#,
    ),
    (
        "retomar_conversacion",
        "es",
        r#"[{"type":"BODY","text":"Hola {{1}}, ¿seguimos con tu consulta? Responde a este mensaje y te atendemos."}]"#,
    ),
];

/// Seeds the demo account if the database has no account yet. Returns whether it did.
pub async fn seed_demo_if_empty(db: &Db) -> Result<bool, AppError> {
    let accounts: i64 = sqlx::query("SELECT COUNT(*) AS n FROM accounts")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    if accounts > 0 {
        return Ok(false);
    }
    let password_hash = {
        let password = DEMO_PASSWORD.to_owned();
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|_| AppError::Internal)??
    };
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let conn = tx.conn();
    let account_id: i64 =
        sqlx::query("INSERT INTO accounts (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind("Charla Demo")
            .bind(now)
            .fetch_one(&mut *conn)
            .await?
            .try_get("id")?;

    let mut agent_ids = Vec::new();
    for (email, name, role) in DEMO_AGENTS {
        let id: i64 = sqlx::query(
            "INSERT INTO agents (account_id, email, name, password_hash, role, availability, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'offline', $6, $6) RETURNING id",
        )
        .bind(account_id)
        .bind(*email)
        .bind(*name)
        .bind(&password_hash)
        .bind(*role)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
        agent_ids.push((*email, id));
    }
    let agent_id = |email: &str| {
        agent_ids
            .iter()
            .find(|(e, _)| *e == email)
            .map(|(_, id)| *id)
    };

    let mut inbox_ids = Vec::new();
    for (name, kind, settings) in INBOXES {
        let web_token = (*kind == "web_chat").then(crate::secrets::token::new_token);
        let id: i64 = sqlx::query(
            "INSERT INTO inboxes (account_id, name, channel_kind, web_token, settings, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(account_id)
        .bind(*name)
        .bind(*kind)
        .bind(web_token)
        .bind(*settings)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
        inbox_ids.push(id);
    }
    // Lucía works the web chat and WhatsApp; Marcos the web chat and email.
    let memberships = [
        ("lucia@charla.local", 0),
        ("lucia@charla.local", 1),
        ("marcos@charla.local", 0),
        ("marcos@charla.local", 2),
    ];
    for (email, inbox) in memberships {
        sqlx::query(
            "INSERT INTO inbox_members (inbox_id, agent_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(inbox_ids[inbox])
        .bind(agent_id(email))
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }

    let mut contact_ids = Vec::new();
    for (name, email, phone, company) in CONTACTS {
        let search = crate::domain::contact::contact_search_text(
            name,
            *email,
            phone.map(|p| p.trim_start_matches('+')),
        );
        let id: i64 = sqlx::query(
            "INSERT INTO contacts (account_id, name, email, phone_e164, company, search_text, sort_name, \
             last_activity_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8) RETURNING id",
        )
        .bind(account_id)
        .bind(*name)
        .bind(*email)
        .bind(*phone)
        .bind(*company)
        .bind(search)
        .bind(crate::domain::contact::sort_name(name, *email, *phone))
        .bind(now)
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
        contact_ids.push(id);
    }

    let minute = 60_000;
    for (number, (contact, inbox, assignee, status, messages)) in CONVERSATIONS.iter().enumerate() {
        let started = now - (CONVERSATIONS.len() - number) as i64 * 47 * minute;
        let last_at = started + messages.len() as i64 * 3 * minute;
        let last_customer = messages
            .iter()
            .enumerate()
            .filter(|(_, m)| m.0 == "incoming")
            .map(|(i, _)| started + i as i64 * 3 * minute)
            .max();
        let preview = messages.iter().rev().find(|m| !m.1).map(|m| m.2);
        let conversation_id: i64 = sqlx::query(
            "INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, assignee_id, status, \
             last_activity_at, last_customer_message_at, last_message_preview, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $7) RETURNING id",
        )
        .bind(account_id)
        .bind(number as i64 + 1)
        .bind(inbox_ids[*inbox])
        .bind(contact_ids[*contact])
        .bind(assignee.and_then(agent_id))
        .bind(*status)
        .bind(last_at)
        .bind(last_customer)
        .bind(preview)
        .bind(started)
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
        for (i, (direction, private, body)) in messages.iter().enumerate() {
            let at = started + i as i64 * 3 * minute;
            let incoming = *direction == "incoming";
            sqlx::query(
                "INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, sender_agent_id, \
                 sender_contact_id, body, content_type, delivery_status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'text', $9, $10, $10)",
            )
            .bind(account_id)
            .bind(inbox_ids[*inbox])
            .bind(conversation_id)
            .bind(*direction)
            .bind(*private as i64)
            .bind(if incoming { None } else { assignee.and_then(agent_id).or(agent_id("admin@charla.local")) })
            .bind(incoming.then_some(contact_ids[*contact]))
            .bind(*body)
            .bind(if incoming || *private { None } else { Some("delivered") })
            .bind(at)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query("UPDATE contacts SET last_activity_at = $1 WHERE id = $2")
            .bind(last_at)
            .bind(contact_ids[*contact])
            .execute(&mut *conn)
            .await?;
    }
    // Who still waits for a reply, as the message paths keep it (migration 0018).
    sqlx::query(
        "UPDATE conversations SET waiting_since = (SELECT MIN(m.created_at) FROM messages m \
         WHERE m.conversation_id = conversations.id AND m.direction = 'incoming' AND m.created_at > \
         COALESCE((SELECT MAX(o.created_at) FROM messages o WHERE o.conversation_id = conversations.id \
         AND o.direction = 'outgoing' AND o.private = 0), 0)) WHERE account_id = $1",
    )
    .bind(account_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE accounts SET next_conversation_number = $1 WHERE id = $2")
        .bind(CONVERSATIONS.len() as i64 + 1)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;

    for (name, language, components) in TEMPLATES {
        sqlx::query(
            "INSERT INTO whatsapp_templates (inbox_id, name, language, category, status, components, synced_at) \
             VALUES ($1, $2, $3, 'UTILITY', 'APPROVED', $4, $5)",
        )
        .bind(inbox_ids[1])
        .bind(*name)
        .bind(*language)
        .bind(*components)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    tx.finish().await?;
    Ok(true)
}
