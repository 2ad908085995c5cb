-- Conversations, per-agent read state, messages, attachments and mentions.
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- The number agents see (#42), sequential per account.
    display_id BIGINT NOT NULL,
    inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    contact_identity_id BIGINT REFERENCES contact_identities(id) ON DELETE SET NULL,
    assignee_id BIGINT REFERENCES agents(id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
    snoozed_until BIGINT,
    subject TEXT,
    last_activity_at BIGINT NOT NULL,
    -- Start of the WhatsApp 24-hour window.
    last_customer_message_at BIGINT,
    last_message_preview TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX conversations_display_key ON conversations (account_id, display_id);
-- Keyset pagination for each tab: newest activity first, id as tie-breaker.
CREATE INDEX conversations_inbox_status_idx ON conversations (inbox_id, status, last_activity_at, id);
CREATE INDEX conversations_assignee_status_idx ON conversations (assignee_id, status, last_activity_at, id);
CREATE INDEX conversations_unassigned_idx ON conversations (inbox_id, status, last_activity_at, id) WHERE assignee_id IS NULL;
CREATE INDEX conversations_account_status_idx ON conversations (account_id, status, last_activity_at, id);
CREATE INDEX conversations_contact_idx ON conversations (contact_id, last_activity_at, id);
CREATE INDEX conversations_snoozed_idx ON conversations (snoozed_until) WHERE status = 'snoozed';

CREATE TABLE conversation_reads (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    last_read_at BIGINT NOT NULL,
    -- Set by "mark as unread"; cleared when the agent opens the conversation again.
    marked_unread BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, agent_id)
);
CREATE INDEX conversation_reads_agent_idx ON conversation_reads (agent_id);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing', 'activity')),
    private BIGINT NOT NULL DEFAULT 0,
    sender_agent_id BIGINT REFERENCES agents(id) ON DELETE SET NULL,
    sender_contact_id BIGINT REFERENCES contacts(id) ON DELETE CASCADE,
    body TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT 'text',
    -- Channel-specific structure (template parameters, location, email headers…) as JSON.
    content_attributes TEXT,
    delivery_status TEXT CHECK (delivery_status IN ('sending', 'sent', 'delivered', 'read', 'failed')),
    delivery_error TEXT,
    external_id TEXT,
    idempotency_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);
-- A retried send from the composer must not create a second message.
CREATE UNIQUE INDEX messages_idempotency_key ON messages (conversation_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- Inbound deduplication (WhatsApp message id, email Message-ID) per inbox.
CREATE UNIQUE INDEX messages_external_key ON messages (inbox_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    message_id BIGINT REFERENCES messages(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    storage_key TEXT NOT NULL,
    width BIGINT,
    height BIGINT,
    duration_ms BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_message_idx ON attachments (message_id);
CREATE UNIQUE INDEX attachments_storage_key ON attachments (storage_key);

CREATE TABLE mentions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX mentions_message_idx ON mentions (message_id);
CREATE INDEX mentions_agent_idx ON mentions (agent_id, id);
