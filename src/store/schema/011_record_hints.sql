-- A pregnancy record lists its high-risk case, its continuation assessments
-- and its appointments; most pregnancies have none of them (the city of
-- `fuyou demo`: a case for 8 in 100), and looking up three empty lists cost
-- a tenth of a record read. has_management_rows says whether there may be
-- any: triggers set it when a row is stored, so it can never be 0 while a
-- row exists (a row removed later leaves it 1, which only costs the lookup).
ALTER TABLE pregnancies ADD COLUMN has_management_rows INTEGER NOT NULL DEFAULT 0;
UPDATE pregnancies SET has_management_rows = 1
 WHERE id IN (SELECT pregnancy_id FROM risk_cases
              UNION SELECT pregnancy_id FROM continuation_assessments
              UNION SELECT pregnancy_id FROM appointments);
CREATE TRIGGER risk_cases_hint AFTER INSERT ON risk_cases BEGIN
  UPDATE pregnancies SET has_management_rows = 1 WHERE id = NEW.pregnancy_id AND has_management_rows = 0;
END;
CREATE TRIGGER continuation_assessments_hint AFTER INSERT ON continuation_assessments BEGIN
  UPDATE pregnancies SET has_management_rows = 1 WHERE id = NEW.pregnancy_id AND has_management_rows = 0;
END;
CREATE TRIGGER appointments_hint AFTER INSERT ON appointments BEGIN
  UPDATE pregnancies SET has_management_rows = 1 WHERE id = NEW.pregnancy_id AND has_management_rows = 0;
END;
