-- Per-agent access tokens of the Chatwoot-compatible API (issue 30). Requests are
-- looked up by the token's SHA-256; the sealed copy (XChaCha20-Poly1305 under the
-- installation's secret key, as channel secrets are) lets Mi perfil show the token
-- again, which a hash alone cannot. One token per agent: regenerating replaces the row,
-- so the old token stops working in the same statement.
CREATE TABLE api_access_tokens (
    agent_id BIGINT PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
