-- "Waiting for a reply" (issue 27): when the customer's oldest unanswered message
-- arrived; NULL once an agent replied (a note is not a reply). The list filters by it
-- and sorts the longest waiting first.
ALTER TABLE conversations ADD COLUMN waiting_since BIGINT;
UPDATE conversations SET waiting_since = (
    SELECT MIN(m.created_at) FROM messages m
    WHERE m.conversation_id = conversations.id AND m.direction = 'incoming'
      AND m.created_at > COALESCE((
          SELECT MAX(o.created_at) FROM messages o
          WHERE o.conversation_id = conversations.id AND o.direction = 'outgoing' AND o.private = 0
      ), 0)
);
-- "Waiting longest first" walks this in order (those not waiting last, as the list
-- query writes it: the same expression, so the index serves it).
CREATE INDEX conversations_waiting_idx ON conversations (account_id, status, COALESCE(waiting_since, 9223372036854775807), id);
