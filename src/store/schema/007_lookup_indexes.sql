-- Lookups that the record page and the ID-number search make on every call.
CREATE INDEX women_id_number ON women(id_number);
CREATE INDEX children_pregnancy ON children(pregnancy_id);
