//! 信访举报: reports filed on the public page or entered by hand, their evidence (private
//! attachments of kind `petition`), the sealed reporter identity, the receipt code and query
//! password of online filings, and the counters behind the public page's rate limit and lock-out.
//! Reads are for the 纪检组 within its scope (a report about nobody matched is seen only with
//! 全部 scope); the caller checks that the reader is the group.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::petitions::{ClueState, Identity, PetitionDraft, Source};
use serde::Serialize;
use serde_json::json;

use crate::clues::{self, ClueDraft};
use crate::query::{fetch_page, like_contains};
use crate::reporter_key::ReporterKey;
use crate::{args, audit, private_files, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

/// The `record_kind` of a report's evidence files.
pub const EVIDENCE: &str = "petition";

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Petition {
    pub id: i64,
    /// online | letter | visit | phone | higher
    pub source: String,
    #[sqlx(skip)]
    pub source_label: String,
    pub subject_name: String,
    pub subject_unit: String,
    pub subject_post: String,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub content: String,
    pub happened: String,
    /// no name or contact given
    pub anonymous: bool,
    pub received_on: NaiveDate,
    /// received (待受理) | accepted (已受理)
    pub state: String,
    #[sqlx(skip)]
    pub state_label: String,
    /// what the filer reads on the status page
    pub answer: String,
    /// the clue it became or joined
    pub clue_id: Option<i64>,
    pub clue_year: Option<i64>,
    pub clue_number: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl Petition {
    fn labelled(mut self) -> Self {
        self.source_label = Source::from_key(&self.source).map_or("", |s| s.label()).into();
        self.state_label = if self.state == "accepted" { "已受理" } else { "待受理" }.into();
        self
    }

    /// The first words of the text, for a list.
    pub fn excerpt(&self) -> String {
        let mut s: String = self.content.chars().take(60).collect();
        if self.content.chars().count() > 60 {
            s.push('…');
        }
        s
    }

    /// 线索〔2026〕第3号, once accepted.
    pub fn clue_register_no(&self) -> String {
        match (self.clue_year, self.clue_number) {
            (Some(y), Some(n)) => qingfeng_domain::petitions::register_number(y, n),
            _ => String::new(),
        }
    }
}

const COLS: &str = "t.id, t.source, t.subject_name, t.subject_unit, t.subject_post, t.person_id, t.unit_id, \
    u.name AS unit_name, t.content, t.happened, t.anonymous, t.received_on, t.state, t.answer, t.clue_id, \
    c.year AS clue_year, c.number AS clue_number, t.created_at";
const FROM: &str = " FROM petitions t LEFT JOIN units u ON u.id = t.unit_id LEFT JOIN clues c ON c.id = t.clue_id";

#[derive(Debug, Clone, Default)]
pub struct PetitionFilter {
    /// received | accepted
    pub state: Option<String>,
    pub source: Option<Source>,
    pub q: Option<String>,
}

fn conditions(q: &mut QueryBuilder, scope: &Scope, f: &PetitionFilter) {
    scope.restrict(q, "u.path", "u.id", None);
    if let Some(s) = &f.state {
        q.and("t.state = ?", args![s.clone()]);
    }
    if let Some(s) = f.source {
        q.and("t.source = ?", args![s.key()]);
    }
    if let Some(t) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(t);
        q.and(
            "(t.subject_name LIKE ? ESCAPE '\\' OR t.subject_unit LIKE ? ESCAPE '\\' OR t.content LIKE ? ESCAPE '\\')",
            args![pat.clone(), pat.clone(), pat],
        );
    }
}

/// Reports in the reader's scope, newest first.
pub async fn list(db: &Db, scope: &Scope, f: &PetitionFilter, paging: Option<Paging>) -> StoreResult<Page<Petition>> {
    let mut q = QueryBuilder::new();
    conditions(&mut q, scope, f);
    let from = format!("{FROM}{}", q.where_clause());
    let mut page: Page<Petition> =
        fetch_page(db, COLS, &from, "t.received_on DESC, t.id DESC", q.args(), paging).await?;
    page.items = page.items.into_iter().map(Petition::labelled).collect();
    Ok(page)
}

/// One report, or NotFound outside the reader's scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<Petition> {
    let mut q = QueryBuilder::new();
    q.and("t.id = ?", args![id]);
    scope.restrict(&mut q, "u.path", "u.id", None);
    let p: Petition = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    Ok(p.labelled())
}

/// The reports a clue was made of (its own and those of clues merged into it), oldest first.
pub async fn of_clue(db: &Db, clue_id: i64) -> StoreResult<Vec<Petition>> {
    let rows: Vec<Petition> = db
        .fetch_all(
            &format!(
                "SELECT {COLS}{FROM} WHERE t.clue_id = $1 OR t.clue_id IN (SELECT id FROM clues WHERE merged_into = $1) \
                 ORDER BY t.received_on, t.id"
            ),
            args![clue_id],
        )
        .await?;
    Ok(rows.into_iter().map(Petition::labelled).collect())
}

/// An evidence file as read from the public form (already sniffed and sized).
#[derive(Debug, Clone)]
pub struct Evidence {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The receipt of an online filing: the keyed hash of its code and the argon2 hash of its
/// query password.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub receipt_key: String,
    pub password_hash: String,
    pub address_key: String,
}

/// Records a report, its evidence and (sealed) its reporter's identity in one transaction with
/// the audit record, which names neither the reporter nor the text. An identity without a key
/// is refused: it is never stored in the clear.
pub async fn create(
    db: &Db,
    actor: &Actor,
    d: &PetitionDraft,
    unit_id: Option<i64>,
    key: Option<&ReporterKey>,
    receipt: Option<&Receipt>,
    evidence: Vec<Evidence>,
) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id = insert_in(&mut tx, actor, d, unit_id, key, receipt).await?;
    for e in evidence {
        private_files::insert_in(&mut tx, actor, EVIDENCE, id, &e.filename, e.content_type, e.bytes).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Reports entered by hand and imported from a sheet, all in one transaction.
pub async fn create_many(
    db: &Db,
    actor: &Actor,
    drafts: &[(PetitionDraft, Option<i64>)],
    key: Option<&ReporterKey>,
) -> StoreResult<usize> {
    let mut tx = db.begin().await?;
    for (d, unit_id) in drafts {
        insert_in(&mut tx, actor, d, *unit_id, key, None).await?;
    }
    tx.commit().await?;
    Ok(drafts.len())
}

async fn insert_in(
    tx: &mut Tx,
    actor: &Actor,
    d: &PetitionDraft,
    unit_id: Option<i64>,
    key: Option<&ReporterKey>,
    receipt: Option<&Receipt>,
) -> StoreResult<i64> {
    let sealed = match (&d.identity, key) {
        (None, _) => None,
        (Some(i), Some(k)) => Some(k.seal(i)),
        (Some(_), None) => {
            return Err(StoreError::Refused("系统未配置举报人信息密钥，暂不能登记举报人姓名和联系方式".into()))
        }
    };
    let at = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO petitions (source, receipt_key, password_hash, subject_name, subject_unit, subject_post, \
             person_id, unit_id, content, happened, anonymous, identity_sealed, received_on, state, account_id, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'received', $14, \
             $15, $15) RETURNING id",
            args![
                d.source.key(),
                receipt.map(|r| r.receipt_key.clone()),
                receipt.map(|r| r.password_hash.clone()),
                d.subject_name.clone(),
                d.subject_unit.clone(),
                d.subject_post.clone(),
                d.person_id,
                unit_id,
                d.content.clone(),
                d.happened.clone(),
                d.identity.is_none(),
                sealed,
                d.received_on,
                actor.account_id,
                at
            ],
        )
        .await?;
    if let Some(r) = receipt {
        tx.execute(
            "INSERT INTO petition_attempts (kind, address_key, receipt_key, at) VALUES ('filed', $1, '', $2)",
            args![r.address_key.clone(), at],
        )
        .await?;
    }
    let facts = json!({"source": d.source.key(), "anonymous": d.identity.is_none()});
    audit::append(tx, actor, "create", "petition", id, &facts).await?;
    Ok(id)
}

/// Accepts a received report: a new clue is registered for it, or (`into`) it joins an existing
/// clue about the same matter. Answers the clue's id.
pub async fn accept(db: &Db, actor: &Actor, p: &Petition, into: Option<i64>) -> StoreResult<i64> {
    if p.state != "received" {
        return Err(StoreError::Refused(format!("该举报已受理（{}）", p.clue_register_no())));
    }
    let mut tx = db.begin().await?;
    let clue_id = match into {
        Some(cid) => {
            clues::add_step(&mut tx, actor, cid, "merge", None, None, &format!("并入举报（编号 {}）", p.id)).await?;
            cid
        }
        None => {
            let d = ClueDraft {
                source: Source::from_key(&p.source).unwrap_or(Source::Letter),
                received_on: p.received_on,
                subject_name: p.subject_name.clone(),
                subject_unit: p.subject_unit.clone(),
                subject_post: p.subject_post.clone(),
                person_id: p.person_id,
                unit_id: p.unit_id,
                summary: p.content.clone(),
            };
            clues::insert_in(&mut tx, actor, &d).await?
        }
    };
    tx.execute(
        "UPDATE petitions SET state = 'accepted', clue_id = $1, updated_at = $2 WHERE id = $3",
        args![clue_id, crate::now(), p.id],
    )
    .await?;
    audit::append(&mut tx, actor, "accept", "petition", p.id, &json!({"clue_id": clue_id})).await?;
    tx.commit().await?;
    Ok(clue_id)
}

/// Records the person (and their unit, the data scope) the group matched a report to.
pub async fn match_person(
    db: &Db,
    actor: &Actor,
    id: i64,
    person_id: Option<i64>,
    unit_id: Option<i64>,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        "UPDATE petitions SET person_id = $1, unit_id = $2, updated_at = $3 WHERE id = $4",
        args![person_id, unit_id, crate::now(), id],
    )
    .await?;
    audit::append(&mut tx, actor, "update", "petition", id, &json!({"person_id": person_id})).await?;
    tx.commit().await
}

/// The reporter's identity of a report, opened with the key; the view is audited first (also
/// when the key does not open it). None: an anonymous report.
pub async fn identity(db: &Db, actor: &Actor, key: Option<&ReporterKey>, id: i64) -> StoreResult<Option<Identity>> {
    let (sealed,): (Option<Vec<u8>>,) =
        db.fetch_one("SELECT identity_sealed FROM petitions WHERE id = $1", args![id]).await?;
    let mut tx = db.begin().await?;
    audit::append(&mut tx, actor, "view_identity", "petition", id, &json!({})).await?;
    tx.commit().await?;
    let Some(sealed) = sealed else { return Ok(None) };
    let key = key.ok_or_else(|| StoreError::Refused("系统未配置举报人信息密钥，无法显示举报人信息".into()))?;
    key.open(&sealed).map(Some).ok_or_else(|| {
        StoreError::Refused("举报人信息无法解密：密钥与登记时的不符（请使用原密钥文件 reporter.key）".into())
    })
}

/// Writes an audit row for a refused look at a report or an identity (the 404 it answered).
pub async fn log_refused_view(db: &Db, actor: &Actor, entity: &str, id: i64) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    audit::append(&mut tx, actor, "view_refused", entity, id, &json!({})).await?;
    tx.commit().await
}

/// What the status page shows of an online report.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatusRow {
    pub password_hash: Option<String>,
    pub state: String,
    pub clue_state: Option<String>,
    pub answer: String,
    pub received_on: NaiveDate,
}

impl StatusRow {
    /// The words the filer reads: 待受理, or the clue's public state.
    pub fn label(&self) -> &'static str {
        match self.clue_state.as_deref().and_then(ClueState::from_key) {
            Some(s) if self.state == "accepted" => s.public_label(),
            _ => "已收到，等待受理",
        }
    }
}

/// The report filed with this receipt (by the keyed hash of its code).
pub async fn by_receipt(db: &Db, receipt_key: &str) -> StoreResult<Option<StatusRow>> {
    db.fetch_optional(
        "SELECT t.password_hash, t.state, COALESCE(m.state, c.state) AS clue_state, t.answer, t.received_on \
         FROM petitions t LEFT JOIN clues c ON c.id = t.clue_id LEFT JOIN clues m ON m.id = c.merged_into \
         WHERE t.receipt_key = $1",
        args![receipt_key],
    )
    .await
}

/// Attempts of one kind (`filed`, `query_failed`) since `since`, from an address or for a
/// receipt (`by`: `address_key` or `receipt_key`).
pub async fn attempts(db: &Db, kind: &str, by_receipt: bool, key: &str, since: DateTime<Utc>) -> StoreResult<i64> {
    let col = if by_receipt { "receipt_key" } else { "address_key" };
    let (n,): (i64,) = db
        .fetch_one(
            &format!("SELECT COUNT(*) FROM petition_attempts WHERE kind = $1 AND {col} = $2 AND at >= $3"),
            args![kind, key, since],
        )
        .await?;
    Ok(n)
}

/// Counts a failed status query against its address and its receipt code.
pub async fn record_failed_query(db: &Db, address_key: &str, receipt_key: &str) -> StoreResult<()> {
    db.execute(
        "INSERT INTO petition_attempts (kind, address_key, receipt_key, at) VALUES ('query_failed', $1, $2, $3)",
        args![address_key, receipt_key, crate::now()],
    )
    .await?;
    Ok(())
}

/// The keyed hash under which an address or a receipt code is counted and looked up (the
/// audit key's HMAC: a database dump alone does not turn it back into the address or code).
pub fn keyed(db: &Db, what: &str, value: &str) -> String {
    db.audit_key().mac_hex(&[b"petition:", what.as_bytes(), b":", value.as_bytes()])
}

/// A new receipt code: 16 characters (80 random bits) in four groups, from an alphabet without
/// look-alike letters, e.g. `K7QM-3XWD-9PTR-H2CE`.
pub fn new_receipt_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A receipt code as typed back (case, spaces and dashes ignored).
pub fn normalize_receipt_code(code: &str) -> String {
    let plain: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    plain.chars().collect::<Vec<_>>().chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}
