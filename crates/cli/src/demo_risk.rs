//! Demo data of the 廉政风险防控台账: this year's register of a few departments, reviewed by the
//! 纪检监察组 — high points for 财务报销, 公务接待, 政府采购, 人事 (干部选拔任用) and 机要, some medium
//! and low ones (信息科's names the demo 一般干部 for a measure), one point returned for its missing measure and one waiting for review. Findings
//! seeded afterwards may name these points (see [`crate::demo_findings`]).

use std::collections::HashMap;

use chrono::{Datelike, Duration};
use qingfeng_domain::risk::{MeasureDraft, RiskCategory, RiskLevel, RiskPointDraft};
use qingfeng_store::fulfilment::today;
use qingfeng_store::risk as store;
use qingfeng_store::{Actor, Db};

use crate::demo_findings::{at, people};

use RiskCategory as C;
use RiskLevel as L;

/// What happens to a point in the review.
#[derive(Clone, Copy, PartialEq)]
enum Review {
    Accepted,
    Returned(&'static str),
    Submitted,
}

struct Spec {
    unit: &'static str,
    category: RiskCategory,
    post: &'static str,
    power: &'static str,
    point: &'static str,
    manifestation: &'static str,
    level: Option<RiskLevel>,
    /// measures; the review date (days from today) of each, None for none
    measures: &'static [(&'static str, Option<i64>)],
    review: Review,
}

const SPECS: &[Spec] = &[
    Spec {
        unit: "XWB-CWS",
        category: C::Process,
        post: "财务报销",
        power: "经费审核报销",
        point: "报销审核把关不严，虚列、套取公务接待等费用",
        manifestation: "凭无公函、无接待清单的发票报销餐费；化整为零、拆分报销；以会议费、培训费名义列支接待费用",
        level: Some(L::High),
        measures: &[
            ("报销实行经办人、财务审核、分管领导“三签”制度", Some(60)),
            ("公务接待费用报销须附公函、接待清单和发票“三单”", Some(90)),
        ],
        review: Review::Accepted,
    },
    Spec {
        unit: "XWB-JDB",
        category: C::Post,
        post: "公务接待",
        power: "接待安排和费用结算",
        point: "超标准、超范围接待，以“工作餐”名义公款宴请",
        manifestation: "陪餐人数超过规定；提供香烟、高档酒水；接待费用不实行一事一结",
        level: Some(L::High),
        measures: &[("严格执行接待清单和陪餐人数规定", Some(45)), ("接待费用一事一结、按月公示", Some(30))],
        review: Review::Accepted,
    },
    Spec {
        unit: "XWB-CWS",
        category: C::Process,
        post: "政府采购",
        power: "采购项目立项、询价和验收",
        point: "规避公开招标，指定供应商或围标串标",
        manifestation: "将应公开招标的项目拆分为多个小额项目；询价只找熟悉的供应商；验收走过场",
        level: Some(L::High),
        measures: &[
            ("达到限额的项目一律进入公共资源交易平台", Some(120)),
            ("采购验收实行两人以上共同验收并签字", None),
        ],
        review: Review::Accepted,
    },
    Spec {
        unit: "XWB-RSK",
        category: C::Post,
        post: "人事",
        power: "干部选拔任用、考核和职级晋升",
        point: "干部选拔任用中违反程序、“带病提拔”或打招呼说情",
        manifestation: "动议、民主推荐、考察环节走过场；廉政意见回复把关不严；收受请托人财物",
        level: Some(L::High),
        measures: &[("干部选拔任用全程纪实，纪检监察组列席", None), ("严格执行“凡提四必”", None)],
        review: Review::Accepted,
    },
    Spec {
        unit: "XWB-ZHK",
        category: C::System,
        post: "公务用车管理",
        power: "派车审批",
        point: "公车私用，节假日未封存",
        manifestation: "无派车单出车；节假日车辆未入库封存",
        level: Some(L::Medium),
        measures: &[("实行派车单和车辆定位管理", Some(30))],
        review: Review::Accepted,
    },
    Spec {
        unit: "XWB-DAK",
        category: C::Moral,
        post: "档案查阅",
        power: "查档审批",
        point: "违规提供档案查阅，泄露个人信息",
        manifestation: "未经审批提供查阅、复制",
        level: Some(L::Low),
        measures: &[("查档登记和审批留痕", Some(180))],
        review: Review::Accepted,
    },
    Spec {
        unit: "XWB-XXK",
        category: C::Post,
        post: "信息报送和网站发布",
        power: "信息审核发布",
        point: "信息审核把关不严，泄露工作秘密或发布不实信息",
        manifestation: "未经审核发布信息；利用信息报送收受好处、照顾关系",
        level: Some(L::Medium),
        measures: &[("信息发布实行三级审核", Some(75)), ("每季度开展一次保密自查", Some(100))],
        review: Review::Accepted,
    },
    Spec {
        unit: "XWB-JYK",
        category: C::Moral,
        post: "机要文件流转",
        power: "涉密文件收发和传阅",
        point: "违规复制、传阅涉密文件，借操办婚丧喜庆收受礼金",
        manifestation: "私自复印涉密文件；操办子女升学宴未事前报告",
        level: Some(L::High),
        measures: &[("涉密文件登记、签收、清退全程留痕", Some(40))],
        review: Review::Accepted,
    },
    Spec {
        unit: "XWB-MSK",
        category: C::Post,
        post: "文稿起草和会议组织",
        power: "会议筹备经费使用",
        point: "借会议名义变相发放补贴、安排宴请",
        manifestation: "会议费中列支与会议无关的支出",
        level: Some(L::Medium),
        measures: &[],
        review: Review::Returned("未制定防控措施，请补充具体措施和责任人后重新提交"),
    },
    Spec {
        unit: "XWB-DCS",
        category: C::External,
        post: "督查督办",
        power: "督查事项认定和通报",
        point: "督查中接受被督查单位宴请，对问题“睁一只眼闭一只眼”",
        manifestation: "督查期间在被督查单位就餐、接受土特产；对发现的问题不如实通报",
        level: Some(L::Medium),
        measures: &[("督查组实行“四不两直”，就餐按规定交费", Some(60))],
        review: Review::Submitted,
    },
];

/// Seeds this year's register; returns the point ids by (unit code, post), for the findings
/// that name them.
pub async fn seed(db: &Db) -> anyhow::Result<HashMap<(&'static str, &'static str), i64>> {
    let today = today();
    let year = today.year();
    let people = people(db).await?;
    let group = Actor { username: "派驻纪检监察组".into(), ..Actor::system() };
    // the 一般干部 of the demo answers for a measure of 信息科, so their register is not empty
    let member = match crate::demo_accounts::person_sql("ganbu") {
        Some(sql) => db.fetch_optional::<(i64,)>(sql, vec![]).await?.map(|r| r.0),
        None => None,
    };
    let mut ids = HashMap::new();
    let proposed = at(today - Duration::days(40));
    let reviewed = at(today - Duration::days(30));
    for spec in SPECS {
        let Some(&(unit_id, head, other, leader)) = people.by_code.get(spec.unit) else { continue };
        let unit = Actor { username: spec.unit.into(), ..Actor::system() };
        let measures = spec
            .measures
            .iter()
            .enumerate()
            .map(|(i, (text, review))| MeasureDraft {
                text: (*text).into(),
                person_id: match (i, spec.unit) {
                    (0, "XWB-XXK") => member.unwrap_or(other),
                    (0, _) => other,
                    _ => head,
                },
                review_on: review.map(|d| today + Duration::days(d)),
            })
            .collect();
        let d = RiskPointDraft {
            unit_id,
            year,
            category: spec.category,
            post: spec.post.into(),
            power: spec.power.into(),
            point: spec.point.into(),
            manifestation: spec.manifestation.into(),
            level: spec.level,
            head_id: Some(head),
            leader_id: leader,
            measures,
        };
        let id = store::create(db, &unit, &d, proposed).await?;
        ids.insert((spec.unit, spec.post), id);
    }
    // each unit submits its points, then the group reviews them
    let mut units: Vec<&str> = SPECS.iter().map(|s| s.unit).collect();
    units.sort_unstable();
    units.dedup();
    for code in units {
        let Some(&(unit_id, ..)) = people.by_code.get(code) else { continue };
        let unit = Actor { username: code.into(), ..Actor::system() };
        store::submit(db, &unit, unit_id, year, proposed).await?;
    }
    for spec in SPECS {
        let Some(&id) = ids.get(&(spec.unit, spec.post)) else { continue };
        match spec.review {
            Review::Accepted => store::accept(db, &group, id, reviewed).await?,
            Review::Returned(reason) => store::return_point(db, &group, id, reason, reviewed).await?,
            Review::Submitted => {}
        }
    }
    Ok(ids)
}
