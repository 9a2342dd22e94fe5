-- 廉政风险防控: a unit's risk points (廉政风险点) of one year with their control measures, and the
-- yearly review (排查): draft → submitted → returned (with a reason) → submitted → accepted.
-- The accepted points of a year are that year's register; next year's drafts are copied from it
-- (carried_from). A finding may name the risk point it shows (findings.risk_point_id).
CREATE TABLE risk_points (
    id             BIGSERIAL PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    year           BIGINT NOT NULL,
    category       TEXT NOT NULL,
    post           TEXT NOT NULL,
    power          TEXT NOT NULL DEFAULT '',
    point          TEXT NOT NULL,
    manifestation  TEXT NOT NULL DEFAULT '',
    -- 'high' | 'medium' | 'low', '' while the unit has not rated it
    level          TEXT NOT NULL DEFAULT '',
    head_id        BIGINT REFERENCES people(id),
    leader_id      BIGINT REFERENCES people(id),
    state          TEXT NOT NULL,
    return_reason  TEXT NOT NULL DEFAULT '',
    -- the level before the 纪检监察组 raised it, and why
    raised_from    TEXT NOT NULL DEFAULT '',
    raise_reason   TEXT NOT NULL DEFAULT '',
    carried_from   BIGINT REFERENCES risk_points(id),
    -- who proposed it (told when it is returned)
    account_id     BIGINT REFERENCES accounts(id),
    submitted_at   TIMESTAMPTZ,
    reviewed_at    TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX risk_points_unit_year ON risk_points(unit_id, year);
CREATE INDEX risk_points_year_state ON risk_points(year, state);

CREATE TABLE risk_measures (
    id          BIGSERIAL PRIMARY KEY,
    point_id    BIGINT NOT NULL REFERENCES risk_points(id),
    position    BIGINT NOT NULL,
    text        TEXT NOT NULL,
    person_id   BIGINT NOT NULL REFERENCES people(id),
    review_on   DATE
);
CREATE INDEX risk_measures_point ON risk_measures(point_id);

ALTER TABLE findings ADD COLUMN risk_point_id BIGINT REFERENCES risk_points(id);
CREATE INDEX findings_risk_point ON findings(risk_point_id);
