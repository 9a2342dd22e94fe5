-- 会议类型 of a 会议研究 entry (党员大会, 支委会 …; MeetingType keys). Entries recorded before
-- keep '' and count toward every meeting item, as they did.
ALTER TABLE ledger_entries ADD COLUMN meeting_type TEXT NOT NULL DEFAULT '';
