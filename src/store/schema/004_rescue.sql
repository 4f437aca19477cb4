-- The critical maternal and newborn rescue network ("7+6"): the versioned
-- pairing of centres and districts, referrals and consultations with their
-- time-stamped transitions, and critical-case and death reports with their
-- reviews. Times are UTC milliseconds; dates are day numbers (Asia/Shanghai).

-- One published version of the pairing. Version 1 is the shipped sample
-- (data/rescue-network.json), loaded when the table is empty; a city admin
-- publishes the next ones. A version is never changed once published.
CREATE TABLE rescue_network_versions (
  version         INTEGER PRIMARY KEY,
  label           TEXT NOT NULL,
  effective       INTEGER NOT NULL,          -- day number: in force from this date
  sample          INTEGER NOT NULL DEFAULT 0,
  note            TEXT,
  source          TEXT,
  routing_rule    TEXT,
  routing_rule_zh TEXT,
  routing_order   TEXT NOT NULL,             -- comma-separated bases, tried in order
  created_by      INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE INDEX rescue_network_effective ON rescue_network_versions(effective, version);
CREATE TRIGGER rescue_network_versions_frozen BEFORE UPDATE ON rescue_network_versions
  BEGIN SELECT RAISE(ABORT, 'a published network version is never changed'); END;

-- Each district paired with one centre per kind, per version.
CREATE TABLE rescue_network_pairs (
  version    INTEGER NOT NULL REFERENCES rescue_network_versions(version),
  kind       TEXT NOT NULL,                  -- maternal | newborn
  district   TEXT NOT NULL,
  center_id  TEXT NOT NULL,
  center_seq INTEGER NOT NULL,               -- the centre's place in the published list
  seq        INTEGER NOT NULL,               -- the district's place in the centre's list
  PRIMARY KEY (version, kind, district)
) WITHOUT ROWID;
CREATE TRIGGER rescue_network_pairs_frozen BEFORE UPDATE ON rescue_network_pairs
  BEGIN SELECT RAISE(ABORT, 'a published network version is never changed'); END;

-- A referral (转诊) or consultation (会诊) request to a centre.
CREATE TABLE referrals (
  id                  INTEGER PRIMARY KEY,
  kind                TEXT NOT NULL,         -- maternal | newborn
  type                TEXT NOT NULL,         -- referral | consultation
  woman_id            INTEGER NOT NULL REFERENCES women(id),  -- the mother, for a newborn
  pregnancy_id        INTEGER REFERENCES pregnancies(id),
  child_id            INTEGER REFERENCES children(id),
  from_institution_id TEXT NOT NULL,
  from_district       TEXT NOT NULL,
  patient_district    TEXT NOT NULL,         -- residence district when requested
  reason              TEXT NOT NULL,
  urgency             TEXT NOT NULL,         -- emergency | urgent | routine
  indications         TEXT NOT NULL DEFAULT '[]',  -- JSON array of codes
  network_version     INTEGER NOT NULL REFERENCES rescue_network_versions(version),
  routing_basis       TEXT NOT NULL,
  routing_district    TEXT NOT NULL,
  first_center_id     TEXT NOT NULL,         -- where the routing rule sent it
  center_id           TEXT NOT NULL,         -- where it waits or was handled now
  state               TEXT NOT NULL,         -- requested | accepted | in_transit | arrived | closed
  outcome             TEXT,                  -- recovered | transferred | died, when closed
  redirects           INTEGER NOT NULL DEFAULT 0,
  requested_at        INTEGER NOT NULL,      -- the first request
  center_requested_at INTEGER NOT NULL,      -- when it reached center_id (the request or the last redirect)
  accepted_at         INTEGER,
  in_transit_at       INTEGER,
  arrived_at          INTEGER,
  closed_at           INTEGER,
  last_at             INTEGER NOT NULL,      -- the latest transition's time
  created_by          INTEGER,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  version             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX referrals_center ON referrals(center_id, state, requested_at);
CREATE INDEX referrals_from ON referrals(from_institution_id, state);
CREATE INDEX referrals_patient_district ON referrals(patient_district, state);
CREATE INDEX referrals_from_district ON referrals(from_district, state);
CREATE INDEX referrals_requested ON referrals(requested_at);
CREATE INDEX referrals_pregnancy ON referrals(pregnancy_id);
CREATE INDEX referrals_child ON referrals(child_id);

-- Every transition, the request included, with its time and its user.
CREATE TABLE referral_events (
  id           INTEGER PRIMARY KEY,
  referral_id  INTEGER NOT NULL REFERENCES referrals(id),
  from_state   TEXT,                         -- NULL for the request
  to_state     TEXT NOT NULL,
  at           INTEGER NOT NULL,
  center_id    TEXT NOT NULL,                -- the centre it was at
  to_center_id TEXT,                         -- redirected: the new centre
  outcome      TEXT,
  note         TEXT,
  user_id      INTEGER,
  username     TEXT,
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events(referral_id, id);
CREATE TRIGGER referral_events_no_update BEFORE UPDATE ON referral_events
  BEGIN SELECT RAISE(ABORT, 'referral transitions are append-only'); END;

-- Critical maternal cases and maternal, perinatal and under-5 deaths, with
-- the one review (评审) each gets.
CREATE TABLE critical_events (
  id                 INTEGER PRIMARY KEY,
  kind               TEXT NOT NULL,          -- critical_maternal | maternal_death | perinatal_death | under5_death
  woman_id           INTEGER NOT NULL REFERENCES women(id),  -- the mother, for a child
  child_id           INTEGER REFERENCES children(id),
  pregnancy_id       INTEGER REFERENCES pregnancies(id),     -- her open pregnancy when reported
  closed_pregnancy   INTEGER NOT NULL DEFAULT 0,             -- a maternal death closed it
  occurred_at        INTEGER NOT NULL,
  reported_at        INTEGER NOT NULL,
  report_within_ms   INTEGER,                -- the deadline that applied (NULL: none)
  late               INTEGER NOT NULL DEFAULT 0,
  cause              TEXT NOT NULL,
  place              TEXT NOT NULL,
  district           TEXT NOT NULL,          -- the patient's residence district
  institution_id     TEXT,                   -- the reporting institution
  reported_by        INTEGER,
  created_at         INTEGER NOT NULL,
  reviewed           INTEGER NOT NULL DEFAULT 0,
  reviewed_at        INTEGER,
  review_panel       TEXT,                   -- JSON: a string or an array of names
  review_conclusion  TEXT,
  preventability     TEXT,
  review_factors     TEXT,                   -- JSON array
  reviewed_by        INTEGER,
  review_recorded_at INTEGER
);
CREATE INDEX critical_events_woman ON critical_events(woman_id, kind);
CREATE INDEX critical_events_child ON critical_events(child_id, kind);
CREATE INDEX critical_events_unreviewed ON critical_events(reviewed, district, occurred_at);
CREATE INDEX critical_events_occurred ON critical_events(occurred_at);
