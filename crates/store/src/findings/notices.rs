//! Who each step of a finding tells ([`notify::tell`], in the step's transaction):
//!
//! - 反馈 → the unit's head (主要负责人, or its middle-level head) and the finding's responsible
//!   leader and person;
//! - 申请验收销号 → the 纪检监察组 covering the unit;
//! - 退回整改 → the responsible people (the finding's and its measures'), or the unit's head
//!   when none is named;
//! - 验收销号 → the unit's head and the responsible leader and people.

use chrono::NaiveDate;
use qingfeng_domain::findings::Action;

use crate::notify::{self, Event};
use crate::{args, Actor, StoreResult, Tx};

#[derive(sqlx::FromRow)]
struct About {
    unit_id: i64,
    unit_name: String,
    description: String,
    responsible_leader_id: Option<i64>,
    responsible_person_id: Option<i64>,
    look_back_due: Option<NaiveDate>,
}

/// Tells the people who act next that `action` was taken on finding `id`.
pub(super) async fn after_step(tx: &mut Tx, actor: &Actor, id: i64, action: Action, note: &str) -> StoreResult<()> {
    if actor.words.is_none() {
        return Ok(());
    }
    let f: About = tx
        .fetch_one(
            "SELECT f.unit_id, u.name AS unit_name, f.description, f.responsible_leader_id, f.responsible_person_id, \
             f.look_back_due FROM findings f JOIN units u ON u.id = f.unit_id WHERE f.id = $1",
            args![id],
        )
        .await?;
    let measure_people: Vec<(i64,)> = tx
        .fetch_all("SELECT DISTINCT responsible_person_id FROM rectification_measures WHERE finding_id = $1", args![id])
        .await?;
    let named: Vec<i64> = f.responsible_person_id.into_iter().chain(measure_people.into_iter().map(|r| r.0)).collect();
    let (finding_id, unit_name, description, note) = (id, f.unit_name.clone(), f.description.clone(), note.to_string());
    let (people, event) = match action {
        Action::Feedback => {
            let mut people = notify::unit_heads(tx, f.unit_id).await?;
            people.extend(f.responsible_leader_id.into_iter().chain(f.responsible_person_id));
            (people, Event::FindingFedBack { finding_id, unit_name, description, note })
        }
        Action::RequestSignOff => {
            let accounts = notify::sign_off_accounts(tx, f.unit_id).await?;
            let event = Event::SignOffRequested { finding_id, unit_name, description, note };
            notify::tell(tx, actor, &accounts, &event).await?;
            return Ok(());
        }
        Action::Return => {
            let people = if named.is_empty() { notify::unit_heads(tx, f.unit_id).await? } else { named };
            (people, Event::FindingReturned { finding_id, unit_name, description, reason: note })
        }
        Action::SignOff => {
            let mut people = notify::unit_heads(tx, f.unit_id).await?;
            people.extend(f.responsible_leader_id.into_iter().chain(named));
            (people, Event::FindingSignedOff { finding_id, unit_name, description, look_back_due: f.look_back_due })
        }
        _ => return Ok(()),
    };
    let accounts = notify::accounts_of(tx, &people).await?;
    notify::tell(tx, actor, &accounts, &event).await?;
    Ok(())
}
