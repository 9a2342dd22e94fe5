//! 廉政档案 views and 党风廉政意见回复. A file is assembled by the web from the other modules'
//! reads; what is kept here is who looked at a file (the audit trail) and the replies: drafted,
//! edited, then signed out — frozen, numbered within the year, dated, with who signed.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::integrity::{Conclusion, ReplyFields};
use serde::Serialize;
use serde_json::json;

use crate::{args, audit, Actor, Db, QueryBuilder, Scope, StoreError, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrityReply {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    /// the person's unit when the reply was drafted
    pub unit_id: i64,
    pub unit_name: String,
    pub addressee: String,
    pub purpose: String,
    /// the day the facts are stated for (截至)
    pub as_of: NaiveDate,
    /// `clean`, `pending` or `not_suitable`
    pub conclusion: String,
    #[sqlx(skip)]
    pub conclusion_label: String,
    pub body: String,
    /// the year and sequence of the number, once signed
    pub year: Option<i64>,
    pub seq: Option<i64>,
    /// 〔2026〕3号, once signed ("" before)
    #[sqlx(skip)]
    pub number: String,
    pub signed_on: Option<NaiveDate>,
    pub signer_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl IntegrityReply {
    fn labelled(mut self) -> Self {
        self.conclusion_label = Conclusion::from_key(&self.conclusion).map_or("", Conclusion::label).into();
        if let (Some(y), Some(s)) = (self.year, self.seq) {
            self.number = format!("〔{y}〕{s}号");
        }
        self
    }

    /// Signed out: frozen from then on.
    pub fn signed(&self) -> bool {
        self.signed_on.is_some()
    }
}

const COLS: &str = "r.id, r.person_id, p.name AS person_name, r.unit_id, u.name AS unit_name, r.addressee, r.purpose, \
    r.as_of, r.conclusion, r.body, r.year, r.seq, r.signed_on, r.signer_name, r.created_at, r.updated_at";
const FROM: &str = " FROM integrity_replies r JOIN people p ON p.id = r.person_id JOIN units u ON u.id = r.unit_id";

/// The replies about a person, oldest first.
pub async fn replies_of(db: &Db, person_id: i64) -> StoreResult<Vec<IntegrityReply>> {
    let rows: Vec<IntegrityReply> = db
        .fetch_all(&format!("SELECT {COLS}{FROM} WHERE r.person_id = $1 ORDER BY r.created_at, r.id"), args![person_id])
        .await?;
    Ok(rows.into_iter().map(IntegrityReply::labelled).collect())
}

/// One reply within `scope` (by the person's unit when drafted), or NotFound.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<IntegrityReply> {
    let mut q = QueryBuilder::new();
    q.and("r.id = ?", args![id]);
    scope.restrict(&mut q, "u.path", "u.id", Some("p.id"));
    let r: IntegrityReply = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    Ok(r.labelled())
}

/// A new draft about `person_id` (in `unit_id`) with the text generated from the file.
pub async fn create(
    db: &Db,
    actor: &Actor,
    person_id: i64,
    unit_id: i64,
    f: &ReplyFields,
    as_of: NaiveDate,
    conclusion: Conclusion,
) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO integrity_replies (person_id, unit_id, addressee, purpose, as_of, conclusion, body, \
             account_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            args![
                person_id,
                unit_id,
                f.addressee.clone(),
                f.purpose.clone(),
                as_of,
                conclusion.key(),
                f.body.clone(),
                actor.account_id,
                now
            ],
        )
        .await?;
    let after = json!({"person_id": person_id, "addressee": f.addressee, "purpose": f.purpose, "as_of": as_of,
                       "conclusion": conclusion.key()});
    audit::append(&mut tx, actor, "generate", "integrity_reply", id, &audit::diff(&json!({}), &after)).await?;
    tx.commit().await?;
    Ok(id)
}

fn refused_signed() -> StoreError {
    StoreError::Refused("该回复已签发，不能再修改".into())
}

/// Saves an edit of a draft; a signed reply is refused.
pub async fn update(db: &Db, actor: &Actor, before: &IntegrityReply, f: &ReplyFields) -> StoreResult<()> {
    if before.signed() {
        return Err(refused_signed());
    }
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            "UPDATE integrity_replies SET addressee = $1, purpose = $2, body = $3, updated_at = $4 \
             WHERE id = $5 AND signed_on IS NULL",
            args![f.addressee.clone(), f.purpose.clone(), f.body.clone(), crate::now(), before.id],
        )
        .await?;
    if n == 0 {
        return Err(refused_signed());
    }
    let old = json!({"addressee": before.addressee, "purpose": before.purpose, "body": before.body});
    let new = json!({"addressee": f.addressee, "purpose": f.purpose, "body": f.body});
    audit::append(&mut tx, actor, "update", "integrity_reply", before.id, &audit::diff(&old, &new)).await?;
    tx.commit().await
}

/// Signs a draft out on `on`: the next number of that year, the signer's name; frozen after.
pub async fn sign(db: &Db, actor: &Actor, before: &IntegrityReply, signer: &str, on: NaiveDate) -> StoreResult<()> {
    use chrono::Datelike;
    if before.signed() {
        return Err(StoreError::Refused("该回复已签发".into()));
    }
    let year = i64::from(on.year());
    let mut tx = db.begin().await?;
    let (seq,): (i64,) =
        tx.fetch_one("SELECT COALESCE(MAX(seq), 0) + 1 FROM integrity_replies WHERE year = $1", args![year]).await?;
    let n = tx
        .execute(
            "UPDATE integrity_replies SET year = $1, seq = $2, signed_on = $3, signed_by = $4, signer_name = $5, \
             updated_at = $6 WHERE id = $7 AND signed_on IS NULL",
            args![year, seq, on, actor.account_id, signer.to_string(), crate::now(), before.id],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused("该回复已签发".into()));
    }
    let after = json!({"number": format!("〔{year}〕{seq}号"), "signed_on": on, "signer_name": signer});
    audit::append(&mut tx, actor, "sign", "integrity_reply", before.id, &audit::diff(&json!({}), &after)).await?;
    tx.commit().await
}

/// Records that someone opened (or downloaded) a person's file: which parts they were shown.
pub async fn log_view(db: &Db, actor: &Actor, person_id: i64, what: &str) -> StoreResult<()> {
    audit::record(db, actor, "view", "integrity_file", person_id, &json!({"note": what})).await
}
