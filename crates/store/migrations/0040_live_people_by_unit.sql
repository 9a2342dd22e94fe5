-- The people list reads live people unit by unit in the unit tree's order. With people(unit_id)
-- alone, each person's row was read to test voided_at: a page by offset 25,000 (page 500) read
-- 25,000 rows (13 ms in the sqlite3 shell). With voided_at in the index the page and the list's
-- total read the index alone (3.6 ms). A partial index of the live people was tried first:
-- SQLite did not count it as covering and kept choosing people(unit_id).
DROP INDEX people_unit;
CREATE INDEX people_unit ON people (unit_id, voided_at);
-- A search for a single character (a surname) matches thousands of people; their unit and
-- whether they are voided come from this index instead of each person's row (the people table
-- is 10 MB at province scale, far more than a connection's page cache).
CREATE INDEX people_id_unit ON people (id, unit_id, voided_at);
