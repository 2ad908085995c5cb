-- "No reply for N minutes" (issue 32): a rule looks at a waiting customer once per
-- wait. A row claims (rule, conversation, the moment she started waiting) in the
-- transaction that applies the rule, so a crash applies it whole or not at all and
-- two replicas apply it once; a reply ends the wait, and her next message starts a
-- new one the rule may act on again. Rows of waits that ended are pruned.
CREATE TABLE automation_no_reply_runs (
    rule_id BIGINT NOT NULL REFERENCES automation_rules(id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    waiting_since BIGINT NOT NULL,
    PRIMARY KEY (rule_id, conversation_id, waiting_since)
);
CREATE INDEX automation_no_reply_runs_conversation ON automation_no_reply_runs (conversation_id);
