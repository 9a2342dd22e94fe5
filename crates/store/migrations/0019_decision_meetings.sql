-- 三重一大: collective-decision meetings with their members who should attend (应到会) and their
-- attendance, topics (议题) with speeches in order, votes and recusals (回避), the findings the
-- 纪检组 raised from failed checks, and the R-DEC-8 register of spending and appointments that
-- need a collective decision (each entry may point at the topic that decided it).
CREATE TABLE decision_meetings (
    id            BIGSERIAL PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    body          TEXT NOT NULL,
    held_on       DATE NOT NULL,
    place         TEXT NOT NULL DEFAULT '',
    chair_id      BIGINT NOT NULL REFERENCES people(id),
    recorder_id   BIGINT REFERENCES people(id),
    item_by_item  BOOLEAN NOT NULL,
    -- the rules (R-DEC-n, comma separated) whose checks failed at the last save
    failed_rules  TEXT NOT NULL DEFAULT '',
    account_id    BIGINT REFERENCES accounts(id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX decision_meetings_unit ON decision_meetings(unit_id, held_on);
CREATE INDEX decision_meetings_held ON decision_meetings(held_on);

CREATE TABLE decision_members (
    id               BIGSERIAL PRIMARY KEY,
    meeting_id       BIGINT NOT NULL REFERENCES decision_meetings(id),
    position         BIGINT NOT NULL,
    person_id        BIGINT NOT NULL REFERENCES people(id),
    present          BOOLEAN NOT NULL,
    absence_reason   TEXT NOT NULL DEFAULT '',
    written_opinion  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX decision_members_meeting ON decision_members(meeting_id);
CREATE INDEX decision_members_person ON decision_members(person_id);

-- a topic keeps its id while the meeting is edited (督查督办 and the register point at it)
CREATE TABLE decision_topics (
    id             BIGSERIAL PRIMARY KEY,
    meeting_id     BIGINT NOT NULL REFERENCES decision_meetings(id),
    position       BIGINT NOT NULL,
    title          TEXT NOT NULL,
    category       TEXT NOT NULL,
    amount_cents   BIGINT,
    decided_by     TEXT NOT NULL,
    voting_method  TEXT NOT NULL DEFAULT '',
    result         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX decision_topics_meeting ON decision_topics(meeting_id);

CREATE TABLE decision_speeches (
    id         BIGSERIAL PRIMARY KEY,
    topic_id   BIGINT NOT NULL REFERENCES decision_topics(id),
    position   BIGINT NOT NULL,
    person_id  BIGINT NOT NULL REFERENCES people(id),
    view       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX decision_speeches_topic ON decision_speeches(topic_id);

CREATE TABLE decision_votes (
    topic_id   BIGINT NOT NULL REFERENCES decision_topics(id),
    person_id  BIGINT NOT NULL REFERENCES people(id),
    vote       TEXT NOT NULL,
    PRIMARY KEY (topic_id, person_id)
);

CREATE TABLE decision_recusals (
    topic_id   BIGINT NOT NULL REFERENCES decision_topics(id),
    person_id  BIGINT NOT NULL REFERENCES people(id),
    reason     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (topic_id, person_id)
);

-- a failed check the 纪检组 turned into a finding (once per meeting and rule)
CREATE TABLE decision_findings (
    meeting_id  BIGINT NOT NULL REFERENCES decision_meetings(id),
    rule        TEXT NOT NULL,
    finding_id  BIGINT NOT NULL REFERENCES findings(id),
    PRIMARY KEY (meeting_id, rule)
);

-- R-DEC-8: spending and appointments needing a collective decision
CREATE TABLE decision_register (
    id            BIGSERIAL PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    kind          TEXT NOT NULL,
    occurred_on   DATE NOT NULL,
    matter        TEXT NOT NULL,
    amount_cents  BIGINT,
    reference     TEXT NOT NULL DEFAULT '',
    topic_id      BIGINT REFERENCES decision_topics(id),
    note          TEXT NOT NULL DEFAULT '',
    account_id    BIGINT REFERENCES accounts(id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX decision_register_unit ON decision_register(unit_id, occurred_on);
CREATE INDEX decision_register_topic ON decision_register(topic_id);
