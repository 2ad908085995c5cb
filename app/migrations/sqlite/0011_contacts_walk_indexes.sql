-- A search first reads the next few thousand contacts in page order and keeps those
-- containing the words: with search_text in the page-order indexes that walk reads
-- index pages only, instead of one table row per contact.
DROP INDEX contacts_sort_name_idx;
CREATE INDEX contacts_sort_name_idx ON contacts (account_id, sort_name, id, search_text);
DROP INDEX contacts_activity_idx;
CREATE INDEX contacts_activity_idx ON contacts (account_id, last_activity_at, id, search_text);
