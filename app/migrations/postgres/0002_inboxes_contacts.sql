-- Inboxes (one channel each), their members, contacts and the identities
-- by which a contact is known in an inbox (visitor id, WhatsApp id, email address).
CREATE TABLE inboxes (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    channel_kind TEXT NOT NULL CHECK (channel_kind IN ('web_chat', 'whatsapp', 'email')),
    -- Public token of a web-chat inbox, used by the embeddable widget.
    web_token TEXT,
    -- Non-secret channel settings (JSON); secrets live encrypted in `secrets`.
    settings TEXT NOT NULL DEFAULT '{}',
    secrets TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX inboxes_account_idx ON inboxes (account_id, name);
CREATE UNIQUE INDEX inboxes_web_token_key ON inboxes (web_token) WHERE web_token IS NOT NULL;

CREATE TABLE inbox_members (
    inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (inbox_id, agent_id)
);
CREATE INDEX inbox_members_agent_idx ON inbox_members (agent_id, inbox_id);

CREATE TABLE contacts (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    email TEXT,
    phone_e164 TEXT,
    company TEXT,
    -- Lower-cased, accent-free name/email/phone for search (kept by the service).
    search_text TEXT NOT NULL DEFAULT '',
    last_activity_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX contacts_email_key ON contacts (account_id, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX contacts_phone_key ON contacts (account_id, phone_e164) WHERE phone_e164 IS NOT NULL;
CREATE INDEX contacts_name_idx ON contacts (account_id, name, id);
CREATE INDEX contacts_activity_idx ON contacts (account_id, last_activity_at, id);

CREATE TABLE contact_identities (
    id BIGSERIAL PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('visitor', 'whatsapp', 'email')),
    external_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX contact_identities_key ON contact_identities (inbox_id, kind, external_id);
CREATE INDEX contact_identities_contact_idx ON contact_identities (contact_id);
