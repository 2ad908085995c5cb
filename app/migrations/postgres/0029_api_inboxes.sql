-- The API channel (issue 30): an inbox whose customers arrive through Chatwoot's
-- Client API and whose replies go to the inbox's webhook URL. `web_token` holds its
-- public `inbox_identifier`, as it holds a web-chat inbox's widget token.
ALTER TABLE inboxes DROP CONSTRAINT inboxes_channel_kind_check;
ALTER TABLE inboxes ADD CONSTRAINT inboxes_channel_kind_check
    CHECK (channel_kind IN ('web_chat', 'whatsapp', 'email', 'api'));

-- An API inbox's webhook URL is a webhook of its own: every event of that inbox, no
-- subscription to choose, through the same queue. Administrators' webhooks are the
-- rows without an inbox; a URL is unique among those, and an inbox has one at most.
ALTER TABLE webhooks ADD COLUMN inbox_id BIGINT REFERENCES inboxes(id) ON DELETE CASCADE;
DROP INDEX webhooks_url_key;
CREATE UNIQUE INDEX webhooks_url_key ON webhooks (account_id, url) WHERE inbox_id IS NULL;
CREATE UNIQUE INDEX webhooks_inbox_key ON webhooks (inbox_id) WHERE inbox_id IS NOT NULL;
