-- Full-text search over messages (issue 28): a trigram GIN index over the folded body
-- (lower case, accents removed by unaccent), so words, fragments of 3+ characters and
-- quoted phrases are substring matches served by the index ("facturacion" finds
-- "facturación"). Activity lines are not indexed. Kept by PostgreSQL itself in the
-- writing transaction: a deleted contact's messages leave it at once.
CREATE EXTENSION IF NOT EXISTS unaccent;
-- unaccent() is only STABLE (its dictionary could change); the index needs an
-- IMMUTABLE expression naming the dictionary explicitly.
CREATE OR REPLACE FUNCTION charla_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
CREATE INDEX messages_search_trgm_idx ON messages USING gin (charla_fold(body) gin_trgm_ops)
    WHERE direction <> 'activity';
