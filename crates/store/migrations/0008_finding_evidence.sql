-- Evidence files of the rectification (整改佐证材料): attached to a measure, to the progress of
-- a measure, or to the request for sign-off. Append-only, as ledger attachments are.
CREATE TABLE finding_evidence (
    id           BIGSERIAL PRIMARY KEY,
    finding_id   BIGINT NOT NULL REFERENCES findings(id),
    measure_id   BIGINT REFERENCES rectification_measures(id),
    part         TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    content      BYTEA NOT NULL,
    account_id   BIGINT REFERENCES accounts(id),
    username     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX finding_evidence_finding ON finding_evidence(finding_id);
