-- Child health 0–6 (domain.md §10): health checks with their WHO z-scores,
-- the schedule state the reminder job keeps per child, development
-- referrals from positive warning signs, and the autism screening pipeline.
-- Care dates are day numbers (days since 1970-01-01, Asia/Shanghai); times
-- are UTC milliseconds.

-- One health check. Measurements as entered; the z-scores as computed when
-- the check was recorded (full precision; replies round to 2 decimals), on
-- age_used_days: the corrected age of a preterm child below 731 days, else
-- the chronological age. Implausible z-scores are kept and flagged.
CREATE TABLE child_checks (
  id               INTEGER PRIMARY KEY,
  child_id         INTEGER NOT NULL REFERENCES children(id),
  date             INTEGER NOT NULL,
  age_days         INTEGER NOT NULL,
  age_used_days    INTEGER NOT NULL,
  corrected        INTEGER NOT NULL,
  window_seq       INTEGER,              -- the schedule window it filled, NULL for none
  institution_id   TEXT NOT NULL,
  user_id          INTEGER,
  weight_kg        REAL,
  length_cm        REAL,
  measured         TEXT,                 -- recumbent | standing
  head_cm          REAL,
  hb_g_l           REAL,
  teeth_erupted    INTEGER,
  caries           INTEGER,
  vision_left      TEXT,                 -- JSON value: decimal / five-point number, or "normal" | "abnormal"
  vision_right     TEXT,
  hearing          TEXT,                 -- pass | refer
  warning_band     TEXT,                 -- m3 … y6 when the signs were asked
  warning_signs    TEXT,                 -- JSON object {code: true|false}
  warning_positive INTEGER NOT NULL DEFAULT 0,
  illnesses        TEXT,
  advice           TEXT,
  next_date        INTEGER,
  notes            TEXT,
  reference        TEXT,                 -- who2006 | who2007, NULL when not scored
  length_used_cm   REAL,                 -- after the 0.7 cm correction
  bmi              REAL,
  z_wfa            REAL,
  z_lhfa           REAL,
  z_wflh           REAL,
  z_bmi            REAL,
  z_hcfa           REAL,
  implausible      INTEGER NOT NULL DEFAULT 0,  -- bits: wfa lhfa wflh bmi hcfa, 32 = standing before 9 months
  underweight      INTEGER NOT NULL DEFAULT 0,
  stunting         INTEGER NOT NULL DEFAULT 0,
  wasting          INTEGER NOT NULL DEFAULT 0,
  overweight       INTEGER NOT NULL DEFAULT 0,
  obesity          INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL
);
CREATE INDEX child_checks_child ON child_checks(child_id, date);
CREATE INDEX child_checks_date ON child_checks(date);

-- The schedule state of a child, kept by the background job (jobs.c,
-- children pass) and by every check: when the job must look again, and
-- whether the child is overdue (and for which window). One row per live
-- child, created by the job from the children table.
CREATE TABLE child_states (
  child_id       INTEGER PRIMARY KEY REFERENCES children(id),
  next_check_on  INTEGER,               -- NULL: nothing left to do
  overdue        INTEGER NOT NULL DEFAULT 0,
  overdue_seq    INTEGER,
  overdue_from   INTEGER,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX child_states_check ON child_states(next_check_on) WHERE next_check_on IS NOT NULL;
CREATE INDEX child_states_overdue ON child_states(overdue_from) WHERE overdue = 1;

-- How far the job has enrolled children into child_states (children ids
-- only grow), so that enrolment is one range scan instead of a scan of all.
CREATE TABLE child_state_seed (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  last_child_id INTEGER NOT NULL
);
INSERT INTO child_state_seed(id, last_child_id) VALUES (1, 0);

-- A positive development warning sign: the child is referred for
-- re-screening; open until a re-screen is recorded.
CREATE TABLE development_referrals (
  id             INTEGER PRIMARY KEY,
  child_id       INTEGER NOT NULL REFERENCES children(id),
  check_id       INTEGER NOT NULL REFERENCES child_checks(id),
  date           INTEGER NOT NULL,
  band           TEXT NOT NULL,
  positive       TEXT NOT NULL,          -- JSON array of item codes
  institution_id TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'open',   -- open | rescreened
  closed_on      INTEGER,
  closed_by      INTEGER,                -- the autism_records row of the re-screen
  created_at     INTEGER NOT NULL
);
CREATE INDEX development_referrals_child ON development_referrals(child_id, date);
CREATE INDEX development_referrals_open ON development_referrals(date) WHERE status = 'open';

-- The autism screening pipeline (0–6岁儿童孤独症筛查): first screen (the warning
-- signs at a routine check, or recorded here), re-screen with an instrument
-- (CHAT-23, M-CHAT-R/F), diagnosis, intervention; each dated, at an
-- institution, in that order.
CREATE TABLE autism_records (
  id             INTEGER PRIMARY KEY,
  child_id       INTEGER NOT NULL REFERENCES children(id),
  step           TEXT NOT NULL,          -- first_screen | rescreen | diagnosis | intervention
  date           INTEGER NOT NULL,
  institution_id TEXT NOT NULL,
  instrument     TEXT,                   -- warning_signs | CHAT-23 | M-CHAT-R/F
  score          INTEGER,
  result         TEXT,                   -- positive | negative; confirmed | excluded
  detail         TEXT,                   -- diagnosis text or intervention plan
  notes          TEXT,
  check_id       INTEGER REFERENCES child_checks(id),
  user_id        INTEGER,
  created_at     INTEGER NOT NULL
);
CREATE INDEX autism_records_child ON autism_records(child_id, date);
