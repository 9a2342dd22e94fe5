//! Demo 学习教育: in every party branch, a 专题学习 in spring where one member was away on
//! 公差 and made it up a week later, and a 警示教育 in early summer where one member was on 病假
//! and has not made it up yet (the 年轻干部 view and the member's figures show the gap).

use chrono::{Datelike, Duration, NaiveDate};
use qingfeng_domain::ledger::EntryDraft;
use qingfeng_domain::responsibility::EntryKind;
use qingfeng_domain::study::{AbsenceReason, AttendanceRow, AttendanceStatus, MakeupDraft, SessionDraft};
use qingfeng_store::fulfilment::today;
use qingfeng_store::org::branches;
use qingfeng_store::{study, Actor, Db, Scope};

/// (kind, month, day, topic, materials, reason of the one absence, made up after days)
type DemoSession = (EntryKind, u32, u32, &'static str, &'static str, AbsenceReason, Option<i64>);

const SESSIONS: &[DemoSession] = &[
    (
        EntryKind::Study,
        3,
        18,
        "学习《中国共产党纪律处分条例》",
        "条例全文；县纪委辅导课件",
        AbsenceReason::Official,
        Some(7),
    ),
    (
        EntryKind::WarningEducation,
        6,
        12,
        "观看警示教育片《警钟长鸣》",
        "警示教育片《警钟长鸣》",
        AbsenceReason::Sick,
        None,
    ),
];

/// Records the sessions dated up to today; answers how many.
pub async fn seed(db: &Db) -> anyhow::Result<usize> {
    let actor = Actor { username: "demo".into(), ..Actor::system() };
    let today = today();
    let y = today.year();
    let mut n = 0;
    for b in branches::list(db, &Scope::all()).await? {
        for (i, (kind, m, d, topic, materials, reason, made_up)) in SESSIONS.iter().enumerate() {
            let Some(date) = NaiveDate::from_ymd_opt(y, *m, *d).filter(|x| *x <= today) else { continue };
            let members = branches::members_on(db, b.id, date).await?;
            if members.len() < 2 {
                continue;
            }
            // a different member is away each time
            let away = members[(i + 1) % members.len()].person_id;
            let rows: Vec<AttendanceRow> = members
                .iter()
                .map(|m| AttendanceRow {
                    person_id: m.person_id,
                    status: if m.person_id == away { AttendanceStatus::Absent } else { AttendanceStatus::Present },
                    reason: (m.person_id == away).then_some(*reason),
                    note: String::new(),
                })
                .collect();
            let entry = EntryDraft {
                kind: *kind,
                meeting_type: None,
                date,
                place: "支部活动室".into(),
                content: format!("{topic}\n学习材料：{materials}"),
                unit_id: b.id,
                participants: rows
                    .iter()
                    .filter(|r| r.status == AttendanceStatus::Present)
                    .map(|r| r.person_id)
                    .collect(),
                items: vec![],
                tasks: vec![],
                cases: vec![],
                reason: String::new(),
            };
            let draft = SessionDraft {
                entry,
                organiser_id: b.secretary_id,
                topic: topic.to_string(),
                materials: materials.to_string(),
                rows,
            };
            let id = study::create(db, &actor, &draft, Some(b.id)).await?;
            n += 1;
            if let Some(after) = made_up {
                let on = date + Duration::days(*after);
                if on <= today {
                    let m = MakeupDraft { person_id: away, date: on, note: "自学并提交学习体会".into() };
                    study::add_makeup(db, &actor, id, &m).await?;
                }
            }
        }
    }
    Ok(n)
}
