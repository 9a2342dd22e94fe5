-- 个人有关事项 (R-PER-1, R-PER-2) and 婚丧喜庆 (R-FAM-1 … R-FAM-4). Their contents are read only
-- by the person and the 纪检监察组; the web layer enforces it, the audit trail records the facts
-- of each step without the reported contents.

-- People the administrator marks as having to report although below 县处级副职.
CREATE TABLE personal_report_marks (
    person_id BIGINT PRIMARY KEY REFERENCES people(id),
    reason    TEXT NOT NULL,
    marked_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE personal_reports (
    id          BIGSERIAL PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people(id),
    kind        TEXT NOT NULL,
    year        BIGINT NOT NULL,
    event_kind  TEXT NOT NULL DEFAULT '',
    event_date  DATE,
    content     TEXT NOT NULL,
    reported_on DATE NOT NULL,
    due_on      DATE NOT NULL,
    review      TEXT NOT NULL DEFAULT '',
    review_note TEXT NOT NULL DEFAULT '',
    reviewed_by BIGINT REFERENCES accounts(id),
    reviewed_at TIMESTAMPTZ,
    account_id  BIGINT REFERENCES accounts(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX personal_reports_person ON personal_reports(person_id, year);

CREATE TABLE family_events (
    id                 BIGSERIAL PRIMARY KEY,
    person_id          BIGINT NOT NULL REFERENCES people(id),
    kind               TEXT NOT NULL,
    event_date         DATE NOT NULL,
    place              TEXT NOT NULL,
    relation           TEXT NOT NULL DEFAULT '',
    planned_people     BIGINT NOT NULL,
    planned_tables     BIGINT NOT NULL,
    planned_cars       BIGINT NOT NULL,
    joint              BOOLEAN NOT NULL,
    joint_note         TEXT NOT NULL DEFAULT '',
    pledge_text        TEXT NOT NULL,
    reported_on        DATE NOT NULL,
    actual_people      BIGINT,
    actual_tables      BIGINT,
    actual_cars        BIGINT,
    client_gifts       BOOLEAN NOT NULL DEFAULT FALSE,
    gift_note          TEXT NOT NULL DEFAULT '',
    gifts_handed_in_on DATE,
    actual_reported_on DATE,
    account_id         BIGINT REFERENCES accounts(id),
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX family_events_person ON family_events(person_id);
CREATE INDEX family_events_date ON family_events(event_date);

-- Attachments of both kinds of report, stored as ledger attachments are (append-only).
CREATE TABLE private_attachments (
    id           BIGSERIAL PRIMARY KEY,
    record_kind  TEXT NOT NULL,
    record_id    BIGINT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    content      BYTEA NOT NULL,
    account_id   BIGINT REFERENCES accounts(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX private_attachments_record ON private_attachments(record_kind, record_id);
