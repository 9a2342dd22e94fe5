-- 信访举报 and 问题线索. A report (petition) comes in through the public page or is entered by
-- the 纪检组 from a letter, a visit, a 12388 call or a higher level; accepted, it becomes a clue
-- (or joins one about the same matter). The reporter's name and contact are kept only as
-- `identity_sealed`: XChaCha20-Poly1305 under the reporter key, which lives outside the database
-- (DATA_DIR/reporter.key or QINGFENG_REPORTER_KEY). The receipt code is kept only as a keyed hash,
-- the query password only as an argon2 hash. Evidence files are private attachments
-- (record_kind 'petition').
CREATE TABLE clues (
    id              BIGSERIAL PRIMARY KEY,
    -- 线索〔year〕第 number 号
    year            BIGINT NOT NULL,
    number          BIGINT NOT NULL,
    source          TEXT NOT NULL,
    received_on     DATE NOT NULL,
    subject_name    TEXT NOT NULL,
    subject_unit    TEXT NOT NULL DEFAULT '',
    subject_post    TEXT NOT NULL DEFAULT '',
    -- the person the clue is about, when matched; the data scope follows the unit
    person_id       BIGINT REFERENCES people(id),
    unit_id         BIGINT REFERENCES units(id),
    summary         TEXT NOT NULL,
    -- talk_inquiry | preliminary_check | shelve | close (四类处置), none before disposal
    disposition     TEXT,
    -- pending | inquiring | checking | shelved | closed | merged
    state           TEXT NOT NULL,
    -- 函询 reply due / 初步核实 deadline
    due_on          DATE,
    -- 办理结果 (the reply or check conclusion, the reason of 了结)
    result          TEXT NOT NULL DEFAULT '',
    merged_into     BIGINT REFERENCES clues(id),
    account_id      BIGINT REFERENCES accounts(id),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (year, number)
);
CREATE INDEX clues_state ON clues(state, due_on);
CREATE INDEX clues_person ON clues(person_id);

-- each disposal step of a clue, in words
CREATE TABLE clue_steps (
    id          BIGSERIAL PRIMARY KEY,
    clue_id     BIGINT NOT NULL REFERENCES clues(id),
    -- create | dispose | conclude | merge | finding | discipline
    kind        TEXT NOT NULL,
    disposition TEXT,
    due_on      DATE,
    note        TEXT NOT NULL DEFAULT '',
    account_id  BIGINT REFERENCES accounts(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX clue_steps_clue ON clue_steps(clue_id, id);

-- a clue turned into a finding (rule is always 'CLUE': the shared link of findings::from_checks)
CREATE TABLE clue_findings (
    clue_id     BIGINT NOT NULL REFERENCES clues(id),
    rule        TEXT NOT NULL,
    finding_id  BIGINT NOT NULL REFERENCES findings(id),
    PRIMARY KEY (clue_id, rule)
);

CREATE TABLE petitions (
    id               BIGSERIAL PRIMARY KEY,
    -- online | letter | visit | phone | higher
    source           TEXT NOT NULL,
    -- keyed hash of the receipt code (online reports), never the code itself
    receipt_key      TEXT UNIQUE,
    password_hash    TEXT,
    subject_name     TEXT NOT NULL,
    subject_unit     TEXT NOT NULL DEFAULT '',
    subject_post     TEXT NOT NULL DEFAULT '',
    person_id        BIGINT REFERENCES people(id),
    unit_id          BIGINT REFERENCES units(id),
    content          TEXT NOT NULL,
    happened         TEXT NOT NULL DEFAULT '',
    anonymous        BOOLEAN NOT NULL,
    identity_sealed  BYTEA,
    received_on      DATE NOT NULL,
    -- received | accepted
    state            TEXT NOT NULL,
    -- what the filer reads on the status page
    answer           TEXT NOT NULL DEFAULT '',
    clue_id          BIGINT REFERENCES clues(id),
    account_id       BIGINT REFERENCES accounts(id),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX petitions_state ON petitions(state, received_on);
CREATE INDEX petitions_clue ON petitions(clue_id);

-- public filings and failed status queries, by keyed hashes of the address and receipt code:
-- the rate limit and the lock-out count them (no address is stored in clear)
CREATE TABLE petition_attempts (
    id           BIGSERIAL PRIMARY KEY,
    -- filed | query_failed
    kind         TEXT NOT NULL,
    address_key  TEXT NOT NULL,
    receipt_key  TEXT NOT NULL DEFAULT '',
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX petition_attempts_address ON petition_attempts(kind, address_key, at);
CREATE INDEX petition_attempts_receipt ON petition_attempts(kind, receipt_key, at);

ALTER TABLE discipline_records ADD COLUMN clue_id BIGINT REFERENCES clues(id);
