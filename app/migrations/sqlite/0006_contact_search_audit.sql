-- Contacts: a sort key for "by name" (folded name, else email or phone), every row with
-- a last activity, a trigram full-text index for substring search, an audit log, and
-- a queue of stored files to remove after a deletion commits.
ALTER TABLE contacts ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
UPDATE contacts SET sort_name = lower(COALESCE(NULLIF(name, ''), email, phone_e164, '')),
    last_activity_at = COALESCE(last_activity_at, created_at);
DROP INDEX contacts_name_idx;
-- Also serves 1–2 character queries, which match the start of the name (in name order).
CREATE INDEX contacts_sort_name_idx ON contacts (account_id, sort_name, id);

-- External-content FTS5 table over contacts.search_text; the trigram tokenizer turns a
-- quoted phrase into a substring match served by the index.
CREATE VIRTUAL TABLE contacts_fts USING fts5(search_text, content='contacts', content_rowid='id', tokenize='trigram');
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF search_text ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO contacts_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');

-- Who did what to which record; holds ids only, never the personal data removed.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    storage_key TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX file_deletions_due_idx ON file_deletions (next_attempt_at, id);
