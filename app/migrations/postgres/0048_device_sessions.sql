-- A session opened by a Chatwoot client's sign-in (`POST /auth/sign_in`, the mobile
-- app's way in) rather than by the sign-in page: it is presented in the `access-token`,
-- `client` and `uid` headers, and only together with the client id it was issued to.
-- A cookie session has none. Ending sessions (a password change, a deactivation, a
-- sign-out) ends these as well: they are rows of the same table.
ALTER TABLE sessions ADD COLUMN device_client TEXT;
