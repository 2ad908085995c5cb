-- Replies by email to a website visitor who has left (issue 31). Every agent's public
-- reply in a web-chat conversation is queued here by the database as it is written
-- (whatever writes it: the app, the API, an import); a worker, a little later, emails
-- the ones the visitor has not read to the address she left, through the email inbox
-- the web-chat inbox names, and deletes the rest. A sent row keeps the mail's
-- Message-ID, so her answer by email finds its way back into the conversation.
CREATE TABLE widget_mailings (
    message_id BIGINT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    mail_id TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    error TEXT
);
CREATE INDEX widget_mailings_pending ON widget_mailings (next_attempt_at, created_at) WHERE state = 'pending';
CREATE INDEX widget_mailings_mail ON widget_mailings (mail_id) WHERE mail_id IS NOT NULL;
CREATE INDEX widget_mailings_conversation ON widget_mailings (conversation_id, message_id);

CREATE TRIGGER widget_mailing_queued AFTER INSERT ON messages
WHEN NEW.direction = 'outgoing' AND NEW.private = 0 AND NEW.sender_agent_id IS NOT NULL
 AND (SELECT channel_kind FROM inboxes WHERE id = NEW.inbox_id) = 'web_chat' BEGIN
    INSERT INTO widget_mailings (message_id, conversation_id, created_at)
    VALUES (NEW.id, NEW.conversation_id, NEW.created_at);
END;
