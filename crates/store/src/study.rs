//! 学习教育与警示教育: study sessions (a ledger entry with organiser, topic, materials, branch and
//! attendance), make-up study (补学, append-only), per-person figures and the branch calendar of
//! R-BR-1…4 and R-BR-6 counted from the ledger's own credits.

use chrono::NaiveDate;
use qingfeng_domain::study::{AttendanceStatus, MakeupDraft, SessionDraft, CALENDAR_RULES};
use serde::Serialize;
use serde_json::json;

use crate::query::fetch_page;
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, StoreError, StoreResult};

/// A session as lists show it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// the ledger entry (version) id
    pub id: i64,
    pub kind: String,
    /// 会议类型 key for a meeting session, else ""
    pub meeting_type: String,
    pub entry_date: NaiveDate,
    pub place: String,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    /// the party branch the session belongs to (its unit, when that is a branch)
    pub branch_id: Option<i64>,
    pub organiser_id: Option<i64>,
    pub organiser_name: Option<String>,
    pub topic: String,
    pub materials: String,
    pub present: i64,
    pub absent: i64,
    pub made_up: i64,
}

const COLS: &str =
    "e.id, e.kind, e.meeting_type, e.entry_date, e.place, e.unit_id, u.name AS unit_name, u.path AS unit_path, \
    s.branch_id, s.organiser_id, o.name AS organiser_name, s.topic, s.materials, \
    (SELECT COUNT(*) FROM study_attendance a WHERE a.entry_id = e.id AND a.status = 'present') AS present, \
    (SELECT COUNT(*) FROM study_attendance a WHERE a.entry_id = e.id AND a.status = 'absent') AS absent, \
    (SELECT COUNT(*) FROM study_makeups m WHERE m.entry_id = e.id) AS made_up";
const FROM: &str =
    " FROM study_sessions s JOIN ledger_entries e ON e.id = s.entry_id JOIN units u ON u.id = e.unit_id \
    LEFT JOIN people o ON o.id = s.organiser_id";
/// The current version of an entry `e` (a correction copies the session to its new version).
const CURRENT: &str = crate::ledger::LIVE;
/// The reader's own sessions (those where they are on the attendance list).
const SELF_COND: &str = "e.id IN (SELECT entry_id FROM study_attendance WHERE person_id = ?)";

#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    pub year: Option<i64>,
    pub unit_id: Option<i64>,
    pub kind: Option<String>,
    pub person_id: Option<i64>,
}

/// Sessions inside the scope, newest first.
pub async fn list(
    db: &Db,
    scope: &crate::Scope,
    f: &SessionFilter,
    paging: Option<Paging>,
) -> StoreResult<Page<Session>> {
    let mut q = QueryBuilder::new();
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
    q.and(CURRENT, vec![]);
    if let Some(y) = f.year {
        q.and("e.entry_year = ?", args![y]);
    }
    if let Some(u) = f.unit_id {
        crate::query::restrict_to_unit(db, &mut q, "u.path", "e.unit_id", u, true).await?;
    }
    if let Some(k) = &f.kind {
        q.and("e.kind = ?", args![k.clone()]);
    }
    if let Some(p) = f.person_id {
        q.and("e.id IN (SELECT entry_id FROM study_attendance WHERE person_id = ?)", args![p]);
    }
    fetch_page(db, COLS, &format!("{FROM}{}", q.where_clause()), "e.entry_date DESC, e.id DESC", q.args(), paging).await
}

/// A session by id, or NotFound when outside the scope.
pub async fn get(db: &Db, scope: &crate::Scope, id: i64) -> StoreResult<Session> {
    let mut q = QueryBuilder::new();
    q.and("e.id = ?", args![id]);
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
    db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await
}

/// One attendance row with its make-up, if any.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendee {
    pub person_id: i64,
    pub name: String,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub unit_id: i64,
    pub title: String,
    /// present | absent
    pub status: String,
    /// AbsenceReason key for an absence
    pub reason: String,
    pub note: String,
    pub makeup_date: Option<NaiveDate>,
    pub makeup_note: Option<String>,
}

/// The attendance of a session, in the order of the units and names.
pub async fn attendance(db: &Db, entry_id: i64) -> StoreResult<Vec<Attendee>> {
    db.fetch_all(
        "SELECT a.person_id, p.name, u.name AS unit_name, u.path AS unit_path, u.id AS unit_id, p.title, a.status, a.reason, a.note, \
         m.makeup_date, m.note AS makeup_note \
         FROM study_attendance a JOIN people p ON p.id = a.person_id JOIN units u ON u.id = p.unit_id \
         LEFT JOIN study_makeups m ON m.entry_id = a.entry_id AND m.person_id = a.person_id \
         WHERE a.entry_id = $1 ORDER BY a.status, u.sort_path, p.name, p.id",
        args![entry_id],
    )
    .await
}

/// Records a session: its ledger entry (credited as any entry), the session row and the
/// attendance, audited, and tells each absentee with an account to make the study up.
pub async fn create(db: &Db, actor: &Actor, d: &SessionDraft, branch_id: Option<i64>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id = crate::ledger::create_in(&mut tx, actor, &d.entry).await?;
    tx.execute(
        "INSERT INTO study_sessions (entry_id, organiser_id, topic, materials, branch_id) VALUES ($1, $2, $3, $4, $5)",
        args![id, d.organiser_id, d.topic.clone(), d.materials.clone(), branch_id],
    )
    .await?;
    for r in &d.rows {
        tx.execute(
            "INSERT INTO study_attendance (entry_id, person_id, status, reason, note) VALUES ($1, $2, $3, $4, $5)",
            args![id, r.person_id, r.status.key(), r.reason.map_or("", |x| x.key()), r.note.clone()],
        )
        .await?;
    }
    let ids = |st: AttendanceStatus| d.rows.iter().filter(|r| r.status == st).map(|r| r.person_id).collect::<Vec<_>>();
    let reasons: Vec<&str> = d.absent().map(|r| r.reason.map_or("", |x| x.label())).collect();
    let diff = audit::diff(
        &json!({}),
        &json!({"entry_id": id, "organiser_id": d.organiser_id, "topic": d.topic, "materials": d.materials,
                "branch_id": branch_id, "present": ids(AttendanceStatus::Present),
                "absent": ids(AttendanceStatus::Absent), "absence_reasons": reasons}),
    );
    audit::append(&mut tx, actor, "create", "study_session", id, &diff).await?;
    let absent: Vec<i64> = d.absent().map(|r| r.person_id).collect();
    let accounts = crate::notify::accounts_of(&mut tx, &absent).await?;
    let event = crate::notify::Event::MakeupDue {
        entry_id: id,
        kind: d.entry.kind.key().to_string(),
        date: d.entry.date,
        topic: d.topic.clone(),
    };
    crate::notify::tell(&mut tx, actor, &accounts, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records a make-up study of an absentee. Refused for someone not absent from the session, or
/// already made up (the record is never changed).
pub async fn add_makeup(db: &Db, actor: &Actor, entry_id: i64, d: &MakeupDraft) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let status: Option<(String,)> = tx
        .fetch_optional(
            "SELECT status FROM study_attendance WHERE entry_id = $1 AND person_id = $2",
            args![entry_id, d.person_id],
        )
        .await?;
    match status {
        None => return Err(StoreError::field("person_id", "此人不在本次学习的出席登记中")),
        Some((s,)) if s != AttendanceStatus::Absent.key() => {
            return Err(StoreError::field("person_id", "此人已出席本次学习，无需补学"))
        }
        _ => {}
    }
    let done: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT id FROM study_makeups WHERE entry_id = $1 AND person_id = $2",
            args![entry_id, d.person_id],
        )
        .await?;
    if done.is_some() {
        return Err(StoreError::field("person_id", "此人的补学已登记"));
    }
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO study_makeups (entry_id, person_id, makeup_date, note, account_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            args![entry_id, d.person_id, d.date, d.note.clone(), actor.account_id, crate::now()],
        )
        .await?;
    let diff = audit::diff(
        &json!({}),
        &json!({"entry_id": entry_id, "person_id": d.person_id, "makeup_date": d.date, "note": d.note}),
    );
    audit::append(&mut tx, actor, "create", "study_makeup", id, &diff).await?;
    tx.commit().await?;
    Ok(id)
}

/// A person's figures for a year: sessions attended, missed, and made up.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonFigures {
    pub person_id: i64,
    pub name: String,
    pub unit_name: String,
    pub attended: i64,
    pub missed: i64,
    pub made_up: i64,
}

const FIGURES: &str = "p.id AS person_id, p.name, u.name AS unit_name, \
    (SELECT COUNT(*) FROM study_attendance a JOIN ledger_entries e ON e.id = a.entry_id \
      WHERE a.person_id = p.id AND a.status = 'present' AND e.entry_year = $1 AND \
      e.superseded = FALSE AND e.voided_at IS NULL) AS attended, \
    (SELECT COUNT(*) FROM study_attendance a JOIN ledger_entries e ON e.id = a.entry_id \
      WHERE a.person_id = p.id AND a.status = 'absent' AND e.entry_year = $1 AND \
      e.superseded = FALSE AND e.voided_at IS NULL) AS missed, \
    (SELECT COUNT(*) FROM study_makeups m JOIN ledger_entries e ON e.id = m.entry_id \
      WHERE m.person_id = p.id AND e.entry_year = $1 AND \
      e.superseded = FALSE AND e.voided_at IS NULL) AS made_up";

/// The figures of `year` for the people in the scope (optionally of one unit's subtree, or of
/// the given people) who are on any attendance list that year, in unit and name order.
pub async fn figures(
    db: &Db,
    scope: &crate::Scope,
    year: i64,
    unit_id: Option<i64>,
    people: Option<&[i64]>,
) -> StoreResult<Vec<PersonFigures>> {
    let mut q = QueryBuilder::new();
    let first = q.bind(year); // the year the columns read
    debug_assert_eq!(first, "$1");
    scope.restrict(&mut q, "u.path", "u.id", Some("p.id"));
    if let Some(u) = unit_id {
        crate::query::restrict_to_unit(db, &mut q, "u.path", "p.unit_id", u, true).await?;
    }
    match people {
        Some([]) => return Ok(vec![]),
        Some(ids) => {
            let marks = vec!["?"; ids.len()].join(", ");
            q.and(&format!("p.id IN ({marks})"), ids.iter().map(|i| crate::Arg::from(*i)).collect());
        }
        None => {
            q.and(
                &format!(
                    "p.id IN (SELECT a.person_id FROM study_attendance a JOIN ledger_entries e ON e.id = a.entry_id \
                     WHERE e.entry_year = ? AND {CURRENT})"
                ),
                args![year],
            );
        }
    }
    db.fetch_all(
        &format!(
            "SELECT {FIGURES} FROM people p JOIN units u ON u.id = p.unit_id{} ORDER BY u.sort_path, p.name, p.id",
            q.where_clause()
        ),
        q.args(),
    )
    .await
}

/// One session on a person's record for a year.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonSession {
    pub entry_id: i64,
    pub entry_date: NaiveDate,
    pub kind: String,
    pub meeting_type: String,
    pub topic: String,
    pub unit_name: String,
    pub status: String,
    pub reason: String,
    pub makeup_date: Option<NaiveDate>,
}

/// A person's sessions in `year`, newest first.
pub async fn person_sessions(db: &Db, person_id: i64, year: i64) -> StoreResult<Vec<PersonSession>> {
    db.fetch_all(
        "SELECT e.id AS entry_id, e.entry_date, e.kind, e.meeting_type, s.topic, u.name AS unit_name, a.status, a.reason, m.makeup_date \
         FROM study_attendance a JOIN ledger_entries e ON e.id = a.entry_id JOIN study_sessions s ON s.entry_id = e.id \
         JOIN units u ON u.id = e.unit_id \
         LEFT JOIN study_makeups m ON m.entry_id = a.entry_id AND m.person_id = a.person_id \
         WHERE a.person_id = $1 AND e.entry_year = $2 AND e.superseded = FALSE AND e.voided_at IS NULL ORDER BY e.entry_date DESC, e.id DESC",
        args![person_id, year],
    )
    .await
}

/// Credits per calendar rule and month of `year` for branch `branch_id`, counted from the
/// ledger's credits (current versions only): the branch's own R-BR-1…4 items, and the R-BR-6
/// items of whoever was its 书记 during the year. Returns (code, month, count).
pub async fn calendar_counts(db: &Db, branch_id: i64, year: i32) -> StoreResult<Vec<(String, i64, i64)>> {
    let branch_codes: Vec<String> =
        CALENDAR_RULES.iter().filter(|r| !r.by_secretary).map(|r| format!("'{}'", r.code)).collect();
    let secretary_codes: Vec<String> =
        CALENDAR_RULES.iter().filter(|r| r.by_secretary).map(|r| format!("'{}'", r.code)).collect();
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| StoreError::field("year", "年度无效"))?;
    let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(|| StoreError::field("year", "年度无效"))?;
    // the codes are the domain's constants, never input
    db.fetch_all(
        &format!(
            "SELECT i.code, c.month, COUNT(*) FROM ledger_credits c JOIN responsibility_items i ON i.id = c.item_id \
             WHERE c.year = $1 AND ( \
               (i.unit_id = $2 AND i.person_id IS NULL AND i.code IN ({})) \
               OR (i.code IN ({}) AND i.person_id IN (SELECT person_id FROM party_branch_committee \
                   WHERE branch_id = $2 AND post = 'secretary' AND from_date < $4 AND (to_date IS NULL OR to_date > $3)))) \
             GROUP BY i.code, c.month ORDER BY i.code, c.month",
            branch_codes.join(", "),
            secretary_codes.join(", ")
        ),
        args![i64::from(year), branch_id, first, next],
    )
    .await
}

/// A young cadre with what the 年轻干部 view shows for a year.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YoungCadre {
    pub person_id: i64,
    pub name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub birth_date: NaiveDate,
    /// talks of the year (谈心谈话 module, every kind) held with the person (as 谈话对象)
    pub talks: i64,
    /// study sessions attended (any kind) and 警示教育 among them
    pub attended: i64,
    pub warning_attended: i64,
    pub missed: i64,
    pub made_up: i64,
    /// findings the person is responsible for that are not signed off
    pub open_findings: i64,
}

const YOUNG: &str = "p.id AS person_id, p.name, p.unit_id, u.name AS unit_name, p.title, p.birth_date, \
    (SELECT COUNT(DISTINCT tp.entry_id) FROM talk_people tp JOIN ledger_entries e ON e.id = tp.entry_id \
      WHERE tp.person_id = p.id AND tp.role = 'counterpart' AND e.entry_year = $1 \
      AND e.superseded = FALSE AND e.voided_at IS NULL) AS talks, \
    (SELECT COUNT(*) FROM study_attendance a JOIN ledger_entries e ON e.id = a.entry_id \
      WHERE a.person_id = p.id AND a.status = 'present' AND e.entry_year = $1 AND \
      e.superseded = FALSE AND e.voided_at IS NULL) AS attended, \
    (SELECT COUNT(*) FROM study_attendance a JOIN ledger_entries e ON e.id = a.entry_id \
      WHERE a.person_id = p.id AND a.status = 'present' AND e.entry_year = $1 AND \
      e.superseded = FALSE AND e.voided_at IS NULL AND e.kind = 'warning_education') AS warning_attended, \
    (SELECT COUNT(*) FROM study_attendance a JOIN ledger_entries e ON e.id = a.entry_id \
      WHERE a.person_id = p.id AND a.status = 'absent' AND e.entry_year = $1 AND \
      e.superseded = FALSE AND e.voided_at IS NULL) AS missed, \
    (SELECT COUNT(*) FROM study_makeups m JOIN ledger_entries e ON e.id = m.entry_id \
      WHERE m.person_id = p.id AND e.entry_year = $1 AND \
      e.superseded = FALSE AND e.voided_at IS NULL) AS made_up, \
    (SELECT COUNT(*) FROM findings f WHERE f.responsible_person_id = p.id AND f.state <> 'signed_off' \
      AND f.voided_at IS NULL) AS open_findings";

/// The people in the scope born after `born_after` (younger than the setting's age) and still
/// serving, with their figures for `year`, in unit and name order.
pub async fn young_cadres(
    db: &Db,
    scope: &crate::Scope,
    year: i64,
    born_after: NaiveDate,
) -> StoreResult<Vec<YoungCadre>> {
    let mut q = QueryBuilder::new();
    let first = q.bind(year);
    debug_assert_eq!(first, "$1");
    q.and("p.birth_date > ?", args![born_after]);
    q.and("p.status = 'active' AND p.voided_at IS NULL", vec![]);
    scope.restrict(&mut q, "u.path", "u.id", Some("p.id"));
    db.fetch_all(
        &format!(
            "SELECT {YOUNG} FROM people p JOIN units u ON u.id = p.unit_id{} ORDER BY u.sort_path, p.name, p.id",
            q.where_clause()
        ),
        q.args(),
    )
    .await
}

/// A correction of a session's ledger entry (version `from` → `to`) keeps the session and keeps
/// its attendance in step with the corrected participant list, in the correction's transaction:
/// a participant is present; someone present before and no longer a participant is absent
/// (reason not stated); an absence stays an absence, with its make-up. Audited when the
/// attendance changed. Nothing happens for an entry that is not a study session.
pub(crate) async fn carry_forward(
    tx: &mut crate::Tx,
    actor: &Actor,
    from: i64,
    to: i64,
    participants: &[i64],
) -> StoreResult<()> {
    let copied = tx
        .execute(
            "INSERT INTO study_sessions (entry_id, organiser_id, topic, materials, branch_id) \
             SELECT $2, organiser_id, topic, materials, branch_id FROM study_sessions WHERE entry_id = $1",
            args![from, to],
        )
        .await?;
    if copied == 0 {
        return Ok(());
    }
    let before: Vec<(i64, String, String, String)> = tx
        .fetch_all(
            "SELECT person_id, status, reason, note FROM study_attendance WHERE entry_id = $1 ORDER BY person_id",
            args![from],
        )
        .await?;
    let present = AttendanceStatus::Present.key();
    let absent = AttendanceStatus::Absent.key();
    let mut after: Vec<(i64, &str, String, String)> = Vec::new();
    for (person, status, reason, note) in &before {
        if participants.contains(person) {
            after.push((*person, present, String::new(), note.clone()));
        } else if status == present {
            after.push((*person, absent, String::new(), "台账更正后不在参加人员中".into()));
        } else {
            after.push((*person, absent, reason.clone(), note.clone()));
        }
    }
    for p in participants.iter().filter(|p| !before.iter().any(|b| b.0 == **p)) {
        after.push((*p, present, String::new(), String::new()));
    }
    for (person, status, reason, note) in &after {
        tx.execute(
            "INSERT INTO study_attendance (entry_id, person_id, status, reason, note) VALUES ($1, $2, $3, $4, $5)",
            args![to, *person, *status, reason.clone(), note.clone()],
        )
        .await?;
    }
    // a make-up stays with an absence that remains
    tx.execute(
        "INSERT INTO study_makeups (entry_id, person_id, makeup_date, note, account_id, created_at) \
         SELECT $2, m.person_id, m.makeup_date, m.note, m.account_id, m.created_at FROM study_makeups m \
         JOIN study_attendance a ON a.entry_id = $2 AND a.person_id = m.person_id AND a.status = 'absent' \
         WHERE m.entry_id = $1",
        args![from, to],
    )
    .await?;
    let ids = |rows: Vec<(i64, &str)>, st: &str| -> Vec<i64> {
        rows.into_iter().filter(|r| r.1 == st).map(|r| r.0).collect()
    };
    let old: Vec<(i64, &str)> = before.iter().map(|b| (b.0, b.1.as_str())).collect();
    let new: Vec<(i64, &str)> = after.iter().map(|a| (a.0, a.1)).collect();
    let (was, now) = (
        json!({"present": ids(old.clone(), present), "absent": ids(old, absent)}),
        json!({"present": ids(new.clone(), present), "absent": ids(new, absent)}),
    );
    if was != now {
        let mut diff = audit::diff(&was, &now);
        diff["entry_id"] = json!(to);
        diff["corrects"] = json!(from);
        audit::append(tx, actor, "update", "study_attendance", to, &diff).await?;
    }
    Ok(())
}

/// Writes imported attendance rows onto version `to` of a session (just corrected from
/// `from`): each row replaces the person's record; a make-up stays only with an absence.
/// Returns (rows new to the list, rows changed).
pub(crate) async fn apply_rows(
    tx: &mut crate::Tx,
    from: i64,
    to: i64,
    rows: &[qingfeng_domain::study::AttendanceRow],
) -> StoreResult<(usize, usize)> {
    let before: Vec<(i64, String, String, String)> = tx
        .fetch_all("SELECT person_id, status, reason, note FROM study_attendance WHERE entry_id = $1", args![from])
        .await?;
    let (mut created, mut updated) = (0, 0);
    for r in rows {
        let reason = r.reason.map_or("", |x| x.key()).to_string();
        match before.iter().find(|b| b.0 == r.person_id) {
            None => created += 1,
            Some(b)
                if (b.1.as_str(), b.2.as_str(), b.3.as_str()) != (r.status.key(), reason.as_str(), r.note.as_str()) =>
            {
                updated += 1
            }
            Some(_) => {}
        }
        tx.execute("DELETE FROM study_attendance WHERE entry_id = $1 AND person_id = $2", args![to, r.person_id])
            .await?;
        tx.execute(
            "INSERT INTO study_attendance (entry_id, person_id, status, reason, note) VALUES ($1, $2, $3, $4, $5)",
            args![to, r.person_id, r.status.key(), reason, r.note.clone()],
        )
        .await?;
    }
    tx.execute(
        "DELETE FROM study_makeups WHERE entry_id = $1 AND person_id IN \
         (SELECT person_id FROM study_attendance WHERE entry_id = $1 AND status = 'present')",
        args![to],
    )
    .await?;
    Ok((created, updated))
}
