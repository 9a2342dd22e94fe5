-- 典型案例 for 警示教育, and the 警示教育 ledger entries that used them (per entry version, as
-- the entry's other links are).
CREATE TABLE warning_cases (
    id         BIGSERIAL PRIMARY KEY,
    title      TEXT NOT NULL,
    case_date  DATE NOT NULL,
    discipline TEXT NOT NULL,
    sanction   TEXT NOT NULL DEFAULT '',
    summary    TEXT NOT NULL,
    lesson     TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX warning_cases_date ON warning_cases(case_date);

CREATE TABLE ledger_case_links (
    entry_id BIGINT NOT NULL REFERENCES ledger_entries(id),
    case_id  BIGINT NOT NULL REFERENCES warning_cases(id),
    PRIMARY KEY (entry_id, case_id)
);
CREATE INDEX ledger_case_links_case ON ledger_case_links(case_id);
