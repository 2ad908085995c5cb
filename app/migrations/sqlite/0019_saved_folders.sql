-- Saved folders (issue 27): an agent's named filter combination over the list. The
-- filter is the list's own JSON (ListFilter), so a filter added later needs no column.
CREATE TABLE saved_folders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    tab TEXT NOT NULL,
    status TEXT NOT NULL,
    filter TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX saved_folders_name_key ON saved_folders (agent_id, name);
