//! Contacts through the API: pages by number, search, one contact with the inboxes
//! it can be reached in, and saving under the rules of Contactos (S9: an email or a
//! phone; one contact per email and per phone).
use super::account::rename_field;
use super::render;
use super::Caller;
use crate::attributes::ssr::Change;
use crate::chatwoot::model as cw;
use crate::contacts::model::ContactRow;
use crate::contacts::ssr::identifier::{self, ApiFields};
use crate::contacts::ssr::numbered::{self, SortBy};
use crate::contacts::ssr::{search, start, store};
use crate::domain::contact::parse_identifier;
use crate::domain::{ContactInput, ContactQuery};
use crate::error::AppError;

/// Chatwoot's page size for contacts.
pub const PER_PAGE: i64 = 15;
/// Search pages are read in order; further than this is refused.
pub const SEARCH_MAX_PAGE: i64 = 40;

pub async fn list(
    caller: &Caller<'_>,
    page: i64,
    sort: Option<&str>,
) -> Result<(Vec<cw::Contact>, i64), AppError> {
    let sort = match sort.filter(|s| !s.is_empty()) {
        Some(key) => SortBy::parse(key).ok_or_else(|| AppError::validation("sort", "invalid"))?,
        None => SortBy::default(),
    };
    let (rows, total) =
        numbered::page(caller.db(), caller.agent.account_id, sort, page, PER_PAGE).await?;
    Ok((rows.iter().map(render::contact).collect(), total))
}

/// Contacts whose name, email or phone match `q` (or whose identifier is `q`), page `page` of [`PER_PAGE`] in
/// `sort` order (the contact book's search reads fifty at a time; pages are cut here).
/// Returns the page and how many match in all (at most [`SEARCH_COUNT_CAP`]).
pub async fn search(
    caller: &Caller<'_>,
    q: &str,
    page: i64,
) -> Result<(Vec<cw::Contact>, i64), AppError> {
    let sort = crate::contacts::model::ContactSort::Name;
    let (items, query, held) = searched(caller, q, page, sort).await?;
    let (db, account) = (caller.db(), caller.agent.account_id);
    let count = search::count(db, account, &query, held, SEARCH_COUNT_CAP).await?;
    Ok((items, count))
}

/// Where a search stops counting: far past the deepest page it serves.
pub const SEARCH_COUNT_CAP: i64 = 10_000;

pub async fn search_sorted(
    caller: &Caller<'_>,
    q: &str,
    page: i64,
    sort: crate::contacts::model::ContactSort,
) -> Result<Vec<cw::Contact>, AppError> {
    Ok(searched(caller, q, page, sort).await?.0)
}

/// [`search_sorted`]'s page, with the parsed query and the identifier's holder (which
/// the count needs too).
async fn searched(
    caller: &Caller<'_>,
    q: &str,
    page: i64,
    sort: crate::contacts::model::ContactSort,
) -> Result<(Vec<cw::Contact>, ContactQuery, Option<i64>), AppError> {
    let query = ContactQuery::parse(q).ok_or_else(|| AppError::validation("q", "required"))?;
    if page > SEARCH_MAX_PAGE {
        return Err(AppError::validation("page", "too_deep"));
    }
    let page = page.max(1) as usize;
    let wanted = page * PER_PAGE as usize;
    let mut items = Vec::new();
    let mut after = None;
    loop {
        let found = search::page(
            caller.db(),
            caller.agent.account_id,
            Some(&query),
            sort,
            after.as_ref(),
        )
        .await?;
        items.extend(found.items);
        match found.next {
            Some(next) if items.len() < wanted => after = Some(next),
            _ => break,
        }
    }
    // Chatwoot's search also finds a contact by her identifier in another system: the
    // one holding exactly `q` comes first (once, whichever page she would be on).
    let mut conn = caller.db().pool.acquire().await?;
    let held = identifier::contact_with(&mut conn, caller.agent.account_id, q.trim()).await?;
    drop(conn);
    if let Some(id) = held {
        items.retain(|row| row.id != id);
        items.insert(
            0,
            store::get(caller.db(), caller.agent.account_id, id).await?,
        );
    }
    let shown = items
        .iter()
        .skip((page - 1) * PER_PAGE as usize)
        .take(PER_PAGE as usize)
        .map(render::contact)
        .collect();
    Ok((shown, query, held))
}

/// A contact with its `contact_inboxes`: the inboxes the caller may write to it in
/// (email and WhatsApp), with its address there as the `source_id`.
pub async fn get(caller: &Caller<'_>, id: i64) -> Result<cw::Contact, AppError> {
    let row = store::get(caller.db(), caller.agent.account_id, id).await?;
    with_inboxes(caller, &row).await
}

async fn with_inboxes(caller: &Caller<'_>, row: &ContactRow) -> Result<cw::Contact, AppError> {
    let mut contact = render::contact(row);
    contact.contact_inboxes = Some(reachable(caller, row.id).await?);
    Ok(contact)
}

async fn reachable(caller: &Caller<'_>, id: i64) -> Result<Vec<cw::ContactInbox>, AppError> {
    let choices = start::options(caller.db(), caller.agent, id).await?;
    Ok(choices
        .into_iter()
        .map(|choice| cw::ContactInbox {
            source_id: choice.to.clone(),
            inbox: render::inbox_slim(&crate::inboxes::model::InboxView {
                id: choice.id,
                name: choice.name,
                channel: choice.channel,
                web_token: None,
            }),
        })
        .collect())
}

/// `contactable_inboxes`: where the caller can start a conversation with the contact.
pub async fn contactable_inboxes(
    caller: &Caller<'_>,
    id: i64,
) -> Result<Vec<cw::ContactInbox>, AppError> {
    store::get(caller.db(), caller.agent.account_id, id).await?;
    reachable(caller, id).await
}

/// Chatwoot's fields over a contact's current ones (a field not sent is kept).
fn input_of(body: &cw::ContactBody, current: Option<&ContactRow>) -> ContactInput {
    let kept = |sent: &Option<String>, now: Option<&String>| match sent {
        Some(value) => value.clone(),
        None => now.cloned().unwrap_or_default(),
    };
    let company = body
        .additional_attributes
        .as_ref()
        .and_then(|a| a.get("company_name"))
        .and_then(|c| c.as_str())
        .map(str::to_owned);
    ContactInput {
        name: kept(&body.name, current.map(|c| &c.name)),
        email: kept(&body.email, current.and_then(|c| c.email.as_ref())),
        phone: kept(&body.phone_number, current.and_then(|c| c.phone.as_ref())),
        company: kept(&company, current.and_then(|c| c.company.as_ref())),
    }
}

/// Charla's field names as Chatwoot's clients send them.
fn api_field(err: AppError) -> AppError {
    let err = rename_field(err, "phone", "phone_number");
    rename_field(err, "company", "company_name")
}

pub async fn create(
    caller: &Caller<'_>,
    body: &cw::ContactBody,
) -> Result<(cw::Contact, Option<cw::ContactInbox>), AppError> {
    let input = input_of(body, None);
    let country = &caller.state.settings.default_country;
    let row = store::create(
        caller.db(),
        &caller.state.hub,
        caller.agent.account_id,
        &input,
        country,
        api_fields(body)?,
    )
    .await
    .map_err(api_field)?;
    let contact = with_inboxes(caller, &row).await?;
    // An API inbox: her identity there, with the `source_id` the Client API takes.
    if let Some(inbox) = body.inbox_id {
        if super::api_start::api_inbox_of(caller, inbox)
            .await?
            .is_some()
        {
            let made = super::api_start::contact_inbox(caller, row.id, inbox, None).await?;
            return Ok((contact, Some(made)));
        }
    }
    let contact_inbox = body.inbox_id.and_then(|inbox| {
        contact
            .contact_inboxes
            .as_ref()
            .and_then(|all| all.iter().find(|ci| ci.inbox.id == inbox).cloned())
    });
    Ok((contact, contact_inbox))
}

/// `DELETE …/contacts/{id}`: an administrator's token deletes the contact with all her
/// conversations, as the contact page does once her name is typed (S13); the call
/// itself names her, so her own name is the confirmation.
pub async fn delete(caller: &Caller<'_>, id: i64) -> Result<(), AppError> {
    let row = store::get(caller.db(), caller.agent.account_id, id).await?;
    crate::contacts::ssr::delete::delete_contact(
        caller.db(),
        &caller.state.hub,
        &caller.state.settings.files,
        caller.agent,
        id,
        row.display_name(),
    )
    .await
}

/// `POST …/actions/contact_merge`: `mergee` joins `base` and is gone; `base` as it is now.
pub async fn merge(caller: &Caller<'_>, base: i64, mergee: i64) -> Result<cw::Contact, AppError> {
    let account = caller.agent.account_id;
    crate::contacts::ssr::merge::merge_contacts(
        caller.db(),
        &caller.state.hub,
        caller.agent,
        base,
        mergee,
    )
    .await?;
    let row = store::get(caller.db(), account, base).await?;
    with_inboxes(caller, &row).await
}

pub async fn update(
    caller: &Caller<'_>,
    id: i64,
    body: &cw::ContactBody,
) -> Result<cw::Contact, AppError> {
    let account = caller.agent.account_id;
    let current = store::get(caller.db(), account, id).await?;
    let input = input_of(body, Some(&current));
    let country = &caller.state.settings.default_country;
    let row = store::update(
        caller.db(),
        &caller.state.hub,
        account,
        id,
        &input,
        country,
        api_fields(body)?,
    )
    .await
    .map_err(api_field)?;
    with_inboxes(caller, &row).await
}

/// What the form has no field for: custom attributes, the identifier, `blocked`.
fn api_fields(body: &cw::ContactBody) -> Result<ApiFields, AppError> {
    let identifier = match &body.identifier {
        Some(Some(sent)) => Some(parse_identifier(sent).map_err(store::field_error)?),
        Some(None) => Some(None),
        None => None,
    };
    Ok(ApiFields {
        attributes: attribute_change(body.custom_attributes.as_ref())?,
        identifier,
        blocked: body.blocked,
    })
}

/// `custom_attributes` as Chatwoot's clients send it: an object whose keys are set
/// over the current ones (`null` clears one).
pub fn attribute_change(sent: Option<&serde_json::Value>) -> Result<Option<Change>, AppError> {
    match sent {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Object(map)) => Ok(Some(Change::Merge(map.clone()))),
        Some(_) => Err(AppError::validation("custom_attributes", "invalid")),
    }
}

/// `POST …/contacts/{id}/destroy_custom_attributes`: drops these keys.
pub async fn destroy_custom_attributes(
    caller: &Caller<'_>,
    id: i64,
    keys: Vec<String>,
) -> Result<cw::Contact, AppError> {
    let account = caller.agent.account_id;
    crate::contacts::ssr::attributes::set(
        caller.db(),
        &caller.state.hub,
        account,
        id,
        Change::Remove(keys),
    )
    .await?;
    let row = store::get(caller.db(), account, id).await?;
    with_inboxes(caller, &row).await
}

/// The contact's conversations the caller may see, newest activity first (at most
/// the first 100).
pub async fn conversations(
    caller: &Caller<'_>,
    id: i64,
) -> Result<Vec<cw::Conversation>, AppError> {
    const MAX: usize = 100;
    store::get(caller.db(), caller.agent.account_id, id).await?;
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let (items, next) =
            crate::contacts::ssr::history::page(caller.db(), caller.viewer(), id, after).await?;
        rows.extend(items);
        match next {
            Some(next) if rows.len() < MAX => after = Some(next),
            _ => break,
        }
    }
    rows.truncate(MAX);
    super::conversations::shape(caller, rows).await
}

/// A contact's label titles (`GET …/contacts/{id}/labels`).
pub async fn labels(caller: &Caller<'_>, id: i64) -> Result<Vec<String>, AppError> {
    let account = caller.agent.account_id;
    store::get(caller.db(), account, id).await?;
    let ids = crate::contacts::ssr::labels::of(caller.db(), id).await?;
    let known = crate::labels::ssr::list(caller.db(), account).await?;
    Ok(known
        .into_iter()
        .filter(|l| ids.contains(&l.id))
        .map(|l| l.name)
        .collect())
}

/// Puts exactly these labels (by title) on a contact (`POST …/contacts/{id}/labels`);
/// a title the account does not have refuses the change as a whole.
pub async fn set_labels(
    caller: &Caller<'_>,
    id: i64,
    titles: &[String],
) -> Result<Vec<String>, AppError> {
    let ids = super::changes::label_ids(caller, titles).await?;
    crate::contacts::ssr::labels::set(caller.db(), caller.agent.account_id, id, &ids).await?;
    labels(caller, id).await
}
