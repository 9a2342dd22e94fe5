-- A search for one gram (a surname: 1,671 people at province scale) fetched every match and
-- sorted them by the unit tree for a page of 50 (1.5 ms). Each gram now holds its person's
-- unit's place in the tree (`units.sort_path`), rewritten when grams are written, a person
-- changes unit or units move (`org::people::order_grams`); read through this index, the people
-- of a gram come in the list's order and a page stops after 50 (0.05 ms).
ALTER TABLE people_grams ADD COLUMN sort_path TEXT NOT NULL DEFAULT '';
UPDATE people_grams SET sort_path = COALESCE((SELECT u.sort_path FROM people p JOIN units u ON u.id = p.unit_id
    WHERE p.id = people_grams.person_id), '');
CREATE INDEX people_grams_order ON people_grams (gram, sort_path, person_id);
