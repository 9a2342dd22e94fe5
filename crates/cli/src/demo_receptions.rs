//! Demo 公务接待: a year of the office's receptions, each checked as it is saved — among them
//! 11 guests with 4 accompanying diners (one third of 11, counted up), 10 guests with 4 (one
//! too many: flagged) and one received without a 公函 (flagged) — so that the register, its
//! filters, the 纪检组's list of failed checks and the 三公经费 spending have content.

use chrono::Duration;
use qingfeng_domain::receptions::{GuestFields, MealFields, ReceptionFields};
use qingfeng_store::{receptions, Actor, Db};

/// (days before today, sending unit, 公函 number or "" for none, purpose, guests, accompanying
/// diners, meal cost in 元, days the reception lasts)
type Spec = (i64, &'static str, &'static str, &'static str, i64, i64, &'static str, i64);

const SPECS: &[Spec] = &[
    (340, "市委办公室", "市委办函〔{y}〕3号", "调研机关党建工作", 4, 3, "320", 1),
    (300, "邻县县委办公室", "县委办函〔{y}〕11号", "学习交流督查督办工作经验", 6, 2, "420", 2),
    (270, "市纪委监委", "市纪函〔{y}〕8号", "检查中央八项规定精神落实情况", 3, 2, "250", 1),
    (230, "省委办公厅", "省委办函〔{y}〕21号", "调研基层减负工作", 11, 4, "960", 2),
    (200, "市档案馆", "市档函〔{y}〕5号", "指导档案数字化工作", 2, 2, "160", 1),
    (160, "市委政研室", "市研函〔{y}〕9号", "乡村振兴专题调研", 10, 4, "780", 2),
    (120, "邻县县委办公室", "", "考察机关食堂管理", 5, 2, "350", 1),
    (80, "市委保密办", "市保函〔{y}〕2号", "检查保密工作", 3, 1, "210", 1),
    (45, "市信息中心", "市信函〔{y}〕14号", "政务信息系统对接", 4, 2, "300", 2),
    (15, "市委办公室", "市委办函〔{y}〕40号", "年度目标考核", 8, 3, "560", 1),
];

/// Records the demo receptions for the office (as the system: nobody is notified); answers
/// how many.
pub async fn seed(db: &Db) -> anyhow::Result<usize> {
    let root: Option<(i64,)> = db.fetch_optional("SELECT id FROM units WHERE code = 'XWB'", vec![]).await?;
    let Some((unit_id,)) = root else { return Ok(0) };
    let actor = Actor::system();
    let today = qingfeng_store::fulfilment::today();
    let mut n = 0;
    for &(ago, from, letter, purpose, guests, acc, cost, days) in SPECS {
        let start = today - Duration::days(ago);
        let f = ReceptionFields {
            unit_id: Some(unit_id),
            letter_ref: letter.replace("{y}", &start.format("%Y").to_string()),
            letter_date: (start - Duration::days(7)).to_string(),
            letter_unit: from.into(),
            guest_city: "临江市".into(),
            guest_count: Some(guests),
            guests: (1..=guests)
                .map(|i| GuestFields {
                    unit: from.into(),
                    name: format!(
                        "{}{}",
                        ["张", "王", "李", "刘", "陈", "杨"][(i as usize) % 6],
                        ["同志", "处长", "科长"][(i as usize) % 3]
                    ),
                    post: if i == 1 { "带队领导".into() } else { "工作人员".into() },
                })
                .collect(),
            purpose: purpose.into(),
            starts_on: start.to_string(),
            ends_on: (start + Duration::days(days - 1)).to_string(),
            venues: "县委办公室会议室".into(),
            meals: vec![MealFields {
                date: start.to_string(),
                kind: "工作餐".into(),
                guests: Some(guests),
                accompanying: Some(acc),
                cost: cost.into(),
                venue_kind: "机关食堂".into(),
                venue: "县委机关食堂".into(),
                ..Default::default()
            }],
            accommodation: if days > 1 { "县委招待所（协议价）".into() } else { String::new() },
            accommodation_cost: if days > 1 { (guests * 260).to_string() } else { String::new() },
            transport: "集中乘坐公务车辆".into(),
            list_signed_by: "办公室主任".into(),
            has_invoice: true,
            has_letter_copy: !letter.is_empty(),
            has_list: true,
            ..Default::default()
        };
        let d = f.validate().map_err(|e| anyhow::anyhow!("demo reception {purpose}: {e:?}"))?;
        receptions::create(db, &actor, &d, qingfeng_store::now()).await?;
        n += 1;
    }
    Ok(n)
}
