-- Ledger attachments remember who uploaded them, so that the uploader may withdraw one while the
-- entry version it belongs to is still current. Withdrawal is soft: the row stays, marked.
ALTER TABLE ledger_attachments ADD COLUMN account_id BIGINT REFERENCES accounts(id);
ALTER TABLE ledger_attachments ADD COLUMN withdrawn_at TIMESTAMPTZ;
-- Attachments uploaded before this migration: the uploader is the audit record's account.
UPDATE ledger_attachments SET account_id = (
    SELECT MIN(a.account_id) FROM audit_log a
    WHERE a.entity = 'ledger_attachment' AND a.action = 'create' AND a.entity_id = CAST(ledger_attachments.id AS TEXT)
);
