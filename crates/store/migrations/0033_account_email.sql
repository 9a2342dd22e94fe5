-- An e-mail address on the account, for notifications by e-mail. The older mapping by setting
-- (notify.email.<username>) stays as the fallback for accounts without one.
ALTER TABLE accounts ADD COLUMN email TEXT;
