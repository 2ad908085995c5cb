-- Message search with a date range (issue 28): results newest first by the message's
-- own time, read from the range's newest end through this index rather than by walking
-- every match newer than the range. The id makes the order total (the keyset pages).
CREATE INDEX messages_created_idx ON messages (created_at, id);
