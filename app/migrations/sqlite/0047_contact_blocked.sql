-- A blocked contact (Chatwoot's `blocked`; muting a conversation blocks its customer,
-- as Chatwoot's "Mute conversation" does). Her messages are still kept: they join her
-- newest conversation in the inbox without reopening it, or open one already resolved,
-- and nobody is notified, assigned or auto-answered.
ALTER TABLE contacts ADD COLUMN blocked BIGINT NOT NULL DEFAULT 0;

-- A conversation a blocked contact opens is not counted as opened (nor as resolved at
-- once): a flood of unwanted conversations must not fill the reports. (Her messages
-- still count as received: they did arrive.)
DROP TRIGGER report_conversation_created;
CREATE TRIGGER report_conversation_created AFTER INSERT ON conversations
WHEN NOT EXISTS (SELECT 1 FROM contacts k WHERE k.id = NEW.contact_id AND k.blocked = 1) BEGIN
    INSERT INTO report_events (account_id, name, conversation_id, inbox_id, agent_id, team_id, started_at, at, value)
    VALUES (NEW.account_id, 'opened', NEW.id, NEW.inbox_id, NEW.assignee_id, NEW.team_id,
            NEW.created_at, NEW.created_at, 0);
    INSERT INTO report_events (account_id, name, conversation_id, inbox_id, agent_id, team_id, started_at, at, value)
    SELECT NEW.account_id, 'resolved', NEW.id, NEW.inbox_id, NEW.assignee_id, NEW.team_id,
           NEW.created_at, NEW.updated_at, MAX(NEW.updated_at - NEW.created_at, 0) / 1000
    WHERE NEW.status = 'resolved';
END;
