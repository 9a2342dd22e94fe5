-- A change of post (职务) is kept in the person's history as a change of unit is, so that a
-- newly appointed cadre gets a 任前廉政谈话 due. Rows written before this keep '' on both sides.
ALTER TABLE person_transfers ADD COLUMN from_title TEXT NOT NULL DEFAULT '';
ALTER TABLE person_transfers ADD COLUMN to_title TEXT NOT NULL DEFAULT '';
CREATE INDEX person_transfers_changed ON person_transfers(changed_at);
