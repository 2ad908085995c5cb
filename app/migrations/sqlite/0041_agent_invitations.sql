-- Agents invited by an administrator (Ajustes or Chatwoot's POST /agents) choose their
-- own password through a one-time link; until then they cannot sign in. Only the
-- link's SHA-256 is kept; a new link ends the old one.
CREATE TABLE agent_invitations (
    agent_id BIGINT PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
