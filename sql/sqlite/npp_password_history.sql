-- NativePasswordPolicy's password history table, SQLite (update.php creates it).

-- Password history (policy check PasswordNotInHistory): Argon2id hashes of an account's
-- last passwords, newest last; never readable through any API.
CREATE TABLE /*_*/npp_password_history (
  nph_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  nph_user INTEGER UNSIGNED NOT NULL,
  nph_hash BLOB NOT NULL,
  nph_timestamp BLOB NOT NULL
);

CREATE INDEX nph_user_id ON /*_*/npp_password_history (nph_user, nph_id);
