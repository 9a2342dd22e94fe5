-- The responsibility chain: catalog → yearly lists → work plans and tasks → duty ledger → fulfilment.
-- Keep this file and ../sqlite/0002_responsibility.sql in step: a test compares the two schemas.

-- 责任事项模板: the built-in ones are seeded from code (builtin = TRUE); unit_id NULL is the
-- common set ("1"), a unit_id makes an item specific to that unit ("X").
CREATE TABLE responsibility_templates (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    text        TEXT NOT NULL,
    owner_role  TEXT NOT NULL,
    req_count   BIGINT NOT NULL,
    req_period  TEXT NOT NULL,
    kinds       TEXT NOT NULL,
    source      TEXT NOT NULL,
    unit_id     BIGINT REFERENCES units(id),
    builtin     BOOLEAN NOT NULL,
    active      BOOLEAN NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- 责任清单: one per unit (unit-level items) or per person, per year; 责任书 signed on pledge_date.
CREATE TABLE responsibility_lists (
    id          BIGSERIAL PRIMARY KEY,
    year        BIGINT NOT NULL,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    person_id   BIGINT REFERENCES people(id),
    pledge_date DATE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX responsibility_lists_owner ON responsibility_lists(year, unit_id, person_id);
CREATE INDEX responsibility_lists_person ON responsibility_lists(person_id, year);

-- 责任事项: a template instantiated for one owner and year; edited = changed by hand, kept on regeneration.
CREATE TABLE responsibility_items (
    id          BIGSERIAL PRIMARY KEY,
    list_id     BIGINT NOT NULL REFERENCES responsibility_lists(id),
    year        BIGINT NOT NULL,
    template_id BIGINT REFERENCES responsibility_templates(id),
    code        TEXT NOT NULL,
    text        TEXT NOT NULL,
    owner_role  TEXT NOT NULL,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    person_id   BIGINT REFERENCES people(id),
    req_count   BIGINT NOT NULL,
    req_period  TEXT NOT NULL,
    kinds       TEXT NOT NULL,
    source      TEXT NOT NULL,
    edited      BOOLEAN NOT NULL,
    active      BOOLEAN NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX responsibility_items_list ON responsibility_items(list_id);
CREATE INDEX responsibility_items_person ON responsibility_items(person_id, year);
CREATE INDEX responsibility_items_unit ON responsibility_items(unit_id, year);

-- 工作要点 and 任务分解: tasks form a tree under a plan (一级抓一级).
CREATE TABLE work_plans (
    id          BIGSERIAL PRIMARY KEY,
    year        BIGINT NOT NULL,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    title       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE tasks (
    id             BIGSERIAL PRIMARY KEY,
    plan_id        BIGINT NOT NULL REFERENCES work_plans(id),
    parent_id      BIGINT REFERENCES tasks(id),
    title          TEXT NOT NULL,
    lead_unit_id   BIGINT NOT NULL REFERENCES units(id),
    lead_person_id BIGINT REFERENCES people(id),
    deadline       DATE NOT NULL,
    business_work  TEXT NOT NULL DEFAULT '',
    completed_on   DATE,
    sort_order     BIGINT NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX tasks_plan ON tasks(plan_id);
CREATE INDEX tasks_parent ON tasks(parent_id);
CREATE INDEX tasks_lead_unit ON tasks(lead_unit_id);

CREATE TABLE task_support_units (
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (task_id, unit_id)
);

CREATE TABLE task_updates (
    id          BIGSERIAL PRIMARY KEY,
    task_id     BIGINT NOT NULL REFERENCES tasks(id),
    update_date DATE NOT NULL,
    text        TEXT NOT NULL,
    evidence    TEXT NOT NULL DEFAULT '',
    completes   BOOLEAN NOT NULL,
    late_reason TEXT NOT NULL DEFAULT '',
    account_id  BIGINT REFERENCES accounts(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX task_updates_task ON task_updates(task_id);

-- 履职台账: submitted entries are never changed; a correction is a new row with the same
-- entry_key, a higher version and a reason. The current version is the highest.
CREATE TABLE ledger_entries (
    id          BIGSERIAL PRIMARY KEY,
    entry_key   BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    entry_date  DATE NOT NULL,
    -- year and month of entry_date, kept as numbers so both engines group and match them alike
    entry_year  BIGINT NOT NULL,
    entry_month BIGINT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    content     TEXT NOT NULL,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    reason      TEXT NOT NULL DEFAULT '',
    account_id  BIGINT REFERENCES accounts(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX ledger_entries_version ON ledger_entries(entry_key, version);
CREATE INDEX ledger_entries_unit_date ON ledger_entries(unit_id, entry_date);
CREATE INDEX ledger_entries_year ON ledger_entries(entry_year, unit_id);

CREATE TABLE ledger_participants (
    entry_id  BIGINT NOT NULL REFERENCES ledger_entries(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    PRIMARY KEY (entry_id, person_id)
);
CREATE INDEX ledger_participants_person ON ledger_participants(person_id);

CREATE TABLE ledger_item_links (
    entry_id BIGINT NOT NULL REFERENCES ledger_entries(id),
    item_id  BIGINT NOT NULL REFERENCES responsibility_items(id),
    PRIMARY KEY (entry_id, item_id)
);

CREATE TABLE ledger_task_links (
    entry_id BIGINT NOT NULL REFERENCES ledger_entries(id),
    task_id  BIGINT NOT NULL REFERENCES tasks(id),
    PRIMARY KEY (entry_id, task_id)
);
CREATE INDEX ledger_task_links_task ON ledger_task_links(task_id);

CREATE TABLE ledger_attachments (
    id           BIGSERIAL PRIMARY KEY,
    entry_id     BIGINT NOT NULL REFERENCES ledger_entries(id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    content      BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX ledger_attachments_entry ON ledger_attachments(entry_id);

-- "One record, every list": the items a current entry counts toward, with the month, so that
-- fulfilment reads counts per item and month instead of walking every entry.
CREATE TABLE ledger_credits (
    entry_id BIGINT NOT NULL REFERENCES ledger_entries(id),
    item_id  BIGINT NOT NULL REFERENCES responsibility_items(id),
    year     BIGINT NOT NULL,
    month    BIGINT NOT NULL,
    PRIMARY KEY (entry_id, item_id)
);
CREATE INDEX ledger_credits_item ON ledger_credits(item_id, year, month);

CREATE TABLE item_month_counts (
    item_id BIGINT NOT NULL REFERENCES responsibility_items(id),
    year    BIGINT NOT NULL,
    month   BIGINT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (item_id, year, month)
);

-- Bumped by every write that can change fulfilment; a snapshot is fresh while its version matches.
CREATE TABLE fulfilment_version (
    singleton BIGINT PRIMARY KEY,
    version   BIGINT NOT NULL
);
INSERT INTO fulfilment_version (singleton, version) VALUES (1, 0);

-- Fulfilment rolled up per unit and level, computed by the engine for (year, as_of).
CREATE TABLE fulfilment_snapshots (
    id          BIGSERIAL PRIMARY KEY,
    year        BIGINT NOT NULL,
    as_of       DATE NOT NULL,
    version     BIGINT NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE fulfilment_rollups (
    snapshot_id  BIGINT NOT NULL REFERENCES fulfilment_snapshots(id),
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    level        TEXT NOT NULL,
    items        BIGINT NOT NULL,
    required     BIGINT NOT NULL,
    done         BIGINT NOT NULL,
    due_required BIGINT NOT NULL,
    due_done     BIGINT NOT NULL,
    completed    BIGINT NOT NULL,
    normal       BIGINT NOT NULL,
    not_started  BIGINT NOT NULL,
    due_soon     BIGINT NOT NULL,
    overdue      BIGINT NOT NULL,
    PRIMARY KEY (snapshot_id, unit_id, level)
);

-- Item states of a snapshot, for the red and yellow lists and drill-down.
CREATE TABLE fulfilment_item_states (
    snapshot_id BIGINT NOT NULL REFERENCES fulfilment_snapshots(id),
    item_id     BIGINT NOT NULL REFERENCES responsibility_items(id),
    state       TEXT NOT NULL,
    required    BIGINT NOT NULL,
    done        BIGINT NOT NULL,
    next_due    DATE,
    PRIMARY KEY (snapshot_id, item_id)
);
CREATE INDEX fulfilment_item_states_state ON fulfilment_item_states(snapshot_id, state);
