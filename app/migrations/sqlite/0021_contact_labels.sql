-- Labels on contacts (issue 27): the account's labels, put on a contact by agents from
-- its page; they go with the contact when it is erased (S13).
CREATE TABLE contact_labels (
    contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    label_id BIGINT NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (contact_id, label_id)
);
CREATE INDEX contact_labels_label_idx ON contact_labels (label_id, contact_id);
