-- Per-agent capacity (issue 27): automatic assignment skips an agent who already has
-- this many open conversations across all her inboxes; 0 means no limit (the inbox's
-- own limit still applies).
ALTER TABLE agents ADD COLUMN max_open BIGINT NOT NULL DEFAULT 0;
