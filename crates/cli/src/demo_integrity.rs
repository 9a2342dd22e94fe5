//! Demo 党风廉政意见回复: the 纪检组 answered the organisation department about the 分管领导
//! (fenguan) in the standard wording drawn from his 廉政档案, and signed the reply out, so that a
//! file lists a signed reply and the reply page and its .docx have content. The leaders' files
//! themselves are assembled from the demo's other records.

use std::sync::Arc;

use qingfeng_domain::integrity::{conclusion, reply_body, ReplyFields};
use qingfeng_domain::time::office_today;
use qingfeng_store::org::people;
use qingfeng_store::{integrity, Actor, Db, Scope};
use qingfeng_web::features::integrity_files::replies::facts;
use qingfeng_web::{AppState, WebConfig};

use crate::demo_accounts::person_sql;

async fn person_of(db: &Db, username: &str) -> anyhow::Result<Option<i64>> {
    let Some(sql) = person_sql(username) else { return Ok(None) };
    let row: Option<(i64,)> = db.fetch_optional(sql, vec![]).await?;
    Ok(row.map(|r| r.0))
}

/// One signed reply about fenguan's person, signed by jijian's person. Returns the replies made.
pub async fn seed(db: &Db) -> anyhow::Result<usize> {
    let (Some(leader), Some(signer)) = (person_of(db, "fenguan").await?, person_of(db, "jijian").await?) else {
        return Ok(0);
    };
    let state = AppState { db: db.clone(), config: Arc::new(WebConfig::default()), jobs: Default::default() };
    let person = people::get(db, &Scope::all(), leader).await?;
    let signer = people::get(db, &Scope::all(), signer).await?;
    let today = office_today();
    let f = facts(&state, &person, today).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let fields = ReplyFields {
        addressee: "中共清风县委组织部".into(),
        purpose: "拟提拔为县委办公室副主任".into(),
        body: reply_body(&f),
    };
    let actor = Actor { username: "demo".into(), ..Actor::system() };
    let id = integrity::create(db, &actor, person.id, person.unit_id, &fields, today, conclusion(&f)).await?;
    let draft = integrity::get(db, &Scope::all(), id).await?;
    integrity::sign(db, &actor, &draft, &signer.name, today).await?;
    Ok(1)
}
