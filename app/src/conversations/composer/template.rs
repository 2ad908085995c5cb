//! A WhatsApp template, the only reply that may go once the 24-hour window has
//! closed: which one, its parameters and header file, checked here before sending.
use leptos::prelude::*;

use super::send::idempotency_key;
use crate::conversations::model::MessageView;
use crate::conversations::send_template;
use crate::conversations::thread::add_if_missing;
use crate::domain::template::TemplateView;
use crate::error::AppError;
use crate::ui::files::UploadTarget;
use crate::ui::template_picker::{first_sendable, TemplatePicker};

#[derive(Clone, Copy)]
pub(super) struct TemplateChoice {
    templates: StoredValue<Vec<TemplateView>>,
    template_id: RwSignal<Option<i64>>,
    params: RwSignal<Vec<String>>,
    header_file: RwSignal<Option<i64>>,
    errors: RwSignal<Vec<(String, String)>>,
}

impl TemplateChoice {
    pub fn new(templates: Vec<TemplateView>) -> TemplateChoice {
        let templates = StoredValue::new(templates);
        let template_id = RwSignal::new(templates.with_value(|t| first_sendable(t)));
        let params = RwSignal::new(Vec::<String>::new());
        Effect::new(move |_| {
            let id = template_id.get();
            let count = templates.with_value(|list| {
                list.iter()
                    .find(|t| Some(t.id) == id)
                    .map(|t| t.variable_count())
                    .unwrap_or(0)
            });
            params.set(vec![String::new(); count]);
        });
        TemplateChoice {
            templates,
            template_id,
            params,
            header_file: RwSignal::new(None),
            errors: RwSignal::new(Vec::new()),
        }
    }

    pub fn send(
        self,
        conversation_id: i64,
        messages: RwSignal<Vec<MessageView>>,
        error: RwSignal<Option<AppError>>,
        on_sent: impl Fn() + Copy + Send + Sync + 'static,
    ) {
        let TemplateChoice {
            templates,
            template_id,
            params,
            header_file,
            errors,
        } = self;
        let id = template_id.get_untracked();
        let chosen = templates.with_value(|list| list.iter().find(|t| Some(t.id) == id).cloned());
        let Some(template) = chosen else {
            errors.set(vec![("template_id".into(), "required".into())]);
            return;
        };
        let values = params.get_untracked();
        if let Some(n) = template.first_missing(&values) {
            errors.set(vec![(format!("params.{n}"), "required".into())]);
            return;
        }
        let header = header_file.get_untracked();
        if template.header_media.is_some() && header.is_none() {
            errors.set(vec![("header_file".into(), "required".into())]);
            return;
        }
        errors.set(Vec::new());
        error.set(None);
        let key = idempotency_key();
        leptos::task::spawn_local(async move {
            match send_template(conversation_id, template.id, values, Some(key), header).await {
                Ok(message) => {
                    messages.update(|list| add_if_missing(list, message));
                    let count = params.with_untracked(Vec::len);
                    params.set(vec![String::new(); count]);
                    // The file went with this message; the next one needs its own.
                    template_id.notify();
                    on_sent();
                }
                Err(AppError::Validation { field, code })
                    if field.starts_with("params") || field == "header_file" =>
                {
                    errors.set(vec![(field, code)]);
                }
                Err(err) => error.set(Some(err)),
            }
        });
    }
}

#[component]
pub(super) fn TemplateArea(choice: TemplateChoice, conversation_id: i64) -> impl IntoView {
    let TemplateChoice {
        templates,
        template_id,
        params,
        header_file,
        errors,
    } = choice;
    view! {
        <div class="composer-template">
            <TemplatePicker templates=Signal::derive(move || templates.get_value()) template_id params header_file
                header_target=Signal::derive(move || Some(UploadTarget::Agent { conversation_id })) errors id_prefix="composer" />
        </div>
    }
}
