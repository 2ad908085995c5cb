-- "Every new conversation" notices waiting to be written: the customer's transaction
-- queues one row (with her message's preview, as it was) and a worker writes a
-- notification per agent who asked, in a transaction of its own (a large desk no
-- longer lengthens the customer's request). A row that keeps failing is set aside
-- after a few attempts rather than holding back the ones behind it.
CREATE TABLE notification_fanouts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    preview TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
