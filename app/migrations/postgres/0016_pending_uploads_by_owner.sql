-- A visitor's unsent uploads are counted on every upload (the widget's pending limit):
-- by owner, among rows without a message.
CREATE INDEX attachments_pending_owner_idx ON attachments (uploaded_by) WHERE message_id IS NULL;
