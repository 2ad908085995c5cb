//! The composer: Responder / Nota privada, Enter sends and Shift+Enter breaks the line,
//! a per-conversation draft kept in the browser, `@` mentions in notes and an emoji
//! picker. A reply shows as "sending" at once and carries an idempotency key, so a
//! retried request never creates a second message.
mod attachments;
mod canned;
mod emoji;
mod mentions;
mod send;
mod state;
mod template;
mod typing;
mod view;
mod window;

pub use state::Quoting;
pub use view::Composer;
