-- 学习教育与警示教育: what a study session's ledger entry (per entry version, as the entry's
-- other links are) lacks: organiser, topic, materials, the party branch, and the attendance as
-- the organiser records it. The present attendees are also the entry's participants.
CREATE TABLE study_sessions (
    entry_id     BIGINT PRIMARY KEY REFERENCES ledger_entries(id),
    organiser_id BIGINT REFERENCES people(id),
    topic        TEXT NOT NULL,
    materials    TEXT NOT NULL DEFAULT '',
    branch_id    BIGINT REFERENCES units(id)
);
CREATE INDEX study_sessions_branch ON study_sessions(branch_id);

-- status: present | absent; reason (AbsenceReason key) for an absence
CREATE TABLE study_attendance (
    entry_id  BIGINT NOT NULL REFERENCES ledger_entries(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    status    TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entry_id, person_id)
);
CREATE INDEX study_attendance_person ON study_attendance(person_id);

-- 补学: recorded later for an absence; append-only (the session's entry never changes).
CREATE TABLE study_makeups (
    id          BIGSERIAL PRIMARY KEY,
    entry_id    BIGINT NOT NULL REFERENCES ledger_entries(id),
    person_id   BIGINT NOT NULL REFERENCES people(id),
    makeup_date DATE NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    account_id  BIGINT REFERENCES accounts(id),
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (entry_id, person_id)
);
CREATE INDEX study_makeups_person ON study_makeups(person_id);
