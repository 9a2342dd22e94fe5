-- 身份证号 of a person (optional): 18 characters, upper-case X. Unique when present; people
-- without one (NULL) may be many, on both engines.
ALTER TABLE people ADD COLUMN id_number TEXT;
CREATE UNIQUE INDEX people_id_number ON people(id_number);
