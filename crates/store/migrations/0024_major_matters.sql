-- 重大事项请示报告: requests (请示, answered), reports (报告) and records of a leader's
-- interference (插手干预记录, read only by the 纪检组 and their author).
CREATE TABLE major_matters (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    person_id    BIGINT NOT NULL REFERENCES people (id),
    addressee    TEXT NOT NULL DEFAULT '',
    category     TEXT,
    title        TEXT NOT NULL,
    content      TEXT NOT NULL,
    submitted_on DATE NOT NULL,
    answer_due   DATE,
    answer       TEXT NOT NULL DEFAULT '',
    answered_on  DATE,
    leader       TEXT NOT NULL DEFAULT '',
    account_id   BIGINT REFERENCES accounts (id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX major_matters_unit ON major_matters (unit_id, submitted_on);
CREATE INDEX major_matters_open ON major_matters (kind, answered_on, answer_due);
