-- GET /api/v1/pregnancies/{id} reads the pregnancy's rows from a dozen
-- tables, and on a city-sized file almost every row it reads is on a page
-- that is not in the connection's cache (make bench: 14 page reads per
-- record). These indexes let it read less:
--
-- 1. Indexes in the order the record lists the rows, so that no list is
--    sorted on the way (each sort sets up a sorter): outbox by due date,
--    appointments and postpartum visits by date, postpartum tasks by due date
--    (the rowid, last in every index, orders equal dates by id).
-- 2. Covering indexes for the registration cards and the rows of a birth
--    (delivery, babies, postpartum tasks and visits): written once, rarely
--    changed, read with every record (the birth rows: every ended one's).
--    With every column in the index the lookup does not visit the table as
--    well: one page read instead of two, per table.
--    visits and risk_assessments, written with every antenatal visit, keep
--    their narrow indexes: their rows of one pregnancy already share pages.
DROP INDEX IF EXISTS outbox_ref;
CREATE INDEX outbox_ref ON outbox(ref_type, ref_id, due_on);
DROP INDEX IF EXISTS appointments_preg;
CREATE INDEX appointments_preg ON appointments(pregnancy_id, date);

DROP INDEX IF EXISTS pregnancy_cards_preg;
CREATE INDEX pregnancy_cards_preg ON pregnancy_cards(pregnancy_id, id, card, institution_id, on_date, ga_days, user_id,
  created_at);
CREATE INDEX deliveries_record ON deliveries(pregnancy_id, id, delivered_at, delivered_on, ga_days, institution_id,
  institution_district, mode, cs_indication, epidural, blood_loss_ml, complications, babies, user_id, created_at);
DROP INDEX IF EXISTS children_pregnancy;
CREATE INDEX children_pregnancy ON children(pregnancy_id, id, mother_id, delivery_id, birth_order, name, sex, born_at,
  birth_date, ga_days, weight_g, length_cm, head_cm, apgar_1, apgar_5, outcome, defects, residence_district,
  created_at, updated_at, version);
CREATE INDEX postpartum_tasks_record ON postpartum_tasks(pregnancy_id, due_from, id, kind, institution_id, due_to,
  status, visit_id);
DROP INDEX IF EXISTS postpartum_visits_preg;
CREATE INDEX postpartum_visits_preg ON postpartum_visits(pregnancy_id, date, id, kind, sbp, dbp, findings, epds_score,
  declared_factors, institution_id, user_id, task_id, created_at);
