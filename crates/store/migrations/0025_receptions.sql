-- 公务接待: receptions with the sending unit's 公函, the guests, the meals, accommodation and
-- transport, the 接待清单's signer and the reimbursement documents; the rules (R-REC-n) whose
-- checks failed at the last save; failed checks the 纪检组 turned into findings. The scanned
-- 公函 is a private attachment (record_kind 'reception').
CREATE TABLE receptions (
    id                   BIGSERIAL PRIMARY KEY,
    unit_id              BIGINT NOT NULL REFERENCES units(id),
    letter_ref           TEXT NOT NULL DEFAULT '',
    letter_date          DATE,
    letter_unit          TEXT NOT NULL DEFAULT '',
    guest_city           TEXT NOT NULL DEFAULT '',
    guest_count          BIGINT NOT NULL,
    purpose              TEXT NOT NULL DEFAULT '',
    starts_on            DATE NOT NULL,
    ends_on              DATE NOT NULL,
    venues               TEXT NOT NULL DEFAULT '',
    accommodation        TEXT NOT NULL DEFAULT '',
    accommodation_cents  BIGINT NOT NULL DEFAULT 0,
    transport            TEXT NOT NULL DEFAULT '',
    transport_cents      BIGINT NOT NULL DEFAULT 0,
    list_signed_by       TEXT NOT NULL DEFAULT '',
    has_invoice          BOOLEAN NOT NULL,
    has_letter_copy      BOOLEAN NOT NULL,
    has_list             BOOLEAN NOT NULL,
    has_approval         BOOLEAN NOT NULL,
    -- meals, accommodation and transport (三公经费 公务接待 spending)
    total_cents          BIGINT NOT NULL,
    -- the rules (R-REC-n, comma separated) whose checks failed at the last save
    failed_rules         TEXT NOT NULL DEFAULT '',
    account_id           BIGINT REFERENCES accounts(id),
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX receptions_unit ON receptions(unit_id, starts_on);
CREATE INDEX receptions_starts ON receptions(starts_on);

CREATE TABLE reception_guests (
    id            BIGSERIAL PRIMARY KEY,
    reception_id  BIGINT NOT NULL REFERENCES receptions(id),
    position      BIGINT NOT NULL,
    unit_name     TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL,
    post          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reception_guests_reception ON reception_guests(reception_id);

CREATE TABLE reception_meals (
    id            BIGSERIAL PRIMARY KEY,
    reception_id  BIGINT NOT NULL REFERENCES receptions(id),
    position      BIGINT NOT NULL,
    served_on     DATE NOT NULL,
    kind          TEXT NOT NULL,
    guests        BIGINT NOT NULL,
    accompanying  BIGINT NOT NULL,
    cost_cents    BIGINT NOT NULL,
    alcohol       BOOLEAN NOT NULL,
    premium       BOOLEAN NOT NULL,
    venue_kind    TEXT NOT NULL DEFAULT '',
    venue         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reception_meals_reception ON reception_meals(reception_id);

-- a failed check the 纪检组 turned into a finding (once per reception and rule)
CREATE TABLE reception_findings (
    reception_id  BIGINT NOT NULL REFERENCES receptions(id),
    rule          TEXT NOT NULL,
    finding_id    BIGINT NOT NULL REFERENCES findings(id),
    PRIMARY KEY (reception_id, rule)
);
