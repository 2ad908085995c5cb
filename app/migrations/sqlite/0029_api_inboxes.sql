-- The API channel (issue 30): an inbox whose customers arrive through Chatwoot's
-- Client API and whose replies go to the inbox's webhook URL. SQLite cannot alter a
-- CHECK, so the table is rebuilt the documented way (sqlite.org/lang_altertable.html,
-- "making other kinds of table schema changes"). `Db::migrate` runs migrations with
-- foreign keys off (the pragma is ignored inside a transaction), so dropping the old
-- table does not cascade to every conversation; it checks the keys afterwards.
CREATE TABLE inboxes_next (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    channel_kind TEXT NOT NULL CHECK (channel_kind IN ('web_chat', 'whatsapp', 'email', 'api')),
    -- The public identifier: a web-chat inbox's widget token, an API inbox's
    -- `inbox_identifier` for the Client API.
    web_token TEXT,
    settings TEXT NOT NULL DEFAULT '{}',
    secrets TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO inboxes_next (id, account_id, name, channel_kind, web_token, settings, secrets, created_at, updated_at)
    SELECT id, account_id, name, channel_kind, web_token, settings, secrets, created_at, updated_at FROM inboxes;
-- The ids of removed inboxes stay used (saved folders and old events name inboxes).
DELETE FROM sqlite_sequence WHERE name = 'inboxes_next';
INSERT INTO sqlite_sequence (name, seq) SELECT 'inboxes_next', seq FROM sqlite_sequence WHERE name = 'inboxes';
DROP TABLE inboxes;
ALTER TABLE inboxes_next RENAME TO inboxes;
CREATE INDEX inboxes_account_idx ON inboxes (account_id, name);
CREATE UNIQUE INDEX inboxes_web_token_key ON inboxes (web_token) WHERE web_token IS NOT NULL;

-- An API inbox's webhook URL is a webhook of its own: every event of that inbox, no
-- subscription to choose, through the same queue. Administrators' webhooks are the
-- rows without an inbox; a URL is unique among those, and an inbox has one at most.
ALTER TABLE webhooks ADD COLUMN inbox_id BIGINT REFERENCES inboxes(id) ON DELETE CASCADE;
DROP INDEX webhooks_url_key;
CREATE UNIQUE INDEX webhooks_url_key ON webhooks (account_id, url) WHERE inbox_id IS NULL;
CREATE UNIQUE INDEX webhooks_inbox_key ON webhooks (inbox_id) WHERE inbox_id IS NOT NULL;
