//! Reminders of 重大事项请示报告: a 请示 whose answer is overdue is reminded once, red, to the
//! person who reported it and the account that recorded it, so the unit chases the answer (or
//! records the one it has).

use chrono::NaiveDate;

use super::due::{add_accounts, Batch};
use super::{Directory, DueSubject, LEVEL_RED};
use crate::{args, Db, StoreResult};

#[derive(sqlx::FromRow)]
struct Unanswered {
    id: i64,
    person_id: i64,
    account_id: Option<i64>,
    title: String,
    addressee: String,
    submitted_on: NaiveDate,
    answer_due: NaiveDate,
}

pub(super) async fn request_reminders(
    db: &Db,
    dir: &Directory,
    today: NaiveDate,
    b: &mut Batch<'_>,
) -> StoreResult<()> {
    let rows: Vec<Unanswered> = db
        .fetch_all(
            "SELECT id, person_id, account_id, title, addressee, submitted_on, answer_due FROM major_matters \
             WHERE kind = 'request' AND answered_on IS NULL AND answer_due < $1 ORDER BY answer_due, id",
            args![today],
        )
        .await?;
    for m in rows {
        let mut to: Vec<i64> = m.account_id.into_iter().collect();
        add_accounts(dir, &[m.person_id], &mut to);
        let subject = DueSubject::RequestUnanswered {
            matter_id: m.id,
            title: m.title,
            addressee: m.addressee,
            submitted_on: m.submitted_on,
            due: m.answer_due,
        };
        b.push("request", m.id, "overdue", m.answer_due, &to, "request_unanswered", LEVEL_RED, subject);
    }
    Ok(())
}
