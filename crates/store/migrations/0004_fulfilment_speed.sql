-- Faster fulfilment: each item carries its month counts as one text ("3:2,5:1", month:count in
-- month order), so a recomputation reads one row per item rather than one per item and month;
-- and a snapshot also stores roll-ups summed over each unit's subtree, so the dashboard reads
-- only the rows of the units it shows. item_month_counts stays the record the summary is
-- rewritten from, in the same transaction as every change to it.
-- Keep this file and its twin for the other engine in step: a test compares the two schemas.

ALTER TABLE responsibility_items ADD COLUMN month_counts TEXT NOT NULL DEFAULT '';

UPDATE responsibility_items AS i SET month_counts = COALESCE((
    SELECT string_agg(CAST(c.month AS TEXT) || ':' || CAST(c.n AS TEXT), ',' ORDER BY c.month)
    FROM item_month_counts c WHERE c.item_id = i.id AND c.year = i.year AND c.n > 0), '');

-- Snapshots are a cache: the old ones go, and the next request computes a new one.
DELETE FROM fulfilment_item_states;
DROP TABLE fulfilment_rollups;
DELETE FROM fulfilment_snapshots;

-- subtree = FALSE: the unit's own items; TRUE: the unit and every unit below it (stored only for
-- units that have units below them with items).
CREATE TABLE fulfilment_rollups (
    snapshot_id  BIGINT NOT NULL REFERENCES fulfilment_snapshots(id),
    subtree      BOOLEAN NOT NULL,
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    level        TEXT NOT NULL,
    items        BIGINT NOT NULL,
    required     BIGINT NOT NULL,
    done         BIGINT NOT NULL,
    due_required BIGINT NOT NULL,
    due_done     BIGINT NOT NULL,
    completed    BIGINT NOT NULL,
    normal       BIGINT NOT NULL,
    not_started  BIGINT NOT NULL,
    due_soon     BIGINT NOT NULL,
    overdue      BIGINT NOT NULL,
    PRIMARY KEY (snapshot_id, subtree, unit_id, level)
);
