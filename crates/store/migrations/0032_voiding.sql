-- 作废: a record made by mistake is voided with a reason, hidden from lists and counts, shown
-- with a filter and restorable; nothing is deleted. The column says whether a record is void
-- now (lists test it); `voidings` keeps every voiding and restoring with who, when and why.
ALTER TABLE ledger_entries ADD COLUMN voided_at TIMESTAMPTZ;
ALTER TABLE findings ADD COLUMN voided_at TIMESTAMPTZ;
ALTER TABLE tasks ADD COLUMN voided_at TIMESTAMPTZ;

CREATE TABLE voidings (
    id             BIGSERIAL PRIMARY KEY,
    -- 'ledger_entry', 'finding' or 'task'
    entity         TEXT NOT NULL,
    entity_id      BIGINT NOT NULL,
    reason         TEXT NOT NULL,
    voided_by      BIGINT REFERENCES accounts (id),
    voided_at      TIMESTAMPTZ NOT NULL,
    restored_by    BIGINT REFERENCES accounts (id),
    restored_at    TIMESTAMPTZ,
    restore_reason TEXT
);
CREATE INDEX voidings_entity ON voidings (entity, entity_id);

-- Whether a ledger entry is the current version of its record, kept as a column: lists and
-- counts asked "is there a later version?" of every row, which at a million entries was the
-- larger part of a list's time.
ALTER TABLE ledger_entries ADD COLUMN superseded BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE ledger_entries SET superseded = TRUE WHERE EXISTS (
    SELECT 1 FROM ledger_entries n WHERE n.entry_key = ledger_entries.entry_key AND n.version > ledger_entries.version
);

-- Indexes that match the lists' orders, so a page is read in order and stops after its rows.
CREATE INDEX ledger_entries_date ON ledger_entries (entry_date, id);
CREATE INDEX findings_found ON findings (found_on, id);
CREATE INDEX rectification_measures_deadline_id ON rectification_measures (deadline, id);
