-- Lists at province scale.
-- The hierarchy level of a person (leadership, middle, staff) as the fulfilment roll-ups file
-- their items, kept from their roles and 职务 on every write, so the responsibility items'
-- `level` filter is an SQL condition rather than a pass in Rust over every match. People from
-- before this migration are filled at start-up (`org::people::fill_levels`).
ALTER TABLE people ADD COLUMN level TEXT;
