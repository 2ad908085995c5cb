-- Unread counts without counting messages per row: each conversation keeps how many
-- incoming messages it has, and each agent's read mark keeps how many there were when
-- the agent read it. Unread = the difference (+ 1 when marked unread). A late-arriving
-- message stamped before the agent's read (a delayed WhatsApp delivery) now counts too.
ALTER TABLE conversations ADD COLUMN incoming_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversation_reads ADD COLUMN read_incoming BIGINT NOT NULL DEFAULT 0;

UPDATE conversations SET incoming_count = (
    SELECT COUNT(*) FROM messages m
    WHERE m.conversation_id = conversations.id AND m.direction = 'incoming'
);
UPDATE conversation_reads SET read_incoming = (
    SELECT COUNT(*) FROM messages m
    WHERE m.conversation_id = conversation_reads.conversation_id
      AND m.direction = 'incoming' AND m.created_at <= conversation_reads.last_read_at
);

CREATE TRIGGER messages_incoming_count AFTER INSERT ON messages
WHEN NEW.direction = 'incoming'
BEGIN
    UPDATE conversations SET incoming_count = incoming_count + 1 WHERE id = NEW.conversation_id;
END;
