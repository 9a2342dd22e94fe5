-- 督查督办: decisions to implement (决策部署) — a passed topic of a 三重一大 meeting or a
-- higher-level document entered by hand (上级决策部署) — each broken down into tasks through its
-- own work plan (the tasks are ordinary work-plan tasks); and 督办 notes the 纪检组 opens on a
-- decision or one of its tasks, answered (反馈) by the addressee and closed (办结) by the 纪检组.
CREATE TABLE decision_implementations (
    id            BIGSERIAL PRIMARY KEY,
    source        TEXT NOT NULL,
    topic_id      BIGINT REFERENCES decision_topics(id),
    doc_number    TEXT NOT NULL DEFAULT '',
    issuer        TEXT NOT NULL DEFAULT '',
    issued_on     DATE NOT NULL,
    title         TEXT NOT NULL,
    requirements  TEXT NOT NULL DEFAULT '',
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    plan_id       BIGINT NOT NULL REFERENCES work_plans(id),
    account_id    BIGINT REFERENCES accounts(id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX decision_implementations_topic ON decision_implementations(topic_id);
CREATE UNIQUE INDEX decision_implementations_plan ON decision_implementations(plan_id);
CREATE INDEX decision_implementations_issued ON decision_implementations(issued_on);

CREATE TABLE supervision_notes (
    id                 BIGSERIAL PRIMARY KEY,
    implementation_id  BIGINT NOT NULL REFERENCES decision_implementations(id),
    task_id            BIGINT REFERENCES tasks(id),
    text               TEXT NOT NULL,
    deadline           DATE NOT NULL,
    unit_id            BIGINT NOT NULL REFERENCES units(id),
    person_id          BIGINT REFERENCES people(id),
    issued_on          DATE NOT NULL,
    account_id         BIGINT REFERENCES accounts(id),
    answer             TEXT NOT NULL DEFAULT '',
    answered_on        DATE,
    answer_account_id  BIGINT REFERENCES accounts(id),
    closed_on          DATE,
    close_note         TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX supervision_notes_implementation ON supervision_notes(implementation_id);
CREATE INDEX supervision_notes_open ON supervision_notes(closed_on, answered_on, deadline);
CREATE INDEX supervision_notes_person ON supervision_notes(person_id);
