-- Covering indexes for the annual report indicators (store/sqlite_indicators.c,
-- which names them with INDEXED BY): each pass reads index entries in order
-- instead of table rows. The packed expressions are written exactly as the
-- queries write them, so that SQLite reads their values from the index
-- instead of decoding the columns (a query still works, more slowly, if the
-- two ever differ).

-- births pass: the deliveries of a period, the mothers' pregnancies, their
-- compact facts, the babies and their newborn screening
CREATE INDEX ind_deliveries_period ON deliveries(delivered_on, pregnancy_id, institution_district, institution_id,
                                                 mode, cs_indication, epidural);
CREATE INDEX ind_pregnancies_stats ON pregnancies(id, residence_district, early_registration, registered_on);
CREATE INDEX ind_pregnancy_facts ON pregnancy_facts(pregnancy_id, contacts,
  (early_check <> 0) | ((pp_visited <> 0) << 1) | ((pp_visit_28d <> 0) << 2)
  | ((max_color <> 'green' OR ever_purple) << 3) | ((case_managed <> 0) << 4)
  | ((hiv_tested AND syphilis_tested) << 5));
CREATE INDEX ind_children_delivery ON children(delivery_id, (outcome = 'live') | ((outcome = 'stillbirth') << 1),
                                               ga_days, weight_g);
CREATE INDEX ind_screenings_done ON screenings(child_id,
  (kind = 'metabolic' AND result IN ('negative', 'positive', 'refer'))
  | ((kind = 'hearing' AND result IN ('negative', 'positive', 'refer')) << 1));

-- child health pass: live-born children in id order, merged with their checks
CREATE INDEX ind_children_live ON children(outcome, id, birth_date, residence_district, delivery_id);
CREATE INDEX ind_child_checks ON child_checks(child_id, date, window_seq,
  ((weight_kg IS NOT NULL AND length_cm IS NOT NULL) << 5) | underweight | (stunting << 1) | (wasting << 2)
  | (overweight << 3) | (obesity << 4));
