-- Notifications that reach an agent away from the tab (issue 29): Web Push
-- subscriptions per browser (tied to the session that made them: signing out, or a
-- session ended by a password change, stops that browser's pushes), per-agent preferences per kind and way, the server's
-- VAPID key, and each notification's delivery state (the notifications table is the
-- queue both workers claim from, so nothing is lost across a restart).
CREATE TABLE push_subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    session_hash TEXT NOT NULL REFERENCES sessions(token_hash) ON DELETE CASCADE,
    endpoint TEXT NOT NULL,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    failures BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_sent_at BIGINT
);
CREATE UNIQUE INDEX push_subscriptions_endpoint_key ON push_subscriptions (endpoint);
CREATE INDEX push_subscriptions_agent_idx ON push_subscriptions (agent_id);

-- One row per agent and kind she changed; absent rows take the defaults in
-- app/src/notifications/model.rs.
CREATE TABLE notification_prefs (
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('mention', 'assigned', 'new_conversation', 'customer_reply')),
    push BIGINT NOT NULL,
    email BIGINT NOT NULL,
    sound BIGINT NOT NULL,
    PRIMARY KEY (agent_id, kind)
);

-- The installation's VAPID key pair (one row), made at first start unless configured;
-- the private half sealed like channel secrets.
CREATE TABLE vapid_keys (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

ALTER TABLE notifications ADD COLUMN push_pending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN push_claimed_until BIGINT;
-- NULL: no email wanted; 'pending', then 'sent' or 'skipped' (seen in the app, or active).
ALTER TABLE notifications ADD COLUMN email_state TEXT;
ALTER TABLE notifications ADD COLUMN email_claimed_until BIGINT;
CREATE INDEX notifications_push_idx ON notifications (id) WHERE push_pending = 1;
CREATE INDEX notifications_email_idx ON notifications (created_at, id) WHERE email_state = 'pending';
