-- Customers' WhatsApp files still to fetch from Meta. The webhook stores the message at
-- once (Meta wants its answer within seconds; an unreachable Graph must not hold the
-- text back or make Meta deliver it again) and leaves its file here; a worker of any
-- replica takes a row under a lease, fetches the file, attaches it and removes the row,
-- or tries again later with backoff.
CREATE TABLE whatsapp_media (
    message_id BIGINT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    media_id TEXT NOT NULL,
    mime_type TEXT,
    file_name TEXT,
    voice BIGINT NOT NULL DEFAULT 0,
    kind TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    last_error TEXT
);
CREATE INDEX whatsapp_media_due ON whatsapp_media (next_attempt_at);
