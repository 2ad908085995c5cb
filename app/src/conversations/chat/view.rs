//! The open conversation's route: loads it (details, the newest messages, who it can
//! be assigned to) and holds the messages that change while it loads.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::conversation::Chat;
use crate::conversations::conversation_teammates;
use crate::conversations::get_conversation;
use crate::conversations::model::MessageView;
use crate::conversations::thread::upsert_message;
use crate::events::LiveEvent;
use crate::i18n::*;
use crate::live::{on_event, Live};
use crate::ui::error_text;

#[component]
pub fn ChatView() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    });
    // Opened at a message (a search hit): its page of history and those after it.
    let query = use_query_map();
    let target = Memo::new(move |_| {
        query
            .read()
            .get("message")
            .and_then(|m| m.parse::<i64>().ok())
    });
    let resync = use_context::<Live>().map(|l| l.resync);
    // Messages that change while the conversation loads (a reply's delivery state,
    // say) would otherwise be missed: kept here and applied when the chat appears.
    let early = RwSignal::new(Vec::<MessageView>::new());
    let loaded = RwSignal::new(false);
    Effect::new(move |_| {
        id.track();
        loaded.set(false);
        early.set(Vec::new());
    });
    on_event(move |envelope| match &envelope.event {
        LiveEvent::MessageCreated { message } | LiveEvent::MessageUpdated { message }
            if !loaded.get_untracked() && Some(message.conversation_id) == id.get_untracked() =>
        {
            early.update(|list| list.push(message.clone()));
        }
        _ => {}
    });
    let data = Resource::new(
        move || (id.get(), resync.map(|r| r.get()), target.get()),
        |(id, _, target)| async move {
            let id = id.ok_or(crate::error::AppError::NotFound)?;
            let detail = get_conversation(id).await?;
            let page = super::found::history_through(id, target).await?;
            let teammates = conversation_teammates(id).await?;
            Ok::<_, crate::error::AppError>((detail, page, teammates))
        },
    );
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((detail, mut page, teammates)) => {
                        loaded.set(true);
                        for message in early.get_untracked() {
                            if message.conversation_id == detail.summary.id {
                                upsert_message(&mut page.items, message);
                            }
                        }
                        early.set(Vec::new());
                        super::found::reveal_later(target.get_untracked());
                        view! { <Chat detail page teammates /> }.into_any()
                    }
                    Err(err) => {
                        view! {
                            <div class="chat-error">
                                <A href="/conversations" attr:class="back">{t!(i18n, back_to_list)}</A>
                                <p role="alert" class="error">{error_text(i18n, &err)}</p>
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}
