-- Accounts, the agents who work in them, and their server-side sessions.
-- Timestamps are Unix milliseconds (BIGINT) so both backends and the WASM client share one type.
CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    next_conversation_number BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE agents (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    display_name TEXT,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('administrator', 'agent')),
    availability TEXT NOT NULL DEFAULT 'offline' CHECK (availability IN ('online', 'busy', 'offline')),
    locale TEXT,
    avatar_url TEXT,
    signature TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- Sign-in is by email across the whole installation.
CREATE UNIQUE INDEX agents_email_key ON agents (email);
CREATE INDEX agents_account_idx ON agents (account_id, name);

CREATE TABLE sessions (
    -- SHA-256 of the cookie token: a leaked table does not leak usable cookies.
    token_hash TEXT PRIMARY KEY,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    user_agent TEXT
);
CREATE INDEX sessions_agent_idx ON sessions (agent_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);
