-- A search over people's names and 职务 that reads an index rather than every person
-- (qingfeng_domain::search): each character and each pair of adjacent characters of a person's
-- name and 职务. Derived data, written by the store with every write of a name or 职务 and filled
-- at start-up for people without grams; no foreign key, so voiding a person is not held up by it.
CREATE TABLE people_grams (
    gram      TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    PRIMARY KEY (gram, person_id)
);
CREATE INDEX people_grams_person ON people_grams(person_id);
