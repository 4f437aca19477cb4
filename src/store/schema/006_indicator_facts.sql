-- Compact facts per pregnancy, kept current by every re-grading (each visit,
-- lab result and postpartum visit), so that the annual report indicators
-- are one indexed pass over the deliveries of a period instead of a scan of
-- visits per delivery.
CREATE TABLE pregnancy_facts (
  pregnancy_id    INTEGER PRIMARY KEY REFERENCES pregnancies(id),
  contacts        INTEGER NOT NULL,  -- registration + antenatal visits
  early_check     INTEGER NOT NULL,  -- a check before 13+0 weeks
  hiv_tested      INTEGER NOT NULL,
  syphilis_tested INTEGER NOT NULL,
  hbsag_tested    INTEGER NOT NULL,
  max_color       TEXT NOT NULL,     -- highest antenatal colour
  ever_purple     INTEGER NOT NULL,
  case_managed    INTEGER NOT NULL,  -- see api/pregnancy_core.c facts_refresh
  pp_visit_28d    INTEGER NOT NULL,  -- a postpartum home visit within 28 days
  pp_visited      INTEGER NOT NULL,  -- any postpartum visit
  day42_checked   INTEGER NOT NULL
);
CREATE INDEX deliveries_district_on ON deliveries(institution_district, delivered_on);
CREATE INDEX pregnancies_residence ON pregnancies(residence_district);
CREATE INDEX children_delivery ON children(delivery_id);
