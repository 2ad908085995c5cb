-- Agent bots (issue 30): a bot is a webhook URL plus a token of its own. Connected to
-- an inbox, new conversations there start pending with it; it hears of them through a
-- webhook row of its own (`webhooks.bot_id`, the same crash-safe queue) and answers
-- through the API with its token. Its messages say who wrote them (`sender_bot_id`).
CREATE TABLE agent_bots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    outgoing_url TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    token_sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Removed bots stay (without token, URL or inboxes) so their messages keep saying
    -- who wrote them.
    deleted_at BIGINT
);
CREATE INDEX agent_bots_account_idx ON agent_bots (account_id, id);
CREATE UNIQUE INDEX agent_bots_token_key ON agent_bots (token_hash);

ALTER TABLE inboxes ADD COLUMN agent_bot_id BIGINT REFERENCES agent_bots(id) ON DELETE SET NULL;
ALTER TABLE messages ADD COLUMN sender_bot_id BIGINT REFERENCES agent_bots(id) ON DELETE SET NULL;
CREATE INDEX messages_sender_bot_idx ON messages (sender_bot_id) WHERE sender_bot_id IS NOT NULL;

-- Administrators' webhooks are now the rows with neither an inbox nor a bot.
ALTER TABLE webhooks ADD COLUMN bot_id BIGINT REFERENCES agent_bots(id) ON DELETE CASCADE;
DROP INDEX webhooks_url_key;
CREATE UNIQUE INDEX webhooks_url_key ON webhooks (account_id, url) WHERE inbox_id IS NULL AND bot_id IS NULL;
CREATE UNIQUE INDEX webhooks_bot_key ON webhooks (bot_id) WHERE bot_id IS NOT NULL;
