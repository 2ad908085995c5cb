-- Automatic assignment reads an agent's open conversations from the tallies (kept by
-- triggers) rather than counting her conversations on every pick; her limit across
-- every inbox sums her rows, found by this index.
CREATE INDEX conversation_tallies_assignee_idx ON conversation_tallies (assignee_id, status);
