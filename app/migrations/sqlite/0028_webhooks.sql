-- Webhooks of the Chatwoot-compatible API (issue 30): an administrator's URLs with the
-- events each wants, signed with a secret of its own (sealed at rest). Deliveries are
-- a queue: the dispatcher turns the event log into rows (its cursor moves in the same
-- transaction, so a crash neither loses nor repeats one), the sender claims due rows
-- with a lease, retries with backoff, and keeps each row as the webhook's delivery log.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL,
    -- JSON array of Chatwoot's event names.
    subscriptions TEXT NOT NULL,
    -- Private notes are sent only to webhooks that ask for them.
    include_private BIGINT NOT NULL DEFAULT 0,
    secret_sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX webhooks_url_key ON webhooks (account_id, url);

-- How far each account's event log has been turned into deliveries.
CREATE TABLE webhook_cursors (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    last_event_id BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    last_status BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, id);
