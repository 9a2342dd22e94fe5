-- The official holiday calendar (国务院办公厅关于部分节假日安排的通知, one a year): the days
-- it sets apart, 放假 (holiday) or 调休 上班 (workday). Every other day is a working day Monday
-- to Friday. Working-day rules (R-FAM-1 …) count days over this table.
CREATE TABLE holidays (
    day        DATE PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
