-- Full-text search over messages (issue 28): an external-content FTS5 table over
-- messages.body with the trigram tokenizer, case and diacritics folded, so words,
-- fragments of 3+ characters and quoted phrases are substring matches served by the
-- index ("facturacion" finds "facturación"). Activity lines are not indexed. Triggers
-- keep it in the writing transaction: a deleted contact's messages leave it at once.
CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='id', tokenize='trigram remove_diacritics 1');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.direction <> 'activity' BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.direction <> 'activity' BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages WHEN old.direction <> 'activity' BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;
INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages WHERE direction <> 'activity';
