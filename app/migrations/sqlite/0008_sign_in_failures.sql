-- Failed sign-ins, counted per email typed ("account", whether or not it exists, so the
-- limit tells nothing about which addresses have accounts) and per client address.
-- Rows older than the window are useless and swept by maintenance.
CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_key_idx ON sign_in_failures (scope, key, at);
