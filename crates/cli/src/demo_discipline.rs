//! Demo 四种形态 and sanctions: the people responsible for some of the demo's 四风 findings were
//! talked to, criticised, admonished or sanctioned (one 政务记过 still in its 影响期), and the
//! demo 一般干部 had a reminder talk, so that the register, the monthly 四风 report's people
//! counts and a cadre's own view have content.

use chrono::{Duration, NaiveDate};
use qingfeng_domain::discipline::{Form, Measure, RecordDraft};
use qingfeng_domain::findings::Category;
use qingfeng_store::{discipline, Actor, Db};

/// (form, measure, deciding body, basis), in the order the findings were found.
const DECISIONS: &[(Form, Measure, &str, &str)] = &[
    (Form::Second, Measure::GovDemerit, "县纪委监委", "违规组织公款宴请并提供酒水，经审查属实。"),
    (Form::First, Measure::Criticism, "派驻纪检监察组", "对接受管理服务对象宴请问题进行批评教育，责令退还餐费。"),
    (Form::First, Measure::Admonition, "派驻纪检监察组", "超标准接待问题负有直接责任，予以诫勉。"),
    (Form::Second, Measure::PartyWarning, "县纪委", "违规公款吃喝，情节较重，给予党内警告处分。"),
    (Form::First, Measure::TalkReminder, "派驻纪检监察组", "形式主义问题苗头，进行谈话提醒。"),
];

pub async fn seed(db: &Db, today: NaiveDate) -> anyhow::Result<usize> {
    let actor = Actor::system();
    let rows: Vec<(i64, i64, i64, NaiveDate, String)> = db
        .fetch_all(
            "SELECT f.id, f.responsible_person_id, p.unit_id, f.found_on, f.category FROM findings f \
             JOIN people p ON p.id = f.responsible_person_id ORDER BY f.found_on, f.id",
            vec![],
        )
        .await?;
    let four_winds = |key: &str| Category::from_key(key).is_some_and(Category::is_four_winds);
    let findings: Vec<_> = rows.into_iter().filter(|r| four_winds(&r.4)).collect();
    let mut n = 0;
    for ((finding_id, person_id, unit_id, found, _), (form, measure, body, basis)) in findings.iter().zip(DECISIONS) {
        let d = RecordDraft {
            person_id: *person_id,
            form: *form,
            measure: *measure,
            decided_on: (*found + Duration::days(12)).min(today),
            deciding_body: body.to_string(),
            finding_id: Some(*finding_id),
            clue_id: None,
            basis: basis.to_string(),
        };
        discipline::create(db, &actor, &d, *unit_id, d.effect_until(measure.effect_default())).await?;
        n += 1;
    }
    n += own_talk(db, &actor, today).await?;
    Ok(n)
}

/// The demo 一般干部's reminder talk (no finding behind it).
async fn own_talk(db: &Db, actor: &Actor, today: NaiveDate) -> anyhow::Result<usize> {
    let Some((person_id, unit_id)) = crate::demo_matters::demo_cadre(db).await? else { return Ok(0) };
    let d = RecordDraft {
        person_id,
        form: Form::First,
        measure: Measure::TalkReminder,
        decided_on: today - Duration::days(30),
        deciding_body: "派驻纪检监察组".into(),
        finding_id: None,
        clue_id: None,
        basis: "工作群内转发与工作无关的商业推广信息，进行谈话提醒。".into(),
    };
    discipline::create(db, actor, &d, unit_id, None).await?;
    Ok(1)
}
