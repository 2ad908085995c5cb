-- Teams (Equipos, issue 27): named groups of agents an administrator keeps; a
-- conversation may belong to one, which is its queue ("Sin asignar" + the team).
CREATE TABLE teams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX teams_name_key ON teams (account_id, name);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, agent_id)
);
CREATE INDEX team_members_agent_idx ON team_members (agent_id, team_id);

-- A deleted team leaves its conversations without one.
ALTER TABLE conversations ADD COLUMN team_id BIGINT REFERENCES teams(id) ON DELETE SET NULL;
-- The team's queue: its conversations of a status, newest activity first.
CREATE INDEX conversations_team_idx ON conversations (team_id, status, last_activity_at);
