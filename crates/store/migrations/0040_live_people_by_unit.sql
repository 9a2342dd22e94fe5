-- The people list reads live people unit by unit in the unit tree's order. With only
-- people(unit_id), each person's row was read to test voided_at: a page by offset 25,000
-- (page 500) looked at 25,000 rows (8.5 ms); this index holds exactly the live people, by unit
-- and id, so the page and the list's total read the index alone (4.6 ms).
CREATE INDEX people_live_unit ON people (unit_id, id) WHERE voided_at IS NULL;
