-- Covering indexes for the annual report indicators (store/sqlite_indicators.c,
-- which names them with INDEXED BY): each pass reads index entries in order
-- instead of table rows.

-- births pass: the deliveries of a period, the mother's pregnancy and the babies
CREATE INDEX ind_deliveries_period ON deliveries(delivered_on, pregnancy_id, institution_district, institution_id,
                                                 mode, cs_indication, epidural);
CREATE INDEX ind_pregnancies_stats ON pregnancies(id, residence_district, early_registration, registered_on);
CREATE INDEX ind_children_delivery ON children(delivery_id, outcome, ga_days, weight_g);

-- child health pass: live-born children in id order, merged with their checks
CREATE INDEX ind_children_live ON children(outcome, id, birth_date, residence_district, delivery_id);
CREATE INDEX ind_child_checks ON child_checks(child_id, date, window_seq, weight_kg, length_cm, underweight, stunting,
                                              wasting, overweight, obesity);
