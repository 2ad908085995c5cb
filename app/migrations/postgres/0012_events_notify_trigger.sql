-- Every replica hears a committed event through NOTIFY. The database announces its own
-- rows: the notification is queued by the insert itself, so a transaction holds the
-- account's event lock (see app/src/db/events.rs) for its insert and its commit only,
-- not for one more round trip. Row triggers of a multi-row insert fire in row order,
-- which is id order, and notifications are delivered in the order they were queued.
-- The payload is the EventEnvelope as JSON (app/src/events.rs); NOTIFY payloads must
-- stay under 8000 bytes, so a larger event travels as a reference the listener reads.
CREATE FUNCTION charla_notify_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    body TEXT;
BEGIN
    body := json_build_object(
        'id', NEW.id,
        'account_id', NEW.account_id,
        'scope', json_build_object(
            'inbox_id', NEW.inbox_id,
            'conversation_id', NEW.conversation_id,
            'agent_id', NEW.agent_id),
        'created_at', NEW.created_at,
        'event', NEW.payload::json)::text;
    IF octet_length(body) > 7000 THEN
        body := json_build_object('ref', NEW.id, 'account_id', NEW.account_id)::text;
    END IF;
    PERFORM pg_notify('charla_events', body);
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION charla_notify_event();
