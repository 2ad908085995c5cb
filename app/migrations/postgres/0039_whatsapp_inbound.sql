-- WhatsApp: a customer's business-scoped user id (BSUID) beside her number, so a
-- message that comes without the number (she chose a username) still finds her.
ALTER TABLE contact_identities ADD COLUMN user_id TEXT;
CREATE INDEX contact_identities_user_id ON contact_identities (inbox_id, user_id) WHERE user_id IS NOT NULL;

-- WhatsApp: the customer's reaction to a message lives on that message (a reaction is
-- not a new message: it must not reopen the conversation, start the waiting clock or
-- draw the away reply), and a message that quotes an earlier one points at it.
ALTER TABLE messages ADD COLUMN reaction TEXT;
ALTER TABLE messages ADD COLUMN reaction_at BIGINT;
ALTER TABLE messages ADD COLUMN reply_to_id BIGINT REFERENCES messages(id) ON DELETE SET NULL;
CREATE INDEX messages_reply_to ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL;
