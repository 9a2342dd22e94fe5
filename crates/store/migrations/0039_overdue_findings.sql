-- The 问题清单 filtered to 已逾期 walks the live findings newest first and asks, for each, whether
-- an open measure is past its deadline. At province scale (100,000 findings) the newest are
-- rarely overdue, so a first page looks at thousands: with the state in the list's index and the
-- open measures indexed by finding and deadline, each look reads two indexes and no table row
-- (page 15-28 ms -> 2-10 ms, count 0.9 s -> 0.03 s on SQLite).
DROP INDEX findings_live;
CREATE INDEX findings_live ON findings (found_on, id, state) WHERE voided_at IS NULL;
CREATE INDEX rectification_measures_open_finding ON rectification_measures (finding_id, deadline)
    WHERE completed_on IS NULL;
-- Every query by date reads live findings (`findings_live`); with the full (found_on, id) index
-- beside the wider partial one, SQLite chose the full one and read each finding's row to test
-- voided_at (page 1,000 by offset 13 ms -> 260 ms p95). Lists that include voided findings (a
-- filter rarely used) sort what they read instead.
DROP INDEX findings_found;
