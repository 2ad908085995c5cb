-- Chatwoot's custom filters (`/custom_filters`): an agent's saved query of the
-- conversation or contact filter (or a report's), kept as sent so Chatwoot's clients
-- (its mobile app's folders) read back what they wrote. Each agent sees only her own.
CREATE TABLE custom_filters (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    filter_type TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX custom_filters_agent ON custom_filters (agent_id, filter_type);
