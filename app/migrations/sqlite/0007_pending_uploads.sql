-- Files uploaded from a composer before their message is sent (S5, S6): a row with no
-- message yet, owned by whoever uploaded it ("agent:<id>" or "visitor:<identity id>")
-- and, for agents, bound to the conversation it was uploaded for. Sending a message
-- claims them; abandoned ones are swept after a day.
ALTER TABLE attachments ADD COLUMN uploaded_by TEXT;
ALTER TABLE attachments ADD COLUMN pending_conversation_id BIGINT;
CREATE INDEX attachments_pending_idx ON attachments (created_at) WHERE message_id IS NULL;
