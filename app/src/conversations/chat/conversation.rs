//! One loaded conversation: the header, the messages beside the contact panel, and
//! the composer, sharing the conversation's live state.
use leptos::prelude::*;
use leptos_router::components::A;

use super::header::{contact_name, ChatHeader};
use super::live::{follow_conversation, follow_queue};
use super::messages::{scroll_to_bottom, MessageList};
use crate::agents::AgentProfile;
use crate::attributes::{saver, AttributeModel, AttributesEditor};
use crate::conversations::composer::{Composer, Quoting};
use crate::conversations::model::{ConversationDetail, MessagePage, Teammate};
use crate::conversations::queue::OfflineQueue;
use crate::conversations::{mark_conversation, set_conversation_attributes};
use crate::i18n::*;

#[component]
pub(super) fn Chat(
    detail: ConversationDetail,
    page: MessagePage,
    teammates: Vec<Teammate>,
) -> impl IntoView {
    let i18n = use_i18n();
    let conversation_id = detail.summary.id;
    let summary = RwSignal::new(detail.summary.clone());
    // What canned responses may fill in.
    let variables = vec![
        ("contact.name", detail.summary.contact_name.clone()),
        (
            "contact.email",
            detail.contact_email.clone().unwrap_or_default(),
        ),
        (
            "contact.phone",
            detail.contact_phone.clone().unwrap_or_default(),
        ),
        (
            "agent.name",
            use_context::<AgentProfile>()
                .map(|a| a.shown_name().to_owned())
                .unwrap_or_default(),
        ),
        ("conversation.id", detail.summary.display_id.to_string()),
    ];
    let messages = RwSignal::new(page.items);
    provide_context(Quoting::new());
    // Replies written offline: shown as queued here, and as the real message once sent.
    let queue = use_context::<OfflineQueue>();
    follow_queue(queue, conversation_id, messages);
    let last_inbound = RwSignal::new(detail.whatsapp.as_ref().and_then(|w| w.last_inbound_at));
    let scroller = NodeRef::<leptos::html::Div>::new();
    // Files dropped anywhere on the conversation go to the composer's tray.
    let drop_files = RwSignal::new(None::<Callback<leptos::ev::DragEvent>>);
    let teammates = StoredValue::new(teammates);
    let details_open = RwSignal::new(false);
    let details_close = NodeRef::<leptos::html::Button>::new();
    // On a phone the panel comes over the messages: focus goes into it, and back to
    // "Más acciones" (where it was opened) when it goes.
    Effect::new(move |was_open: Option<bool>| {
        let open = details_open.get();
        if open {
            if let Some(button) = details_close.get() {
                let _ = button.focus();
            }
        } else if was_open == Some(true) {
            focus_more_actions();
        }
        open
    });

    let mark_read = move || {
        leptos::task::spawn_local(async move {
            let _ = mark_conversation(conversation_id, true).await;
        });
    };
    Effect::new(move |_| mark_read());
    follow_conversation(
        &detail.summary,
        messages,
        summary,
        last_inbound,
        scroller,
        mark_read,
    );
    Effect::new(move |_| scroll_to_bottom(scroller));

    let contact_name = contact_name(i18n, summary);
    view! {
        <article class="chat" aria-labelledby="chat-title">
            <ChatHeader conversation_id summary teammates=teammates.get_value() details_open />
            <div class="chat-body"
                on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    if let Some(handler) = drop_files.get_untracked() {
                        handler.run(ev);
                    }
                }>
                <MessageList conversation_id messages has_older=page.has_older scroller queue />
                <aside id="conversation-details" class="contact-panel" class:open=move || details_open.get()
                    aria-label=move || t_string!(i18n, contact_label)
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" && details_open.get_untracked() {
                            details_open.set(false);
                        }
                    }>
                    <button type="button" class="phone-only link" node_ref=details_close on:click=move |_| details_open.set(false)>
                        {t!(i18n, conversation_details_close)}
                    </button>
                    <h3>{contact_name}</h3>
                    {detail.contact_email.clone().map(|e| view! { <p>{e}</p> })}
                    {detail.contact_phone.clone().map(|p| view! { <p>{p}</p> })}
                    <A href=format!("/contacts/{}", detail.summary.contact_id)>{t!(i18n, view_contact)}</A>
                    <AttributesEditor model=AttributeModel::Conversation initial=detail.custom_attributes.clone()
                        save=saver(move |values| set_conversation_attributes(conversation_id, values)) />
                </aside>
            </div>
            <Composer conversation_id messages teammates=teammates.get_value() variables=variables.clone()
                whatsapp=detail.whatsapp.clone() last_inbound on_sent=move || scroll_to_bottom(scroller)
                channel=detail.summary.channel limits=detail.limits drop_files />
        </article>
    }
}

/// The header's "Más acciones" button (phones), where the details panel was opened.
fn focus_more_actions() {
    #[cfg(feature = "hydrate")]
    if let Ok(Some(button)) = leptos::prelude::document().query_selector(".chat-more-toggle") {
        if let Ok(button) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(button) {
            let _ = button.focus();
        }
    }
}
