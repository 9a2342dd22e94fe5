-- 党风廉政意见回复: the reply the 纪检组 gives about a cadre (from the cadre's 廉政档案) when the
-- organisation department asks whether they may be promoted. Drafted from the file, edited, then
-- signed out (签发): from then on frozen, numbered within its year and dated, with who signed.
CREATE TABLE integrity_replies (
    id            BIGSERIAL PRIMARY KEY,
    person_id     BIGINT NOT NULL REFERENCES people (id),
    -- the person's unit when the reply was drafted (the data scope follows it)
    unit_id       BIGINT NOT NULL REFERENCES units (id),
    -- to whom the reply goes (中共XX县委组织部) and why it was asked (拟提拔 …)
    addressee     TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    -- the day the facts are stated for (截至)
    as_of         DATE NOT NULL,
    -- clean | pending | not_suitable
    conclusion    TEXT NOT NULL,
    body          TEXT NOT NULL,
    -- set when signed out: the number is 〔year〕seq
    year          BIGINT,
    seq           BIGINT,
    signed_on     DATE,
    signed_by     BIGINT REFERENCES accounts (id),
    signer_name   TEXT,
    account_id    BIGINT REFERENCES accounts (id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (year, seq)
);
CREATE INDEX integrity_replies_person ON integrity_replies (person_id, created_at);
