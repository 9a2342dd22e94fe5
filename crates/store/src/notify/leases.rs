//! Job leases: one replica at a time works a job (see the module documentation of `notify`).

use chrono::Duration;

use crate::{args, Db, StoreResult};

/// Takes the lease `name` for `holder` until now + `ttl` when it is free or expired. Returns
/// whether the caller holds it now.
pub async fn take_lease(db: &Db, name: &str, holder: &str, ttl: Duration) -> StoreResult<bool> {
    let now = crate::now();
    // one statement, so two replicas racing for the row are serialized by the database
    let n = db
        .execute(
            "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE job_leases.expires_at < $4",
            args![name, holder, now + ttl, now],
        )
        .await?;
    Ok(n == 1)
}

/// Extends a lease the caller still holds; false when it was lost (expired and taken over).
pub async fn renew_lease(db: &Db, name: &str, holder: &str, ttl: Duration) -> StoreResult<bool> {
    let now = crate::now();
    let n = db
        .execute(
            "UPDATE job_leases SET expires_at = $1 WHERE name = $2 AND holder = $3 AND expires_at >= $4",
            args![now + ttl, name, holder, now],
        )
        .await?;
    Ok(n == 1)
}

/// Gives a lease back so the next pass of any replica may start at once.
pub async fn release_lease(db: &Db, name: &str, holder: &str) -> StoreResult<()> {
    db.execute(
        "UPDATE job_leases SET expires_at = $1 WHERE name = $2 AND holder = $3",
        args![crate::now() - Duration::seconds(1), name, holder],
    )
    .await?;
    Ok(())
}
