-- Automatic assignment (issue 27): whose turn it is in each inbox. The agent with the
-- lowest turn (none yet: 0) among those who may take a conversation gets the next one,
-- and her turn becomes the inbox's highest: a round robin that survives restarts and
-- is shared by every replica.
CREATE TABLE assignment_turns (
    inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    turn BIGINT NOT NULL,
    PRIMARY KEY (inbox_id, agent_id)
);
CREATE INDEX conversations_assignee_open_idx ON conversations (assignee_id, status);
