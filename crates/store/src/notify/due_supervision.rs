//! Reminders of 督办: a note not answered nor closed is reminded yellow to its addressee (the
//! person named, or the head of the unit) from `lead_days` before its deadline up to the deadline
//! day, and red, also to the 纪检组, once the deadline has passed without an answer.

use chrono::{Duration, NaiveDate};

use super::due::{add_accounts, Batch};
use super::{Directory, DueSubject};
use crate::{args, Db, StoreResult};

#[derive(sqlx::FromRow)]
struct OpenNote {
    id: i64,
    title: String,
    text: String,
    deadline: NaiveDate,
    unit_id: i64,
    person_id: Option<i64>,
    person_name: Option<String>,
}

pub(super) async fn note_reminders(
    db: &Db,
    dir: &Directory,
    today: NaiveDate,
    lead_days: u32,
    b: &mut Batch<'_>,
) -> StoreResult<()> {
    let horizon = today + Duration::days(i64::from(lead_days));
    let rows: Vec<OpenNote> = db
        .fetch_all(
            "SELECT n.id, di.title, n.text, n.deadline, n.unit_id, n.person_id, p.name AS person_name \
             FROM supervision_notes n JOIN decision_implementations di ON di.id = n.implementation_id \
             LEFT JOIN people p ON p.id = n.person_id \
             WHERE n.closed_on IS NULL AND n.answered_on IS NULL AND n.deadline <= $1 ORDER BY n.deadline, n.id",
            args![horizon],
        )
        .await?;
    for n in rows {
        let people = match n.person_id {
            Some(p) => vec![p],
            None => dir.head(n.unit_id),
        };
        let mut to = Vec::new();
        add_accounts(dir, &people, &mut to);
        let subject = DueSubject::SupervisionNote {
            note_id: n.id,
            title: n.title,
            text: n.text,
            deadline: n.deadline,
            days_left: (n.deadline - today).num_days(),
            overdue: n.deadline < today,
            unit_name: dir.unit_name(n.unit_id).to_string(),
            person_name: n.person_name,
        };
        let kinds = ["supervision_due_soon", "supervision_overdue"];
        b.push_deadline(dir, ("supervision", n.id, n.deadline), to, kinds, subject);
    }
    Ok(())
}

/// Reminders of 问题线索 to the 纪检组: a 函询 reply or a 初步核实 due within `lead_days`
/// (yellow), or past its day (red).
pub(super) async fn clue_reminders(
    db: &Db,
    dir: &Directory,
    today: NaiveDate,
    lead_days: u32,
    b: &mut Batch<'_>,
) -> StoreResult<()> {
    let horizon = today + Duration::days(i64::from(lead_days));
    for c in crate::clues::due_by(db, horizon).await? {
        let Some(due) = c.due_on else { continue };
        let what = if c.state == "inquiring" { "函询回复" } else { "初步核实" };
        let subject = DueSubject::ClueDue {
            clue_id: c.id,
            register_no: c.register_no.clone(),
            what: what.into(),
            due,
            days_left: (due - today).num_days(),
            overdue: due < today,
        };
        let mut to = Vec::new();
        super::due::add_supervisors(dir, &mut to);
        b.push_deadline(dir, ("clue", c.id, due), to, ["clue_due_soon", "clue_overdue"], subject);
    }
    Ok(())
}
