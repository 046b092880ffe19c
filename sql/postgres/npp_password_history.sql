-- NativePasswordPolicy's password history table, PostgreSQL (update.php creates it).

-- Password history (policy check PasswordNotInHistory): Argon2id hashes of an account's
-- last passwords, newest last; never readable through any API.
CREATE TABLE npp_password_history (
  nph_id SERIAL NOT NULL,
  nph_user INT NOT NULL,
  nph_hash TEXT NOT NULL,
  nph_timestamp TIMESTAMPTZ NOT NULL,
  PRIMARY KEY(nph_id)
);

CREATE INDEX nph_user_id ON npp_password_history (nph_user, nph_id);
