-- 考核 (同部署同考核): one round per year; its results per unit and per 班子成员 with the full
-- breakdown as computed (frozen once published), the assessors' deductions and additions with
-- their reasons, and each unit's business assessment score (业务考核得分). Scores are integer
-- hundredths of a point.
CREATE TABLE assessment_rounds (
    id           BIGSERIAL PRIMARY KEY,
    year         BIGINT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    -- 'draft' (computed and adjusted freely) or 'published' (frozen)
    state        TEXT NOT NULL,
    -- the weights and rules (JSON) of the last computation, and the day it counted up to
    rules        TEXT NOT NULL DEFAULT '',
    as_of        DATE,
    computed_at  TIMESTAMPTZ,
    published_at TIMESTAMPTZ,
    account_id   BIGINT REFERENCES accounts (id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE assessment_results (
    id             BIGSERIAL PRIMARY KEY,
    round_id       BIGINT NOT NULL REFERENCES assessment_rounds (id),
    -- 'unit' or 'leader'
    subject        TEXT NOT NULL,
    unit_id        BIGINT NOT NULL REFERENCES units (id),
    -- the 班子成员 (leader results only)
    person_id      BIGINT REFERENCES people (id),
    -- what was counted (JSON facts) and the indicators' lines (JSON breakdown)
    facts          TEXT NOT NULL,
    breakdown      TEXT NOT NULL,
    base_score     BIGINT NOT NULL,
    adjustment     BIGINT NOT NULL,
    total_score    BIGINT NOT NULL,
    grade          TEXT NOT NULL,
    -- the unit's business score, copied when the round is published
    business_score BIGINT
);
CREATE INDEX assessment_results_round ON assessment_results (round_id, subject);
CREATE INDEX assessment_results_person ON assessment_results (person_id);
CREATE INDEX assessment_results_unit ON assessment_results (unit_id);

CREATE TABLE assessment_adjustments (
    id         BIGSERIAL PRIMARY KEY,
    round_id   BIGINT NOT NULL REFERENCES assessment_rounds (id),
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    person_id  BIGINT REFERENCES people (id),
    points     BIGINT NOT NULL,
    reason     TEXT NOT NULL,
    account_id BIGINT REFERENCES accounts (id),
    username   TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX assessment_adjustments_round ON assessment_adjustments (round_id, unit_id);

CREATE TABLE assessment_business_scores (
    year       BIGINT NOT NULL,
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    score      BIGINT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (year, unit_id)
);
