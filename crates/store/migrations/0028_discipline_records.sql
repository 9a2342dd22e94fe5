-- 四种形态 and sanctions: what was decided about a person, by whom and when, the finding behind
-- it and the last day it affects promotion (影响期, from the setting in force when recorded).
CREATE TABLE discipline_records (
    id            BIGSERIAL PRIMARY KEY,
    person_id     BIGINT NOT NULL REFERENCES people (id),
    -- the person's unit when the decision was recorded (the data scope follows it)
    unit_id       BIGINT NOT NULL REFERENCES units (id),
    form          TEXT NOT NULL,
    measure       TEXT NOT NULL,
    -- a party or government sanction (党纪政务处分), as the 四风 report counts them
    sanction      BOOLEAN NOT NULL,
    decided_on    DATE NOT NULL,
    deciding_body TEXT NOT NULL,
    finding_id    BIGINT REFERENCES findings (id),
    basis         TEXT NOT NULL,
    effect_until  DATE,
    account_id    BIGINT REFERENCES accounts (id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX discipline_records_person ON discipline_records (person_id, decided_on);
CREATE INDEX discipline_records_decided ON discipline_records (decided_on);
CREATE INDEX discipline_records_finding ON discipline_records (finding_id);
