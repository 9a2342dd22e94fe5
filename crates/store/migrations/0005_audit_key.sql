-- The keyed audit chain. From record `keyed_from` on, each record's hash is HMAC-SHA256 under the
-- installation's audit key, which is kept outside the database (QINGFENG_AUDIT_KEY or the data
-- directory's audit.key). The records before it were written by earlier versions as plain
-- SHA-256 and keep verifying as such, so existing chains stay valid.
-- `keyed_from_mac` seals that boundary with the key. It stays empty until the first start with a
-- key, which sets `keyed_from` to the id the next record will take and fills the seal
-- (qingfeng_store::audit::seal); from then on moving the boundary breaks the seal.
-- Keep this file and its twin for the other engine in step: a test compares the two schemas.

ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 1;
ALTER TABLE audit_head ADD COLUMN keyed_from_mac TEXT NOT NULL DEFAULT '';
UPDATE audit_head SET keyed_from = last_id + 1;
