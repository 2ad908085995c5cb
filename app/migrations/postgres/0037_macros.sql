-- Macros (issue 32): saved sequences of actions an agent runs on a conversation, in
-- Chatwoot's shape (`actions` as JSON `action_name`/`action_params`). A personal one
-- is its author's alone; a global one every agent of the account sees and runs. Its
-- author's removal leaves a global one to the team (`created_by_agent_id` NULL).
CREATE TABLE macros (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    visibility TEXT NOT NULL DEFAULT 'personal',
    actions TEXT NOT NULL DEFAULT '[]',
    created_by_agent_id BIGINT REFERENCES agents(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX macros_account ON macros (account_id, visibility, created_by_agent_id);
