-- What a website visitor typed in the pre-chat form is a claim, not an identity: the
-- email is kept beside the contact, never in `email` (which joins channels together).
ALTER TABLE contacts ADD COLUMN claimed_email TEXT;

-- Visitor tokens of verified identities (the host site's own user, proven by an HMAC
-- under the inbox's identity secret): one per browser, all naming one identity, so
-- the same customer continues her conversations on another device.
CREATE TABLE widget_sessions (
    token_hash TEXT PRIMARY KEY,
    identity_id BIGINT NOT NULL REFERENCES contact_identities(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX widget_sessions_identity_idx ON widget_sessions (identity_id);

-- A visitor's routing, socket and history go by identity.
CREATE INDEX conversations_identity_idx ON conversations (contact_identity_id, id);
