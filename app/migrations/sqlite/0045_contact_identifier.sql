-- A contact's identifier in the customer's own systems (Chatwoot's `identifier`): set
-- through the API, or by the website when it vouches for a signed-in user. At most one
-- contact per identifier in an account, so a shop's user id always finds the same person.
ALTER TABLE contacts ADD COLUMN identifier TEXT;
CREATE UNIQUE INDEX contacts_identifier_key ON contacts (account_id, identifier) WHERE identifier IS NOT NULL;
