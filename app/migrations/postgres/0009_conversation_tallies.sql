-- Tab counts kept by the database itself: how many conversations each inbox has per
-- status and assignee (0: unassigned). The list's counts are sums over a few of these
-- rows instead of a COUNT over every conversation on each request, and triggers keep
-- them right whatever code path changes a conversation.
CREATE TABLE conversation_tallies (
    inbox_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    assignee_id BIGINT NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (inbox_id, status, assignee_id)
);

INSERT INTO conversation_tallies (inbox_id, status, assignee_id, total)
SELECT inbox_id, status, COALESCE(assignee_id, 0), COUNT(*)
FROM conversations GROUP BY inbox_id, status, COALESCE(assignee_id, 0);

CREATE FUNCTION conversation_tally() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR TG_OP = 'DELETE' THEN
        UPDATE conversation_tallies SET total = total - 1
        WHERE inbox_id = OLD.inbox_id AND status = OLD.status
          AND assignee_id = COALESCE(OLD.assignee_id, 0);
    END IF;
    IF TG_OP = 'UPDATE' OR TG_OP = 'INSERT' THEN
        INSERT INTO conversation_tallies (inbox_id, status, assignee_id, total)
        VALUES (NEW.inbox_id, NEW.status, COALESCE(NEW.assignee_id, 0), 1)
        ON CONFLICT (inbox_id, status, assignee_id)
        DO UPDATE SET total = conversation_tallies.total + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER conversations_tally_change AFTER INSERT OR DELETE ON conversations
FOR EACH ROW EXECUTE FUNCTION conversation_tally();

CREATE TRIGGER conversations_tally_update AFTER UPDATE OF inbox_id, status, assignee_id ON conversations
FOR EACH ROW
WHEN (OLD.inbox_id IS DISTINCT FROM NEW.inbox_id OR OLD.status IS DISTINCT FROM NEW.status
      OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
EXECUTE FUNCTION conversation_tally();
