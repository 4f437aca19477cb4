-- Birth: newborn screening, birth medical certificate number blocks, the
-- numbers themselves, certificates (first issue, replacement, reissue) and
-- the birth one-stop (出生一件事) service record with its downstream steps.
-- Times are UTC milliseconds; care dates are day numbers (Asia/Shanghai).

-- One screening test of a child. A positive or refer result opens a recall
-- that stays open until a confirmatory diagnosis is recorded.
CREATE TABLE screenings (
  id              INTEGER PRIMARY KEY,
  child_id        INTEGER NOT NULL REFERENCES children(id),
  kind            TEXT NOT NULL,        -- metabolic | hearing | chd
  panel           TEXT,
  sampled_at      INTEGER,              -- NULL when refused / not done
  result          TEXT NOT NULL,        -- negative | positive | refer | refused | not_done
  details         TEXT,                 -- JSON
  recall          TEXT NOT NULL,        -- none | open | closed
  diagnosis_date  INTEGER,
  diagnosis       TEXT,
  confirmed       INTEGER,
  diagnosed_by    INTEGER,
  diagnosed_at    INTEGER,
  institution_id  TEXT,
  user_id         INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE INDEX screenings_child ON screenings(child_id, kind, result);
CREATE INDEX screenings_recall ON screenings(recall, created_at) WHERE recall = 'open';

-- Blank-form number blocks handed to an institution: numbers first..last
-- under one capital letter. `next` is the next unused number (last+1 when
-- the block is used up); it only moves forward, so a number is never
-- handed out twice.
CREATE TABLE certificate_blocks (
  id             INTEGER PRIMARY KEY,
  institution_id TEXT NOT NULL,
  letter         TEXT NOT NULL,
  first          INTEGER NOT NULL,
  last           INTEGER NOT NULL,
  next           INTEGER NOT NULL,
  created_by     INTEGER,
  created_at     INTEGER NOT NULL,
  CHECK (first <= last AND next >= first AND next <= last + 1)
);
CREATE INDEX certificate_blocks_range ON certificate_blocks(letter, first, last);
CREATE INDEX certificate_blocks_inst ON certificate_blocks(institution_id, letter, first);

-- Every number that left a block, with how it ended: issued (on a
-- certificate) or voided (a misprint, a replaced or lost certificate, a
-- spoiled blank). The primary key makes reuse impossible.
CREATE TABLE certificate_numbers (
  number         TEXT PRIMARY KEY,
  block_id       INTEGER NOT NULL REFERENCES certificate_blocks(id),
  status         TEXT NOT NULL,         -- issued | voided
  certificate_id INTEGER,
  taken_at       INTEGER NOT NULL,
  voided_at      INTEGER,
  reason         TEXT
) WITHOUT ROWID;
CREATE INDEX certificate_numbers_block ON certificate_numbers(block_id);

CREATE TABLE birth_certificates (
  id                      INTEGER PRIMARY KEY,
  child_id                INTEGER NOT NULL REFERENCES children(id),
  mother_id               INTEGER NOT NULL REFERENCES women(id),
  kind                    TEXT NOT NULL,     -- first | replacement | reissue
  status                  TEXT NOT NULL,     -- applied | issued | voided
  number                  TEXT UNIQUE,
  child_name              TEXT NOT NULL,
  birth_date              INTEGER NOT NULL,
  mother                  TEXT NOT NULL,     -- JSON {name, nationality, ethnicity, id_type, id_number, address, ...}
  father                  TEXT,              -- JSON or NULL (printed as "/")
  applicant               TEXT,              -- JSON {name, relation}
  printed                 TEXT,              -- JSON of every printed field, frozen at issue
  delivery_institution_id TEXT NOT NULL,
  issuing_institution_id  TEXT,
  applied_by              INTEGER,
  applied_at              INTEGER NOT NULL,
  issued_by               INTEGER,
  issued_at               INTEGER,
  issued_on               INTEGER,
  voided_by               INTEGER,
  voided_at               INTEGER,
  void_reason             TEXT,
  previous_id             INTEGER REFERENCES birth_certificates(id),
  next_id                 INTEGER REFERENCES birth_certificates(id),
  reason                  TEXT,              -- of a replacement or reissue
  version                 INTEGER NOT NULL DEFAULT 1,
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER NOT NULL
);
CREATE INDEX birth_certificates_child ON birth_certificates(child_id, id);
-- one person, one certificate: at most one applied or issued at a time
CREATE UNIQUE INDEX birth_certificates_live ON birth_certificates(child_id) WHERE status IN ('applied', 'issued');
CREATE INDEX birth_certificates_applied ON birth_certificates(delivery_institution_id, status) WHERE status = 'applied';

-- The birth one-stop: created when a child's certificate is first issued;
-- downstream systems report each step.
CREATE TABLE birth_services (
  id             INTEGER PRIMARY KEY,
  child_id       INTEGER NOT NULL UNIQUE REFERENCES children(id),
  mother_id      INTEGER NOT NULL REFERENCES women(id),
  certificate_id INTEGER NOT NULL REFERENCES birth_certificates(id),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX birth_services_mother ON birth_services(mother_id);

CREATE TABLE birth_service_steps (
  service_id INTEGER NOT NULL REFERENCES birth_services(id),
  step       TEXT NOT NULL,     -- household_registration | medical_insurance | social_security_card
  seq        INTEGER NOT NULL,
  status     TEXT NOT NULL,     -- pending | sent | done | failed
  detail     TEXT,
  updated_at INTEGER NOT NULL,
  updated_by INTEGER,
  PRIMARY KEY (service_id, step)
) WITHOUT ROWID;
