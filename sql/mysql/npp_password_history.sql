-- NativePasswordPolicy's password history table, MySQL and MariaDB (update.php creates it).

-- Password history (policy check PasswordNotInHistory): Argon2id hashes of an account's
-- last passwords, newest last; never readable through any API.
CREATE TABLE /*_*/npp_password_history (
  nph_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  nph_user INT UNSIGNED NOT NULL,
  nph_hash VARBINARY(255) NOT NULL,
  nph_timestamp BINARY(14) NOT NULL,
  INDEX nph_user_id (nph_user, nph_id),
  PRIMARY KEY(nph_id)
) /*$wgDBTableOptions*/;
