-- What a rule tells the world (issue 32): "call a webhook" and "email teammates".
--
-- A rule's webhook call is an event in the log (written with the rule's other actions,
-- at its commit); the webhook dispatcher turns it into a delivery to a webhook row of
-- the rule's own (`webhooks.rule_id`, no subscriptions, one per URL), through the same
-- crash-safe queue, retries and log as every webhook. Administrators' webhooks are the
-- rows with neither an inbox, a bot nor a rule.
ALTER TABLE webhooks ADD COLUMN rule_id BIGINT REFERENCES automation_rules(id) ON DELETE CASCADE;
DROP INDEX webhooks_url_key;
CREATE UNIQUE INDEX webhooks_url_key ON webhooks (account_id, url) WHERE inbox_id IS NULL AND bot_id IS NULL AND rule_id IS NULL;
CREATE UNIQUE INDEX webhooks_rule_key ON webhooks (rule_id, url) WHERE rule_id IS NOT NULL;

-- A rule's email to a teammate: one row per recipient, written in the rule's own
-- transaction (nothing lost on a crash), sent by a worker through the server's SMTP
-- setting, retried with backoff, then failed (the rule's last error says so).
CREATE TABLE automation_mails (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    rule_id BIGINT REFERENCES automation_rules(id) ON DELETE SET NULL,
    rule_name TEXT NOT NULL,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    message TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX automation_mails_due ON automation_mails (state, next_attempt_at);
