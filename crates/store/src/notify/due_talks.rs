//! Reminders of 谈心谈话: a 任前廉政谈话 due after a post change, reminded every week to whoever
//! must hold it until it is recorded; and a talk's follow-ups, reminded once to the talkers and
//! the person responsible when the deadline is near (or just past).

use chrono::{Duration, NaiveDate};

use super::due::{add_accounts, Batch};
use super::{Directory, DueSubject, LEVEL_RED, LEVEL_YELLOW};
use crate::{args, Db, StoreResult};

/// A follow-up whose deadline passed more than this many days ago is no longer reminded (a
/// first pass after a long pause does not flood).
const FOLLOW_UP_LATE_DAYS: i64 = 30;

/// Who must hold the 任前廉政谈话 of a person newly in a post in `unit`: the leader the unit
/// answers to (its 分管 leader, or the 主要负责人 above it), or else the head of the unit; never
/// the person themself. People ids.
pub fn pre_talk_holders(dir: &Directory, unit: i64, person: i64) -> Vec<i64> {
    let mut holders: Vec<i64> = dir.leaders(unit).into_iter().filter(|p| *p != person).collect();
    if holders.is_empty() {
        holders = dir.head(unit).into_iter().filter(|p| *p != person).collect();
    }
    holders
}

pub(super) async fn talk_reminders(
    db: &Db,
    dir: &Directory,
    today: NaiveDate,
    lead_days: u32,
    b: &mut Batch<'_>,
) -> StoreResult<()> {
    for c in crate::talks::pre_appointment_due(db, today, None).await? {
        let changed_on = c.changed_on();
        let mut to = Vec::new();
        add_accounts(dir, &pre_talk_holders(dir, c.unit_id, c.person_id), &mut to);
        // one reminder a week from the change on, until the talk is recorded
        let weeks = (today - changed_on).num_days().max(0) / 7;
        let due = changed_on + Duration::days(weeks * 7);
        let level = if weeks == 0 { LEVEL_YELLOW } else { LEVEL_RED };
        let subject = DueSubject::PreAppointmentTalk {
            person_id: c.person_id,
            post: c.post(),
            person_name: c.person_name,
            changed_on,
        };
        b.push("pre_talk", c.transfer_id, "due", due, &to, "pre_talk_due", level, subject);
    }

    let horizon = today + Duration::days(i64::from(lead_days));
    let since = today - Duration::days(FOLLOW_UP_LATE_DAYS);
    for f in crate::talks::follow_ups_between(db, since, horizon).await? {
        let talkers: Vec<(i64,)> = db
            .fetch_all(
                "SELECT person_id FROM talk_people WHERE entry_id = $1 AND role = 'talker' ORDER BY person_id",
                args![f.entry_id],
            )
            .await?;
        let mut people: Vec<i64> = talkers.into_iter().map(|r| r.0).collect();
        people.push(f.person_id);
        let mut to = Vec::new();
        add_accounts(dir, &people, &mut to);
        let days_left = (f.deadline - today).num_days();
        let level = if days_left < 0 { LEVEL_RED } else { LEVEL_YELLOW };
        let subject = DueSubject::TalkFollowUp {
            entry_id: f.entry_id,
            talk_date: f.entry_date,
            content: f.content,
            deadline: f.deadline,
            days_left,
            person_name: f.person_name,
        };
        // keyed by the talk (not its version) and the person: a correction does not remind again
        let stage = format!("p{}", f.person_id);
        b.push("talk_follow_up", f.entry_key, &stage, f.deadline, &to, "talk_follow_up", level, subject);
    }
    Ok(())
}
