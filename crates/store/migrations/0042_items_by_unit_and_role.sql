-- Responsibility items are listed by the unit tree, each unit's items read through this index;
-- a filter by owner role (or by level, which tests the role first) read every item's row of each
-- unit walked to test it (2 ms for a page of 处室负责人 items at province scale). With the role,
-- the person and the active flag in the index, the walk reads the index alone (0.1 ms).
DROP INDEX responsibility_items_unit;
CREATE INDEX responsibility_items_unit ON responsibility_items (unit_id, year, owner_role, person_id, active);
