-- 已逾期 walks the live findings newest first until a page of overdue ones is found; most of the
-- newest have no open measure or one not yet due. The findings still being rectified with an
-- open measure, alone in their own index, are the only ones the walk needs to read (a page at
-- province scale: 0.55 -> 0.11 ms on SQLite).
CREATE INDEX findings_open_due ON findings (found_on, id, next_deadline)
    WHERE voided_at IS NULL AND state <> 'signed_off' AND next_deadline IS NOT NULL;
