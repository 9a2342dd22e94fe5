-- 谈心谈话: the extra fields of a ledger entry of kind `talk`, per entry version (as the
-- entry's other links are).
CREATE TABLE talks (
    entry_id  BIGINT PRIMARY KEY REFERENCES ledger_entries(id),
    talk_kind TEXT NOT NULL,
    topics    TEXT NOT NULL DEFAULT '',
    summary   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX talks_kind ON talks(talk_kind);

-- who talked (talker) with whom (counterpart)
CREATE TABLE talk_people (
    entry_id  BIGINT NOT NULL REFERENCES ledger_entries(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    role      TEXT NOT NULL,
    PRIMARY KEY (entry_id, person_id, role)
);
CREATE INDEX talk_people_person ON talk_people(person_id);

CREATE TABLE talk_follow_ups (
    id        BIGSERIAL PRIMARY KEY,
    entry_id  BIGINT NOT NULL REFERENCES ledger_entries(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    deadline  DATE NOT NULL,
    content   TEXT NOT NULL
);
CREATE INDEX talk_follow_ups_entry ON talk_follow_ups(entry_id);
