-- Findings and rectification (问题清单 → 整改 → 验收销号 → 回头看), campaigns, notifications,
-- reminders that fire once across replicas, and outbound deliveries with retries.
-- Keep this file and ../sqlite/0003_findings.sql in step: a test compares the two schemas.

CREATE TABLE campaigns (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    start_date  DATE NOT NULL,
    end_date    DATE NOT NULL,
    goals       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE campaign_units (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (campaign_id, unit_id)
);

CREATE TABLE campaign_tasks (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    task_id     BIGINT NOT NULL REFERENCES tasks(id),
    PRIMARY KEY (campaign_id, task_id)
);

CREATE TABLE findings (
    id                     BIGSERIAL PRIMARY KEY,
    unit_id                BIGINT NOT NULL REFERENCES units(id),
    source                 TEXT NOT NULL,
    category               TEXT NOT NULL,
    description            TEXT NOT NULL,
    severity               TEXT NOT NULL,
    found_on               DATE NOT NULL,
    responsible_leader_id  BIGINT REFERENCES people(id),
    responsible_person_id  BIGINT REFERENCES people(id),
    campaign_id            BIGINT REFERENCES campaigns(id),
    -- a recurrence found at a look-back reopens the problem as a new finding linked to the old one
    recurrence_of          BIGINT REFERENCES findings(id),
    -- 'supervision' (recorded by the discipline-inspection group) or 'self' (自查)
    origin                 TEXT NOT NULL,
    state                  TEXT NOT NULL,
    fed_back_on            DATE,
    signed_off_on          DATE,
    look_back_due          DATE,
    look_back_result       TEXT,
    account_id             BIGINT REFERENCES accounts(id),
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX findings_unit ON findings(unit_id);
CREATE INDEX findings_state ON findings(state);
CREATE INDEX findings_campaign ON findings(campaign_id);

-- Every step of the flow: who did it, when, with what note or evidence.
CREATE TABLE finding_steps (
    id          BIGSERIAL PRIMARY KEY,
    finding_id  BIGINT NOT NULL REFERENCES findings(id),
    step        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    account_id  BIGINT REFERENCES accounts(id),
    username    TEXT NOT NULL DEFAULT '',
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX finding_steps_finding ON finding_steps(finding_id);

CREATE TABLE rectification_measures (
    id                     BIGSERIAL PRIMARY KEY,
    finding_id             BIGINT NOT NULL REFERENCES findings(id),
    text                   TEXT NOT NULL,
    responsible_leader_id  BIGINT REFERENCES people(id),
    responsible_person_id  BIGINT NOT NULL REFERENCES people(id),
    deadline               DATE NOT NULL,
    completed_on           DATE,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX rectification_measures_finding ON rectification_measures(finding_id);
CREATE INDEX rectification_measures_deadline ON rectification_measures(deadline);

CREATE TABLE rectification_updates (
    id          BIGSERIAL PRIMARY KEY,
    measure_id  BIGINT NOT NULL REFERENCES rectification_measures(id),
    update_date DATE NOT NULL,
    text        TEXT NOT NULL,
    evidence    TEXT NOT NULL DEFAULT '',
    completes   BOOLEAN NOT NULL,
    account_id  BIGINT REFERENCES accounts(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX rectification_updates_measure ON rectification_updates(measure_id);

-- In-app notifications (通知中心).
CREATE TABLE notifications (
    id           BIGSERIAL PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts(id),
    kind         TEXT NOT NULL,
    level        TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    link         TEXT NOT NULL DEFAULT '',
    reminder_key TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    read_at      TIMESTAMPTZ
);
CREATE INDEX notifications_account ON notifications(account_id, read_at);

-- A reminder fires once: the key names the reminder and its recipient, due_date the deadline
-- it is about; a second replica's insert of the same pair fails and it sends nothing.
CREATE TABLE reminders_sent (
    reminder_key TEXT NOT NULL,
    due_date     DATE NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (reminder_key, due_date)
);

-- Job leases: one replica at a time runs a job pass; an expired lease may be taken over.
CREATE TABLE job_leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

-- Outbound email and webhook deliveries, retried with backoff, never lost.
CREATE TABLE outbound_deliveries (
    id              BIGSERIAL PRIMARY KEY,
    notification_id BIGINT REFERENCES notifications(id),
    channel         TEXT NOT NULL,
    target          TEXT NOT NULL,
    payload         TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbound_deliveries_due ON outbound_deliveries(delivered_at, next_attempt_at);
