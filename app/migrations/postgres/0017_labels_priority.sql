-- Triage (issue 27): labels an administrator defines, put on conversations by agents,
-- and a priority on each conversation (0 none, 1 low, 2 medium, 3 high, 4 urgent: a
-- number so the list can sort by it).
CREATE TABLE labels (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    color TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX labels_name_key ON labels (account_id, name);

CREATE TABLE conversation_labels (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    label_id BIGINT NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, label_id)
);
-- The list filtered by a label walks the label's conversations.
CREATE INDEX conversation_labels_label_idx ON conversation_labels (label_id, conversation_id);

ALTER TABLE conversations ADD COLUMN priority BIGINT NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 4);

-- SQLite's group_concat, so the list row's label ids are read by one portable
-- statement on both databases.
CREATE FUNCTION charla_concat_step(acc TEXT, item TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN acc IS NULL THEN item ELSE acc || ',' || item END $$;
CREATE AGGREGATE group_concat(TEXT) (SFUNC = charla_concat_step, STYPE = TEXT);
