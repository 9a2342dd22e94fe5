//! 督办: a pressing note of the 纪检组 on a decision or one of its tasks, with a deadline and an
//! addressee (a unit, and optionally a person). The addressee answers (反馈), the 纪检组 closes it
//! (办结); each step is audited and tells the other side in its transaction.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::access::Permission;
use qingfeng_domain::supervision::{note_state, NoteDraft, NoteState};
use serde::Serialize;
use serde_json::{json, Value};

use crate::notify::{self, Event};
use crate::query::fetch_page;
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

/// A 督办 with its state as of the day it was read.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SupervisionNote))]
pub struct Note {
    pub id: i64,
    pub implementation_id: i64,
    pub implementation_title: String,
    /// the task pressed on, if any
    pub task_id: Option<i64>,
    pub task_title: Option<String>,
    /// 督办事项
    pub text: String,
    /// 反馈期限
    pub deadline: NaiveDate,
    /// 督办对象 (unit)
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    /// 督办对象 (person)
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    /// 督办日期
    pub issued_on: NaiveDate,
    /// the account that opened it
    pub account_id: Option<i64>,
    pub issued_by: Option<String>,
    /// 反馈情况
    pub answer: String,
    pub answered_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    /// 办结意见
    pub close_note: String,
    /// `open`, `overdue`, `answered` or `closed`
    #[sqlx(skip)]
    pub state: String,
    /// 待反馈, 逾期未反馈, 已反馈 or 已办结
    #[sqlx(skip)]
    pub state_label: String,
    /// past the deadline without an answer
    #[sqlx(skip)]
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Note {
    fn finish(mut self, today: NaiveDate) -> Self {
        let s = note_state(self.deadline, self.answered_on, self.closed_on, today);
        self.state = s.key().into();
        self.state_label = s.label().into();
        self.overdue = s == NoteState::Overdue;
        self
    }
}

const COLS: &str = "n.id, n.implementation_id, di.title AS implementation_title, n.task_id, t.title AS task_title, \
    n.text, n.deadline, n.unit_id, nu.name AS unit_name, nu.path AS unit_path, n.person_id, np.name AS person_name, \
    n.issued_on, n.account_id, COALESCE(ip.name, ia.username) AS issued_by, n.answer, n.answered_on, n.closed_on, \
    n.close_note, n.created_at, n.updated_at";
const FROM: &str = " FROM supervision_notes n JOIN decision_implementations di ON di.id = n.implementation_id \
    JOIN units nu ON nu.id = n.unit_id LEFT JOIN people np ON np.id = n.person_id LEFT JOIN tasks t ON t.id = n.task_id \
    LEFT JOIN accounts ia ON ia.id = n.account_id LEFT JOIN people ip ON ip.id = ia.person_id";

/// Filters of the note list.
#[derive(Debug, Clone, Default)]
pub struct NoteFilter {
    pub implementation_id: Option<i64>,
    pub state: Option<NoteState>,
    /// notes addressed to this person, or to `unit` with no person named
    pub addressee: Option<(i64, Option<i64>)>,
}

fn conditions(q: &mut QueryBuilder, scope: &Scope, f: &NoteFilter, today: NaiveDate) {
    scope.restrict(q, "nu.path", "nu.id", Some("n.person_id"));
    if let Some(i) = f.implementation_id {
        q.and("n.implementation_id = ?", args![i]);
    }
    match f.state {
        None => {}
        Some(NoteState::Closed) => {
            q.and("n.closed_on IS NOT NULL", vec![]);
        }
        Some(NoteState::Answered) => {
            q.and("n.closed_on IS NULL AND n.answered_on IS NOT NULL", vec![]);
        }
        Some(NoteState::Overdue) => {
            q.and("n.closed_on IS NULL AND n.answered_on IS NULL AND n.deadline < ?", args![today]);
        }
        Some(NoteState::Open) => {
            q.and("n.closed_on IS NULL AND n.answered_on IS NULL AND n.deadline >= ?", args![today]);
        }
    }
    match f.addressee {
        None => {}
        Some((person, Some(unit))) => {
            q.and("(n.person_id = ? OR (n.person_id IS NULL AND n.unit_id = ?))", args![person, unit]);
        }
        Some((person, None)) => {
            q.and("n.person_id = ?", args![person]);
        }
    }
}

/// Notes in scope, the earliest deadline first. `paging` None returns every match.
pub async fn list_notes(
    db: &Db,
    scope: &Scope,
    f: &NoteFilter,
    paging: Option<Paging>,
    today: NaiveDate,
) -> StoreResult<Page<Note>> {
    let mut q = QueryBuilder::new();
    conditions(&mut q, scope, f, today);
    let from = format!("{FROM}{}", q.where_clause());
    let mut page: Page<Note> = fetch_page(db, COLS, &from, "n.deadline, n.id", q.args(), paging).await?;
    page.items = page.items.into_iter().map(|n| n.finish(today)).collect();
    Ok(page)
}

/// A note by id, or NotFound when it lies outside the scope.
pub async fn get_note(db: &Db, scope: &Scope, id: i64, today: NaiveDate) -> StoreResult<Note> {
    let mut q = QueryBuilder::new();
    conditions(&mut q, scope, &NoteFilter::default(), today);
    q.and("n.id = ?", args![id]);
    let n: Note = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    Ok(n.finish(today))
}

/// The accounts of a note's addressee: the person's, or the heads of the unit.
async fn addressee_accounts(tx: &mut Tx, unit_id: i64, person_id: Option<i64>) -> StoreResult<Vec<i64>> {
    let people = notify::person_or_heads(tx, unit_id, person_id).await?;
    notify::accounts_of(tx, &people).await
}

fn draft_json(d: &NoteDraft) -> Value {
    json!({"implementation_id": d.implementation_id, "task_id": d.task_id, "text": d.text,
           "deadline": d.deadline, "unit_id": d.unit_id, "person_id": d.person_id})
}

/// Opens a 督办 (the caller checked every id against the scope) and tells its addressee.
pub async fn create_note(db: &Db, actor: &Actor, d: &NoteDraft, today: NaiveDate) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO supervision_notes (implementation_id, task_id, text, deadline, unit_id, person_id, issued_on, \
             account_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            args![
                d.implementation_id,
                d.task_id,
                d.text.clone(),
                d.deadline,
                d.unit_id,
                d.person_id,
                today,
                actor.account_id,
                now
            ],
        )
        .await?;
    audit::append(&mut tx, actor, "create", "supervision_note", id, &audit::diff(&json!({}), &draft_json(d))).await?;
    let (title, unit_name): (String, String) = tx
        .fetch_one(
            "SELECT di.title, u.name FROM decision_implementations di, units u WHERE di.id = $1 AND u.id = $2",
            args![d.implementation_id, d.unit_id],
        )
        .await?;
    let to = addressee_accounts(&mut tx, d.unit_id, d.person_id).await?;
    let event = Event::SupervisionOpened { note_id: id, title, text: d.text.clone(), deadline: d.deadline, unit_name };
    notify::tell(&mut tx, actor, &to, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records the addressee's answer to a note not closed yet (a later answer replaces it), and
/// tells who opened it and the 纪检组 covering the unit.
pub async fn answer_note(db: &Db, actor: &Actor, note: &Note, answer: &str, today: NaiveDate) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            "UPDATE supervision_notes SET answer = $1, answered_on = $2, answer_account_id = $3, updated_at = $4 \
             WHERE id = $5 AND closed_on IS NULL",
            args![answer.to_string(), today, actor.account_id, crate::now(), note.id],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused("该督办已办结，不能再反馈".into()));
    }
    let change = json!({"answer": answer, "answered_on": today});
    audit::append(&mut tx, actor, "reply", "supervision_note", note.id, &change).await?;
    let mut to = notify::group_accounts(&mut tx, note.unit_id, Permission::SupervisionWrite).await?;
    to.extend(note.account_id);
    let event = Event::SupervisionAnswered {
        note_id: note.id,
        title: note.implementation_title.clone(),
        unit_name: note.unit_name.clone(),
        answer: answer.to_string(),
    };
    notify::tell(&mut tx, actor, &to, &event).await?;
    tx.commit().await
}

/// Closes an answered note (办结) and tells its addressee.
pub async fn close_note(db: &Db, actor: &Actor, note: &Note, words: &str, today: NaiveDate) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            "UPDATE supervision_notes SET closed_on = $1, close_note = $2, updated_at = $3 \
             WHERE id = $4 AND closed_on IS NULL AND answered_on IS NOT NULL",
            args![today, words.to_string(), crate::now(), note.id],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused("只有已反馈、未办结的督办可以办结".into()));
    }
    audit::append(&mut tx, actor, "close", "supervision_note", note.id, &json!({"closed_on": today, "note": words}))
        .await?;
    let to = addressee_accounts(&mut tx, note.unit_id, note.person_id).await?;
    let event = Event::SupervisionClosed {
        note_id: note.id,
        title: note.implementation_title.clone(),
        note: words.to_string(),
    };
    notify::tell(&mut tx, actor, &to, &event).await?;
    tx.commit().await
}
