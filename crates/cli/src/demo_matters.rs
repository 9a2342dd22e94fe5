//! Demo 重大事项请示报告: the office's requests of the year (one answered, one overdue, one on a
//! 三重一大 project still waiting for its meeting), a half-year report, and one interference record
//! a cadre filed, so that the register, its filters, the overdue reminder and the 纪检组's view
//! have content.

use chrono::{Duration, NaiveDate};
use qingfeng_domain::major_matters::{AnswerDraft, MatterCategory, MatterDraft, MatterKind, ANSWER_DAYS_DEFAULT};
use qingfeng_store::{major_matters, Actor, Db};

/// (kind, category, addressee, title, content, days before today it was sent, answer: days
/// after it was sent and the words)
type Matter =
    (MatterKind, Option<MatterCategory>, &'static str, &'static str, &'static str, i64, Option<(i64, &'static str)>);

const MATTERS: &[Matter] = &[
    (
        MatterKind::Request,
        Some(MatterCategory::Personnel),
        "县委",
        "关于调整机关内设科室负责人的请示",
        "因工作需要，拟对综合科、信息科负责人进行调整，经办公室党组会研究，特此请示。",
        40,
        Some((12, "同意按干部选拔任用程序办理。")),
    ),
    (
        MatterKind::Request,
        Some(MatterCategory::Funds),
        "县财政局",
        "关于申请信息化建设专项资金的请示",
        "为推进机关办公信息化，申请专项资金 68 万元，用于设备更新和系统建设。",
        25,
        None,
    ),
    (
        MatterKind::Request,
        Some(MatterCategory::Project),
        "县委",
        "关于机关办公楼维修改造项目的请示",
        "办公楼屋面渗漏，拟实施维修改造，概算 120 万元。",
        5,
        None,
    ),
    (
        MatterKind::Report,
        None,
        "县纪委监委",
        "关于上半年落实党风廉政建设主体责任情况的报告",
        "上半年召开党组会专题研究党风廉政建设 2 次，开展谈心谈话 36 人次，整改问题 5 个。",
        150,
        None,
    ),
];

/// Records the demo matters (the requests as the 主要负责人, the interference record as the
/// 一般干部 of 信息科); answers how many.
pub async fn seed(db: &Db) -> anyhow::Result<usize> {
    let actor = Actor::system();
    let today = qingfeng_store::fulfilment::today();
    let principal: Option<(i64, i64)> = db
        .fetch_optional("SELECT id, unit_id FROM people WHERE roles LIKE '%principal%' ORDER BY id LIMIT 1", vec![])
        .await?;
    let Some((person_id, unit_id)) = principal else { return Ok(0) };
    let mut n = 0;
    for (kind, category, addressee, title, content, ago, answer) in MATTERS {
        let d = MatterDraft {
            kind: *kind,
            unit_id,
            person_id,
            addressee: addressee.to_string(),
            category: *category,
            title: title.to_string(),
            content: content.to_string(),
            submitted_on: today - Duration::days(*ago),
            leader: String::new(),
        };
        let id = major_matters::create(db, &actor, &d, d.answer_due(ANSWER_DAYS_DEFAULT)).await?;
        if let Some((after, words)) = answer {
            let a = AnswerDraft { answer: words.to_string(), answered_on: d.submitted_on + Duration::days(*after) };
            major_matters::answer(db, &actor, id, &a).await?;
        }
        n += 1;
    }
    n += interference(db, &actor, today).await?;
    Ok(n)
}

async fn interference(db: &Db, actor: &Actor, today: NaiveDate) -> anyhow::Result<usize> {
    let Some((person_id, unit_id)) = demo_cadre(db).await? else { return Ok(0) };
    let d = MatterDraft {
        kind: MatterKind::Interference,
        unit_id,
        person_id,
        addressee: String::new(),
        category: Some(MatterCategory::Project),
        title: "信息化项目采购中打招呼".into(),
        content: "某单位负责人来电，要求在信息化设备采购中“关照”其亲属经营的公司，已婉拒并记录。".into(),
        submitted_on: today - Duration::days(9),
        leader: "某单位负责人（副处级）".into(),
    };
    major_matters::create(db, actor, &d, None).await?;
    Ok(1)
}

/// The demo 一般干部 (the account `ganbu`): a cadre of 信息科 who is not its head; their person and unit.
pub async fn demo_cadre(db: &Db) -> anyhow::Result<Option<(i64, i64)>> {
    Ok(db
        .fetch_optional(
            "SELECT p.id, p.unit_id FROM people p JOIN units u ON u.id = p.unit_id WHERE u.code = 'XWB-XXK' \
             AND p.roles = 'cadre' AND p.title NOT LIKE '%科长%' ORDER BY p.id LIMIT 1",
            vec![],
        )
        .await?)
}
