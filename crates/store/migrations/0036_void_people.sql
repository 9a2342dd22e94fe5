-- 作废 of a person entered twice (or by mistake): hidden from the people lists, pickers and
-- counts, restorable; voiding is refused while any record names the person.
ALTER TABLE people ADD COLUMN voided_at TIMESTAMPTZ;
