-- Reports (issue 31), kept by the database as things happen, whatever code path (or
-- import) writes a conversation or a message:
-- - report_events: one row per measured moment of a conversation (opened, reopened,
--   resolved, an agent's first response, each reply to a waiting customer) with its
--   duration in seconds; `business_value` is the same duration counted in the inbox's
--   business hours, filled in by a worker (NULL until then).
-- - report_slots: counts per quarter of an hour (UTC), inbox, agent and team (0: none),
--   so that a period's totals and its days in any time zone (every zone's offset is a
--   whole number of quarter hours) are sums over a few rows, never a scan of messages.
CREATE TABLE report_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    conversation_id BIGINT NOT NULL,
    inbox_id BIGINT NOT NULL,
    agent_id BIGINT,
    team_id BIGINT,
    started_at BIGINT NOT NULL,
    at BIGINT NOT NULL,
    value BIGINT NOT NULL,
    business_value BIGINT
);
CREATE INDEX report_events_period ON report_events (account_id, name, at);
CREATE INDEX report_events_conversation ON report_events (conversation_id, name);
CREATE INDEX report_events_business_pending ON report_events (id) WHERE business_value IS NULL;

CREATE TABLE report_slots (
    account_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    slot BIGINT NOT NULL,
    inbox_id BIGINT NOT NULL,
    agent_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    total BIGINT NOT NULL,
    value_sum BIGINT NOT NULL,
    PRIMARY KEY (account_id, name, slot, inbox_id, agent_id, team_id)
);

CREATE TRIGGER report_events_slot AFTER INSERT ON report_events BEGIN
    INSERT INTO report_slots (account_id, name, slot, inbox_id, agent_id, team_id, total, value_sum)
    VALUES (NEW.account_id, NEW.name, NEW.at / 900000, NEW.inbox_id, COALESCE(NEW.agent_id, 0),
            COALESCE(NEW.team_id, 0), 1, NEW.value)
    ON CONFLICT (account_id, name, slot, inbox_id, agent_id, team_id)
    DO UPDATE SET total = total + 1, value_sum = value_sum + excluded.value_sum;
END;

CREATE TRIGGER report_conversation_created AFTER INSERT ON conversations BEGIN
    INSERT INTO report_events (account_id, name, conversation_id, inbox_id, agent_id, team_id, started_at, at, value)
    VALUES (NEW.account_id, 'opened', NEW.id, NEW.inbox_id, NEW.assignee_id, NEW.team_id,
            NEW.created_at, NEW.created_at, 0);
    INSERT INTO report_events (account_id, name, conversation_id, inbox_id, agent_id, team_id, started_at, at, value)
    SELECT NEW.account_id, 'resolved', NEW.id, NEW.inbox_id, NEW.assignee_id, NEW.team_id,
           NEW.created_at, NEW.updated_at, MAX(NEW.updated_at - NEW.created_at, 0) / 1000
    WHERE NEW.status = 'resolved';
END;

-- A resolution is timed from the conversation's start or its latest reopening.
CREATE TRIGGER report_conversation_status AFTER UPDATE OF status ON conversations
WHEN OLD.status <> NEW.status AND (OLD.status = 'resolved' OR NEW.status = 'resolved') BEGIN
    INSERT INTO report_events (account_id, name, conversation_id, inbox_id, agent_id, team_id, started_at, at, value)
    SELECT NEW.account_id, 'reopened', NEW.id, NEW.inbox_id, NEW.assignee_id, NEW.team_id,
           NEW.updated_at, NEW.updated_at, 0
    WHERE OLD.status = 'resolved';
    INSERT INTO report_events (account_id, name, conversation_id, inbox_id, agent_id, team_id, started_at, at, value)
    SELECT NEW.account_id, 'resolved', NEW.id, NEW.inbox_id, NEW.assignee_id, NEW.team_id,
           s.start, NEW.updated_at, MAX(NEW.updated_at - s.start, 0) / 1000
    FROM (SELECT COALESCE(MAX(r.at), NEW.created_at) AS start FROM report_events r
          WHERE r.conversation_id = NEW.id AND r.name = 'reopened') s
    WHERE NEW.status = 'resolved';
END;

-- Messages received (credited to the conversation's agent) and sent by agents (to the
-- sender; a bot's or an automatic message is not the team's). An agent's public reply
-- to a customer who was waiting is a reply, timed from her first message since the
-- team's previous reply; a conversation's first reply is also its first response (an
-- agent who starts a conversation has not responded to anyone yet).
-- Notes, bots and automatic messages never answer anyone.
CREATE TRIGGER report_message_created AFTER INSERT ON messages
WHEN NEW.private = 0 AND (NEW.direction = 'incoming' OR (NEW.direction = 'outgoing' AND NEW.sender_agent_id IS NOT NULL))
BEGIN
    INSERT INTO report_slots (account_id, name, slot, inbox_id, agent_id, team_id, total, value_sum)
    SELECT NEW.account_id, CASE NEW.direction WHEN 'incoming' THEN 'received' ELSE 'sent' END,
           NEW.created_at / 900000, NEW.inbox_id,
           CASE NEW.direction WHEN 'incoming' THEN COALESCE(c.assignee_id, 0) ELSE NEW.sender_agent_id END,
           COALESCE(c.team_id, 0), 1, 0
    FROM conversations c WHERE c.id = NEW.conversation_id
    ON CONFLICT (account_id, name, slot, inbox_id, agent_id, team_id) DO UPDATE SET total = total + 1;
    INSERT INTO report_events (account_id, name, conversation_id, inbox_id, agent_id, team_id, started_at, at, value)
    SELECT NEW.account_id, k.name, NEW.conversation_id, NEW.inbox_id, NEW.sender_agent_id, c.team_id,
           w.start, NEW.created_at, MAX(NEW.created_at - w.start, 0) / 1000
    FROM (SELECT
            (SELECT MIN(i.created_at) FROM messages i
             WHERE i.conversation_id = NEW.conversation_id AND i.direction = 'incoming' AND i.id < NEW.id
               AND i.id > COALESCE((SELECT MAX(o.id) FROM messages o
                   WHERE o.conversation_id = NEW.conversation_id AND o.direction = 'outgoing'
                     AND o.private = 0 AND o.sender_agent_id IS NOT NULL AND o.id < NEW.id), 0)) AS start,
            EXISTS (SELECT 1 FROM report_events f
                    WHERE f.conversation_id = NEW.conversation_id AND f.name = 'first_response') AS answered) w
    JOIN (SELECT 'reply' AS name UNION ALL SELECT 'first_response' AS name) k
      ON k.name = 'reply' OR NOT w.answered
    JOIN conversations c ON c.id = NEW.conversation_id
    WHERE NEW.direction = 'outgoing' AND w.start IS NOT NULL;
END;

-- What happened before this migration, measured the same way.
INSERT INTO report_events (account_id, name, conversation_id, inbox_id, agent_id, team_id, started_at, at, value)
SELECT account_id, 'opened', id, inbox_id, assignee_id, team_id, created_at, created_at, 0 FROM conversations;
INSERT INTO report_events (account_id, name, conversation_id, inbox_id, agent_id, team_id, started_at, at, value)
SELECT account_id, 'resolved', id, inbox_id, assignee_id, team_id, created_at, updated_at,
       MAX(updated_at - created_at, 0) / 1000
FROM conversations WHERE status = 'resolved';
INSERT INTO report_slots (account_id, name, slot, inbox_id, agent_id, team_id, total, value_sum)
SELECT m.account_id, CASE m.direction WHEN 'incoming' THEN 'received' ELSE 'sent' END, m.created_at / 900000,
       m.inbox_id, CASE m.direction WHEN 'incoming' THEN COALESCE(c.assignee_id, 0) ELSE m.sender_agent_id END,
       COALESCE(c.team_id, 0), COUNT(*), 0
FROM messages m JOIN conversations c ON c.id = m.conversation_id
WHERE m.private = 0 AND (m.direction = 'incoming' OR (m.direction = 'outgoing' AND m.sender_agent_id IS NOT NULL))
GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO report_events (account_id, name, conversation_id, inbox_id, agent_id, team_id, started_at, at, value)
SELECT r.account_id, 'reply', r.conversation_id, r.inbox_id, r.sender_agent_id, c.team_id,
       r.start, r.created_at, MAX(r.created_at - r.start, 0) / 1000
FROM (SELECT m.id, m.account_id, m.conversation_id, m.inbox_id, m.sender_agent_id, m.created_at,
        (SELECT MIN(i.created_at) FROM messages i
         WHERE i.conversation_id = m.conversation_id AND i.direction = 'incoming' AND i.id < m.id
           AND i.id > COALESCE((SELECT MAX(o.id) FROM messages o
               WHERE o.conversation_id = m.conversation_id AND o.direction = 'outgoing'
                 AND o.private = 0 AND o.sender_agent_id IS NOT NULL AND o.id < m.id), 0)) AS start
      FROM messages m
      WHERE m.direction = 'outgoing' AND m.private = 0 AND m.sender_agent_id IS NOT NULL) r
JOIN conversations c ON c.id = r.conversation_id
WHERE r.start IS NOT NULL
ORDER BY r.id;
INSERT INTO report_events (account_id, name, conversation_id, inbox_id, agent_id, team_id, started_at, at, value)
SELECT r.account_id, 'first_response', r.conversation_id, r.inbox_id, r.agent_id, r.team_id, r.started_at, r.at, r.value
FROM report_events r
WHERE r.name = 'reply'
  AND r.id = (SELECT MIN(f.id) FROM report_events f WHERE f.conversation_id = r.conversation_id AND f.name = 'reply')
ORDER BY r.id;

-- The account's time zone: where its reports' days begin and end.
ALTER TABLE accounts ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
