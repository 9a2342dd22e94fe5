//! Uploaded sheets waiting between validation and confirmation (`pending_imports`), kept in the
//! database so the confirming request may reach any replica. Only the latest upload of an
//! account is kept.

use crate::accounts::random_token;
use crate::{args, Db, StoreResult};

/// Keeps a validated upload under a new token, dropping the account's older uploads.
pub async fn keep(db: &Db, account_id: i64, kind: &str, content: Vec<u8>) -> StoreResult<String> {
    let token = random_token();
    db.execute("DELETE FROM pending_imports WHERE account_id = $1", args![account_id]).await?;
    db.execute(
        "INSERT INTO pending_imports (token, account_id, kind, content, created_at) VALUES ($1, $2, $3, $4, $5)",
        args![token.clone(), account_id, kind, content, crate::now()],
    )
    .await?;
    Ok(token)
}

/// The upload kept under `token` for this account and sheet kind, if any.
pub async fn get(db: &Db, token: &str, account_id: i64, kind: &str) -> StoreResult<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> = db
        .fetch_optional(
            "SELECT content FROM pending_imports WHERE token = $1 AND account_id = $2 AND kind = $3",
            args![token, account_id, kind],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// Drops the upload kept under `token` (once it is imported).
pub async fn remove(db: &Db, token: &str) -> StoreResult<()> {
    db.execute("DELETE FROM pending_imports WHERE token = $1", args![token]).await?;
    Ok(())
}
