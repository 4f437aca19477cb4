-- Pregnancy care: registration cards, visits and labs, risk gradings,
-- high-risk cases, continuation assessments, reminders (outbox),
-- appointments, deliveries, children, postpartum tasks and visits.
-- Care dates are day numbers (days since 1970-01-01, Asia/Shanghai).

CREATE TABLE pregnancies (
  id                        INTEGER PRIMARY KEY,
  woman_id                  INTEGER NOT NULL REFERENCES women(id),
  status                    TEXT NOT NULL,            -- open | delivered | closed
  outcome                   TEXT,                     -- delivery | miscarriage | ... | maternal_death
  ended_on                  INTEGER,
  lmp                       INTEGER NOT NULL,
  edd                       INTEGER NOT NULL,
  dating                    TEXT NOT NULL,            -- lmp | ultrasound
  registered_on             INTEGER NOT NULL,
  registered_ga_days        INTEGER NOT NULL,
  early_registration        INTEGER NOT NULL,
  institution_id            TEXT NOT NULL,            -- where she registered
  institution_district      TEXT NOT NULL,
  residence_district        TEXT NOT NULL,            -- at registration, for statistics
  delivery_institution_id   TEXT,                     -- the big card's hospital
  gravidity                 INTEGER NOT NULL,
  parity                    INTEGER NOT NULL,
  previous_caesareans       INTEGER NOT NULL,
  other_uterine_operations  INTEGER NOT NULL DEFAULT 0,
  last_uterine_surgery_date INTEGER,
  previous_miscarriages     INTEGER NOT NULL,
  assisted_reproduction     INTEGER NOT NULL,
  fetuses                   INTEGER NOT NULL,
  height_cm                 REAL NOT NULL,
  weight_kg                 REAL NOT NULL,
  schedule_id               TEXT NOT NULL,
  declared_factors          TEXT NOT NULL DEFAULT '[]', -- JSON array of codes, the clinician's current set
  color                     TEXT NOT NULL DEFAULT 'green',
  purple                    INTEGER NOT NULL DEFAULT 0,
  risk_assessment_id        INTEGER,
  overdue                   INTEGER NOT NULL DEFAULT 0,
  next_check_on             INTEGER,                  -- when the reminder job must look again
  created_by                INTEGER,
  created_at                INTEGER NOT NULL,
  updated_at                INTEGER NOT NULL,
  version                   INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pregnancies_woman ON pregnancies(woman_id);
-- one open pregnancy per woman
CREATE UNIQUE INDEX pregnancies_one_open ON pregnancies(woman_id) WHERE status = 'open';
CREATE INDEX pregnancies_status_color ON pregnancies(status, color);
CREATE INDEX pregnancies_overdue ON pregnancies(overdue) WHERE overdue = 1;
CREATE INDEX pregnancies_check ON pregnancies(next_check_on) WHERE status = 'open';

CREATE TABLE pregnancy_cards (
  id             INTEGER PRIMARY KEY,
  pregnancy_id   INTEGER NOT NULL REFERENCES pregnancies(id),
  card           TEXT NOT NULL,      -- small | big
  institution_id TEXT NOT NULL,
  on_date        INTEGER NOT NULL,
  ga_days        INTEGER NOT NULL,
  user_id        INTEGER,
  created_at     INTEGER NOT NULL
);
CREATE INDEX pregnancy_cards_preg ON pregnancy_cards(pregnancy_id);

-- Antenatal visits (kind 'visit') and lab results sent alone (kind 'labs').
CREATE TABLE visits (
  id                         INTEGER PRIMARY KEY,
  pregnancy_id               INTEGER NOT NULL REFERENCES pregnancies(id),
  kind                       TEXT NOT NULL,
  date                       INTEGER NOT NULL,
  ga_days                    INTEGER NOT NULL,
  window_seq                 INTEGER,
  institution_id             TEXT,
  user_id                    INTEGER,
  weight_kg REAL, sbp REAL, dbp REAL, fundal_height_cm REAL, abdominal_circumference_cm REAL,
  fetal_heart_rate REAL, hb_g_l REAL, plt_10e9_l REAL, creatinine_umol_l REAL, creatinine_uln_umol_l REAL,
  spo2_percent REAL, ef_percent REAL, pasp_mmhg REAL, fasting_glucose_mmol_l REAL,
  presentation               TEXT,
  edema                      TEXT,
  urine_protein              TEXT,
  hiv                        TEXT,
  syphilis                   TEXT,
  hbsag                      TEXT,
  declared_factors           TEXT,   -- JSON array when the visit set them
  notes                      TEXT,
  next_appointment           INTEGER,
  created_at                 INTEGER NOT NULL
);
CREATE INDEX visits_preg ON visits(pregnancy_id, date);

CREATE TABLE risk_assessments (
  id               INTEGER PRIMARY KEY,
  pregnancy_id     INTEGER NOT NULL REFERENCES pregnancies(id),
  at               INTEGER NOT NULL,
  on_date          INTEGER NOT NULL,
  user_id          INTEGER,
  trigger          TEXT NOT NULL,     -- registration | visit | labs | postpartum | declared
  trigger_id       INTEGER,
  color            TEXT NOT NULL,
  purple           INTEGER NOT NULL,
  factors          TEXT NOT NULL,     -- JSON [{code, color, derived, declared}]
  criteria_version TEXT NOT NULL
);
CREATE INDEX risk_assessments_preg ON risk_assessments(pregnancy_id, id);

-- High-risk case management (专案管理).
CREATE TABLE risk_cases (
  id                  INTEGER PRIMARY KEY,
  pregnancy_id        INTEGER NOT NULL UNIQUE REFERENCES pregnancies(id),
  opened_at           INTEGER NOT NULL,
  opened_color        TEXT NOT NULL,
  opened_purple       INTEGER NOT NULL,
  max_color           TEXT NOT NULL,
  owner_institution   TEXT NOT NULL,
  district            TEXT NOT NULL,   -- residence district: its MCH institute was notified
  state               TEXT NOT NULL,   -- open | closed
  closed_at           INTEGER
);
CREATE INDEX risk_cases_state ON risk_cases(state, district);

CREATE TABLE continuation_assessments (
  id             INTEGER PRIMARY KEY,
  pregnancy_id   INTEGER NOT NULL REFERENCES pregnancies(id),
  at             INTEGER NOT NULL,
  user_id        INTEGER,
  institution_id TEXT,
  suitable       INTEGER NOT NULL,
  assessed_by    TEXT NOT NULL,
  senior_title   TEXT,
  advice         TEXT NOT NULL,
  woman_decision TEXT NOT NULL
);
CREATE INDEX continuation_preg ON continuation_assessments(pregnancy_id);

-- Messages to send: reminders to mothers, notices to institutions, events
-- for downstream systems. A sender marks them sent.
CREATE TABLE outbox (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,       -- anc_reminder | high_risk_notice | ...
  channel     TEXT NOT NULL,       -- sms | institution | event
  recipient   TEXT,                -- phone number or institution id
  text        TEXT NOT NULL,
  due_on      INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'queued',   -- queued | sent | failed | cancelled
  ref_type    TEXT,
  ref_id      INTEGER,
  dedupe_key  TEXT UNIQUE,
  created_at  INTEGER NOT NULL,
  sent_at     INTEGER
);
CREATE INDEX outbox_ref ON outbox(ref_type, ref_id);
CREATE INDEX outbox_due ON outbox(status, due_on);

CREATE TABLE appointments (
  id             INTEGER PRIMARY KEY,
  pregnancy_id   INTEGER NOT NULL REFERENCES pregnancies(id),
  institution_id TEXT NOT NULL,
  date           INTEGER NOT NULL,
  status         TEXT NOT NULL DEFAULT 'booked',  -- booked | cancelled | attended
  user_id        INTEGER,
  created_at     INTEGER NOT NULL
);
CREATE INDEX appointments_day ON appointments(institution_id, date);
CREATE INDEX appointments_preg ON appointments(pregnancy_id);

CREATE TABLE deliveries (
  id                   INTEGER PRIMARY KEY,
  pregnancy_id         INTEGER NOT NULL UNIQUE REFERENCES pregnancies(id),
  delivered_at         INTEGER NOT NULL,       -- UTC ms
  delivered_on         INTEGER NOT NULL,       -- Shanghai date
  ga_days              INTEGER NOT NULL,
  institution_id       TEXT NOT NULL,
  institution_district TEXT NOT NULL,
  mode                 TEXT NOT NULL,
  cs_indication        TEXT,
  epidural             INTEGER NOT NULL,
  blood_loss_ml        INTEGER,
  complications        TEXT,
  babies               INTEGER NOT NULL,
  user_id              INTEGER,
  created_at           INTEGER NOT NULL
);
CREATE INDEX deliveries_on ON deliveries(delivered_on);

-- Every baby of a delivery; live-born ones are the children of the child
-- health record.
CREATE TABLE children (
  id              INTEGER PRIMARY KEY,
  mother_id       INTEGER NOT NULL REFERENCES women(id),
  pregnancy_id    INTEGER NOT NULL REFERENCES pregnancies(id),
  delivery_id     INTEGER NOT NULL REFERENCES deliveries(id),
  birth_order     INTEGER NOT NULL,
  name            TEXT,
  sex             INTEGER NOT NULL,   -- 1 male, 2 female, 9 undetermined
  born_at         INTEGER NOT NULL,
  birth_date      INTEGER NOT NULL,
  ga_days         INTEGER NOT NULL,
  weight_g        INTEGER NOT NULL,
  length_cm       REAL,
  head_cm         REAL,
  apgar_1         INTEGER,
  apgar_5         INTEGER,
  outcome         TEXT NOT NULL,      -- live | stillbirth
  defects         TEXT,
  residence_district TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX children_mother ON children(mother_id);
CREATE INDEX children_birth ON children(birth_date);

CREATE TABLE postpartum_tasks (
  id             INTEGER PRIMARY KEY,
  pregnancy_id   INTEGER NOT NULL REFERENCES pregnancies(id),
  kind           TEXT NOT NULL,      -- home_visit_1 | home_visit_2 | day42
  institution_id TEXT NOT NULL,
  due_from       INTEGER NOT NULL,
  due_to         INTEGER NOT NULL,
  status         TEXT NOT NULL DEFAULT 'open',  -- open | done | cancelled
  visit_id       INTEGER,
  UNIQUE (pregnancy_id, kind)
);
CREATE INDEX postpartum_tasks_open ON postpartum_tasks(status, institution_id);

CREATE TABLE postpartum_visits (
  id               INTEGER PRIMARY KEY,
  pregnancy_id     INTEGER NOT NULL REFERENCES pregnancies(id),
  kind             TEXT NOT NULL,     -- home_visit | day42
  date             INTEGER NOT NULL,
  sbp REAL, dbp REAL,
  findings         TEXT,
  epds_score       INTEGER,
  declared_factors TEXT,
  institution_id   TEXT,
  user_id          INTEGER,
  task_id          INTEGER,
  created_at       INTEGER NOT NULL
);
CREATE INDEX postpartum_visits_preg ON postpartum_visits(pregnancy_id);
