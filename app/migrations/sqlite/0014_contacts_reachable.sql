-- Todos los contactos lists only contacts with an email or a phone (S9); anonymous
-- website visitors stay visitors, found through their conversations. The page-order
-- indexes hold exactly the listed contacts, so the list and the search's walk stay
-- index-only and visitors, however many, cost them nothing.
DROP INDEX contacts_sort_name_idx;
CREATE INDEX contacts_sort_name_idx ON contacts (account_id, sort_name, id, search_text)
    WHERE email IS NOT NULL OR phone_e164 IS NOT NULL;
DROP INDEX contacts_activity_idx;
CREATE INDEX contacts_activity_idx ON contacts (account_id, last_activity_at, id, search_text)
    WHERE email IS NOT NULL OR phone_e164 IS NOT NULL;
