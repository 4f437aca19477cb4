-- Foundation: accounts, sessions, the women registry, the audit chain,
-- idempotent POSTs. Times are UTC milliseconds; care dates are day numbers
-- (days since 1970-01-01, Asia/Shanghai calendar).

CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  username       TEXT NOT NULL UNIQUE,
  role           TEXT NOT NULL,
  institution_id TEXT,
  district       TEXT,
  woman_id       INTEGER REFERENCES women(id),
  pwhash         TEXT NOT NULL,
  disabled       INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash  BLOB PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  revoked     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE login_failures (
  username TEXT NOT NULL,
  at       INTEGER NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);

CREATE TABLE women (
  id                 INTEGER PRIMARY KEY,
  name               TEXT NOT NULL,
  id_type            TEXT NOT NULL,
  id_number          TEXT NOT NULL,
  birth_date         INTEGER,
  phone              TEXT NOT NULL,
  residence_district TEXT NOT NULL,
  household_district TEXT,
  address            TEXT NOT NULL,
  created_by         INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  version            INTEGER NOT NULL DEFAULT 1,
  UNIQUE (id_type, id_number)
);
CREATE INDEX women_name ON women(name);
CREATE INDEX women_district ON women(residence_district);

-- The institutions that serve a woman (registration, visits, delivery): the
-- facts institution- and district-level scope is decided on.
CREATE TABLE woman_institutions (
  woman_id       INTEGER NOT NULL REFERENCES women(id),
  institution_id TEXT NOT NULL,
  district       TEXT NOT NULL,
  PRIMARY KEY (woman_id, institution_id)
) WITHOUT ROWID;
CREATE INDEX woman_institutions_inst ON woman_institutions(institution_id, woman_id);
CREATE INDEX woman_institutions_district ON woman_institutions(district, woman_id);

-- Append-only; each row's hash is SHA-256 over the previous row's hash and
-- this row's content, so a changed or deleted row breaks the chain.
CREATE TABLE audit (
  seq         INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  user_id     INTEGER,
  username    TEXT,
  role        TEXT,
  action      TEXT NOT NULL,
  resource    TEXT NOT NULL,
  resource_id TEXT,
  client_ip   TEXT,
  reason      TEXT,
  prev_hash   BLOB NOT NULL,
  hash        BLOB NOT NULL
);
CREATE INDEX audit_resource ON audit(resource, resource_id);
CREATE INDEX audit_user ON audit(username, at);
CREATE INDEX audit_at ON audit(at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;

-- A POST with an Idempotency-Key answers the first result again.
CREATE TABLE idempotency (
  user_id    INTEGER NOT NULL,
  key        TEXT NOT NULL,
  method     TEXT NOT NULL,
  path       TEXT NOT NULL,
  status     INTEGER NOT NULL,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
