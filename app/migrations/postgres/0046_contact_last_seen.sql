-- When the customer last looked at the conversation (her website chat open and
-- visible, or a Client API front saying so): Chatwoot's `contact_last_seen_at`, which
-- chat fronts and integrations read to tell whether she has seen the latest reply.
ALTER TABLE conversations ADD COLUMN contact_last_seen_at BIGINT;
