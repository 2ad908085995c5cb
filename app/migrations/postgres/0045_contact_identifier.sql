-- A contact's identifier in the customer's own systems (Chatwoot's `identifier`): set
-- through the API, or by the website when it vouches for a signed-in user. At most one
-- contact per identifier in an account, so a shop's user id always finds the same person.
ALTER TABLE contacts ADD COLUMN identifier TEXT;
CREATE UNIQUE INDEX contacts_identifier_key ON contacts (account_id, identifier) WHERE identifier IS NOT NULL;

-- Customers a website already vouched for (a verified `user:<identifier>` identity)
-- take that identifier, where no other contact of the account holds it too.
UPDATE contacts SET identifier = (
    SELECT MIN(SUBSTR(ci.external_id, 6)) FROM contact_identities ci
    WHERE ci.contact_id = contacts.id AND ci.kind = 'visitor' AND ci.external_id LIKE 'user:%'
      AND NOT EXISTS (
          SELECT 1 FROM contact_identities o JOIN contacts oc ON oc.id = o.contact_id
          WHERE o.kind = 'visitor' AND o.external_id = ci.external_id
            AND o.contact_id <> ci.contact_id AND oc.account_id = contacts.account_id))
WHERE identifier IS NULL;
