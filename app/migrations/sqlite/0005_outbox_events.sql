-- The outbox of pending channel deliveries and the event log behind live updates.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    channel_kind TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- A worker's lease: another worker (or replica) skips the row until it expires.
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX outbox_due_idx ON outbox (state, next_attempt_at, id);
CREATE INDEX outbox_message_idx ON outbox (message_id);

CREATE TABLE events (
    -- Strictly increasing: clients resume with "everything after id N".
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- Scope for filtering: NULL inbox means every agent of the account may see it.
    inbox_id BIGINT REFERENCES inboxes(id) ON DELETE CASCADE,
    conversation_id BIGINT REFERENCES conversations(id) ON DELETE CASCADE,
    -- Set for events meant for one agent only (notifications).
    agent_id BIGINT REFERENCES agents(id) ON DELETE CASCADE,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX events_account_idx ON events (account_id, id);
CREATE INDEX events_created_idx ON events (created_at);
