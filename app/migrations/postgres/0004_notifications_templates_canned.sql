-- Agent notifications, WhatsApp message templates and canned responses.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    conversation_id BIGINT REFERENCES conversations(id) ON DELETE CASCADE,
    message_id BIGINT REFERENCES messages(id) ON DELETE CASCADE,
    actor_agent_id BIGINT REFERENCES agents(id) ON DELETE SET NULL,
    read_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX notifications_agent_idx ON notifications (agent_id, id);
CREATE INDEX notifications_unread_idx ON notifications (agent_id, id) WHERE read_at IS NULL;

CREATE TABLE whatsapp_templates (
    id BIGSERIAL PRIMARY KEY,
    inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    external_id TEXT,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT 'UTILITY',
    status TEXT NOT NULL DEFAULT 'APPROVED',
    -- Meta's `components` array, kept verbatim (header, body with {{1}} variables, buttons).
    components TEXT NOT NULL DEFAULT '[]',
    synced_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX whatsapp_templates_key ON whatsapp_templates (inbox_id, name, language);

CREATE TABLE canned_responses (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    short_code TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX canned_responses_key ON canned_responses (account_id, short_code);
