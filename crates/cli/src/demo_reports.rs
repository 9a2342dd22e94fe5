//! Demo 个人有关事项 and 婚丧喜庆: every 县处级 leader filed this year's annual report before
//! 01-31 and the 纪检组 found them 如实; the demo 一般干部 (a 政府采购 post) is marked as having to
//! report and has not — the one missing report, in their 我的待办 and on the group's list; one
//! leader reported a life event. The same 一般干部 reported a son's wedding in time, and the
//! actual guests went over the cap (R-FAM-3).

use chrono::{Datelike, NaiveDate};
use qingfeng_domain::family::{ActualDraft, EventKind, FamilyEventDraft, DEFAULT_PLEDGE};
use qingfeng_domain::personal::{annual_due, event_due, LifeEvent, PersonalReportDraft, ReportKind, Review};
use qingfeng_store::{family_events, personal_reports, Actor, Db};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid demo date")
}

pub async fn seed(db: &Db, today: NaiveDate) -> anyhow::Result<()> {
    let actor = Actor { username: "demo".into(), ..Actor::system() };
    let group = Actor { username: "派驻纪检监察组".into(), ..Actor::system() };
    let y = today.year();
    let leaders: Vec<(i64,)> =
        db.fetch_all("SELECT id FROM people WHERE rank = 'county' AND status = 'active' ORDER BY id", vec![]).await?;
    let filed = day(y, 1, 20).min(today);
    for (i, (pid,)) in leaders.iter().enumerate() {
        let d = PersonalReportDraft {
            kind: ReportKind::Annual,
            year: y,
            event_kind: None,
            event_date: None,
            content: "本人婚姻、因私出国（境）证件、配偶子女从业和家庭房产、投资情况，与上年度相比无变化。".into(),
            reported_on: filed,
            due_on: annual_due(y, (1, 31)),
        };
        let id = personal_reports::create(db, &actor, *pid, &d).await?;
        personal_reports::review(db, &group, id, Review::Truthful, "").await?;
        if i == 1 && day(y, 7, 10) <= today {
            let event = day(y, 7, 10);
            let d = PersonalReportDraft {
                kind: ReportKind::Event,
                year: y,
                event_kind: Some(LifeEvent::TravelAbroad),
                event_date: Some(event),
                content: "7 月 3 日至 7 月 10 日因私赴香港探望亲属，出入境证件已按规定交回集中保管。".into(),
                reported_on: day(y, 7, 15),
                due_on: event_due(event, 30),
            };
            personal_reports::create(db, &actor, *pid, &d).await?;
        }
    }
    let Some(sql) = crate::demo_accounts::person_sql("ganbu") else { return Ok(()) };
    let Some((member,)) = db.fetch_optional::<(i64,)>(sql, vec![]).await? else { return Ok(()) };
    personal_reports::mark(db, &actor, member, "负责政府采购审批，单位列为报告对象").await?;
    // a son's wedding on Sunday 10-18, reported on Friday 10-09 (five working days before is
    // 10-12, counting the 调休 Saturday 10-10): on time; 230 guests came against a cap of 200
    let (wedding, reported) = (day(y, 10, 18), day(y, 10, 9));
    if wedding < today {
        let d = FamilyEventDraft {
            kind: EventKind::Wedding,
            event_date: wedding,
            place: "县城迎宾酒店".into(),
            relation: "儿子".into(),
            planned_people: 180,
            planned_tables: 18,
            planned_cars: 3,
            joint: false,
            joint_note: String::new(),
            pledge_text: DEFAULT_PLEDGE.into(),
        };
        let id = family_events::create(db, &actor, member, &d, reported, &[]).await?;
        let a = ActualDraft {
            actual_people: 230,
            actual_tables: 23,
            actual_cars: 3,
            client_gifts: false,
            gift_note: String::new(),
            gifts_handed_in_on: None,
        };
        family_events::report_actual(db, &actor, id, &a, day(y, 10, 20), &[]).await?;
    }
    Ok(())
}
