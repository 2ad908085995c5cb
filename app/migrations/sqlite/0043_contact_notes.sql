-- Notes on a contact (Notas, Chatwoot's contact notes): what the team knows about a
-- customer, written by an agent. They go with the contact when it is deleted or merged
-- away; a deactivated author keeps her name on them (agents are deactivated, not
-- deleted).
CREATE TABLE contact_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    agent_id BIGINT REFERENCES agents(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX contact_notes_contact ON contact_notes (contact_id, id);
