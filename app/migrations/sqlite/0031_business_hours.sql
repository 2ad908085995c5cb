-- Business hours (issue 31): the out-of-office reply is sent once per conversation;
-- this is when it was (NULL: not yet). The hours themselves are inbox settings.
ALTER TABLE conversations ADD COLUMN out_of_office_at BIGINT;
