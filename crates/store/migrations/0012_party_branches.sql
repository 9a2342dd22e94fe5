-- Party branches (党支部) and their members. A branch stays a unit of kind 'branch' (its
-- responsibility list and items are owned as before); membership is separate from the person's
-- administrative unit: a branch's members come from several divisions.

-- 所在党支部: the branch a party member belongs to now (NULL: none). Kept in step with the
-- current row of party_branch_members.
ALTER TABLE people ADD COLUMN party_branch_id BIGINT REFERENCES units(id);
CREATE INDEX people_party_branch ON people(party_branch_id);

-- Membership history: a person was a member of the branch from from_date (inclusive) to to_date
-- (exclusive); to_date NULL while the membership lasts. At most one open row per person.
CREATE TABLE party_branch_members (
    id        BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES units(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    from_date DATE NOT NULL,
    to_date   DATE,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX party_branch_members_branch ON party_branch_members(branch_id, from_date);
CREATE INDEX party_branch_members_person ON party_branch_members(person_id);

-- 支委: posts on a branch's committee (BranchPost keys: secretary, deputy_secretary, member),
-- with the same [from_date, to_date) history. At most one open row per (branch, person).
CREATE TABLE party_branch_committee (
    id        BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES units(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    post      TEXT NOT NULL,
    from_date DATE NOT NULL,
    to_date   DATE
);
CREATE INDEX party_branch_committee_branch ON party_branch_committee(branch_id, from_date);
CREATE INDEX party_branch_committee_person ON party_branch_committee(person_id);
