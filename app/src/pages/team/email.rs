//! An email inbox's settings form: sender, SMTP and IMAP servers (each with its
//! connection test), mailbox and polling interval.
use leptos::prelude::*;

use super::texts::{connection_text, refusal};
use crate::domain::email_inbox::{EmailSettingsInput, Security, ServerSettings};
use crate::error::AppError;
use crate::i18n::*;
use crate::inboxes::{email_settings, save_email, test_email_connection};

/// One server's fields (host, port, security, user, password) of an email inbox.
#[derive(Clone, Copy)]
struct ServerFields {
    host: RwSignal<String>,
    port: RwSignal<String>,
    security: RwSignal<Security>,
    user: RwSignal<String>,
    password: RwSignal<String>,
}

impl ServerFields {
    fn new() -> Self {
        ServerFields {
            host: RwSignal::new(String::new()),
            port: RwSignal::new(String::new()),
            security: RwSignal::new(Security::StartTls),
            user: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
        }
    }

    fn load(&self, server: &ServerSettings) {
        self.host.set(server.host.clone());
        self.port.set(if server.port == 0 {
            String::new()
        } else {
            server.port.to_string()
        });
        self.security.set(server.security);
        self.user.set(server.user.clone());
    }

    fn settings(&self) -> ServerSettings {
        ServerSettings {
            host: self.host.get_untracked(),
            port: self.port.get_untracked().trim().parse().unwrap_or(0),
            security: self.security.get_untracked(),
            user: self.user.get_untracked(),
        }
    }
}

/// An email inbox's sender, SMTP and IMAP settings, each server with "Probar conexión".
#[component]
pub(super) fn EmailForm(inbox_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let from_name = RwSignal::new(String::new());
    let from_address = RwSignal::new(String::new());
    let mailbox = RwSignal::new(String::new());
    let poll = RwSignal::new(String::new());
    let smtp = ServerFields::new();
    let imap = ServerFields::new();
    let stored = RwSignal::new(None::<crate::domain::email_inbox::EmailSettings>);
    let feedback = RwSignal::new(None::<(bool, String)>);
    // The fields stay disabled until the stored settings are in them: what an
    // administrator typed earlier would be overwritten when they arrive.
    let loaded = RwSignal::new(false);
    let load = move || {
        leptos::task::spawn_local(async move {
            match email_settings(inbox_id).await {
                Ok(s) => {
                    from_name.set(s.from_name.clone());
                    from_address.set(s.from_address.clone());
                    mailbox.set(s.imap_mailbox.clone());
                    poll.set(s.poll_interval_secs.to_string());
                    smtp.load(&s.smtp);
                    imap.load(&s.imap);
                    stored.set(Some(s));
                    loaded.set(true);
                }
                // Left disabled: saving would overwrite what is stored with blanks.
                Err(err) => feedback.set(Some((false, refusal(i18n, &err)))),
            }
        });
    };
    Effect::new(move |_| load());
    let email_field_text = move |field: &str| -> String {
        let (server, name) = match field.split_once('.') {
            Some(("smtp", rest)) => (Some(t_string!(i18n, email_smtp)), rest),
            Some(("imap", rest)) => (Some(t_string!(i18n, email_imap)), rest),
            _ => (None, field),
        };
        let name = match name {
            "from_name" => t_string!(i18n, email_from_name),
            "from_address" => t_string!(i18n, email_from_address),
            "host" => t_string!(i18n, email_host),
            "port" => t_string!(i18n, email_port),
            "user" => t_string!(i18n, email_user),
            "smtp_password" | "imap_password" => t_string!(i18n, email_password),
            "imap_mailbox" => t_string!(i18n, email_mailbox),
            _ => t_string!(i18n, email_poll),
        };
        match server {
            Some(server) => format!("{server} · {name}"),
            None => name.to_string(),
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = EmailSettingsInput {
            from_name: from_name.get_untracked(),
            from_address: from_address.get_untracked(),
            smtp: smtp.settings(),
            smtp_password: smtp.password.get_untracked(),
            imap: imap.settings(),
            imap_password: imap.password.get_untracked(),
            imap_mailbox: mailbox.get_untracked(),
            poll_interval_secs: poll.get_untracked().trim().parse().unwrap_or(0),
        };
        if let Err((field, code)) = input.checked() {
            let reason = refusal(i18n, &AppError::validation(field, code));
            feedback.set(Some((
                false,
                format!("{}: {reason}", email_field_text(field)),
            )));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_email(inbox_id, input).await {
                Err(AppError::Validation { field, code }) => {
                    let reason = refusal(i18n, &AppError::validation(&field, &code));
                    feedback.set(Some((
                        false,
                        format!("{}: {reason}", email_field_text(&field)),
                    )));
                }
                Ok(()) => {
                    smtp.password.set(String::new());
                    imap.password.set(String::new());
                    feedback.set(Some((true, t_string!(i18n, email_saved).to_string())));
                    load();
                }
                Err(err) => feedback.set(Some((false, refusal(i18n, &err)))),
            }
        });
    };
    let test = move |server: &'static str| {
        feedback.set(Some((true, t_string!(i18n, email_testing).to_string())));
        leptos::task::spawn_local(async move {
            match test_email_connection(inbox_id, server.to_owned()).await {
                Ok(()) => feedback.set(Some((
                    true,
                    t_string!(i18n, email_test_ok, server = server.to_uppercase()).to_string(),
                ))),
                Err(AppError::Validation { code, .. }) => feedback.set(Some((
                    false,
                    format!(
                        "{}: {}",
                        t_string!(i18n, email_test_failed, server = server.to_uppercase()),
                        connection_text(i18n, &code)
                    ),
                ))),
                Err(err) => feedback.set(Some((false, refusal(i18n, &err)))),
            }
        });
    };
    let id = move |name: &str| format!("email-{inbox_id}-{name}");
    let field =
        move |name: &'static str, label: String, value: RwSignal<String>, kind: &'static str| {
            view! {
                <div class="field">
                    <label for=id(name)>{label}</label>
                    <input id=id(name) type=kind autocomplete="off" prop:value=move || value.get()
                        disabled=move || !loaded.get()
                        on:input=move |ev| value.set(event_target_value(&ev)) />
                </div>
            }
        };
    let server_fields = move |prefix: &'static str,
                              legend: String,
                              fields: ServerFields,
                              has_password: fn(
        &crate::domain::email_inbox::EmailSettings,
    ) -> bool| {
        let security_id = id(&format!("{prefix}-security"));
        let hint_id = id(&format!("{prefix}-password-hint"));
        view! {
            <fieldset class="stack">
                <legend>{legend}</legend>
                {field(if prefix == "smtp" { "smtp-host" } else { "imap-host" }, t_string!(i18n, email_host).to_string(), fields.host, "text")}
                {field(if prefix == "smtp" { "smtp-port" } else { "imap-port" }, t_string!(i18n, email_port).to_string(), fields.port, "number")}
                <div class="field">
                    <label for=security_id.clone()>{t!(i18n, email_security)}</label>
                    <select id=security_id prop:value=move || fields.security.get().as_str() disabled=move || !loaded.get()
                        on:change=move |ev| fields.security.set(Security::parse(&event_target_value(&ev)).unwrap_or_default())>
                        <option value="none">{t!(i18n, email_security_none)}</option>
                        <option value="starttls">"STARTTLS"</option>
                        <option value="tls">"TLS"</option>
                    </select>
                </div>
                {field(if prefix == "smtp" { "smtp-user" } else { "imap-user" }, t_string!(i18n, email_user).to_string(), fields.user, "text")}
                <div class="field">
                    <label for=id(&format!("{prefix}-password"))>{t!(i18n, email_password)}</label>
                    <input id=id(&format!("{prefix}-password")) type="password" autocomplete="new-password"
                        aria-describedby=hint_id.clone() prop:value=move || fields.password.get() disabled=move || !loaded.get()
                        on:input=move |ev| fields.password.set(event_target_value(&ev)) />
                    <p id=hint_id class="hint muted">
                        {move || if stored.with(|s| s.as_ref().is_some_and(has_password)) {
                            t_string!(i18n, whatsapp_secret_set)
                        } else {
                            t_string!(i18n, whatsapp_secret_missing)
                        }}
                    </p>
                </div>
                <button type="button" class="secondary" on:click=move |_| test(prefix)>
                    {if prefix == "smtp" { t_string!(i18n, email_test_smtp) } else { t_string!(i18n, email_test_imap) }}
                </button>
            </fieldset>
        }
    };
    view! {
        <form class="stack email-settings" on:submit=submit aria-label=move || t_string!(i18n, email_settings_title)>
            <h4>{t!(i18n, email_settings_title)}</h4>
            {field("from-name", t_string!(i18n, email_from_name).to_string(), from_name, "text")}
            {field("from-address", t_string!(i18n, email_from_address).to_string(), from_address, "email")}
            {server_fields("smtp", t_string!(i18n, email_smtp).to_string(), smtp, |s| s.has_smtp_password)}
            {server_fields("imap", t_string!(i18n, email_imap).to_string(), imap, |s| s.has_imap_password)}
            {field("mailbox", t_string!(i18n, email_mailbox).to_string(), mailbox, "text")}
            {field("poll", t_string!(i18n, email_poll).to_string(), poll, "number")}
            <p role="status" class=move || if feedback.with(|f| f.as_ref().is_some_and(|f| f.0)) { "success" } else { "error" }>
                {move || feedback.get().map(|f| f.1)}
            </p>
            <div class="form-actions">
                <button type="submit" class="secondary" disabled=move || !loaded.get()>{t!(i18n, email_save)}</button>
            </div>
        </form>
    }
}
