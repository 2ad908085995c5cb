-- Automation rules (issue 32), in the shape Chatwoot stores them: an event, its
-- conditions and actions as JSON (`attribute_key`/`filter_operator`/`values`/
-- `query_operator`, `action_name`/`action_params`), run in `position` order. A rule
-- whose label, team, agent or inbox went away is switched off with the reason kept
-- (`disabled_reason`), never left failing silently; `runs`, `skipped_loops` and the
-- last error are what its page shows.
CREATE TABLE automation_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    event_name TEXT NOT NULL,
    conditions TEXT NOT NULL DEFAULT '[]',
    actions TEXT NOT NULL DEFAULT '[]',
    no_reply_minutes BIGINT,
    active BIGINT NOT NULL DEFAULT 1,
    position BIGINT NOT NULL DEFAULT 0,
    disabled_reason TEXT,
    runs BIGINT NOT NULL DEFAULT 0,
    skipped_loops BIGINT NOT NULL DEFAULT 0,
    last_run_at BIGINT,
    last_error TEXT,
    last_error_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX automation_rules_account ON automation_rules (account_id, event_name, position, id);

-- Where each account's rules have read its event log up to (the worker's lease in
-- `locked_until`), and which events the rules' own actions caused (they set off no
-- rule: loop protection). Pruned with the events.
CREATE TABLE automation_cursors (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    last_event_id BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE automation_event_origins (
    event_id BIGINT PRIMARY KEY,
    rule_id BIGINT NOT NULL
);
