-- 公务用车: vehicles with their designated parking place, and their trips (派车单 / 用车登记)
-- with the rules that failed at the last save (R-CAR-n, comma separated) and the findings the
-- 纪检组 raised from them. Times are the office's local wall-clock time: a day and "HH:MM".
CREATE TABLE vehicles (
    id          BIGSERIAL PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    plate       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parking     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX vehicles_plate ON vehicles(plate);
CREATE INDEX vehicles_unit ON vehicles(unit_id);

CREATE TABLE vehicle_trips (
    id             BIGSERIAL PRIMARY KEY,
    vehicle_id     BIGINT NOT NULL REFERENCES vehicles(id),
    departed_on    DATE NOT NULL,
    departed_time  TEXT NOT NULL,
    returned_on    DATE,
    returned_time  TEXT NOT NULL DEFAULT '',
    purpose        TEXT NOT NULL DEFAULT '',
    destination    TEXT NOT NULL DEFAULT '',
    mileage_start  BIGINT,
    mileage_end    BIGINT,
    distance_km    BIGINT,
    cost_kind      TEXT NOT NULL DEFAULT '',
    cost_cents     BIGINT,
    driver         TEXT NOT NULL DEFAULT '',
    approver       TEXT NOT NULL DEFAULT '',
    special_approval TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    failed_rules   TEXT NOT NULL DEFAULT '',
    account_id     BIGINT REFERENCES accounts(id),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX vehicle_trips_vehicle ON vehicle_trips(vehicle_id, departed_on, departed_time);
CREATE INDEX vehicle_trips_day ON vehicle_trips(departed_on);

CREATE TABLE vehicle_trip_findings (
    trip_id     BIGINT NOT NULL REFERENCES vehicle_trips(id),
    rule        TEXT NOT NULL,
    finding_id  BIGINT NOT NULL REFERENCES findings(id),
    PRIMARY KEY (trip_id, rule)
);

-- 三公经费: each unit's budget of a year per category (因公出国（境）, 公务用车购置及运行维护,
-- 公务接待), the finance office's ledger of spending (imported or entered), and the warning
-- level each unit and category last reached (so a unit is told once per level).
CREATE TABLE budgets (
    id            BIGSERIAL PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    year          BIGINT NOT NULL,
    category      TEXT NOT NULL,
    amount_cents  BIGINT NOT NULL,
    warned_level  BIGINT NOT NULL DEFAULT 0,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX budgets_unit_year ON budgets(unit_id, year, category);

CREATE TABLE budget_spending (
    id            BIGSERIAL PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    spent_on      DATE NOT NULL,
    category      TEXT NOT NULL,
    amount_cents  BIGINT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    account_id    BIGINT REFERENCES accounts(id),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX budget_spending_unit ON budget_spending(unit_id, spent_on);
