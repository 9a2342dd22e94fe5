-- Foundation: the unit tree, people, accounts, sessions, settings and the audit trail.
-- Keep this file and ../sqlite/0001_foundation.sql in step: a test compares the two schemas.

CREATE TABLE units (
    id          BIGSERIAL PRIMARY KEY,
    parent_id   BIGINT REFERENCES units(id),
    name        TEXT NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    sort_order  BIGINT NOT NULL DEFAULT 0,
    -- materialized path "/1/5/12/", byte-ordered so subtree queries are index range scans
    path        TEXT COLLATE "C" NOT NULL DEFAULT '',
    -- "/0000001.000000000001/…": (sort order, id) from the root down, so ORDER BY gives tree order
    sort_path   TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_path ON units(path);
CREATE INDEX units_sort_path ON units(sort_path);

CREATE TABLE people (
    id                          BIGSERIAL PRIMARY KEY,
    name                        TEXT NOT NULL,
    gender                      TEXT NOT NULL,
    unit_id                     BIGINT NOT NULL REFERENCES units(id),
    title                       TEXT NOT NULL DEFAULT '',
    rank                        TEXT NOT NULL,
    political_status            TEXT NOT NULL,
    roles                       TEXT NOT NULL DEFAULT '',
    status                      TEXT NOT NULL,
    birth_date                  DATE,
    party_join_date             DATE,
    exercises_public_power      BOOLEAN NOT NULL,
    supervision_override        BOOLEAN,
    supervision_override_reason TEXT NOT NULL DEFAULT '',
    in_supervision_scope        BOOLEAN NOT NULL,
    created_at                  TIMESTAMPTZ NOT NULL,
    updated_at                  TIMESTAMPTZ NOT NULL
);
CREATE INDEX people_unit ON people(unit_id);
CREATE INDEX people_name ON people(name);

CREATE TABLE person_transfers (
    id           BIGSERIAL PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES people(id),
    from_unit_id BIGINT REFERENCES units(id),
    to_unit_id   BIGINT NOT NULL REFERENCES units(id),
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    changed_at   TIMESTAMPTZ NOT NULL,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX person_transfers_person ON person_transfers(person_id);

-- 分管: a leadership member is in charge of these units.
CREATE TABLE in_charge_of (
    person_id BIGINT NOT NULL REFERENCES people(id),
    unit_id   BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (person_id, unit_id)
);
CREATE INDEX in_charge_of_unit ON in_charge_of(unit_id);

CREATE TABLE accounts (
    id                   BIGSERIAL PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,
    person_id            BIGINT REFERENCES people(id),
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TIMESTAMPTZ NOT NULL
);

CREATE TABLE account_roles (
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    role_key   TEXT NOT NULL,
    PRIMARY KEY (account_id, role_key)
);

-- Only the SHA-256 of a token is kept: a database leak does not leak credentials.
CREATE TABLE api_tokens (
    id         BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    token_hash TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    revoked    BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts(id),
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

-- 登录日志; also the source of login lock-outs, so the lock holds across replicas.
CREATE TABLE login_log (
    id       BIGSERIAL PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL,
    username TEXT NOT NULL,
    address  TEXT NOT NULL,
    result   TEXT NOT NULL
);
CREATE INDEX login_log_username ON login_log(username, at);
CREATE INDEX login_log_address ON login_log(address, at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Append-only, hash-chained. audit_head holds the chain's tip; updating it inside each
-- writing transaction serializes appenders, so concurrent writers never fork the chain.
CREATE TABLE audit_log (
    id         BIGINT PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    account_id BIGINT,
    username   TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL DEFAULT '',
    diff       TEXT NOT NULL DEFAULT '{}',
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

CREATE TABLE audit_head (
    singleton BIGINT PRIMARY KEY,
    last_id   BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- An uploaded spreadsheet between validation and the user's confirmation, kept in the
-- database so that the confirming request may reach any replica.
CREATE TABLE pending_imports (
    token      TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    kind       TEXT NOT NULL,
    content    BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Roles defined by administrators beyond the built-in ones (whose definitions live in code).
CREATE TABLE roles (
    key         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    scope_kind  TEXT NOT NULL,
    -- comma-separated permission strings module:action
    permissions TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Units of a role whose scope is 自定义 (custom).
CREATE TABLE role_units (
    role_key TEXT NOT NULL REFERENCES roles(key),
    unit_id  BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (role_key, unit_id)
);
