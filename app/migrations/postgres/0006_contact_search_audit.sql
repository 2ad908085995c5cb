-- Contacts: a sort key for "by name" (folded name, else email or phone), every row with
-- a last activity, a trigram index for substring search, an audit log, and a queue of
-- stored files to remove after a deletion commits.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- Byte order, like SQLite, so keyset cursors compare the same way on both backends.
ALTER TABLE contacts ADD COLUMN sort_name TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE contacts SET sort_name = lower(COALESCE(NULLIF(name, ''), email, phone_e164, '')),
    last_activity_at = COALESCE(last_activity_at, created_at);
DROP INDEX contacts_name_idx;
-- Also serves 1–2 character queries, which match the start of the name (in name order).
CREATE INDEX contacts_sort_name_idx ON contacts (account_id, sort_name, id);
-- Substring search (LIKE '%fragment%') served by trigrams.
CREATE INDEX contacts_search_trgm_idx ON contacts USING gin (search_text gin_trgm_ops);

-- Who did what to which record; holds ids only, never the personal data removed.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    actor_agent_id BIGINT REFERENCES agents(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_account_idx ON audit_log (account_id, id);

-- Files whose rows were deleted; a worker removes them from storage until none is left.
CREATE TABLE file_deletions (
    id BIGSERIAL PRIMARY KEY,
    storage_key TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX file_deletions_due_idx ON file_deletions (next_attempt_at, id);
